"""The text in diagrams and explanations: escaped user text, numbers, node names, formulas.

Labels are Graphviz HTML-like labels, so every piece of user text (node labels,
module names) must be escaped here before it is placed between tags; otherwise a
label such as ``<b>`` would turn into markup or break the DOT syntax.

A node with a ``label`` is called by it. Unlabelled nodes are numbered in reading
order (``v1, v2, ...`` for Values, ``t1, t2, ...`` for Tensors): operands left to
right, each before its result, so ``sigmoid(w0*x0 + w1*x1 + b)`` names ``w0*x0`` v1
and ``w1*x1`` v2. The names depend only on the graph, so the same expression always
gets the same names. A repeated label gets a suffix (``x``, ``x[2]``) so every name
in one graph means exactly one node.
"""
from __future__ import annotations

import html
import math
import re
from typing import Any, Callable, Sequence

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


# Reading order costs O(nodes × depth); past this many nodes (only drawn when the
# user raises max_nodes) names follow the topological order instead.
READING_ORDER_LIMIT = 1000


def reading_order(order: Sequence) -> list:
    """``order`` (a topological order, root last) re-sorted the way one reads the expression.

    Each node gets the argument-index path of its first use from the root, e.g.
    (0, 0, 1) for the second operand of the first operand of the root's first operand;
    sorting by path, with a node after every path that extends its own, lists operands
    left to right, each before its result. One pass over the nodes, no graph walk.
    """
    if len(order) > READING_ORDER_LIMIT:
        return list(order)
    path: dict[int, tuple] = {id(order[-1]): ()}
    for child in reversed(order):  # every use of a node comes before the node itself
        base = path[id(child)]
        for index, parent in enumerate(child.parents):
            candidate = base + (index,)
            known = path.get(id(parent))
            if known is None or candidate < known:
                path[id(parent)] = candidate
    return sorted(order, key=lambda node: path[id(node)] + (math.inf,))


def node_names(order: Sequence, prefix: str,
               const_name: Callable[[object], str | None] = lambda node: None) -> dict[int, str]:
    """Map ``id(node)`` to a unique display name for every node in ``order``.

    ``const_name(node)`` may name an unlabelled node itself (a scalar constant is
    clearer as ``2`` than as ``v7``); None falls back to the numbered name.
    """
    # Labels are reserved first so a generated name never shadows one the user chose.
    used = {node.label for node in order if node.label}
    names: dict[int, str] = {}
    taken: set[str] = set()
    # The next suffix to try for each repeated name. Remembering it keeps naming
    # linear: restarting at [2] for every repeat made n copies of a label cost n².
    next_suffix: dict[str, int] = {}
    counter = 0
    for node in reading_order(order):
        given = node.label or const_name(node)
        if given and given not in taken:
            name = given
        elif given:
            k = next_suffix.get(given, 2)
            while f"{given}[{k}]" in used or f"{given}[{k}]" in taken:
                k += 1
            next_suffix[given] = k + 1
            name = f"{given}[{k}]"
        else:
            counter += 1
            while f"{prefix}{counter}" in used:
                counter += 1
            name = f"{prefix}{counter}"
        taken.add(name)
        names[id(node)] = name
    return names


_INFIX = {"+": "+", "-": "-", "*": "*", "/": "/", "**": "**", "matmul": "@"}
_MAX_ARGS = 4  # past this an n-ary op lists a count, so titles stay one short line


def formula(node: Any, names: dict[int, str]) -> str:
    """How ``node`` was made, in terms of its parents' names: ``w0 * x0``, ``tanh(n)``."""
    args = [names[id(p)] for p in node.parents]
    op = node.op
    if op in _INFIX and len(args) == 2:
        return f"{args[0]} {_INFIX[op]} {args[1]}"
    if op.startswith("**") and len(args) == 1:  # constant exponent, e.g. '**2'
        return f"{args[0]}{op}"
    if op == "neg" and len(args) == 1:
        return f"-{args[0]}"
    if op == "linear" and len(args) == 3:
        return f"{args[0]} @ {args[1]} + {args[2]}"
    if len(args) > _MAX_ARGS:
        return f"{op}({len(args)} terms)"
    return f"{op}({', '.join(args)})"
