"""The command line: errors as one line with status 2."""

from __future__ import annotations

import subprocess
import sys


def test_unknown_command_is_one_line_and_status_2():
    result = subprocess.run(
        [sys.executable, "-m", "autograd_core", "no-such-command"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("autograd-core: error:")
    assert "Traceback" not in result.stderr
