"""A drawn computation graph: its DOT text, rendered on demand, shown in Jupyter."""

from __future__ import annotations

import html
import os
from collections.abc import Iterable
from pathlib import Path

from autograd_core.draw.render import SAVE_FORMATS, render, write_atomically

#: Above this many Values the notebook display shows a summary instead of the picture.
DEFAULT_MAX_NODES = 500


class Drawing:
    """A drawn computation graph: DOT text now, SVG/PNG/PDF when asked.

    ``source`` is the DOT text; ``svg()`` renders it (cached, so a notebook re-displays
    for free); ``save(path)`` writes ``.svg``, ``.png``, ``.pdf`` or ``.dot`` by suffix. In
    Jupyter it displays itself as SVG; above ``max_nodes`` Values, or where no renderer is
    installed, the display shows a summary or the DOT text with a hint instead, and never
    raises.
    """

    def __init__(
        self, source: str, value_count: int, operation_count: int, max_nodes: int | None
    ) -> None:
        self._source = source
        self.value_count = value_count
        self.operation_count = operation_count
        self.max_nodes = max_nodes
        self._svg: str | None = None

    @property
    def source(self) -> str:
        """The DOT text: the same graph gives the same text, character for character."""
        return self._source

    def __repr__(self) -> str:
        return f"<Drawing of {self.value_count} values and {self.operation_count} operations>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Drawing):
            return NotImplemented
        return self._source == other._source

    def __hash__(self) -> int:
        return hash(self._source)

    def render(self, format: str, renderer: str | None = None) -> bytes:
        """The drawing in Graphviz output ``format`` ("svg", "png", "pdf", ...) as bytes."""
        return render(self._source, format, renderer)

    def svg(self, renderer: str | None = None) -> str:
        """The SVG text (raises :class:`RenderError` when no renderer is available)."""
        if renderer is not None:
            return self.render("svg", renderer).decode("utf-8")
        if self._svg is None:
            self._svg = self.render("svg").decode("utf-8")
        return self._svg

    def save(self, path: str | os.PathLike[str], renderer: str | None = None) -> Path:
        """Write the drawing to ``path`` in the format its suffix names; return the path.

        Accepted suffixes: ``.svg``, ``.png``, ``.pdf``, ``.dot``. The file appears whole
        or not at all: the drawing is rendered first, written to a temporary file beside
        ``path`` and moved into place.
        """
        path = Path(path)
        fmt = SAVE_FORMATS.get(path.suffix.lower())
        if fmt is None:
            accepted = ", ".join(SAVE_FORMATS)
            raise ValueError(
                f"cannot save a drawing as {path.suffix or 'a file without a suffix'!r} "
                f"({path.name}); accepted suffixes: {accepted}"
            )
        if not path.parent.is_dir():
            raise FileNotFoundError(f"cannot save {path}: no directory {path.parent}")
        if fmt == "dot":
            data = self._source.encode("utf-8")
        elif fmt == "svg" and renderer is None:
            data = self.svg().encode("utf-8")
        else:
            data = self.render(fmt, renderer)
        write_atomically(path, data)
        return path

    # -- Jupyter ---------------------------------------------------------------------------

    def _too_large(self) -> bool:
        return self.max_nodes is not None and self.value_count > self.max_nodes

    def summary(self) -> str:
        """One paragraph saying how big the graph is and how to draw it anyway."""
        return (
            f"Computation graph of {self.value_count:,} values and "
            f"{self.operation_count:,} operations: more than max_nodes={self.max_nodes}, "
            "so it is not drawn inline (Graphviz would take long and the picture would be "
            "unreadable). Draw it anyway with draw_graph(root, max_nodes=None), or write "
            "it to a file with drawing.save('graph.svg')."
        )

    def _repr_mimebundle_(
        self, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None
    ) -> dict[str, str]:
        """What Jupyter shows: the SVG, or a summary or the DOT text with a hint. Never raises."""
        try:
            if self._too_large():
                text = self.summary()
                return {"text/plain": text, "text/html": f"<p>{html.escape(text)}</p>"}
            try:
                return {"image/svg+xml": self.svg(), "text/plain": repr(self)}
            except Exception as error:  # display must never raise, whatever went wrong
                text = f"cannot render this drawing ({error}).\nIts DOT text:\n\n{self._source}"
                return {
                    "text/plain": text,
                    "text/html": f"<pre>{html.escape(text)}</pre>",
                }
        except Exception:
            return {"text/plain": repr(self)}
