"""A one-repeat run of benchmarks/bench_render.py: every workload is drawn or refused.

Times are printed, never asserted on.
"""

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "bench_render.py"


def test_render_benchmark_runs_and_reports_each_graph():
    run = subprocess.run(
        [sys.executable, str(BENCH), "--repeats", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    rows = {line.split(" | ")[0].strip("| "): line for line in run.stdout.splitlines()}
    assert "SVG" in rows["MLP 2-16-16-1, ½ (t − y)², 1 example"]
    # 337 parameters, x1 and x2, 16 + 16 + 1 α and 16 + 16 h, then t, t − y, (·)², ½, ×.
    assert "| 409 |" in rows["MLP 2-16-16-1, ½ (t − y)², 1 example"]
    assert "refused at once" in rows["the same, 10 examples (default max_nodes)"]
    assert "SVG" in rows["x + x + … + x, 100 terms"]
    assert "refused at once" in rows["x + x + … + x, 1,000 terms"]
