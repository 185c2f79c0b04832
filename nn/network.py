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
from pathlib import Path
from typing import Any

import numpy as np

from autograd_core import Value, affine
from autograd_core.draw.drawing import fitted_html
from autograd_core.draw.player import HtmlPlayer, player_fragment
from autograd_core.draw.render import write_atomically
from nn.activations import TABLE
from nn.module import MLP
from nn.names import alpha_name, h_name, input_name

SHOW_MODES = ("weights", "grads")

#: Layers up to this many neurons print their numbers inside each neuron; wider layers
#: draw small dots whose numbers are in the hover text only.
MAX_NUMBERED_LAYER = 16
#: Edge values are printed on the edges of a layer with at most this many weights.
MAX_LABELLED_EDGES = 12
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
    has_example: bool
    x: tuple[float, ...] | None
    target: Any
    loss_name: str | None
    loss: float | None
    output_grads: tuple[float, ...] | None  # ∂L/∂h at the outputs

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


def _check_model(model: object, who: str) -> MLP:
    if not isinstance(model, MLP):
        raise TypeError(
            f"{who} draws an nn.MLP (for example MLP(2, [3, 2, 1])), got "
            f"{type(model).__name__}; a Layer or Neuron alone is not a network diagram"
        )
    return model


def _check_inputs(model: MLP, x: object, who: str) -> tuple[float, ...]:
    accepted = f"x must be a sequence of {model.nin} real numbers (the model's inputs)"
    if isinstance(x, np.ndarray):
        if x.ndim != 1:
            raise TypeError(f"{who}: {accepted}, got a {x.ndim}-D array of shape {x.shape}")
        x = x.tolist()
    if isinstance(x, (str, bytes)) or not isinstance(x, Sequence):
        raise TypeError(f"{who}: {accepted}, got {type(x).__name__}")
    if len(x) != model.nin:
        raise ValueError(f"{who}: {accepted}, got {len(x)} numbers")
    numbers = []
    for j, xj in enumerate(x, start=1):
        if isinstance(xj, Value):
            xj = xj.data
        if isinstance(xj, bool) or not isinstance(xj, (int, float, np.integer, np.floating)):
            raise TypeError(f"{who}: x{j} must be a real number, got {type(xj).__name__}")
        numbers.append(float(xj))
    return tuple(numbers)


def _loss_name(loss: Callable[..., Any]) -> str:
    return getattr(loss, "__name__", None) or type(loss).__name__


@dataclass(frozen=True)
class _Unit:
    """One neuron's parameters as the model holds them, named by ``named_parameters()``,
    and fresh leaf copies of them for the example's own pass."""

    weight_names: tuple[str, ...]
    weights: tuple[Value, ...]
    bias_name: str
    bias: Value
    weight_copies: tuple[Value, ...]
    bias_copy: Value

    @classmethod
    def of(cls, neuron: Any) -> _Unit:
        *named_weights, (bias_name, bias) = neuron.named_parameters()
        return cls(
            weight_names=tuple(name for name, _ in named_weights),
            weights=tuple(w for _, w in named_weights),
            bias_name=bias_name,
            bias=bias,
            weight_copies=tuple(Value(w.data, label=name) for name, w in named_weights),
            bias_copy=Value(bias.data, label=bias_name),
        )


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
    model: MLP,
    x: object = None,
    target: object = None,
    loss: Loss | None = None,
    who: str = "draw_network",
    require_example: bool = False,
) -> _Network:
    """The diagram's numbers; with an example, from a forward and backward pass of its own.

    The pass runs on fresh leaf Values holding the model's numbers, so the model's own
    parameters (and their ``.grad``) are never part of it.
    """
    model = _check_model(model, who)
    _check_example(x, target, loss, who, require_example)
    xs = _check_inputs(model, x, who) if x is not None else None
    sizes = model.sizes
    activations = tuple(layer.activation for layer in model.layers)
    units = [[_Unit.of(neuron) for neuron in layer.neurons] for layer in model.layers]

    # The example: α(k) = b(k) + W(k) h(k−1), h(k) = f(α(k)), on the copies; then backward.
    alphas: list[list[Value]] = []
    hs: list[list[Value]] = []
    loss_value: Value | None = None
    if xs is not None:
        h_previous = [Value(xj, label=input_name(j)) for j, xj in enumerate(xs, start=1)]
        for layer_units, activation in zip(units, activations):
            layer_alphas = [affine(u.weight_copies, h_previous, u.bias_copy) for u in layer_units]
            h_previous = [TABLE[activation].apply(alpha) for alpha in layer_alphas]
            alphas.append(layer_alphas)
            hs.append(h_previous)
        if loss is not None:
            loss_value = _run_loss(loss, h_previous, target, who)
            loss_value.backward()

    neurons = [
        NeuronRecord(0, j, input_name(j), None, xs[j - 1] if xs else None, None)
        for j in range(1, sizes[0] + 1)
    ]
    edges = []
    for k, (layer_units, activation) in enumerate(zip(units, activations), start=1):
        for i, unit in enumerate(layer_units, start=1):
            # ∂L/∂w of the example when there is one, else what the parameters hold now.
            holders = (
                (unit.weight_copies, unit.bias_copy)
                if loss_value is not None
                else (unit.weights, unit.bias)
            )
            alpha = alphas[k - 1][i - 1] if alphas else None
            neurons.append(
                NeuronRecord(
                    layer=k,
                    row=i,
                    name=h_name(k, i),
                    alpha=alpha.data if alpha is not None else None,
                    h=hs[k - 1][i - 1].data if hs else None,
                    delta=alpha.grad if alpha is not None and loss_value is not None else None,
                    activation=activation,
                    bias_name=unit.bias_name,
                    bias=unit.bias.data,
                    bias_grad=holders[1].grad,
                )
            )
            for j, (name, weight, holder) in enumerate(
                zip(unit.weight_names, unit.weights, holders[0]), start=1
            ):
                edges.append(
                    EdgeRecord(
                        name=name,
                        layer=k,
                        row=i,
                        column=j,
                        source=input_name(j) if k == 1 else h_name(k - 1, j),
                        target=h_name(k, i),
                        weight=weight.data,
                        grad=holder.grad,
                    )
                )
    output_grads = tuple(h.grad for h in hs[-1]) if loss_value is not None else None
    return _Network(
        title=repr(model),
        sizes=tuple(sizes),
        activations=activations,
        neurons=tuple(neurons),
        edges=tuple(edges),
        has_example=xs is not None,
        x=xs,
        target=target,
        loss_name=_loss_name(loss) if loss is not None else None,
        loss=loss_value.data if loss_value is not None else None,
        output_grads=output_grads,
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


@dataclass(frozen=True)
class _Box:
    x: float  # left
    y: float  # top
    width: float
    height: float
    numbered: bool

    @property
    def left(self) -> tuple[float, float]:
        return self.x, self.y + self.height / 2

    @property
    def right(self) -> tuple[float, float]:
        return self.x + self.width, self.y + self.height / 2


@dataclass(frozen=True)
class _Layout:
    boxes: dict[tuple[int, int], _Box]
    column_x: tuple[float, ...]
    loss_box: _Box | None
    width: float
    body_bottom: float


def _layout(net: _Network) -> _Layout:
    """Columns of boxes, each column centred on the tallest; the same for every frame."""
    sizes = net.sizes
    lines = 3 if net.has_example else 2
    box_height = LINE * lines + 8
    columns = len(sizes)
    widths = []
    for k, size in enumerate(sizes):
        if size > MAX_NUMBERED_LAYER:
            widths.append(2 * DOT_RADIUS)
        else:
            widths.append(INPUT_WIDTH if k == 0 else BOX_WIDTH)
    loss_room = LOSS_GAP + LOSS_WIDTH if net.loss is not None else 0
    # Spread the columns over the target width, leaving at least 70 px between columns
    # for the edges (a deep network grows wider than the target instead).
    span = TARGET_WIDTH - 2 * MARGIN - loss_room - widths[0] / 2 - widths[-1] / 2
    spacing = min(260.0, max(max(widths) + 70.0, span / max(1, columns - 1)))
    centres = [MARGIN + widths[0] / 2 + k * spacing for k in range(columns)]

    # Small networks get room between neurons, for the numbers printed on their edges.
    widest_numbered = max((size for size in sizes if size <= MAX_NUMBERED_LAYER), default=0)
    gap = ROW_GAP if widest_numbered > 6 else 4 * ROW_GAP

    def pitch(size: int) -> float:
        return box_height + gap if size <= MAX_NUMBERED_LAYER else DOT_PITCH

    heights = [size * pitch(size) - (gap if size <= MAX_NUMBERED_LAYER else 0) for size in sizes]
    tallest = max(max(heights), box_height * 2 + gap if net.loss is not None else 0)
    boxes = {}
    for k, size in enumerate(sizes):
        top = HEADER + (tallest - heights[k]) / 2
        for i in range(1, size + 1):
            y = top + (i - 1) * pitch(size)
            if size <= MAX_NUMBERED_LAYER:
                boxes[(k, i)] = _Box(centres[k] - widths[k] / 2, y, widths[k], box_height, True)
            else:
                boxes[(k, i)] = _Box(
                    centres[k] - DOT_RADIUS, y, 2 * DOT_RADIUS, 2 * DOT_RADIUS, False
                )
    loss_box = None
    right = centres[-1] + widths[-1] / 2
    if net.loss is not None:
        height = LINE * 3 + 8
        loss_box = _Box(right + LOSS_GAP, HEADER + (tallest - height) / 2, LOSS_WIDTH, height, True)
        right = loss_box.x + loss_box.width
    return _Layout(
        boxes=boxes,
        column_x=tuple(centres),
        loss_box=loss_box,
        width=max(right + MARGIN, 720.0),
        body_bottom=HEADER + tallest,
    )


# -- what one picture shows ----------------------------------------------------------------------


@dataclass(frozen=True)
class _View:
    """What one frame shows. ``forward`` / ``deltas``: layers whose α, h / δ are filled in;
    ``grads_known``: layers whose ∂L/∂w and ∂L/∂b are filled in; ``grad_layers``: layers
    whose edges encode ∂L/∂w (the rest encode w)."""

    forward: frozenset[int]
    deltas: frozenset[int]
    grads_known: frozenset[int]
    grad_layers: frozenset[int]
    show_loss: bool
    focus_neuron: tuple[int, int] | None = None
    focus_edges: frozenset[str] = frozenset()
    focus_layer: int | None = None  # its edges carry value labels even when focused

    @classmethod
    def everything(cls, net: _Network, show: str) -> _View:
        layers = frozenset(range(len(net.sizes)))
        return cls(
            forward=layers if net.has_example else frozenset(),
            deltas=layers if net.loss is not None else frozenset(),
            grads_known=layers,
            grad_layers=layers if show == "grads" else frozenset(),
            show_loss=net.loss is not None,
        )


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


def _text(x: float, y: float, content: str, **style: str) -> str:
    attributes = "".join(f' {key.replace("_", "-")}="{value}"' for key, value in style.items())
    return f'<text x="{_attr(x)}" y="{_attr(y)}"{attributes}>{html.escape(content)}</text>'


def _neuron_title(net: _Network, record: NeuronRecord, view: _View) -> str:
    if record.layer == 0:
        value = record.h if record.layer in view.forward else None
        text = f"{record.name}: input {record.row}"
        return text + (f" = {_exact(value)}" if value is not None else "")
    last = len(net.sizes) - 1
    role = "output" if record.layer == last else "hidden"
    if record.layer == last:
        role += " (the network's output y" + (f"{record.row}" if net.sizes[-1] > 1 else "") + ")"
    parts = [
        f"{record.name}: {role} neuron {record.row} of layer {record.layer}, {record.activation}"
    ]
    if net.has_example:
        shown = record.layer in view.forward
        parts.append(
            f"{alpha_name(record.layer, record.row)} = {_exact(record.alpha if shown else None)}"
        )
        parts.append(f"h = f(α) = {_exact(record.h if shown else None)}")
    if net.loss is not None:
        shown = record.layer in view.deltas
        parts.append(f"δ = ∂L/∂α = {_exact(record.delta if shown else None)}")
    parts.append(f"bias {record.bias_name} = {_exact(record.bias)}")
    known = record.layer in view.grads_known
    parts.append(f"∂L/∂{record.bias_name} = {_exact(record.bias_grad if known else None)}")
    return "; ".join(parts)


def _edge_title(record: EdgeRecord, grad_known: bool) -> str:
    text = f"{record.name} = {_exact(record.weight)}: from {record.source} to {record.target}"
    return text + f"; ∂L/∂{record.name} = {_exact(record.grad if grad_known else None)}"


def _render(net: _Network, layout: _Layout, view: _View, show: str) -> str:
    """The SVG text of one picture of ``net``; ``show`` ("weights" or "grads") is what the
    legend says the edges encode (``view.grad_layers`` says which layers do)."""
    boxes = layout.boxes
    largest_weight = _largest([e.weight for e in net.edges])
    largest_grad = _largest([e.grad for e in net.edges])
    largest_delta = _largest([n.delta for n in net.neurons])
    focused = view.focus_neuron is not None or bool(view.focus_edges)
    legend_top = layout.body_bottom + 34
    height = legend_top + 112
    width = layout.width
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_attr(width)}" '
        f'height="{_attr(height)}" viewBox="0 0 {_attr(width)} {_attr(height)}" '
        f'font-family="{FONT}" style="max-width: 100%; height: auto">',
        f'<rect class="background" x="0" y="0" width="{_attr(width)}" '
        f'height="{_attr(height)}" fill="#ffffff"/>',
    ]
    # Header: what the model is, and the example.
    out.append(_text(MARGIN, 20, net.title, font_size="14", font_weight="bold", fill=INK))
    if net.has_example:
        about = f"one example: x = {_vector(net.x or ())}"
        if net.loss is not None:
            if net.target is not None:
                about += f", target t = {_target_text(net.target)}"
            about += f", loss {net.loss_name}"
        out.append(_text(MARGIN, 37, about, font_size="12", fill=INK))
    last = len(net.sizes) - 1
    for k, centre in enumerate(layout.column_x):
        if k == 0:
            heading = "inputs x"
        elif k == last:
            heading = f"output layer {k} = y · {net.activations[k - 1]}"
        else:
            heading = f"layer {k} · {net.activations[k - 1]}"
        out.append(
            _text(centre, HEADER - 10, heading, font_size="12", fill=FAINT, text_anchor="middle")
        )

    # Edges under the neurons, in parameter order.
    labels = []
    for k in range(1, len(net.sizes)):
        layer_edges = net.layer_edges(k)
        grads = k in view.grad_layers
        largest = largest_grad if grads else largest_weight
        few = len(layer_edges) <= MAX_LABELLED_EDGES
        out.append(f'<g class="weights layer-{k}">')
        for edge in layer_edges:
            value = edge.grad if grads else edge.weight
            colour, stroke, dash = _edge_style(value, largest)
            x1, y1 = boxes[(k - 1, edge.column)].right
            x2, y2 = boxes[(k, edge.row)].left
            opacity = 0.8 if few else 0.6
            if focused:
                if edge.name in view.focus_edges:
                    opacity = 1.0
                elif view.focus_layer == k:
                    opacity = 0.7
                else:
                    opacity = 0.12
            out.append(
                f'<line class="weight" x1="{_attr(x1)}" y1="{_attr(y1)}" x2="{_attr(x2)}" '
                f'y2="{_attr(y2)}" stroke="{colour}" stroke-width="{stroke:.2f}"{dash} '
                f'stroke-opacity="{opacity}" stroke-linecap="round">'
                f"<title>{html.escape(_edge_title(edge, k in view.grads_known))}</title>"
                "</line>"
            )
            if few:
                # Every frame of a player has every label, hidden where it does not apply,
                # so that nothing moves from frame to frame.
                visible = not focused or edge.name in view.focus_edges or view.focus_layer == k
                # Spread the labels along the edges by source, so those from one neuron
                # (which fan out) and those into one neuron (which converge) do not collide.
                n_in = net.sizes[k - 1]
                t = 0.28 + 0.44 * ((edge.column - 1) / (n_in - 1) if n_in > 1 else 0.5)
                lx, ly = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
                labels.append(
                    _text(
                        lx,
                        ly + 3.5,
                        _num(value),
                        font_size="10",
                        fill=colour if value else FAINT,
                        text_anchor="middle",
                        stroke="#ffffff",
                        stroke_width="4",
                        stroke_linejoin="round",
                        paint_order="stroke",
                        **({} if visible else {"visibility": "hidden"}),
                    )
                )
        out.append("</g>")
    if layout.loss_box is not None:
        lx, ly = layout.loss_box.left
        for i in range(1, net.sizes[-1] + 1):
            x1, y1 = boxes[(last, i)].right
            out.append(
                f'<line class="to-loss" x1="{_attr(x1)}" y1="{_attr(y1)}" x2="{_attr(lx)}" '
                f'y2="{_attr(ly)}" stroke="{FAINT}" stroke-width="1" stroke-dasharray="4 3"/>'
            )
    out.append(f'<g class="edge-labels">{"".join(labels)}</g>')

    # Neurons.
    out.append('<g class="neurons">')
    for record in net.neurons:
        box = boxes[(record.layer, record.row)]
        title = html.escape(_neuron_title(net, record, view))
        is_focus = view.focus_neuron == (record.layer, record.row)
        delta_shown = record.layer in view.deltas and record.delta is not None
        fill = _tint(record.delta, largest_delta) if delta_shown else "#ffffff"
        stroke, stroke_width = (INK, 3.0) if is_focus else ("#555555", 1.0)
        if record.layer == 0:
            fill = "#f3f3f3"
        # A ReLU that is off (α ≤ 0) passes nothing forward and no gradient back.
        off = (
            record.activation == "relu"
            and record.layer in view.forward
            and record.alpha is not None
            and record.alpha <= 0
        )
        dash = ' stroke-dasharray="4 3"' if off else ""
        out.append(f'<g class="neuron layer-{record.layer}"><title>{title}</title>')
        if not box.numbered:
            cx, cy = box.x + DOT_RADIUS, box.y + DOT_RADIUS
            out.append(
                f'<circle cx="{_attr(cx)}" cy="{_attr(cy)}" r="{DOT_RADIUS}" fill="{fill}" '
                f'stroke="{stroke}" stroke-width="{stroke_width}"{dash}/></g>'
            )
            continue
        out.append(
            f'<rect x="{_attr(box.x)}" y="{_attr(box.y)}" width="{_attr(box.width)}" '
            f'height="{_attr(box.height)}" rx="7" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{stroke_width}"{dash}/>'
        )
        left, top = box.x + 7, box.y + LINE
        right = box.x + box.width - 7
        out.append(_text(left, top, record.name, font_size="12", font_weight="bold", fill=INK))
        if record.layer == 0:
            if net.has_example:
                value = record.h if 0 in view.forward else None
                out.append(_text(left, top + LINE, f"= {_num(value)}", font_size="11", fill=INK))
        else:
            out.append(
                _text(
                    right,
                    top,
                    f"b {_num(record.bias)}",
                    font_size="10",
                    fill=FAINT,
                    text_anchor="end",
                )
            )
            if net.has_example:
                shown = record.layer in view.forward
                alpha = _num(record.alpha if shown else None)
                h = _num(record.h if shown else None)
                out.append(_text(left, top + LINE, f"α {alpha}", font_size="11", fill=INK))
                out.append(_text(left + 62, top + LINE, f"h {h}", font_size="11", fill=INK))
                if net.loss is not None:
                    delta = _num(record.delta if record.layer in view.deltas else None)
                    out.append(
                        _text(
                            left,
                            top + 2 * LINE,
                            f"δ {delta}",
                            font_size="11",
                            font_weight="bold",
                            fill=INK,
                        )
                    )
            elif record.layer == last:
                out.append(_text(left, top + LINE, "output y", font_size="11", fill=FAINT))
            else:
                out.append(
                    _text(left, top + LINE, record.activation or "", font_size="11", fill=FAINT)
                )
        out.append("</g>")
    out.append("</g>")

    if layout.loss_box is not None:
        box = layout.loss_box
        shown = view.show_loss
        out.append('<g class="loss">')
        out.append(
            f'<rect x="{_attr(box.x)}" y="{_attr(box.y)}" width="{_attr(box.width)}" '
            f'height="{_attr(box.height)}" rx="7" fill="#fffbe6" stroke="#555555" '
            'stroke-width="1"/>'
        )
        left, top = box.x + 7, box.y + LINE
        out.append(
            _text(
                left,
                top,
                f"L = {_num(net.loss if shown else None, 4)}",
                font_size="12",
                font_weight="bold",
                fill=INK,
            )
        )
        if net.target is not None:
            out.append(
                _text(left, top + LINE, f"t = {_target_text(net.target)}", font_size="11", fill=INK)
            )
        name_line = 2 if net.target is not None else 1
        out.append(
            _text(left, top + name_line * LINE, str(net.loss_name)[:20], font_size="10", fill=FAINT)
        )
        out.append("</g>")

    out.append(_legend(net, view, legend_top, width, largest_weight, largest_grad, show))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _legend(
    net: _Network,
    view: _View,
    top: float,
    width: float,
    largest_weight: float,
    largest_grad: float,
    show: str,
) -> str:
    """The key: edge colours and widths, what a neuron's numbers are, and the names."""
    out = [
        '<g class="legend">',
        f'<line x1="{MARGIN}" y1="{_attr(top - 16)}" x2="{_attr(width - MARGIN)}" '
        f'y2="{_attr(top - 16)}" stroke="#dddddd" stroke-width="1"/>',
    ]
    symbol = "∂L/∂w" if show == "grads" else "w"
    largest = largest_grad if show == "grads" else largest_weight
    x = MARGIN
    out.append(
        _text(
            x,
            top,
            f"edges: {_edge_key_text(view, len(net.sizes) - 1, show)}",
            font_size="11",
            font_weight="bold",
            fill=INK,
        )
    )
    samples = [
        (POSITIVE, 3.0, "", f"{symbol} > 0"),
        (NEGATIVE, 3.0, "", f"{symbol} < 0"),
        (ZERO, 0.8, ' stroke-dasharray="3 3"', f"{symbol} = 0"),
        (FAINT, 0.6, "", "thin: small"),
        (FAINT, 6.0, "", f"thick: |{symbol}| = {_num(largest)} (largest)"),
    ]
    sx, sy = x, top + 18
    for colour, stroke, dash, label in samples:
        out.append(
            f'<line x1="{_attr(sx)}" y1="{_attr(sy - 4)}" x2="{_attr(sx + 28)}" '
            f'y2="{_attr(sy - 4)}" stroke="{colour}" stroke-width="{stroke}"{dash}/>'
        )
        out.append(_text(sx + 34, sy, label, font_size="11", fill=INK))
        sx += 34 + (230 if label.startswith("thick") else 110)
    lines = []
    if net.has_example:
        lines.append(
            "neuron: name, b = its bias; α = b + Σ w·h (pre-activation), h = f(α); "
            + ("δ = ∂L/∂α, tint = sign and size of δ" if net.loss is not None else "")
            + ("; dashed: a ReLU that is off" if "relu" in net.activations else "")
        )
    else:
        lines.append("neuron: name, b = its bias, and its activation f")
    output_name = f"h{len(net.sizes) - 1}[i]"
    lines.append(
        f"xj = input j; hk[i] = neuron i of layer k; Wk[i,j] joins neuron j of layer k−1 to "
        f"neuron i of layer k; the last layer's {output_name} is the output y."
    )
    if show == "grads" and largest_grad == 0 and net.loss is None:
        lines.append("every ∂L/∂w is 0: run loss.backward() first, or pass x, target and loss.")
    else:
        lines.append("Hover over a neuron or an edge for its name and exact numbers.")
    for n, line in enumerate(lines):
        out.append(_text(x, top + 44 + n * 17, line, font_size="11", fill=INK))
    out.append("</g>")
    return "\n".join(out)


def _edge_key_text(view: _View, last: int, show: str) -> str:
    """What the edges encode; in a player's gradient frames, some layers show ∂L/∂w."""
    encoding = "(colour = sign, width = size)"
    if show == "grads" and view.grad_layers and len(view.grad_layers) < last:
        first = min(view.grad_layers)
        return (
            f"layers {first}–{last}: gradient ∂L/∂w, earlier layers: weight w {encoding}"
            if first < last
            else f"layer {last}: gradient ∂L/∂w, earlier layers: weight w {encoding}"
        )
    if show == "grads":
        return f"gradient ∂L/∂w {encoding}"
    return f"weight w {encoding}"


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
            net = self._net
            self._svg = _render(net, _layout(net), _View.everything(net, self.show), self.show)
        return self._svg

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the diagram to ``path`` (``.svg``); it appears whole or not at all."""
        path = Path(path)
        if path.suffix.lower() != ".svg":
            raise ValueError(
                f"cannot save a network diagram as {path.suffix or 'a file without a suffix'!r}"
                f" ({path.name}); accepted suffix: .svg (a browser opens it, and prints it to "
                "PDF or PNG)"
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
    _check_size(_check_model(model, "draw_network"), max_weights, "draw_network")
    net = _analyse(model, x, target, loss, "draw_network")
    return NetworkDrawing(net, show)


def _check_size(model: MLP, max_weights: int | None, who: str) -> None:
    count = sum(a * b for a, b in zip(model.sizes, model.sizes[1:]))
    if max_weights is not None and count > max_weights:
        raise ValueError(
            f"{who}: the model has {count:,} weights, more than max_weights={max_weights:,}; "
            "its diagram would be a solid block of lines. Pass max_weights=None to draw it "
            "anyway."
        )


# -- the player -----------------------------------------------------------------------------------


def _psi_prime(activation: str, alpha: float, h: float) -> float:
    """ψ = f′(α), from the activation's own formula (not from the engine's backward)."""
    if activation == "relu":
        return 1.0 if alpha > 0 else 0.0
    if activation == "sigmoid":
        return h * (1.0 - h)
    if activation == "tanh":
        return 1.0 - h * h
    return 1.0


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


def _focus(records: Sequence[NeuronRecord]) -> NeuronRecord:
    """The neuron the captions follow: the one with the largest |δ|, first on ties."""
    return max(records, key=lambda r: (abs(r.delta or 0.0), -r.row))


def _frames(net: _Network) -> list[tuple[_View, str]]:
    n = len(net.sizes) - 1
    everything = frozenset(range(n + 1))
    frames: list[tuple[_View, str]] = []
    x_text = _vector(net.x or ())
    frames.append(
        (
            _View(frozenset({0}), frozenset(), frozenset(), frozenset(), False),
            f"Forward pass. The inputs: h0 = x = {x_text}. Each layer k computes "
            "α(k) = b(k) + W(k) h(k−1), then h(k) = f(α(k)).",
        )
    )
    for k in range(1, n + 1):
        focus = _focus(net.layer_neurons(k))
        i = focus.row
        pairs = [
            (net.edge(k, i, j).weight, net.neuron(k - 1, j).h or 0.0)
            for j in range(1, net.sizes[k - 1] + 1)
        ]
        previous = "x" if k == 1 else f"h{k - 1}"
        source = "xⱼ" if k == 1 else f"h{k - 1}[j]"
        caption = (
            f"Forward, layer {k}: α{k}[{i}] = {focus.bias_name} + Σⱼ W{k}[{i},j] {source} = "
            f"{_num(focus.bias)} + ({_terms(pairs)}) = {_num(focus.alpha)}; "
            f"h{k}[{i}] = {focus.activation}(α{k}[{i}]) = {_num(focus.h)}. "
            f"Every neuron of layer {k} does the same with {previous}."
        )
        frames.append(
            (
                _View(
                    frozenset(range(k + 1)),
                    frozenset(),
                    frozenset(),
                    frozenset(),
                    False,
                    focus_neuron=(k, i),
                    focus_edges=frozenset(f"W{k}[{i},{j}]" for j in range(1, net.sizes[k - 1] + 1)),
                ),
                caption,
            )
        )
    frames.append(
        (
            _View(everything, frozenset(), frozenset(), frozenset(), True),
            (
                f"The loss: L = {net.loss_name}(y, t) = {_num(net.loss, 4)} with target "
                f"t = {_target_text(net.target)}."
                if net.target is not None
                else f"The loss: L = {net.loss_name}(y) = {_num(net.loss, 4)}."
            )
            + " The backward pass starts here: δ(k) = ∂L/∂α(k) for each layer, from the "
            "output down.",
        )
    )
    # δ at the output: ∂L/∂h from the loss, times ψ′.
    outputs = net.layer_neurons(n)
    focus = _focus(outputs)
    i = focus.row
    dl_dh = (net.output_grads or ())[i - 1]
    psi = _psi_prime(focus.activation or "linear", focus.alpha or 0.0, focus.h or 0.0)
    frames.append(
        (
            _View(everything, frozenset({n}), frozenset(), frozenset(), True, focus_neuron=(n, i)),
            f"Backward, output layer {n}: δ{n}[{i}] = ∂L/∂α{n}[{i}] = ∂L/∂h{n}[{i}] · "
            f"ψ'(α{n}[{i}]) = {_num(dl_dh)} · {_factor(psi)} = {_num(dl_dh * psi)}, "
            f"with ψ' the derivative of {focus.activation}. A neuron's tint shows its δ.",
        )
    )
    for k in range(n - 1, 0, -1):
        focus = _focus(net.layer_neurons(k))
        i = focus.row
        psi = _psi_prime(focus.activation or "linear", focus.alpha or 0.0, focus.h or 0.0)
        pairs = [
            (net.edge(k + 1, j, i).weight, net.neuron(k + 1, j).delta or 0.0)
            for j in range(1, net.sizes[k + 1] + 1)
        ]
        total = math.fsum(a * b for a, b in pairs)
        frames.append(
            (
                _View(
                    everything,
                    frozenset(range(k, n + 1)),
                    frozenset(),
                    frozenset(),
                    True,
                    focus_neuron=(k, i),
                    focus_edges=frozenset(
                        f"W{k + 1}[{j},{i}]" for j in range(1, net.sizes[k + 1] + 1)
                    ),
                ),
                f"Backward, layer {k}: δ{k}[{i}] = ψ'(α{k}[{i}]) · Σⱼ W{k + 1}[j,{i}] "
                f"δ{k + 1}[j] = {_num(psi)} · ({_terms(pairs)}) = {_num(psi)} · {_factor(total)} "
                f"= {_num(psi * total)}. In matrix form δ({k}) = ψ({k}) W({k + 1})ᵀ δ({k + 1}).",
            )
        )
    all_deltas = frozenset(range(1, n + 1))
    for k in range(n, 0, -1):
        layer_edges = net.layer_edges(k)
        edge = max(layer_edges, key=lambda e: (abs(e.grad), -e.row, -e.column))
        target = net.neuron(k, edge.row)
        source = net.neuron(k - 1, edge.column)
        product = (target.delta or 0.0) * (source.h or 0.0)
        frames.append(
            (
                _View(
                    everything,
                    all_deltas,
                    frozenset(range(k, n + 1)),
                    frozenset(range(k, n + 1)),
                    True,
                    focus_neuron=(k, edge.row),
                    focus_edges=frozenset({edge.name}),
                    focus_layer=k,
                ),
                f"Gradients of layer {k}: ∂L/∂W({k}) = δ({k}) h({k - 1})ᵀ, ∂L/∂b({k}) = δ({k}). "
                f"For the thickest edge, ∂L/∂{edge.name} = δ{k}[{edge.row}] · {source.name} = "
                f"{_num(target.delta)} · {_factor(source.h)} = {_num(product)}; "
                f"∂L/∂{target.bias_name} = δ{k}[{edge.row}] = {_num(target.delta)}. "
                f"Layer {k}'s edges now show ∂L/∂w.",
            )
        )
    return frames


class NetworkStepThrough(HtmlPlayer):
    """Frames of one example's forward and backward pass on the network diagram.

    ``frames`` are SVG texts with one layout (nothing moves between frames), ``captions``
    say what each step computes. Display it in Jupyter, or ``save_html(path)`` for one
    self-contained page with Prev/Next, a slider and the arrow keys.
    """

    def __init__(self, net: _Network) -> None:
        self._net = net
        layout = _layout(net)
        planned = _frames(net)
        self.frames = tuple(_render(net, layout, view, _frame_show(view)) for view, _ in planned)
        self.captions = tuple(caption for _, caption in planned)
        self.neurons = net.neurons
        self.edges = net.edges

    TITLE = "Backpropagation through the network, layer by layer"

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        sizes = " → ".join(str(s) for s in self._net.sizes)
        return f"<NetworkStepThrough of {sizes}, {len(self)} frames>"

    def to_html_fragment(self) -> str:
        return player_fragment(self.frames, self.captions)


def _frame_show(view: _View) -> str:
    return "grads" if view.grad_layers else "weights"


def step_through_network(
    model: MLP, x: Sequence[float], target: Any, loss: Loss
) -> NetworkStepThrough:
    """Backprop layer by layer on the network diagram, as a player.

    Frames: the inputs, each layer's α and h (forward), the loss, δ at the output, each
    hidden layer's δ(k) = ψ(k) W(k+1)ᵀ δ(k+1) arriving from the layer above, and each
    layer's ∂L/∂W(k) = δ(k) h(k−1)ᵀ. Every caption works the formula for one neuron (the
    one with the largest |δ|) with its numbers. The model is left as it was.
    """
    _check_size(
        _check_model(model, "step_through_network"), DEFAULT_MAX_WEIGHTS, "step_through_network"
    )
    net = _analyse(model, x, target, loss, "step_through_network", require_example=True)
    return NetworkStepThrough(net)
