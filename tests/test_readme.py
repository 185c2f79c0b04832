"""The README's quick start runs exactly as written."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def quick_start_code() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert blocks, "the README's quick start has no python block"
    return "\n".join(blocks)


def test_readme_starts_with_the_two_commands():
    text = README.read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", text, flags=re.DOTALL).group(1)
    assert "make demo" in first_block
    assert "make test" in first_block


def test_quick_start_runs_as_written(capsys):
    exec(compile(quick_start_code(), str(README), "exec"), {"__name__": "__readme__"})
    printed = capsys.readouterr().out.split()
    x_grad, w_grad, b_grad = (float(v) for v in printed[:3])
    # y = tanh(wx + b) at x=2, w=-3, b=1: by hand, u = -5, 1 - tanh²(-5) = sech²(5).
    import math

    sech2 = 1.0 / math.cosh(5.0) ** 2
    assert math.isclose(x_grad, -3.0 * sech2, rel_tol=1e-12)
    assert math.isclose(w_grad, 2.0 * sech2, rel_tol=1e-12)
    assert math.isclose(b_grad, sech2, rel_tol=1e-12)
