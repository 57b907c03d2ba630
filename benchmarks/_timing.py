"""Timing helpers shared by the benchmarks: interleave implementations, report medians.

On a shared machine noise comes in bursts (another job's test run, BLAS threads
competing). Timing whole runs one after another lets a burst land on one
implementation only. ``interleaved_epochs`` instead runs every implementation over
the same short chunk of work in turn, rotating who goes first, and adds up each
one's chunk times into its epoch time: a burst then slows all of them alike.
"""
from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable, Sequence

from nn.threads import DEFAULT_THREADS


def interleaved_epochs(steps: dict[str, Callable[..., object]], work: Sequence[tuple],
                       repeats: int, chunk: int = 20) -> dict[str, list[float]]:
    """Seconds per epoch for each ``steps[name](*item)`` over all of ``work``, ``repeats`` times."""
    names = list(steps)
    times: dict[str, list[float]] = {name: [] for name in names}
    chunks = [work[i:i + chunk] for i in range(0, len(work), chunk)]
    clock = time.perf_counter
    for _ in range(repeats):
        totals = dict.fromkeys(names, 0.0)
        for k, part in enumerate(chunks):
            for name in names[k % len(names):] + names[:k % len(names)]:
                step = steps[name]
                start = clock()
                for item in part:
                    step(*item)
                totals[name] += clock() - start
        for name in names:
            times[name].append(totals[name])
    return times


def report(times: dict[str, list[float]], baseline: str) -> str:
    """A table of medians (and min..max) with each ratio to ``baseline``'s median."""
    base = statistics.median(times[baseline])
    width = max(len(name) for name in times)
    lines = [f"{'implementation':<{width}}  median s   (min .. max)      ratio to {baseline}"]
    for name, ts in times.items():
        med = statistics.median(ts)
        lines.append(f"{name:<{width}}  {med:8.3f}   ({min(ts):.3f} .. {max(ts):.3f})  "
                     f"{med / base:6.2f}x")
    return "\n".join(lines)


def epoch_parser(description: str, repeats: int) -> argparse.ArgumentParser:
    """The options every epoch benchmark takes: --repeats, --random and --threads."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--repeats", type=int, default=repeats, help="epochs timed per implementation")
    parser.add_argument("--random", action="store_true", help="use random data, not MNIST")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS,
                        help=f"BLAS threads for numpy and torch (default {DEFAULT_THREADS})")
    return parser


def time_epochs(candidates: dict[str, Callable[..., float] | None], work: Sequence[tuple],
                repeats: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Epoch times of the available candidates (None: not installed), interleaved as in
    ``interleaved_epochs``, and the loss each step returned."""
    steps = {name: step for name, step in candidates.items() if step is not None}
    losses: dict[str, list[float]] = {name: [] for name in steps}
    recorded = {name: (lambda xb, yb, step=step, out=losses[name]: out.append(step(xb, yb)))
                for name, step in steps.items()}
    return interleaved_epochs(recorded, work, repeats), losses


def loss_agreement(losses: dict[str, list[float]], batches: int) -> str:
    """Each implementation's mean loss over the first epoch: the same weights and batches
    must give the same numbers, or the timings compare different work."""
    lines = ["mean loss over the first epoch (same weights, same batches, so these should agree):"]
    lines += [f"  {name}: {statistics.fmean(values[:batches]):.4f}" for name, values in losses.items()]
    return "\n".join(lines)
