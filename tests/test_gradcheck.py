"""gradcheck itself: it passes right gradients and catches wrong ones."""
from __future__ import annotations

import numpy as np
import pytest

from autograd import Tensor, Value, gradcheck
from autograd.tensor import _unary
from autograd.tensor_ops import TensorOp
from autograd.value import _apply
from autograd.value_ops import ValueOp


def _wrong_square(x: Value) -> Value:
    # A deliberately wrong local derivative (x instead of 2x).
    bad = ValueOp("bad_square", lambda v: v * v, lambda v, out: (v,), ("{0}",))
    return _apply(bad, (x,), (x.data,))


def test_passes_and_reports_each_input():
    x, y = Value(0.5, label="x"), Value(-1.5, label="y")
    report = gradcheck(lambda a, b: a * b + a.exp(), [x, y])
    assert [row.name for row in report] == ["x", "y"]
    assert all(row.ok for row in report)
    assert report[1].analytic == pytest.approx(0.5)
    assert "x: analytic" in str(report)


def test_a_wrong_derivative_is_caught_and_listed():
    x, y = Value(1.5, label="x"), Value(2.0)
    with pytest.raises(AssertionError) as info:
        gradcheck(lambda a, b: _wrong_square(a) + b, [x, y])
    message = str(info.value)
    assert "1 of 2 inputs mismatch" in message
    assert "x: analytic 1.5" in message and "numeric 3." in message
    assert "input 1" not in message


def test_inputs_are_restored_and_grads_left_clean():
    x = Value(0.25)
    gradcheck(lambda a: a.tanh(), [x])
    assert x.data == 0.25 and x.grad == 0.0


def test_needs_a_scalar_output_and_inputs():
    with pytest.raises(ValueError, match="at least one input"):
        gradcheck(lambda: Value(1.0), [])


def test_float32_tensor_inputs_are_refused_rather_than_misreported():
    x = Tensor(np.array([1.0, 2.0], np.float32), requires_grad=True, label="x")
    # float32 rounds x ± 1e-6: the differences would read 1.907 for d(x²)/dx = 2.
    with pytest.raises(TypeError, match="input x has dtype float32.*float64"):
        gradcheck(lambda t: (t * t).sum(), [x])
    assert gradcheck(lambda t: (t * t).sum(), [Tensor(x.data.astype(np.float64), requires_grad=True)])


def test_a_wrong_tensor_rule_is_caught():
    bad = TensorOp("bad_square", lambda x: x * x, (lambda g, out, x: g * x,), ("{g} ⊙ {0}",))

    def bad_square(x: Tensor) -> Tensor:  # derivative x instead of 2x
        return _unary(bad, x)

    x = Tensor(np.array([1.5, -2.0]), requires_grad=True, label="x")
    with pytest.raises(AssertionError, match="1 of 1 inputs mismatch"):
        gradcheck(lambda t: bad_square(t).sum(), [x])
    assert gradcheck(lambda t: (t * t).sum(), [x])[0].ok
