"""Bad input gets a TypeError that names what was received and what is accepted."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_core import Value


@pytest.mark.parametrize(
    ("bad", "type_name"),
    [
        (True, "bool"),
        (np.bool_(False), "bool"),
        ("1.0", "str"),
        (None, "NoneType"),
        (1 + 2j, "complex"),
        ([1.0], "list"),
        ((1.0,), "tuple"),
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
    assert type(v.data) is float
    assert v.data == float(good)
    assert type(v.grad) is float and v.grad == 0.0
    assert v.label == "" and v.op == "" and v.inputs == ()


def test_label_is_settable_and_must_be_a_string():
    v = Value(1.0, label="x")
    v.label = "renamed"
    assert v.label == "renamed"
    with pytest.raises(TypeError, match="label must be a str, got int"):
        Value(1.0, label=3)


@pytest.mark.parametrize("bad", ["2", None, [1.0], 1j, True])
@pytest.mark.parametrize(
    "apply",
    [
        lambda v, o: v + o,
        lambda v, o: o + v,
        lambda v, o: v - o,
        lambda v, o: o - v,
        lambda v, o: v * o,
        lambda v, o: o * v,
        lambda v, o: v / o,
        lambda v, o: o / v,
    ],
)
def test_arithmetic_rejects_non_real_operands(apply, bad):
    with pytest.raises(TypeError, match=type(bad).__name__) as info:
        apply(Value(1.0), bad)
    assert "Value or a real number" in str(info.value)


def test_value_exponent_points_to_exp_and_log():
    with pytest.raises(TypeError, match=r"exp\(\)"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(TypeError, match="exp"):
        2 ** Value(3.0)
    with pytest.raises(TypeError, match="str"):
        Value(2.0) ** "3"


def test_values_hash_and_compare_by_identity_with_no_ordering():
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a
    assert len({a, b, a}) == 2
    assert {a: 1}[a] == 1
    with pytest.raises(TypeError):
        _ = a < b
    with pytest.raises(TypeError):
        sorted([a, b])


def test_validation_does_not_rely_on_assert():
    # `python -O` strips asserts; the errors above must survive it.
    import subprocess
    import sys

    code = (
        "from autograd_core import Value\n"
        "try:\n    Value('x')\nexcept TypeError:\n    print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr


@pytest.mark.parametrize(
    "apply",
    [lambda v, a: v * a, lambda v, a: a * v, lambda v, a: a + v, lambda v, a: a / v],
)
def test_arrays_are_rejected_on_either_side(apply):
    with pytest.raises(TypeError, match="Value and ndarray"):
        apply(Value(1.0), np.array([1.0, 2.0]))


def test_numpy_scalars_work_on_either_side():
    v = Value(3.0)
    assert (np.float64(2.0) * v).data == 6.0
    assert (v * np.float32(0.5)).data == 1.5
    assert (np.int64(2) - v).data == -1.0


def test_setting_a_label_that_is_not_a_string_is_refused():
    v = Value(1.0, label="x")
    with pytest.raises(TypeError, match="label must be a str, got int"):
        v.label = 3
    assert v.label == "x"
