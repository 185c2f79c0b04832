"""``autograd-core lectures [--out DIR]``: tables, graphs, exit status."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from autograd_core import drawing
from autograd_core.cli import main
from nn.lectures import formulas
from nn.lectures.examples import all_examples

EXAMPLES = all_examples()


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("lectures") / "graphs"
    result = subprocess.run(
        [sys.executable, "-m", "autograd_core", "lectures", "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return result, out


def test_exits_zero_when_everything_agrees(first_run):
    result, _ = first_run
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All 8 worked examples agree" in result.stdout


def test_prints_every_parameter_row_of_every_example(first_run):
    stdout = first_run[0].stdout
    for example in EXAMPLES:
        assert f"== {example.title} ==" in stdout
        section = stdout.split(f"== {example.title} ==", 1)[1].split("\n== ", 1)[0]
        for name in example.names:
            row = re.search(rf"^{re.escape(name)}\s.*$", section, flags=re.MULTILINE)
            assert row is not None, f"{example.key}: no row for {name}"
            numbers = re.findall(r"[+-]\d+\.\d{12}", row.group(0))
            assert len(numbers) == 3, row.group(0)  # formula, engine, finite difference
            assert row.group(0).endswith("ok")


def test_columns_are_aligned(first_run):
    for table in first_run[0].stdout.split("\n\n")[:-1]:
        lines = table.splitlines()
        header_index = next(i for i, line in enumerate(lines) if line.startswith("parameter"))
        header = lines[header_index]
        last_column = header.index("agree")
        numbers_end = len(header[:last_column].rstrip())
        rows = lines[header_index + 2 : -2]  # skip the rule; stop before verdict and graph
        assert rows
        # Numbers are right-aligned: every row's last number ends under the header's end.
        for row in rows:
            assert len(row[:last_column].rstrip()) == numbers_end, row
            assert row[last_column:] in ("ok", "DIFFERS")


def test_writes_one_svg_per_example(first_run):
    _, out = first_run
    files = sorted(path.name for path in out.iterdir() if not path.name.endswith("-network.svg"))
    assert files == sorted(f"{example.key}.svg" for example in EXAMPLES)
    for path in out.glob("*.svg"):
        if path.name.endswith("-network.svg"):
            continue  # network diagrams: tests/nn/test_network.py
        text = path.read_text(encoding="utf-8")
        assert "<svg" in text
        assert "W1[1,1]" in text or path.name == "002-square-chain.svg"
        assert 'class="node legend"' in text  # the key of the roles' colours


def test_graphs_are_laid_out_in_their_narrower_direction(first_run):
    # A laptop shows a picture shrunk to its width: lecture 002's batch graphs run
    # ~2,300 pt wide left to right and ~1,700 pt top to bottom, so they are drawn top to
    # bottom. Each written graph is no wider than its left-to-right layout.
    from autograd_core import draw_graph

    _, out = first_run
    for example in EXAMPLES:
        if example.key == "002-square-chain":
            continue
        comparison = example.run()
        written = (out / f"{example.key}.svg").read_text(encoding="utf-8")
        left_to_right = draw_graph(comparison.root, parameters=comparison.parameters, legend=True)

        def width(svg):
            return float(re.search(r'<svg width="([\d.]+)pt"', svg)[1])

        assert width(written) <= width(left_to_right.svg()), example.key
        if example.key.startswith("002"):
            assert width(written) < width(left_to_right.svg()), example.key


def test_output_is_deterministic(first_run, tmp_path, capsys):
    assert main(["lectures", "--out", str(tmp_path)]) == 0
    again = capsys.readouterr().out
    # Same text but for the directory named on the "graph:" lines.
    assert again.replace(str(tmp_path), "DIR") == first_run[0].stdout.replace(
        str(first_run[1]), "DIR"
    )


def test_default_directory_is_out(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["lectures"]) == 0
    assert (tmp_path / "out" / "001-two-step.svg").exists()
    assert "graph: out/001-two-step.svg" in capsys.readouterr().out


def test_a_wrong_formula_makes_it_exit_nonzero(tmp_path, monkeypatch, capsys):
    def wrong_two_step(*args, **kwargs):
        grad_weights, grad_biases = real(*args, **kwargs)
        return [-g for g in grad_weights], grad_biases  # the kind of sign slip 002 has

    real = formulas.two_step_gradients
    monkeypatch.setattr(formulas, "two_step_gradients", wrong_two_step)
    status = main(["lectures", "--out", str(tmp_path)])
    stdout = capsys.readouterr().out
    assert status == 1
    assert "DIFFERS" in stdout
    assert "DISAGREEMENT in 1 of 8 examples: 001-two-step" in stdout
    section = stdout.split("== 001:", 1)[1].split("\n== ", 1)[0]
    assert "W1[1,1]" in section
    assert re.search(r"^W1\[1,1\].*DIFFERS$", section, flags=re.MULTILINE)
    assert re.search(r"^b1\[1\].*ok$", section, flags=re.MULTILINE)  # biases untouched


def test_unwritable_directory_is_one_line_and_status_two(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    status = main(["lectures", "--out", str(blocker / "graphs")])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("autograd-core: error: cannot create --out")
    assert "Traceback" not in captured.err


def test_unknown_option_is_a_usage_error(capsys):
    assert main(["lectures", "--outt", "x"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_without_a_renderer_it_writes_dot_and_says_so(tmp_path, monkeypatch, capsys):
    def no_renderer(self, renderer=None):
        raise drawing.RenderError("no Graphviz renderer found (test)")

    monkeypatch.setattr(drawing.Drawing, "svg", no_renderer)
    assert main(["lectures", "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    graphs = sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith("-network.svg"))
    assert graphs == sorted(f"{e.key}.dot" for e in EXAMPLES)
    assert "writing DOT instead of SVG" in captured.err
    assert Path(tmp_path / "001-two-step.dot").read_text(encoding="utf-8").startswith("digraph")
