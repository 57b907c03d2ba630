"""Op rules for convolution and pooling: arrays in, ``(out, vjp_0, vjp_1, ...)`` out.

Same conventions as ``autograd.tensor_ops``; the numpy work is in
``autograd.conv_kernels``. Each VJP is another op of this family, so the family is
closed under differentiation (as DeZero's Conv2d / Deconv2d / Conv2DGradW):

======================  =========================================  ============================================
op                       VJP for its first operand                   VJP for its second operand
======================  =========================================  ============================================
conv2d(x, w)             conv2d_input_grad(g, w)                     conv2d_weight_grad(x, g)
conv2d_input_grad(g, w)  conv2d(G, w)                                conv2d_weight_grad(G, g)
conv2d_weight_grad(x, g) conv2d_input_grad(g, G)                     conv2d(x, G)
avg_pool2d(x)            pool2d_scatter(g) (uniform weights)
max_pool2d(x)            pool2d_scatter(g) (weights at the maxima)
pool2d_scatter(g)        pool2d_gather(G), same weights
pool2d_gather(x)         pool2d_scatter(g), same weights
======================  =========================================  ============================================

Pooling weights depend on ``x`` only through which element is largest, which is
constant almost everywhere: they are treated as constants, as PyTorch does.
"""
from __future__ import annotations

import numpy as np

from autograd import conv_kernels as k


def conv2d(x, w, stride, padding):
    cols = k.columns(x, w.shape[2:], stride, padding)  # kept: the weight's VJP needs them too
    return (k.conv2d_cols(cols, w),
            lambda g: k.conv2d_input_grad(g, w, x.shape, stride, padding),
            lambda g: k.conv2d_weight_grad_cols(cols, g))


def conv2d_input_grad(g, w, x_shape, stride, padding):
    out = k.conv2d_input_grad(g, w, x_shape, stride, padding)
    return (out,
            lambda G: k.conv2d(G, w, stride, padding),
            lambda G: k.conv2d_weight_grad(G, g, w.shape[2:], stride, padding))


def conv2d_weight_grad(x, g, kernel, stride, padding):
    out = k.conv2d_weight_grad(x, g, kernel, stride, padding)
    return (out,
            lambda G: k.conv2d_input_grad(g, G, x.shape, stride, padding),
            lambda G: k.conv2d(x, G, stride, padding))


def pool2d_gather(x, weights, kernel, stride, padding):
    out = k.pool2d_gather(x, weights, kernel, stride, padding)
    return out, lambda g: k.pool2d_scatter(g, weights, x.shape, kernel, stride, padding)


def pool2d_scatter(g, weights, x_shape, kernel, stride, padding):
    out = k.pool2d_scatter(g, weights, x_shape, kernel, stride, padding)
    return out, lambda G: k.pool2d_gather(G, weights, kernel, stride, padding)


def avg_pool2d(x, kernel, stride, padding):
    """Mean of each window; padding counts as zeros in the mean (PyTorch's default)."""
    weights = k.TapWeights(None, np.asarray(1.0 / (kernel[0] * kernel[1]), x.dtype).item())
    return pool2d_gather(x, weights, kernel, stride, padding)


def max_pool2d(x, kernel, stride, padding):
    out, weights = k.max_pool2d(x, kernel, stride, padding)
    return out, lambda g: k.pool2d_scatter(g, weights, x.shape, kernel, stride, padding)
