"""viz.expression: the ast whitelist and the Values it builds."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, strategies as st

from autograd import Value
from autograd.graph import topo_sort
from viz.expression import evaluate, parse, variables

NAMES = ["a", "b", "c"]


@st.composite
def expressions(draw, depth: int = 4):
    """(text, python function of a dict) for random safe expressions."""
    if depth == 0 or draw(st.booleans()):
        if draw(st.booleans()):
            name = draw(st.sampled_from(NAMES))
            return name, lambda env, n=name: env[n]
        number = draw(st.sampled_from([0.5, 1, 2, 3.25]))
        return repr(number), lambda env, x=number: float(x)
    kind = draw(st.sampled_from(["+", "-", "*", "tanh", "sigmoid", "neg"]))
    left, f = draw(expressions(depth - 1))
    if kind == "tanh":
        return f"tanh({left})", lambda env: math.tanh(f(env))
    if kind == "sigmoid":
        return f"sigmoid({left})", lambda env: 1.0 / (1.0 + math.exp(-f(env)))
    if kind == "neg":
        return f"-({left})", lambda env: -f(env)
    right, g = draw(expressions(depth - 1))
    op = {"+": float.__add__, "-": float.__sub__, "*": float.__mul__}[kind]
    return f"({left}) {kind} ({right})", lambda env: op(float(f(env)), float(g(env)))


@given(expressions(), st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_evaluation_matches_plain_python(expression, values):
    text, reference = expression
    env = dict(zip(NAMES, values))
    tree = parse(text)
    used = {name: env[name] for name in variables(tree)}
    result = evaluate(tree, used)
    assert isinstance(result, Value)
    assert math.isclose(result.data, reference(env), rel_tol=1e-12, abs_tol=1e-12)


def test_variables_are_labelled_leaves_shared_by_every_use():
    root = evaluate(parse("x*x + y"), {"x": 3.0, "y": 1.0})
    leaves = [n for n in topo_sort(root) if not n.parents]
    assert sorted(n.label for n in leaves) == ["x", "y"]
    assert root.parents[0].parents[0] is root.parents[0].parents[1]


def test_variables_come_in_order_of_first_appearance():
    assert variables(parse("sigmoid(w0*x0 + w1*x1 + b) + w0")) == ["w0", "x0", "w1", "x1", "b"]


def test_a_constant_power_keeps_negative_bases_working():
    root = evaluate(parse("x ** 2 + x ** -1"), {"x": -2.0})
    assert root.data == 3.5
    root.backward()
    assert root.parents[0].op == "**2"


def test_every_engine_function_is_callable():
    text = "exp(a) + log(a) + tanh(a) + sigmoid(a) + relu(a) + sqrt(a) + abs(a)"
    x = 0.7
    root = evaluate(parse(text), {"a": x})
    expected = (math.exp(x) + math.log(x) + math.tanh(x) + 1 / (1 + math.exp(-x)) + x
                + math.sqrt(x) + abs(x))
    assert math.isclose(root.data, expected, rel_tol=1e-12)


def test_a_number_only_expression_is_still_a_value():
    assert evaluate(parse("-3"), {}).data == -3.0
    assert evaluate(parse("2 * 3"), {}).data == 6.0


def test_deep_expressions_evaluate_without_recursion():
    text = "x" + " + x" * 400
    assert evaluate(parse(text), {"x": 1.0}).data == 401.0


def test_too_deep_for_the_parser_is_a_clear_error():
    with pytest.raises(ValueError, match="nested too deeply"):
        parse("-" * 200_000 + "1")


def test_the_leftmost_refused_construct_is_named_and_the_rest_counted():
    with pytest.raises(ValueError) as info:
        parse("__import__('os').system('ls')")
    message = str(info.value)
    assert message.startswith("not allowed in an expression: calling the result of attribute "
                              "access (a.b) at column 1 (and 5 more); use only numbers")
    assert "\n" not in message


@pytest.mark.parametrize("bad", [None, 3, b"x"])
def test_non_text_is_a_type_error(bad):
    with pytest.raises(TypeError, match="expression must be a str"):
        parse(bad)
