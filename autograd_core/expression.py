"""Arithmetic expressions typed by a user, turned into a graph of Values without running Python.

``autograd-core graph "tanh(w*x + b)" --set x=2 --set w=-3 --set b=1`` needs to read a
formula. Python's own parser (:mod:`ast`) reads it; then every node of the tree is checked
against a short list (numbers, names, ``+ - * / **``, unary ``-`` and ``+``, calls of
``relu sigmoid tanh exp log`` with one argument), and anything else is refused with a
message naming it. The checked tree is then walked to build Values: Python never
evaluates the text, so ``__import__('os').system(...)`` is only an unsupported call.
"""

from __future__ import annotations

import ast
import difflib
import keyword
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping

from autograd_core.value import Value

FUNCTIONS = ("relu", "sigmoid", "tanh", "exp", "log")
#: Names that are numbers, in EXPR and in --set alike (as Python's repr writes them).
SPECIAL_NUMBERS = {"inf": math.inf, "nan": math.nan}
ALLOWED = "numbers, names, + - * / **, unary minus, parentheses and the calls " + ", ".join(
    f"{name}(...)" for name in FUNCTIONS
)
#: Longer text is refused before parsing: nobody types a bigger formula, and it keeps the
#: parser's time and memory small whatever arrives.
MAX_LENGTH = 2000

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}

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


# One number grammar for EXPR and --set: Python's decimal literals (integer, point and
# exponent forms, digits grouped by single underscores), ASCII digits only, or inf or nan.
# float() alone would also take other digits (Arabic-Indic, fullwidth) and "Infinity", and
# Python's parser alone would take 0x10, 0o17 and 0b1: each side refuses what the other would.
_DIGITS = r"[0-9](?:_?[0-9])*"
_POINT = rf"(?:(?:{_DIGITS})?\.{_DIGITS}|{_DIGITS}\.)"
_DECIMAL = re.compile(
    rf"[1-9](?:_?[0-9])*|0+(?:_?0)*|{_POINT}|(?:{_DIGITS}|{_POINT})[eE][+-]?{_DIGITS}",
    re.ASCII,
)
_SIGNED = re.compile(rf"[+-]?(?:{_DECIMAL.pattern}|inf|nan)", re.ASCII)
NUMBERS = "decimal numbers such as 2, -0.5, 1e-3 or 1_000, inf and nan"


def read_number(text: str) -> float | None:
    """``text`` (an optional sign, then a number of the one grammar) as a float, else None.

    ``"1e400"`` reads as IEEE 754 does, ``inf``.
    """
    if not _SIGNED.fullmatch(text):
        return None
    return float(text)


class ExpressionError(ValueError):
    """An expression or a ``--set`` assignment that cannot be used; the message is one line."""


# Characters that would act on a terminal instead of showing (ESC, NUL, BEL, carriage
# return, bidirectional overrides) or break the line (newline, U+2028), by Unicode category.
_NOT_SHOWN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(character: str) -> str:
    if character in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[character]
    code = ord(character)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a command-line argument that is not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def printable(text: str) -> str:
    """``text`` with every control, format or line-breaking character written as an escape.

    User text quoted in a message goes to a terminal: ``"x\\x1b[31m"`` must show as
    ``x\\x1b[31m``, not turn the rest red, and a newline or NUL must not break the line.
    """
    return "".join(
        _escape(character) if unicodedata.category(character) in _NOT_SHOWN else character
        for character in str(text)
    )


def quoted(text: str, limit: int = 60) -> str:
    """User text for a message: escaped by :func:`printable`, cut to ``limit`` characters."""
    text = str(text)
    return printable(text[:limit]) + ("..." if len(text) > limit else "")


def _one_line(text: str) -> str:
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
        # Leading blanks (as in ' -x*y', the old way to pass a leading minus) shift the columns a
        # user counts in what they typed; after a leading newline, lines are counted instead.
        self.shift = 0 if "\n" in lead else len(lead)

    def at(self, index: int) -> str:
        """The text ' (column N)' for character ``index`` of the stripped text, as typed."""
        before = self.text[:index]
        if "\n" in before:
            line, column = before.count("\n") + 1, index - before.rfind("\n")
            return f" (line {line}, column {column})"
        return f" (column {index + 1 + self.shift})"

    def where(self, node: ast.AST) -> str:
        lineno, column = getattr(node, "lineno", None), getattr(node, "col_offset", None)
        if lineno is None or column is None:
            return ""
        return self.at(_position(self.text, lineno, column))


def _refuse(source: _Source, node: ast.AST, what: str) -> ExpressionError:
    return ExpressionError(
        f"EXPR may not use {what}{source.where(node)}; it may use only {ALLOWED}"
    )


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
            f"EXPR is not a valid expression{where}: {printable(_one_line(error.msg))}"
        ) from None
    except (RecursionError, MemoryError, ValueError) as error:
        raise ExpressionError(f"EXPR cannot be parsed: {_one_line(error) or 'too deep'}") from None
    _check(tree, source)
    if "#" in source.text:  # with string literals refused, a # can only start a comment
        raise ExpressionError(
            f"EXPR may not use comments (#){source.at(source.text.index('#'))}; "
            f"it may use only {ALLOWED}"
        )
    return tree


def _check(tree: ast.Expression, source: _Source) -> None:
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    for node in ast.walk(tree):  # breadth-first with a queue: no recursion on depth
        if isinstance(node, (ast.Expression, ast.Load, *_BINARY, ast.USub, ast.UAdd)):
            continue
        if isinstance(node, ast.BinOp):
            if not isinstance(node.op, tuple(_BINARY)):
                raise _refuse_operator(source, node)
            if isinstance(node.op, ast.Pow):
                _check_constant_exponent(source, node.right)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                what = f"the unary operator {_OPERATORS.get(type(node.op), '?')}"
                raise _refuse(source, node, what)
        elif isinstance(node, ast.Constant):
            if type(node.value) not in (int, float):
                what = f"the {type(node.value).__name__} literal {quoted(repr(node.value), 40)}"
                raise _refuse(source, node, what)
            written = ast.get_source_segment(source.text, node) or ""
            if not _DECIMAL.fullmatch(written):  # 0x10, 0o17, 0b1
                raise ExpressionError(
                    f"EXPR may not use the number {quoted(written, 40)}{source.where(node)}; "
                    f"numbers are {NUMBERS}"
                )
        elif isinstance(node, ast.Name):
            if node.id in FUNCTIONS and id(node) not in called:
                what = f"the function {node.id!r} without a call (write {node.id}(x))"
                raise _refuse(source, node, what)
        elif isinstance(node, ast.Call):
            _check_call(source, node)
        else:
            what = _DESCRIPTIONS.get(type(node), f"{type(node).__name__} syntax")
            raise _refuse(source, node, what)


def _refuse_operator(source: _Source, node: ast.BinOp) -> ExpressionError:
    """The error for a refused binary operator, pointing at the operator itself.

    The AST places a BinOp at its left operand; the operator is the symbol between the
    end of the left operand and the start of the right one (only blanks, brackets and line
    continuations can stand beside it there).
    """
    symbol = _OPERATORS.get(type(node.op), "?")
    start = _position(source.text, node.left.end_lineno, node.left.end_col_offset)
    end = _position(source.text, node.right.lineno, node.right.col_offset)
    found = source.text.find(symbol, start, end)
    where = source.at(found) if found >= 0 else source.where(node)
    if isinstance(node.op, ast.BitXor) and found >= 0:
        # Newcomers from maths (and from LaTeX or spreadsheets) write x^2 for a power.
        begin = _position(source.text, node.lineno, node.col_offset)
        finish = _position(source.text, node.end_lineno, node.end_col_offset)
        left, right = source.text[begin:found].rstrip(), source.text[found + 1 : finish].lstrip()
        example = f"{left}**{right}" if len(left) + len(right) <= 40 else "x**2"
        return ExpressionError(
            f"EXPR may not use the operator ^{where}, which Python reads as exclusive or: "
            f"for a power write **, as in {quoted(example)}"
        )
    return ExpressionError(
        f"EXPR may not use the operator {symbol}{where}; it may use only {ALLOWED}"
    )


def did_you_mean(name: str) -> str | None:
    """The function of EXPR that ``name`` is most likely a slip for (``sigmiod``: sigmoid)."""
    lowered = name.lower()
    if lowered in FUNCTIONS:
        return lowered
    if lowered == "ln":
        return "log"
    matches = difflib.get_close_matches(lowered, FUNCTIONS, n=1, cutoff=0.6)
    return matches[0] if matches else None


def _check_call(source: _Source, node: ast.Call) -> None:
    functions = ", ".join(FUNCTIONS)
    if not isinstance(node.func, ast.Name):
        raise ExpressionError(
            f"EXPR may not use a call of an expression{source.where(node)}; "
            f"the functions are {functions}"
        )
    if node.func.id not in FUNCTIONS:
        guess = did_you_mean(node.func.id)
        hint = f": did you mean {guess}? The functions are " if guess else "; the functions are "
        raise ExpressionError(
            f"EXPR may not use a call of {quoted(repr(node.func.id), 40)}"
            f"{source.where(node)}{hint}{functions}"
        )
    if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
        what = f"{node.func.id}(...) with anything but one positional argument"
        raise _refuse(source, node, what)


def _check_constant_exponent(source: _Source, node: ast.AST) -> None:
    for part in ast.walk(node):
        if isinstance(part, ast.Call) or _is_variable(part):
            raise ExpressionError(
                f"the exponent of ** must be a number{source.where(node)}, as in "
                "x**2 or x**(-0.5); for a variable exponent p write exp(p*log(x))"
            )


def names(tree: ast.Expression) -> list[str]:
    """The variable names in a checked tree, in order of first appearance in the text."""
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    variables = [node for node in ast.walk(tree) if _is_variable(node) and id(node) not in called]
    variables.sort(key=lambda node: (node.lineno, node.col_offset))
    return list(dict.fromkeys(node.id for node in variables))


def _is_variable(node: ast.AST) -> bool:
    """A name that is not one of the named numbers inf and nan."""
    return isinstance(node, ast.Name) and node.id not in SPECIAL_NUMBERS


def _range_note(name: str, number: str, value: float) -> str | None:
    """A note when a decimal number does not fit a float: 1e400 becomes inf, 1e-400 zero."""
    spelled = number.strip().replace("_", "")
    if math.isinf(value) and spelled.lstrip("+-") != "inf":
        return (
            f"--set {name}={quoted(number.strip())} is beyond the float range "
            f"(largest about 1.8e308), so {name} = {value}"
        )
    mantissa = re.split("[eE]", spelled, maxsplit=1)[0]
    if value == 0.0 and any(digit in mantissa for digit in "123456789"):
        return (
            f"--set {name}={quoted(number.strip())} is below the smallest float "
            f"(about 4.9e-324), so {name} = {value}"
        )
    return None


def parse_assignments(
    assignments: Iterable[str], notes: list[str] | None = None
) -> dict[str, float]:
    """``["x=2", "w=-3"]`` as ``{"x": 2.0, "w": -3.0}``; ExpressionError names a bad one.

    A number beyond the float range reads as IEEE 754 does (``1e400`` is inf, ``1e-400``
    is 0); when ``notes`` is a list, a one-line note saying so is appended to it.
    """
    values: dict[str, float] = {}
    for assignment in assignments:
        shown = quoted(assignment)
        name, equals, number = assignment.partition("=")
        name = unicodedata.normalize("NFKC", name.strip())  # as Python reads identifiers
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
        value = read_number(number.strip())
        if value is None:
            raise ExpressionError(
                f"--set {shown}: {quoted(repr(number.strip()), 40)} is not a number; "
                f"accepted: {NUMBERS}"
            )
        values[name] = value
        note = _range_note(name, number, values[name])
        if note is not None and notes is not None:
            notes.append(note)
    return values


def _constant(value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:  # an integer literal beyond float range reads as IEEE's inf
        return math.inf


def build(text: str, values: Mapping[str, float]) -> Value:
    """The Value graph of expression ``text`` with each name's leaf taking ``values[name]``.

    One leaf per name (``x*x`` uses the same leaf twice), labelled with the name; numbers
    become leaves labelled as written. Every name needs a value and every value a name.
    """
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


def _operands(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [] if _is_number(node) else [node.operand]
    if isinstance(node, ast.Call):
        return [node.args[0]]
    return []


def _is_literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) or (
        isinstance(node, ast.Name) and node.id in SPECIAL_NUMBERS
    )


def _is_number(node: ast.AST) -> bool:
    """A literal (inf and nan included), or a signed one such as -2 (one leaf, no negation)."""
    if isinstance(node, ast.UnaryOp):
        return _is_literal(node.operand)
    return _is_literal(node)


def _evaluate(root: ast.AST, leaves: Mapping[str, Value], text: str) -> Value:
    """Post-order walk with an explicit stack, so a long chain cannot hit the recursion limit."""
    results: dict[int, Value] = {}
    stack: list[tuple[ast.AST, bool]] = [(root, False)]
    while stack:
        node, operands_done = stack.pop()
        if not operands_done:
            stack.append((node, True))
            stack.extend((operand, False) for operand in reversed(_operands(node)))
            continue
        operands = [results.pop(id(operand)) for operand in _operands(node)]
        results[id(node)] = _apply(node, operands, leaves, text)
    return results[id(root)]


def _apply(node: ast.AST, operands: list[Value], leaves: Mapping[str, Value], text: str) -> Value:
    if _is_number(node):
        literal = node.operand if isinstance(node, ast.UnaryOp) else node
        if isinstance(literal, ast.Name):
            number = SPECIAL_NUMBERS[literal.id]
        else:
            number = _constant(literal.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            number = -number
        return Value(number, label=ast.get_source_segment(text, node) or repr(number))
    if isinstance(node, ast.Name):
        return leaves[node.id]
    if isinstance(node, ast.UnaryOp):
        return -operands[0] if isinstance(node.op, ast.USub) else operands[0]
    if isinstance(node, ast.Call):
        return getattr(operands[0], node.func.id)()  # one of FUNCTIONS, checked by parse
    left, right = operands
    if isinstance(node.op, ast.Pow):
        # The exponent is a constant (parse checked it); its Values only carry the number
        # and are left out of the graph, since x ** p takes p as a plain float.
        return left**right.data
    if isinstance(node.op, ast.Add):
        return left + right
    if isinstance(node.op, ast.Sub):
        return left - right
    if isinstance(node.op, ast.Mult):
        return left * right
    return left / right
