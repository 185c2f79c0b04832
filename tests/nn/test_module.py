"""Module, Neuron, Layer and MLP: structure, names, forward, gradients by hand, bad input."""

import doctest
import math
import pickle
import re

import numpy as np
import pytest

import nn.module
from autograd_core import Value, topological_order
from nn import ACTIVATIONS, MLP, Layer, Module, Neuron, half_squared_error
from nn.lectures.formulas import two_step_forward

# -- parameter order and names ---------------------------------------------------------------


def test_parameter_order_and_names_follow_the_lectures():
    model = MLP(2, [3, 2], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names == [
        "W1[1,1]", "W1[1,2]", "b1[1]",
        "W1[2,1]", "W1[2,2]", "b1[2]",
        "W1[3,1]", "W1[3,2]", "b1[3]",
        "W2[1,1]", "W2[1,2]", "W2[1,3]", "b2[1]",
        "W2[2,1]", "W2[2,2]", "W2[2,3]", "b2[2]",
    ]  # fmt: skip
    assert [v for _, v in model.named_parameters()] == model.parameters()
    assert [v.label for v in model.parameters()] == names


def test_parameters_are_the_neurons_weights_then_bias_layer_by_layer():
    model = MLP(3, [2, 1], seed=1)
    expected = []
    for layer in model.layers:
        for neuron in layer.neurons:
            expected += [*neuron.weights, neuron.bias]
    assert model.parameters() == expected
    assert len(set(model.parameters())) == 3 * 2 + 2 + 2 * 1 + 1


def test_a_standalone_neuron_and_layer_are_layer_one():
    neuron = Neuron(2, seed=0)
    assert [n for n, _ in neuron.named_parameters()] == ["W1[1,1]", "W1[1,2]", "b1[1]"]
    layer = Layer(1, 2, seed=0)
    assert [n for n, _ in layer.named_parameters()] == ["W1[1,1]", "b1[1]", "W1[2,1]", "b1[2]"]


def test_weight_parameters_leave_out_the_biases():
    model = MLP(2, [3, 1], seed=0)
    names = {v.label for v in model.weight_parameters()}
    assert names == {name for name, _ in model.named_parameters() if name.startswith("W")}
    assert len(model.weight_parameters()) == 2 * 3 + 3 * 1
    assert Module().parameters() == []


def test_zero_grad_clears_every_parameter():
    model = MLP(2, [3, 1], seed=0)
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


# -- the forward pass ------------------------------------------------------------------------


def test_forward_matches_the_lectures_two_step_algorithm():
    W1 = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
    b1 = np.array([0.1, -0.2])
    W2 = np.array([[2.0, -3.0]])
    b2 = np.array([0.7])
    x = [0.3, -0.6, 0.9]
    for activation in ACTIVATIONS:
        model = MLP.from_arrays([W1, W2], [b1, b2], activation=activation)
        # 001: α(k) = b(k) + W(k) h(k−1), h(k) = f(α(k)), in NumPy.
        lecture = two_step_forward([W1, W2], [b1, b2], x, [activation, "linear"])
        assert math.isclose(model(x).data, lecture.hs[-1][0, 0], rel_tol=1e-14)


def test_output_activation_applies_to_the_last_layer_only():
    model = MLP.from_arrays([[[1.0]], [[1.0]]], [[-2.0], [-3.0]], "linear", "relu")
    assert model([1.0]).data == 0.0  # h1 = 1 − 2 = −1 (linear), y = relu(−1 − 3) = 0
    model = MLP.from_arrays([[[1.0]], [[1.0]]], [[-2.0], [3.0]], "linear", "sigmoid")
    assert math.isclose(model([1.0]).data, 1.0 / (1.0 + math.exp(-2.0)), rel_tol=1e-15)


def test_a_neuron_is_one_affine_node_then_its_activation():
    neuron = Neuron(3, "tanh", seed=0)
    out = neuron([1.0, 2.0, 3.0])
    assert out.op == "tanh" and out.label == "h1[1]"
    alpha = out.inputs[0]
    assert alpha.op == "affine" and alpha.label == "α1[1]"
    w, b = neuron.weights, neuron.bias
    assert alpha.inputs[0] is b
    assert alpha.inputs[1::2] == tuple(w)
    assert [h.data for h in alpha.inputs[2::2]] == [1.0, 2.0, 3.0]
    assert Neuron(2, "linear", seed=0)([1.0, 1.0]).op == "affine"


def test_inputs_become_one_shared_node_each():
    model = MLP(2, [3, 1], seed=0)
    out = model([0.5, -1.0])
    first_layer = [node for node in topological_order(out) if node.label.startswith("α1")]
    assert len(first_layer) == 3
    x1 = {id(node.inputs[2]) for node in first_layer}
    assert len(x1) == 1
    assert first_layer[0].inputs[2].label == "x1"
    assert first_layer[0].inputs[4].label == "x2"


def test_value_inputs_receive_gradients():
    model = MLP.from_arrays([[[2.0, -3.0]]], [[0.5]])  # y = 0.5 + 2 x1 − 3 x2
    x = [Value(1.0, label="a"), Value(4.0, label="b")]
    y = model(x)
    y.backward()
    assert (x[0].grad, x[1].grad) == (2.0, -3.0)
    assert x[0].label == "a"


def test_a_single_output_is_a_value_and_several_are_a_list():
    assert isinstance(MLP(2, [4, 1], seed=0)([1.0, 2.0]), Value)
    outputs = MLP(2, [4, 3], seed=0)([1.0, 2.0])
    assert isinstance(outputs, list) and len(outputs) == 3
    assert all(isinstance(v, Value) for v in outputs)
    assert isinstance(Layer(2, 1, seed=0)([1.0, 2.0]), Value)
    assert len(Layer(2, 2, seed=0)([1.0, 2.0])) == 2


def test_a_one_neuron_hidden_layer_works():
    # micrograd's Layer returns a bare Value for one neuron, and the next layer fails on it.
    model = MLP(2, [16, 1, 1], seed=3)
    y = model([0.5, -0.25])
    assert isinstance(y, Value)
    y.backward()
    _, bs = model.grad_arrays()
    assert bs[2][0] == 1.0  # ∂y/∂b3 = 1 for a linear output
    # Through the single tanh unit, y = b3 + w3·tanh(α2): check α2's weight by hand.
    model = MLP.from_arrays(
        [[[1.0, 1.0]], [[2.0]], [[3.0]]], [[0.0], [0.0], [0.0]], activation="tanh"
    )
    y = model([0.25, 0.25])
    y.backward()
    h1 = math.tanh(0.5)
    a2 = 2.0 * h1
    Ws, _ = model.grad_arrays()
    assert math.isclose(Ws[1][0, 0], 3.0 * (1.0 - math.tanh(a2) ** 2) * h1, rel_tol=1e-14)


def test_reprs_read_like_prose():
    assert repr(MLP(2, [16, 16, 1], seed=0)) == "MLP(2 → 16 → 16 → 1, relu hidden, linear output)"
    assert repr(MLP(3, [1], output_activation="sigmoid", seed=0)) == "MLP(3 → 1, sigmoid output)"
    assert repr(Layer(2, 16, "tanh", seed=0)) == "Layer(2 → 16, tanh)"
    assert repr(Neuron(2, seed=0)) == "Neuron(2 inputs, relu)"
    assert repr(Neuron(1, "linear", seed=0)) == "Neuron(1 input, linear)"
    assert MLP(2, [16, 16, 1], seed=0).sizes == (2, 16, 16, 1)


# -- gradients worked by hand --------------------------------------------------------------


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


# -- arrays ------------------------------------------------------------------------------------


def test_from_arrays_and_weight_arrays_round_trip():
    rng = np.random.default_rng(7)
    shapes = [(4, 3), (2, 4), (1, 2)]
    Ws = [rng.normal(size=s) for s in shapes]
    bs = [rng.normal(size=s[0]) for s in shapes]
    model = MLP.from_arrays(Ws, bs, activation="tanh")
    got_Ws, got_bs = model.weight_arrays()
    for expected, got in zip(Ws + bs, got_Ws + got_bs):
        assert got.dtype == np.float64 and got.shape == expected.shape
        np.testing.assert_array_equal(got, expected)
    assert model.sizes == (3, 4, 2, 1)
    named = dict(model.named_parameters())
    assert named["W2[1,3]"].data == Ws[1][0, 2]
    assert named["b3[1]"].data == bs[2][0]
    assert named["W1[4,2]"].data == Ws[0][3, 1]


def test_from_arrays_accepts_lists_and_the_arrays_are_copied():
    W = np.array([[1.0, 2.0]])
    model = MLP.from_arrays([W], [[3.0]])
    W[0, 0] = 100.0
    assert model.weight_arrays()[0][0][0, 0] == 1.0
    assert model([1.0, 1.0]).data == 6.0


def test_grad_arrays_hold_the_gradients_in_the_weights_shapes():
    model = MLP(3, [4, 2], seed=0)
    out = model([0.1, 0.2, 0.3])
    (out[0] + 2.0 * out[1]).backward()
    gWs, gbs = model.grad_arrays()
    Ws, bs = model.weight_arrays()
    assert [g.shape for g in gWs] == [w.shape for w in Ws] == [(4, 3), (2, 4)]
    assert [g.shape for g in gbs] == [b.shape for b in bs] == [(4,), (2,)]
    named = dict(model.named_parameters())
    assert gWs[0][2, 1] == named["W1[3,2]"].grad
    assert gbs[1][1] == named["b2[2]"].grad == 2.0  # ∂(y1 + 2 y2)/∂b2[2] = 2, linear output


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda: Neuron(2, "softmax"),
        lambda: Layer(2, 3, "ReLU"),
        lambda: MLP(2, [3, 1], activation="gelu"),
        lambda: MLP(2, [3, 1], output_activation="softmax"),
        lambda: MLP(2, [3, 1], activation=None),
        lambda: MLP.from_arrays([[[1.0]]], [[0.0]], activation="swish"),
        lambda: MLP.from_arrays([[[1.0]]], [[0.0]], output_activation="identity"),
    ],
)
def test_an_unknown_activation_raises_listing_the_choices(build):
    with pytest.raises(ValueError, match="unknown") as error:
        build()
    for name in ACTIVATIONS:
        assert repr(name) in str(error.value)


@pytest.mark.parametrize(
    ("nin", "nouts", "message"),
    [
        (0, [1], "nin must be a positive int"),
        (2.0, [1], "nin must be a positive int"),
        (2, [], "nouts must be a non-empty sequence"),
        (2, 3, "nouts must be a non-empty sequence"),
        (2, [3, 0, 1], r"nouts\[1\] \(the size of layer 2\)"),
        (True, [1], "nin must be a positive int"),
    ],
)
def test_bad_sizes_raise(nin, nouts, message):
    with pytest.raises(ValueError, match=message):
        MLP(nin, nouts)


def test_a_wrong_input_length_says_expected_and_got():
    with pytest.raises(ValueError, match="MLP expected 2 inputs, got 3"):
        MLP(2, [3, 1], seed=0)([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="Layer expected 3 inputs, got 1"):
        Layer(3, 2, seed=0)([1.0])
    with pytest.raises(ValueError, match="Neuron expected 2 inputs, got 0"):
        Neuron(2, seed=0)([])


@pytest.mark.parametrize(
    ("x", "received"),
    [
        (1.0, "float"),
        (Value(1.0), "Value"),
        ("ab", "str"),
        (b"ab", "bytes"),
        (None, "NoneType"),
        ({1.0: 0, 2.0: 0}, "dict"),
        ({1.0, 2.0}, "set"),
        (frozenset({1.0, 2.0}), "frozenset"),
        (np.ones((1, 2)), r"a 2-D numpy.ndarray of shape \(1, 2\)"),
        (np.ones((2, 1)), r"a 2-D numpy.ndarray of shape \(2, 1\)"),
        (np.float64(1.0), "float64"),
    ],
)
def test_an_input_that_is_not_a_sequence_raises_type_error(x, received):
    with pytest.raises(TypeError, match="sequence of 2 numbers or Values") as error:
        MLP(2, [1], seed=0)(x)
    assert "a list, a tuple or a 1-D NumPy array" in str(error.value)
    assert re.search(f"got {received}$", str(error.value))


@pytest.mark.parametrize(
    "x", [[1.0, 2.0], (1.0, 2.0), np.array([1.0, 2.0]), range(1, 3), [Value(1.0), 2]]
)
def test_an_input_sequence_or_1d_array_is_accepted(x):
    # Weights 1 and 10, bias 0: the output is x1 + 10·x2 = 21 for every form of (1, 2).
    model = MLP.from_arrays([[[1.0, 10.0]]], [[0.0]])
    assert model(x).data == 21.0


def test_an_input_element_that_is_not_a_number_raises_type_error():
    with pytest.raises(TypeError, match="input x2 must be a real number or a Value, got str"):
        MLP(2, [1], seed=0)([1.0, "2"])


@pytest.mark.parametrize(
    ("weights", "biases", "message"),
    [
        ([np.ones((3, 2)), np.ones((1, 4))], [np.ones(3), np.ones(1)], "layer 2: .* 4 inputs"),
        ([np.ones((3, 2))], [np.ones(2)], r"layer 1: .* expected \(3,\)"),
        ([np.ones((3, 2)), np.ones((1, 3))], [np.ones(3), np.ones((1, 1))], "layer 2: biases"),
        ([np.ones(3)], [np.ones(3)], r"layer 1: weights must have shape \(n_out, n_in\)"),
        ([np.ones((2, 2, 2))], [np.ones(2)], "layer 1: weights must have shape"),
        ([np.ones((3, 2))], [np.ones(3), np.ones(1)], "1 weight matrices but 2 bias vectors"),
        ([], [], "weights is empty"),
        ([np.ones((0, 2))], [np.ones(0)], "no dimension may be 0"),
        ([np.ones((1, 2)), [[np.nan]]], [np.ones(1), [0.0]], "layer 2: weights contains nan"),
        ([np.ones((1, 2))], [[np.inf]], "layer 1: biases contains nan or inf"),
        ([[["a", "b"]]], [[0.0]], "layer 1: weights must be an array of real numbers"),
        ([[[1.0, 2.0], [3.0]]], [[0.0, 0.0]], "layer 1: weights must be an array"),
        (np.ones((1, 2)), [np.ones(1)], "one array per layer"),
    ],
)
def test_from_arrays_rejects_bad_shapes_naming_the_layer(weights, biases, message):
    with pytest.raises(ValueError, match=message):
        MLP.from_arrays(weights, biases)


@pytest.mark.parametrize(
    ("build", "count"),
    [
        (lambda: MLP(10**4, [10**4]), "100,010,000"),  # 10⁴·(10⁴ + 1)
        (lambda: Layer(10**4, 10**4), "100,010,000"),
        (lambda: Neuron(3 * 10**6), "3,000,001"),
        (lambda: MLP(2, [1000, 2000, 1]), "2,007,001"),  # 3000 + 2,002,000 + 2001
        (lambda: MLP.from_arrays([np.zeros((2000, 1000))], [np.zeros(2000)]), "2,002,000"),
    ],
)
def test_a_model_too_large_for_a_scalar_engine_is_refused_at_once(build, count):
    with pytest.raises(ValueError, match=f"would have {count} parameters") as error:
        build()
    assert "nn.lectures.formulas" in str(error.value)  # the NumPy matrix path


def test_an_mlp_checks_each_argument_once(monkeypatch):
    checked = []
    real = nn.module.check_choice

    def counting(value, choices, argument):
        checked.append(argument)
        return real(value, choices, argument)

    monkeypatch.setattr(nn.module, "check_choice", counting)
    MLP(2, [16, 16, 1], seed=0)
    assert sorted(checked) == ["activation", "init", "output_activation"]
    checked.clear()
    Layer(2, 16, seed=0)
    assert sorted(checked) == ["activation", "init"]  # a layer has no output_activation


def test_docstring_examples_run():
    failures, tried = doctest.testmod(nn.module)
    assert tried > 0 and failures == 0


# -- pickling ----------------------------------------------------------------------------------


def test_a_pickled_mlp_comes_back_with_its_names_and_outputs():
    model = MLP(2, [3, 2], seed=0)
    copy = pickle.loads(pickle.dumps(model))
    assert [(name, v.data) for name, v in copy.named_parameters()] == [
        (name, v.data) for name, v in model.named_parameters()
    ]
    assert [h.data for h in copy([0.5, -1.0])] == [h.data for h in model([0.5, -1.0])]
