"""The whole network in one picture: neurons in columns, weights as edges, δ flowing back.

Lectures 000 and 003: layer k computes α(k) = b(k) + W(k) h(k−1) and h(k) = f(α(k)); the
backward pass starts with δ(n) = ∂L/∂α(n) and carries it down, δ(k) = ψ(k) W(k+1)ᵀ δ(k+1)
with ψ(k) the diagonal of f′(α(k)); then ∂L/∂W(k) = δ(k) h(k−1)ᵀ and ∂L/∂b(k) = δ(k).
(Lecture 003's δ(k+1) is the δ(k) here, which belongs to the layer it is drawn in.) Names
are ``named_parameters()``'s: input ``xj``, neuron ``hk[i]`` (pre-activation ``αk[i]``),
weight ``Wk[i,j]`` from neuron j of layer k − 1. The SVG is plain geometry written here, not
by Graphviz, so it needs no renderer and the same model and example give the same text.
"""

from __future__ import annotations

import copy
import html
import itertools
import math
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from autograd_core import Value, affine
from autograd_core.draw.drawing import fitted_html
from autograd_core.draw.player import HtmlPlayer, player_fragment
from autograd_core.draw.render import write_atomically
from nn.activations import TABLE
from nn.checks import describe, is_ordered_sequence, is_real
from nn.module import MLP
from nn.names import alpha_name, bias_name, h_name, input_name, weight_name

SHOW_MODES = ("weights", "grads")
MAX_NUMBERED_LAYER = 16  # wider layers are dots, their numbers in the hover text only
# Edges print their values between layers of at most this many weights and inputs per neuron.
MAX_LABELLED_EDGES = 12
MAX_LABELLED_FAN_IN = 6
DEFAULT_MAX_WEIGHTS = 20_000  # more, and the picture would be a solid block of lines

# Okabe–Ito blue and vermillion: told apart with every common colour-vision deficiency.
POSITIVE = "#0072B2"
NEGATIVE = "#D55E00"
ZERO = "#9a9a9a"
POSITIVE_TINT = (0xD6, 0xE9, 0xF5)
NEGATIVE_TINT = (0xF8, 0xDC, 0xC8)
INK = "#222222"
FAINT = "#777777"
FONT = "Helvetica, Arial, sans-serif"
# An edge's number: a wide white halo cuts the edge away under it, however long it is.
EDGE_LABEL = {"text_anchor": "end", "stroke": "#ffffff", "stroke_width": "7"}
EDGE_LABEL |= {"stroke_linejoin": "round", "paint_order": "stroke"}

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

Loss = Callable[[Any, Any], Value]


@dataclass(frozen=True)
class NeuronRecord:
    """A neuron's numbers, ``None`` where not computed: ``layer`` 0 for the inputs, ``row``
    1-based, α, h = f(α) (an input's x), δ = ∂L/∂α, and its bias b and ∂L/∂b."""

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
    layer_neurons: tuple[tuple[NeuronRecord, ...], ...]  # by layer, the inputs first
    layer_edges: tuple[tuple[EdgeRecord, ...], ...]  # by the layer they enter; [0] is empty
    x: tuple[float, ...] | None
    target: Any
    loss_name: str | None
    loss: float | None
    output_grads: tuple[float, ...] | None  # ∂L/∂h at the outputs

    @property
    def neurons(self) -> tuple[NeuronRecord, ...]:
        return tuple(itertools.chain.from_iterable(self.layer_neurons))

    @property
    def edges(self) -> tuple[EdgeRecord, ...]:
        return tuple(itertools.chain.from_iterable(self.layer_edges))


def _fresh(parameter: Value) -> Value:
    """A new leaf with the parameter's value and role, and ∂L/∂w = 0."""
    leaf = copy.copy(parameter)
    leaf.grad = 0.0
    return leaf


def _inputs(model: MLP, x: object, who: str) -> tuple[float, ...]:
    accepted = f"x must be a sequence of {model.nin} real numbers (the model's inputs)"
    if not is_ordered_sequence(x):
        raise TypeError(f"{who}: {accepted}, got {describe(x)}")
    if len(x) != model.nin:
        raise ValueError(f"{who}: {accepted}, got {len(x)} numbers")
    xs = [xj.data if isinstance(xj, Value) else xj for xj in x]
    for j, xj in enumerate(xs, start=1):
        if not is_real(xj):
            raise TypeError(f"{who}: {input_name(j)} must be a real number, got {describe(xj)}")
    return tuple(float(xj) for xj in xs)


def _analyse(
    model: object,
    x: object,
    target: object,
    loss: Loss | None,
    who: str,
    max_weights: int | None = DEFAULT_MAX_WEIGHTS,
    require_example: bool = False,
) -> _Network:
    """The diagram's numbers: with an example, from a forward and backward pass of its own;
    without a loss, ∂L/∂w is the model's ``.grad``."""
    if not isinstance(model, MLP):
        raise TypeError(
            f"{who} draws an nn.MLP (for example MLP(2, [3, 2, 1])), got "
            f"{type(model).__name__}; a Layer or Neuron alone is not a network diagram"
        )
    count = sum(a * b for a, b in itertools.pairwise(model.sizes))
    if max_weights is not None and count > max_weights:
        raise ValueError(
            f"{who}: the model has {count:,} weights, more than max_weights={max_weights:,}; "
            "its diagram would be a solid block of lines. Pass max_weights=None to draw it "
            "anyway."
        )
    if require_example and (x is None or loss is None):
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
    xs = _inputs(model, x, who) if x is not None else None

    # Per layer, per neuron: (weights, bias). Backward runs on fresh copies of them, whose
    # .grad are then the example's alone; the model itself, which may hold things that do
    # not copy, is never copied.
    parameters = [[(n.weights, n.bias) for n in layer.neurons] for layer in model.layers]
    if loss is not None:
        # One copy per distinct parameter, so a weight tied in two places stays one leaf.
        fresh = {p: _fresh(p) for p in model.parameters()}
        parameters = [
            [([fresh[w] for w in ws], fresh[b]) for ws, b in layer] for layer in parameters
        ]
    hs = [Value(xj, label=input_name(j)) for j, xj in enumerate(xs or (), start=1)]
    passes = []  # per layer, per neuron: (α, h) of the example
    if xs is not None:
        for layer, layer_parameters in zip(model.layers, parameters):
            alphas = [affine(weights, hs, bias) for weights, bias in layer_parameters]
            hs = [TABLE[layer.activation].apply(alpha) for alpha in alphas]
            passes.append(list(zip(alphas, hs)))
    loss_value = loss_name = None
    if loss is not None:
        loss_name = getattr(loss, "__name__", None) or type(loss).__name__
        try:
            loss_value = loss(hs[0] if len(hs) == 1 else list(hs), target)
        except (TypeError, ValueError) as error:
            plural = "s" if len(hs) != 1 else ""
            raise type(error)(
                f"{who}: loss {loss_name}(outputs, target) rejected target {target!r} "
                f"for the model's {len(hs)} output{plural}: {error}"
            ) from None
        if not isinstance(loss_value, Value):
            raise TypeError(
                f"{who}: loss must return a Value (the loss as an engine node), but "
                f"{loss_name} returned {type(loss_value).__name__}"
            )
        loss_value.backward()

    neurons = [
        [
            NeuronRecord(0, j, input_name(j), None, xs[j - 1] if xs else None, None)
            for j in range(1, model.nin + 1)
        ]
    ]
    edges: list[list[EdgeRecord]] = [[]]
    for k, (layer, layer_parameters) in enumerate(zip(model.layers, parameters), start=1):
        sources = [record.name for record in neurons[k - 1]]
        neurons.append([])
        edges.append([])
        for i, (weights, bias) in enumerate(layer_parameters, start=1):
            alpha, h = passes[k - 1][i - 1] if passes else (None, None)
            neurons[k].append(
                NeuronRecord(
                    layer=k,
                    row=i,
                    name=h_name(k, i),
                    alpha=alpha.data if alpha is not None else None,
                    h=h.data if h is not None else None,
                    delta=alpha.grad if loss_value is not None else None,
                    activation=layer.activation,
                    bias_name=bias_name(k, i),
                    bias=bias.data,
                    bias_grad=bias.grad,
                )
            )
            edges[k].extend(
                EdgeRecord(weight_name(k, i, j), k, i, j, source, h_name(k, i), w.data, w.grad)
                for j, (w, source) in enumerate(zip(weights, sources), start=1)
            )
    return _Network(
        title=repr(model),
        sizes=tuple(model.sizes),
        activations=tuple(layer.activation for layer in model.layers),
        layer_neurons=tuple(map(tuple, neurons)),
        layer_edges=tuple(map(tuple, edges)),
        x=xs,
        target=target,
        loss_name=loss_name,
        loss=loss_value.data if loss_value is not None else None,
        output_grads=tuple(h.grad for h in hs) if loss_value is not None else None,
    )


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


@dataclass(frozen=True)
class _Box:
    x: float  # left
    y: float  # top
    width: float
    height: float

    def port(self, j: int, count: int) -> tuple[float, float]:
        """Where edge ``j`` of ``count`` enters on the left, at most LABEL_PITCH apart so
        that each edge (and its label) has a height of its own."""
        centre = self.y + self.height / 2
        if count == 1 or self.height <= 2 * DOT_RADIUS:
            return self.x, centre
        pitch = min(LABEL_PITCH, (self.height - LABEL_PITCH) / (count - 1))
        return self.x, centre + (j - (count + 1) / 2) * pitch

    def exit(self) -> tuple[float, float]:
        """The middle of the right side, where the edges leave."""
        return self.x + self.width, self.y + self.height / 2


class _Layout(NamedTuple):
    """Where everything goes, the same in every frame."""

    boxes: dict[tuple[int, int], _Box]  # by (layer, row)
    centres: list[float]  # the columns' centres
    labelled_layers: set[int]  # the layers whose edges carry their numbers
    loss_box: _Box | None  # None without a loss
    width: float  # the picture's
    bottom: float  # the body's, above the legend


def _layout(net: _Network) -> _Layout:
    """Columns of boxes centred on the tallest."""
    sizes = net.sizes
    numbered = [size <= MAX_NUMBERED_LAYER for size in sizes]
    labelled = {
        k
        for k, (fan_in, size) in enumerate(itertools.pairwise(sizes), start=1)
        if fan_in * size <= MAX_LABELLED_EDGES and fan_in <= MAX_LABELLED_FAN_IN
    }
    # A box is tall enough for its lines of text and for the labels of the edges entering it.
    fan_in = max((sizes[k - 1] for k in labelled), default=0)
    box_height = max(LINE * (3 if net.x is not None else 2) + 8, fan_in * LABEL_PITCH)
    widths = [(INPUT_WIDTH if k == 0 else BOX_WIDTH) for k in range(len(sizes))]
    widths = [width if n else 2 * DOT_RADIUS for width, n in zip(widths, numbered)]
    loss_room = LOSS_GAP + LOSS_WIDTH if net.loss is not None else 0
    # Spread the columns over the target width, leaving at least 70 px of edges between
    # columns beside the labels (a deep network grows wider than the target instead).
    span = TARGET_WIDTH - 2 * MARGIN - loss_room - widths[0] / 2 - widths[-1] / 2
    least = max(widths) + 70.0 + (LABEL_STUB if labelled else 0)
    spacing = min(260.0, max(least, span / (len(sizes) - 1)))
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
    return _Layout(boxes, centres, labelled, loss_box, max(right + MARGIN, 720.0), HEADER + tallest)


@dataclass(frozen=True)
class _View:
    """What one picture shows: α and h of layers 0 … ``forward``, δ of layers
    ``deltas_from`` … n, ∂L/∂w and ∂L/∂b of layers ``grads_from`` … n (their edges encode
    these when ``show`` is "grads", the others w), the loss; a frame's focus and caption."""

    forward: int
    deltas_from: float = math.inf
    grads_from: float = math.inf
    show: str = "weights"
    show_loss: bool = True
    focus_neuron: tuple[int, int] | None = None
    focus_edges: frozenset[str] = frozenset()
    focus_layer: int | None = None  # its edges carry value labels even when focused
    caption: str = ""

    def edges_show_grads(self, layer: int) -> bool:
        return self.show == "grads" and layer >= self.grads_from


def _attr(value: float) -> str:
    """A coordinate as short, stable text."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _tint(value: float | None, largest: float) -> str:
    if value is None or largest <= 0 or value == 0 or not math.isfinite(value):
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
    return max((abs(v) for v in values if v is not None and math.isfinite(v)), default=0.0)


def _text(x: float, y: float, content: str, size: int = 11, **style: str) -> str:
    attributes = "".join(f' {key.replace("_", "-")}="{value}"' for key, value in style.items())
    return (
        f'<text x="{_attr(x)}" y="{_attr(y)}" font-size="{size}"{attributes}>'
        f"{html.escape(content)}</text>"
    )


def _rect(box: _Box, fill: str, stroke: str = "#555555", width: float = 1.0, dash: str = "") -> str:
    return (
        f'<rect x="{_attr(box.x)}" y="{_attr(box.y)}" width="{_attr(box.width)}" '
        f'height="{_attr(box.height)}" rx="7" fill="{fill}" stroke="{stroke}" '
        f'stroke-width="{width}"{dash}/>'
    )


def _render(net: _Network, layout: _Layout, view: _View) -> str:
    """The SVG text of one picture of ``net``."""
    boxes, centres, labelled_layers, loss_box, width, bottom = layout
    focused = view.focus_neuron is not None or bool(view.focus_edges)
    last = len(net.activations)
    legend_top = bottom + 34
    size = f'width="{_attr(width)}" height="{_attr(legend_top + 112)}"'
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" {size} viewBox="0 0 {_attr(width)} '
        f'{_attr(legend_top + 112)}" font-family="{FONT}" fill="{INK}" '
        'style="max-width: 100%; height: auto">',
        f'<rect class="background" x="0" y="0" {size} fill="#ffffff"/>',
        _text(MARGIN, 20, net.title, 14, font_weight="bold"),
    ]
    if net.x is not None:
        about = f"one example: x = {_vector(net.x)}"
        if net.target is not None:
            about += f", target t = {_target_text(net.target)}"
        if net.loss is not None:
            about += f", loss {net.loss_name}"
        out.append(_text(MARGIN, 37, about, 12))
    for k, centre in enumerate(centres):
        heading = f"output layer {k} = y" if k == last else f"layer {k}"
        heading = f"{heading} · {net.activations[k - 1]}" if k else "inputs x"
        out.append(_text(centre, HEADER - 10, heading, 12, fill=FAINT, text_anchor="middle"))

    # Edges under the neurons, in parameter order. A labelled edge ends in a level stub
    # beside its neuron with its number on it: the stubs into one neuron are LABEL_PITCH
    # apart and no other edge reaches that margin, so the numbers never overlap. Every frame
    # of a player has every label, hidden where it does not apply, so that nothing moves.
    labels = []
    largest_weight = _largest([e.weight for e in net.edges])
    largest_grad = _largest([e.grad for e in net.edges])
    for k in range(1, len(net.sizes)):
        grads = view.edges_show_grads(k)
        largest = largest_grad if grads else largest_weight
        labelled = k in labelled_layers
        out.append(
            f'<g class="weights layer-{k}" fill="none" stroke-linecap="round" '
            'stroke-linejoin="round">'
        )
        for edge in net.layer_edges[k]:
            value = edge.grad if grads else edge.weight
            colour, stroke, dash = _edge_style(value, largest)
            start = boxes[(k - 1, edge.column)].exit()
            x2, y2 = boxes[(k, edge.row)].port(edge.column, net.sizes[k - 1])
            points = [start, (x2 - LABEL_STUB, y2), (x2, y2)] if labelled else [start, (x2, y2)]
            in_focus = edge.name in view.focus_edges
            faded = focused and not in_focus and view.focus_layer != k
            opacity = 0.8 if labelled else 0.6
            if focused:
                opacity = 0.12 if faded else 1.0 if in_focus else 0.7
            grad = _exact(edge.grad if k >= view.grads_from else None)
            title = (
                f"{edge.name} = {_exact(edge.weight)}: from {edge.source} to {edge.target}; "
                f"∂L/∂{edge.name} = {grad}"
            )
            out.append(
                '<polyline class="weight" points="'
                + " ".join(f"{_attr(px)},{_attr(py)}" for px, py in points)
                + f'" stroke="{colour}" stroke-width="{stroke:.2f}"{dash} '
                f'stroke-opacity="{opacity}"><title>{html.escape(title)}</title></polyline>'
            )
            if labelled:
                hidden = {"visibility": "hidden"} if faded else {}
                fill = colour if value else FAINT
                labels.append(
                    _text(x2 - 5, y2 + 3.5, _num(value), 10, fill=fill, **EDGE_LABEL, **hidden)
                )
        out.append("</g>")
    if loss_box is not None:
        lx, ly = loss_box.port(1, 1)
        for i in range(1, net.sizes[-1] + 1):
            x1, y1 = boxes[(last, i)].exit()
            out.append(
                f'<line class="to-loss" x1="{_attr(x1)}" y1="{_attr(y1)}" x2="{_attr(lx)}" '
                f'y2="{_attr(ly)}" stroke="{FAINT}" stroke-width="1" stroke-dasharray="4 3"/>'
            )
    out.append(f'<g class="edge-labels">{"".join(labels)}</g>')

    largest_delta = _largest([n.delta for n in net.neurons])
    out.append('<g class="neurons">')
    for record in net.neurons:
        out.append(_neuron(net, record, boxes[(record.layer, record.row)], view, largest_delta))
    out.append("</g>")

    if loss_box is not None:
        left, top = loss_box.x + 7, loss_box.y + LINE
        loss = _num(net.loss if view.show_loss else None, 4)
        target = [f"t = {_target_text(net.target)}"] if net.target is not None else []
        out += [
            '<g class="loss">',
            _rect(loss_box, "#fffbe6"),
            _text(left, top, f"L = {loss}", 12, font_weight="bold"),
            *(_text(left, top + LINE, line) for line in target),
            _text(left, top + (1 + len(target)) * LINE, str(net.loss_name)[:20], 10, fill=FAINT),
            "</g>",
        ]
    out.append(_legend(net, view, bool(labelled_layers), legend_top, width))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _neuron(
    net: _Network, record: NeuronRecord, box: _Box, view: _View, largest_delta: float
) -> str:
    """One neuron: a box with its numbers (a dot in a wide layer) and its hover title."""
    k, row, name = record.layer, record.row, record.name
    forward = k <= view.forward
    shown = replace(
        record,
        alpha=record.alpha if forward else None,
        h=record.h if forward else None,
        delta=record.delta if k >= view.deltas_from else None,
        bias_grad=record.bias_grad if k >= view.grads_from else None,
    )
    if k == 0:
        title = f"{name}: input {row}" + (f" = {_exact(shown.h)}" if shown.h is not None else "")
    else:
        role = "hidden"
        if k == len(net.activations):
            role = "output (the network's output y" + (f"{row}" if net.sizes[-1] > 1 else "") + ")"
        parts = [f"{name}: {role} neuron {row} of layer {k}, {record.activation}"]
        if net.x is not None:
            parts.append(f"{alpha_name(k, row)} = {_exact(shown.alpha)}")
            parts.append(f"h = f(α) = {_exact(shown.h)}")
        if net.loss is not None:
            parts.append(f"δ = ∂L/∂α = {_exact(shown.delta)}")
        parts.append(f"bias {record.bias_name} = {_exact(record.bias)}")
        parts.append(f"∂L/∂{record.bias_name} = {_exact(shown.bias_grad)}")
        title = "; ".join(parts)
    fill = "#f3f3f3" if k == 0 else _tint(shown.delta, largest_delta)
    stroke, stroke_width = (INK, 3.0) if view.focus_neuron == (k, row) else ("#555555", 1.0)
    # A ReLU that is off (α ≤ 0) passes nothing forward and no gradient back.
    off = record.activation == "relu" and shown.alpha is not None and shown.alpha <= 0
    dash = ' stroke-dasharray="4 3"' if off else ""
    out = [f'<g class="neuron layer-{k}"><title>{html.escape(title)}</title>']
    if box.height <= 2 * DOT_RADIUS:
        out.append(
            f'<circle cx="{_attr(box.x + DOT_RADIUS)}" cy="{_attr(box.y + DOT_RADIUS)}" '
            f'r="{DOT_RADIUS}" fill="{fill}" stroke="{stroke}" stroke-width="{stroke_width}"'
            f"{dash}/></g>"
        )
        return "\n".join(out)
    out.append(_rect(box, fill, stroke, stroke_width, dash))
    left, top, right = box.x + 7, box.y + LINE, box.x + box.width - 7
    out.append(_text(left, top, name, 12, font_weight="bold"))
    if k == 0 and net.x is not None:
        out.append(_text(left, top + LINE, f"= {_num(shown.h)}"))
    elif k > 0:
        # Where the edges show ∂L/∂w, the bias shows ∂L/∂b too.
        grads = view.edges_show_grads(k)
        bias = f"∂L/∂b {_num(shown.bias_grad)}" if grads else f"b {_num(record.bias)}"
        out.append(_text(right, top, bias, 10, fill=FAINT, text_anchor="end"))
        if net.x is None:
            about = "output y" if k == len(net.activations) else record.activation
            out.append(_text(left, top + LINE, about, fill=FAINT))
        else:
            out.append(_text(left, top + LINE, f"α {_num(shown.alpha)}"))
            out.append(_text(left + 62, top + LINE, f"h {_num(shown.h)}"))
        if net.loss is not None:
            out.append(_text(left, top + 2 * LINE, f"δ {_num(shown.delta)}", font_weight="bold"))
    out.append("</g>")
    return "\n".join(out)


def _legend(net: _Network, view: _View, labelled: bool, top: float, width: float) -> str:
    """The key: edge colours and widths, what a neuron's numbers are, and the names."""
    grads = view.show == "grads"
    symbol = "∂L/∂w" if grads else "w"
    largest = _largest([e.grad if grads else e.weight for e in net.edges])
    encoding = "(colour = sign, width = size)"
    last = len(net.activations)
    if grads and view.grads_from > 1:  # a player's gradient frame: the lower layers show w
        first = view.grads_from
        layers = f"layers {first}–{last}" if first < last else f"layer {last}"
        key = f"{layers}: gradient ∂L/∂w, earlier layers: weight w {encoding}"
    else:
        key = f"{'gradient ∂L/∂w' if grads else 'weight w'} {encoding}"
    if labelled:
        key += "; a number at an edge's end is its value (between small layers; hover for any edge)"
    out = [
        '<g class="legend">',
        f'<line x1="{MARGIN}" y1="{_attr(top - 16)}" x2="{_attr(width - MARGIN)}" '
        f'y2="{_attr(top - 16)}" stroke="#dddddd" stroke-width="1"/>',
        _text(MARGIN, top, f"edges: {key}", font_weight="bold"),
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
    if net.x is None:
        neuron = "neuron: name, b = its bias, and its activation f"
    else:
        neuron = "neuron: name, b = its bias; α = b + Σ w·h (pre-activation), h = f(α); "
        if net.loss is not None:
            neuron += "δ = ∂L/∂α, tint = sign and size of δ"
        if "relu" in net.activations:
            neuron += "; dashed: a ReLU that is off"
    names = (
        "xj = input j; hk[i] = neuron i of layer k; Wk[i,j] joins neuron j of layer k−1 to "
        f"neuron i of layer k; the last layer's {h_name(last, 'i')} is the output y."
    )
    if grads and largest == 0 and net.loss is None:
        hint = "every ∂L/∂w is 0: run loss.backward() first, or pass x, target and loss."
    else:
        hint = "Hover over a neuron or an edge for its name and exact numbers."
    for n, line in enumerate((neuron, names, hint)):
        out.append(_text(MARGIN, top + 44 + n * 17, line))
    out.append("</g>")
    return "\n".join(out)


class NetworkDrawing:
    """A network diagram: ``svg()``, ``save(path)``, Jupyter display, and its numbers as
    ``neurons`` and ``edges`` records in ``named_parameters()``'s order, inputs first."""

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
            net = self._net
            forward = len(net.activations) if net.x is not None else -1
            deltas_from = 1 if net.loss is not None else math.inf
            view = _View(forward, deltas_from, 0, self.show, show_loss=net.loss is not None)
            self._svg = _render(net, _layout(net), view)
        return self._svg

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the diagram to ``path`` (``.svg``); it appears whole or not at all."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix in (".png", ".pdf"):
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
        example = ", one example" if self._net.x is not None else ""
        return f"<NetworkDrawing of {sizes}{example}, edges show {self.show}>"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """The SVG fitted to the output's width (see ``fitted_html``); never raises."""
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
    the forward and backward pass itself and shows α, h and δ = ∂L/∂α in each neuron and
    ∂L/∂w for that example; the model and its ``.grad`` are left as they were. Without an
    example, ∂L/∂w is the parameters' current ``.grad``; ``x`` alone runs the forward pass.

    >>> from nn import MLP, half_squared_error
    >>> view = draw_network(MLP(2, [2, 1], seed=0), [1.0, -2.0], 1.0, half_squared_error)
    >>> [n.name for n in view.neurons]
    ['x1', 'x2', 'h1[1]', 'h1[2]', 'h2[1]']
    """
    if show not in SHOW_MODES:
        raise ValueError(f"show must be one of {', '.join(map(repr, SHOW_MODES))}; got {show!r}")
    return NetworkDrawing(_analyse(model, x, target, loss, "draw_network", max_weights), show)


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
    return max(net.layer_neurons[k], key=lambda r: (abs(r.delta or 0.0), -r.row))


def _frames(net: _Network) -> Iterator[_View]:
    n = len(net.activations)
    named = {record.name: record for record in net.neurons}
    caption = (
        f"Forward pass. The inputs: h0 = x = {_vector(net.x or ())}. Each layer k computes "
        "α(k) = b(k) + W(k) h(k−1), then h(k) = f(α(k))."
    )
    yield _View(0, show_loss=False, caption=caption)
    for k in range(1, n + 1):
        focus = _focus(net, k)
        i = focus.row
        into = [edge for edge in net.layer_edges[k] if edge.row == i]
        pairs = [(edge.weight, named[edge.source].h or 0.0) for edge in into]
        source = input_name("j") if k == 1 else h_name(k - 1, "j")
        caption = (
            f"Forward, layer {k}: {alpha_name(k, i)} = {focus.bias_name} + "
            f"Σⱼ {weight_name(k, i, 'j')} {source} = {_num(focus.bias)} + ({_terms(pairs)}) "
            f"= {_num(focus.alpha)}; {h_name(k, i)} = {focus.activation}({alpha_name(k, i)}) "
            f"= {_num(focus.h)}. Every neuron of layer {k} does the same with "
            f"{'x' if k == 1 else f'h{k - 1}'}."
        )
        edges = frozenset(edge.name for edge in into)
        yield _View(k, show_loss=False, focus_neuron=(k, i), focus_edges=edges, caption=caption)
    if net.target is None:
        loss = f"{net.loss_name}(y) = {_num(net.loss, 4)}"
    else:
        t = _target_text(net.target)
        loss = f"{net.loss_name}(y, t) = {_num(net.loss, 4)} with target t = {t}"
    caption = (
        f"The loss: L = {loss}. The backward pass starts here: δ(k) = ∂L/∂α(k) for each "
        "layer, from the output down."
    )
    yield _View(n, caption=caption)
    # δ at the output: ∂L/∂h from the loss, times ψ′ = f′(α) from the activation table.
    focus = _focus(net, n)
    i = focus.row
    dl_dh = net.output_grads[i - 1]
    psi = float(TABLE[focus.activation].derivative(np.float64(focus.alpha)))
    caption = (
        f"Backward, output layer {n}: δ{n}[{i}] = ∂L/∂{alpha_name(n, i)} = ∂L/∂{h_name(n, i)} "
        f"· ψ'({alpha_name(n, i)}) = {_num(dl_dh)} · {_factor(psi)} = {_num(dl_dh * psi)}, "
        f"with ψ' the derivative of {focus.activation}. A neuron's tint shows its δ."
    )
    yield _View(n, n, focus_neuron=(n, i), caption=caption)
    for k in range(n - 1, 0, -1):
        focus = _focus(net, k)
        i = focus.row
        psi = float(TABLE[focus.activation].derivative(np.float64(focus.alpha)))
        out_of = [edge for edge in net.layer_edges[k + 1] if edge.column == i]
        pairs = [(edge.weight, named[edge.target].delta or 0.0) for edge in out_of]
        total = math.fsum(a * b for a, b in pairs)
        caption = (
            f"Backward, layer {k}: δ{k}[{i}] = ψ'({alpha_name(k, i)}) · "
            f"Σⱼ {weight_name(k + 1, 'j', i)} δ{k + 1}[j] = {_num(psi)} · ({_terms(pairs)}) "
            f"= {_num(psi)} · {_factor(total)} = {_num(psi * total)}. "
            f"In matrix form δ({k}) = ψ({k}) W({k + 1})ᵀ δ({k + 1})."
        )
        edges = frozenset(edge.name for edge in out_of)
        yield _View(n, k, focus_neuron=(k, i), focus_edges=edges, caption=caption)
    for k in range(n, 0, -1):
        edge = max(net.layer_edges[k], key=lambda e: (abs(e.grad), -e.row, -e.column))
        target, source = named[edge.target], named[edge.source]
        delta = f"δ{k}[{edge.row}]"
        caption = (
            f"Gradients of layer {k}: ∂L/∂W({k}) = δ({k}) h({k - 1})ᵀ, ∂L/∂b({k}) = δ({k}). "
            f"For the thickest edge, ∂L/∂{edge.name} = {delta} · {source.name} = "
            f"{_num(target.delta)} · {_factor(source.h)} = "
            f"{_num((target.delta or 0.0) * (source.h or 0.0))}; "
            f"∂L/∂{target.bias_name} = {delta} = {_num(target.delta)}. "
            f"Layer {k}'s edges now show ∂L/∂w."
        )
        in_focus = {"focus_neuron": (k, edge.row), "focus_edges": frozenset({edge.name})}
        yield _View(n, 1, k, "grads", focus_layer=k, caption=caption, **in_focus)


class NetworkStepThrough(HtmlPlayer):
    """One example's forward and backward pass on the network diagram: ``frames`` (SVG texts
    in one layout) and ``captions``, shown in Jupyter or saved by ``save_html(path)``."""

    TITLE = "Backpropagation through the network, layer by layer"

    def __init__(self, net: _Network) -> None:
        self._net = net
        views = list(_frames(net))
        layout = _layout(net)
        self.frames = tuple(_render(net, layout, view) for view in views)
        self.captions = tuple(view.caption for view in views)
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
    """Backprop layer by layer on the network diagram, as a player: the inputs, each layer's
    α and h, the loss, δ(n), each δ(k) = ψ(k) W(k+1)ᵀ δ(k+1), each ∂L/∂W(k) = δ(k) h(k−1)ᵀ;
    each caption works the formula for the neuron with the largest |δ|. The model is left
    as it was."""
    return NetworkStepThrough(
        _analyse(model, x, target, loss, "step_through_network", require_example=True)
    )
