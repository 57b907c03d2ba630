"""The scalar engine: every op's value and gradient, the chain rule, and bad input."""
from __future__ import annotations

import gc
import math
import sys
import weakref

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, gradcheck, no_grad
from autograd.recording import scope
from tests.expressions import programs, run

finite = st.floats(-3.0, 3.0)
positive = st.floats(0.1, 5.0)
away_from_zero = st.one_of(st.floats(-3.0, -0.1), st.floats(0.1, 3.0))


# ---- construction -------------------------------------------------------------------
def test_ints_and_numpy_scalars_become_floats():
    assert type(Value(3).data) is float and Value(3).data == 3.0
    assert Value(np.float32(0.5)).data == 0.5
    assert Value(np.int64(-2)).data == -2.0


@pytest.mark.parametrize("bad", ["x", None, 1 + 2j, [1.0], np.array([1.0, 2.0])])
def test_non_real_data_raises_type_error_naming_the_type(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


def test_bool_is_refused_with_a_hint():
    with pytest.raises(TypeError, match="bool"):
        Value(True)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_data_raises_value_error(bad):
    with pytest.raises(ValueError, match="finite"):
        Value(bad)


def test_label_must_be_a_string():
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)


def test_repr_shows_data_grad_and_label():
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    c.backward()
    assert repr(c) == "Value(data=-6.0, grad=1.0, label='c')"
    assert repr(Value(1.5)) == "Value(data=1.5, grad=0.0)"


# ---- the graph protocol ---------------------------------------------------------------
def test_parents_keep_argument_order_and_repeats():
    a, b = Value(2.0), Value(-3.0)
    assert (a * b).parents == (a, b)
    assert (b * a).parents == (b, a)
    assert (a * a).parents == (a, a)
    assert (a - b).local_grads == (1.0, -1.0)
    assert (a * b).op == "*" and a.op == ""


def test_plain_numbers_become_constant_leaves_on_either_side():
    a = Value(2.0)
    for expr, data in [(a + 1, 3.0), (1 + a, 3.0), (a - 1, 1.0), (1 - a, -1.0),
                       (a * 3, 6.0), (3 * a, 6.0), (a / 4, 0.5), (4 / a, 2.0),
                       (a ** 3, 8.0), (3 ** a, 9.0)]:
        assert expr.data == pytest.approx(data)
        assert a in expr.parents


def test_the_published_local_derivatives():
    a, b = Value(2.0), Value(-3.0)
    assert (a * b).local_grads == (-3.0, 2.0)
    assert (a / b).local_grads == pytest.approx((1 / -3.0, -2.0 / 9.0))
    assert (a ** 3).local_grads == (12.0,)
    assert a.exp().local_grads == (pytest.approx(math.exp(2.0)),)
    assert a.log().local_grads == (0.5,)
    assert Value(-1.0).relu().local_grads == (0.0,)


def test_scope_tags_new_nodes():
    with scope("Linear(2→3)#1"):
        x = Value(1.0) * 2.0
        with scope("inner#2"):
            y = x + 1.0
    assert x.scope == "Linear(2→3)#1"
    assert y.scope == "Linear(2→3)#1/inner#2"
    assert (x * y).scope is None


# ---- gradients of every op against finite differences --------------------------------
UNARY = {
    "neg": (lambda x: -x, finite),
    "exp": (lambda x: x.exp(), finite),
    "log": (lambda x: x.log(), positive),
    "sqrt": (lambda x: x.sqrt(), positive),
    "tanh": (lambda x: x.tanh(), finite),
    "sigmoid": (lambda x: x.sigmoid(), st.floats(-30.0, 30.0)),
    "relu": (lambda x: x.relu(), away_from_zero),
    "abs": (lambda x: abs(x), away_from_zero),
    "square": (lambda x: x ** 2, finite),
    "cube": (lambda x: x ** 3, finite),
    "inverse": (lambda x: x ** -1, away_from_zero),
    "root": (lambda x: x ** 0.5, positive),
    "rpow": (lambda x: 2.5 ** x, finite),
    "rdiv": (lambda x: 3.0 / x, away_from_zero),
    "rsub": (lambda x: 3.0 - x, finite),
}
BINARY = {
    "add": (lambda x, y: x + y, finite, finite),
    "sub": (lambda x, y: x - y, finite, finite),
    "mul": (lambda x, y: x * y, finite, finite),
    "div": (lambda x, y: x / y, finite, away_from_zero),
    "pow": (lambda x, y: x ** y, positive, finite),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_op_gradient_matches_finite_differences(name, data):
    f, domain = UNARY[name]
    x = Value(data.draw(domain), label="x")
    gradcheck(f, [x], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(BINARY))
@given(data=st.data())
def test_binary_op_gradient_matches_finite_differences(name, data):
    f, left, right = BINARY[name]
    x, y = Value(data.draw(left), label="x"), Value(data.draw(right), label="y")
    gradcheck(f, [x, y], rtol=1e-5, atol=1e-6)


@given(st.lists(finite, min_size=1, max_size=6))
def test_n_ary_sum_gradient_is_one_for_each_term(xs):
    nodes = [Value(x) for x in xs]
    total = Value.sum(nodes)
    assert total.data == pytest.approx(sum(xs))
    gradcheck(lambda *v: Value.sum(v), nodes)
    assert Value.sum([nodes[0], 2.0]).data == pytest.approx(xs[0] + 2.0)


@given(programs())
def test_random_dags_with_shared_subexpressions(program):
    leaves, steps = program
    gradcheck(lambda *xs: run(steps, xs), [Value(x) for x in leaves], rtol=1e-4, atol=1e-6)


# ---- the chain rule: classic worked examples ---------------------------------------------
def test_multiply_node_swaps_its_inputs():
    apple, count, tax = Value(100.0), Value(2.0), Value(1.1)
    price = apple * count * tax
    price.backward()
    assert price.data == pytest.approx(220.0)
    assert (apple.grad, count.grad, tax.grad) == pytest.approx((2.2, 110.0, 200.0))


def test_add_node_passes_the_gradient_through():
    apple, apples, orange, oranges, tax = map(Value, (100.0, 2.0, 150.0, 3.0, 1.1))
    total = apple * apples + orange * oranges
    price = total * tax
    price.backward()
    assert price.data == pytest.approx(715.0)
    assert total.grad == pytest.approx(1.1)
    grads = (apple.grad, apples.grad, orange.grad, oranges.grad, tax.grad)
    assert grads == pytest.approx((2.2, 110.0, 3.3, 165.0, 650.0))


def test_sigmoid_neuron_gives_the_published_numbers():
    w0, x0, w1, x1, b = map(Value, (2.0, -1.0, -3.0, -2.0, -3.0))
    out = (w0 * x0 + w1 * x1 + b).sigmoid()
    out.backward()
    assert out.data == pytest.approx(0.7310585786)
    assert (w0.grad, x0.grad) == pytest.approx((-0.196611933, 0.393223866))
    assert (w1.grad, x1.grad) == pytest.approx((-0.393223866, -0.589835799))
    assert b.grad == pytest.approx(0.196611933)


def test_repeated_parents_sum_their_contributions():
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0
    b = Value(3.0)
    (b + b).backward()
    assert b.grad == 2.0


def test_readme_example():
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = a * b + a.relu()
    c.backward()
    assert (c.data, a.grad, b.grad) == (-4.0, -2.0, 2.0)


# ---- backward semantics -----------------------------------------------------------------
def test_backward_twice_resets_intermediates_and_accumulates_leaves():
    a, b = Value(2.0), Value(-3.0)
    mid = a * b
    out = mid.tanh() + mid
    out.backward()
    first = (mid.grad, out.grad, a.grad)
    out.backward()
    assert (mid.grad, out.grad) == first[:2]
    assert a.grad == pytest.approx(2 * first[2])
    a.grad = b.grad = 0.0
    out.zero_grad()
    assert mid.grad == out.grad == a.grad == b.grad == 0.0


def test_backward_of_a_leaf_seeds_its_grad():
    a = Value(5.0)
    a.backward()
    assert a.grad == 1.0


def test_no_grad_records_no_graph():
    a = Value(2.0)
    with no_grad():
        out = (a * 3.0).exp()
    assert out.parents == () and out.local_grads == () and out.op == ""
    out.backward()
    assert a.grad == 0.0
    assert (a * 3.0).parents  # recording is back on afterwards


def test_deep_chain_sorts_and_backpropagates_without_recursion():
    limit = sys.getrecursionlimit()
    x = Value(0.5)
    y = x
    for _ in range(1_000_000):
        y = y.relu()  # one node per step
    y.backward()
    assert x.grad == 1.0 and y.data == 0.5
    assert sys.getrecursionlimit() == limit


def test_a_dropped_graph_is_freed_by_reference_counting_alone():
    gc.disable()
    try:
        a = Value(2.0)
        out = (a * a + a.exp()).tanh().sigmoid()
        out.backward()
        leaf, root = weakref.ref(a), weakref.ref(out)
        middle = weakref.ref(out.parents[0])
        del a, out
        assert leaf() is None and root() is None and middle() is None
    finally:
        gc.enable()


# ---- numerics and bad input ------------------------------------------------------------------
def test_sigmoid_is_stable_at_extremes():
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0
    low = Value(-1000.0)
    low.sigmoid().backward()
    assert low.grad == 0.0


@pytest.mark.parametrize("make, error, text", [
    (lambda: Value(0.0).log(), ValueError, r"log: input must be > 0, got Value\(data=0.0"),
    (lambda: Value(-1.0).log(), ValueError, "log"),
    (lambda: Value(-1.0).sqrt(), ValueError, "sqrt"),
    (lambda: Value(0.0).sqrt(), ValueError, "infinite"),
    (lambda: Value(-8.0) ** (1 / 3), ValueError, "negative base"),
    (lambda: Value(-8.0) ** Value(2.0), ValueError, "negative base"),
    (lambda: (-8.0) ** Value(0.5), ValueError, "negative base"),
    (lambda: Value(0.0) ** -1, ZeroDivisionError, "zero"),
    (lambda: Value(0.0) ** 0.5, ValueError, "infinite"),
    (lambda: Value(1.0) / 0, ZeroDivisionError, r"division by zero: Value\(data=1.0"),
    (lambda: 1.0 / Value(0.0), ZeroDivisionError, "division by zero"),
    # b * b underflows to 0: the derivative -a/b² is infinite, not a division by zero
    (lambda: Value(1.0) / Value(1e-200), ValueError, r"/: the derivative is infinite"),
    # the result 1e300 is finite; only the slope -1.5 * 1e-200 ** -2.5 overflows
    (lambda: Value(1e-200) ** -1.5, ValueError, r"\*\*: the derivative is infinite"),
    (lambda: Value(1e-200) ** Value(-1.5), ValueError, r"\*\*: the derivative is infinite"),
    (lambda: Value(1000.0).exp(), OverflowError, r"exp: .*Value\(data=1000.0"),
    (lambda: Value(1e200) * 1e200, OverflowError, r"\*"),
    (lambda: Value(10.0) ** 400, OverflowError, r"\*\*"),
    (lambda: Value(2.0) + "x", TypeError, "str"),
    (lambda: Value(2.0) * None, TypeError, "NoneType"),
    (lambda: Value(2.0) ** (1 + 1j), TypeError, "complex"),
    (lambda: Value.sum([]), ValueError, "at least one"),
])
def test_bad_input_raises_a_clear_error(make, error, text):
    with pytest.raises(error, match=text):
        make()


def test_division_by_a_tiny_divisor_keeps_a_finite_derivative():
    a, b = Value(1e-300), Value(1e-200)
    (a / b).backward()
    assert b.grad == pytest.approx(-1e100) and a.grad == pytest.approx(1e200)
    zero = Value(0.0)
    (zero / Value(1e-200)).backward()
    assert zero.grad == pytest.approx(1e200)


def test_integer_powers_of_negative_bases_are_fine():
    x = Value(-2.0)
    y = x ** 3
    y.backward()
    assert (y.data, x.grad) == (-8.0, 12.0)


def test_gradient_overflow_in_backward_is_reported():
    x = Value(1e-300)
    out = x * 1e300 * 1e10  # forward stays finite (1e10), but d out/dx = 1e310
    with pytest.raises(OverflowError, match="backward: the gradient of Value"):
        out.backward()
