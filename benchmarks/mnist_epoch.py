"""One MNIST training epoch: tracegrad against hand-written numpy (and PyTorch CPU).

Every implementation runs the same workload: an MLP 784-100-10 with ReLU and softmax
cross-entropy, plain SGD with lr 0.1, batches of 100, one pass over 60,000 x 784
float32 images, starting from the same weights. The goal (issue 3) is a tracegrad
epoch within 1.15x of the hand-written numpy epoch, the floor for any numpy engine.

Run: ``.venv/bin/python benchmarks/mnist_epoch.py [--repeats 5] [--random]``. On a busy
machine, ``OPENBLAS_NUM_THREADS=1`` (PyTorch follows it) keeps BLAS threads from
fighting other jobs, which otherwise swamps the differences being measured.
"""
from __future__ import annotations

import argparse
import os
import statistics
from typing import Callable

import numpy as np

from autograd import Tensor, no_grad

from _timing import alternate, report

LR, BATCH, SIZES = 0.1, 100, (784, 100, 10)


def blas_threads() -> int:
    """The thread count numpy's OpenBLAS uses: its environment variable, else every core."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if os.environ.get(var, "").isdigit():
            return int(os.environ[var])
    return os.cpu_count() or 1


def load_data(force_random: bool) -> tuple[np.ndarray, np.ndarray, str]:
    """Real MNIST when ``nn.datasets.load_mnist`` finds it, else random data of its shape."""
    if not force_random:
        try:
            from nn.datasets import load_mnist
            (x, y), _ = load_mnist()
            return np.ascontiguousarray(x, dtype=np.float32), y.astype(np.int64), "real MNIST"
        except (ImportError, OSError, ValueError) as err:
            print(f"(MNIST not available: {err}; using random data)")
    rng = np.random.default_rng(0)
    x = rng.random((60_000, 784), dtype=np.float32)
    y = rng.integers(0, 10, size=60_000)
    return x, y, "random data of MNIST's shape"


def init_weights(seed: int = 0) -> list[np.ndarray]:
    """He-initialised W1, b1, W2, b2 in float32 (every implementation copies these)."""
    rng = np.random.default_rng(seed)
    out = []
    for fan_in, fan_out in zip(SIZES, SIZES[1:]):
        w = rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
        out += [w.astype(np.float32), np.zeros(fan_out, np.float32)]
    return out


def batches(x: np.ndarray, y: np.ndarray):
    for i in range(0, len(x), BATCH):
        yield x[i:i + BATCH], y[i:i + BATCH]


def numpy_epoch(x: np.ndarray, y: np.ndarray) -> Callable[[], float]:
    """The floor: forward and backward written by hand, the way a numpy user would."""
    w1, b1, w2, b2 = init_weights()

    def epoch() -> float:
        nonlocal w1, b1, w2, b2  # updated in place by -=
        total = 0.0
        for xb, yb in batches(x, y):
            rows = np.arange(len(yb))
            h = xb @ w1 + b1
            a = np.maximum(h, 0)
            z = a @ w2 + b2
            z -= z.max(axis=1, keepdims=True)
            e = np.exp(z)
            s = e.sum(axis=1, keepdims=True)
            total += float(np.mean(np.log(s[:, 0]) - z[rows, yb]))
            dz = e / s
            dz[rows, yb] -= 1
            dz /= len(yb)
            da = dz @ w2.T
            da *= h > 0
            w2 -= LR * (a.T @ dz)
            b2 -= LR * dz.sum(axis=0)
            w1 -= LR * (xb.T @ da)
            b1 -= LR * da.sum(axis=0)
        return total / (len(x) // BATCH)
    return epoch


def tracegrad_epoch(x: np.ndarray, y: np.ndarray) -> Callable[[], float]:
    """tracegrad as a user writes it with raw Tensor ops and a hand-written SGD step."""
    params = [Tensor(w, requires_grad=True) for w in init_weights()]
    w1, b1, w2, b2 = params

    def model(xb: Tensor) -> Tensor:
        return (xb @ w1 + b1).relu() @ w2 + b2

    def epoch() -> float:
        total = 0.0
        for xb, yb in batches(x, y):
            loss = model(Tensor(xb)).cross_entropy(yb)
            for p in params:
                p.grad = None
            loss.backward()
            with no_grad():
                for p in params:
                    p.data -= LR * p.grad
            total += loss.item()
        return total / (len(x) // BATCH)
    return epoch


def tracegrad_nn_epoch(x: np.ndarray, y: np.ndarray) -> Callable[[], float] | None:
    """tracegrad the way DESIGN.md's users write it: nn.MLP, nn.optim.SGD, nn.functional."""
    try:
        import nn
    except ImportError:
        return None
    model = nn.MLP(784, [100, 10], activation="relu")
    for p, w in zip(model.parameters(), init_weights()):
        p.data[...] = w
    opt = nn.optim.SGD(model.parameters(), lr=LR)
    loss_fn = nn.functional.cross_entropy

    def epoch() -> float:
        total = 0.0
        for xb, yb in batches(x, y):
            loss = loss_fn(model(Tensor(xb)), yb)
            opt.zero_grad()  # as in the PyTorch run below
            loss.backward()
            opt.step()
            total += loss.item()
        return total / (len(x) // BATCH)
    return epoch


def torch_epoch(x: np.ndarray, y: np.ndarray) -> Callable[[], float] | None:
    """PyTorch CPU with torch.nn and torch.optim.SGD, or None when torch is missing."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(blas_threads())  # the same number of threads as numpy's BLAS
    w1, b1, w2, b2 = (torch.from_numpy(w.copy()) for w in init_weights())
    model = torch.nn.Sequential(torch.nn.Linear(784, 100), torch.nn.ReLU(),
                                torch.nn.Linear(100, 10))
    with torch.no_grad():
        for layer, w, b in ((model[0], w1, b1), (model[2], w2, b2)):
            layer.weight.copy_(w.T)
            layer.bias.copy_(b)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    loss_fn = torch.nn.functional.cross_entropy

    def epoch() -> float:
        total = 0.0
        for i in range(0, len(tx), BATCH):
            loss = loss_fn(model(tx[i:i + BATCH]), ty[i:i + BATCH])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        return total / (len(tx) // BATCH)
    return epoch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="epochs timed per implementation")
    parser.add_argument("--random", action="store_true", help="use random data, not MNIST")
    args = parser.parse_args()

    x, y, source = load_data(args.random)
    runs = {"numpy (hand-written)": numpy_epoch(x, y)}
    nn_run = tracegrad_nn_epoch(x, y)
    if nn_run is not None:
        runs["tracegrad (nn.MLP + SGD)"] = nn_run
    runs["tracegrad (raw Tensor ops)"] = tracegrad_epoch(x, y)
    torch_run = torch_epoch(x, y)
    if torch_run is not None:
        runs["pytorch (cpu)"] = torch_run
    losses = {name: [] for name in runs}
    timed = {name: (lambda run=run, name=name: losses[name].append(run()))
             for name, run in runs.items()}

    print(f"MNIST epoch benchmark: {source}, {len(x)} x {x.shape[1]} float32, "
          f"MLP 784-100-10 ReLU, SGD lr {LR}, batch {BATCH}, {args.repeats} repeats")
    if torch_run is not None:
        print(f"threads: {blas_threads()} for numpy's OpenBLAS and for torch "
              "(set OPENBLAS_NUM_THREADS to change both)")
    times = alternate(timed, args.repeats)
    print(report(times, baseline="numpy (hand-written)"))
    print("mean loss of the first epoch (same weights, same batches, so these should agree):")
    for name, values in losses.items():
        print(f"  {name}: {values[0]:.4f}")
    base = statistics.median(times["numpy (hand-written)"])
    for name in runs:
        if name.startswith("tracegrad"):
            ratio = statistics.median(times[name]) / base
            verdict = "met" if ratio <= 1.15 else "NOT met"
            print(f"{name} / numpy = {ratio:.3f}  (goal <= 1.15: {verdict})")


if __name__ == "__main__":
    main()
