"""The ``autograd-core`` command line.

Every error is one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


class UsageError(Exception):
    """Bad input on the command line: reported as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse prints the whole usage first; one line is easier to read in a notebook
        # cell or a CI log, and `--help` still shows the usage.
        raise UsageError(message)


def _demo(args: argparse.Namespace) -> int:
    from autograd_core import Value

    x = Value(2.0, label="x")
    w = Value(-3.0, label="w")
    b = Value(1.0, label="b")
    y = (w * x + b).tanh()
    y.label = "y"
    y.backward()
    print("y = tanh(w·x + b) at x = 2, w = −3, b = 1")
    print(f"y = {y.data:.6f}")
    for v in (x, w, b):
        print(f"∂y/∂{v.label} = {v.grad:.6f}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="autograd-core",
        description="Backpropagation you can see: the lectures' worked examples and graphs.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    demo = commands.add_parser("demo", help="build a small graph, run backward, print gradients")
    demo.set_defaults(run=_demo)

    # `lectures`: the worked examples of the lecture notes (nn/lectures_command.py).
    from nn import lectures_command

    lectures = commands.add_parser(
        "lectures",
        help="check every worked example: formula = engine = finite difference",
        description="Run every worked example of the lectures; exit 0 only when all agree.",
    )
    lectures_command.add_arguments(lectures)
    lectures.set_defaults(run=lectures_command.run)

    # -- graph: draw an expression's computation graph (autograd_core/graph_command.py) --
    from autograd_core.graph_command import add_graph_command

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
