"""What the picture says by its layout: examples and neurons framed, operand order, edges."""

import base64
import re
import xml.etree.ElementTree as ET

import pytest

from autograd_core import Value, draw_graph, topological_order
from autograd_core.draw import dot

SVG = "{http://www.w3.org/2000/svg}"


def cluster_boxes(svg, kind):
    """{title: (x0, y0, x1, y1)} of each cluster of class ``kind``."""
    root = ET.fromstring(svg)
    boxes = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class", "").split() != ["cluster", kind]:
            continue
        title = next(t.text for t in group.iter(f"{SVG}text"))
        shape = next(e for e in group if e.tag in (f"{SVG}path", f"{SVG}polygon"))
        numbers = [
            float(n) for n in re.findall(r"-?\d+\.?\d*", shape.get("d") or shape.get("points"))
        ]
        xs, ys = numbers[0::2], numbers[1::2]
        boxes[title] = (min(xs), min(ys), max(xs), max(ys))
    return boxes


def node_centres(svg):
    """{node id: (x, y, first text)} for every node of an SVG."""
    root = ET.fromstring(svg)
    centres = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class", "").split()[:1] != ["node"]:
            continue
        texts = list(group.iter(f"{SVG}text"))
        xs = [float(t.get("x")) for t in texts]
        ys = [float(t.get("y")) for t in texts]
        first = texts[0].text if texts else ""
        centres[group.get("id")] = (sum(xs) / len(xs), sum(ys) / len(ys), first)
    return centres


def inside(point, box):
    x, y = point[:2]
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def batch_loss(examples=2):
    nn = pytest.importorskip("nn")
    from nn.losses import half_squared_error, value_sum

    model = nn.MLP(2, [2, 1], seed=1)
    data = [([1.0, -0.5], 0.3), ([0.5, 2.0], -0.2), ([-1.0, 1.0], 0.1)][:examples]
    loss = value_sum([half_squared_error(model(x), t) for x, t in data])
    loss.label = "L"
    loss.backward()
    return model, loss


def test_a_batch_loss_frames_each_example_and_each_neuron():
    _, loss = batch_loss(2)
    svg = draw_graph(loss).svg()
    examples = cluster_boxes(svg, "example")
    assert sorted(examples) == ["example 1", "example 2"]
    centres = node_centres(svg)
    inputs = [c for c in centres.values() if c[2] in ("x1", "x2")]
    assert len(inputs) == 4  # x1, x2 of each example, each inside exactly one frame
    for point in inputs:
        assert sum(inside(point, box) for box in examples.values()) == 1
    # Parameters are shared by the examples: drawn outside both frames.
    weights = [c for c in centres.values() if re.fullmatch(r"[Wb]\d\[[\d,]+\]", c[2])]
    assert len(weights) == 9  # 2-2-1: 4 + 2 weights and biases in layer 1, 2 + 1 in layer 2
    for point in weights:
        assert not any(inside(point, box) for box in examples.values())
    # Each neuron's α and h sit in a frame titled with the neuron's name, once per example.
    neurons = re.findall(r"<text[^>]*>neuron (h\d\[\d\])</text>", svg)
    assert sorted(neurons) == sorted(["h1[1]", "h1[2]", "h2[1]"] * 2)
    for title, box in cluster_boxes(svg, "neuron").items():
        name = title.removeprefix("neuron ")
        alpha = "α" + name[1:]
        labels = {c[2] for c in centres.values() if inside(c, box)}
        assert alpha in labels
        if name.startswith("h1"):
            assert name in labels  # the hidden layer's activation; the output is linear


def frame_members(root):
    """{node: the neuron frame it is drawn in, or None}, read from the DOT text."""
    source = draw_graph(root).source
    names = {f"v{i}": node for i, node in enumerate(topological_order(root))}
    members = dict.fromkeys(names.values())
    for title, body in re.findall(
        r"subgraph cluster_neuron_\d+ \{.*?label=<neuron ([^>]*)>(.*?)\}", source, re.S
    ):
        for name in re.findall(r"^\s*(v\d+) \[", body, re.M):
            members[names[name]] = title
    return members


def test_a_neuron_built_from_products_and_sums_frames_its_whole_weighted_sum():
    # Lecture 002's networks without biases: α = w₁x₁ + w₂x₂ + w₃x₃ from × and +.
    x1, x2, x3 = (Value(v, label=f"x{j}") for j, v in enumerate((1.0, 0.5, -2.0), start=1))
    w1, w2, w3 = (Value(v, label=f"w{j}") for j, v in enumerate((0.6, -0.4, 0.3), start=1))
    shared = w3 * x3  # also used outside the neuron: it stays outside the frame
    partial = w1 * x1 + w2 * x2
    alpha = partial + shared
    alpha.label = "α1[1]"
    h = alpha.sigmoid()
    h.label = "h1[1]"
    out = h + shared
    out.backward()
    members = frame_members(out)
    inside = {node for node, frame in members.items() if frame == "h1[1]"}
    assert inside == {alpha, h, partial, *partial.inputs}  # α, h, the partial sum, w₁x₁, w₂x₂
    assert members[shared] is None and members[out] is None


def test_only_a_hand_built_weighted_sum_joins_a_neuron_frame():
    nn = pytest.importorskip("nn")
    x1, x2 = Value(1.0, label="x1"), Value(0.5, label="x2")
    # nn's neuron (one affine node) on computed features: the features stay outside.
    features = [x1 * x2, x1 + x2]
    y = nn.Neuron(2, activation="tanh", seed=0)(features)
    members = frame_members(y)
    assert {node for node, frame in members.items() if frame} == {y, y.inputs[0]}
    assert all(members[f] is None for f in features)
    # A neuron whose activation is unlabelled: that activation is not the next neuron's.
    a1 = x1 * 0.5 + x2 * 0.25
    a1.label = "α1[1]"
    t = a1.tanh()  # unlabelled, so not h1[1]
    a2 = t * 2.0 + x1 * 1.0
    a2.label = "α1[2]"
    members = frame_members(a2)
    assert members[t] is None and members[a1] == "h1[1]"
    assert members[a2.inputs[0]] == "h1[2]"  # t·2, a product of a2's sum


def test_one_example_or_no_parameters_draws_no_example_frames():
    _, loss = batch_loss(1)
    assert "cluster_example" not in draw_graph(loss).source
    # Two products summed, sharing nothing: an expression, not a batch.
    a, b, c, d = (Value(v, label=n) for v, n in [(1.0, "a"), (2.0, "b"), (3.0, "c"), (4.0, "d")])
    assert "cluster_example" not in draw_graph(a * b + c * d).source
    # The same with a shared weight passed as a parameter is a batch of two examples.
    w = Value(0.5, label="w")
    source = draw_graph((w * a).tanh() + (w * c).tanh(), parameters=[w]).source
    assert source.count("subgraph cluster_example_") == 2


@pytest.mark.parametrize("op", ["-", "/"])
def test_the_first_operand_of_minus_and_divide_is_marked_and_drawn_first(op):
    # y is made before t, so a layout by creation order would put y first; t − y must
    # still show t as operand a, drawn above b (rankdir LR).
    y = Value(2.0, label="y")
    t = Value(0.3, label="t")
    z = t - y if op == "-" else t / y
    source = draw_graph(z).source
    t_id, y_id = (re.search(rf"(v\d+) \[.*<B>{name}</B>", source)[1] for name in ("t", "y"))
    assert re.search(rf'{t_id} -> op2 \[.*label="a"', source)
    assert re.search(rf'{y_id} -> op2 \[.*label="b"', source)
    assert 'ordering="in"' in re.search(r"^\s*op2 \[.*$", source, re.M)[0]
    centres = node_centres(draw_graph(z).svg())
    assert centres[t_id][1] < centres[y_id][1]  # SVG y grows downwards: t above y


def test_each_derivative_box_sits_on_its_own_edge():
    # σ(w1·x1 + w2·x2 + b), the case where edge labels used to land on the wrong edge.
    x1, x2 = Value(1.0, label="x1"), Value(-2.0, label="x2")
    w1, w2, b = Value(0.5, label="w1"), Value(0.25, label="w2"), Value(0.1, label="b")
    y = (w1 * x1 + w2 * x2 + b).sigmoid()
    y.backward()
    drawing = draw_graph(y, edge_labels=True)
    centres = node_centres(drawing.svg())
    # Every box lies between the Value it comes from and the oval it goes into (LR).
    for box, operation in re.findall(r"^\s*(d\d+_\d+) -> (op\d+)", drawing.source, re.M):
        (tail,) = re.findall(rf"^\s*(v\d+) -> {box}\b", drawing.source, re.M)
        assert centres[tail][0] < centres[box][0] < centres[operation][0]
    # w1's box reads x1 (= ∂(w1·x1)/∂w1), x2's reads w2.
    w1_id = re.search(r"(v\d+) \[.*<B>w1</B>", drawing.source)[1]
    (w1_box,) = re.findall(rf"^\s*{w1_id} -> (d\d+_\d+)", drawing.source, re.M)
    assert centres[w1_box][2] == "local 1"


def test_auto_rankdir_lays_a_long_chain_top_to_bottom():
    x = Value(0.1, label="x")
    y = x
    for _ in range(30):
        y = y.tanh()
    assert 'rankdir="TB"' in draw_graph(y, rankdir="auto").source
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    assert 'rankdir="LR"' in draw_graph((a * b).relu(), rankdir="auto").source
    assert 'rankdir="LR"' in draw_graph(y).source  # the default stays LR


def svg_width(drawing):
    return float(re.search(r'<svg width="([\d.]+)pt"', drawing.svg())[1])


def chain(length):
    x = Value(0.1, label="x")
    y = x
    for _ in range(length):
        y = y.tanh()
    return y


@pytest.mark.parametrize(
    "graph",
    [
        lambda: chain(12),
        lambda: chain(4),
        lambda: (Value(1.0, label="a") * Value(2.0, label="b")).relu(),
        lambda: batch_loss(2)[1],
        lambda: batch_loss(3)[1],
    ],
)
def test_auto_rankdir_keeps_lr_where_it_fits_else_picks_the_narrower_picture(graph):
    # Checked against Graphviz's own layouts, both ways: a notebook shrinks a picture to
    # its width, so the narrower one keeps its text larger.
    root = graph()
    picked = re.search(r'rankdir="(\w+)"', draw_graph(root, rankdir="auto").source)[1]
    left_to_right = svg_width(draw_graph(root, rankdir="LR"))
    top_to_bottom = svg_width(draw_graph(root, rankdir="TB"))
    if picked == "LR":
        assert left_to_right <= dot.FITS_WIDTH or left_to_right <= top_to_bottom
    else:
        assert left_to_right > dot.FITS_WIDTH and top_to_bottom < left_to_right


def test_notebook_display_fits_the_width_with_the_full_size_one_click_away():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    drawing = draw_graph(a * b)
    bundle = drawing._repr_mimebundle_()
    page = bundle["text/html"]
    scaled, full = re.findall(r"<img [^>]*>", page)
    assert "max-width: 100%; height: auto" in scaled
    assert "<details>" in page and "full size" in page
    assert "max-width: none" in full
    # Both show the very SVG the drawing renders, with no script in the output.
    for image in (scaled, full):
        data = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', image)[1]
        assert base64.b64decode(data).decode("utf-8") == drawing.svg()
    assert "<script" not in page


def test_a_batch_drawn_twice_gives_the_same_text():
    # Frames are keyed on creation order, never on ids or set order.
    sources = {draw_graph(batch_loss(3)[1], legend=True).source for _ in range(2)}
    assert len(sources) == 1
    assert next(iter(sources)).count("subgraph cluster_example_") == 3
