"""nn.draw_network and nn.step_through_network: numbers, SVG, player, bad input.

Every number the view shows is checked against something computed apart from it: a NumPy
forward pass with central finite differences, the lecture's δ recurrence written out in
NumPy, the engine's own backward on the model, or a number from lecture 001 by hand.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import nn
from nn import (
    MLP,
    Layer,
    binary_cross_entropy,
    draw_network,
    half_squared_error,
    softmax_cross_entropy,
    step_through_network,
)
from nn.lectures.examples import central_differences

SVG = "{http://www.w3.org/2000/svg}"
EPS = 1e-6

# A 2-3-2-1 network with no pre-activation near 0 (so ReLU's kink is never within EPS) and,
# with ReLU, one dead unit in each hidden layer (α1[2] = −1.2, α2[2] = −0.265).
WEIGHTS = [
    np.array([[0.5, -0.3], [-0.8, 0.4], [0.7, 0.9]]),
    np.array([[0.6, -0.5, 0.4], [-0.3, 0.8, 0.2]]),
    np.array([[1.2, -0.7]]),
]
BIASES = [np.array([0.1, -0.2, 0.05]), np.array([0.05, -0.1]), np.array([0.3])]
X = [1.0, -0.5]
T = 0.25

FUNCTIONS = {
    "relu": (lambda a: np.maximum(a, 0.0), lambda a: (a > 0).astype(float)),
    "sigmoid": (
        lambda a: 1 / (1 + np.exp(-a)),
        lambda a: np.exp(-a) / (1 + np.exp(-a)) ** 2,
    ),
    "tanh": (np.tanh, lambda a: 1 / np.cosh(a) ** 2),
    "linear": (lambda a: a, lambda a: np.ones_like(a)),
}


def model_for(activation: str) -> MLP:
    return MLP.from_arrays(WEIGHTS, BIASES, activation=activation)


def numpy_forward(activation, Ws=WEIGHTS, bs=BIASES, x=X):
    """(αs, hs) of a plain NumPy pass."""
    f = FUNCTIONS[activation][0]
    h = np.asarray(x, dtype=float)
    alphas, hs = [], [h]
    for k, (W, b) in enumerate(zip(Ws, bs), start=1):
        alpha = W @ h + b
        h = alpha if k == len(Ws) else f(alpha)  # linear output
        alphas.append(alpha)
        hs.append(h)
    return alphas, hs


def numpy_loss(activation, **kwargs) -> float:
    y = numpy_forward(activation, **kwargs)[1][-1]
    return float(0.5 * np.sum((T - y) ** 2))


def recurrence(activation):
    """The lectures' δ recurrence in NumPy: δ(n) = y − t, δ(k) = ψ(k) W(k+1)ᵀ δ(k+1)."""
    alphas, hs = numpy_forward(activation)
    derivative = FUNCTIONS[activation][1]
    deltas = [None] * len(WEIGHTS)
    deltas[-1] = hs[-1] - T  # linear output: ψ = 1
    for k in range(len(WEIGHTS) - 2, -1, -1):
        deltas[k] = derivative(alphas[k]) * (WEIGHTS[k + 1].T @ deltas[k + 1])
    weight_grads = [np.outer(deltas[k], hs[k]) for k in range(len(WEIGHTS))]
    return deltas, weight_grads


ACTIVATIONS = ["relu", "sigmoid", "tanh", "linear"]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_alpha_and_h_match_a_numpy_forward_pass(activation):
    view = draw_network(model_for(activation), X, T, half_squared_error)
    alphas, hs = numpy_forward(activation)
    for record in view.neurons:
        if record.layer == 0:
            assert record.h == X[record.row - 1]
            assert record.alpha is None and record.delta is None
            continue
        assert record.alpha == pytest.approx(alphas[record.layer - 1][record.row - 1], rel=1e-12)
        assert record.h == pytest.approx(hs[record.layer][record.row - 1], rel=1e-12)
    assert view.loss == pytest.approx(numpy_loss(activation), rel=1e-12)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_weight_gradients_match_finite_differences_and_the_engine(activation):
    model = model_for(activation)
    view = draw_network(model, X, T, half_squared_error)
    # The engine's own gradients, from a backward pass on the model itself (after drawing).
    model.zero_grad()
    half_squared_error(model(X), T).backward()
    engine = dict(model.named_parameters())
    assert [e.name for e in view.edges] == [n for n, _ in model.named_parameters() if n[0] == "W"]
    finite_differences = central_differences(lambda Ws: numpy_loss(activation, Ws=Ws), WEIGHTS, EPS)
    for edge in view.edges:
        finite = finite_differences[edge.layer - 1][edge.row - 1, edge.column - 1]
        assert edge.grad == pytest.approx(finite, rel=1e-6, abs=1e-8), edge.name
        assert edge.grad == pytest.approx(engine[edge.name].grad, rel=1e-12, abs=1e-15)
        assert edge.weight == WEIGHTS[edge.layer - 1][edge.row - 1, edge.column - 1]
    for record in view.neurons[2:]:
        assert record.bias_grad == pytest.approx(engine[record.bias_name].grad, rel=1e-12)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_delta_is_the_derivative_of_the_loss_by_alpha(activation):
    view = draw_network(model_for(activation), X, T, half_squared_error)
    deltas, weight_grads = recurrence(activation)
    # Moving b(k)ᵢ moves α(k)ᵢ by the same amount, so ∂L/∂b(k)ᵢ = ∂L/∂α(k)ᵢ = δ(k)ᵢ.
    by_alpha = central_differences(lambda bs: numpy_loss(activation, bs=bs), BIASES, EPS)
    for record in view.neurons[2:]:
        k, i = record.layer, record.row
        finite = by_alpha[k - 1][i - 1]
        assert record.delta == pytest.approx(finite, rel=1e-6, abs=1e-8), record.name
        assert record.delta == pytest.approx(deltas[k - 1][i - 1], rel=1e-12, abs=1e-15)
        # ∂L/∂b(k) = δ(k)
        assert record.bias_grad == pytest.approx(record.delta, rel=1e-12, abs=1e-15)
    for edge in view.edges:
        expected = weight_grads[edge.layer - 1][edge.row - 1, edge.column - 1]
        assert edge.grad == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_relu_dead_units_pass_back_exactly_zero():
    view = draw_network(model_for("relu"), X, T, half_squared_error)
    assert view.neuron("h1[2]").h == 0.0
    assert view.neuron("h1[2]").delta == 0.0
    assert all(view.edge(f"W1[2,{j}]").grad == 0.0 for j in (1, 2))
    assert view.edge("W3[1,2]").grad == 0.0  # its input h2[2] is 0
    # Drawn dashed, the live ones solid.
    groups = {text.split(":")[0]: element for element, text in titled(view.svg())}
    assert groups["h1[2]"].find(f"{SVG}rect").get("stroke-dasharray")
    assert groups["h1[1]"].find(f"{SVG}rect").get("stroke-dasharray") is None


def test_drawing_leaves_the_models_gradients_and_weights_alone():
    model = model_for("tanh")
    for n, value in enumerate(model.parameters()):
        value.grad = 0.125 * (n + 1)
    before = [(v.data, v.grad) for v in model.parameters()]
    draw_network(model, X, T, half_squared_error, show="grads").svg()
    step_through_network(model, X, T, half_squared_error)
    assert [(v.data, v.grad) for v in model.parameters()] == before


class RecordingMLP(MLP):
    """An MLP that keeps its last output (a Value made by an operation) and a lock: neither
    can be copied, so neither can the model."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lock = threading.Lock()
        self.last_output = None

    def __call__(self, x):
        with self.lock:
            self.last_output = super().__call__(x)
        return self.last_output


def test_a_model_that_cannot_be_copied_draws_with_a_loss_and_keeps_its_grads():
    model = RecordingMLP(2, [3, 2, 1], activation="tanh", seed=0)
    half_squared_error(model([0.3, 0.9]), T).backward()
    with pytest.raises(TypeError):
        copy.deepcopy(model)
    before = [(v.data, v.grad) for v in model.parameters()]
    view = draw_network(model, X, T, half_squared_error, show="grads")
    player = step_through_network(model, X, T, half_squared_error)
    assert [(v.data, v.grad) for v in model.parameters()] == before
    # The same numbers as a plain MLP's, whose engine backward gives ∂L/∂w.
    plain = MLP(2, [3, 2, 1], activation="tanh", seed=0)
    expected = draw_network(plain, X, T, half_squared_error, show="grads")
    assert (view.neurons, view.edges) == (expected.neurons, expected.edges)
    assert player.frames == step_through_network(plain, X, T, half_squared_error).frames
    half_squared_error(plain(X), T).backward()
    named = dict(plain.named_parameters())
    assert [edge.grad for edge in view.edges] == [named[edge.name].grad for edge in view.edges]
    assert view.neuron("h2[1]").bias_grad == named["b2[1]"].grad


def test_a_tied_weight_shows_its_total_gradient_on_each_of_its_edges():
    model = MLP(2, [3, 2, 1], activation="tanh", seed=0)
    hidden = model.layers[0].neurons
    hidden[1].weights[0] = tied = hidden[0].weights[0]  # W1[2,1] is W1[1,1]
    view = draw_network(model, X, T, half_squared_error, show="grads")
    # The engine on the model itself: a Value used twice collects both contributions.
    half_squared_error(model(X), T).backward()
    assert view.edge("W1[1,1]").grad == view.edge("W1[2,1]").grad == tied.grad
    # Without an example the edges show the parameters' .grad: the same number.
    assert draw_network(model, show="grads").edge("W1[2,1]").grad == tied.grad


def test_without_an_example_edges_carry_the_parameters_current_grads():
    model = model_for("sigmoid")
    half_squared_error(model(X), T).backward()
    half_squared_error(model([0.3, 0.9]), T).backward()  # accumulated over two examples
    view = draw_network(model, show="grads")
    named = dict(model.named_parameters())
    for edge in view.edges:
        assert edge.grad == named[edge.name].grad
    for record in view.neurons:
        assert (record.alpha is None and record.h is None) or record.layer == 0
        assert record.delta is None
    assert view.neuron("h2[1]").bias_grad == named["b2[1]"].grad


def test_a_callable_loss_and_several_outputs():
    model = MLP(2, [4, 3], activation="sigmoid", seed=3)
    view = draw_network(model, X, 2, softmax_cross_entropy)
    # ∂L/∂αᵢ = softmax(α)ᵢ − [i = k] at a linear output (lecture 004).
    alphas = np.array([view.neuron(f"h2[{i}]").alpha for i in (1, 2, 3)])
    softmax = np.exp(alphas - alphas.max()) / np.exp(alphas - alphas.max()).sum()
    expected = softmax - np.array([0.0, 0.0, 1.0])
    assert [view.neuron(f"h2[{i}]").delta for i in (1, 2, 3)] == pytest.approx(expected, rel=1e-12)

    def mean_square(outputs, target):
        return sum((y - t) ** 2 for y, t in zip(outputs, target)) / len(outputs)

    view = draw_network(model, X, [0.0, 1.0, 0.5], mean_square)
    outputs = [view.neuron(f"h2[{i}]").h for i in (1, 2, 3)]
    assert view.loss == pytest.approx(np.mean((np.array(outputs) - [0.0, 1.0, 0.5]) ** 2))
    assert view.neuron("h2[2]").delta == pytest.approx(2 * (outputs[1] - 1.0) / 3, rel=1e-12)


# -- the SVG ---------------------------------------------------------------------------------------


def titled(svg: str) -> list[tuple[ET.Element, str]]:
    root = ET.fromstring(svg.split("?>", 1)[1])
    return [
        (element, element.find(f"{SVG}title").text)
        for element in root.iter()
        if element.find(f"{SVG}title") is not None
    ]


@pytest.mark.parametrize("example", [True, False])
def test_svg_has_one_titled_element_per_neuron_and_per_weight(example):
    model = model_for("relu")
    view = draw_network(model, X, T, half_squared_error) if example else draw_network(model)
    found = titled(view.svg())
    assert len(found) == len(view.neurons) + len(view.edges) == (2 + 3 + 2 + 1) + (6 + 6 + 2)
    titles = [text for _, text in found]
    for record in view.neurons:
        assert sum(t.startswith(f"{record.name}: ") for t in titles) == 1, record.name
    for edge in view.edges:
        matching = [t for t in titles if t.startswith(f"{edge.name} = ")]
        assert len(matching) == 1, edge.name
        assert f"from {edge.source} to {edge.target}" in matching[0]
    if example:
        h22 = next(t for t in titles if t.startswith("h2[2]: "))
        assert "δ = ∂L/∂α = 0" in h22  # the dead unit


def test_edges_encode_sign_by_colour_and_size_by_width():
    view = draw_network(model_for("tanh"), X, T, half_squared_error, show="weights")
    lines = {
        element.find(f"{SVG}title").text.split(" = ")[0]: element
        for element, _ in titled(view.svg())
        if element.tag == f"{SVG}polyline"
    }
    assert lines["W1[1,1]"].get("stroke") != lines["W1[1,2]"].get("stroke")  # 0.5 vs −0.3
    assert lines["W1[1,1]"].get("stroke") == lines["W3[1,1]"].get("stroke")  # both > 0
    # The largest |w| (1.2) is the widest edge; |w| = 0.5 is narrower than |w| = 0.9.
    widths = {name: float(line.get("stroke-width")) for name, line in lines.items()}
    assert max(widths, key=widths.get) == "W3[1,1]"
    assert widths["W1[1,1]"] < widths["W1[3,2]"]
    grads = draw_network(model_for("tanh"), X, T, half_squared_error, show="grads")
    grad_widths = {
        e.find(f"{SVG}title").text.split(" = ")[0]: float(e.get("stroke-width"))
        for e, _ in titled(grads.svg())
        if e.tag == f"{SVG}polyline"
    }
    largest = max(grads.edges, key=lambda e: abs(e.grad)).name
    assert max(grad_widths, key=grad_widths.get) == largest


def test_neurons_show_b_with_weights_and_the_bias_gradient_with_gradients():
    model = model_for("tanh")

    def neuron_texts(show):
        svg = draw_network(model, X, T, half_squared_error, show=show).svg()
        return [
            " ".join(t.text or "" for t in group.iter(f"{SVG}text"))
            for group, _ in titled(svg)
            if "neuron" in group.get("class", "") and "layer-0" not in group.get("class", "")
        ]

    deltas, _ = recurrence("tanh")
    expected = [d for layer in deltas for d in layer]  # ∂L/∂b(k) = δ(k), lecture 003
    for text, delta in zip(neuron_texts("grads"), expected, strict=True):
        shown = float(text.split("∂L/∂b ")[1].split()[0].replace("−", "-"))
        assert shown == pytest.approx(delta, rel=1e-2)
    assert all("∂L/∂b" not in text and " b " in f" {text}" for text in neuron_texts("weights"))


def test_same_model_and_example_give_the_same_svg_text():
    first = draw_network(MLP(2, [16, 16, 1], seed=7), X, T, half_squared_error).svg()
    second = draw_network(MLP(2, [16, 16, 1], seed=7), X, T, half_squared_error).svg()
    assert first == second
    assert "0x" not in first  # no memory addresses


def test_the_readme_model_fits_in_1000_px_and_prints_its_numbers():
    model = MLP(2, [16, 16, 1], seed=0)
    svg = draw_network(model, X, T, half_squared_error).svg()
    root = ET.fromstring(svg.split("?>", 1)[1])
    assert float(root.get("width")) <= 1000
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert sum(1 for t in texts if t and t.startswith("δ ")) == 16 + 16 + 1
    assert "h2[16]" in texts


def test_wide_layers_draw_dots_with_hover_text_only():
    model = MLP(3, [20, 2], seed=1)
    view = draw_network(model, [0.1, 0.2, 0.3], [0.0, 1.0], half_squared_error)
    found = titled(view.svg())
    assert len(found) == 3 + 20 + 2 + 60 + 40
    circles = [e for e, t in found if e.tag == f"{SVG}g" and t.startswith("h1[")]
    assert len(circles) == 20
    assert all(c.find(f"{SVG}circle") is not None and c.find(f"{SVG}text") is None for c in circles)


def test_edge_numbers_do_not_overlap_and_each_sits_at_its_edges_end():
    # Notebook 04's 3-4-3-1 network: 12 edges between x and layer 1, where the numbers
    # printed mid-edge used to pile up on one another.
    model = MLP(3, [4, 3, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    svg = draw_network(model, [0.2, -0.4, 0.7], 1.0, binary_cross_entropy).svg()
    root = ET.fromstring(svg.split("?>", 1)[1])
    ends = {}
    for line in root.iter(f"{SVG}polyline"):
        *_, end = (tuple(map(float, point.split(","))) for point in line.get("points").split())
        ends[end] = line.find(f"{SVG}title").text.split(" = ")[0]
    weights = dict(model.named_parameters())
    labels = [t for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end" and t.get("y")]
    labels = [t for t in labels if t.get("font-size") == "10" and t.text[0] in "−0123456789"]
    assert len(labels) == 12 + 12 + 3
    extents = []
    for label in labels:
        right, baseline = float(label.get("x")), float(label.get("y"))
        # Right beside the end of its own edge (5 px before it, centred on it), showing that
        # edge's weight.
        end = min(ends, key=lambda e: abs(e[0] - right - 5) + abs(e[1] - baseline + 3.5))
        assert end == pytest.approx((right + 5, baseline - 3.5), abs=0.2)
        value = float(label.text.replace("−", "-"))
        assert value == pytest.approx(weights[ends[end]].data, rel=5e-3)
        # What the text covers, generously: digits are 0.56 em wide and 0.72 em tall.
        extents.append((right - 5.6 * len(label.text), baseline - 7.5, right, baseline + 0.5))
    for n, (left, top, right, bottom) in enumerate(extents):
        for other_left, other_top, other_right, other_bottom in extents[n + 1 :]:
            apart = right <= other_left or other_right <= left
            assert apart or bottom <= other_top or other_bottom <= top


def test_a_network_of_only_wide_layers_draws_dots():
    found = titled(draw_network(MLP(17, [17, 17], seed=0)).svg())
    assert len(found) == 3 * 17 + 2 * 17 * 17
    assert not any(e.find(f"{SVG}rect") is not None for e, _ in found)


def test_legend_is_part_of_the_picture():
    svg = draw_network(model_for("relu"), X, T, half_squared_error).svg()
    assert 'class="legend"' in svg
    assert "δ = ∂L/∂α" in svg
    assert "the output y" in svg


def test_save_writes_svg_and_refuses_other_suffixes(tmp_path):
    view = draw_network(model_for("relu"))
    path = view.save(tmp_path / "net.svg")
    assert path.read_text(encoding="utf-8") == view.svg()
    for suffix in (".png", ".pdf"):
        # No SVG-to-PNG/PDF converter without a new dependency: refused, saying what to do.
        with pytest.raises(ValueError, match=r"accepted suffix: \.svg") as refused:
            view.save(tmp_path / f"net{suffix}")
        assert "Save net.svg, then open it in a browser and print" in str(refused.value)
        assert not (tmp_path / f"net{suffix}").exists()
    with pytest.raises(ValueError, match=r"'\.dot'.*accepted suffix: \.svg"):
        view.save(tmp_path / "net.dot")


def test_jupyter_display_is_the_svg_and_never_raises(monkeypatch):
    view = draw_network(model_for("relu"), X, T, half_squared_error)
    bundle = view._repr_mimebundle_()
    assert bundle["image/svg+xml"] == view.svg()
    assert "max-width: 100%" in bundle["image/svg+xml"]
    # text/html is what JupyterLab prefers. An untrusted notebook strips <script> and <svg>
    # from it and keeps an <img> scaled to the width whose data URL is the very SVG; where
    # scripts run, one script swaps that image for the SVG inline (tooltips on hover).
    page = bundle["text/html"]
    assert "<svg" not in page and page.count("<script") == 1
    untrusted = re.sub(r"<script>.*?</script>", "", page, flags=re.S)
    images = re.findall(r'<img [^>]*src="data:image/svg\+xml;base64,([^"]+)"[^>]*>', untrusted)
    assert [base64.b64decode(data).decode("utf-8") for data in images] == [view.svg()] * 2
    assert "max-width: 100%; height: auto" in untrusted
    assert 'class="autograd-scaled"' in untrusted and "img.autograd-scaled" in page

    def broken(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(nn.NetworkDrawing, "svg", broken)
    assert "boom" in view._repr_mimebundle_()["text/plain"]


# -- the player ------------------------------------------------------------------------------------

GEOMETRY = ("x", "y", "x1", "y1", "x2", "y2", "points", "cx", "cy", "r", "width", "height")


def geometry(svg: str) -> list[tuple]:
    root = ET.fromstring(svg.split("?>", 1)[1])
    return [
        (element.tag, *(element.get(a) for a in GEOMETRY))
        for element in root.iter()
        if element.tag
        in {f"{SVG}{t}" for t in ("rect", "line", "polyline", "circle", "text", "svg")}
    ]


def test_player_frames_share_one_layout_and_follow_the_passes():
    player = step_through_network(model_for("tanh"), X, T, half_squared_error)
    # inputs, 3 layers forward, loss, δ at the output, 2 hidden δs, 3 layers of gradients.
    assert len(player) == len(player.captions) == 1 + 3 + 1 + 1 + 2 + 3
    first = geometry(player.frames[0])
    assert all(geometry(frame) == first for frame in player.frames[1:])
    assert player.captions[0].startswith("Forward")
    assert player.captions[5].startswith("Backward, output layer 3")
    assert player.captions[6].startswith("Backward, layer 2")
    assert player.captions[-1].startswith("Gradients of layer 1")
    again = step_through_network(model_for("tanh"), X, T, half_squared_error)
    assert again.frames == player.frames and again.captions == player.captions
    # Before the backward pass no δ is shown; at the end every one is.
    assert "δ ?" in player.frames[4] and "δ ?" not in player.frames[-1]


def test_player_captions_work_the_recurrence_with_the_right_numbers():
    player = step_through_network(model_for("tanh"), X, T, half_squared_error)
    deltas, weight_grads = recurrence("tanh")
    checked = 0
    for caption in player.captions:
        match = re.match(
            r"Backward, (?:output )?layer (\d): δ\d\[(\d)\] = .* = (−?\d+(?:\.\d+)?)[.,](?:\s|$)",
            caption,
        )
        if match:
            k, i, shown = int(match[1]), int(match[2]), float(match[3].replace("−", "-"))
            assert shown == pytest.approx(deltas[k - 1][i - 1], rel=5e-3)
            # the neuron the caption follows is the layer's largest |δ|
            assert i - 1 == int(np.argmax(np.abs(deltas[k - 1])))
            checked += 1
    assert checked == 3  # δ at the output, then layers 2 and 1
    hidden = player.captions[6]
    assert "ψ'(α2[" in hidden and "Σⱼ W3[j," in hidden
    gradient = player.captions[-1]
    match = re.search(r"∂L/∂W1\[(\d),(\d)\] = δ1\[\d\] · x\d = .* = (−?\d+(?:\.\d+)?);", gradient)
    assert match, gradient
    i, j, shown = int(match[1]), int(match[2]), float(match[3].replace("−", "-"))
    assert shown == pytest.approx(weight_grads[0][i - 1, j - 1], rel=5e-3)


def test_player_page_and_notebook_display(tmp_path):
    player = step_through_network(model_for("relu"), X, T, half_squared_error)
    page = player.save_html(tmp_path / "player.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<?xml" not in page
    bundle = player._repr_mimebundle_()
    for html_text in (page, bundle["text/html"]):
        table = json.loads(re.search(r'class="autograd-frames">(.*?)</script>', html_text)[1])
        # Each frame's SVG as is, without the XML declaration an HTML page cannot hold.
        assert [svg[svg.index("<svg") :] for svg in player.frames] == table["svgs"]
        assert table["captions"] == list(player.captions)
        # Without scripts (an untrusted notebook) the last frame shows as an image.
        (still,) = re.findall(r'<img [^>]*src="data:image/svg\+xml;base64,([^"]+)"', html_text)
        assert base64.b64decode(still).decode("utf-8") == player.frames[-1]
        assert "<svg" not in html_text


# -- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize("draw", [draw_network, step_through_network])
def test_bad_input_is_refused_before_anything_is_drawn(draw):
    model = model_for("relu")
    with pytest.raises(TypeError, match=r"nn\.MLP"):
        draw(Layer(2, 3), X, T, half_squared_error)
    with pytest.raises(TypeError, match=r"nn\.MLP"):
        draw("model", X, T, half_squared_error)
    with pytest.raises(ValueError, match=r"sequence of 2 real numbers.*got 3"):
        draw(model, [1.0, 2.0, 3.0], T, half_squared_error)
    with pytest.raises(TypeError, match="x2 must be a real number"):
        draw(model, [1.0, "a"], T, half_squared_error)
    with pytest.raises(ValueError, match=r"rejected target.*1 output"):
        draw(model, X, [0.0, 1.0], half_squared_error)
    with pytest.raises(ValueError, match="rejected target"):
        draw(model, X, 2.0, binary_cross_entropy)
    with pytest.raises(TypeError, match=r"must return a Value.*returned float"):
        draw(model, X, T, lambda y, t: 0.5)
    with pytest.raises(TypeError, match="callable"):
        draw(model, X, T, "half_squared_error")


def test_draw_network_option_errors():
    model = model_for("relu")
    with pytest.raises(ValueError, match="show must be one of 'weights', 'grads'"):
        draw_network(model, show="gradients")
    with pytest.raises(TypeError, match="a target needs a loss"):
        draw_network(model, X, T)
    with pytest.raises(TypeError, match="need x"):
        draw_network(model, target=T, loss=half_squared_error)
    with pytest.raises(TypeError, match="missing: loss"):
        step_through_network(model, X, T, None)
    with pytest.raises(ValueError, match="max_weights"):
        draw_network(MLP(2, [200, 200, 1], seed=0))


# -- the lectures report ---------------------------------------------------------------------------


def test_lectures_report_writes_network_diagrams(tmp_path, capsys):
    from nn.lectures.examples import all_examples, square_chain_example, two_step_example
    from nn.lectures.report import run_lectures

    assert run_lectures(tmp_path, [two_step_example(), square_chain_example()]) == 0
    assert "network diagram: " in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "001-two-step-network.svg",
        "001-two-step.svg",
        "002-square-chain.svg",  # not a network: no diagram
    ]
    titles = dict(
        text.split(": ", 1)
        for _, text in titled((tmp_path / "001-two-step-network.svg").read_text())
    )
    # Lecture 001 by hand: α(1) = (1.1, −1.45), unit 2 off; y = 1.95, g = y − t = 0.95.
    assert "α1[1] = 1.1;" in titles["h1[1]"]
    assert "α1[2] = −1.45;" in titles["h1[2]"] and "δ = ∂L/∂α = 0;" in titles["h1[2]"]
    assert "h = f(α) = 1.95;" in titles["h2[1]"] and "δ = ∂L/∂α = 0.95;" in titles["h2[1]"]
    with_networks = [e.key for e in all_examples() if e.network is not None]
    assert with_networks == [
        "000-bias-trick",
        "001-two-step",
        "002-binary-cross-entropy",
        "003-delta-recurrence",
        "004-softmax",
    ]


# -- the benchmark (the README's section runs in tests/test_readme.py) -----------------------

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_quick_run():
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_network.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    for workload in ("N1", "N2", "N3", "N4", "N5", "N6"):
        assert re.search(rf"^\| {workload} \|", run.stdout, flags=re.MULTILINE), workload


def test_captions_leave_out_the_zero_terms_of_a_dead_relu_and_say_so():
    # With ReLU, h2[2] is off (α2[2] = −0.265), so δ2[2] = 0 and every sum over layer 2's
    # δ has one zero term of two.
    player = step_through_network(model_for("relu"), X, T, half_squared_error)
    hidden = next(c for c in player.captions if c.startswith("Backward, layer 1"))
    assert "[1 of 2 terms not 0]" in hidden
