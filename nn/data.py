"""Toy data sets generated with NumPy, for training examples and tests."""

from __future__ import annotations

import numpy as np

from nn.checks import check_int, check_real
from nn.init import Seed, generator


def two_moons(
    n_samples: int = 100, noise: float = 0.1, seed: Seed = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles in the plane: a classic set that a line cannot separate.

    Class 0 lies on the upper half circle (cos s, sin s), class 1 on the lower one
    (1 − cos s, ½ − sin s), s evenly spaced over [0, π]; class 0 gets ⌈n/2⌉ points. Each
    point is moved by Gaussian noise of standard deviation ``noise``, then the points are
    shuffled. Returns ``(X, y)``: X of shape (n_samples, 2), y of shape (n_samples,)
    holding the ints 0 and 1. The same seed gives the same data.
    """
    n_samples = check_int(n_samples, "n_samples", 2)  # one point per moon at least
    noise = check_real(noise, "noise")
    rng = generator(seed)
    n_upper = (n_samples + 1) // 2
    n_lower = n_samples - n_upper
    s_upper = np.linspace(0.0, np.pi, n_upper)
    s_lower = np.linspace(0.0, np.pi, n_lower)
    upper = np.column_stack([np.cos(s_upper), np.sin(s_upper)])
    lower = np.column_stack([1.0 - np.cos(s_lower), 0.5 - np.sin(s_lower)])
    X = np.vstack([upper, lower]) + rng.normal(0.0, noise, size=(n_samples, 2))
    y = np.concatenate([np.zeros(n_upper, dtype=int), np.ones(n_lower, dtype=int)])
    order = rng.permutation(n_samples)
    return X[order], y[order]
