"""nn.training: the training loop and accuracy, up to a classifier of the two moons."""

import numpy as np
import pytest

from nn import (
    MLP,
    SGD,
    EpochReport,
    accuracy,
    binary_cross_entropy_with_logits,
    half_squared_error,
    train,
    two_moons,
)
from nn.lectures import formulas


def test_sgd_learns_the_two_moons():
    X, y = two_moons(100, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)
    reports = []
    history = train(
        model,
        X,
        y,
        loss=binary_cross_entropy_with_logits,
        optimizer=SGD(model.parameters(), lr=0.05, momentum=0.9),
        epochs=30,
        batch_size=10,
        seed=0,
        callback=reports.append,
    )
    assert accuracy(model, X, y) >= 0.95
    assert [r.epoch for r in reports] == list(range(1, 31))
    assert [r.loss for r in reports] == history
    assert history[-1] < 0.5 * history[0]


def test_the_reported_loss_is_the_mean_loss_plus_the_penalty():
    X = [[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]]
    y = [1.0, -1.0, 0.5]
    model = MLP(2, [3, 1], seed=1)
    # lr = 0 leaves the weights alone, so the reported objective can be recomputed.
    history = train(
        model,
        X,
        y,
        loss=half_squared_error,
        optimizer=SGD(model.parameters(), lr=0.0),
        epochs=2,
        l2=0.1,
    )
    mean_loss = sum(0.5 * (t - model(x).data) ** 2 for x, t in zip(X, y)) / 3
    weights, _ = model.weight_arrays()
    expected = mean_loss + 0.1 * sum(float((W**2).sum()) for W in weights)  # Ω = Σ w²
    assert history == pytest.approx([expected, expected], rel=1e-13)


def test_one_full_batch_step_is_lecture_004s_update():
    X, y = [[1.0, 2.0], [-1.0, 0.5]], [0.0, 1.0]
    model = MLP(2, [2, 1], activation="tanh", seed=2)
    before = model.parameters()
    start = [p.data for p in before]
    # Expected step: θ ← θ − η(∇ mean loss + λ∇Ω), with ∇Ω = 2w on weights and 0 on biases;
    # the loss gradient from lecture 001's two-step algorithm in NumPy (J = ½Σ(t − y)² over
    # the batch, so the mean is J / 2).
    Ws, bs = model.weight_arrays()
    grad_Ws, grad_bs = formulas.two_step_gradients(
        Ws, bs, np.array(X).T, np.array([y]), ["tanh", "linear"]
    )
    expected = []
    for W, b, gW, gb in zip(Ws, bs, grad_Ws, grad_bs):
        for row in range(W.shape[0]):  # nn's order: each neuron's weights, then its bias
            expected.extend(W[row] - 0.1 * (gW[row] / 2 + 0.2 * 2.0 * W[row]))
            expected.append(b[row] - 0.1 * (gb[row] / 2))
    train(model, X, y, loss=half_squared_error, optimizer=SGD(before, lr=0.1), epochs=1, l2=0.2)
    assert [p.data for p in model.parameters()] == pytest.approx(expected, rel=1e-12)
    assert [p.data for p in model.parameters()] != start


def test_log_every_prints_the_loss(capsys):
    X, y = two_moons(10, seed=0)
    model = MLP(2, [4, 1], seed=0)
    train(
        model,
        X,
        y,
        loss=binary_cross_entropy_with_logits,
        optimizer=SGD(model.parameters(), lr=0.1),
        epochs=5,
        log_every=2,
    )
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines] == ["2/5", "4/5", "5/5"]
    assert all(line.startswith("epoch ") and " loss " in line for line in lines)


def test_accuracy_thresholds_one_output_and_takes_the_argmax_of_several():
    model = MLP.from_arrays([[[1.0, 0.0]]], [[0.0]])  # output = x1
    assert accuracy(model, [[0.5, 0.0], [-0.5, 0.0], [2.0, 0.0]], [1, 0, 0]) == 2 / 3
    assert accuracy(model, [[0.4, 0.0]], [0], threshold=0.5) == 1.0
    model = MLP.from_arrays([np.eye(3)], [np.zeros(3)])  # outputs = x
    assert accuracy(model, [[0.0, 3.0, 1.0], [5.0, 0.0, 0.0]], [1, 2]) == 0.5


def test_accuracy_accepts_plus_minus_one_labels():
    model = MLP.from_arrays([[[1.0]]], [[0.0]], output_activation="tanh")  # output tanh(x1)
    X = [[0.5], [-0.5], [2.0], [-1.0]]
    # Predicted +1, −1, +1, −1 against labels +1, −1, −1, −1: three of four right.
    assert accuracy(model, X, [1, -1, -1, -1]) == 0.75
    assert accuracy(model, X, np.array([1.0, -1.0, 1.0, -1.0])) == 1.0
    assert accuracy(model, X, [1, 0, 1, 0]) == 1.0  # 0/1 labels as before


@pytest.mark.parametrize("labels", [[1, 0, -1, 1], [0.5, 1, 0, 1], [2, 0, 1, 0]])
def test_accuracy_refuses_labels_it_cannot_score_with_one_output(labels):
    model = MLP.from_arrays([[[1.0]]], [[0.0]])
    with pytest.raises(ValueError, match="labels must all be 0/1 or all be −1/\\+1"):
        accuracy(model, [[0.5], [-0.5], [2.0], [-1.0]], labels)


def test_accuracy_refuses_a_class_index_out_of_range():
    model = MLP.from_arrays([np.eye(3)], [np.zeros(3)])
    with pytest.raises(ValueError, match=r"y\[1\] = 3: .* class index 0 … 2"):
        accuracy(model, [[0.0, 3.0, 1.0], [5.0, 0.0, 0.0]], [1, 3])


def test_the_callback_gets_each_epochs_number_count_and_mean_loss():
    model = MLP.from_arrays([[[1.0, 0.0]]], [[0.0]])  # output = x1
    X, y = [[1.0, 0.0], [3.0, 0.0]], [0.0, 1.0]
    reports = []
    # lr = 0 keeps the weights, so every epoch's loss is the same hand-computed number:
    # ½(0 − 1)² = 0.5 and ½(1 − 3)² = 2, whose mean over the two batches of one is 1.25.
    train(
        model,
        X,
        y,
        loss=half_squared_error,
        optimizer=SGD(model.parameters(), lr=0.0),
        epochs=3,
        batch_size=1,
        seed=0,
        callback=reports.append,
    )
    assert reports == [EpochReport(epoch=k, epochs=3, loss=1.25) for k in (1, 2, 3)]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"X": [[1.0, 2.0, 3.0]]}, ValueError, r"X must have shape \(n_examples, 2\)"),
        ({"y": [1.0, 0.0]}, ValueError, "X has 1 examples but y has 2 targets"),
        ({"epochs": 0}, ValueError, "epochs must be a positive int"),
        ({"batch_size": 0}, ValueError, "batch_size must be a positive int"),
        ({"log_every": -1}, ValueError, "log_every must be an int ≥ 0"),
        ({"l2": -0.5}, ValueError, "l2 must be a finite number ≥ 0"),
        ({"loss": "mse"}, TypeError, r"loss must be a function loss\(output, target\) -> Value"),
        ({"loss": None}, TypeError, r"loss must be a function .* got None"),
        ({"loss": lambda out, t: 0.5}, TypeError, "loss must return a Value .* returned float"),
        ({"y": None}, TypeError, "y must be a sequence of targets"),
        ({"y": {0: 1.0}}, TypeError, "y must be a sequence of targets.* got dict"),
        ({"X": {0: [1.0, 2.0]}}, TypeError, r"X must have shape \(n_examples, 2\).* got dict"),
        ({"X": [{1.0, 2.0}]}, TypeError, r"X must have shape \(n_examples, 2\)"),
        ({"model": "mlp"}, TypeError, "model must be an nn Module .* got str"),
        ({"model": lambda x: x}, TypeError, "model must be an nn Module .* got function"),
        ({"callback": 3}, TypeError, "callback must be callable"),
        ({"optimizer": "sgd"}, TypeError, "optimizer must have a step"),
    ],
)
def test_train_rejects_bad_arguments(kwargs, error, message):
    model = MLP(2, [1], seed=0)
    before = [p.data for p in model.parameters()]
    arguments = {
        "model": model,
        "X": [[1.0, 2.0]],
        "y": [1.0],
        "loss": half_squared_error,
        "optimizer": SGD(model.parameters(), lr=0.1),
        "epochs": 1,
        **kwargs,
    }
    model_given, X, y = arguments.pop("model"), arguments.pop("X"), arguments.pop("y")
    with pytest.raises(error, match=message):
        train(model_given, X, y, **arguments)
    assert [p.data for p in model.parameters()] == before  # raised before any step
