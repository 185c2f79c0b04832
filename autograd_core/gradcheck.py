"""Check the engine's gradients against central finite differences."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from autograd_core.value import Value, _is_real, _real_to_float


class GradcheckError(AssertionError):
    """The engine's gradient and the finite difference disagree for some input."""


def numerical_gradient(
    f: Callable[..., Value], xs: Iterable[float], eps: float = 1e-6
) -> list[float]:
    """Central differences (f(x + ε) − f(x − ε)) / 2ε, one input at a time."""
    point = _check_point(xs)
    _check_tolerance("eps", eps, positive=True)
    gradient = []
    for i in range(len(point)):
        shifted = list(point)
        shifted[i] = point[i] + eps
        above = _call(f, [Value(x) for x in shifted]).data
        shifted[i] = point[i] - eps
        below = _call(f, [Value(x) for x in shifted]).data
        gradient.append((above - below) / (2.0 * eps))
    return gradient


def gradcheck(
    f: Callable[..., Value],
    xs: Iterable[float],
    eps: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-8,
) -> bool:
    """Compare the engine's ∂f/∂xᵢ at the numbers ``xs`` with central differences.

    ``f`` takes one Value per number and returns a Value. Input i passes when
    |engine − numerical| ≤ atol + rtol·|numerical|. Returns True when every input passes,
    else raises GradcheckError listing each input, both gradients and their difference.
    """
    point = _check_point(xs)
    _check_tolerance("eps", eps, positive=True)
    _check_tolerance("rtol", rtol, positive=False)
    _check_tolerance("atol", atol, positive=False)

    inputs = [Value(x, label=f"x{i}") for i, x in enumerate(point)]
    output = _call(f, inputs)
    output.backward()
    engine = [x.grad for x in inputs]
    numerical = numerical_gradient(f, point, eps)

    rows = []
    failed = False
    for i, (x, a, n) in enumerate(zip(point, engine, numerical)):
        difference = abs(a - n)
        ok = difference <= atol + rtol * abs(n)
        failed |= not ok
        mark = "ok" if ok else "MISMATCH"
        rows.append(
            f"  input {i} (x = {x!r}): engine {a!r}, finite difference {n!r}, "
            f"difference {difference:.3g}  {mark}"
        )
    if failed:
        raise GradcheckError(
            f"gradient check failed (eps={eps}, rtol={rtol}, atol={atol}):\n" + "\n".join(rows)
        )
    return True


def _check_point(xs: Iterable[float]) -> list[float]:
    if _is_real(xs):
        xs = [xs]
    try:
        items = list(xs)
    except TypeError:
        raise TypeError(f"xs must be a sequence of real numbers, got {type(xs).__name__}") from None
    if not items:
        raise ValueError("xs is empty: give at least one real number to check")
    for i, x in enumerate(items):
        if not _is_real(x):
            raise TypeError(
                f"xs[{i}] must be a real number (the point to check at), got {type(x).__name__}"
            )
    return [_real_to_float(x) for x in items]  # an integer beyond the float range is ±inf


def _check_tolerance(name: str, value: object, positive: bool) -> None:
    number = _real_to_float(value) if _is_real(value) else math.nan
    if not (math.isfinite(number) and (number > 0 if positive else number >= 0)):
        wanted = "positive" if positive else "non-negative"
        raise ValueError(f"{name} must be a {wanted} finite real number, got {value!r:.60}")


def _call(f: Callable[..., Value], inputs: list[Value]) -> Value:
    result = f(*inputs)
    if not isinstance(result, Value):
        raise TypeError(f"f must return a Value, got {type(result).__name__}")
    return result
