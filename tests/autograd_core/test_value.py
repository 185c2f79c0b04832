"""autograd_core.value: what a Value accepts, each operation's value and local derivatives,
Value.from_op, operand types, roles, copying and pickling.

Expected numbers come from the op registry's float versions and hand-written derivatives,
or are worked out by hand in the test.
"""

from __future__ import annotations

import copy
import inspect
import math
import pickle
import re
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from op_registry import BINARY_OPS, UNARY_OPS, BinaryOp, UnaryOp, sin

from autograd_core import Value, affine, backward_steps, draw_graph, gradcheck
from autograd_core.graph import shares_to_inputs
from autograd_core.value import mark_parameters, role

# -- what a Value accepts -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "type_name"),
    [
        (True, "bool"),
        (np.bool_(False), "bool"),
        ("1.0", "str"),
        (None, "NoneType"),
        (1 + 2j, "complex"),
        ([1.0], "list"),
        (np.array(1.0), "ndarray"),
        (np.array([1.0, 2.0]), "ndarray"),
        (np.complex128(1), "complex128"),
    ],
)
def test_value_rejects_non_real_data_naming_its_type(bad, type_name):
    with pytest.raises(TypeError, match=type_name) as info:
        Value(bad)
    assert "real number" in str(info.value)


@pytest.mark.parametrize("good", [3, 2.5, np.float64(1.5), np.float32(0.25), np.int64(7)])
def test_value_accepts_real_numbers_and_stores_float(good):
    v = Value(good)
    assert type(v.data) is float and v.data == float(good)
    assert type(v.grad) is float and v.grad == 0.0
    assert (v.label, v.op, v.inputs, role(v)) == ("", "", (), "input")


def test_label_is_settable_and_must_be_a_string():
    v = Value(1.0, label="x")
    v.label = "renamed"
    assert v.label == "renamed"
    with pytest.raises(TypeError, match="label must be a str, got int"):
        Value(1.0, label=3)
    with pytest.raises(TypeError, match="label must be a str, got int"):
        v.label = 3
    assert v.label == "renamed"


def test_micrograds_constructor_points_to_from_op():
    x = Value(4.0)
    with pytest.raises(TypeError, match=r"Value\.from_op\(data, inputs, local_grads, op\)"):
        Value(2.0, (x,))
    with pytest.raises(TypeError, match="from_op"):
        Value(2.0, label=[x])
    with pytest.raises(TypeError, match="positional arguments"):  # Python's own, for (x,), op
        Value(2.0, (x,), "sqrt")
    assert "from_op" in Value.__doc__


def test_the_constructor_shows_data_and_label_only():
    assert list(inspect.signature(Value).parameters) == ["data", "label"]


def test_validation_does_not_rely_on_assert():
    # `python -O` strips asserts; the errors must survive it.
    code = "from autograd_core import Value\ntry: Value('x')\nexcept TypeError: print('ok')\n"
    out = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr


def test_values_hash_and_compare_by_identity_with_no_ordering():
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a
    assert len({a, b, a}) == 2
    assert {a: 1}[a] == 1
    with pytest.raises(TypeError):
        _ = a < b


# -- operations: value and local derivatives ------------------------------------------------


def points(op: UnaryOp):
    return st.floats(op.low, op.high).filter(lambda x: not op.avoid_zero or abs(x) > 1e-3)


@pytest.mark.parametrize("op", UNARY_OPS, ids=lambda op: op.name)
@given(data=st.data())
def test_unary_value_and_local_derivative_match_the_analytic_ones(op: UnaryOp, data):
    x = data.draw(points(op))
    v = Value(x)
    out = op.on_value(v)
    assert math.isclose(out.data, op.on_float(x), rel_tol=1e-12, abs_tol=1e-300)
    # The node that takes v (a constant operand is a second input, but never v itself).
    (local,) = [d for child, d in zip(out.inputs, shares_to_inputs(out, 1.0)) if child is v]
    assert math.isclose(local, op.derivative(x), rel_tol=1e-10, abs_tol=1e-12)


@pytest.mark.parametrize("op", BINARY_OPS, ids=lambda op: op.name)
@given(x=st.floats(-5, 5), y=st.floats(-5, 5))
def test_binary_value_and_gradient_match_the_analytic_ones(op: BinaryOp, x, y):
    assume(not op.y_avoid_zero or abs(y) > 1e-2)
    a, b = Value(x), Value(y)
    out = op.on_value(a, b)
    out.backward()
    expected_a, expected_b = op.gradient(x, y)
    assert math.isclose(out.data, op.on_float(x, y), rel_tol=1e-12, abs_tol=1e-300)
    assert math.isclose(a.grad, expected_a, rel_tol=1e-12, abs_tol=1e-12)
    assert math.isclose(b.grad, expected_b, rel_tol=1e-12, abs_tol=1e-12)


def test_inputs_and_op_record_operand_order():
    a, b = Value(2.0, "a"), Value(5.0, "b")
    assert (a * a).inputs == (a, a)
    assert (b - a).inputs == (b, a)
    reflected = 7 - a
    assert reflected.inputs[1] is a and reflected.inputs[0].data == 7.0
    assert [(a + b).op, (a - b).op, (a * b).op, (a / b).op] == ["+", "-", "*", "/"]
    assert [(-a).op, (a**2).op, (a**0.5).op, a.relu().op] == ["neg", "**2", "**0.5", "relu"]
    assert [a.sigmoid().op, a.tanh().op, a.exp().op, a.log().op] == [
        "sigmoid",
        "tanh",
        "exp",
        "log",
    ]


def test_a_number_operand_becomes_a_constant_float_leaf():
    x = Value(2.0)
    for constant in (3, 3.0, np.float32(3.0), np.int64(3)):
        leaf = (x * constant).inputs[1]
        assert type(leaf.data) is float and leaf.data == 3.0
        assert (leaf.grad, leaf.label, leaf.op, leaf.inputs) == (0.0, "", "", ())
        assert role(leaf) == "constant"
    assert role(x * 3) == "intermediate"


def test_sum_of_values_with_plain_zero_start():
    xs = [Value(float(i)) for i in range(1, 5)]
    total = sum(xs)
    total.backward()
    assert total.data == 10.0
    assert all(x.grad == 1.0 for x in xs)


def test_affine_is_one_node_b_plus_sum_of_w_h_with_exact_local_derivatives():
    ws = [Value(0.5), Value(-1.25), Value(2.0)]
    hs = [Value(3.0), Value(0.25), Value(-1.5)]
    b = Value(0.1)
    alpha = affine(ws, hs, b)
    assert alpha.op == "affine"
    assert alpha.inputs == (b, ws[0], hs[0], ws[1], hs[1], ws[2], hs[2])
    assert alpha.data == ((0.1 + 0.5 * 3.0) + -1.25 * 0.25) + 2.0 * -1.5  # left to right
    # ∂α/∂b = 1, ∂α/∂wᵢ = hᵢ, ∂α/∂hᵢ = wᵢ
    assert shares_to_inputs(alpha, 1.0) == (1.0, 3.0, 0.5, 0.25, -1.25, -1.5, 2.0)


def test_affine_takes_numbers_as_constant_leaves_and_sums_a_shared_input():
    x = Value(3.0)
    alpha = affine([Value(2.0), 5], [x, x], 1)  # 1 + 2x + 5x
    alpha.backward()
    assert alpha.data == 22.0 and x.grad == 7.0
    assert [role(alpha.inputs[i]) for i in (0, 3)] == ["constant", "constant"]


def test_affine_rejects_mismatched_lengths_and_non_numbers():
    with pytest.raises(ValueError, match="2 weights and 1 inputs"):
        affine([Value(1.0), Value(2.0)], [Value(1.0)], 0.0)
    with pytest.raises(TypeError, match=r"affine takes Values or a real number.*got str"):
        affine([Value(1.0)], ["2"], 0.0)


# -- Value.from_op ----------------------------------------------------------------------------


def test_from_op_node_has_its_data_inputs_op_and_local_derivatives():
    x, y = Value(2.0), Value(-1.0)
    node = Value.from_op(3.5, (x, y), (0.25, -4), "mine")
    assert (node.data, node.inputs, node.op, node.grad) == (3.5, (x, y), "mine", 0.0)
    assert role(node) == "intermediate"
    assert shares_to_inputs(node, 1.0) == (0.25, -4.0)
    assert shares_to_inputs(node, 2.0) == (0.5, -8.0)


def test_an_op_written_with_from_op_gradchecks_steps_and_accumulates_like_a_built_in():
    assert gradcheck(lambda x: sin(x * x) * x, [0.7])  # d/dx x·sin(x²) = sin x² + 2x² cos x²
    x = Value(0.7)
    out = sin(x * x) * x
    expected = math.sin(0.49) + 2 * 0.49 * math.cos(0.49)
    for calls in (1, 2, 3):
        out.backward()
        assert math.isclose(x.grad, calls * expected, rel_tol=1e-14)
    y = Value(0.3)
    step = next(s for s in backward_steps(sin(y)) if s.node.op == "sin")
    assert step.contributions == ((y, math.cos(0.3)),)  # upstream 1 × local cos y


def test_local_derivatives_are_taken_at_forward_time():
    x = Value(0.3)
    y = sin(x)
    x.data = 1.0  # too late: sin's node holds cos 0.3 already
    y.backward()
    assert (y.data, x.grad) == (math.sin(0.3), math.cos(0.3))


def test_an_op_written_with_from_op_is_drawn_with_its_local_derivative_on_the_edge():
    x = Value(2.0, label="x")
    node = Value.from_op(8.0, [x], [0.375], "cube_ish")
    source = draw_graph(node, edge_labels=True).source
    assert "cube_ish" in source and "0.375" in source


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ((1.0, Value(1.0), [1.0], "f"), TypeError, "inputs must be a sequence of Values"),
        ((1.0, "ab", [1.0, 1.0], "f"), TypeError, "inputs must be a sequence of Values"),
        ((1.0, [1.0], [1.0], "f"), TypeError, r"inputs\[0\] must be a Value, got float"),
        ((1.0, [], [], "f"), ValueError, "inputs is empty"),
        ((1.0, [Value(1.0)], 2.0, "f"), TypeError, "local_grads must be a sequence"),
        ((1.0, [Value(1.0)], [1.0, 2.0], "f"), ValueError, "got 2 for 1 inputs"),
        ((1.0, [Value(1.0)], ["1"], "f"), TypeError, r"local_grads\[0\] must be a real number"),
        ((1.0, [Value(1.0)], [True], "f"), TypeError, r"local_grads\[0\] must be a real number"),
        (("1", [Value(1.0)], [1.0], "f"), TypeError, "from_op's data must be a real number"),
        ((1.0, [Value(1.0)], [1.0], 3), TypeError, "op must be a short name"),
        ((1.0, [Value(1.0)], [1.0], ""), ValueError, "op must be a short name"),
        ((1.0, [Value(1.0)], [1.0], "x" * 33), ValueError, "op must be a short name"),
    ],
)
def test_from_op_rejects_bad_arguments_saying_what_is_accepted(arguments, error, message):
    with pytest.raises(error, match=message):
        Value.from_op(*arguments)


def test_from_op_takes_huge_integers_as_infinities():
    x = Value(1.0)
    node = Value.from_op(10**400, [x], [-(10**400)], "huge")
    assert node.data == math.inf and shares_to_inputs(node, 1.0) == (-math.inf,)


# -- operand types ----------------------------------------------------------------------------

BINARY_OPERATORS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
}


@pytest.mark.parametrize("bad", ["2", None, [1.0], 1j, True, np.bool_(True)])
@pytest.mark.parametrize("symbol", sorted(BINARY_OPERATORS))
def test_a_foreign_operand_is_refused_by_python_naming_value(symbol, bad):
    # The operators return NotImplemented, and Python (or the other type) words the error:
    # "unsupported operand type(s)", "can't multiply sequence by non-int of type 'Value'".
    apply = BINARY_OPERATORS[symbol]
    for left, right in ((Value(1.0), bad), (bad, Value(1.0))):
        with pytest.raises(TypeError, match="Value"):
            apply(left, right)


@pytest.mark.parametrize("bad", [None, 1j, True])
def test_pythons_error_names_both_types(bad):
    with pytest.raises(TypeError, match=f"unsupported operand.*'Value' and '{type(bad).__name__}'"):
        Value(1.0) + bad


class Interval:
    """A user's own number type that knows how to combine with a Value."""

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = low, high

    def __radd__(self, value: Value) -> Interval:
        return Interval(value.data + self.low, value.data + self.high)

    def __rmul__(self, value: Value) -> Interval:
        return Interval(value.data * self.low, value.data * self.high)


def test_a_users_type_takes_part_through_its_reflected_methods():
    total = Value(2.0) + Interval(1.0, 3.0)
    product = Value(2.0) * Interval(1.0, 3.0)
    assert (total.low, total.high, product.low, product.high) == (3.0, 5.0, 2.0, 6.0)


@pytest.mark.parametrize("symbol", sorted(BINARY_OPERATORS))
def test_arrays_are_refused_on_either_side(symbol):
    # Value returns NotImplemented for an array and NumPy defers to Value
    # (__array_ufunc__ = None), so neither builds an array of Values: NumPy's reflected
    # method or Python raises TypeError, worded as they choose.
    apply = BINARY_OPERATORS[symbol]
    for array in (np.array([1.0, 2.0]), np.array(3.0)):
        for left, right in ((Value(1.0), array), (array, Value(1.0))):
            with pytest.raises(TypeError):
                apply(left, right)


def test_numpy_scalars_work_on_either_side():
    v = Value(3.0)
    assert (np.float64(2.0) * v).data == 6.0
    assert (v * np.float32(0.5)).data == 1.5
    assert (np.int64(2) - v).data == -1.0


def test_a_value_exponent_gets_a_clear_error_pointing_to_exp_and_log():
    with pytest.raises(TypeError, match=r"Value exponent .* \(p \* x\.log\(\)\)\.exp\(\)"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(TypeError, match=r"int \*\* Value is not supported.*exp\(\)"):
        2 ** Value(3.0)
    with pytest.raises(TypeError, match=r"unsupported operand.*'Value' and 'str'"):
        Value(2.0) ** "3"


# -- roles ------------------------------------------------------------------------------------


def test_mark_parameters_marks_leaves_only():
    w, x = Value(0.5), Value(1.0)
    mark_parameters([w])
    assert (role(w), role(x), role(w * x)) == ("parameter", "input", "intermediate")
    with pytest.raises(TypeError, match="only leaf Values can be parameters"):
        mark_parameters([w * x])


# -- copying and pickling -----------------------------------------------------------------------


def copies(value):
    """The three ways a user duplicates a Value."""
    return [copy.copy(value), copy.deepcopy(value), pickle.loads(pickle.dumps(value))]


def test_leaves_copy_and_pickle_with_data_label_grad_and_role():
    x, w = Value(2.5, label="x"), Value(-1.0, label="w")
    mark_parameters([w])
    constant = (x * 3.0).inputs[1]
    (x * w).backward()
    for original, expected_role in ((x, "input"), (w, "parameter"), (constant, "constant")):
        for clone in copies(original):
            assert clone is not original and type(clone) is Value
            assert (clone.data, clone.label, clone.grad, role(clone)) == (
                original.data,
                original.label,
                original.grad,
                expected_role,
            )
            # The copy is a leaf of its own: a graph on it reaches it, not the original.
            (clone * 4.0).backward()
            assert clone.grad == original.grad + 4.0
    assert (x.grad, w.grad) == (-1.0, 2.5)


class Parameter(Value):
    """A user's subclass with attributes of its own (it has a __dict__)."""


def test_a_subclassed_leaf_copies_with_its_attributes():
    w = Parameter(2.0, label="w")
    w.note = "first layer"
    for clone in copies(w):
        assert type(clone) is Parameter and clone.note == "first layer" and clone.data == 2.0


def registry_nodes():
    for op in UNARY_OPS:
        yield op.name, op.on_value(Value(0.5 * (op.low + op.high) + 0.1))
    for op in BINARY_OPS:
        yield op.name, op.on_value(Value(0.75), Value(1.5))


@pytest.mark.parametrize(("name", "node"), list(registry_nodes()), ids=lambda x: str(x))
def test_every_operations_result_refuses_copy_and_pickle_naming_its_op(name, node):
    for duplicate in (copy.copy, copy.deepcopy, pickle.dumps):
        with pytest.raises(TypeError, match=f"cannot copy or pickle .*{re.escape(repr(node.op))}"):
            duplicate(node)
    with pytest.raises(TypeError, match="cannot copy or pickle"):
        copy.deepcopy([Value(1.0), node])  # inside a container too


def test_a_leaf_unpickled_in_another_process_is_older_than_nodes_made_from_it():
    # The other process's creation numbers run far ahead of this one's: had the leaf kept
    # its number, it would look newer than a node made from it here.
    script = (
        "import itertools, pickle, sys\n"
        "from autograd_core import Value, value\n"
        "value._next_number = itertools.count(10**12).__next__\n"
        "sys.stdout.buffer.write(pickle.dumps(Value(2.0, label='x')))\n"
    )
    pickled = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True)
    x = pickle.loads(pickled.stdout)
    g = (x * x).tanh() * 3.0
    g.backward()
    # g = 3·tanh(x²): ∂g/∂x = 3·(1 − tanh²(4))·2x at x = 2.
    assert math.isclose(x.grad, 3.0 * (1.0 - math.tanh(4.0) ** 2) * 4.0, rel_tol=1e-12)


def test_the_docstring_examples_run():
    import doctest

    import autograd_core.value

    results = doctest.testmod(autograd_core.value)
    assert results.attempted > 0 and results.failed == 0
