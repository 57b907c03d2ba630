"""``Module``: the base class of every layer and network, for both engines.

A module finds its parameters and sub-modules by looking at its own attributes, in
the order they were first assigned (Python keeps ``vars()`` in that order), so no
registration calls are needed and the order is deterministic.
"""
from __future__ import annotations

import itertools
from collections import OrderedDict
from typing import Any, Iterator, Mapping

import numpy as np

from autograd.recording import state
from autograd.tensor import Tensor

_uids = itertools.count(1)


def _is_parameter(x: object) -> bool:
    return getattr(x, "is_parameter", False) is True


def _entries(obj: object) -> Iterator[tuple[str, object]]:
    """(name, item) for every attribute; lists and tuples unpack as ``name.i``, dicts as ``name.key``."""
    for name, value in vars(obj).items():
        if isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                yield f"{name}.{i}", item
        elif isinstance(value, dict):
            for key, item in value.items():
                yield f"{name}.{key}", item
        else:
            yield name, value


def _named_parameters(module: "Module", prefix: str, seen: set[int]) -> Iterator[tuple[str, Any]]:
    # Depth first through the attributes themselves, so a child's parameters come exactly
    # where the child was assigned (PyTorch puts a module's own first). ``seen`` holds the
    # ids of the modules and parameters already walked. Recursion is fine: module trees
    # are as deep as their nesting, a handful of levels, not as deep as graphs.
    for name, item in _entries(module):
        if id(item) in seen:
            continue
        if isinstance(item, Module):
            seen.add(id(item))
            yield from _named_parameters(item, f"{prefix}{name}.", seen)
        elif _is_parameter(item):
            seen.add(id(item))
            yield f"{prefix}{name}", item


def _snapshot(p: Any) -> np.ndarray:
    """A parameter's data as a fresh array (a Value's float becomes a 0-d float64 array)."""
    return np.array(p.data, dtype=_spec(p)[1])


def _spec(p: Any) -> tuple[tuple[int, ...], np.dtype]:
    """The shape and dtype a parameter's saved array must have."""
    if isinstance(p.data, np.ndarray):
        return p.data.shape, p.data.dtype
    return (), np.dtype(np.float64)


class Module:
    """Base class for layers and networks built on ``Tensor`` or ``Value``.

    Subclasses assign parameters (nodes whose class sets ``is_parameter = True``),
    sub-modules, or lists, tuples or dicts of either as attributes, and define
    ``forward``. ``parameters()`` finds them in the order the attributes were first
    assigned, each once even if shared.

    Diagram contract: ``module(x)`` runs ``forward`` inside
    ``autograd.recording.scope(self.scope_name)``, so every node it creates records
    ``node.scope``. The name is ``"{display}#{uid}"``: ``display`` is a short
    PyTorch-like title such as ``Linear(784→100)``, ``MLP(784→100→10)`` or
    ``ReLU()`` (see :meth:`display`), and ``uid`` is an integer unique to this
    instance within the process. Nested calls join scopes with ``'/'``
    (``MLP(2→4→1)#3/Linear(2→4)#1``). Diagrams show the part before ``'#'`` as a
    box or cluster title; the uid keeps two identical layers apart.
    """

    training: bool
    _uid: int
    # Names of attributes holding state that is saved and loaded but not trained, such
    # as BatchNorm's running statistics (PyTorch's "buffers"): numpy arrays, updated in place.
    buffer_names: tuple[str, ...] = ()
    _named = False  # have this module's parameters been labelled with their paths?

    def __new__(cls, *args: Any, **kwargs: Any) -> "Module":
        # Set here rather than in __init__ so a subclass that forgets
        # super().__init__() still works.
        self = super().__new__(cls)
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_uid", next(_uids))
        return self

    def __init__(self) -> None:
        pass

    # Copies and unpickled modules keep the fresh uid __new__ gave them: two live
    # modules must never share a diagram scope.
    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("_uid", None)
        state.pop("_scope", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # The same as ``with recording.scope(self.scope_name):``, inlined: a scalar MLP
        # calls one module per neuron, and a generator-based context manager would
        # cost more than the neuron's arithmetic.
        previous = state.scope
        if previous is None and not self._named:  # the outermost call names the parameters
            self.name_parameters()
        # The scope string is made once: formatting it on every call cost about 2% of
        # an MNIST epoch. (A module whose display() text changes later keeps the first.)
        name = self.__dict__.get("_scope") or self._remember_scope()
        state.scope = name if previous is None else f"{previous}/{name}"
        try:
            return self.forward(*args, **kwargs)
        finally:
            state.scope = previous

    # ---- names ---------------------------------------------------------------------
    def name_parameters(self) -> None:
        """Label every parameter with its path in this module, ``layers.0.weight``, the name
        diagrams show. Run by the first call from outside any module; a label the user
        chose (one that is not the end of the path) is kept."""
        for path, p in self.named_parameters():
            parts = path.split(".")
            # A layer's own names: "weight" for layers.0.weight, "w0" for neurons.0.w.0.
            own = p.label in (parts[-1], "".join(parts[-2:])) or path.endswith(f".{p.label}")
            if p.label is None or own:
                p.label = path
        object.__setattr__(self, "_named", True)

    def display(self) -> str:
        """Short title for diagrams, e.g. ``Linear(784→100)``; subclasses override it."""
        return f"{type(self).__name__}()"

    def _remember_scope(self) -> str:
        name = f"{self.display()}#{self._uid}"
        object.__setattr__(self, "_scope", name)
        return name

    @property
    def scope_name(self) -> str:
        """The scope this module's nodes record: ``"{display}#{uid}"``."""
        return f"{self.display()}#{self._uid}"

    def extra_repr(self) -> str:
        """The text inside ``Name(...)`` in ``repr``; subclasses override it."""
        return ""

    def __repr__(self) -> str:
        # PyTorch's layout: the extra text inline when alone, else one line per item.
        extra = self.extra_repr()
        lines = [extra] if extra else []
        lines += [f"({name}): {child!r}" for name, child in self.named_children()]
        if not lines or (extra and len(lines) == 1):
            return f"{type(self).__name__}({extra})"
        body = "\n".join(lines).replace("\n", "\n  ")
        return f"{type(self).__name__}(\n  {body}\n)"

    # ---- traversal -----------------------------------------------------------------
    def named_children(self) -> Iterator[tuple[str, "Module"]]:
        """Direct sub-modules, in attribute-assignment order (list items as ``name.i``)."""
        for name, item in _entries(self):
            if isinstance(item, Module):
                yield name, item

    def children(self) -> Iterator["Module"]:
        for _, child in self.named_children():
            yield child

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, "Module"]]:
        """This module and every descendant once, depth first (``""`` names self)."""
        seen: set[int] = set()
        stack = [(prefix, self)]
        while stack:  # iterative, like the graph walk: deep nets must not hit the recursion limit
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            kids = [(f"{name}.{n}" if name else n, m) for n, m in module.named_children()]
            stack.extend(reversed(kids))

    def modules(self) -> Iterator["Module"]:
        for _, module in self.named_modules():
            yield module

    def named_parameters(self) -> Iterator[tuple[str, Any]]:
        """Every parameter once (a shared one under its first name), in assignment order."""
        return _named_parameters(self, "", {id(self)})

    def named_buffers(self) -> Iterator[tuple[str, np.ndarray]]:
        """Every buffer (see ``buffer_names``) of this module and its descendants, by dotted name."""
        for prefix, module in self.named_modules():
            for name in module.buffer_names:
                yield (f"{prefix}.{name}" if prefix else name), getattr(module, name)

    def parameters(self) -> list:
        """The parameters as a list, ready for an optimizer."""
        return [p for _, p in self.named_parameters()]

    # ---- modes and gradients ---------------------------------------------------------
    def train(self, mode: bool = True) -> "Module":
        """Switch this module and all descendants to training mode (dropout on)."""
        if not isinstance(mode, bool):
            raise TypeError(f"train: mode must be a bool, got {type(mode).__name__}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> "Module":
        """Switch to evaluation mode (dropout off); same as ``train(False)``."""
        return self.train(False)

    def zero_grad(self) -> None:
        """Reset every parameter's gradient to zero before the next backward pass.

        A Tensor's grad is reset to ``None``, which reads as zeros; the next backward
        then stores its gradient directly instead of adding it to a zero-filled array.
        """
        for p in self.parameters():
            if isinstance(p.data, np.ndarray):
                p.grad = None
            else:
                p.grad = 0.0

    # ---- state -----------------------------------------------------------------------
    def state_dict(self) -> "OrderedDict[str, np.ndarray]":
        """A copy of every parameter, then every buffer, as a numpy array, keyed by dotted name.

        A ``Value`` parameter becomes a 0-d float64 array.
        """
        result = OrderedDict((name, _snapshot(p)) for name, p in self.named_parameters())
        result.update((name, np.array(b)) for name, b in self.named_buffers())
        return result

    def _state_entries(self) -> "OrderedDict[str, Any]":
        """Parameters and buffers by name, each with ``.data`` (a buffer wrapped, not copied)."""
        entries: OrderedDict[str, Any] = OrderedDict(self.named_parameters())
        entries.update((name, Tensor(b)) for name, b in self.named_buffers())
        return entries

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Copy arrays into the parameters and buffers, in place (optimizers keep working).

        Every name, shape and dtype is checked first; any difference raises one
        ``ValueError`` listing them all, and nothing is assigned.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"load_state_dict: expected a mapping of names to arrays, got {type(state_dict).__name__}"
            )
        params = self._state_entries()
        problems = _differences(params, state_dict)
        if problems:
            raise ValueError(
                f"load_state_dict: the state does not fit {type(self).__name__} "
                f"({len(problems)} problem{'s' if len(problems) > 1 else ''}):\n  "
                + "\n  ".join(problems)
            )
        # Everything is checked and converted before the first assignment, and the
        # checks rule out every way an assignment could fail: all or nothing.
        staged = [(p, np.asarray(state_dict[name])) for name, p in params.items()]
        for p, array in staged:
            if isinstance(p.data, np.ndarray):
                p.data[...] = array
            else:
                p.data = float(array)


def _differences(params: Mapping[str, Any], state: Mapping[str, Any]) -> list[str]:
    """Every way ``state`` fails to match ``params``: names, shapes, dtypes, values."""
    problems = [f"missing: {name!r}" for name in params if name not in state]
    problems += [f"unexpected: {name!r}" for name in state if name not in params]
    for name, p in params.items():
        if name not in state:
            continue
        try:
            array = np.asarray(state[name])
        except Exception as error:  # an object numpy cannot hold: report it with the rest
            problems.append(f"{name!r}: not an array ({error})")
            continue
        shape, dtype = _spec(p)
        if array.shape != shape:
            problems.append(f"{name!r}: shape {array.shape} in the state, {shape} in the model")
        if array.dtype != dtype:
            problems.append(f"{name!r}: dtype {array.dtype} in the state, {dtype} in the model")
        elif array.shape == shape and array.dtype.kind == "f" and not np.isfinite(array).all():
            # A Value never holds inf or NaN, and a Tensor model with one is broken.
            bad = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
            problems.append(f"{name!r}: value {array[bad]} at index {bad} is not finite")
        if isinstance(p.data, np.ndarray) and not p.data.flags.writeable:
            problems.append(f"{name!r}: the model's array is read-only; give the parameter a "
                            f"writable copy first (p.data = p.data.copy())")
    return problems
