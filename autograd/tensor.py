"""The numpy engine: one array per node, on the same graph protocol as ``Value``.

An op computes its result with numpy and records, per parent, a vector-Jacobian
rule (``g -> parent's contribution``) from the op table in ``autograd.tensor_ops`` /
``autograd.tensor_softmax``. ``backward()`` runs the one chain-rule loop
(``autograd.chain_rule``), which asks each node for its parents' shares
(``_send``: the rules, summed back to each parent's shape and dtype).

Grad semantics: ``grad`` reads as (read-only) zeros of ``data``'s shape and dtype
until a gradient arrives; reading stores nothing. Setting ``t.grad = None`` (or
``zero_grad()``) resets it. Leaves accumulate across ``backward()`` calls, in place,
like PyTorch. Each tensor has a version that ``t.data -= ...`` and optimizer steps
bump; backward refuses a rule whose saved input changed since the forward pass.
"""
from __future__ import annotations

import numbers
import weakref
from typing import Any, Iterator, Sequence, Union, cast

import numpy as np

from autograd import anomaly
from autograd import tensor_ops as ops
from autograd import tensor_softmax as softmax_ops
from autograd.chain_rule import backprop
from autograd.graph import topo_sort
from autograd.recording import derivative_scope, state
from autograd.tensor_ops import TensorOp
from autograd.tensor_shapes import (check_nonempty, explain_shapes, is_basic_index,
                                    normalize_axes, sum_to)

ArrayLike = Union["Tensor", np.ndarray, float, int, Sequence]
_new = object.__new__
_SUPPORTED_KINDS = "biuf"  # bool, signed/unsigned int, float

# How many times any tensor's data has been assigned, process-wide. A node notes it when
# made (``_born``), a tensor when its data is assigned (``_edited``): backward compares
# one number per node, and looks closer only if some tensor, somewhere, was edited since
# the node was made. (A tuple of parent versions per node cost every op and every
# backward step a loop over its parents.)
_edits = 0


def _as_array(data: Any, where: str) -> np.ndarray:
    """``data`` as an ndarray of a supported dtype, without copying when it already is one."""
    if isinstance(data, Tensor):
        arr = data.data
    elif isinstance(data, np.ndarray):
        arr = data
    elif isinstance(data, (numbers.Number, np.generic, list, tuple)):
        arr = np.asarray(data)
    else:
        raise TypeError(f"{where}: expected a numpy array, a number or a (nested) list of "
                        f"numbers, got {type(data).__name__}")
    if arr.dtype.kind not in _SUPPORTED_KINDS:
        hint = ("complex numbers are not supported" if arr.dtype.kind == "c" else
                "pass numbers, for example np.asarray(values, dtype=np.float32)")
        raise TypeError(f"{where}: unsupported dtype {arr.dtype}; {hint}")
    return arr


def _fill(node: Tensor, data: np.ndarray, parents: tuple, local_grads: tuple, op: str,
          fn: TensorOp | None, params: tuple, requires_grad: bool) -> Tensor:
    """The one place that lists a node's fields."""
    node._data = data
    node._version = 0
    node._edited = 0
    node._born = _edits
    node._grad = None
    node.parents = parents
    node.local_grads = local_grads
    node.op = op
    node.fn = fn
    node.params = params
    node.label = None
    node.scope = state.scope
    node.requires_grad = requires_grad
    if anomaly.active:
        anomaly.record(node)
    return node


def _leaf(data: np.ndarray) -> Tensor:
    """A node with no graph: an op's result under no_grad(), or a constant operand."""
    return _fill(_new(Tensor), data, (), (), "", None, (), False)


def _apply(fn: TensorOp, parents: tuple, out: Any, params: tuple = (), op: str = "") -> Tensor:
    """An op's output: records parents and rules only if some parent requires grad."""
    if type(out) is not np.ndarray:
        out = np.asarray(out)  # numpy returns scalars, not 0-d arrays, from reductions
    if not state.enabled:
        return _leaf(out)
    vjps = fn.vjps
    local: tuple
    if len(parents) == 1:  # the common arities, spelled out: this runs for every op
        if not parents[0].requires_grad:
            return _leaf(out)
        local = vjps
    elif len(parents) > 2:
        local = tuple([v if p.requires_grad else None for p, v in zip(parents, vjps)])
        if not any(local):
            return _leaf(out)
    else:
        a, b = parents
        if a.requires_grad:
            local = vjps if b.requires_grad and len(vjps) == 2 else (vjps[0], None)
        elif b.requires_grad and len(vjps) == 2:
            local = (None, vjps[1])
        else:
            return _leaf(out)
    return _fill(_new(Tensor), out, parents, local, op or fn.name, fn, params, True)


def linear(x: Tensor, weight: Tensor, bias: Tensor) -> Tensor:
    """``x @ weight + bias`` as one node (``nn.Linear``'s forward); shapes and dtypes as for
    ``@`` and ``+``, which the caller has checked."""
    fn = ops.LINEAR
    return _apply(fn, (x, weight, bias), fn.forward(x._data, weight._data, bias._data))


def _lift(x: Any, like: Tensor, op: str) -> Tensor:
    """An operand as a Tensor; numbers and arrays become constant leaves (drawn in diagrams).

    Python numbers are "weak" as in numpy 2 (float32 + 0.5 stays float32). A numpy
    scalar or 0-d array is cast to a float tensor's dtype too, so it never upcasts it.
    """
    if isinstance(x, Tensor):
        return x
    if isinstance(x, bool) or isinstance(x, np.bool_):
        raise TypeError(f"{op}: got a bool ({x!r}); pass 1.0 or 0.0 if you mean a number")
    if type(x) is float or type(x) is int:
        dtype = like._data.dtype
        return _leaf(np.asarray(x, dtype=dtype if dtype.kind == "f" else np.result_type(dtype, x)))
    if isinstance(x, (np.ndarray, np.generic, list, tuple, numbers.Number)):
        arr = _as_array(x, op)
        if arr.ndim == 0 and arr.dtype.kind in "iuf" and like.data.dtype.kind == "f":
            arr = arr.astype(like.data.dtype, copy=False)
        return _leaf(arr)
    raise TypeError(f"{op}: unsupported operand of type {type(x).__name__}; expected a Tensor, "
                    "a number or a numpy array")


def _binary(fn: TensorOp, a: Tensor, b: Tensor) -> Tensor:
    da, db = a._data, b._data
    if da.dtype != db.dtype:
        # Like PyTorch: an integer operand of any shape, or a 0-d float one, takes the
        # other's float dtype. numpy would make float32 * int64 array float64.
        fa, fb = da.dtype.kind == "f", db.dtype.kind == "f"
        if fa and (not fb or (db.ndim == 0 and da.ndim)):
            db = db.astype(da.dtype)
        elif fb and (not fa or (da.ndim == 0 and db.ndim)):
            da = da.astype(db.dtype)
    try:
        out = fn.forward(da, db)
    except ValueError:
        explain_shapes(fn.name, da.shape, db.shape)
        raise
    return _apply(fn, (a, b), out)


def _unary(fn: TensorOp, x: Tensor, *params: Any, op: str = "") -> Tensor:
    return _apply(fn, (x,), fn.forward(x._data, *params), params, op)


class Tensor:
    """A node holding a numpy array; ops on it build the graph ``backward()`` walks.

    >>> x = Tensor(np.ones((2, 3), np.float32), requires_grad=True)
    >>> (x * 2).sum().backward(); x.grad.tolist()
    [[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]
    """

    __slots__ = ("_data", "_version", "_grad", "parents", "local_grads", "op", "fn", "params",
                 "_edited", "_born", "label", "scope", "requires_grad", "__weakref__")
    is_parameter = False  # nn.Parameter sets this; viz styles parameters apart
    numeric_locals = False  # local_grads are VJP rules, which _send applies
    __array_ufunc__ = None  # ndarray + Tensor defers to Tensor.__radd__, never an object array

    _data: np.ndarray
    _version: int
    _grad: np.ndarray | None
    parents: tuple
    local_grads: tuple
    op: str
    fn: TensorOp | None      # the op table entry that made this node (None for leaves)
    params: tuple            # the op's constant arguments (axes, shapes, an exponent...)
    _edited: int             # the edit count (``_edits``) when data was last assigned
    _born: int               # the edit count when this node was made
    label: str | None
    scope: str | None
    requires_grad: bool

    def __init__(self, data: ArrayLike, requires_grad: bool = False,
                 label: str | None = None) -> None:
        arr = _as_array(data, "Tensor")  # no copy when data is already an ndarray
        if not isinstance(requires_grad, (bool, np.bool_)):
            raise TypeError(f"Tensor: requires_grad must be True or False, got {requires_grad!r}")
        if requires_grad and arr.dtype.kind != "f":
            raise TypeError(f"Tensor: only floating-point tensors can require grad, got dtype "
                            f"{arr.dtype}; convert first, e.g. Tensor(x.astype(np.float32), "
                            "requires_grad=True)")
        if label is not None and not isinstance(label, str):
            raise TypeError(f"Tensor: label must be a str, got {type(label).__name__}")
        _fill(self, arr, (), (), "", None, (), bool(requires_grad))
        self.label = label

    # ---- data and its version -------------------------------------------------------------
    @property
    def data(self) -> np.ndarray:
        return self._data

    @data.setter
    def data(self, value: np.ndarray) -> None:
        # ``t.data -= step`` updates the array in place and then assigns it back, so it
        # lands here: the edit count tells backward that saved inputs have changed.
        global _edits
        self._data = value
        self._version += 1
        _edits += 1
        self._edited = _edits

    @property
    def version(self) -> int:
        """How many times ``data`` was assigned (``t.data -= ...`` counts; optimizers bump it)."""
        return self._version

    # ---- gradient storage -----------------------------------------------------------------
    @property
    def has_grad(self) -> bool:
        """True once a gradient is stored, by ``backward()`` or an assignment; False after
        ``zero_grad()`` or ``grad = None``. Optimizers skip parameters without one, as
        PyTorch skips those whose ``grad`` is None. This is "no gradient yet" for both
        engines: a ``Value``'s grad is 0.0 then, a Tensor's reads as zeros."""
        return self._grad is not None

    @property
    def grad(self) -> np.ndarray:
        """∂root/∂self after ``backward()``; zeros of ``data``'s shape and dtype before it.

        Reading never stores anything: before a gradient arrives the zeros are a read-only
        view, so ``has_grad`` stays False and an in-place edit fails loudly instead of
        being lost. Assign ``t.grad = array`` to set a gradient by hand.
        """
        g = self._grad
        if g is None:
            return np.broadcast_to(np.zeros((), self._data.dtype), self._data.shape)
        return g

    @grad.setter
    def grad(self, value: ArrayLike | None) -> None:
        if value is None:
            self._grad = None
            return
        arr = np.array(value.data if isinstance(value, Tensor) else value, dtype=self.data.dtype)
        if arr.shape != self.data.shape:
            raise ValueError(f"grad: an array of shape {arr.shape} cannot be the gradient of a "
                             f"tensor of shape {self.data.shape}; the shapes must match")
        self._grad = arr  # a copy we own, so backward may accumulate into it in place

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Turn gradient tracking on or off for this leaf, in place; returns self."""
        if self.parents:
            raise ValueError("requires_grad_: only leaves can change requires_grad; "
                             "use .detach() to cut a result from its graph")
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(f"requires_grad_: only floating-point tensors can require grad, "
                            f"got dtype {self.data.dtype}")
        self.requires_grad = bool(requires_grad)
        return self

    # ---- arithmetic (rules in autograd.tensor_ops) -------------------------------------------
    def __add__(self, other: ArrayLike) -> Tensor:
        return _binary(ops.ADD, self, _lift(other, self, "+"))

    def __radd__(self, other: ArrayLike) -> Tensor:
        return _binary(ops.ADD, _lift(other, self, "+"), self)

    def __sub__(self, other: ArrayLike) -> Tensor:
        return _binary(ops.SUB, self, _lift(other, self, "-"))

    def __rsub__(self, other: ArrayLike) -> Tensor:
        return _binary(ops.SUB, _lift(other, self, "-"), self)

    def __mul__(self, other: ArrayLike) -> Tensor:
        return _binary(ops.MUL, self, _lift(other, self, "*"))

    def __rmul__(self, other: ArrayLike) -> Tensor:
        return _binary(ops.MUL, _lift(other, self, "*"), self)

    def __truediv__(self, other: ArrayLike) -> Tensor:
        return _binary(ops.DIV, self, _lift(other, self, "/"))

    def __rtruediv__(self, other: ArrayLike) -> Tensor:
        return _binary(ops.DIV, _lift(other, self, "/"), self)

    def __pow__(self, exponent: ArrayLike) -> Tensor:
        if isinstance(exponent, (bool, np.bool_)):
            raise TypeError(f"**: got a bool exponent ({exponent!r}); pass a number")
        if isinstance(exponent, (int, float, np.integer, np.floating)) or (
                isinstance(exponent, np.ndarray) and exponent.ndim == 0
                and exponent.dtype.kind in "iuf"):
            # A plain Python number, so it is "weak" and never changes the dtype; an
            # integer stays an int, so an integer tensor squared stays integer, as in numpy.
            p = np.asarray(exponent).item()
            return _unary(ops.POW_CONST, self, p, op=f"**{p:g}")
        return _binary(ops.POW, self, _lift(exponent, self, "**"))

    def __rpow__(self, base: ArrayLike) -> Tensor:
        return _binary(ops.POW, _lift(base, self, "**"), self)

    def __neg__(self) -> Tensor:
        return _unary(ops.NEG, self)

    def __pos__(self) -> Tensor:
        return self

    def __matmul__(self, other: ArrayLike) -> Tensor:
        return _binary(ops.MATMUL, self, _lift(other, self, "matmul"))

    def __rmatmul__(self, other: ArrayLike) -> Tensor:
        return _binary(ops.MATMUL, _lift(other, self, "matmul"), self)

    def matmul(self, other: ArrayLike) -> Tensor:
        """``self @ other`` with numpy's rules for 1-D, 2-D and batched operands."""
        return self @ other

    # ---- elementwise functions ------------------------------------------------------------
    def exp(self) -> Tensor:
        return _unary(ops.EXP, self)

    def log(self) -> Tensor:
        return _unary(ops.LOG, self)

    def sqrt(self) -> Tensor:
        return _unary(ops.SQRT, self)

    def tanh(self) -> Tensor:
        return _unary(ops.TANH, self)

    def sigmoid(self) -> Tensor:
        return _unary(ops.SIGMOID, self)

    def relu(self) -> Tensor:
        return _unary(ops.RELU, self)

    def __abs__(self) -> Tensor:
        return _unary(ops.ABS, self)

    def abs(self) -> Tensor:
        return _unary(ops.ABS, self)

    def clip(self, low: float | None = None, high: float | None = None) -> Tensor:
        """Limit values to ``[low, high]``; the gradient passes where low <= x <= high."""
        for name, bound in (("low", low), ("high", high)):
            if bound is not None and (isinstance(bound, (bool, np.bool_)) or
                                      not isinstance(bound, (numbers.Real, np.number))):
                raise TypeError(f"clip: {name} must be a number or None, got {bound!r}")
        if low is None and high is None:
            raise ValueError("clip: give low, high or both")
        if low is not None and high is not None and low > high:
            raise ValueError(f"clip: low ({low}) must not exceed high ({high})")
        # As Python numbers the bounds are "weak": a float64 bound never upcasts float32.
        low, high = (None if b is None else np.asarray(b).item() for b in (low, high))
        return _unary(ops.CLIP, self, low, high)

    def astype(self, dtype: Any) -> Tensor:
        """A copy converted to ``dtype``; the gradient is converted back."""
        dtype = np.dtype(dtype)
        if dtype.kind not in _SUPPORTED_KINDS:
            raise TypeError(f"astype: unsupported dtype {dtype}")
        if dtype.kind != "f":
            # Rounding to int or bool has no gradient, and integer tensors cannot require
            # grad: the result is a constant leaf, as PyTorch's .long() is.
            return _leaf(self.data.astype(dtype))
        return _unary(ops.ASTYPE, self, dtype)

    # ---- reductions -----------------------------------------------------------------------
    def sum(self, axis: int | tuple | None = None, keepdims: bool = False) -> Tensor:
        return _unary(ops.SUM, self, normalize_axes(axis, self.data.shape, "sum"), keepdims)

    def mean(self, axis: int | tuple | None = None, keepdims: bool = False) -> Tensor:
        axes = normalize_axes(axis, self.data.shape, "mean")
        check_nonempty(self.data.shape, axes, "mean")
        return _unary(ops.MEAN, self, axes, keepdims)

    def max(self, axis: int | tuple | None = None, keepdims: bool = False) -> Tensor:
        """Maximum over ``axis``; tied maxima share the gradient evenly (like ``torch.amax``)."""
        axes = normalize_axes(axis, self.data.shape, "max")
        check_nonempty(self.data.shape, axes, "max")
        return _unary(ops.MAX, self, axes, keepdims)

    # ---- shape ----------------------------------------------------------------------------
    def reshape(self, *shape: int | Sequence[int]) -> Tensor:
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in shape):
            raise TypeError(f"reshape: the shape must be ints, got {shape!r}")
        try:
            return _unary(ops.RESHAPE, self, tuple(int(n) for n in cast("tuple[int, ...]", shape)))
        except ValueError:
            raise ValueError(f"reshape: cannot reshape shape {self.data.shape} "
                             f"({self.data.size} elements) into {shape}") from None

    def transpose(self, *axes: int) -> Tensor:
        """Permute axes (reverse them when none are given), as ``np.transpose``."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        ndim = self.data.ndim
        if not axes:
            axes = tuple(range(ndim - 1, -1, -1))
        try:
            normal = normalize_axes(tuple(axes), self.data.shape, "transpose")
        except (TypeError, ValueError):
            normal = None
        if normal is None or len(normal) != ndim:
            raise ValueError(f"transpose: axes {axes} are not a permutation of the "
                             f"{ndim} axes of shape {self.data.shape}")
        return _unary(ops.TRANSPOSE, self, tuple(int(a) % ndim for a in axes))

    @property
    def T(self) -> Tensor:
        return self.transpose()

    def __getitem__(self, index: Any) -> Tensor:
        if isinstance(index, Tensor):
            index = index.data
        elif isinstance(index, tuple):
            index = tuple(i.data if isinstance(i, Tensor) else i for i in index)
        try:
            return _unary(ops.GETITEM, self, index, is_basic_index(index))
        except IndexError as err:
            raise IndexError(f"getitem: index {index!r} is invalid for shape "
                             f"{self.data.shape}: {err}") from None

    # ---- softmax family (rules in autograd.tensor_softmax) ----------------------------------
    def softmax(self, axis: int = -1) -> Tensor:
        return _unary(softmax_ops.SOFTMAX, self, self._one_axis(axis, "softmax"))

    def log_softmax(self, axis: int = -1) -> Tensor:
        return _unary(softmax_ops.LOG_SOFTMAX, self,
                      self._one_axis(axis, "log_softmax"))

    def _one_axis(self, axis: int, op: str) -> int:
        if isinstance(axis, tuple):
            raise TypeError(f"{op}: axis must be one int, got {axis!r}")
        (ax,) = normalize_axes(axis, self.data.shape, op)
        check_nonempty(self.data.shape, (ax,), op)
        return ax

    def cross_entropy(self, labels: ArrayLike) -> Tensor:
        """Mean softmax cross-entropy of logits ``self`` (N, C) against integer ``labels`` (N,).

        Fused through log-sum-exp: finite for any finite logits. A single sample may be
        given as logits (C,) with a scalar label.
        """
        x = self._data
        if x.dtype.kind != "f":
            raise TypeError(f"cross_entropy: logits must be floating point, got {x.dtype}")
        target = labels if isinstance(labels, Tensor) else _leaf(_as_array(labels, "cross_entropy"))
        y = target._data
        if y.dtype.kind not in "iu":
            raise TypeError(f"cross_entropy: labels must be integer class indices, got dtype "
                            f"{y.dtype}; for one-hot targets pass labels.argmax(axis=1)")
        logits = self
        if x.ndim == 1 and y.ndim == 0:
            logits, target = self.reshape(1, -1), _leaf(y.reshape(1))
            x, y = logits._data, target._data
        if x.ndim != 2:
            raise ValueError(f"cross_entropy: logits must have shape (N, C), or (C,) with one "
                             f"label, got shape {x.shape}")
        softmax_ops.check_labels(x.shape, y)
        fn = softmax_ops.CROSS_ENTROPY
        loss, probs = fn.forward(x, y)
        return _apply(fn, (logits, target), loss, (probs,))

    # ---- the chain rule -------------------------------------------------------------------
    def backward(self, grad: ArrayLike | None = None) -> None:
        """Fill ``grad`` of every node in this graph with ∂self/∂node.

        Non-leaf grads are reset first; leaves that require grad accumulate across calls
        until ``zero_grad()``, as in PyTorch. A tensor with more than one element needs
        ``grad=`` (the upstream gradient, same shape). A leaf is never left holding inf
        or NaN: such a pass raises, naming the leaf and the op where it began.
        """
        if not self.requires_grad:
            raise ValueError("backward: this tensor does not require grad, so it has no graph; "
                             "create its inputs with requires_grad=True (outside no_grad())")
        order, grads = backprop((self,), (self._seed(grad, "backward"),))
        leaves = []
        held = set()  # arrays a non-leaf keeps: a leaf must not share them
        for node in order:
            g = grads.get(node)
            if node.parents:
                node._grad = g
                held.add(id(g))
            elif g is not None and node.requires_grad:
                if not _all_finite(g):
                    raise ValueError(_non_finite_message(node, order, grads))
                leaves.append(node)
        for leaf in leaves:  # only once every leaf is known to be finite
            g = grads[leaf]
            if leaf._grad is not None:
                leaf._grad += g  # its own array (the setter and the branch below copy)
            else:
                if type(g) is not np.ndarray or g.base is not None or id(g) in held:
                    g = np.array(g)  # a view or a shared array: take a copy of our own
                held.add(id(g))
                leaf._grad = g
        state.last_root = weakref.ref(self)

    def _seed(self, grad: ArrayLike | None, where: str) -> np.ndarray:
        """∂self/∂self to start a backward pass: ones, or the given upstream ``grad``."""
        root = self._data
        if grad is None:
            if root.size != 1:
                raise ValueError(f"{where}: grad can be implied only for a tensor with one "
                                 f"element, this one has shape {root.shape}; pass grad= (an "
                                 "array of that shape) or reduce it first, e.g. .sum()")
            value = root.item()
            if value - value != 0:  # true only for inf and nan; a cheap scalar test
                raise ValueError(f"{where}: the root is {value}; an op upstream overflowed "
                                 "or received nan input, so its gradients would be garbage")
            # np.array is C; np.ones is Python (and a loss is almost always 0-d).
            return np.array(1, root.dtype) if root.ndim == 0 else np.ones(root.shape, root.dtype)
        seed = np.array(_as_array(grad, where), dtype=root.dtype)
        if seed.shape != root.shape:
            raise ValueError(f"{where}: grad has shape {seed.shape} but the tensor has "
                             f"shape {root.shape}; they must match")
        if not np.isfinite(root).all():
            raise ValueError(f"{where}: the root holds nan or inf; an op upstream "
                             "overflowed or received nan input, so its gradients would "
                             "be garbage")
        return seed

    def _send(self, g: Any, create_graph: bool) -> list:
        """Each parent's share of ``g``, summed to its shape and cast to its dtype."""
        parents = self.parents
        if _edits != self._born and _edited_since_made(self):
            raise RuntimeError(_modified_message(self))
        if create_graph:
            with derivative_scope(f"of {self.op}"):
                args = (g, self, *parents, *self.params)
                return [None if vjp is None else _fit_node(vjp(*args), p)
                        for vjp, p in zip(self.local_grads, parents)]
        if len(parents) == 1:  # the common arities spelled out: this runs for every node
            args = (g, self._data, parents[0]._data, *self.params)
        elif len(parents) == 2:
            args = (g, self._data, parents[0]._data, parents[1]._data, *self.params)
        else:
            args = (g, self._data, *[p._data for p in parents], *self.params)
        sent: list = []
        for vjp, parent in zip(self.local_grads, parents):
            if vjp is None:
                sent.append(None)
                continue
            share = vjp(*args)
            if type(share) is not np.ndarray:
                share = np.asarray(share)
            pdata = parent._data
            if share.shape != pdata.shape:
                share = sum_to(share, pdata.shape)
            if share.dtype != pdata.dtype:
                share = share.astype(pdata.dtype)
            sent.append(share)
        if anomaly.active:
            anomaly.check_sent(self, sent)
        return sent

    def zero_grad(self) -> None:
        """Reset ``grad`` (to zeros on the next read) on every node of this graph."""
        for node in topo_sort(self):
            node._grad = None

    # ---- ops that backward passes use (first and higher order) -------------------------------
    def broadcast_to(self, shape: Sequence[int]) -> Tensor:
        """A read-only view repeated to ``shape``, as ``np.broadcast_to``; the gradient sums back."""
        shape = tuple(int(n) for n in shape)
        try:
            out = np.broadcast_to(self.data, shape)
        except ValueError:
            raise ValueError(f"broadcast_to: cannot broadcast shape {self.data.shape} to "
                             f"{shape}") from None
        return _apply(ops.BROADCAST_TO, (self,), out, (shape,))

    def sum_to(self, shape: Sequence[int]) -> Tensor:
        """Sum over broadcast axes down to ``shape`` (the reverse of ``broadcast_to``)."""
        shape = tuple(int(n) for n in shape)
        return _unary(ops.SUM_TO, self, shape)

    def _scatter(self, shape: tuple, index: Any, basic: bool) -> Tensor:
        """Zeros of ``shape`` with this tensor added in at ``index`` (getitem's gradient)."""
        return _unary(ops.SCATTER, self, shape, index, basic)

    # ---- conveniences ---------------------------------------------------------------------
    @property
    def shape(self) -> tuple:
        return self._data.shape

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def size(self) -> int:
        return self._data.size

    def numpy(self) -> np.ndarray:
        """The data array itself (shared, not copied), like ``torch.Tensor.numpy``."""
        return self.data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """Lets ``np.asarray(tensor)`` (and matplotlib) see the data without a copy."""
        if copy:
            return np.array(self.data, dtype=dtype, copy=True)
        return self.data if dtype is None else self.data.astype(dtype, copy=False)

    def detach(self) -> Tensor:
        """A leaf sharing this tensor's data, cut from the graph."""
        return _leaf(self.data)

    def item(self) -> float | int | bool:
        if self.data.size != 1:
            raise ValueError(f"item: only a tensor with one element converts to a Python "
                             f"number, this one has shape {self.data.shape}")
        return self.data.item()

    def __float__(self) -> float:
        return float(self.item())

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __iter__(self) -> Iterator[Tensor]:
        if self.data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self.data)))

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(f"the truth value of a tensor of shape {self.data.shape} is "
                             "ambiguous; use .data.any() or .data.all()")
        return bool(self.data)

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", threshold=8, edgeitems=2,
                               precision=4, prefix="Tensor(")
        parts = [body, f"shape={self.data.shape}", f"dtype={self.data.dtype}"]
        if self.label is not None:
            parts.append(f"label={self.label!r}")
        if self.op:
            parts.append(f"op={self.op!r}")
        if self.requires_grad:
            parts.append("requires_grad=True")
        return f"Tensor({', '.join(parts)})"


def _fit_node(share: Tensor, parent: Tensor) -> Tensor:
    """A share built as a graph, summed to its parent's shape and cast to its dtype."""
    if share.data.shape != parent.data.shape:
        share = share.sum_to(parent.data.shape)
    if share.data.dtype != parent.data.dtype:
        share = share.astype(parent.data.dtype)
    return share


def _name(node: Tensor) -> str:
    what = f"{node.label!r}" if node.label else f"a tensor of shape {node.data.shape}"
    return f"{what} (made by {node.op!r})" if node.op else what


def _all_finite(g: np.ndarray) -> bool:
    """Whether every element of ``g`` is finite, in one pass with no temporary array.

    A sum of squares is finite exactly when every element is, unless it overflows; only
    then does an elementwise test decide. (BLAS's dot beats ``isfinite(g).all()``, which
    writes a mask and reads it back: about 2% of an MNIST step, with four parameters.)
    """
    s = float(np.vdot(g, g))
    return s - s == 0 or bool(np.isfinite(g).all())


def _edited_since_made(node: Tensor) -> bool:
    """Whether the node's data, or a parent's, was assigned after the node was made."""
    born = node._born
    return node._edited > born or any([p._edited > born for p in node.parents])


def _modified_message(node: Tensor) -> str:
    changed = [p for p in node.parents if p._edited > node._born]
    target = changed[0] if changed else node
    return (f"backward: {_name(target)} was modified in place after the {node.op!r} op saved "
            "it for backward, so its gradient would be wrong; update weights only after "
            "backward() (loss.backward() then opt.step()), or run the forward pass again")


def _non_finite_message(leaf: Tensor, order: list, grads: dict) -> str:
    """Name the leaf, and the op whose rule first turned finite gradients into inf or NaN."""
    origin = None
    for node in reversed(order):  # backward's order: the first bad share is the origin
        g = grads.get(node)
        if g is None or not node.parents or not np.isfinite(g).all():
            continue
        if any(s is not None and not np.isfinite(s).all() for s in node._send(g, False)):
            origin = node
            break
    where = (f"; it first appeared in the gradient that the {origin.op!r} op "
             f"({_name(origin)}) sends to its inputs" if origin is not None else "")
    if origin is not None and anomaly.active:
        where += f", created at {anomaly.where(origin)}"
    return (f"backward: the gradient of {_name(leaf)} holds inf or nan{where}. The loss is "
            "finite, but a derivative overflowed (for example 1/x at a tiny x, or a large "
            "power); rescale the inputs, or run under autograd.detect_anomaly() to see where")
