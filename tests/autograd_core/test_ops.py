"""Every operation's value and gradient against its float version and analytic derivative."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from op_registry import BINARY_OPS, UNARY_OPS, BinaryOp, UnaryOp

from autograd_core import Value, affine, gradcheck


def points(op: UnaryOp):
    return st.floats(op.low, op.high).filter(lambda x: not op.avoid_zero or abs(x) > 1e-3)


@pytest.mark.parametrize("op", UNARY_OPS, ids=lambda op: op.name)
@given(data=st.data())
def test_unary_value_and_gradient_match_the_analytic_derivative(op: UnaryOp, data):
    x = data.draw(points(op))
    v = Value(x)
    out = op.on_value(v)
    out.backward()
    assert math.isclose(out.data, op.on_float(x), rel_tol=1e-12, abs_tol=1e-300)
    assert math.isclose(v.grad, op.derivative(x), rel_tol=1e-10, abs_tol=1e-12)


@pytest.mark.parametrize("op", UNARY_OPS, ids=lambda op: op.name)
@pytest.mark.parametrize("where", [0.2, 0.7])
def test_unary_gradient_matches_central_differences(op: UnaryOp, where: float):
    x = op.low + where * (op.high - op.low)
    assert gradcheck(op.on_value, [x], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("op", BINARY_OPS, ids=lambda op: op.name)
@given(x=st.floats(-5, 5), y=st.floats(-5, 5))
def test_binary_value_and_gradient_match_the_analytic_derivative(op: BinaryOp, x, y):
    assume(not op.y_avoid_zero or abs(y) > 1e-2)
    a, b = Value(x), Value(y)
    out = op.on_value(a, b)
    out.backward()
    expected_a, expected_b = op.gradient(x, y)
    assert math.isclose(out.data, op.on_float(x, y), rel_tol=1e-12, abs_tol=1e-300)
    assert math.isclose(a.grad, expected_a, rel_tol=1e-12, abs_tol=1e-12)
    assert math.isclose(b.grad, expected_b, rel_tol=1e-12, abs_tol=1e-12)


@pytest.mark.parametrize("op", BINARY_OPS, ids=lambda op: op.name)
def test_binary_gradient_matches_central_differences(op: BinaryOp):
    assert gradcheck(op.on_value, [1.3, -0.8])


def test_inputs_and_op_record_operand_order():
    a, b = Value(2.0, "a"), Value(5.0, "b")
    assert (a * a).inputs == (a, a)
    assert (b - a).inputs == (b, a)
    reflected = 7 - a
    assert reflected.inputs[1] is a and reflected.inputs[0].data == 7.0
    assert [(a + b).op, (a - b).op, (a * b).op, (a / b).op] == ["+", "-", "*", "/"]
    assert [(-a).op, (a**2).op, a.relu().op, a.exp().op] == ["neg", "**2", "relu", "exp"]
    assert a.op == "" and a.inputs == ()


def test_lecture_002_chain_rule_y_x2_z_y2_gives_4x_cubed():
    # Lecture 002: y = x², z = y², so ∂z/∂x = 4xy = 4x³; at x = 1.5 that is 13.5.
    x = Value(1.5)
    z = (x**2) ** 2
    z.backward()
    assert z.data == 1.5**4
    assert x.grad == 13.5


def test_affine_is_one_node_with_micrograds_sum_and_exact_per_weight_gradients():
    ws = [Value(0.5), Value(-1.25), Value(2.0)]
    hs = [Value(3.0), Value(0.25), Value(-1.5)]
    b = Value(0.1)
    alpha = affine(ws, hs, b)
    assert alpha.op == "affine"
    assert alpha.inputs == (b, ws[0], hs[0], ws[1], hs[1], ws[2], hs[2])
    assert alpha.data == ((0.1 + 0.5 * 3.0) + -1.25 * 0.25) + 2.0 * -1.5
    alpha.backward()
    assert [w.grad for w in ws] == [3.0, 0.25, -1.5]  # ∂α/∂wᵢ = hᵢ
    assert [h.grad for h in hs] == [0.5, -1.25, 2.0]  # ∂α/∂hᵢ = wᵢ
    assert b.grad == 1.0


def test_affine_with_a_shared_input_sums_its_contributions():
    x = Value(3.0)
    alpha = affine([Value(2.0), Value(5.0)], [x, x], 1.0)  # 1 + 2x + 5x
    alpha.backward()
    assert alpha.data == 22.0
    assert x.grad == 7.0


def test_affine_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="2 weights and 1 inputs"):
        affine([Value(1.0), Value(2.0)], [Value(1.0)], 0.0)


def test_sum_of_values_with_plain_zero_start():
    xs = [Value(float(i)) for i in range(1, 5)]
    total = sum(xs)
    total.backward()
    assert total.data == 10.0
    assert all(x.grad == 1.0 for x in xs)
