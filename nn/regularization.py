"""The L2 regulariser Ω(θ) = Σₖ Σᵢ Σⱼ (W(k)ᵢ,ⱼ)² of lecture 004, over the weights only.

Adding λΩ(θ) to the loss puts ∇W(k) λΩ = 2λW(k) into the weights' gradients and nothing into
the biases' (they shift a threshold without making the function steeper). PyTorch-style
``SGD(weight_decay=wd)`` adds wd·θ to every parameter's gradient, biases included.
"""

from __future__ import annotations

from collections.abc import Iterable

from autograd_core import Value
from nn.losses import value_sum
from nn.module import Module


def l2_penalty(model: Module | Iterable[Value]) -> Value:
    """Ω(θ) = Σ w² over a model's weights (not its biases), or over the Values given;
    ∂Ω/∂w = 2w. Use it as ``loss = data_loss + lam * l2_penalty(model)``."""
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
