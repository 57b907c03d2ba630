"""Every Tensor op in the table of tests/op_table.py, checked four ways:

1. the gradient against central finite differences, in float64 (``gradcheck``);
2. the value and the gradient against PyTorch, in float64 and float32;
3. dtype: float32 in gives a float32 value and float32 gradients (float64 likewise);
4. second derivatives (a Hessian-vector product) against PyTorch, in float64.

Each check contracts the op's output with fixed random weights, so the whole
vector-Jacobian product is tested, not just the sum of its rows. Cases the table cannot
express (ties, extremes, hand-picked data) follow at the end.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Tensor, grad, gradcheck
from tests.op_table import DTYPE, GRAD, GRAD2, OPS, TORCH, torch

FLOATS = [np.float32, np.float64]
TOLERANCE = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=1e-5, atol=1e-5)}
requires_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def cases(check):
    params = []
    for op in OPS:
        for case in op.cases if check in op.checks else ():
            name = f"{op.name}-{case}"
            params.append(pytest.param(op, case, id=name))
    return params


def spaces(check):
    return [pytest.param(op, id=op.name)
            for op in OPS if check in op.checks and op.space is not None]


def arrays(op, case, dtype, seed=0) -> list:
    rng = np.random.default_rng(seed)
    return [op.domain(i).sample(shape, rng).astype(dtype) for i, shape in enumerate(case.shapes)]


def bind(fn, case, data, leaf, const):
    """``fn`` as a function of its non-constant inputs, and those inputs as leaves."""
    leaves = [leaf(a.copy()) for i, a in enumerate(data) if i not in case.const]

    def call(*xs):
        rest = iter(xs)
        args = [const(a.copy()) if i in case.const else next(rest) for i, a in enumerate(data)]
        return fn(*args, **case.params)
    return call, leaves


def ours(op, case, data):
    return bind(op.ours, case, data, lambda a: Tensor(a, requires_grad=True), lambda a: a)


def theirs(op, case, data):
    return bind(op.torch, case, data, lambda a: torch.tensor(a, requires_grad=True), torch.tensor)


def weights(shape, dtype=np.float64):
    return np.random.default_rng(len(shape)).uniform(0.5, 1.5, size=shape).astype(dtype)


# ---- the checks ------------------------------------------------------------------------------
def check_gradient(op, case, seed=0):
    f, xs = ours(op, case, arrays(op, case, np.float64, seed))
    w = Tensor(weights(f(*xs).shape))
    gradcheck(lambda *ys: (f(*ys) * w).sum(), xs)


def check_torch(op, case, dtype, seed=0):
    data = arrays(op, case, dtype, seed)
    (f, xs), (g, ts) = ours(op, case, data), theirs(op, case, data)
    out, ref = f(*xs), g(*ts)
    assert out.shape == tuple(ref.shape) and out.dtype == np.dtype(str(ref.dtype)[6:])
    np.testing.assert_allclose(out.data, ref.detach().numpy(), **TOLERANCE[dtype])
    w = weights(out.shape, out.dtype)
    (out * w).sum().backward()
    (ref * torch.from_numpy(w)).sum().backward()
    for x, t in zip(xs, ts):
        assert x.grad.dtype == dtype
        np.testing.assert_allclose(x.grad, t.grad.numpy(), **TOLERANCE[dtype])


def hessian_vector_products(f, xs, vs, backend):
    """First derivatives of ``sum(w * f(xs)**2)`` and their derivatives along ``vs``.

    Squaring makes the upstream gradient depend on the inputs, so each rule is
    differentiated through its upstream gradient as well as through its saved inputs.
    """
    grad_fn, wrap = ((grad, Tensor) if backend == "ours" else
                     (torch.autograd.grad, torch.from_numpy))
    out = f(*xs)
    firsts = grad_fn((out ** 2 * wrap(weights(tuple(out.shape)))).sum(), xs, create_graph=True)
    total = sum((d * wrap(v)).sum() for d, v in zip(firsts, vs))
    # x ** 0 has constant first derivatives: no graph to differentiate again
    seconds = grad_fn(total, xs, allow_unused=True) if total.requires_grad else [None] * len(xs)
    as_array = (lambda n: n.data) if backend == "ours" else (lambda n: n.detach().numpy())
    return [np.zeros(x.shape) if d is None else as_array(d)
            for d, x in zip(list(firsts) + list(seconds), list(xs) * 2)]


# ---- the tests -------------------------------------------------------------------------------
@pytest.mark.parametrize("op, case", cases(GRAD))
def test_gradient_matches_finite_differences(op, case):
    check_gradient(op, case)


@pytest.mark.parametrize("op", spaces(GRAD))
@given(data=st.data())
def test_gradient_matches_finite_differences_on_random_shapes(op, data):
    check_gradient(op, data.draw(op.space, label="case"), data.draw(st.integers(0, 2 ** 16)))


@pytest.mark.torch
@requires_torch
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("op, case", cases(TORCH))
def test_value_and_gradient_match_torch(op, case, dtype):
    check_torch(op, case, dtype)


@pytest.mark.torch
@requires_torch
@settings(max_examples=10)  # values on random shapes; finite differences take 60
@pytest.mark.parametrize("op", spaces(TORCH))
@given(data=st.data())
def test_value_and_gradient_match_torch_on_random_shapes(op, data):
    case, seed = data.draw(op.space, label="case"), data.draw(st.integers(0, 2 ** 16))
    check_torch(op, case, np.float64, seed)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("op, case", cases(DTYPE))
def test_dtype_is_kept_by_the_value_and_the_gradient(op, case, dtype):
    f, xs = ours(op, case, arrays(op, case, dtype))
    out = f(*xs)
    assert out.dtype == dtype
    out.backward(np.ones(out.shape, dtype))
    for x in xs:
        assert x.grad.dtype == dtype and x.grad.shape == x.shape


@pytest.mark.torch
@requires_torch
@pytest.mark.parametrize("op, case", cases(GRAD2))
def test_second_derivatives_match_torch(op, case):
    data = arrays(op, case, np.float64)
    (f, xs), (g, ts) = ours(op, case, data), theirs(op, case, data)
    vs = [np.random.default_rng(7 + i).standard_normal(x.shape) for i, x in enumerate(xs)]
    for mine, ref in zip(hessian_vector_products(f, xs, vs, "ours"),
                         hessian_vector_products(g, ts, vs, "torch")):
        np.testing.assert_allclose(mine, ref, rtol=1e-10, atol=1e-10)


# ---- what the table cannot express ------------------------------------------------------------
@pytest.mark.torch
@requires_torch
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_max_ties_split_the_gradient_like_torch_amax(axis):
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, -1.0], [3.0, 0.0, 3.0]])
    ours_x, ref_x = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours_x.max(axis=axis).sum().backward()
    (ref_x.amax() if axis is None else ref_x.amax(dim=axis)).sum().backward()
    np.testing.assert_allclose(ours_x.grad, ref_x.grad.numpy(), rtol=1e-12)


@pytest.mark.torch
@requires_torch
def test_sigmoid_is_stable_at_extremes_like_torch():
    x = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    ours_x, ref_x = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, ref = ours_x.sigmoid(), ref_x.sigmoid()
    out.sum().backward()
    ref.sum().backward()
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(ours_x.grad, ref_x.grad.numpy(), rtol=1e-12, atol=1e-300)


@pytest.mark.torch
@requires_torch
def test_cross_entropy_float32_with_huge_tied_logits_is_finite_and_matches():
    logits = np.array([[1e4, 0.0, -1e4], [-1e4, 1e4, 1e4], [3.0, 3.0, 3.0]], np.float32)
    labels = np.array([2, 1, 0])
    ours_x = Tensor(logits, requires_grad=True)
    loss = ours_x.cross_entropy(labels)
    loss.backward()
    ref = torch.tensor(logits, requires_grad=True)
    ref_loss = torch.nn.functional.cross_entropy(ref, torch.from_numpy(labels))
    ref_loss.backward()
    assert loss.dtype == np.float32 and ours_x.grad.dtype == np.float32
    assert np.isfinite(loss.data) and np.isfinite(ours_x.grad).all()
    np.testing.assert_allclose(loss.item(), ref_loss.item(), rtol=1e-6)
    np.testing.assert_allclose(ours_x.grad, ref.grad.numpy(), rtol=1e-6, atol=1e-7)
