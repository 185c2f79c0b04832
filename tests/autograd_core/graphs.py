"""Small graphs that several test modules draw."""

from autograd_core import Value


def neuron():
    """y = tanh(w·x + b) at x = 2, w = −3, b = 1: (x, w, b, y)."""
    x = Value(2.0, label="x")
    w = Value(-3.0, label="w")
    b = Value(1.0, label="b")
    y = (w * x + b).tanh()
    y.label = "y"
    return x, w, b, y
