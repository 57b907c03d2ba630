"""Optimizers and schedules against ``torch.optim``, step by step, in float64."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import nn
from autograd import Tensor

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

CONFIGS = [
    ("SGD", "SGD", dict(lr=0.1)),
    ("SGD", "SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", "SGD", dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01)),
    ("SGD", "SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("AdaGrad", "Adagrad", dict(lr=0.1)),
    ("AdaGrad", "Adagrad", dict(lr=0.1, lr_decay=0.5, weight_decay=0.1,
                                initial_accumulator_value=0.2, eps=1e-6)),
    ("RMSprop", "RMSprop", dict(lr=0.01)),
    ("RMSprop", "RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.5, weight_decay=0.1)),
    ("RMSprop", "RMSprop", dict(lr=0.01, alpha=0.9, centered=True, eps=1e-4)),
    ("Adam", "Adam", dict(lr=0.01)),
    ("Adam", "Adam", dict(lr=0.01, betas=(0.8, 0.9), weight_decay=0.1, amsgrad=True)),
    ("AdamW", "AdamW", dict(lr=0.01)),
    ("AdamW", "AdamW", dict(lr=0.01, weight_decay=0.3, amsgrad=True, eps=1e-3)),
]
IDS = [f"{ours}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for ours, _, kw in CONFIGS]
STEPS = 5


def _torch_run(theirs, kwargs, start, grads):
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, theirs)([p], **kwargs)
    out = []
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        out.append(p.detach().numpy().copy())
    return out


@pytest.mark.parametrize("ours, theirs, kwargs", CONFIGS, ids=IDS)
def test_tensor_parameters_follow_torch(ours, theirs, kwargs):
    rng = np.random.default_rng(0)
    start, grads = rng.normal(size=(3, 2)), rng.normal(size=(STEPS, 3, 2))
    expected = _torch_run(theirs, kwargs, start, grads)
    p = nn.Parameter(start.copy())
    opt = getattr(nn.optim, ours)([p], **kwargs)
    for g, want in zip(grads, expected):
        p.grad = g
        opt.step()
        np.testing.assert_allclose(p.data, want, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("ours, theirs, kwargs", CONFIGS, ids=IDS)
def test_value_parameters_follow_torch(ours, theirs, kwargs):
    rng = np.random.default_rng(1)
    start, grads = rng.normal(size=4), rng.normal(size=(STEPS, 4))
    expected = _torch_run(theirs, kwargs, start, grads)
    params = [nn.scalar.Parameter(x) for x in start]
    opt = getattr(nn.optim, ours)(params, **kwargs)
    for g, want in zip(grads, expected):
        for v, gi in zip(params, g):
            v.grad = float(gi)
        opt.step()
        np.testing.assert_allclose([v.data for v in params], want, rtol=1e-10, atol=1e-13)


def test_an_mlp_trains_like_torch_with_adam():
    nn.manual_seed(0)
    model = nn.MLP(4, [8, 3], dtype=np.float64)
    lin1, lin2 = model.layers[0], model.layers[2]
    ref = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3)).double()
    with torch.no_grad():  # nn.Linear stores (nin, nout); torch stores (nout, nin)
        for ours, theirs in ((lin1, ref[0]), (lin2, ref[2])):
            theirs.weight.copy_(torch.from_numpy(ours.weight.data.T))
            theirs.bias.copy_(torch.from_numpy(ours.bias.data))
    opt = nn.optim.Adam(model.parameters(), lr=0.01, weight_decay=0.01)
    topt = torch.optim.Adam(ref.parameters(), lr=0.01, weight_decay=0.01)
    rng = np.random.default_rng(1)
    for _ in range(4):
        x, y = rng.normal(size=(16, 4)), rng.integers(0, 3, 16)
        loss = nn.functional.cross_entropy(model(Tensor(x)), y)
        model.zero_grad()
        loss.backward()
        opt.step()
        tloss = torch.nn.functional.cross_entropy(ref(torch.from_numpy(x)), torch.from_numpy(y))
        topt.zero_grad()
        tloss.backward()
        topt.step()
        assert loss.item() == pytest.approx(tloss.item(), rel=1e-12)
    np.testing.assert_allclose(lin1.weight.data, ref[0].weight.detach().numpy().T, rtol=1e-10)
    np.testing.assert_allclose(lin2.bias.data, ref[2].bias.detach().numpy(), rtol=1e-10, atol=1e-14)


SCHEDULES = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=5)),
    ("CosineAnnealingLR", dict(T_max=4, eta_min=0.01)),
]


@pytest.mark.parametrize("name, kwargs", SCHEDULES, ids=[s[0] + str(s[1]) for s in SCHEDULES])
def test_schedules_follow_torch(name, kwargs):
    p = torch.zeros(1, requires_grad=True)
    topt = torch.optim.SGD([p], lr=0.1)
    tsched = getattr(torch.optim.lr_scheduler, name)(topt, **kwargs)
    opt = nn.optim.SGD([nn.Parameter(np.zeros(1))], lr=0.1)
    sched = getattr(nn.optim, name)(opt, **kwargs)
    assert sched.get_last_lr() == pytest.approx(tsched.get_last_lr())
    for _ in range(12):  # past T_max, where the cosine rises again
        topt.step()
        tsched.step()
        opt.step()
        sched.step()
        assert sched.get_last_lr() == pytest.approx(tsched.get_last_lr(), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("ours, theirs", sorted({(o, t) for o, t, _ in CONFIGS}))
def test_defaults_are_torchs(ours, theirs):
    mine = inspect.signature(getattr(nn.optim, ours)).parameters
    reference = inspect.signature(getattr(torch.optim, theirs)).parameters
    shared = [name for name in mine if name != "params" and name in reference]
    assert "lr" in shared
    for name in shared:
        assert mine[name].default == reference[name].default, name
