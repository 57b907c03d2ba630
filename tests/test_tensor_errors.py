"""Bad input to Tensor gets a clear TypeError or ValueError (IndexError for indexing)."""
from __future__ import annotations

import re

import numpy as np
import pytest

from autograd import Tensor, no_grad

X = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


def t(data=X, **kw) -> Tensor:
    return Tensor(np.array(data, dtype=np.float64), requires_grad=True, **kw)


CASES = [
    # construction
    (lambda: Tensor(np.array(["a", "b"])), TypeError, "Tensor: unsupported dtype <U1"),
    (lambda: Tensor(np.array([1, None], dtype=object)), TypeError, "unsupported dtype object"),
    (lambda: Tensor(np.array([1 + 2j])), TypeError, "complex numbers are not supported"),
    (lambda: Tensor("1.0"), TypeError, "expected a numpy array, a number or"),
    (lambda: Tensor(None), TypeError, "got NoneType"),
    (lambda: Tensor(np.array([1, 2]), requires_grad=True), TypeError,
     "only floating-point tensors can require grad, got dtype int64"),
    (lambda: Tensor(1.0, requires_grad="yes"), TypeError, "requires_grad must be True or False"),
    (lambda: Tensor(1.0, label=3), TypeError, "label must be a str"),
    (lambda: Tensor([1, 2]).requires_grad_(), TypeError, "only floating-point"),
    (lambda: (t() * 2).requires_grad_(False), ValueError, "only leaves"),
    # operands
    (lambda: t() + "x", TypeError, r"\+: unsupported operand of type str"),
    (lambda: t() * None, TypeError, r"\*: unsupported operand of type NoneType"),
    (lambda: t() + True, TypeError, "got a bool"),
    (lambda: t() ** True, TypeError, "bool exponent"),
    # shapes
    (lambda: t() + t(np.ones(4)), ValueError,
     r"\+: shapes \(2, 3\) and \(4,\) cannot be broadcast together"),
    (lambda: t() * np.ones((3, 2)), ValueError, r"\*: shapes \(2, 3\) and \(3, 2\)"),
    (lambda: t(np.ones((3, 4))) @ t(np.ones((5, 2))), ValueError,
     r"matmul: shapes \(3, 4\) and \(5, 2\) do not align \(4 != 5\)"),
    (lambda: t(np.ones(3)) @ t(np.ones(4)), ValueError, r"matmul: shapes \(3,\) and \(4,\) do not align"),
    (lambda: t(np.ones((2, 2, 3))) @ t(np.ones((3, 3, 4))), ValueError,
     r"batch dimensions \(2,\) and \(3,\) cannot be broadcast"),
    (lambda: t(2.0) @ t(np.ones(2)), ValueError, "need at least one dimension"),
    (lambda: t().reshape(4, 2), ValueError,
     r"reshape: cannot reshape shape \(2, 3\) \(6 elements\) into \(4, 2\)"),
    (lambda: t().reshape(2.0, 3), TypeError, "the shape must be ints"),
    (lambda: t().transpose(0, 0), ValueError, r"axes \(0, 0\) are not a permutation"),
    (lambda: t().transpose(0), ValueError, "not a permutation of the 2 axes"),
    # axes and reductions
    (lambda: t().sum(axis=2), ValueError, r"sum: axis 2 is out of range for shape \(2, 3\)"),
    (lambda: t().mean(axis=(0, -2)), ValueError, "repeats an axis"),
    (lambda: t().max(axis=1.0), TypeError, "axis must be an int, a tuple of ints or None"),
    (lambda: t().sum(axis=[0]), TypeError, "axis must be an int"),
    (lambda: t(np.ones((0, 3))).mean(), ValueError, r"mean: cannot reduce over an empty axis"),
    (lambda: t(np.ones((0, 3))).max(axis=0), ValueError, "max: cannot reduce over an empty"),
    (lambda: t().softmax(axis=(0, 1)), TypeError, "softmax: axis must be one int"),
    (lambda: t().log_softmax(axis=5), ValueError, "log_softmax: axis 5 is out of range"),
    # indexing
    (lambda: t()[5], IndexError, r"getitem: index 5 is invalid for shape \(2, 3\)"),
    (lambda: t()[:, [0, 7]], IndexError, "getitem: index"),
    (lambda: t()[np.array([True, False, True])], IndexError, "getitem"),
    # domains (ValueError naming the op and the first offending element)
    (lambda: t([1.0, 0.0, -2.0]).log(), ValueError,
     r"log: input must be > 0.* at index \(1,\), value 0.0 \(and 1 more\)"),
    (lambda: t([4.0, -1.0]).sqrt(), ValueError, r"sqrt: input must be >= 0.* index \(1,\), value -1.0"),
    (lambda: t([-8.0, 1.0]) ** 0.5, ValueError, r"\*\*: a negative base needs an integer exponent"),
    (lambda: t([0.0, 1.0]) ** -1, ValueError, "zero cannot be raised to the negative power -1"),
    (lambda: t([-2.0]) ** t([0.5]), ValueError, "negative base needs an integer exponent"),
    (lambda: t([0.0]) ** t([-1.0]), ValueError, "zero cannot be raised to a negative power"),
    (lambda: t([1.0, 2.0]) / t([1.0, 0.0]), ValueError,
     r"/: division by zero: the divisor is 0 at index \(1,\)"),
    (lambda: 1.0 / t([0.0]), ValueError, "division by zero"),
    (lambda: t([1.0, 1000.0]).exp(), ValueError,
     r"exp: the result overflows float64.* index \(1,\), value 1000.0"),
    (lambda: Tensor(np.array([100.0], np.float32)).exp(), ValueError, "overflows float32"),
    # clip and astype
    (lambda: t().clip(), ValueError, "clip: give low, high or both"),
    (lambda: t().clip(2, 1), ValueError, r"clip: low \(2\) must not exceed high \(1\)"),
    (lambda: t().clip("0", 1), TypeError, "clip: low must be a number or None"),
    (lambda: t().astype(object), TypeError, "astype: unsupported dtype object"),
    # conversions
    (lambda: t().item(), ValueError, r"item: only a tensor with one element.*shape \(2, 3\)"),
    (lambda: bool(t()), ValueError, "truth value of a tensor of shape"),
    (lambda: len(Tensor(1.0)), TypeError, "len\\(\\) of a 0-d tensor"),
    (lambda: iter(Tensor(1.0)), TypeError, "iteration over a 0-d tensor"),
]


@pytest.mark.parametrize("make, error, message", CASES,
                         ids=[f"{i}-{c[1].__name__}" for i, c in enumerate(CASES)])
def test_bad_input_raises_a_clear_error(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_grad_setter_checks_the_shape():
    x = t()
    with pytest.raises(ValueError, match=r"grad: an array of shape \(3,\) cannot be the gradient "
                                         r"of a tensor of shape \(2, 3\)"):
        x.grad = np.ones(3)


def test_backward_needs_a_graph_a_scalar_or_a_matching_grad():
    with pytest.raises(ValueError, match="does not require grad, so it has no graph"):
        Tensor(np.ones(2)).sum().backward()
    with no_grad():
        out = t().sum()
    with pytest.raises(ValueError, match="does not require grad"):
        out.backward()
    with pytest.raises(ValueError, match=re.escape(
            "backward: grad can be implied only for a tensor with one element, this one has "
            "shape (2, 3); pass grad=")):
        (t() * 2).backward()
    with pytest.raises(ValueError, match=r"grad has shape \(3,\) but the tensor has shape \(2, 3\)"):
        (t() * 2).backward(np.ones(3))
    with pytest.raises(TypeError, match="backward: unsupported dtype"):
        (t() * 2).backward(np.full((2, 3), "a"))


def test_backward_refuses_a_root_that_is_not_finite():
    x = t([1.0, np.nan])
    with pytest.raises(ValueError, match="backward: the root is nan"):
        x.sum().backward()
    y = t([np.inf, 1.0])
    with pytest.raises(ValueError, match="the root holds nan or inf"):
        (y * 1).backward(np.ones(2))


def test_infinite_derivatives_are_refused_in_backward_only():
    x = t([0.0, 4.0])
    root = x.sqrt()  # the forward pass is fine: sqrt(0) = 0
    np.testing.assert_array_equal(root.data, [0.0, 2.0])
    with pytest.raises(ValueError, match=r"sqrt: the derivative is infinite at 0.* index \(0,\)"):
        root.sum().backward()
    with pytest.raises(ValueError, match=r"\*\*: the derivative of x \*\* 0.5 is infinite at x = 0"):
        (t([0.0, 1.0]) ** 0.5).sum().backward()
    with pytest.raises(ValueError, match="derivative of x \\*\\* p \\(0 < p < 1\\) is infinite"):
        (t([0.0]) ** t([0.5])).sum().backward()
    with pytest.raises(ValueError, match="gradient with respect to the exponent needs a positive"):
        (t([-2.0]) ** t([2.0])).sum().backward()
    with no_grad():
        assert (t([0.0]) ** 0.5).item() == 0.0


def test_an_error_leaves_no_partial_node_behind():
    """Domain checks run before the result exists, so nothing half-built is returned."""
    x = t([0.0, 1.0])
    with pytest.raises(ValueError):
        y = x.log()
    assert "y" not in locals()
