"""One MNIST epoch of the CNN of ``tracegrad mnist --model cnn``: tracegrad against PyTorch CPU.

Both run the same network from the same initial weights on the same batches:
conv 3×3 (1→16) → max-pool 2 → BatchNorm → ReLU → conv 3×3 (16→32) → max-pool 2 →
BatchNorm → ReLU → Linear(1568→128) → ReLU → Linear(128→10), softmax cross-entropy,
SGD with momentum (lr 0.05, 0.9), batches of 128. The goal (issue 14) is a tracegrad
epoch within 2x of PyTorch's. numpy's BLAS and PyTorch both run ``--threads`` threads
(default 1, as ``nn.fit``).

Run: ``.venv/bin/python benchmarks/cnn_epoch.py [--repeats 3] [--batches N] [--threads N]``
(``--batches`` times the first N batches only, for a quick look).
"""
from __future__ import annotations

import argparse
import statistics
from typing import Callable

import numpy as np

import nn
from autograd import Tensor

from _timing import epoch_parser, loss_agreement, report, time_epochs
from nn.threads import blas_threads

BATCH, LR, MOMENTUM = 128, 0.05, 0.9
Step = Callable[[np.ndarray, np.ndarray], float]


def load_images(force_random: bool) -> tuple[np.ndarray, np.ndarray, str]:
    if not force_random:
        try:
            (x, y), _ = nn.datasets.load_mnist(flatten=False)
            return x, y, "real MNIST"
        except (OSError, ValueError) as err:
            print(f"(MNIST not available: {err}; using random data)")
    rng = np.random.default_rng(0)
    return (rng.random((60_000, 1, 28, 28), dtype=np.float32),
            rng.integers(0, 10, 60_000), "random data of MNIST's shape")


def tracegrad_step(model: nn.CNN) -> Step:
    opt = nn.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)

    def step(xb: np.ndarray, yb: np.ndarray) -> float:
        loss = nn.functional.cross_entropy(model(Tensor(xb)), yb)
        loss.backward()
        opt.step()
        opt.zero_grad()
        return loss.item()
    return step


def torch_step(model: nn.CNN, threads: int) -> Step | None:
    """The same network in torch.nn, with ``model``'s initial weights copied in."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    t = torch.nn
    net = t.Sequential(t.Conv2d(1, 16, 3, padding=1, bias=False), t.MaxPool2d(2),
                       t.BatchNorm2d(16), t.ReLU(), t.Conv2d(16, 32, 3, padding=1, bias=False),
                       t.MaxPool2d(2), t.BatchNorm2d(32), t.ReLU(), t.Flatten(),
                       t.Linear(1568, 128), t.ReLU(), t.Linear(128, 10))
    with torch.no_grad():
        for ours, theirs in zip(model.parameters(), net.parameters()):
            data = ours.data.T if ours.ndim == 2 else ours.data  # Linear stores (nin, nout)
            theirs.copy_(torch.from_numpy(np.ascontiguousarray(data)))
    opt = torch.optim.SGD(net.parameters(), lr=LR, momentum=MOMENTUM)

    def step(xb: np.ndarray, yb: np.ndarray) -> float:
        loss = t.functional.cross_entropy(net(torch.from_numpy(xb)), torch.from_numpy(yb))
        loss.backward()
        opt.step()
        opt.zero_grad()
        return loss.item()
    return step


def main() -> None:
    parser = epoch_parser(__doc__.splitlines()[0], repeats=3)
    parser.add_argument("--batches", type=int, help="time only the first N batches of the epoch")
    args = parser.parse_args()
    with blas_threads(args.threads, "--threads"):
        run(args)


def run(args: argparse.Namespace) -> None:

    x, y, source = load_images(args.random)
    work = [(x[i:i + BATCH], y[i:i + BATCH]) for i in range(0, len(x), BATCH)][:args.batches]
    model = nn.CNN(rng=0)
    candidates = {"pytorch (cpu)": torch_step(model, args.threads),
                  "tracegrad": tracegrad_step(model)}
    print(f"CNN epoch benchmark: {source}, {len(work)} batches of {BATCH}, "
          f"model {model.display()}, SGD lr {LR} momentum {MOMENTUM}, {args.repeats} epochs each")
    print(f"threads: {args.threads} for numpy's BLAS and for torch (--threads to change both); "
          "chunks of 20 batches, interleaved (see benchmarks/_timing.py)")
    times, losses = time_epochs(candidates, work, args.repeats)
    if "pytorch (cpu)" not in times:
        print(f"tracegrad: median {statistics.median(times['tracegrad']):.2f} s per epoch "
              "(torch is not installed: no ratio)")
        return
    print(report(times, baseline="pytorch (cpu)"))
    print(loss_agreement(losses, len(work)))
    ratio = statistics.median(times["tracegrad"]) / statistics.median(times["pytorch (cpu)"])
    print(f"tracegrad / pytorch = {ratio:.2f}  (goal <= 2: {'met' if ratio <= 2 else 'NOT met'})")


if __name__ == "__main__":
    main()
