"""Training plots: files written, what the axes hold, no global matplotlib state, bad input;
and plot_signal_health, the per-layer picture of several runs."""
from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Tensor
from nn.functional import cross_entropy
from viz.plots import plot_history, plot_loss_curves, plot_signal_health

def history(n=3, test=True):
    return SimpleNamespace(loss=list(np.linspace(0.5, 0.1, n)), train_acc=list(np.linspace(0.8, 0.95, n)),
                           test_loss=list(np.linspace(0.4, 0.2, n)) if test else [],
                           test_acc=list(np.linspace(0.85, 0.93, n)) if test else [])


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_plot_history_writes_the_file(tmp_path, suffix, magic):
    path = tmp_path / f"curves{suffix}"
    fig = plot_history(history(), path)
    assert path.read_bytes().startswith(magic)
    ax_loss, ax_acc = fig.axes
    assert [line.get_label() for line in ax_loss.lines] == ["train loss", "test loss"]
    assert [line.get_label() for line in ax_acc.lines] == ["train accuracy", "test accuracy"]
    np.testing.assert_allclose(ax_acc.lines[1].get_ydata(), history().test_acc)
    np.testing.assert_array_equal(ax_acc.lines[1].get_xdata(), [1, 2, 3])


def test_plot_history_without_test_data_has_only_training_curves():
    fig = plot_history(history(test=False), title="run")
    assert [len(ax.lines) for ax in fig.axes] == [1, 1]
    assert fig.get_suptitle() == "run"


@settings(max_examples=20)  # each example draws a figure
@given(st.dictionaries(st.text(min_size=1, max_size=8),
                       st.lists(st.floats(1e-4, 10), min_size=1, max_size=200), min_size=1, max_size=5),
       st.integers(1, 50))
def test_loss_curves_are_running_means(curves, smooth):
    fig = plot_loss_curves(curves, smooth=smooth)
    (ax,) = fig.axes
    assert ax.get_yscale() == "log" and len(ax.lines) == len(curves)
    for line, values in zip(ax.lines, curves.values()):
        window = min(smooth, len(values))
        expected = np.convolve(values, np.ones(window) / window, mode="valid")
        np.testing.assert_allclose(line.get_ydata(), expected, rtol=1e-9, atol=1e-12)
        assert line.get_xdata()[-1] == len(values)


def test_loss_curves_in_epochs_and_saved(tmp_path):
    path = tmp_path / "opt.png"
    fig = plot_loss_curves({"sgd": [1.0] * 40, "adam": [0.5] * 40}, path, smooth=1, steps_per_epoch=20)
    assert path.read_bytes().startswith(b"\x89PNG")
    assert fig.axes[0].lines[0].get_xdata()[-1] == 2.0
    assert fig.axes[0].get_xlabel() == "epoch"


def test_importing_and_plotting_leave_pyplot_alone(tmp_path):
    # pyplot owns matplotlib's global backend and figure list; plotting must not load it.
    # (matplotlib.get_backend() would itself import pyplot, so it cannot be the check.)
    code = ("import sys; from viz.plots import plot_history; from types import SimpleNamespace as S; "
            f"plot_history(S(loss=[1.0], train_acc=[0.5]), {str(tmp_path / 'a.png')!r}); "
            "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'")
    subprocess.run([sys.executable, "-c", code], check=True)
    assert (tmp_path / "a.png").is_file()


@pytest.mark.parametrize("call, error, match", [
    (lambda p: plot_history(object()), TypeError, "needs a training history"),
    (lambda p: plot_history(SimpleNamespace(loss=[], train_acc=[])), ValueError, "no epochs"),
    (lambda p: plot_history(SimpleNamespace(loss=[1, 2], train_acc=[1])), ValueError,
     "history.train_acc has 1 entries but history.loss has 2"),
    (lambda p: plot_history(SimpleNamespace(loss=["a"], train_acc=[1])), TypeError, "sequence of numbers"),
    (lambda p: plot_history(history(), p / "curves.nope"), ValueError, r"cannot save .*\.png"),
    (lambda p: plot_loss_curves({}), ValueError, "non-empty mapping"),
    (lambda p: plot_loss_curves({"a": []}), ValueError, "'a' is empty"),
    (lambda p: plot_loss_curves({"a": [1.0, float("nan")]}), ValueError, "non-finite"),
    (lambda p: plot_loss_curves({"a": [1.0, 0.0]}), ValueError, "log scale"),
    (lambda p: plot_loss_curves({"a": [1.0]}, smooth=0), ValueError, "smooth must be a positive int"),
    (lambda p: plot_loss_curves({"a": [1.0]}, steps_per_epoch=0), ValueError, "steps_per_epoch"),
])
def test_bad_input_is_refused(tmp_path, call, error, match):
    with pytest.raises(error, match=match):
        call(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_save_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    path = tmp_path / "curves.svg"
    path.write_text("the previous plot")

    def interrupted(self, target, **kwargs):
        target.write(b"<?xml half a pic")
        raise KeyboardInterrupt

    monkeypatch.setattr(Figure, "savefig", interrupted)
    with pytest.raises(KeyboardInterrupt):
        plot_history(history(), path)
    assert path.read_text() == "the previous plot"
    assert [p.name for p in tmp_path.iterdir()] == ["curves.svg"]


# ---- the signal-health figure
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
def test_bad_signal_health_input_is_refused(runs, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_signal_health(runs, **kwargs)


def test_a_record_that_does_not_exist_is_refused():
    with pytest.raises(ValueError, match="has 2 records, so record 2 does not exist"):
        plot_signal_health({"a": recorded("relu")}, record=2)
