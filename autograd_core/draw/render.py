"""Rendering DOT text with Graphviz, and writing files whole or not at all.

Two renderers: pygraphviz (the ``render`` extra bundles Graphviz in its wheels, so it
needs no system package) and the ``dot`` program on PATH. ``render`` picks the first one
available.

Both run Graphviz in a child process, whatever the graph's size. A timeout or Ctrl-C
stops a child, never the caller, and its memory is capped. And the child's stderr is its
own: the Graphviz in pygraphviz's wheels carries its own fontconfig, which prints a
"Fontconfig warning" about newer system configuration files on its first render in a
process. In-process, keeping that off a student's screen meant pointing file descriptor 2
at /dev/null for the whole process while Graphviz ran, so every other thread lost its
stderr meanwhile; a child's stderr is read and its warnings dropped. The price is
starting a Python process per render (about 0.1 s), which a drawing pays once: ``svg()``
is cached.
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
import subprocess
import sys
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

    A new file gets mode 0666 trimmed by the process umask, as any new file does; a file
    that is already there keeps its permission bits. A symbolic link at ``path`` is
    replaced by the file (its target is left as it was), as ``os.replace`` does. The
    temporary file's name (``.ag-XXXXXXXX.tmp``, 16 characters) is short, so a legal long
    ``path`` stays legal. An ``OSError`` names ``path``, never the temporary file, which
    the caller has not heard of; no temporary file is left behind.
    """
    path = Path(path)
    try:
        try:
            existing = os.lstat(path)
        except FileNotFoundError:
            existing = None
        keep = (
            stat.S_IMODE(existing.st_mode) if existing and stat.S_ISREG(existing.st_mode) else None
        )
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
            if keep is not None:
                os.chmod(temporary, keep)
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


def _render_with_pygraphviz(source: str, fmt: str, timeout: float | None) -> bytes:
    if not pygraphviz_available():
        raise RenderError(f"pygraphviz is not installed; {INSTALL_HINT}")
    script = _CHILD.format(limit=CHILD_MEMORY_LIMIT)
    return _run_child([sys.executable, "-c", script, fmt], source, fmt, timeout)


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
) -> bytes:
    """Render DOT ``source`` to Graphviz output ``format`` ("svg", "png", "pdf", ...).

    ``renderer`` is "pygraphviz" (the Graphviz its wheels bundle) or "dot" (the program on
    PATH) or None for the first of the two that is available. Either runs in a child
    process, which ``timeout`` (seconds) and Ctrl-C stop.
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
        return _render_with_pygraphviz(source, format, timeout)
    if renderer == "dot":
        return _render_with_dot(source, format, timeout)
    raise ValueError(f"unknown renderer {renderer!r}; accepted: {', '.join(RENDERERS)}")
