"""The README's "Neural networks" section runs as written and prints what it says."""

import doctest
import re
from pathlib import Path

import nn

README = Path(__file__).resolve().parents[2] / "README.md"


def test_neural_networks_section_runs_as_written(capsys):
    text = README.read_text(encoding="utf-8")
    section = text.split("## Neural networks", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 2
    exec(compile("\n".join(blocks), str(README), "exec"), {"__name__": "__readme__"})
    lines = capsys.readouterr().out.splitlines()
    gradients = dict(line.split() for line in lines[:6])
    # The 2-2-1 network worked by hand in tests/nn/test_gradients.py.
    assert gradients == {
        "W1[1,1]": "-3.0", "W1[1,2]": "-1.5", "b1[1]": "-1.5",
        "W1[2,1]": "0.0", "W1[2,2]": "0.0", "b1[2]": "0.0",
    }  # fmt: skip
    assert lines[-1].startswith("training accuracy: ")
    assert int(lines[-1].split()[-1].rstrip("%")) >= 95


def test_the_package_docstring_runs():
    failures, tried = doctest.testmod(nn)
    assert tried > 0 and failures == 0
