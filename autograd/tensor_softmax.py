"""Softmax, log-softmax and fused cross-entropy, all through log-sum-exp.

Subtracting the row maximum before ``exp`` keeps every exponent <= 0, so logits of
1e4 (or 1e30) give finite losses and gradients. The fused cross-entropy never forms
``log(softmax)``: its gradient is simply ``(softmax - onehot) / N``.
Same form as ``autograd.tensor_ops``: one ``TensorOp`` per op.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd.tensor_ops import TensorOp, data, exp, softmax_of


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def check_labels(shape: tuple, y: np.ndarray) -> None:
    """Integer labels ``y`` must be one per row of logits ``shape`` (N, C), each in [0, C)."""
    n, c = shape
    if y.shape != (n,):
        raise ValueError(f"cross_entropy: labels of shape {y.shape} do not match logits of "
                         f"shape {shape}; expected labels of shape ({n},)")
    if n == 0 or c == 0:
        raise ValueError(f"cross_entropy: logits of shape {shape} are empty; "
                         "the loss needs at least one sample and one class")
    # Viewed as unsigned, negative labels become huge: one max() checks both ends.
    if y.view(f"u{y.itemsize}").max() >= c:
        i = int(np.argmax((y < 0) | (y >= c)))
        raise ValueError(f"cross_entropy: label {int(y[i])} at index {i} is out of range "
                         f"for {c} classes (valid labels are 0..{c - 1})")


def _cross_entropy(logits: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Mean over the batch of ``-log softmax(logits)[i, labels[i]]``; logits (N, C), labels (N,)."""
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    # log-sum-exp minus the picked logit, both relative to the row maximum.
    losses = np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(n), labels]
    return np.asarray(np.add.reduce(losses) / n, dtype=logits.dtype)


def _cross_entropy_vjp(g: Any, out: Any, logits: Any, labels: Any) -> Any:
    x, y = data(logits), data(labels)
    onehot = np.zeros(x.shape, x.dtype)
    onehot[np.arange(len(y)), y] = 1
    return (softmax_of(logits, 1) - onehot) * (g / x.shape[0])


SOFTMAX = TensorOp("softmax", _softmax,
                   (lambda g, out, x, axis: out * (g - (g * out).sum(axis=axis, keepdims=True)),),
                   ("{out} ⊙ ({g} − Σ {g}⊙{out})",))
LOG_SOFTMAX = TensorOp("log_softmax", _log_softmax,
                       (lambda g, out, x, axis: g - exp(out) * g.sum(axis=axis, keepdims=True),),
                       ("{g} − softmax({0})·Σ{g}",))
# The labels (input 1) are integers: they get no gradient, so they have no rule.
CROSS_ENTROPY = TensorOp("cross_entropy", _cross_entropy, (_cross_entropy_vjp,),
                         ("(softmax({0}) − onehot) / N · {g}", "none (labels)"))
