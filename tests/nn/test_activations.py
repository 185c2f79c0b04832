"""nn.activations: each activation's engine operation, NumPy f and f′ against math."""

import math
import warnings

import numpy as np
import pytest

from autograd_core import Value
from nn.activations import ACTIVATIONS, TABLE

POINTS = [-3.0, -0.5, 0.25, 2.0]

# Written from the definitions with the math module, independently of the table.
BY_HAND = {
    "relu": (lambda a: max(a, 0.0), lambda a: 1.0 if a > 0 else 0.0),
    "sigmoid": (
        lambda a: 1.0 / (1.0 + math.exp(-a)),
        lambda a: math.exp(-a) / (1.0 + math.exp(-a)) ** 2,
    ),
    "tanh": (math.tanh, lambda a: 1.0 / math.cosh(a) ** 2),
    "linear": (lambda a: a, lambda a: 1.0),
}


def test_the_names_are_the_contracts():
    assert ACTIVATIONS == ("relu", "sigmoid", "tanh", "linear")
    assert all(TABLE[name].name == name for name in ACTIVATIONS)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_numpy_function_and_derivative_match_the_definitions(name):
    f, f_prime = BY_HAND[name]
    a = np.array(POINTS)
    np.testing.assert_allclose(TABLE[name].function(a), [f(x) for x in POINTS], rtol=1e-14)
    np.testing.assert_allclose(TABLE[name].derivative(a), [f_prime(x) for x in POINTS], rtol=1e-14)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_the_engine_operation_computes_f_with_gradient_f_prime(name):
    f, f_prime = BY_HAND[name]
    for x in POINTS:
        alpha = Value(x)
        h = TABLE[name].apply(alpha)
        h.backward()
        assert math.isclose(h.data, f(x), rel_tol=1e-14)
        assert math.isclose(alpha.grad, f_prime(x), rel_tol=1e-12)


def test_linear_adds_no_node_and_relu_has_derivative_zero_at_zero():
    alpha = Value(1.5)
    assert TABLE["linear"].apply(alpha) is alpha
    assert TABLE["relu"].derivative(np.array([0.0]))[0] == 0.0
    zero = Value(0.0)
    TABLE["relu"].apply(zero).backward()
    assert zero.grad == 0.0


def test_numpy_sigmoid_does_not_overflow():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow in exp would be a RuntimeWarning
        s = TABLE["sigmoid"].function(np.array([-1000.0, 1000.0]))
        d = TABLE["sigmoid"].derivative(np.array([-1000.0, 1000.0]))
    np.testing.assert_array_equal(s, [0.0, 1.0])
    np.testing.assert_array_equal(d, [0.0, 0.0])
