"""Tensor layers: shapes, dtypes, init, seeding, gradients (gradcheck in float64), bad input."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

import nn
from autograd import Tensor, gradcheck


def _x(shape, seed=0, dtype=np.float64):
    return Tensor(np.random.default_rng(seed).normal(size=shape).astype(dtype), requires_grad=True)


# ---- Linear ------------------------------------------------------------------------------
def test_linear_is_float32_by_default_and_keeps_it():
    lin = nn.Linear(5, 3)
    assert lin.weight.dtype == np.float32 and lin.bias.dtype == np.float32
    assert lin.weight.shape == (5, 3) and lin.bias.shape == (3,)
    assert not lin.bias.data.any()
    out = lin(Tensor(np.ones((4, 5), np.float32)))
    assert out.shape == (4, 3) and out.dtype == np.float32
    assert isinstance(lin.weight, nn.Parameter) and lin.weight.is_parameter and lin.weight.requires_grad


def test_linear_computes_x_at_w_plus_b():
    lin = nn.Linear(3, 2, dtype=np.float64, rng=0)
    x = np.random.default_rng(1).normal(size=(4, 3))
    np.testing.assert_allclose(lin(Tensor(x)).data, x @ lin.weight.data + lin.bias.data)
    no_bias = nn.Linear(3, 2, bias=False, dtype=np.float64)
    assert no_bias.bias is None and len(no_bias.parameters()) == 1


@given(batch=st.lists(st.integers(1, 3), max_size=2), nin=st.integers(1, 4),
       nout=st.integers(1, 4), bias=st.booleans())
def test_linear_gradcheck(batch, nin, nout, bias):
    lin = nn.Linear(nin, nout, bias=bias, dtype=np.float64, rng=0)
    x = _x((*batch, nin))
    gradcheck(lambda x, *params: lin(x).tanh().sum(), [x, *lin.parameters()])


@pytest.mark.parametrize("init, std", [("he", np.sqrt(2 / 400)), ("xavier", np.sqrt(2 / 600)),
                                       ("lecun", np.sqrt(1 / 400)), (0.05, 0.05)])
def test_init_scales_by_fan_in(init, std):
    w = nn.Linear(400, 200, init=init, rng=0).weight.data
    assert abs(w.std() / std - 1) < 0.02 and abs(w.mean()) < 0.01 * std * 10


def test_seeding_makes_weights_reproducible():
    nn.manual_seed(7)
    a = nn.MLP(4, [3, 2])
    nn.manual_seed(7)
    b = nn.MLP(4, [3, 2])
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p.data, q.data)
    np.testing.assert_array_equal(nn.Linear(4, 3, rng=5).weight.data,
                                  nn.Linear(4, 3, rng=np.random.default_rng(5)).weight.data)
    assert not np.array_equal(nn.Linear(4, 3).weight.data, nn.Linear(4, 3).weight.data)


@pytest.mark.parametrize("make, error, message", [
    (lambda: nn.Linear(0, 3), ValueError, "nin must be >= 1"),
    (lambda: nn.Linear(2.0, 3), TypeError, "nin must be a positive int"),
    (lambda: nn.Linear(True, 3), TypeError, "nin must be a positive int"),
    (lambda: nn.Linear(2, 3, init="kaiming"), ValueError, "unknown init 'kaiming'; use one of 'he'"),
    (lambda: nn.Linear(2, 3, init=-1.0), ValueError, "must be finite and >= 0"),
    (lambda: nn.Linear(2, 3, init=None), TypeError, "init must be one of"),
    (lambda: nn.Linear(2, 3, dtype=np.int32), TypeError, "floating-point dtype, got int32"),
    (lambda: nn.Linear(2, 3, dtype="float"), None, None),
    (lambda: nn.Linear(2, 3, dtype="banana"), TypeError, "not a numpy dtype"),
    (lambda: nn.Linear(2, 3, rng="seed"), TypeError, "rng must be a numpy Generator"),
    (lambda: nn.Linear(2, 3, bias=1), TypeError, "bias must be True or False"),
])
def test_linear_bad_construction(make, error, message):
    if error is None:
        make()
        return
    with pytest.raises(error, match=message):
        make()


def test_linear_bad_input_names_both_shapes_and_dtypes():
    lin = nn.Linear(784, 100)
    with pytest.raises(ValueError, match=r"Linear\(784→100\): expected input with last dimension "
                                         r"784, got shape \(32, 783\)"):
        lin(Tensor(np.ones((32, 783), np.float32)))
    with pytest.raises(ValueError, match=r"got shape \(\)"):
        lin(Tensor(np.float32(1.0)))
    with pytest.raises(TypeError, match="input dtype float64 does not match the layer's float32"):
        lin(Tensor(np.ones((2, 784))))
    with pytest.raises(TypeError, match="input dtype uint8"):
        lin(Tensor(np.ones((2, 784), np.uint8)))
    with pytest.raises(TypeError, match="input must be a Tensor"):
        lin([[1.0] * 784])
    assert lin(np.ones((2, 784), np.float32)).shape == (2, 100)  # a bare array is fine


@pytest.mark.torch
def test_linear_matches_torch():
    torch = pytest.importorskip("torch")
    lin = nn.Linear(4, 3, dtype=np.float64, rng=0)
    x = _x((5, 4))
    (lin(x) ** 2).sum().backward()
    w = torch.tensor(lin.weight.data.T.copy(), requires_grad=True)
    b = torch.tensor(lin.bias.data.copy(), requires_grad=True)
    tx = torch.tensor(x.data, requires_grad=True)
    (torch.nn.functional.linear(tx, w, b) ** 2).sum().backward()
    np.testing.assert_allclose(lin.weight.grad, w.grad.numpy().T, rtol=1e-12)
    np.testing.assert_allclose(lin.bias.grad, b.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-12)


# ---- activations ---------------------------------------------------------------------------
@pytest.mark.parametrize("module, fn", [(nn.ReLU, lambda a: np.maximum(a, 0)),
                                        (nn.Sigmoid, lambda a: 1 / (1 + np.exp(-a))),
                                        (nn.Tanh, np.tanh)])
def test_activation_modules(module, fn):
    x = _x((3, 4), seed=2)
    np.testing.assert_allclose(module()(x).data, fn(x.data), rtol=1e-12)
    gradcheck(lambda x: (module()(x) * x).sum(), [x])
    x32 = Tensor(np.ones(3, np.float32))
    assert module()(x32).dtype == np.float32
    with pytest.raises(TypeError, match="input must be a Tensor"):
        module()("x")


# ---- Dropout -------------------------------------------------------------------------------
def test_dropout_is_inverted_and_off_in_eval():
    drop = nn.Dropout(0.25, rng=0)
    x = Tensor(np.ones((200, 500), np.float32))
    out = drop(x).data
    assert out.dtype == np.float32
    kept = out != 0
    assert abs(kept.mean() - 0.75) < 0.01
    np.testing.assert_allclose(out[kept], 1 / 0.75, rtol=1e-6)
    assert drop.eval()(x) is x
    assert nn.Dropout(0.0)(x) is x
    assert not nn.Dropout(1.0)(x).data.any()


def test_dropout_masks_come_from_the_layer_seed():
    x = Tensor(np.ones((4, 6)))
    a, b = nn.Dropout(0.5, rng=3), nn.Dropout(0.5, rng=3)
    np.testing.assert_array_equal(a(x).data, b(x).data)
    nn.manual_seed(11)
    c = nn.Dropout(0.5)
    nn.manual_seed(11)
    d = nn.Dropout(0.5)
    np.testing.assert_array_equal(c(x).data, d(x).data)
    assert not np.array_equal(c(x).data, c(x).data)  # a fresh mask each call


def test_dropout_gradcheck_with_a_fixed_mask():
    drop = nn.Dropout(0.4)
    x = _x((3, 5), seed=4)

    def f(x):
        drop.rng = np.random.default_rng(0)  # the same mask on every evaluation
        return (drop(x) * x).sum()
    gradcheck(f, [x])
    drop.rng = np.random.default_rng(0)
    mask = drop(Tensor(np.ones((3, 5)))).data
    x.grad = None
    drop.rng = np.random.default_rng(0)
    drop(x).sum().backward()
    np.testing.assert_array_equal(x.grad, mask)  # zero where dropped, 1/(1-p) where kept


@pytest.mark.parametrize("p", [-0.1, 1.5, "0.5", True, float("nan")])
def test_dropout_bad_probability(p):
    with pytest.raises(ValueError, match="p must be a probability in"):
        nn.Dropout(p)


# ---- Sequential and MLP ---------------------------------------------------------------------
def test_sequential_composes_and_indexes():
    seq = nn.Sequential(nn.Linear(3, 4, dtype=np.float64), nn.Tanh(), nn.Linear(4, 2, dtype=np.float64))
    x = _x((2, 3))
    expected = seq[2](seq[1](seq[0](x)))
    np.testing.assert_array_equal(seq(x).data, expected.data)
    assert len(seq) == 3 and isinstance(seq[1], nn.Tanh) and seq[-1] is seq[2]
    assert len(seq[:2]) == 2 and seq[:2][0] is seq[0]
    gradcheck(lambda x, *ps: seq(x).sum(), [x, *seq.parameters()])
    with pytest.raises(IndexError, match="index 3 is out of range for 3 modules"):
        seq[3]
    with pytest.raises(TypeError, match="every item must be an nn.Module"):
        nn.Sequential(nn.ReLU(), lambda x: x)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_mlp_gradcheck_and_structure(activation):
    model = nn.MLP(3, [4, 5, 2], activation=activation, dtype=np.float64, rng=0)
    kinds = [type(m).__name__ for m in model.layers]
    act = {"relu": ["ReLU"], "tanh": ["Tanh"], "sigmoid": ["Sigmoid"], "linear": []}[activation]
    assert kinds == ["Linear", *act, "Linear", *act, "Linear"]
    x = _x((6, 3), seed=5)
    assert model(x).shape == (6, 2)
    # Zero biases can put a ReLU exactly at its kink (a sample whose hidden units are
    # all off feeds exactly 0 onward), where finite differences see half a slope.
    for layer in model.layers:
        if isinstance(layer, nn.Linear):
            layer.bias.data[...] = np.random.default_rng(6).normal(size=layer.bias.shape)
    gradcheck(lambda x, *ps: (model(x) ** 2).sum(), [x, *model.parameters()])


def test_mlp_with_dropout_trains_and_evaluates():
    model = nn.MLP(3, [8, 2], dropout=0.5, rng=0)
    assert [type(m).__name__ for m in model.layers] == ["Linear", "ReLU", "Dropout", "Linear"]
    x = Tensor(np.ones((4, 3), np.float32))
    model.eval()
    np.testing.assert_array_equal(model(x).data, model(x).data)
    model.train()
    assert not np.array_equal(model(x).data, model(x).data)


def test_mlp_default_init_suits_the_activation():
    relu = nn.MLP(400, [300, 1], rng=0).layers[0].weight.data.std()
    tanh = nn.MLP(400, [300, 1], activation="tanh", rng=0).layers[0].weight.data.std()
    assert relu == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert tanh == pytest.approx(np.sqrt(2 / 700), rel=0.02)


@pytest.mark.parametrize("make, error, message", [
    (lambda: nn.MLP(3, [4, 2], activation="gelu"), ValueError,
     "unknown activation 'gelu'; use one of 'relu', 'tanh', 'sigmoid', 'linear'"),
    (lambda: nn.MLP(3, []), TypeError, "nouts must be a non-empty list"),
    (lambda: nn.MLP(3, 4), TypeError, "nouts must be a non-empty list"),
    (lambda: nn.MLP(3, [4, 0]), ValueError, "each of nouts must be >= 1"),
    (lambda: nn.MLP(3, [4, 2], dropout=1.0), ValueError, r"dropout must be a probability in \[0, 1\)"),
    (lambda: nn.MLP(3, [4, 2], init="uniform"), ValueError, "unknown init 'uniform'"),
    (lambda: nn.MLP(0, [4]), ValueError, "nin must be >= 1"),
])
def test_mlp_bad_construction(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_mlp_bad_input_names_the_shapes():
    with pytest.raises(ValueError, match=r"expected input with last dimension 3, got shape \(2, 4\)"):
        nn.MLP(3, [4, 2])(Tensor(np.ones((2, 4), np.float32)))


def test_parameter_refuses_integers_and_wraps_floats():
    with pytest.raises(TypeError, match="need floating-point data, got dtype int64"):
        nn.Parameter(np.arange(3))
    with pytest.raises(TypeError, match="expected a float array"):
        nn.Parameter("abc")
    p = nn.Parameter([1.0, 2.0])
    assert p.dtype == np.float64 and p.requires_grad and p.is_parameter
    data = np.zeros(2, np.float32)
    assert nn.Parameter(data).data is data  # shared, like torch.nn.Parameter
    assert repr(p).startswith("Parameter containing:\nTensor(")
