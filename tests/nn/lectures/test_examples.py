"""nn.lectures.examples: three gradients per parameter agree, and the central differences."""

from __future__ import annotations

import numpy as np
import pytest

from nn.lectures import examples as W
from nn.lectures import formulas

EXAMPLES = W.all_examples()


@pytest.fixture(scope="module")
def comparisons():
    return {example.key: example.run() for example in EXAMPLES}


def test_every_lecture_has_a_worked_example():
    assert sorted({example.lecture for example in EXAMPLES}) == ["000", "001", "002", "003", "004"]
    assert len({example.key for example in EXAMPLES}) == len(EXAMPLES)


@pytest.mark.parametrize("key", [example.key for example in EXAMPLES])
def test_formula_engine_and_finite_differences_agree(comparisons, key):
    comparison = comparisons[key]
    rows = comparison.rows
    assert [row.name for row in rows] == list(comparison.example.names)
    formula = np.array([row.formula for row in rows])
    engine = np.array([row.engine for row in rows])
    finite = np.array([row.finite_difference for row in rows])
    np.testing.assert_allclose(engine, formula, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(finite, formula, rtol=1e-6, atol=1e-8)
    assert comparison.agrees
    assert np.abs(formula).max() > 0.1  # the example is not trivially zero


def test_001_has_nine_derivatives_and_the_hand_values(comparisons):
    rows = {row.name: row for row in comparisons["001-two-step"].rows}
    assert len(rows) == 9
    # Worked out by hand in test_formulas: hidden unit 2 is off (α = −1.45).
    by_hand = {
        "W1[1,1]": 1.425,
        "W1[1,2]": -2.85,
        "b1[1]": 1.425,
        "W1[2,1]": 0.0,
        "W1[2,2]": 0.0,
        "b1[2]": 0.0,
        "W2[1,1]": 1.045,
        "W2[1,2]": 0.0,
        "b2[1]": 0.95,
    }
    for name, value in by_hand.items():
        assert rows[name].engine == pytest.approx(value, rel=1e-12, abs=0.0)
    # Off means exactly off: the three routes give exactly 0 for the inactive unit.
    for name in ("W1[2,1]", "W1[2,2]", "b1[2]", "W2[1,2]"):
        assert rows[name].formula == rows[name].engine == rows[name].finite_difference == 0.0
    assert rows["b1[2]"].symbol == "w(1)₂,₀"


def test_001s_numbers_are_the_examples_and_fresh_on_each_call():
    weights, biases, X, T = W.two_step_numbers()
    # The network test_formulas works out by hand (W_001, B_001, x = (1, −2), t = 1).
    np.testing.assert_array_equal(weights[0], [[0.5, -0.25], [0.75, 1.0]])
    np.testing.assert_array_equal(weights[1], [[1.5, -0.5]])
    np.testing.assert_array_equal(biases[0], [0.1, -0.2])
    np.testing.assert_array_equal(biases[1], [0.3])
    np.testing.assert_array_equal(X, [[1.0], [-2.0]])
    np.testing.assert_array_equal(T, [[1.0]])
    np.testing.assert_array_equal(W.two_step_example().theta, W.flatten_layers(weights, biases))
    weights[0][0, 0] = 99.0  # a caller's edit must not reach the next caller
    assert W.two_step_numbers()[0][0][0, 0] == 0.5


def test_square_chain_is_four_x_cubed_by_hand(comparisons):
    (row,) = comparisons["002-square-chain"].rows
    assert row.engine == 13.5  # 4 · 1.5³ (the formula is held to it in test_formulas)
    assert row.finite_difference == pytest.approx(13.5, rel=1e-8)


def test_each_gradient_of_an_example_can_be_had_alone():
    example = W.square_chain_example()  # z = x⁴ at x = 1.5: dz/dx = 4x³ = 13.5
    root, (x,), grads = example.engine_gradient()
    assert (root.data, x.grad, grads.tolist()) == (1.5**4, 13.5, [13.5])
    # Central difference of x⁴: 4x³ + 4x·h² exactly, so a coarse step shows its own error.
    assert example.finite_differences(step=1e-2)[0] == pytest.approx(13.5 + 4 * 1.5 * 1e-4)


def test_004_relu_units_switch_between_examples():
    example = W.softmax_example()
    weights, biases = W.unflatten_layers(example.theta, (2, 3, 2, 3))
    X = np.array([[1.0, -0.5], [0.5, 1.5]])
    first_layer = weights[0] @ X + biases[0][:, None]
    # Unit 1 is on only for example 1, unit 2 only for example 2: both ReLU branches count.
    assert first_layer[0, 0] > 0 > first_layer[0, 1]
    assert first_layer[1, 0] < 0 < first_layer[1, 1]


def test_a_wrong_formula_is_caught(monkeypatch):
    real = formulas.delta_recurrence_gradients

    def off_by_a_little(*args, **kwargs):
        grad_weights, grad_biases = real(*args, **kwargs)
        grad_weights[0] = grad_weights[0] * (1 + 1e-7)  # FD cannot see it; the engine can
        return grad_weights, grad_biases

    monkeypatch.setattr(formulas, "delta_recurrence_gradients", off_by_a_little)
    comparison = W.delta_recurrence_example().run()
    assert not comparison.agrees
    wrong = {row.name for row in comparison.rows if not row.agrees}
    assert wrong == {"W1[1,1]", "W1[1,2]", "W1[2,1]", "W1[2,2]", "W1[3,1]", "W1[3,2]"}


def test_nn_parameters_in_another_order_than_the_lectures_names_are_refused(monkeypatch):
    real = W.parameter_names
    monkeypatch.setattr(W, "parameter_names", lambda sizes: real(sizes)[::-1])
    with pytest.raises(RuntimeError, match="nn's parameter names differ from the lectures'"):
        W.two_step_example().engine_gradient()


def test_parameter_layout_round_trips():
    sizes = (3, 2, 1)
    # θ in nn's order: W1[1,1], W1[1,2], W1[1,3], b1[1], W1[2,1], …, W2[1,2], b2[1].
    theta = np.arange(11, dtype=float)
    weights, biases = W.unflatten_layers(theta, sizes)
    np.testing.assert_array_equal(weights[0], [[0, 1, 2], [4, 5, 6]])
    np.testing.assert_array_equal(biases[0], [3, 7])
    np.testing.assert_array_equal(W.flatten_layers(weights, biases), theta)
    no_bias = W.unflatten_layers(theta[:8], (2, 2, 2), biases=False)[0]
    np.testing.assert_array_equal(W.flatten_layers(no_bias), theta[:8])


def test_central_differences_of_numpy_functions():
    a, b = np.array([[1.5, -2.0]]), np.array([0.5])
    # L = Σ a²b: ∂L/∂a = 2ab, ∂L/∂b = Σ a². L is at most quadratic in each entry, where a
    # central difference is exact but for rounding.
    grad_a, grad_b = W.central_differences(lambda p: np.sum(p[0] ** 2 * p[1]), [a, b])
    np.testing.assert_allclose(grad_a, [[1.5, -2.0]], rtol=1e-8)
    np.testing.assert_allclose(grad_b, [6.25], rtol=1e-8)
    # L = Σ x³: ∂L/∂x = 3x², with truncation error h² per entry.
    (grad,) = W.central_differences(lambda p: np.sum(p[0] ** 3), [np.array([1.0, -2.0])])
    np.testing.assert_allclose(grad, [3.0, 12.0], rtol=1e-8)
    assert a.tolist() == [[1.5, -2.0]]  # the arrays given are left as they were


def test_lecture_symbols():
    assert W.lecture_symbol("W1[2,1]", "001") == "w(1)₂,₁"
    assert W.lecture_symbol("b2[1]", "001") == "w(2)₁,₀"
    assert W.lecture_symbol("W3[1,2]", "002") == "W[3]₁,₂"
    assert W.lecture_symbol("b3[1]", "002") == "b[3]₁"
    assert W.lecture_symbol("W2[1,3]", "002-nobias") == "(W₂)₁,₃"
    assert W.lecture_symbol("b1[2]", "004") == "b(1)₂"
    assert W.lecture_symbol("x", "") == "x"


@pytest.mark.parametrize(
    ("key", "columns"),
    [
        # The inputs written in each example's description, example by example.
        ("002-sigmoid-output", [(1.0, 0.5), (-0.5, 2.0)]),
        ("002-binary-cross-entropy", [(0.5, 1.5), (-1.0, 0.25), (2.0, -0.5)]),
        ("001-two-step", [(1.0, -2.0)]),
    ],
)
def test_inputs_are_labelled_and_drawn_as_inputs_grouped_per_example(key, columns):
    """Lecture 002's graphs drew their inputs as unlabelled constants; now each example's
    inputs are Values x1, x2, … that draw as inputs inside that example's frame."""
    from autograd_core import draw_graph, topological_order

    example = next(e for e in EXAMPLES if e.key == key)
    root, parameters = example.engine_graph(example.theta.copy())
    held = set(parameters)
    inputs = [
        node
        for node in topological_order(root)
        if not node.inputs and node not in held and node.label.startswith("x")
    ]
    found = sorted((node.label, node.data) for node in inputs)
    wanted = sorted((f"x{j}", x) for column in columns for j, x in enumerate(column, start=1))
    assert found == wanted
    source = draw_graph(root, parameters=parameters).source
    assert source.count('class="input"') == len(wanted)
    if len(columns) > 1:
        for number in range(1, len(columns) + 1):
            assert f'label="example {number}"' in source
    # Each hidden neuron's α and h framed and titled with its name, once per example.
    assert source.count("label=<neuron h1[1]>") == len(columns)
