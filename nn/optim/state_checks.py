"""Whether a saved optimizer state fits an optimizer: every check of ``load_state_dict``.

It lists every problem rather than stopping at the first, so one error message says
all that is wrong, and ``load_state_dict`` changes nothing unless the list is empty.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def state_dict_problems(optimizer: Any, state_dict: Any) -> list[str]:
    """What does not fit ``optimizer`` (an ``nn.optim.Optimizer``) in ``state_dict``, or [].

    The groups must match in number, sizes and keys, and their hyperparameters pass the
    optimizer's own checks; each state entry must name a parameter and hold the arrays
    the optimizer keeps for it (given the hyperparameters being loaded: amsgrad adds
    one), with its shape, float dtypes, and a non-negative int step.
    """
    if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
        return ["expected a dict with exactly the keys 'state' and 'param_groups' "
                "(from Optimizer.state_dict())"]
    groups, state = state_dict["param_groups"], state_dict["state"]
    if not isinstance(groups, list) or not isinstance(state, dict):
        return ["'param_groups' must be a list and 'state' a dict"]
    if len(groups) != len(optimizer.param_groups):
        return [f"{len(groups)} parameter groups in the state, {len(optimizer.param_groups)} here"]
    problems, loaded = _group_problems(optimizer, groups)
    param_slots = optimizer._param_slots()
    for key, entry in state.items():
        try:
            index = int(key)
        except (TypeError, ValueError):
            problems.append(f"state key {key!r} is not a parameter index")
            continue
        if not 0 <= index < len(param_slots) or not isinstance(entry, dict):
            problems.append(f"state {key!r}: no parameter {key!r} (there are {len(param_slots)})")
            continue
        slot, element, g = param_slots[index]
        # The state must fit the hyperparameters being loaded (amsgrad adds a buffer).
        group = loaded[g] or optimizer.param_groups[g]
        data, _ = slot.arrays()
        expected = set(optimizer._init_state(group, data)) | {"step"}
        if set(entry) != expected:
            problems.append(f"state {index}: entries {sorted(entry)} in the state, {sorted(expected)} expected")
            continue
        problems += _entry_problems(index, entry, data.shape if element is None else ())
    return problems


def _group_problems(optimizer: Any, groups: list) -> tuple[list[str], list[dict | None]]:
    """The problems of the saved groups, and each group as it would be loaded (None if bad)."""
    problems: list[str] = []
    loaded: list[dict | None] = []
    for i, (saved, group) in enumerate(zip(groups, optimizer.param_groups)):
        loaded.append(None)
        if not isinstance(saved, dict):
            problems.append(f"group {i}: not a dict")
            continue
        if len(saved.get("params", ())) != len(group["params"]):
            problems.append(f"group {i}: {len(saved.get('params', ()))} parameters in the state, "
                            f"{len(group['params'])} here")
        if set(saved) != set(group):
            problems.append(f"group {i}: keys {sorted(saved)} in the state, {sorted(group)} here")
            continue
        trial = {**saved, "params": group["params"]}
        try:
            optimizer._check_group(trial)
        except (TypeError, ValueError) as error:
            problems.append(f"group {i}: {error}")
        else:
            loaded[i] = trial
    return problems, loaded


def _entry_problems(index: int, entry: dict, shape: tuple) -> list[str]:
    problems = []
    for k, v in entry.items():
        array = np.asarray(v)
        if k == "step":
            if array.shape != () or array.dtype.kind not in "iu" or array < 0:
                problems.append(f"state {index}: 'step' must be a non-negative int, got {v!r}")
        elif array.shape != shape:
            problems.append(f"state {index}: {k!r} has shape {array.shape} in the state, {shape} here")
        elif array.dtype.kind != "f":
            problems.append(f"state {index}: {k!r} has dtype {array.dtype}; expected floats")
    return problems
