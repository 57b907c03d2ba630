"""Batch normalisation: ``batch_norm`` and the ``BatchNorm1d`` / ``BatchNorm2d`` layers.

In training, each channel is normalised by the mean and (biased) variance of the
batch, built from ordinary differentiable ops (``mean``, ``-``, ``*``, ``** -0.5``), so
backward needs no rule of its own and diagrams show every step. The running
statistics follow PyTorch exactly: ``running = (1 - momentum)·running + momentum·batch``,
with the *unbiased* batch variance (n/(n-1)). In evaluation the running statistics
are constants. Everything matches ``torch.nn.BatchNorm*d`` step by step (tests/test_batchnorm.py).
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from autograd.tensor import Tensor
from nn.init import check_size, float_dtype
from nn.module import Module
from nn.parameter import Parameter


def _stat_axes(x: Tensor) -> tuple[int, ...]:
    """Every axis but the channel axis 1: the statistics are per channel."""
    return (0,) + tuple(range(2, x.ndim))


def batch_norm(x: Tensor, running_mean: np.ndarray | None, running_var: np.ndarray | None,
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """``torch.nn.functional.batch_norm`` for x of shape (N, C, ...).

    In training the running statistics (if given) are updated in place.
    """
    channels = x.shape[1]
    shape = (1, channels) + (1,) * (x.ndim - 2)  # broadcasts a per-channel vector over x
    if training:
        count = x.size // channels
        if count <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when training, "
                             f"got input of shape {x.shape}; use a batch of at least 2 samples, "
                             "or call .eval() to use the running statistics")
        axes = _stat_axes(x)
        mean = x.mean(axis=axes, keepdims=True)
        centered = x - mean
        var = (centered * centered).mean(axis=axes, keepdims=True)
        scale = (var + eps) ** -0.5
        if running_mean is not None:
            running_mean *= 1.0 - momentum
            running_mean += momentum * mean.data.reshape(channels)
        if running_var is not None:
            running_var *= 1.0 - momentum
            running_var += (momentum * count / (count - 1)) * var.data.reshape(channels)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: evaluation needs running_mean and running_var")
        centered = x - running_mean.reshape(shape).astype(x.dtype)
        scale = Tensor((1.0 / np.sqrt(running_var + eps)).astype(x.dtype).reshape(shape))
    # The weight joins the per-channel scale before touching the big array: one full-size
    # multiply (and its backward) instead of two.
    out = centered * (scale if weight is None else scale * weight.reshape(shape))
    return out if bias is None else out + bias.reshape(shape)


class _BatchNorm(Module):
    """Shared by ``BatchNorm1d`` and ``BatchNorm2d``; they differ only in the input's rank."""

    ranks: tuple[int, ...]
    layout: str
    buffer_names = ("running_mean", "running_var", "num_batches_tracked")

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1,
                 affine: bool = True, dtype: Any = np.float32) -> None:
        where = type(self).__name__
        self.num_features = check_size(num_features, "num_features", where)
        def number(value: Any) -> bool:
            return isinstance(value, numbers.Real) and not isinstance(value, bool)
        if not (number(eps) and 0.0 < eps < np.inf):
            raise ValueError(f"{where}: eps must be a positive number, got {eps!r}")
        if not (number(momentum) and 0.0 <= momentum <= 1.0):
            raise ValueError(f"{where}: momentum must be a number in [0, 1], got {momentum!r}")
        if not isinstance(affine, (bool, np.bool_)):
            raise TypeError(f"{where}: affine must be True or False, got {affine!r}")
        self.eps, self.momentum = float(eps), float(momentum)
        dtype = float_dtype(dtype, where)
        self.weight = Parameter(np.ones(self.num_features, dtype), label="weight") if affine else None
        self.bias = Parameter(np.zeros(self.num_features, dtype), label="bias") if affine else None
        self.running_mean = np.zeros(self.num_features, dtype)
        self.running_var = np.ones(self.num_features, dtype)
        self.num_batches_tracked = np.zeros((), np.int64)

    def forward(self, x: Any) -> Tensor:
        if not isinstance(x, Tensor):
            x = Tensor(np.asarray(x))
        if x.ndim not in self.ranks or x.shape[1] != self.num_features:
            raise ValueError(f"{self.display()}: expected input of shape {self.layout} with "
                             f"C = {self.num_features}, got shape {x.shape}")
        if x.dtype != self.running_mean.dtype:
            raise TypeError(f"{self.display()}: input dtype {x.dtype} does not match the layer's "
                            f"{self.running_mean.dtype}; convert the input with .astype() or "
                            "build the layer with that dtype=")
        out = batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                         self.training, self.momentum, self.eps)
        if self.training:
            self.num_batches_tracked += 1
        return out

    def display(self) -> str:
        return f"{type(self).__name__}({self.num_features})"

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps:g}, momentum={self.momentum:g}, "
                f"affine={self.weight is not None}")


class BatchNorm1d(_BatchNorm):
    """Normalise each feature of (N, C) or (N, C, L) input over the batch (and L)."""
    ranks = (2, 3)
    layout = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Normalise each channel of (N, C, H, W) input over the batch and the pixels."""
    ranks = (4,)
    layout = "(N, C, H, W)"
