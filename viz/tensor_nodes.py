"""What a numpy ``Tensor`` node and its edges say in a diagram.

A node shows its shape and dtype and a short summary of data and grad: the full
values when there are at most ``SMALL`` of them, otherwise mean and L2 norm. An edge
names the local rule that turns the child's gradient ``g`` into the parent's share,
from the table below, and (once sent) summarises that share.

The rule texts come from the op table (``TensorOp.text``, beside each rule), with
``{0}``, ``{1}`` (the parents), ``{out}`` (the child) and ``{g}`` (the child's grad);
⊙ is the elementwise product; shares are summed back over broadcast axes, as
backward does. An op without a text falls back to "VJP of <op>".
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from viz.labels import escape, fmt

PREFIX = "t"  # unlabelled tensors are named t1, t2, ...
SMALL = 6     # at most this many elements are shown in full
EDGE_LEGEND = ("the rule mapping child.grad to the parent's share (⊙ elementwise)",
               "the share it adds into parent.grad")

BROADCASTING = {"+", "-", "*", "/", "**"}


def rule(child: Any, index: int, names: dict[int, str]) -> str:
    """The local rule on the edge from ``child.parents[index]`` to ``child``, as text."""
    op = child.op
    templates = child.fn.text if child.fn is not None else ()
    if index >= len(templates):
        return f"VJP of {op}"
    parents = [names[id(p)] for p in child.parents]
    child_name = names[id(child)]
    text = templates[index].format(*parents, out=child_name, g=f"{child_name}.grad",
                                   params=child.params)
    if op in BROADCASTING:
        shape = child.parents[index].data.shape
        if shape != child.data.shape:
            # A broadcast operand (a bias over a batch) gets its share summed back to its shape.
            text += f", summed to shape {shape}"
    return text


def kind(node: Any) -> str:
    if node.is_parameter:
        return "param"
    if not node.parents:
        return "input" if (node.label or node.requires_grad) else "const"
    return "op"


def const_name(node: Any) -> str | None:
    """A one-element constant is named by its value; bigger constants get t1, t2, ..."""
    if node.parents or node.label or node.is_parameter or node.requires_grad:
        return None
    return f"{node.data.item():g}" if node.data.size == 1 else None


def shape_text(array: np.ndarray) -> str:
    return ("×".join(str(n) for n in array.shape) or "scalar") + f" {array.dtype}"


def summary(array: np.ndarray, precision: int) -> str:
    """Full values for small arrays, else mean and L2 norm (computed in float64)."""
    if array.size <= SMALL:
        values = np.asarray(array, dtype=np.float64)
        if values.ndim == 0:
            return fmt(values.item(), precision)
        return _nested(values, precision)
    mean, norm = _mean_norm(array)
    return f"mean {fmt(mean, precision)}, ‖·‖ {fmt(norm, precision)}"


_CHUNK = 1 << 20  # elements converted to float64 at a time: bounded memory for big batches


def _mean_norm(array: np.ndarray) -> tuple[float, float]:
    """Mean and L2 norm accumulated in float64, one chunk at a time (no full float64 copy)."""
    flat = array.reshape(-1)
    total = squares = 0.0
    for start in range(0, flat.size, _CHUNK):
        part = flat[start:start + _CHUNK].astype(np.float64)
        total += float(part.sum())
        squares += float(part @ part)
    return total / flat.size, math.sqrt(squares)


def _nested(values: np.ndarray, precision: int) -> str:
    if values.ndim == 1:
        return "[" + ", ".join(fmt(v, precision) for v in values) + "]"
    return "[" + ", ".join(_nested(row, precision) for row in values) + "]"


def grad(node: Any) -> Any:
    """The node's gradient, or None for tensors that do not require grad."""
    return node.grad if node.requires_grad else None


def node_rows(node: Any, grad_value: Any, precision: int, show_grad: bool) -> list[tuple[str, str]]:
    rows = [("shape", escape(shape_text(node.data))), ("data", summary(node.data, precision))]
    if show_grad:
        if not node.requires_grad:
            rows.append(("grad", "none (constant)"))
        else:
            rows.append(("grad", "?" if grad_value is None else summary(grad_value, precision)))
    return rows


def edge_lines(child: Any, index: int, names: dict[int, str], child_grad: Any, share: Any, precision: int,
               show_local: bool, show_grad: bool) -> list[tuple[str, bool]]:
    lines = []
    vjp = child.local_grads[index]
    if show_local:
        text = rule(child, index, names) if vjp is not None else "no gradient (constant)"
        lines.append((escape(text), False))
    if show_grad and share is not None:
        lines.append((f"sends {summary(share, precision)}", True))
    return lines


def explain_seed(root: Any, name: str, precision: int | None = None) -> str:
    if not root.requires_grad or not np.any(root.grad):
        return (f"{name}.grad is zero: call {name}.backward() before explaining its graph "
                f"(a root needs requires_grad, i.e. an input created with requires_grad=True)")
    return (f"{name}.grad = {summary(root.grad, precision or 6)}   (the seed of backward(); "
            f"shape {shape_text(root.data)})")


def explain_sum(node: Any, name: str, uses: list[tuple], names: dict[int, str], grads: dict,
                shares: dict, precision: int | None = None) -> str:
    """Shape-level chain rule: one rule per use, each share summarised, then the total."""
    digits = precision or 6
    head = f"{name}.grad ({shape_text(node.data)})"
    if not node.requires_grad:
        return f"{head}: none, {name} does not require grad (a constant or data)"
    terms, sums = [], []
    total: Any = None  # the shares summed so far, an array once one arrives
    for child, index in uses:
        share = shares.get((child, index))
        if share is None:
            continue
        terms.append(rule(child, index, names))
        sums.append(summary(share, digits))
        total = share if total is None else total + share
    text = f"{head} = {' + '.join(f'[{t}]' for t in terms)} = {' + '.join(sums)}"
    if len(sums) > 1:
        text += f" = {summary(total, digits)}"
    if total is None or not np.array_equal(total, node.grad):
        text += (f"   (note: {name}.grad holds {summary(node.grad, digits)}: a leaf keeps summing "
                 "over backward() calls until zero_grad(), or backward() last ran from another root)")
    return text
