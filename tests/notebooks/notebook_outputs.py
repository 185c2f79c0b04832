"""Run the teaching notebooks, write their outputs, and compare outputs between two runs.

The notebooks are committed with their outputs, so that a repository page shows every graph
and plot. ``python tests/notebooks/notebook_outputs.py`` (``make notebook-outputs``) runs
each notebook in ``notebooks/`` top to bottom in a fresh kernel of this interpreter and
writes the outputs into it; ``test_notebooks.py`` runs each one again and fails when the
committed outputs are not what a fresh run gives.

What counts as "the same output", cell by cell:

- text (printed streams, ``text/plain``, ``text/markdown``, ``text/latex``, errors) is equal
  after memory addresses (``0x7f…``) are blanked; in a cell tagged ``varies`` (a cell that
  prints timings) every number is blanked too, so only the wording has to match;
- a stream printed in several pieces counts as one (the pieces depend on flushing);
- pictures (``image/png``, ``image/svg+xml``) and HTML (the step-through player) only have
  to be present with the same MIME types: their bytes depend on the Graphviz and
  matplotlib builds, and their content is checked by the library's own tests.

Runs are made reproducible where that is cheap: the kernel always uses matplotlib's inline
backend (whatever ``MPLBACKEND`` says outside), no timing metadata is recorded, and the
notebook's own metadata (kernel name, cell ids) is kept as committed.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
import tempfile
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
CELL_TIMEOUT_SECONDS = 180
KERNEL_NAME = "autograd-core-notebooks"
VARIES_TAG = "varies"

# Compared as text; every other MIME type is compared by its presence only.
TEXT_MIME_TYPES = ("text/plain", "text/markdown", "text/latex")
MEMORY_ADDRESS = re.compile(r"0x[0-9a-fA-F]{4,}")
NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[+-]?\d+)?")


def notebook_paths() -> list[Path]:
    return sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def kernel_manager(scratch: Path) -> KernelManager:
    """A kernel of this interpreter's ipykernel, whatever kernels the user has installed."""
    spec_dir = scratch / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "autograd-core notebooks",
        "language": "python",
        # The inline backend is what a student's JupyterLab uses; pinned so that an
        # MPLBACKEND set outside (Agg on a CI machine) cannot change what a cell shows.
        "env": {"MPLBACKEND": "module://matplotlib_inline.backend_inline"},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    specs = KernelSpecManager(kernel_dirs=[str(scratch / "kernels")], ensure_native_kernel=False)
    return KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)


def execute(path: Path, scratch: Path) -> nbformat.NotebookNode:
    """``path`` run top to bottom in a fresh kernel; raises CellExecutionError on any error.

    The notebook runs in ``scratch`` (a notebook that wrote files would not litter the
    repository); the returned notebook keeps the committed metadata.
    """
    committed = nbformat.read(path, as_version=4)
    notebook = copy.deepcopy(committed)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    work = scratch / "work"
    work.mkdir(parents=True, exist_ok=True)
    client = NotebookClient(
        notebook,
        km=kernel_manager(scratch),
        timeout=CELL_TIMEOUT_SECONDS,
        allow_errors=False,
        record_timing=False,
        resources={"metadata": {"path": str(work)}},
    )
    client.execute()
    notebook.metadata = committed.metadata  # not the test kernel's name, not Python's version
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = _joined_streams(cell.outputs)
    return notebook


def _joined_streams(outputs: list) -> list:
    """Consecutive pieces of one stream as one output: how a print is split between
    messages depends on when it was flushed, and the written file should not."""
    joined: list = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (
            output["output_type"] == "stream"
            and previous is not None
            and previous["output_type"] == "stream"
            and previous["name"] == output["name"]
        ):
            previous["text"] = _as_text(previous["text"]) + _as_text(output["text"])
        else:
            joined.append(output)
    return joined


def _normalise(text: str, varies: bool) -> str:
    text = MEMORY_ADDRESS.sub("0x…", text)
    return NUMBER.sub("#", text) if varies else text


def _as_text(value: object) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def comparable_outputs(cell: nbformat.NotebookNode) -> list[tuple]:
    """A cell's outputs as plain tuples, in the form two runs are compared in."""
    varies = VARIES_TAG in cell.get("metadata", {}).get("tags", [])
    records: list[tuple] = []
    for output in cell.get("outputs", []):
        kind = output["output_type"]
        if kind == "stream":
            text = _as_text(output["text"])
            # A stream may arrive in one piece or several, depending on when it was flushed.
            if records and records[-1][:2] == ("stream", output["name"]):
                records[-1] = ("stream", output["name"], records[-1][2] + text)
            else:
                records.append(("stream", output["name"], text))
        elif kind in ("display_data", "execute_result"):
            data = output.get("data", {})
            texts = tuple(
                (mime, _normalise(_as_text(data[mime]), varies))
                for mime in TEXT_MIME_TYPES
                if mime in data
            )
            records.append(("display", tuple(sorted(data)), texts))
        elif kind == "error":
            records.append(("error", output["ename"], _normalise(output["evalue"], varies)))
        else:
            records.append((kind,))
    return [
        ("stream", record[1], _normalise(record[2], varies)) if record[0] == "stream" else record
        for record in records
    ]


def differences(committed: nbformat.NotebookNode, fresh: nbformat.NotebookNode) -> list[str]:
    """Where the committed notebook's outputs are not those of the fresh run, one line each."""
    problems = []
    if len(committed.cells) != len(fresh.cells):
        return [f"{len(committed.cells)} cells committed, {len(fresh.cells)} in the fresh run"]
    for index, (old, new) in enumerate(zip(committed.cells, fresh.cells)):
        if old.cell_type != "code":
            continue
        if old.get("execution_count") is None:
            problems.append(f"cell {index} was committed without being run")
            continue
        before, after = comparable_outputs(old), comparable_outputs(new)
        if before != after:
            problems.append(
                f"cell {index}: committed outputs {_summary(before)} but a fresh run gives "
                f"{_summary(after)}"
            )
    return problems


def _summary(records: list[tuple]) -> str:
    text = repr(records)
    return text if len(text) <= 400 else text[:400] + "…"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run every notebook in notebooks/ and write its outputs into it."
    )
    parser.add_argument(
        "notebooks", nargs="*", type=Path, help="notebooks to run (default: all of them)"
    )
    args = parser.parse_args(argv)
    for path in args.notebooks or notebook_paths():
        with tempfile.TemporaryDirectory() as scratch:
            notebook = execute(path, Path(scratch))
        nbformat.validate(notebook)
        nbformat.write(notebook, path)
        print(f"wrote the outputs of {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
