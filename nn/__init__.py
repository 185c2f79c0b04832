"""nn: neurons, layers and MLPs on top of the autograd_core engine.

>>> from nn import MLP, half_squared_error
>>> model = MLP(2, [2, 1], seed=0)
>>> loss = half_squared_error(model([1.0, -2.0]), 0.5)
>>> loss.backward()
>>> [name for name, _ in model.named_parameters()][:3]
['W1[1,1]', 'W1[1,2]', 'b1[1]']
"""

from nn.activations import ACTIVATIONS
from nn.data import two_moons
from nn.init import DEFAULT_INIT, INIT_SCHEMES
from nn.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    half_squared_error,
    softmax_cross_entropy,
    squared_error,
)
from nn.module import MLP, Layer, Module, Neuron
from nn.network import NetworkDrawing, NetworkStepThrough, draw_network, step_through_network
from nn.optim import SGD, Adam, Optimizer
from nn.regularization import l2_penalty
from nn.training import EpochReport, accuracy, train

__all__ = [
    "ACTIVATIONS",
    "DEFAULT_INIT",
    "INIT_SCHEMES",
    "MLP",
    "SGD",
    "Adam",
    "EpochReport",
    "Layer",
    "Module",
    "NetworkDrawing",
    "NetworkStepThrough",
    "Neuron",
    "Optimizer",
    "accuracy",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "draw_network",
    "half_squared_error",
    "l2_penalty",
    "softmax_cross_entropy",
    "squared_error",
    "step_through_network",
    "train",
    "two_moons",
]
