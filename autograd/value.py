"""The scalar engine: one Python float per node, built to be read and drawn.

Every op computes its result and its local derivatives ∂out/∂parent side by side,
during the forward pass, from the table in ``autograd.value_ops``. ``backward()`` runs
the one chain-rule loop (``autograd.chain_rule``), ``parent.grad += local_grad *
node.grad``; no node holds a closure, so a dropped graph is freed by reference
counting alone.
"""
from __future__ import annotations

import math
import numbers
import weakref
from typing import Iterable, Sequence, Union

from autograd import anomaly
from autograd import value_ops as ops
from autograd.chain_rule import backprop
from autograd.graph import topo_sort
from autograd.recording import derivative_scope, state
from autograd.value_ops import ValueOp

Number = Union[int, float]
_INF = math.inf
_new = object.__new__


def _as_float(x: object, where: str) -> float:
    """Convert a real number to float; refuse everything else with a clear message."""
    if type(x) is float or type(x) is int:
        value = float(x)
    elif isinstance(x, bool):
        raise TypeError(f"{where}: got a bool ({x!r}); pass 1.0 or 0.0 if you mean a number")
    elif isinstance(x, numbers.Real):
        value = float(x)
    else:
        raise TypeError(
            f"{where}: expected a real number (int or float), got {type(x).__name__} {x!r}"
        )
    if not -_INF < value < _INF:
        raise ValueError(f"{where}: data must be finite, got {value}")
    return value


def _fill(node: "Value", data: float, parents: tuple, local_grads: tuple, op: str,
          fn: ValueOp | None, params: tuple) -> "Value":
    """The one place that lists a node's fields."""
    node.data = data
    node.grad = 0.0
    node.parents = parents
    node.local_grads = local_grads
    node.op = op
    node.fn = fn
    node.params = params
    node.label = None
    node.scope = state.scope
    if anomaly.active:
        anomaly.record(node)
    return node


def _leaf(data: float) -> "Value":
    return _fill(_new(Value), data, (), (), "", None, ())


def _wrap(x: object, op: str) -> "Value":
    """Values pass through; plain numbers become constant leaves (shown in diagrams)."""
    if type(x) is Value or isinstance(x, Value):
        return x
    return _leaf(_as_float(x, op))


def _describe(parents: tuple) -> str:
    return ", ".join(repr(p) for p in parents)


def _apply(fn: ValueOp, parents: tuple, args: tuple, params: tuple = (), op: str = "") -> "Value":
    """The node for ``fn`` applied to ``parents``, whose data are ``args``: its value from
    ``fn.forward`` and its local derivatives from ``fn.local``, side by side. The methods
    refuse bad input first; this refuses inf and NaN so they never spread silently."""
    data = fn.forward(*args, *params)
    if not -_INF < data < _INF:
        if data != data:
            raise ValueError(f"{fn.name}: result is NaN for inputs {_describe(parents)}")
        raise OverflowError(f"{fn.name}: result overflows a float for inputs {_describe(parents)}")
    if not state.enabled:  # under no_grad() the result is a plain leaf
        return _leaf(data)
    if fn.exact:
        local = fn.local(*args, data, *params)
    else:
        try:
            local = fn.local(*args, data, *params)
        except (OverflowError, ZeroDivisionError):  # a finite result with an infinite slope
            local = (_INF,)
        for slope in local:
            if not -_INF < slope < _INF:
                raise ValueError(f"{fn.name}: the derivative is infinite at {_describe(parents)}")
    return _fill(_new(Value), data, parents, local, op or fn.name, fn, params)


# The two hot paths of _apply, spelled out for the ops whose slope is finite wherever
# their value is: a neuron's forward pass is thousands of these calls.
def _unary(fn: ValueOp, x: "Value") -> "Value":
    a = x.data
    data = fn.forward(a)
    if fn.exact and -_INF < data < _INF and state.enabled:
        return _fill(_new(Value), data, (x,), fn.local(a, data), fn.name, fn, ())
    return _apply(fn, (x,), (a,))


def _binary(fn: ValueOp, x: "Value", y: "Value") -> "Value":
    a, b = x.data, y.data
    data = fn.forward(a, b)
    if fn.exact and -_INF < data < _INF and state.enabled:
        return _fill(_new(Value), data, (x, y), fn.local(a, b, data), fn.name, fn, ())
    return _apply(fn, (x, y), (a, b))


class Value:
    """A scalar node of a computational graph.

    >>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    >>> c = a * b + a.relu(); c.backward(); a.grad
    -2.0
    """

    __slots__ = ("data", "grad", "parents", "local_grads", "op", "fn", "params", "label",
                 "scope", "__weakref__")
    is_parameter = False  # nn.scalar.Parameter sets this; viz styles parameters apart
    numeric_locals = True  # local_grads are numbers: the chain-rule loop multiplies them itself

    data: float
    grad: float
    parents: tuple
    local_grads: tuple
    op: str
    fn: ValueOp | None   # the op table entry that made this node (None for leaves)
    params: tuple        # the op's constant arguments (a constant exponent)
    label: str | None
    scope: str | None

    def __init__(self, data: Number, label: str | None = None) -> None:
        if label is not None and not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, got {type(label).__name__}")
        _fill(self, _as_float(data, "Value"), (), (), "", None, ())
        self.label = label

    # ---- arithmetic: result and local derivatives side by side (rules in value_ops) ----
    def __add__(self, other: Value | Number) -> Value:
        return _binary(ops.ADD, self, other if type(other) is Value else _wrap(other, "+"))

    def __radd__(self, other: Number) -> Value:
        return _wrap(other, "+") + self

    def __sub__(self, other: Value | Number) -> Value:
        return _binary(ops.SUB, self, other if type(other) is Value else _wrap(other, "-"))

    def __rsub__(self, other: Number) -> Value:
        return _wrap(other, "-") - self

    def __mul__(self, other: Value | Number) -> Value:
        return _binary(ops.MUL, self, other if type(other) is Value else _wrap(other, "*"))

    def __rmul__(self, other: Number) -> Value:
        return _wrap(other, "*") * self

    def __truediv__(self, other: Value | Number) -> Value:
        other = _wrap(other, "/")
        if other.data == 0.0:
            raise ZeroDivisionError(f"/: division by zero: {self!r} / {other!r}")
        return _binary(ops.DIV, self, other)

    def __rtruediv__(self, other: Number) -> Value:
        return _wrap(other, "/") / self

    def __neg__(self) -> Value:
        return _unary(ops.NEG, self)

    def __pos__(self) -> Value:
        return self

    def __pow__(self, exponent: Value | Number) -> Value:
        if isinstance(exponent, Value):
            return _pow_value(self, exponent)
        b = _as_float(exponent, "**")
        a = self.data
        if a < 0.0 and not b.is_integer():
            raise ValueError(
                f"**: a negative base needs an integer exponent, got {self!r} ** {b}"
            )
        if a == 0.0 and b < 0.0:
            raise ZeroDivisionError(f"**: zero cannot be raised to a negative power: {self!r} ** {b}")
        if a == 0.0 and 0.0 < b < 1.0:
            raise ValueError(f"**: the derivative of x ** {b} is infinite at {self!r}")
        try:
            return _apply(ops.POW_CONST, (self,), (self.data,), (b,), f"**{b:g}")
        except OverflowError:
            raise OverflowError(f"**: result overflows a float: {self!r} ** {b}") from None

    def __rpow__(self, base: Number) -> Value:
        return _pow_value(_wrap(base, "**"), self)

    # ---- functions ------------------------------------------------------------------
    def exp(self) -> Value:
        try:
            return _unary(ops.EXP, self)
        except OverflowError:
            raise OverflowError(f"exp: result overflows a float for {self!r}") from None

    def log(self) -> Value:
        if self.data <= 0.0:
            raise ValueError(f"log: input must be > 0, got {self!r}")
        return _unary(ops.LOG, self)

    def sqrt(self) -> Value:
        x = self.data
        if x < 0.0:
            raise ValueError(f"sqrt: input must be >= 0, got {self!r}")
        if x == 0.0:
            raise ValueError(f"sqrt: the derivative is infinite at {self!r}")
        return _unary(ops.SQRT, self)

    def tanh(self) -> Value:
        return _unary(ops.TANH, self)

    def sigmoid(self) -> Value:
        return _unary(ops.SIGMOID, self)

    def relu(self) -> Value:
        return _unary(ops.RELU, self)

    def __abs__(self) -> Value:
        return _unary(ops.ABS, self)

    def abs(self) -> Value:
        return self.__abs__()

    @staticmethod
    def sum(values: Iterable[Value | Number]) -> Value:
        """One n-ary add node for many terms (a neuron's dot product stays one node wide)."""
        parents = tuple(_wrap(v, "sum") for v in values)
        if not parents:
            raise ValueError("sum: needs at least one term")
        return _apply(ops.SUM, parents, tuple([p.data for p in parents]))

    # ---- the chain rule ---------------------------------------------------------------
    def backward(self) -> None:
        """Fill ``grad`` of every node in this graph with ∂self/∂node.

        Non-leaf grads are reset first, so they show this pass's upstream gradients;
        leaves accumulate across calls until ``zero_grad()``, as in PyTorch.
        """
        order, grads = backprop((self,), (1.0,))
        total = sum(grads.values())  # finite if every gradient is (one C loop), or it overflowed
        if total - total != 0.0 and any(g - g != 0.0 for g in grads.values()):
            node = _first_overflow(order, grads)  # refuse before writing any grad
            at = f" (created at {anomaly.where(node)})" if anomaly.active else ""
            raise OverflowError(f"backward: the gradient of {node!r}{at} overflowed; "
                                "scale the loss or the inputs down")
        get = grads.get
        for node in order:
            if node.parents:
                node.grad = get(node, 0.0)
            else:
                node.grad += get(node, 0.0)
        state.last_root = weakref.ref(self)

    def _send(self, g: Value, create_graph: bool) -> list:
        """Local × upstream for each parent, as nodes of the derivative's graph (the loop
        multiplies the stored numbers itself when no graph is wanted)."""
        with derivative_scope(f"of {self.op}"):
            local = self.fn.local(*self.parents, self, *self.params)  # type: ignore[union-attr]
            return [g if slope == 1.0 and type(slope) is float else slope * g
                    for slope in local]

    def zero_grad(self) -> None:
        """Set ``grad`` to 0.0 on every node of this graph, leaves included."""
        for node in topo_sort(self):
            node.grad = 0.0

    # ---- conveniences -------------------------------------------------------------------
    def item(self) -> float:
        return self.data

    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        label = "" if self.label is None else f", label={self.label!r}"
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"


def _first_overflow(order: Sequence, grads: dict) -> Value:
    """The first node, in backward's order, whose gradient is inf or NaN."""
    for node in reversed(order):
        g = grads.get(node, 0.0)
        if g - g != 0.0:
            return node
    raise AssertionError("no overflowing gradient")  # callers checked there is one


def _pow_value(base: Value, exponent: Value) -> Value:
    """``base ** exponent`` where the exponent is itself a node (two parents)."""
    a, b = base.data, exponent.data
    if a < 0.0:
        raise ValueError(
            f"**: a negative base has no derivative with respect to the exponent: "
            f"{base!r} ** {exponent!r}; use a plain number exponent"
        )
    if a == 0.0 and b < 0.0:
        raise ZeroDivisionError(f"**: zero cannot be raised to a negative power: {base!r} ** {exponent!r}")
    if a == 0.0 and 0.0 < b < 1.0:
        raise ValueError(f"**: the derivative of x ** {b} is infinite at {base!r}")
    try:
        return _binary(ops.POW, base, exponent)  # 0 ** 0 is 1, with gradients (0, 0) as in PyTorch
    except OverflowError:
        raise OverflowError(f"**: result overflows a float: {base!r} ** {exponent!r}") from None
