"""The expression reader behind `autograd-core graph`: what it builds and what it refuses."""

import math

import pytest

from autograd_core import topological_order
from autograd_core.expression import (
    ExpressionError,
    build,
    build_with_inputs,
    did_you_mean,
    names,
    parse,
    parse_assignments,
    printable,
)


def test_a_neuron_gets_the_hand_derived_gradients():
    y = build("tanh(w*x + b)", {"x": 2.0, "w": -3.0, "b": 1.0})
    y.backward()
    leaves = {node.label: node for node in topological_order(y) if not node.inputs}
    sech2 = 1.0 / math.cosh(5.0) ** 2
    assert math.isclose(y.data, math.tanh(-5.0), rel_tol=1e-15)
    assert math.isclose(leaves["x"].grad, -3.0 * sech2, rel_tol=1e-12)
    assert math.isclose(leaves["w"].grad, 2.0 * sech2, rel_tol=1e-12)
    assert math.isclose(leaves["b"].grad, sech2, rel_tol=1e-12)


def test_every_operation_and_function_against_its_derivative():
    # f = x²y + eˣ/y − ln y + relu(x) − sigmoid(y); by hand:
    # ∂f/∂x = 2xy + eˣ/y + 1 (x > 0),  ∂f/∂y = x² − eˣ/y² − 1/y − σ(y)(1 − σ(y)).
    x, y = 1.5, 2.0
    f = build("x**2 * y + exp(x)/y - log(y) + relu(x) - sigmoid(y)", {"x": x, "y": y})
    f.backward()
    leaves = {node.label: node for node in topological_order(f) if not node.inputs}
    s = 1.0 / (1.0 + math.exp(-y))
    assert math.isclose(f.data, x**2 * y + math.exp(x) / y - math.log(y) + x - s, rel_tol=1e-14)
    assert math.isclose(leaves["x"].grad, 2 * x * y + math.exp(x) / y + 1.0, rel_tol=1e-12)
    assert math.isclose(
        leaves["y"].grad, x**2 - math.exp(x) / y**2 - 1.0 / y - s * (1.0 - s), rel_tol=1e-12
    )


def test_a_name_used_twice_is_one_leaf():
    f = build("x*x", {"x": 3.0})
    f.backward()
    leaves = [node for node in topological_order(f) if not node.inputs]
    assert len(leaves) == 1
    assert leaves[0].grad == 6.0  # d(x²)/dx = 2x


def test_numbers_are_leaves_labelled_as_written_and_signed_literals_fold():
    f = build("-2*x + 0.5", {"x": 1.0})
    order = topological_order(f)
    assert sorted(node.label for node in order if not node.inputs) == ["-2", "0.5", "x"]
    assert [node.op for node in order if node.inputs] == ["*", "+"]
    assert f.data == -1.5


def test_unary_minus_on_a_name_is_a_negation_and_unary_plus_is_nothing():
    f = build("-x", {"x": 2.0})
    assert (f.op, f.data) == ("neg", -2.0)
    g = build("+x", {"x": 2.0})
    assert (g.op, g.label, g.data) == ("", "x", 2.0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x**-1", 0.25),
        ("x**(1/2)", 2.0),
        ("x**(2**3)", 4.0**8),
        ("x**-(1/2)", 0.5),
        ("x**(10**400)", math.inf),  # the exponent is inf as an IEEE float, computed at once
    ],
)
def test_constant_exponents(text, expected):
    assert build(text, {"x": 4.0}).data == expected


def test_integer_literals_beyond_float_range_are_infinite():
    assert build("x * 1" + "0" * 400, {"x": 1.0}).data == math.inf


def test_a_long_chain_builds_without_recursion():
    text = "x" + "+x" * 900
    f = build(text, {"x": 1.0})
    f.backward()
    leaf = topological_order(f)[0]
    assert (f.data, leaf.grad) == (901.0, 901.0)


def test_deep_expressions_within_the_length_limit_need_no_recursion():
    assert build("-" * 1990 + "x", {"x": 1.0}).data == 1.0  # an even number of negations
    assert build("x" + "**2" * 600, {"x": 1.0}).data == 1.0  # 1 ** (2 ** 2 ** ...) = 1
    with pytest.raises(ExpressionError, match="a call of an expression"):
        build("x" + ".a" * 900 + "()", {"x": 1.0})


def test_names_come_in_order_of_appearance():
    assert names(parse("tanh(w*x + b) * w + exp(c)")) == ["w", "x", "b", "c"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os').system('true')", "a call of"),
        ("open('f', 'w')", "a call of 'open'"),
        ("x.real", "attribute access"),
        ("(lambda: 1)()", "a call of"),
        ("lambda: 1", "lambda"),
        ("x[0]", "subscripts"),
        ("x if x else x", "if-else"),
        ("x < 1", "comparisons"),
        ("x and x", "and/or"),
        ("(y := 2)", "assignment"),
        ("[x for x in y]", "comprehensions"),
        ("(x, x)", "tuples"),
        ("{'a': x}", "dicts"),
        ("f'{x}'", "f-strings"),
        ("'x'", "str literal"),
        ("b'x'", "bytes literal"),
        ("2j", "complex literal"),
        ("True", "bool literal"),
        ("None", "NoneType literal"),
        ("...", "ellipsis literal"),
        ("x // 2", "operator //"),
        ("x % 2", "operator %"),
        ("x @ x", "operator @"),
        ("x ^ 2", "operator ^"),
        ("~x", "unary operator ~"),
        ("not x", "unary operator not"),
        ("exp", "without a call"),
        ("exp(x, x)", "one positional argument"),
        ("exp(x=1)", "one positional argument"),
        ("exp(*x)", "one positional argument"),
        ("exp()", "one positional argument"),
        ("x ** y", "exponent of ** must be a number"),
        ("x ** exp(2)", "exponent of ** must be a number"),
        ("x +", "not a valid expression"),
        ("x = 1", "not a valid expression"),
        ("import os", "not a valid expression"),
        ("x; y", "not a valid expression"),
        ("", "empty"),
        ("x" * 3000, "at most"),
        ("1" + "0" * 5000, "at most"),  # refused before Python's int digit limit matters
        ("(" * 300 + "x" + ")" * 300, "EXPR"),
    ],
)
def test_anything_else_is_refused_with_a_one_line_message(text, message):
    with pytest.raises(ExpressionError) as caught:
        build(text, {"x": 1.0})
    text_of_error = str(caught.value)
    assert message in text_of_error
    assert "\n" not in text_of_error


def test_every_name_needs_a_value_and_every_value_a_name():
    with pytest.raises(ExpressionError, match=r"uses y, z with no value: add --set y=NUMBER"):
        build("x*y + z", {"x": 1.0})
    with pytest.raises(ExpressionError, match=r"--set w: not used in EXPR"):
        build("x", {"x": 1.0, "w": 2.0})


def test_assignments():
    assert parse_assignments(["x=2", "w = -3.5", "big=1e3", "n=inf"]) == {
        "x": 2.0,
        "w": -3.5,
        "big": 1000.0,
        "n": math.inf,
    }
    for bad, message in [
        (["x"], "expected NAME=NUMBER"),
        (["x=abc"], "'abc' is not a number"),
        (["x="], "is not a number"),
        (["1x=2"], "is not a name"),
        (["for=2"], "is not a name"),
        (["x.y=2"], "is not a name"),
        (["exp=2"], "is a function"),
        (["x=1", "x=2"], "more than once"),
    ]:
        with pytest.raises(ExpressionError, match=message):
            parse_assignments(bad)


@pytest.mark.parametrize(
    ("slip", "meant"),
    [("sigmiod", "sigmoid"), ("Tanh", "tanh"), ("ReLU", "relu"), ("ln", "log"), ("expp", "exp")],
)
def test_a_slip_for_a_function_is_recognised(slip, meant):
    assert did_you_mean(slip) == meant
    with pytest.raises(ExpressionError, match=rf"did you mean {meant}\? The functions are"):
        build(f"{slip}(x)", {"x": 1.0})


@pytest.mark.parametrize("name", ["open", "sin", "x"])
def test_no_suggestion_for_a_name_unlike_every_function(name):
    assert did_you_mean(name) is None
    with pytest.raises(ExpressionError) as caught:
        build(f"{name}(x)", {"x": 1.0})
    assert "did you mean" not in str(caught.value)
    assert str(caught.value).count("sigmoid") == 1


def test_a_name_that_looks_like_a_function_is_hinted_at():
    with pytest.raises(ExpressionError, match=r"did you mean sigmoid\(\.\.\.\) for sigmiod\?"):
        build("sigmiod + x", {"x": 1.0})


@pytest.mark.parametrize(
    ("text", "column", "example"),
    [
        ("x^2", "column 2", "x**2"),
        ("2*x ^ 3", "column 5", "2*x**3"),  # ^ binds looser than *: the whole 2*x is its left
        ("(x+1)^(2)", "column 6", "(x+1)**(2)"),
        ("é^2", "column 2", "é**2"),  # columns count characters, not UTF-8 bytes
        ("(x\n^2)", "line 2, column 1", "x**2"),
    ],
)
def test_a_caret_is_located_and_rewritten_with_two_stars(text, column, example):
    values = {"é": 1.0} if "é" in text else {"x": 1.0}
    with pytest.raises(ExpressionError) as caught:
        build(text, values)
    message = str(caught.value)
    assert f"the operator ^ ({column})" in message
    assert message.endswith(f"for a power write **, as in {example}")
    assert "relu" not in message  # the fix is named; the whole list would only distract


def test_other_refused_operators_point_at_the_operator_too():
    with pytest.raises(ExpressionError, match=r"the operator // \(column 7\)"):
        build("x + x // 2", {"x": 1.0})


def test_comments_are_refused():
    # A comment would carry any text, control characters included, into the root's label.
    with pytest.raises(ExpressionError, match=r"comments \(#\) \(column 3\)"):
        build("x # \x1b[2J", {"x": 1.0})


def test_printable_escapes_what_a_terminal_would_act_on():
    assert printable("a\x1b[31mb") == "a\\x1b[31mb"
    assert printable("nul\x00 bell\x07 cr\r nl\n tab\t") == "nul\\x00 bell\\x07 cr\\r nl\\n tab\\t"
    assert printable("rtl\u202eltr line\u2028sep") == "rtl\\u202eltr line\\u2028sep"
    assert printable("\udcff") == "\\xff"  # a byte of argv that is not UTF-8
    assert printable("x² − ∂y/∂x, é, 日本") == "x² − ∂y/∂x, é, 日本"  # text stays as it is


def test_numbers_beyond_the_float_range_are_read_as_ieee_with_a_note():
    notes = []
    values = parse_assignments(["a=1e400", "b=-1E400", "c=1e-400", "d=inf", "e=0e9"], notes)
    assert values == {"a": math.inf, "b": -math.inf, "c": 0.0, "d": math.inf, "e": 0.0}
    assert len(notes) == 3
    assert notes[0].startswith("--set a=1e400 is beyond the float range")
    assert notes[0].endswith("so a = inf")
    assert notes[1].endswith("so b = -inf")
    assert notes[2].startswith("--set c=1e-400 is below the smallest float")
    assert notes[2].endswith("so c = 0.0")


def test_build_with_inputs_returns_the_named_leaves_in_order_of_appearance():
    root, inputs = build_with_inputs("b + w*x + b", {"x": 2.0, "w": 3.0, "b": 1.0})
    assert list(inputs) == ["b", "w", "x"]
    root.backward()
    # ∂(2b + wx)/∂b = 2, ∂/∂w = x, ∂/∂x = w
    assert [leaf.grad for leaf in inputs.values()] == [2.0, 2.0, 3.0]


REFUSED = None


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("2", 2.0),
        ("-0.5", -0.5),
        ("+3", 3.0),
        ("1e-3", 0.001),
        ("1E3", 1000.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("1_000", 1000.0),
        ("0_0", 0.0),
        ("1e400", math.inf),
        ("inf", math.inf),
        ("-inf", -math.inf),
        ("nan", math.nan),
        ("0x10", REFUSED),
        ("0o17", REFUSED),
        ("0b1", REFUSED),
        ("010", REFUSED),
        ("1__0", REFUSED),
        ("1_", REFUSED),
        ("1e", REFUSED),
        ("1j", REFUSED),
        ("\u0663", REFUSED),  # ARABIC-INDIC DIGIT THREE, which float() alone reads as 3
        ("\uff13", REFUSED),  # FULLWIDTH DIGIT THREE, likewise
        ("Infinity", REFUSED),
        ("NaN", REFUSED),
    ],
)
def test_expr_and_set_read_numbers_alike(number, expected):
    # The one grammar: decimal literals as Python writes them, ASCII digits, inf and nan.
    try:
        from_set = parse_assignments([f"x={number}"])["x"]
    except ExpressionError:
        from_set = REFUSED
    try:
        from_expr = build(number, {}).data
    except ExpressionError:
        from_expr = REFUSED
    if expected is not REFUSED and math.isnan(expected):
        assert math.isnan(from_set) and math.isnan(from_expr)
    else:
        assert from_set == from_expr == expected


def test_inf_and_nan_are_numbers_in_expr_and_not_names():
    assert names(parse("x*inf + nan")) == ["x"]
    with pytest.raises(ExpressionError, match="'nan' is a number, not a variable"):
        parse_assignments(["nan=1"])
    f = build("-inf + x", {"x": 1.0})
    leaves = sorted(node.label for node in topological_order(f) if not node.inputs)
    assert leaves == ["-inf", "x"]  # one signed leaf, as -2 is


def test_a_bad_number_in_set_says_what_is_accepted():
    with pytest.raises(ExpressionError, match=r"'0x10' is not a number; accepted: decimal"):
        parse_assignments(["x=0x10"])
    with pytest.raises(ExpressionError, match=r"the number 0x10 \(column 3\); numbers are"):
        build("x*0x10", {"x": 1.0})
