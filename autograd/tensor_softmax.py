"""Softmax, log-softmax and fused cross-entropy rules, all through log-sum-exp.

Subtracting the row maximum before ``exp`` keeps every exponent <= 0, so logits of
1e4 (or 1e30) give finite losses and gradients. The fused cross-entropy never forms
``log(softmax)``: its gradient is simply ``(softmax - onehot) / N``.
Same conventions as ``autograd.tensor_ops``: arrays in, ``(out, vjp, ...)`` out.
"""
from __future__ import annotations

import numpy as np


def softmax(x, axis: int):
    shifted = x - x.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    out = e / e.sum(axis=axis, keepdims=True)
    return out, lambda g: out * (g - (g * out).sum(axis=axis, keepdims=True))


def log_softmax(x, axis: int):
    shifted = x - x.max(axis=axis, keepdims=True)
    out = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    return out, lambda g: g - np.exp(out) * g.sum(axis=axis, keepdims=True)


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


def cross_entropy(logits, labels):
    """Mean over the batch of ``-log softmax(logits)[i, labels[i]]``; logits (N, C), labels (N,)."""
    n = logits.shape[0]
    rows = np.arange(n)
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1, keepdims=True)
    # log-sum-exp minus the picked logit, both relative to the row maximum.
    losses = np.log(total[:, 0]) - shifted[rows, labels]
    out = np.add.reduce(losses) / n  # ndarray.mean's Python wrapper costs more than this

    def vjp(g):
        grad = e / total          # a fresh array: safe to edit in place
        grad[rows, labels] -= 1
        grad *= g.item() / n    # a Python float: one multiply, dtype kept
        return grad
    return np.asarray(out, dtype=logits.dtype), vjp
