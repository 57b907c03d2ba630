"""``Optimizer``: parameter groups, skipping, state and ``zero_grad``, shared by every rule.

Subclasses only write ``_update(group, data, grad, state)``: one step of their
published equations on numpy arrays, changing ``data`` and the state arrays in
place (never ``grad``). Conventions follow ``torch.optim``.

**Which parameters a step skips**, leaving them and their optimizer state alone:
those whose gradient is *unset*, like a PyTorch parameter whose grad is ``None``.
A ``Tensor`` parameter is unset when ``has_grad`` is False: no backward pass has
reached it since ``zero_grad()`` (its ``grad`` still reads as zeros, as the graph
protocol says). A ``Value`` has no such state (its grad is a float that starts at
0.0), so a ``Value`` parameter counts as unset when ``grad == 0.0``.
"""
from __future__ import annotations

import copy
import math
import numbers
from typing import Any, Iterable

import numpy as np

from autograd.tensor import Tensor
from autograd.value import Value
from nn.optim.slots import Slot, TensorSlot, ValueSlot
from nn.optim.state_checks import state_dict_problems


def check_hyper(group: dict, name: str, low: float = 0.0, high: float = math.inf,
                high_open: bool = False, where: str = "optimizer") -> None:
    """A finite real hyperparameter in ``[low, high]`` (or ``[low, high)``)."""
    value = group[name]
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise TypeError(f"{where}: {name} must be a finite real number, got {value!r}")
    x = float(value)
    if x < low or x > high or (high_open and x == high):
        bracket = ")" if high_open else "]"
        raise ValueError(f"{where}: {name} must be in [{low}, {high}{bracket}, got {value!r}")
    group[name] = float(value)


def _check_param(p: Any, where: str) -> None:
    if isinstance(p, Value):
        if p.parents:
            raise ValueError(f"{where}: can only optimize leaf nodes, got the result of a {p.op!r} op")
        return
    if not isinstance(p, Tensor):
        raise TypeError(
            f"{where}: parameters must be Tensor or Value nodes, got {type(p).__name__}; "
            "pass model.parameters()"
        )
    if p.data.dtype.kind != "f":
        raise TypeError(f"{where}: can only optimize floating-point parameters, got dtype {p.data.dtype}")
    if not p.requires_grad:
        raise ValueError(f"{where}: a parameter does not require grad; it would never change")
    if p.parents:
        raise ValueError(f"{where}: can only optimize leaf nodes, got the result of a {p.op!r} op")


class Optimizer:
    """Base class: holds ``param_groups`` (dicts of hyperparameters plus ``params``)."""

    def __init__(self, params: Iterable[Any] | Iterable[dict], defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.param_groups: list[dict[str, Any]] = []
        self._slots: list[list[Slot]] = []
        name = type(self).__name__
        if isinstance(params, (Value, dict)) or isinstance(getattr(params, "data", None), np.ndarray):
            raise TypeError(
                f"{name}: params must be an iterable of parameters or of dicts, got a single "
                f"{type(params).__name__}; pass model.parameters() or [param]"
            )
        try:
            items = list(params)
        except TypeError:
            raise TypeError(f"{name}: params must be an iterable of parameters, got "
                            f"{type(params).__name__}; pass model.parameters()") from None
        if not items:
            raise ValueError(f"{name}: got an empty parameter list")
        groups = items if all(isinstance(g, dict) for g in items) else [{"params": items}]
        if any(isinstance(g, dict) for g in items) and groups is not items:
            raise TypeError(f"{name}: params must be all parameters or all dicts, not a mix")
        for group in groups:
            self.add_param_group(group)

    # ---- groups ----------------------------------------------------------------------
    def _check_group(self, group: dict[str, Any]) -> None:
        """Validate and normalise a group's hyperparameters (subclasses extend this)."""
        check_hyper(group, "lr", where=type(self).__name__)

    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyperparameters (defaults fill the rest)."""
        name = type(self).__name__
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(f"{name}: a parameter group must be a dict with a 'params' entry")
        unknown = set(group) - set(self.defaults) - {"params"}
        if unknown:
            raise ValueError(
                f"{name}: unknown hyperparameters {sorted(unknown)}; known: {sorted(self.defaults)}"
            )
        params = group["params"]
        params = [params] if isinstance(params, (Value, Tensor)) else list(params)
        if not params:
            raise ValueError(f"{name}: a parameter group has no parameters")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for p in params:
            _check_param(p, name)
            if id(p) in seen:
                raise ValueError(f"{name}: a parameter appears twice; give each parameter once")
            seen.add(id(p))
        full = {**self.defaults, **{k: v for k, v in group.items() if k != "params"}, "params": params}
        self._check_group(full)
        values = [p for p in params if isinstance(p, Value)]
        slots: list[Slot] = [TensorSlot(p) for p in params if not isinstance(p, Value)]
        if values:
            slots.append(ValueSlot(values))
        self.param_groups.append(full)
        self._slots.append(slots)

    # ---- the step --------------------------------------------------------------------
    def _init_state(self, group: dict[str, Any], data: np.ndarray) -> dict[str, np.ndarray]:
        """Fresh state arrays for a parameter (the step count is added by the base)."""
        return {}

    def _update(self, group: dict[str, Any], data: np.ndarray, grad: np.ndarray,
                state: dict[str, Any]) -> None:
        raise NotImplementedError(f"{type(self).__name__} must define _update()")

    def step(self) -> None:
        """Update every parameter whose gradient is set, in place."""
        update = self._update
        for group, slots in zip(self.param_groups, self._slots):
            for slot in slots:
                if isinstance(slot, ValueSlot):
                    self._step_values(group, slot)
                    continue
                # A Tensor's own arrays, inline (the hot loop of training): assigning
                # data back bumps its version, so a backward() through a graph made
                # before this step refuses.
                param = slot.param
                if param.has_grad:
                    data = param.data
                    state = slot.state or self._fresh_state(group, slot, data)
                    state["step"] += 1
                    update(group, data, param.grad, state)
                    param.data = data

    def _fresh_state(self, group: dict[str, Any], slot: Slot, data: np.ndarray) -> dict[str, Any]:
        """``slot.state`` filled for a first step: the rule's arrays, and a step count of 0
        (one per Value for packed Values, which step one by one)."""
        step = np.zeros(data.shape, np.int64) if slot.packed else 0
        slot.state.update(self._init_state(group, data), step=step)
        return slot.state

    def _step_values(self, group: dict[str, Any], slot: ValueSlot) -> None:
        """The same step for a group's Values, packed in one vector: only the Values whose
        grad is set take it, so their elements are updated as copies and scattered back."""
        data, grad = slot.arrays()
        state = slot.state or self._fresh_state(group, slot, data)
        mask = grad != 0.0
        if not mask.any():
            return
        sub_data, sub_state = data[mask], {k: v[mask] for k, v in state.items()}
        sub_state["step"] += 1
        # Overflow is checked below with a clear message, so numpy's warnings would only repeat it.
        with np.errstate(over="ignore", invalid="ignore"):
            self._update(group, sub_data, grad[mask], sub_state)
        if not np.isfinite(sub_data).all():
            raise ValueError(f"{type(self).__name__}: the step made a weight inf or NaN; "
                             "lower the learning rate or check the loss")
        data[mask] = sub_data
        for k, v in sub_state.items():  # a rule may add state lazily (SGD's momentum buffer)
            state.setdefault(k, np.zeros_like(data))[mask] = v
        slot.commit(data)

    def zero_grad(self) -> None:
        """Reset every parameter's gradient to zero (the graph protocol's 'no gradient')."""
        for slots in self._slots:
            for slot in slots:
                if isinstance(slot, ValueSlot):
                    for v in slot.values:
                        v.grad = 0.0
                else:
                    slot.param.grad = None  # a Tensor reads a reset grad as zeros

    # ---- state -----------------------------------------------------------------------
    def _param_slots(self) -> list[tuple[Slot, int | None, int]]:
        """For each parameter in group order: its slot, its element in a packed slot, its group."""
        out: list[tuple[Slot, int | None, int]] = []
        for g, (group, slots) in enumerate(zip(self.param_groups, self._slots)):
            where: dict[int, tuple[Slot, int | None, int]] = {}
            for slot in slots:
                if isinstance(slot, ValueSlot):
                    where.update((id(v), (slot, i, g)) for i, v in enumerate(slot.values))
                else:
                    where[id(slot.param)] = (slot, None, g)
            out.extend(where[id(p)] for p in group["params"])
        return out

    def state_dict(self) -> dict[str, Any]:
        """``{"state": {index: {name: array or int}}, "param_groups": [...]}``, as copies.

        Parameters are numbered in group order, like ``torch.optim``; only those that
        have taken a step have state. A Value's state entries are 0-d arrays.
        """
        state: dict[int, dict[str, Any]] = {}
        for index, (slot, element, _) in enumerate(self._param_slots()):
            if not slot.state:
                continue
            if element is None:
                state[index] = {k: (np.array(v) if isinstance(v, np.ndarray) else int(v))
                                for k, v in slot.state.items()}
            elif slot.state["step"][element] > 0:
                state[index] = {k: (np.array(v[element]) if k != "step" else int(v[element]))
                                for k, v in slot.state.items()}
        groups, index = [], 0
        for group in self.param_groups:
            n = len(group["params"])
            entry = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            entry["params"] = list(range(index, index + n))
            groups.append(entry)
            index += n
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyperparameters and state. Everything is checked before anything changes."""
        problems = state_dict_problems(self, state_dict)
        if problems:
            raise ValueError(f"{type(self).__name__}.load_state_dict: the state does not fit this "
                             "optimizer:\n  " + "\n  ".join(problems))
        for group, saved in zip(self.param_groups, state_dict["param_groups"]):
            group.update({k: copy.deepcopy(v) for k, v in saved.items() if k != "params"})
        param_slots = self._param_slots()
        for slots in self._slots:
            for slot in slots:
                slot.state.clear()
        saved_state = {int(k): v for k, v in state_dict["state"].items()}
        for index, (slot, element, g) in enumerate(param_slots):
            entry = saved_state.get(index)
            if entry is None:
                continue
            data, _ = slot.arrays()
            if element is None:
                slot.state.update({k: (int(v) if k == "step" else np.array(v, dtype=data.dtype))
                                   for k, v in entry.items()})
                continue
            state = slot.state or self._fresh_state(self.param_groups[g], slot, data)
            for k, v in entry.items():
                state.setdefault(k, np.zeros_like(data))[element] = v

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines) + "\n)"
