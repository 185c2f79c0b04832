"""One registry of the engine's operations, shared by the value, gradient and property tests.

Each entry pairs the engine's version of an operation with an independent float version and
its analytic derivative, written out by hand here rather than taken from the engine. The
domain keeps random inputs away from kinks (relu at 0), poles (1/x at 0) and overflow.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from autograd_core import Value, affine, ieee


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def sin(v: Value) -> Value:
    """sin written as a user would, with Value.from_op: sin′ = cos (nan at ±inf, as IEEE)."""
    x = v.data
    if not math.isfinite(x):  # math.sin raises at ±inf; a random graph can get there
        return Value.from_op(math.nan, [v], [math.nan], "sin")
    return Value.from_op(math.sin(x), [v], [math.cos(x)], "sin")


def hypot(a: Value, b: Value) -> Value:
    """√(a² + b²) with Value.from_op: ∂/∂a = a/r, ∂/∂b = b/r."""
    r = math.hypot(a.data, b.data)
    return Value.from_op(r, (a, b), (ieee.divide(a.data, r), ieee.divide(b.data, r)), "hypot")


@dataclass(frozen=True)
class UnaryOp:
    name: str
    on_float: Callable[[float], float]
    derivative: Callable[[float], float]
    on_value: Callable[[Value], Value]
    low: float = -5.0
    high: float = 5.0
    avoid_zero: bool = False  # keep |x| away from 0 (a kink or a pole)


@dataclass(frozen=True)
class BinaryOp:
    name: str
    on_float: Callable[[float, float], float]
    gradient: Callable[[float, float], tuple[float, float]]
    on_value: Callable[[Value, Value], Value]
    y_avoid_zero: bool = False


UNARY_OPS = [
    UnaryOp("neg", lambda x: -x, lambda x: -1.0, lambda v: -v),
    UnaryOp("square", lambda x: x * x, lambda x: 2 * x, lambda v: v**2),
    UnaryOp("cube", lambda x: x**3, lambda x: 3 * x * x, lambda v: v**3),
    UnaryOp("sqrt", math.sqrt, lambda x: 0.5 / math.sqrt(x), lambda v: v**0.5, 0.1, 9.0),
    UnaryOp("reciprocal", lambda x: 1 / x, lambda x: -1 / x**2, lambda v: v**-1, avoid_zero=True),
    UnaryOp("relu", lambda x: max(x, 0.0), lambda x: float(x > 0), Value.relu, avoid_zero=True),
    UnaryOp("sigmoid", _sigmoid, lambda x: _sigmoid(x) * (1 - _sigmoid(x)), Value.sigmoid),
    UnaryOp("tanh", math.tanh, lambda x: 1 / math.cosh(x) ** 2, Value.tanh),
    UnaryOp("exp", math.exp, math.exp, Value.exp),
    UnaryOp("log", math.log, lambda x: 1 / x, Value.log, 0.05, 20.0),
    UnaryOp("add 3", lambda x: x + 3, lambda x: 1.0, lambda v: v + 3),
    UnaryOp("3 add", lambda x: 3 + x, lambda x: 1.0, lambda v: 3 + v),
    UnaryOp("sub 3", lambda x: x - 3, lambda x: 1.0, lambda v: v - 3),
    UnaryOp("3 sub", lambda x: 3 - x, lambda x: -1.0, lambda v: 3 - v),
    UnaryOp("mul 3", lambda x: x * 3, lambda x: 3.0, lambda v: v * 3),
    UnaryOp("3 mul", lambda x: 3 * x, lambda x: 3.0, lambda v: 3 * v),
    UnaryOp("div 4", lambda x: x / 4, lambda x: 0.25, lambda v: v / 4),
    UnaryOp("4 div", lambda x: 4 / x, lambda x: -4 / x**2, lambda v: 4 / v, avoid_zero=True),
    UnaryOp("sin (from_op)", math.sin, math.cos, sin),
]

BINARY_OPS = [
    BinaryOp("add", lambda x, y: x + y, lambda x, y: (1.0, 1.0), lambda a, b: a + b),
    BinaryOp("sub", lambda x, y: x - y, lambda x, y: (1.0, -1.0), lambda a, b: a - b),
    BinaryOp("mul", lambda x, y: x * y, lambda x, y: (y, x), lambda a, b: a * b),
    BinaryOp("div", lambda x, y: x / y, lambda x, y: (1 / y, -x / y**2), lambda a, b: a / b, True),
    BinaryOp(
        "affine b + w·h with w = 2",
        lambda b, h: b + 2 * h,
        lambda b, h: (1.0, 2.0),
        lambda b, h: affine([Value(2.0)], [h], b),
    ),
    BinaryOp(
        "hypot (from_op)",
        math.hypot,
        lambda x, y: (x / math.hypot(x, y), y / math.hypot(x, y)),
        hypot,
        y_avoid_zero=True,
    ),
]
