"""The teaching notebooks: each runs top to bottom, and each is committed with its outputs.

Every notebook is executed in a fresh kernel started from this interpreter (the .venv's
ipykernel). The notebooks hold their own checks (assertions comparing the lectures' formulas
with the engine), so a notebook that runs without an error is a notebook whose checks
passed. Its outputs must then be those committed (see notebook_outputs.py for what "the
same" means): `make notebook-outputs` rewrites them after a change.
"""

import copy
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
_spec = importlib.util.spec_from_file_location("notebook_outputs", HERE / "notebook_outputs.py")
notebook_outputs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(notebook_outputs)

NOTEBOOKS = notebook_outputs.notebook_paths()


def test_the_six_notebooks_are_there():
    assert [path.name for path in NOTEBOOKS] == [
        "01_values_and_graphs.ipynb",
        "02_backprop_algorithm.ipynb",
        "03_delta_recurrence.ipynb",
        "04_sigmoid_networks.ipynb",
        "05_training.ipynb",
        "06_coming_from_micrograd.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_runs_and_gives_its_committed_outputs(path, tmp_path):
    committed = nbformat.read(path, as_version=4)
    nbformat.validate(committed)
    fresh = notebook_outputs.execute(path, tmp_path)  # CellExecutionError names the cell
    code_cells = [cell for cell in fresh.cells if cell.cell_type == "code"]
    assert code_cells and all(cell.execution_count for cell in code_cells)
    problems = notebook_outputs.differences(committed, fresh)
    assert not problems, (
        f"{path.name}: the committed outputs are not what a fresh run gives; run "
        "`make notebook-outputs` and commit the result.\n" + "\n".join(problems)
    )


def _cell(source, outputs, tags=()):
    cell = nbformat.v4.new_code_cell(source)
    cell.execution_count = 1
    cell.outputs = outputs
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def _notebook(*cells):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = list(cells)
    return notebook


def _stream(text):
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def _display(data):
    return nbformat.v4.new_output("display_data", data=data)


def test_comparison_catches_a_changed_printed_number():
    committed = _notebook(_cell("print(y)", [_stream("y = 1.95\n")]))
    fresh = _notebook(_cell("print(y)", [_stream("y = 1.9500000000000002\n")]))
    (problem,) = notebook_outputs.differences(committed, fresh)
    assert problem.startswith("cell 0:") and "1.9500000000000002" in problem


def test_comparison_ignores_addresses_and_how_a_stream_was_split():
    committed = _notebook(_cell("f", [_stream("<object at 0x7f3a2c1b9d90>\nend\n")]))
    fresh = _notebook(_cell("f", [_stream("<object at 0x7f00deadbeef>\n"), _stream("end\n")]))
    assert notebook_outputs.differences(committed, fresh) == []


def test_comparison_blanks_numbers_only_in_cells_tagged_varies():
    timing = [_stream("engine 2.31 s, matrix 0.12 s\n")]
    other_timing = [_stream("engine 2.87 s, matrix 0.10 s\n")]
    tagged = _notebook(_cell("t", timing, tags=["varies"]))
    assert (
        notebook_outputs.differences(tagged, _notebook(_cell("t", other_timing, ["varies"]))) == []
    )
    untagged = _notebook(_cell("t", timing))
    assert len(notebook_outputs.differences(untagged, _notebook(_cell("t", other_timing)))) == 1


def test_comparison_needs_the_same_pictures_but_not_the_same_bytes():
    png = _display({"image/png": "iVBORw0KGgo=", "text/plain": "<Figure size 950x400>"})
    other_png = _display({"image/png": "iVBORw0KGgp=", "text/plain": "<Figure size 950x400>"})
    assert (
        notebook_outputs.differences(
            _notebook(_cell("fig", [png])), _notebook(_cell("fig", [other_png]))
        )
        == []
    )
    text_only = _display({"text/plain": "<Figure size 950x400>"})
    (problem,) = notebook_outputs.differences(
        _notebook(_cell("fig", [png])), _notebook(_cell("fig", [text_only]))
    )
    assert "image/png" in problem


def test_comparison_catches_a_cell_committed_without_running():
    cell = _cell("print(1)", [])
    cell.execution_count = None
    fresh = copy.deepcopy(cell)
    fresh.execution_count = 1
    fresh.outputs = [_stream("1\n")]
    (problem,) = notebook_outputs.differences(_notebook(cell), _notebook(fresh))
    assert "without being run" in problem


# A private name: `x._backward`, `from autograd_core.value import _node`, `import nn._x`.
PRIVATE_ACCESS = re.compile(r"\._[A-Za-z]|import\s+_|import\s.*,\s*_[A-Za-z]")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_uses_only_the_public_api(path):
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            match = PRIVATE_ACCESS.search(cell.source)
            assert match is None, f"{path.name} cell {index} uses a private name: {match.group()!r}"


WIDGET_MIME_TYPE = "application/vnd.jupyter.widget-view+json"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_shows_nothing_that_needs_a_live_kernel(path):
    """An ipywidgets output says "model not found" once the notebook is reopened."""
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            assert WIDGET_MIME_TYPE not in output.get("data", {}), (
                f"{path.name} cell {index} shows an ipywidgets widget; display the "
                "StepThrough (an HTML player) instead"
            )


def test_readme_lists_every_notebook():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Notebooks", 1)[1].split("\n## ", 1)[0]
    missing = [path.name for path in NOTEBOOKS if path.name not in section]
    assert not missing, f"README's Notebooks section does not list {missing}"
