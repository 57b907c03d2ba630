"""What a scalar ``Value`` node and its edges say in a diagram.

A node shows its name (with the formula that made it), data and grad. An edge
parent → child shows the local derivative ∂child/∂parent and the contribution it
sends back, local × child.grad, which backward() adds into parent.grad.
"""
from __future__ import annotations

from typing import Any

from viz.labels import escape, fmt

PREFIX = "v"  # unlabelled nodes are named v1, v2, ...
EDGE_LEGEND = ("∂child/∂parent", "local × child.grad = what it adds into parent.grad")


def kind(node: Any) -> str:
    """'param', 'input' (named leaf), 'const' (unnamed leaf) or 'op'."""
    if node.is_parameter:
        return "param"
    if not node.parents:
        return "input" if node.label else "const"
    return "op"


def grad(node: Any) -> float:
    return node.grad


def node_rows(node: Any, grad: float | None, precision: int, show_grad: bool) -> list[tuple[str, str]]:
    """The (name, value) rows under the title; ``grad`` None means not reached yet."""
    rows = [("data", fmt(node.data, precision))]
    if show_grad:
        rows.append(("grad", "?" if grad is None else fmt(grad, precision)))
    return rows


def local_text(child: Any, index: int, names: dict[int, str]) -> str | None:
    """∂child/∂parent as the op table's formula, in the nodes' names (``b`` for ``a*b``)."""
    fn = child.fn
    if fn is None:
        return None
    text = fn.text[min(index, len(fn.text) - 1)]  # an n-ary sum has one text for all
    return text.format(*(names[id(p)] for p in child.parents), out=names[id(child)],
                       p=fmt(child.params[0], 4) if child.params else "")


def edge_lines(child: Any, index: int, names: dict[int, str], child_grad: float | None,
               share: float | None, precision: int, show_local: bool,
               show_grad: bool) -> list[tuple[str, bool]]:
    """Lines of the label on the edge from ``child.parents[index]`` to ``child``.

    Each line is (escaped HTML text, is_contribution). ``share`` None means the
    contribution has not been sent yet (step-through), so only the local part shows.
    """
    local = child.local_grads[index]
    child_name, parent_name = names[id(child)], names[id(child.parents[index])]
    lines = []
    if show_local:
        formula = local_text(child, index, names)
        number = fmt(local, precision)
        same = formula is not None and formula.replace("−", "-") == number  # "−1" is just -1
        shown = number if formula is None or same else f"{formula} = {number}"
        lines.append((f"∂{escape(child_name)}/∂{escape(parent_name)} = {escape(shown)}", False))
    if show_grad and share is not None and child_grad is not None:
        sent = fmt(share, precision)
        lines.append((f"{fmt(local, precision)} × {fmt(child_grad, precision)} = {sent}", True))
    return lines


def const_name(node: Any) -> str | None:
    """A plain number in an expression is named by its value (``2``), not ``v7``."""
    if node.parents or node.label or node.is_parameter:
        return None
    return f"{node.data:g}"


def _number(x: float, precision: int | None) -> str:
    """Every digit (``repr``) unless a precision is asked for."""
    return repr(x) if precision is None else fmt(x, precision)


def explain_seed(root: Any, name: str, precision: int | None = None) -> str:
    if root.grad != 1.0:  # backward() not run from here (or a leaf root run twice)
        return (f"{name}.grad = {_number(root.grad, precision)}, not the seed 1.0: call "
                f"{name}.backward() (once, after zero_grad()) before explaining its graph")
    return f"{name}.grad = {_number(1.0, precision)}   (the seed: ∂{name}/∂{name} = 1)"


def explain_sum(node: Any, name: str, uses: list[tuple], names: dict[int, str], grads: dict,
                shares: dict, precision: int | None = None) -> str:
    """``a.grad = ∂c/∂a·c.grad + ... = (l)(g) + ... = total``, summed as backward sums."""
    def n(x: Any) -> str:
        return _number(x, precision)
    symbols, numbers = [], []
    total = 0.0
    for child, index in uses:
        child_name = names[id(child)]
        symbols.append(f"∂{child_name}/∂{name}·{child_name}.grad")
        numbers.append(f"({n(child.local_grads[index])})({n(grads.get(child, 0.0))})")
        total += shares.get((child, index), 0.0)
    text = f"{name}.grad = {' + '.join(symbols)} = {' + '.join(numbers)} = {n(total)}"
    if total != node.grad:
        text += (f"   (note: {name}.grad holds {n(node.grad)}: a leaf keeps summing over "
                 "backward() calls until zero_grad(), or backward() last ran from another root)")
    return text
