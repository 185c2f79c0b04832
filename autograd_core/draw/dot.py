"""A computation graph as DOT text: one box per Value, one oval per operation.

:func:`draw_graph` returns a :class:`~autograd_core.draw.drawing.Drawing` holding the DOT
text, taken when it is drawn; rendering waits until it is asked for.

Node names come from each node's position in ``topological_order`` (never from ``id()``
or set order), so one graph gives the same text in every process; every label is an
HTML-like label whose user text goes through ``html.escape``, so ``<``, ``|``, ``{`` or
quotes in a label show as themselves.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Collection, Iterable, Mapping

from autograd_core.draw.drawing import DEFAULT_MAX_NODES, Drawing
from autograd_core.graph import grad_computed, shares_to_inputs, topological_order
from autograd_core.value import Value

# Fill colours; the legend in draw_graph's docstring must stay in step with these.
ROOT_FILL = "#c7e9c0"
PARAMETER_FILL = "#fdd49e"
LEAF_FILL = "#c6dbef"
INTERIOR_FILL = "#ffffff"
OPERATION_FILL = "#eeeeee"
HIGHLIGHT_COLOR = "#d62728"
PENDING_COLOR = "#808080"

# Names nn gives its parameters ("W1[2,1]", "b1[2]") and the single letters w and b.
PARAMETER_LABEL = re.compile(r"[Wwb]\d*(\[\d+(,\s*\d+)*\])?")

_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")

_OPERATION_TEXT = {
    "+": "+",
    "-": "−",
    "*": "×",
    "/": "÷",
    "neg": "−x",
    "relu": "ReLU",
    "sigmoid": "σ",
    "tanh": "tanh",
    "exp": "exp",
    "log": "log",
    "affine": "b + Σ w·h",
}

# XML 1.0 forbids most control characters (and lone surrogates cannot even be encoded);
# Graphviz drops tabs. Each is shown as its escape, so the label still reads literally.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_CONTROL_NAMES = {"\t": "\\t", "\r": "\\r"}


def format_number(x: float, digits: int = 4) -> str:
    """``x`` with ``digits`` significant digits, for reading: 0.001235, -3, 1.235e+06, inf."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0.0:
        return "0"  # no "-0": the sign of a zero gradient only confuses a reader
    return f"{x:.{digits}g}"


def _visible_escape(match: re.Match[str]) -> str:
    character = match[0]
    if character in _CONTROL_NAMES:
        return _CONTROL_NAMES[character]
    code = ord(character)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_label(text: str) -> str:
    """User text for an HTML-like label: markup escaped, newlines as line breaks.

    Backslashes are doubled: Graphviz expands escapes such as ``\\N`` (the node's id) and
    ``\\G`` (the graph's name) even inside HTML-like labels, and even when the backslash is
    written as an entity, so a label ``\\N`` would otherwise show ``v1``.
    """
    lines = (
        html.escape(_CONTROL.sub(_visible_escape, line).replace("\\", "\\\\"))
        for line in text.split("\n")
    )
    return "<BR/>".join(lines)


def operation_text(op: str) -> str:
    """How an operation reads in the drawing: "*" as "×", "**2" as "(·)²", "affine" as Σ.

    A power is written on a blank, "(·)²", not "x²": the oval squares whatever comes in,
    and in y = x², z = y² the second one squares y.
    """
    if op.startswith("**"):
        exponent = op[2:]
        if re.fullmatch(r"-?\d{1,3}", exponent):  # (·)², (·)⁻¹; Unicode has no superscript "."
            return "(·)" + exponent.translate(_SUPERSCRIPTS)
        return f"(·)^{exponent}"
    return _OPERATION_TEXT.get(op, op)


def looks_like_parameter(node: Value) -> bool:
    """Whether a leaf's label is a parameter name: "W1[2,1]", "b1[2]", "w", "b2"."""
    return not node.inputs and PARAMETER_LABEL.fullmatch(node.label) is not None


# -- building the DOT text -------------------------------------------------------------------


def _as_node_set(nodes: Value | Iterable[Value] | None, what: str) -> set[Value]:
    if nodes is None:
        return set()
    if isinstance(nodes, Value):
        return {nodes}
    found = set(nodes)
    for node in found:
        if not isinstance(node, Value):
            raise TypeError(
                f"{what} must be a Value or a collection of Values, got a "
                f"{type(node).__name__} in it"
            )
    return found


def _row(text: str, *, bold: bool = False, color: str | None = None, italic: bool = False) -> str:
    if bold:
        text = f"<B>{text}</B>"
    if italic:
        text = f"<I>{text}</I>"
    if color:
        text = f'<FONT COLOR="{color}">{text}</FONT>'
    return f"<TR><TD>{text}</TD></TR>"


def _value_label(
    node: Value, show_grad: bool, digits: int, computed: bool, pending: float | None
) -> str:
    rows = []
    if node.label:
        rows.append(_row(escape_label(node.label), bold=True))
    rows.append(_row(f"data {format_number(node.data, digits)}"))
    if show_grad:
        if computed:
            rows.append(_row(f"grad {format_number(node.grad, digits)}"))
        else:
            rows.append(_row("grad: not yet computed", italic=True, color=PENDING_COLOR))
            if pending is not None:
                received = f"received so far {format_number(pending, digits)}"
                rows.append(_row(received, italic=True, color=PENDING_COLOR))
    return '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">' + (
        "".join(rows) + "</TABLE>>"
    )


def _edge_label(local: float, chain: tuple[float, float] | None, digits: int) -> str:
    """ "local ∂out/∂in", then "upstream × local = product" once upstream is known."""
    rows = [f"local {format_number(local, digits)}"]
    if chain is not None:
        upstream, product = chain
        rows.append(
            f"{format_number(upstream, digits)} × {format_number(local, digits)} = "
            f"{format_number(product, digits)}"
        )
    return "<" + "<BR/>".join(rows) + ">"


def _attributes(pairs: Mapping[str, str]) -> str:
    # Values starting with "<" are HTML-like labels and go in as they are.
    return ", ".join(
        f"{key}={value}" if value.startswith("<") else f'{key}="{value}"'
        for key, value in pairs.items()
    )


def _edge_attributes(pairs: Mapping[str, str]) -> str:
    return f" [{_attributes(pairs)}]" if pairs else ""


_OPERATION_STYLE = {
    "shape": "oval",
    "style": "filled",
    "fillcolor": OPERATION_FILL,
    "fontsize": "10",
    "margin": "0.05,0.02",
    "height": "0.3",
}
_HIGHLIGHTED_EDGE = {"color": HIGHLIGHT_COLOR, "penwidth": "2"}


def draw_graph(
    root: Value,
    rankdir: str = "LR",
    show_grad: bool = True,
    highlight: Value | Iterable[Value] | None = None,
    *,
    parameters: Iterable[Value] | None = None,
    edge_labels: bool = False,
    digits: int = 4,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    computed: Collection[Value] | None = None,
    pending: Mapping[Value, float] | None = None,
) -> Drawing:
    """Draw ``root``'s computation graph; returns a :class:`Drawing` (DOT now, SVG lazily).

    Every Value is a box showing its label, ``data`` and ``grad``; every operation is a
    small grey oval between its inputs and its result, so edges run input → operation →
    output. Numbers show ``digits`` significant digits.

    Legend:

    - green box: the root, the Value the graph was drawn from;
    - orange box: a parameter: a Value in ``parameters``, or, when ``parameters`` is None,
      a leaf whose label is a parameter name ("W1[2,1]", "b1[2]", "w", "b");
    - blue box: any other leaf (an input or a constant);
    - white box: an intermediate result;
    - grey oval: an operation ("×", "÷", "x²", "σ", "b + Σ w·h" for ``affine``, ...);
    - thick red border: a Value in ``highlight``, with the edges into its operation red too;
    - grey italic "grad: not yet computed": no backward pass has reached that Value yet,
      so its ``.grad`` means nothing (drawn so rather than as a misleading 0).

    Options:

    - ``rankdir``: "LR" (left to right), "TB", "RL" or "BT".
    - ``show_grad``: False leaves gradients out.
    - ``highlight``: a Value or a collection of Values to draw distinctly.
    - ``parameters``: the Values to colour as parameters (e.g. ``model.parameters()``).
    - ``edge_labels``: True labels each edge input → operation with the local derivative
      ∂out/∂input ("local 3") and, once ``out``'s gradient is computed, the chain-rule
      product upstream × local = what this edge adds to the input's grad.
    - ``max_nodes``: above this many Values the notebook display shows a summary instead
      of rendering; None lifts the cap. ``save`` and ``svg`` draw whatever the size.
    - ``computed`` and ``pending`` (for :func:`~autograd_core.stepping.step_through`):
      the Values whose gradient counts as computed (default: those ``grad_computed``
      says), and partial gradients received so far by the others.
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph needs a Value to draw from, got {type(root).__name__}")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be one of LR, TB, RL, BT, got {rankdir!r}")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"digits must be an int from 1 to 17, got {digits!r}")
    if max_nodes is not None and (isinstance(max_nodes, bool) or not isinstance(max_nodes, int)):
        raise TypeError(f"max_nodes must be an int or None, got {type(max_nodes).__name__}")
    highlighted = _as_node_set(highlight, "highlight")
    parameter_set = _as_node_set(parameters, "parameters") if parameters is not None else None
    pending = pending or {}

    order = topological_order(root)
    index = {node: position for position, node in enumerate(order)}
    operation_count = sum(1 for node in order if node.inputs)
    is_computed = (lambda n: n in computed) if computed is not None else grad_computed

    def fill(node: Value) -> str:
        if node is root:
            return ROOT_FILL
        if parameter_set is None and looks_like_parameter(node):
            return PARAMETER_FILL
        if parameter_set is not None and node in parameter_set:
            return PARAMETER_FILL
        return LEAF_FILL if not node.inputs else INTERIOR_FILL

    lines = [
        "digraph autograd {",
        f'  graph [rankdir="{rankdir}", nodesep="0.25", ranksep="0.35", bgcolor="white"];',
        '  node [fontname="Helvetica,Arial,sans-serif", fontsize="11"];',
        '  edge [fontname="Helvetica,Arial,sans-serif", fontsize="9", color="#555555"];',
    ]
    for position, node in enumerate(order):
        done = is_computed(node)
        marked = node in highlighted
        attributes = {
            "shape": "box",
            "style": "rounded,filled",
            "fillcolor": fill(node),
            "label": _value_label(node, show_grad, digits, done, pending.get(node)),
        }
        if marked:
            attributes.update(color=HIGHLIGHT_COLOR, penwidth="3")
        lines.append(f"  v{position} [{_attributes(attributes)}];")
        if not node.inputs:
            continue

        operation = {**_OPERATION_STYLE, "label": f"<{escape_label(operation_text(node.op))}>"}
        lines.append(f"  op{position} [{_attributes(operation)}];")
        # A node's shares with g = 1 are its local derivatives; with its own grad, exactly
        # the contributions backward passed to its inputs.
        local_derivatives = shares_to_inputs(node, 1.0) if edge_labels else None
        products = shares_to_inputs(node, node.grad) if edge_labels and done else None
        for slot, child in enumerate(node.inputs):
            edge = dict(_HIGHLIGHTED_EDGE) if marked else {}
            if local_derivatives is not None:
                edge["label"] = _edge_label(
                    local_derivatives[slot],
                    None if products is None else (node.grad, products[slot]),
                    digits,
                )
            lines.append(f"  v{index[child]} -> op{position}{_edge_attributes(edge)};")
        output_edge = _HIGHLIGHTED_EDGE if marked else {}
        lines.append(f"  op{position} -> v{position}{_edge_attributes(output_edge)};")
    lines.append("}")
    return Drawing("\n".join(lines) + "\n", len(order), operation_count, max_nodes)
