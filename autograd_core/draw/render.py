"""Rendering DOT text with Graphviz, and writing files whole or not at all.

Two renderers: pygraphviz (the ``render`` extra bundles Graphviz in its wheels) and the
``dot`` program on PATH. Either runs in a child process, so a timeout or Ctrl-C stops the
child, never the caller; its memory is capped, and its stderr (the bundled fontconfig's
warnings) stays off the student's screen.
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

#: Memory a rendering child process may take before the system stops it (bytes).
CHILD_MEMORY_LIMIT = 2 * 1024**3

# The pygraphviz child: DOT on stdin, the rendering on stdout, its address space capped.
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


class RenderError(RuntimeError):
    """No Graphviz renderer is available, or Graphviz failed on this drawing."""


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, so it is never half-written.

    A new file gets mode 0666 less the umask; an existing file keeps its permission bits;
    a symbolic link is replaced, not followed. The temporary name is short, so a legal long
    ``path`` stays legal. An ``OSError`` names ``path`` and no temporary file is left.
    """
    path = Path(path)
    try:
        try:
            existing = os.lstat(path)
            keep = stat.S_IMODE(existing.st_mode) if stat.S_ISREG(existing.st_mode) else None
        except FileNotFoundError:
            keep = None
        while True:
            temporary = path.parent / f".ag-{secrets.token_hex(4)}.tmp"
            try:
                handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                break
            except FileExistsError:
                pass
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
    if finished.returncode == 0:
        return finished.stdout
    errors = finished.stderr.decode("utf-8", "replace").splitlines()
    lines = [line for line in errors if line.strip() and "Fontconfig" not in line]
    if finished.returncode < 0 or any("MemoryError" in line for line in lines):
        detail = "it was stopped (out of memory?)"
    else:
        detail = lines[-1] if lines else f"status {finished.returncode}"
    raise RenderError(f"Graphviz could not render the drawing as {fmt}: {detail}")


def render(
    source: str,
    format: str,
    renderer: str | None = None,
    *,
    timeout: float | None = None,
) -> bytes:
    """Render DOT ``source`` to Graphviz output ``format`` ("svg", "png", "pdf", ...).

    ``renderer`` is "pygraphviz", "dot" or None for the first of the two available; either
    runs in a child process that ``timeout`` (seconds) and Ctrl-C stop. Raises
    :class:`RenderError`, saying how to install one, when no renderer asked for is there,
    or when the render fails or times out.
    """
    if renderer not in (None, *RENDERERS):
        raise ValueError(f"unknown renderer {renderer!r}; accepted: {', '.join(RENDERERS)}")
    if renderer in (None, "pygraphviz") and pygraphviz_available():
        command = [sys.executable, "-c", _CHILD.format(limit=CHILD_MEMORY_LIMIT), format]
    elif renderer in (None, "dot") and (executable := shutil.which("dot")):
        # An argument list and no shell, so nothing in the drawing can reach a command line.
        command = [executable, f"-T{format}"]
    else:
        missing = {
            None: "no Graphviz renderer found:",
            "pygraphviz": "pygraphviz is not installed;",
            "dot": "Graphviz's `dot` is not on PATH;",
        }
        raise RenderError(f"{missing[renderer]} {INSTALL_HINT}")
    return _run_child(command, source, format, timeout)
