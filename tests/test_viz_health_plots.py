"""viz.plots.plot_signal_health: the per-layer picture of several runs."""
from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd import Tensor
from nn.functional import cross_entropy
from viz.plots import plot_signal_health


def recorded(activation, layers=3, steps=2):
    model = nn.MLP(4, [5] * layers + [2], activation=activation, rng=0)
    health = nn.SignalHealth(model, bins=8)
    x = np.random.default_rng(0).normal(size=(16, 4)).astype(np.float32)
    for _ in range(steps):
        loss = cross_entropy(model(Tensor(x)), np.arange(16) % 2)
        loss.backward()
        health.record(loss)
        model.zero_grad()
    return health


def test_one_row_of_histograms_per_run_and_one_column_per_layer(tmp_path):
    runs = {"sigmoid": recorded("sigmoid"), "relu, 2 layers": recorded("relu", layers=2)}
    fig = plot_signal_health(runs, {"sigmoid": [0.7, 0.6, 0.5], "relu, 2 layers": [0.7, 0.4, 0.2]},
                             tmp_path / "h.png", record=-1, title="test")
    histograms = [ax for ax in fig.subfigs[0].axes]
    assert len(histograms) == 2 * 3
    assert [ax.get_visible() for ax in histograms] == [True] * 5 + [False]  # relu has 2 hidden layers
    assert histograms[0].get_title() == "hidden layer 1" and histograms[0].get_ylabel() == "sigmoid"
    norm_ax, loss_ax = fig.subfigs[1].axes
    assert [line.get_label() for line in norm_ax.get_lines()] == ["sigmoid", "relu, 2 layers"]
    assert len(norm_ax.get_lines()[0].get_xdata()) == 4  # four Linear layers
    assert "step 2" in norm_ax.get_title() and loss_ax.get_visible()
    assert (tmp_path / "h.png").read_bytes()[:4] == b"\x89PNG"


def test_without_losses_the_loss_panel_is_hidden():
    fig = plot_signal_health({"a": recorded("tanh", steps=1)})
    assert not fig.subfigs[1].axes[1].get_visible()


@pytest.mark.parametrize("runs, kwargs, match", [
    ({}, {}, "non-empty mapping"),
    ({"a": nn.SignalHealth(nn.MLP(2, [2, 2], rng=0))}, {}, "run 'a' recorded no step"),
    ("runs", {}, "non-empty mapping"),
])
def test_bad_input_is_refused(runs, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_signal_health(runs, **kwargs)


def test_a_record_that_does_not_exist_is_refused():
    with pytest.raises(ValueError, match="has 2 records, so record 2 does not exist"):
        plot_signal_health({"a": recorded("relu")}, record=2)
