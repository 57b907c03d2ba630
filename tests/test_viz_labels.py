"""viz.labels: user text escaped so DOT, dot's HTML labels and SVG/XML can carry it, and
unique, stable, readable node names in reading order."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

import viz
from autograd import Value
from autograd.graph import topo_sort
from tests.expressions import programs, run
from viz import value_nodes
from viz.labels import READING_ORDER_LIMIT, escape, node_names, reading_order

# Every character XML 1.0 cannot carry, even as a character reference.
UNCARRIABLE = ([chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"]
               + ["\ud800", "\udcff", "\udfff", "\ufffe", "\uffff"])


@pytest.mark.parametrize("char", UNCARRIABLE)
def test_characters_xml_cannot_carry_become_visible_escapes(char):
    code = ord(char)
    visible = f"&#92;x{code:02x}" if code < 0x100 else f"&#92;u{code:04x}"
    assert escape(f"a{char}b") == f"a{visible}b"


def test_markup_backslash_colon_and_line_breaks_are_neutralised():
    assert escape('<b>&"\\:x\n\ty\r') == "&lt;b&gt;&amp;&quot;&#92;&#58;x  y "
    assert escape("é ∂ 😀 \x7f") == "é ∂ 😀 \x7f"  # printable Unicode and DEL pass through


@given(st.text())
def test_any_text_escapes_to_well_formed_utf8_xml(text):
    escaped = escape(text)
    escaped.encode("utf-8")  # no lone surrogate survives
    element = ET.fromstring(f"<t>{escaped}</t>".encode("utf-8"))
    assert "<" not in escaped and ">" not in escaped
    assert element.tag == "t"


@pytest.mark.dot
def test_dot_renders_labels_with_control_characters(tmp_path):
    a = Value(2.0, label="a\x01b\x0bc\x0cd\x1f")
    out = a * 3.0
    out.label = "out\x00\udcff"
    out.backward()
    path = viz.draw(out).render(tmp_path / "g", format="svg")
    svg = open(path, encoding="utf-8").read()
    ET.fromstring(svg.encode("utf-8"))  # well-formed XML
    assert "a\\x01b\\x0bc\\x0cd\\x1f" in svg
    assert "out\\x00\\udcff" in svg


# ---- node names
def test_unnamed_nodes_are_numbered_as_the_expression_reads():
    w0, x0, w1, x1, b = (Value(v, label=n) for v, n in
                         [(2.0, "w0"), (-1.0, "x0"), (-3.0, "w1"), (-2.0, "x1"), (-3.0, "b")])
    out = (w0 * x0 + w1 * x1 + b).sigmoid()
    source = viz.draw(out).source
    for text in ("<B>v1</B> = w0 * x0", "<B>v2</B> = w1 * x1", "<B>v3</B> = v1 + v2",
                 "<B>v4</B> = v3 + b", "<B>v5</B> = sigmoid(v4)"):
        assert text in source


def test_the_first_use_of_a_repeated_label_keeps_the_plain_name():
    first, second = Value(1.0, label="w"), Value(2.0, label="w")
    out = first * 3.0 + second
    names = node_names(topo_sort(out), "v")
    assert names[id(first)] == "w" and names[id(second)] == "w[2]"


def test_generated_names_never_shadow_a_label():
    a = Value(1.0, label="v1")
    out = (a * 2.0).tanh()
    names = node_names(topo_sort(out), "v", value_nodes.const_name)
    assert sorted(names.values()) == ["2", "v1", "v2", "v3"]
    assert names[id(a)] == "v1"


@given(programs(max_leaves=4, max_steps=12))
def test_reading_order_is_a_topological_order_of_every_node(program):
    values, steps = program
    out = run(steps, [Value(v) for v in values])
    order = topo_sort(out)
    reading = reading_order(order)
    assert sorted(map(id, reading)) == sorted(map(id, order))
    position = {id(node): i for i, node in enumerate(reading)}
    for child in order:
        for parent in child.parents:
            assert position[id(parent)] < position[id(child)]
    names = node_names(order, "v")
    assert len(set(names.values())) == len(order)


def test_big_graphs_fall_back_to_the_topological_order():
    x = Value(1.0, label="x")
    out = x
    for _ in range(READING_ORDER_LIMIT):
        out = out + x
    order = topo_sort(out)
    assert reading_order(order) == order
    assert len(set(node_names(order, "v").values())) == len(order)


class _CountingLabel(str):
    """A label that counts how often naming formats it: once per suffix tried."""
    formats = 0

    def __format__(self, spec: str) -> str:
        type(self).formats += 1
        return str.__format__(self, spec)


def _suffix_attempts(terms: int) -> tuple[int, dict[int, str]]:
    """Naming work for a sum of ``terms`` products ``x * 2``: every x and every 2 repeats."""
    _CountingLabel.formats = 0
    xs = [Value(1.0, label=_CountingLabel("x")) for _ in range(terms)]
    order = topo_sort(Value.sum([x * 2.0 for x in xs]))
    names = node_names(order, "v", value_nodes.const_name)
    assert len(set(names.values())) == len(order) == 3 * terms + 1
    return _CountingLabel.formats, names


def test_naming_is_linear_in_the_number_of_repeated_labels_and_constants():
    small, _ = _suffix_attempts(2_000)
    big, names = _suffix_attempts(16_000)
    # Linear work grows 8x; restarting every search at [2] grew it 64x.
    assert big <= 8 * small * 1.25
    assert sorted(v for v in names.values() if v.startswith("x"))[:3] == ["x", "x[10000]", "x[10001]"]


def test_explain_names_64k_nodes_of_repeats():
    xs = [Value(1.0, label="x") for _ in range(21_333)]
    out = Value.sum([x * 2.0 for x in xs])
    out.backward()
    text = viz.explain(out)
    assert len(text.splitlines()) == 3 * 21_333 + 1  # 64,000 nodes, one line each
    assert "x[21333].grad = " in text and "2[21333].grad = " in text
