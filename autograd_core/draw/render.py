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


def _render_with_pygraphviz(source: str, fmt: str) -> bytes:
    try:
        import pygraphviz
    except ImportError as error:
        raise RenderError(f"pygraphviz is not installed; {INSTALL_HINT}") from error
    try:
        with _c_stderr_silenced():
            return pygraphviz.AGraph(string=source).draw(format=fmt, prog="dot")
    except Exception as error:
        raise RenderError(f"pygraphviz could not render the drawing as {fmt}: {error}") from error


def _render_with_dot(source: str, fmt: str) -> bytes:
    import graphviz

    if shutil.which("dot") is None:
        raise RenderError(f"Graphviz's `dot` is not on PATH; {INSTALL_HINT}")
    # The graphviz package runs `dot` with an argument list and no shell, so nothing in
    # the drawing can reach a command line.
    try:
        return graphviz.pipe("dot", fmt, source.encode("utf-8"), quiet=True)
    except graphviz.ExecutableNotFound as error:
        raise RenderError(f"Graphviz's `dot` could not be run; {INSTALL_HINT}") from error
    except subprocess.CalledProcessError as error:
        stderr = error.stderr.decode("utf-8", "replace") if error.stderr else ""
        lines = stderr.strip().splitlines()
        detail = f": {lines[-1]}" if lines else ""
        raise RenderError(f"`dot -T{fmt}` failed with status {error.returncode}{detail}") from error


def render(source: str, format: str, renderer: str | None = None) -> bytes:
    """Render DOT ``source`` to Graphviz output ``format`` ("svg", "png", "pdf", ...).

    ``renderer`` is "pygraphviz" (in-process), "dot" (the program on PATH) or None for the
    first of the two that is available. Raises :class:`RenderError`, saying how to install
    one, when the renderer asked for (or, with None, every renderer) is missing.
    """
    if renderer is None:
        if pygraphviz_available():
            renderer = "pygraphviz"
        elif shutil.which("dot") is not None:
            renderer = "dot"
        else:
            raise RenderError(f"no Graphviz renderer found: {INSTALL_HINT}")
    if renderer == "pygraphviz":
        return _render_with_pygraphviz(source, format)
    if renderer == "dot":
        return _render_with_dot(source, format)
    raise ValueError(f"unknown renderer {renderer!r}; accepted: {', '.join(RENDERERS)}")
