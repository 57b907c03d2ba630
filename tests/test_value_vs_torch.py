"""Random expressions: Value's gradients equal PyTorch's (float64)."""
from __future__ import annotations

import pytest
from hypothesis import given

from autograd import Value
from tests.expressions import programs, run

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch


@given(programs(max_steps=12))
def test_random_expressions_match_pytorch(program):
    leaves, steps = program
    values = [Value(x) for x in leaves]
    out = run(steps, values)
    out.backward()

    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in leaves]
    expected = run(steps, tensors)
    expected.backward()

    assert out.data == pytest.approx(expected.item(), rel=1e-12, abs=1e-12)
    for v, t in zip(values, tensors):
        torch_grad = 0.0 if t.grad is None else t.grad.item()  # None: leaf unused
        assert v.grad == pytest.approx(torch_grad, rel=1e-10, abs=1e-12)
