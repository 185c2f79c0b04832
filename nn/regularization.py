"""The L2 regulariser Ω(θ) of lecture 004, over the weights only.

Lecture 004's SGD step is Δ = −∇θ l(f(x), y) − λ∇θ Ω(θ), θ ← θ + αΔ. With

    Ω(θ) = Σₖ Σᵢ Σⱼ (W(k)ᵢ,ⱼ)²,      ∇W(k) Ω = 2W(k),      ∇b(k) Ω = 0,

adding λ·Ω(θ) to the loss before ``backward()`` puts exactly λ∇θ Ω(θ) = 2λW(k) into the
weights' gradients. Biases are left out: they shift a unit's threshold without making the
function any steeper, so shrinking them does not make the model smoother.

Compare ``SGD(weight_decay=wd)``, which follows PyTorch and adds wd·θ to the gradient of
every parameter it holds, biases included: on the weights, wd = 2λ gives the same step.
"""

from __future__ import annotations

from collections.abc import Iterable

from autograd_core import Value
from nn.losses import value_sum
from nn.module import Module


def l2_penalty(model: Module | Iterable[Value]) -> Value:
    """Ω(θ) = Σ w² over a model's weights (not its biases), or over the Values given.

    Its gradient is ∂Ω/∂w = 2w for each weight, 0 for each bias. Multiply by λ and add it to
    the loss: ``loss = data_loss + lam * l2_penalty(model)``.
    """
    if isinstance(model, Module):
        weights = model.weight_parameters()
    else:
        weights = list(model)
        for i, w in enumerate(weights):
            if not isinstance(w, Value):
                raise TypeError(
                    f"l2_penalty takes a Module or Values; item {i} is {type(w).__name__}"
                )
    if not weights:
        raise ValueError("l2_penalty: there are no weights to penalise")
    return value_sum([w**2 for w in weights])
