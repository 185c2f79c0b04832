"""`autograd-core graph EXPR`: good input draws the right gradients; bad input exits 2 cleanly."""

import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from autograd_core.cli import main

SECH2 = 1.0 / math.cosh(5.0) ** 2  # 1 − tanh²(w·x + b) at x = 2, w = −3, b = 1, by hand
NEURON = ["graph", "tanh(w*x + b)", "--set", "x=2", "--set", "w=-3", "--set", "b=1"]


def svg_texts(svg):
    root = ET.fromstring(svg)
    return [element.text or "" for element in root.iter("{http://www.w3.org/2000/svg}text")]


def leaf_rows(dot_source):
    """{label: [rows]} for every labelled Value node in DOT text."""
    rows = {}
    for label in re.findall(r"^  v\d+ \[.*label=<(.*)>.*\];$", dot_source, re.M):
        cells = [c for c in re.split(r"<[^>]+>", label) if c]
        rows[cells[0]] = cells[1:]
    return rows


def test_svg_on_stdout_holds_the_hand_computed_gradients(capsys):
    assert main(NEURON) == 0
    captured = capsys.readouterr()
    texts = svg_texts(captured.out)
    assert "tanh(w*x + b)" in texts  # the root is labelled with the expression
    for label, data, grad in [("x", 2, -3 * SECH2), ("w", -3, 2 * SECH2), ("b", 1, SECH2)]:
        assert label in texts
        assert f"data {data}" in texts
        assert f"grad {grad:.4g}" in texts
    assert "grad 1" in texts  # the root


def test_dot_output_and_gradients_of_a_longer_expression(tmp_path):
    # f = x²y + eˣ/y − ln y at x = 1.5, y = 2; ∂f/∂x = 2xy + eˣ/y, ∂f/∂y = x² − eˣ/y² − 1/y.
    out = tmp_path / "f.dot"
    code = main(
        ["graph", "x**2 * y + exp(x)/y - log(y)", "--set", "x=1.5", "--set", "y=2", "-o", str(out)]
    )
    assert code == 0
    rows = leaf_rows(out.read_text(encoding="utf-8"))
    x, y = 1.5, 2.0
    assert rows["x"] == ["data 1.5", f"grad {2 * x * y + math.exp(x) / y:.4g}"]
    assert rows["y"] == ["data 2", f"grad {x**2 - math.exp(x) / y**2 - 1 / y:.4g}"]


@pytest.mark.parametrize(
    ("suffix", "magic"), [(".svg", b"<?xml"), (".png", b"\x89PNG"), (".pdf", b"%PDF")]
)
def test_each_output_format_by_suffix(tmp_path, suffix, magic, capsys):
    out = tmp_path / f"neuron{suffix}"
    assert main([*NEURON, "-o", str(out)]) == 0
    assert out.read_bytes().startswith(magic)
    assert capsys.readouterr().out == ""


def test_options_rankdir_no_grad_and_derivatives(tmp_path):
    out = tmp_path / "g.dot"
    assert main([*NEURON, "-o", str(out), "--rankdir", "TB", "--no-grad"]) == 0
    source = out.read_text(encoding="utf-8")
    assert 'rankdir="TB"' in source
    assert all(not row.startswith("grad") for rows in leaf_rows(source).values() for row in rows)
    assert main([*NEURON, "-o", str(out), "--derivatives"]) == 0
    # The edge w → × carries ∂(wx)/∂w = x = 2, and the chain product sech²(5) × 2.
    assert f"local 2<BR/>{SECH2:.4g} × 2 = {2 * SECH2:.4g}" in out.read_text(encoding="utf-8")


def test_python_dash_m_runs_the_command():
    result = subprocess.run(
        [sys.executable, "-m", "autograd_core", *NEURON],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert f"grad {2 * SECH2:.4g}" in svg_texts(result.stdout)


MALICIOUS = [
    "__import__('os').system('touch {sentinel}')",
    "open('{sentinel}', 'w').write('x')",
    "exec(\"open('{sentinel}', 'w')\")",
    "eval(\"open('{sentinel}', 'w')\")",
    "(lambda: open('{sentinel}', 'w'))()",
    "x.__class__.__base__.__subclasses__()",
    "().__class__",
    "x[0]",
    "globals()['os']",
    "[open('{sentinel}', 'w') for x in (1,)]",
    "x if open('{sentinel}', 'w') else x",
    "x ** y",
    "9 ** 9 ** 9 ** 9 + x ** (x)",
    "(x := 1)",
    'f\'{{open("{sentinel}", "w")}}\'',
    "x; open('{sentinel}', 'w')",
    "x\nopen('{sentinel}', 'w')",
    "'" + "a" * 5000 + "'",
    "-" * 3000 + "x",
    "-" * 1990 + "x ** y",
    "(" * 500 + "x" + ")" * 500,
]


@pytest.mark.parametrize("template", MALICIOUS)
def test_malicious_input_exits_2_with_one_line_and_no_side_effect(template, tmp_path, capsys):
    sentinel = tmp_path / "sentinel"
    out = tmp_path / "out.svg"
    expression = template.format(sentinel=sentinel)
    code = main(["graph", expression, "--set", "x=1", "--set", "y=2", "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.startswith("autograd-core: error: ")
    assert captured.err.count("\n") == 1
    assert not sentinel.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["graph", "x*y", "--set", "x=1"], "y with no value"),
        (["graph", "x", "--set", "x=1", "--set", "z=2"], "--set z: not used"),
        (["graph", "x", "--set", "x=one"], "'one' is not a number"),
        (["graph", "x", "--set", "x"], "expected NAME=NUMBER"),
        (["graph", "exp(x)", "--set", "x=1", "--set", "exp=2"], "'exp' is a function"),
        (["graph", "x", "--set", "x=1", "--set", "x=2"], "more than once"),
        (["graph", "x", "--set", "x=1", "-o", "{tmp}/g.jpg"], "accepted: .svg, .png, .pdf, .dot"),
        (["graph", "x", "--set", "x=1", "-o", "{tmp}/missing/g.svg"], "no directory"),
        (["graph", "x", "--set", "x=1", "--rankdir", "XY"], "invalid choice"),
        (["graph"], "EXPR"),
        (["graph", "x", "--set", "x=1", "-o", "{tmp}/no\ndir/g.svg"], "no directory"),
        (["graph", "x", "--set", "x=1", "-o", "{tmp}/a\nb.txt"], "accepted"),
        (["graph", "x", "--set", "x=1", "stray\nargument"], "unrecognized"),
    ],
)
def test_usage_errors_exit_2_with_one_line(arguments, message, tmp_path, capsys):
    arguments = [a.replace("{tmp}", str(tmp_path)) for a in arguments]
    assert main(arguments) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.err.count("\n") == 1
    assert captured.out == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "expression", ["__import__('os').system('touch {sentinel}')", "x.real", "-" * 3000 + "x"]
)
def test_a_real_process_shows_no_traceback(expression, tmp_path):
    sentinel = tmp_path / "sentinel"
    command = ["graph", expression.format(sentinel=sentinel), "--set", "x=1"]
    result = subprocess.run(
        [sys.executable, "-m", "autograd_core", *command],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_render_failure_is_one_line_exit_2(monkeypatch, tmp_path, capsys):
    import autograd_core.draw.render

    monkeypatch.setitem(sys.modules, "pygraphviz", None)
    monkeypatch.setattr(autograd_core.draw.render.shutil, "which", lambda name: None)
    assert main([*NEURON, "-o", str(tmp_path / "n.svg")]) == 2
    captured = capsys.readouterr()
    assert "autograd-core[render]" in captured.err
    assert captured.err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []
    # The DOT text needs no renderer.
    assert main([*NEURON, "-o", str(tmp_path / "n.dot")]) == 0


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
def test_svg_on_stdout_is_utf8_whatever_the_terminal_encoding(encoding):
    # The drawing holds × and − (U+2212), which these encodings cannot represent.
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    result = subprocess.run(
        [sys.executable, "-m", "autograd_core", "graph", "x*y - x", "--set", "x=2", "--set", "y=3"],
        capture_output=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    svg = result.stdout.decode("utf-8")
    ET.fromstring(svg)
    assert "×" in svg and "−" in svg


@pytest.mark.parametrize("expression", ["x", "(x)", "+x"])
def test_a_bare_name_keeps_its_name(expression, tmp_path):
    out = tmp_path / "g.dot"
    assert main(["graph", expression, "--set", "x=2", "-o", str(out)]) == 0
    source = out.read_text(encoding="utf-8")
    assert "<B>x</B>" in source
    assert "<B>(x)</B>" not in source and "<B>+x</B>" not in source
