"""The ``autograd-core`` command line, and its ``graph`` command.

Layers above the engine add commands through the entry-point group ``autograd_core.commands``
(nn's lecture companion adds ``lectures``), so this module never imports them. Every error is
one escaped line on stderr with exit status 2; stdout carries only the drawing. A closed pipe
(``autograd-core graph ... | head``) ends the program quietly with status 1, as the recipe
in Python's documentation of SIGPIPE does: the output was cut short, the command line was fine.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import stat
import sys
import textwrap
from collections.abc import Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from autograd_core import __version__, expression
from autograd_core.draw.dot import draw_graph
from autograd_core.draw.render import SAVE_FORMATS, RenderError
from autograd_core.expression import ExpressionError, one_line, printable, quoted

COMMAND_GROUP = "autograd_core.commands"  # entry points: functions add_command(subparsers)


class UsageError(Exception):
    """Bad input on the command line: reported as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)  # one line, not the whole usage; --help still shows it


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="autograd-core",
        description="Backpropagation you can see: the lectures' worked examples and graphs.",
    )
    parser.add_argument("--version", action="version", version=f"autograd-core {__version__}")
    commands = parser.add_subparsers(metavar="COMMAND", parser_class=_Parser, required=True)
    for entry_point in sorted(entry_points(group=COMMAND_GROUP), key=lambda e: e.name):
        try:
            add_command = entry_point.load()
        except Exception as error:  # a broken layer above must not take `graph` down with it
            say(
                f"autograd-core: note: the {entry_point.name!r} command could not be loaded "
                f"({type(error).__name__}: {one_line(error)})"
            )
            continue
        add_command(commands)
    add_graph_command(commands)
    return parser


def say(line: str) -> None:
    """Write one line to stderr, escaped; nothing when stderr is closed (print would use stdout)."""
    if sys.stderr is not None:
        print(printable(line), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        parser = build_parser()
        if not argv:  # as git does: what there is to run, on stderr, status 2; stdout stays empty
            if sys.stderr is not None:
                sys.stderr.write(parser.format_help())
            return 2
        try:
            if argv[0] == "graph":
                argv = ["graph", *arrange_graph_arguments(argv[1:])]
            args = parser.parse_args(argv)
            return args.run(args)
        except UsageError as error:
            say(f"autograd-core: error: {error}")
            return 2
        except SystemExit as exit:  # --help and --version end here, having printed
            return exit.code if isinstance(exit.code, int) else 0
    except BrokenPipeError:
        # Python's recipe: point stdout at /dev/null, so the final flush cannot fail again.
        with contextlib.suppress(AttributeError, OSError, ValueError):  # no real stdout
            descriptor = sys.stdout.fileno()
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, descriptor)
            os.close(devnull)
        return 1  # the output was cut short; not 2, the command line was fine
    except KeyboardInterrupt:
        return 130  # the shell's status for a process ended by Ctrl-C (128 + SIGINT)


# -- autograd-core graph ----------------------------------------------------------------------

GRAPH_DESCRIPTION = textwrap.fill(
    f"Draw the computation graph of EXPR after backward. EXPR may use {expression.ALLOWED}; "
    "each name gets its value from --set NAME=NUMBER. Python is never run.",
    width=78,
)

GRAPH_EPILOG = """\
example:
  autograd-core graph "sigmoid(w*x + b)" --set x=2 --set w=-0.5 --set b=1 -o neuron.svg

output:
  The drawing goes to FILE, or as SVG to standard output, which then carries
  nothing else. Standard error gets EXPR's value, the gradient of EXPR with
  respect to each name (not with --no-grad) and the file written; -q leaves
  that out. A number beyond the float range reads as IEEE 754 does
  (--set x=1e400 is inf), with a note. An error is one line, exit status 2.

numbers:
  In EXPR and in --set alike, numbers are decimal, as Python writes them, in
  ASCII digits: 2, -0.5, 1e-3, 1_000, and inf and nan (not 0x10, not 010).

EXPR may start with a minus ('-x*y'): an argument that starts with '-' and is
not one of the options above is EXPR, unless it looks like a long option
(--name), which is refused as unknown. The argument after '--' is EXPR whatever
it looks like (graph -- '--x' --set x=1)."""

#: graph's options that take a value, and those that take none (or any unambiguous prefix).
GRAPH_VALUE_OPTIONS = ("-o", "--output", "--set", "--rankdir")
GRAPH_FLAGS = ("--no-grad", "--derivatives", "-q", "--quiet", "-h", "--help")
_OPTIONS = GRAPH_VALUE_OPTIONS + GRAPH_FLAGS
_LONG_OPTIONS = [name for name in _OPTIONS if name.startswith("--")]
_LOOKS_LIKE_A_LONG_OPTION = re.compile(r"--[A-Za-z][A-Za-z0-9_-]*(=.*)?", re.DOTALL)


def arrange_graph_arguments(arguments: Sequence[str]) -> list[str]:
    """graph's arguments with EXPR moved last, after ``--``, so argparse takes it as EXPR.

    argparse alone reads every argument that starts with '-' as an option. Here an argument
    is an option only when it is one of graph's (an unambiguous prefix of a long one,
    ``--name=value`` and ``-oFILE`` included) or looks like a long option (``--bogus``:
    refused); the value after -o, --set or --rankdir is that option's, and the argument after
    ``--`` is EXPR, whatever they look like; every other argument, '-x*y' included, is EXPR.
    """
    options: list[str] = []
    expressions: list[str] = []
    index = 0
    while index < len(arguments):
        token = arguments[index]
        index += 1
        if token == "--":
            expressions += arguments[index : index + 1]
            index += 1
            continue
        name = token
        if _LOOKS_LIKE_A_LONG_OPTION.fullmatch(token):
            # No long option is a prefix of another, so a full name matches only itself.
            prefix = token.partition("=")[0]
            matches = [option for option in _LONG_OPTIONS if option.startswith(prefix)]
            if len(matches) != 1:
                raise UsageError(
                    f"unrecognized option {quoted(token, 40)}; graph's options "
                    f"are {', '.join(_LONG_OPTIONS)}; an EXPR that starts with '--' goes "
                    "after '--', as in: graph -- '--x' --set x=1"
                )
            name = matches[0]
        takes_value = name in GRAPH_VALUE_OPTIONS and "=" not in token
        # -oFILE is told from EXPR ('-o*2') by FILE's suffix of letters (EXPR refuses '.').
        attached_output = token.startswith("-o") and Path(token[2:]).suffix[1:].isalpha()
        if takes_value and index < len(arguments) and arguments[index] not in (*_OPTIONS, "--"):
            # --name=VALUE, so that argparse keeps a value such as '-1.svg' as it is (a bare
            # '--' would reach it as an empty list).
            options.append(f"{'--output' if name == '-o' else name}={arguments[index]}")
            index += 1
        elif name in _OPTIONS or attached_output:
            options.append(token)  # --name=value, a flag, or an option missing its value
        else:
            expressions.append(token)
    return [*options, "--", *expressions] if expressions else options


def add_graph_command(commands: Any) -> None:
    """Register the ``graph`` subcommand on the CLI's subparsers."""
    graph = commands.add_parser(
        "graph",
        help="draw the computation graph of an expression, gradients included",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=GRAPH_DESCRIPTION,
        epilog=GRAPH_EPILOG,
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
    graph.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="report nothing on stderr but errors and notes (no value, gradients or file)",
    )
    graph.set_defaults(run=run_graph)


def _check_output(output: Path, shown: str) -> None:
    """Refuse, before any work, an unknown suffix or a directory that cannot take a file."""
    if "\0" in str(output):
        raise UsageError(f"-o {shown}: a file name cannot hold the NUL character")
    if output.suffix.lower() not in SAVE_FORMATS:
        raise UsageError(
            f"-o {shown}: unknown suffix {quoted(repr(output.suffix or '(none)'), 40)}; "
            f"accepted: {', '.join(SAVE_FORMATS)}"
        )
    where = printable(output.parent)
    try:
        is_directory = stat.S_ISDIR(os.stat(output.parent).st_mode)
        problem = "" if is_directory else f"{where} is not a directory"
    except FileNotFoundError:
        problem = f"no directory {where}"
    except NotADirectoryError:
        problem = f"{where} is not a directory"
    except PermissionError:
        problem = f"cannot enter the directory {where} (permission denied)"
    except OSError as error:
        problem = f"cannot use the directory {where} ({error.strerror})"
    if problem:
        raise UsageError(f"-o {shown}: {problem}")


def run_graph(args: argparse.Namespace) -> int:
    output = Path(args.output) if args.output else None
    shown_output = printable(args.output) if args.output else ""
    if output is not None:
        _check_output(output, shown_output)
    elif sys.stdout is None:
        raise UsageError("standard output is closed; write the drawing to a file with -o FILE")
    notes: list[str] = []
    try:
        values = expression.parse_assignments(args.assignments, notes)
        # Notes (1e400 read as inf) are warnings: shown even with --quiet, and before an
        # error in EXPR, which they may explain.
        for note in notes:
            say(f"autograd-core: note: {note}")
        root, inputs = expression.build_with_inputs(args.expression, values)
    except ExpressionError as error:
        raise UsageError(str(error)) from None
    label = one_line(args.expression)
    if root.op:  # a bare name (`x`, `(x)`, `+x`) is its own root and keeps its name
        root.label = label if len(label) <= 60 else "EXPR"
    root.backward()
    drawing = draw_graph(
        root, rankdir=args.rankdir, show_grad=not args.no_grad, edge_labels=args.derivatives
    )
    try:
        if output is None:
            _write_stdout(drawing.svg().encode("utf-8"))
        else:
            drawing.save(output)
    except RenderError as error:
        raise UsageError(one_line(error)) from None
    except OSError as error:
        if output is None:  # BrokenPipeError: main ends quietly
            raise
        raise UsageError(f"-o {shown_output}: cannot write the file ({error.strerror})") from None
    if not args.quiet:
        say(f"{quoted(label)} = {root.data!r}")
        if not args.no_grad:
            for name, leaf in inputs.items():
                say(f"  d/d{name} = {leaf.grad!r}")
        if output is not None:
            say(f"wrote {shown_output}")
    return 0


def _write_stdout(data: bytes) -> None:
    """Write the SVG's bytes (UTF-8, as it declares) to stdout; BrokenPipeError propagates."""
    try:
        sys.stdout.flush()
        binary = getattr(sys.stdout, "buffer", None)
        if binary is None:  # a text-only stream put in place of stdout (some harnesses)
            sys.stdout.write(data.decode("utf-8"))
            sys.stdout.flush()
        else:
            binary.write(data)
            binary.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as error:  # EBADF, or a stdout closed inside the process
        reason = getattr(error, "strerror", None) or "it is closed"
        raise UsageError(
            f"cannot write the SVG to standard output ({reason}); write it with -o FILE"
        ) from None
