"""Gradients through nn: a hand-worked network, NumPy backprop and central differences."""

import math
from itertools import pairwise

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd_core import gradcheck
from nn import MLP, half_squared_error, softmax_cross_entropy

# -- one network worked by hand ----------------------------------------------------------------


def test_a_2_2_1_relu_network_against_gradients_worked_by_hand():
    # Lecture 001's shape: ReLU hidden layer, linear output, L = ½(t − y)².
    W1 = [[1.0, -2.0], [0.5, 1.0]]
    b1 = [0.5, -3.0]
    W2 = [[1.5, -1.0]]
    b2 = [0.25]
    x, t = [2.0, 1.0], 2.0
    model = MLP.from_arrays([W1, W2], [b1, b2])
    y = model(x)
    loss = half_squared_error(y, t)
    loss.backward()
    # Forward: α(1) = (0.5 + 2 − 2, −3 + 1 + 1) = (0.5, −1), h(1) = (0.5, 0): unit 2 is off.
    # y = 0.25 + 1.5·0.5 − 1·0 = 1, L = ½(2 − 1)² = 0.5.
    assert y.data == 1.0 and loss.data == 0.5
    # Backward: g = ∂L/∂y = y − t = −1; ∇W(2) = g h(1)ᵀ = (−0.5, 0), ∇b(2) = −1;
    # g ← W(2)ᵀ g ⊙ step(α(1)) = (−1.5, 1) ⊙ (1, 0) = (−1.5, 0); ∇W(1) = g xᵀ, ∇b(1) = g.
    gWs, gbs = model.grad_arrays()
    assert gWs[1].tolist() == [[-0.5, 0.0]]
    assert gbs[1].tolist() == [-1.0]
    assert gWs[0].tolist() == [[-3.0, -1.5], [0.0, 0.0]]
    assert gbs[0].tolist() == [-1.5, 0.0]


def test_a_sigmoid_neuron_against_its_derivative_by_hand():
    # y = σ(w·x + b) with w = 2, b = −1, x = 1: α = 1, ∂y/∂w = σ(1)(1 − σ(1))·x.
    model = MLP.from_arrays([[[2.0]]], [[-1.0]], output_activation="sigmoid")
    y = model([1.0])
    y.backward()
    s = 1.0 / (1.0 + math.exp(-1.0))
    assert math.isclose(y.data, s, rel_tol=1e-15)
    assert math.isclose(model.parameters()[0].grad, s * (1.0 - s), rel_tol=1e-15)
    assert math.isclose(model.parameters()[1].grad, s * (1.0 - s), rel_tol=1e-15)


# -- random networks: engine = NumPy backprop = central differences ----------------------------

DERIVATIVES = {
    "relu": (lambda a: np.maximum(a, 0.0), lambda a: (a > 0).astype(float)),
    "sigmoid": (
        lambda a: 1.0 / (1.0 + np.exp(-a)),
        lambda a: np.exp(-a) / (1.0 + np.exp(-a)) ** 2,
    ),
    "tanh": (np.tanh, lambda a: 1.0 / np.cosh(a) ** 2),
    "linear": (lambda a: a, np.ones_like),
}


def numpy_backprop(Ws, bs, activations, x, t):
    """L = ½‖t − y‖² and its gradients, by the δ recurrence of lectures 001/003, in NumPy."""
    h, pre_activations, hs = np.asarray(x, dtype=float), [], []
    for W, b, name in zip(Ws, bs, activations):
        hs.append(h)
        a = b + W @ h
        pre_activations.append(a)
        h = DERIVATIVES[name][0](a)
    loss = 0.5 * np.sum((np.asarray(t) - h) ** 2)
    g = h - np.asarray(t)  # ∂L/∂h(n)
    gWs, gbs = [], []
    for W, a, h_prev, name in reversed(list(zip(Ws, pre_activations, hs, activations))):
        delta = g * DERIVATIVES[name][1](a)  # ∂L/∂α(k)
        gWs.insert(0, np.outer(delta, h_prev))
        gbs.insert(0, delta)
        g = W.T @ delta  # ∂L/∂h(k−1)
    return loss, gWs, gbs, pre_activations


finite = st.floats(-2.0, 2.0, allow_nan=False)


@st.composite
def networks(draw):
    sizes = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    activation = draw(st.sampled_from(["relu", "sigmoid", "tanh", "linear"]))
    output_activation = draw(st.sampled_from(["relu", "sigmoid", "tanh", "linear"]))
    Ws = [
        np.array(draw(st.lists(finite, min_size=n_out * n_in, max_size=n_out * n_in))).reshape(
            n_out, n_in
        )
        for n_in, n_out in pairwise(sizes)
    ]
    bs = [np.array(draw(st.lists(finite, min_size=n, max_size=n))) for n in sizes[1:]]
    x = draw(st.lists(finite, min_size=sizes[0], max_size=sizes[0]))
    t = draw(st.lists(finite, min_size=sizes[-1], max_size=sizes[-1]))
    activations = [activation] * (len(sizes) - 2) + [output_activation]
    return Ws, bs, activations, x, t


@settings(max_examples=60, deadline=None)
@given(networks())
def test_engine_gradients_equal_numpy_backprop(network):
    Ws, bs, activations, x, t = network
    _, ref_Ws, ref_bs, pre_activations = numpy_backprop(Ws, bs, activations, x, t)
    _stay_off_relu_kinks(pre_activations, activations)
    model = MLP.from_arrays(Ws, bs, activations[0], activations[-1])
    loss = half_squared_error(model(x), t)
    loss.backward()
    gWs, gbs = model.grad_arrays()
    for got, expected in zip(gWs + gbs, ref_Ws + ref_bs):
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(networks())
def test_engine_gradients_equal_central_differences(network):
    Ws, bs, activations, x, t = network
    *_, pre_activations = numpy_backprop(Ws, bs, activations, x, t)
    _stay_off_relu_kinks(pre_activations, activations)
    template = MLP.from_arrays(Ws, bs, activations[0], activations[-1])
    start = [p.data for p in template.parameters()]

    def loss_of_parameters(*params):
        # The template network, wired to the Values gradcheck passes in.
        model = MLP.from_arrays(Ws, bs, activations[0], activations[-1])
        given_params = iter(params)
        for layer in model.layers:
            for neuron in layer.neurons:
                neuron.weights = [next(given_params) for _ in neuron.weights]
                neuron.bias = next(given_params)
        return half_squared_error(model(x), t)

    # A central difference carries rounding noise of about ε_machine·|L| / eps.
    loss_size = max(1.0, abs(loss_of_parameters(*template.parameters()).data))
    assert gradcheck(loss_of_parameters, start, eps=1e-6, rtol=1e-6, atol=1e-8 * loss_size)


def test_softmax_output_gradients_equal_central_differences_over_the_parameters():
    rng = np.random.default_rng(3)
    model = MLP(3, [5, 4, 3], activation="tanh", seed=11)
    x = rng.normal(size=3).tolist()
    loss = softmax_cross_entropy(model(x), 2)
    loss.backward()
    eps = 1e-6
    for name, p in model.named_parameters():
        original = p.data
        p.data = original + eps
        above = softmax_cross_entropy(model(x), 2).data
        p.data = original - eps
        below = softmax_cross_entropy(model(x), 2).data
        p.data = original
        numerical = (above - below) / (2 * eps)
        assert math.isclose(p.grad, numerical, rel_tol=1e-6, abs_tol=1e-9), name


def _stay_off_relu_kinks(pre_activations, activations):
    # A central difference across a ReLU kink measures neither one-sided derivative.
    for a, name in zip(pre_activations, activations):
        if name == "relu":
            assume(np.all(np.abs(a) > 1e-3))
