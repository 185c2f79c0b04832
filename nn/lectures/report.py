"""``autograd-core lectures [--out DIR]``: every worked example, three gradients side by side.

For each example of :mod:`nn.lectures.examples` it prints the lecture, the numbers chosen and
a table, one row per parameter in the lectures' names: the formula's value, the engine's, a
central finite difference and their largest difference. It writes each example's graph to
``DIR/<key>.svg`` and, for an nn MLP, its network diagram to ``DIR/<key>-network.svg``. Exit
status: 0 when every row agrees, 1 when some row differs, 2 when DIR cannot be written.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from autograd_core import RenderError, draw_graph
from nn import draw_network
from nn.lectures import examples as examples_module
from nn.lectures.examples import Comparison, WorkedExample

WIDTH = 96
HEADERS = (
    "parameter",
    "lecture",
    "formula",
    "engine",
    "finite difference",
    "largest diff",
    "agree",
)
ALIGN = "<<>>>><"  # names left-aligned, numbers right-aligned so their decimal points line up


def add_command(commands: Any) -> None:
    """Register ``lectures`` on the ``autograd-core`` subcommands (an entry point of the
    group ``autograd_core.commands``, so that the engine's CLI never imports nn)."""
    parser = commands.add_parser(
        "lectures",
        help="check every worked example: formula = engine = finite difference",
        description="Run every worked example of the lectures; exit 0 only when all agree.",
    )
    parser.set_defaults(run=run)
    parser.add_argument(
        "--out",
        metavar="DIR",
        default="out",
        type=_directory,
        help="directory for the computation graphs (default: out)",
    )


def _directory(text: str) -> str:
    if not text:  # "" would silently mean the current directory
        raise argparse.ArgumentTypeError("DIR is empty; give a directory (. for this one)")
    return text


def run(args: argparse.Namespace) -> int:
    return run_lectures(Path(args.out))


def run_lectures(
    out_dir: Path,
    examples: Sequence[WorkedExample] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run and print every example, write its graph into ``out_dir``; return the exit status."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    examples = examples_module.all_examples() if examples is None else list(examples)
    disagreeing = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return _cannot(f"create --out {str(out_dir)!r}", error, stderr)
    for example in examples:
        comparison = example.run()
        try:
            paths = write_graph(comparison, out_dir, stderr), write_network(example, out_dir)
        except OSError as error:
            return _cannot(f"write the graph into {str(out_dir)!r}", error, stderr)
        stdout.write(format_comparison(comparison, *paths))
        if not comparison.agrees:
            disagreeing.append(example.key)
    if disagreeing:
        stdout.write(
            f"DISAGREEMENT in {len(disagreeing)} of {len(examples)} examples: "
            f"{', '.join(disagreeing)}\n"
        )
        return 1
    stdout.write(
        f"All {len(examples)} worked examples agree: formula = engine = finite difference.\n"
    )
    return 0


def _cannot(what: str, error: OSError, stderr: TextIO) -> int:
    print(f"autograd-core: error: cannot {what}: {error.strerror}", file=stderr)
    return 2


def format_comparison(
    comparison: Comparison, graph_path: Path | None = None, network_path: Path | None = None
) -> str:
    """One example's header, description, table and verdict, as text ending in a blank line."""
    example = comparison.example
    lines = [f"== {example.title} ==", *textwrap.wrap(example.description, WIDTH)]
    lines.append(f"{comparison.root.label or 'root'} = {comparison.loss:.12g}")
    cells = []
    for row in comparison.rows:
        numbers = [f"{x:+.12f}" for x in (row.formula, row.engine, row.finite_difference)]
        verdict = "ok" if row.agrees else "DIFFERS"
        cells.append((row.name, row.symbol, *numbers, f"{row.largest_difference:.1e}", verdict))
    widths = [max(len(text) for text in column) for column in zip(HEADERS, *cells)]

    def line(texts: Sequence[str]) -> str:
        return "  ".join(f"{t:{a}{w}}" for t, a, w in zip(texts, ALIGN, widths)).rstrip()

    lines += [line(HEADERS), line(["-" * w for w in widths]), *map(line, cells)]
    agreeing = sum(row.agrees for row in comparison.rows)
    verdict = "all agree" if comparison.agrees else "SOME DIFFER"
    lines.append(
        f"{agreeing} of {len(comparison.rows)} parameters agree ({verdict}); "
        f"largest difference {comparison.largest_difference:.1e}"
    )
    if graph_path is not None:
        network = f"  network diagram: {network_path}" if network_path is not None else ""
        lines.append(f"graph: {graph_path}{network}")
    return "\n".join(lines) + "\n\n"


def write_graph(comparison: Comparison, out_dir: Path, stderr: TextIO | None = None) -> Path:
    """Draw the example's computation graph into ``out_dir/<key>.svg``; return the path.

    Without a Graphviz renderer it writes the DOT text to ``<key>.dot`` and says so on
    ``stderr``: the check itself needs no renderer.
    """
    drawing = draw_graph(
        comparison.root, rankdir="auto", parameters=comparison.parameters, legend=True
    )
    try:
        return drawing.save(out_dir / f"{comparison.example.key}.svg")
    except RenderError as error:
        print(
            f"autograd-core: note: writing DOT instead of SVG: {error}", file=stderr or sys.stderr
        )
        return drawing.save(out_dir / f"{comparison.example.key}.dot")


def write_network(example: WorkedExample, out_dir: Path) -> Path | None:
    """Draw the network diagram of an nn MLP example into ``out_dir/<key>-network.svg``."""
    if example.network is None:
        return None
    model, x, target, loss = example.network()
    return draw_network(model, x, target, loss).save(out_dir / f"{example.key}-network.svg")
