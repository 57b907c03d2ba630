"""conv2d, max_pool2d and avg_pool2d on Tensors: PyTorch, finite differences, bad input."""
from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import (Tensor, avg_pool2d, conv2d, grad, gradcheck, gradgradcheck, max_pool2d,
                      no_grad, topo_sort)
from autograd.conv import conv2d_input_grad, conv2d_weight_grad


@st.composite
def conv_cases(draw, pool: bool = False):
    """A random (x shape, weight shape, stride, padding) that conv2d (or a pool) accepts."""
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    if pool:
        padding = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    else:
        padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    h, w = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    assume(h + 2 * padding[0] >= kernel[0] and w + 2 * padding[1] >= kernel[1])
    o = draw(st.integers(1, 3))
    return (n, c, h, w), (o, c, *kernel), stride, padding


def _random(shape, dtype, seed):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def _close(actual, desired, dtype):
    """float64 to 1e-10; float32 to 2e-5 of the largest entry, since a gradient entry sums
    thousands of products and float32 rounding grows with the sum's scale, not the entry's."""
    if dtype == np.float64:
        np.testing.assert_allclose(actual, desired, rtol=1e-10, atol=1e-12)
    else:
        scale = max(1.0, float(np.abs(desired).max(initial=0.0)))
        np.testing.assert_allclose(actual, desired, rtol=2e-5, atol=2e-5 * scale)


# ---- against PyTorch -------------------------------------------------------------------------
def _versus_torch(ours, theirs, arrays, dtype):
    torch = pytest.importorskip("torch")
    mine = [Tensor(a, requires_grad=True) for a in arrays]
    ref = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, expected = ours(*mine), theirs(*ref)
    assert out.dtype == dtype and out.shape == tuple(expected.shape)
    _close(out.data, expected.detach().numpy(), dtype)
    g = _random(out.shape, dtype, 7)
    out.backward(g)
    expected.backward(torch.from_numpy(g))
    for a, b in zip(mine, ref):
        assert a.grad.dtype == dtype
        _close(a.grad, b.grad.numpy(), dtype)


@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@settings(max_examples=40)
@given(case=conv_cases())
def test_conv2d_matches_torch(dtype, case):
    torch = pytest.importorskip("torch")
    x_shape, w_shape, stride, padding = case
    _versus_torch(lambda x, w: conv2d(x, w, stride, padding),
                  lambda x, w: torch.nn.functional.conv2d(x, w, stride=stride, padding=padding),
                  [_random(x_shape, dtype, 1), _random(w_shape, dtype, 2)], dtype)


@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", ["max_pool2d", "avg_pool2d"])
@settings(max_examples=40)
@given(case=conv_cases(pool=True))
def test_pools_match_torch(dtype, name, case):
    torch = pytest.importorskip("torch")
    x_shape, (_, _, *kernel), stride, padding = case
    ours = {"max_pool2d": max_pool2d, "avg_pool2d": avg_pool2d}[name]
    theirs = getattr(torch.nn.functional, name)
    # Continuous random values have no tied maxima, where PyTorch picks one and we share.
    _versus_torch(lambda x: ours(x, kernel, stride, padding),
                  lambda x: theirs(x, kernel, stride, padding), [_random(x_shape, dtype, 3)], dtype)


@pytest.mark.torch
def test_conv2d_on_mnist_sized_batches_matches_torch():
    """The shapes of tracegrad mnist --model cnn, through the fast stride-1 path, in float32."""
    torch = pytest.importorskip("torch")
    for x_shape, w_shape in (((8, 1, 28, 28), (16, 1, 3, 3)), ((8, 16, 14, 14), (32, 16, 3, 3))):
        _versus_torch(lambda x, w: conv2d(x, w, 1, 1),
                      lambda x, w: torch.nn.functional.conv2d(x, w, padding=1),
                      [_random(x_shape, np.float32, 4), _random(w_shape, np.float32, 5)],
                      np.float32)


# ---- finite differences (float64), including the gradient ops themselves ---------------------
def _weighted(f, shape, seed=11):
    """sum(f(...) * fixed random weights): checks the whole VJP, not just its row sums."""
    weights = Tensor(np.random.default_rng(seed).uniform(0.5, 1.5, size=shape))
    return lambda *xs: (f(*xs) * weights).sum()


def _float64_inputs(case):
    """Random float64 input and weight for a conv case, both requiring grad, and the output shape."""
    x_shape, w_shape, stride, padding = case
    x = Tensor(_random(x_shape, np.float64, 1), requires_grad=True)
    w = Tensor(_random(w_shape, np.float64, 2), requires_grad=True)
    return x, w, conv2d(x, w, stride, padding).shape


@settings(max_examples=15)
@given(case=conv_cases())
def test_conv2d_and_its_gradient_ops_pass_gradcheck(case):
    x_shape, w_shape, stride, padding = case
    x, w, y_shape = _float64_inputs(case)
    g = Tensor(_random(y_shape, np.float64, 3), requires_grad=True)
    gradcheck(_weighted(lambda x, w: conv2d(x, w, stride, padding), y_shape), [x, w])
    gradcheck(_weighted(lambda g, w: conv2d_input_grad(g, w, x_shape, stride, padding), x_shape),
              [g, w])
    gradcheck(_weighted(lambda x, g: conv2d_weight_grad(x, g, w_shape[2:], stride, padding),
                        w_shape), [x, g])


def test_the_gradient_ops_are_the_gradients_of_conv2d():
    x = Tensor(_random((2, 3, 6, 5), np.float64, 1), requires_grad=True)
    w = Tensor(_random((4, 3, 3, 2), np.float64, 2), requires_grad=True)
    y = conv2d(x, w, (2, 1), (1, 0))
    g = _random(y.shape, np.float64, 3)
    y.backward(g)
    np.testing.assert_allclose(conv2d_input_grad(g, w, x.shape, (2, 1), (1, 0)).data, x.grad)
    np.testing.assert_allclose(conv2d_weight_grad(x, g, (3, 2), (2, 1), (1, 0)).data, w.grad)


def _distinct(shape):
    """Distinct values a grid step apart: every maximum stays further than eps from a tie."""
    values = np.random.default_rng(5).permutation(int(np.prod(shape))) / 10.0
    return Tensor(values.reshape(shape), requires_grad=True)


@settings(max_examples=15)
@given(case=conv_cases(pool=True))
def test_pools_pass_gradcheck(case):
    x_shape, (_, _, *kernel), stride, padding = case
    x = _distinct(x_shape)
    for pool in (max_pool2d, avg_pool2d):
        shape = pool(x, kernel, stride, padding).shape
        gradcheck(_weighted(lambda x, pool=pool: pool(x, kernel, stride, padding), shape), [x])


def test_tied_maxima_share_the_gradient_like_max():
    x = Tensor(np.array([[[[1.0, 1.0, 0.0, 2.0],
                           [1.0, 0.5, 2.0, 2.0]]]]), requires_grad=True)
    y = max_pool2d(x, 2)
    assert y.data.tolist() == [[[[1.0, 2.0]]]]
    y.backward(np.array([[[[3.0, 6.0]]]]))
    assert x.grad.tolist() == [[[[1.0, 1.0, 0.0, 2.0], [1.0, 0.0, 2.0, 2.0]]]]
    # The same rule as Tensor.max over each window.
    z = Tensor(x.data.copy(), requires_grad=True)
    z[:, :, :, :2].max().backward()
    np.testing.assert_allclose(z.grad[..., :2], x.grad[..., :2] / 3.0)


def test_max_pool_padding_never_wins():
    x = Tensor(-np.ones((1, 1, 3, 3)), requires_grad=True)
    y = max_pool2d(x, 3, stride=1, padding=1)
    assert (y.data == -1).all()
    y.sum().backward()
    assert x.grad.sum() == 9.0  # every window's gradient landed on real pixels


def test_avg_pool_counts_padding_as_zeros_like_torch_default():
    y = avg_pool2d(Tensor(np.ones((1, 1, 2, 2))), 2, stride=1, padding=1)
    assert y.data[0, 0].tolist() == [[0.25, 0.5, 0.25], [0.5, 1.0, 0.5], [0.25, 0.5, 0.25]]


# ---- engine behaviour --------------------------------------------------------------------------
def test_float32_stays_float32_and_no_grad_records_nothing():
    x = Tensor(np.ones((1, 2, 5, 5), np.float32), requires_grad=True)
    w = Tensor(np.ones((3, 2, 3, 3), np.float32), requires_grad=True)
    y = max_pool2d(avg_pool2d(conv2d(x, w, padding=1), 1), 2, padding=1)
    assert y.dtype == np.float32 and y.op == "max_pool2d"
    assert y.parents[0].op == "avg_pool2d" and y.parents[0].parents[0].op == "conv2d"
    with no_grad():
        assert conv2d(x, w).parents == ()
    # Arrays are accepted as constant operands, as by the other ops.
    assert conv2d(x.data, w).parents[0].requires_grad is False


def test_stride_and_padding_accept_pairs():
    x = Tensor(np.ones((1, 1, 7, 6)))
    assert conv2d(x, Tensor(np.ones((2, 1, 3, 2))), stride=(2, 1), padding=(0, 1)).shape == (1, 2, 3, 7)
    assert max_pool2d(x, (3, 2)).shape == (1, 1, 2, 3)


# ---- bad input: one line naming the op and every shape -----------------------------------------
def _one_line_error(kind, call, op, *shapes):
    with pytest.raises(kind) as info:
        call()
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{op}: ")
    for shape in shapes:
        assert str(shape) in message, (shape, message)
    return message


X = Tensor(np.ones((2, 3, 5, 5)))


def test_channel_mismatch():
    w = Tensor(np.ones((4, 2, 3, 3)))
    message = _one_line_error(ValueError, lambda: conv2d(X, w), "conv2d", (2, 3, 5, 5), (4, 2, 3, 3))
    assert "3 channels" in message and "expects 2" in message


def test_kernel_larger_than_the_padded_input():
    w = Tensor(np.ones((4, 3, 8, 3)))
    message = _one_line_error(ValueError, lambda: conv2d(X, w, padding=1), "conv2d",
                              (2, 3, 5, 5), (4, 3, 8, 3))
    assert "8×3" in message and "7×7" in message
    _one_line_error(ValueError, lambda: max_pool2d(X, 6), "max_pool2d", (2, 3, 5, 5))
    _one_line_error(ValueError, lambda: avg_pool2d(X, (1, 6)), "avg_pool2d", (2, 3, 5, 5))


@pytest.mark.parametrize("stride", [0, (1, 0), -1])
def test_stride_zero_or_negative(stride):
    w = Tensor(np.ones((4, 3, 3, 3)))
    message = _one_line_error(ValueError, lambda: conv2d(X, w, stride=stride), "conv2d",
                              (2, 3, 5, 5), (4, 3, 3, 3))
    assert "stride must be >= 1" in message
    _one_line_error(ValueError, lambda: max_pool2d(X, 2, stride=stride), "max_pool2d", (2, 3, 5, 5))


def test_non_4d_input_and_weight():
    w = Tensor(np.ones((4, 3, 3, 3)))
    _one_line_error(ValueError, lambda: conv2d(Tensor(np.ones((3, 5, 5))), w), "conv2d",
                    (3, 5, 5), (4, 3, 3, 3))
    _one_line_error(ValueError, lambda: conv2d(X, Tensor(np.ones((4, 3, 3)))), "conv2d",
                    (2, 3, 5, 5), (4, 3, 3))
    _one_line_error(ValueError, lambda: max_pool2d(Tensor(np.ones((5, 5))), 2), "max_pool2d", (5, 5))


def test_other_bad_arguments():
    w = Tensor(np.ones((4, 3, 3, 3), np.float32))
    _one_line_error(TypeError, lambda: conv2d(X, w), "conv2d", (2, 3, 5, 5), (4, 3, 3, 3))  # dtypes
    _one_line_error(TypeError, lambda: conv2d(X, Tensor(np.ones((4, 3, 3, 3))), padding=1.5),
                    "conv2d", (2, 3, 5, 5))
    _one_line_error(ValueError, lambda: conv2d(X, Tensor(np.ones((4, 3, 3, 3))), padding=-1),
                    "conv2d", (2, 3, 5, 5))
    _one_line_error(TypeError, lambda: conv2d(Tensor(np.ones((1, 3, 5, 5), np.int64)),
                                              Tensor(np.ones((4, 3, 3, 3)))), "conv2d", (1, 3, 5, 5))
    _one_line_error(ValueError, lambda: max_pool2d(X, 3, padding=2), "max_pool2d", (2, 3, 5, 5))
    _one_line_error(TypeError, lambda: conv2d([1.0], w), "conv2d")
    g = Tensor(np.ones((2, 4, 2, 2)))
    message = _one_line_error(ValueError, lambda: conv2d_input_grad(g, Tensor(np.ones((4, 3, 3, 3))),
                                                                    (2, 3, 5, 5)),
                              "conv2d_input_grad", (2, 4, 2, 2), (4, 3, 3, 3), (2, 3, 5, 5))
    assert re.search(r"grad must have shape \(2, 4, 3, 3\)", message)
    g = Tensor(np.ones((2, 4, 3, 3)))
    _one_line_error(ValueError, lambda: conv2d_input_grad(g, Tensor(np.ones((4, 2, 3, 3))),
                                                          (2, 3, 5, 5)),
                    "conv2d_input_grad", (2, 4, 3, 3), (4, 2, 3, 3), (2, 3, 5, 5))
    _one_line_error(TypeError, lambda: conv2d_weight_grad(Tensor(np.ones((2, 3, 5, 5), np.float32)),
                                                          g, 3), "conv2d_weight_grad", (2, 4, 3, 3))
    _one_line_error(ValueError, lambda: conv2d_weight_grad(Tensor(np.ones((3, 5, 5))), g, 3),
                    "conv2d_weight_grad", (2, 4, 3, 3))


# ---- higher order: autograd.grad(..., create_graph=True) through the family -----------------
@settings(max_examples=8)
@given(case=conv_cases())
def test_second_derivatives_pass_gradgradcheck(case):
    x_shape, w_shape, stride, padding = case
    x, w, y_shape = _float64_inputs(case)
    mix = Tensor(_random(y_shape, np.float64, 3))
    # Squared, so the second derivative involves every op of the family, not just zeros.
    gradgradcheck(lambda x, w: ((conv2d(x, w, stride, padding) * mix) ** 2).sum(), [x, w])


@settings(max_examples=8)
@given(case=conv_cases(pool=True))
def test_pools_second_derivatives_pass_gradgradcheck(case):
    x_shape, (_, _, *kernel), stride, padding = case
    x = _distinct(x_shape)
    for pool in (max_pool2d, avg_pool2d):
        gradgradcheck(lambda x, pool=pool: (pool(x, kernel, stride, padding) ** 2).sum(), [x])


@pytest.mark.torch
@pytest.mark.parametrize("stride, padding", [(1, 1), (2, 0), ((2, 1), (0, 1))])
def test_second_derivatives_match_torch(stride, padding):
    """Hessian-vector products of a conv, pool, conv network, in float64 to 1e-10."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    arrays = [_random((2, 2, 7, 6), np.float64, 1), _random((3, 2, 3, 2), np.float64, 2),
              _random((2, 3, 2, 2), np.float64, 3)]

    def ours(x, w1, w2):
        h = max_pool2d(conv2d(x, w1, stride, padding).tanh(), 2, stride=1)
        return (avg_pool2d(conv2d(h, w2, padding=1), 2, stride=1) ** 2).sum()

    def theirs(x, w1, w2):
        h = F.max_pool2d(torch.tanh(F.conv2d(x, w1, stride=stride, padding=padding)), 2, stride=1)
        return (F.avg_pool2d(F.conv2d(h, w2, padding=1), 2, stride=1) ** 2).sum()

    mine = [Tensor(a, requires_grad=True) for a in arrays]
    ref = [torch.tensor(a, requires_grad=True) for a in arrays]
    firsts = grad(ours(*mine), mine, create_graph=True)
    tfirsts = torch.autograd.grad(theirs(*ref), ref, create_graph=True)
    v = [_random(a.shape, np.float64, 10 + i) for i, a in enumerate(arrays)]
    total = sum(((d * vi).sum() for d, vi in zip(firsts, v)), Tensor(np.zeros(())))
    ttotal = sum((d * torch.from_numpy(vi)).sum() for d, vi in zip(tfirsts, v))
    seconds = grad(total, mine)
    tseconds = torch.autograd.grad(ttotal, ref)
    for a, b in zip(firsts + seconds, list(tfirsts) + list(tseconds)):
        np.testing.assert_allclose(a.data, b.detach().numpy(), rtol=1e-10, atol=1e-10)


def test_the_derivative_graph_is_made_of_the_family():
    x = Tensor(_random((1, 2, 5, 5), np.float64, 1), requires_grad=True)
    w = Tensor(_random((3, 2, 3, 3), np.float64, 2), requires_grad=True)
    loss = (max_pool2d(conv2d(x, w, padding=1), 2) ** 2).sum()
    dx, dw = grad(loss, [x, w], create_graph=True)
    ops_in = {node.op for node in topo_sort(dx) + topo_sort(dw)}
    assert {"conv2d_input_grad", "conv2d_weight_grad", "pool2d_scatter"} <= ops_in
    (ddx,) = grad((dw * dw).sum(), x, create_graph=True)  # third order is just more of the same
    assert {"conv2d", "conv2d_weight_grad"} <= {node.op for node in topo_sort(ddx)}
