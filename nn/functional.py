"""Losses, activations and metrics as functions of Tensors (PyTorch's ``nn.functional``).

Losses take ``reduction="mean" | "sum" | "none"`` like PyTorch's. Every shape
mismatch names both shapes.
"""
from __future__ import annotations

from typing import Any

import numpy as np

import autograd
from autograd.conv import Size
from autograd.tensor import Tensor
from autograd.tensor_softmax import check_labels
from nn.batchnorm import batch_norm  # noqa: F401  (re-exported, as in torch.nn.functional)

REDUCTIONS = ("mean", "sum", "none")


def as_input(x: Any, where: str, name: str = "input") -> Tensor:
    """A layer's or function's input as a Tensor (a bare ndarray becomes a constant leaf).

    Every layer and function of ``nn`` takes its inputs through this one function, so
    they all accept and refuse the same things, with the same message.
    """
    if isinstance(x, Tensor):
        return x
    if isinstance(x, np.ndarray):
        return Tensor(x)
    raise TypeError(f"{where}: {name} must be a Tensor (or a numpy array), got {type(x).__name__}")


def _array(x: Any, name: str, where: str, like: Tensor | None = None) -> np.ndarray:
    """A target as a plain array: targets never need a gradient.

    Python numbers and lists are weak, as everywhere in tracegrad: given ``like``,
    float ones take its float dtype rather than numpy's float64.
    """
    if isinstance(x, Tensor):
        return x.data
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, (list, tuple, int, float, np.number)) and not isinstance(x, bool):
        y = np.asarray(x)
        weak = not isinstance(x, np.number)
        if weak and like is not None and y.dtype.kind == "f" and like.dtype.kind == "f":
            y = y.astype(like.dtype)
        return y
    raise TypeError(f"{where}: {name} must be a numpy array or a Tensor, got {type(x).__name__}")


def _reduce(losses: Tensor, reduction: str, where: str) -> Tensor:
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    if reduction == "none":
        return losses
    raise ValueError(f"{where}: reduction must be one of {REDUCTIONS}, got {reduction!r}")


def _check_reduction(reduction: Any, where: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{where}: reduction must be one of {REDUCTIONS}, got {reduction!r}")


def _float_target(y: np.ndarray, like: Tensor, name: str, where: str) -> tuple[Tensor, np.ndarray]:
    """``like`` and the target ``y`` in one dtype, chosen by PyTorch's type promotion.

    A float target array of another float dtype promotes both to the wider one (a
    float32 input with a float64 target gives a float64 loss, as in PyTorch); integer
    and bool targets, and 0-d ones (weak, as in Tensor ops), take the input's dtype.
    """
    if y.dtype.kind not in "biuf":
        raise TypeError(f"{where}: {name} must hold numbers, got dtype {y.dtype}")
    if y.shape != like.shape:
        raise ValueError(f"{where}: input of shape {like.shape} and {name} of shape "
                         f"{y.shape} must have the same shape")
    strong = y.dtype.kind == "f" and y.ndim > 0
    dtype = np.result_type(like.dtype, y.dtype) if strong else like.dtype
    if like.dtype != dtype:
        like = like.astype(dtype)
    return like, y.astype(dtype, copy=False)


# ---- activations -------------------------------------------------------------------------
def relu(x: Tensor) -> Tensor:
    return as_input(x, "relu", "x").relu()


def sigmoid(x: Tensor) -> Tensor:
    return as_input(x, "sigmoid", "x").sigmoid()


def tanh(x: Tensor) -> Tensor:
    return as_input(x, "tanh", "x").tanh()


def softmax(x: Tensor, axis: int = -1) -> Tensor:
    return as_input(x, "softmax", "x").softmax(axis)


def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    return as_input(x, "log_softmax", "x").log_softmax(axis)


# ---- convolution, pooling, normalisation (NCHW) -------------------------------------------
def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Size = 1,
           padding: Size = 0) -> Tensor:
    """``torch.nn.functional.conv2d``: x (N, C, H, W), weight (O, C, kH, kW), bias (O,)."""
    out = autograd.conv2d(as_input(x, "conv2d", "x"), weight, stride, padding)
    if bias is None:
        return out
    bias = as_input(bias, "conv2d", "bias")
    if bias.shape != (out.shape[1],):
        raise ValueError(f"conv2d: bias of shape {bias.shape} does not match the weight's "
                         f"{out.shape[1]} output channels (input {x.shape}, weight {weight.shape})")
    return out + bias.reshape(1, -1, 1, 1)


def max_pool2d(x: Tensor, kernel_size: Size, stride: Size | None = None,
               padding: Size = 0) -> Tensor:
    """The maximum of each window; ``stride`` defaults to ``kernel_size``."""
    return autograd.max_pool2d(as_input(x, "max_pool2d", "x"), kernel_size, stride, padding)


def avg_pool2d(x: Tensor, kernel_size: Size, stride: Size | None = None,
               padding: Size = 0) -> Tensor:
    """The mean of each window (padding counts as zeros); ``stride`` defaults to ``kernel_size``."""
    return autograd.avg_pool2d(as_input(x, "avg_pool2d", "x"), kernel_size, stride, padding)


# ---- losses ------------------------------------------------------------------------------
def _plain_labels_mean(logits: Any, target: Any, label_smoothing: Any, reduction: Any) -> bool:
    """The training loop's case, (N, C) logits and integer labels with no options: it goes
    straight to the fused op, skipping checks that cannot fail (a few µs a step)."""
    return (type(target) is np.ndarray and target.dtype.kind in "iu" and reduction == "mean"
            and type(label_smoothing) in (float, int) and label_smoothing == 0
            and isinstance(logits, Tensor) and logits.ndim == 2)


def cross_entropy(logits: Tensor, target: Any, label_smoothing: float = 0.0,
                  reduction: str = "mean") -> Tensor:
    """Softmax cross-entropy of ``logits`` (N, C).

    ``target`` is either integer class labels of shape (N,) or class probabilities
    (one-hot or soft) of shape (N, C). One sample may be given as logits (C,) with
    a label of shape () or probabilities (C,). ``label_smoothing`` ε mixes the target with
    the uniform distribution, ``(1-ε)·target + ε/C``, as PyTorch does.
    """
    if _plain_labels_mean(logits, target, label_smoothing, reduction):
        return logits.cross_entropy(target)  # the fused op checks logits and labels itself
    where = "cross_entropy"
    logits = as_input(logits, where, "logits")
    y = _array(target, "target", where, like=logits)
    _check_reduction(reduction, where)
    if isinstance(label_smoothing, bool) or not isinstance(label_smoothing, (int, float)) \
            or not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{where}: label_smoothing must be in [0, 1], got {label_smoothing!r}")
    if logits.ndim == 1 and (y.ndim == 0 or y.shape == logits.shape):
        # One sample, as PyTorch allows: logits (C,) with a label () or probabilities (C,).
        logits, y = logits.reshape(1, -1), y.reshape(1, *y.shape)
        if reduction == "none":
            return cross_entropy(logits, y, label_smoothing, reduction).reshape(())
    if logits.ndim != 2:
        raise ValueError(f"{where}: logits must have shape (N, C), or (C,) for one sample, "
                         f"got shape {logits.shape}")
    if y.dtype.kind in "iu":
        n = logits.shape[0]
        if label_smoothing == 0.0 and reduction == "mean":
            return logits.cross_entropy(y)  # the fused, fastest path; it checks the labels itself
        check_labels(logits.shape, y)
        logp = logits.log_softmax(axis=1)  # once: smoothing reads it too
        nll = -logp[np.arange(n), y]
        if label_smoothing:
            uniform = -logp.mean(axis=1)
            nll = nll * (1.0 - label_smoothing) + uniform * label_smoothing
        return _reduce(nll, reduction, where)
    return _soft_cross_entropy(logits, y, label_smoothing, reduction)


def _soft_cross_entropy(logits: Tensor, y: np.ndarray, label_smoothing: float,
                        reduction: str) -> Tensor:
    """``cross_entropy`` against class probabilities ``y`` (N, C)."""
    where = "cross_entropy"
    if y.dtype.kind != "f":
        raise TypeError(f"{where}: target must be integer labels or float probabilities, "
                        f"got dtype {y.dtype}")
    if y.shape != logits.shape:
        raise ValueError(f"{where}: probability targets of shape {y.shape} must match logits "
                         f"of shape {logits.shape}")
    if (y < 0).any() or not np.isfinite(y).all():
        raise ValueError(f"{where}: probability targets must be finite and >= 0")
    logits, probs = _float_target(y, logits, "target", where)
    if label_smoothing:
        probs = probs * (1.0 - label_smoothing) + label_smoothing / logits.shape[1]
    losses = -(logits.log_softmax(axis=1) * probs).sum(axis=1)
    return _reduce(losses, reduction, where)


def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:  # noqa: A002
    """Mean squared error ``(input - target)²``; the shapes must match (no broadcasting)."""
    where = "mse_loss"
    x = as_input(input, where, "input")
    _check_reduction(reduction, where)
    if isinstance(target, Tensor):
        if target.shape != x.shape:
            raise ValueError(f"{where}: input of shape {x.shape} and target of shape "
                             f"{target.shape} must have the same shape")
        diff = x - target
    else:
        x, y = _float_target(_array(target, "target", where, like=x), x, "target", where)
        diff = x - y
    return _reduce(diff * diff, reduction, where)


def binary_cross_entropy_with_logits(logits: Tensor, target: Any,
                                     reduction: str = "mean") -> Tensor:
    """``-(y·log σ(x) + (1-y)·log(1-σ(x)))``, computed stably from the logits ``x``.

    It equals ``x·(1[x>0] - y) + log1p(e^-|x|)``: the first term is exactly 0 for a
    confident right answer (x > 0, y = 1), so a tiny loss keeps its relative
    precision (4.25e-18 at x = 40). The mask and the |x| are constants of the forward
    pass, so the gradient is exactly ``σ(x) - y`` everywhere, including at x = 0.
    Mixed dtypes promote as in ``mse_loss``.
    """
    where = "binary_cross_entropy_with_logits"
    x = as_input(logits, where, "logits")
    _check_reduction(reduction, where)
    if x.dtype.kind != "f":
        raise TypeError(f"{where}: logits must be floating point, got dtype {x.dtype}")
    x, y = _float_target(_array(target, "target", where, like=x), x, "target", where)
    if ((y < 0) | (y > 1)).any() or not np.isfinite(y).all():
        raise ValueError(f"{where}: targets must be probabilities in [0, 1]")
    positive = (x.data > 0).astype(x.dtype)
    e = (x * (1.0 - 2.0 * positive)).exp()  # e^-|x|; -|x| has slope +1 at x = 0
    log_term = (e + 1.0).log()
    # log(1 + e) rounds 1 + e first and loses the digits of a tiny e. There is no
    # log1p node, so add the constant log1p(e) - log(1 + e): the value becomes
    # log1p's, and the gradient (log's, e/(1 + e)) is unchanged and already exact.
    log_term = log_term + (np.log1p(e.data) - log_term.data)
    return _reduce(x * (positive - y) + log_term, reduction, where)


# ---- metrics -----------------------------------------------------------------------------
def accuracy(logits: Any, labels: Any) -> float:
    """Fraction of rows whose largest logit is at the label.

    For logits of shape (N,) or (N, 1) (a binary classifier) a logit > 0 predicts 1.
    """
    where = "accuracy"
    scores, y = _array(logits, "logits", where), _array(labels, "labels", where)
    if y.dtype.kind not in "biu":
        raise TypeError(f"{where}: labels must be integer class indices, got dtype {y.dtype}")
    if scores.ndim == 2 and scores.shape[1] > 1:
        predicted = scores.argmax(axis=1)
    elif scores.ndim == 1 or (scores.ndim == 2 and scores.shape[1] == 1):
        predicted = (scores.reshape(-1) > 0).astype(np.int64)
    else:
        raise ValueError(f"{where}: logits must have shape (N, C), (N, 1) or (N,), got {scores.shape}")
    if y.shape != (scores.shape[0],):
        raise ValueError(f"{where}: labels of shape {y.shape} do not match logits of shape "
                         f"{scores.shape}; expected ({scores.shape[0]},)")
    if y.size == 0:
        raise ValueError(f"{where}: no samples: logits of shape {scores.shape}")
    return float(np.mean(predicted == y))
