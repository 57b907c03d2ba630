"""Optimizers and learning-rate schedules, with ``torch.optim``'s equations and names."""
from nn.optim.adagrad import Adagrad, AdaGrad
from nn.optim.adam import Adam, AdamW
from nn.optim.optimizer import Optimizer
from nn.optim.rmsprop import RMSprop
from nn.optim.schedules import CosineAnnealingLR, ExponentialLR, LRScheduler, StepLR
from nn.optim.sgd import SGD

__all__ = ["Optimizer", "SGD", "AdaGrad", "Adagrad", "RMSprop", "Adam", "AdamW",
           "LRScheduler", "StepLR", "ExponentialLR", "CosineAnnealingLR"]
