"""The Tensor op table: each op's numpy forward and its vector-Jacobian rules, side by side.

A rule takes the operands' arrays and returns ``(out, vjp_0, vjp_1, ...)``: one
callable per operand mapping the upstream gradient ``g`` (shaped like ``out``) to
that operand's contribution. Rules are plain numpy, in the spirit of autodidact's
``numpy_vjps.py``; they know nothing about nodes, so a VJP can only capture arrays,
never the output node (no reference cycles).

Two conventions keep the table short and backward fast:
- a VJP may return a result that still needs summing over broadcast dimensions;
  ``Tensor.backward`` sums it back to the operand's shape and dtype;
- a VJP returns either a new array or ``g`` (or a view of ``g``) and never modifies
  ``g`` in place, so backward can tell which arrays it owns.
"""
from __future__ import annotations

import numpy as np

from autograd.tensor_domain import require


def _pass(g: np.ndarray) -> np.ndarray:
    return g


# ---- elementwise, two operands (numpy broadcasting both ways) --------------------------
def add(a, b):
    return a + b, _pass, _pass


def sub(a, b):
    return a - b, _pass, np.negative


def mul(a, b):
    return a * b, lambda g: g * b, lambda g: g * a


def div(a, b):
    require(b == 0, b, "/: division by zero: the divisor is 0")
    out = a / b
    return out, lambda g: g / b, lambda g: -g * out / b


def pow_const(x, p: float):
    """``x ** p`` for a constant exponent ``p`` (a Python int or float)."""
    if not float(p).is_integer():
        require(x < 0, x, f"**: a negative base needs an integer exponent, got ** {p:g}")
    if p < 0:
        require(x == 0, x, f"**: zero cannot be raised to the negative power {p:g}")
    out = x ** p

    def vjp(g):
        if 0 < p < 1:
            require(x == 0, x, f"**: the derivative of x ** {p:g} is infinite at x = 0;"
                               " add a small epsilon to the base")
        if p == 0:
            return np.zeros_like(g)
        return g * (p * x ** (p - 1))
    return out, vjp


def pow_tensor(a, b):
    """``a ** b`` where the exponent is an array: d/db needs ``log a``, so ``a > 0``."""
    if a.dtype.kind == "f" or b.dtype.kind == "f":
        fractional = (b != np.round(b))
        require(np.broadcast_to((a < 0), np.broadcast_shapes(a.shape, b.shape)) & fractional,
                np.broadcast_to(a, np.broadcast_shapes(a.shape, b.shape)),
                "**: a negative base needs an integer exponent")
    require(np.broadcast_to(a == 0, np.broadcast_shapes(a.shape, b.shape)) & (b < 0),
            np.broadcast_to(a, np.broadcast_shapes(a.shape, b.shape)),
            "**: zero cannot be raised to a negative power")
    out = a ** b

    def vjp_a(g):
        base = np.broadcast_to(a, out.shape)
        exponent = np.broadcast_to(b, out.shape)
        require((base == 0) & (exponent > 0) & (exponent < 1), base,
                "**: the derivative of x ** p (0 < p < 1) is infinite at x = 0;"
                " add a small epsilon to the base")
        slope = np.zeros(out.shape, dtype=out.dtype)  # d/da a**0 = 0, even at a = 0
        np.power(base, exponent - 1, out=slope, where=exponent != 0)
        return g * (exponent * slope)

    def vjp_b(g):
        base = np.broadcast_to(a, out.shape)
        require(base < 0, base, "**: the gradient with respect to the exponent needs a"
                                " positive base (it uses log(base)); got a negative base")
        safe = np.where(base > 0, base, 1)  # d/db 0**b = 0 for b > 0: log(1) = 0 there
        return g * out * np.log(safe)
    return out, vjp_a, vjp_b


# ---- matmul: numpy's rules for 1-D, 2-D and batched operands ------------------------------
def matmul(a, b):
    out = a @ b
    if a.ndim == 2 and b.ndim == 2:  # the common case, kept to one line each
        return out, lambda g: g @ b.T, lambda g: a.T @ g
    a2 = a[None, :] if a.ndim == 1 else a  # promote 1-D as numpy does: (k,) -> (1, k)
    b2 = b[:, None] if b.ndim == 1 else b  # (k,) -> (k, 1)

    def lift(g):  # upstream gradient in the shape of a2 @ b2
        if b.ndim == 1:
            g = g[..., None]
        if a.ndim == 1:
            g = np.expand_dims(g, -2)
        return g

    def vjp_a(g):
        ga = lift(g) @ np.swapaxes(b2, -1, -2)
        return ga[..., 0, :] if a.ndim == 1 else ga

    def vjp_b(g):
        gb = np.swapaxes(a2, -1, -2) @ lift(g)
        return gb[..., 0] if b.ndim == 1 else gb
    return out, vjp_a, vjp_b


# ---- elementwise, one operand ---------------------------------------------------------------
def neg(x):
    return -x, np.negative


def exp(x):
    with np.errstate(over="ignore"):  # overflow is reported below, with its position
        out = np.exp(x)
    if out.size and np.isinf(out.max()):
        require(np.isinf(out) & np.isfinite(x), x,
                f"exp: the result overflows {x.dtype}; subtract the maximum first"
                " (or use log_softmax / cross_entropy)")
    return out, lambda g: g * out


def log(x):
    require(x <= 0, x, "log: input must be > 0, got a non-positive value")
    return np.log(x), lambda g: g / x


def sqrt(x):
    require(x < 0, x, "sqrt: input must be >= 0, got a negative value")
    out = np.sqrt(x)

    def vjp(g):
        require(out == 0, x, "sqrt: the derivative is infinite at 0; add a small epsilon")
        return g * (0.5 / out)
    return out, vjp


def tanh(x):
    out = np.tanh(x)
    return out, lambda g: g * (1 - out * out)


def sigmoid(x):
    # exp(-|x|) never overflows; the two branches of the logistic share it.
    e = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)
    return out, lambda g: g * (out * (1 - out))


def relu(x):
    out = np.maximum(x, 0)
    return out, lambda g: g * (x > 0)


def abs_(x):
    # sign(0) = 0: the subgradient PyTorch uses.
    return np.abs(x), lambda g: g * np.sign(x)


def clip(x, low, high):
    out = np.clip(x, low, high)
    if low is None:
        return out, lambda g: g * (x <= high)
    if high is None:
        return out, lambda g: g * (x >= low)
    return out, lambda g: g * ((x >= low) & (x <= high))  # PyTorch's inclusive mask


def astype(x, dtype):
    return x.astype(dtype), _pass  # backward casts the gradient back to x's dtype


# ---- reductions (``axes`` is already a normalised tuple, or None for all) -------------------
def sum_(x, axes, keepdims):
    out = x.sum(axis=axes, keepdims=keepdims)
    full = tuple(range(x.ndim)) if axes is None else axes
    return out, lambda g: np.broadcast_to(g if keepdims else np.expand_dims(g, full), x.shape)


def mean(x, axes, keepdims):
    full = tuple(range(x.ndim)) if axes is None else axes
    count = int(np.prod([x.shape[i] for i in full]))
    out = x.mean(axis=axes, keepdims=keepdims)
    scale = 1.0 / count
    return out, lambda g: np.broadcast_to((g if keepdims else np.expand_dims(g, full)) * scale,
                                          x.shape)


def max_(x, axes, keepdims):
    """Ties share the gradient evenly, like ``torch.amax`` and ``torch.max(x)``."""
    full = tuple(range(x.ndim)) if axes is None else axes
    top = x.max(axis=axes, keepdims=True)
    out = top if keepdims else top.reshape([n for i, n in enumerate(x.shape) if i not in full])

    def vjp(g):
        hit = x == top
        count = hit.sum(axis=full, keepdims=True)
        return hit * ((g if keepdims else np.expand_dims(g, full)) / count)
    return out, vjp


# ---- shape ---------------------------------------------------------------------------------
def reshape(x, shape):
    return x.reshape(shape), lambda g: g.reshape(x.shape)


def transpose(x, axes):
    inverse = tuple(np.argsort(axes))
    return x.transpose(axes), lambda g: g.transpose(inverse)


def getitem(x, index, basic: bool):
    """``x[index]``; repeated advanced indices accumulate (``np.add.at``)."""
    def vjp(g):
        out = np.zeros(x.shape, dtype=g.dtype)
        if basic:
            out[index] = g  # basic indexing never repeats an element
        else:
            np.add.at(out, index, g)
        return out
    return x[index], vjp

