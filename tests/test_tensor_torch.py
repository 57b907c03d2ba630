"""Every Tensor op's forward and backward against PyTorch, in float64 (float32 spot checks)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.extra import numpy as hnp

from autograd import Tensor

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch


def compare(ours_fn, torch_fn, *arrays: np.ndarray, rtol: float = 1e-10) -> None:
    """Same inputs through both; outputs and the VJP of fixed random weights must agree."""
    ours = [Tensor(np.array(a), requires_grad=np.asarray(a).dtype.kind == "f") for a in arrays]
    theirs = [torch.tensor(np.array(a), requires_grad=np.asarray(a).dtype.kind == "f")
              for a in arrays]
    out, ref = ours_fn(*ours), torch_fn(*theirs)
    assert out.shape == tuple(ref.shape) and out.dtype == np.dtype(str(ref.dtype)[6:])
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=rtol, atol=1e-12)
    w = np.random.default_rng(1).uniform(0.5, 1.5, size=out.shape).astype(out.dtype)
    (out * w).sum().backward()
    (ref * torch.from_numpy(w)).sum().backward()
    for a, b in zip(ours, theirs):
        if b.requires_grad:
            np.testing.assert_allclose(a.grad, b.grad.numpy(), rtol=rtol, atol=1e-12)


def floats(shape, low=-3.0, high=3.0, seed=0):
    return np.random.default_rng(seed).uniform(low, high, size=shape)


PAIRS = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)


@settings(max_examples=25)
@pytest.mark.parametrize("op", [lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b,
                                lambda a, b: a / b, lambda a, b: abs(a) ** b],
                         ids=["add", "sub", "mul", "div", "pow"])
@given(shapes=PAIRS)
def test_binary_ops_with_broadcasting(op, shapes):
    sa, sb = shapes.input_shapes
    compare(op, op, floats(sa, 0.5, 3.0, 1), floats(sb, 0.5, 3.0, 2))
    compare(op, op, floats(sa, -3.0, 3.0, 3), floats(sb, 0.5, 3.0, 4))


@pytest.mark.parametrize("op", [
    lambda x: x + 2.0, lambda x: 2.0 - x, lambda x: 3.0 * x, lambda x: 1.5 / x, lambda x: x / 4,
    lambda x: x ** 2, lambda x: x ** 3, lambda x: x ** -1, lambda x: abs(x) ** 0.5,
    lambda x: abs(x) ** -1.5, lambda x: 2.0 ** x, lambda x: -x, lambda x: abs(x),
    lambda x: x.exp(), lambda x: abs(x).log(), lambda x: abs(x).sqrt(), lambda x: x.tanh(),
    lambda x: x.sigmoid(), lambda x: x.relu(), lambda x: x.clip(-0.5, 0.75),
    lambda x: x.clip(-0.5, None), lambda x: x.clip(None, 0.25),
], ids=lambda f: "")
def test_unary_ops(op):
    compare(op, op, floats((3, 4), seed=5))


def test_sigmoid_is_stable_at_extremes_like_torch():
    x = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    compare(lambda t: t.sigmoid(), lambda t: t.sigmoid(), x)


@pytest.mark.parametrize("sa, sb", [((3,), (3,)), ((3,), (3, 2)), ((2, 3), (3,)),
                                    ((2, 3), (3, 4)), ((4, 2, 3), (3, 2)), ((3,), (2, 3, 2)),
                                    ((2, 1, 2, 3), (3, 3, 2))])
def test_matmul(sa, sb):
    compare(lambda a, b: a @ b, lambda a, b: a @ b, floats(sa, seed=6), floats(sb, seed=7))


def _torch_reduce(name, axis, keepdims):
    def run(x):
        dims = tuple(range(x.ndim)) if axis is None else axis
        if name == "max":
            return x.amax(dim=dims, keepdim=keepdims)
        return getattr(x, name)(dim=dims, keepdim=keepdims)
    return run


@pytest.mark.parametrize("name", ["sum", "mean", "max"])
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2), (1,)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions(name, axis, keepdims):
    x = floats((2, 3, 4), seed=8)
    compare(lambda t: getattr(t, name)(axis=axis, keepdims=keepdims),
            _torch_reduce(name, axis, keepdims), x)


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_max_ties_split_like_torch_amax(axis):
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, -1.0], [3.0, 0.0, 3.0]])
    compare(lambda t: t.max(axis=axis), _torch_reduce("max", axis, False), x)


def test_shape_ops():
    x = floats((2, 3, 4), seed=9)
    compare(lambda t: t.reshape(4, -1), lambda t: t.reshape(4, -1), x)
    compare(lambda t: t.transpose(2, 0, 1), lambda t: t.permute(2, 0, 1), x)
    compare(lambda t: t.T, lambda t: t.permute(2, 1, 0), x)


@pytest.mark.parametrize("index", [
    (slice(None), 1), (Ellipsis, slice(1, None)), (0, slice(None, None, 2)), (None, 1),  # torch has no negative steps
    np.array([1, 1, 0]), (np.array([0, 1, 1]), np.array([2, 2, 0])),
    np.array([[True, False, True, True], [False, False, True, False], [True] * 4]),
    np.array([True, False, True]),
], ids=["slice-int", "ellipsis", "step", "newaxis", "int-array-repeats", "pairs-repeats",
        "mask", "row-mask"])
def test_getitem(index):
    x = floats((3, 4), seed=10)
    as_torch = tuple(torch.from_numpy(i) if isinstance(i, np.ndarray) else i
                     for i in (index if isinstance(index, tuple) else (index,)))
    compare(lambda t: t[index], lambda t: t[as_torch], x)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax_and_log_softmax(axis):
    x = floats((3, 5), seed=11)
    compare(lambda t: t.softmax(axis), lambda t: torch.softmax(t, axis), x)
    compare(lambda t: t.log_softmax(axis), lambda t: torch.log_softmax(t, axis), x)


@pytest.mark.parametrize("scale", [1.0, 1e4])
def test_cross_entropy(scale):
    logits = floats((6, 4), seed=12) * scale
    labels = np.array([0, 3, 1, 1, 2, 0])
    compare(lambda t, y: t.cross_entropy(y),
            lambda t, y: torch.nn.functional.cross_entropy(t, y), logits, labels)
    compare(lambda t, y: t[2].cross_entropy(y[2]),
            lambda t, y: torch.nn.functional.cross_entropy(t[2], y[2]), logits, labels)


def test_cross_entropy_float32_with_huge_logits_is_finite_and_matches():
    logits = np.array([[1e4, 0.0, -1e4], [-1e4, 1e4, 1e4], [3.0, 3.0, 3.0]], np.float32)
    labels = np.array([2, 1, 0])
    ours = Tensor(logits, requires_grad=True)
    loss = ours.cross_entropy(labels)
    loss.backward()
    ref = torch.tensor(logits, requires_grad=True)
    ref_loss = torch.nn.functional.cross_entropy(ref, torch.from_numpy(labels))
    ref_loss.backward()
    assert loss.dtype == np.float32 and ours.grad.dtype == np.float32
    assert np.isfinite(loss.data) and np.isfinite(ours.grad).all()
    np.testing.assert_allclose(loss.item(), ref_loss.item(), rtol=1e-6)
    np.testing.assert_allclose(ours.grad, ref.grad.numpy(), rtol=1e-6, atol=1e-7)
