"""The README runs as written: its code blocks, its printed numbers and its command line.

This is the one place that runs the README's sections (the "Drawing graphs" section is still
run by tests/autograd_core/draw/test_dot.py). Every printed number is checked against
something computed here apart from the library: by hand, or in plain NumPy.
"""

import math
import os
import re
import shlex
from pathlib import Path

import numpy as np
import pytest

from autograd_core.cli import main
from nn import MLP

README = Path(__file__).resolve().parents[1] / "README.md"


def readme() -> str:
    return README.read_text(encoding="utf-8")


def section(title: str) -> str:
    return readme().split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def run_python(code: str) -> None:
    exec(compile(code, str(README), "exec"), {"__name__": "__readme__"})


def files_under(directory: Path) -> set[Path]:
    return {path.relative_to(directory) for path in directory.rglob("*") if path.is_file()}


def test_readme_starts_with_the_two_commands():
    first_block = blocks(readme(), "sh")[0]
    assert "make demo" in first_block
    assert "make test" in first_block
    assert readme().index("```sh\nmake demo") < readme().index("## Quick start")


def test_own_operation_section_prints_the_hand_derived_derivative(capsys):
    own_operation = section("Write your own operation")
    (code,) = blocks(own_operation, "python")
    lines = code.splitlines()
    definition = lines[lines.index("def sin(x):") :]
    assert len(definition[: definition.index("")]) <= 5  # sin in five lines at most
    run_python(code)
    # d/dx sin(x²) = 2x·cos(x²), at x = 1: 2·cos 1.
    assert capsys.readouterr().out == f"{2 * math.cos(1.0):.4f}\n"


def test_quick_start_prints_what_the_readme_says_and_the_hand_derived_numbers(
    capsys, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    quick_start = section("Quick start")
    (code,) = blocks(quick_start, "python")
    (shown,) = blocks(quick_start, "text")
    run_python(code)
    printed = capsys.readouterr().out
    assert printed == shown
    # y = σ(wx + b) at x = 2, w = −0.5, b = 1, by hand: u = 0, σ′ = σ(1 − σ);
    # ∂y/∂x = σ′w, ∂y/∂w = σ′x, ∂y/∂b = σ′.
    x, w, b = 2.0, -0.5, 1.0
    y = 1.0 / (1.0 + math.exp(-(w * x + b)))
    slope = y * (1.0 - y)
    numbers = [float(n) for n in re.findall(r"= (-?[\d.]+)", printed)]
    assert numbers == pytest.approx([y, slope * w, slope * x, slope], rel=1e-12)
    # Not saturated: every gradient is far from 0, so the printout teaches something.
    assert min(abs(n) for n in numbers[1:]) > 0.1
    assert list(tmp_path.iterdir()) == []


def test_every_python_block_runs_and_writes_only_into_out(capsys, tmp_path, monkeypatch):
    # A reader runs the snippets from the repository's root; what they write must land in
    # out/ (ignored by git), never beside the sources.
    monkeypatch.chdir(tmp_path)
    code_blocks = blocks(readme(), "python")
    assert len(code_blocks) >= 3
    for code in code_blocks:
        run_python(code)
    written = files_under(tmp_path)
    assert {"out/before.svg", "out/neuron.svg", "out/backward.html"} <= {
        path.as_posix() for path in written
    }
    assert all(path.parts[0] == "out" for path in written), written
    assert "out/" in (README.parent / ".gitignore").read_text(encoding="utf-8").split()


def test_the_shell_example_writes_into_out_and_reports_what_the_readme_shows(
    capsys, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    shell = section("From the shell")
    commands = [shlex.split(line) for block in blocks(shell, "sh") for line in block.splitlines()]
    assert commands[0] == ["mkdir", "-p", "out"]
    os.makedirs("out", exist_ok=True)
    program, *arguments = commands[1]
    assert program == "autograd-core"
    assert main(arguments) == 0
    captured = capsys.readouterr()
    (shown,) = blocks(shell, "text")
    assert captured.err == shown
    assert captured.out == ""
    assert files_under(tmp_path) == {Path("out/neuron.svg")}
    # The gradients it reports are the quick start's, derived by hand there.
    assert re.findall(r"d/d(\w) = (\S+)", captured.err) == [
        ("w", "0.5"),
        ("x", "-0.125"),
        ("b", "0.25"),
    ]


def test_drawing_section_writes_its_pictures_and_player_into_out(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (code,) = blocks(section("Drawing graphs"), "python")
    run_python(code)
    assert capsys.readouterr().out == "digraph autograd {\n6 frames\n"
    out = tmp_path / "out"
    assert "grad: not yet computed" in (out / "before.svg").read_text(encoding="utf-8")
    neuron = (out / "neuron.svg").read_text(encoding="utf-8")
    assert ">grad 0.5<" in neuron  # ∂y/∂w = x·σ′(wx + b) = 2 · σ′(0) = 2 · ¼
    page = (out / "backward.html").read_text(encoding="utf-8")
    assert page.count("\\u003csvg") == 1  # one layout for every frame, as data
    assert page.count('"lit":') == 6  # a frame per node: x, w, b, w·x, w·x + b, y


def test_neural_networks_section_runs_as_written(capsys):
    code = "\n".join(blocks(section("Neural networks"), "python"))
    run_python(code)
    lines = capsys.readouterr().out.splitlines()
    gradients = dict(line.split() for line in lines[:6])
    # The 2-2-1 network worked by hand in tests/nn/test_module.py.
    assert gradients == {
        "W1[1,1]": "-3.0", "W1[1,2]": "-1.5", "b1[1]": "-1.5",
        "W1[2,1]": "0.0", "W1[2,2]": "0.0", "b1[2]": "0.0",
    }  # fmt: skip
    assert lines[-1].startswith("training accuracy: ")
    assert int(lines[-1].split()[-1].rstrip("%")) >= 95


def run_network_section(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()  # the README's quick start makes out/ first
    (code,) = blocks(section("See the whole network"), "python")
    run_python(code)


def test_network_section_prints_the_lectures_delta_and_gradient(tmp_path, monkeypatch, capsys):
    run_network_section(tmp_path, monkeypatch)
    delta, grad = (float(v) for v in capsys.readouterr().out.split())
    # The same model and example in plain NumPy (lecture 003): α(k) = W(k) h(k−1) + b(k),
    # ReLU hidden, linear output, L = ½ (t − y)²; then δ(3) = y − t,
    # δ(2) = ψ(2) W(3)ᵀ δ(3) with ψ = [α > 0], and ∂L/∂W3[1,3] = δ3[1] h2[3].
    Ws, bs = MLP(2, [16, 16, 1], seed=0).weight_arrays()
    x, t = np.array([0.5, -1.0]), 1.0
    alpha1 = Ws[0] @ x + bs[0]
    h1 = np.maximum(alpha1, 0.0)
    alpha2 = Ws[1] @ h1 + bs[1]
    h2 = np.maximum(alpha2, 0.0)
    y = Ws[2] @ h2 + bs[2]
    delta3 = y - t
    delta2 = (alpha2 > 0) * (Ws[2].T @ delta3)
    assert delta2[2] != 0  # h2[3] is on, so the printed δ teaches something
    assert delta == pytest.approx(delta2[2], rel=1e-12)
    assert grad == pytest.approx(delta3[0] * h2[2], rel=1e-12)
    assert (tmp_path / "out" / "backprop.html").exists()


def test_the_committed_network_picture_is_up_to_date(tmp_path, monkeypatch, capsys):
    # docs/network.svg is the picture the README shows; it must be what the README's code
    # draws today, or the page shows a stale picture. (Its numbers are checked above and
    # in tests/nn/test_network.py; this only catches a picture nobody regenerated.)
    run_network_section(tmp_path, monkeypatch)
    assert "](docs/network.svg)" in section("See the whole network")
    drawn = (tmp_path / "out" / "network.svg").read_text(encoding="utf-8")
    committed = (README.parent / "docs" / "network.svg").read_text(encoding="utf-8")
    assert drawn == committed, (
        'docs/network.svg is stale: run the README\'s "See the whole network" snippet and '
        "copy out/network.svg to docs/network.svg"
    )
