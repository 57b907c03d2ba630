"""Random expression programs that run unchanged on any engine with Value's API.

A program is a list of steps over a growing list of nodes; each step reads earlier
nodes by index, so subexpressions are shared and parents repeat. Every step is
smooth and finite on all inputs, so finite differences are trustworthy. The same
program runs on ``Value`` and on ``torch.Tensor`` (their method names agree).
"""
from __future__ import annotations

from hypothesis import strategies as st

# name -> (arity, function of the operand nodes)
STEPS = {
    "add": (2, lambda a, b: a + b),
    "sub": (2, lambda a, b: a - b),
    "mul": (2, lambda a, b: a * b),
    "softdiv": (2, lambda a, b: a / (1.0 + b * b)),
    "tanh": (1, lambda a: a.tanh()),
    "sigmoid": (1, lambda a: a.sigmoid()),
    "logsq": (1, lambda a: (a * a + 1.0).log()),
    "exptanh": (1, lambda a: a.tanh().exp()),
    "sqrtsq": (1, lambda a: (a * a + 0.5).sqrt()),
    "square": (1, lambda a: a ** 2),
    "rpow": (1, lambda a: 2.0 ** a.tanh()),
    "neg": (1, lambda a: -a),
}


@st.composite
def programs(draw, max_leaves: int = 4, max_steps: int = 10):
    """Draw (leaf values, steps); each step is (name, operand indices)."""
    leaves = draw(st.lists(st.floats(-2.0, 2.0), min_size=1, max_size=max_leaves))
    n_steps = draw(st.integers(1, max_steps))
    steps = []
    for k in range(n_steps):
        name = draw(st.sampled_from(sorted(STEPS)))
        arity = STEPS[name][0]
        available = len(leaves) + k
        steps.append((name, tuple(draw(st.integers(0, available - 1)) for _ in range(arity))))
    return leaves, steps


def run(steps, leaves):
    """Execute a program on leaf nodes; the output sums every intermediate node."""
    nodes = list(leaves)
    for name, operands in steps:
        nodes.append(STEPS[name][1](*(nodes[i] for i in operands)))
    out = nodes[len(leaves)]
    for node in nodes[len(leaves) + 1:]:
        out = out + node
    return out


def backpropagated(program):
    """Run a drawn program on Values labelled x0, x1, ... and call backward() on its output."""
    from autograd import Value  # local: this module also serves torch tensors

    values, steps = program
    out = run(steps, [Value(v, label=f"x{i}") for i, v in enumerate(values)])
    out.backward()
    return out
