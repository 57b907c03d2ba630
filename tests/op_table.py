"""The Tensor op table: one row per op as a user calls it, read by tests/test_tensor_ops.py.

In the spirit of tinygrad's ``helper_test_op``: a row names the op, gives our call and the
PyTorch call that should agree with it, the inputs (fixed ``cases`` plus a hypothesis
``space`` of random shapes), each input's value ``Domain`` and which checks apply.
Every fixed case goes through every check of its row; the space goes through the
finite-difference and float64 PyTorch checks. Adding an op means adding a row here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd.tensor import linear

try:
    import torch
except ImportError:  # the torch column is then unused: those tests skip
    torch = None

# The checks a row can run (see tests/test_tensor_ops.py).
GRAD, TORCH, DTYPE, GRAD2 = "grad", "torch", "dtype", "grad2"
ALL = frozenset({GRAD, TORCH, DTYPE, GRAD2})


@dataclass(frozen=True)
class Case:
    """One input set: a shape per array input, the op's other arguments, and which array
    inputs are passed as plain numpy constants (the rest are Tensors that require grad)."""

    shapes: tuple
    params: dict = field(default_factory=dict)
    const: tuple = ()

    def __str__(self) -> str:
        text = "-".join(str(s).replace(" ", "") for s in self.shapes)
        text += "".join(f"-{k}={_short(v)}" for k, v in self.params.items())
        return text + (f"-const{list(self.const)}" if self.const else "")


def _short(v) -> str:
    if isinstance(v, np.ndarray):
        return "mask" if v.dtype == bool else str(v.tolist()).replace(" ", "")
    return str(v).replace(" ", "")


@dataclass(frozen=True)
class Domain:
    """Input values: multiples of 0.1 in [low, high], so kinks (relu, abs, max, clip bounds
    off the grid) and domain edges stay further than gradcheck's step away."""

    low: float = -3.0
    high: float = 3.0
    nonzero: bool = False  # relu and abs have a kink at 0; a divisor must not be 0
    unique: bool = False   # max: tied maxima have no derivative

    def sample(self, shape: tuple, rng: np.random.Generator) -> np.ndarray:
        grid = np.arange(round(self.low * 10), round(self.high * 10) + 1)
        if self.nonzero:
            grid = grid[grid != 0]
        ints = rng.choice(grid, size=math.prod(shape), replace=not self.unique)
        return (ints / 10.0).reshape(shape)


@dataclass(frozen=True, repr=False)
class Op:
    name: str
    ours: Callable            # ours(*inputs, **case.params) -> Tensor
    torch: Callable           # the same call on torch tensors
    cases: tuple              # Cases run by every check
    space: st.SearchStrategy | None = None  # random Cases for the gradient and torch checks
    domains: tuple = (Domain(),)  # per array input; the last one repeats
    checks: frozenset = ALL

    def __repr__(self) -> str:  # hypothesis prints it with each failing example
        return f"Op({self.name!r})"

    def domain(self, i: int) -> Domain:
        return self.domains[min(i, len(self.domains) - 1)]


# ---- input spaces ---------------------------------------------------------------------------
SHAPE = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)
INDEXABLE = hnp.array_shapes(min_dims=1, max_dims=3, max_side=4)
PAIRS = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)
MATMUL = hnp.mutually_broadcastable_shapes(signature=np.matmul.signature, max_dims=2, max_side=3)
# Either operand may be a plain array constant; on the left it defers to Tensor's r-method.
CONSTS = st.sampled_from([(), (0,), (1,)])


def unary(params=None, shapes=SHAPE) -> st.SearchStrategy:
    params = st.just({}) if params is None else params
    return st.builds(lambda s, p: Case((s,), p), shapes, params)


def binary(pairs=PAIRS) -> st.SearchStrategy:
    return st.builds(lambda s, c: Case(s.input_shapes, const=c), pairs, CONSTS)


def per_shape(shapes, params) -> st.SearchStrategy:
    """Cases whose arguments depend on the shape: ``params(shape)`` is a strategy of dicts."""
    return shapes.flatmap(lambda s: params(s).map(lambda p: Case((s,), p)))


def _axes(ndim: int) -> st.SearchStrategy:
    """None, a single int (possibly negative) or a tuple of distinct axes."""
    singles = st.integers(-ndim, ndim - 1) if ndim else st.nothing()
    return st.one_of(st.none(), singles, hnp.valid_tuple_axes(ndim))


def _reshape_targets(shape: tuple) -> st.SearchStrategy:
    size = math.prod(shape)
    return st.sampled_from([(-1,), (1, size), tuple(reversed(shape)), (size, 1, 1)]).map(
        lambda t: {"shape": t})


def _labels(ncls: int) -> st.SearchStrategy:
    return st.integers(0, ncls - 1)


def _cross_entropy_case(n: int | None, c: int, labels) -> Case:
    return Case(((c,) if n is None else (n, c),), {"labels": labels})


CROSS_ENTROPY_SPACE = st.integers(1, 5).flatmap(lambda c: st.one_of(
    st.integers(1, 4).flatmap(lambda n: hnp.arrays(np.int64, (n,), elements=_labels(c)).map(
        lambda y: _cross_entropy_case(n, c, y))),
    _labels(c).map(lambda y: _cross_entropy_case(None, c, np.int64(y)))))  # one unbatched sample


# ---- the PyTorch side of ops whose spelling differs --------------------------------------------
def _reduce(method: str) -> Callable:
    """numpy's reduction on torch: axis None is every axis, () is none (torch reads
    dim=() as every axis)."""
    def run(t, axis, keepdims):
        if axis == ():
            return t.clone()
        dims = tuple(range(t.ndim)) if axis is None else axis
        return getattr(t, method)(dim=dims, keepdim=keepdims)
    return run


def _torch_index(index):
    """numpy index arrays as torch tensors (torch indexes with tensors, not arrays)."""
    parts = index if isinstance(index, tuple) else (index,)
    return tuple(torch.from_numpy(i) if isinstance(i, np.ndarray) else i for i in parts)


def _torch_getitem(t, index):
    parts = index if isinstance(index, tuple) else (index,)
    if any(isinstance(i, slice) and (i.step or 1) < 0 for i in parts):
        # torch slices have no negative steps: gather the same elements by flat position
        # (numpy picks them, torch differentiates the gather).
        flat = np.arange(t.numel()).reshape(tuple(t.shape))[index]
        return t.reshape(-1)[torch.from_numpy(np.array(flat))]
    return t[_torch_index(index)]


def _composite(x, w, b):
    """Ops chained the way a network chains them, with one input used three times."""
    h = ((x @ w + b).tanh() * x[:, :2]).sigmoid()
    return h.log_softmax(axis=0) + (x ** 2).mean(axis=1, keepdims=True)


def _torch_composite(x, w, b):
    h = ((x @ w + b).tanh() * x[:, :2]).sigmoid()
    return h.log_softmax(0) + (x ** 2).mean(dim=1, keepdim=True)


# ---- the table --------------------------------------------------------------------------------
def _same(name, f, cases, space, domains=(Domain(),), checks=ALL) -> Op:
    """A row whose call reads the same on torch tensors (operators, shared method names)."""
    return Op(name, f, f, cases, space, domains, checks)


BROADCAST_CASES = tuple(Case(s) for s in [
    ((3, 4), (3, 4)), ((), (3, 4)), ((3, 4), ()), ((3, 1), (1, 4)), ((2, 1, 3), (4, 1)),
    ((4,), (3, 4)), ((3, 4), (4,))]) + (Case(((3, 4), (4,)), const=(1,)),
                                        Case(((3, 1), (3, 4)), const=(0,)))
MATMUL_CASES = tuple(Case(s) for s in [
    ((3,), (3,)), ((3,), (3, 2)), ((2, 3), (3,)), ((2, 3), (3, 4)), ((4, 2, 3), (3, 2)),
    ((3,), (2, 3, 2)), ((2, 1, 2, 3), (3, 3, 2)), ((2, 3), (2, 3, 1)), ((2, 3, 4), (2, 4, 3))])
MATRIX = (Case(((3, 4),)),)
REDUCTION_CASES = tuple(Case(((2, 3, 4),), {"axis": a, "keepdims": k})
                        for a in [None, 0, -1, (0, 2), (1,)] for k in [False, True])
REDUCTION_SPACE = per_shape(SHAPE, lambda s: st.fixed_dictionaries(
    {"axis": _axes(len(s)), "keepdims": st.booleans()}))
ONE_AXIS = per_shape(INDEXABLE, lambda s: st.integers(-len(s), len(s) - 1).map(
    lambda a: {"axis": a}))
POSITIVE, NONZERO = Domain(0.3, 3.0), Domain(nonzero=True)
F = None if torch is None else torch.nn.functional
CROSS_ENTROPY = (lambda x, labels: x.cross_entropy(labels),
                 lambda t, labels: F.cross_entropy(t, torch.as_tensor(np.asarray(labels))))

OPS = [
    # -- two tensors, broadcasting as numpy (either may be a constant array) --
    _same("add", lambda a, b: a + b, BROADCAST_CASES, binary()),
    _same("sub", lambda a, b: a - b, BROADCAST_CASES, binary()),
    _same("mul", lambda a, b: a * b, BROADCAST_CASES, binary()),
    _same("div", lambda a, b: a / b, BROADCAST_CASES, binary(), (Domain(), NONZERO)),
    _same("pow", lambda a, b: a ** b, BROADCAST_CASES, binary(), (POSITIVE, Domain(-2.0, 2.0))),
    _same("matmul", lambda a, b: a @ b, MATMUL_CASES, binary(MATMUL)),
    Op("linear", linear, lambda x, w, b: F.linear(x, w.T, b),
       (Case(((4, 3), (3, 2), (2,))), Case(((2, 5, 3), (3, 1), (1,))), Case(((3,), (3, 2), (2,)))),
       st.builds(lambda n, i, o: Case(((n, i), (i, o), (o,))), *[st.integers(1, 3)] * 3)),
    # -- a tensor and a Python number --
    _same("add_scalar", lambda x: x + 2.0, MATRIX, unary()),
    _same("rsub_scalar", lambda x: 2.0 - x, MATRIX, unary()),
    _same("rmul_scalar", lambda x: 3.0 * x, MATRIX, unary()),
    _same("rdiv_scalar", lambda x: 1.5 / x, MATRIX, unary(), (NONZERO,)),
    _same("div_int", lambda x: x / 4, MATRIX, unary()),
    _same("rpow_scalar", lambda x: 2.0 ** x, MATRIX, unary()),
    _same("pow_const", lambda x, p: x ** p,
          tuple(Case(((3, 4),), {"p": p}) for p in [2, 3, -1, 0.5, 1.5, -1.5, -2.5, 0, 1]),
          unary(st.sampled_from([2, 3, -1, 0.5, 1.5, -1.5, -2.5, 0, 1]).map(lambda p: {"p": p})),
          (POSITIVE,)),
    _same("pow_int", lambda x, p: x ** p, tuple(Case(((3, 4),), {"p": p}) for p in [2, 3, -1, -2]),
          unary(st.sampled_from([2, 3, -1, -2]).map(lambda p: {"p": p})), (NONZERO,)),
    # -- elementwise --
    _same("neg", lambda x: -x, MATRIX, unary()),
    _same("exp", lambda x: x.exp(), MATRIX, unary()),
    _same("log", lambda x: x.log(), MATRIX, unary(), (Domain(0.1, 3.0),)),
    _same("sqrt", lambda x: x.sqrt(), MATRIX, unary(), (Domain(0.1, 3.0),)),
    _same("tanh", lambda x: x.tanh(), MATRIX, unary()),
    _same("sigmoid", lambda x: x.sigmoid(), MATRIX, unary()),
    _same("relu", lambda x: x.relu(), MATRIX, unary(), (NONZERO,)),
    _same("abs", lambda x: abs(x), MATRIX, unary(), (NONZERO,)),
    Op("clip", lambda x, low, high: x.clip(low, high), lambda t, low, high: t.clamp(low, high),
       tuple(Case(((3, 4),), {"low": lo, "high": hi})
             for lo, hi in [(-1.05, 0.95), (0.05, None), (None, -0.05), (-0.45, 0.75)]),
       unary(st.sampled_from([(-1.05, 0.95), (0.05, None), (None, -0.05)]).map(
           lambda b: {"low": b[0], "high": b[1]}))),
    # widen and narrow back: float32 keeps float32, and each cast converts the gradient back
    Op("astype", lambda x: x.astype(np.float64).astype(x.dtype),
       lambda t: t.double().to(t.dtype), MATRIX, unary()),
    # -- reductions (max's values are distinct: ties are tested apart) --
    Op("sum", lambda x, axis, keepdims: x.sum(axis=axis, keepdims=keepdims),
       _reduce("sum"),
       REDUCTION_CASES, REDUCTION_SPACE),
    Op("mean", lambda x, axis, keepdims: x.mean(axis=axis, keepdims=keepdims),
       _reduce("mean"),
       REDUCTION_CASES, REDUCTION_SPACE),
    Op("max", lambda x, axis, keepdims: x.max(axis=axis, keepdims=keepdims),
       _reduce("amax"),
       REDUCTION_CASES, REDUCTION_SPACE, (Domain(-6.0, 6.0, unique=True),)),
    # -- shapes --
    _same("reshape", lambda x, shape: x.reshape(shape),
          (Case(((2, 3, 4),), {"shape": (4, -1)}), Case(((3, 4),), {"shape": (4, 3)})),
          per_shape(SHAPE, _reshape_targets)),
    Op("transpose", lambda x, axes: x.transpose(*axes),
       lambda t, axes: t.permute(tuple(axes or reversed(range(t.ndim)))),
       (Case(((2, 3, 4),), {"axes": (2, 0, 1)}), Case(((3, 4),), {"axes": ()})),
       per_shape(SHAPE, lambda s: st.permutations(range(len(s))).map(lambda p: {"axes": p}))),
    Op("T", lambda x: x.T, lambda t: t.permute(tuple(reversed(range(t.ndim)))),
       (Case(((2, 3, 4),)),) + MATRIX, unary()),
    Op("broadcast_to", lambda x, shape: x.broadcast_to(shape),
       lambda t, shape: t.broadcast_to(shape),
       (Case(((3, 1),), {"shape": (2, 3, 4)}), Case(((),), {"shape": (2, 3)})),
       PAIRS.map(lambda s: Case((s.input_shapes[0],), {"shape": s.result_shape}))),
    Op("sum_to", lambda x, shape: x.sum_to(shape), lambda t, shape: t.sum_to_size(shape),
       (Case(((2, 3, 4),), {"shape": (3, 1)}), Case(((2, 3),), {"shape": (1, 3)})),
       PAIRS.map(lambda s: Case((s.result_shape,), {"shape": s.input_shapes[0]})).filter(
           lambda c: len(c.params["shape"]) > 0)),  # torch's sum_to_size has no 0-d target
    # -- indexing: basic (slices, ints, ..., None), integer arrays (repeats add up), masks --
    Op("index_basic", lambda x, index: x[index], _torch_getitem,
       tuple(Case(((3, 4),), {"index": i}) for i in [
           (slice(None), 1), (Ellipsis, slice(1, None)), (0, slice(None, None, 2)), (None, 1),
           (slice(1, None), slice(None, None, 2)), (slice(None, None, -1), 2)]),
       per_shape(INDEXABLE, lambda s: hnp.basic_indices(s, allow_newaxis=True).map(
           lambda i: {"index": i}))),
    Op("index_array", lambda x, index: x[index], _torch_getitem,
       tuple(Case(((3, 4),), {"index": i}) for i in [
           np.array([1, 1, 0]), (np.array([0, 1, 1]), np.array([2, 2, 0])),
           np.array([0, 0, 2]), (slice(1, None), np.array([0, 0]))]),
       per_shape(INDEXABLE, lambda s: hnp.integer_array_indices(s, result_shape=hnp.array_shapes(
           min_dims=1, max_dims=2, max_side=5)).map(lambda i: {"index": i}))),
    Op("index_mask", lambda x, index: x[index], _torch_getitem,
       (Case(((3, 4),), {"index": np.array([[True, False, True, True], [False, False, True, False],
                                            [True] * 4])}),
        Case(((3, 4),), {"index": np.array([True, False, True])})),
       per_shape(INDEXABLE, lambda s: st.one_of(hnp.arrays(bool, s), hnp.arrays(bool, s[:1])).map(
           lambda m: {"index": m}))),
    # -- softmax family --
    Op("softmax", lambda x, axis=-1: x.softmax(axis), lambda t, axis=-1: torch.softmax(t, axis),
       (Case(((2, 3),)),) + tuple(Case(((3, 5),), {"axis": a}) for a in [0, 1, -1]),
       ONE_AXIS),
    Op("log_softmax", lambda x, axis=-1: x.log_softmax(axis),
       lambda t, axis=-1: torch.log_softmax(t, axis),
       tuple(Case(((3, 5),), {"axis": a}) for a in [0, 1, -1]),
       ONE_AXIS),
    Op("cross_entropy", *CROSS_ENTROPY,
       (_cross_entropy_case(6, 4, np.array([0, 3, 1, 1, 2, 0])),
        _cross_entropy_case(None, 4, np.int64(1)), _cross_entropy_case(2, 3, [0, 2])),
       CROSS_ENTROPY_SPACE, (Domain(-5.0, 5.0),)),
    # log-sum-exp keeps huge logits finite; differences cannot resolve a step at this scale
    Op("cross_entropy_huge", *CROSS_ENTROPY,
       (_cross_entropy_case(6, 4, np.array([0, 3, 1, 1, 2, 0])),
        _cross_entropy_case(None, 4, np.int64(2))),
       None, (Domain(-1e4, 1e4),), frozenset({TORCH, DTYPE})),
    # -- a network-like chain --
    Op("composite", _composite, _torch_composite, (Case(((3, 4), (4, 2), (2,))),),
       st.just(Case(((3, 4), (4, 2), (2,))))),
]
