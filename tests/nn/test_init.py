"""nn.init: seeding, each scheme's documented spread, and micrograd's network."""

import math

import numpy as np
import pytest

from nn import INIT_SCHEMES, MLP, Layer, Neuron


def test_the_same_seed_gives_the_same_parameters():
    for init in INIT_SCHEMES:
        a = MLP(2, [8, 8, 1], seed=42, init=init).weight_arrays()
        b = MLP(2, [8, 8, 1], seed=42, init=init).weight_arrays()
        c = MLP(2, [8, 8, 1], seed=43, init=init).weight_arrays()
        for x, y in zip(a[0] + a[1], b[0] + b[1]):
            np.testing.assert_array_equal(x, y)
        assert not all(np.array_equal(x, y) for x, y in zip(a[0], c[0]))
    assert [w.data for w in Neuron(5, seed=1).weights] == [
        w.data for w in Neuron(5, seed=1).weights
    ]
    assert (
        Layer(3, 3, seed=1).weight_array().tolist() == Layer(3, 3, seed=1).weight_array().tolist()
    )


def test_no_seed_gives_fresh_weights():
    a = MLP(2, [16, 1]).weight_arrays()[0][0]
    b = MLP(2, [16, 1]).weight_arrays()[0][0]
    assert not np.array_equal(a, b)


def test_seed_accepts_a_numpy_generator():
    a = MLP(2, [4, 1], seed=np.random.default_rng(5)).weight_arrays()[0][0]
    b = MLP(2, [4, 1], seed=np.random.default_rng(5)).weight_arrays()[0][0]
    np.testing.assert_array_equal(a, b)


def assert_uniform(sample, limit):
    """A sample of U(−limit, limit): inside it, near both ends, mean 0 and std limit/√3.

    The bounds are those a correct draw of n numbers misses with probability below e⁻¹⁰
    (ends) or about 10⁻⁶ (mean and std, 5 standard errors), whatever the seed.
    """
    n = sample.size
    assert np.all(np.abs(sample) <= limit)
    assert sample.max() > limit * (1 - 20 / n) and sample.min() < -limit * (1 - 20 / n)
    std = limit / math.sqrt(3.0)
    assert abs(sample.mean()) < 5 * std / math.sqrt(n)
    # The sample std of a uniform variable has a relative standard error of √(0.2 / n).
    assert math.isclose(sample.std(), std, rel_tol=5 * math.sqrt(0.2 / n))


def test_init_schemes_have_their_documented_spread_and_zero_biases():
    n_in, n_out = 400, 300
    he = Layer(n_in, n_out, init="he", seed=0).weight_array()
    assert abs(he.mean()) < 0.02 * math.sqrt(2.0 / n_in)
    assert math.isclose(he.std(), math.sqrt(2.0 / n_in), rel_tol=0.02)
    assert_uniform(Layer(n_in, n_out, init="xavier", seed=0).weight_array(), math.sqrt(6 / 700))
    assert_uniform(Layer(n_in, n_out, init="uniform", seed=0).weight_array(), 1.0)
    for init in ("he", "xavier", "uniform"):
        _, bs = MLP(3, [5, 2], seed=0, init=init).weight_arrays()
        assert all(np.all(b == 0.0) for b in bs)


def test_micrograd_init_draws_weights_and_biases_from_u_minus_one_one():
    layer = Layer(300, 400, init="micrograd", seed=0)
    assert_uniform(layer.weight_array(), 1.0)
    assert_uniform(layer.bias_array(), 1.0)
    assert Neuron(3, init="micrograd", seed=0).bias.data != 0.0


def test_micrograd_init_builds_the_lectures_network():
    model = MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh", init="micrograd", seed=0)
    assert repr(model) == "MLP(3 → 4 → 4 → 1, tanh hidden, tanh output)"
    parameters = [p.data for p in model.parameters()]
    assert len(parameters) == 4 * 4 + 4 * 5 + 1 * 5 == 41  # micrograd's count
    # As micrograd draws them: neuron by neuron, each neuron's weights then its bias, all
    # from U(−1, 1); here from one NumPy stream seeded 0.
    np.testing.assert_array_equal(parameters, np.random.default_rng(0).uniform(-1, 1, 41))


@pytest.mark.parametrize(
    "build",
    [
        lambda: MLP(2, [1], init="glorot"),
        lambda: Layer(2, 3, init="glorot"),
        lambda: Neuron(2, init="glorot"),
    ],
)
def test_an_unknown_init_raises_listing_the_choices(build):
    with pytest.raises(
        ValueError, match=r"unknown init 'glorot': .*'he', 'xavier', 'uniform', 'micrograd'"
    ):
        build()


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_a_bad_seed_raises(seed):
    with pytest.raises(ValueError, match="seed must be"):
        MLP(2, [1], seed=seed)
