"""nn.checks: what each check accepts, what it refuses, and what its message says."""

import math

import numpy as np
import pytest

from nn.checks import (
    MAX_PARAMETERS,
    check_choice,
    check_int,
    check_parameter_count,
    check_real,
    check_rows,
    check_targets,
    is_int,
    is_ordered_sequence,
    is_real,
)


def test_check_choice_lists_the_choices():
    assert check_choice("b", ("a", "b"), "letter") == "b"
    for bad in ("c", None, 1):
        with pytest.raises(ValueError, match=rf"unknown letter {bad!r}: choose one of 'a', 'b'"):
            check_choice(bad, ("a", "b"), "letter")


@pytest.mark.parametrize(
    ("n", "minimum", "message"),
    [
        (0, 1, "n must be a positive int, got 0"),
        (True, 0, "n must be an int ≥ 0, got True"),
        (2.0, 0, "n must be an int ≥ 0, got 2.0"),
        (-1, 0, "n must be an int ≥ 0, got -1"),
        ("3", 1, "n must be a positive int"),
    ],
)
def test_check_int_refuses(n, minimum, message):
    with pytest.raises(ValueError, match=message):
        check_int(n, "n", minimum)


def test_check_int_accepts_numpy_integers_as_ints():
    value = check_int(np.int64(3), "n", 1)
    assert value == 3 and type(value) is int


@pytest.mark.parametrize(
    ("kwargs", "accepted", "refused", "message"),
    [
        ({}, [0, 2.5, np.float64(1e300)], [-1e-300, math.inf, math.nan], r"a finite number ≥ 0"),
        ({"above_minimum": True}, [1e-300], [0.0, -1.0], r"a finite number > 0"),
        ({"below": 1.0}, [0.0, 0.999], [1.0, -0.1, math.nan], r"a number in \[0, 1\)"),
    ],
)
def test_check_real_ranges(kwargs, accepted, refused, message):
    for x in accepted:
        assert check_real(x, "x", **kwargs) == float(x)
    for x in [*refused, True, "1", None]:
        with pytest.raises(ValueError, match=rf"^x must be {message}, got"):
            check_real(x, "x", **kwargs)


def test_real_and_int_are_numbers_but_not_bools():
    for real in (0, -2.5, np.float64(1.0), np.int32(3), math.inf, math.nan):
        assert is_real(real)
    for other in (True, np.bool_(True), "1", None, 1j, [1.0]):
        assert not is_real(other)
    assert is_int(3) and is_int(np.int64(-1))
    for other in (False, 3.0, np.float64(3), "3", None):
        assert not is_int(other)


def test_ordered_sequences_are_those_with_an_order():
    for ordered in ([1], (1, 2), range(3), np.zeros(2)):
        assert is_ordered_sequence(ordered)
    for unordered in ({1}, {1: 2}, frozenset(), "ab", b"ab", np.zeros((1, 1)), 1.0, None):
        assert not is_ordered_sequence(unordered)


class ArrayLike:
    """Stands for a pandas DataFrame or Series, which NumPy reads through ``__array__``."""

    def __init__(self, array):
        self.array = np.asarray(array)

    def __array__(self, dtype=None, copy=None):
        return self.array


def test_array_likes_are_read_through_numpy():
    assert check_rows(ArrayLike([[1, 2], [3, 4]]), 2) == [[1.0, 2.0], [3.0, 4.0]]
    assert check_targets(ArrayLike([0, 1]), 2) == [0, 1]
    with pytest.raises(TypeError, match=r"^X must have shape \(n_examples, 2\)"):
        check_rows(ArrayLike([1, 2]), 2)


def test_check_rows_takes_arrays_and_lists_of_rows():
    assert check_rows([[1, 2], (3, 4)], 2) == [[1.0, 2.0], [3.0, 4.0]]
    assert check_rows(np.ones((3, 2)), None) == [[1.0, 1.0]] * 3
    for bad in ({0: [1, 2]}, [{1, 2}], None, np.ones(2), "ab"):
        with pytest.raises(TypeError, match=r"^X must have shape \(n_examples, 2\)"):
            check_rows(bad, 2)
    with pytest.raises(ValueError, match=r"X must have shape \(n_examples, 2\) .* got \(1, 3\)"):
        check_rows([[1, 2, 3]], 2)
    with pytest.raises(TypeError, match="rows of equal length"):
        check_rows([[1, 2], [3]], 2)


def test_check_targets_wants_one_per_example_in_order():
    assert check_targets(np.array([0, 1]), 2) == [0, 1]
    assert check_targets([[0.5, 1.0]], 1) == [[0.5, 1.0]]
    with pytest.raises(ValueError, match="X has 3 examples but y has 2 targets"):
        check_targets([0, 1], 3)
    for bad in ({0, 1}, {0: 1, 1: 0}, None, 1.0, np.asarray(1.0)):
        with pytest.raises(TypeError, match=r"^y must be a sequence of targets"):
            check_targets(bad, 2)


def test_the_parameter_limit_is_counted_before_anything_is_built():
    # A layer of n_out neurons on n_in inputs has n_out·(n_in + 1) parameters.
    check_parameter_count((MAX_PARAMETERS - 1, 1), "model")  # exactly the limit
    with pytest.raises(ValueError, match=f"model would have {MAX_PARAMETERS + 1:,} parameters"):
        check_parameter_count((MAX_PARAMETERS, 1), "model")
