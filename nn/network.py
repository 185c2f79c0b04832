"""The whole network in one picture: neurons in columns, weights as edges, δ flowing back.

Lectures 000 and 003 explain backprop on the classic diagram: layer k computes
α(k) = b(k) + W(k) h(k−1) and h(k) = f(α(k)); the backward pass starts with
δ(n) = ∂L/∂α(n) at the output and carries it down, δ(k) = ψ(k) W(k+1)ᵀ δ(k+1) with ψ(k)
the diagonal of f′(α(k)); every weight's gradient is then ∂L/∂W(k) = δ(k) h(k−1)ᵀ and
∂L/∂b(k) = δ(k). (Lecture 003 numbers the same vector one higher: its δ(k+1) is the δ(k)
here, so that it writes ∂y/∂W(k) = δ(k+1) a(k−1)ᵀ. Here δ(k) = ∂L/∂α(k) belongs to the
layer whose neurons it is drawn in.)

:func:`draw_network` draws that diagram for an :class:`~nn.module.MLP`, with the numbers
computed by the engine; :func:`step_through_network` plays the two passes layer by layer.
Names follow the lectures, 1-based, as ``named_parameters()`` gives them: neuron i of
layer k is ``hk[i]`` (its pre-activation ``αk[i]``), input j is ``xj``, and ``Wk[i,j]`` is
the weight from neuron j of layer k − 1 to neuron i of layer k.

The SVG is written here directly, not by Graphviz: the layout is plain geometry (columns
of boxes), so it needs no renderer, and the same model and example give the same text.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from numbers import Real
from pathlib import Path
from typing import Any

import numpy as np

from autograd_core import Value, affine
from autograd_core.draw.drawing import fitted_html
from autograd_core.draw.player import HtmlPlayer, player_fragment
from autograd_core.draw.render import write_atomically
from nn.activations import TABLE
from nn.checks import describe, is_ordered_sequence
from nn.module import MLP
from nn.names import alpha_name, bias_name, h_name, input_name, weight_name

SHOW_MODES = ("weights", "grads")

#: Layers up to this many neurons print their numbers inside each neuron; wider layers
#: draw small dots whose numbers are in the hover text only.
MAX_NUMBERED_LAYER = 16
#: Edge values are printed, in a column beside the neuron each edge enters, for a layer
#: with at most this many weights and at most this many inputs per neuron.
MAX_LABELLED_EDGES = 12
MAX_LABELLED_FAN_IN = 6
#: draw_network refuses larger models: the picture would be a solid block of lines.
DEFAULT_MAX_WEIGHTS = 20_000

# Okabe–Ito blue and vermillion: told apart with every common colour-vision deficiency.
POSITIVE = "#0072B2"
NEGATIVE = "#D55E00"
ZERO = "#9a9a9a"
POSITIVE_TINT = (0xD6, 0xE9, 0xF5)
NEGATIVE_TINT = (0xF8, 0xDC, 0xC8)
INK = "#222222"
FAINT = "#777777"
FONT = "Helvetica, Arial, sans-serif"

Loss = Callable[[Any, Any], Value]


# -- the numbers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NeuronRecord:
    """One neuron of the diagram and its numbers (``None`` where not computed).

    ``layer`` is 0 for the inputs and k for layer k; ``row`` is 1-based. ``alpha`` is α,
    ``h`` is h = f(α) (an input's h is its x), ``delta`` is δ = ∂L/∂α for the example.
    ``bias`` and ``bias_grad`` are b and ∂L/∂b (the example's, or the parameter's current
    ``.grad`` without one); inputs have neither.
    """

    layer: int
    row: int
    name: str
    alpha: float | None
    h: float | None
    delta: float | None
    activation: str | None = None
    bias_name: str | None = None
    bias: float | None = None
    bias_grad: float | None = None


@dataclass(frozen=True)
class EdgeRecord:
    """One weight: ``name`` "W2[3,1]" joins neuron 1 of layer 1 (``source``) to neuron 3 of
    layer 2 (``target``); ``weight`` is w, ``grad`` is ∂L/∂w."""

    name: str
    layer: int
    row: int
    column: int
    source: str
    target: str
    weight: float
    grad: float


@dataclass(frozen=True)
class _Network:
    """Everything a picture needs: the numbers, and what the example was."""

    title: str
    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    neurons: tuple[NeuronRecord, ...]
    edges: tuple[EdgeRecord, ...]
    x: tuple[float, ...] | None
    target: Any
    loss_name: str | None
    loss: float | None
    output_grads: tuple[float, ...] | None  # ∂L/∂h at the outputs

    @property
    def has_example(self) -> bool:
        return self.x is not None

    @property
    def depth(self) -> int:
        """n, the number of layers of neurons (the output layer's k)."""
        return len(self.sizes) - 1

    def neuron(self, layer: int, row: int) -> NeuronRecord:
        return self.neurons[sum(self.sizes[:layer]) + row - 1]

    def layer_neurons(self, layer: int) -> tuple[NeuronRecord, ...]:
        start = sum(self.sizes[:layer])
        return self.neurons[start : start + self.sizes[layer]]

    def layer_edges(self, layer: int) -> tuple[EdgeRecord, ...]:
        start = sum(a * b for a, b in zip(self.sizes[: layer - 1], self.sizes[1:layer]))
        return self.edges[start : start + self.sizes[layer - 1] * self.sizes[layer]]

    def edge(self, layer: int, row: int, column: int) -> EdgeRecord:
        return self.layer_edges(layer)[(row - 1) * self.sizes[layer - 1] + column - 1]


def _check_model(model: object, max_weights: int | None, who: str) -> MLP:
    if not isinstance(model, MLP):
        raise TypeError(
            f"{who} draws an nn.MLP (for example MLP(2, [3, 2, 1])), got "
            f"{type(model).__name__}; a Layer or Neuron alone is not a network diagram"
        )
    count = sum(a * b for a, b in zip(model.sizes, model.sizes[1:]))
    if max_weights is not None and count > max_weights:
        raise ValueError(
            f"{who}: the model has {count:,} weights, more than max_weights={max_weights:,}; "
            "its diagram would be a solid block of lines. Pass max_weights=None to draw it "
            "anyway."
        )
    return model


def _check_inputs(model: MLP, x: object, who: str) -> tuple[float, ...]:
    accepted = f"x must be a sequence of {model.nin} real numbers (the model's inputs)"
    if not is_ordered_sequence(x):
        raise TypeError(f"{who}: {accepted}, got {describe(x)}")
    if len(x) != model.nin:
        raise ValueError(f"{who}: {accepted}, got {len(x)} numbers")
    xs = [xj.data if isinstance(xj, Value) else xj for xj in x]
    for j, xj in enumerate(xs, start=1):
        if isinstance(xj, bool) or not isinstance(xj, Real):
            raise TypeError(f"{who}: {input_name(j)} must be a real number, got {describe(xj)}")
    return tuple(float(xj) for xj in xs)


def _loss_name(loss: Callable[..., Any]) -> str:
    return getattr(loss, "__name__", None) or type(loss).__name__


def _check_example(x: object, target: object, loss: object, who: str, required: bool) -> None:
    if required and (x is None or loss is None):
        missing = " and ".join(name for name, v in (("x", x), ("loss", loss)) if v is None)
        raise TypeError(f"{who} needs one example, x, target and loss; missing: {missing}")
    if x is None and (target is not None or loss is not None):
        raise TypeError(f"{who}: a target and a loss need x, the example's inputs")
    if target is not None and loss is None:
        raise TypeError(f"{who}: a target needs a loss, such as nn.half_squared_error")
    if loss is not None and not callable(loss):
        raise TypeError(
            f"{who}: loss must be callable as loss(outputs, target) -> Value, such as "
            f"nn.half_squared_error; got {type(loss).__name__}"
        )


def _run_loss(loss: Loss, outputs: list[Value], target: object, who: str) -> Value:
    """L = loss(y, t) for the model's outputs (one Value, or a list as the model returns)."""
    try:
        value = loss(outputs[0] if len(outputs) == 1 else list(outputs), target)
    except (TypeError, ValueError) as error:
        plural = "s" if len(outputs) != 1 else ""
        raise type(error)(
            f"{who}: loss {_loss_name(loss)}(outputs, target) rejected target {target!r} "
            f"for the model's {len(outputs)} output{plural}: {error}"
        ) from None
    if not isinstance(value, Value):
        raise TypeError(
            f"{who}: loss must return a Value (the loss as an engine node), but "
            f"{_loss_name(loss)} returned {type(value).__name__}"
        )
    return value


def _analyse(
    model: object,
    x: object,
    target: object,
    loss: Loss | None,
    who: str,
    max_weights: int | None = DEFAULT_MAX_WEIGHTS,
    require_example: bool = False,
) -> _Network:
    """The diagram's numbers; with an example, from a forward and backward pass of its own.

    The pass runs on fresh leaf Values holding the model's numbers, so the model's own
    parameters (and their ``.grad``) are never part of it.
    """
    model = _check_model(model, max_weights, who)
    _check_example(x, target, loss, who, require_example)
    xs = _check_inputs(model, x, who) if x is not None else None
    sizes = tuple(model.sizes)
    activations = tuple(layer.activation for layer in model.layers)
    # α(k) = b(k) + W(k) h(k−1), h(k) = f(α(k)) on copies of the parameters, then L.
    h_previous = [Value(xj, label=input_name(j)) for j, xj in enumerate(xs or (), start=1)]
    passes = []  # per layer, per neuron: (neuron, weight copies, bias copy, α, h)
    for k, layer in enumerate(model.layers, start=1):
        layer_pass = []
        for i, neuron in enumerate(layer.neurons, start=1):
            weights = [
                Value(w.data, label=weight_name(k, i, j))
                for j, w in enumerate(neuron.weights, start=1)
            ]
            bias = Value(neuron.bias.data, label=bias_name(k, i))
            alpha = affine(weights, h_previous, bias) if xs is not None else None
            h = TABLE[layer.activation].apply(alpha) if alpha is not None else None
            layer_pass.append((neuron, weights, bias, alpha, h))
        h_previous = [h for *_, h in layer_pass]
        passes.append(layer_pass)
    loss_value = _run_loss(loss, h_previous, target, who) if loss is not None else None
    if loss_value is not None:
        loss_value.backward()

    neurons = [
        NeuronRecord(0, j, input_name(j), None, xs[j - 1] if xs else None, None)
        for j in range(1, sizes[0] + 1)
    ]
    edges = []
    for k, (activation, layer_pass) in enumerate(zip(activations, passes), start=1):
        for i, (neuron, weights, bias, alpha, h) in enumerate(layer_pass, start=1):
            if loss_value is None:  # no ∂L/∂w of an example: show what the parameters hold
                weights, bias = neuron.weights, neuron.bias
            neurons.append(
                NeuronRecord(
                    layer=k,
                    row=i,
                    name=h_name(k, i),
                    alpha=alpha.data if alpha is not None else None,
                    h=h.data if h is not None else None,
                    delta=alpha.grad if loss_value is not None else None,
                    activation=activation,
                    bias_name=bias_name(k, i),
                    bias=neuron.bias.data,
                    bias_grad=bias.grad,
                )
            )
            edges.extend(
                EdgeRecord(
                    name=weight_name(k, i, j),
                    layer=k,
                    row=i,
                    column=j,
                    source=input_name(j) if k == 1 else h_name(k - 1, j),
                    target=h_name(k, i),
                    weight=w.data,
                    grad=holder.grad,
                )
                for j, (w, holder) in enumerate(zip(neuron.weights, weights), start=1)
            )
    return _Network(
        title=repr(model),
        sizes=sizes,
        activations=activations,
        neurons=tuple(neurons),
        edges=tuple(edges),
        x=xs,
        target=target,
        loss_name=_loss_name(loss) if loss is not None else None,
        loss=loss_value.data if loss_value is not None else None,
        output_grads=tuple(h.grad for h in h_previous) if loss_value is not None else None,
    )


# -- numbers as text ---------------------------------------------------------------------------


def _num(value: float | None, digits: int = 3) -> str:
    """A number for reading: ``digits`` significant digits, a true minus sign, no "−0"."""
    if value is None:
        return "?"
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if value == 0.0:
        return "0"
    return f"{value:.{digits}g}".replace("-", "−")


def _exact(value: float | None) -> str:
    return "not computed" if value is None else _num(value, 6)


def _vector(values: Sequence[float]) -> str:
    return "(" + ", ".join(_num(v) for v in values) + ")"


def _target_text(target: object) -> str:
    if isinstance(target, (list, tuple, np.ndarray)):
        return _vector([float(t) for t in target])
    if isinstance(target, (int, float, np.integer, np.floating)) and not isinstance(target, bool):
        return _num(float(target))
    return str(target)


# -- geometry ----------------------------------------------------------------------------------

MARGIN = 16
TARGET_WIDTH = 1000
HEADER = 66
BOX_WIDTH = 136
INPUT_WIDTH = 84
LOSS_WIDTH = 124
LOSS_GAP = 44
LINE = 14  # text line height inside a box
DOT_RADIUS = 5
DOT_PITCH = 14
ROW_GAP = 8
LABEL_PITCH = 12  # vertical distance between the edge labels beside one neuron
LABEL_STUB = 58  # each labelled edge enters its neuron level over this many px, its label on it


@dataclass(frozen=True)
class _Box:
    x: float  # left
    y: float  # top
    width: float
    height: float

    @property
    def right(self) -> tuple[float, float]:
        return self.x + self.width, self.y + self.height / 2

    def port(self, j: int, count: int) -> tuple[float, float]:
        """Where edge ``j`` of ``count`` enters on the left: spread over the side, at most
        LABEL_PITCH apart, so that each edge (and its label) has a height of its own."""
        centre = self.y + self.height / 2
        if count == 1 or self.height <= 2 * DOT_RADIUS:
            return self.x, centre
        pitch = min(LABEL_PITCH, (self.height - LABEL_PITCH) / (count - 1))
        return self.x, centre + (j - (count + 1) / 2) * pitch


@dataclass(frozen=True)
class _Layout:
    boxes: dict[tuple[int, int], _Box]
    column_x: tuple[float, ...]
    labelled: frozenset[int]  # the layers whose edges carry their numbers
    loss_box: _Box | None
    width: float
    body_bottom: float


def _layout(net: _Network) -> _Layout:
    """Columns of boxes, each column centred on the tallest; the same for every frame."""
    sizes = net.sizes
    numbered = [size <= MAX_NUMBERED_LAYER for size in sizes]
    labelled = frozenset(
        k
        for k in range(1, len(sizes))
        if sizes[k - 1] * sizes[k] <= MAX_LABELLED_EDGES
        and sizes[k - 1] <= MAX_LABELLED_FAN_IN
        and numbered[k]
    )
    # A box is tall enough for its lines of text and for the labels of the edges entering it.
    fan_in = max((sizes[k - 1] for k in labelled), default=0)
    box_height = max(LINE * (3 if net.has_example else 2) + 8, fan_in * LABEL_PITCH)
    widths = [
        (INPUT_WIDTH if k == 0 else BOX_WIDTH) if numbered[k] else 2 * DOT_RADIUS
        for k in range(len(sizes))
    ]
    loss_room = LOSS_GAP + LOSS_WIDTH if net.loss is not None else 0
    # Spread the columns over the target width, leaving at least 70 px of edges between
    # columns beside the labels (a deep network grows wider than the target instead).
    span = TARGET_WIDTH - 2 * MARGIN - loss_room - widths[0] / 2 - widths[-1] / 2
    least = max(widths) + 70.0 + (LABEL_STUB if labelled else 0)
    spacing = min(260.0, max(least, span / max(1, len(sizes) - 1)))
    centres = [MARGIN + widths[0] / 2 + k * spacing for k in range(len(sizes))]

    # Small networks get room between neurons, so that their edges fan out visibly.
    gap = ROW_GAP if max((s for s, n in zip(sizes, numbered) if n), default=0) > 6 else 4 * ROW_GAP
    pitches = [box_height + gap if n else DOT_PITCH for n in numbered]
    heights = [size * pitch - (gap if n else 0) for size, pitch, n in zip(sizes, pitches, numbered)]
    tallest = max(max(heights), box_height * 2 + gap if net.loss is not None else 0)
    boxes = {}
    for k, size in enumerate(sizes):
        top = HEADER + (tallest - heights[k]) / 2
        height = box_height if numbered[k] else 2 * DOT_RADIUS
        for i in range(1, size + 1):
            y = top + (i - 1) * pitches[k]
            boxes[(k, i)] = _Box(centres[k] - widths[k] / 2, y, widths[k], height)
    loss_box = None
    right = centres[-1] + widths[-1] / 2
    if net.loss is not None:
        height = LINE * 3 + 8
        loss_box = _Box(right + LOSS_GAP, HEADER + (tallest - height) / 2, LOSS_WIDTH, height)
        right = loss_box.x + loss_box.width
    return _Layout(
        boxes=boxes,
        column_x=tuple(centres),
        labelled=labelled,
        loss_box=loss_box,
        width=max(right + MARGIN, 720.0),
        body_bottom=HEADER + tallest,
    )


# -- what one picture shows ----------------------------------------------------------------------


@dataclass(frozen=True)
class _View:
    """What one picture shows: α and h of layers 0 … ``forward``, δ of layers
    ``deltas_from`` … n, ∂L/∂w and ∂L/∂b of layers ``grads_from`` … n (which these layers'
    edges encode when ``show`` is "grads"; the other layers' edges encode w), the loss."""

    forward: int
    deltas_from: int
    grads_from: int
    show: str
    show_loss: bool
    focus_neuron: tuple[int, int] | None = None
    focus_edges: frozenset[str] = frozenset()
    focus_layer: int | None = None  # its edges carry value labels even when focused

    @classmethod
    def everything(cls, net: _Network, show: str) -> _View:
        nothing = net.depth + 1
        return cls(
            forward=net.depth if net.has_example else -1,
            deltas_from=1 if net.loss is not None else nothing,
            grads_from=0,
            show=show,
            show_loss=net.loss is not None,
        )

    def edges_show_grads(self, layer: int) -> bool:
        return self.show == "grads" and layer >= self.grads_from


def _attr(value: float) -> str:
    """A coordinate as short, stable text."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _tint(value: float, largest: float) -> str:
    if largest <= 0 or value == 0 or not math.isfinite(value):
        return "#ffffff"
    strength = min(1.0, abs(value) / largest) ** 0.5
    base = POSITIVE_TINT if value > 0 else NEGATIVE_TINT
    r, g, b = (round(255 - (255 - c) * strength) for c in base)
    return f"#{r:02x}{g:02x}{b:02x}"


def _edge_style(value: float, largest: float) -> tuple[str, float, str]:
    """Colour, width and dash for an edge carrying ``value``: sign by colour, |value| by width."""
    if value == 0 or not math.isfinite(value) or largest <= 0:
        return ZERO, 0.8, ' stroke-dasharray="3 3"'
    return (POSITIVE if value > 0 else NEGATIVE), 0.6 + 5.4 * min(1.0, abs(value) / largest), ""


def _largest(values: Sequence[float | None]) -> float:
    finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
    return max(finite, default=0.0)


def _text(x: float, y: float, content: str, size: int = 11, **style: str) -> str:
    attributes = "".join(f' {key.replace("_", "-")}="{value}"' for key, value in style.items())
    return (
        f'<text x="{_attr(x)}" y="{_attr(y)}" font-size="{size}"{attributes}>'
        f"{html.escape(content)}</text>"
    )


def _rect(
    box: _Box, fill: str, stroke: str = "#555555", width: float = 1.0, extra: str = ""
) -> str:
    return (
        f'<rect x="{_attr(box.x)}" y="{_attr(box.y)}" width="{_attr(box.width)}" '
        f'height="{_attr(box.height)}" rx="7" fill="{fill}" stroke="{stroke}" '
        f'stroke-width="{width}"{extra}/>'
    )


def _neuron_title(net: _Network, record: NeuronRecord, view: _View) -> str:
    k = record.layer
    forward = k <= view.forward
    if k == 0:
        return f"{record.name}: input {record.row}" + (
            f" = {_exact(record.h)}" if forward and record.h is not None else ""
        )
    role = "hidden"
    if k == net.depth:
        role = (
            "output (the network's output y" + (f"{record.row}" if net.sizes[-1] > 1 else "") + ")"
        )
    parts = [f"{record.name}: {role} neuron {record.row} of layer {k}, {record.activation}"]
    if net.has_example:
        parts.append(f"{alpha_name(k, record.row)} = {_exact(record.alpha if forward else None)}")
        parts.append(f"h = f(α) = {_exact(record.h if forward else None)}")
    if net.loss is not None:
        shown = k >= view.deltas_from
        parts.append(f"δ = ∂L/∂α = {_exact(record.delta if shown else None)}")
    parts.append(f"bias {record.bias_name} = {_exact(record.bias)}")
    known = k >= view.grads_from
    parts.append(f"∂L/∂{record.bias_name} = {_exact(record.bias_grad if known else None)}")
    return "; ".join(parts)


def _edge_title(record: EdgeRecord, grad_known: bool) -> str:
    text = f"{record.name} = {_exact(record.weight)}: from {record.source} to {record.target}"
    return text + f"; ∂L/∂{record.name} = {_exact(record.grad if grad_known else None)}"


def _render(net: _Network, layout: _Layout, view: _View) -> str:
    """The SVG text of one picture of ``net``."""
    boxes = layout.boxes
    largest_weight = _largest([e.weight for e in net.edges])
    largest_grad = _largest([e.grad for e in net.edges])
    largest_delta = _largest([n.delta for n in net.neurons])
    focused = view.focus_neuron is not None or bool(view.focus_edges)
    last = net.depth
    legend_top = layout.body_bottom + 34
    width, height = _attr(layout.width), _attr(legend_top + 112)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" fill="{INK}" '
        'style="max-width: 100%; height: auto">',
        f'<rect class="background" x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        _text(MARGIN, 20, net.title, 14, font_weight="bold"),
    ]
    if net.has_example:
        about = f"one example: x = {_vector(net.x or ())}"
        if net.target is not None:
            about += f", target t = {_target_text(net.target)}"
        if net.loss is not None:
            about += f", loss {net.loss_name}"
        out.append(_text(MARGIN, 37, about, 12))
    for k, centre in enumerate(layout.column_x):
        heading = f"output layer {k} = y" if k == last else f"layer {k}"
        heading = f"{heading} · {net.activations[k - 1]}" if k else "inputs x"
        out.append(_text(centre, HEADER - 10, heading, 12, fill=FAINT, text_anchor="middle"))

    # Edges under the neurons, in parameter order. A labelled edge ends in a level stub
    # beside its neuron with its number on it: the stubs into one neuron are LABEL_PITCH
    # apart and no other edge reaches that margin, so the numbers never overlap.
    labels = []
    for k in range(1, len(net.sizes)):
        grads = view.edges_show_grads(k)
        largest = largest_grad if grads else largest_weight
        labelled = k in layout.labelled
        out.append(
            f'<g class="weights layer-{k}" fill="none" stroke-linecap="round" '
            'stroke-linejoin="round">'
        )
        for edge in net.layer_edges(k):
            value = edge.grad if grads else edge.weight
            colour, stroke, dash = _edge_style(value, largest)
            x1, y1 = boxes[(k - 1, edge.column)].right
            x2, y2 = boxes[(k, edge.row)].port(edge.column, net.sizes[k - 1])
            points = (
                [(x1, y1), (x2 - LABEL_STUB, y2), (x2, y2)] if labelled else [(x1, y1), (x2, y2)]
            )
            opacity = 0.8 if labelled else 0.6
            if focused:
                in_focus = edge.name in view.focus_edges
                opacity = 1.0 if in_focus else 0.7 if view.focus_layer == k else 0.12
            out.append(
                '<polyline class="weight" points="'
                + " ".join(f"{_attr(px)},{_attr(py)}" for px, py in points)
                + f'" stroke="{colour}" stroke-width="{stroke:.2f}"{dash} '
                f'stroke-opacity="{opacity}">'
                f"<title>{html.escape(_edge_title(edge, k >= view.grads_from))}</title>"
                "</polyline>"
            )
            if labelled:
                # Every frame of a player has every label, hidden where it does not apply,
                # so that nothing moves from frame to frame. A wide white halo cuts the
                # edge away under the digits, however long the number is.
                visible = not focused or edge.name in view.focus_edges or view.focus_layer == k
                labels.append(
                    _text(
                        x2 - 5,
                        y2 + 3.5,
                        _num(value),
                        10,
                        fill=colour if value else FAINT,
                        text_anchor="end",
                        stroke="#ffffff",
                        stroke_width="7",
                        stroke_linejoin="round",
                        paint_order="stroke",
                        **({} if visible else {"visibility": "hidden"}),
                    )
                )
        out.append("</g>")
    if layout.loss_box is not None:
        lx, ly = layout.loss_box.port(1, 1)
        for i in range(1, net.sizes[-1] + 1):
            x1, y1 = boxes[(last, i)].right
            out.append(
                f'<line class="to-loss" x1="{_attr(x1)}" y1="{_attr(y1)}" x2="{_attr(lx)}" '
                f'y2="{_attr(ly)}" stroke="{FAINT}" stroke-width="1" stroke-dasharray="4 3"/>'
            )
    out.append(f'<g class="edge-labels">{"".join(labels)}</g>')

    out.append('<g class="neurons">')
    for record in net.neurons:
        out.append(_neuron(net, record, boxes[(record.layer, record.row)], view, largest_delta))
    out.append("</g>")

    if layout.loss_box is not None:
        box = layout.loss_box
        left, top = box.x + 7, box.y + LINE
        loss = _num(net.loss if view.show_loss else None, 4)
        lines = [f"t = {_target_text(net.target)}"] if net.target is not None else []
        out += [
            '<g class="loss">',
            _rect(box, "#fffbe6"),
            _text(left, top, f"L = {loss}", 12, font_weight="bold"),
            *(_text(left, top + LINE, line) for line in lines),
            _text(left, top + (1 + len(lines)) * LINE, str(net.loss_name)[:20], 10, fill=FAINT),
            "</g>",
        ]

    out.append(_legend(net, view, bool(layout.labelled), legend_top, layout.width))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _neuron(
    net: _Network, record: NeuronRecord, box: _Box, view: _View, largest_delta: float
) -> str:
    """One neuron: a box with its numbers (a dot in a wide layer) and its hover title."""
    k = record.layer
    forward = k <= view.forward
    if k == 0:
        fill = "#f3f3f3"
    elif k >= view.deltas_from and record.delta is not None:
        fill = _tint(record.delta, largest_delta)
    else:
        fill = "#ffffff"
    stroke, stroke_width = (INK, 3.0) if view.focus_neuron == (k, record.row) else ("#555555", 1.0)
    # A ReLU that is off (α ≤ 0) passes nothing forward and no gradient back.
    off = record.activation == "relu" and forward and record.alpha is not None and record.alpha <= 0
    dash = ' stroke-dasharray="4 3"' if off else ""
    title = html.escape(_neuron_title(net, record, view))
    out = [f'<g class="neuron layer-{k}"><title>{title}</title>']
    if box.height <= 2 * DOT_RADIUS:
        cx, cy = box.x + DOT_RADIUS, box.y + DOT_RADIUS
        out.append(
            f'<circle cx="{_attr(cx)}" cy="{_attr(cy)}" r="{DOT_RADIUS}" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{stroke_width}"{dash}/></g>'
        )
        return "\n".join(out)
    out.append(_rect(box, fill, stroke, stroke_width, dash))
    left, top, right = box.x + 7, box.y + LINE, box.x + box.width - 7
    out.append(_text(left, top, record.name, 12, font_weight="bold"))
    if k == 0:
        if net.has_example:
            out.append(_text(left, top + LINE, f"= {_num(record.h if forward else None)}"))
    else:
        # Where the edges show ∂L/∂w, the bias shows ∂L/∂b too.
        if view.edges_show_grads(k):
            bias = f"∂L/∂b {_num(record.bias_grad)}"
        else:
            bias = f"b {_num(record.bias)}"
        out.append(_text(right, top, bias, 10, fill=FAINT, text_anchor="end"))
        if net.has_example:
            alpha, h = (_num(v if forward else None) for v in (record.alpha, record.h))
            out.append(_text(left, top + LINE, f"α {alpha}"))
            out.append(_text(left + 62, top + LINE, f"h {h}"))
            if net.loss is not None:
                delta = _num(record.delta if k >= view.deltas_from else None)
                out.append(_text(left, top + 2 * LINE, f"δ {delta}", font_weight="bold"))
        else:
            about = "output y" if k == net.depth else record.activation or ""
            out.append(_text(left, top + LINE, about, fill=FAINT))
    out.append("</g>")
    return "\n".join(out)


def _legend(net: _Network, view: _View, labelled: bool, top: float, width: float) -> str:
    """The key: edge colours and widths, what a neuron's numbers are, and the names."""
    grads = view.show == "grads"
    symbol = "∂L/∂w" if grads else "w"
    largest = _largest([e.grad if grads else e.weight for e in net.edges])
    encoding = "(colour = sign, width = size)"
    if grads and view.grads_from > 1:  # a player's gradient frame: the lower layers show w
        first, last = view.grads_from, net.depth
        layers = f"layers {first}–{last}" if first < last else f"layer {last}"
        key = f"{layers}: gradient ∂L/∂w, earlier layers: weight w {encoding}"
    else:
        key = f"{'gradient ∂L/∂w' if grads else 'weight w'} {encoding}"
    # Numbers go on the edges only between layers with few weights (else they would pile
    # up); the key says so, and hovering gives every edge's numbers.
    labels = (
        "; a number at an edge's end is its value (between small layers; hover for any edge)"
        if labelled
        else ""
    )
    out = [
        '<g class="legend">',
        f'<line x1="{MARGIN}" y1="{_attr(top - 16)}" x2="{_attr(width - MARGIN)}" '
        f'y2="{_attr(top - 16)}" stroke="#dddddd" stroke-width="1"/>',
        _text(MARGIN, top, f"edges: {key}{labels}", font_weight="bold"),
    ]
    samples = [
        (POSITIVE, 3.0, "", f"{symbol} > 0"),
        (NEGATIVE, 3.0, "", f"{symbol} < 0"),
        (ZERO, 0.8, ' stroke-dasharray="3 3"', f"{symbol} = 0"),
        (FAINT, 0.6, "", "thin: small"),
        (FAINT, 6.0, "", f"thick: |{symbol}| = {_num(largest)} (largest)"),
    ]
    sx, sy = MARGIN, top + 18
    for colour, stroke, dash, label in samples:
        out.append(
            f'<line x1="{_attr(sx)}" y1="{_attr(sy - 4)}" x2="{_attr(sx + 28)}" '
            f'y2="{_attr(sy - 4)}" stroke="{colour}" stroke-width="{stroke}"{dash}/>'
        )
        out.append(_text(sx + 34, sy, label))
        sx += 34 + (230 if label.startswith("thick") else 110)
    if net.has_example:
        lines = [
            "neuron: name, b = its bias; α = b + Σ w·h (pre-activation), h = f(α); "
            + ("δ = ∂L/∂α, tint = sign and size of δ" if net.loss is not None else "")
            + ("; dashed: a ReLU that is off" if "relu" in net.activations else "")
        ]
    else:
        lines = ["neuron: name, b = its bias, and its activation f"]
    lines.append(
        "xj = input j; hk[i] = neuron i of layer k; Wk[i,j] joins neuron j of layer k−1 to "
        f"neuron i of layer k; the last layer's {h_name(net.depth, 'i')} is the output y."
    )
    if grads and largest == 0 and net.loss is None:
        lines.append("every ∂L/∂w is 0: run loss.backward() first, or pass x, target and loss.")
    else:
        lines.append("Hover over a neuron or an edge for its name and exact numbers.")
    for n, line in enumerate(lines):
        out.append(_text(MARGIN, top + 44 + n * 17, line))
    out.append("</g>")
    return "\n".join(out)


# -- the drawing ---------------------------------------------------------------------------------


class NetworkDrawing:
    """A network diagram: ``svg()``, ``save(path)``, Jupyter display, and its numbers.

    ``neurons`` and ``edges`` hold :class:`NeuronRecord` and :class:`EdgeRecord` entries in
    the model's order (inputs first, then layer by layer; edges as ``named_parameters()``
    lists the weights), so a notebook or a test reads the numbers without parsing SVG.
    """

    def __init__(self, net: _Network, show: str) -> None:
        self._net = net
        self.show = show
        self.neurons = net.neurons
        self.edges = net.edges
        self.loss = net.loss
        self._svg: str | None = None

    def neuron(self, name: str) -> NeuronRecord:
        """The neuron called ``name`` ("x1", "h2[3]")."""
        for record in self.neurons:
            if record.name == name:
                return record
        raise KeyError(f"no neuron {name!r}; names are x1.. and hk[i]")

    def edge(self, name: str) -> EdgeRecord:
        """The weight called ``name`` ("W2[3,1]")."""
        for record in self.edges:
            if record.name == name:
                return record
        raise KeyError(f"no weight {name!r}; names are Wk[i,j]")

    def svg(self) -> str:
        """The SVG text; the same model and example give the same text."""
        if self._svg is None:
            self._svg = _render(
                self._net, _layout(self._net), _View.everything(self._net, self.show)
            )
        return self._svg

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the diagram to ``path`` (``.svg``); it appears whole or not at all."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix in (".png", ".pdf"):
            # The SVG is nn's own text, not Graphviz output, and turning SVG into pixels or
            # PDF takes a renderer autograd-core does not depend on.
            raise ValueError(
                f"cannot save a network diagram as {suffix} ({path.name}): it is drawn as SVG "
                "and autograd-core has no SVG-to-PNG/PDF converter; accepted suffix: .svg. "
                f"Save {path.with_suffix('.svg').name}, then open it in a browser and print "
                "to PDF (or take a screenshot), or convert it with any SVG tool such as "
                "rsvg-convert or Inkscape"
            )
        if suffix != ".svg":
            raise ValueError(
                f"cannot save a network diagram as {suffix or 'a file without a suffix'!r}"
                f" ({path.name}); accepted suffix: .svg"
            )
        if not path.parent.is_dir():
            raise FileNotFoundError(f"cannot save {path}: no directory {path.parent}")
        write_atomically(path, self.svg().encode("utf-8"))
        return path

    def __repr__(self) -> str:
        sizes = " → ".join(str(s) for s in self._net.sizes)
        example = ", one example" if self._net.has_example else ""
        return f"<NetworkDrawing of {sizes}{example}, edges show {self.show}>"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """The SVG scaled to the output's width, as an <img> (so untrusted notebooks show it
        too) that a trusted notebook swaps for the SVG itself (tooltips on hover), with the
        full size one click away; never raises."""
        try:
            svg = self.svg()
            return {
                "text/html": fitted_html(svg, "network diagram", hover=True),
                "image/svg+xml": svg,
                "text/plain": repr(self),
            }
        except Exception as error:  # display must never raise
            return {"text/plain": f"<NetworkDrawing: cannot draw ({error})>"}


def draw_network(
    model: MLP,
    x: Sequence[float] | None = None,
    target: Any = None,
    loss: Loss | None = None,
    show: str = "weights",
    *,
    max_weights: int | None = DEFAULT_MAX_WEIGHTS,
) -> NetworkDrawing:
    """The network diagram of ``model``: inputs, hidden layers and outputs as columns.

    Each weight is an edge whose colour says its sign (blue +, orange −) and whose width
    says its size; ``show="grads"`` encodes ∂L/∂w instead. Given an example ``x``,
    ``target`` and ``loss`` (any nn loss, or ``loss(outputs, target) -> Value``), it runs
    the forward and backward pass itself, on fresh Values with the model's numbers, and
    shows α, h and δ = ∂L/∂α in each neuron and ∂L/∂w for that example; the model's
    parameters and their ``.grad`` are left as they were. Without an example, ∂L/∂w is the
    parameters' current ``.grad``. ``x`` alone runs the forward pass only.

    >>> from nn import MLP, half_squared_error
    >>> view = draw_network(MLP(2, [2, 1], seed=0), [1.0, -2.0], 1.0, half_squared_error)
    >>> [n.name for n in view.neurons]
    ['x1', 'x2', 'h1[1]', 'h1[2]', 'h2[1]']
    """
    if show not in SHOW_MODES:
        raise ValueError(f"show must be one of {', '.join(map(repr, SHOW_MODES))}; got {show!r}")
    return NetworkDrawing(_analyse(model, x, target, loss, "draw_network", max_weights), show)


# -- the player -----------------------------------------------------------------------------------


def _psi_prime(record: NeuronRecord) -> float:
    """ψ = f′(α), from the activation table's formula (not from the engine's backward)."""
    return float(TABLE[record.activation or "linear"].derivative(np.float64(record.alpha or 0.0)))


def _factor(value: float) -> str:
    """A factor of a product, in parentheses when negative: 0.5·(−1), not 0.5·−1."""
    text = _num(value)
    return f"({text})" if text.startswith("−") else text


def _terms(pairs: Sequence[tuple[float, float]], limit: int = 4) -> str:
    """ "a·b + c·d + …": the products of a sum that are not 0 (at most ``limit``), and how
    many terms there are when some are left out (a ReLU that is off gives many zeros)."""
    nonzero = [(a, b) for a, b in pairs if a * b != 0]
    text = " + ".join(f"{_factor(a)}·{_factor(b)}" for a, b in nonzero[:limit]) or "0"
    if len(nonzero) > limit:
        text += " + …"
    if len(nonzero) < len(pairs):
        text += f" [{len(nonzero)} of {len(pairs)} terms not 0]"
    elif len(nonzero) > limit:
        text += f" [{len(pairs)} terms]"
    return text


def _focus(net: _Network, k: int) -> NeuronRecord:
    """The neuron of layer k the captions follow: the one with the largest |δ|, first on ties."""
    return max(net.layer_neurons(k), key=lambda r: (abs(r.delta or 0.0), -r.row))


def _frames(net: _Network) -> list[tuple[_View, str]]:
    n = net.depth
    never = n + 1  # a layer index past the output: no layer yet
    frames: list[tuple[_View, str]] = []

    def add(
        caption: str,
        forward: int,
        deltas_from: int = never,
        grads_from: int = never,
        *,
        show_loss: bool = True,
        **focus: Any,
    ) -> None:
        """A frame with α and h of layers 0…forward and δ, ∂L/∂w from the layers given; a
        layer's edges show ∂L/∂w once it is known."""
        show = "grads" if grads_from <= n else "weights"
        frames.append((_View(forward, deltas_from, grads_from, show, show_loss, **focus), caption))

    add(
        f"Forward pass. The inputs: h0 = x = {_vector(net.x or ())}. Each layer k computes "
        "α(k) = b(k) + W(k) h(k−1), then h(k) = f(α(k)).",
        0,
        show_loss=False,
    )
    for k in range(1, n + 1):
        focus = _focus(net, k)
        i = focus.row
        columns = range(1, net.sizes[k - 1] + 1)
        pairs = [(net.edge(k, i, j).weight, net.neuron(k - 1, j).h or 0.0) for j in columns]
        source = input_name("j") if k == 1 else h_name(k - 1, "j")
        add(
            f"Forward, layer {k}: {alpha_name(k, i)} = {focus.bias_name} + "
            f"Σⱼ {weight_name(k, i, 'j')} {source} = {_num(focus.bias)} + ({_terms(pairs)}) "
            f"= {_num(focus.alpha)}; {h_name(k, i)} = {focus.activation}({alpha_name(k, i)}) "
            f"= {_num(focus.h)}. Every neuron of layer {k} does the same with "
            f"{'x' if k == 1 else f'h{k - 1}'}.",
            k,
            show_loss=False,
            focus_neuron=(k, i),
            focus_edges=frozenset(weight_name(k, i, j) for j in columns),
        )
    loss = (
        f"{net.loss_name}(y, t) = {_num(net.loss, 4)} with target t = {_target_text(net.target)}"
        if net.target is not None
        else f"{net.loss_name}(y) = {_num(net.loss, 4)}"
    )
    add(
        f"The loss: L = {loss}. The backward pass starts here: δ(k) = ∂L/∂α(k) for each "
        "layer, from the output down.",
        n,
    )
    # δ at the output: ∂L/∂h from the loss, times ψ′.
    focus = _focus(net, n)
    i = focus.row
    dl_dh, psi = (net.output_grads or ())[i - 1], _psi_prime(focus)
    add(
        f"Backward, output layer {n}: δ{n}[{i}] = ∂L/∂{alpha_name(n, i)} = ∂L/∂{h_name(n, i)} "
        f"· ψ'({alpha_name(n, i)}) = {_num(dl_dh)} · {_factor(psi)} = {_num(dl_dh * psi)}, "
        f"with ψ' the derivative of {focus.activation}. A neuron's tint shows its δ.",
        n,
        n,
        focus_neuron=(n, i),
    )
    for k in range(n - 1, 0, -1):
        focus = _focus(net, k)
        i = focus.row
        psi = _psi_prime(focus)
        rows = range(1, net.sizes[k + 1] + 1)
        pairs = [(net.edge(k + 1, j, i).weight, net.neuron(k + 1, j).delta or 0.0) for j in rows]
        total = math.fsum(a * b for a, b in pairs)
        add(
            f"Backward, layer {k}: δ{k}[{i}] = ψ'({alpha_name(k, i)}) · "
            f"Σⱼ {weight_name(k + 1, 'j', i)} δ{k + 1}[j] = {_num(psi)} · ({_terms(pairs)}) "
            f"= {_num(psi)} · {_factor(total)} = {_num(psi * total)}. "
            f"In matrix form δ({k}) = ψ({k}) W({k + 1})ᵀ δ({k + 1}).",
            n,
            k,
            focus_neuron=(k, i),
            focus_edges=frozenset(weight_name(k + 1, j, i) for j in rows),
        )
    for k in range(n, 0, -1):
        edge = max(net.layer_edges(k), key=lambda e: (abs(e.grad), -e.row, -e.column))
        target, source = net.neuron(k, edge.row), net.neuron(k - 1, edge.column)
        delta = f"δ{k}[{edge.row}]"
        add(
            f"Gradients of layer {k}: ∂L/∂W({k}) = δ({k}) h({k - 1})ᵀ, ∂L/∂b({k}) = δ({k}). "
            f"For the thickest edge, ∂L/∂{edge.name} = {delta} · {source.name} = "
            f"{_num(target.delta)} · {_factor(source.h)} = "
            f"{_num((target.delta or 0.0) * (source.h or 0.0))}; "
            f"∂L/∂{target.bias_name} = {delta} = {_num(target.delta)}. "
            f"Layer {k}'s edges now show ∂L/∂w.",
            n,
            1,
            k,
            focus_neuron=(k, edge.row),
            focus_edges=frozenset({edge.name}),
            focus_layer=k,
        )
    return frames


class NetworkStepThrough(HtmlPlayer):
    """Frames of one example's forward and backward pass on the network diagram.

    ``frames`` are SVG texts with one layout (nothing moves between frames), ``captions``
    say what each step computes. Display it in Jupyter, or ``save_html(path)`` for one
    self-contained page with Prev/Next, a slider and the arrow keys.
    """

    TITLE = "Backpropagation through the network, layer by layer"

    def __init__(self, net: _Network) -> None:
        self._net = net
        layout = _layout(net)
        planned = _frames(net)
        self.frames = tuple(_render(net, layout, view) for view, _ in planned)
        self.captions = tuple(caption for _, caption in planned)
        self.neurons = net.neurons
        self.edges = net.edges

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        sizes = " → ".join(str(s) for s in self._net.sizes)
        return f"<NetworkStepThrough of {sizes}, {len(self)} frames>"

    def to_html_fragment(self) -> str:
        return player_fragment(self.frames, self.captions)


def step_through_network(
    model: MLP, x: Sequence[float], target: Any, loss: Loss
) -> NetworkStepThrough:
    """Backprop layer by layer on the network diagram, as a player.

    Frames: the inputs, each layer's α and h (forward), the loss, δ at the output, each
    hidden layer's δ(k) = ψ(k) W(k+1)ᵀ δ(k+1) arriving from the layer above, and each
    layer's ∂L/∂W(k) = δ(k) h(k−1)ᵀ. Every caption works the formula for one neuron (the
    one with the largest |δ|) with its numbers. The model is left as it was.
    """
    net = _analyse(model, x, target, loss, "step_through_network", require_example=True)
    return NetworkStepThrough(net)
