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


# ---- every op, second order, against PyTorch in float64 --------------------------------------
torch = pytest.importorskip("torch")

UNARY = {
    "neg": (lambda x: -(x * x), (3, 4)),
    "exp": (lambda x: x.exp(), (3, 4)),
    "log": (lambda x: (x.abs() + 0.5).log(), (3, 4)),
    "sqrt": (lambda x: (x * x + 1).sqrt(), (3, 4)),
    "tanh": (lambda x: x.tanh(), (3, 4)),
    "sigmoid": (lambda x: x.sigmoid(), (3, 4)),
    "relu": (lambda x: x.relu() * x, (3, 4)),
    "abs": (lambda x: x.abs() * x, (3, 4)),
    "pow_const": (lambda x: x ** 3, (3, 4)),
    "pow_half": (lambda x: (x * x + 1) ** 0.5, (3, 4)),
    "sum": (lambda x: x.sum(axis=1) ** 2, (3, 4)),
    "mean": (lambda x: x.mean(axis=0, keepdims=True) ** 2 * x, (3, 4)),
    "max": (lambda x: x.max(axis=1) ** 2, (3, 4)),
    "reshape": (lambda x: x.reshape(4, 3) ** 2, (3, 4)),
    "transpose": (lambda x: x.transpose() ** 3, (3, 4)),
    "getitem": (lambda x: x[1:, ::2] ** 2, (3, 4)),
    "fancy_index": (lambda x: x[[0, 0, 2]] ** 3, (3, 4)),
    "clip": (lambda x: x.clip(-0.5, 0.5) * x, (3, 4)),
    "softmax": (lambda x: x.softmax(axis=1) * x, (3, 4)),
    "log_softmax": (lambda x: x.log_softmax(axis=0) ** 2, (3, 4)),
    "matmul_1d": (lambda x: (x @ x) ** 2, (5,)),
    "matmul_2d": (lambda x: (x @ x.T) ** 2, (3, 4)),
    "matmul_batched": (lambda x: (x @ x.transpose(0, 2, 1)) ** 2, (2, 3, 4)),
    "matmul_vec": (lambda x: (x @ x[0]) ** 2, (3, 3)),
}

BINARY = {
    "+": lambda a, b: (a + b) ** 2,
    "-": lambda a, b: (a - b) ** 3,
    "*": lambda a, b: a * b * a,
    "/": lambda a, b: a / (b * b + 1),
    "**": lambda a, b: (a.abs() + 0.5) ** b,
}


def _torch_fn(fn):  # noqa: C901 -- an adapter class of one-line methods, no branching logic
    """The same expression on torch tensors, through a thin adapter of our method names."""
    class T:
        def __init__(self, v): self.v = v
        def _w(self, o): return o.v if isinstance(o, T) else o
        def __add__(self, o): return T(self.v + self._w(o))
        __radd__ = __add__
        def __sub__(self, o): return T(self.v - self._w(o))
        def __rsub__(self, o): return T(self._w(o) - self.v)
        def __mul__(self, o): return T(self.v * self._w(o))
        __rmul__ = __mul__
        def __truediv__(self, o): return T(self.v / self._w(o))
        def __pow__(self, o): return T(self.v ** self._w(o))
        def __neg__(self): return T(-self.v)
        def __matmul__(self, o): return T(self.v @ self._w(o))
        def __getitem__(self, i): return T(self.v[i])
        @property
        def T(self): return T(self.v.T)
        def transpose(self, *axes): return T(self.v.permute(*axes) if axes else self.v.T)
        def reshape(self, *s): return T(self.v.reshape(*s))
        def exp(self): return T(self.v.exp())
        def log(self): return T(self.v.log())
        def sqrt(self): return T(self.v.sqrt())
        def tanh(self): return T(self.v.tanh())
        def sigmoid(self): return T(self.v.sigmoid())
        def relu(self): return T(self.v.relu())
        def abs(self): return T(self.v.abs())
        def clip(self, lo, hi): return T(self.v.clamp(lo, hi))
        def sum(self, axis=None, keepdims=False):
            return T(self.v.sum() if axis is None else self.v.sum(dim=axis, keepdim=keepdims))
        def mean(self, axis=None, keepdims=False):
            return T(self.v.mean() if axis is None else self.v.mean(dim=axis, keepdim=keepdims))
        def max(self, axis=None, keepdims=False):
            return T(self.v.amax() if axis is None else self.v.amax(dim=axis, keepdim=keepdims))
        def softmax(self, axis=-1): return T(self.v.softmax(dim=axis))
        def log_softmax(self, axis=-1): return T(self.v.log_softmax(dim=axis))
    return lambda *vs: fn(*[T(v) for v in vs]).v


def _hvp_ours(fn, arrays, vectors):
    xs = [t(a) for a in arrays]
    firsts = grad(fn(*xs).sum(), xs, create_graph=True)
    total = sum(((d * v).sum() for d, v in zip(firsts, vectors)), Tensor(np.array(0.0)))
    return [d.data for d in firsts], [h.data for h in grad(total, xs)]


def _hvp_torch(fn, arrays, vectors):
    xs = [torch.tensor(a, requires_grad=True) for a in arrays]
    firsts = torch.autograd.grad(_torch_fn(fn)(*xs).sum(), xs, create_graph=True)
    total = sum((d * torch.tensor(v)).sum() for d, v in zip(firsts, vectors))
    return ([d.detach().numpy() for d in firsts],
            [h.detach().numpy() for h in torch.autograd.grad(total, xs)])


def _compare(fn, arrays):
    vectors = [RNG.standard_normal(a.shape) for a in arrays]
    ours, theirs = _hvp_ours(fn, arrays, vectors), _hvp_torch(fn, arrays, vectors)
    for mine, ref in zip(ours[0] + ours[1], theirs[0] + theirs[1]):
        np.testing.assert_allclose(mine, ref, rtol=1e-10, atol=1e-10)


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(UNARY))
def test_second_derivatives_of_every_unary_op_match_torch(name):
    fn, shape = UNARY[name]
    _compare(fn, [RNG.standard_normal(shape)])


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(BINARY))
def test_second_derivatives_of_every_binary_op_match_torch_with_broadcasting(name):
    _compare(BINARY[name], [RNG.standard_normal((3, 4)), RNG.standard_normal((4,))])


@pytest.mark.torch
def test_cross_entropy_second_derivatives_match_torch():
    logits = RNG.standard_normal((5, 4))
    labels = np.array([0, 3, 1, 1, 2])
    v = RNG.standard_normal((5, 4))
    x = t(logits)
    (g,) = grad(x.cross_entropy(labels), x, create_graph=True)
    (h,) = grad((g * v).sum(), x)
    tx = torch.tensor(logits, requires_grad=True)
    (tg,) = torch.autograd.grad(torch.nn.functional.cross_entropy(tx, torch.tensor(labels)), tx,
                                create_graph=True)
    (th,) = torch.autograd.grad((tg * torch.tensor(v)).sum(), tx)
    np.testing.assert_allclose(g.data, tg.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h.data, th.numpy(), rtol=1e-10, atol=1e-12)


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
    fn = VALUE_OPS[name]
    a0, b0 = 0.8, -1.3
    a, b = Value(a0), Value(b0)
    (da, db) = grad(fn(a, b), [a, b], create_graph=True)
    (daa, dab) = grad(da, [a, b], create_graph=True, allow_unused=True)
    (daaa,) = grad(daa, a, allow_unused=True) if daa is not None and daa.parents else (None,)
    ta = torch.tensor(a0, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(b0, dtype=torch.float64, requires_grad=True)
    tfn = _torch_fn(lambda x, y: fn(x, y) if name != "sum" else (x * x + x * y + y) ** 2)
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
