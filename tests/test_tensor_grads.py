"""Every Tensor op's gradient against central finite differences, in float64.

Shapes come from ``hypothesis.extra.numpy`` (broadcastable pairs, matmul's signature,
index expressions). Each check contracts the op's output with fixed random weights,
so the whole vector-Jacobian product is tested, not just the sum of its rows.
Values are drawn on a grid (multiples of 0.1) so kinks (relu, abs, max, clip) and
domain edges stay further than the difference step away.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd import Tensor, gradcheck

SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)
PAIRS = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)


def grid(shape, low: int = -30, high: int = 30, unique: bool = False, nonzero: bool = False):
    """float64 arrays of multiples of 0.1 in [low/10, high/10]."""
    ints = st.integers(low, high).filter(lambda v: v != 0) if nonzero else st.integers(low, high)
    return hnp.arrays(np.int64, shape, elements=ints, unique=unique).map(lambda a: a / 10.0)


def check(op, *arrays: np.ndarray, const: np.ndarray | None = None) -> None:
    """gradcheck ``sum(op(*inputs) * w)`` with all ``arrays`` as inputs requiring grad."""
    inputs = [Tensor(np.array(a, dtype=np.float64), requires_grad=True) for a in arrays]
    shape = op(*inputs).shape
    w = Tensor(np.random.default_rng(len(shape)).uniform(0.5, 1.5, size=shape))
    gradcheck(lambda *xs: (op(*xs) * w).sum(), inputs)


# ---- elementwise with broadcasting both ways ---------------------------------------------
@pytest.mark.parametrize("op", [
    lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / b,
], ids=["add", "sub", "mul", "div"])
@given(data=st.data(), shapes=PAIRS)
def test_binary_ops_broadcast(op, data, shapes):
    sa, sb = shapes.input_shapes
    a = data.draw(grid(sa))
    b = data.draw(grid(sb, nonzero=True))
    check(op, a, b)


@given(data=st.data(), shapes=PAIRS)
def test_binary_with_constant_operand_sums_back_to_shape(data, shapes):
    sa, sb = shapes.input_shapes
    a, c = data.draw(grid(sa)), data.draw(grid(sb, nonzero=True))
    check(lambda x: (x * c - c) / c + c, a)
    check(lambda x: c / (x * x + 1.0) - c * x, a)


@given(data=st.data(), shapes=PAIRS)
def test_pow_with_tensor_exponent(data, shapes):
    sa, sb = shapes.input_shapes
    base = data.draw(grid(sa, 3, 30))
    exponent = data.draw(grid(sb, -20, 20))
    check(lambda a, b: a ** b, base, exponent)
    check(lambda b: 2.0 ** b, exponent)


@pytest.mark.parametrize("p", [2, 3, -1, 0.5, 1.5, -2.5, 0, 1])
@given(x=grid(SHAPES, 3, 30))
def test_pow_constant_exponent_positive_base(p, x):
    check(lambda a: a ** p, x)


@pytest.mark.parametrize("p", [2, 3, -1, -2])
@given(x=grid(SHAPES, nonzero=True))
def test_pow_integer_exponent_any_base(p, x):
    check(lambda a: a ** p, x)


# ---- matmul: numpy's 1-D, 2-D and batched rules -------------------------------------------
@given(data=st.data(), shapes=hnp.mutually_broadcastable_shapes(
    signature=np.matmul.signature, max_dims=2, max_side=3))
def test_matmul_shapes(data, shapes):
    sa, sb = shapes.input_shapes
    check(lambda a, b: a @ b, data.draw(grid(sa)), data.draw(grid(sb)))


@pytest.mark.parametrize("sa, sb", [((3,), (3,)), ((3,), (3, 2)), ((2, 3), (3,)),
                                    ((4, 2, 3), (3, 2)), ((3,), (2, 3, 2)),
                                    ((2, 1, 2, 3), (3, 3, 2)), ((2, 3), (2, 3, 1))])
def test_matmul_named_cases(sa, sb):
    rng = np.random.default_rng(0)
    check(lambda a, b: a @ b, rng.standard_normal(sa), rng.standard_normal(sb))
    assert (Tensor(np.ones(sa)) @ Tensor(np.ones(sb))).shape == np.matmul(np.ones(sa),
                                                                         np.ones(sb)).shape


# ---- elementwise, one operand --------------------------------------------------------------
@pytest.mark.parametrize("name, op, low, high", [
    ("neg", lambda x: -x, -30, 30),
    ("exp", lambda x: x.exp(), -30, 30),
    ("log", lambda x: x.log(), 1, 30),
    ("sqrt", lambda x: x.sqrt(), 1, 30),
    ("tanh", lambda x: x.tanh(), -30, 30),
    ("sigmoid", lambda x: x.sigmoid(), -30, 30),
    ("relu", lambda x: x.relu(), -30, 30),
    ("abs", lambda x: abs(x), -30, 30),
    ("clip", lambda x: x.clip(-1.05, 0.95), -30, 30),
    ("clip_low", lambda x: x.clip(low=0.05), -30, 30),
    ("clip_high", lambda x: x.clip(high=-0.05), -30, 30),
    ("astype", lambda x: x.astype(np.float32).astype(np.float64) * 1.0, -30, 30),
], ids=lambda v: v if isinstance(v, str) else "")
@given(data=st.data(), shape=SHAPES)
def test_unary_ops(name, op, low, high, data, shape):
    x = data.draw(grid(shape, low, high, nonzero=name in ("relu", "abs")))
    if name == "astype":  # float32 round trip: only the rule is checked, loosely
        inputs = [Tensor(x, requires_grad=True)]
        op(inputs[0]).sum().backward()
        np.testing.assert_array_equal(inputs[0].grad, np.ones_like(x))
        return
    check(op, x)


# ---- reductions ------------------------------------------------------------------------------
def axes_for(ndim: int):
    """None, a single int (possibly negative) or a tuple of distinct axes."""
    singles = st.integers(-ndim, ndim - 1) if ndim else st.nothing()
    return st.one_of(st.none(), singles, hnp.valid_tuple_axes(ndim))


@pytest.mark.parametrize("reduce", ["sum", "mean", "max"])
@given(data=st.data(), shape=SHAPES, keepdims=st.booleans())
def test_reductions(reduce, data, shape, keepdims):
    axis = data.draw(axes_for(len(shape)))
    x = data.draw(grid(shape, -60, 60, unique=reduce == "max"))
    check(lambda t: getattr(t, reduce)(axis=axis, keepdims=keepdims), x)
    expected = getattr(np, {"sum": "sum", "mean": "mean", "max": "max"}[reduce])(
        x, axis=axis, keepdims=keepdims)
    got = getattr(Tensor(x), reduce)(axis=axis, keepdims=keepdims)
    assert got.shape == np.shape(expected)
    np.testing.assert_allclose(got.data, expected)


# ---- shape ops ------------------------------------------------------------------------------
@given(data=st.data(), shape=SHAPES)
def test_reshape_and_transpose(data, shape):
    x = data.draw(grid(shape))
    target = data.draw(st.sampled_from([(-1,), (1, x.size), tuple(reversed(shape)),
                                        (x.size, 1, 1)]))
    check(lambda t: t.reshape(target), x)
    axes = data.draw(st.permutations(range(len(shape))))
    check(lambda t: t.transpose(*axes), x)
    check(lambda t: t.T, x)


@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
def test_getitem_basic_indices(data, shape):
    x = data.draw(grid(shape))
    index = data.draw(hnp.basic_indices(shape, allow_newaxis=True))
    check(lambda t: t[index] * 1.0, x)


@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
def test_getitem_integer_arrays_with_repeats(data, shape):
    x = data.draw(grid(shape))
    index = data.draw(hnp.integer_array_indices(shape, result_shape=hnp.array_shapes(
        min_dims=1, max_dims=2, max_side=5)))
    check(lambda t: t[index], x)


@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
def test_getitem_boolean_mask(data, shape):
    x = data.draw(grid(shape))
    mask = data.draw(hnp.arrays(bool, shape))
    check(lambda t: t[mask] * 1.0, x)
    row_mask = data.draw(hnp.arrays(bool, shape[:1]))
    check(lambda t: t[row_mask] * 1.0, x)


# ---- softmax family ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
def test_softmax_family(name, data, shape):
    x = data.draw(grid(shape))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    check(lambda t: getattr(t, name)(axis=axis), x)


@given(data=st.data(), n=st.integers(1, 4), c=st.integers(1, 5))
def test_cross_entropy(data, n, c):
    logits = data.draw(grid((n, c), -50, 50))
    labels = data.draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    check(lambda t: t.cross_entropy(labels), logits)
    check(lambda t: t[0].cross_entropy(labels[0]), logits)  # one unbatched sample


@settings(max_examples=20)
@given(data=st.data())
def test_a_composite_expression(data):
    """Ops chained the way a network chains them, with reuse of one input."""
    x = data.draw(grid((3, 4)))
    w = data.draw(grid((4, 2)))
    b = data.draw(grid((2,)))
    check(lambda x, w, b: ((x @ w + b).tanh() * x[:, :2]).sigmoid().log_softmax(axis=0)
          + (x ** 2).mean(axis=1, keepdims=True), x, w, b)


def test_gradcheck_catches_a_wrong_tensor_rule():
    from autograd.tensor import _unary
    from autograd.tensor_ops import TensorOp

    bad = TensorOp("bad_square", lambda x: x * x, (lambda g, out, x: g * x,), ("{g} ⊙ {0}",))

    def bad_square(x: Tensor) -> Tensor:  # derivative x instead of 2x
        return _unary(bad, x)

    x = Tensor(np.array([1.5, -2.0]), requires_grad=True, label="x")
    with pytest.raises(AssertionError, match="1 of 1 inputs mismatch"):
        gradcheck(lambda t: bad_square(t).sum(), [x])
    assert gradcheck(lambda t: (t * t).sum(), [x])[0].ok
