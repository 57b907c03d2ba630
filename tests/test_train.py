"""fit / evaluate / History: learning, bookkeeping, determinism, the bar, bad input."""
from __future__ import annotations

import functools
import io
import re

import numpy as np
import pytest

import nn
from tqdm import tqdm

from autograd import is_grad_enabled
from autograd.tensor import Tensor
from nn import train
from nn.data import DataLoader
from nn.train import History, evaluate, fit, format_epoch


def blobs(n=600, classes=3, dim=8, seed=0):
    """Gaussian clusters: easy enough that a few epochs must learn them."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 3, (classes, dim)).astype(np.float32)
    y = rng.integers(0, classes, n)
    x = centers[y] + rng.normal(0, 1, (n, dim)).astype(np.float32)
    return x.astype(np.float32), y.astype(np.int64)


def model_and_opt(seed=0, lr=0.01):
    model = nn.MLP(8, [16, 3], rng=seed)
    return model, nn.optim.Adam(model.parameters(), lr=lr)


def test_fit_learns_and_fills_the_history():
    x, y = blobs(n=800)
    x, y, xt, yt = x[:600], y[:600], x[600:], y[600:]
    model, opt = model_and_opt()
    calls = []
    history = fit(model, opt, (x, y), 3, test_data=(xt, yt), batch_size=32, rng=0,
                  progress=False, on_epoch=lambda e, h: calls.append((e, h.epochs)))
    assert calls == [(1, 1), (2, 2), (3, 3)]
    assert history.epochs == 3 and len(history.test_acc) == 3 and len(history.seconds) == 3
    assert len(history.step_loss) == 3 * len(DataLoader(x, y, 32))
    assert history.loss[-1] < history.loss[0]
    assert history.test_acc[-1] > 0.9 and history.train_acc[-1] > 0.9
    assert all(s > 0 for s in history.seconds)
    # The epoch's loss is the sample-weighted mean of its steps.
    steps = len(DataLoader(x, y, 32))
    sizes = [32] * (steps - 1) + [len(x) - 32 * (steps - 1)]
    expected = np.average(history.step_loss[-steps:], weights=sizes)
    assert history.loss[-1] == pytest.approx(expected, rel=1e-6)


def test_same_seeds_give_the_same_history():
    x, y = blobs()
    runs = []
    for _ in range(2):
        model, opt = model_and_opt(seed=3)
        runs.append(fit(model, opt, (x, y), 2, batch_size=50, rng=5, progress=False).step_loss)
    assert runs[0] == runs[1]


def test_evaluate_matches_a_direct_computation_and_restores_the_mode():
    x, y = blobs(n=250)
    model = nn.MLP(8, [16, 3], dropout=0.5, rng=0)
    model.train()
    loss, acc = evaluate(model, (x, y), batch_size=64)
    assert model.training and is_grad_enabled()
    model.eval()
    logits = model(Tensor(x))
    assert loss == pytest.approx(float(nn.functional.cross_entropy(logits, y).data), rel=1e-5)
    assert acc == nn.functional.accuracy(logits, y)
    # Dropout is off during evaluation: the result does not depend on the batch size.
    model.train()
    assert evaluate(model, (x, y), batch_size=7) == pytest.approx((loss, acc), rel=1e-5)


def test_scheduler_steps_once_per_epoch():
    x, y = blobs(n=100)
    model, opt = model_and_opt(lr=0.1)
    schedule = nn.optim.StepLR(opt, step_size=1, gamma=0.5)
    fit(model, opt, (x, y), 3, scheduler=schedule, progress=False)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1 * 0.5 ** 3)


def test_a_dataloader_can_be_passed_directly_and_zero_epochs_train_nothing():
    x, y = blobs(n=100)
    model, opt = model_and_opt()
    before = model.state_dict()
    history = fit(model, opt, DataLoader(x, y, 10, rng=0), 0, progress=False)
    assert history.epochs == 0 and history.step_loss == []
    assert all(np.array_equal(before[k], v) for k, v in model.state_dict().items())
    assert fit(model, opt, DataLoader(x, y, 10, rng=0), 1, progress=False).epochs == 1


def test_progress_bar_shows_the_running_loss(monkeypatch):
    x, y = blobs(n=200)
    model, opt = model_and_opt()
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    # Redraw on every step: the real bar redraws every 0.1 s, longer than this whole run.
    monkeypatch.setattr(train, "tqdm", functools.partial(tqdm, mininterval=0, miniters=1))
    fit(model, opt, (x, y), 1, batch_size=20, progress=True)
    assert "epoch 1/1" in err.getvalue() and re.search(r"batch/s, loss \d+\.\d{4}\]", err.getvalue())
    err.truncate(0)
    fit(model, opt, (x, y), 1, batch_size=20)  # stderr is not a terminal: no bar
    fit(model, opt, (x, y), 1, batch_size=20, progress=False)
    assert err.getvalue().strip("\x00") == ""


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # numpy on the inf
def test_divergence_is_an_error_not_a_nan_history():
    x, y = blobs(n=100)
    x[5] = np.inf
    model, opt = model_and_opt()
    with pytest.raises(ValueError, match="(?i)nan|inf"):
        fit(model, opt, (x, y), 1, batch_size=100, progress=False)


def test_format_epoch():
    h = History(loss=[0.07123], train_acc=[0.98123], test_loss=[0.1], test_acc=[0.97712],
                seconds=[4.06])
    assert format_epoch(h, 1, 10) == "epoch 1/10  loss 0.0712  train acc 0.9812  test acc 0.9771  4.1 s"
    h.test_acc.clear()
    assert format_epoch(h, 1, 10) == "epoch 1/10  loss 0.0712  train acc 0.9812  4.1 s"


@pytest.mark.parametrize("call, error, match", [
    (lambda m, o, d: fit("model", o, d, 1), TypeError, "model must be an nn.Module"),
    (lambda m, o, d: fit(m, None, d, 1), TypeError, "optimizer must be an nn.optim optimizer"),
    (lambda m, o, d: fit(m, o, d, -1), ValueError, "epochs must be a non-negative integer"),
    (lambda m, o, d: fit(m, o, d, 1.5), ValueError, "epochs must be a non-negative integer"),
    (lambda m, o, d: fit(m, o, [d[0], d[1]], 1), TypeError, r"train_data must be a pair \(x, y\)"),
    (lambda m, o, d: fit(m, o, (d[0], d[1][:3]), 1), ValueError, r"x of shape \(100, 8\) and y of shape \(3,\)"),
    (lambda m, o, d: fit(m, o, d, 1, test_data=(d[0],)), TypeError, "test_data must be a pair"),
    (lambda m, o, d: fit(m, o, d, 1, scheduler=o), TypeError, "scheduler must be an nn.optim schedule"),
    (lambda m, o, d: evaluate(m, d, batch_size=0), ValueError, "batch_size must be a positive integer"),
    (lambda m, o, d: evaluate(m, (d[0][:0], d[1][:0])), ValueError, "data is empty"),
])
def test_bad_arguments_are_refused(call, error, match):
    model, opt = model_and_opt()
    with pytest.raises(error, match=match):
        call(model, opt, blobs(n=100))


@pytest.mark.network  # reads real MNIST; downloads it on a machine with no cache yet
def test_short_real_mnist_run_beats_90_percent():
    from nn.datasets import load_mnist
    (x, y), (xt, yt) = load_mnist()
    model = nn.MLP(784, [64, 10], rng=0)
    opt = nn.optim.Adam(model.parameters(), lr=2e-3)
    history = fit(model, opt, (x[:10000], y[:10000]), 2, test_data=(xt, yt), batch_size=64,
                  rng=0, progress=False)
    assert history.test_acc[-1] > 0.90
