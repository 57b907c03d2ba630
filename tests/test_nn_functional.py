"""nn.functional: losses against their formulas, finite differences and PyTorch; bad input."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

from autograd import Tensor, gradcheck
from nn import functional as F


def _t(a):
    return Tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


def _logits(n=4, c=3, seed=0):
    return _t(np.random.default_rng(seed).normal(size=(n, c)) * 3)


def _log_softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


# ---- cross-entropy -------------------------------------------------------------------------
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("smoothing", [0.0, 0.1, 1.0])
def test_cross_entropy_with_labels_matches_the_formula(reduction, smoothing):
    z, y = _logits(), np.array([0, 2, 1, 2])
    logp = _log_softmax(z.data)
    per = -(1 - smoothing) * logp[np.arange(4), y] - smoothing * logp.mean(axis=1)
    expected = {"mean": per.mean(), "sum": per.sum(), "none": per}[reduction]
    np.testing.assert_allclose(F.cross_entropy(z, y, smoothing, reduction).data, expected, rtol=1e-12)
    gradcheck(lambda z: (F.cross_entropy(z, y, smoothing, reduction) * 1.0).sum(), [z])


@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_cross_entropy_with_one_hot_targets_equals_labels(smoothing):
    z, y = _logits(seed=1), np.array([1, 0, 2, 2])
    onehot = np.eye(3)[y]
    a = F.cross_entropy(z, onehot, label_smoothing=smoothing)
    b = F.cross_entropy(z, y, label_smoothing=smoothing)
    assert a.item() == pytest.approx(b.item(), rel=1e-12)
    soft = np.random.default_rng(2).dirichlet(np.ones(3), size=4)
    gradcheck(lambda z: F.cross_entropy(z, soft, label_smoothing=smoothing), [z])


def test_label_smoothing_computes_log_softmax_once():
    from autograd.graph import topo_sort

    loss = F.cross_entropy(_logits(), np.array([0, 2, 1, 2]), label_smoothing=0.1)
    assert [node.op for node in topo_sort(loss)].count("log_softmax") == 1


def test_cross_entropy_keeps_float32_and_survives_huge_logits():
    z = Tensor(np.array([[1e4, 0.0, -1e4], [0.0, 0.0, 0.0]], np.float32), requires_grad=True)
    for target in (np.array([2, 0]), np.eye(3, dtype=np.float32)[[2, 0]]):
        loss = F.cross_entropy(z, target, label_smoothing=0.1)
        assert loss.dtype == np.float32 and np.isfinite(loss.item())
        z.grad = None
        loss.backward()
        assert np.isfinite(z.grad).all()


@given(n=st.integers(1, 4), c=st.integers(2, 4), smoothing=st.sampled_from([0.0, 0.3]),
       seed=st.integers(0, 2**16))
def test_cross_entropy_gradcheck_property(n, c, smoothing, seed):
    rng = np.random.default_rng(seed)
    z, y = _t(rng.normal(size=(n, c))), rng.integers(0, c, n)
    gradcheck(lambda z: F.cross_entropy(z, y, label_smoothing=smoothing), [z])


@pytest.mark.parametrize("target, error, message", [
    (np.array([0, 1, 2]), ValueError, r"labels of shape \(3,\) do not match logits of shape \(4, 3\)"),
    (np.array([0, 1, 3, 0]), ValueError, "label 3 at index 2 is out of range for 3 classes"),
    (np.array([0, -1, 1, 0]), ValueError, "label -1 at index 1 is out of range"),
    (np.ones((4, 2)), ValueError, r"probability targets of shape \(4, 2\) must match logits of shape \(4, 3\)"),
    (np.full((4, 3), -0.5), ValueError, "finite and >= 0"),
    (np.array(["a", "b", "c", "d"]), TypeError, "integer labels or float probabilities"),
    ("labels", TypeError, "target must be a numpy array or a Tensor"),
])
def test_cross_entropy_bad_targets(target, error, message):
    with pytest.raises(error, match=message):
        F.cross_entropy(_logits(), target)
    if target is not None and not isinstance(target, str) and np.asarray(target).dtype.kind in "iu":
        with pytest.raises(error, match=message):  # the non-fused path checks the same
            F.cross_entropy(_logits(), target, label_smoothing=0.1)


def test_cross_entropy_bad_arguments():
    with pytest.raises(ValueError, match=r"logits must have shape \(N, C\), or \(C,\) for one sample, "
                                         r"got shape \(3,\)"):
        F.cross_entropy(_t([1.0, 2.0, 3.0]), np.array([0]))
    with pytest.raises(ValueError, match=r"got shape \(2, 2, 2\)"):
        F.cross_entropy(_t(np.ones((2, 2, 2))), np.array([0, 1]))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_of_one_sample(reduction):
    z = _t([0.5, -1.0, 2.0])
    expected = -_log_softmax(z.data[None])[0, 2]
    for target in (np.array(2), np.array([0.0, 0.0, 1.0])):
        loss = F.cross_entropy(z, target, reduction=reduction)
        assert loss.shape == () and loss.item() == pytest.approx(expected, rel=1e-12)
    gradcheck(lambda z: F.cross_entropy(z, np.array(1), label_smoothing=0.1, reduction=reduction), [z])
    with pytest.raises(ValueError, match=r"label_smoothing must be in \[0, 1\]"):
        F.cross_entropy(_logits(), np.array([0, 1, 2, 0]), label_smoothing=1.5)
    with pytest.raises(ValueError, match="reduction must be one of"):
        F.cross_entropy(_logits(), np.array([0, 1, 2, 0]), reduction="avg")
    with pytest.raises(TypeError, match="logits must be a Tensor"):
        F.cross_entropy([[1.0, 2.0]], np.array([0]))


# ---- mse and bce ---------------------------------------------------------------------------
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss(reduction):
    x, t = _t([[1.0, 2.0], [3.0, -1.0]]), np.array([[0.5, 2.0], [1.0, 1.0]])
    per = (x.data - t) ** 2
    expected = {"mean": per.mean(), "sum": per.sum(), "none": per}[reduction]
    np.testing.assert_allclose(F.mse_loss(x, t, reduction).data, expected)
    gradcheck(lambda x: (F.mse_loss(x, t, reduction) * 1.0).sum(), [x])
    target = _t(t)
    gradcheck(lambda x, target: F.mse_loss(x, target, reduction).sum(), [x, target])


def test_mse_loss_refuses_broadcasting():
    with pytest.raises(ValueError, match=r"input of shape \(2, 2\) and target of shape \(2,\) must have"):
        F.mse_loss(_t(np.ones((2, 2))), np.ones(2))
    with pytest.raises(ValueError, match=r"input of shape \(2,\) and target of shape \(1,\)"):
        F.mse_loss(_t(np.ones(2)), Tensor(np.ones(1)))


LOSSES_WITH_FLOAT_TARGETS = {
    "mse_loss": lambda x, t: F.mse_loss(x, t),
    "bce": lambda x, t: F.binary_cross_entropy_with_logits(x, t),
    "cross_entropy": lambda x, t: F.cross_entropy(x.reshape(1, 3), t.reshape(1, 3)
                                                  if isinstance(t, np.ndarray) else [t]),
}


DTYPE_CASES = [
    (np.float32, np.array([0.0, 1.0, 0.5], np.float64), np.float64),  # promoted, as in PyTorch
    (np.float64, np.array([0.0, 1.0, 0.5], np.float32), np.float64),
    (np.float32, np.array([0.0, 1.0, 0.5], np.float16), np.float32),
    (np.float16, np.array([0.0, 1.0, 0.5], np.float32), np.float32),
    (np.float32, [0.0, 1.0, 0.5], np.float32),                        # Python numbers are weak
    (np.float32, np.array([0, 1, 0]), np.float32),                    # integers never promote
    (np.float32, np.array([False, True, False]), np.float32),
]


# Integer targets of cross_entropy are class labels, not probabilities: not a promotion case.
@pytest.mark.parametrize("loss, input_dtype, target, expected", [
    (loss, *case) for loss in LOSSES_WITH_FLOAT_TARGETS for case in DTYPE_CASES
    if loss != "cross_entropy" or np.asarray(case[1]).dtype.kind == "f"])
def test_mixed_dtypes_promote_as_pytorch_does(loss, input_dtype, target, expected):
    x = Tensor(np.array([0.25, -1.0, 2.0], input_dtype), requires_grad=True)
    out = LOSSES_WITH_FLOAT_TARGETS[loss](x, target)
    assert out.dtype == expected
    out.backward()
    assert x.grad.dtype == input_dtype and np.isfinite(x.grad).all()
    # The promoted loss is computed in the wider dtype, not rounded through the narrower.
    wide = LOSSES_WITH_FLOAT_TARGETS[loss](Tensor(x.data.astype(expected)),
                                           np.asarray(target).astype(expected))
    np.testing.assert_array_equal(out.data, wide.data)


@pytest.mark.torch
@pytest.mark.parametrize("input_dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("target_dtype", [np.float16, np.float32, np.float64, np.int64, np.bool_])
def test_promoted_dtypes_are_torchs(input_dtype, target_dtype):
    torch = pytest.importorskip("torch")
    x, t = np.array([[0.25, -1.0, 2.0]], input_dtype), np.array([[0, 1, 0]], target_dtype)
    tx, tt = torch.from_numpy(x), torch.from_numpy(t)
    assert F.mse_loss(Tensor(x), t).dtype == torch.nn.functional.mse_loss(tx, tt).numpy().dtype
    # PyTorch's BCE takes odd dtypes (float64 logits with a float32 target give float32,
    # integer targets raise); ours follows its general rule, torch.result_type.
    expected = torch.result_type(tx, tt) if t.dtype.kind == "f" else tx.dtype
    assert F.binary_cross_entropy_with_logits(Tensor(x), t).dtype == torch.empty(0, dtype=expected).numpy().dtype
    if t.dtype.kind == "f":
        theirs = torch.nn.functional.cross_entropy(tx, tt).numpy().dtype
        assert F.cross_entropy(Tensor(x), t).dtype == theirs


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_with_logits_matches_the_formula(reduction):
    x = _t([-30.0, -2.0, 0.0, 0.5, 40.0])
    y = np.array([0.0, 1.0, 0.3, 1.0, 0.0])
    # -(y log σ(x) + (1-y) log(1-σ(x))) == log(1 + e^x) - x·y, which logaddexp evaluates exactly.
    per = np.logaddexp(0.0, x.data) - x.data * y
    expected = {"mean": per.mean(), "sum": per.sum(), "none": per}[reduction]
    np.testing.assert_allclose(F.binary_cross_entropy_with_logits(x, y, reduction).data, expected,
                               rtol=1e-12, atol=0)


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-14), (np.float32, 1e-6)])
def test_bce_keeps_the_relative_precision_of_tiny_losses(dtype, rtol):
    # A confident right answer: the loss is log1p(e^-|x|), 4.25e-18 at x = 40.
    x = Tensor(np.array([40.0, -40.0, 20.0, 80.0, 1e-3], dtype), requires_grad=True)
    y = np.array([1.0, 0.0, 1.0, 1.0, 1.0], dtype)
    loss = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    expected = np.log1p(np.exp(-np.abs(x.data.astype(np.float64))))
    np.testing.assert_allclose(loss.data, expected, rtol=rtol, atol=0)
    assert loss.data[0] == pytest.approx(4.248354255291589e-18, rel=rtol)
    loss.sum().backward()
    wide = x.data.astype(np.float64)
    sigmoid_minus_y = np.where(y == 1, -1 / (1 + np.exp(wide)), 1 / (1 + np.exp(-wide)))  # σ(x)-1 = -σ(-x)
    np.testing.assert_allclose(x.grad, sigmoid_minus_y, rtol=rtol, atol=0)


def test_bce_gradient_is_sigmoid_minus_target_even_at_zero():
    x, y = _t([0.0, 0.0, -3.0, 700.0, -700.0]), np.array([0.0, 1.0, 0.25, 1.0, 0.0])
    F.binary_cross_entropy_with_logits(x, y, reduction="sum").backward()
    sig = np.where(x.data >= 0, 1 / (1 + np.exp(-np.abs(x.data))),
                   np.exp(-np.abs(x.data)) / (1 + np.exp(-np.abs(x.data))))
    np.testing.assert_allclose(x.grad, sig - y, atol=1e-15)
    z = _t(np.random.default_rng(3).normal(size=(3, 2)))
    gradcheck(lambda z: F.binary_cross_entropy_with_logits(z, np.full((3, 2), 0.7)), [z])


def test_bce_bad_input():
    with pytest.raises(ValueError, match=r"targets must be probabilities in \[0, 1\]"):
        F.binary_cross_entropy_with_logits(_t([1.0]), np.array([2.0]))
    with pytest.raises(ValueError, match=r"input of shape \(2,\) and target of shape \(3,\)"):
        F.binary_cross_entropy_with_logits(_t([1.0, 2.0]), np.ones(3))
    with pytest.raises(TypeError, match="logits must be floating point"):
        F.binary_cross_entropy_with_logits(Tensor(np.array([1, 2])), np.ones(2))


# ---- activations and accuracy --------------------------------------------------------------
def test_functional_activations_match_the_tensor_methods():
    x = _logits()
    for fn, method in ((F.relu, "relu"), (F.sigmoid, "sigmoid"), (F.tanh, "tanh")):
        np.testing.assert_array_equal(fn(x).data, getattr(x, method)().data)
    np.testing.assert_allclose(F.softmax(x).data.sum(axis=-1), 1.0)
    np.testing.assert_allclose(F.log_softmax(x, axis=1).data, _log_softmax(x.data), rtol=1e-12)
    np.testing.assert_allclose(F.softmax(x, axis=0).data.sum(axis=0), 1.0)


def test_accuracy():
    logits = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    assert F.accuracy(logits, np.array([1, 0, 0, 0])) == 0.75
    assert F.accuracy(Tensor(logits), Tensor(np.array([1, 0, 1, 0]))) == 1.0
    assert F.accuracy(np.array([2.0, -1.0, 0.5]), np.array([1, 0, 0])) == pytest.approx(2 / 3)
    assert F.accuracy(np.array([[2.0], [-1.0]]), np.array([1, 1])) == 0.5
    with pytest.raises(ValueError, match=r"labels of shape \(3,\) do not match logits of shape \(4, 2\)"):
        F.accuracy(logits, np.array([1, 0, 0]))
    with pytest.raises(TypeError, match="labels must be integer class indices, got dtype float64"):
        F.accuracy(logits, np.array([1.0, 0, 0, 0]))
    with pytest.raises(ValueError, match="no samples"):
        F.accuracy(np.zeros((0, 3)), np.zeros(0, np.int64))


# ---- PyTorch reference ---------------------------------------------------------------------
@pytest.mark.torch
@pytest.mark.parametrize("smoothing", [0.0, 0.15])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_losses_match_torch(smoothing, reduction):
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    rng = np.random.default_rng(4)
    z_np, y = rng.normal(size=(5, 4)) * 4, rng.integers(0, 4, 5)
    probs = rng.dirichlet(np.ones(4), size=5)
    for target, ttarget in ((y, torch.from_numpy(y)), (probs, torch.from_numpy(probs))):
        z, tz = _t(z_np), torch.tensor(z_np, requires_grad=True)
        ours = F.cross_entropy(z, target, smoothing, reduction)
        theirs = tf.cross_entropy(tz, ttarget, label_smoothing=smoothing, reduction=reduction)
        np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12)
        (ours * 1.0).sum().backward()
        theirs.sum().backward()
        np.testing.assert_allclose(z.grad, tz.grad.numpy(), rtol=1e-10, atol=1e-15)
    b = rng.uniform(size=(5, 4))
    z, tz = _t(z_np), torch.tensor(z_np, requires_grad=True)
    ours = F.binary_cross_entropy_with_logits(z, b, reduction)
    theirs = tf.binary_cross_entropy_with_logits(tz, torch.from_numpy(b), reduction=reduction)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12)
    (ours * 1.0).sum().backward()
    theirs.sum().backward()
    np.testing.assert_allclose(z.grad, tz.grad.numpy(), rtol=1e-10, atol=1e-15)
    z, tz = _t(z_np), torch.tensor(z_np, requires_grad=True)
    ours, theirs = F.mse_loss(z, b, reduction), tf.mse_loss(tz, torch.from_numpy(b), reduction=reduction)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12)
