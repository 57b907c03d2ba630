"""Tensor: construction, dtype rules, the graph protocol and backward's semantics."""
from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

from autograd import Tensor, no_grad
from autograd.recording import scope

FLOATS = [np.float32, np.float64]


# ---- construction ---------------------------------------------------------------------------
def test_wraps_an_array_without_copying_and_keeps_its_dtype():
    a = np.ones((2, 3), np.float32)
    t = Tensor(a, requires_grad=True, label="x")
    assert t.data is a and t.dtype == np.float32 and t.shape == (2, 3)
    assert (t.ndim, t.size, len(t)) == (2, 6, 2)
    assert t.numpy() is a and np.asarray(t) is a
    assert t.parents == () and t.local_grads == () and t.op == "" and t.label == "x"
    assert t.requires_grad and not t.is_parameter


def test_lists_and_scalars_follow_numpy():
    assert Tensor([[1.0, 2.0]]).dtype == np.float64
    assert Tensor([1, 2]).dtype == np.int64
    scalar = Tensor(2.5)
    assert scalar.shape == () and isinstance(scalar.data, np.ndarray) and scalar.item() == 2.5
    assert Tensor(np.float32(1.5)).dtype == np.float32
    assert Tensor(Tensor(np.zeros(2))).shape == (2,)


def test_integer_and_bool_tensors_exist_without_grad():
    labels = Tensor(np.array([1, 2, 3]))
    assert labels.dtype == np.int64 and not labels.requires_grad
    assert (labels + 1).dtype == np.int64
    assert Tensor(np.array([True, False])).dtype == bool


def test_repr_shows_data_shape_dtype_label_and_op():
    t = Tensor(np.array([1.0, 2.0], np.float32), requires_grad=True, label="w")
    text = repr(t)
    assert text.startswith("Tensor([1., 2.]") and "shape=(2,)" in text
    assert "dtype=float32" in text and "label='w'" in text and "requires_grad=True" in text
    assert "op='*'" in repr(t * 2)
    big = repr(Tensor(np.zeros((100, 100))))
    assert "..." in big and len(big) < 400


# ---- dtype rules ----------------------------------------------------------------------------
# Every op keeps the dtype of its float inputs: the table of tests/op_table.py checks that.
# These are the operand spellings the table does not use, which must not change it either.
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("op", [
    lambda x: x + 1, lambda x: x * 3, lambda x: 1 / (x + 4), lambda x: x / 2.0, lambda x: 2 ** x,
    lambda x: x.clip(-1, 1), lambda x: x + np.float64(1.0), lambda x: x * np.array(2.0),
    lambda x: x - Tensor(1.0), lambda x: Tensor(np.array(3.0)) * x,
])
def test_python_numbers_and_0d_float64_operands_keep_the_dtype(dtype, op):
    x = Tensor(np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], dtype), requires_grad=True)
    out = op(x)
    assert out.dtype == dtype
    out.backward(np.ones(out.shape, dtype))
    assert x.grad.dtype == dtype and x.grad.shape == x.shape


def test_integer_powers_and_numpy_scalar_bounds_keep_the_dtype():
    assert (Tensor(np.array([2, 3])) ** 2).dtype == np.int64
    assert (Tensor(np.array([2, 3])) ** 2).data.tolist() == [4, 9]
    x = Tensor(np.ones(2, np.float32), requires_grad=True)
    assert (x ** np.float64(2.0)).dtype == np.float32
    assert x.clip(np.float64(0.0), np.float64(0.5)).dtype == np.float32
    assert np.array(x, copy=True) is not x.data and np.asarray(x, np.float64).dtype == np.float64


@pytest.mark.parametrize("dtype", FLOATS)
def test_numpy_integer_scalars_and_0d_int_arrays_never_upcast(dtype):
    x = Tensor(np.array([0.5, -1.0, 2.0], dtype), requires_grad=True)
    for out in (x * np.int64(2), np.int64(3) - x, x / np.int32(2), x + np.array(2),
                Tensor(np.array(3)) * x, x + np.uint8(1)):
        assert out.dtype == dtype
        out.backward(np.ones(out.shape, dtype))
        assert x.grad.dtype == dtype
    assert (x * np.int64(2)).data.tolist() == [1.0, -2.0, 4.0]


def test_astype_to_int_or_bool_is_a_constant_with_no_gradient():
    x = Tensor(np.array([1.7, -2.2], np.float32), requires_grad=True)
    for dtype in (np.int64, np.uint8, bool):
        y = x.astype(dtype)
        assert y.dtype == dtype and not y.requires_grad and not y.parents
    # a float result still carries the gradient, and an int one adds nothing to it
    (x.astype(np.float64) * 2 + x.astype(np.int64) * 3).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_mixed_float_arrays_promote_as_numpy_and_grads_keep_each_dtype():
    a = Tensor(np.ones(2, np.float32), requires_grad=True)
    b = Tensor(np.ones(2, np.float64), requires_grad=True)
    out = a * b
    assert out.dtype == np.float64
    out.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64


def test_ndarray_on_the_left_defers_to_tensor():
    x = Tensor(np.ones(3, np.float32), requires_grad=True)
    for out in (np.ones(3) + x, np.ones(3) * x, np.ones(3) - x, np.ones((2, 3)) @ x):
        assert isinstance(out, Tensor) and out.requires_grad


# ---- graph protocol --------------------------------------------------------------------------
def test_parents_in_argument_order_with_repeats_and_constants_as_leaves():
    a = Tensor(np.ones(2), requires_grad=True)
    sq = a * a
    assert sq.parents == (a, a) and sq.op == "*" and len(sq.local_grads) == 2
    shifted = 3.0 - a
    const, same = shifted.parents
    assert same is a and isinstance(const, Tensor) and const.data == 3.0
    assert not const.requires_grad and shifted.local_grads[0] is None
    assert callable(shifted.local_grads[1])


def test_no_graph_without_requires_grad_or_under_no_grad():
    plain = Tensor(np.ones(2)) * 2 + 1
    assert plain.parents == () and plain.op == "" and not plain.requires_grad
    w = Tensor(np.ones(2), requires_grad=True)
    with no_grad():
        out = (w * 2).sum()
    assert out.parents == () and not out.requires_grad


def test_scope_is_recorded_on_new_nodes():
    w = Tensor(np.ones(2), requires_grad=True)
    with scope("Linear#1"):
        out = w * 2
    assert out.scope == "Linear#1" and (out + 1).scope is None


def test_graph_is_freed_by_reference_counting_alone():
    gc.disable()
    try:
        w = Tensor(np.ones((3, 3)), requires_grad=True)
        x = Tensor(np.ones((2, 3)))
        hidden = (x @ w).relu()
        loss = (hidden.softmax() * hidden).sum() + hidden.cross_entropy([0, 1]) + w[[0, 0]].sum()
        loss.backward()
        refs = [weakref.ref(hidden), weakref.ref(loss)]
        del hidden, loss
        assert all(r() is None for r in refs)
    finally:
        gc.enable()


# ---- backward semantics ------------------------------------------------------------------------
def test_grad_reads_zeros_before_backward_and_is_settable():
    t = Tensor(np.ones((2, 2), np.float32), requires_grad=True)
    assert t.grad.dtype == np.float32 and not t.grad.any()
    with pytest.raises(ValueError, match="read-only"):
        t.grad += 1.0  # the zeros are not stored, so an edit must fail, not vanish
    assert not t.has_grad
    source = np.full((2, 2), 5.0)
    t.grad = source
    assert t.grad.dtype == np.float32 and t.grad is not source
    t.grad = None
    assert not t.grad.any()


def test_leaves_accumulate_non_leaves_reset_and_zero_grad():
    w = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    mid = w * 3
    out = mid.sum()
    out.backward()
    out.backward()
    np.testing.assert_array_equal(w.grad, [6.0, 6.0])
    np.testing.assert_array_equal(mid.grad, [1.0, 1.0])  # this pass's upstream only
    out.zero_grad()
    assert not w.grad.any() and not mid.grad.any()


def test_repeated_use_sums_and_grads_do_not_share_memory():
    a = Tensor(np.ones(3), requires_grad=True)
    b = Tensor(np.ones(3), requires_grad=True)
    seed = np.array([1.0, 2.0, 3.0])
    (a + b).backward(seed)
    assert a.grad is not b.grad and a.grad is not seed
    a.grad += 10.0
    np.testing.assert_array_equal(b.grad, seed)
    np.testing.assert_array_equal(seed, [1.0, 2.0, 3.0])
    c = Tensor(np.array([2.0]), requires_grad=True)
    (c * c + c).sum().backward()
    np.testing.assert_array_equal(c.grad, [5.0])
    assert c.grad.flags.writeable


def test_broadcast_grads_are_summed_back_and_writable():
    b = Tensor(np.zeros((1, 3)), requires_grad=True)
    s = Tensor(0.0, requires_grad=True)
    (Tensor(np.ones((4, 3))) + b + s).sum().backward()
    np.testing.assert_array_equal(b.grad, [[4.0, 4.0, 4.0]])
    assert s.grad.shape == () and s.grad == 12.0
    b.zero_grad()
    b.sum().backward()  # sum's gradient is a broadcast view: the leaf must own a copy
    b.grad[0, 0] = 7.0
    assert b.grad.flags.writeable and b.grad[0, 1] == 1.0


def test_backward_on_a_leaf_and_with_an_explicit_grad():
    x = Tensor(np.array(3.0), requires_grad=True)
    x.backward()
    assert x.grad == 1.0
    y = Tensor(np.ones((2, 2)), requires_grad=True)
    (y * 2).backward(Tensor(np.full((2, 2), 0.5)))
    np.testing.assert_array_equal(y.grad, np.ones((2, 2)))
    z = Tensor(np.ones(1), requires_grad=True)
    (z * 4).backward()  # one element: the seed is implied, as in PyTorch
    assert z.grad[0] == 4.0


def test_parents_that_do_not_require_grad_are_skipped():
    const = Tensor(np.ones(2))
    w = Tensor(np.ones(2), requires_grad=True)
    (const * w).sum().backward()
    assert const._grad is None and not const.grad.any()


def test_max_ties_share_the_gradient_evenly():
    x = Tensor(np.array([[1.0, 3.0, 3.0, 2.0], [5.0, 5.0, 5.0, 5.0]]), requires_grad=True)
    x.max(axis=1).sum().backward()
    np.testing.assert_allclose(x.grad, [[0, 0.5, 0.5, 0], [0.25, 0.25, 0.25, 0.25]])
    x.zero_grad()
    x.max().backward()
    np.testing.assert_allclose(x.grad, [[0, 0, 0, 0], [0.25, 0.25, 0.25, 0.25]])


def test_repeated_indices_accumulate():
    x = Tensor(np.arange(4.0), requires_grad=True)
    x[np.array([0, 0, 3, 0])].sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 0.0, 1.0])
    m = Tensor(np.ones((2, 3)), requires_grad=True)
    (m[[1, 1], [2, 2]] * Tensor(np.array([2.0, 3.0]))).sum().backward()
    np.testing.assert_array_equal(m.grad, [[0, 0, 0], [0, 0, 5.0]])


def test_getitem_accepts_tensor_indices_and_masks():
    x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    picked = x[Tensor(np.array([1, 0])), 1:]
    np.testing.assert_array_equal(picked.data, [[4.0, 5.0], [1.0, 2.0]])
    masked = x[Tensor(x.data > 2)]
    np.testing.assert_array_equal(masked.data, [3.0, 4.0, 5.0])
    (picked.sum() + masked.sum()).backward()
    np.testing.assert_array_equal(x.grad, [[0, 1, 1], [1, 2, 2]])
    assert [row.shape for row in Tensor(np.ones((2, 3)))] == [(3,), (3,)]


def test_detach_item_and_conversions():
    w = Tensor(np.array([2.0]), requires_grad=True)
    d = (w * 3).detach()
    assert d.parents == () and not d.requires_grad and d.item() == 6.0
    assert float(d) == 6.0 and bool(Tensor(1.0)) and not bool(Tensor(0.0))
    assert w.requires_grad_(False) is w and not w.requires_grad


def test_has_grad_tracks_whether_a_gradient_is_stored():
    w = Tensor(np.ones(3), requires_grad=True)
    assert not w.has_grad
    (w * 2.0).sum().backward()
    assert w.has_grad
    w.zero_grad()
    assert not w.has_grad and w.grad.tolist() == [0.0, 0.0, 0.0]
    assert not w.has_grad  # reading grad stores nothing (it would make optimizers step)
    w.grad = np.zeros(3)
    assert w.has_grad
    w.grad = None
    assert not w.has_grad


def test_0d_gradients_are_arrays_so_every_contribution_is_added():
    # A gradient reduced to shape () was a numpy scalar, which backward's in-place +=
    # cannot update: later contributions were silently dropped.
    x = Tensor(np.array([1.0, 2.0, 3.0]))
    w = Tensor(np.array(2.0), requires_grad=True)
    (w * x).sum().backward()
    assert type(w.grad) is np.ndarray and w.grad == 6.0
    (w * x).sum().backward()
    assert w.grad == 12.0  # a 0-d leaf accumulates across backward() calls
    v = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    s = v.sum()
    ((s + s) + s).backward()  # s: a borrowed grad, then two more contributions
    assert v.grad.tolist() == [3.0, 3.0]
    b = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    t = b.sum()
    (t + (t + b)).backward(np.ones(3))  # d/db_j of sum_i (2t + b_i) = 2 * 3 + 1
    assert b.grad.tolist() == [7.0, 7.0, 7.0]


@pytest.mark.parametrize("other", [np.array([1, 2, 3]), np.array([1, 0, 1], np.uint8),
                                   np.array([True, False, True]), np.int64(2), np.array(2)])
def test_integer_operands_of_any_shape_keep_float32(other):
    x = Tensor(np.ones(3, np.float32), requires_grad=True)
    for out in (x * other, other * x, x + other, x - other, other - x):
        assert out.dtype == np.float32
    (x * other).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, np.broadcast_to(np.asarray(other, np.float32), (3,)))
