"""step_through: one frame per backward step, and the ways to show them."""

import base64
import html
import json
import math
import re
import sys
import xml.etree.ElementTree as ET

import pytest
from graphs import neuron

from autograd_core import StepThrough, Value, draw_graph, step_through, topological_order
from autograd_core.draw import PlayerTooLarge, RenderError
from autograd_core.draw.drawing import Drawing
from autograd_core.draw.player import player_fragment

SECH2 = 1.0 / math.cosh(5.0) ** 2  # ∂tanh(u)/∂u at u = w·x + b = −5, by hand


def highlighted_id(source):
    return re.search(r'^\s*(v\d+) \[.*penwidth="3"', source, re.M).group(1)


def label_of(source, node_id):
    match = re.search(rf'^\s*{node_id} \[.*?<TD ALIGN="LEFT">(?:<B>)?([^<]*)', source, re.M)
    return match.group(1)


def test_one_frame_per_node_in_reverse_topological_order():
    *_, y = neuron()
    order = topological_order(y)
    frames = step_through(y)
    assert isinstance(frames, StepThrough)
    assert len(frames) == len(order) == 6
    # Node ids are topological positions, so reverse order highlights v5, v4, ..., v0.
    assert [highlighted_id(frame.source) for frame in frames] == [f"v{i}" for i in range(5, -1, -1)]
    assert [frame.source.count('penwidth="3"') for frame in frames] == [1] * 6


def test_each_frame_shows_the_gradients_computed_so_far():
    *_, y = neuron()
    frames = step_through(y)
    for index, frame in enumerate(frames):
        assert frame.source.count("grad: not yet computed") == len(frames) - 1 - index


def test_frames_are_snapshots_with_partial_sums_received_so_far():
    *_, y = neuron()
    frames = step_through(y)
    # Step 3 (index 2) is the product w·x passing back: x has received w·sech²(5) and w
    # has received x·sech²(5), but neither has been reached yet.
    third = frames[2].source
    assert label_of(third, highlighted_id(third)) == "data -6"
    assert f"received so far {-3.0 * SECH2:.4g}" in third
    assert f"received so far {2.0 * SECH2:.4g}" in third
    assert f"grad {SECH2:.4g}" in third  # the product node itself
    # The first frame, drawn before the others ran, still shows only the root's gradient.
    assert frames[0].source.count("grad: not yet computed") == 5
    assert "grad 1<" in frames[0].source


def test_step_through_leaves_every_grad_alone_and_its_last_frame_is_what_backward_leaves():
    x, w, b, y = neuron()
    frames = step_through(y)
    assert (x.grad, w.grad, b.grad, y.grad) == (0.0, 0.0, 0.0, 0.0)
    # The same graph, built again, after a plain backward(), highlighted where the last
    # step is (the last node in reverse topological order is the first in topological).
    *_, again = neuron()
    again.backward()
    last = topological_order(again)[0]
    assert frames[-1].drawing == draw_graph(again, highlight=last, edge_labels=True)
    # ∂y/∂x = w·sech²(w·x + b), by hand, in the last frame.
    assert f"grad {-3.0 * SECH2:.4g}<" in frames[-1].source


def test_step_through_after_backward_shows_this_pass_and_doubles_nothing():
    # What a student does: backward, then look at it step by step.
    x = Value(3.0, label="x")
    y = x * x
    y.backward()
    frames = step_through(y)
    assert x.grad == 6.0  # 2x, once: the player added nothing
    assert y.grad == 1.0
    # The frames show this one pass: ∂y/∂x = 2x = 6, not backward's 6 plus another 6.
    assert label_of(frames[-1].source, "v0") == "x"
    assert "grad 6<" in frames[-1].source and "grad 12" not in frames[-1].source
    assert "grad 1<" in frames[0].source and "grad 6<" not in frames[0].source
    # Twice gives the same frames.
    assert [frame.source for frame in step_through(y)] == [frame.source for frame in frames]
    assert x.grad == 6.0


def test_captions_say_what_each_step_does():
    *_, y = neuron()
    captions = step_through(y).captions
    assert captions[0] == (
        "Step 1 of 6: 'y' (data -0.9999) has its gradient, 1, and passes it back through "
        "its operation to 1 input."
    )
    assert captions[2].startswith("Step 3 of 6: the × node (data -6) has its gradient")
    # Nodes go newest first, so the last step is the oldest node, x: ∂y/∂x = w·sech²(5).
    assert captions[-1] == f"Step 6 of 6: 'x' (data 2) has its gradient, {-3.0 * SECH2:.4g}."


def test_draw_options_pass_through_and_reserved_ones_are_refused():
    *_, y = neuron()
    frames = step_through(y, rankdir="TB", edge_labels=False, digits=2)
    assert 'rankdir="TB"' in frames[0].source
    assert "local" not in frames[0].source
    with pytest.raises(TypeError, match="highlight"):
        step_through(neuron()[3], highlight=None)


def test_a_graph_above_max_frames_is_refused_before_anything_runs():
    x, w, b, y = neuron()
    with pytest.raises(PlayerTooLarge, match="max_frames=None"):
        step_through(y, max_frames=5)
    with pytest.raises(RenderError, match="max_nodes=3"):
        step_through(y, max_nodes=3)
    assert (x.grad, w.grad, b.grad, y.grad) == (0.0, 0.0, 0.0, 0.0)
    assert len(step_through(y, max_frames=None)) == 6


def test_bad_draw_options_fail_before_any_gradient_changes():
    x, *_, y = neuron()
    with pytest.raises(ValueError, match="rankdir"):
        step_through(y, rankdir="up")
    assert x.grad == 0.0


def inline_svgs(page):
    return re.findall(r"<svg\b.*?</svg>", page, flags=re.DOTALL)


def frame_table(page):
    return json.loads(re.search(r'class="autograd-frames">(.*?)</script>', page, re.S)[1])


def still_svgs(page):
    """The SVG texts of the page's <img> data URLs: what shows without scripts."""
    return [
        base64.b64decode(data).decode("utf-8")
        for data in re.findall(r'<img [^>]*src="data:image/svg\+xml;base64,([^"]+)"', page)
    ]


def test_save_html_writes_one_self_contained_page(tmp_path):
    x = Value(2.0, label='</figcaption><script>alert("x")</script>')
    y = (x * 3.0).relu()
    frames = step_through(y)
    page = frames.save_html(tmp_path / "steps.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    # No inline SVG in the markup: one layout travels as data, the last step as an image.
    assert inline_svgs(page) == []
    table = frame_table(page)
    assert len(table["frames"]) == len(table["captions"]) == len(frames) == 4
    ET.fromstring(table["svg"])  # well-formed SVG, one for every frame
    (still,) = still_svgs(page)
    assert still == frames[-1].svg()
    # Scripts: the player's, the page's keyboard hook and the frame table; the label is text.
    assert page.count("<script") == 3
    assert "&lt;/figcaption&gt;&lt;script&gt;" in page
    assert "autograd-prev" in page and "autograd-next" in page
    # Self-contained: nothing is fetched from anywhere.
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", page)
    assert "<?xml" not in page


def node_boxes(svg):
    """{node id: the coordinates of its shape} for every node group of an SVG."""
    root = ET.fromstring(svg)
    namespace = "{http://www.w3.org/2000/svg}"
    boxes = {}
    for group in root.iter(f"{namespace}g"):
        if group.get("class", "").split()[:1] == ["node"]:
            shape = next(e for e in group if e.tag.split("}")[1] in ("path", "polygon", "ellipse"))
            boxes[group.get("id")] = (
                shape.get("d")
                or shape.get("points")
                or (
                    shape.get("cx"),
                    shape.get("cy"),
                )
            )
    return boxes


def svg_text_of(svg, node_id):
    root = ET.fromstring(svg)
    namespace = "{http://www.w3.org/2000/svg}"
    group = next(g for g in root.iter(f"{namespace}g") if g.get("id") == node_id)
    return [t.text or "" for t in group.iter(f"{namespace}text")]


def test_every_frame_uses_one_layout_and_shows_its_own_numbers():
    # ½ (t − y)² with y = w·x + b: frames change text, never the positions of nodes.
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(1.0, label="b")
    y = w * x + b
    loss = 0.5 * (0.3 - y) ** 2
    loss.label = "L"
    frames = step_through(loss)
    svgs = [frame.svg() for frame in frames]
    first = node_boxes(svgs[0])
    assert len(first) > 10
    for svg in svgs[1:]:
        assert node_boxes(svg) == first
    # By hand: ∂L/∂y = −(t − y) = y − t = −5.3, ∂L/∂w = x·(−5.3) = −10.6.
    ids = {frame_id: texts[0] for frame_id, texts in ((i, svg_text_of(svgs[-1], i)) for i in first)}
    w_id = next(i for i, text in ids.items() if text == "w")
    assert svg_text_of(svgs[0], w_id) == ["w", "data -3", "grad: not yet computed", ""]
    assert svg_text_of(svgs[-1], w_id)[:3] == ["w", "data -3", f"grad {2.0 * -5.3:.4g}"]
    # The frame highlighted in the picture is the node the caption names.
    for frame, svg in zip(frames, svgs):
        lit = re.findall(r'<g id="(v\d+)" class="node [a-z]+ ag-current"', svg)
        assert lit == [f"v{highlight(frame)}"]


def highlight(frame):
    return re.search(r'^\s*v(\d+) \[.*penwidth="3"', frame.source, re.M).group(1)


def test_the_page_script_handles_the_keys_and_disables_buttons_at_the_ends():
    # What the script says, not what a browser does with it (no browser in the suite; the
    # pages were stepped through in headless Chromium by hand). The handler takes the arrow
    # keys from the slider (preventDefault), so one press moves one step; Home and End go
    # to the ends; the page focuses the player.
    page = step_through(neuron()[3]).to_html()
    assert "event.preventDefault()" in page
    for key in ("ArrowLeft", "ArrowRight", "Home", "End"):
        assert key in page
    assert "prev.disabled = current === 0" in page
    assert "next.disabled = current === count - 1" in page
    assert "player.focus(" in page


def test_without_javascript_the_player_shows_the_last_step():
    *_, y = neuron()
    frames = step_through(y)
    fragment = frames.to_html_fragment()
    # The image in the markup is the last frame: every gradient known, as backward leaves it.
    # An untrusted notebook strips <svg> and <script> from HTML but keeps <img> data URLs.
    assert inline_svgs(fragment) == []
    (svg,) = still_svgs(fragment)
    assert "not yet computed" not in svg
    assert f"grad {2.0 * SECH2:.4g}" in svg
    assert html.escape(frames.captions[-1]) in fragment
    # Controls are hidden until the script shows them; every caption is listed.
    assert '<div class="autograd-controls" style="display: none">' in fragment
    for caption in frames.captions:
        assert f"<li>{html.escape(caption)}</li>" in fragment


def test_save_svgs_writes_one_file_per_step(tmp_path):
    *_, y = neuron()
    frames = step_through(y)
    paths = frames.save_svgs(tmp_path / "frames")
    assert [p.name for p in paths] == [f"step_{i:03d}.svg" for i in range(1, 7)]
    for path, frame in zip(paths, frames):
        assert path.read_text(encoding="utf-8") == frame.svg()


def test_display_is_the_html_player():
    *_, y = neuron()
    bundle = step_through(y)._repr_mimebundle_()
    assert bundle["text/html"].count("<svg") == 0  # the layout is data; the script draws it
    assert len(still_svgs(bundle["text/html"])) == 1
    assert bundle["text/html"].count('"lit":') == 6
    assert "ipywidgets" not in bundle["text/html"]
    assert bundle["text/plain"] == "<StepThrough of 6 backward steps>"


def test_display_never_raises_when_frames_cannot_render(monkeypatch):
    def broken(self, fmt, renderer=None):
        raise RuntimeError("no renderer here")

    monkeypatch.setattr(Drawing, "render", broken)
    *_, y = neuron()
    bundle = step_through(y)._repr_mimebundle_()
    assert "text/html" not in bundle
    assert "no renderer here" in bundle["text/plain"]
    assert "Step 6 of 6" in bundle["text/plain"]


def test_widget_without_ipywidgets_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    with pytest.raises(ImportError, match="pip install ipywidgets"):
        step_through(neuron()[3]).widget()


def test_widget_slider_shows_each_frame():
    pytest.importorskip("ipywidgets")
    *_, y = neuron()
    frames = step_through(y)
    box = frames.widget()
    controls, view = box.children
    slider = controls.children[1]
    assert (slider.min, slider.max, slider.value) == (1, 6, 1)
    assert html.escape(frames.captions[0]) in view.value
    slider.value = 4
    assert html.escape(frames.captions[3]) in view.value
    assert 'class="node' in view.value


def test_a_label_of_several_lines_keeps_its_lines_while_the_gradient_changes():
    x = Value(2.0, label="first line\nsecond line")
    y = x * 3.0
    frames = step_through(y)
    svgs = [frame.svg() for frame in frames]
    x_id = "v0"
    assert svg_text_of(svgs[0], x_id) == [
        "first line",
        "second line",
        "data 2",
        "grad: not yet computed",
        "received so far 3",  # ∂(3x)/∂x = 3, passed on by the product
    ]
    assert svg_text_of(svgs[-1], x_id) == ["first line", "second line", "data 2", "grad 3", ""]


def test_a_frame_displays_as_an_image_that_fits_the_width():
    *_, y = neuron()
    frame = step_through(y)[2]
    bundle = frame._repr_mimebundle_()
    assert bundle["image/svg+xml"] == frame.svg()
    scaled, full = still_svgs(bundle["text/html"])
    assert scaled == full == frame.svg()
    assert "max-width: 100%" in bundle["text/html"]
    assert "<svg" not in bundle["text/html"] and "<script" not in bundle["text/html"]


def test_player_fragment_carries_every_frame_as_data_and_shows_the_last():
    svgs = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="10pt"><text>{n}</text></svg>'
        for n in ("one", "two", "three")
    ]
    fragment = player_fragment(svgs, ["first", "second", "third </script>"])
    assert inline_svgs(fragment) == []
    table = frame_table(fragment)
    assert table["svgs"] == svgs
    assert table["captions"][2] == "third </script>"
    assert still_svgs(fragment) == [svgs[2]]
    assert '<figcaption class="autograd-caption">third &lt;/script&gt;</figcaption>' in fragment
    assert fragment.count("<script") == 2  # the frame table and the player
