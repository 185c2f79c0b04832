"""Initial weights and biases: where training starts.

Lecture 004 lists the initialisation method among the four things SGD needs. Four
schemes, each drawing a layer's whole weight matrix W (shape ``(n_out, n_in)``, the
lectures' shape) from one NumPy generator, so a seed fixes every parameter:

- ``"he"`` (the default): W ~ N(0, 2 / n_in), He et al. (2015). It keeps the variance of
  ReLU activations steady from layer to layer; ReLU is the default activation.
- ``"xavier"`` (Glorot): W ~ U(−a, a) with a = √(6 / (n_in + n_out)), Glorot & Bengio
  (2010), made for tanh and sigmoid layers.
- ``"uniform"``: W ~ U(−1, 1); pre-activations grow with the width.
- ``"micrograd"``: W and b ~ U(−1, 1), drawn neuron by neuron (its weights, then its
  bias), as micrograd's lecture network does: ``MLP(3, [4, 4, 1], activation="tanh",
  output_activation="tanh", init="micrograd", seed=0)`` is that network.

The first three start every bias at 0: with random weights the neurons already differ, and
a zero bias keeps every ReLU unit's kink through the origin at the start.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

INIT_SCHEMES = ("he", "xavier", "uniform", "micrograd")
DEFAULT_INIT = "he"

Seed = int | np.random.Generator | None


def generator(seed: Seed) -> np.random.Generator:
    """A NumPy generator from ``seed``: a non-negative int, a Generator (used as is) or None.

    None gives fresh randomness from the operating system.
    """
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(
            f"seed must be a non-negative int, a numpy.random.Generator or None, got {seed!r}"
        )
    return np.random.default_rng(int(seed))


def initial_parameters(
    scheme: str, n_out: int, n_in: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(W, b) for one layer: W of shape ``(n_out, n_in)``, b of shape ``(n_out,)``, by ``scheme``.

    ``scheme`` is one of :data:`INIT_SCHEMES`, already checked by the caller.
    """
    if scheme == "micrograd":
        rows = rng.uniform(-1.0, 1.0, size=(n_out, n_in + 1))  # each row: weights, then bias
        return rows[:, :n_in], rows[:, n_in]
    if scheme == "he":
        weights = rng.normal(0.0, math.sqrt(2.0 / n_in), size=(n_out, n_in))
    elif scheme == "xavier":
        limit = math.sqrt(6.0 / (n_in + n_out))
        weights = rng.uniform(-limit, limit, size=(n_out, n_in))
    else:
        weights = rng.uniform(-1.0, 1.0, size=(n_out, n_in))
    return weights, np.zeros(n_out)
