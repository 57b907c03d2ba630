"""The scalar engine: one Python float per node, built to be read and drawn.

Every op computes its result and its local derivatives ∂out/∂parent side by side,
during the forward pass. ``backward()`` is then one generic loop applying the chain
rule, ``parent.grad += local_grad * node.grad``; no node holds a closure, so a
dropped graph is freed by reference counting alone.
"""
from __future__ import annotations

import math
import numbers
from typing import Iterable, Union

from autograd.graph import topo_sort
from autograd.recording import state

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


def _leaf(data: float) -> "Value":
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out.parents = ()
    out.local_grads = ()
    out.op = ""
    out.label = None
    out.scope = state.scope
    return out


def _wrap(x: object, op: str) -> "Value":
    """Values pass through; plain numbers become constant leaves (shown in diagrams)."""
    if type(x) is Value or isinstance(x, Value):
        return x  # type: ignore[return-value]
    return _leaf(_as_float(x, op))


def _describe(parents: tuple) -> str:
    return ", ".join(repr(p) for p in parents)


def _result(data: float, parents: tuple, local_grads: tuple, op: str) -> "Value":
    """Make an op's output node. Refuses inf and NaN so they never spread silently."""
    if not -_INF < data < _INF:
        if data != data:
            raise ValueError(f"{op}: result is NaN for inputs {_describe(parents)}")
        raise OverflowError(f"{op}: result overflows a float for inputs {_describe(parents)}")
    if not state.enabled:  # under no_grad() the result is a plain leaf
        return _leaf(data)
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out.parents = parents
    out.local_grads = local_grads
    out.op = op
    out.label = None
    out.scope = state.scope
    return out


def _finite_local(value: float, op: str, x: "Value") -> float:
    if not -_INF < value < _INF:
        raise ValueError(f"{op}: the derivative is infinite at {x!r}")
    return value


class Value:
    """A scalar node of a computational graph.

    >>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    >>> c = a * b + a.relu(); c.backward(); a.grad
    -2.0
    """

    __slots__ = ("data", "grad", "parents", "local_grads", "op", "label", "scope", "__weakref__")
    is_parameter = False  # nn.scalar.Parameter sets this; viz styles parameters apart

    data: float
    grad: float
    parents: tuple
    local_grads: tuple
    op: str
    label: str | None
    scope: str | None

    def __init__(self, data: Number, label: str | None = None) -> None:
        self.data = _as_float(data, "Value")
        self.grad = 0.0
        self.parents = ()
        self.local_grads = ()
        self.op = ""
        if label is not None and not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, got {type(label).__name__}")
        self.label = label
        self.scope = state.scope

    # ---- arithmetic: result and local derivatives side by side ---------------------
    def __add__(self, other: Value | Number) -> Value:
        other = _wrap(other, "+")
        return _result(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __radd__(self, other: Number) -> Value:
        return _wrap(other, "+") + self

    def __sub__(self, other: Value | Number) -> Value:
        other = _wrap(other, "-")
        return _result(self.data - other.data, (self, other), (1.0, -1.0), "-")

    def __rsub__(self, other: Number) -> Value:
        return _wrap(other, "-") - self

    def __mul__(self, other: Value | Number) -> Value:
        other = _wrap(other, "*")
        return _result(self.data * other.data, (self, other), (other.data, self.data), "*")

    def __rmul__(self, other: Number) -> Value:
        return _wrap(other, "*") * self

    def __truediv__(self, other: Value | Number) -> Value:
        other = _wrap(other, "/")
        a, b = self.data, other.data
        if b == 0.0:
            raise ZeroDivisionError(f"/: division by zero: {self!r} / {other!r}")
        # b * b underflows to 0.0 for |b| < 1e-162: then -(a / b) / b, which is inf
        # (refused below) unless a is tiny too, instead of a bare ZeroDivisionError.
        bb = b * b
        d_b = -a / bb if bb != 0.0 else -(a / b) / b
        locals_ = (_finite_local(1.0 / b, "/", other), _finite_local(d_b, "/", other))
        return _result(a / b, (self, other), locals_, "/")

    def __rtruediv__(self, other: Number) -> Value:
        return _wrap(other, "/") / self

    def __neg__(self) -> Value:
        return _result(-self.data, (self,), (-1.0,), "neg")

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
            data = a ** b
        except OverflowError:
            raise OverflowError(f"**: result overflows a float: {self!r} ** {b}") from None
        try:  # a finite result can still have an infinite slope: 1e-200 ** -1.5
            local = b * a ** (b - 1.0) if b != 0.0 else 0.0
        except OverflowError:
            local = _INF
        return _result(data, (self,), (_finite_local(local, "**", self),), f"**{b:g}")

    def __rpow__(self, base: Number) -> Value:
        return _pow_value(_wrap(base, "**"), self)

    # ---- functions ------------------------------------------------------------------
    def exp(self) -> Value:
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"exp: result overflows a float for {self!r}") from None
        return _result(e, (self,), (e,), "exp")

    def log(self) -> Value:
        x = self.data
        if x <= 0.0:
            raise ValueError(f"log: input must be > 0, got {self!r}")
        return _result(math.log(x), (self,), (_finite_local(1.0 / x, "log", self),), "log")

    def sqrt(self) -> Value:
        x = self.data
        if x < 0.0:
            raise ValueError(f"sqrt: input must be >= 0, got {self!r}")
        if x == 0.0:
            raise ValueError(f"sqrt: the derivative is infinite at {self!r}")
        s = math.sqrt(x)
        return _result(s, (self,), (_finite_local(0.5 / s, "sqrt", self),), "sqrt")

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return _result(t, (self,), (1.0 - t * t,), "tanh")

    def sigmoid(self) -> Value:
        x = self.data
        # Two branches so exp never sees a large positive argument.
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        return _result(s, (self,), (s * (1.0 - s),), "sigmoid")

    def relu(self) -> Value:
        x = self.data
        if x > 0.0:
            return _result(x, (self,), (1.0,), "relu")
        return _result(0.0, (self,), (0.0,), "relu")

    def __abs__(self) -> Value:
        x = self.data
        # The subgradient 0 at x == 0 matches PyTorch.
        return _result(abs(x), (self,), (1.0 if x > 0.0 else -1.0 if x < 0.0 else 0.0,), "abs")

    def abs(self) -> Value:
        return self.__abs__()

    @staticmethod
    def sum(values: Iterable[Value | Number]) -> Value:
        """One n-ary add node for many terms (a neuron's dot product stays one node wide)."""
        parents = tuple(_wrap(v, "sum") for v in values)
        if not parents:
            raise ValueError("sum: needs at least one term")
        return _result(math.fsum(p.data for p in parents), parents, (1.0,) * len(parents), "sum")

    # ---- the chain rule ---------------------------------------------------------------
    def backward(self) -> None:
        """Fill ``grad`` of every node in this graph with ∂self/∂node.

        Non-leaf grads are reset first, so they show this pass's upstream gradients;
        leaves accumulate across calls until ``zero_grad()``, as in PyTorch.
        """
        topo = topo_sort(self)
        for node in topo:
            if node.parents:
                node.grad = 0.0
        self.grad += 1.0
        for node in reversed(topo):
            g = node.grad
            if g - g != 0.0:  # true only for inf and NaN
                raise OverflowError(
                    f"backward: the gradient of {node!r} overflowed; "
                    "scale the loss or the inputs down"
                )
            for parent, local in zip(node.parents, node.local_grads):
                parent.grad += local * g

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


def _pow_value(base: Value, exponent: Value) -> Value:
    """``base ** exponent`` where the exponent is itself a node (two parents)."""
    a, b = base.data, exponent.data
    if a < 0.0:
        raise ValueError(
            f"**: a negative base has no derivative with respect to the exponent: "
            f"{base!r} ** {exponent!r}; use a plain number exponent"
        )
    if a == 0.0:
        if b <= 0.0:
            raise ZeroDivisionError(f"**: zero cannot be raised to a power <= 0: {base!r} ** {exponent!r}")
        if b < 1.0:
            raise ValueError(f"**: the derivative of x ** {b} is infinite at {base!r}")
        # d/db 0**b is 0 for b > 0 (the limit of 0**b * log 0).
        return _result(0.0, (base, exponent), (b * a ** (b - 1.0), 0.0), "**")
    try:
        data = a ** b
    except OverflowError:
        raise OverflowError(f"**: result overflows a float: {base!r} ** {exponent!r}") from None
    try:  # a finite result can still have an infinite slope: 1e-200 ** -1.5
        slope = b * a ** (b - 1.0)
    except OverflowError:
        slope = _INF
    locals_ = (slope, data * math.log(a))
    for local in locals_:
        _finite_local(local, "**", base)
    return _result(data, (base, exponent), locals_, "**")
