"""Softmax, log-softmax and fused cross-entropy, all through log-sum-exp.

Subtracting the row maximum before ``exp`` keeps every exponent <= 0, so logits of
1e4 (or 1e30) give finite losses and gradients. The fused cross-entropy never forms
``log(softmax)``: its gradient is simply ``(softmax - onehot) / N``.
Same form as ``autograd.tensor_ops``: one ``TensorOp`` per op.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd.tensor_ops import TensorOp, data, exp


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


_UNSIGNED = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


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
    if np.maximum.reduce(y.view(_UNSIGNED[y.itemsize]), axis=None) >= c:
        i = int(np.argmax((y < 0) | (y >= c)))
        raise ValueError(f"cross_entropy: label {int(y[i])} at index {i} is out of range "
                         f"for {c} classes (valid labels are 0..{c - 1})")


def cross_entropy_forward(logits: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean over the batch of ``-log softmax(logits)[i, labels[i]]``, and the softmax itself.

    logits (N, C), labels (N,). The softmax falls out of the log-sum-exp almost for free;
    keeping it spares the backward pass from computing it again.
    """
    n = logits.shape[0]
    # The ufuncs' reduce, not .max()/.sum(): those add a Python-level frame each.
    shifted = logits - np.maximum.reduce(logits, axis=1, keepdims=True)
    e = np.exp(shifted)
    total = np.add.reduce(e, axis=1, keepdims=True)
    # log-sum-exp minus the picked logit, both relative to the row maximum.
    losses = np.log(total[:, 0]) - shifted[np.arange(n), labels]
    e /= total
    return np.asarray(np.add.reduce(losses) / n, dtype=logits.dtype), e


def _cross_entropy_vjp(g: Any, out: Any, logits: Any, labels: Any, probs: np.ndarray) -> Any:
    x, y = data(logits), data(labels)
    onehot = np.zeros(x.shape, x.dtype)
    onehot[np.arange(len(y)), y] = 1
    # ``probs`` is softmax(logits) from the forward pass: a constant, right for arrays;
    # a graph of the derivative needs softmax as a node, to differentiate it again.
    p = probs if isinstance(logits, np.ndarray) else logits.softmax(1)
    return (p - onehot) * (g / x.shape[0])


SOFTMAX = TensorOp("softmax", _softmax,
                   (lambda g, out, x, axis: out * (g - (g * out).sum(axis=axis, keepdims=True)),),
                   ("{out} ⊙ ({g} − Σ {g}⊙{out})",))
LOG_SOFTMAX = TensorOp("log_softmax", _log_softmax,
                       (lambda g, out, x, axis: g - exp(out) * g.sum(axis=axis, keepdims=True),),
                       ("{g} − softmax({0})·Σ{g}",))
# The labels (input 1) are integers: they get no gradient, so they have no rule. Its
# parameter is the softmax the forward pass computed (see Tensor.cross_entropy).
CROSS_ENTROPY = TensorOp("cross_entropy", cross_entropy_forward, (_cross_entropy_vjp,),
                         ("(softmax({0}) − onehot) / N · {g}", "none (labels)"))
