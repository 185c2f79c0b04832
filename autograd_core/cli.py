"""The ``autograd-core`` command line, and its ``graph`` command.

``autograd-core graph EXPR`` draws the computation graph of a formula typed on the command
line: :mod:`autograd_core.expression` reads it (it is never evaluated as Python), each name
takes its value from ``--set NAME=NUMBER``, backward runs from the result, and the drawing
goes to ``-o FILE`` (format from the suffix) or, as SVG, to standard output.

Layers above the engine add their own commands through the entry-point group
``autograd_core.commands`` (nn's lecture companion adds ``lectures``), so this module never
imports them.

Conventions: every error is one line on stderr and exit status 2, never a traceback; user
text quoted in a message is escaped (no terminal control sequence reaches the screen);
stdout carries only the drawing, everything else goes to stderr. When the reader of stdout
goes away (``autograd-core graph ... | head``) the program stops quietly with status 1, as
the recipe in Python's documentation of SIGPIPE does: not 0, since the output was cut short,
and not 2, which means the command line was wrong.
"""

from __future__ import annotations

import argparse
import os
import re
import stat
import sys
import textwrap
from collections.abc import Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from autograd_core import __version__
from autograd_core.draw.dot import draw_graph
from autograd_core.draw.render import SAVE_FORMATS, RenderError
from autograd_core.expression import (
    ALLOWED,
    ExpressionError,
    build_with_inputs,
    parse_assignments,
    printable,
    quoted,
)

#: Entry points in this group are functions ``add_command(subparsers)``.
COMMAND_GROUP = "autograd_core.commands"

#: Exit status when stdout's reader has gone (a closed pipe).
CLOSED_PIPE_STATUS = 1


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
    parser.add_argument("--version", action="version", version=f"autograd-core {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    for entry_point in sorted(entry_points(group=COMMAND_GROUP), key=lambda e: e.name):
        try:
            add_command = entry_point.load()
        except Exception as error:  # a broken layer above must not take `graph` down with it
            say(
                f"autograd-core: note: the {entry_point.name!r} command could not be loaded "
                f"({type(error).__name__}: {' '.join(str(error).split())})"
            )
            continue
        add_command(commands)
    add_graph_command(commands)
    return parser


def say(line: str) -> None:
    """Write one line to stderr, escaped; nothing when stderr is closed.

    ``print(file=None)`` would fall back to stdout, where it would corrupt the SVG.
    """
    if sys.stderr is not None:
        print(printable(line), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    try:
        return _main(sys.argv[1:] if argv is None else list(argv))
    except BrokenPipeError:
        _discard_stdout()
        return CLOSED_PIPE_STATUS
    except KeyboardInterrupt:
        return 130  # the shell's status for a process ended by Ctrl-C (128 + SIGINT)


def _main(argv: list[str]) -> int:
    parser = build_parser()
    if not argv:
        # No command at all: show what there is to run, as git does, on stderr and with
        # status 2 as for any other incomplete command line, so stdout stays empty.
        if sys.stderr is not None:
            sys.stderr.write(parser.format_help())
        return 2
    try:
        if argv[0] == "graph":
            argv = ["graph", *arrange_graph_arguments(argv[1:])]
        args = parser.parse_args(argv)
        return args.run(args)
    except UsageError as error:
        # One line even when the message quotes user text holding newlines (escaped).
        say(f"autograd-core: error: {error}")
        return 2
    except SystemExit as exit:  # --help and --version end here, having printed
        return exit.code if isinstance(exit.code, int) else 0


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush cannot fail again.

    This is the recipe of Python's documentation (signal module, "Note on SIGPIPE"); without
    it, Python prints "Exception ignored ... BrokenPipeError" on its way out.
    """
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # no real stdout (None, or captured)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)


# -- autograd-core graph ----------------------------------------------------------------------

EXAMPLE = 'autograd-core graph "sigmoid(w*x + b)" --set x=2 --set w=-0.5 --set b=1 -o neuron.svg'

GRAPH_DESCRIPTION = textwrap.fill(
    f"Draw the computation graph of EXPR after backward. EXPR may use {ALLOWED}; each name "
    "gets its value from --set NAME=NUMBER. Python is never run.",
    width=78,
)

GRAPH_EPILOG = f"""\
example:
  {EXAMPLE}

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

#: graph's options that take a value, and those that take none (argparse also accepts any
#: unambiguous prefix of a long one, such as --out).
GRAPH_VALUE_OPTIONS = ("-o", "--output", "--set", "--rankdir")
GRAPH_FLAGS = ("--no-grad", "--derivatives", "-q", "--quiet", "-h", "--help")
_LONG_OPTIONS = [name for name in GRAPH_VALUE_OPTIONS + GRAPH_FLAGS if name.startswith("--")]
_LOOKS_LIKE_A_LONG_OPTION = re.compile(r"--[A-Za-z][A-Za-z0-9_-]*(=.*)?", re.DOTALL)


def _long_option(token: str) -> str | None:
    """The long option that ``token`` (``--name`` or ``--name=value``) names, if exactly one."""
    name = token.partition("=")[0]
    if name in _LONG_OPTIONS:
        return name
    matches = [option for option in _LONG_OPTIONS if option.startswith(name)]
    return matches[0] if len(matches) == 1 else None


def arrange_graph_arguments(arguments: Sequence[str]) -> list[str]:
    """graph's arguments with EXPR moved last, after ``--``, so argparse takes it as EXPR.

    argparse reads every argument that starts with '-' as an option, so on its own it
    cannot take EXPR '-x' before or between the options. Here an argument is an option
    only when it is one of graph's (``GRAPH_VALUE_OPTIONS``, ``GRAPH_FLAGS``, an
    unambiguous prefix of a long one, ``--name=value``, ``-oFILE``), or looks like a long
    option (``--bogus``: refused as unrecognised, with UsageError); the value after -o, --set
    or --rankdir is that option's, whatever it looks like; the argument after ``--`` is EXPR
    whatever it looks like; every other argument, '-x*y' included, is EXPR.
    """
    options: list[str] = []
    expressions: list[str] = []
    index = 0
    while index < len(arguments):
        token = arguments[index]
        index += 1
        if token == "--":
            if index < len(arguments):
                expressions.append(arguments[index])
                index += 1
            continue
        value_option = None
        if token in GRAPH_VALUE_OPTIONS:
            value_option = token
        elif token.startswith("--") and _LOOKS_LIKE_A_LONG_OPTION.fullmatch(token):
            long_option = _long_option(token)
            if long_option in GRAPH_VALUE_OPTIONS and "=" not in token:
                value_option = long_option
            elif long_option is not None:
                options.append(token)  # a flag, or --name=value
                continue
            else:
                raise UsageError(
                    f"unrecognized option {quoted(token, 40)}; graph's options "
                    f"are {', '.join(_LONG_OPTIONS)}; an EXPR that starts with '--' goes "
                    "after '--', as in: graph -- '--x' --set x=1"
                )
        elif token in GRAPH_FLAGS or _is_attached_output(token):
            options.append(token)
            continue
        else:
            expressions.append(token)
            continue
        if index < len(arguments) and arguments[index] not in GRAPH_VALUE_OPTIONS + GRAPH_FLAGS:
            # `--set=VALUE` form, so that argparse keeps a value such as '-1.svg' as it is.
            canonical = "--output" if value_option == "-o" else value_option
            options.append(f"{canonical}={arguments[index]}")
            index += 1
        else:
            options.append(token)  # no value: argparse says "expected one argument"
    return [*options, "--", *expressions] if expressions else options


def _is_attached_output(token: str) -> bool:
    """``-oFILE``: -o with its file attached, told from EXPR ('-o*2') by FILE's suffix.

    A suffix of letters (``.svg``) would be attribute access in EXPR, which EXPR refuses.
    """
    suffix = Path(token[2:]).suffix
    return token.startswith("-o") and len(suffix) > 1 and suffix[1:].isalpha()


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


def _check_directory(output: Path, shown: str) -> None:
    """Refuse, before any work, an output path whose directory cannot take a new file."""
    directory = output.parent
    where = printable(str(directory))
    try:
        status = os.stat(directory)
    except FileNotFoundError:
        raise UsageError(f"-o {shown}: no directory {where}") from None
    except NotADirectoryError:
        raise UsageError(f"-o {shown}: {where} is not a directory") from None
    except PermissionError:
        raise UsageError(
            f"-o {shown}: cannot enter the directory {where} (permission denied)"
        ) from None
    except OSError as error:
        raise UsageError(
            f"-o {shown}: cannot use the directory {where} ({error.strerror})"
        ) from None
    if not stat.S_ISDIR(status.st_mode):
        raise UsageError(f"-o {shown}: {where} is not a directory")


def run_graph(args: argparse.Namespace) -> int:
    output = Path(args.output) if args.output else None
    shown_output = printable(args.output) if args.output else ""
    if output is not None and "\0" in args.output:
        raise UsageError(f"-o {shown_output}: a file name cannot hold the NUL character")
    if output is not None and output.suffix.lower() not in SAVE_FORMATS:
        raise UsageError(
            f"-o {shown_output}: unknown suffix {quoted(repr(output.suffix or '(none)'), 40)}; "
            f"accepted: {', '.join(SAVE_FORMATS)}"
        )
    if output is not None:
        _check_directory(output, shown_output)
    if output is None and sys.stdout is None:
        raise UsageError("standard output is closed; write the drawing to a file with -o FILE")
    notes: list[str] = []
    try:
        values = parse_assignments(args.assignments, notes)
        # Notes (1e400 read as inf) are warnings: shown even with --quiet, and before an
        # error in EXPR, which they may explain.
        for note in notes:
            say(f"autograd-core: note: {note}")
        root, inputs = build_with_inputs(args.expression, values)
    except ExpressionError as error:
        raise UsageError(str(error)) from None
    label = " ".join(args.expression.split())
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
        raise UsageError(" ".join(str(error).split())) from None
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
    """Write the SVG's bytes to stdout; a closed pipe propagates as BrokenPipeError."""
    try:
        # Bytes, not text: the SVG declares UTF-8, whatever the terminal's encoding is.
        sys.stdout.flush()
        binary = getattr(sys.stdout, "buffer", None)
        if binary is None:  # a text-only stream put in place of stdout (some harnesses)
            sys.stdout.write(data.decode("utf-8"))
            sys.stdout.flush()
            return
        binary.write(data)
        binary.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as error:  # EBADF, or a stdout closed inside the process
        reason = getattr(error, "strerror", None) or "it is closed"
        raise UsageError(
            f"cannot write the SVG to standard output ({reason}); write it with -o FILE"
        ) from None
