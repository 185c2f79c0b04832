"""IEEE 754 behaviour: inf and nan instead of Python exceptions, as NumPy and PyTorch do."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd_core import Value, ieee


def test_contract_cases():
    assert Value(1000).exp().data == math.inf
    assert Value(0).log().data == -math.inf
    assert math.isnan(Value(-1).log().data)
    assert (1 / Value(0)).data == math.inf


def test_sigmoid_never_overflows_and_has_a_finite_zero_gradient_far_out():
    for x, expected in [(1000.0, 1.0), (-1000.0, 0.0), (1e308, 1.0), (-1e308, 0.0)]:
        v = Value(x)
        s = v.sigmoid()
        s.backward()
        assert s.data == expected
        assert v.grad == 0.0


def test_sigmoid_matches_the_textbook_formula_where_it_is_safe():
    for x in [-30.0, -2.5, -1e-9, 0.0, 1e-9, 3.7, 30.0]:
        assert math.isclose(ieee.sigmoid(x), 1 / (1 + math.exp(-x)), rel_tol=1e-15)


def test_relu_has_gradient_zero_at_zero():
    x = Value(0.0)
    y = x.relu()
    y.backward()
    assert y.data == 0.0
    assert x.grad == 0.0


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: Value(-1) / Value(0), -math.inf),
        (lambda: Value(1) / Value(-0.0), -math.inf),
        (lambda: Value(0) / Value(0), math.nan),
        (lambda: Value(0) ** -1, math.inf),
        (lambda: Value(-0.0) ** -1, -math.inf),
        (lambda: Value(-0.0) ** -2, math.inf),
        (lambda: Value(-8) ** 0.5, math.nan),
        (lambda: Value(10) ** 400, math.inf),
        (lambda: Value(-10) ** 401, -math.inf),
        (lambda: Value(1e200) * Value(1e200), math.inf),
        (lambda: Value(math.inf) - Value(math.inf), math.nan),
        (lambda: Value(math.nan).sigmoid(), math.nan),
        (lambda: Value(math.inf).log(), math.inf),
        (lambda: Value(-math.inf).exp(), 0.0),
    ],
)
def test_results_follow_ieee(make, expected):
    # Each expected value is the IEEE 754 result worked out by hand (NumPy's float64
    # gives the same); the grid test below compares with NumPy itself.
    got = make().data
    if math.isnan(expected):
        assert math.isnan(got)
    else:
        assert got == expected


def same(a: float, b: float) -> bool:
    """Equal as IEEE numbers (nan matches nan; the sign of a zero result is not compared)."""
    return a == b or (math.isnan(a) and math.isnan(b))


def test_power_and_division_agree_with_numpy_on_a_grid():
    values = [-2.0, -0.5, -0.0, 0.0, 0.5, 3.0, math.inf, -math.inf, math.nan]
    # NumPy computes x ** 0.5 through sqrt, whose special cases at -0 and -inf differ from
    # C's pow; the engine follows pow, so the grid uses other fractional exponents.
    exponents = [-3.0, -2.0, -1.5, 0.0, 0.25, 1.0, 1.5, 2.0, 3.0]
    with np.errstate(all="ignore"):
        for x in values:
            for p in exponents:
                assert same(ieee.power(x, p), float(np.power(x, p))), f"{x} ** {p}"
            for y in values:
                assert same(ieee.divide(x, y), float(np.divide(x, y))), f"{x} / {y}"
            assert same(ieee.log(x), float(np.log(x))), f"log {x}"
            assert same(ieee.exp(x), float(np.exp(x))), f"exp {x}"


def test_gradients_of_overflowing_ops_are_ieee_too():
    x = Value(0.0)
    y = x.log()
    y.backward()  # d/dx ln x = 1/x = inf at 0, not ZeroDivisionError
    assert x.grad == math.inf
    z = Value(0.0)
    (1 / z).backward()  # −1/z² at 0
    assert z.grad == -math.inf
    w = Value(1000.0)
    w.exp().backward()
    assert w.grad == math.inf


def test_relu_passes_nan_through_with_gradient_zero():
    # NumPy's maximum(nan, 0) and PyTorch's relu(nan) are nan; the gradient is 0, as
    # PyTorch's (nan > 0 is false).
    x = Value(math.nan)
    y = x.relu()
    y.backward()
    assert math.isnan(y.data)
    assert x.grad == 0.0


def test_power_zero_has_derivative_zero_even_at_zero():
    # x⁰ = 1 is constant: d/dx is 0 everywhere, not 0·x⁻¹ = nan at x = 0 (PyTorch agrees).
    for where in (0.0, 2.0, -3.0):
        x = Value(where)
        y = x**0
        y.backward()
        assert y.data == 1.0
        assert x.grad == 0.0


def test_integers_beyond_the_float_range_become_infinite():
    assert Value(10**400).data == math.inf
    assert Value(-(10**400)).data == -math.inf
    assert (Value(1.0) + 10**400).data == math.inf
    assert (Value(2.0) * -(10**400)).data == -math.inf
