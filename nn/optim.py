"""Optimisers: update parameter Values from their ``.grad``, with PyTorch's rules.

``step()`` is all or nothing: a ``.grad`` that is not a number leaves every parameter and
every optimiser state (momentum buffer, moment estimates) as it was.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd_core import Value
from nn.checks import check_real, is_ordered_sequence, is_real


class Optimizer:
    """The checked parameter list and ``zero_grad()``; a subclass's ``step()`` computes every
    new ``.data`` and state from ``_gradients()``, then hands them to ``_apply()``."""

    _initial_state: object = None
    _settings: tuple[str, ...] = ()  # the hyper-parameters its repr shows

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
            if p.inputs:  # its data is recomputed from its inputs (PyTorch refuses it too)
                raise ValueError(
                    f"params[{i}] is the result of {p.op!r}, not a leaf: optimisers update "
                    "leaf Values only, such as model.parameters()"
                )
            if p in seen:  # it would be updated twice per step
                raise ValueError(f"params[{i}] ({p.label or p!r}) appears more than once")
            seen.add(p)
        self._state = [self._initial_state] * len(self.params)

    def __repr__(self) -> str:
        settings = "".join(f", {name}={getattr(self, name)}" for name in self._settings)
        return f"{type(self).__name__}({len(self.params)} parameters{settings})"

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0."""
        for p in self.params:
            p.grad = 0.0

    def _gradients(self) -> list[float]:
        """Every ``.grad`` as a float, or TypeError naming the first that is not (before
        ``step()`` changes anything)."""
        grads = []
        for i, p in enumerate(self.params):
            if not is_real(p.grad):
                raise TypeError(
                    f"params[{i}] ({p.label or 'unlabelled'}) has .grad {p.grad!r}: a gradient "
                    "must be a real number; nothing was updated"
                )
            grads.append(float(p.grad))
        return grads

    def _apply(self, new_data: list[float], new_state: list) -> None:
        """Set every parameter's ``.data`` and the optimiser's state, once all are computed."""
        for p, data in zip(self.params, new_data):
            p.data = data
        self._state = new_state


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum and weight decay.

    For each parameter θ with gradient g = ∂L/∂θ, at step t = 1, 2, …, as PyTorch does:

        g ← g + λθ                      (weight_decay λ ≠ 0)
        b ← g at t = 1, else μb + g     (momentum μ ≠ 0); then g ← b
        θ ← θ − γg                      (learning rate γ)

    With μ = λ = 0 this is lecture 002's θ ← θ − γ∇θ L. γ ≥ 0, μ in [0, 1), λ ≥ 0, each finite.
    Weight decay penalises biases too; the same decay of the weights only is (λ/2)·Ω added to
    the loss, Ω = :func:`nn.l2_penalty` = Σw² (∂Ω/∂w = 2w), or ``l2=λ/2`` in :func:`nn.train`.
    """

    _settings = ("lr", "momentum", "weight_decay")

    def __init__(
        self, params: Iterable[Value], lr: float, momentum: float = 0.0, weight_decay: float = 0.0
    ) -> None:
        super().__init__(params)
        self.lr = check_real(lr, "lr", meaning="the learning rate")
        self.momentum = check_real(momentum, "momentum", below=1.0)
        self.weight_decay = check_real(weight_decay, "weight_decay")

    def step(self) -> None:
        """One update of every parameter, all or nothing."""
        new_data, buffers = [], []
        for p, g, buffer in zip(self.params, self._gradients(), self._state):
            if self.weight_decay != 0.0:
                g = g + self.weight_decay * p.data
            if self.momentum != 0.0:
                g = g if buffer is None else self.momentum * buffer + g
                buffer = g
            new_data.append(p.data - self.lr * g)
            buffers.append(buffer)
        self._apply(new_data, buffers)


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with bias correction, as PyTorch implements it.

    For each parameter θ with gradient g, at step t = 1, 2, …, with m = v = 0 at the start:

        g ← g + λθ                                   (weight_decay λ ≠ 0, L2 as in PyTorch)
        m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²
        m̂ = m / (1 − β₁ᵗ),     v̂ = v / (1 − β₂ᵗ)
        θ ← θ − γ m̂ / (√v̂ + ε)

    The first step moves each parameter with g ≠ 0 by about γ, whatever |g| is.
    γ ≥ 0, β₁ and β₂ in [0, 1), ε > 0, λ ≥ 0, each finite.
    """

    _initial_state = (0.0, 0.0)  # (m, v)
    _settings = ("lr", "betas", "eps", "weight_decay")

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
        self.betas = tuple(check_real(b, f"betas[{i}]", below=1.0) for i, b in enumerate(betas))
        self.eps = check_real(eps, "eps", above_minimum=True)
        self.weight_decay = check_real(weight_decay, "weight_decay")
        self.steps = 0

    def step(self) -> None:
        """One update of every parameter, all or nothing."""
        t = self.steps + 1
        beta1, beta2 = self.betas
        first_correction = 1.0 - beta1**t
        second_correction = 1.0 - beta2**t
        new_data, moments = [], []
        for p, g, (m, v) in zip(self.params, self._gradients(), self._state):
            if self.weight_decay != 0.0:
                g = g + self.weight_decay * p.data
            m = beta1 * m + (1.0 - beta1) * g
            v = beta2 * v + (1.0 - beta2) * g * g
            m_hat = m / first_correction
            v_hat = v / second_correction
            new_data.append(p.data - self.lr * m_hat / (math.sqrt(v_hat) + self.eps))
            moments.append((m, v))
        self._apply(new_data, moments)
        self.steps = t
