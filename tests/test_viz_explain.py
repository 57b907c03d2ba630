"""viz.explain: the chain rule in words, with exactly the engine's numbers."""
from __future__ import annotations

import re

import pytest
from hypothesis import given

import viz
from autograd import Value
from autograd.graph import topo_sort
from tests.expressions import backpropagated, programs


def example():
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    r = a.relu()
    r.label = "r"
    d = c + r
    d.label = "d"
    d.backward()
    return a, b, c, r, d


def test_the_issue_example_reads_exactly_as_promised():
    a, _, _, _, d = example()
    assert viz.explain(a, root=d) == (
        "a.grad = ∂c/∂a·c.grad + ∂r/∂a·r.grad = (-3.0)(1.0) + (1.0)(1.0) = -2.0")


def test_without_a_root_every_node_is_explained_in_backward_order():
    a, b, c, r, d = example()
    lines = viz.explain(d).splitlines()
    assert lines[0] == "d.grad = 1.0   (the seed: ∂d/∂d = 1)"
    assert len(lines) == 5
    assert [line.split(".grad")[0] for line in lines] == \
        [n.label for n in reversed(topo_sort(d))]
    assert "b.grad = ∂c/∂b·c.grad = (2.0)(1.0) = 2.0" in lines


@given(programs(max_leaves=3, max_steps=10))
def test_every_number_equals_the_engines(program):
    out = backpropagated(program)
    for node in topo_sort(out):
        if node is out:
            continue
        text = viz.explain(node, root=out)
        assert "note" not in text
        assert text.endswith(f" = {node.grad!r}")
        pairs = [(float(local), float(g)) for local, g in re.findall(r"\(([^()]+)\)\(([^()]+)\)", text)]
        children = [(c, i) for c in reversed(topo_sort(out))
                    for i, p in enumerate(c.parents) if p is node]
        assert pairs == [(c.local_grads[i], c.grad) for c, i in children]


def test_a_repeated_parent_is_one_term_per_use():
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    y.backward()
    assert viz.explain(x, y) == "x.grad = ∂y/∂x·y.grad + ∂y/∂x·y.grad = (3.0)(1.0) + (3.0)(1.0) = 6.0"


def test_unnamed_nodes_get_stable_readable_names():
    x = Value(0.5, label="x")
    y = (x * 2.0).tanh()
    y.backward()
    first = viz.explain(y)
    assert first == viz.explain(y)
    assert first.splitlines()[1].startswith("v1.grad = ∂v2/∂v1·v2.grad = ")
    assert "x.grad = ∂v1/∂x·v1.grad = (2.0)" in first


def test_an_accumulated_leaf_grad_is_pointed_out_not_hidden():
    a, _, _, _, d = example()
    d.backward()  # leaves keep summing: a.grad is now -4.0
    text = viz.explain(a, d)
    assert text.startswith("a.grad = ∂c/∂a·c.grad + ∂r/∂a·r.grad = (-3.0)(1.0) + (1.0)(1.0) = -2.0")
    assert "a.grad holds -4.0" in text and "zero_grad()" in text


def test_a_lone_node_says_how_to_explain_it_inside_a_graph():
    w = Value(1.0, label="w")
    assert "explain(node, root=loss)" in viz.explain(w)
    w.backward()
    text = viz.explain(w)
    assert text.startswith("w.grad = 1.0   (the seed") and "explain(node, root=loss)" in text


def test_the_explanation_displays_as_text():
    a, *_, d = example()
    text = viz.explain(a, d)
    assert isinstance(text, str) and repr(text) == str(text)


def test_a_node_outside_the_graph_is_refused():
    *_, d = example()
    with pytest.raises(ValueError, match="is not part of the graph of root .*pass the root"):
        viz.explain(Value(1.0), root=d)


@pytest.mark.parametrize("thing", [2.0, "a", None])
def test_non_nodes_are_refused(thing):
    *_, d = example()
    with pytest.raises(TypeError, match="expected an autograd Value or Tensor"):
        viz.explain(thing)
    if thing is not None:  # root=None means "node is the root"
        with pytest.raises(TypeError, match="expected an autograd Value or Tensor"):
            viz.explain(d, root=thing)


def test_explaining_before_backward_says_to_run_it():
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    assert viz.explain(y).splitlines()[0] == (
        "y.grad = 0.0, not the seed 1.0: call y.backward() (once, after zero_grad()) "
        "before explaining its graph")


def test_precision_rounds_every_number_shown():
    a, _, _, _, d = example()
    a.grad += 0.123456789  # a leaf that has summed more than this pass gave it
    line = viz.explain(a, root=d, precision=3)
    assert line.startswith("a.grad = ∂c/∂a·c.grad + ∂r/∂a·r.grad = (-3)(1) + (1)(1) = -2   (note: "
                           "a.grad holds -1.88:")
    assert viz.explain(d, precision=2).splitlines()[0] == "d.grad = 1   (the seed: ∂d/∂d = 1)"


@pytest.mark.parametrize("precision, error", [(0, ValueError), (18, ValueError), (2.5, TypeError)])
def test_a_bad_precision_is_refused(precision, error):
    a, _, _, _, d = example()
    with pytest.raises(error, match="precision"):
        viz.explain(a, root=d, precision=precision)
