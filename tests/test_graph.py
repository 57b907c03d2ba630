"""The shared topological sort."""
from __future__ import annotations

import sys

from hypothesis import given
from hypothesis import strategies as st

from autograd import Value
from autograd.graph import topo_sort
from tests.expressions import programs, run


def _check_order(order):
    position = {id(node): i for i, node in enumerate(order)}
    assert len(position) == len(order), "a node appears twice"
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]


@given(programs())
def test_parents_come_before_children_and_every_node_once(program):
    leaves, steps = program
    out = run(steps, [Value(x) for x in leaves])
    order = topo_sort(out)
    _check_order(order)
    assert order[-1] is out


def test_every_reachable_node_is_returned():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    assert {id(n) for n in topo_sort(d)} == {id(a), id(b), id(c), id(d)}
    assert topo_sort(a) == [a]


def test_repeated_parents_are_listed_once():
    a = Value(2.0)
    order = topo_sort(a * a)
    assert order.count(a) == 1 and len(order) == 2


@given(st.integers(1, 50))
def test_wide_fan_in(n):
    leaves = [Value(float(i)) for i in range(n)]
    order = topo_sort(Value.sum(leaves))
    _check_order(order)
    assert len(order) == n + 1


def test_a_million_deep_chain_needs_no_recursion():
    limit = sys.getrecursionlimit()
    node = Value(0.0)
    for _ in range(1_000_000):
        node = node.relu()
    order = topo_sort(node)
    assert len(order) == 1_000_001 and order[-1] is node
    assert sys.getrecursionlimit() == limit
