"""``tracegrad graph EXPR``: draw an expression's graph with its gradients.

    tracegrad graph "sigmoid(w0*x0 + w1*x1 + b)" --set w0=2 x0=-1 w1=-3 x1=-2 b=-3 -o neuron.svg

The expression is parsed by ``viz.expression`` (an ``ast`` whitelist, never eval'd),
built from ``Value``s labelled with the variable names, and, unless
``--no-backward``, differentiated. The diagram's format comes from the extension;
without ``-o`` it is ``graph.svg`` in the current directory, and ``-o -`` prints the
DOT source for piping.
"""
from __future__ import annotations

import argparse
import math
import shutil
import sys
from pathlib import Path

from autograd.atomic_file import write_atomic
from autograd.value import Value
from nn.cli._outputs import DIAGRAM_SUFFIXES, check_output, diagram_bytes
from viz import Animation, backward_steps, draw, explain
from viz.expression import evaluate, parse, variables

DEFAULT_OUTPUT = Path("graph.svg")
STDOUT = Path("-")
DIAGRAM_PRECISION = 4  # significant digits: enough to check a sum by eye


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "graph", help="draw an expression's graph with local and upstream gradients",
        description="Draw an expression's graph with its gradients. The expression may use "
        "numbers, variables, + - * / **, unary minus and exp log tanh sigmoid relu sqrt abs; "
        "it is parsed against a whitelist, never evaluated as Python.",
        epilog='example: tracegrad graph "sigmoid(w0*x0 + w1*x1 + b)" '
               "--set w0=2 x0=-1 w1=-3 x1=-2 b=-3 -o neuron.svg")
    parser.add_argument("expression", help='for example "tanh(w*x + b)"')
    parser.add_argument("--set", dest="assignments", nargs="+", action="extend", default=[],
                        metavar="NAME=VALUE", help="values of the variables, e.g. --set w=2 x=-1")
    parser.add_argument("-o", "--output", type=Path, metavar="PATH",
                        help=f"diagram file: .svg, .png, .pdf (rendered by Graphviz) or .dot "
                             f"(DOT source); - prints the DOT source to stdout. Default: "
                             f"{DEFAULT_OUTPUT} ({DEFAULT_OUTPUT.with_suffix('.dot')} without "
                             f"Graphviz), unless --explain is given")
    parser.add_argument("--no-backward", action="store_true",
                        help="draw the forward pass only (no gradients)")
    parser.add_argument("--html", type=Path, metavar="PATH",
                        help="also write a self-contained HTML step-through of backward")
    parser.add_argument("--explain", action="store_true",
                        help="print every gradient derived by the chain rule")
    parser.add_argument("--name", default="out",
                        help="name shown for the expression's result (default: out)")
    parser.add_argument("--rankdir", default="LR", choices=("LR", "RL", "TB", "BT"),
                        help="layout direction (default LR: inputs left, result right)")
    parser.add_argument("--precision", type=int, metavar="DIGITS",
                        help="significant digits of the numbers shown (default: 4 in diagrams; "
                             "every digit in --explain)")
    parser.set_defaults(handler=run)


def parse_assignments(items: list[str]) -> dict[str, float]:
    """``["w=2", "x=-1.5"]`` → ``{"w": 2.0, "x": -1.5}``, refusing anything else clearly."""
    values: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or not name or not text:
            raise ValueError(f"--set {item!r}: write NAME=VALUE, for example --set w=2")
        if not name.isidentifier():
            raise ValueError(f"--set {item!r}: {name!r} is not a variable name "
                             "(letters, digits and _, not starting with a digit)")
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"--set {item!r}: {text!r} is not a number") from None
        if not math.isfinite(value):
            raise ValueError(f"--set {item!r}: the value must be finite")
        if name in values:
            raise ValueError(f"--set: {name} is set twice ({values[name]:g} and {value:g})")
        values[name] = value
    return values


def build(args: argparse.Namespace) -> Value:
    """Parse, check the variables, evaluate and (unless --no-backward) differentiate."""
    if args.output not in (None, STDOUT):
        check_output("-o", args.output, DIAGRAM_SUFFIXES)
    if args.html is not None:
        check_output("--html", args.html, (".html", ".htm"))
    if args.no_backward and (args.html or args.explain):
        raise ValueError("--html and --explain show the backward pass; drop --no-backward")
    tree = parse(args.expression)
    values = parse_assignments(args.assignments)
    names = variables(tree)
    unused = [name for name in values if name not in names]
    if unused:
        raise ValueError(f"--set {', '.join(unused)}: not in the expression, whose variables "
                         f"are {', '.join(names) or '(none)'}")
    root = evaluate(tree, values)
    if root.label is None:  # a bare variable keeps its own name
        root.label = args.name
    if not args.no_backward:
        root.backward()
    return root


def run(args: argparse.Namespace) -> int:
    """Bad input raises ValueError (and friends); ``nn.cli.main`` reports it, exit code 2.

    Everything that can fail (parsing, the math, rendering) is done before anything
    is printed or written.
    """
    root = build(args)
    digits = DIAGRAM_PRECISION if args.precision is None else args.precision
    graph = draw(root, rankdir=args.rankdir, precision=digits, show_grad=not args.no_backward)
    animation = (Animation(backward_steps(root, rankdir=args.rankdir, precision=digits))
                 if args.html else None)
    output, note = args.output, ""
    if output is None and not args.explain:
        output = DEFAULT_OUTPUT
        if shutil.which("dot") is None:  # the default must work without Graphviz
            output = DEFAULT_OUTPUT.with_suffix(".dot")
            note = " (Graphviz's dot is not installed, so this is the DOT source, not a picture)"
    diagram = None
    if output not in (None, STDOUT):
        diagram = diagram_bytes(graph, output)
    if args.explain:
        print(explain(root, precision=args.precision))
    if output == STDOUT:
        sys.stdout.write(graph.source)
    elif diagram is not None:
        write_atomic(output, diagram)
        print(f"wrote {output}{note}", file=sys.stderr)
    if animation is not None:
        animation.save(args.html)
        print(f"wrote {args.html}", file=sys.stderr)
    return 0
