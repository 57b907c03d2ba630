"""The convolution and pooling ops, in the op table's form: one ``TensorOp`` each.

Same form as ``autograd.tensor_ops``: ``forward(*arrays, *params)`` and
``vjps[i](g, out, *inputs, *params)``, each rule written once for arrays (the fast
path of ``backward()``) and for nodes (``autograd.grad(..., create_graph=True)``). The
numpy work is in ``autograd.conv_kernels``. Every VJP is another op of this family,
so the family is closed under differentiation, to any order (as DeZero's Conv2d /
Deconv2d / Conv2DGradW):

=========================  =================================  =================================
op                         VJP for its first operand          VJP for its second operand
=========================  =================================  =================================
conv2d(x, w)               conv2d_input_grad(g, w)            conv2d_weight_grad(x, g)
conv2d_input_grad(g, w)    conv2d(G, w)                       conv2d_weight_grad(G, g)
conv2d_weight_grad(x, g)   conv2d_input_grad(g, G)            conv2d(x, G)
avg_pool2d(x)              pool2d_scatter(g) (uniform)
max_pool2d(x)              pool2d_scatter(g) (the maxima)
pool2d_scatter(g)          pool2d_gather(G), same weights
pool2d_gather(x)           pool2d_scatter(g), same weights
=========================  =================================  =================================

Pooling weights depend on ``x`` only through which element is largest, constant almost
everywhere: they are constants of the VJP (as relu's mask is), and PyTorch agrees.

Two values computed by a forward pass are kept in the node's params for its backward:
``conv2d``'s im2col columns (the weight's VJP multiplies by them again; rebuilding them
would cost a tenth of a CNN's training step) and ``max_pool2d``'s tap weights. The
node path recomputes nothing either way: it only builds new nodes.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd import conv_kernels as k
from autograd.tensor import _apply
from autograd.tensor_ops import TensorOp

Pair = k.Pair


def _is_array(x: Any) -> bool:
    return isinstance(x, np.ndarray)


# ---- two-way functions: the kernel on arrays, a node on Tensors -----------------------------
def conv2d_of(x: Any, w: Any, stride: Pair, padding: Pair) -> Any:
    return k.conv2d(x, w, stride, padding) if _is_array(x) else conv2d_node(x, w, stride, padding)


def input_grad_of(g: Any, w: Any, x_shape: tuple, stride: Pair, padding: Pair) -> Any:
    if _is_array(g):
        return k.conv2d_input_grad(g, w, x_shape, stride, padding)
    return _apply(CONV2D_INPUT_GRAD, (g, w),
                  k.conv2d_input_grad(g.data, w.data, x_shape, stride, padding),
                  (x_shape, stride, padding))


def weight_grad_of(x: Any, g: Any, kernel: Pair, stride: Pair, padding: Pair) -> Any:
    if _is_array(x):
        return k.conv2d_weight_grad(x, g, kernel, stride, padding)
    return _apply(CONV2D_WEIGHT_GRAD, (x, g),
                  k.conv2d_weight_grad(x.data, g.data, kernel, stride, padding),
                  (kernel, stride, padding))


def scatter_of(g: Any, weights: k.TapWeights, x_shape: tuple, kernel: Pair, stride: Pair,
               padding: Pair) -> Any:
    if _is_array(g):
        return k.pool2d_scatter(g, weights, x_shape, kernel, stride, padding)
    return _apply(POOL2D_SCATTER, (g,),
                  k.pool2d_scatter(g.data, weights, x_shape, kernel, stride, padding),
                  (weights, x_shape, kernel, stride, padding))


def gather_of(x: Any, weights: k.TapWeights, kernel: Pair, stride: Pair, padding: Pair) -> Any:
    if _is_array(x):
        return k.pool2d_gather(x, weights, kernel, stride, padding)
    return _apply(POOL2D_GATHER, (x,), k.pool2d_gather(x.data, weights, kernel, stride, padding),
                  (weights, kernel, stride, padding))


# ---- convolution ------------------------------------------------------------------------------
def _conv2d_weight_vjp(g: Any, out: Any, x: Any, w: Any, stride: Pair, padding: Pair,
                       cols: k.Columns) -> Any:
    if _is_array(g):
        return k.conv2d_weight_grad_cols(cols, g)  # the forward pass's columns, not rebuilt
    return weight_grad_of(x, g, w.shape[2:], stride, padding)


CONV2D = TensorOp(
    "conv2d", lambda x, w, stride, padding, cols: k.conv2d_cols(cols, w),
    (lambda g, out, x, w, stride, padding, cols: input_grad_of(g, w, x.shape, stride, padding),
     _conv2d_weight_vjp),
    ("transposed conv of {g} by {1}", "{0} correlated with {g}, summed over the batch"))

CONV2D_INPUT_GRAD = TensorOp(
    "conv2d_input_grad", k.conv2d_input_grad,
    (lambda G, out, g, w, x_shape, stride, padding: conv2d_of(G, w, stride, padding),
     lambda G, out, g, w, x_shape, stride, padding:
        weight_grad_of(G, g, w.shape[2:], stride, padding)),
    ("conv2d of {g} by {1}", "{g} correlated with {0}"))

CONV2D_WEIGHT_GRAD = TensorOp(
    "conv2d_weight_grad", k.conv2d_weight_grad,
    (lambda G, out, x, g, kernel, stride, padding: input_grad_of(g, G, x.shape, stride, padding),
     lambda G, out, x, g, kernel, stride, padding: conv2d_of(x, G, stride, padding)),
    ("transposed conv of {1} by {g}", "conv2d of {0} by {g}"))


def conv2d_node(x: Any, w: Any, stride: Pair, padding: Pair) -> Any:
    """``conv2d`` of two Tensors as a node that keeps its columns for the weight's VJP."""
    cols = k.columns(x.data, w.shape[2:], stride, padding)
    return _apply(CONV2D, (x, w), k.conv2d_cols(cols, w.data), (stride, padding, cols))


# ---- pooling ----------------------------------------------------------------------------------
def uniform_weights(kernel: Pair, dtype: np.dtype) -> k.TapWeights:
    """Average pooling's tap weights: ``1/(kH·kW)`` in the input's dtype, as a Python float."""
    return k.TapWeights(None, np.asarray(1.0 / (kernel[0] * kernel[1]), dtype).item())


def _pool_vjp(g: Any, out: Any, x: Any, kernel: Pair, stride: Pair, padding: Pair,
              weights: k.TapWeights) -> Any:
    return scatter_of(g, weights, x.shape, kernel, stride, padding)


AVG_POOL2D = TensorOp(
    "avg_pool2d", lambda x, kernel, stride, padding, weights:
        k.pool2d_gather(x, weights, kernel, stride, padding),
    (_pool_vjp,), ("{g} / (kH·kW) spread over each window",))

MAX_POOL2D = TensorOp(
    "max_pool2d", lambda x, kernel, stride, padding, weights:
        k.max_pool2d(x, kernel, stride, padding)[0],
    (_pool_vjp,), ("{g} routed to each window's maximum in {0} (ties share)",))

POOL2D_SCATTER = TensorOp(
    "pool2d_scatter", k.pool2d_scatter,
    (lambda G, out, g, weights, x_shape, kernel, stride, padding:
        gather_of(G, weights, kernel, stride, padding),),
    ("{g} gathered from each window, times its tap weights",))

POOL2D_GATHER = TensorOp(
    "pool2d_gather", k.pool2d_gather,
    (lambda g, out, x, weights, kernel, stride, padding:
        scatter_of(g, weights, x.shape, kernel, stride, padding),),
    ("{g} spread over each window, times its tap weights",))
