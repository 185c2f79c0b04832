"""Loss functions, each built from engine operations so backward reaches every weight.

Outputs ``y``, probabilities ``p`` and ``logits`` are one Value or a list of Values (what an
MLP returns); targets ``t`` are one number or an ordered sequence of numbers, one per output.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence

import numpy as np

from autograd_core import Value
from nn.checks import SEQUENCE, is_ordered_sequence, is_real

Outputs = Value | Sequence[Value]
Targets = float | Sequence[float]


def half_squared_error(y: Outputs, t: Targets) -> Value:
    """L = ½ Σᵢ (tᵢ − yᵢ)²; ∂L/∂yᵢ = yᵢ − tᵢ (lecture 001, step ①)."""
    outputs, targets = _pair(y, t, "y")
    return 0.5 * value_sum([(ti - yi) ** 2 for yi, ti in zip(outputs, targets)])


def squared_error(y: Outputs, t: Targets) -> Value:
    """L = Σᵢ (yᵢ − tᵢ)²; ∂L/∂yᵢ = 2(yᵢ − tᵢ) (lecture 002's ‖f − y‖²)."""
    outputs, targets = _pair(y, t, "y")
    return value_sum([(yi - ti) ** 2 for yi, ti in zip(outputs, targets)])


def binary_cross_entropy(p: Outputs, t: Targets) -> Value:
    """L = −Σᵢ [tᵢ log pᵢ + (1 − tᵢ) log(1 − pᵢ)]; ∂L/∂pᵢ = (pᵢ − tᵢ) / (pᵢ(1 − pᵢ)) (lecture 002).

    pᵢ and tᵢ lie in [0, 1]. A term whose coefficient is exactly 0 is left out of the graph,
    so p = 1 for t = 1 gives L = 0 rather than 0 · log 0 = nan.
    """
    probabilities, targets = _pair(p, t, "p")
    _check_unit_interval(targets)
    for i, pi in enumerate(probabilities):
        if not 0.0 <= pi.data <= 1.0:
            raise ValueError(
                f"p[{i}] = {pi.data!r} is not a probability: binary_cross_entropy takes p in "
                "[0, 1], such as a sigmoid output; for a logit (a pre-sigmoid output) use "
                "binary_cross_entropy_with_logits"
            )
    terms = []
    for pi, ti in zip(probabilities, targets):
        if ti != 0.0:
            terms.append(ti * pi.log())
        if ti != 1.0:
            terms.append((1.0 - ti) * (1.0 - pi).log())
    # 0 − Σ, not −Σ: when every term is +0 (p = t = 1), −Σ would be a negative-looking −0.0.
    return 0.0 - value_sum(terms)


def binary_cross_entropy_with_logits(z: Outputs, t: Targets) -> Value:
    """Binary cross-entropy of pᵢ = σ(zᵢ) from the logits: L = Σᵢ softplus(zᵢ) − tᵢzᵢ, where
    softplus(z) = log(1 + eᶻ); ∂L/∂zᵢ = σ(zᵢ) − tᵢ, finite for every finite zᵢ."""
    logits, targets = _pair(z, t, "z")
    _check_unit_interval(targets)
    terms = []
    for zi, ti in zip(logits, targets):
        # softplus(z) = log(1 + eᶻ), as z + log(1 + e⁻ᶻ) for z > 0 so that it cannot overflow
        softplus = zi + (1.0 + (-zi).exp()).log() if zi.data > 0.0 else (1.0 + zi.exp()).log()
        terms.append(softplus - ti * zi if ti != 0.0 else softplus)
    return value_sum(terms)


def softmax_cross_entropy(logits: Outputs, k: int) -> Value:
    """L = −log softmax(a)ₖ = log Σᵢ e^(aᵢ − m) − (aₖ − m) for the class index ``k`` (from 0)
    and m = maxᵢ aᵢ, so no exponent overflows; ∂L/∂aᵢ = softmax(a)ᵢ − [i = k] (lecture 004)."""
    values = _as_value_list(logits, "logits")
    if not values:
        raise ValueError("logits is empty: give one Value per class")
    n = len(values)
    try:
        index = operator.index(k)
    except TypeError:
        raise ValueError(
            f"k must be an integer class index from 0 to {n - 1}, got {type(k).__name__}: {k!r}"
        ) from None
    if isinstance(k, bool) or not 0 <= index < n:
        raise ValueError(f"k must be a class index from 0 to {n - 1} for {n} logits, got {k!r}")
    largest = max(v.data for v in values)
    shifted = [v - largest for v in values]
    return value_sum([s.exp() for s in shifted]).log() - shifted[index]


def value_sum(terms: Sequence[Value]) -> Value:
    """t₁ + t₂ + … in order, without the leading ``0 +`` node that built-in ``sum()`` draws."""
    if not terms:
        raise ValueError("value_sum needs at least one Value, got an empty sequence")
    return functools.reduce(operator.add, terms)


def _as_value_list(y: Outputs, argument: str) -> list[Value]:
    if isinstance(y, Value):
        return [y]
    if not is_ordered_sequence(y) or isinstance(y, np.ndarray):
        raise TypeError(f"{argument} must be a Value or a list of Values, got {type(y).__name__}")
    for i, yi in enumerate(y):
        if not isinstance(yi, Value):
            raise TypeError(
                f"{argument}[{i}] must be a Value (the model's output), got {type(yi).__name__}"
            )
    return list(y)


def _pair(y: Outputs, t: Targets, argument: str) -> tuple[list[Value], list[float]]:
    """Outputs and targets as equally long lists, or a clear error."""
    outputs = _as_value_list(y, argument)
    if isinstance(t, np.ndarray) and t.ndim == 0:  # np.asarray(0.5): a scalar, as in NumPy
        t = t.item()
    if is_real(t):
        t = [t]
    elif isinstance(t, np.ndarray) and t.ndim > 1:
        raise TypeError(
            f"t must be a number or a 1-D sequence of numbers, got a {t.ndim}-D array of "
            f"shape {t.shape}"
        )
    elif not is_ordered_sequence(t):
        raise TypeError(
            f"t must be a number or a sequence of numbers ({SEQUENCE}), got {type(t).__name__}"
        )
    if len(outputs) != len(t):
        raise ValueError(
            f"{argument} has {len(outputs)} outputs but t has {len(t)} targets; "
            "give one target per output"
        )
    if not outputs:
        raise ValueError(f"{argument} is empty: give at least one output")
    for i, ti in enumerate(t):
        if not is_real(ti):
            raise TypeError(f"t[{i}] must be a real number, got {type(ti).__name__}")
    return outputs, [float(ti) for ti in t]


def _check_unit_interval(targets: list[float]) -> None:
    for i, ti in enumerate(targets):
        if not 0.0 <= ti <= 1.0:
            raise ValueError(f"t[{i}] = {ti!r}: cross-entropy targets must lie in [0, 1]")
