"""Optimizers: the first three steps against each rule's published equations.

The references below are written independently of ``nn.optim``, straight from the
papers' (and ``torch.optim`` docs') update equations, one step at a time.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import nn
from autograd import Tensor, Value

STEPS = 3


# ---- reference equations (one step, t = 1, 2, ...) ---------------------------------------
def ref_sgd(p, g, s, t, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    g = g + weight_decay * p
    if momentum:
        s["b"] = g.copy() if t == 1 else momentum * s["b"] + (1 - dampening) * g
        g = g + momentum * s["b"] if nesterov else s["b"]
    return p - lr * g


def ref_adagrad(p, g, s, t, lr, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
                eps=1e-10):
    g = g + weight_decay * p
    s.setdefault("sum", np.full_like(p, initial_accumulator_value))
    s["sum"] = s["sum"] + g ** 2
    return p - lr / (1 + (t - 1) * lr_decay) * g / (np.sqrt(s["sum"]) + eps)


def ref_rmsprop(p, g, s, t, lr, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                centered=False):
    g = g + weight_decay * p
    s["v"] = alpha * s.get("v", 0.0) + (1 - alpha) * g ** 2
    if centered:
        s["a"] = alpha * s.get("a", 0.0) + (1 - alpha) * g
        d = np.sqrt(s["v"] - s["a"] ** 2) + eps
    else:
        d = np.sqrt(s["v"]) + eps
    if momentum:
        s["b"] = momentum * s.get("b", 0.0) + g / d
        return p - lr * s["b"]
    return p - lr * g / d


def ref_adam(p, g, s, t, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
             decoupled=False):
    b1, b2 = betas
    if decoupled:
        p = p * (1 - lr * weight_decay)
    else:
        g = g + weight_decay * p
    s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
    s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g ** 2
    m_hat = s["m"] / (1 - b1 ** t)
    if amsgrad:
        s["vmax"] = np.maximum(s.get("vmax", 0.0), s["v"])
        v_hat = s["vmax"] / (1 - b2 ** t)
    else:
        v_hat = s["v"] / (1 - b2 ** t)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps)


CASES = [
    (nn.optim.SGD, ref_sgd, dict(lr=0.1)),
    (nn.optim.SGD, ref_sgd, dict(lr=0.1, momentum=0.9)),
    (nn.optim.SGD, ref_sgd, dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01)),
    (nn.optim.SGD, ref_sgd, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)),
    (nn.optim.AdaGrad, ref_adagrad, dict(lr=0.1)),
    (nn.optim.AdaGrad, ref_adagrad, dict(lr=0.1, lr_decay=0.5, weight_decay=0.1,
                                          initial_accumulator_value=0.2)),
    (nn.optim.RMSprop, ref_rmsprop, dict(lr=0.01)),
    (nn.optim.RMSprop, ref_rmsprop, dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True,
                                         weight_decay=0.1)),
    (nn.optim.Adam, ref_adam, dict(lr=0.01)),
    (nn.optim.Adam, ref_adam, dict(lr=0.01, betas=(0.8, 0.9), weight_decay=0.1, amsgrad=True)),
    (nn.optim.AdamW, lambda *a, **k: ref_adam(*a, decoupled=True, **k),
     dict(lr=0.01, weight_decay=0.1)),
    (nn.optim.AdamW, lambda *a, **k: ref_adam(*a, decoupled=True, **k),
     dict(lr=0.01, weight_decay=0.2, amsgrad=True, betas=(0.5, 0.6))),
]
IDS = [f"{cls.__name__}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for cls, _, kw in CASES]


def _grads(shape, rng):
    # Some gradients change sign between steps so momentum and amsgrad's max matter.
    return [rng.normal(size=shape) * (1 + t) for t in range(STEPS)]


@pytest.mark.parametrize("cls, ref, kwargs", CASES, ids=IDS)
def test_tensor_steps_match_the_equations(cls, ref, kwargs):
    rng = np.random.default_rng(0)
    start = rng.normal(size=(3, 4))
    p = nn.Parameter(start.copy())
    opt = cls([p], **kwargs)
    expected, state = start.copy(), {}
    for t, g in enumerate(_grads(start.shape, rng), start=1):
        p.grad = g
        opt.step()
        expected = ref(expected, g, state, t, **kwargs)
        np.testing.assert_allclose(p.data, expected, rtol=1e-12, atol=1e-14)
        np.testing.assert_array_equal(p.grad, g)  # the step never touches the gradient
        opt.zero_grad()


@pytest.mark.parametrize("cls, ref, kwargs", CASES, ids=IDS)
def test_value_steps_match_the_equations(cls, ref, kwargs):
    rng = np.random.default_rng(1)
    start = rng.normal(size=5)
    params = [nn.scalar.Parameter(x) for x in start]
    opt = cls(params, **kwargs)
    expected, state = start.copy(), {}
    for t, g in enumerate(_grads(start.shape, rng), start=1):
        for v, gi in zip(params, g):
            v.grad = float(gi)
        opt.step()
        expected = ref(expected, g, state, t, **kwargs)
        np.testing.assert_allclose([v.data for v in params], expected, rtol=1e-12, atol=1e-14)
        assert all(type(v.data) is float for v in params)
        opt.zero_grad()
        assert all(v.grad == 0.0 for v in params)


@pytest.mark.parametrize("cls, ref, kwargs", CASES, ids=IDS)
def test_float32_parameters_stay_float32(cls, ref, kwargs):
    p = nn.Parameter(np.ones((2, 3), np.float32))
    opt = cls([p], **kwargs)
    for _ in range(STEPS):
        p.grad = np.full((2, 3), 0.5, np.float32)
        opt.step()
    assert p.data.dtype == np.float32 and p.grad.dtype == np.float32
    for entry in opt.state_dict()["state"].values():
        assert all(v.dtype == np.float32 for k, v in entry.items() if k != "step")


def test_sgd_sign_by_hand():
    p = nn.Parameter(np.array([1.0, -2.0]))
    p.grad = np.array([0.5, -0.5])
    nn.optim.SGD([p], lr=0.1).step()
    np.testing.assert_allclose(p.data, [0.95, -1.95])


def test_parameters_with_unset_grads_are_skipped_with_their_state():
    a, b = nn.Parameter(np.ones(3)), nn.Parameter(np.ones(3))
    opt = nn.optim.Adam([a, b], lr=0.1, weight_decay=0.5)
    a.grad = np.ones(3)
    opt.step()
    np.testing.assert_array_equal(b.data, np.ones(3))  # no step, not even weight decay
    state = opt.state_dict()["state"]
    assert set(state) == {0} and state[0]["step"] == 1
    b.grad = np.ones(3)
    opt.step()  # b's first step: bias correction uses its own step count, 1
    np.testing.assert_allclose(b.data, np.ones(3) - 0.1, rtol=1e-7)
    assert opt.state_dict()["state"][1]["step"] == 1
    assert opt.state_dict()["state"][0]["step"] == 2


def test_value_parameters_are_skipped_one_by_one():
    params = [nn.scalar.Parameter(1.0) for _ in range(3)]
    opt = nn.optim.Adam(params, lr=0.1)
    params[1].grad = 2.0
    opt.step()
    assert [v.data for v in params] == pytest.approx([1.0, 0.9, 1.0])
    for v in params:
        v.grad = 1.0
    opt.step()
    steps = {i: e["step"] for i, e in opt.state_dict()["state"].items()}
    assert steps == {0: 1, 1: 2, 2: 1}
    # First step for 0 and 2: exactly lr; second step for 1 follows Adam's equations.
    assert params[0].data == pytest.approx(0.9) and params[2].data == pytest.approx(0.9)
    state: dict = {}
    expected = ref_adam(np.array(1.0), np.array(2.0), state, 1, lr=0.1)
    expected = ref_adam(expected, np.array(1.0), state, 2, lr=0.1)
    assert params[1].data == pytest.approx(float(expected), rel=1e-12)


def test_mixed_tensor_and_value_parameters_train_together():
    t, v = nn.Parameter(np.array([1.0, 2.0])), nn.scalar.Parameter(3.0)
    opt = nn.optim.SGD([v, t], lr=0.5)
    t.grad, v.grad = np.array([1.0, 1.0]), 2.0
    opt.step()
    np.testing.assert_allclose(t.data, [0.5, 1.5])
    assert v.data == 2.0


def test_scalar_mlp_trains_with_the_same_optimizer():
    nn.manual_seed(3)
    model = nn.scalar.MLP(2, [4, 1])
    opt = nn.optim.Adam(model.parameters(), lr=0.05)
    losses = []
    for _ in range(60):
        loss = (model([1.0, -1.0]) - 2.0) ** 2
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.data)
    assert losses[-1] < 1e-2 * losses[0]


def test_state_dict_round_trip_continues_identically():
    rng = np.random.default_rng(2)
    start, grads = rng.normal(size=4), rng.normal(size=(6, 4))

    def run(steps, opt_state=None):
        p = nn.Parameter(start.copy())
        v = [nn.scalar.Parameter(x) for x in start]
        opt = nn.optim.Adam([p, *v], lr=0.1, amsgrad=True)
        for g in grads[:steps]:
            p.grad = g
            for vi, gi in zip(v, g):
                vi.grad = float(gi)
            opt.step()
        return p, v, opt

    p_full, v_full, _ = run(6)
    p_half, v_half, opt_half = run(3)
    saved = opt_half.state_dict()
    # A fresh optimizer on the half-trained weights, loaded with the saved state.
    p2 = nn.Parameter(p_half.data.copy())
    v2 = [nn.scalar.Parameter(x.data) for x in v_half]
    opt2 = nn.optim.Adam([p2, *v2], lr=0.5)  # lr comes back from the state
    opt2.load_state_dict(saved)
    assert opt2.param_groups[0]["lr"] == 0.1
    for g in grads[3:]:
        p2.grad = g
        for vi, gi in zip(v2, g):
            vi.grad = float(gi)
        opt2.step()
    np.testing.assert_array_equal(p2.data, p_full.data)
    assert [x.data for x in v2] == [x.data for x in v_full]


def test_state_dict_is_a_copy_of_numpy_arrays_and_ints():
    p = nn.Parameter(np.ones(2))
    opt = nn.optim.SGD([p], lr=0.1, momentum=0.9)
    p.grad = np.ones(2)
    opt.step()
    saved = opt.state_dict()
    assert saved["param_groups"] == [dict(lr=0.1, momentum=0.9, dampening=0.0, weight_decay=0.0,
                                          nesterov=False, params=[0])]
    entry = saved["state"][0]
    assert entry["step"] == 1 and isinstance(entry["step"], int)
    assert isinstance(entry["momentum_buffer"], np.ndarray)
    opt.step()
    np.testing.assert_array_equal(entry["momentum_buffer"], np.ones(2))  # unchanged snapshot


def test_load_state_dict_rejects_what_does_not_fit_and_changes_nothing():
    p, q = nn.Parameter(np.ones(3)), nn.Parameter(np.ones(2))
    opt = nn.optim.SGD([p, q], lr=0.1, momentum=0.9)
    p.grad, q.grad = np.ones(3), np.ones(2)
    opt.step()
    good = opt.state_dict()
    bad = opt.state_dict()
    bad["state"][0]["momentum_buffer"] = np.ones(4)
    bad["state"][1]["extra"] = np.ones(2)
    bad["param_groups"][0]["lr"] = -1.0
    with pytest.raises(ValueError) as info:
        opt.load_state_dict(bad)
    message = str(info.value)
    assert "shape (4,) in the state, (3,) here" in message
    assert "'extra'" in message and "lr must be in" in message
    assert opt.state_dict()["param_groups"] == good["param_groups"]
    np.testing.assert_array_equal(opt.state_dict()["state"][0]["momentum_buffer"], np.ones(3))

    other = nn.optim.SGD([p], lr=0.1, momentum=0.9)
    with pytest.raises(ValueError, match="2 parameters in the state, 1 here"):
        other.load_state_dict(good)
    with pytest.raises(ValueError, match="exactly the keys 'state' and 'param_groups'"):
        opt.load_state_dict({"state": {}})
    with pytest.raises(ValueError, match="no parameter 7"):
        opt.load_state_dict({**good, "state": {7: {}}})


def test_param_groups_have_their_own_hyperparameters():
    a, b = nn.Parameter(np.ones(1)), nn.Parameter(np.ones(1))
    opt = nn.optim.SGD([{"params": [a]}, {"params": [b], "lr": 1.0}], lr=0.1)
    a.grad = b.grad = np.ones(1)
    opt.step()
    np.testing.assert_allclose([a.data[0], b.data[0]], [0.9, 0.0])
    assert [g["params"] for g in opt.state_dict()["param_groups"]] == [[0], [1]]


def test_zero_grad_resets_tensor_and_value_grads():
    p, v = nn.Parameter(np.ones(2)), nn.scalar.Parameter(1.0)
    opt = nn.optim.SGD([p, v], lr=0.1)
    p.grad, v.grad = np.ones(2), 3.0
    opt.zero_grad()
    np.testing.assert_array_equal(p.grad, np.zeros(2))
    assert v.grad == 0.0


def test_a_step_that_makes_a_value_infinite_is_refused():
    v = nn.scalar.Parameter(1.0)
    v.grad = 1e308
    with pytest.raises(ValueError, match="inf or NaN; lower the learning rate"):
        nn.optim.SGD([v], lr=1e10).step()
    assert v.data == 1.0  # nothing written back


@pytest.mark.parametrize("make, message", [
    (lambda p: nn.optim.SGD([], lr=0.1), "empty parameter list"),
    (lambda p: nn.optim.SGD(p, lr=0.1), "got a single Parameter"),
    (lambda p: nn.optim.SGD([p, p], lr=0.1), "appears twice"),
    (lambda p: nn.optim.SGD([np.ones(2)], lr=0.1), "must be Tensor or Value nodes"),
    (lambda p: nn.optim.SGD([Tensor(np.ones(2))], lr=0.1), "does not require grad"),
    (lambda p: nn.optim.SGD([p * 2], lr=0.1), "leaf nodes"),
    (lambda p: nn.optim.SGD([Value(1.0) * 2], lr=0.1), "leaf nodes"),
    (lambda p: nn.optim.SGD([p], lr=-0.1), r"lr must be in \[0.0, inf\]"),
    (lambda p: nn.optim.SGD([p], lr=float("nan")), "lr must be a finite real number"),
    (lambda p: nn.optim.SGD([p], lr="0.1"), "lr must be a finite real number"),
    (lambda p: nn.optim.SGD([p], lr=0.1, nesterov=True), "Nesterov momentum needs momentum > 0"),
    (lambda p: nn.optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
     "dampening = 0"),
    (lambda p: nn.optim.SGD([p], lr=0.1, nesterov=1), "nesterov must be a bool"),
    (lambda p: nn.optim.Adam([p], betas=(0.9, 1.0)), r"beta2 must be in \[0.0, 1.0\)"),
    (lambda p: nn.optim.Adam([p], betas=0.9), "betas must be a pair"),
    (lambda p: nn.optim.Adam([p], eps=-1.0), "eps must be in"),
    (lambda p: nn.optim.RMSprop([p], alpha=1.5), r"alpha must be in \[0.0, 1.0\]"),
    (lambda p: nn.optim.AdaGrad([p], lr_decay=-1.0), "lr_decay must be in"),
    (lambda p: nn.optim.SGD([{"params": [p], "momentun": 0.9}], lr=0.1),
     "unknown hyperparameters"),
    (lambda p: nn.optim.SGD([{"params": [p]}, p], lr=0.1), "not a mix"),
    (lambda p: nn.optim.SGD(5, lr=0.1), "must be an iterable"),
    (lambda p: nn.optim.SGD(nn.MLP(2, [2]), lr=0.1), "pass model.parameters()"),
])
def test_bad_arguments_are_refused_with_a_reason(make, message):
    p = nn.Parameter(np.ones(2))
    with pytest.raises((TypeError, ValueError), match=message):
        make(p)


def test_integer_tensors_are_refused():
    t = Tensor(np.ones(2, np.int64))
    with pytest.raises(TypeError, match="floating-point parameters"):
        nn.optim.SGD([t], lr=0.1)


def test_adagrad_is_also_spelled_like_pytorch():
    assert nn.optim.Adagrad is nn.optim.AdaGrad


def test_repr_lists_the_hyperparameters():
    text = repr(nn.optim.SGD([nn.Parameter(np.ones(1))], lr=0.1, momentum=0.9))
    assert text.startswith("SGD (") and "momentum: 0.9" in text and "lr: 0.1" in text


def test_adam_first_step_moves_each_weight_by_lr():
    # Bias correction makes Adam's first step lr * sign(g) (up to eps), whatever |g| is.
    p = nn.Parameter(np.zeros(3))
    p.grad = np.array([1e-3, -5.0, 200.0])
    nn.optim.Adam([p], lr=0.01).step()
    np.testing.assert_allclose(p.data, [-0.01, 0.01, -0.01], rtol=1e-4)
    assert math.isclose(float(p.data[2]), -0.01, rel_tol=1e-9)


def test_zero_grad_unsets_tensor_grads_so_the_next_step_skips_them():
    p = nn.Parameter(np.ones(2))
    opt = nn.optim.SGD([p], lr=0.1, momentum=0.9)
    (p * 3.0).sum().backward()
    opt.step()
    np.testing.assert_allclose(p.data, [0.7, 0.7])
    opt.zero_grad()
    opt.step()  # nothing reached p since zero_grad: no step, momentum not applied
    np.testing.assert_allclose(p.data, [0.7, 0.7])
