"""Names in the lectures' notation, 1-based, formatted here and nowhere else.

``W2[3,1]`` is w(2)₃,₁, from unit 1 of layer 1 to neuron 3 of layer 2; ``b2[3]`` is that
neuron's bias (w(2)₃,₀ in 001's worked example); ``x1``, ``α2[3]`` and ``h2[3]`` name an
input, a pre-activation and an activation. Parameters, drawings and tables all use them.
"""

from __future__ import annotations

from collections.abc import Sequence


def weight_name(layer: int, row: int, column: int) -> str:
    """``"W{layer}[{row},{column}]"``: the weight from unit ``column`` to neuron ``row``."""
    return f"W{layer}[{row},{column}]"


def bias_name(layer: int, row: int) -> str:
    """``"b{layer}[{row}]"``: the bias of neuron ``row`` of ``layer``."""
    return f"b{layer}[{row}]"


def input_name(index: int) -> str:
    """``"x{index}"``: input ``index`` of the network."""
    return f"x{index}"


def alpha_name(layer: int, row: int) -> str:
    """``"α{layer}[{row}]"``: α(layer)_row = b + Σⱼ wⱼhⱼ, before the activation."""
    return f"α{layer}[{row}]"


def h_name(layer: int, row: int) -> str:
    """``"h{layer}[{row}]"``: h(layer)_row = f(α(layer)_row), after the activation."""
    return f"h{layer}[{row}]"


def parameter_names(sizes: Sequence[int], biases: bool = True) -> list[str]:
    """Every parameter's name for widths ``sizes`` = (n_in, n_1, …), in ``Module.parameters()``
    order; ``biases=False`` leaves the biases out."""
    names = []
    for layer in range(1, len(sizes)):
        for row in range(1, sizes[layer] + 1):
            names.extend(weight_name(layer, row, j) for j in range(1, sizes[layer - 1] + 1))
            if biases:
                names.append(bias_name(layer, row))
    return names
