"""Neural-network building blocks on tracegrad's engines.

``nn.MLP``, ``nn.CNN`` and the layers run on ``Tensor``; ``nn.scalar`` holds the same ideas on
``Value``. ``nn.optim`` trains either; ``nn.save``/``nn.load`` write checkpoints.
``nn.datasets`` loads MNIST, ``nn.data.DataLoader`` batches it, ``nn.train`` fits.
``nn.cli`` is the ``tracegrad`` command line, the one part of ``nn`` that imports ``viz``.
"""
# Checked first: PyPI's ``autograd`` (HIPS autograd) installs a package of the same name,
# and where it wins, every import below would fail with a puzzling ImportError.
import autograd as _autograd

if not hasattr(_autograd, "Tensor"):
    raise ImportError(
        f"the package named 'autograd' imported here ({_autograd.__file__}) is not tracegrad's: "
        "another package named autograd (probably HIPS autograd from PyPI) is installed in this "
        "environment. tracegrad needs its own virtual environment: python3 -m venv .venv && "
        ".venv/bin/pip install -e . (or run make), then use .venv/bin/python or "
        ".venv/bin/tracegrad")
from nn import data, datasets, functional, optim, playground, scalar, toy_data, train  # noqa: E402
from nn.batchnorm import BatchNorm1d, BatchNorm2d  # noqa: E402
from nn.checkpoint import load, save
from nn.cnn import CNN
from nn.conv import AvgPool2d, Conv2d, MaxPool2d
from nn.data import DataLoader
from nn.layers import Dropout, Flatten, Linear, ReLU, Sigmoid, Tanh
from nn.mlp import MLP
from nn.module import Module
from nn.parameter import Parameter
from nn.seeding import manual_seed
from nn.sequential import Sequential
from nn.signal_health import SignalHealth
from nn.train import evaluate, fit

__all__ = ["Module", "Parameter", "Linear", "ReLU", "Sigmoid", "Tanh", "Dropout", "Sequential",
           "Conv2d", "MaxPool2d", "AvgPool2d", "Flatten", "BatchNorm1d", "BatchNorm2d",
           "MLP", "CNN", "SignalHealth", "manual_seed", "save", "load", "DataLoader", "fit",
           "evaluate", "functional", "optim", "scalar", "datasets", "data", "train", "playground",
           "toy_data"]
