"""Initial weights and biases: where training starts (lecture 004's initialisation).

Each scheme draws a layer's W, shape ``(n_out, n_in)``, from one NumPy generator:
``"he"`` (the default, He et al. 2015, for ReLU) W ~ N(0, 2/n_in); ``"xavier"`` (Glorot &
Bengio 2010, for tanh and sigmoid) W ~ U(−a, a), a = √(6/(n_in + n_out)); ``"uniform"``
W ~ U(−1, 1); these three start b at 0.
``"micrograd"`` draws W and b ~ U(−1, 1) neuron by neuron, as micrograd's lecture network.
"""

from __future__ import annotations

import math

import numpy as np

from nn.checks import is_int

INIT_SCHEMES = ("he", "xavier", "uniform", "micrograd")
DEFAULT_INIT = "he"

Seed = int | np.random.Generator | None


def generator(seed: Seed) -> np.random.Generator:
    """A NumPy generator from ``seed``: a non-negative int, a Generator (used as is) or None
    (fresh randomness)."""
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if not is_int(seed) or seed < 0:
        raise ValueError(
            f"seed must be a non-negative int, a numpy.random.Generator or None, got {seed!r}"
        )
    return np.random.default_rng(int(seed))


def initial_parameters(
    scheme: str, n_out: int, n_in: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(W, b) for one layer by ``scheme``: W of shape ``(n_out, n_in)``, b of shape ``(n_out,)``."""
    if scheme == "micrograd":
        rows = rng.uniform(-1.0, 1.0, size=(n_out, n_in + 1))  # each row: weights, then bias
        return rows[:, :n_in], rows[:, n_in]
    if scheme == "he":
        return rng.normal(0.0, math.sqrt(2.0 / n_in), size=(n_out, n_in)), np.zeros(n_out)
    limit = math.sqrt(6.0 / (n_in + n_out)) if scheme == "xavier" else 1.0
    return rng.uniform(-limit, limit, size=(n_out, n_in)), np.zeros(n_out)
