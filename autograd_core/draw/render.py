"""Rendering DOT text with Graphviz, and writing files whole or not at all.

Two renderers: pygraphviz (the ``render`` extra bundles Graphviz in its wheels, so it runs
in-process with no system package) and the ``dot`` program on PATH. ``render`` picks the
first one available.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

#: Suffixes :meth:`Drawing.save` accepts, and the Graphviz output format of each.
SAVE_FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot"}

#: Renderer names accepted by ``renderer=``; ``None`` picks the first one available.
RENDERERS = ("pygraphviz", "dot")

INSTALL_HINT = (
    'install the render extra (pip install "autograd-core[render]"), which renders '
    "in-process with no system packages, or install Graphviz so that `dot` is on PATH "
    "(apt-get install graphviz, brew install graphviz, conda install graphviz)"
)


class RenderError(RuntimeError):
    """No Graphviz renderer is available, or Graphviz failed on this drawing."""


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, so it is never half-written.

    The temporary file is created with mode 0666, which the process umask trims exactly as
    it would for any new file; its name (``.ag-XXXXXXXX.tmp``, 16 characters) is short, so a
    legal long ``path`` stays legal. An ``OSError`` names ``path``, never the temporary
    file, which the caller has not heard of; no temporary file is left behind.
    """
    path = Path(path)
    try:
        while True:
            temporary = path.parent / f".ag-{secrets.token_hex(4)}.tmp"
            try:
                handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                break
            except FileExistsError:
                continue
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as error:
        if error.errno is None:
            raise
        # OSError(errno, ...) is the matching subclass (PermissionError for EACCES, ...).
        raise OSError(error.errno, error.strerror, str(path)) from None


def pygraphviz_available() -> bool:
    """Whether pygraphviz (the ``render`` extra) can be imported."""
    try:
        import pygraphviz  # noqa: F401
    except ImportError:
        return False
    return True


@contextlib.contextmanager
def _c_stderr_silenced() -> Iterator[None]:
    """Silence what C code writes to file descriptor 2 for the duration of the block.

    The Graphviz bundled in pygraphviz's wheels carries its own fontconfig, which prints a
    "Fontconfig warning" about newer system configuration files on every first render.
    pygraphviz reports Graphviz's real errors as Python exceptions, so nothing is lost.
    """
    try:
        saved = os.dup(2)
    except OSError:  # no usable descriptor 2 (some embedded interpreters): nothing to hide
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


#: Memory a rendering child process may take before the system stops it (bytes).
CHILD_MEMORY_LIMIT = 2 * 1024**3

# The child process: reads DOT on stdin, writes the rendering on stdout. Its address space
# is capped, so a layout that would eat the machine's memory fails instead.
_CHILD = """
import sys
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
except (ImportError, ValueError, OSError):
    pass
import pygraphviz
source = sys.stdin.buffer.read().decode("utf-8")
data = pygraphviz.AGraph(string=source).draw(format=sys.argv[1], prog="dot")
sys.stdout.buffer.write(data)
"""


def _render_with_pygraphviz(source: str, fmt: str, timeout: float | None, isolated: bool) -> bytes:
    try:
        import pygraphviz
    except ImportError as error:
        raise RenderError(f"pygraphviz is not installed; {INSTALL_HINT}") from error
    if isolated:
        script = _CHILD.format(limit=CHILD_MEMORY_LIMIT)
        return _run_child([sys.executable, "-c", script, fmt], source, fmt, timeout)
    try:
        with _c_stderr_silenced():
            return pygraphviz.AGraph(string=source).draw(format=fmt, prog="dot")
    except Exception as error:
        raise RenderError(f"pygraphviz could not render the drawing as {fmt}: {error}") from error


def _run_child(command: list[str], source: str, fmt: str, timeout: float | None) -> bytes:
    """Run a renderer as a child process: a timeout or Ctrl-C kills it, never the caller."""
    try:
        # subprocess.run kills the child on any exception, KeyboardInterrupt included.
        finished = subprocess.run(
            command, input=source.encode("utf-8"), capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise RenderError(
            f"Graphviz did not finish within {timeout:g} s and was stopped; draw a smaller "
            "part of the graph (draw_graph of an intermediate Value), use nn.draw_network "
            "for a network, or pass a larger timeout="
        ) from None
    except OSError as error:
        raise RenderError(f"could not start the renderer: {error}") from error
    if finished.returncode != 0:
        lines = [
            line
            for line in finished.stderr.decode("utf-8", "replace").splitlines()
            if line.strip() and "Fontconfig" not in line
        ]
        if finished.returncode < 0 or any("MemoryError" in line for line in lines):
            detail = "it was stopped (out of memory?)"
        else:
            detail = lines[-1] if lines else f"status {finished.returncode}"
        raise RenderError(f"Graphviz could not render the drawing as {fmt}: {detail}")
    return finished.stdout


def _render_with_dot(source: str, fmt: str, timeout: float | None) -> bytes:
    executable = shutil.which("dot")
    if executable is None:
        raise RenderError(f"Graphviz's `dot` is not on PATH; {INSTALL_HINT}")
    # An argument list and no shell, so nothing in the drawing can reach a command line.
    return _run_child([executable, f"-T{fmt}"], source, fmt, timeout)


def render(
    source: str,
    format: str,
    renderer: str | None = None,
    *,
    timeout: float | None = None,
    isolated: bool = False,
) -> bytes:
    """Render DOT ``source`` to Graphviz output ``format`` ("svg", "png", "pdf", ...).

    ``renderer`` is "pygraphviz" (in-process) or "dot" (the program on PATH, always a
    child process) or None for the first of the two that is available. ``isolated`` runs
    pygraphviz in a child process too, so ``timeout`` (seconds) and Ctrl-C can stop it.
    Raises :class:`RenderError`, saying how to install one, when the renderer asked for
    (or, with None, every renderer) is missing, or when the render fails or times out.
    """
    if renderer is None:
        if pygraphviz_available():
            renderer = "pygraphviz"
        elif shutil.which("dot") is not None:
            renderer = "dot"
        else:
            raise RenderError(f"no Graphviz renderer found: {INSTALL_HINT}")
    if renderer == "pygraphviz":
        return _render_with_pygraphviz(source, format, timeout, isolated)
    if renderer == "dot":
        return _render_with_dot(source, format, timeout)
    raise ValueError(f"unknown renderer {renderer!r}; accepted: {', '.join(RENDERERS)}")
