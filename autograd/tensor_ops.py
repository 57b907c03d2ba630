"""The Tensor op table: each op's numpy forward, its VJP rules and their diagram text.

An op is one ``TensorOp``. ``forward(*arrays, *params)`` computes the result and refuses
bad input. ``vjps[i](g, out, *inputs, *params)`` maps the upstream gradient ``g`` to
input i's contribution. Each rule is written once and runs on two kinds of arguments:
- numpy arrays: the fast first-order path ``backward()`` takes;
- ``Tensor`` nodes: ``autograd.grad(..., create_graph=True)``, where the contribution
  is itself a graph that can be differentiated again.
So rules use only arithmetic, ``@``, ``.T``/``.reshape``/``.transpose``/``.sum``, and the
two-way helpers below. A mask or count read off the data (relu's step, the maxima) is
a constant in both cases, since its derivative is zero.

``text[i]`` is rule i as a formula of ``{0}``, ``{1}`` (the inputs), ``{out}``, ``{g}``
(the upstream grad) and ``{params}``; diagrams and ``explain`` show it on the edge.

Conventions that keep the table short and backward fast: a rule may return a result
that still needs summing over broadcast axes (the chain-rule loop sums it back to the
input's shape and casts it to its dtype), and a rule never modifies ``g`` in place.
"""
from __future__ import annotations

from typing import Any, Callable, NamedTuple

import numpy as np

from autograd.tensor_domain import refuse_where
from autograd.tensor_shapes import sum_to as _sum_to_array


class TensorOp(NamedTuple):
    name: str
    forward: Callable[..., Any]  # an array (cross-entropy's also returns its softmax)
    vjps: tuple[Callable[..., Any], ...]
    text: tuple[str, ...]


# ---- two-way helpers: numpy on arrays, an op on Tensor nodes -------------------------------
_ARRAY = (np.ndarray, np.generic)  # numpy returns scalars from 0-d arithmetic


def data(x: Any) -> Any:
    """The array behind ``x``: for masks and counts, which are constants either way."""
    return x if isinstance(x, _ARRAY) else x.data


def exp(x: Any) -> Any:
    return np.exp(x) if isinstance(x, _ARRAY) else x.exp()


def log(x: Any) -> Any:
    return np.log(x) if isinstance(x, _ARRAY) else x.log()


def broadcast_to(x: Any, shape: tuple) -> Any:
    return np.broadcast_to(x, shape) if isinstance(x, _ARRAY) else x.broadcast_to(shape)


def sum_to(x: Any, shape: tuple) -> Any:
    return _sum_to_array(x, shape) if isinstance(x, _ARRAY) else x.sum_to(shape)


def scatter(g: Any, shape: tuple, index: Any, basic: bool) -> Any:
    if isinstance(g, _ARRAY):
        return _scatter(g, shape, index, basic)
    return g._scatter(shape, index, basic)


def _swap(x: Any) -> Any:
    """Swap the last two axes (a batched transpose)."""
    n = x.ndim
    return x.transpose(tuple(range(n - 2)) + (n - 1, n - 2))


def _keep(g: Any, axes: tuple | None, ndim: int, keepdims: bool) -> Any:
    """A reduction's gradient with the reduced axes put back as size 1."""
    if keepdims:
        return g
    full = range(ndim) if axes is None else axes
    shape = list(g.shape)
    for ax in sorted(full):
        shape.insert(ax, 1)
    return g.reshape(tuple(shape))


# ---- elementwise, two operands (numpy broadcasting both ways) ------------------------------
ADD = TensorOp("+", np.add, (lambda g, out, a, b: g, lambda g, out, a, b: g), ("{g}", "{g}"))
SUB = TensorOp("-", np.subtract, (lambda g, out, a, b: g, lambda g, out, a, b: -g),
               ("{g}", "−{g}"))
MUL = TensorOp("*", np.multiply, (lambda g, out, a, b: g * b, lambda g, out, a, b: g * a),
               ("{g} ⊙ {1}", "{g} ⊙ {0}"))


def _div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    refuse_where(b == 0, b, "/: division by zero: the divisor is 0")
    return a / b


DIV = TensorOp("/", _div, (lambda g, out, a, b: g / b, lambda g, out, a, b: -g * out / b),
               ("{g} / {1}", "−{g} ⊙ {out} / {1}"))


def _pow_const(x: np.ndarray, p: float) -> np.ndarray:
    if not float(p).is_integer():
        refuse_where(x < 0, x, f"**: a negative base needs an integer exponent, got ** {p:g}")
    if p < 0:
        refuse_where(x == 0, x, f"**: zero cannot be raised to the negative power {p:g}")
    return x ** p


def _pow_const_vjp(g: Any, out: Any, x: Any, p: float) -> Any:
    if p == 0:
        return g * 0
    if 0 < p < 1:
        refuse_where(data(x) == 0, data(x), f"**: the derivative of x ** {p:g} is infinite at "
                                            "x = 0; add a small epsilon to the base")
    return g * (p * x ** (p - 1))


POW_CONST = TensorOp("**", _pow_const, (_pow_const_vjp,), ("{g} ⊙ {params[0]:g}·{0}^({params[0]:g}−1)",))


def _pow(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a ** b`` where the exponent is an array: d/db needs ``log a``, so ``a > 0``."""
    shape = np.broadcast_shapes(a.shape, b.shape)
    base = np.broadcast_to(a, shape)
    if a.dtype.kind == "f" or b.dtype.kind == "f":
        refuse_where((base < 0) & (b != np.round(b)), base,
                     "**: a negative base needs an integer exponent")
    refuse_where((base == 0) & (b < 0), base, "**: zero cannot be raised to a negative power")
    return a ** b


def _mask(where: Any, like: Any) -> np.ndarray:
    """A boolean mask as 0/1 in ``like``'s float dtype, always an array: numpy gives a bool
    scalar for a 0-d comparison, which a Tensor operand refuses as a likely mistake."""
    return np.asarray(where, dtype=data(like).dtype)


def _pow_vjp_base(g: Any, out: Any, a: Any, b: Any) -> Any:
    base, exponent = np.broadcast_arrays(data(a), data(b))
    refuse_where((base == 0) & (exponent > 0) & (exponent < 1), base,
                 "**: the derivative of x ** p (0 < p < 1) is infinite at x = 0;"
                 " add a small epsilon to the base")
    # d/da a**0 = 0, even at a = 0: use exponent 1 there, then mask.
    zero = _mask(data(b) == 0, b)
    return g * (b * a ** (b + zero - 1) * (1 - zero))


def _pow_vjp_exponent(g: Any, out: Any, a: Any, b: Any) -> Any:
    base = np.broadcast_to(data(a), np.broadcast_shapes(data(a).shape, data(b).shape))
    refuse_where(base < 0, base, "**: the gradient with respect to the exponent needs a"
                                 " positive base (it uses log(base)); got a negative base")
    zero = _mask(data(a) == 0, a)  # d/db 0**b = 0 for b > 0: log of 1 there
    return g * out * log(a + zero)


POW = TensorOp("**", _pow, (_pow_vjp_base, _pow_vjp_exponent),
               ("{g} ⊙ {1}·{0}^({1}−1)", "{g} ⊙ {out}·log {0}"))


# ---- matmul: numpy's rules for 1-D, 2-D and batched operands ----------------------------------
def _lift(g: Any, a: Any, b: Any) -> Any:
    """The upstream gradient in the shape of ``a2 @ b2``, 1-D operands promoted as numpy does."""
    if b.ndim == 1:
        g = g.reshape(g.shape + (1,))
    if a.ndim == 1:
        g = g.reshape(g.shape[:-1] + (1, g.shape[-1]))
    return g


def _matmul_vjp_a(g: Any, out: Any, a: Any, b: Any) -> Any:
    if a.ndim == 2 and b.ndim == 2:  # the common case
        return g @ b.T
    b2 = b.reshape((b.shape[0], 1)) if b.ndim == 1 else b
    ga = _lift(g, a, b) @ _swap(b2)
    return ga.reshape(ga.shape[:-2] + ga.shape[-1:]) if a.ndim == 1 else ga


def _matmul_vjp_b(g: Any, out: Any, a: Any, b: Any) -> Any:
    if a.ndim == 2 and b.ndim == 2:
        return a.T @ g
    a2 = a.reshape((1, a.shape[0])) if a.ndim == 1 else a
    gb = _swap(a2) @ _lift(g, a, b)
    return gb.reshape(gb.shape[:-1]) if b.ndim == 1 else gb


MATMUL = TensorOp("matmul", np.matmul, (_matmul_vjp_a, _matmul_vjp_b), ("{g} · {1}ᵀ", "{0}ᵀ · {g}"))


def _linear(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = x @ w
    out += b  # into matmul's fresh result: one array and one pass fewer than x @ w + b
    return out


def _linear_vjp_weight(g: Any, out: Any, x: Any, w: Any, b: Any) -> Any:
    return x.T @ g if x.ndim == 2 else _matmul_vjp_b(g, out, x, w)


# x @ W + b as one node: a layer's forward and backward without the intermediate node
# and array. Diagrams still show a rule per input. W is 2-D, so x's rule is g @ Wᵀ
# whatever x's shape.
LINEAR = TensorOp("linear", _linear, (lambda g, out, x, w, b: g @ w.T, _linear_vjp_weight,
                                      lambda g, out, x, w, b: g),
                  ("{g} · {1}ᵀ", "{0}ᵀ · {g}", "{g} summed over the batch"))


# ---- elementwise, one operand ----------------------------------------------------------------
def _exp(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):  # overflow is reported below, with its position
        out = np.exp(x)
    if out.size and np.isinf(out.max()):
        refuse_where(np.isinf(out) & np.isfinite(x), x,
                     f"exp: the result overflows {x.dtype}; subtract the maximum first"
                     " (or use log_softmax / cross_entropy)")
    return out


def _log(x: np.ndarray) -> np.ndarray:
    refuse_where(x <= 0, x, "log: input must be > 0, got a non-positive value")
    return np.log(x)


def _sqrt(x: np.ndarray) -> np.ndarray:
    refuse_where(x < 0, x, "sqrt: input must be >= 0, got a negative value")
    return np.sqrt(x)


def _sqrt_vjp(g: Any, out: Any, x: Any) -> Any:
    refuse_where(data(out) == 0, data(x), "sqrt: the derivative is infinite at 0; add a small epsilon")
    return g / (out * 2)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # exp(-|x|) never overflows; the two branches of the logistic share it.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def _clip_vjp(g: Any, out: Any, x: Any, low: float | None, high: float | None) -> Any:
    x = data(x)
    inside = x <= high if low is None else x >= low if high is None else (x >= low) & (x <= high)
    return g * inside  # PyTorch's inclusive mask


NEG = TensorOp("neg", np.negative, (lambda g, out, x: -g,), ("−{g}",))
EXP = TensorOp("exp", _exp, (lambda g, out, x: g * out,), ("{g} ⊙ {out}",))
LOG = TensorOp("log", _log, (lambda g, out, x: g / x,), ("{g} / {0}",))
SQRT = TensorOp("sqrt", _sqrt, (_sqrt_vjp,), ("{g} / (2·{out})",))
TANH = TensorOp("tanh", np.tanh, (lambda g, out, x: g * (1 - out * out),), ("{g} ⊙ (1 − {out}²)",))
SIGMOID = TensorOp("sigmoid", _sigmoid, (lambda g, out, x: g * (out * (1 - out)),),
                   ("{g} ⊙ {out}(1 − {out})",))
RELU = TensorOp("relu", lambda x: np.maximum(x, 0), (lambda g, out, x: g * (data(x) > 0),),
                ("{g} ⊙ [{0} > 0]",))
# sign(0) = 0: the subgradient PyTorch uses.
ABS = TensorOp("abs", np.abs, (lambda g, out, x: g * np.sign(data(x)),), ("{g} ⊙ sign({0})",))
CLIP = TensorOp("clip", np.clip, (_clip_vjp,), ("{g} ⊙ [{0} inside the bounds]",))
# The chain-rule loop casts the gradient back to the input's dtype.
ASTYPE = TensorOp("astype", lambda x, dtype: x.astype(dtype), (lambda g, out, x, dtype: g,),
                  ("{g} cast to {0}'s dtype",))


# ---- reductions (``axes`` is a normalised tuple, or None for all) -------------------------
def _sum_vjp(g: Any, out: Any, x: Any, axes: tuple | None, keepdims: bool) -> Any:
    return broadcast_to(_keep(g, axes, x.ndim, keepdims), x.shape)


def _mean_vjp(g: Any, out: Any, x: Any, axes: tuple | None, keepdims: bool) -> Any:
    count = x.size if axes is None else int(np.prod([x.shape[i] for i in axes]))
    return broadcast_to(_keep(g, axes, x.ndim, keepdims) * (1.0 / count), x.shape)


def _max(x: np.ndarray, axes: tuple | None, keepdims: bool) -> np.ndarray:
    return x.max(axis=axes, keepdims=keepdims)


def _max_vjp(g: Any, out: Any, x: Any, axes: tuple | None, keepdims: bool) -> Any:
    """Ties share the gradient evenly, like ``torch.amax`` and ``torch.max(x)``."""
    x = data(x)
    hit = x == _keep(data(out), axes, x.ndim, keepdims)
    count = hit.sum(axis=axes, keepdims=True)
    return hit * (_keep(g, axes, x.ndim, keepdims) / count.astype(x.dtype))


SUM = TensorOp("sum", lambda x, axes, keepdims: x.sum(axis=axes, keepdims=keepdims),
               (_sum_vjp,), ("{g} broadcast to {0}'s shape",))
MEAN = TensorOp("mean", lambda x, axes, keepdims: x.mean(axis=axes, keepdims=keepdims),
                (_mean_vjp,), ("{g} broadcast to {0}'s shape / n",))
MAX = TensorOp("max", _max, (_max_vjp,), ("{g} at the maxima of {0} (ties share)",))


# ---- shape -----------------------------------------------------------------------------------
def _scatter(g: np.ndarray | np.generic, shape: tuple, index: Any, basic: bool) -> np.ndarray:
    """``g`` placed at ``index`` in zeros of ``shape``; repeated indices accumulate."""
    out = np.zeros(shape, dtype=g.dtype)
    if basic:
        out[index] = g  # basic indexing never repeats an element
    else:
        np.add.at(out, index, g)
    return out


RESHAPE = TensorOp("reshape", lambda x, shape: x.reshape(shape),
                   (lambda g, out, x, shape: g.reshape(x.shape),), ("{g} reshaped to {0}'s shape",))
TRANSPOSE = TensorOp("transpose", lambda x, axes: x.transpose(axes),
                     (lambda g, out, x, axes: g.transpose(tuple(np.argsort(axes))),),
                     ("{g} transposed back",))
GETITEM = TensorOp("getitem", lambda x, index, basic: x[index],
                   (lambda g, out, x, index, basic: scatter(g, x.shape, index, basic),),
                   ("{g} scattered into zeros like {0}",))
SCATTER = TensorOp("scatter", _scatter, (lambda g, out, x, shape, index, basic: g[index],),
                   ("{g} gathered at the index",))
BROADCAST_TO = TensorOp("broadcast_to", lambda x, shape: np.broadcast_to(x, shape),
                        (lambda g, out, x, shape: sum_to(g, x.shape),),
                        ("{g} summed to {0}'s shape",))
SUM_TO = TensorOp("sum_to", _sum_to_array, (lambda g, out, x, shape: broadcast_to(g, x.shape),),
                  ("{g} broadcast to {0}'s shape",))
