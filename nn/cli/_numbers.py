"""The command line's number types, one set for every command. argparse reports a
refusal as ``error: argument --x: ...``, in one line, before any work is done."""
from __future__ import annotations

import argparse
import math
from typing import Callable


def _bounded(kind: type, positive: bool) -> Callable[[str], float]:
    """A parser of ``kind`` (int or float) that refuses non-finite values and values
    below 0 (``positive``: 0 too)."""
    noun = "integer" if kind is int else "number"
    bound = f"a positive {noun}" if positive else ">= 0"

    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            article = "an" if kind is int else "a"
            raise argparse.ArgumentTypeError(f"expected {article} {noun}, got {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be finite, got {text}")
        if value < 0 or (positive and value == 0):
            raise argparse.ArgumentTypeError(f"must be {bound}, got {text}")
        return value

    return parse


positive_int = _bounded(int, positive=True)
non_negative_int = _bounded(int, positive=False)
positive_float = _bounded(float, positive=True)
non_negative_float = _bounded(float, positive=False)
