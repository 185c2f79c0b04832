"""How long the network diagram takes: draw_network and step_through_network.

Run ``.venv/bin/python benchmarks/bench_network.py`` (``--quick`` for fewer repeats, which
is what the test suite does). Workloads, each on the README's model MLP(2, [16, 16, 1]):

- N1, ``draw_network(model).svg()``: the architecture and its weights, no example;
- N2, ``draw_network(model, x, t, half_squared_error).svg()``: one example, forward and
  backward on fresh Values, α, h and δ in every neuron (what issue 11 asks to take well
  under a second);
- N3, the same with ``show="grads"``;
- N4, ``step_through_network(model, x, t, half_squared_error)``: every frame's SVG;
- N5, N2 on a wider model, MLP(4, [64, 64, 1]) (layers drawn as dots, 4,416 edges);
- N6, N2 on notebook 04's MLP(3, [4, 3, 1]), small enough that every edge prints its number
  beside the neuron it enters (the labels' path, which the 2-16-16-1 model does not take).

Times are CPU seconds of this process (``time.process_time``), the median over repeats.
The script also checks that each picture is the same text on every repeat.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable

import nn
from nn import MLP, binary_cross_entropy, draw_network, half_squared_error, step_through_network

X2 = [0.5, -1.0]
TARGET = 1.0


def median_seconds(action: Callable[[], str], repeats: int) -> tuple[float, int]:
    """The median CPU time of ``action`` and the size of its (identical) result."""
    times, results = [], set()
    for _ in range(repeats):
        start = time.process_time()
        result = action()
        times.append(time.process_time() - start)
        results.add(result)
    if len(results) != 1:
        sys.exit("the same drawing gave different text on different runs")
    return statistics.median(times), len(results.pop())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 repeats instead of 21")
    args = parser.parse_args()
    repeats = 3 if args.quick else 21
    readme_model = MLP(2, [16, 16, 1], seed=0)
    wide_model = MLP(4, [64, 64, 1], seed=0)
    small_model = MLP(3, [4, 3, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    workloads = [
        ("N1", "draw_network(model), no example", lambda: draw_network(readme_model).svg()),
        (
            "N2",
            "draw_network(model, x, t, loss)",
            lambda: draw_network(readme_model, X2, TARGET, half_squared_error).svg(),
        ),
        (
            "N3",
            'the same, show="grads"',
            lambda: draw_network(readme_model, X2, TARGET, half_squared_error, show="grads").svg(),
        ),
        (
            "N4",
            "step_through_network(model, x, t, loss)",
            lambda: "".join(
                step_through_network(readme_model, X2, TARGET, half_squared_error).frames
            ),
        ),
        (
            "N5",
            "N2 on MLP(4, [64, 64, 1])",
            lambda: draw_network(
                wide_model, [0.1, 0.2, 0.3, 0.4], TARGET, half_squared_error
            ).svg(),
        ),
        (
            "N6",
            "N2 on MLP(3, [4, 3, 1]), numbers on the edges",
            lambda: draw_network(small_model, [0.2, -0.4, 0.7], TARGET, binary_cross_entropy).svg(),
        ),
    ]
    print(f"Python {platform.python_version()}, {platform.machine()}, nn from {nn.__file__}")
    print(f"median CPU time over {repeats} repeats; model MLP(2, [16, 16, 1]) unless named\n")
    print("| workload | what | ms | SVG characters |")
    print("| --- | --- | ---: | ---: |")
    for key, what, action in workloads:
        seconds, size = median_seconds(action, repeats)
        print(f"| {key} | {what} | {seconds * 1000:.1f} | {size:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
