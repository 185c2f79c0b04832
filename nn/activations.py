"""The activations h = f(α) a neuron may apply, in one table.

Each entry holds f as one engine operation (``"linear"`` adds no node) and f, f′ as NumPy
functions for the lectures' hand-derived formulas. ReLU's derivative at 0 is 0, as in PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from autograd_core import Value

Elementwise = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Activation:
    """One activation: ``apply`` on a Value, ``function`` f and ``derivative`` f′ on arrays."""

    name: str
    apply: Callable[[Value], Value]
    function: Elementwise
    derivative: Elementwise


def _sigmoid(a: np.ndarray) -> np.ndarray:
    """σ(a) = 1 / (1 + e⁻ᵃ), split by sign so that neither branch takes exp of a large a."""
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


TABLE: dict[str, Activation] = {
    a.name: a
    for a in (
        # f(α) = max(α, 0);  f′(α) = [α > 0]
        Activation("relu", Value.relu, lambda a: np.maximum(a, 0.0), lambda a: (a > 0) * 1.0),
        # f(α) = σ(α);  f′(α) = σ(α)(1 − σ(α))
        Activation("sigmoid", Value.sigmoid, _sigmoid, lambda a: _sigmoid(a) * (1 - _sigmoid(a))),
        # f(α) = tanh α;  f′(α) = 1 − tanh² α
        Activation("tanh", Value.tanh, np.tanh, lambda a: 1.0 - np.tanh(a) ** 2),
        # f(α) = α;  f′(α) = 1
        Activation("linear", lambda v: v, lambda a: a * 1.0, lambda a: np.ones_like(a * 1.0)),
    )
}

ACTIVATIONS = tuple(TABLE)
