"""The lectures' hand-derived formulas (nn.lectures.formulas) against the engine.

Three independent routes to each gradient: the formula in NumPy, the engine through nn's
MLP and losses, and central differences of 001's NumPy forward pass (two_step_forward). The
"as printed" versions of the lectures' slips must disagree with the truth exactly as the
lectures' README describes.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nn import MLP, binary_cross_entropy, half_squared_error, softmax_cross_entropy, squared_error
from nn.lectures import formulas as F
from nn.lectures.examples import central_differences

ENGINE = {"rtol": 1e-9, "atol": 1e-12}  # engine vs formula: the same number, other floats
FD = {"rtol": 1e-6, "atol": 1e-7}  # central differences, h = 1e-6
ACTIVATION_NAMES = ["relu", "sigmoid", "tanh", "linear"]
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- helpers: the NumPy forward pass, the engine, random networks -------------------------------


def network_output(weights, biases, X, activations):
    """The network's output from 001's forward step (one column per example)."""
    return F.two_step_forward(weights, biases, X, activations).hs[-1]


def engine_gradients(weights, biases, X, activation, output_activation, loss_of):
    """(∇W, ∇b) from the engine: nn's MLP, one graph summing the loss over the columns of X."""
    model = MLP.from_arrays(weights, biases, activation, output_activation)
    total = None
    for i, column in enumerate(X.T):
        loss = loss_of(model([float(x) for x in column]), i)
        total = loss if total is None else total + loss
    total.backward()
    return model.grad_arrays()


def random_network(seed, sizes, batch):
    rng = np.random.default_rng(seed)
    weights = [rng.uniform(-1, 1, (n_out, n_in)) for n_in, n_out in itertools.pairwise(sizes)]
    biases = [rng.uniform(-1, 1, n_out) for n_out in sizes[1:]]
    X = rng.uniform(-2, 2, (sizes[0], batch))
    return rng, weights, biases, X


def off_kinks(weights, biases, X, activations, margin=1e-3):
    """ReLU layers' pre-activations stay clear of 0, where the derivative jumps."""
    pre = F.two_step_forward(weights, biases, X, activations).alphas
    return all(name != "relu" or np.min(np.abs(a)) > margin for a, name in zip(pre, activations))


def assert_all_close(actual, expected, tolerance):
    for a, e in zip(actual, expected, strict=True):
        np.testing.assert_allclose(a, e, **tolerance)


networks = st.tuples(
    st.integers(0, 2**32 - 1),
    st.lists(st.integers(1, 4), min_size=2, max_size=5),  # sizes: n_in, …, n_out
    st.integers(1, 3),  # batch
    st.sampled_from(ACTIVATION_NAMES),
    st.sampled_from(ACTIVATION_NAMES),
)

# == 001: the two-step algorithm ===============================================================

# 001's 2-2-1 network as in nn.lectures.examples, worked out by hand:
# α(1) = (0.1 + 0.5 + 0.5, −0.2 + 0.75 − 2) = (1.1, −1.45), h(1) = (1.1, 0),
# y = 0.3 + 1.5·1.1 = 1.95, g = y − t = 0.95; ∇W(2) = 0.95·(1.1, 0) = (1.045, 0);
# ⑤ g = W(2)ᵀ 0.95 = (1.425, −0.475); ② g ⊙ step(α(1)) = (1.425, 0);
# ∇W(1) = g xᵀ = [[1.425, −2.85], [0, 0]].
W_001 = [np.array([[0.5, -0.25], [0.75, 1.0]]), np.array([[1.5, -0.5]])]
B_001 = [np.array([0.1, -0.2]), np.array([0.3])]
X_001, T_001 = np.array([1.0, -2.0]), np.array([1.0])


def test_two_step_forward_matches_the_hand_computation():
    forward = F.two_step_forward(W_001, B_001, X_001, ["relu", "linear"])
    np.testing.assert_allclose(forward.hs[0], [[1.0], [-2.0]])
    np.testing.assert_allclose(forward.alphas[0], [[1.1], [-1.45]], rtol=1e-15)
    np.testing.assert_allclose(forward.hs[1], [[1.1], [0.0]], rtol=1e-15)
    np.testing.assert_allclose(forward.hs[2], [[1.95]], rtol=1e-15)


def test_two_step_gradients_match_the_hand_computation():
    gW, gb = F.two_step_gradients(W_001, B_001, X_001, T_001, ["relu", "linear"])
    np.testing.assert_allclose(gW[0], [[1.425, -2.85], [0.0, 0.0]], rtol=1e-15)
    np.testing.assert_allclose(gb[0], [1.425, 0.0], rtol=1e-15)
    np.testing.assert_allclose(gW[1], [[1.045, 0.0]], rtol=1e-15)
    np.testing.assert_allclose(gb[1], [0.95], rtol=1e-15)


def test_two_step_backward_records_follow_steps_one_to_five():
    records = list(F.two_step_backward_steps(W_001, B_001, X_001, T_001, ["relu", "linear"]))
    assert [r.step for r in records] == ["①"] + ["②", "③", "④", "⑤"] * 2
    assert [r.layer for r in records] == [0, 2, 2, 2, 2, 1, 1, 1, 1]
    by_quantity = {r.quantity: r.value for r in records}
    np.testing.assert_allclose(by_quantity["∇y J"], [[0.95]])
    np.testing.assert_allclose(by_quantity["∇h(1) J"], [[1.425], [-0.475]])
    np.testing.assert_allclose(by_quantity["∇α(1) J"], [[1.425], [0.0]])


def test_step_one_as_printed_is_the_reciprocal():
    # ½·2(t − y)^(−1)(−1) = 1/(y − t): at y − t = 0.95 it gives 1/0.95, not 0.95.
    y, t = np.array([1.95]), np.array([1.0])
    np.testing.assert_allclose(F.half_squared_error_output_gradient(y, t), [0.95])
    np.testing.assert_allclose(F.half_squared_error_output_gradient_as_printed(y, t), [1 / 0.95])
    # It agrees exactly where (y − t)² = 1.
    for y_minus_t in (1.0, -1.0):
        y = np.array([y_minus_t])
        assert F.half_squared_error_output_gradient_as_printed(y, 0 * y)[0] == y_minus_t


def test_step_four_as_printed_uses_h1_instead_of_x():
    printed = F.two_step_first_layer_weight_gradient_as_printed(
        W_001, B_001, X_001, T_001, ["relu", "linear"]
    )
    # g = ∇α(1) J = (1.425, 0) times h(1)ᵀ = (1.1, 0): [[1.5675, 0], [0, 0]] by hand,
    # where the truth g xᵀ is [[1.425, −2.85], [0, 0]].
    np.testing.assert_allclose(printed, [[1.5675, 0.0], [0.0, 0.0]], rtol=1e-15)
    truth = F.two_step_gradients(W_001, B_001, X_001, T_001, ["relu", "linear"])[0][0]
    assert not np.allclose(printed, truth)


def test_step_four_as_printed_does_not_type_check_when_widths_differ():
    weights = [np.ones((3, 2)), np.ones((1, 3))]
    biases = [np.zeros(3), np.zeros(1)]
    with pytest.raises(ValueError, match="as many neurons as inputs"):
        F.two_step_first_layer_weight_gradient_as_printed(
            weights, biases, np.ones(2), np.ones(1), ["tanh", "linear"]
        )


@SETTINGS
@given(networks)
def test_two_step_equals_engine_and_finite_differences(network):
    seed, sizes, batch, hidden, output = network
    rng, weights, biases, X = random_network(seed, sizes, batch)
    T = rng.uniform(-1, 1, (sizes[-1], batch))
    activations = [hidden] * (len(sizes) - 2) + [output]
    assume(off_kinks(weights, biases, X, activations))

    formula = F.two_step_gradients(weights, biases, X, T, activations)
    engine = engine_gradients(
        weights, biases, X, hidden, output, lambda y, i: half_squared_error(y, list(T[:, i]))
    )
    n = len(weights)
    finite = central_differences(
        lambda p: 0.5 * np.sum((T - network_output(p[:n], p[n:], X, activations)) ** 2),
        [*weights, *biases],
    )
    assert_all_close(engine[0] + engine[1], formula[0] + formula[1], ENGINE)
    assert_all_close(finite, formula[0] + formula[1], FD)


def test_unknown_activation_and_bad_shapes_are_named():
    with pytest.raises(ValueError, match="unknown activation 'softplus'"):
        F.two_step_gradients(W_001, B_001, X_001, T_001, ["softplus", "linear"])
    with pytest.raises(ValueError, match="layer 2: W2 has shape"):
        F.two_step_forward([np.ones((2, 2)), np.ones((1, 3))], B_001, X_001, ["relu", "linear"])
    with pytest.raises(ValueError, match="one per layer"):
        F.two_step_forward(W_001, B_001, X_001, ["relu"])


# == 000/003: the δ recurrence and the bias trick ==============================================

scalar_networks = st.tuples(
    st.integers(0, 2**32 - 1),
    st.lists(st.integers(1, 4), min_size=1, max_size=4),  # n_in and the hidden widths
    st.integers(1, 3),
    st.sampled_from(ACTIVATION_NAMES),
)


@SETTINGS
@given(scalar_networks)
def test_delta_recurrence_equals_engine_and_finite_differences(network):
    seed, widths, batch, phi = network
    sizes = [*widths, 1]
    _, weights, biases, X = random_network(seed, sizes, batch)
    activations = [phi] * (len(sizes) - 2) + ["linear"]
    assume(off_kinks(weights, biases, X, activations))

    formula = F.delta_recurrence_gradients(weights, biases, X, phi)
    engine = engine_gradients(weights, biases, X, phi, "linear", lambda y, i: y)
    n = len(weights)
    finite = central_differences(
        lambda p: np.sum(network_output(p[:n], p[n:], X, activations)), [*weights, *biases]
    )
    assert_all_close(engine[0] + engine[1], formula[0] + formula[1], ENGINE)
    assert_all_close(finite, formula[0] + formula[1], FD)


@SETTINGS
@given(scalar_networks)
def test_bias_trick_gives_the_same_numbers(network):
    seed, widths, batch, phi = network
    _, weights, biases, X = random_network(seed, [*widths, 1], batch)
    augmented = F.bias_trick_delta_recurrence_gradients(F.with_bias_column(weights, biases), X, phi)
    assert [M.shape for M in augmented] == [(W.shape[0], W.shape[1] + 1) for W in weights]
    tricked = F.split_bias_column(augmented)
    plain = F.delta_recurrence_gradients(weights, biases, X, phi)
    assert_all_close(tricked[0] + tricked[1], plain[0] + plain[1], {"rtol": 1e-12, "atol": 1e-15})


def test_first_step_of_the_recurrence_is_the_last_activation():
    # 000: ∂y/∂W(n) = [a(n-1)]ᵀ, because δ(n+1) = 1.
    _, weights, biases, X = random_network(7, [3, 4, 1], 1)
    grad_weights, grad_biases = F.delta_recurrence_gradients(weights, biases, X, "tanh")
    a_hidden = np.tanh(weights[0] @ X + biases[0][:, None])
    np.testing.assert_allclose(grad_weights[-1], a_hidden.T, rtol=1e-15)
    np.testing.assert_array_equal(grad_biases[-1], [1.0])


def test_delta_recurrence_keeps_psi_and_delta_as_lecture_003_numbers_them():
    # ψ(k) = diag tanh′(α(k)) = 1 − a(k)², read off the forward pass; δ(n+1) = 1.
    _, weights, biases, X = random_network(5, [3, 4, 2, 1], 2)
    passes = F.delta_recurrence(weights, biases, X, "tanh")
    assert len(passes.psis) == 2
    assert passes.deltas[:2] == [None, None]
    for k, psi in enumerate(passes.psis, start=1):
        np.testing.assert_allclose(psi, 1 - passes.activations_a[k] ** 2, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(passes.deltas[4], np.ones((1, 2)))


def test_delta_recurrence_needs_a_scalar_output():
    with pytest.raises(ValueError, match="scalar output"):
        F.delta_recurrence_gradients([np.ones((2, 2))], [np.zeros(2)], np.ones(2), "tanh")


# == 002: binary cross-entropy on the sigmoid network ==========================================


def bce_network(seed, sizes=(2, 3, 2, 1), batch=4):
    rng, weights, biases, X = random_network(seed, list(sizes), batch)
    Y = rng.integers(0, 2, (sizes[-1], batch)).astype(float)
    return weights, biases, X, Y


def bce_loss(weights, biases, X, Y):
    y_hat = network_output(weights, biases, X, ["sigmoid"] * len(weights))
    return -np.sum(Y * np.log(y_hat) + (1 - Y) * np.log(1 - y_hat))


@SETTINGS
@given(st.integers(0, 2**32 - 1), st.lists(st.integers(1, 4), min_size=1, max_size=3))
def test_bce_network_gradients_equal_engine_and_finite_differences(seed, hidden):
    weights, biases, X, Y = bce_network(seed, (2, *hidden, 1))
    formula = F.bce_sigmoid_network_gradients(weights, biases, X, Y)
    engine = engine_gradients(
        weights, biases, X, "sigmoid", "sigmoid", lambda p, i: binary_cross_entropy(p, [Y[0, i]])
    )
    n = len(weights)
    finite = central_differences(lambda p: bce_loss(p[:n], p[n:], X, Y), [*weights, *biases])
    assert_all_close(engine[0] + engine[1], formula[0] + formula[1], ENGINE)
    assert_all_close(finite, formula[0] + formula[1], FD)
    # The slide's simplified last-layer result, (ŷ − y) v[2]ᵀ, is the same number.
    np.testing.assert_allclose(
        F.bce_last_layer_gradient(weights, biases, X, Y), formula[0][-1], **ENGINE
    )


def test_bce_last_layer_as_printed_has_the_sign_flipped():
    weights, biases, X, Y = bce_network(3)
    truth = F.bce_last_layer_gradient(weights, biases, X, Y)
    printed = F.bce_last_layer_gradient_as_printed(weights, biases, X, Y)
    np.testing.assert_array_equal(printed, -truth)
    assert np.abs(truth).max() > 0.01
    # A small step along minus the printed "gradient" increases the loss: it is ascent.
    before = bce_loss(weights, biases, X, Y)
    weights[-1] = weights[-1] - 0.01 * printed
    assert bce_loss(weights, biases, X, Y) > before


# == 002: the two-layer networks without biases ================================================


def two_layer(seed, n_in, n_hidden, n_out, batch=3):
    rng = np.random.default_rng(seed)
    W1 = rng.uniform(-1, 1, (n_hidden, n_in))
    W2 = rng.uniform(-1, 1, (n_out, n_hidden))
    X = rng.uniform(-2, 2, (n_in, batch))
    Y = rng.uniform(0, 1, (n_out, batch))
    return W1, W2, X, Y


def two_layer_engine(W1, W2, X, Y, sigmoid_output):
    """Through nn: an MLP with zero biases computes W2 σ(W1 x) exactly; its weight grads."""
    zeros = [np.zeros(W1.shape[0]), np.zeros(W2.shape[0])]
    output = "sigmoid" if sigmoid_output else "linear"
    return engine_gradients(
        [W1, W2], zeros, X, "sigmoid", output, lambda y, i: squared_error(y, list(Y[:, i]))
    )[0]


two_layer_shapes = st.tuples(
    st.integers(0, 2**32 - 1), st.integers(1, 4), st.integers(1, 4), st.integers(1, 4)
)


@SETTINGS
@given(two_layer_shapes, st.booleans())
def test_two_layer_closed_forms_equal_engine_and_finite_differences(shape, sigmoid_output):
    W1, W2, X, Y = two_layer(*shape)
    gradients = (
        F.sigmoid_output_squared_error_gradients
        if sigmoid_output
        else F.linear_output_squared_error_gradients
    )
    formula = list(gradients(W1, W2, X, Y))

    zero_biases = [np.zeros(W1.shape[0]), np.zeros(W2.shape[0])]
    activations = ["sigmoid", "sigmoid" if sigmoid_output else "linear"]

    def loss(p):
        return np.sum((network_output(p, zero_biases, X, activations) - Y) ** 2)

    assert_all_close(two_layer_engine(W1, W2, X, Y, sigmoid_output), formula, ENGINE)
    assert_all_close(central_differences(loss, [W1, W2]), formula, FD)


def test_printed_first_layer_gradient_is_right_with_one_output():
    W1, W2, X, Y = two_layer(11, 2, 3, 1)
    np.testing.assert_allclose(
        F.sigmoid_output_squared_error_first_layer_gradient_as_printed(W1, W2, X, Y),
        F.sigmoid_output_squared_error_gradients(W1, W2, X, Y)[0],
        **ENGINE,
    )


def test_printed_first_layer_gradient_is_wrong_with_as_many_outputs_as_hidden_units():
    W1, W2, X, Y = two_layer(12, 2, 3, 3)
    printed = F.sigmoid_output_squared_error_first_layer_gradient_as_printed(W1, W2, X, Y)
    truth = F.sigmoid_output_squared_error_gradients(W1, W2, X, Y)[0]
    assert printed.shape == truth.shape
    assert np.abs(printed - truth).max() > 1e-3


def test_printed_first_layer_gradient_does_not_type_check_otherwise():
    W1, W2, X, Y = two_layer(13, 2, 3, 2)
    with pytest.raises(ValueError, match="only type-checks with 1 output or 3 outputs"):
        F.sigmoid_output_squared_error_first_layer_gradient_as_printed(W1, W2, X, Y)


# == 002: the chain y = x², z = y² =============================================================


def test_square_chain_is_four_x_cubed():
    # By hand: 4·1.5³ = 13.5, 4·(−2)³ = −32, 4·0.5³ = 0.5.
    assert F.square_chain_derivative(1.5) == 13.5
    np.testing.assert_array_equal(F.square_chain_derivative([-2.0, 0.5]), [-32.0, 0.5])


# == 004: softmax cross-entropy ================================================================


@SETTINGS
@given(networks.filter(lambda n: n[1][-1] >= 2))
def test_softmax_gradients_equal_engine_and_finite_differences(network):
    seed, sizes, batch, hidden, _ = network
    rng, weights, biases, X = random_network(seed, sizes, batch)
    labels = rng.integers(0, sizes[-1], batch)
    activations = [hidden] * (len(sizes) - 2) + ["linear"]
    assume(off_kinks(weights, biases, X, activations))

    n = len(weights)

    def loss(p):
        logits = network_output(p[:n], p[n:], X, activations)
        log_norm = np.log(np.exp(logits).sum(axis=0))
        return np.sum(log_norm - logits[labels, np.arange(batch)])

    formula = F.softmax_cross_entropy_gradients(weights, biases, X, labels, hidden)
    engine = engine_gradients(
        weights, biases, X, hidden, "linear", lambda a, i: softmax_cross_entropy(a, int(labels[i]))
    )
    finite = central_differences(loss, [*weights, *biases])
    assert_all_close(engine[0] + engine[1], formula[0] + formula[1], ENGINE)
    assert_all_close(finite, formula[0] + formula[1], FD)


def test_softmax_rejects_labels_out_of_range():
    with pytest.raises(ValueError, match=r"labels must lie in 0 … 2"):
        F.softmax_cross_entropy_gradients([np.ones((3, 2))], [np.zeros(3)], np.ones(2), [3], "relu")


# == targets and labels must match the output's shape exactly ==================================

# Batches of two examples whose targets hold one column: NumPy would broadcast that column
# over both examples, so each function must refuse it instead.
X_PAIR = np.array([[1.0, 0.5], [-2.0, 1.5]])
ONE_COLUMN = np.array([[1.0]])
W1_NOBIAS = np.array([[0.6, -0.4], [-0.2, 0.9], [0.5, 0.3]])
W2_NOBIAS = np.array([[0.8, -0.5, 0.3]])
W_SIGMOID = [np.array([[0.4, -0.6], [0.7, 0.2]]), np.array([[1.1, -0.7]])]
B_SIGMOID = [np.array([0.1, -0.2]), np.array([0.15])]


@pytest.mark.parametrize(
    "call",
    [
        lambda T: F.two_step_gradients(W_001, B_001, X_PAIR, T, ["relu", "linear"]),
        lambda T: list(F.two_step_backward_steps(W_001, B_001, X_PAIR, T, ["relu", "linear"])),
        lambda T: F.two_step_first_layer_weight_gradient_as_printed(
            W_001, B_001, X_PAIR, T, ["relu", "linear"]
        ),
        lambda T: F.bce_last_layer_gradient(W_SIGMOID, B_SIGMOID, X_PAIR, T),
        lambda T: F.bce_last_layer_gradient_as_printed(W_SIGMOID, B_SIGMOID, X_PAIR, T),
        lambda T: F.bce_sigmoid_network_gradients(W_SIGMOID, B_SIGMOID, X_PAIR, T),
        lambda T: F.sigmoid_output_squared_error_gradients(W1_NOBIAS, W2_NOBIAS, X_PAIR, T),
        lambda T: F.sigmoid_output_squared_error_first_layer_gradient_as_printed(
            W1_NOBIAS, W2_NOBIAS, X_PAIR, T
        ),
        lambda T: F.linear_output_squared_error_gradients(W1_NOBIAS, W2_NOBIAS, X_PAIR, T),
    ],
    ids=[
        "two_step_gradients",
        "two_step_backward_steps",
        "step_four_as_printed",
        "bce_last_layer",
        "bce_last_layer_as_printed",
        "bce_network",
        "sigmoid_output_squared_error",
        "sigmoid_output_first_layer_as_printed",
        "linear_output_squared_error",
    ],
)
def test_one_target_column_is_not_spread_over_a_batch(call):
    # Every network here has one output and the batch has two examples: expected (1, 2).
    with pytest.raises(ValueError, match=r"has shape \(1, 1\), expected \(1, 2\)"):
        call(ONE_COLUMN)
    with pytest.raises(ValueError, match=r"has shape \(2,\), expected \(1, 2\)"):
        call(np.array([1.0, 0.0]))  # 1-D is one example with two outputs, not two examples
    call(np.array([[1.0, 0.0]]))  # the right shape is accepted


def test_step_one_needs_equal_shapes():
    y = np.array([[1.95, 0.5]])
    for function in (
        F.half_squared_error_output_gradient,
        F.half_squared_error_output_gradient_as_printed,
    ):
        with pytest.raises(ValueError, match=r"T has shape \(1, 1\), expected \(1, 2\)"):
            function(y, np.array([[1.0]]))


def test_softmax_needs_one_label_per_example():
    weights, biases = [np.ones((3, 2))], [np.zeros(3)]
    with pytest.raises(ValueError, match=r"labels has shape \(1,\), expected \(2,\)"):
        F.softmax_cross_entropy_gradients(weights, biases, X_PAIR, [1], "relu")
    with pytest.raises(ValueError, match=r"labels has shape \(3,\), expected \(2,\)"):
        F.softmax_cross_entropy_gradients(weights, biases, X_PAIR, [1, 0, 2], "relu")
    with pytest.raises(ValueError, match=r"labels has shape \(\), expected \(2,\)"):
        F.softmax_cross_entropy_gradients(weights, biases, X_PAIR, 1, "relu")
