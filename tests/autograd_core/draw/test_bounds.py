"""Drawing is bounded: big graphs render in bounded time or are refused at once, with why."""

import signal
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET

import pytest

from autograd_core import RenderError, Value, draw_graph, step_through
from autograd_core.draw import dot

SVG = "{http://www.w3.org/2000/svg}"

# Generous: only a hang (127 s for the fan-out graph before the fix) trips it.
HANG = 120


def fan_out(terms):
    """x + x + … + x: one leaf used by every addition of a long chain."""
    x = Value(2.0, label="x")
    total = x
    for _ in range(terms - 1):
        total = total + x
    total.backward()
    return x, total


def run_python(code, timeout=HANG):
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_the_100_term_fan_out_graph_renders_without_hanging():
    # Before the simplex limits this took 127 s and 3 GB; subprocess.run's timeout is
    # the hang detector, the numbers come from the picture.
    result = run_python(
        """
        from autograd_core import Value, draw_graph
        x = Value(2.0, label="x")
        total = x
        for _ in range(99):
            total = total + x
        total.backward()
        print(draw_graph(total).svg())
        """
    )
    assert result.returncode == 0, result.stderr
    root = ET.fromstring(result.stdout)
    classes = [g.get("class", "") for g in root.iter(f"{SVG}g")]
    assert classes.count("node operation") == 99
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "grad 100" in texts  # ∂(100 x)/∂x
    assert "data 200" in texts


def test_the_1000_term_fan_out_graph_is_refused_at_once_saying_why(monkeypatch):
    _, total = fan_out(1000)

    def must_not_build(*args, **kwargs):
        raise AssertionError("DOT text was built for a graph that is refused")

    monkeypatch.setattr(dot, "picture_dot", must_not_build)
    drawing = draw_graph(total)
    with pytest.raises(RenderError) as refused:
        drawing.svg()
    message = str(refused.value)
    assert "bend points" in message and "x + x + … + x" in message
    assert "Draw a part of it instead" in message
    bundle = drawing._repr_mimebundle_()
    assert "image/svg+xml" not in bundle and "bend points" in bundle["text/plain"]


def ten_example_loss():
    nn = pytest.importorskip("nn")
    from nn.losses import half_squared_error, value_sum

    model = nn.MLP(2, [16, 16, 1], seed=0)
    examples = [([0.1 * i, 1.0 - 0.2 * i], 0.05 * i) for i in range(10)]
    loss = value_sum([half_squared_error(model(x), t) for x, t in examples])
    loss.backward()
    return loss


def test_the_10_example_mlp_loss_is_refused_at_once_with_what_to_draw_instead(
    monkeypatch, tmp_path
):
    loss = ten_example_loss()
    monkeypatch.setattr(dot, "topological_order", None)  # refused while counting
    drawing = draw_graph(loss)
    with pytest.raises(RenderError, match=r"nn\.draw_network"):
        drawing.save(tmp_path / "never-written.svg")
    assert list(tmp_path.iterdir()) == []


def test_a_render_that_takes_too_long_is_stopped_at_its_timeout():
    # Uncapped, the 10-example loss takes Graphviz tens of seconds; a 0.5 s timeout stops
    # the child process and says so.
    drawing = draw_graph(ten_example_loss(), max_nodes=None, timeout=0.5)
    with pytest.raises(RenderError, match=r"did not finish within 0\.5 s"):
        drawing.svg()


def test_a_huge_graph_is_refused_without_walking_all_of_it(monkeypatch):
    x = Value(1.0, label="x")
    y = x
    for _ in range(40_000):  # 80,001 Values: more than any layout can place
        y = y * 1.0001
    monkeypatch.setattr(dot, "topological_order", None)  # never reached
    drawing = draw_graph(y, max_nodes=None)
    assert drawing.refusal is not None and "more than any layout can place" in drawing.refusal
    assert "refused" in repr(drawing) and "more than any layout can place" in repr(drawing)
    with pytest.raises(RenderError, match="more than any layout can place"):
        _ = drawing.source
    bundle = drawing._repr_mimebundle_()  # the notebook shows why, and never raises
    assert "more than any layout can place" in bundle["text/plain"]


def test_ctrl_c_stops_a_render():
    # The renderer is swapped for a child that never finishes, so only Ctrl-C can end the
    # render: "interrupted" then means it was stopped, not that it finished first.
    code = """
        import sys
        from autograd_core import Value, draw_graph
        from autograd_core.draw import render
        run_child = render._run_child
        never_ends = [sys.executable, "-c", "import time; time.sleep(10**6)"]
        render._run_child = lambda command, *rest: run_child(never_ends, *rest)
        drawing = draw_graph(Value(1.0, label="x") * 2.0, timeout=None)
        try:
            print("rendering", flush=True)
            drawing.svg()
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(3)
        print("finished")
        """
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "rendering"
        time.sleep(1.0)  # let the render get under way, then Ctrl-C
        child.send_signal(signal.SIGINT)
        out, _ = child.communicate(timeout=HANG)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 3
    assert out.strip() == "interrupted"


def test_the_player_refuses_a_graph_too_large_to_draw():
    _, total = fan_out(1000)
    with pytest.raises(RenderError, match="max_frames"):
        step_through(total)
    with pytest.raises(RenderError, match="bend points"):
        step_through(total, max_frames=None)


@pytest.mark.parametrize("length", [100, 20_000])
def test_long_labels_are_shortened_visibly(length):
    x = Value(1.0, label="x" * length)
    y = x * 2.0
    y.backward()
    svg = draw_graph(y).svg()  # the bundled Graphviz rejects HTML labels over ~16 KB
    texts = [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]
    (shown,) = [t for t in texts if t.startswith("xxx")]
    assert shown == "x" * (dot.MAX_LABEL_CHARS - 1) + "…"


def test_short_labels_are_left_whole():
    assert dot.shorten("α1[2]") == "α1[2]"
    assert dot.shorten("y" * dot.MAX_LABEL_CHARS) == "y" * dot.MAX_LABEL_CHARS


def test_only_long_edged_graphs_get_the_simplex_limits():
    # 100 terms: the k-th addition's oval sits 2k − 1 ranks past x, so its edge from x
    # has 2k − 2 bend points; summed over k = 1..99 that is 99 · 100 − 198 = 9,702.
    _, total = fan_out(100)
    bends, ranks, _ = dot.layout_size(dot.topological_order(total))
    assert (bends, ranks) == (sum(2 * k - 2 for k in range(1, 100)), 199)
    assert dot.SIMPLEX_LIMITS in draw_graph(total).source
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    assert "nslimit" not in draw_graph((a * b).tanh()).source
