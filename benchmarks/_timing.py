"""Timing helpers shared by the benchmarks: alternate implementations, report medians.

Running the implementations in turn, repeat after repeat, spreads the noise of a
shared machine (other jobs, CPU frequency) over all of them instead of one.
"""
from __future__ import annotations

import statistics
import time
from typing import Callable


def alternate(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, list[float]]:
    """Time each callable ``repeats`` times, cycling through them; returns seconds per run."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    names = list(runs)
    for r in range(repeats):
        # Rotate the starting implementation so none always runs right after another.
        for name in names[r % len(names):] + names[:r % len(names)]:
            start = time.perf_counter()
            runs[name]()
            times[name].append(time.perf_counter() - start)
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
