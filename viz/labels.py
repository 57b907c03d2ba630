"""Text that goes into diagrams: escaping user text and formatting numbers.

Labels are Graphviz HTML-like labels, so every piece of user text (node labels,
module names) must be escaped here before it is placed between tags; otherwise a
label such as ``<b>`` would turn into markup or break the DOT syntax.
"""
from __future__ import annotations

import html
import math
import re

# Characters that HTML escaping leaves alone but that mean something to DOT or to
# readers of the raw source: a backslash starts escString sequences (\\n, \\l) and a
# colon separates node ports. Numeric references keep them literal.
_EXTRA = str.maketrans({"\\": "&#92;", ":": "&#58;", "\n": " ", "\r": " ", "\t": " "})

# What XML 1.0 (and so dot's HTML labels and SVG output) cannot carry, even as a
# character reference: the C0 controls other than tab/newline/return (which become
# spaces above), lone surrogates (they cannot even be encoded as UTF-8), and the
# non-characters U+FFFE/U+FFFF. dot rejects them with a syntax error, so each one is
# shown as a visible Python-style escape instead: "\x01", "\udcff".
_UNCARRIABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"&#92;x{code:02x}" if code < 0x100 else f"&#92;u{code:04x}"


def escape(text: object) -> str:
    """Escape ``text`` for use inside a Graphviz HTML-like label."""
    escaped = html.escape(str(text), quote=True).translate(_EXTRA)
    return _UNCARRIABLE.sub(_visible, escaped)


def check_precision(precision: object) -> int:
    """Validate the number of significant digits diagrams print."""
    if isinstance(precision, bool) or not isinstance(precision, int):
        raise TypeError(f"precision must be an int (significant digits), got {precision!r}")
    if not 1 <= precision <= 17:
        raise ValueError(f"precision must be between 1 and 17 significant digits, got {precision}")
    return precision


def fmt(x: float, precision: int) -> str:
    """Format a number with ``precision`` significant digits; -0 prints as 0."""
    x = float(x)
    if x == 0.0:
        return "0"
    if math.isnan(x) or math.isinf(x):
        return str(x)
    return f"{x:.{precision}g}"
