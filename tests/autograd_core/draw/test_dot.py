"""draw_graph and Drawing: structure, labels, numbers, colours, rendering, display."""

import html
import math
import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from graphs import neuron

from autograd_core import RenderError, Value, affine, draw_graph
from autograd_core.draw import drawing as drawing_module
from autograd_core.draw import render
from autograd_core.draw.dot import (
    HIGHLIGHT_COLOR,
    ROLE_FILLS,
    format_number,
    operation_text,
)
from autograd_core.draw.drawing import Drawing

HAVE_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAVE_DOT, reason="Graphviz's dot is not on PATH")


def value_nodes(source):
    """{dot id: visible text of its label} for every Value node in DOT source."""
    nodes = {}
    for node_id, label in re.findall(r"^\s*(v\d+) \[.*label=<(.*)>.*\];$", source, re.M):
        text = re.sub(r"<BR/>", "\n", label)
        text = re.sub(r"<[^>]+>", "|", text)
        # Graphviz reads a doubled backslash in a label as one.
        parts = (html.unescape(part).replace("\\\\", "\\") for part in text.split("|"))
        nodes[node_id] = [part for part in parts if part]
    return nodes


def operation_nodes(source):
    return dict(re.findall(r"^\s*(op\d+) \[.*label=<(.*?)>\];$", source, re.M))


def derivative_texts(source):
    """{(input, operation): rows of the derivative box on that edge}."""
    boxes = {
        key: label.split("<BR/>")
        for key, label in re.findall(r"^\s*(d\d+_\d+) \[.*label=<(.*)>\];$", source, re.M)
    }
    into = {box: value for value, box in re.findall(r"^\s*(v\d+) -> (d\d+_\d+)", source, re.M)}
    out = dict(re.findall(r"^\s*(d\d+_\d+) -> (op\d+)", source, re.M))
    return {(into[box], out[box]): rows for box, rows in boxes.items()}


def edges(source):
    return re.findall(r"^\s*(v\d+|op\d+) -> (v\d+|op\d+)", source, re.M)


def svg_texts(svg):
    """Every text element of an SVG, which must parse as XML."""
    root = ET.fromstring(svg)
    return [element.text or "" for element in root.iter("{http://www.w3.org/2000/svg}text")]


def fmt4(x):
    return f"{x:.4g}"


# -- structure --


def test_one_node_per_value_one_per_operation_and_edges_through_the_operation():
    *_, y = neuron()
    source = draw_graph(y).source
    values = value_nodes(source)
    operations = operation_nodes(source)
    # x, w, b, w·x, w·x + b, tanh: six Values made by three operations.
    assert len(values) == 6
    assert sorted(operations.values()) == sorted(["×", "+", "tanh"])
    by_label = {texts[0]: node_id for node_id, texts in values.items() if not texts[0][0].isdigit()}
    product = next(i for i, t in values.items() if t[0] == "data -6")
    pre_activation = next(i for i, t in values.items() if t[0] == "data -5")
    found = edges(source)
    times = next(op for op, text in operations.items() if text == "×")
    plus = next(op for op, text in operations.items() if text == "+")
    tanh = next(op for op, text in operations.items() if text == "tanh")
    assert (by_label["w"], times) in found and (by_label["x"], times) in found
    assert (times, product) in found
    assert (product, plus) in found and (by_label["b"], plus) in found
    assert (plus, pre_activation) in found
    assert (pre_activation, tanh) in found and (tanh, by_label["y"]) in found
    assert len(found) == 2 + 1 + 2 + 1 + 1 + 1


def test_a_value_used_twice_by_one_operation_has_two_edges():
    a = Value(3.0, label="a")
    source = draw_graph(a * a).source
    assert edges(source).count(("v0", "op1")) == 2


def test_no_memory_address_in_the_source():
    _, _, _, y = neuron()
    source = draw_graph(y).source
    assert "0x" not in source
    assert str(id(y)) not in source


def test_the_same_graph_built_twice_gives_the_same_source_and_svg():
    first = draw_graph(neuron()[3])
    second = draw_graph(neuron()[3])
    assert first.source == second.source
    assert first == second
    assert first.svg() == second.svg()


DETERMINISM_SCRIPT = textwrap.dedent(
    """
    from autograd_core import Value, affine, draw_graph
    xs = [Value(float(i), label=f"x{i}") for i in range(6)]
    ws = [Value(0.5 - i, label=f"W1[1,{i + 1}]") for i in range(6)]
    a = affine(ws, xs, Value(0.25, label="b1[1]"))
    shared = {xs[0], xs[3], a}
    loss = sum((a.relu(), a.sigmoid() * xs[0], (xs[1] - xs[2]) ** 2, -xs[4] / xs[5])).log()
    loss.backward()
    drawing = draw_graph(loss, highlight=shared, parameters=set(ws), edge_labels=True)
    print(drawing.source)
    print(drawing.svg())
    """
)


def test_source_and_svg_are_identical_across_processes_with_different_hash_seeds():
    sources = []
    for seed in ("0", "1", "20240601"):
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", DETERMINISM_SCRIPT],
            capture_output=True,
            text=True,
            env=environment,
            check=True,
        )
        sources.append(result.stdout)
    assert sources[0].startswith("digraph")
    assert "<svg" in sources[0]
    assert sources[0] == sources[1] == sources[2]


# -- labels and numbers --


def test_svg_parses_and_holds_every_label_data_and_grad():
    *_, y = neuron()
    y.backward()
    texts = svg_texts(draw_graph(y).svg())
    sech2 = 1.0 / math.cosh(5.0) ** 2  # 1 − tanh²(−5), by hand
    for label in ("x", "w", "b", "y"):
        assert label in texts
    for data in (2.0, -3.0, 1.0, -6.0, -5.0, math.tanh(-5.0)):
        assert f"data {fmt4(data)}" in texts
    for grad in (-3.0 * sech2, 2.0 * sech2, sech2, 1.0):
        assert f"grad {fmt4(grad)}" in texts


def test_before_backward_every_grad_is_not_yet_computed_rather_than_zero():
    _, _, _, y = neuron()
    source = draw_graph(y).source
    assert source.count("grad: not yet computed") == 6
    assert "grad 0" not in source
    y.backward()
    assert "not yet computed" not in draw_graph(y).source


def test_show_grad_false_leaves_gradients_out():
    _, _, _, y = neuron()
    y.backward()
    source = draw_graph(y, show_grad=False).source
    texts = [t for texts in value_nodes(source).values() for t in texts]
    assert not [t for t in texts if "grad" in t]
    assert "data 2" in texts


HOSTILE = [
    '<script>alert("x")</script>',
    "a|b{c}d",
    "back\\slash \\n \\l",
    "\\N",  # Graphviz's escape for the node id
    "\\G \\E \\T \\H \\L",  # and for the graph, edge, tail, head and last label
    "amp & lt &lt; quote \" '",
    "line one\nline two",
    '>]; evil [label="pwned"]; v0 -> evil; x [label=<',
    "]]> <!-- --> <![CDATA[",
    "tab\there nul\x00 bell\x07 surrogate\ud800",
]


@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_labels_show_literally_and_inject_nothing(label):
    x = Value(1.5, label=label)
    y = x * 2.0
    y.backward()
    drawing = draw_graph(y)
    svg = drawing.svg()
    root = ET.fromstring(svg)
    # Nothing injected: no script element, exactly the three Values and one operation.
    assert not list(root.iter("{http://www.w3.org/2000/svg}script"))
    groups = root.iter("{http://www.w3.org/2000/svg}g")
    assert sum(1 for g in groups if g.get("class", "").split()[:1] == ["node"]) == 4
    texts = svg_texts(svg)
    visible = (
        label.replace("\t", "\\t")
        .replace("\x00", "\\x00")
        .replace("\x07", "\\x07")
        .replace("\ud800", "\\ud800")
    )
    for line in visible.split("\n"):
        assert line.strip() in [t.strip() for t in texts]


def test_control_characters_are_shown_as_escapes():
    drawing = draw_graph(Value(1.0, label="a\tb\x01"))
    assert "a\\tb\\x01" in value_nodes(drawing.source)["v0"]


@pytest.mark.parametrize(
    ("x", "digits", "text"),
    [
        (1234567.0, 4, "1.235e+06"),
        (0.000123456, 4, "0.0001235"),
        (-3.0, 4, "-3"),
        (2.0 / 3.0, 4, "0.6667"),
        (2.0 / 3.0, 2, "0.67"),
        (math.inf, 4, "inf"),
        (-math.inf, 4, "-inf"),
        (math.nan, 4, "nan"),
        (-0.0, 4, "0"),
    ],
)
def test_numbers_are_formatted_for_reading(x, digits, text):
    assert format_number(x, digits) == text


def test_digits_is_configurable_and_inf_and_nan_are_drawn():
    y = Value(1000.0, label="big").exp() + Value(-1.0).log()
    texts = [t for texts in value_nodes(draw_graph(y, digits=2).source).values() for t in texts]
    assert "data inf" in texts
    assert "data nan" in texts
    z = Value(2.0 / 3.0, label="z")
    assert "data 0.667" in value_nodes(draw_graph(z, digits=3).source)["v0"]


@pytest.mark.parametrize(
    ("op", "text"),
    [
        ("*", "×"),
        ("/", "a ÷ b"),
        ("-", "a − b"),
        ("**2", "(·)²"),
        ("**-1", "(·)⁻¹"),
        ("**0.5", "(·)^0.5"),
        ("**10", "(·)¹⁰"),
        ("**1e+300", "(·)^1e+300"),
        ("affine", "b + Σ w·h"),
        ("sigmoid", "σ"),
        ("something-new", "something-new"),
    ],
)
def test_operations_read_as_mathematics(op, text):
    assert operation_text(op) == text


def test_affine_and_power_nodes_in_a_drawing():
    w, h, b = Value(2.0, label="w"), Value(3.0, label="h"), Value(1.0, label="b")
    y = affine([w], [h], b) ** 2
    assert sorted(operation_nodes(draw_graph(y).source).values()) == ["(·)²", "b + Σ w·h"]


def edge_tooltips(source):
    """{edge id: its tooltip}, for the edges into operations."""
    return dict(re.findall(r'\[id="(e\d+_\d+a?)"[^\]]*?tooltip="([^"]*)"', source))


def test_every_input_of_affine_is_named_on_its_edge():
    # α = b + w₁h₁ + w₂h₂: which w multiplies which h is written on the edge.
    w1, h1 = Value(2.0, label="p"), Value(3.0, label="q")
    w2, h2 = Value(-1.0, label="r"), Value(5.0, label="s")
    b = Value(0.5, label="t")
    alpha = affine([w1, w2], [h1, h2], b)
    source = draw_graph(alpha).source
    ids = {label: node for node, (label, *_) in value_nodes(source).items()}
    heads = dict(re.findall(r'^\s*(v\d+) -> op\d+ \[.*?label="([^"]+)"', source, re.M))
    assert heads == {ids["t"]: "b", ids["p"]: "w₁", ids["q"]: "h₁", ids["r"]: "w₂", ids["s"]: "h₂"}
    assert 'ordering="in"' in source  # drawn in that order
    svg = draw_graph(alpha).svg()
    for name in ("b", "w₁", "h₁", "w₂", "h₂"):
        assert name in svg_texts(svg)


def test_every_edge_says_its_operand_role():
    x, y = Value(2.0, label="x"), Value(3.0, label="y")
    out = (x - y) * x / 2.0
    source = draw_graph(out, edge_labels=True).source
    tooltips = edge_tooltips(source)
    edges = re.findall(r'\[id="(e\d+_\d+a?)"', source)
    assert edges and sorted(tooltips) == sorted(edges)  # every one, both halves of each
    assert set(tooltips.values()) == {
        "a of a − b",
        "b of a − b",
        "a of a ÷ b",
        "b of a ÷ b",
        "operand 1 of ×",
        "operand 2 of ×",
    }
    # In the SVG the tooltip is the edge's link title, which browsers show on hover.
    svg = draw_graph(out).svg()
    assert 'xlink:title="a of a − b"' in svg


def test_an_operation_name_with_quotes_stays_inside_its_tooltip():
    x = Value(1.0, label="x")
    odd = Value.from_op(2.0, [x], [2.0], 'say "hi" \\N')
    source = draw_graph(odd).source
    assert 'tooltip="operand 1 of say \\"hi\\" \\\\N"' in source
    assert "say &quot;hi&quot; \\N" in draw_graph(odd).svg()


# -- edge labels: the chain rule --


def test_edge_labels_show_local_derivative_and_chain_rule_product():
    # L = (x·y)² at x = 3, y = −2. By hand: ∂L/∂(xy) = 2xy = −12; ∂(xy)/∂x = y = −2, so the
    # edge x → × carries −12 × −2 = 24; ∂(xy)/∂y = x = 3, so y's edge carries −36.
    x, y = Value(3.0, label="x"), Value(-2.0, label="y")
    loss = (x * y) ** 2
    before = draw_graph(loss, edge_labels=True).source
    # Before backward only the local derivatives are known: no upstream, no product.
    # Each edge's numbers sit in a box on that edge: x (v0) -> d2_0 -> the × oval.
    assert derivative_texts(before) == {
        ("v0", "op2"): ["local -2"],
        ("v1", "op2"): ["local 3"],
        ("v2", "op3"): ["local -12"],
    }
    loss.backward()
    after = draw_graph(loss, edge_labels=True).source
    assert derivative_texts(after) == {
        ("v0", "op2"): ["local -2", "-12 × -2 = 24"],
        ("v1", "op2"): ["local 3", "-12 × 3 = -36"],
        ("v2", "op3"): ["local -12", "1 × -12 = -12"],  # ∂(u²)/∂u = 2u = −12
    }


# -- colours --


def fill_of(source, node_id):
    return re.search(rf'^\s*{node_id} \[.*?fillcolor="([^"]+)"', source, re.M).group(1)


def svg_roles(svg):
    """{first text of the node: its role class} for every node of an SVG."""
    root = ET.fromstring(svg)
    namespace = "{http://www.w3.org/2000/svg}"
    roles = {}
    for group in root.iter(f"{namespace}g"):
        classes = group.get("class", "").split()
        if classes[:1] == ["node"]:
            texts = [t.text for t in group.iter(f"{namespace}text")]
            roles[texts[0] if texts else group.get("id")] = classes[1]
    return roles


def test_roles_come_from_how_a_value_was_made_not_from_its_label():
    # A user's leaves named like parameters are inputs; nn's marked parameters are
    # parameters whatever their label; 2.0 written into the formula is a constant.
    from autograd_core.value import mark_parameters

    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    weight = Value(0.5, label="x")  # a parameter with an input's name
    mark_parameters([weight])
    w = Value(3.0, label="W1[1,1]")  # an input with a parameter's name
    y = (a * b + weight * w) * 2.0
    y.label = "y"
    y.backward()
    svg = draw_graph(y).svg()
    roles = svg_roles(svg)
    assert roles["a"] == roles["b"] == roles["W1[1,1]"] == "input"
    assert roles["x"] == "parameter"
    assert roles["y"] == "root"
    assert roles["2"] == "constant"
    assert roles["data 2"] == "intermediate"  # a·b
    assert svg.count('class="node operation"') == 4  # ×, ×, +, ×
    # parameters= adds to nn's marks.
    explicit = svg_roles(draw_graph(y, parameters=[a]).svg())
    assert explicit["a"] == explicit["x"] == "parameter"
    assert explicit["b"] == "input"


def test_role_colours_match_the_legend():
    x = Value(1.0, label="x")
    weight = Value(0.5, label="w")
    y = (weight * x + 1.0).relu()
    source = draw_graph(y, parameters=[weight], legend=True).source
    ids = {texts[0]: node for node, texts in value_nodes(source).items()}
    assert fill_of(source, ids["x"]) == ROLE_FILLS["input"]
    assert fill_of(source, ids["w"]) == ROLE_FILLS["parameter"]
    assert fill_of(source, ids["data 0.5"]) == ROLE_FILLS["intermediate"]
    assert fill_of(source, f"v{len(value_nodes(source)) - 1}") == ROLE_FILLS["root"]
    # The key holds each role's name next to a swatch of its fill.
    key = re.search(r"^\s*legend \[.*\];$", source, re.M).group(0)
    for role_name, fill in ROLE_FILLS.items():
        assert f'<TD BGCOLOR="{fill}"' in key
        assert f"<B>{role_name}</B>" in key
    assert "legend" not in draw_graph(y).source


def test_the_legend_lists_only_the_roles_in_the_picture():
    x = Value(2.0, label="x")
    key = re.search(r"^\s*legend \[.*\];$", draw_graph(x * x, legend=True).source, re.M)[0]
    # x * x holds an input, an operation and the root, and no parameter or constant.
    listed = re.findall(r"<B>(\w+)</B>", key)
    assert listed == ["Key", "root", "input", "operation"]


def test_constants_show_their_value_only_and_no_gradient():
    # ½ (t − y)² with t = 0.3 and y = 2x at x = 1: the 0.5, 0.3 and 2 are constants.
    x = Value(1.0, label="x")
    y = x * 2.0
    loss = 0.5 * (0.3 - y) ** 2
    loss.backward()
    source = draw_graph(loss).source
    constants = [
        re.findall(r'<TD ALIGN="LEFT">([^<]*)</TD>', label)
        for label in re.findall(r'^\s*v\d+ \[.*class="constant".*label=<(.*)>\];$', source, re.M)
    ]
    assert sorted(constants) == [["0.3"], ["0.5"], ["2"]]
    svg = draw_graph(loss).svg()
    root = ET.fromstring(svg)
    for group in root.iter("{http://www.w3.org/2000/svg}g"):
        if "constant" in group.get("class", "").split():
            texts = [t.text for t in group.iter("{http://www.w3.org/2000/svg}text")]
            assert len(texts) == 1 and "grad" not in texts[0]


def test_highlight_takes_a_value_or_a_collection():
    x, w, _, y = neuron()
    one = draw_graph(y, highlight=x).source
    assert one.count('penwidth="3"') == 1
    marked = re.search(r'^  (v\d+) \[.*penwidth="3"', one, re.M).group(1)
    assert value_nodes(one)[marked][0] == "x"
    several = draw_graph(y, highlight={x, w, y}).source
    assert several.count('penwidth="3"') == 3
    assert HIGHLIGHT_COLOR in several
    with pytest.raises(TypeError, match="highlight"):
        draw_graph(y, highlight=[x, "w"])


@pytest.mark.parametrize("kind", ["intermediate", "constant"])
def test_parameters_must_be_leaves_a_user_or_nn_made(kind):
    _, w, b, y = neuron()
    half = Value(1.0, label="x") * 0.5
    wrong = {"intermediate": y.inputs[0], "constant": half.inputs[1]}[kind]
    with pytest.raises(ValueError, match="parameters= takes leaf Values") as refused:
        draw_graph(y if kind == "intermediate" else half, parameters=[wrong])
    what = "the result of '+'" if kind == "intermediate" else "a constant"
    assert what in str(refused.value)
    with pytest.raises(TypeError, match="parameters"):
        draw_graph(y, parameters=[w, 3.0])
    # Leaves the user made are accepted, and drawn as parameters.
    source = draw_graph(y, parameters=[w, b]).source
    assert source.count('class="parameter"') == 2


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="Value"):
        draw_graph(3.0)
    with pytest.raises(ValueError, match="LR, TB"):
        draw_graph(Value(1.0), rankdir="sideways")
    with pytest.raises(ValueError, match="digits"):
        draw_graph(Value(1.0), digits=0)
    assert 'rankdir="TB"' in draw_graph(Value(1.0), rankdir="TB").source


# -- rendering and saving --


@pytest.mark.parametrize(
    ("suffix", "magic"),
    [(".svg", b"<?xml"), (".png", b"\x89PNG"), (".pdf", b"%PDF"), (".dot", b"digraph")],
)
def test_save_writes_each_format_by_suffix(tmp_path, suffix, magic):
    _, _, _, y = neuron()
    drawing = draw_graph(y)
    path = drawing.save(tmp_path / f"graph{suffix}")
    assert path.read_bytes().startswith(magic)
    if suffix == ".dot":
        assert path.read_text(encoding="utf-8") == drawing.source
    assert [p.name for p in tmp_path.iterdir()] == [f"graph{suffix}"]


def test_save_rejects_an_unknown_suffix_and_writes_nothing(tmp_path):
    drawing = draw_graph(Value(1.0))
    for name in ("graph.jpg", "graph"):
        with pytest.raises(ValueError, match=r"\.svg, \.png, \.pdf, \.dot"):
            drawing.save(tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_save_leaves_no_file_when_rendering_fails(tmp_path, monkeypatch):
    def broken(self, fmt, renderer=None):
        raise RenderError("simulated failure")

    monkeypatch.setattr(Drawing, "render", broken)
    (tmp_path / "old.png").write_bytes(b"previous")
    with pytest.raises(RenderError):
        draw_graph(Value(1.0)).save(tmp_path / "old.png")
    assert (tmp_path / "old.png").read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["old.png"]


def test_pygraphviz_renderer():
    _, _, _, y = neuron()
    texts = svg_texts(draw_graph(y).svg(renderer="pygraphviz"))
    assert {"x", "w", "b", "y"} <= set(texts)


@needs_dot
def test_dot_renderer():
    _, _, _, y = neuron()
    drawing = draw_graph(y)
    texts = svg_texts(drawing.svg(renderer="dot"))
    assert {"x", "w", "b", "y", "data -6"} <= set(texts)
    assert drawing.render("png", renderer="dot").startswith(b"\x89PNG")
    assert drawing.render("pdf", renderer="dot").startswith(b"%PDF")


def hide_pygraphviz(monkeypatch):
    monkeypatch.setitem(sys.modules, "pygraphviz", None)  # makes `import pygraphviz` fail


@needs_dot
def test_without_pygraphviz_the_dot_program_renders(monkeypatch, tmp_path):
    hide_pygraphviz(monkeypatch)
    _, _, _, y = neuron()
    assert "tanh" in svg_texts(draw_graph(y).svg())
    assert draw_graph(y).save(tmp_path / "g.pdf").read_bytes().startswith(b"%PDF")


def test_render_error_with_install_hints_when_neither_renderer_is_present(monkeypatch, tmp_path):
    hide_pygraphviz(monkeypatch)
    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    drawing = draw_graph(neuron()[3])
    with pytest.raises(RenderError, match=re.escape('pip install "autograd-core[render]"')):
        drawing.svg()
    with pytest.raises(RenderError, match="Graphviz"):
        drawing.save(tmp_path / "graph.svg")
    with pytest.raises(RenderError, match="pygraphviz is not installed"):
        drawing.svg(renderer="pygraphviz")
    with pytest.raises(RenderError, match="dot"):
        drawing.svg(renderer="dot")
    assert list(tmp_path.iterdir()) == []
    # The DOT text needs no renderer.
    assert drawing.save(tmp_path / "graph.dot").read_text(encoding="utf-8") == drawing.source
    # The display falls back to the DOT text and the hint.
    bundle = drawing._repr_mimebundle_()
    assert "image/svg+xml" not in bundle
    assert drawing.source in bundle["text/plain"]
    assert "autograd-core[render]" in bundle["text/plain"]


def test_unknown_renderer_is_named():
    with pytest.raises(ValueError, match="pygraphviz, dot"):
        draw_graph(Value(1.0)).svg(renderer="neato")


# -- Jupyter display --


def test_display_shows_the_svg():
    drawing = draw_graph(neuron()[3])
    bundle = drawing._repr_mimebundle_()
    assert "x" in svg_texts(bundle["image/svg+xml"])


@pytest.mark.parametrize("failure", [RuntimeError("boom"), MemoryError(), OSError(5, "io")])
def test_display_never_raises_when_rendering_fails(monkeypatch, failure):
    def broken(self, fmt, renderer=None):
        raise failure

    monkeypatch.setattr(Drawing, "render", broken)
    drawing = draw_graph(neuron()[3])
    bundle = drawing._repr_mimebundle_()
    assert drawing.source in bundle["text/plain"]


def test_graphs_above_max_nodes_are_refused_everywhere_without_rendering(monkeypatch, tmp_path):
    x = Value(0.5, label="x")
    y = x
    for _ in range(30):
        y = y * 1.01
    drawing = draw_graph(y, max_nodes=20)  # x, 30 constants, 30 products: 61 Values

    def must_not_render(*args, **kwargs):
        raise AssertionError("a graph above max_nodes was rendered")

    with monkeypatch.context() as patch:
        patch.setattr(drawing_module, "render", must_not_render)
        bundle = drawing._repr_mimebundle_()
        for attempt in (drawing.svg, lambda: drawing.save(tmp_path / "big.svg")):
            with pytest.raises(RenderError, match="max_nodes=20") as refused:
                attempt()
            assert "draw_network" in str(refused.value)
    assert "image/svg+xml" not in bundle
    for part in ("more than 20 Values", "max_nodes=None", "draw_network"):
        assert part in bundle["text/plain"]
    assert list(tmp_path.iterdir()) == []  # nothing half-written
    # It says it was refused, and has no DOT text to give.
    assert repr(drawing).startswith("<Drawing refused: this computation graph is not drawn")
    assert "more than 20 Values" in repr(drawing)
    with pytest.raises(RenderError, match="max_nodes=20"):
        _ = drawing.source
    with pytest.raises(RenderError, match="max_nodes=20"):
        drawing.save(tmp_path / "big.dot")
    assert "<p>this computation graph is not drawn" in bundle["text/html"]
    uncapped = draw_graph(y, max_nodes=None)._repr_mimebundle_()
    assert "image/svg+xml" in uncapped


def test_repr_reads_as_prose():
    assert repr(draw_graph(neuron()[3])) == "<Drawing of 6 values and 3 operations>"


def test_save_returns_a_path(tmp_path):
    assert isinstance(draw_graph(Value(1.0)).save(str(tmp_path / "a.dot")), Path)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_saved_files_get_ordinary_permissions(tmp_path, umask, mode):
    # A child process with a known umask (reading this process's own would mean setting it,
    # which races with every other thread): a new file is 0666 trimmed by the umask.
    path = tmp_path / "graph.dot"
    code = (
        "import sys\n"
        "from autograd_core import Value, draw_graph\n"
        "draw_graph(Value(1.0, label='x') * 2.0).save(sys.argv[1])\n"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, umask=umask)
    assert stat.S_IMODE(path.stat().st_mode) == mode


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_saving_over_a_file_keeps_its_permissions(tmp_path):
    path = tmp_path / "graph.dot"
    path.write_text("old")
    path.chmod(0o600)  # e.g. a private file: overwriting it must not open it up
    draw_graph(Value(1.0, label="x") * 2.0).save(path)
    assert path.read_text().startswith("digraph")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o640)
    draw_graph(Value(1.0, label="x") * 2.0).save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges")
def test_saving_over_a_symbolic_link_replaces_the_link_and_leaves_its_target(tmp_path):
    target = tmp_path / "target.txt"
    target.write_text("keep me")
    link = tmp_path / "graph.dot"
    link.symlink_to(target)
    draw_graph(Value(1.0, label="x") * 2.0).save(link)
    assert not link.is_symlink()
    assert link.read_text().startswith("digraph")
    assert target.read_text() == "keep me"


def test_rendering_leaves_this_process_stderr_alone(monkeypatch):
    # Pointing descriptor 2 elsewhere while Graphviz runs would take stderr away from every
    # other thread meanwhile; the render's warnings are the child process's own.
    pytest.importorskip("pygraphviz")
    redirected = []
    dup2 = os.dup2
    drawing = draw_graph(Value(1.0, label="x") * 2.0)
    with monkeypatch.context() as patch:  # undone before pytest's own capture uses dup2
        patch.setattr(os, "dup2", lambda *args: redirected.append(args) or dup2(*args))
        svg = drawing.svg(renderer="pygraphviz")
    assert "<svg" in svg
    assert redirected == []


def test_rendering_keeps_the_fontconfig_warning_off_stderr():
    # The bundled Graphviz's fontconfig complains on stderr whenever its configuration does
    # not suit it; a configuration file that does not exist makes it complain for certain
    # (it still renders, with its default fonts). None of that may reach a student's screen.
    pytest.importorskip("pygraphviz")
    code = (
        "from autograd_core import Value, draw_graph\n"
        "x = Value(1.0, label='x')\n"
        "print(draw_graph(x * 2.0).svg(renderer='pygraphviz')[:5])\n"
    )
    environment = {**os.environ, "FONTCONFIG_FILE": "/nonexistent/fonts.conf"}
    warns = subprocess.run(
        [
            sys.executable,
            "-c",
            "import pygraphviz; pygraphviz.AGraph('digraph{a}').draw(format='svg', prog='dot')",
        ],
        capture_output=True,
        text=True,
        env=environment,
    )
    assert "Fontconfig" in warns.stderr  # Graphviz called directly does complain
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment
    )
    assert result.stdout.startswith("<?xml")
    assert result.stderr == ""
