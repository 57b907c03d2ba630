"""Safe arithmetic expressions for ``tracegrad graph``: parsed with ``ast``, never eval'd.

Allowed: numbers, variable names, ``+ - * / **``, unary ``-``/``+``, and calls of the
engine's functions by bare name with one argument (``exp log tanh sigmoid relu sqrt
abs``). Every other construct is refused with a ``ValueError`` that names it.
Evaluation builds ``Value`` nodes labelled with the variable names, so the diagram
shows ``w0`` rather than ``v3``.
"""
from __future__ import annotations

import ast
import math
import operator
from typing import Any, Callable, Mapping

from autograd.value import Value

FUNCTIONS = {
    "exp": Value.exp, "log": Value.log, "tanh": Value.tanh, "sigmoid": Value.sigmoid,
    "relu": Value.relu, "sqrt": Value.sqrt, "abs": Value.abs,
}
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.Pow: operator.pow}
_UNARY: dict[type, Callable[[Any], Any]] = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.Name, ast.Call,
            ast.Load, *_BINARY, *_UNARY)
# What to call a refused construct in the error (the class name for the rest).
_CONSTRUCTS = {
    ast.Attribute: "attribute access (a.b)", ast.Subscript: "subscripts (a[i])",
    ast.Lambda: "lambda", ast.ListComp: "list comprehensions", ast.SetComp: "set comprehensions",
    ast.DictComp: "dict comprehensions", ast.GeneratorExp: "generator expressions",
    ast.Compare: "comparisons", ast.BoolOp: "and/or", ast.IfExp: "conditional expressions",
    ast.NamedExpr: "assignment expressions (:=)", ast.Starred: "starred arguments (*a)",
    ast.keyword: "keyword arguments", ast.List: "lists", ast.Tuple: "tuples",
    ast.Dict: "dicts", ast.Set: "sets", ast.JoinedStr: "f-strings", ast.Await: "await",
    ast.Yield: "yield", ast.YieldFrom: "yield", ast.Slice: "slices",
    ast.FloorDiv: "the operator //", ast.Mod: "the operator %", ast.MatMult: "the operator @",
    ast.BitAnd: "the operator &", ast.BitOr: "the operator |", ast.BitXor: "the operator ^",
    ast.LShift: "the operator <<", ast.RShift: "the operator >>", ast.Invert: "the operator ~",
    ast.Not: "not",
}
_ALLOWED_TEXT = ("numbers, variable names, + - * / **, unary minus, and calls of "
                 + ", ".join(sorted(FUNCTIONS)) + " by bare name")


def parse(text: str) -> ast.Expression:
    """Parse and check ``text``; raise ``ValueError`` naming the first refused construct."""
    if not isinstance(text, str):
        raise TypeError(f"expression must be a str, got {type(text).__name__}")
    if not text.strip():
        raise ValueError("the expression is empty; write one such as 'sigmoid(w*x + b)'")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise ValueError(f"cannot parse {text!r}: {error.msg}; "
                         f"write Python-style arithmetic such as 'tanh(w*x + b)'") from None
    except (RecursionError, MemoryError):
        raise ValueError("the expression is nested too deeply for Python's parser; "
                         "split it into smaller pieces") from None
    found = _located_problems(tree)
    if found:
        # The leftmost problem only: a list of every one reads as a run-on sentence,
        # and fixing the first usually removes the rest.
        more = len(set(found)) - 1
        raise ValueError(f"not allowed in an expression: {found[0]}"
                         + (f" (and {more} more)" if more else "")
                         + f"; use only {_ALLOWED_TEXT}")
    return tree


def _located_problems(tree: ast.Expression) -> list[str]:
    """Every problem, leftmost first (outer before inner at the same column)."""
    found: list[tuple[int, int, str]] = []
    column: dict[int, int] = {}
    # ast.walk is iterative, so deeply nested expressions cannot overflow the stack.
    for node in ast.walk(tree):
        # Operators and contexts carry no position: they take their parent's.
        here = getattr(node, "col_offset", column.get(id(node), 0))
        for child in ast.iter_child_nodes(node):
            column[id(child)] = here
        found += [(here, len(found), problem) for problem in _problems(node)]
    return [problem for *_, problem in sorted(found)]


def _problems(node: ast.AST) -> list[str]:
    """What is wrong with this one syntax node (empty when it is allowed)."""
    where = f" at column {node.col_offset + 1}" if hasattr(node, "col_offset") else ""
    if not isinstance(node, _ALLOWED):
        return [_CONSTRUCTS.get(type(node), type(node).__name__) + where]
    if isinstance(node, ast.Constant) and (
            isinstance(node.value, bool) or not isinstance(node.value, (int, float))):
        return [f"the constant {node.value!r}{where}, which is not a real number"]
    if isinstance(node, ast.Name) and node.id.startswith("__"):
        return [f"the name {node.id!r}{where} (names starting with '__' are reserved)"]
    if not isinstance(node, ast.Call):
        return []
    if not isinstance(node.func, ast.Name):
        what = _CONSTRUCTS.get(type(node.func), "an expression")
        return [f"calling the result of {what}{where}"]
    problems = []
    if node.func.id not in FUNCTIONS:
        problems.append(f"calling {node.func.id!r}{where}")
    elif len(node.args) != 1 and not node.keywords:
        problems.append(f"{node.func.id}(){where} with {len(node.args)} arguments "
                        "(it takes exactly one argument)")
    return problems  # keyword arguments are reported as ast.keyword nodes


def variables(tree: ast.Expression) -> list[str]:
    """The variable names of a checked expression, in order of first appearance."""
    callees = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    uses = sorted((node for node in ast.walk(tree)
                   if isinstance(node, ast.Name) and id(node) not in callees),
                  key=lambda node: (node.lineno, node.col_offset))
    return list(dict.fromkeys(node.id for node in uses))


def evaluate(tree: ast.Expression, values: Mapping[str, float]) -> Value:
    """Build the expression from ``Value``s: one labelled leaf per variable."""
    names = variables(tree)
    for name in names:
        if name in FUNCTIONS:
            raise ValueError(f"{name!r} is a function; call it, as in {name}(x)")
    missing = [name for name in names if name not in values]
    if missing:
        example = " ".join(f"{name}=1.0" for name in missing)
        raise ValueError(f"no value given for {', '.join(missing)}; set it with --set {example}")
    leaves = {name: Value(values[name], label=name) for name in names}
    result = _run(tree.body, leaves)
    return result if isinstance(result, Value) else Value(result)


def _run(root: ast.AST, leaves: Mapping[str, Value]) -> Value | float:
    """Evaluate the checked tree bottom-up with an explicit stack (no recursion limit)."""
    results: dict[int, Value | float] = {}
    stack: list[tuple[ast.AST, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        children = _operands(node)
        if not ready and children:
            stack.append((node, True))
            stack.extend((child, False) for child in children)
            continue
        args = [results.pop(id(child)) for child in children]
        results[id(node)] = _apply(node, args, leaves)
    return results[id(root)]


def _operands(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return list(node.args)
    return []


def _apply(node: ast.AST, args: list, leaves: Mapping[str, Value]) -> Value | float:
    if isinstance(node, ast.Constant):
        value = float(node.value)  # type: ignore[arg-type]  # _check admits numbers only
        if not math.isfinite(value):
            raise ValueError(f"the constant {node.value!r} is not finite")
        return value
    if isinstance(node, ast.Name):
        return leaves[node.id]
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](args[0])  # -2 stays a plain number
    if isinstance(node, ast.BinOp):
        left, right = args
        if not isinstance(left, Value) and not isinstance(right, Value):
            left = Value(left)  # let the engine compute (and check) number-only parts too
        return _BINARY[type(node.op)](left, right)
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)  # _check admits no other
    fn = FUNCTIONS[node.func.id]
    arg = args[0] if isinstance(args[0], Value) else Value(args[0])
    return fn(arg)
