"""Learning-rate schedules: closed forms, state round trip and bad arguments."""
from __future__ import annotations

import math

import numpy as np
import pytest

import nn


def _opt(lr=0.1, groups=1):
    params = [{"params": [nn.Parameter(np.zeros(1))], "lr": lr * (i + 1)} for i in range(groups)]
    return nn.optim.SGD(params, lr=lr)


def test_step_lr_decays_every_step_size_epochs():
    opt = _opt()
    sched = nn.optim.StepLR(opt, step_size=2, gamma=0.5)
    lrs = [sched.get_last_lr()[0]]
    for _ in range(5):
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
    assert lrs == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025, 0.025])


def test_cosine_reaches_eta_min_at_t_max_with_a_half_cosine():
    opt = _opt(groups=2)
    sched = nn.optim.CosineAnnealingLR(opt, T_max=4, eta_min=0.02)
    seen = []
    for _ in range(4):
        sched.step()
        seen.append(sched.get_last_lr())
    assert seen[-1] == pytest.approx([0.02, 0.02])
    assert seen[1][1] == pytest.approx(0.02 + (0.2 - 0.02) * (1 + math.cos(math.pi / 2)) / 2)
    assert all(a[0] > b[0] for a, b in zip(seen, seen[1:]))


def test_exponential_multiplies_each_epoch():
    opt = _opt()
    sched = nn.optim.ExponentialLR(opt, gamma=0.9)
    for _ in range(3):
        sched.step()
    assert sched.get_last_lr() == pytest.approx([0.1 * 0.9 ** 3])


def test_the_schedule_changes_the_steps_the_optimizer_takes():
    p = nn.Parameter(np.zeros(1))
    opt = nn.optim.SGD([p], lr=1.0)
    sched = nn.optim.StepLR(opt, step_size=1, gamma=0.5)
    for _ in range(3):
        p.grad = np.ones(1)
        opt.step()
        sched.step()
    assert p.data[0] == pytest.approx(-(1.0 + 0.5 + 0.25))


def test_state_dict_round_trip():
    opt = _opt()
    sched = nn.optim.CosineAnnealingLR(opt, T_max=10)
    for _ in range(3):
        sched.step()
    opt2 = _opt()
    sched2 = nn.optim.CosineAnnealingLR(opt2, T_max=10)
    sched2.load_state_dict(sched.state_dict())
    assert sched2.get_last_lr() == sched.get_last_lr()
    sched.step()
    sched2.step()
    assert sched2.get_last_lr() == sched.get_last_lr()
    with pytest.raises(ValueError, match="'last_epoch' and 'base_lrs'"):
        sched2.load_state_dict({"epoch": 3})
    with pytest.raises(ValueError, match="2 base rates in the state, 1 groups here"):
        sched2.load_state_dict({"last_epoch": 1, "base_lrs": [0.1, 0.2]})


@pytest.mark.parametrize("make, message", [
    (lambda o: nn.optim.StepLR(o, step_size=0), "step_size must be a positive int"),
    (lambda o: nn.optim.StepLR(o, step_size=2.5), "step_size must be a positive int"),
    (lambda o: nn.optim.StepLR(o, step_size=2, gamma=-1), "gamma must be a finite number"),
    (lambda o: nn.optim.CosineAnnealingLR(o, T_max=0), "T_max must be a positive int"),
    (lambda o: nn.optim.CosineAnnealingLR(o, T_max=5, eta_min=float("nan")), "eta_min"),
    (lambda o: nn.optim.StepLR("sgd", step_size=1), "expected an nn.optim optimizer"),
])
def test_bad_arguments(make, message):
    with pytest.raises((TypeError, ValueError), match=message):
        make(_opt())
