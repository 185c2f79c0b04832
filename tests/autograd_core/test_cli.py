"""The command line: the demo's numbers by hand, and errors as one line with status 2."""

from __future__ import annotations

import math
import subprocess
import sys

from autograd_core.cli import main


def test_demo_prints_hand_computed_gradients(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    # y = tanh(w·x + b) at x = 2, w = −3, b = 1: u = −5, ∂y/∂u = 1 − tanh²(−5).
    d = 1 - math.tanh(-5.0) ** 2
    assert f"∂y/∂x = {-3 * d:.6f}" in out
    assert f"∂y/∂w = {2 * d:.6f}" in out
    assert f"∂y/∂b = {d:.6f}" in out


def test_unknown_command_is_one_line_and_status_2():
    result = subprocess.run(
        [sys.executable, "-m", "autograd_core", "no-such-command"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("autograd-core: error:")
    assert "Traceback" not in result.stderr
