"""The Value op table: each op's forward, local derivatives and diagram text, side by side.

``local(*inputs, out, *params)`` returns ∂out/∂input for every input. It is written once
and runs on two kinds of arguments:
- plain floats, during the forward pass: the numbers ``backward()`` multiplies by;
- ``Value`` nodes, when ``autograd.grad(..., create_graph=True)`` wants the derivative
  as a graph that can be differentiated again.
So it uses only arithmetic, ``float()`` (a branch on the value, e.g. relu's step) and
the ops below, all of which both kinds support.

``text`` is the local derivative as a formula of ``{0}``, ``{1}`` (the inputs' names)
and ``{out}``; diagrams and ``explain`` print it beside the number.
"""
from __future__ import annotations

import math
import operator
from typing import Any, Callable, NamedTuple


class ValueOp(NamedTuple):
    name: str
    forward: Callable[..., float]       # floats in, a float out; refuses bad input
    local: Callable[..., tuple]         # (*inputs, out, *params) -> ∂out/∂input each
    text: tuple[str, ...]               # ∂out/∂input as a formula, for diagrams
    exact: bool = False                 # True when local is finite wherever forward is


def _div(a: float, b: float) -> float:
    if b == 0.0:
        raise ZeroDivisionError("division by zero")
    return a / b


def _sign(x: Any) -> float:
    x = float(x)
    return 1.0 if x > 0.0 else -1.0 if x < 0.0 else 0.0  # sign(0) = 0, PyTorch's subgradient


def _pow_local(a: Any, b: Any, out: Any) -> tuple:
    """∂(a**b)/∂a = b·a**(b-1) (0 where b = 0); ∂/∂b = out·log a (0 where a = 0)."""
    d_a = 0.0 if float(b) == 0.0 else b * a ** (b - 1.0)
    d_b = 0.0 if float(a) == 0.0 else out * _log(a)
    return d_a, d_b


def _pow_const_local(x: Any, out: Any, p: float) -> tuple:
    return (0.0 if p == 0.0 else p * x ** (p - 1.0),)


def _log(x: Any) -> Any:
    return math.log(x) if type(x) is float else x.log()


ADD = ValueOp("+", operator.add, lambda a, b, out: (1.0, 1.0), ("1", "1"), True)
SUB = ValueOp("-", operator.sub, lambda a, b, out: (1.0, -1.0), ("1", "−1"), True)
MUL = ValueOp("*", operator.mul, lambda a, b, out: (b, a), ("{1}", "{0}"), True)
DIV = ValueOp("/", _div, lambda a, b, out: (1.0 / b, -out / b), ("1/{1}", "−{out}/{1}"))
NEG = ValueOp("neg", operator.neg, lambda x, out: (-1.0,), ("−1",), True)
POW = ValueOp("**", lambda a, b: a ** b, _pow_local, ("{1}·{0}^({1}−1)", "{out}·log {0}"))
POW_CONST = ValueOp("**", lambda x, p: x ** p, _pow_const_local, ("{p}·{0}^({p}−1)",))
EXP = ValueOp("exp", math.exp, lambda x, out: (out,), ("{out}",), True)
LOG = ValueOp("log", math.log, lambda x, out: (1.0 / x,), ("1/{0}",))
SQRT = ValueOp("sqrt", math.sqrt, lambda x, out: (0.5 / out,), ("1/(2·{out})",))
TANH = ValueOp("tanh", math.tanh, lambda x, out: (1.0 - out * out,), ("1 − {out}²",), True)
SIGMOID = ValueOp("sigmoid", lambda x: _sigmoid(x), lambda x, out: (out * (1.0 - out),),
                  ("{out}·(1 − {out})",), True)
RELU = ValueOp("relu", lambda x: x if x > 0.0 else 0.0,
               lambda x, out: (1.0 if float(x) > 0.0 else 0.0,), ("[{0} > 0]",), True)
ABS = ValueOp("abs", abs, lambda x, out: (_sign(x),), ("sign({0})",), True)
SUM = ValueOp("sum", lambda *xs: math.fsum(xs), lambda *args: (1.0,) * (len(args) - 1),
              ("1",), True)


def _sigmoid(x: float) -> float:
    # Two branches so exp never sees a large positive argument.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)
