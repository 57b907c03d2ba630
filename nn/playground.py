"""Train a scalar ``nn.scalar.MLP`` on a 2-D toy set and record what the playground replays.

Plain SGD, so each step is literally ``w ← w − lr·grad``; the loss is the logistic
loss of the one output (a logit). Every k-th step becomes a *frame*: the weights
and the batch gradient the step applies, the decision boundary on a grid, the
loss and accuracy on all points, and, for a few *probe* points, every neuron's
activation and its gradient ∂loss(point)/∂activation. Those per-neuron numbers are
the engine's own: the probe point runs through the scalar model and ``backward()``
fills each ``Value``'s ``grad``.

Frames are plain dicts of numbers (``viz.Playground`` draws them; only ``nn.cli``
imports ``viz``):

    meta:  dataset, sizes, activation, lr, batch_size, steps, seed, points [[x0, x1]…],
           labels, probes (indices into points), grid {lo: [x0, x1], hi: [x0, x1], n}
    frame: step, loss, acc, w and g (per layer, per neuron: its weights then its bias;
           g is None on the last frame, whose weights no step changes),
           boundary (n×n P(class 1), row-major from lo, as bytes 0-255 in base64),
           probes [{a, g, p}]: per layer (inputs first) each neuron's activation and gradient,
           and p = P(class 1)
"""
from __future__ import annotations

import base64
import math
import numbers
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from autograd import no_grad
from autograd.tensor import Tensor
from autograd.value import Value
from nn.checks import positive_int
from nn.functional import binary_cross_entropy_with_logits
from nn.layers import Linear
from nn.mlp import MLP as TensorMLP
from nn.optim import SGD
from nn.scalar import MLP
from nn.toy_data import check_dataset, make_dataset
from nn.train import TrainingDiverged

DEFAULTS: dict[str, Any] = dict(dataset="moons", hidden=[8, 8], activation="tanh", steps=400, lr=0.4,
                batch_size=16, seed=0, points=150, noise=0.1, frames=100, probes=6, grid=48)
ACTIVATIONS = ("relu", "tanh", "sigmoid")
# The loss on all points may wander, but a run whose loss is this many times its
# starting value (about log 2) has left the basin: its weights are heading to overflow.
DIVERGED_FACTOR = 20.0


@dataclass
class PlaygroundRun:
    """What ``train`` returns: the page's ``meta`` and ``frames``, the trained model and data."""
    meta: dict[str, Any]
    frames: list[dict[str, Any]] = field(default_factory=list)
    model: MLP | None = None
    x: np.ndarray | None = None
    y: np.ndarray | None = None
    accuracy: float = float("nan")  # on all points, after the last step
    seconds: float = 0.0


def logistic_loss(logit: Value, label: int) -> Value:
    """``softplus(z) − z·y``: binary cross-entropy on the logit, with no exp that can overflow."""
    softplus = logit.relu() + (1.0 + (-logit.abs()).exp()).log()
    return softplus - logit * label if label else softplus


def check_options(dataset: str, hidden: Sequence[int], activation: str, steps: int, lr: float,
                  batch_size: int, frames: int, points: int) -> None:
    """Refuse bad settings before any training, each with a one-line message."""
    check_dataset(dataset)
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, Sequence) or not hidden:
        raise ValueError(f"hidden must be a non-empty list of layer sizes, got {hidden!r}")
    for size in hidden:
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
            raise ValueError(f"hidden layer sizes must be positive integers, got {list(hidden)}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; use one of {', '.join(ACTIVATIONS)}")
    for name, value in (("steps", steps), ("batch_size", batch_size), ("frames", frames)):
        positive_int(value, name)
    if positive_int(points, "points") < 2:
        raise ValueError(f"points must be at least 2 (one per class), got {points}")
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not 0.0 < lr < math.inf:
        raise ValueError(f"lr must be a positive finite number, got {lr!r}")


def _frame_steps(steps: int, frames: int) -> list[int]:
    """Steps 0, k, 2k, … and ``steps`` itself (the trained weights): at most ``frames`` frames."""
    every = max(1, math.ceil(steps / max(1, frames - 1)))
    return sorted(set(range(0, steps, every)) | {steps})


def _grid(x: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n × n`` points (row-major, the first row at the lowest x1) over the data plus a margin."""
    lo, hi = x.min(axis=0) - 0.3, x.max(axis=0) + 0.3
    g0, g1 = np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n)
    xx, yy = np.meshgrid(g0, g1)
    return np.c_[xx.ravel(), yy.ravel()], lo, hi


def _r(v: float) -> float:
    return float(f"{v:.4g}")  # 4 significant digits: the page shows no more, and stays small


class _Mirror:
    """The same weights in a float64 Tensor MLP, to evaluate hundreds of points at once.

    Its own initial weights do not matter: ``sync`` copies the scalar model's over them.
    """

    def __init__(self, model: MLP) -> None:
        self.model = model
        self.tensor = TensorMLP(model.sizes[0], model.sizes[1:], model.layers[0].neurons[0].activation,
                                dtype=np.float64, rng=0)

    def sync(self) -> None:
        linears = [m for m in self.tensor.layers if isinstance(m, Linear)]
        for layer, linear in zip(self.model.layers, linears):
            # A scalar neuron holds one column of the Tensor layer's (nin, nout) weight.
            linear.weight.data[...] = np.array([[w.data for w in n.w] for n in layer.neurons]).T
            if linear.bias is not None:  # the playground's layers always have one
                linear.bias.data[...] = [n.b.data for n in layer.neurons]

    def logits(self, x: np.ndarray) -> np.ndarray:
        with no_grad():
            return self.tensor(Tensor(x)).data[:, 0]

    def loss_and_accuracy(self, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        logits = self.logits(x)
        with no_grad():
            loss = float(binary_cross_entropy_with_logits(Tensor(logits), y.astype(np.float64)).data)
        return loss, float(np.mean((logits > 0) == (y == 1)))


def _probe(model: MLP, point: np.ndarray, label: int) -> dict[str, Any]:
    """Every neuron's activation and ∂loss/∂activation for one point, read off the Values."""
    layer_values = [[Value(float(v), label=f"x{i}") for i, v in enumerate(point)]]
    for layer in model.layers:
        out = layer(layer_values[-1])
        layer_values.append(out if isinstance(out, list) else [out])
    logistic_loss(layer_values[-1][0], label).backward()
    model.zero_grad()  # the probe's gradient must not leak into the training step
    return {"a": [[_r(v.data) for v in vs] for vs in layer_values],
            "g": [[_r(v.grad) for v in vs] for vs in layer_values],
            "p": _r(layer_values[-1][0].sigmoid().data)}


def _weights(model: MLP, grads: bool) -> list[list[list[float]]]:
    return [[[_r(w.grad if grads else w.data) for w in (*n.w, n.b)] for n in layer.neurons]
            for layer in model.layers]


def _frame(model: MLP, mirror: _Mirror, grid_points: np.ndarray, x: np.ndarray, labels: list,
           probe_ids: list[int], step: int, loss: float, acc: float) -> dict[str, Any]:
    """One recorded frame: loss, accuracy, weights, the decision boundary (one byte per grid
    point) and the probes; ``g``, the gradient, is filled in once the step computes it."""
    probability = 1.0 / (1.0 + np.exp(-np.clip(mirror.logits(grid_points), -50, 50)))
    return dict(step=step, loss=_r(loss), acc=_r(acc), w=_weights(model, grads=False), g=None,
                boundary=base64.b64encode(np.round(probability * 255).astype(np.uint8).tobytes()).decode(),
                probes=[_probe(model, x[i], labels[i]) for i in probe_ids])


def _backward(model: MLP, rows: list, labels: list, batch: np.ndarray, step: int, lr: float) -> None:
    """Back-propagate the batch's mean logistic loss; an overflow means training diverged."""
    try:
        loss_value = Value.sum([logistic_loss(model(rows[i]), labels[i]) for i in batch]) / len(batch)
        loss_value.backward()
    except (OverflowError, ValueError) as error:
        raise TrainingDiverged(f"training diverged at step {step} ({error}); lower the "
                               f"learning rate (lr {lr:g})") from None


def train(dataset: str = DEFAULTS["dataset"], hidden: Sequence[int] = DEFAULTS["hidden"],
          activation: str = DEFAULTS["activation"], steps: int = DEFAULTS["steps"],
          lr: float = DEFAULTS["lr"], batch_size: int = DEFAULTS["batch_size"],
          seed: int = DEFAULTS["seed"], *, points: int = DEFAULTS["points"],
          noise: float = DEFAULTS["noise"], frames: int = DEFAULTS["frames"],
          probes: int = DEFAULTS["probes"], grid: int = DEFAULTS["grid"],
          on_frame: Callable[[PlaygroundRun], None] | None = None) -> PlaygroundRun:
    """Train ``nn.scalar.MLP(2, [*hidden, 1])`` with SGD and record up to ``frames`` frames.

    ``on_frame(run)`` is called after each frame is recorded (``viz.LivePlayground.update``
    redraws a notebook view). Raises ``TrainingDiverged`` (a ``ValueError``) when the
    loss overflows or grows far beyond its start: lower ``lr``.
    """
    check_options(dataset, hidden, activation, steps, lr, batch_size, frames, points)
    started = time.perf_counter()
    x, y = make_dataset(dataset, points, noise, rng=seed)
    rng = np.random.default_rng(seed)
    model = MLP(2, [*hidden, 1], activation=activation, rng=rng)
    optimizer = SGD(model.parameters(), lr=lr)
    mirror = _Mirror(model)
    grid_points, lo, hi = _grid(x, grid)
    probe_ids = list(range(min(probes, len(x))))
    run = PlaygroundRun(meta=dict(
        dataset=dataset, sizes=model.sizes, activation=activation, lr=lr, batch_size=batch_size,
        steps=steps, seed=seed, loss="logistic", points=[[_r(a), _r(b)] for a, b in x],
        labels=y.tolist(), probes=probe_ids, grid=dict(lo=lo.tolist(), hi=hi.tolist(), n=grid)),
        model=model, x=x, y=y)
    rows, labels = x.tolist(), y.tolist()
    record = set(_frame_steps(steps, frames))
    start_loss, order = None, np.array([], dtype=int)
    for step in range(steps + 1):
        frame = None
        if step in record:
            mirror.sync()
            loss, acc = mirror.loss_and_accuracy(x, y)
            start_loss = loss if start_loss is None else start_loss
            if not math.isfinite(loss) or loss > DIVERGED_FACTOR * max(start_loss, 0.1):
                raise TrainingDiverged(f"training diverged: the loss rose from {start_loss:.3g} to "
                                       f"{loss:.3g} by step {step}; lower the learning rate (lr {lr:g})")
            frame = _frame(model, mirror, grid_points, x, labels, probe_ids, step, loss, acc)
            run.frames.append(frame)
        if step == steps:
            run.accuracy = acc
            if on_frame is not None:
                on_frame(run)
            break
        if len(order) < batch_size:  # a fresh shuffle of every point each epoch
            order = np.concatenate([order, rng.permutation(len(x))])
        batch, order = order[:batch_size], order[batch_size:]
        _backward(model, rows, labels, batch, step, lr)
        if frame is not None:
            frame["g"] = _weights(model, grads=True)  # the gradient this step applies
            if on_frame is not None:
                on_frame(run)
        optimizer.step()
        model.zero_grad()
    run.seconds = time.perf_counter() - started
    return run
