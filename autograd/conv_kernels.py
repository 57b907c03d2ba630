"""Convolution and pooling on plain numpy arrays, in PyTorch's NCHW layout.

Nothing here knows about nodes: every function maps arrays to arrays, so the op
rules (``autograd.tensor_conv``) can call them from a forward pass or a VJP alike.

Convolution is a matrix product after *im2col*: for every output pixel, the
``C·kH·kW`` input values under the kernel become one column, and the weight,
flattened to ``(O, C·kH·kW)``, multiplies all the columns of a sample at once,
landing directly in NCHW. *col2im* is the adjoint: it adds columns back onto the
(overlapping) pixels they came from. Both are ``kH·kW`` strided copies or additions,
one per kernel tap, never a Python loop over pixels.

With stride 1 (the common case) a tap's columns are one *contiguous* slice of each
flattened padded channel: output pixel ``(r, c)`` reads input ``(r+i)·Wp + (c+j)``,
a fixed shift of ``r·Wp + c``. So the columns are built for the padded width ``Wp``
(each output row carries ``kW − 1`` wrapped-around extras, cropped afterwards) and
every copy runs over long rows instead of ``OW``-long pieces, about 3× faster.

The three convolution functions are one bilinear form ``B(x, w, g) = <conv2d(x, w), g>``
differentiated three ways: ``conv2d_input_grad(g, w) = ∂B/∂x`` (the transposed
convolution) and ``conv2d_weight_grad(x, g) = ∂B/∂w``. Pooling is a weighted sum
over each window (``pool2d_gather``) and its adjoint (``pool2d_scatter``); average
pooling uses the uniform weight ``1/(kH·kW)``, max pooling the weight ``1/ties`` at
each window's maxima and 0 elsewhere.
"""
from __future__ import annotations

from typing import Iterator, NamedTuple

import numpy as np

Pair = tuple[int, int]


def output_size(size: int, kernel: int, stride: int, padding: int) -> int:
    """How many windows of ``kernel`` fit along an axis of ``size`` (floor, like PyTorch)."""
    return (size + 2 * padding - kernel) // stride + 1


def _out_hw(x_shape: tuple, kernel: Pair, stride: Pair, padding: Pair) -> Pair:
    return (output_size(x_shape[2], kernel[0], stride[0], padding[0]),
            output_size(x_shape[3], kernel[1], stride[1], padding[1]))


def pad(x: np.ndarray, padding: Pair, fill: float = 0.0) -> np.ndarray:
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill)


def _window(xp: np.ndarray, i: int, j: int, out_hw: Pair, stride: Pair) -> np.ndarray:
    """The input pixels that kernel tap (i, j) sees, for every output pixel: a view."""
    (oh, ow), (sh, sw) = out_hw, stride
    return xp[:, :, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw]


def im2col(x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair) -> np.ndarray:
    """Every kernel-sized window of ``x`` (N, C, H, W), as columns (N, C, kH, kW, OH, OW)."""
    n, c = x.shape[:2]
    out_hw = _out_hw(x.shape, kernel, stride, padding)
    xp = pad(x, padding)
    cols = np.empty((n, c, *kernel, *out_hw), dtype=x.dtype)
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            cols[:, :, i, j] = _window(xp, i, j, out_hw, stride)
    return cols


def col2im(cols: np.ndarray, x_shape: tuple, stride: Pair, padding: Pair) -> np.ndarray:
    """The adjoint of ``im2col``: add each column entry back onto the pixel it came from."""
    n, c, kh, kw, oh, ow = cols.shape
    ph, pw = padding
    xp = np.zeros((n, c, x_shape[2] + 2 * ph, x_shape[3] + 2 * pw), dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            _window(xp, i, j, (oh, ow), stride)[...] += cols[:, :, i, j]
    return xp[:, :, ph:ph + x_shape[2], pw:pw + x_shape[3]]


# ---- the columns a convolution multiplies ---------------------------------------------------
class Columns(NamedTuple):
    """A batch's im2col columns as matrices (N, C·kH·kW, OH·width).

    ``width`` is the length of each output row in ``data``: OW, or with stride 1 the
    padded input width, whose last ``width − OW`` entries per row are cropped.
    """
    data: np.ndarray
    kernel: Pair
    out_hw: Pair
    width: int


def columns(x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair) -> Columns:
    n, c, h, w = x.shape
    kh, kw = kernel
    out_hw = _out_hw(x.shape, kernel, stride, padding)
    if stride != (1, 1):
        cols = im2col(x, kernel, stride, padding)
        return Columns(cols.reshape(n, c * kh * kw, -1), kernel, out_hw, out_hw[1])
    ph, pw = padding
    hp, wp = h + 2 * ph, w + 2 * pw
    # One spare zero row at the bottom: the last tap's slice runs kW - 1 entries past Hp·Wp.
    flat = np.pad(x, ((0, 0), (0, 0), (ph, ph + 1), (pw, pw))).reshape(n, c, (hp + 1) * wp)
    length = out_hw[0] * wp
    cols = np.empty((n, c, kh, kw, length), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = flat[:, :, i * wp + j:i * wp + j + length]
    return Columns(cols.reshape(n, c * kh * kw, length), kernel, out_hw, wp)


def _widen(g: np.ndarray, width: int) -> np.ndarray:
    """``g`` (N, O, OH, OW) as (N, O, OH·width), zero in the cropped extras of each row."""
    n, o, oh, ow = g.shape
    if width == ow:
        return g.reshape(n, o, oh * ow)
    wide = np.zeros((n, o, oh, width), dtype=g.dtype)
    wide[..., :ow] = g
    return wide.reshape(n, o, oh * width)


# ---- convolution: y = conv2d(x, w) and its two adjoints -------------------------------------
def conv2d(x: np.ndarray, w: np.ndarray, stride: Pair, padding: Pair) -> np.ndarray:
    """Cross-correlation of ``x`` (N, C, H, W) with ``w`` (O, C, kH, kW): (N, O, OH, OW)."""
    return conv2d_cols(columns(x, w.shape[2:], stride, padding), w)


def conv2d_cols(cols: Columns, w: np.ndarray) -> np.ndarray:
    """``conv2d`` from the input's columns: one matrix product per sample."""
    n, o = cols.data.shape[0], w.shape[0]
    (oh, ow), width = cols.out_hw, cols.width
    out = (w.reshape(o, -1) @ cols.data).reshape(n, o, oh, width)
    return out if width == ow else out[..., :ow]


def conv2d_input_grad(g: np.ndarray, w: np.ndarray, x_shape: tuple, stride: Pair,
                      padding: Pair) -> np.ndarray:
    """∂<conv2d(x, w), g>/∂x: the transposed convolution of ``g`` (N, O, OH, OW) by ``w``.

    ``x_shape`` is needed because a strided convolution drops the input's last rows
    when the windows do not fit exactly, so ``g`` alone does not determine it.
    """
    n, o, oh, ow = g.shape
    _, c, kh, kw = w.shape
    if stride != (1, 1):
        cols = w.reshape(o, -1).T @ g.reshape(n, o, oh * ow)
        return col2im(cols.reshape(n, c, kh, kw, oh, ow), x_shape, stride, padding)
    ph, pw = padding
    hp, wp = x_shape[2] + 2 * ph, x_shape[3] + 2 * pw
    length = oh * wp
    w_t = np.ascontiguousarray(w.reshape(o, -1).T)  # BLAS is faster on it than on the view
    cols = (w_t @ _widen(g, wp)).reshape(n, c, kh, kw, length)
    flat = np.zeros((n, c, (hp + 1) * wp), dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            flat[:, :, i * wp + j:i * wp + j + length] += cols[:, :, i, j]
    image = flat[:, :, :hp * wp].reshape(n, c, hp, wp)
    return image[:, :, ph:ph + x_shape[2], pw:pw + x_shape[3]]


def conv2d_weight_grad(x: np.ndarray, g: np.ndarray, kernel: Pair, stride: Pair,
                       padding: Pair) -> np.ndarray:
    """∂<conv2d(x, w), g>/∂w: each filter tap correlated with ``g`` over the batch, (O, C, kH, kW)."""
    return conv2d_weight_grad_cols(columns(x, kernel, stride, padding), g)


def conv2d_weight_grad_cols(cols: Columns, g: np.ndarray) -> np.ndarray:
    """``conv2d_weight_grad`` from the input's columns, which the forward pass already built."""
    n, ckk, _ = cols.data.shape
    o = g.shape[1]
    # Per sample (O, L) @ (L, C·kH·kW), summed over the batch; BLAS reads the transposed
    # columns in place, where flattening the batch into one product would copy them.
    per_sample = _widen(g, cols.width) @ cols.data.transpose(0, 2, 1)
    return per_sample.sum(axis=0).reshape(o, ckk // (cols.kernel[0] * cols.kernel[1]),
                                          *cols.kernel)


# ---- pooling: weighted window sums and their adjoint -----------------------------------------
class TapWeights(NamedTuple):
    """The weight of tap t of window p: ``mask[t, p] · scale[p]``.

    Average pooling has no mask and the scale ``1/(kH·kW)``; max pooling a boolean
    mask (kH·kW, N, C, OH, OW) of each window's maxima and the scale ``1/ties``.
    A boolean mask and one scale per window cost a fifth of the memory traffic of a
    float weight per tap.
    """
    mask: np.ndarray | None
    scale: np.ndarray | float


def _taps(kernel: Pair) -> Iterator[tuple[int, int]]:
    return (divmod(t, kernel[1]) for t in range(kernel[0] * kernel[1]))


def pool2d_gather(x: np.ndarray, weights: TapWeights, kernel: Pair, stride: Pair,
                  padding: Pair) -> np.ndarray:
    """``out[n, c, p] = Σ_t weight(t, p) · x[tap t of window p]``."""
    n, c = x.shape[:2]
    out_hw = _out_hw(x.shape, kernel, stride, padding)
    xp = pad(x, padding)
    out = np.zeros((n, c, *out_hw), dtype=x.dtype)
    for t, (i, j) in enumerate(_taps(kernel)):
        window = _window(xp, i, j, out_hw, stride)
        out += window if weights.mask is None else window * weights.mask[t]
    out *= weights.scale
    return out


def pool2d_scatter(g: np.ndarray, weights: TapWeights, x_shape: tuple, kernel: Pair,
                   stride: Pair, padding: Pair) -> np.ndarray:
    """The adjoint of ``pool2d_gather``: each ``g`` entry, times the tap weights, onto its window."""
    n, c, oh, ow = g.shape
    ph, pw = padding
    xp = np.zeros((n, c, x_shape[2] + 2 * ph, x_shape[3] + 2 * pw), dtype=g.dtype)
    share = g * weights.scale
    disjoint = stride[0] >= kernel[0] and stride[1] >= kernel[1]  # each pixel in one window
    for t, (i, j) in enumerate(_taps(kernel)):
        window = _window(xp, i, j, (oh, ow), stride)
        if weights.mask is None:
            window += share
        elif disjoint:
            np.multiply(share, weights.mask[t], out=window)  # no read of the zeros
        else:
            window += share * weights.mask[t]
    return xp[:, :, ph:ph + x_shape[2], pw:pw + x_shape[3]]


def max_pool2d(x: np.ndarray, kernel: Pair, stride: Pair,
               padding: Pair) -> tuple[np.ndarray, TapWeights]:
    """The maximum of each window, and the tap weights that select it.

    The weights are 1/ties at each window's maxima and 0 elsewhere, so tied maxima
    share the gradient evenly (as ``Tensor.max`` does). Padding is -inf: it never wins.
    """
    n, c = x.shape[:2]
    out_hw = _out_hw(x.shape, kernel, stride, padding)
    xp = pad(x, padding, fill=-np.inf)
    windows = [_window(xp, i, j, out_hw, stride) for i, j in _taps(kernel)]
    out = windows[0].copy()
    for window in windows[1:]:
        np.maximum(out, window, out=out)
    mask = np.empty((len(windows), n, c, *out_hw), dtype=bool)
    for t, window in enumerate(windows):
        np.equal(window, out, out=mask[t])
    ties = mask.sum(axis=0, dtype=x.dtype)
    return out, TapWeights(mask, np.reciprocal(ties, out=ties))
