"""gradcheck: passes on correct graphs, names the input whose gradient is wrong."""

from __future__ import annotations

import math

import pytest

from autograd_core import GradcheckError, Value, gradcheck, numerical_gradient


def test_passes_on_good_functions():
    assert gradcheck(lambda x, y: (x * y).tanh() + x**3 / y, [0.4, 1.7]) is True
    assert gradcheck(lambda x: x.sigmoid().log(), [0.3]) is True
    assert gradcheck(lambda x: x.exp(), 1.2) is True  # a single number is one input


def test_raises_naming_the_input_whose_graph_is_broken():
    # x * x.data treats the second factor as a constant: the engine sees ∂/∂x = x,
    # while the function's true derivative is 2x.
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, y: x * x.data + y, [3.0, 1.0])
    message = str(info.value)
    lines = message.splitlines()
    assert "input 0 (x = 3.0)" in lines[1] and "MISMATCH" in lines[1]
    assert "engine 3.0" in lines[1] and "finite difference 6.0" in lines[1]
    assert "difference 3" in lines[1]
    assert "input 1 (x = 1.0)" in lines[2] and lines[2].rstrip().endswith("ok")


def test_tolerances_are_applied():
    def slightly_off(x):
        return x * 2.0 + Value(x.data * 1e-4)  # gradient misses ∂/∂x of the second term

    with pytest.raises(GradcheckError):
        gradcheck(slightly_off, [1.0])
    assert gradcheck(slightly_off, [1.0], rtol=1e-3)


def test_numerical_gradient_is_the_central_difference():
    grad = numerical_gradient(lambda x, y: x * y * y, [2.0, 3.0], eps=1e-5)
    assert math.isclose(grad[0], 9.0, rel_tol=1e-9)
    assert math.isclose(grad[1], 12.0, rel_tol=1e-9)


def test_bad_arguments_get_clear_errors():
    with pytest.raises(TypeError, match="f must return a Value, got float"):
        gradcheck(lambda x: 1.0, [1.0])
    with pytest.raises(TypeError, match=r"xs\[1\] must be a real number"):
        gradcheck(lambda x, y: x * y, [1.0, "2"])
    with pytest.raises(TypeError, match=r"xs\[0\] must be a real number"):
        numerical_gradient(lambda x: x, [True])
    with pytest.raises(ValueError, match="xs is empty"):
        gradcheck(lambda: Value(1.0), [])
    with pytest.raises(ValueError, match="rtol must be a non-negative finite real number"):
        gradcheck(lambda x: x, [1.0], rtol=-1.0)
    with pytest.raises(ValueError, match="atol must be a non-negative finite real number"):
        gradcheck(lambda x: x, [1.0], atol=math.nan)


@pytest.mark.parametrize("eps", [0, 0.0, -1, -1e-6, math.nan, math.inf, -math.inf, 10**400, True])
@pytest.mark.parametrize("check", [gradcheck, numerical_gradient])
def test_eps_must_be_positive_and_finite(check, eps):
    with pytest.raises(ValueError, match="eps must be a positive finite real number, got"):
        check(lambda x: x * x, [1.0], eps=eps)


def test_integers_beyond_the_float_range_become_infinities_not_overflow_errors():
    # At x = ±inf the function is inf or nan on both sides: a nan difference, not an error.
    gradient = numerical_gradient(lambda x, y: x * 2.0 + y, [10**400, -(10**400)])
    assert all(math.isnan(g) for g in gradient)
    with pytest.raises(GradcheckError, match=r"input 0 \(x = inf\): engine 2\.0"):
        gradcheck(lambda x: x * 2.0, [10**400])
    assert gradcheck(lambda x: x.sigmoid(), [-(10**400)]) is True  # σ is flat at -inf: 0 = 0
