"""nn.checks.positive_int: the one check of counts, sizes and steps across nn."""
from __future__ import annotations

import numpy as np
import pytest

from nn.checks import positive_int


@pytest.mark.parametrize("value", [1, 7, np.int64(3), np.uint8(255)])
def test_positive_integers_come_back_as_int(value):
    out = positive_int(value, "n", "f")
    assert out == int(value) and type(out) is int


@pytest.mark.parametrize("value", [0, -1, True, False, 2.0, 2.5, "3", None, np.float32(1)])
def test_everything_else_is_one_value_error_naming_caller_and_argument(value):
    with pytest.raises(ValueError) as info:
        positive_int(value, "batch_size", "DataLoader")
    assert str(info.value) == f"DataLoader: batch_size must be a positive integer, got {value!r}"


def test_the_caller_and_a_hint_are_optional():
    with pytest.raises(ValueError, match=r"^steps must be a positive integer, got 0$"):
        positive_int(0, "steps")
    with pytest.raises(ValueError, match=r"^fit: threads must be a positive integer \(or None\), got -2$"):
        positive_int(-2, "threads", "fit", hint=" (or None)")
