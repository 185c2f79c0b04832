"""nn.data: the two-moons set lies on its half circles, seeded."""

import math

import numpy as np
import pytest

from nn import two_moons


def test_two_moons_shapes_labels_and_seeding():
    X, y = two_moons(101, noise=0.1, seed=3)
    assert X.shape == (101, 2) and y.shape == (101,)
    assert sorted(set(y.tolist())) == [0, 1]
    assert (y == 0).sum() == 51 and (y == 1).sum() == 50
    X2, y2 = two_moons(101, noise=0.1, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = two_moons(101, noise=0.1, seed=4)
    assert not np.array_equal(X, X3)


def test_two_moons_without_noise_lie_on_their_half_circles():
    X, y = two_moons(40, noise=0.0, seed=0)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, rtol=1e-12)
    assert np.all(upper[:, 1] >= -1e-12)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0, rtol=1e-12)
    assert np.all(lower[:, 1] <= 0.5 + 1e-12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_samples": 1}, "n_samples must be an int ≥ 2"),
        ({"n_samples": 10.0}, "n_samples"),
        ({"noise": -0.1}, "noise must be a finite number ≥ 0"),
        ({"noise": math.inf}, "noise must be a finite number ≥ 0"),
        ({"seed": -3}, "seed must be"),
    ],
)
def test_two_moons_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        two_moons(**kwargs)
