"""A computation graph as DOT text: one box per Value, one oval per operation.

Node names come from positions in ``topological_order`` (never ``id()``), so one graph gives
the same text in every process; user text goes into HTML-like labels through ``html.escape``.
Each node's role is its SVG ``class``, its DOT name its SVG ``id``.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field

from autograd_core.draw.drawing import DEFAULT_MAX_NODES, DEFAULT_TIMEOUT, Drawing
from autograd_core.graph import grad_computed, shares_to_inputs, topological_order
from autograd_core.value import CONSTANT, PARAMETER, Value, role

# Each role's fill and its line in the legend. Fills from Paul Tol's "light" scheme, told
# apart with every common colour-vision deficiency; text on each stays black.
_ROLE_KEY = {
    "root": ("#BBCC33", "the Value drawn from"),  # pear
    "parameter": ("#EE8866", "made by nn, or in parameters="),  # orange
    "input": ("#99DDFF", "a leaf made with Value(...)"),  # light cyan
    "constant": ("#FFFFFF", "a plain number in a formula (no grad)"),
    "intermediate": ("#FFFFFF", "a result computed on the way"),
    "operation": ("#DDDDDD", "the operation making the Value it points to"),  # pale grey
}
ROLE_FILLS = {name: fill for name, (fill, _) in _ROLE_KEY.items()}
CONSTANT_BORDER = "#888888"
HIGHLIGHT_COLOR = "#CC3311"  # Tol's vibrant red, apart from every fill above
PENDING_COLOR = "#777777"

#: Longest user text drawn in full; longer text is cut with a visible "…" (Graphviz rejects
#: HTML labels beyond about 16 KB).
MAX_LABEL_CHARS = 80

#: Graphviz's network simplex runs until it converges: minutes for a Value used by many
#: operations far apart (x + x + … + x). Above SIMPLEX_LIMITED_BENDS bend points its
#: iterations are capped at a multiple of the node count.
SIMPLEX_LIMITS = 'nslimit="4", nslimit1="4"'
SIMPLEX_LIMITED_BENDS = 1_000

#: A layout needs a bend point for every rank an edge crosses; above this many (or this many
#: Values) a drawing is refused before Graphviz runs (100 terms of x + … + x need 9,702).
MAX_BENDS = 60_000

_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_OPERATION_TEXT = {  # the other operations (+, tanh, exp, log, a user's) read as their names
    "-": "a − b",
    "*": "×",
    "/": "a ÷ b",
    "neg": "−x",
    "relu": "ReLU",
    "sigmoid": "σ",
    "affine": "b + Σ w·h",
}
_ACTIVATIONS = frozenset({"relu", "sigmoid", "tanh"})
_NEURON_LABEL = re.compile(r"[αh]\d+\[\d+\]")  # nn's α and h of a neuron: "α1[2]", "h1[2]"

# XML 1.0 forbids most control characters (lone surrogates cannot even be encoded) and
# Graphviz drops tabs: each is shown as Python writes it in a string (\t, \x00, \ud800).
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def operand_name(op: str, slot: int) -> str | None:
    """An in-edge's name at its operation: a, b of "a − b" and "a ÷ b"; b, w₁, h₁, … of affine.

    The subscript keeps affine's "h₁" apart from nn's neuron "h1[…]"; + and × name none.
    """
    if op == "affine":
        index = str((slot + 1) // 2).translate(_SUBSCRIPTS)
        return "b" if slot == 0 else "wh"[(slot - 1) % 2] + index
    return "ab"[slot] if op in ("-", "/") and slot < 2 else None


def format_number(x: float, digits: int = 4) -> str:
    """``x`` with ``digits`` significant digits, for reading: 0.001235, -3, 1.235e+06, inf."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0.0:
        return "0"  # no "-0": the sign of a zero gradient only confuses a reader
    return f"{x:.{digits}g}"


def shorten(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    """``text`` itself, or its first ``limit - 1`` characters and "…" when it is longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape_label(text: str) -> str:
    """User text for an HTML-like label: markup escaped, newlines as line breaks, backslashes
    doubled (Graphviz expands ``\\N``, the node's id, even in HTML-like labels)."""
    return "<BR/>".join(html.escape(_literal(line)) for line in text.split("\n"))


def _literal(text: str) -> str:
    """``text`` with its control characters written as escapes and its backslashes doubled."""
    return _CONTROL.sub(lambda match: repr(match[0])[1:-1], text).replace("\\", "\\\\")


def _dot_string(text: str) -> str:
    """Text for a quoted DOT attribute (an escString): one line, quotes escaped."""
    return _literal(text.replace("\n", " ")).replace('"', '\\"')


def operation_text(op: str) -> str:
    """How an operation reads: "*" as "×", "-" as "a − b", "**2" as "(·)²" (not "x²": in
    y = x², z = y² the second one squares y)."""
    if op.startswith("**"):
        exponent = op[2:]
        if re.fullmatch(r"-?\d{1,3}", exponent):  # (·)², (·)⁻¹; Unicode has no superscript "."
            return "(·)" + exponent.translate(_SUPERSCRIPTS)
        return f"(·)^{exponent}"
    return _OPERATION_TEXT.get(op, op)


# A row of a label: its text and its look ("name" bold, "plain", "pending" grey italic).
Row = tuple[str, str]
_LOOKS = {
    "name": "<B>{}</B>",
    "plain": "{}",
    "pending": f'<FONT COLOR="{PENDING_COLOR}"><I>{{}}</I></FONT>',
}


def derivative_rows(local: float, upstream: float | None, digits: int) -> list[Row]:
    """ "local ∂out/∂in", then "upstream × local = product" (what the edge adds to the grad)."""
    rows = [(f"local {format_number(local, digits)}", "plain")]
    if upstream is not None:
        chain = f"{format_number(upstream, digits)} × {format_number(local, digits)}"
        rows.append((f"{chain} = {format_number(upstream * local, digits)}", "plain"))
    return rows


def rows_label(rows: list[Row], *, small: bool = False) -> str:
    """An HTML-like label, one left-aligned cell per row (so text can change in place)."""
    cells = (_LOOKS[look].format(escape_label(text) if text else " ") for text, look in rows)
    return (
        f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="{0 if small else 1}">'
        + "".join(f'<TR><TD ALIGN="LEFT">{cell}</TD></TR>' for cell in cells)
        + "</TABLE>>"
    )


def _sum_terms(root: Value) -> list[Value]:
    """The terms of the root's sum, left to right, looking through unlabelled partial sums."""
    if root.op != "+":
        return []
    terms: list[Value] = []
    stack = list(reversed(root.inputs))
    while stack:
        node = stack.pop()
        if node.op == "+" and not node.label:
            stack.extend(reversed(node.inputs))
        else:
            terms.append(node)
    return terms


def example_groups(root: Value, is_parameter: Callable[[Value], bool]) -> dict[Value, int]:
    """{node: example number} when the root sums a loss over several examples.

    Terms of the root's sum that share an interior node are one example. There are examples
    when at least two remain and they share parameters; each owns its interior nodes and the
    leaves only it uses. Parameters and the sum stay outside.
    """
    terms = [term for term in _sum_terms(root) if term.inputs]
    if len(terms) < 2:
        return {}
    owner: dict[Value, int] = {}  # interior node -> the term that reached it first
    parent = list(range(len(terms)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    leaf_users: dict[Value, set[int]] = {}
    for number, term in enumerate(terms):
        stack = [term]
        while stack:
            node = stack.pop()
            if not node.inputs:
                leaf_users.setdefault(node, set()).add(number)
            elif node in owner:
                parent[find(owner[node])] = find(number)
            else:
                owner[node] = number
                stack.extend(node.inputs)
    components: dict[int, int] = {}
    example_of = [components.setdefault(find(n), len(components) + 1) for n in range(len(terms))]
    leaf_examples = {leaf: {example_of[u] for u in users} for leaf, users in leaf_users.items()}
    if len(components) < 2 or not any(
        is_parameter(leaf) and len(examples) > 1 for leaf, examples in leaf_examples.items()
    ):
        return {}
    groups = {node: example_of[number] for node, number in owner.items()}
    for leaf, examples in leaf_examples.items():
        if len(examples) == 1 and not is_parameter(leaf):
            groups[leaf] = examples.pop()
    return groups


def neuron_groups(order: Iterable[Value]) -> dict[Value, str]:
    """{node: neuron name} for nn's pre-activations "α1[2]", the activations "h1[2]" of them,
    and the unlabelled products and partial sums that feed only a hand-built α."""
    order = list(order)
    consumers: dict[Value, int] = {}
    for node in order:
        for child in node.inputs:
            consumers[child] = consumers.get(child, 0) + 1
    groups: dict[Value, str] = {}
    for node in order:
        if not _NEURON_LABEL.fullmatch(node.label):
            continue
        if node.label[0] == "α" and node.inputs:
            groups.setdefault(node, "h" + node.label[1:])
        elif node.op in _ACTIVATIONS and len(node.inputs) == 1:
            (alpha,) = node.inputs
            if alpha.label == "α" + node.label[1:]:
                groups[node] = groups[alpha] = node.label
    # A neuron whose α = Σ wⱼhⱼ is built from + and × (not affine) owns the unlabelled
    # partial sums and products that feed only its α: its frame holds its weighted sum.
    for alpha in [node for node in groups if node.label[:1] == "α" and node.op == "+"]:
        stack = list(alpha.inputs)
        while stack:
            node = stack.pop()
            if node.op in ("+", "*") and not node.label and consumers[node] == 1:
                groups[node] = groups[alpha]
                if node.op == "+":  # a partial sum: its terms are the neuron's too
                    stack.extend(node.inputs)
    return groups


@dataclass
class Picture:
    """The label rows of each box ("v3", and derivative boxes "d3_0"), and the red ones."""

    rows: dict[str, list[Row]]
    highlighted: set[str] = field(default_factory=set)


@dataclass
class Plan:
    """What every drawing of one graph shares, whatever gradients it shows."""

    order: list[Value]
    roles: dict[str, str]  # "v3" -> "input"
    examples: dict[Value, int]
    neurons: dict[Value, str]
    rankdir: str
    bends: int
    show_grad: bool
    digits: int
    edge_labels: bool
    legend: bool
    max_nodes: int | None
    timeout: float | None

    def picture(
        self,
        grads: Mapping[Value, float],
        pending: Mapping[Value, float] | None = None,
        highlighted: Collection[Value] = (),
    ) -> Picture:
        """The rows when ``grads`` holds the gradients reached so far, ``pending`` partial sums."""
        pending = pending or {}
        picture = Picture({})
        for position, node in enumerate(self.order):
            name = f"v{position}"
            grad = grads.get(node)
            picture.rows[name] = self.value_rows(node, name, grad, pending.get(node))
            if node in highlighted:
                picture.highlighted.add(name)
            if self.edge_labels:
                # Shares with g = 1 are the local derivatives, one per edge.
                for slot, local in enumerate(shares_to_inputs(node, 1.0)):
                    picture.rows[f"d{position}_{slot}"] = derivative_rows(local, grad, self.digits)
        return picture

    def value_rows(
        self, node: Value, name: str, grad: float | None, pending: float | None
    ) -> list[Row]:
        """The rows of a Value's box: label, data, and ``grad`` (None: not yet computed)."""
        digits = self.digits
        if self.roles[name] == "constant":
            number = format_number(node.data, digits)
            return [(f"{shorten(node.label)} = {number}" if node.label else number, "plain")]
        rows = [(shorten(node.label), "name")] if node.label else []
        rows.append((f"data {format_number(node.data, digits)}", "plain"))
        if self.show_grad and grad is not None:
            rows.append((f"grad {format_number(grad, digits)}", "plain"))
        elif self.show_grad:
            rows.append(("grad: not yet computed", "pending"))
            if pending is not None:
                rows.append((f"received so far {format_number(pending, digits)}", "pending"))
        return rows

    def drawing(self, picture: Picture) -> Drawing:
        """The picture as a :class:`Drawing` of this graph."""
        source = picture_dot(self, picture)
        operations = sum(1 for node in self.order if node.inputs)
        return Drawing(source, len(self.order), operations, self.max_nodes, timeout=self.timeout)


_FONT = 'fontname="Helvetica,Arial,sans-serif"'
_CONSTANT_SIZE = 'fontsize="9", margin="0.04,0.02", height="0.2", width="0.3"'
_OPERATION_STYLE = (
    f'class="operation", shape="oval", style="filled", fillcolor="{ROLE_FILLS["operation"]}", '
    'fontsize="10", margin="0.05,0.02", height="0.3"'
)
_HIGHLIGHT_EDGE = f', color="{HIGHLIGHT_COLOR}", penwidth="2"'
_NEURON_STYLE = 'style="rounded", color="#bbbbbb", fontsize="9", labeljust="l"'
_EXAMPLE_STYLE = 'class="example", style="rounded,dashed", color="#888888", labeljust="l"'
_DERIVATIVE_STYLE = (
    'class="derivative", shape="box", style="rounded", color="#bbbbbb", fontsize="8", '
    'fontcolor="#444444", margin="0.03,0.01", height="0.1", width="0.1"'
)


def legend_dot(present: Collection[str]) -> str:
    """A key of the colours of the roles ``present`` (only those: no box it does not show)."""
    cells = []
    for name, (fill, meaning) in _ROLE_KEY.items():
        if name in present:
            border = f' COLOR="{CONSTANT_BORDER}"' if name == "constant" else ""
            cells.append(
                f'<TR><TD BGCOLOR="{fill}" BORDER="1"{border} WIDTH="28"> </TD>'
                f'<TD ALIGN="LEFT"><B>{name}</B></TD>'
                f'<TD ALIGN="LEFT">{html.escape(meaning)}</TD></TR>'
            )
    table = (
        '<<TABLE BORDER="1" COLOR="#bbbbbb" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2">'
        '<TR><TD COLSPAN="3"><B>Key</B></TD></TR>' + "".join(cells) + "</TABLE>>"
    )
    return f'  legend [id="legend", class="legend", shape="plain", fontsize="9", label={table}];'


def _subgraph(name: str, attributes: str, body: list[str]) -> list[str]:
    """A cluster of the lines ``body``, indented inside it."""
    return [f"subgraph {name} {{", f"  graph [{attributes}];", *("  " + line for line in body), "}"]


def picture_dot(plan: Plan, picture: Picture) -> str:
    """The DOT text of a Picture: nodes in their clusters, then every edge."""
    order = plan.order
    index = {node: position for position, node in enumerate(order)}
    simplex = f", {SIMPLEX_LIMITS}" if plan.bends > SIMPLEX_LIMITED_BENDS else ""
    lines = [
        "digraph autograd {",
        f'  graph [rankdir="{plan.rankdir}", nodesep="0.25", ranksep="0.35", bgcolor="white", '
        f'{_FONT}, fontsize="11"{simplex}];',
        f'  node [{_FONT}, fontsize="11"];',
        f'  edge [{_FONT}, fontsize="9", color="#555555"];',
    ]

    def node_lines(position: int) -> list[str]:
        node, name = order[position], f"v{position}"
        node_role = plan.roles[name]
        marked = name in picture.highlighted
        if node_role == "constant":  # a highlight recolours its border
            color = HIGHLIGHT_COLOR if marked else CONSTANT_BORDER
            style = f'style="rounded", color="{color}", {_CONSTANT_SIZE}'
            mark = ', penwidth="3"' if marked else ""
        else:
            style = f'style="rounded,filled", fillcolor="{ROLE_FILLS[node_role]}"'
            mark = f', color="{HIGHLIGHT_COLOR}", penwidth="3"' if marked else ""
        label = rows_label(picture.rows[name], small=node_role == "constant")
        out = [
            f'{name} [id="{name}", class="{node_role}", shape="box", {style}, label={label}{mark}];'
        ]
        if node.inputs:
            # Operands drawn in order (a before b; b, w₁, h₁, …) where they have names.
            ordering = ' ordering="in",' if operand_name(node.op, 0) is not None else ""
            text = escape_label(shorten(operation_text(node.op)))
            out.append(
                f'op{position} [id="op{position}", {_OPERATION_STYLE},{ordering} label=<{text}>];'
            )
            for slot in range(len(node.inputs) if plan.edge_labels else 0):
                key = f"d{position}_{slot}"
                # Its rows centred, one line each.
                rows = (escape_label(text) if text else " " for text, _ in picture.rows[key])
                out.append(
                    f'{key} [id="{key}", {_DERIVATIVE_STYLE}, label=<{"<BR/>".join(rows)}>];'
                )
        return out

    # Clusters: example k holds its nodes, a neuron's α and h sit in a cluster inside.
    clusters: dict[int | None, dict[str | None, list[int]]] = {}
    for position, node in enumerate(order):
        neurons = clusters.setdefault(plan.examples.get(node), {})
        neurons.setdefault(plan.neurons.get(node), []).append(position)
    for example in sorted(clusters, key=lambda e: (e is not None, e or 0)):
        body: list[str] = []
        for neuron, positions in clusters[example].items():
            nodes = [line for position in positions for line in node_lines(position)]
            if neuron is not None:
                title = escape_label(shorten(neuron))
                attributes = f'label=<neuron {title}>, class="neuron", {_NEURON_STYLE}'
                nodes = _subgraph(f"cluster_neuron_{positions[0]}", attributes, nodes)
            body += nodes
        if example is not None:
            attributes = f'label="example {example}", id="example{example}", {_EXAMPLE_STYLE}'
            body = _subgraph(f"cluster_example_{example}", attributes, body)
        lines += ("  " + line for line in body)

    for position, node in enumerate(order):
        if not node.inputs:
            continue
        mark = _HIGHLIGHT_EDGE if f"v{position}" in picture.highlighted else ""
        operation = _dot_string(shorten(operation_text(node.op)))
        for slot, child in enumerate(node.inputs):
            name = operand_name(node.op, slot)
            # Graphviz titles an edge with its ends ("v0->op2"); its tooltip says its role.
            tooltip = f'tooltip="{name or f"operand {slot + 1}"} of {operation}"'
            # An edge label of its own gets room beside its edge (affine has 2n + 1 edges).
            label = f', label="{name}", fontcolor="#225588", fontsize="10"' if name else ""
            tail = f"v{index[child]}"
            if plan.edge_labels:
                key = f"d{position}_{slot}"
                lines.append(
                    f'  {tail} -> {key} [id="e{position}_{slot}a", arrowhead="none", {tooltip}];'
                )
                tail = key
            lines.append(
                f'  {tail} -> op{position} [id="e{position}_{slot}", {tooltip}{label}{mark}];'
            )
        lines.append(f'  op{position} -> v{position} [id="o{position}"{mark}];')
    if plan.legend:
        present = set(plan.roles.values())
        if any(node.inputs for node in order):
            present.add("operation")
        lines.append(legend_dot(present))
    lines.append("}")
    return "\n".join(lines) + "\n"


def count_nodes(root: Value, limit: int | None) -> int:
    """How many Values ``root``'s graph has, counting no further than ``limit + 1``."""
    seen = {root}
    found = [root]
    for node in found:
        for child in node.inputs:
            if child not in seen:
                seen.add(child)
                found.append(child)
        if limit is not None and len(found) > limit:
            break
    return len(found)


def layout_size(order: list[Value]) -> tuple[int, int, int]:
    """(bends, ranks, widest rank): what Graphviz's layout will have to place.

    Ranks are longest paths from the leaves, a Value and its operation one rank each; a leaf
    sits just before its first consumer. An edge crossing k ranks needs k - 1 bend points.
    """
    rank: dict[Value, int] = {}
    first_use: dict[Value, int] = {}
    for node in order:
        if node.inputs:
            operation_rank = 1 + max(rank.get(child, 0) for child in node.inputs)
            rank[node] = operation_rank + 1
            for child in node.inputs:
                if not child.inputs:
                    first_use[child] = min(first_use.get(child, operation_rank), operation_rank)
    for node in order:
        if not node.inputs:
            rank[node] = first_use.get(node, 1) - 1
    bends = sum(
        rank[node] - 2 - rank[child] for node in order if node.inputs for child in node.inputs
    )
    return bends, 1 + max(rank.values()), max(Counter(rank.values()).values())


#: For rankdir="auto", rough sizes measured on the lectures' graphs: left to right, a rank (a
#: box or an oval and the gap after it) takes about this many points of width; top to bottom,
#: each node side by side in the widest rank about this many.
LR_POINTS_PER_RANK = 110
TB_POINTS_PER_NODE = 110
#: A picture up to this wide (points) fits a notebook's output at a laptop's 1,280 px.
FITS_WIDTH = 900


def auto_rankdir(ranks: int, widest: int) -> str:
    """LR when it fits a laptop's width or is the narrower picture, else TB (a notebook
    shrinks a picture to its width; LR reads in the forward pass's direction)."""
    left_to_right = ranks * LR_POINTS_PER_RANK
    if left_to_right <= FITS_WIDTH or left_to_right <= widest * TB_POINTS_PER_NODE:
        return "LR"
    return "TB"


def draw_graph(
    root: Value,
    rankdir: str = "LR",
    show_grad: bool = True,
    highlight: Value | Iterable[Value] | None = None,
    parameters: Iterable[Value] | None = None,
    legend: bool = False,
    *,
    edge_labels: bool = False,
    digits: int = 4,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Drawing:
    """Draw ``root``'s computation graph; returns a :class:`Drawing` (DOT now, SVG lazily).

    Every Value is a box with its label, ``data`` and ``grad`` (``digits`` significant
    digits; ``show_grad=False`` leaves the grads out), every operation an oval between its
    inputs and its result. A node's role is its SVG class and sets its colour
    (``legend=True`` draws the key):

    - root (pear green): the Value drawn from; intermediate (white): computed on the way;
    - parameter (orange): a leaf nn made, or one in ``parameters`` (leaves only, else
      ValueError);
    - input (light cyan): any other leaf made with ``Value(...)``, whatever its name;
    - constant (small, value only): a number an operator made a leaf, as ½ in ½ (t − y)²;
    - operation (grey oval): "×", "a − b", "(·)²", "σ", "b + Σ w·h", …; − and ÷ mark their
      in-edges a and b, a drawn first;
    - thick red border: a Value in ``highlight`` (one or a collection), red in-edges;
    - grey italic "grad: not yet computed": no backward pass has reached that Value yet.

    Examples of a summed loss (terms that share parameters and nothing else) and nn's
    neurons (α and h labelled "α1[2]", "h1[2]") are drawn in frames. ``rankdir`` is "LR",
    "TB", "RL", "BT", or "auto" (LR where it fits a laptop's width or is the narrower
    picture, else TB). ``edge_labels`` puts on each edge input → operation a box with the
    local derivative and, once known, upstream × local: what the edge adds to the grad.
    A graph over ``max_nodes`` Values (None: no cap) or too tangled to lay out is refused
    at once by ``svg()``, ``save()`` and the display (RenderError, saying what to draw
    instead). ``timeout``: seconds a render may take in its child process (None: no limit).
    """
    highlighted = _as_node_set(highlight, "highlight")
    plan = plan_graph(
        root, rankdir, show_grad, parameters, legend, edge_labels, digits, max_nodes, timeout
    )
    if isinstance(plan, Drawing):
        return plan
    grads = {node: node.grad for node in plan.order if grad_computed(node)}
    return plan.drawing(plan.picture(grads, highlighted=highlighted))


def plan_graph(
    root: Value,
    rankdir: str,
    show_grad: bool,
    parameters: Iterable[Value] | None,
    legend: bool,
    edge_labels: bool,
    digits: int,
    max_nodes: int | None,
    timeout: float | None,
) -> Plan | Drawing:
    """Check the options and the graph's size; the Plan, or a refused Drawing saying why."""
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph needs a Value to draw from, got {type(root).__name__}")
    if rankdir not in ("LR", "TB", "RL", "BT", "auto"):
        raise ValueError(f"rankdir must be one of LR, TB, RL, BT, auto, got {rankdir!r}")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"digits must be an int from 1 to 17, got {digits!r}")
    if max_nodes is not None and (isinstance(max_nodes, bool) or not isinstance(max_nodes, int)):
        raise TypeError(f"max_nodes must be an int or None, got {type(max_nodes).__name__}")
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0
    ):
        raise ValueError(f"timeout must be a positive number of seconds or None, got {timeout!r}")
    parameter_set = parameter_leaves(parameters)

    # Count first: a graph over the cap is refused without walking it further.
    count = count_nodes(root, MAX_BENDS if max_nodes is None else min(max_nodes, MAX_BENDS))
    if count > MAX_BENDS:
        why = f"the graph has more than {MAX_BENDS:,} Values, more than any layout can place"
    elif max_nodes is not None and count > max_nodes:
        why = (
            f"the graph has more than {max_nodes:,} Values (max_nodes={max_nodes}; "
            "draw_graph(root, max_nodes=None) tries anyway, within its timeout)"
        )
    else:
        order = topological_order(root)
        bends, ranks, widest = layout_size(order)
        if bends <= MAX_BENDS:

            def is_parameter(leaf: Value) -> bool:
                return leaf in parameter_set or role(leaf) == PARAMETER

            roles = {
                f"v{position}": PARAMETER if is_parameter(node) else role(node)
                for position, node in enumerate(order)
            }
            roles[f"v{len(order) - 1}"] = "root"
            return Plan(
                order=order,
                roles=roles,
                examples=example_groups(root, is_parameter),
                neurons=neuron_groups(order),
                rankdir=auto_rankdir(ranks, widest) if rankdir == "auto" else rankdir,
                bends=bends,
                show_grad=show_grad,
                digits=digits,
                edge_labels=edge_labels,
                legend=legend,
                max_nodes=max_nodes,
                timeout=timeout,
            )
        why = (
            f"its layout would need about {bends:,} bend points (more than {MAX_BENDS:,}): "
            "a Value is used by operations many steps apart, as x in x + x + … + x"
        )
    return Drawing.refused(why, max_nodes=max_nodes, value_count=count)


def _as_node_set(nodes: Value | Iterable[Value] | None, what: str) -> set[Value]:
    if nodes is None:
        return set()
    if isinstance(nodes, Value):
        return {nodes}
    expected = f"{what} must be a Value or a collection of Values, got"
    if isinstance(nodes, (str, bytes)) or not isinstance(nodes, Iterable):
        raise TypeError(f"{expected} {type(nodes).__name__}")
    found = set(nodes)
    for node in found:
        if not isinstance(node, Value):
            raise TypeError(f"{expected} a {type(node).__name__} in it")
    return found


def parameter_leaves(parameters: Iterable[Value] | None) -> set[Value]:
    """``parameters=`` as a set, each a leaf a user or nn made, as ``mark_parameters`` takes."""
    found = _as_node_set(parameters, "parameters")
    for node in found:
        if node.inputs or role(node) == CONSTANT:
            what = f"the result of {node.op!r}" if node.inputs else "a constant an operator made"
            name = f"{shorten(node.label, 40)!r}, " if node.label else ""
            raise ValueError(
                f"parameters= takes leaf Values (made with Value(...) or by nn), got "
                f"{name}{what} (data {format_number(node.data)})"
            )
    return found
