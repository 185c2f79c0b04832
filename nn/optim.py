"""Optimisers: update parameter Values from their ``.grad``, with PyTorch's rules.

Each holds a list of Values and keeps its own state (momentum buffers, moment estimates)
per parameter, in the order given. ``step()`` changes each ``.data`` in place;
``zero_grad()`` sets each ``.grad`` to 0 before the next backward pass.

Hyper-parameters are checked when the optimiser is made, and ``step()`` is all or nothing:
it computes every parameter's update and new state first and applies them only when all
are computed, so an error (a ``.grad`` that is not a number) leaves every parameter and
every buffer as it was.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence

from autograd_core import Value
from nn.checks import check_real, is_ordered_sequence


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
            if p.inputs:
                # Its data is recomputed from its inputs; changing it in place would make
                # the graph disagree with itself (PyTorch refuses a non-leaf tensor too).
                raise ValueError(
                    f"params[{i}] is the result of {p.op!r}, not a leaf: optimisers update "
                    "leaf Values only, such as model.parameters()"
                )
            if p in seen:
                # It would be updated twice per step.
                raise ValueError(f"params[{i}] ({p.label or p!r}) appears more than once")
            seen.add(p)

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0."""
        for p in self.params:
            p.grad = 0.0

    def _gradients(self) -> list[float]:
        """Every parameter's ``.grad`` as a float, or TypeError naming the first that is not."""
        grads = []
        for i, p in enumerate(self.params):
            g = p.grad
            if isinstance(g, bool) or not isinstance(g, numbers.Real):
                raise TypeError(
                    f"params[{i}] ({p.label or 'unlabelled'}) has .grad {g!r}: a gradient must "
                    "be a real number; nothing was updated"
                )
            grads.append(float(g))
        return grads

    def _apply(self, new_data: Sequence[float]) -> None:
        for p, data in zip(self.params, new_data):
            p.data = data


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum and weight decay.

    For each parameter θ with gradient g = ∂L/∂θ, at step t = 1, 2, …, as PyTorch does:

        g ← g + λθ                      (weight_decay λ ≠ 0)
        b ← g at t = 1, else μb + g     (momentum μ ≠ 0); then g ← b
        θ ← θ − γg                      (learning rate γ)

    With μ = λ = 0 this is lecture 002's θ ← θ − γ∇θ L. Weight decay reaches every
    parameter given, biases included (see :mod:`nn.regularization` for a weights-only Ω).
    γ ≥ 0, μ in [0, 1) and λ ≥ 0, each finite.
    """

    def __init__(
        self, params: Iterable[Value], lr: float, momentum: float = 0.0, weight_decay: float = 0.0
    ) -> None:
        super().__init__(params)
        self.lr = check_real(lr, "lr", meaning="the learning rate")
        self.momentum = check_real(momentum, "momentum", below=1.0)
        self.weight_decay = check_real(weight_decay, "weight_decay")
        self._buffers: list[float | None] = [None] * len(self.params)

    def step(self) -> None:
        """One update of every parameter, all or nothing (see the module's docstring)."""
        new_data, new_buffers = [], []
        for p, g, buffer in zip(self.params, self._gradients(), self._buffers):
            if self.weight_decay != 0.0:
                g = g + self.weight_decay * p.data
            if self.momentum != 0.0:
                g = g if buffer is None else self.momentum * buffer + g
                buffer = g
            new_data.append(p.data - self.lr * g)
            new_buffers.append(buffer)
        self._apply(new_data)
        self._buffers = new_buffers

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
    γ ≥ 0, β₁ and β₂ in [0, 1), ε > 0 and λ ≥ 0, each finite.
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
        self.lr = check_real(lr, "lr", meaning="the learning rate")
        if not is_ordered_sequence(betas) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (β₁, β₂), got {betas!r}")
        self.betas = (
            check_real(betas[0], "betas[0]", below=1.0),
            check_real(betas[1], "betas[1]", below=1.0),
        )
        self.eps = check_real(eps, "eps", above_minimum=True)
        self.weight_decay = check_real(weight_decay, "weight_decay")
        self.steps = 0
        self._first_moments = [0.0] * len(self.params)
        self._second_moments = [0.0] * len(self.params)

    def step(self) -> None:
        """One update of every parameter, all or nothing (see the module's docstring)."""
        t = self.steps + 1
        beta1, beta2 = self.betas
        first_correction = 1.0 - beta1**t
        second_correction = 1.0 - beta2**t
        new_data, first_moments, second_moments = [], [], []
        for p, g, m, v in zip(
            self.params, self._gradients(), self._first_moments, self._second_moments
        ):
            if self.weight_decay != 0.0:
                g = g + self.weight_decay * p.data
            m = beta1 * m + (1.0 - beta1) * g
            v = beta2 * v + (1.0 - beta2) * g * g
            m_hat = m / first_correction
            v_hat = v / second_correction
            new_data.append(p.data - self.lr * m_hat / (math.sqrt(v_hat) + self.eps))
            first_moments.append(m)
            second_moments.append(v)
        self._apply(new_data)
        self._first_moments, self._second_moments = first_moments, second_moments
        self.steps = t

    def __repr__(self) -> str:
        return (
            f"Adam({len(self.params)} parameters, lr={self.lr}, betas={self.betas}, "
            f"eps={self.eps}, weight_decay={self.weight_decay})"
        )
