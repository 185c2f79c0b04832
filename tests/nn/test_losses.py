"""Each loss against its formula, computed independently with math, and its gradient."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_core import Value, gradcheck
from nn import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    half_squared_error,
    softmax_cross_entropy,
    squared_error,
)
from nn.losses import value_sum


def values(numbers):
    return [Value(x) for x in numbers]


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


# -- squared errors ------------------------------------------------------------------------------


def test_half_squared_error_is_half_the_sum_of_squares_with_gradient_y_minus_t():
    y, t = values([1.0, -2.0, 0.5]), [0.0, 1.0, 0.5]
    loss = half_squared_error(y, t)
    loss.backward()
    assert loss.data == 0.5 * (1.0 + 9.0 + 0.0)
    assert [v.grad for v in y] == [1.0, -3.0, 0.0]


def test_squared_error_is_the_sum_of_squares_with_gradient_twice_the_residual():
    y, t = values([1.0, -2.0]), [0.0, 1.0]
    loss = squared_error(y, t)
    loss.backward()
    assert loss.data == 10.0
    assert [v.grad for v in y] == [2.0, -6.0]


def test_a_single_value_and_a_single_number_work():
    y = Value(3.0)
    assert half_squared_error(y, 1.0).data == 2.0
    assert squared_error(y, [1]).data == 4.0
    assert squared_error(y, np.float64(1.0)).data == 4.0


@pytest.mark.parametrize(
    "loss", [half_squared_error, squared_error, binary_cross_entropy_with_logits]
)
def test_a_zero_dimensional_array_target_is_a_number(loss):
    # NumPy treats a 0-d array as a scalar, so the loss must equal the one with a float.
    y = Value(0.75)
    assert loss(y, np.asarray(0.5)).data == loss(y, 0.5).data
    assert squared_error(y, np.asarray(0.5)).data == 0.0625  # (0.75 − 0.5)², by hand


# -- binary cross-entropy ------------------------------------------------------------------------


def test_binary_cross_entropy_matches_its_formula_and_derivative():
    ps, ts = [0.9, 0.2, 0.6], [1.0, 0.0, 0.25]
    p = values(ps)
    loss = binary_cross_entropy(p, ts)
    loss.backward()
    expected = -sum(t * math.log(q) + (1 - t) * math.log(1 - q) for q, t in zip(ps, ts))
    assert math.isclose(loss.data, expected, rel_tol=1e-14)
    for v, q, t in zip(p, ps, ts):
        assert math.isclose(v.grad, (q - t) / (q * (1 - q)), rel_tol=1e-12)


@settings(max_examples=100, deadline=None)
@given(st.floats(1e-15, 1 - 1e-15), st.sampled_from([0.0, 1.0, 0.3]))
def test_binary_cross_entropy_is_finite_strictly_inside_zero_one(q, t):
    p = Value(q)
    loss = binary_cross_entropy(p, t)
    loss.backward()
    assert math.isfinite(loss.data) and math.isfinite(p.grad)
    assert loss.data >= 0.0  # both logs are ≤ 0


def test_binary_cross_entropy_near_zero_and_one():
    p = Value(1e-12)
    loss = binary_cross_entropy(p, 1)
    loss.backward()
    assert math.isclose(loss.data, -math.log(1e-12), rel_tol=1e-14)
    assert math.isclose(p.grad, -1e12, rel_tol=1e-12)
    p = Value(1.0 - 1e-12)
    loss = binary_cross_entropy(p, 0)
    assert math.isclose(loss.data, -math.log(1.0 - (1.0 - 1e-12)), rel_tol=1e-14)
    # A certain, correct prediction costs nothing (the 0 · log 0 term is not built).
    p = Value(1.0)
    loss = binary_cross_entropy(p, 1)
    loss.backward()
    assert loss.data == 0.0 and p.grad == -1.0


@pytest.mark.parametrize(("p", "t"), [(1.0, 1), (0.0, 0), ([1.0, 0.0], [1, 0])])
def test_binary_cross_entropy_of_a_perfect_prediction_is_plus_zero(p, t):
    loss = binary_cross_entropy(values(p) if isinstance(p, list) else Value(p), t)
    # −0.0 == 0.0 is True, so only the sign bit tells them apart.
    assert loss.data == 0.0 and math.copysign(1.0, loss.data) == 1.0


def test_binary_cross_entropy_with_logits_equals_bce_of_the_sigmoid():
    zs, ts = [2.0, -0.5, 0.0, 3.0], [1.0, 0.0, 1.0, 0.4]
    z = values(zs)
    loss = binary_cross_entropy_with_logits(z, ts)
    loss.backward()
    expected = -sum(
        t * math.log(sigmoid(a)) + (1 - t) * math.log(1 - sigmoid(a)) for a, t in zip(zs, ts)
    )
    assert math.isclose(loss.data, expected, rel_tol=1e-13)
    for v, a, t in zip(z, zs, ts):
        assert math.isclose(v.grad, sigmoid(a) - t, rel_tol=1e-13, abs_tol=1e-15)
    # At z = 0 exactly the gradient is σ(0) − t = 0.5 − t, with no kink.
    assert z[2].grad == -0.5


@pytest.mark.parametrize(
    ("z", "t", "loss", "grad"),
    [(1000.0, 0.0, 1000.0, 1.0), (1000.0, 1.0, 0.0, 0.0), (-1000.0, 1.0, 1000.0, -1.0)],
)
def test_binary_cross_entropy_with_logits_is_stable_for_large_logits(z, t, loss, grad):
    v = Value(z)
    out = binary_cross_entropy_with_logits(v, t)
    out.backward()
    # −log σ(−1000) = 1000 + log(1 + e⁻¹⁰⁰⁰), which is 1000 in floating point.
    assert out.data == loss and v.grad == grad


@settings(max_examples=50, deadline=None)
@given(st.floats(-30, 30), st.floats(0, 1))
def test_binary_cross_entropy_with_logits_gradient_equals_central_differences(z, t):
    assert gradcheck(lambda v: binary_cross_entropy_with_logits(v, t), [z], rtol=1e-5, atol=1e-8)


# -- softmax cross-entropy ----------------------------------------------------------------------


def test_softmax_cross_entropy_matches_its_formula_and_derivative():
    logits_in = [1.0, -0.5, 2.0, 0.25]
    for k in range(4):
        logits = values(logits_in)
        loss = softmax_cross_entropy(logits, k)
        loss.backward()
        exps = [math.exp(a) for a in logits_in]
        softmax = [e / math.fsum(exps) for e in exps]
        assert math.isclose(loss.data, -math.log(softmax[k]), rel_tol=1e-14)
        for i, v in enumerate(logits):
            assert math.isclose(v.grad, softmax[i] - (i == k), rel_tol=1e-12, abs_tol=1e-15)


def test_softmax_cross_entropy_is_stable_for_large_logits():
    logits = values([1000.0, 0.0])
    loss = softmax_cross_entropy(logits, 1)
    loss.backward()
    assert loss.data == 1000.0  # −log(e⁰ / (e¹⁰⁰⁰ + e⁰)) = 1000 + log(1 + e⁻¹⁰⁰⁰)
    assert [v.grad for v in logits] == [1.0, -1.0]
    logits = values([1000.0, 0.0])
    loss = softmax_cross_entropy(logits, 0)
    loss.backward()
    assert loss.data == 0.0 and [v.grad for v in logits] == [0.0, 0.0]
    logits = values([1000.0, 999.0])
    loss = softmax_cross_entropy(logits, 1)
    loss.backward()
    assert math.isclose(loss.data, math.log(1.0 + math.e), rel_tol=1e-14)
    assert math.isclose(logits[0].grad, 1.0 / (1.0 + math.exp(-1.0)), rel_tol=1e-14)
    logits = values([-1000.0, -1001.0, -1002.0])
    assert math.isfinite(softmax_cross_entropy(logits, 2).data)


def test_softmax_cross_entropy_of_one_logit_is_zero():
    assert softmax_cross_entropy(Value(5.0), 0).data == 0.0


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "loss",
    [half_squared_error, squared_error, binary_cross_entropy, binary_cross_entropy_with_logits],
)
def test_a_length_mismatch_raises(loss):
    with pytest.raises(ValueError, match="has 2 outputs but t has 3 targets"):
        loss(values([0.5, 0.5]), [0.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="has 1 outputs but t has 2 targets"):
        loss(Value(0.5), [0.0, 1.0])


@pytest.mark.parametrize(
    "loss",
    [half_squared_error, squared_error, binary_cross_entropy, binary_cross_entropy_with_logits],
)
def test_outputs_and_targets_of_the_wrong_type_raise(loss):
    with pytest.raises(TypeError, match="must be a Value"):
        loss([0.5], [1.0])
    with pytest.raises(TypeError, match="t must be a number or a sequence"):
        loss(Value(0.5), "1")
    with pytest.raises(TypeError, match=r"t\[0\] must be a real number"):
        loss(Value(0.5), [True])
    with pytest.raises(TypeError, match=r"t must be a number or a sequence .*, got bool"):
        loss(Value(0.5), np.asarray(True))
    with pytest.raises(TypeError, match=r"got a 2-D array of shape \(1, 1\)"):
        loss(Value(0.5), np.array([[1.0]]))


@pytest.mark.parametrize(
    "loss",
    [half_squared_error, squared_error, binary_cross_entropy, binary_cross_entropy_with_logits],
)
@pytest.mark.parametrize("targets", [{0: 1.0, 1: 0.0}, {1.0, 0.0}, frozenset({1.0})])
def test_unordered_targets_raise(loss, targets):
    # A dict would give its keys, a set an arbitrary order: neither matches outputs 1, 2, …
    outputs = values([0.25, 0.75][: len(targets)])
    with pytest.raises(TypeError, match="t must be a number or a sequence of numbers") as error:
        loss(outputs, targets)
    assert type(targets).__name__ in str(error.value)


@pytest.mark.parametrize("p", [1.75, -0.5, math.nan, math.inf])
def test_binary_cross_entropy_refuses_p_outside_zero_one(p):
    with pytest.raises(ValueError, match=r"p\[1\] = .* not a probability") as error:
        binary_cross_entropy(values([0.5, p]), [1.0, 0.0])
    assert "binary_cross_entropy_with_logits" in str(error.value)
    # The logits it was probably given are fine there.
    assert math.isfinite(binary_cross_entropy_with_logits(Value(1.75), 0.0).data)


@pytest.mark.parametrize("loss", [binary_cross_entropy, binary_cross_entropy_with_logits])
def test_cross_entropy_targets_outside_zero_one_raise(loss):
    with pytest.raises(ValueError, match=r"t\[1\] = 2.0: .* in \[0, 1\]"):
        loss(values([0.5, 0.5]), [1.0, 2.0])


@pytest.mark.parametrize("k", [2, -1, 1.0, "0", True, None])
def test_a_bad_class_index_raises(k):
    with pytest.raises(ValueError, match="k must be"):
        softmax_cross_entropy(values([1.0, 2.0]), k)


def test_softmax_cross_entropy_accepts_numpy_integers_and_rejects_no_logits():
    assert math.isclose(
        softmax_cross_entropy(values([0.0, 0.0]), np.int64(1)).data, math.log(2.0), rel_tol=1e-15
    )
    with pytest.raises(ValueError, match="logits is empty"):
        softmax_cross_entropy([], 0)


# -- the shared sum ----------------------------------------------------------------------------


def test_value_sum_adds_in_order_without_a_zero_node():
    a, b, c = Value(1.5, label="a"), Value(-4.0, label="b"), Value(0.25, label="c")
    total = value_sum([a, b, c])
    assert total.data == -2.25  # 1.5 − 4 + 0.25
    # ((a + b) + c): the leaves are exactly a, b, c, with no 0 start value.
    assert total.op == "+" and total.inputs[1] is c
    assert total.inputs[0].inputs == (a, b)
    assert value_sum([a]) is a


def test_value_sum_of_nothing_raises():
    with pytest.raises(ValueError, match="at least one Value, got an empty sequence"):
        value_sum([])
