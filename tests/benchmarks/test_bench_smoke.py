"""A --quick run of benchmarks/bench.py: it runs, and every engine's gradients agree.

Timings are printed but never asserted on (they depend on the machine).
"""

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench.py"


def test_quick_run_agrees_on_every_gradient():
    run = subprocess.run(
        [sys.executable, str(BENCH), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    agreed = re.findall(r"gradients agree: (W\d) .*?, (\S+) vs floats", run.stdout)
    # micrograd, this engine (and for W3 the NumPy formulas) each checked against the
    # hand-written float code, in every workload that has gradients.
    assert {("W1", "micrograd"), ("W1", "autograd-core")} <= set(agreed)
    assert {("W2", "micrograd"), ("W2", "autograd-core")} <= set(agreed)
    assert {("W3", "micrograd"), ("W3", "autograd-core"), ("W3", "numpy")} <= set(agreed)
    assert "gradient mismatch" not in run.stdout
    # The table has a row per workload and every target is reported.
    for workload in ("W1", "W2", "W3", "W4"):
        assert re.search(rf"^\| {workload} ", run.stdout, flags=re.MULTILINE), workload
    assert len(re.findall(r"^  (PASS|FAIL)  ", run.stdout, flags=re.MULTILINE)) == 6
