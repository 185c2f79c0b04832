"""Layers import downward only: engine ← nn ← lecture companion, with no import cycles."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Aliases kept for one release under the old names (see the CHANGELOG); each is the new
# module itself, so it belongs to the layer it points to.
TYPE_ONLY = {"TYPE_CHECKING", "typing.TYPE_CHECKING"}
RENAMED = {"nn.formulas", "nn.worked_examples", "nn.lectures_command"}


def modules(package: str) -> list[str]:
    names = []
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


def loaded_after_importing(names: list[str]) -> set[str]:
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(result.stdout.split())


def test_the_engine_imports_nothing_from_nn():
    engine = modules("autograd_core")
    assert "autograd_core.cli" in engine and "autograd_core.draw.dot" in engine
    loaded = loaded_after_importing(engine)
    assert {name for name in loaded if name == "nn" or name.startswith("nn.")} == set()


def test_nn_does_not_import_its_lecture_companion():
    network = [
        name for name in modules("nn") if not name.startswith("nn.lectures") and name not in RENAMED
    ]
    assert "nn.module" in network
    loaded = loaded_after_importing(network)
    assert {name for name in loaded if name.startswith("nn.lectures")} == set()


def imported_project_modules(name: str) -> set[str]:
    """The project modules ``name`` imports anywhere in its file (deferred imports too)."""
    path = ROOT / Path(*name.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):  # imports for type checkers only never run
        if isinstance(node, ast.If) and ast.unparse(node.test) in TYPE_ONLY:
            node.body = []
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    project = set(modules("autograd_core")) | set(modules("nn"))
    return {module for module in found if module in project and module != name}


def test_no_import_cycles():
    graph = {name: imported_project_modules(name) for name in modules("autograd_core")}
    graph.update({name: imported_project_modules(name) for name in modules("nn")})
    # A package's __init__ re-exports its modules; importing a package from inside it
    # would be the cycle, so the edges from a package to its own modules are left out.
    for name, targets in graph.items():
        graph[name] = {t for t in targets if not t.startswith(name + ".")}
    state: dict[str, int] = {}
    cycles = []

    def visit(start: str) -> None:  # iterative depth-first search, three colours
        stack = [(start, iter(sorted(graph[start])))]
        state[start] = 1
        path = [start]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(child) == 1:
                cycles.append([*path[path.index(child) :], child])
            elif child not in state:
                state[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(graph[child]))))

    for name in sorted(graph):
        if name not in state:
            visit(name)
    assert cycles == []
