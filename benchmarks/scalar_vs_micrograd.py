"""tracegrad's scalar engine against micrograd, each in its own process.

    pip install -e '.[bench]'        # micrograd comes from the `bench` extra
    python benchmarks/scalar_vs_micrograd.py [--rounds 5] [--reps 5]

Workloads:
  (a) forward + backward of MLP(784, [16, 10]) on one 784-value input,
      loss = sum of the outputs; each engine with its own Value and MLP
      (the same architecture: ReLU hidden layer, linear output layer).
  (b) building and backpropagating a 100,000-op chain (y = y * c).

Each engine runs in a fresh subprocess so neither pays for the other's garbage;
the processes alternate (round 1: A then B, round 2: B then A, ...). The garbage
collector keeps its default settings: micrograd's reference cycles are part of its
real cost. Medians are over every timed repetition of every round.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import threading
import time

CHAIN_OPS = 100_000
ENGINES = ("tracegrad", "micrograd")


def _time(fn, reps: int) -> list[float]:
    fn()  # warm-up: imports, allocator, caches
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def _mlp_workload(engine: str):
    random.seed(0)
    x = [random.uniform(-1.0, 1.0) for _ in range(784)]
    if engine == "tracegrad":
        import nn.scalar
        from autograd import Value
        model = nn.scalar.MLP(784, [16, 10])
        total = Value.sum
    else:
        from micrograd.nn import MLP
        model = MLP(784, [16, 10])
        total = sum

    def step():
        loss = total(model(x))
        loss.backward()
    return step


def _chain_workload(engine: str):
    if engine == "tracegrad":
        from autograd import Value
    else:
        from micrograd.engine import Value

    def step():
        x = Value(1.0)
        y = x
        for _ in range(CHAIN_OPS):
            y = y * 1.000001
        y.backward()
    return step


def worker(engine: str, task: str, reps: int) -> list[float]:
    step = (_mlp_workload if task == "mlp" else _chain_workload)(engine)
    if task == "chain" and engine == "micrograd":
        # micrograd's topological sort is recursive: a 100,000-deep chain needs a
        # raised recursion limit and a big thread stack, or it crashes.
        sys.setrecursionlimit(10 * CHAIN_OPS)
        threading.stack_size(512 * 1024 * 1024)
        result: list[float] = []
        thread = threading.Thread(target=lambda: result.extend(_time(step, reps)))
        thread.start()
        thread.join()
        return result
    return _time(step, reps)


def _run_worker(engine: str, task: str, reps: int) -> list[float]:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", engine, task, str(reps)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternating process pairs")
    parser.add_argument("--reps", type=int, default=5, help="timed repetitions per process")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        engine, task, reps = args.worker
        print(json.dumps(worker(engine, task, int(reps))))
        return

    print(f"python {sys.version.split()[0]}, default gc settings, "
          f"{args.rounds} alternating rounds x {args.reps} reps per engine")
    print("micrograd (b) runs with sys.setrecursionlimit(1e6) and a 512 MiB thread stack "
          "(its recursive topological sort needs both)\n")
    print(f"{'workload':<36}{'tracegrad':>12}{'micrograd':>12}{'speed-up':>10}")
    for task, title in (("mlp", "(a) MLP(784,[16,10]) fwd+bwd"),
                        ("chain", f"(b) {CHAIN_OPS:,}-op chain build+bwd")):
        times: dict[str, list[float]] = {e: [] for e in ENGINES}
        for r in range(args.rounds):
            for engine in (ENGINES if r % 2 == 0 else ENGINES[::-1]):
                times[engine] += _run_worker(engine, task, args.reps)
        ours, theirs = (statistics.median(times[e]) for e in ENGINES)
        print(f"{title:<36}{ours * 1e3:>10.1f}ms{theirs * 1e3:>10.1f}ms{theirs / ours:>9.1f}x")


if __name__ == "__main__":
    main()
