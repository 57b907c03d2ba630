"""Convolution and pooling on Tensors (NCHW, like ``torch.nn.functional``).

These functions check their arguments, with errors that name the op and every
shape involved, then record a node of an op from ``autograd.tensor_conv``.

    >>> y = conv2d(x, w, stride=1, padding=1)     # x (N, C, H, W), w (O, C, kH, kW)
    >>> z = max_pool2d(y, 2)                       # stride defaults to the kernel size
"""
from __future__ import annotations

import numbers
from typing import Any, Union

import numpy as np

from autograd import conv_kernels as kernels
from autograd import tensor_conv as ops
from autograd.conv_kernels import Pair, output_size
from autograd.tensor import Tensor, _apply

Size = Union[int, tuple[int, int]]


def as_pair(value: Any, name: str, low: int, op: str, context: str = "") -> Pair:
    """An int or a pair of ints, each at least ``low``, as a pair; ``context`` lists the shapes."""
    where = f" ({context})" if context else ""
    items = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(items) != 2 or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool)
                                  for v in items):
        raise TypeError(f"{op}: {name} must be an int or a pair of ints, got {value!r}{where}")
    if min(items) < low:
        raise ValueError(f"{op}: {name} must be >= {low}, got {value!r}{where}")
    return int(items[0]), int(items[1])


def check_pool_padding(kernel: Pair, padding: Pair, op: str, context: str = "") -> None:
    """PyTorch's rule: a pool's padding is at most half its kernel, so no window is all padding."""
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        where = f" ({context})" if context else ""
        raise ValueError(f"{op}: padding {padding} must be at most half the kernel size "
                         f"{kernel}{where}")


def as_tensor(x: Any, name: str, op: str) -> Tensor:
    """An operand as a Tensor: a numpy array becomes a constant leaf, anything else is refused."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, np.ndarray):
        return Tensor(x)
    raise TypeError(f"{op}: {name} must be a Tensor (or a numpy array), got {type(x).__name__}")


def _check_4d(x: Tensor, name: str, op: str, context: str) -> None:
    if x.ndim != 4:
        raise ValueError(f"{op}: expected a 4-D {name} (N, C, H, W), got shape {x.shape} "
                         f"({context}); add a batch axis with x.reshape(1, *x.shape) for one image")
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: {name} must be floating point, got dtype {x.dtype} ({context}); "
                        "convert with .astype(np.float32)")


def _check_fits(x_shape: tuple, kernel: Pair, padding: Pair, op: str, context: str) -> None:
    padded = (x_shape[2] + 2 * padding[0], x_shape[3] + 2 * padding[1])
    if kernel[0] > padded[0] or kernel[1] > padded[1]:
        raise ValueError(f"{op}: kernel {kernel[0]}×{kernel[1]} is larger than the padded input "
                         f"{padded[0]}×{padded[1]} ({context}); use a smaller kernel or more padding")


def _conv_args(x: Tensor, w: Tensor, stride: Any, padding: Any, op: str) -> tuple[Pair, Pair]:
    context = f"input {x.shape}, weight {w.shape}, stride {stride!r}, padding {padding!r}"
    _check_4d(x, "input", op, context)
    if w.ndim != 4:
        raise ValueError(f"{op}: expected a 4-D weight (out_channels, in_channels, kH, kW), got "
                         f"shape {w.shape} ({context})")
    if x.shape[1] != w.shape[1]:
        raise ValueError(f"{op}: input has {x.shape[1]} channels but the weight expects "
                         f"{w.shape[1]} ({context}); the weight is (out_channels, in_channels, kH, kW)")
    if x.dtype != w.dtype:
        raise TypeError(f"{op}: input dtype {x.dtype} does not match weight dtype {w.dtype} "
                        f"({context}); convert one with .astype()")
    stride = as_pair(stride, "stride", 1, op, context)
    padding = as_pair(padding, "padding", 0, op, context)
    _check_fits(x.shape, w.shape[2:], padding, op, context)
    return stride, padding


def conv2d(x: Tensor, weight: Tensor, stride: Size = 1, padding: Size = 0) -> Tensor:
    """2-D cross-correlation, as ``torch.nn.functional.conv2d`` without bias.

    ``x`` is (N, C, H, W), ``weight`` (O, C, kH, kW); the result is (N, O, OH, OW) with
    ``OH = (H + 2·padding - kH) // stride + 1``. Zero padding on both sides.
    """
    op = "conv2d"
    x, weight = as_tensor(x, "input", op), as_tensor(weight, "weight", op)
    stride, padding = _conv_args(x, weight, stride, padding, op)
    return ops.conv2d_node(x, weight, stride, padding)


def conv2d_input_grad(g: Tensor, weight: Tensor, input_shape: tuple, stride: Size = 1,
                      padding: Size = 0) -> Tensor:
    """The gradient of ``conv2d`` with respect to its input: a transposed convolution.

    ``g`` is the upstream gradient (N, O, OH, OW); the result has ``input_shape``.
    """
    op = "conv2d_input_grad"
    g, weight = as_tensor(g, "grad", op), as_tensor(weight, "weight", op)
    stride, padding = _grad_args(g, weight, weight.shape, tuple(input_shape), stride, padding, op)
    return ops.input_grad_of(g, weight, tuple(input_shape), stride, padding)


def conv2d_weight_grad(x: Tensor, g: Tensor, kernel_size: Size, stride: Size = 1,
                       padding: Size = 0) -> Tensor:
    """The gradient of ``conv2d`` with respect to its weight, (O, C, kH, kW)."""
    op = "conv2d_weight_grad"
    x, g = as_tensor(x, "input", op), as_tensor(g, "grad", op)
    kernel = as_pair(kernel_size, "kernel_size", 1, op, f"input {x.shape}, grad {g.shape}")
    weight_shape = (g.shape[1] if g.ndim == 4 else -1, x.shape[1] if x.ndim == 4 else -1, *kernel)
    stride, padding = _grad_args(g, x, weight_shape, x.shape, stride, padding, op)
    return ops.weight_grad_of(x, g, kernel, stride, padding)


def _grad_args(g: Tensor, other: Tensor, weight_shape: tuple, input_shape: tuple, stride: Any,
               padding: Any, op: str) -> tuple[Pair, Pair]:
    """Check that ``g`` is what ``conv2d`` of ``input_shape`` by ``weight_shape`` gives;
    ``other`` is the second operand (the weight or the input), whose dtype must be g's."""
    context = (f"grad {g.shape}, weight {weight_shape}, input {input_shape}, "
               f"stride {stride!r}, padding {padding!r}")
    if len(input_shape) != 4 or len(weight_shape) != 4 or min(weight_shape) < 1:
        raise ValueError(f"{op}: input and weight must be 4-D ({context})")
    if input_shape[1] != weight_shape[1]:
        raise ValueError(f"{op}: the input has {input_shape[1]} channels but the weight expects "
                         f"{weight_shape[1]} ({context})")
    _check_4d(g, "grad", op, context)
    if other.dtype != g.dtype:
        raise TypeError(f"{op}: grad dtype {g.dtype} does not match {other.dtype} ({context}); "
                        "convert one with .astype()")
    stride = as_pair(stride, "stride", 1, op, context)
    padding = as_pair(padding, "padding", 0, op, context)
    _check_fits(input_shape, weight_shape[2:], padding, op, context)
    expected = (input_shape[0], weight_shape[0],
                output_size(input_shape[2], weight_shape[2], stride[0], padding[0]),
                output_size(input_shape[3], weight_shape[3], stride[1], padding[1]))
    if g.shape != expected:
        raise ValueError(f"{op}: grad must have shape {expected}, the shape conv2d gives "
                         f"({context})")
    return stride, padding


# ---- pooling ---------------------------------------------------------------------------------
def _pool_args(x: Tensor, kernel_size: Any, stride: Any, padding: Any,
               op: str) -> tuple[Pair, Pair, Pair]:
    context = (f"input {x.shape}, kernel_size {kernel_size!r}, stride {stride!r}, "
               f"padding {padding!r}")
    _check_4d(x, "input", op, context)
    kernel = as_pair(kernel_size, "kernel_size", 1, op, context)
    stride = kernel if stride is None else as_pair(stride, "stride", 1, op, context)
    padding = as_pair(padding, "padding", 0, op, context)
    check_pool_padding(kernel, padding, op, context)
    _check_fits(x.shape, kernel, padding, op, context)
    return kernel, stride, padding


def max_pool2d(x: Tensor, kernel_size: Size, stride: Size | None = None,
               padding: Size = 0) -> Tensor:
    """The maximum of each window; tied maxima share the gradient evenly.

    ``stride`` defaults to ``kernel_size``; padding (at most half the kernel) never wins.
    """
    op = "max_pool2d"
    x = as_tensor(x, "input", op)
    kernel, stride, padding = _pool_args(x, kernel_size, stride, padding, op)
    out, weights = kernels.max_pool2d(x.data, kernel, stride, padding)
    return _apply(ops.MAX_POOL2D, (x,), out, (kernel, stride, padding, weights))


def avg_pool2d(x: Tensor, kernel_size: Size, stride: Size | None = None,
               padding: Size = 0) -> Tensor:
    """The mean of each window; padded zeros count in the mean (PyTorch's default)."""
    op = "avg_pool2d"
    x = as_tensor(x, "input", op)
    kernel, stride, padding = _pool_args(x, kernel_size, stride, padding, op)
    weights = ops.uniform_weights(kernel, x.dtype)
    out = kernels.pool2d_gather(x.data, weights, kernel, stride, padding)
    return _apply(ops.AVG_POOL2D, (x,), out, (kernel, stride, padding, weights))
