"""The activation functions a neuron may apply to its pre-activation α.

The lectures write h = f(α) (001) or h = g(a) (004). Each name maps to one engine
operation, so the drawing shows exactly one node for it; ``"linear"`` is the identity and
adds no node at all (lecture 001's output layer).
"""

from __future__ import annotations

from autograd_core import Value

ACTIVATIONS = ("relu", "sigmoid", "tanh", "linear")


def check_activation(name: object, argument: str = "activation") -> str:
    """Return ``name`` when it is one of :data:`ACTIVATIONS`, else raise ValueError."""
    if not isinstance(name, str) or name not in ACTIVATIONS:
        choices = ", ".join(repr(a) for a in ACTIVATIONS)
        raise ValueError(f"unknown {argument} {name!r}: choose one of {choices}")
    return name


def activate(pre_activation: Value, name: str) -> Value:
    """h = f(α) for the activation called ``name`` (already checked)."""
    if name == "relu":
        return pre_activation.relu()
    if name == "sigmoid":
        return pre_activation.sigmoid()
    if name == "tanh":
        return pre_activation.tanh()
    return pre_activation
