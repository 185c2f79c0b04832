"""Optimisers: update parameter Values from their ``.grad``, with PyTorch's rules.

Each holds a list of Values and keeps its own state (momentum buffers, moment estimates)
per parameter, in the order given. ``step()`` changes each ``.data`` in place;
``zero_grad()`` sets each ``.grad`` to 0 before the next backward pass.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

from autograd_core import Value


class Optimizer:
    """What every optimiser shares: the checked parameter list and ``zero_grad()``.

    Subclasses add ``step()``.
    """

    def __init__(self, params: Iterable[Value]) -> None:
        if isinstance(params, Value):
            raise TypeError("params must be a list of Values, got a single Value; wrap it: [v]")
        try:
            self.params = list(params)
        except TypeError:
            raise TypeError(
                f"params must be an iterable of Values, got {type(params).__name__}"
            ) from None
        if not self.params:
            raise ValueError("params is empty: give the Values to optimise")
        seen = set()
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"params[{i}] must be a Value, got {type(p).__name__}")
            if p in seen:
                # It would be updated twice per step.
                raise ValueError(f"params[{i}] ({p.label or p!r}) appears more than once")
            seen.add(p)

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0."""
        for p in self.params:
            p.grad = 0.0


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum and weight decay.

    For each parameter θ with gradient g = ∂L/∂θ, at step t = 1, 2, …, as PyTorch does:

        g ← g + λθ                      (weight_decay λ ≠ 0)
        b ← g at t = 1, else μb + g     (momentum μ ≠ 0); then g ← b
        θ ← θ − γg                      (learning rate γ)

    With μ = λ = 0 this is lecture 002's θ ← θ − γ∇θ L. Weight decay reaches every
    parameter given, biases included (see :mod:`nn.regularization` for a weights-only Ω).
    """

    def __init__(
        self, params: Iterable[Value], lr: float, momentum: float = 0.0, weight_decay: float = 0.0
    ) -> None:
        super().__init__(params)
        self.lr = _check_number(lr, "lr", "the learning rate")
        self.momentum = _check_number(momentum, "momentum")
        self.weight_decay = _check_number(weight_decay, "weight_decay")
        self._buffers: list[float | None] = [None] * len(self.params)

    def step(self) -> None:
        for i, p in enumerate(self.params):
            g = p.grad
            if self.weight_decay != 0.0:
                g = g + self.weight_decay * p.data
            if self.momentum != 0.0:
                buffer = self._buffers[i]
                g = g if buffer is None else self.momentum * buffer + g
                self._buffers[i] = g
            p.data -= self.lr * g

    def __repr__(self) -> str:
        return (
            f"SGD({len(self.params)} parameters, lr={self.lr}, momentum={self.momentum}, "
            f"weight_decay={self.weight_decay})"
        )


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with bias correction, as PyTorch implements it.

    For each parameter θ with gradient g, at step t = 1, 2, …, with m = v = 0 at the start:

        g ← g + λθ                                   (weight_decay λ ≠ 0, L2 as in PyTorch)
        m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²
        m̂ = m / (1 − β₁ᵗ),     v̂ = v / (1 − β₂ᵗ)
        θ ← θ − γ m̂ / (√v̂ + ε)

    The first step moves every parameter with g ≠ 0 by almost exactly γ, whatever |g| is.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params)
        self.lr = _check_number(lr, "lr", "the learning rate")
        if isinstance(betas, (str, bytes)) or not hasattr(betas, "__len__") or len(betas) != 2:
            raise ValueError(f"betas must be a pair (β₁, β₂), got {betas!r}")
        beta1 = _check_number(betas[0], "betas[0]")
        beta2 = _check_number(betas[1], "betas[1]")
        for name, beta in (("betas[0]", beta1), ("betas[1]", beta2)):
            if not beta < 1.0:
                raise ValueError(f"{name} must lie in [0, 1), got {beta!r}")
        self.betas = (beta1, beta2)
        self.eps = _check_number(eps, "eps")
        self.weight_decay = _check_number(weight_decay, "weight_decay")
        self.steps = 0
        self._first_moments = [0.0] * len(self.params)
        self._second_moments = [0.0] * len(self.params)

    def step(self) -> None:
        self.steps += 1
        beta1, beta2 = self.betas
        first_correction = 1.0 - beta1**self.steps
        second_correction = 1.0 - beta2**self.steps
        for i, p in enumerate(self.params):
            g = p.grad
            if self.weight_decay != 0.0:
                g = g + self.weight_decay * p.data
            m = beta1 * self._first_moments[i] + (1.0 - beta1) * g
            v = beta2 * self._second_moments[i] + (1.0 - beta2) * g * g
            self._first_moments[i] = m
            self._second_moments[i] = v
            m_hat = m / first_correction
            v_hat = v / second_correction
            p.data -= self.lr * m_hat / (math.sqrt(v_hat) + self.eps)

    def __repr__(self) -> str:
        return (
            f"Adam({len(self.params)} parameters, lr={self.lr}, betas={self.betas}, "
            f"eps={self.eps}, weight_decay={self.weight_decay})"
        )


def _check_number(x: object, name: str, meaning: str = "") -> float:
    """A finite real number ≥ 0, as a float, or ValueError naming the argument."""
    what = f" ({meaning})" if meaning else ""
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x) or x < 0:
        raise ValueError(f"{name}{what} must be a finite number ≥ 0, got {x!r}")
    return float(x)
