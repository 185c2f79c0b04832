"""The `autograd-core` command line and its `graph` command.

Good input draws the right gradients; bad input exits 2 with one line and no traceback;
user text is echoed escaped; a closed pipe ends the program quietly.
"""

import importlib.metadata
import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import autograd_core.draw.render
from autograd_core.cli import main

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"

SECH2 = 1.0 / math.cosh(5.0) ** 2  # 1 − tanh²(w·x + b) at x = 2, w = −3, b = 1, by hand
NEURON = ["graph", "tanh(w*x + b)", "--set", "x=2", "--set", "w=-3", "--set", "b=1"]


def svg_texts(svg):
    root = ET.fromstring(svg)
    return [element.text or "" for element in root.iter("{http://www.w3.org/2000/svg}text")]


def leaf_rows(dot_source):
    """{label: [rows]} for every labelled Value node in DOT text."""
    rows = {}
    for label in re.findall(r"^  v\d+ \[.*label=<(.*)>.*\];$", dot_source, re.M):
        cells = [c for c in re.split(r"<[^>]+>", label) if c]
        rows[cells[0]] = cells[1:]
    return rows


def test_svg_on_stdout_holds_the_hand_computed_gradients(capsys):
    assert main(NEURON) == 0
    captured = capsys.readouterr()
    texts = svg_texts(captured.out)
    assert "tanh(w*x + b)" in texts  # the root is labelled with the expression
    for label, data, grad in [("x", 2, -3 * SECH2), ("w", -3, 2 * SECH2), ("b", 1, SECH2)]:
        assert label in texts
        assert f"data {data}" in texts
        assert f"grad {grad:.4g}" in texts
    assert "grad 1" in texts  # the root


def test_dot_output_and_gradients_of_a_longer_expression(tmp_path):
    # f = x²y + eˣ/y − ln y at x = 1.5, y = 2; ∂f/∂x = 2xy + eˣ/y, ∂f/∂y = x² − eˣ/y² − 1/y.
    out = tmp_path / "f.dot"
    code = main(
        ["graph", "x**2 * y + exp(x)/y - log(y)", "--set", "x=1.5", "--set", "y=2", "-o", str(out)]
    )
    assert code == 0
    rows = leaf_rows(out.read_text(encoding="utf-8"))
    x, y = 1.5, 2.0
    assert rows["x"] == ["data 1.5", f"grad {2 * x * y + math.exp(x) / y:.4g}"]
    assert rows["y"] == ["data 2", f"grad {x**2 - math.exp(x) / y**2 - 1 / y:.4g}"]


@pytest.mark.parametrize(
    ("suffix", "magic"), [(".svg", b"<?xml"), (".png", b"\x89PNG"), (".pdf", b"%PDF")]
)
def test_each_output_format_by_suffix(tmp_path, suffix, magic, capsys):
    out = tmp_path / f"neuron{suffix}"
    assert main([*NEURON, "-o", str(out)]) == 0
    assert out.read_bytes().startswith(magic)
    assert capsys.readouterr().out == ""


def test_options_rankdir_no_grad_and_derivatives(tmp_path):
    out = tmp_path / "g.dot"
    assert main([*NEURON, "-o", str(out), "--rankdir", "TB", "--no-grad"]) == 0
    source = out.read_text(encoding="utf-8")
    assert 'rankdir="TB"' in source
    assert all(not row.startswith("grad") for rows in leaf_rows(source).values() for row in rows)
    assert main([*NEURON, "-o", str(out), "--derivatives"]) == 0
    # The edge w → × carries ∂(wx)/∂w = x = 2, and the chain product sech²(5) × 2.
    assert f"local 2<BR/>{SECH2:.4g} × 2 = {2 * SECH2:.4g}" in out.read_text(encoding="utf-8")


def test_python_dash_m_runs_the_command():
    result = subprocess.run(
        [sys.executable, "-m", "autograd_core", *NEURON],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert f"grad {2 * SECH2:.4g}" in svg_texts(result.stdout)


MALICIOUS = [
    "__import__('os').system('touch {sentinel}')",
    "open('{sentinel}', 'w').write('x')",
    "exec(\"open('{sentinel}', 'w')\")",
    "eval(\"open('{sentinel}', 'w')\")",
    "(lambda: open('{sentinel}', 'w'))()",
    "x.__class__.__base__.__subclasses__()",
    "().__class__",
    "x[0]",
    "globals()['os']",
    "[open('{sentinel}', 'w') for x in (1,)]",
    "x if open('{sentinel}', 'w') else x",
    "x ** y",
    "9 ** 9 ** 9 ** 9 + x ** (x)",
    "(x := 1)",
    'f\'{{open("{sentinel}", "w")}}\'',
    "x; open('{sentinel}', 'w')",
    "x\nopen('{sentinel}', 'w')",
    "'" + "a" * 5000 + "'",
    "-" * 3000 + "x",
    "-" * 1990 + "x ** y",
    "(" * 500 + "x" + ")" * 500,
]


@pytest.mark.parametrize("template", MALICIOUS)
def test_malicious_input_exits_2_with_one_line_and_no_side_effect(template, tmp_path, capsys):
    sentinel = tmp_path / "sentinel"
    out = tmp_path / "out.svg"
    expression = template.format(sentinel=sentinel)
    code = main(["graph", expression, "--set", "x=1", "--set", "y=2", "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.startswith("autograd-core: error: ")
    assert captured.err.count("\n") == 1
    assert not sentinel.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["graph", "x*y", "--set", "x=1"], "y with no value"),
        (["graph", "x", "--set", "x=1", "--set", "z=2"], "--set z: not used"),
        (["graph", "x", "--set", "x=one"], "'one' is not a number"),
        (["graph", "x", "--set", "x"], "expected NAME=NUMBER"),
        (["graph", "exp(x)", "--set", "x=1", "--set", "exp=2"], "'exp' is a function"),
        (["graph", "x", "--set", "x=1", "--set", "x=2"], "more than once"),
        (["graph", "x", "--set", "x=1", "-o", "{tmp}/g.jpg"], "accepted: .svg, .png, .pdf, .dot"),
        (["graph", "x", "--set", "x=1", "-o", "{tmp}/missing/g.svg"], "no directory"),
        (["graph", "x", "--set", "x=1", "--rankdir", "XY"], "invalid choice"),
        (["graph"], "EXPR"),
        (["graph", "x", "--set", "x=1", "-o", "{tmp}/no\ndir/g.svg"], "no directory"),
        (["graph", "x", "--set", "x=1", "-o", "{tmp}/a\nb.txt"], "accepted"),
        (["graph", "x", "--set", "x=1", "stray\nargument"], "unrecognized"),
    ],
)
def test_usage_errors_exit_2_with_one_line(arguments, message, tmp_path, capsys):
    arguments = [a.replace("{tmp}", str(tmp_path)) for a in arguments]
    assert main(arguments) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.err.count("\n") == 1
    assert captured.out == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "expression", ["__import__('os').system('touch {sentinel}')", "x.real", "-" * 3000 + "x"]
)
def test_a_real_process_shows_no_traceback(expression, tmp_path):
    sentinel = tmp_path / "sentinel"
    command = ["graph", expression.format(sentinel=sentinel), "--set", "x=1"]
    result = subprocess.run(
        [sys.executable, "-m", "autograd_core", *command],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_render_failure_is_one_line_exit_2(monkeypatch, tmp_path, capsys):
    import autograd_core.draw.render

    monkeypatch.setitem(sys.modules, "pygraphviz", None)
    monkeypatch.setattr(autograd_core.draw.render.shutil, "which", lambda name: None)
    assert main([*NEURON, "-o", str(tmp_path / "n.svg")]) == 2
    captured = capsys.readouterr()
    assert "autograd-core[render]" in captured.err
    assert captured.err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []
    # The DOT text needs no renderer.
    assert main([*NEURON, "-o", str(tmp_path / "n.dot")]) == 0


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
def test_svg_on_stdout_is_utf8_whatever_the_terminal_encoding(encoding):
    # The drawing holds × and − (U+2212), which these encodings cannot represent.
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    result = subprocess.run(
        [sys.executable, "-m", "autograd_core", "graph", "x*y - x", "--set", "x=2", "--set", "y=3"],
        capture_output=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    svg = result.stdout.decode("utf-8")
    ET.fromstring(svg)
    assert "×" in svg and "−" in svg


@pytest.mark.parametrize("expression", ["x", "(x)", "+x"])
def test_a_bare_name_keeps_its_name(expression, tmp_path):
    out = tmp_path / "g.dot"
    assert main(["graph", expression, "--set", "x=2", "-o", str(out)]) == 0
    source = out.read_text(encoding="utf-8")
    assert "<B>x</B>" in source
    assert "<B>(x)</B>" not in source and "<B>+x</B>" not in source


# -- the program as a whole -------------------------------------------------------------------


def run_cli(*arguments, **options):
    """Run `python -m autograd_core ARGUMENTS` in a fresh process."""
    if "stdout" not in options and "stderr" not in options:
        options["capture_output"] = True
    return subprocess.run(
        [sys.executable, "-m", "autograd_core", *arguments], check=False, **options
    )


def test_unknown_command_is_one_line_and_status_2():
    result = run_cli("no-such-command", text=True)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("autograd-core: error:")
    assert "Traceback" not in result.stderr


def test_no_command_prints_the_usage_and_the_commands_on_stderr():
    result = run_cli(text=True)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("usage: autograd-core")
    # The commands a newcomer can run, with what each does.
    assert re.search(r"^ +graph +draw the computation graph", result.stderr, re.M)
    assert re.search(r"^ +lectures +", result.stderr, re.M)  # added by nn's entry point
    assert "Traceback" not in result.stderr


def test_version_is_the_distribution_version():
    declared = re.search(r'^version = "(.+)"$', PYPROJECT.read_text(encoding="utf-8"), re.M)
    result = run_cli("--version", text=True)
    assert result.returncode == 0
    assert result.stdout == f"autograd-core {declared.group(1)}\n"
    assert declared.group(1) == importlib.metadata.version("autograd-core")


def test_there_is_no_demo_command():
    # `make demo` runs `autograd-core lectures`; the old `demo` subcommand is gone.
    result = run_cli("--help", text=True)
    assert result.returncode == 0
    assert "demo" not in result.stdout
    assert run_cli("demo", text=True).returncode == 2


# -- EXPR that starts with a minus --------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "value", "gradients"),
    [
        # d(−x)/dx = −1
        (["-x", "--set", "x=1"], -1.0, {"x": -1.0}),
        (["--", "-x", "--set", "x=1"], -1.0, {"x": -1.0}),
        (["--set", "x=1", "--", "-x"], -1.0, {"x": -1.0}),
        (["--set", "x=1", "-x", "--rankdir", "TB"], -1.0, {"x": -1.0}),
        # d(−xy)/dx = −y, d(−xy)/dy = −x
        (["-x*y", "--set", "x=1", "--set", "y=2"], -2.0, {"x": -2.0, "y": -1.0}),
        # −h·w with h, the lectures' hidden activation: -h is EXPR, not -h for help
        (["-h*w", "--set", "h=2", "--set", "w=3"], -6.0, {"h": -3.0, "w": -2.0}),
        # −x² is −(x²): d/dx = −2x
        (["-x**2", "--set", "x=3"], -9.0, {"x": -6.0}),
        # a value of --set that starts with a minus stays the value
        (["-x", "--set", "x=-4"], 4.0, {"x": -1.0}),
        # after '--', even what looks like a long option is EXPR: −(−x) = x
        (["--", "--x", "--set", "x=5"], 5.0, {"x": 1.0}),
    ],
)
def test_an_expr_that_starts_with_a_minus(arguments, value, gradients, capsys):
    assert main(["graph", *arguments]) == 0
    captured = capsys.readouterr()
    ET.fromstring(captured.out)
    first = captured.err.splitlines()[0]
    assert float(first.rpartition(" = ")[2]) == value
    assert gradient_report(captured.err) == gradients


def test_an_expr_that_starts_with_a_minus_with_a_file(tmp_path, capsys):
    out = tmp_path / "g.dot"
    assert main(["graph", "-x", "--set", "x=2", "-o", str(out)]) == 0
    assert capsys.readouterr().err.splitlines()[-1] == f"wrote {out}"
    assert leaf_rows(out.read_text(encoding="utf-8"))["x"] == ["data 2", "grad -1"]
    out.unlink()
    assert main(["graph", "-x", "--set", "x=2", f"-o{out}", "--output", str(out)]) == 0
    assert out.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--bogus", "x", "--set", "x=1"], "unrecognized option --bogus"),
        (["x", "--set", "x=1", "--no_grad"], "unrecognized option --no_grad"),
        (["--x", "--set", "x=1"], "goes after '--'"),
        (["-x", "-y", "--set", "x=1"], "unrecognized arguments: -y"),
        (["x", "--set"], "--set: expected one argument"),
        (["x", "--set", "x=1", "-o"], "expected one argument"),
    ],
)
def test_an_unknown_option_is_still_one_line(arguments, message, tmp_path, capsys):
    error = one_line_error(main(["graph", *arguments]), capsys.readouterr())
    assert message in error


@pytest.mark.parametrize(
    "arguments",
    [
        ["x", "--set", "--"],
        ["--set", "--", "x"],
        ["x", "--set", "x=1", "-o", "--"],
        ["x", "--set", "x=1", "--rankdir", "--"],
    ],
)
def test_an_option_followed_by_a_bare_double_dash_lacks_its_value(arguments, capsys):
    # '--' is not a value: passed on as --set=--, argparse made it an empty list, which
    # crashed --set and --rankdir and sent -o's drawing to stdout.
    error = one_line_error(main(["graph", *arguments]), capsys.readouterr())
    assert "expected one argument" in error


def test_graph_help_says_an_expr_may_start_with_a_minus(capsys):
    assert main(["graph", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "EXPR may start with a minus ('-x*y')" in text
    assert "needs a space first" not in text


# -- one number grammar for EXPR and --set ------------------------------------------------


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("0x10", None),
        ("\u0663", None),  # ARABIC-INDIC DIGIT THREE: float() alone reads it as 3
        ("\uff13", None),  # FULLWIDTH DIGIT THREE
        ("010", None),
        ("Infinity", None),
        ("1_000", 1000.0),
        ("2.5e-1", 0.25),
        ("inf", math.inf),
        ("nan", math.nan),
    ],
)
def test_expr_and_set_accept_the_same_numbers(number, expected, capsys):
    in_set = main(["graph", "x", "--set", f"x={number}"])
    err_set = capsys.readouterr().err
    in_expr = main(["graph", f"x*{number}", "--set", "x=1"])
    err_expr = capsys.readouterr().err
    if expected is None:
        assert (in_set, in_expr) == (2, 2), (err_set, err_expr)
        assert err_set.count("\n") == 1 and err_expr.count("\n") == 1
        return
    assert (in_set, in_expr) == (0, 0), (err_set, err_expr)
    for err in (err_set, err_expr):  # x, and x·number at x = 1: both the number itself
        value = float(err.splitlines()[0].rpartition(" = ")[2])
        assert value == expected or (math.isnan(value) and math.isnan(expected))


def test_inf_and_nan_are_numbers_not_names(capsys):
    error = one_line_error(main(["graph", "x", "--set", "inf=2"]), capsys.readouterr())
    assert "'inf' is a number, not a variable" in error
    # d(x·inf)/dx = inf; d(x + nan)/dx = 1, and the value is nan
    assert main(["graph", "x*inf", "--set", "x=2"]) == 0
    assert gradient_report(capsys.readouterr().err) == {"x": math.inf}
    assert main(["graph", "x + nan", "--set", "x=2"]) == 0
    err = capsys.readouterr().err
    assert err.splitlines()[0] == "x + nan = nan"
    assert gradient_report(err) == {"x": 1.0}


# -- lectures --out ------------------------------------------------------------------------


def test_lectures_with_an_empty_out_is_one_line_and_writes_nothing(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)  # where an empty DIR would write
    error = one_line_error(main(["lectures", "--out", ""]), capsys.readouterr())
    assert "--out" in error and "empty" in error
    assert os.listdir(tmp_path) == []


# -- 12: paths that cannot be written -------------------------------------------------------


def one_line_error(code, captured):
    assert code == 2
    assert captured.out == ""
    assert captured.err.startswith("autograd-core: error: ")
    assert captured.err.count("\n") == 1
    return captured.err


def test_a_directory_that_cannot_be_entered_is_one_line_exit_2(monkeypatch, tmp_path, capsys):
    # As root every directory can be entered, so stat fails here as it does for a user
    # without search permission on `locked`.
    locked = tmp_path / "locked"
    locked.mkdir()
    real_stat = os.stat

    def stat(path, *args, **kwargs):
        if Path(path) == locked or locked in Path(path).parents:
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    out = locked / "sub" / "g.svg"
    error = one_line_error(main([*NEURON, "-o", str(out)]), capsys.readouterr())
    assert f"-o {out}: cannot enter the directory {out.parent}" in error


def test_a_parent_that_is_a_regular_file_is_named(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("x")
    out = tmp_path / "notes.txt" / "g.svg"
    error = one_line_error(main([*NEURON, "-o", str(out)]), capsys.readouterr())
    assert f"{tmp_path / 'notes.txt'} is not a directory" in error


@pytest.mark.skipif(os.geteuid() == 0, reason="root enters and writes every directory")
def test_directories_without_permission_as_a_user(tmp_path):
    closed, read_only = tmp_path / "closed", tmp_path / "read-only"
    closed.mkdir()
    read_only.mkdir()
    closed.chmod(0o000)
    read_only.chmod(0o555)
    try:
        for out, message in [
            (closed / "sub" / "g.svg", "cannot enter the directory"),
            (read_only / "g.svg", "cannot write the file (Permission denied)"),
        ]:
            result = run_cli(*NEURON, "-o", str(out), text=True)
            assert result.returncode == 2
            assert "Traceback" not in result.stderr
            assert result.stderr.count("\n") == 1
            assert str(out) in result.stderr
            assert message in result.stderr
            assert ".ag-" not in result.stderr
        assert os.listdir(read_only) == []
    finally:
        closed.chmod(0o755)
        read_only.chmod(0o755)


@pytest.mark.parametrize("refused", ["creating the temporary file", "replacing the user's file"])
def test_a_read_only_directory_as_root_too(refused, monkeypatch, tmp_path, capsys):
    # Root writes into a chmod-555 directory, so the test above is skipped where CI runs as
    # root. Here the system calls refuse, as they do for a user in `read-only`: either at
    # the creation of the temporary file beside the target, or at its rename onto the
    # target (then the temporary file exists and must be removed).
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    out = read_only / "g.svg"
    real_open, real_replace = os.open, os.replace

    def open_refusing(path, flags, *args, **kwargs):
        if refused.startswith("creating") and Path(path).parent == read_only:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    def replace_refusing(source, target, *args, **kwargs):
        if refused.startswith("replacing") and Path(target) == out:
            assert Path(source).exists()  # the drawing was written, beside the target
            raise PermissionError(13, "Permission denied", str(source))
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(autograd_core.draw.render.os, "open", open_refusing)
    monkeypatch.setattr(autograd_core.draw.render.os, "replace", replace_refusing)
    error = one_line_error(main([*NEURON, "-o", str(out)]), capsys.readouterr())
    assert f"-o {out}: cannot write the file (Permission denied)" in error
    assert ".ag-" not in error and ".tmp" not in error
    assert os.listdir(read_only) == []  # nothing half-written, no temporary file left


def test_a_failed_write_names_the_users_path_not_the_temporary_file(monkeypatch, tmp_path, capsys):
    real_open = os.open

    def refuse_new_files(path, flags, *args, **kwargs):
        if flags & os.O_CREAT:  # as in a directory the user may read but not write
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(autograd_core.draw.render.os, "open", refuse_new_files)
    out = tmp_path / "g.svg"
    error = one_line_error(main([*NEURON, "-o", str(out)]), capsys.readouterr())
    assert f"-o {out}: cannot write the file (Permission denied)" in error
    assert ".ag-" not in error and ".tmp" not in error


def test_a_250_character_file_name_works_and_a_300_character_one_is_refused(tmp_path, capsys):
    # Linux and macOS allow 255 bytes per file name; the temporary file beside it must not
    # make a legal name fail.
    legal = tmp_path / ("n" * 246 + ".svg")
    assert len(legal.name) == 250
    assert main([*NEURON, "-o", str(legal)]) == 0
    assert legal.read_bytes().startswith(b"<?xml")
    assert os.listdir(tmp_path) == [legal.name]
    legal.unlink()
    capsys.readouterr()
    too_long = tmp_path / ("n" * 296 + ".svg")
    error = one_line_error(main([*NEURON, "-o", str(too_long)]), capsys.readouterr())
    assert f"-o {too_long}: cannot write the file" in error
    assert ".ag-" not in error
    assert os.listdir(tmp_path) == []


# -- 13: Unix pipes ---------------------------------------------------------------------------


def test_a_reader_that_went_away_ends_the_program_quietly():
    # `autograd-core graph ... | head` where head has already exited: every write to the
    # pipe fails with EPIPE. The read end is closed before the program starts, so the
    # outcome does not depend on timing.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "autograd_core", *NEURON],
            stdout=write_end,
            stderr=subprocess.PIPE,
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.stderr == b""  # no traceback, no "Broken pipe", no report after it
    assert result.returncode == 1  # the output was cut short: not success, not a usage error


def test_a_broken_pipe_in_process_returns_1_and_prints_nothing(monkeypatch, capsys):
    class ClosedPipe:
        def flush(self):
            pass

        def write(self, data):
            raise BrokenPipeError(32, "Broken pipe")

        @property
        def buffer(self):
            return self

        def fileno(self):
            raise OSError("no descriptor")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert main(NEURON) == 1
    assert capsys.readouterr().err == ""


def test_with_stdout_closed_svg_is_refused_in_one_line_and_a_file_still_works(tmp_path):
    def close_stdout():
        os.close(1)

    result = run_cli(*NEURON, preexec_fn=close_stdout, stdout=None, stderr=subprocess.PIPE)
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert result.stderr == (
        b"autograd-core: error: standard output is closed; "
        b"write the drawing to a file with -o FILE\n"
    )
    out = tmp_path / "n.svg"
    result = run_cli(
        *NEURON, "-o", str(out), "-q", preexec_fn=close_stdout, stdout=None, stderr=subprocess.PIPE
    )
    assert (result.returncode, result.stderr) == (0, b"")
    assert out.read_bytes().startswith(b"<?xml")


# -- 14: user text is echoed escaped --------------------------------------------------------

ESCAPE = "\x1b[31m"  # turns the terminal red
TITLE = "\x1b]0;owned\x07"  # sets the terminal's title


@pytest.mark.parametrize(
    ("arguments", "shown"),
    [
        (["graph", "x", "--set", f"x{ESCAPE}=1"], "--set x\\x1b[31m=1"),
        (["graph", "x", "--set", "x=1\x00"], "--set x=1\\x00"),
        (["graph", "x", "--set", f"x={TITLE}"], "--set x=\\x1b]0;owned\\x07"),
        (["graph", "x", "--set", "x=1", "--set", "y\u202e=2"], "--set y\\u202e=2"),
        (["graph", "x", "--set", "x=1", "-o", f"{{tmp}}/{ESCAPE}/g.svg"], "/\\x1b[31m/g.svg"),
        (["graph", "x", "--set", "x=1", "-o", "{tmp}/a\x00b.svg"], "/a\\x00b.svg"),
        (["graph", "x", "--set", "x=1", "-o", "{tmp}/a\rb.jpg"], "/a\\rb.jpg"),
        (["graph", "x", "--set", "x=1", f"stray{ESCAPE}"], "stray\\x1b[31m"),
    ],
)
def test_control_characters_from_the_user_are_shown_escaped(arguments, shown, tmp_path, capsys):
    arguments = [a.replace("{tmp}", str(tmp_path)) for a in arguments]
    error = one_line_error(main(arguments), capsys.readouterr())
    assert shown in error
    assert not any(character in error[:-1] for character in "\x1b\x00\x07\r\u202e")
    assert list(tmp_path.iterdir()) == []


def test_a_file_name_with_an_escape_sequence_is_written_and_reported_escaped(tmp_path, capsys):
    out = tmp_path / f"{ESCAPE}.svg"
    assert main([*NEURON, "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"<?xml")
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert f"wrote {tmp_path}/\\x1b[31m.svg" in err


# -- 15: a newcomer's slips, and what graph reports -----------------------------------------


def test_a_misspelt_function_gets_a_suggestion_and_the_names_once(capsys):
    error = one_line_error(main(["graph", "sigmiod(x)", "--set", "x=1"]), capsys.readouterr())
    assert "did you mean sigmoid?" in error
    for name in ("relu", "tanh", "exp", "log"):
        assert error.count(name) == 1, name


@pytest.mark.parametrize(("expression", "column"), [("x^2", 2), ("  x ^ 2", 5), ("(x+1)^3", 6)])
def test_a_caret_points_at_itself_and_says_to_use_two_stars(expression, column, capsys):
    error = one_line_error(main(["graph", expression, "--set", "x=1"]), capsys.readouterr())
    assert expression[column - 1] == "^"  # the column counts in the text as typed
    assert f"^ (column {column})" in error
    assert "write **" in error


def gradient_report(err):
    """{name: float} from the `  d/dNAME = NUMBER` lines graph writes to stderr."""
    return {m[0]: float(m[1]) for m in re.findall(r"^  d/d(\w+) = (\S+)$", err, re.M)}


def test_graph_reports_value_gradients_and_the_file_on_stderr(tmp_path, capsys):
    # y = tanh(wx + b) at x = 2, w = 0.5, b = −0.5: wx + b = 0.5; by hand ∂y/∂x = w(1 − y²),
    # ∂y/∂w = x(1 − y²), ∂y/∂b = 1 − y².
    out = tmp_path / "n.svg"
    arguments = ["graph", "tanh(w*x + b)", "--set", "x=2", "--set", "w=0.5", "--set", "b=-0.5"]
    assert main([*arguments, "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    y = math.tanh(0.5)
    value = re.search(r"^tanh\(w\*x \+ b\) = (\S+)$", captured.err, re.M)
    assert math.isclose(float(value.group(1)), y, rel_tol=1e-15)
    gradients = gradient_report(captured.err)
    assert list(gradients) == ["w", "x", "b"]  # in order of appearance in EXPR
    for name, expected in [("x", 0.5 * (1 - y**2)), ("w", 2 * (1 - y**2)), ("b", 1 - y**2)]:
        assert math.isclose(gradients[name], expected, rel_tol=1e-12)
    assert captured.err.splitlines()[-1] == f"wrote {out}"
    # SVG on stdout: stdout holds the SVG alone, the report stays on stderr.
    assert main(arguments) == 0
    captured = capsys.readouterr()
    ET.fromstring(captured.out)
    assert gradient_report(captured.err) == gradients
    assert "wrote" not in captured.err
    # --no-grad leaves the gradients out; --quiet the whole report.
    assert main([*arguments, "--no-grad", "-o", str(out)]) == 0
    assert gradient_report(capsys.readouterr().err) == {}
    assert main([*arguments, "-q", "-o", str(out)]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("number", "became", "drawn"),
    [("1e400", "inf", "inf"), ("-1e400", "-inf", "-inf"), ("1e-400", "0.0", "0")],
)
def test_a_number_beyond_the_float_range_gets_a_note(number, became, drawn, tmp_path, capsys):
    out = tmp_path / "g.dot"
    assert main(["graph", "x*y", "--set", f"x={number}", "--set", "y=1", "-q", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert err.startswith(f"autograd-core: note: --set x={number} ")
    assert err.endswith(f"so x = {became}\n")
    assert err.count("\n") == 1
    assert f"data {drawn}<" in out.read_text(encoding="utf-8")


def test_infinity_spelt_out_gets_no_note(tmp_path, capsys):
    assert main(["graph", "x", "--set", "x=-inf", "-q", "-o", str(tmp_path / "g.dot")]) == 0
    assert capsys.readouterr().err == ""


def test_graph_help_documents_what_goes_to_stdout_and_to_stderr(capsys):
    assert main(["graph", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "as SVG to standard output, which then carries nothing else" in text
    assert "Standard error gets EXPR's value, the gradient of EXPR with respect to each" in text


def test_a_command_that_fails_to_load_leaves_graph_working(monkeypatch, capsys):
    import autograd_core.cli

    class BrokenEntryPoint:
        name = "lectures"

        def load(self):
            raise ImportError("No module named 'nn.lectures'")

    monkeypatch.setattr(autograd_core.cli, "entry_points", lambda group: [BrokenEntryPoint()])
    assert main([*NEURON, "-q"]) == 0
    captured = capsys.readouterr()
    ET.fromstring(captured.out)
    assert captured.err == (
        "autograd-core: note: the 'lectures' command could not be loaded "
        "(ImportError: No module named 'nn.lectures')\n"
    )
