"""Compare ``backward()`` with central finite differences, for any engine's nodes.

A node's ``data`` is either a Python float (``Value``) or a numpy array (``Tensor``);
everything here works on a float64 copy of it, so one checker serves both engines.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from autograd.gradients import grad
from autograd.recording import enable_grad, no_grad
from autograd.value import Value


@dataclass(frozen=True)
class GradcheckRow:
    """One input's gradients: what backward computed and what differences measured."""

    name: str
    analytic: np.ndarray
    numeric: np.ndarray
    max_abs_error: float
    ok: bool


class GradcheckReport(list):
    """The rows of a passed check; prints as a table."""

    def __str__(self) -> str:
        return "\n".join(_format_row(row) for row in self)


def _format_row(row: GradcheckRow) -> str:
    status = "ok" if row.ok else "MISMATCH"
    analytic = np.array2string(row.analytic, precision=6, threshold=8)
    numeric = np.array2string(row.numeric, precision=6, threshold=8)
    return (f"{row.name}: analytic {analytic}  numeric {numeric}  "
            f"max |diff| {row.max_abs_error:.3g}  {status}")


def _get(node: Any) -> np.ndarray:
    return np.array(node.data, dtype=np.float64)  # a copy, never a view


def _set(node: Any, values: np.ndarray) -> None:
    if isinstance(node.data, np.ndarray):
        node.data[...] = values
    else:
        node.data = float(values)


def _scalar(out: Any) -> float:
    data = np.asarray(out.data)
    if data.size != 1:
        raise ValueError(
            f"gradcheck: f must return a scalar node, got data of shape {data.shape}; "
            "reduce it, for example with .sum()"
        )
    return float(data.reshape(()))


def _numeric_grad(f: Callable, inputs: Sequence, index: int, eps: float) -> np.ndarray:
    node = inputs[index]
    original = _get(node)
    grad = np.zeros_like(original)
    flat, flat_grad = original.reshape(-1), grad.reshape(-1)
    try:
        for k in range(flat.size):
            probe = flat.copy()
            probe[k] = flat[k] + eps
            _set(node, probe.reshape(original.shape))
            plus = _scalar(f(*inputs))
            probe[k] = flat[k] - eps
            _set(node, probe.reshape(original.shape))
            minus = _scalar(f(*inputs))
            flat_grad[k] = (plus - minus) / (2.0 * eps)
    finally:
        _set(node, original)
    return grad


def _check_float64(inputs: Sequence, where: str) -> None:
    if not inputs:
        raise ValueError(f"{where}: give at least one input node")
    for i, node in enumerate(inputs):
        dtype = getattr(node.data, "dtype", None)
        if dtype is not None and dtype != np.float64:
            # float32 rounds x ± eps, so the differences would be wrong numbers and the
            # report a false MISMATCH (x*x at 1.0 measures 1.907 instead of 2).
            raise TypeError(f"{where}: input {node.label or i} has dtype {dtype}; central "
                            f"differences need float64 data, e.g. "
                            f"Tensor(x.astype(np.float64), requires_grad=True)")


def _compare(f: Callable, inputs: Sequence, analytic: list, eps: float, rtol: float,
             atol: float, where: str) -> GradcheckReport:
    """Rows of analytic against central differences of the scalar ``f``; raise on mismatch."""
    report = GradcheckReport()
    with no_grad():
        for i, node in enumerate(inputs):
            numeric = _numeric_grad(f, inputs, i, eps)
            error = np.abs(analytic[i] - numeric)
            ok = bool(np.all(error <= atol + rtol * np.abs(numeric)))
            name = node.label or f"input {i}"
            report.append(GradcheckRow(name, analytic[i], numeric, float(error.max(initial=0.0)), ok))
    bad = [row for row in report if not row.ok]
    if bad:
        lines = "\n".join(_format_row(row) for row in bad)
        raise AssertionError(f"{where}: {len(bad)} of {len(report)} inputs mismatch\n{lines}")
    return report


def gradcheck(f: Callable, inputs: Sequence, eps: float = 1e-6,
              rtol: float = 1e-5, atol: float = 1e-7) -> GradcheckReport:
    """Check ``f(*inputs).backward()`` against central differences of step ``eps``.

    ``f`` must return a scalar node. Each input's analytic gradient must satisfy
    ``|analytic - numeric| <= atol + rtol * |numeric|`` element by element. Returns
    a report with every input's gradients; raises ``AssertionError`` listing the
    inputs that mismatch. Use float64 data: float32 cannot resolve small ``eps``.
    """
    inputs = list(inputs)
    _check_float64(inputs, "gradcheck")
    for node in inputs:
        node.zero_grad()
    f(*inputs).backward()
    analytic = [np.array(node.grad, dtype=np.float64) for node in inputs]
    for node in inputs:
        node.zero_grad()
    return _compare(f, inputs, analytic, eps, rtol, atol, "gradcheck")


def gradgradcheck(f: Callable, inputs: Sequence, eps: float = 1e-6,
                  rtol: float = 1e-4, atol: float = 1e-6, seed: int = 0) -> GradcheckReport:
    """Check second derivatives: ``autograd.grad(..., create_graph=True)`` differentiated
    again, against central differences of the first derivatives.

    The first derivatives are reduced to a scalar with fixed random weights ``v``,
    ``s(x) = Σ v · ∂f/∂x``, so one comparison covers every Hessian-vector product
    ``H v``. ``f`` must return a scalar node; inputs must be float64. Raises
    ``AssertionError`` listing mismatches, like ``gradcheck``.
    """
    inputs = list(inputs)
    _check_float64(inputs, "gradgradcheck")
    rng = np.random.default_rng(seed)
    weights = [rng.standard_normal(np.shape(node.data)) for node in inputs]

    def first_derivatives(*xs: Any) -> Any:
        with enable_grad():  # also when the differences call it under no_grad()
            firsts = grad(f(*xs), list(xs), create_graph=True, allow_unused=True)
        total = None
        for d, v in zip(firsts, weights):
            if d is None:
                continue
            term = d * float(v) if isinstance(d, Value) else (d * v).sum()
            total = term if total is None else total + term
        if total is None:
            raise ValueError("gradgradcheck: f does not depend on any input")
        return total

    seconds = grad(first_derivatives(*inputs), inputs, allow_unused=True)
    analytic = [np.zeros(np.shape(n.data)) if d is None else np.array(d.data, dtype=np.float64)
                for d, n in zip(seconds, inputs)]
    return _compare(first_derivatives, inputs, analytic, eps, rtol, atol, "gradgradcheck")

