"""The ``autograd-core`` command line, and its ``graph`` command.

``autograd-core graph EXPR`` draws the computation graph of a formula typed on the command
line: :mod:`autograd_core.expression` reads it (it is never evaluated as Python), each name
takes its value from ``--set NAME=NUMBER``, backward runs from the result, and the drawing
goes to ``-o FILE`` (format from the suffix) or, as SVG, to standard output.

Layers above the engine add their own commands through the entry-point group
``autograd_core.commands`` (nn's lecture companion adds ``lectures``), so this module never
imports them. Every error is one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from autograd_core.draw.dot import draw_graph
from autograd_core.draw.render import SAVE_FORMATS, RenderError
from autograd_core.expression import ALLOWED, ExpressionError, build, parse_assignments

#: Entry points in this group are functions ``add_command(subparsers)``.
COMMAND_GROUP = "autograd_core.commands"


class UsageError(Exception):
    """Bad input on the command line: reported as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse prints the whole usage first; one line is easier to read in a notebook
        # cell or a CI log, and `--help` still shows the usage.
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="autograd-core",
        description="Backpropagation you can see: the lectures' worked examples and graphs.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    for entry_point in sorted(entry_points(group=COMMAND_GROUP), key=lambda e: e.name):
        entry_point.load()(commands)
    add_graph_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return args.run(args)
    except UsageError as error:
        # One line even when the message quotes user text holding newlines (a path, EXPR).
        print(f"autograd-core: error: {' '.join(str(error).split())}", file=sys.stderr)
        return 2


# -- autograd-core graph ----------------------------------------------------------------------

EXAMPLE = 'autograd-core graph "tanh(w*x + b)" --set x=2 --set w=-3 --set b=1 -o neuron.svg'


def add_graph_command(commands: Any) -> None:
    """Register the ``graph`` subcommand on the CLI's subparsers."""
    graph = commands.add_parser(
        "graph",
        help="draw the computation graph of an expression, gradients included",
        description=(
            f"Draw the computation graph of EXPR after backward. EXPR may use {ALLOWED}; "
            "each name gets its value from --set. Python is never run. "
            f"Example: {EXAMPLE}. Write an EXPR that starts with '-' with a space "
            "first (' -x*y') or put it last, after '--'."
        ),
    )
    graph.add_argument("expression", metavar="EXPR", help="the expression, e.g. 'x**2 * y'")
    graph.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar="NAME=NUMBER",
        help="the value of one name in EXPR (repeat for each name)",
    )
    graph.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help=f"write here, format by suffix ({', '.join(SAVE_FORMATS)}); default: SVG on stdout",
    )
    graph.add_argument("--rankdir", choices=("LR", "TB"), default="LR", help="layout direction")
    graph.add_argument("--no-grad", action="store_true", help="leave gradients out")
    graph.add_argument(
        "--derivatives",
        action="store_true",
        help="label each edge with its local derivative and the chain-rule product",
    )
    graph.set_defaults(run=run_graph)


def run_graph(args: argparse.Namespace) -> int:
    output = Path(args.output) if args.output else None
    if output is not None and output.suffix.lower() not in SAVE_FORMATS:
        raise UsageError(
            f"-o {args.output}: unknown suffix {output.suffix or '(none)'!r}; "
            f"accepted: {', '.join(SAVE_FORMATS)}"
        )
    if output is not None and not output.parent.is_dir():
        raise UsageError(f"-o {args.output}: no directory {output.parent}")
    try:
        root = build(args.expression, parse_assignments(args.assignments))
    except ExpressionError as error:
        raise UsageError(str(error)) from None
    if root.op:  # a bare name (`x`, `(x)`, `+x`) is its own root and keeps its name
        label = " ".join(args.expression.split())
        root.label = label if len(label) <= 60 else "EXPR"
    root.backward()
    drawing = draw_graph(
        root, rankdir=args.rankdir, show_grad=not args.no_grad, edge_labels=args.derivatives
    )
    try:
        if output is None:
            # Bytes, not text: the SVG declares UTF-8, whatever the terminal's encoding is.
            sys.stdout.flush()
            sys.stdout.buffer.write(drawing.svg().encode("utf-8"))
            sys.stdout.buffer.flush()
        else:
            drawing.save(output)
    except (RenderError, OSError) as error:
        raise UsageError(" ".join(str(error).split())) from None
    return 0
