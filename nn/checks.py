"""Argument checks for nn's public entry points only: each returns the argument in the form
the library uses, or raises an error naming it, what it received and what is accepted."""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Sequence

import numpy as np

# What an ordered sequence of numbers may be, in every message that asks for one.
SEQUENCE = "a list, a tuple or a 1-D NumPy array"


def check_choice(value: object, choices: Sequence[str], argument: str) -> str:
    """``value`` when it is one of ``choices``, else ValueError listing them."""
    if not isinstance(value, str) or value not in choices:
        listed = ", ".join(repr(choice) for choice in choices)
        raise ValueError(f"unknown {argument} {value!r}: choose one of {listed}")
    return value


def is_int(n: object) -> bool:
    """True for an int or a NumPy integer, but not for a bool."""
    return isinstance(n, numbers.Integral) and not isinstance(n, bool)


def check_int(n: object, argument: str, minimum: int) -> int:
    """``n`` as an int when it is a whole number ≥ ``minimum`` (not a bool), else ValueError."""
    if not is_int(n) or n < minimum:
        kind = "a positive int" if minimum == 1 else f"an int ≥ {minimum}"
        raise ValueError(f"{argument} must be {kind}, got {n!r}")
    return int(n)


def is_real(x: object) -> bool:
    """True for an int, a float or a NumPy real scalar, but not for a bool."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def check_real(
    x: object,
    argument: str,
    *,
    above_minimum: bool = False,
    below: float | None = None,
    meaning: str = "",
) -> float:
    """``x`` as a float when it is a finite number in [0, below), (0, below) with
    ``above_minimum``; no upper end when ``below`` is None. Else ValueError."""
    upper = math.inf if below is None else below
    if not is_real(x) or not 0 <= x < upper or (above_minimum and x == 0):
        if below is None:
            accepted = f"a finite number {'>' if above_minimum else '≥'} 0"
        else:
            accepted = f"a number in {'(' if above_minimum else '['}0, {below:g})"
        what = f" ({meaning})" if meaning else ""
        raise ValueError(f"{argument}{what} must be {accepted}, got {x!r}")
    return float(x)


def is_ordered_sequence(x: object) -> bool:
    """True for a list, a tuple, a range or a 1-D array; not for a set, dict or string."""
    if isinstance(x, np.ndarray):
        return x.ndim == 1
    return isinstance(x, Sequence) and not isinstance(x, (str, bytes))


def describe(x: object) -> str:
    """The type of ``x`` as a message names it; arrays with their shape."""
    if isinstance(x, np.ndarray):
        return f"a {x.ndim}-D numpy.ndarray of shape {x.shape}"
    return type(x).__name__


def check_sequence(x: object, argument: str, items: str) -> Sequence:
    """``x`` when it is an ordered sequence (see :func:`is_ordered_sequence`), else TypeError."""
    if not is_ordered_sequence(x):
        raise TypeError(f"{argument} must be a sequence of {items} ({SEQUENCE}), got {describe(x)}")
    return x  # type: ignore[return-value]


def check_rows(X: object, width: int | None, argument: str = "X") -> list[list[float]]:
    """A data set's inputs as lists of floats, one row of ``width`` numbers (any one width
    when None) per example: a 2-D array or array-like (a DataFrame), or a list of rows."""
    shape = f"(n_examples, {width if width is not None else 'n_inputs'})"
    if hasattr(X, "__array__"):
        X = np.asarray(X)
        rows_ok = X.ndim == 2
    else:
        rows_ok = is_ordered_sequence(X) and all(is_ordered_sequence(row) for row in X)
    if not rows_ok:
        raise TypeError(
            f"{argument} must have shape {shape}: a 2-D array or a list of rows "
            f"({SEQUENCE} each), got {describe(X)}"
        )
    try:
        array = np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{argument} must hold real numbers in rows of equal length, shape {shape}"
        ) from None
    if array.ndim != 2 or (width is not None and array.shape[1] != width):
        raise ValueError(f"{argument} must have shape {shape} for this model, got {array.shape}")
    return array.tolist()


def check_targets(y: object, count: int, argument: str = "y") -> list:
    """One target per example: an ordered sequence or an array with ``count`` entries."""
    if hasattr(y, "__array__") and np.ndim(y) >= 1:
        targets = np.asarray(y).tolist()
    else:
        targets = list(check_sequence(y, argument, "targets, one per example"))
    if len(targets) != count:
        raise ValueError(f"X has {count} examples but {argument} has {len(targets)} targets")
    return targets


# About 300 bytes per parameter and seconds per example at this size: beyond it, NumPy.
MAX_PARAMETERS = 2_000_000


def check_parameter_count(sizes: Sequence[int], model: str) -> None:
    """Refuse, before allocating anything, a network of widths ``sizes`` over the limit."""
    count = sum(n_out * (n_in + 1) for n_in, n_out in itertools.pairwise(sizes))
    if count > MAX_PARAMETERS:
        raise ValueError(
            f"{model} would have {count:,} parameters, more than the {MAX_PARAMETERS:,} a "
            "scalar engine can hold and train (one Python object per number); for a network "
            "this size use the NumPy matrix path, nn.lectures.formulas (two_step_forward, "
            "two_step_gradients), which works on whole weight matrices"
        )
