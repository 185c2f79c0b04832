"""Formulas typed by a user (``autograd-core graph "tanh(w*x + b)"``) as a graph of Values.

:mod:`ast` reads the text, every node is checked against a short list and anything else is
refused with a message naming it; the checked tree is walked to build Values, never evaluated.
"""

from __future__ import annotations

import ast
import difflib
import keyword
import math
import operator
import re
import unicodedata
from collections.abc import Iterable, Mapping

from autograd_core.value import Value, _real_to_float

FUNCTIONS = ("relu", "sigmoid", "tanh", "exp", "log")
SPECIAL_NUMBERS = {"inf": math.inf, "nan": math.nan}  # numbers, in EXPR and --set alike
ALLOWED = "numbers, names, + - * / **, unary minus, parentheses and the calls " + ", ".join(
    f"{name}(...)" for name in FUNCTIONS
)
MAX_LENGTH = 2000  # longer text is refused before parsing: it bounds the parser's work

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
# What the refused constructs are called in error messages.
_OPERATORS = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
    ast.Not: "not",
    ast.Invert: "~",
}
_DESCRIPTIONS = {
    ast.Attribute: "attribute access (.)",
    ast.Subscript: "subscripts ([...])",
    ast.Lambda: "lambda",
    ast.Compare: "comparisons",
    ast.BoolOp: "and/or",
    ast.IfExp: "if-else",
    ast.NamedExpr: "assignment (:=)",
    ast.JoinedStr: "f-strings",
    ast.List: "lists",
    ast.Tuple: "tuples",
    ast.Dict: "dicts",
    ast.Set: "sets",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "generator expressions",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}

# One number grammar for EXPR and --set: Python's decimal literals in ASCII digits, or inf or
# nan. float() alone would also take Arabic-Indic digits and "Infinity", Python's parser alone
# 0x10 and 0b1: each side refuses what the other would.
_DIGITS = r"[0-9](?:_?[0-9])*"
_POINT = rf"(?:(?:{_DIGITS})?\.{_DIGITS}|{_DIGITS}\.)"
_DECIMAL = re.compile(
    rf"[1-9](?:_?[0-9])*|0+(?:_?0)*|{_POINT}|(?:{_DIGITS}|{_POINT})[eE][+-]?{_DIGITS}",
    re.ASCII,
)
_SIGNED = re.compile(rf"[+-]?(?:{_DECIMAL.pattern}|inf|nan)", re.ASCII)
NUMBERS = "decimal numbers such as 2, -0.5, 1e-3 or 1_000, inf and nan"


class ExpressionError(ValueError):
    """An expression or a ``--set`` assignment that cannot be used; the message is one line."""


# Characters that would act on a terminal (ESC, NUL, bidirectional overrides) or break the
# line (newline, U+2028), by Unicode category.
_NOT_SHOWN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _escape(character: str) -> str:
    code = ord(character)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a command-line argument that is not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return repr(character)[1:-1]  # \n, \x1b, \u202e: repr escapes every one of _NOT_SHOWN


def printable(text: object) -> str:
    """``text`` with every control, format or line-breaking character written as an escape,
    so that user text quoted in a message cannot act on the terminal or break the line."""
    return "".join(
        _escape(character) if unicodedata.category(character) in _NOT_SHOWN else character
        for character in str(text)
    )


def quoted(text: str, limit: int = 60) -> str:
    """User text for a message: escaped by :func:`printable`, cut to ``limit`` characters."""
    text = str(text)
    return printable(text[:limit]) + ("..." if len(text) > limit else "")


def one_line(text: object) -> str:
    """``str(text)`` with every run of blanks, newlines included, as one space."""
    return " ".join(str(text).split())


def _position(source: str, lineno: int, byte_offset: int) -> int:
    """The index in ``source`` of an AST position (1-based line, UTF-8 byte column)."""
    lines = source.split("\n")
    line_start = sum(len(line) + 1 for line in lines[: lineno - 1])
    line = lines[lineno - 1] if lineno <= len(lines) else ""
    return line_start + len(line.encode("utf-8")[:byte_offset].decode("utf-8", "ignore"))


class _Source:
    """EXPR as typed, and the stripped text that :mod:`ast` reads (positions refer to it)."""

    def __init__(self, typed: str) -> None:
        self.text = typed.strip()
        lead = typed[: len(typed) - len(typed.lstrip())]
        # Leading blanks (' -x*y') shift the columns a user counts in what they typed; after a
        # leading newline, lines are counted instead.
        self.shift = 0 if "\n" in lead else len(lead)

    def at(self, index: int) -> str:
        """The text ' (column N)' for character ``index`` of the stripped text, as typed."""
        before = self.text[:index]
        if "\n" in before:
            line, column = before.count("\n") + 1, index - before.rfind("\n")
            return f" (line {line}, column {column})"
        return f" (column {index + 1 + self.shift})"

    def where(self, node: ast.AST) -> str:
        return self.at(_position(self.text, node.lineno, node.col_offset))


def parse(text: str) -> ast.Expression:
    """Parse ``text`` and check every node; raises ExpressionError naming what is refused."""
    if not isinstance(text, str):
        raise ExpressionError(f"EXPR must be text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"EXPR is {len(text)} characters long; at most {MAX_LENGTH}")
    if not text.strip():
        raise ExpressionError(f"EXPR is empty; it may use {ALLOWED}")
    source = _Source(text)
    try:
        tree = ast.parse(source.text, mode="eval")
    except SyntaxError as error:
        if not error.offset:
            where = ""
        elif (error.lineno or 1) > 1:
            where = f" at line {error.lineno}, column {error.offset}"
        else:
            where = f" at column {error.offset + source.shift}"
        if error.msg.startswith("leading zeros"):  # Python's message points to 0o, refused here
            raise ExpressionError(
                f"EXPR may not use a decimal integer with leading zeros{where}; "
                f"numbers are {NUMBERS}"
            ) from None
        raise ExpressionError(
            f"EXPR is not a valid expression{where}: {printable(one_line(error.msg))}"
        ) from None
    except (RecursionError, MemoryError, ValueError) as error:
        raise ExpressionError(f"EXPR cannot be parsed: {one_line(error) or 'too deep'}") from None
    _check(tree, source)
    if "#" in source.text:  # with string literals refused, a # can only start a comment
        raise ExpressionError(
            f"EXPR may not use comments (#){source.at(source.text.index('#'))}; "
            f"it may use only {ALLOWED}"
        )
    return tree


def _check(tree: ast.Expression, source: _Source) -> None:
    """Refuse the first node, breadth-first (no recursion on depth), that EXPR may not use."""
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Expression, ast.Load, *_BINARY, ast.USub, ast.UAdd)):
            continue
        what = None
        if isinstance(node, ast.BinOp):
            if not isinstance(node.op, tuple(_BINARY)):
                raise _refuse_operator(source, node)
            if isinstance(node.op, ast.Pow) and any(
                isinstance(part, ast.Call)
                or (isinstance(part, ast.Name) and part.id not in SPECIAL_NUMBERS)
                for part in ast.walk(node.right)
            ):
                raise ExpressionError(
                    f"the exponent of ** must be a number{source.where(node.right)}, as in "
                    "x**2 or x**(-0.5); for a variable exponent p write exp(p*log(x))"
                )
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                what = f"the unary operator {_OPERATORS[type(node.op)]}"
        elif isinstance(node, ast.Constant):
            written = ast.get_source_segment(source.text, node)
            if type(node.value) not in (int, float):
                what = f"the {type(node.value).__name__} literal {quoted(repr(node.value), 40)}"
            elif not _DECIMAL.fullmatch(written):  # 0x10, 0o17, 0b1
                raise ExpressionError(
                    f"EXPR may not use the number {quoted(written, 40)}{source.where(node)}; "
                    f"numbers are {NUMBERS}"
                )
        elif isinstance(node, ast.Name):
            if node.id in FUNCTIONS and id(node) not in called:
                what = f"the function {node.id!r} without a call (write {node.id}(x))"
        elif isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name not in FUNCTIONS:
                what = "an expression" if name is None else quoted(repr(name), 40)
                guess = name and did_you_mean(name)
                hint = f": did you mean {guess}? The" if guess else "; the"
                raise ExpressionError(
                    f"EXPR may not use a call of {what}{source.where(node)}{hint} functions "
                    f"are {', '.join(FUNCTIONS)}"
                )
            if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
                what = f"{name}(...) with anything but one positional argument"
        else:
            what = _DESCRIPTIONS.get(type(node), f"{type(node).__name__} syntax")
        if what:
            raise ExpressionError(
                f"EXPR may not use {what}{source.where(node)}; it may use only {ALLOWED}"
            )


def _refuse_operator(source: _Source, node: ast.BinOp) -> ExpressionError:
    """The error for a refused binary operator, at the operator (the first such symbol after
    the left operand; the AST places a BinOp at its left operand)."""
    symbol = _OPERATORS[type(node.op)]
    end_of_left = _position(source.text, node.left.end_lineno, node.left.end_col_offset)
    found = source.text.index(symbol, end_of_left)
    if isinstance(node.op, ast.BitXor):
        # Newcomers from maths (and from LaTeX or spreadsheets) write x^2 for a power.
        begin = _position(source.text, node.lineno, node.col_offset)
        finish = _position(source.text, node.end_lineno, node.end_col_offset)
        left, right = source.text[begin:found].rstrip(), source.text[found + 1 : finish].lstrip()
        example = f"{left}**{right}" if len(left) + len(right) <= 40 else "x**2"
        return ExpressionError(
            f"EXPR may not use the operator ^{source.at(found)}, which Python reads as "
            f"exclusive or: for a power write **, as in {quoted(example)}"
        )
    return ExpressionError(
        f"EXPR may not use the operator {symbol}{source.at(found)}; it may use only {ALLOWED}"
    )


def did_you_mean(name: str) -> str | None:
    """The function of EXPR that ``name`` is most likely a slip for (``sigmiod``: sigmoid)."""
    lowered = name.lower()
    matches = difflib.get_close_matches("log" if lowered == "ln" else lowered, FUNCTIONS, n=1)
    return matches[0] if matches else None


def names(tree: ast.Expression) -> list[str]:
    """The variable names in a checked tree, in order of first appearance in the text."""
    named = [node for node in ast.walk(tree) if isinstance(node, ast.Name)]
    found = sorted((node.lineno, node.col_offset, node.id) for node in named)
    not_variables = (*FUNCTIONS, *SPECIAL_NUMBERS)  # in a checked tree, functions are called
    return list(dict.fromkeys(name for _, _, name in found if name not in not_variables))


def parse_assignments(
    assignments: Iterable[str], notes: list[str] | None = None
) -> dict[str, float]:
    """``["x=2", "w=-3"]`` as ``{"x": 2.0, "w": -3.0}``; ExpressionError names a bad one.

    A number beyond the float range reads as IEEE 754 does (``1e400`` is inf), with a note
    appended to ``notes`` when it is a list.
    """
    values: dict[str, float] = {}
    for assignment in assignments:
        shown = quoted(assignment)
        name, equals, number = assignment.partition("=")
        name = unicodedata.normalize("NFKC", name.strip())  # as Python reads identifiers
        number = number.strip()
        if not equals:
            raise ExpressionError(f"--set {shown}: expected NAME=NUMBER, as in --set x=2")
        if not name.isidentifier() or keyword.iskeyword(name):
            raise ExpressionError(f"--set {shown}: {quoted(repr(name), 40)} is not a name")
        if name in FUNCTIONS:
            raise ExpressionError(f"--set {shown}: {name!r} is a function, not a variable")
        if name in SPECIAL_NUMBERS:
            raise ExpressionError(f"--set {shown}: {name!r} is a number, not a variable")
        if name in values:
            raise ExpressionError(f"--set {name} is given more than once")
        if not _SIGNED.fullmatch(number):
            raise ExpressionError(
                f"--set {shown}: {quoted(repr(number), 40)} is not a number; accepted: {NUMBERS}"
            )
        values[name] = value = float(number)  # 1e400 reads as IEEE 754 does, inf
        spelled = number.replace("_", "").lower()
        if math.isinf(value) and spelled.lstrip("+-") != "inf":
            note = "is beyond the float range (largest about 1.8e308)"
        elif value == 0.0 and any(digit in spelled.partition("e")[0] for digit in "123456789"):
            note = "is below the smallest float (about 4.9e-324)"
        else:
            continue
        if notes is not None:
            notes.append(f"--set {name}={quoted(number)} {note}, so {name} = {value}")
    return values


def build(text: str, values: Mapping[str, float]) -> Value:
    """The Value graph of ``text``: one leaf per name (``x*x`` uses it twice), labelled with
    it and taking ``values[name]``; numbers are leaves labelled as written."""
    return build_with_inputs(text, values)[0]


def build_with_inputs(text: str, values: Mapping[str, float]) -> tuple[Value, dict[str, Value]]:
    """:func:`build`'s graph, and its named leaves in order of first appearance in ``text``."""
    tree = parse(text)
    used = names(tree)
    missing = [name for name in used if name not in values]
    if missing:
        needed = " ".join(f"--set {name}=NUMBER" for name in missing)
        slips = [(name, did_you_mean(name)) for name in missing]
        hints = "".join(
            f" (or did you mean {guess}(...) for {name}?)" for name, guess in slips if guess
        )
        raise ExpressionError(f"EXPR uses {', '.join(missing)} with no value: add {needed}{hints}")
    unused = [name for name in values if name not in used]
    if unused:
        raise ExpressionError(
            f"--set {', '.join(unused)}: not used in EXPR {quoted(repr(text.strip()))}"
        )
    leaves = {name: Value(values[name], label=name) for name in used}
    return _evaluate(tree.body, leaves, text.strip()), leaves


def _literal(node: ast.AST) -> ast.AST | None:
    """The number (inf and nan included) that ``node`` is, signed or not (-2 is one leaf)."""
    literal = node.operand if isinstance(node, ast.UnaryOp) else node
    special = isinstance(literal, ast.Name) and literal.id in SPECIAL_NUMBERS
    return literal if special or isinstance(literal, ast.Constant) else None


def _operands(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp) and _literal(node) is None:
        return [node.operand]
    return node.args if isinstance(node, ast.Call) else []


def _evaluate(root: ast.AST, leaves: Mapping[str, Value], text: str) -> Value:
    """Nodes in post-order (left, right, node), without recursion: the reverse of a pre-order
    that takes the right operand first. Values are made in that order, as Python would."""
    order, pending = [], [root]
    while pending:
        order.append(pending.pop())
        pending.extend(_operands(order[-1]))
    results: dict[int, Value] = {}
    for node in reversed(order):
        operands = [results[id(operand)] for operand in _operands(node)]
        results[id(node)] = _apply(node, operands, leaves, text)
    return results[id(root)]


def _apply(node: ast.AST, operands: list[Value], leaves: Mapping[str, Value], text: str) -> Value:
    literal = _literal(node)
    if literal is not None:
        if isinstance(literal, ast.Name):
            number = SPECIAL_NUMBERS[literal.id]
        else:
            number = _real_to_float(literal.value)  # an integer beyond float range is inf
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            number = -number
        return Value(number, label=ast.get_source_segment(text, node))
    if isinstance(node, ast.Name):
        return leaves[node.id]
    if isinstance(node, ast.UnaryOp):
        return -operands[0] if isinstance(node.op, ast.USub) else operands[0]
    if isinstance(node, ast.Call):
        return getattr(operands[0], node.func.id)()  # one of FUNCTIONS, checked by parse
    left, right = operands
    # A constant exponent (parse checked it) is a plain float: x ** p leaves p out of the graph.
    return _BINARY[type(node.op)](left, right.data if isinstance(node.op, ast.Pow) else right)
