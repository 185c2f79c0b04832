"""Argument checks for nn's public entry points, in one place.

Each check returns the argument in the form the library uses (a float, an int, a list) or
raises an error naming the argument, what it received and what is accepted. Only public
functions and constructors call them; what they pass inward is trusted, so a model is not
checked again layer by layer and neuron by neuron.
"""

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


def check_int(n: object, argument: str, minimum: int) -> int:
    """``n`` as an int when it is a whole number ≥ ``minimum`` (not a bool), else ValueError."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < minimum:
        kind = "a positive int" if minimum == 1 else f"an int ≥ {minimum}"
        raise ValueError(f"{argument} must be {kind}, got {n!r}")
    return int(n)


def check_real(
    x: object,
    argument: str,
    *,
    minimum: float = 0.0,
    above_minimum: bool = False,
    below: float | None = None,
    meaning: str = "",
) -> float:
    """``x`` as a float when it is a finite real number in the stated range, else ValueError.

    The range is [minimum, below), or (minimum, below) with ``above_minimum``; no upper end
    when ``below`` is None.
    """
    opening = "(" if above_minimum else "["
    if below is None:
        accepted = f"a finite number {'>' if above_minimum else '≥'} {minimum:g}"
    else:
        accepted = f"a number in {opening}{minimum:g}, {below:g})"
    what = f" ({meaning})" if meaning else ""
    if (
        isinstance(x, bool)
        or not isinstance(x, numbers.Real)
        or not math.isfinite(x)
        or x < minimum
        or (above_minimum and x == minimum)
        or (below is not None and x >= below)
    ):
        raise ValueError(f"{argument}{what} must be {accepted}, got {x!r}")
    return float(x)


def is_ordered_sequence(x: object) -> bool:
    """True for a list, a tuple, a range or a 1-D array: things whose items have an order.

    Sets and dicts have a length too, but no order to match against inputs or outputs
    (a dict would give its keys), and a string is text, not numbers.
    """
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
    """A data set's inputs, one row of ``width`` real numbers per example, as lists of floats.

    Accepted: a 2-D array (or anything NumPy reads as one through ``__array__``, such as a
    pandas DataFrame) or a sequence of ordered sequences. ``width=None`` accepts any width
    as long as every row has the same one.
    """
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


# A scalar engine holds one Python object per parameter (about 300 bytes with its graph
# node) and builds one per operation of every forward pass: two million parameters take
# some 600 MB and seconds per example. Beyond that, whole-matrix NumPy is the tool.
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
