"""Neural-network building blocks on tracegrad's engines.

``nn.MLP`` and the layers run on ``Tensor``; ``nn.scalar`` holds the same ideas on
``Value``. ``nn.optim`` trains either; ``nn.save``/``nn.load`` write checkpoints.
``nn.datasets`` loads MNIST, ``nn.data.DataLoader`` batches it, ``nn.train`` fits.
"""
from nn import data, datasets, functional, optim, playground, scalar, toy_data, train
from nn.checkpoint import load, save
from nn.data import DataLoader
from nn.layers import Dropout, Linear, ReLU, Sigmoid, Tanh
from nn.mlp import MLP
from nn.module import Module
from nn.parameter import Parameter
from nn.seeding import manual_seed
from nn.sequential import Sequential
from nn.signal_health import SignalHealth
from nn.train import evaluate, fit

__all__ = ["Module", "Parameter", "Linear", "ReLU", "Sigmoid", "Tanh", "Dropout", "Sequential",
           "MLP", "SignalHealth", "manual_seed", "save", "load", "DataLoader", "fit", "evaluate",
           "functional", "optim", "scalar", "datasets", "data", "train", "playground", "toy_data"]
