"""Backward, one node at a time, as pictures: frames, an HTML player and a notebook slider.

:func:`step_through` runs :func:`~autograd_core.graph.backward_steps` and draws the graph
after every local step. ``backward_steps`` changes ``.grad`` as it goes, so each frame is
drawn the moment its step is yielded: a :class:`~autograd_core.draw.Drawing` holds its
DOT text from then on, whatever happens to the graph afterwards.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from autograd_core.draw.dot import draw_graph, format_number, operation_text
from autograd_core.draw.drawing import Drawing
from autograd_core.draw.render import write_atomically
from autograd_core.graph import backward_steps, topological_order
from autograd_core.value import Value

#: step_through refuses graphs larger than this unless told otherwise: every frame draws
#: the whole graph, so the work grows with the square of its size.
DEFAULT_MAX_FRAMES = 200

_SVG_START = re.compile(r"<svg\b")

# The player: frames are all visible until the script runs, so a viewer without
# JavaScript (GitHub, an e-mail) still shows every step, one under the other.
_PLAYER_SCRIPT = """<script>
(function () {
  var player = document.currentScript.previousElementSibling;
  var frames = player.querySelectorAll(".autograd-frame");
  var slider = player.querySelector("input[type=range]");
  var counter = player.querySelector(".autograd-counter");
  var current = 0;
  function show(index) {
    current = Math.max(0, Math.min(frames.length - 1, index));
    for (var i = 0; i < frames.length; i++) {
      frames[i].style.display = i === current ? "" : "none";
    }
    slider.value = current + 1;
    counter.textContent = "step " + (current + 1) + " of " + frames.length;
  }
  player.querySelector(".autograd-prev").onclick = function () { show(current - 1); };
  player.querySelector(".autograd-next").onclick = function () { show(current + 1); };
  slider.oninput = function () { show(Number(slider.value) - 1); };
  player.onkeydown = function (event) {
    if (event.key === "ArrowLeft") { show(current - 1); }
    if (event.key === "ArrowRight") { show(current + 1); }
  };
  player.querySelector(".autograd-controls").style.display = "";
  show(0);
})();
</script>"""

_PLAYER_STYLE = """<style>
.autograd-player { font-family: Helvetica, Arial, sans-serif; }
.autograd-player button { font-size: 1em; margin-right: 0.4em; }
.autograd-player figure { margin: 0.6em 0; }
.autograd-player figcaption { margin-bottom: 0.4em; }
.autograd-player svg { max-width: 100%; height: auto; }
</style>"""


def _inline_svg(svg: str) -> str:
    """The <svg> element alone: an HTML page takes no XML declaration or DOCTYPE."""
    match = _SVG_START.search(svg)
    return svg[match.start() :] if match else svg


def _describe(node: Value, digits: int) -> str:
    name = f"'{node.label}'" if node.label else f"the {operation_text(node.op) or 'leaf'} node"
    return f"{name} (data {format_number(node.data, digits)})"


def player_fragment(svgs: Sequence[str], captions: Sequence[str]) -> str:
    """A player over ready-made frames: one SVG text and one caption per frame.

    Any view with frames (the computation graph here, nn's network diagram) shows them
    through this one player, so every player has the same controls.
    """
    parts = [
        '<div class="autograd-player" tabindex="0">',
        '<div class="autograd-controls" style="display: none">',
        '<button class="autograd-prev" type="button">&#9664; Prev</button>',
        '<button class="autograd-next" type="button">Next &#9654;</button>',
        f'<input type="range" min="1" max="{len(svgs)}" value="1" aria-label="step">',
        ' <span class="autograd-counter"></span>',
        "</div>",
    ]
    for caption, svg in zip(captions, svgs):
        parts.append(
            f'<figure class="autograd-frame"><figcaption>{html.escape(caption)}'
            f"</figcaption>{_inline_svg(svg)}</figure>"
        )
    parts.append("</div>")
    return _PLAYER_STYLE + "\n" + "\n".join(parts) + "\n" + _PLAYER_SCRIPT


def player_page(fragment: str, title: str) -> str:
    """One self-contained HTML page around a :func:`player_fragment`."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n</head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n{fragment}\n</body>\n</html>\n"
    )


class StepThrough(Sequence[Drawing]):
    """The frames of one backward pass: a sequence of Drawings, one per node.

    Frame ``i`` is the graph just after the ``i``-th node in reverse topological order
    (the root first) has passed its gradient to its inputs: that node is highlighted,
    nodes already reached show their gradients, the others "grad: not yet computed" with
    the partial sum they have received so far. ``captions[i]`` says what happened.

    Ways to look at it:

    - in a notebook, display the object itself: an HTML player with Prev/Next buttons and
      a slider that needs no kernel (it keeps working in a saved or exported notebook);
    - ``widget()``: an ipywidgets slider, when ipywidgets is installed;
    - ``save_html(path)``: the same player as one self-contained HTML page;
    - ``save_svgs(directory)``: one SVG file per step.
    """

    def __init__(self, frames: Sequence[Drawing], captions: Sequence[str]) -> None:
        self._frames = tuple(frames)
        self.captions = tuple(captions)

    def __len__(self) -> int:
        return len(self._frames)

    def __getitem__(self, index):  # type: ignore[override]
        return self._frames[index]

    def __iter__(self) -> Iterator[Drawing]:
        return iter(self._frames)

    def __repr__(self) -> str:
        return f"<StepThrough of {len(self)} backward steps>"

    # -- static: HTML and SVG files ------------------------------------------------------------

    def to_html_fragment(self) -> str:
        """The player as an HTML fragment: controls, one figure per step, a few lines of JS."""
        return player_fragment([frame.svg() for frame in self._frames], self.captions)

    def to_html(self, title: str = "Backpropagation, step by step") -> str:
        """One self-contained HTML page: inline SVGs, Prev/Next buttons, no kernel needed."""
        return player_page(self.to_html_fragment(), title)

    def save_html(self, path: str | os.PathLike[str], title: str | None = None) -> Path:
        """Write :meth:`to_html` to ``path`` (written whole or not at all); return the path."""
        path = Path(path)
        page = self.to_html() if title is None else self.to_html(title)
        write_atomically(path, page.encode("utf-8"))
        return path

    def save_svgs(self, directory: str | os.PathLike[str], prefix: str = "step") -> list[Path]:
        """Write one SVG per step, ``step_001.svg`` onward, into ``directory``; return them."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        width = max(3, len(str(len(self))))
        return [
            frame.save(directory / f"{prefix}_{number:0{width}d}.svg")
            for number, frame in enumerate(self._frames, start=1)
        ]

    # -- notebooks ---------------------------------------------------------------------------

    def widget(self) -> Any:
        """An ipywidgets slider (with a play button) over the frames; needs ipywidgets."""
        try:
            import ipywidgets
        except ImportError as error:
            raise ImportError(
                "StepThrough.widget() needs ipywidgets (pip install ipywidgets); without "
                "it, display the StepThrough itself or use save_html(path) for a player "
                "that needs no kernel"
            ) from error
        slider = ipywidgets.IntSlider(value=1, min=1, max=len(self), description="step")
        play = ipywidgets.Play(value=1, min=1, max=len(self), interval=1200)
        ipywidgets.jslink((play, "value"), (slider, "value"))
        view = ipywidgets.HTML(value=self._frame_html(0))

        def show(change: dict[str, Any]) -> None:
            view.value = self._frame_html(change["new"] - 1)

        slider.observe(show, names="value")
        return ipywidgets.VBox([ipywidgets.HBox([play, slider]), view])

    def _frame_html(self, index: int) -> str:
        caption = html.escape(self.captions[index])
        return f"<p>{caption}</p>{_inline_svg(self._frames[index].svg())}"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """The HTML player; where frames cannot be rendered, the captions and why. Never raises."""
        try:
            return {"text/html": self.to_html_fragment(), "text/plain": repr(self)}
        except Exception as error:  # display must never raise
            try:
                text = "\n".join([f"{self!r}: cannot render the frames ({error})", *self.captions])
            except Exception:
                text = "<StepThrough>"
            return {"text/plain": text}


def step_through(
    root: Value,
    *,
    edge_labels: bool = True,
    max_frames: int | None = DEFAULT_MAX_FRAMES,
    **draw_options: Any,
) -> StepThrough:
    """Run ``root``'s backward pass one node at a time and draw the graph after each step.

    Returns a :class:`StepThrough`: one Drawing per node of the graph, in reverse
    topological order (root first), each with the current node highlighted, the gradients
    computed so far filled in and the rest marked "grad: not yet computed". The last
    frame shows the graph exactly as ``root.backward()`` leaves it.

    This IS the backward pass: afterwards every ``.grad`` holds what ``root.backward()``
    would have added (so zero gradients first if backward already ran). ``edge_labels``
    (on by default) labels edges with local derivatives and chain-rule products;
    ``draw_options`` go to :func:`~autograd_core.draw.draw_graph` (``rankdir``,
    ``show_grad``, ``parameters``, ``digits``, ``max_nodes``). Graphs above ``max_frames``
    nodes raise ValueError before anything runs (pass ``max_frames=None`` to go ahead:
    each frame draws the whole graph).
    """
    for reserved in ("highlight", "computed", "pending"):
        if reserved in draw_options:
            raise TypeError(f"step_through sets {reserved}= itself; it cannot be passed")
    digits = draw_options.get("digits", 4)
    node_count = len(topological_order(root)) if isinstance(root, Value) else 0
    if max_frames is not None and node_count > max_frames:
        raise ValueError(
            f"the graph has {node_count} nodes, more than max_frames={max_frames}; pass "
            "max_frames=None to step through it anyway (every frame draws the whole graph)"
        )
    # Drawn once before anything runs, so bad draw options fail with every grad untouched.
    draw_graph(root, edge_labels=edge_labels, **draw_options)

    computed: set[Value] = set()
    pending: dict[Value, float] = {}
    frames: list[Drawing] = []
    captions: list[str] = []
    for step in backward_steps(root):
        computed.add(step.node)
        pending.pop(step.node, None)
        for child, contribution in step.contributions:
            pending[child] = pending.get(child, 0.0) + contribution
        frames.append(
            draw_graph(
                root,
                highlight=step.node,
                edge_labels=edge_labels,
                computed=computed,
                pending=pending,
                **draw_options,
            )
        )
        caption = (
            f"Step {step.index + 1} of {node_count}: {_describe(step.node, digits)} "
            f"has its gradient, {format_number(step.upstream, digits)}"
        )
        if step.contributions:
            caption += f", and passes it back through its operation to {len(step.contributions)}"
            caption += " input" if len(step.contributions) == 1 else " inputs"
        captions.append(caption + ".")
    return StepThrough(frames, captions)
