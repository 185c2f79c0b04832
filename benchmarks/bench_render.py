"""Render times of computation-graph drawings: how long draw_graph and svg() take.

Workloads (the issue's three, plus the refusals that keep drawing bounded):

- the README's one-example loss of an MLP 2-16-16-1 (ReLU, ReLU, linear), ½ (t − y)²;
- the same model's loss summed over 10 examples (refused by default: more than
  max_nodes Values; timed uncapped too, with ``--full``);
- x + x + … + x with 100 terms (the fan-out graph), and with 1,000 terms (refused).

Each time is the median wall-clock time over ``--repeats`` runs (Graphviz runs in a child
process for graphs above a few hundred nodes, so process time would miss it). Prints a
Markdown table for benchmarks/README.md.

    python benchmarks/bench_render.py [--repeats 3] [--full]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable

from autograd_core import RenderError, Value, draw_graph
from nn import MLP
from nn.losses import half_squared_error, value_sum


def mlp_loss(examples: int) -> Value:
    model = MLP(2, [16, 16, 1], seed=0)
    data = [([0.1 * i, 1.0 - 0.2 * i], 0.05 * i) for i in range(examples)]
    loss = value_sum([half_squared_error(model(x), t) for x, t in data])
    loss.backward()
    return loss


def fan_out(terms: int) -> Value:
    x = Value(2.0, label="x")
    total = x
    for _ in range(terms - 1):
        total = total + x
    total.label = "x + x + … + x"
    total.backward()
    return total


def median_time(run: Callable[[], object], repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def measure(name: str, root: Value, repeats: int, **options: object) -> list[str]:
    """One table row: Values, time to build the DOT text, time to render the SVG."""
    build, drawing = median_time(lambda: draw_graph(root, **options), repeats)
    if drawing.refusal is not None:
        start = time.perf_counter()
        try:
            drawing.svg()
            outcome = "rendered?!"
        except RenderError:
            outcome = "refused at once (RenderError)"
        refusal_time = time.perf_counter() - start
        return [
            name,
            f"over {drawing.max_nodes or 0:,}"
            if "max_nodes" in drawing.refusal
            else f"{drawing.value_count:,}",
            f"{build * 1e3:.1f} ms",
            f"{refusal_time * 1e3:.2f} ms",
            outcome,
        ]

    def render() -> str:
        drawing._svg = None  # the SVG is cached: render afresh each time
        return drawing.svg()

    try:
        seconds, svg = median_time(render, repeats)
        outcome = f"SVG, {len(svg) / 1e3:,.0f} kB"
    except RenderError as error:
        seconds, outcome = float("nan"), f"RenderError: {str(error)[:60]}"
    return [name, f"{drawing.value_count:,}", f"{build * 1e3:.1f} ms", f"{seconds:.2f} s", outcome]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--full",
        action="store_true",
        help="also render the 10-example loss uncapped (about half a minute)",
    )
    args = parser.parse_args()
    rows = [
        measure("MLP 2-16-16-1, ½ (t − y)², 1 example", mlp_loss(1), args.repeats),
        measure("the same, 10 examples (default max_nodes)", mlp_loss(10), args.repeats),
    ]
    if args.full:
        rows.append(
            measure(
                "the same, 10 examples, max_nodes=None",
                mlp_loss(10),
                1,
                max_nodes=None,
                timeout=120,
            )
        )
    rows += [
        measure("x + x + … + x, 100 terms", fan_out(100), args.repeats),
        measure("x + x + … + x, 1,000 terms", fan_out(1000), args.repeats),
    ]
    print(f"Python {platform.python_version()}, median of {args.repeats} runs\n")
    print("| graph | Values | draw_graph | svg() | result |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
