"""The teaching notebooks: each runs top to bottom, and each is committed without outputs.

Every notebook is executed in a fresh kernel started from this interpreter (the .venv's
ipykernel), with the Agg backend so no window is needed. The notebooks hold their own
checks (assertions comparing the lectures' formulas with the engine), so a notebook that
runs without an error is a notebook whose checks passed.
"""

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CELL_TIMEOUT_SECONDS = 180
KERNEL_NAME = "autograd-core-test"


def test_the_five_notebooks_are_there():
    assert [path.name for path in NOTEBOOKS] == [
        "01_values_and_graphs.ipynb",
        "02_backprop_algorithm.ipynb",
        "03_delta_recurrence.ipynb",
        "04_sigmoid_networks.ipynb",
        "05_training.ipynb",
    ]


@pytest.fixture
def kernel_manager(tmp_path, monkeypatch):
    """A kernel that is this interpreter's ipykernel, whatever kernels the user has installed."""
    monkeypatch.setenv("MPLBACKEND", "Agg")
    spec_dir = tmp_path / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "autograd-core tests",
        "language": "python",
        "env": {"MPLBACKEND": "Agg"},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    specs = KernelSpecManager(kernel_dirs=[str(tmp_path / "kernels")], ensure_native_kernel=False)
    return KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path, kernel_manager, tmp_path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        km=kernel_manager,
        timeout=CELL_TIMEOUT_SECONDS,
        allow_errors=False,
        # Run in a scratch directory: a notebook that wrote files would not litter the repo.
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code_cells and all(cell.execution_count for cell in code_cells)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_is_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    dirty = [
        index
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, (
        f"{path.name}: cells {dirty} hold outputs or execution counts; clear them "
        "(Jupyter: Edit > Clear Outputs of All Cells) before committing"
    )


# A private name: `x._backward`, `from autograd_core.value import _node`, `import nn._x`.
PRIVATE_ACCESS = re.compile(r"\._[A-Za-z]|import\s+_|import\s.*,\s*_[A-Za-z]")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_uses_only_the_public_api(path):
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            match = PRIVATE_ACCESS.search(cell.source)
            assert match is None, f"{path.name} cell {index} uses a private name: {match.group()!r}"


def test_readme_lists_every_notebook():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Notebooks", 1)[1].split("\n## ", 1)[0]
    missing = [path.name for path in NOTEBOOKS if path.name not in section]
    assert not missing, f"README's Notebooks section does not list {missing}"
