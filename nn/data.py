"""Toy data sets generated with NumPy, for training examples and tests."""

from __future__ import annotations

import numpy as np

from nn.checks import check_int, check_real
from nn.init import Seed, generator


def two_moons(
    n_samples: int = 100, noise: float = 0.1, seed: Seed = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, which a line cannot separate: ``(X, y)``, X of shape
    (n_samples, 2), y the ints 0 and 1, shuffled; the same seed gives the same data.

    Class 0 (⌈n/2⌉ points) lies on (cos s, sin s), class 1 on (1 − cos s, ½ − sin s), s evenly
    spaced over [0, π], each point moved by Gaussian noise of standard deviation ``noise``.
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
