"""tracegrad's engines: the scalar ``Value`` and the numpy ``Tensor`` on one graph core."""
from autograd.anomaly import detect_anomaly
from autograd.conv import avg_pool2d, conv2d, max_pool2d
from autograd.gradcheck import gradcheck, gradgradcheck
from autograd.gradients import grad
from autograd.graph import topo_sort
from autograd.recording import enable_grad, is_grad_enabled, no_grad
from autograd.tensor import Tensor
from autograd.value import Value

__all__ = ["Value", "Tensor", "no_grad", "enable_grad", "is_grad_enabled", "grad", "gradcheck",
           "gradgradcheck", "detect_anomaly", "topo_sort", "conv2d", "max_pool2d", "avg_pool2d"]
