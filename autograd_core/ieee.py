"""Float math with IEEE 754 results (inf, nan), as NumPy and PyTorch give, where Python raises.

A loss that overflows then shows as ``inf`` in the graph, not as a traceback from inside
the engine. Each helper tries the fast path first.
"""

from __future__ import annotations

import math

INF, NAN = math.inf, math.nan


def divide(a: float, b: float) -> float:
    """a / b with IEEE 754 semantics: x/0 is ±inf, 0/0 is nan."""
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0.0 or a != a:
            return NAN
        # The sign of a zero divisor counts: 1 / -0.0 is -inf.
        return math.copysign(INF, a) * math.copysign(1.0, b)


def _is_odd_integer(p: float) -> bool:
    return p == int(p) and int(p) % 2 == 1 if math.isfinite(p) else False


def power(x: float, p: float) -> float:
    """x ** p as C's ``pow``: 0 ** -1 is inf, (-8) ** 0.5 is nan, overflow is ±inf."""
    try:
        return math.pow(x, p)
    except ValueError:
        # math.pow raises ValueError for a zero base with a negative exponent
        # (IEEE: ±inf) and for a negative base with a non-integer exponent (IEEE: nan).
        if x == 0.0:
            return math.copysign(INF, x) if _is_odd_integer(p) else INF
        return NAN
    except OverflowError:
        return -INF if x < 0.0 and _is_odd_integer(p) else INF


def exp(x: float) -> float:
    """e ** x, with inf on overflow."""
    try:
        return math.exp(x)
    except OverflowError:
        return INF


def log(x: float) -> float:
    """Natural log: log(0) is -inf, log of a negative number is nan."""
    if x > 0.0:
        return math.log(x)
    if x == 0.0:
        return -INF
    return NAN  # negative or nan


def sigmoid(x: float) -> float:
    """σ(x) = 1 / (1 + e^(−x)), in the branch whose exponential cannot overflow."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    if x != x:
        return NAN
    e = math.exp(x)  # x < 0, so e^x lies in (0, 1) and cannot overflow
    return e / (1.0 + e)
