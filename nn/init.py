"""Initial weights: where training starts.

Lecture 004 lists the initialisation method among the four things SGD needs. Three
schemes, each drawing a layer's whole weight matrix W (shape ``(n_out, n_in)``, the
lectures' shape) row by row from one NumPy generator, so a seed fixes every weight:

- ``"he"`` (the default): W ~ N(0, 2 / n_in), He et al. (2015). It keeps the variance of
  ReLU activations steady from layer to layer; ReLU is the default activation.
- ``"xavier"`` (Glorot): W ~ U(−a, a) with a = √(6 / (n_in + n_out)), Glorot & Bengio
  (2010), made for tanh and sigmoid layers.
- ``"uniform"``: W ~ U(−1, 1), micrograd's choice; pre-activations grow with the width.

Biases always start at 0: with random weights the neurons already differ, and a zero bias
keeps every ReLU unit's kink through the origin at the start.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

INIT_SCHEMES = ("he", "xavier", "uniform")
DEFAULT_INIT = "he"

Seed = int | np.random.Generator | None


def check_init(name: object) -> str:
    """Return ``name`` when it is one of :data:`INIT_SCHEMES`, else raise ValueError."""
    if not isinstance(name, str) or name not in INIT_SCHEMES:
        choices = ", ".join(repr(s) for s in INIT_SCHEMES)
        raise ValueError(f"unknown init {name!r}: choose one of {choices}")
    return name


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


def initial_weights(scheme: str, n_out: int, n_in: int, rng: np.random.Generator) -> np.ndarray:
    """A weight matrix of shape ``(n_out, n_in)`` drawn by ``scheme`` (see the module doc)."""
    check_init(scheme)
    shape = (n_out, n_in)
    if scheme == "he":
        return rng.normal(0.0, math.sqrt(2.0 / n_in), size=shape)
    if scheme == "xavier":
        limit = math.sqrt(6.0 / (n_in + n_out))
        return rng.uniform(-limit, limit, size=shape)
    return rng.uniform(-1.0, 1.0, size=shape)
