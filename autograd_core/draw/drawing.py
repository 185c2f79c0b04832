"""A drawn computation graph: its DOT text, rendered on demand, shown in Jupyter."""

from __future__ import annotations

import base64
import html
import os
import re
from collections.abc import Iterable
from pathlib import Path

from autograd_core.draw.render import SAVE_FORMATS, RenderError, render, write_atomically

#: Above this many Values a graph is not drawn: the one-example loss of a 2-16-16-1 MLP has
#: 411; ten examples (1,068) take Graphviz tens of seconds and cross millions of edges.
DEFAULT_MAX_NODES = 1000
DEFAULT_TIMEOUT = 60.0  # seconds a render may take before it is stopped

_SVG_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


class Drawing:
    """A drawn computation graph: DOT text now, SVG/PNG/PDF when asked, shown in Jupyter.

    A graph refused before it was drawn (too large or tangled to lay out) has a ``refusal``
    instead of DOT text: ``source``, ``svg()`` and ``save()`` raise :class:`RenderError`
    with it, and its repr and the notebook display show it.
    """

    def __init__(
        self,
        source: str,
        value_count: int,
        operation_count: int,
        max_nodes: int | None,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        refusal: str | None = None,
    ) -> None:
        self._source = source
        self.value_count = value_count
        self.operation_count = operation_count
        self.max_nodes = max_nodes
        self.timeout = timeout
        self.refusal = refusal
        self._svg: str | None = None

    @classmethod
    def refused(cls, why: str, *, max_nodes: int | None, value_count: int) -> Drawing:
        """A drawing of a graph too large to lay out: it says so instead of rendering."""
        message = (
            f"this computation graph is not drawn: {why}. Graphviz would take minutes and "
            "the picture would be unreadable. Draw a part of it instead (draw_graph of one "
            "example's loss or of an intermediate Value), or, for a network, "
            "nn.draw_network(model, x, target, loss)"
        )
        return cls("", value_count, 0, max_nodes, refusal=message)

    @property
    def source(self) -> str:
        """The DOT text: the same graph gives the same text, character for character."""
        if self.refusal is not None:
            raise RenderError(self.refusal)
        return self._source

    def __repr__(self) -> str:
        if self.refusal is not None:
            return f"<Drawing refused: {self.refusal}>"
        return f"<Drawing of {self.value_count} values and {self.operation_count} operations>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Drawing):
            return NotImplemented
        return (self._source, self.refusal) == (other._source, other.refusal)

    def __hash__(self) -> int:
        return hash((self._source, self.refusal))

    def render(self, format: str, renderer: str | None = None) -> bytes:
        """The drawing in Graphviz output ``format`` ("svg", "png", "pdf", ...) as bytes."""
        if self.refusal is not None:
            raise RenderError(self.refusal)
        return render(self._source, format, renderer, timeout=self.timeout)

    def svg(self, renderer: str | None = None) -> str:
        """The SVG text (cached when rendered by the default renderer)."""
        if renderer is not None:
            return self.render("svg", renderer).decode("utf-8")
        if self._svg is None:
            self._svg = self.render("svg").decode("utf-8")
        return self._svg

    def save(self, path: str | os.PathLike[str], renderer: str | None = None) -> Path:
        """Write ``.svg``, ``.png``, ``.pdf`` or ``.dot`` by ``path``'s suffix, whole or not at
        all; return the path."""
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
            data = self.source.encode("utf-8")
        elif fmt == "svg" and renderer is None:
            data = self.svg().encode("utf-8")
        else:
            data = self.render(fmt, renderer)
        write_atomically(path, data)
        return path

    def _repr_mimebundle_(
        self, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None
    ) -> dict[str, str]:
        """What Jupyter shows: the SVG fitted to the output width, or why not. Never raises."""
        if self.refusal is not None:
            return {"text/plain": self.refusal, "text/html": f"<p>{html.escape(self.refusal)}</p>"}
        try:
            svg = self.svg()
            return {"text/html": fitted_html(svg), "image/svg+xml": svg, "text/plain": repr(self)}
        except Exception as error:  # display must never raise, whatever went wrong
            text = f"cannot render this drawing ({error}).\nIts DOT text:\n\n{self._source}"
            return {"text/plain": text, "text/html": f"<pre>{html.escape(text)}</pre>"}


def svg_data_url(svg: str) -> str:
    """The SVG as a ``data:image/svg+xml;base64`` URL, for an <img> that needs no file."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def still_image(svg: str, alt: str, css_class: str = "") -> str:
    """An <img> of the SVG that shrinks to the output's width and keeps its proportions.

    Untrusted notebooks strip <svg>, <style> and <script> but keep an <img> with a data: URL.
    """
    class_attribute = f' class="{css_class}"' if css_class else ""
    return (
        f'<img{class_attribute} src="{svg_data_url(svg)}" alt="{html.escape(alt)}" '
        'style="max-width: 100%; height: auto; display: block">'
    )


# Where scripts run (a trusted notebook), the scaled <img> gives way to the same SVG inline,
# so that its <title> tooltips show on hover; the SVG text is the image's own data URL.
_INLINE_SCRIPT = """<script>
(function () {
  var image = document.currentScript.parentNode.querySelector("img.autograd-scaled");
  if (!image || !window.atob || !window.TextDecoder) { return; }
  var bytes = window.atob(image.src.slice(image.src.indexOf(",") + 1));
  var codes = new Uint8Array(bytes.length);
  for (var i = 0; i < bytes.length; i++) { codes[i] = bytes.charCodeAt(i); }
  var holder = document.createElement("div");
  holder.innerHTML = new TextDecoder("utf-8").decode(codes);
  var svg = holder.querySelector("svg");
  if (!svg) { return; }
  svg.style.maxWidth = "100%";
  svg.style.height = "auto";
  svg.style.display = "block";
  image.parentNode.replaceChild(svg, image);
})();
</script>"""


def fitted_html(svg: str, alt: str = "computation graph", hover: bool = False) -> str:
    """The SVG as an <img> scaled down to the output's width, at full size one click away.

    With ``hover``, a script (run only where the notebook is trusted) puts the SVG itself
    in the image's place, so its ``<title>`` tooltips work.
    """
    size = _SVG_SIZE.search(svg)
    width = f"{float(size[1]):.0f}pt" if size else "auto"
    return (
        '<div class="autograd-drawing">'
        f"{still_image(svg, alt, 'autograd-scaled')}"
        '<details><summary style="cursor: pointer; font-size: 0.85em">full size</summary>'
        '<div style="overflow: auto; max-height: 90vh">'
        f'<img src="{svg_data_url(svg)}" alt="{html.escape(alt)}, full size" '
        f'style="max-width: none; width: {width}"></div></details>'
        + (_INLINE_SCRIPT if hover else "")
        + "</div>"
    )
