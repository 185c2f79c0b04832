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
import keyword
import math
import unicodedata
from collections.abc import Iterable, Mapping

from autograd_core.value import Value

FUNCTIONS = ("relu", "sigmoid", "tanh", "exp", "log")
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


class ExpressionError(ValueError):
    """An expression or a ``--set`` assignment that cannot be used; the message is one line."""


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _refuse(node: ast.AST, what: str) -> ExpressionError:
    column = getattr(node, "col_offset", None)
    where = f" (column {column + 1})" if column is not None else ""
    return ExpressionError(f"EXPR may not use {what}{where}; it may use only {ALLOWED}")


def parse(text: str) -> ast.Expression:
    """Parse ``text`` and check every node; raises ExpressionError naming what is refused."""
    if not isinstance(text, str):
        raise ExpressionError(f"EXPR must be text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"EXPR is {len(text)} characters long; at most {MAX_LENGTH}")
    if not text.strip():
        raise ExpressionError(f"EXPR is empty; it may use {ALLOWED}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        where = f" at column {error.offset}" if error.offset else ""
        raise ExpressionError(
            f"EXPR is not a valid expression{where}: {_one_line(error.msg)}"
        ) from None
    except (RecursionError, MemoryError, ValueError) as error:
        raise ExpressionError(f"EXPR cannot be parsed: {_one_line(error) or 'too deep'}") from None
    _check(tree)
    return tree


def _check(tree: ast.Expression) -> None:
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    for node in ast.walk(tree):  # breadth-first with a queue: no recursion on depth
        if isinstance(node, (ast.Expression, ast.Load, *_BINARY, ast.USub, ast.UAdd)):
            continue
        if isinstance(node, ast.BinOp):
            if not isinstance(node.op, tuple(_BINARY)):
                raise _refuse(node, f"the operator {_OPERATORS.get(type(node.op), '?')}")
            if isinstance(node.op, ast.Pow):
                _check_constant_exponent(node.right)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise _refuse(node, f"the unary operator {_OPERATORS.get(type(node.op), '?')}")
        elif isinstance(node, ast.Constant):
            if type(node.value) not in (int, float):
                raise _refuse(node, f"the {type(node.value).__name__} literal {node.value!r:.40}")
        elif isinstance(node, ast.Name):
            if node.id in FUNCTIONS and id(node) not in called:
                raise _refuse(node, f"the function {node.id!r} without a call (write {node.id}(x))")
        elif isinstance(node, ast.Call):
            _check_call(node)
        else:
            what = _DESCRIPTIONS.get(type(node), f"{type(node).__name__} syntax")
            raise _refuse(node, what)


def _check_call(node: ast.Call) -> None:
    if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
        name = repr(node.func.id[:40]) if isinstance(node.func, ast.Name) else "an expression"
        raise _refuse(node, f"a call of {name} (the functions are {', '.join(FUNCTIONS)})")
    if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
        raise _refuse(node, f"{node.func.id}(...) with anything but one positional argument")


def _check_constant_exponent(node: ast.AST) -> None:
    for part in ast.walk(node):
        if isinstance(part, (ast.Name, ast.Call)):
            raise ExpressionError(
                f"the exponent of ** must be a number (column {node.col_offset + 1}), as in "
                "x**2 or x**(-0.5); for a variable exponent p write exp(p*log(x))"
            )


def names(tree: ast.Expression) -> list[str]:
    """The variable names in a checked tree, in order of first appearance in the text."""
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    variables = [
        node for node in ast.walk(tree) if isinstance(node, ast.Name) and id(node) not in called
    ]
    variables.sort(key=lambda node: (node.lineno, node.col_offset))
    return list(dict.fromkeys(node.id for node in variables))


def parse_assignments(assignments: Iterable[str]) -> dict[str, float]:
    """``["x=2", "w=-3"]`` as ``{"x": 2.0, "w": -3.0}``; ExpressionError names a bad one."""
    values: dict[str, float] = {}
    for assignment in assignments:
        shown = _one_line(assignment)[:60]
        name, equals, number = assignment.partition("=")
        name = unicodedata.normalize("NFKC", name.strip())  # as Python reads identifiers
        if not equals:
            raise ExpressionError(f"--set {shown}: expected NAME=NUMBER, as in --set x=2")
        if not name.isidentifier() or keyword.iskeyword(name):
            raise ExpressionError(f"--set {shown}: {name[:40]!r} is not a name")
        if name in FUNCTIONS:
            raise ExpressionError(f"--set {shown}: {name!r} is a function, not a variable")
        if name in values:
            raise ExpressionError(f"--set {name} is given more than once")
        try:
            values[name] = float(number)
        except ValueError:
            raise ExpressionError(
                f"--set {shown}: {number.strip()[:40]!r} is not a number"
            ) from None
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
    tree = parse(text)
    used = names(tree)
    missing = [name for name in used if name not in values]
    if missing:
        needed = " ".join(f"--set {name}=NUMBER" for name in missing)
        raise ExpressionError(f"EXPR uses {', '.join(missing)} with no value: add {needed}")
    unused = [name for name in values if name not in used]
    if unused:
        raise ExpressionError(f"--set {', '.join(unused)}: not used in EXPR {text.strip()!r}")
    leaves = {name: Value(values[name], label=name) for name in used}
    return _evaluate(tree.body, leaves, text.strip())


def _operands(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [] if _is_number(node) else [node.operand]
    if isinstance(node, ast.Call):
        return [node.args[0]]
    return []


def _is_number(node: ast.AST) -> bool:
    """A literal, or a signed literal such as -2 (drawn as one leaf, not a negation)."""
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.operand, ast.Constant)
    return isinstance(node, ast.Constant)


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
        number = _constant(node.operand.value if isinstance(node, ast.UnaryOp) else node.value)
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
