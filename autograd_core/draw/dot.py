"""A computation graph as DOT text: one box per Value, one oval per operation.

:func:`draw_graph` returns a :class:`~autograd_core.draw.drawing.Drawing` holding the DOT
text, taken when it is drawn; rendering waits until it is asked for.

Node names come from each node's position in ``topological_order`` (never from ``id()``
or set order), so one graph gives the same text in every process; every label is an
HTML-like label whose user text goes through ``html.escape``, so ``<``, ``|``, ``{`` or
quotes in a label show as themselves.

Each node carries its role as its SVG ``class`` ("root", "parameter", "input",
"constant", "intermediate", "operation"), and its DOT name as its SVG ``id``.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field

from autograd_core.draw.drawing import DEFAULT_MAX_NODES, DEFAULT_TIMEOUT, Drawing
from autograd_core.graph import grad_computed, shares_to_inputs, topological_order
from autograd_core.value import CONSTANT, PARAMETER, Value, role

# Fills from Paul Tol's "light" scheme, told apart with every common colour-vision
# deficiency; text on each stays black. The legend is drawn from this table.
ROLE_FILLS = {
    "root": "#BBCC33",  # pear
    "parameter": "#EE8866",  # orange
    "input": "#99DDFF",  # light cyan
    "constant": "#FFFFFF",
    "intermediate": "#FFFFFF",
    "operation": "#DDDDDD",  # pale grey
}
ROLES = tuple(ROLE_FILLS)
ROLE_MEANINGS = {
    "root": "the Value drawn from",
    "parameter": "made by nn, or in parameters=",
    "input": "a leaf made with Value(...)",
    "constant": "a plain number in a formula (no grad)",
    "intermediate": "a result computed on the way",
    "operation": "the operation making the Value it points to",
}
CONSTANT_BORDER = "#888888"
HIGHLIGHT_COLOR = "#CC3311"  # Tol's vibrant red, apart from every fill above
PENDING_COLOR = "#777777"

#: Longest user text (a label, an operation's name) drawn in full; longer text is cut
#: with a visible "…". Graphviz rejects HTML labels beyond about 16 KB.
MAX_LABEL_CHARS = 80

#: Graphviz's network simplex, which places nodes, runs until it converges unless told
#: otherwise; on a Value used by many operations far apart (x + x + … + x) that takes
#: minutes. These cap its iterations at a multiple of the node count, for graphs with
#: more than SIMPLEX_LIMITED_BENDS bend points (smaller ones keep the converged layout).
SIMPLEX_LIMITS = 'nslimit="4", nslimit1="4"'
SIMPLEX_LIMITED_BENDS = 1_000

#: A layout needs one bend point for every rank an edge crosses; above this many (or
#: above this many Values) the drawing is refused before Graphviz runs (1,000 terms of
#: x + x + … + x need ~10⁶; 100 terms need 9,702 and render in a few seconds).
MAX_BENDS = 60_000

_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")

_OPERATION_TEXT = {
    "+": "+",
    "-": "a − b",
    "*": "×",
    "/": "a ÷ b",
    "neg": "−x",
    "relu": "ReLU",
    "sigmoid": "σ",
    "tanh": "tanh",
    "exp": "exp",
    "log": "log",
    "affine": "b + Σ w·h",
}
# Operations whose result depends on operand order: their in-edges are named after the
# operands of the oval's text ("a − b") and laid out in that order.
_OPERAND_NAMES = {"-": ("a", "b"), "/": ("a", "b")}
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def operand_name(op: str, slot: int) -> str | None:
    """The name an in-edge carries at its operation: a or b of "a − b", b, w₁, h₁ of affine.

    affine's inputs are (b, w₁, h₁, w₂, h₂, …): without names a reader cannot tell which w
    multiplies which h. The index is a subscript, as in b + Σⱼ wⱼhⱼ, so that "h₁" (the
    operation's first h) does not read as nn's neuron name "h1[…]". Operations whose
    operands commute (+, ×) name none.
    """
    if op == "affine":
        index = str((slot + 1) // 2).translate(_SUBSCRIPTS)
        return "b" if slot == 0 else f"{'wh'[(slot - 1) % 2]}{index}"
    names = _OPERAND_NAMES.get(op)
    return names[slot] if names is not None and slot < len(names) else None


_ACTIVATIONS = frozenset({"relu", "sigmoid", "tanh"})
_ALPHA_LABEL = re.compile(r"α(\d+)\[(\d+)\]")
_H_LABEL = re.compile(r"h(\d+)\[(\d+)\]")

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


def shorten(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    """``text`` itself, or its first ``limit - 1`` characters and "…" when it is longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


def _dot_string(text: str) -> str:
    """Text for a quoted DOT attribute: quotes escaped, backslashes doubled (escString)."""
    text = _CONTROL.sub(_visible_escape, text.replace("\n", " "))
    return text.replace("\\", "\\\\").replace('"', '\\"')


def operation_text(op: str) -> str:
    """How an operation reads in the drawing: "*" as "×", "**2" as "(·)²", "-" as "a − b".

    A power is written on a blank, "(·)²", not "x²": the oval squares whatever comes in,
    and in y = x², z = y² the second one squares y.
    """
    if op.startswith("**"):
        exponent = op[2:]
        if re.fullmatch(r"-?\d{1,3}", exponent):  # (·)², (·)⁻¹; Unicode has no superscript "."
            return "(·)" + exponent.translate(_SUPERSCRIPTS)
        return f"(·)^{exponent}"
    return _OPERATION_TEXT.get(op, op)


# -- what each node shows ---------------------------------------------------------------------

# A row of a label: its text and its look ("name" bold, "plain", "pending" grey italic).
Row = tuple[str, str]


def value_rows(
    node: Value,
    node_role: str,
    show_grad: bool,
    digits: int,
    grad: float | None,
    pending: float | None,
) -> list[Row]:
    """The rows of a Value's box: label, data, and ``grad`` (None: not yet computed)."""
    if node_role == "constant":
        number = format_number(node.data, digits)
        return [(f"{shorten(node.label)} = {number}" if node.label else number, "plain")]
    rows: list[Row] = []
    if node.label:
        rows.append((shorten(node.label), "name"))
    rows.append((f"data {format_number(node.data, digits)}", "plain"))
    if show_grad:
        if grad is not None:
            rows.append((f"grad {format_number(grad, digits)}", "plain"))
        else:
            rows.append(("grad: not yet computed", "pending"))
            if pending is not None:
                rows.append((f"received so far {format_number(pending, digits)}", "pending"))
    return rows


def derivative_rows(local: float, upstream: float | None, digits: int) -> list[Row]:
    """ "local ∂out/∂in", then "upstream × local = product" once upstream is known.

    The product is what backward adds to the input's grad along this edge.
    """
    rows = [(f"local {format_number(local, digits)}", "plain")]
    if upstream is not None:
        product = upstream * local
        chain = f"{format_number(upstream, digits)} × {format_number(local, digits)}"
        rows.append((f"{chain} = {format_number(product, digits)}", "plain"))
    return rows


def derivative_label(rows: list[Row]) -> str:
    """A derivative box's label: its rows, centred, one line each."""
    return "<" + "<BR/>".join(escape_label(text) if text else " " for text, _ in rows) + ">"


def rows_label(rows: list[Row], *, small: bool = False) -> str:
    """An HTML-like label, one left-aligned cell per row (so text can change in place)."""
    cells = []
    for text, look in rows:
        text = escape_label(text) if text else " "
        if look == "name":
            text = f"<B>{text}</B>"
        elif look == "pending":
            text = f'<FONT COLOR="{PENDING_COLOR}"><I>{text}</I></FONT>'
        cells.append(f'<TR><TD ALIGN="LEFT">{text}</TD></TR>')
    padding = "0" if small else "1"
    return (
        f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="{padding}">'
        + "".join(cells)
        + "</TABLE>>"
    )


# -- grouping: examples of a batch, neurons ----------------------------------------------------


def _sum_terms(root: Value) -> list[Value]:
    """The terms of the root's sum, left to right: L(1) + L(2) + … gives L(1), L(2), …

    Unlabelled partial sums are looked through; a labelled Value is a term of its own.
    """
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

    Terms of the root's sum that share an interior node belong to one example (one
    example's loss may itself be a sum over outputs). There are examples when at least
    two remain and they share parameters; each example owns its interior nodes and the
    leaves only it uses (its inputs and constants). Parameters and the sum stay outside.
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
                continue
            seen = owner.get(node)
            if seen is not None:
                if find(seen) != find(number):
                    parent[find(seen)] = find(number)
                continue
            owner[node] = number
            stack.extend(node.inputs)
    components: dict[int, int] = {}
    for number in range(len(terms)):
        components.setdefault(find(number), len(components) + 1)
    if len(components) < 2:
        return {}
    example_of = {number: components[find(number)] for number in range(len(terms))}
    shared_parameter = any(
        is_parameter(leaf) and len({example_of[u] for u in users}) > 1
        for leaf, users in leaf_users.items()
    )
    if not shared_parameter:
        return {}
    groups = {node: example_of[number] for node, number in owner.items()}
    for leaf, users in leaf_users.items():
        examples = {example_of[u] for u in users}
        if len(examples) == 1 and not is_parameter(leaf):
            groups[leaf] = examples.pop()
    return groups


def neuron_groups(order: Iterable[Value]) -> dict[Value, str]:
    """{node: neuron name} for nn's pre-activations α_l[r] and activations h_l[r].

    nn labels a neuron's pre-activation "α1[2]" and its activation "h1[2]"; an h made
    from an α of the same neuron joins its group. The group is named after h.
    """
    groups: dict[Value, str] = {}
    for node in order:
        match = _ALPHA_LABEL.fullmatch(node.label)
        if match and node.inputs:
            groups.setdefault(node, f"h{match[1]}[{match[2]}]")
            continue
        match = _H_LABEL.fullmatch(node.label)
        if match and node.op in _ACTIVATIONS and len(node.inputs) == 1:
            (alpha,) = node.inputs
            if alpha.label == f"α{match[1]}[{match[2]}]":
                groups[node] = groups[alpha] = f"h{match[1]}[{match[2]}]"
    return groups


# -- the picture as data, then as DOT ----------------------------------------------------------


@dataclass
class Picture:
    """What one drawing of a graph shows, before it becomes DOT text.

    ``rows`` maps a DOT name to its label rows: a Value's box ("v3") and, with edge
    labels, a derivative box ("d3_0"). ``highlighted`` names the Values drawn in red. The
    player renders one Picture with every row at its widest and changes only the text.
    """

    rows: dict[str, list[Row]]
    highlighted: set[str] = field(default_factory=set)


@dataclass
class Plan:
    """What every drawing of one graph shares, whatever gradients it shows.

    The nodes in topological order, their roles ("v3" → "input"), the example and neuron
    groups, and the options; :meth:`picture` fills in gradients, :meth:`drawing` draws it.
    """

    order: list[Value]
    roles: dict[str, str]
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
        """The rows when ``grads`` holds the gradient of each Value a pass has reached.

        The others read "not yet computed", with ``pending``'s partial sum where it has one.
        """
        pending = pending or {}
        picture = Picture({})
        for position, node in enumerate(self.order):
            name = f"v{position}"
            grad, received = grads.get(node), pending.get(node)
            picture.rows[name] = value_rows(
                node, self.roles[name], self.show_grad, self.digits, grad, received
            )
            if node in highlighted:
                picture.highlighted.add(name)
            if self.edge_labels:
                # Shares with g = 1 are the local derivatives, one per edge.
                for slot, local in enumerate(shares_to_inputs(node, 1.0)):
                    picture.rows[f"d{position}_{slot}"] = derivative_rows(local, grad, self.digits)
        return picture

    def drawing(self, picture: Picture) -> Drawing:
        """The picture as a :class:`Drawing` of this graph."""
        operations = sum(1 for node in self.order if node.inputs)
        return Drawing(
            picture_dot(self, picture),
            len(self.order),
            operations,
            self.max_nodes,
            timeout=self.timeout,
        )


def _attributes(pairs: Mapping[str, str]) -> str:
    # Values starting with "<" are HTML-like labels and go in as they are.
    return ", ".join(
        f"{key}={value}" if value.startswith("<") else f'{key}="{value}"'
        for key, value in pairs.items()
    )


_OPERATION_STYLE = {
    "shape": "oval",
    "style": "filled",
    "fillcolor": ROLE_FILLS["operation"],
    "fontsize": "10",
    "margin": "0.05,0.02",
    "height": "0.3",
}
_VALUE_STYLE = {"shape": "box", "style": "rounded,filled"}
_CONSTANT_STYLE = {
    "shape": "box",
    "style": "rounded",
    "color": CONSTANT_BORDER,
    "fontsize": "9",
    "margin": "0.04,0.02",
    "height": "0.2",
    "width": "0.3",
}
_DERIVATIVE_STYLE = {
    "shape": "box",
    "style": "rounded",
    "color": "#bbbbbb",
    "fontsize": "8",
    "fontcolor": "#444444",
    "margin": "0.03,0.01",
    "height": "0.1",
    "width": "0.1",
}


def legend_dot(present: Collection[str]) -> list[str]:
    """A key of the colours of the roles ``present``: one HTML table, each in its own style.

    Only the roles the picture holds are listed, so the key never explains a box that is
    not there.
    """
    cells = []
    for name in (role_name for role_name in ROLES if role_name in present):
        fill = ROLE_FILLS[name]
        border = f' COLOR="{CONSTANT_BORDER}"' if name == "constant" else ""
        cells.append(
            f'<TR><TD BGCOLOR="{fill}" BORDER="1"{border} WIDTH="28"> </TD>'
            f'<TD ALIGN="LEFT"><B>{name}</B></TD>'
            f'<TD ALIGN="LEFT">{html.escape(ROLE_MEANINGS[name])}</TD></TR>'
        )
    table = (
        '<<TABLE BORDER="1" COLOR="#bbbbbb" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2">'
        '<TR><TD COLSPAN="3"><B>Key</B></TD></TR>' + "".join(cells) + "</TABLE>>"
    )
    return [f'  legend [id="legend", class="legend", shape="plain", fontsize="9", label={table}];']


def picture_dot(plan: Plan, picture: Picture) -> str:
    """The DOT text of a Picture: nodes in their clusters, then every edge.

    A graph with more than SIMPLEX_LIMITED_BENDS bend points caps Graphviz's network
    simplex, which is what made long-edged graphs take minutes.
    """
    order, edge_labels = plan.order, plan.edge_labels
    index = {node: position for position, node in enumerate(order)}
    lines = [
        "digraph autograd {",
        f'  graph [rankdir="{plan.rankdir}", nodesep="0.25", ranksep="0.35", bgcolor="white", '
        'fontname="Helvetica,Arial,sans-serif", fontsize="11"'
        + (f", {SIMPLEX_LIMITS}" if plan.bends > SIMPLEX_LIMITED_BENDS else "")
        + "];",
        '  node [fontname="Helvetica,Arial,sans-serif", fontsize="11"];',
        '  edge [fontname="Helvetica,Arial,sans-serif", fontsize="9", color="#555555"];',
    ]

    def node_lines(position: int) -> list[str]:
        node = order[position]
        name = f"v{position}"
        node_role = plan.roles[name]
        style = _CONSTANT_STYLE if node_role == "constant" else _VALUE_STYLE
        attributes = {"id": name, "class": node_role, **style}
        if node_role != "constant":
            attributes["fillcolor"] = ROLE_FILLS[node_role]
        attributes["label"] = rows_label(picture.rows[name], small=node_role == "constant")
        if name in picture.highlighted:
            attributes.update(color=HIGHLIGHT_COLOR, penwidth="3")
        out = [f"  {name} [{_attributes(attributes)}];"]
        if node.inputs:
            text = escape_label(shorten(operation_text(node.op)))
            operation = {"id": f"op{position}", "class": "operation", **_OPERATION_STYLE}
            if operand_name(node.op, 0) is not None:
                operation["ordering"] = "in"  # operands drawn in order: a before b, b, w1, h1, …
            operation["label"] = f"<{text}>"
            out.append(f"  op{position} [{_attributes(operation)}];")
            if edge_labels:
                for slot in range(len(node.inputs)):
                    key = f"d{position}_{slot}"
                    label = derivative_label(picture.rows[key])
                    attributes = {"id": key, "class": "derivative", **_DERIVATIVE_STYLE}
                    out.append(f"  {key} [{_attributes({**attributes, 'label': label})}];")
        return out

    # Clusters: example k holds its nodes, a neuron's α and h sit in a cluster inside.
    placed: dict[tuple[int | None, str | None], list[int]] = {}
    for position, node in enumerate(order):
        key = (plan.examples.get(node), plan.neurons.get(node))
        placed.setdefault(key, []).append(position)
    by_example: dict[int | None, list[tuple[str | None, list[int]]]] = {}
    for (example, neuron), positions in placed.items():
        by_example.setdefault(example, []).append((neuron, positions))
    for example in sorted(by_example, key=lambda e: (e is not None, e or 0)):
        indent = "  "
        if example is not None:
            lines.append(f"  subgraph cluster_example_{example} {{")
            lines.append(
                f'    graph [label="example {example}", id="example{example}", '
                'class="example", style="rounded,dashed", color="#888888", '
                'labeljust="l"];'
            )
            indent = "    "
        for neuron, positions in by_example[example]:
            if neuron is not None:
                first = positions[0]
                lines.append(f"{indent}subgraph cluster_neuron_{first} {{")
                title = escape_label(shorten(neuron))
                lines.append(
                    f'{indent}  graph [label=<neuron {title}>, class="neuron", '
                    'style="rounded", color="#bbbbbb", fontsize="9", labeljust="l"];'
                )
            for position in positions:
                for line in node_lines(position):
                    lines.append(indent[2:] + (line if neuron is None else "  " + line))
            if neuron is not None:
                lines.append(f"{indent}}}")
        if example is not None:
            lines.append("  }")

    highlight_edge = f'color="{HIGHLIGHT_COLOR}", penwidth="2"'
    for position, node in enumerate(order):
        if not node.inputs:
            continue
        marked = f"v{position}" in picture.highlighted
        operation = _dot_string(shorten(operation_text(node.op)))
        for slot, child in enumerate(node.inputs):
            name = operand_name(node.op, slot)
            # Graphviz titles an edge with its ends ("v0->op2"); its tooltip says its role.
            tooltip = f'tooltip="{name or f"operand {slot + 1}"} of {operation}"'
            attributes = [f'id="e{position}_{slot}"', tooltip]
            if name is not None:
                # A label of the edge's own: Graphviz makes room for it beside its edge,
                # where labels at the operation's end piled up on affine's 2n + 1 edges.
                attributes.append(f'label="{name}", fontcolor="#225588", fontsize="10"')
            if marked:
                attributes.append(highlight_edge)
            tail = f"v{index[child]}"
            if edge_labels:
                key = f"d{position}_{slot}"
                lines.append(
                    f'  {tail} -> {key} [id="e{position}_{slot}a", arrowhead="none", {tooltip}];'
                )
                tail = key
            lines.append(f"  {tail} -> op{position} [{', '.join(attributes)}];")
        output = f' [id="o{position}", {highlight_edge}]' if marked else f' [id="o{position}"]'
        lines.append(f"  op{position} -> v{position}{output};")
    if plan.legend:
        present = set(plan.roles.values())
        if any(node.inputs for node in plan.order):
            present.add("operation")
        lines.extend(legend_dot(present))
    lines.append("}")
    return "\n".join(lines) + "\n"


# -- guards: count first, cheaply ----------------------------------------------------------------


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
            return len(found)
    return len(found)


def layout_size(order: list[Value]) -> tuple[int, int, int]:
    """(bends, ranks, widest rank): what Graphviz's layout will have to place.

    Ranks are longest paths from the leaves (a Value and its operation take one rank
    each); a leaf sits just before its first consumer. An edge crossing k ranks needs
    k - 1 bend points, and the network simplex and the crossing minimisation work on
    them all: x used by 1,000 operations along a chain needs about 10⁶.
    """
    rank: dict[Value, int] = {}
    first_use: dict[Value, int] = {}
    for node in order:
        if not node.inputs:
            continue
        operation_rank = 1 + max((rank.get(child, 0) for child in node.inputs), default=0)
        rank[node] = operation_rank + 1
        for child in node.inputs:
            if not child.inputs:
                first_use[child] = min(first_use.get(child, operation_rank), operation_rank)
    for node in order:
        if not node.inputs:
            rank[node] = first_use.get(node, 1) - 1
    bends = 0
    for node in order:
        if node.inputs:
            operation_rank = rank[node] - 1
            bends += sum(operation_rank - rank[child] - 1 for child in node.inputs)
    ranks = 1 + max(rank.values())
    width: dict[int, int] = {}
    for r in rank.values():
        width[r] = width.get(r, 0) + 1
    return bends, ranks, max(width.values())


#: For rankdir="auto", rough sizes measured on the lectures' graphs: left to right, each
#: rank (a box or an oval, and the gap after it) takes about this many points of width;
#: top to bottom, each node side by side in the widest rank about this many.
LR_POINTS_PER_RANK = 110
TB_POINTS_PER_NODE = 110
#: A picture up to this wide (points) fits a notebook's output at a laptop's 1,280 px.
FITS_WIDTH = 900


def auto_rankdir(ranks: int, widest: int) -> str:
    """LR when it fits a laptop's width or is the narrower picture, else TB.

    A notebook shrinks a picture to its output's width, so the narrower direction keeps
    the text larger; where LR fits anyway, it wins, as it reads in the forward pass's
    direction. (Lecture 002's graphs: about 2,100 pt wide LR, 1,300 pt TB; 003's
    example-by-example graph is the other way round.)
    """
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

    Every Value is a box showing its label, ``data`` and ``grad``; every operation is a
    small grey oval between its inputs and its result, so edges run input → operation →
    output. Numbers show ``digits`` significant digits. Each node's role is its SVG class.

    Roles and colours (``legend=True`` draws this key into the picture):

    - root (pear green): the Value the graph was drawn from;
    - parameter (orange): a leaf nn made (``role(v) == "parameter"``) or one in
      ``parameters``; a user's own leaf is an input, whatever its name;
    - input (light cyan): any other leaf made with ``Value(...)``;
    - constant (small, plain, value only, no grad): a leaf an operator made from a plain
      number, such as the ½ and the target t in ½ (t − y)²;
    - intermediate (white): a result computed on the way;
    - operation (grey oval): "×", "a − b", "a ÷ b", "(·)²", "σ", "b + Σ w·h", ...; for
      − and ÷ the in-edges are marked a and b, and a is drawn first;
    - thick red border: a Value in ``highlight``, with the edges into its operation red;
    - grey italic "grad: not yet computed": no backward pass has reached that Value yet.

    A loss summed over examples (the root sums terms that share parameters and nothing
    else) draws each example in a frame titled "example k"; nn's neurons (α and h
    labelled "α1[2]", "h1[2]") sit in a frame titled with the neuron's name.

    Options:

    - ``rankdir``: "LR" (left to right), "TB", "RL", "BT", or "auto": LR where it fits a
      laptop's width or is the narrower picture, else TB.
    - ``show_grad``: False leaves gradients out.
    - ``highlight``: a Value or a collection of Values to draw distinctly.
    - ``parameters``: more leaves to draw as parameters (e.g. hand-made weights); a
      computed Value or a constant is refused (ValueError), as ``mark_parameters`` does.
    - ``legend``: True adds the key of the roles' colours.
    - ``edge_labels``: True puts on each edge input → operation a small box with the local
      derivative ∂out/∂input ("local 3") and, once ``out``'s gradient is computed, the
      chain-rule product upstream × local = what this edge adds to the input's grad. The
      box sits on its edge, so it cannot be read as another edge's.
    - ``max_nodes``: a graph with more Values is not drawn: ``svg()``, ``save()`` and the
      notebook display refuse it at once (RenderError, with what to draw instead). None
      lifts the cap; the layout-size guard and ``timeout`` still hold.
    - ``timeout``: seconds a render may take before it is stopped (RenderError); None
      waits for ever. Renders run in a child process, which Ctrl-C also stops.
    """
    highlighted = _as_node_set(highlight, "highlight")
    plan = plan_graph(
        root,
        rankdir=rankdir,
        show_grad=show_grad,
        parameters=parameters,
        legend=legend,
        edge_labels=edge_labels,
        digits=digits,
        max_nodes=max_nodes,
        timeout=timeout,
        caller="draw_graph",
    )
    if isinstance(plan, Drawing):
        return plan
    grads = {node: node.grad for node in plan.order if grad_computed(node)}
    return plan.drawing(plan.picture(grads, highlighted=highlighted))


def plan_graph(
    root: Value,
    *,
    rankdir: str,
    show_grad: bool,
    parameters: Iterable[Value] | None,
    legend: bool,
    edge_labels: bool,
    digits: int,
    max_nodes: int | None,
    timeout: float | None,
    caller: str,
) -> Plan | Drawing:
    """Check the options and the graph's size; the Plan, or a refused Drawing saying why."""
    if not isinstance(root, Value):
        raise TypeError(f"{caller} needs a Value to draw from, got {type(root).__name__}")
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
        return Drawing.refused(
            f"the graph has more than {MAX_BENDS:,} Values, more than any layout can place",
            max_nodes=max_nodes,
            value_count=count,
        )
    if max_nodes is not None and count > max_nodes:
        return Drawing.refused(
            f"the graph has more than {max_nodes:,} Values (max_nodes={max_nodes}; "
            "draw_graph(root, max_nodes=None) tries anyway, within its timeout)",
            max_nodes=max_nodes,
            value_count=count,
        )
    order = topological_order(root)
    bends, ranks, widest = layout_size(order)
    if bends > MAX_BENDS:
        return Drawing.refused(
            f"its layout would need about {bends:,} bend points (more than {MAX_BENDS:,}): "
            "a Value is used by operations many steps apart, as x in x + x + … + x",
            max_nodes=max_nodes,
            value_count=len(order),
        )

    def is_parameter(leaf: Value) -> bool:
        return leaf in parameter_set or role(leaf) == PARAMETER

    return Plan(
        order=order,
        # The role each node is drawn in: root, parameter, input, constant or intermediate.
        roles={
            f"v{position}": "root"
            if node is root
            else PARAMETER
            if is_parameter(node)
            else role(node)
            for position, node in enumerate(order)
        },
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


def _as_node_set(nodes: Value | Iterable[Value] | None, what: str) -> set[Value]:
    if nodes is None:
        return set()
    if isinstance(nodes, Value):
        return {nodes}
    if isinstance(nodes, (str, bytes)) or not isinstance(nodes, Iterable):
        raise TypeError(
            f"{what} must be a Value or a collection of Values, got {type(nodes).__name__}"
        )
    found = set(nodes)
    for node in found:
        if not isinstance(node, Value):
            raise TypeError(
                f"{what} must be a Value or a collection of Values, got a "
                f"{type(node).__name__} in it"
            )
    return found


def parameter_leaves(parameters: Iterable[Value] | None) -> set[Value]:
    """``parameters=`` as a set, each one checked to be a leaf a user or nn made.

    As :func:`~autograd_core.value.mark_parameters`: a computed Value gets its data from its
    inputs and a constant is a number written into a formula, so neither is drawn as a
    parameter with a gradient of its own.
    """
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
