"""Convolutional layers: ``Conv2d``, ``MaxPool2d`` and ``AvgPool2d`` (NCHW, like PyTorch)."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd.conv import Size, as_pair, check_pool_padding
from nn import functional as F
from nn.init import Init, check_size, float_dtype, init_std
from nn.functional import as_input
from nn.module import Module
from nn.parameter import Parameter
from nn.seeding import resolve_rng


def _text(pair: tuple[int, int]) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}×{pair[1]}"


class Conv2d(Module):
    """``y = conv2d(x, weight) + bias`` for ``x`` of shape (N, in_channels, H, W).

    ``weight`` has PyTorch's shape ``(out_channels, in_channels, kH, kW)``; it is drawn
    from a normal with the ``init`` scale over the fan-in ``in_channels·kH·kW`` (He by
    default, for ReLU networks); the bias starts at zero.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Size, stride: Size = 1,
                 padding: Size = 0, bias: bool = True, init: Init = "he", dtype: Any = np.float32,
                 rng: np.random.Generator | int | None = None) -> None:
        where = "Conv2d"
        self.in_channels = check_size(in_channels, "in_channels", where)
        self.out_channels = check_size(out_channels, "out_channels", where)
        self.kernel_size = as_pair(kernel_size, "kernel_size", 1, where)
        self.stride = as_pair(stride, "stride", 1, where)
        self.padding = as_pair(padding, "padding", 0, where)
        if not isinstance(bias, (bool, np.bool_)):
            raise TypeError(f"{where}: bias must be True or False, got {bias!r}")
        dtype = float_dtype(dtype, where)
        taps = self.kernel_size[0] * self.kernel_size[1]
        std = init_std(init, self.in_channels * taps, self.out_channels * taps, where)
        shape = (self.out_channels, self.in_channels, *self.kernel_size)
        self.weight = Parameter(resolve_rng(rng, where).normal(0.0, std, shape).astype(dtype),
                                label="weight")
        self.bias = Parameter(np.zeros(self.out_channels, dtype), label="bias") if bias else None

    def forward(self, x: Any) -> Any:
        x = as_input(x, self.display())
        if x.ndim != 4:
            raise ValueError(f"{self.display()}: expected a 4-D input (N, {self.in_channels}, H, W), "
                             f"got shape {x.shape}; add a batch axis with x.reshape(1, *x.shape) "
                             "for one image")
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding)

    def display(self) -> str:
        extra = "".join(f", {name}={_text(value)}" for name, value, default in
                        (("stride", self.stride, (1, 1)), ("padding", self.padding, (0, 0)))
                        if value != default)
        return (f"Conv2d({self.in_channels}→{self.out_channels}, "
                f"{_text(self.kernel_size)}{extra})")

    def extra_repr(self) -> str:
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}, bias={self.bias is not None}, "
                f"dtype={self.weight.dtype}")


class _Pool2d(Module):
    """Shared by the pools: the subclass names the function (``F.max_pool2d``, ...)."""
    function: Any

    def __init__(self, kernel_size: Size, stride: Size | None = None, padding: Size = 0) -> None:
        where = type(self).__name__
        self.kernel_size = as_pair(kernel_size, "kernel_size", 1, where)
        self.stride = self.kernel_size if stride is None else as_pair(stride, "stride", 1, where)
        self.padding = as_pair(padding, "padding", 0, where)
        check_pool_padding(self.kernel_size, self.padding, where)

    def forward(self, x: Any) -> Any:
        return type(self).function(as_input(x, self.display()), self.kernel_size, self.stride,
                                   self.padding)

    def display(self) -> str:
        extra = "" if self.stride == self.kernel_size else f", stride={_text(self.stride)}"
        extra += "" if self.padding == (0, 0) else f", padding={_text(self.padding)}"
        return f"{type(self).__name__}({_text(self.kernel_size)}{extra})"

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool2d):
    """The maximum of each ``kernel_size`` window (stride defaults to the kernel size)."""
    function = staticmethod(F.max_pool2d)


class AvgPool2d(_Pool2d):
    """The mean of each ``kernel_size`` window (stride defaults to the kernel size)."""
    function = staticmethod(F.avg_pool2d)
