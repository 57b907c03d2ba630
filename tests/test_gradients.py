"""autograd.grad: first and higher-order gradients as nodes, checked against PyTorch,
finite differences (gradgradcheck) and the engines' own first-order backward."""
from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

import autograd
from autograd import Tensor, Value, grad, gradgradcheck
from autograd.recording import BACKWARD_SCOPE

RNG = np.random.default_rng(7)


def t(array, **kw):
    return Tensor(np.asarray(array, dtype=np.float64), requires_grad=True, **kw)


# ---- the API ------------------------------------------------------------------------------
def test_value_derivatives_to_fourth_order():
    x = Value(0.7, label="x")
    y = x.tanh()
    derivatives = []
    d = y
    for _ in range(4):
        (d,) = grad(d, x, create_graph=True)
        derivatives.append(d.data)
    t_ = np.tanh(0.7)
    s = 1 - t_ ** 2
    expected = [s, -2 * t_ * s, -2 * s * s + 4 * t_ * t_ * s, 16 * t_ * s * s - 8 * t_ ** 3 * s]
    np.testing.assert_allclose(derivatives, expected, rtol=1e-12)


def test_grad_leaves_every_grad_untouched_and_backward_stays_first_order():
    a, b = Value(2.0), Value(-3.0)
    c = a * b + a.relu()
    da, db = grad(c, [a, b])
    assert (da.data, db.data) == (-2.0, 2.0)
    assert a.grad == b.grad == c.grad == 0.0
    c.backward()
    assert (a.grad, b.grad) == (-2.0, 2.0) and type(a.grad) is float

    w = t([1.0, 2.0])
    loss = (w * w).sum()
    (dw,) = grad(loss, w)
    assert not w.has_grad and not loss.has_grad
    np.testing.assert_array_equal(dw.data, [2.0, 4.0])


def test_without_create_graph_the_results_are_constant_leaves():
    x = t([1.0, 2.0])
    (dx,) = grad((x ** 3).sum(), x)
    assert dx.parents == () and not dx.requires_grad
    v = Value(3.0)
    (dv,) = grad(v * v, v)
    assert dv.parents == () and dv.data == 6.0


def test_create_graph_results_can_be_differentiated_again_and_drawn_as_a_derivative():
    x = t([0.5, -1.0])
    (dx,) = grad(x.tanh().sum(), x, create_graph=True)
    assert dx.requires_grad and dx.parents
    made = [n for n in autograd.topo_sort(dx) if n.scope and n.scope.startswith(BACKWARD_SCOPE)]
    assert any(n.scope == "backward of tanh" for n in made)
    (d2x,) = grad(dx.sum(), x)
    tanh = np.tanh([0.5, -1.0])
    np.testing.assert_allclose(d2x.data, -2 * tanh * (1 - tanh ** 2), rtol=1e-12)


def test_tensor_outputs_need_grad_outputs_and_several_outputs_add_up():
    x = t([1.0, 2.0, 3.0])
    y = x * x
    with pytest.raises(ValueError, match="grad can be implied only for a tensor with one element"):
        grad(y, x)
    (dx,) = grad(y, x, grad_outputs=np.array([1.0, 0.0, 2.0]))
    np.testing.assert_array_equal(dx.data, [2.0, 0.0, 12.0])
    (dx,) = grad([y.sum(), (3 * x).sum()], x)
    np.testing.assert_array_equal(dx.data, [5.0, 7.0, 9.0])


def test_unused_inputs_raise_unless_allowed():
    x, z = t([1.0]), t([2.0])
    with pytest.raises(ValueError, match="allow_unused=True"):
        grad((x * 2).sum(), [x, z])
    dx, dz = grad((x * 2).sum(), [x, z], allow_unused=True)
    assert dz is None and dx.data.tolist() == [2.0]


@pytest.mark.parametrize("call, error, message", [
    (lambda x: grad(x.sum(), [x, 3.0]), TypeError, r"inputs\[1\] must be a Value or a Tensor"),
    (lambda x: grad("loss", x), TypeError, "outputs must be a Value or a Tensor"),
    (lambda x: grad(x * 2, x, grad_outputs=np.ones(3)), ValueError, "grad has shape"),
    (lambda x: grad(Tensor(np.ones(2)).sum(), x), ValueError, "does not require grad"),
    (lambda x: grad(x.sum(), Tensor(np.ones(2))), ValueError, "input 0 does not require grad"),
    (lambda x: grad(x.sum(), Value(1.0)), TypeError, "all be Values or all be Tensors"),
    (lambda x: grad([], x), ValueError, "outputs is empty"),
    (lambda x: grad(x.sum(), x, grad_outputs=[None, None]), ValueError, "2 grad_outputs for 1"),
])
def test_bad_input_says_what_to_pass(call, error, message):
    with pytest.raises(error, match=message):
        call(t([1.0, 2.0]))


def test_a_dropped_derivative_graph_is_freed_without_the_cycle_collector():
    gc.collect()
    gc.disable()
    try:
        x = t(RNG.standard_normal(4))
        (dx,) = grad((x.sigmoid() * x).sum(), x, create_graph=True)
        (ddx,) = grad(dx.sum(), x, create_graph=True)
        refs = [weakref.ref(dx), weakref.ref(ddx), weakref.ref(ddx.parents[0])]
        v = Value(0.3)
        (dv,) = grad(v.exp() * v, v, create_graph=True)
        refs += [weakref.ref(dv)]
        del dx, ddx, dv
        assert all(ref() is None for ref in refs)
    finally:
        gc.enable()


# ---- Value ops to third order against PyTorch in float64 ----------------------------------------
# (every Tensor op's second derivatives: the table of tests/op_table.py, in test_tensor_ops.py)
VALUE_OPS = {
    "+": lambda a, b: (a + b) * (a + b) * a,
    "-": lambda a, b: (a - b) * (a - b) * (a - b),
    "*": lambda a, b: a * b * a * b,
    "/": lambda a, b: a / (b * b + 1.0),
    "**": lambda a, b: (a * a + 0.5) ** b,
    "pow_const": lambda a, b: a ** 4 + b ** 3,
    "exp": lambda a, b: (a * b).exp(),
    "log": lambda a, b: (a * a + b * b).log(),
    "sqrt": lambda a, b: (a * a + b * b).sqrt(),
    "tanh": lambda a, b: (a * b).tanh(),
    "sigmoid": lambda a, b: (a - b).sigmoid(),
    "relu": lambda a, b: (a * b).relu() * a,
    "abs": lambda a, b: (a - b).abs() * b,
    "neg": lambda a, b: -(a * a * b),
    "sum": lambda a, b: Value.sum([a * a, a * b, b]) ** 2,
}


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(VALUE_OPS))
def test_value_third_derivatives_match_torch(name):
    torch = pytest.importorskip("torch")  # here, not at the top: the tests above need no torch
    fn = VALUE_OPS[name]
    a0, b0 = 0.8, -1.3
    a, b = Value(a0), Value(b0)
    (da, db) = grad(fn(a, b), [a, b], create_graph=True)
    (daa, dab) = grad(da, [a, b], create_graph=True, allow_unused=True)
    (daaa,) = grad(daa, a, allow_unused=True) if daa is not None and daa.parents else (None,)
    ta = torch.tensor(a0, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(b0, dtype=torch.float64, requires_grad=True)
    # the expressions read the same on torch scalars, but for Value.sum
    tfn = fn if name != "sum" else lambda x, y: (x * x + x * y + y) ** 2
    tda, tdb = torch.autograd.grad(tfn(ta, tb), [ta, tb], create_graph=True)
    tdaa, tdab = torch.autograd.grad(tda, [ta, tb], create_graph=True, allow_unused=True)
    tdaaa = (torch.autograd.grad(tdaa, ta, allow_unused=True)[0]
             if tdaa is not None and tdaa.requires_grad else None)
    value = lambda node: 0.0 if node is None else node.data  # noqa: E731
    tvalue = lambda x: 0.0 if x is None else float(x.detach())  # noqa: E731
    np.testing.assert_allclose([value(n) for n in (da, db, daa, dab, daaa)],
                               [tvalue(x) for x in (tda, tdb, tdaa, tdab, tdaaa)],
                               rtol=1e-10, atol=1e-12)


# ---- gradgradcheck ---------------------------------------------------------------------------
def test_gradgradcheck_passes_for_both_engines_and_reports_each_input():
    report = gradgradcheck(lambda a, b: (a * b).tanh() * a, [Value(0.3, label="a"), Value(-0.7)])
    assert [row.name for row in report] == ["a", "input 1"] and all(r.ok for r in report)
    x = t(RNG.standard_normal((2, 3)), label="x")
    w = t(RNG.standard_normal((3, 2)))
    assert all(r.ok for r in gradgradcheck(lambda a, b: (a @ b).sigmoid().sum(), [x, w]))


def test_gradgradcheck_catches_a_wrong_second_derivative():
    from autograd.tensor import _unary
    from autograd.tensor_ops import TensorOp

    # A cube whose first derivative is right (3x²) but is built as x · (3x̄) with x̄ a
    # constant, so its second derivative is 3x instead of 6x.
    from autograd.tensor_ops import data

    wrong = TensorOp("bad_cube", lambda x: x ** 3,
                     (lambda g, out, x: g * x * (3 * data(x)),), ("{g} ⊙ 3{0}²",))
    x = t([0.5, -1.2], label="x")
    with pytest.raises(AssertionError, match="gradgradcheck: 1 of 1 inputs mismatch"):
        gradgradcheck(lambda a: _unary(wrong, a).sum(), [x])


def test_gradgradcheck_refuses_float32():
    with pytest.raises(TypeError, match="float64"):
        gradgradcheck(lambda a: (a * a).sum(), [Tensor(np.ones(2, np.float32), requires_grad=True)])
