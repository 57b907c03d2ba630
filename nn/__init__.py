"""Neural-network building blocks on tracegrad's engines.

``nn.MLP`` and the layers run on ``Tensor``; ``nn.scalar`` holds the same ideas on
``Value``. ``nn.optim`` trains either; ``nn.save``/``nn.load`` write checkpoints.
"""
from nn import functional, optim, scalar
from nn.checkpoint import load, save
from nn.layers import Dropout, Linear, ReLU, Sigmoid, Tanh
from nn.mlp import MLP
from nn.module import Module
from nn.parameter import Parameter
from nn.seeding import manual_seed
from nn.sequential import Sequential

__all__ = ["Module", "Parameter", "Linear", "ReLU", "Sigmoid", "Tanh", "Dropout", "Sequential",
           "MLP", "manual_seed", "save", "load", "functional", "optim", "scalar"]
