"""viz.labels: user text escaped so DOT, dot's HTML labels and SVG/XML can carry it."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

import viz
from autograd import Value
from viz.labels import escape

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
