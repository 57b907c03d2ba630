"""nn.playground: the scalar MLP's training run that the playground page replays."""
from __future__ import annotations

import base64
import math

import numpy as np
import pytest

from autograd import Value
from nn.playground import PlaygroundRun, logistic_loss, train
from nn.train import TrainingDiverged

SMALL = dict(hidden=[4, 3], steps=12, frames=13, batch_size=8, lr=0.5, points=30, grid=10)


@pytest.fixture(scope="module")
def run():
    return train("circles", **SMALL)


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


def test_frames_cover_every_kth_step_and_the_trained_weights():
    r = train("moons", hidden=[3], steps=10, frames=4, points=20, grid=6)
    assert [f["step"] for f in r.frames] == [0, 4, 8, 10]
    assert all(f["g"] is not None for f in r.frames[:-1]) and r.frames[-1]["g"] is None
    assert r.accuracy == pytest.approx(r.frames[-1]["acc"], abs=1e-4)


def test_each_step_applies_w_minus_lr_times_grad(run):
    # One frame per step, so frame t+1's weights are frame t's after its update.
    lr = run.meta["lr"]
    for before, after in zip(run.frames, run.frames[1:]):
        w, g, w_next = (np.array([x for layer in f for n in layer for x in n])
                        for f in (before["w"], before["g"], after["w"]))
        assert w_next == pytest.approx(w - lr * g, rel=2e-3, abs=2e-4)


def test_shapes_follow_the_network(run):
    sizes = run.meta["sizes"]
    assert sizes == [2, 4, 3, 1]
    for frame in run.frames:
        assert [len(layer) for layer in frame["w"]] == sizes[1:]
        assert [len(n) for layer in frame["w"] for n in layer] == [3] * 4 + [5] * 3 + [4]
        assert len(base64.b64decode(frame["boundary"])) == 10 * 10
        for probe in frame["probes"]:
            assert [len(a) for a in probe["a"]] == sizes == [len(g) for g in probe["g"]]


def test_probe_numbers_are_the_engines(run):
    """The output's gradient is σ(z) − y, and the inputs' gradients follow from the weights."""
    last = run.frames[-1]
    for index, probe in zip(run.meta["probes"], last["probes"]):
        point, label = run.x[index], run.y[index]
        out = run.model(point.tolist())
        assert probe["a"][-1][0] == pytest.approx(out.data, rel=1e-3, abs=1e-4)
        assert probe["p"] == pytest.approx(sigmoid(out.data), rel=1e-3)
        assert probe["g"][-1][0] == pytest.approx(sigmoid(out.data) - label, rel=1e-3, abs=1e-4)
        assert probe["a"][0] == pytest.approx(point.tolist(), rel=1e-3)
        # ∂loss/∂x_i = Σ_j w_ji ∂loss/∂h_j · tanh'(pre_j), with tanh' = 1 − h².
        h, gh = np.array(probe["a"][1]), np.array(probe["g"][1])
        w = np.array(last["w"][0])[:, :2]
        assert probe["g"][0] == pytest.approx((w.T @ (gh * (1 - h ** 2))).tolist(), rel=2e-2, abs=1e-3)


def test_accuracy_and_boundary_agree_with_the_scalar_model(run):
    last = run.frames[-1]
    predictions = [run.model(p.tolist()).data > 0 for p in run.x]
    assert last["acc"] == pytest.approx(np.mean(np.array(predictions) == (run.y == 1)), abs=1e-4)
    grid = run.meta["grid"]
    boundary = np.frombuffer(base64.b64decode(last["boundary"]), np.uint8).reshape(10, 10)
    for row, col in [(0, 0), (3, 7), (9, 9), (5, 2)]:
        x0 = grid["lo"][0] + (grid["hi"][0] - grid["lo"][0]) * col / 9
        x1 = grid["lo"][1] + (grid["hi"][1] - grid["lo"][1]) * row / 9
        assert boundary[row, col] == round(255 * sigmoid(run.model([x0, x1]).data))


def test_on_frame_sees_each_frame_as_it_is_recorded():
    calls = []
    r = train("xor", hidden=[3], steps=6, frames=4, points=20, grid=6,
              on_frame=lambda run: calls.append((len(run.frames), run.frames[-1]["g"] is None)))
    assert calls == [(1, False), (2, False), (3, False), (4, True)] and len(r.frames) == 4


def test_the_same_seed_gives_the_same_run(run):
    again = train("circles", **SMALL)
    assert again.frames == run.frames and again.meta == run.meta


def test_logistic_loss_is_stable_and_matches_the_formula():
    for z, y in [(0.3, 1), (-2.0, 0), (-1000.0, 1), (1000.0, 0), (1000.0, 1)]:
        loss = logistic_loss(Value(z), y)
        expected = max(z, 0) + math.log1p(math.exp(-abs(z))) - z * y
        assert loss.data == pytest.approx(expected)
        v = Value(z)
        logistic_loss(v, y).backward()
        assert v.grad == pytest.approx(sigmoid(z) - y if abs(z) < 700 else float(z > 0) - y)


def test_a_diverging_run_stops_with_a_clear_message():
    with pytest.raises(TrainingDiverged, match=r"training diverged.*lower the learning rate \(lr 100\)"):
        train("moons", lr=100, steps=50, points=30)


@pytest.mark.parametrize("kwargs, match", [
    (dict(dataset="blobs"), "unknown data set 'blobs'"),
    (dict(hidden=[]), "hidden must be a non-empty list"),
    (dict(hidden=[8, 0]), r"hidden layer sizes must be positive integers, got \[8, 0\]"),
    (dict(activation="gelu"), "unknown activation 'gelu'; use one of relu, tanh, sigmoid"),
    (dict(steps=0), "steps must be a positive integer, got 0"),
    (dict(batch_size=0), "batch_size must be a positive integer"),
    (dict(frames=-1), "frames must be a positive integer"),
    (dict(points=1), "points must be at least 2"),
    (dict(lr=0.0), "lr must be a positive finite number"),
    (dict(lr=float("nan")), "lr must be a positive finite number"),
])
def test_bad_settings_are_refused_before_training(kwargs, match):
    with pytest.raises(ValueError, match=match):
        train(**kwargs)


def test_the_run_holds_what_the_page_needs(run):
    assert isinstance(run, PlaygroundRun)
    assert np.allclose(run.meta["points"], run.x, rtol=1e-3, atol=1e-4)
    assert run.meta["labels"] == run.y.tolist() and run.meta["probes"] == list(range(6))
