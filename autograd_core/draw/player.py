"""Backward, one node at a time, as pictures: frames, an HTML player and a notebook slider.

:func:`step_through` works out the backward pass as
:func:`~autograd_core.graph.backward_steps` does, on gradients of its own, and draws the
graph after every local step; the Values' ``.grad`` stay as they were.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from autograd_core.draw.dot import (
    HIGHLIGHT_COLOR,
    PENDING_COLOR,
    Picture,
    Row,
    count_nodes,
    format_number,
    operation_text,
    plan_graph,
)
from autograd_core.draw.drawing import (
    DEFAULT_MAX_NODES,
    DEFAULT_TIMEOUT,
    Drawing,
    fitted_html,
    still_image,
)
from autograd_core.draw.render import RenderError, write_atomically
from autograd_core.graph import shares_to_inputs
from autograd_core.value import Value

# draw_graph's defaults, for the options step_through passes on.
_DRAW_DEFAULTS = {
    "rankdir": "LR",
    "show_grad": True,
    "parameters": None,
    "legend": False,
    "digits": 4,
    "max_nodes": DEFAULT_MAX_NODES,
    "timeout": DEFAULT_TIMEOUT,
}

#: step_through refuses graphs larger than this unless told otherwise: every frame holds
#: the state of every node, so the player grows with the square of the graph's size.
DEFAULT_MAX_FRAMES = 200

_SVG_START = re.compile(r"<svg\b")

# The controls, shared by every player. Keys are handled on the player (which the page
# focuses) and their default action prevented, so a focused slider does not move a
# second step by itself. The frames travel as data (JSON, SVG text inside); the markup
# shows the last frame as an <img> with a data: URL and lists every caption, which is what
# a page without JavaScript shows, and what an untrusted notebook keeps (it strips <svg>,
# <style> and <script> from HTML output). The script swaps the <img> for the inline SVG,
# so a trusted page gets tooltips and live text.
_PLAYER_SCRIPT = """<script>
(function () {
  var player = document.currentScript.previousElementSibling;
  var slider = player.querySelector("input[type=range]");
  var counter = player.querySelector(".autograd-counter");
  var prev = player.querySelector(".autograd-prev");
  var next = player.querySelector(".autograd-next");
  var count = Number(slider.max);
  var current = 0;
  var data = JSON.parse(player.querySelector("script.autograd-frames").textContent);
  var picture = player.querySelector(".autograd-picture");
  var caption = player.querySelector(".autograd-caption");
  var draw = data.svgs ? pictureDrawer(data) : tableDrawer(data);
  function pictureDrawer(data) {
    // A whole SVG per frame (frames share one layout, so nothing moves).
    return function (index) {
      picture.innerHTML = data.svgs[index];
      caption.textContent = data.captions[index];
    };
  }
  function tableDrawer(data) {
    // One SVG for every frame: only texts, their looks and the highlight change.
    picture.innerHTML = data.svg;
    var svg = picture.querySelector("svg");
    var texts = data.slots.map(function (id) { return svg.querySelector("#" + id); });
    var states = [];
    var state = data.start.slice();
    for (var f = 0; f < data.frames.length; f++) {
      var changes = data.frames[f].changes;
      for (var c = 0; c < changes.length; c++) { state[changes[c][0]] = changes[c].slice(1); }
      states.push(state.slice());
    }
    var lit = [];
    return function (index) {
      var frame = data.frames[index];
      var shown = states[index];
      for (var i = 0; i < texts.length; i++) {
        if (!texts[i]) { continue; }
        texts[i].textContent = shown[i][0];
        texts[i].setAttribute("class", data.looks[shown[i][1]]);
      }
      for (var j = 0; j < lit.length; j++) { lit[j].classList.remove("ag-current"); }
      lit = frame.lit.map(function (id) { return svg.querySelector("#" + id); })
        .filter(function (element) { return element; });
      for (var k = 0; k < lit.length; k++) { lit[k].classList.add("ag-current"); }
      caption.textContent = data.captions[index];
    };
  }
  function show(index) {
    current = Math.max(0, Math.min(count - 1, index));
    draw(current);
    slider.value = current + 1;
    counter.textContent = "step " + (current + 1) + " of " + count;
    var focused = document.activeElement;
    prev.disabled = current === 0;
    next.disabled = current === count - 1;
    // A disabled button drops the focus (to the page, in JupyterLab), and with it the
    // keyboard: hand the focus back to the player.
    if (focused === prev || focused === next) {
      if (focused.disabled) { player.focus({preventScroll: true}); }
    }
  }
  var moves = {
    ArrowLeft: function () { return current - 1; },
    ArrowUp: function () { return current - 1; },
    PageUp: function () { return current - 1; },
    ArrowRight: function () { return current + 1; },
    ArrowDown: function () { return current + 1; },
    PageDown: function () { return current + 1; },
    Home: function () { return 0; },
    End: function () { return count - 1; }
  };
  function key(event) {
    var move = moves[event.key];
    if (!move || event.altKey || event.ctrlKey || event.metaKey) { return; }
    event.preventDefault();
    show(move());
  }
  prev.onclick = function () { show(current - 1); };
  next.onclick = function () { show(current + 1); };
  slider.oninput = function () { show(Number(slider.value) - 1); };
  player.addEventListener("keydown", key);
  player.autogradKey = key;
  player.querySelector(".autograd-controls").style.display = "";
  var others = player.querySelectorAll(".autograd-nojs");
  for (var o = 0; o < others.length; o++) { others[o].style.display = "none"; }
  show(0);
})();
</script>"""

# A page holds one player: it takes the keyboard at once, and keys pressed anywhere on
# the page (outside a form field) step it.
_PAGE_SCRIPT = """<script>
(function () {
  var player = document.querySelector(".autograd-player");
  if (!player) { return; }
  player.focus({preventScroll: true});
  document.addEventListener("keydown", function (event) {
    if (player.contains(event.target)) { return; }
    if (/^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(event.target.tagName)) { return; }
    if (player.autogradKey) { player.autogradKey(event); }
  });
})();
</script>"""

_PLAYER_STYLE = """<style>
.autograd-player { font-family: Helvetica, Arial, sans-serif; outline: none; }
.autograd-player:focus-visible { outline: 2px solid #77AADD; }
.autograd-player button { font-size: 1em; margin-right: 0.4em; }
.autograd-player figure { margin: 0.6em 0; }
.autograd-player figcaption { margin-bottom: 0.4em; min-height: 2.4em; }
.autograd-player svg { max-width: 100%; height: auto; display: block; }
.autograd-player .autograd-keys { color: #666; font-size: 0.85em; margin-left: 0.6em; }
</style>"""

# Looks of a row of text, as classes (the SVG's own <style> defines them).
_LOOKS = ("ag-name", "ag-plain", "ag-pending")
_LOOK_INDEX = {"name": 0, "plain": 1, "pending": 2}
_SVG_STYLE = (
    "<style>"
    ".ag-name { font-weight: bold; } "
    f".ag-pending {{ fill: {PENDING_COLOR}; font-style: italic; }} "
    ".ag-current > path, .ag-current > polygon, .ag-current > ellipse "
    f"{{ stroke: {HIGHLIGHT_COLOR}; stroke-width: 3px; }}"
    "</style>"
)


def _inline_svg(svg: str) -> str:
    """The <svg> element alone: an HTML page takes no XML declaration or DOCTYPE."""
    match = _SVG_START.search(svg)
    return svg[match.start() :] if match else svg


def _describe(node: Value, digits: int) -> str:
    name = f"'{node.label}'" if node.label else f"the {operation_text(node.op) or 'leaf'} node"
    return f"{name} (data {format_number(node.data, digits)})"


def _controls(count: int) -> list[str]:
    return [
        '<div class="autograd-controls" style="display: none">',
        '<button class="autograd-prev" type="button">&#9664; Prev</button>',
        '<button class="autograd-next" type="button">Next &#9654;</button>',
        f'<input type="range" min="1" max="{count}" value="1" aria-label="step">',
        ' <span class="autograd-counter"></span>',
        '<span class="autograd-keys">keys: &larr; &rarr; one step, Home/End the ends</span>',
        "</div>",
    ]


def player_fragment(svgs: Sequence[str], captions: Sequence[str]) -> str:
    """A player over ready-made frames: one SVG text and one caption per frame.

    Any view with frames (the computation graph, nn's network diagram) shows them
    through these controls, so every player works alike. Frames should share one layout
    (same size, nodes in the same places), or the picture jumps between steps. Without
    JavaScript (or in an untrusted notebook) it shows the last frame as an image and
    lists every caption.
    """
    if len(svgs) != len(captions):
        raise ValueError(
            f"player_fragment needs one caption per frame, got {len(svgs)} "
            f"frames and {len(captions)} captions"
        )
    if not svgs:
        raise ValueError("player_fragment needs at least one frame")
    data = {"svgs": [_inline_svg(svg) for svg in svgs], "captions": list(captions)}
    return _assemble(len(svgs), svgs[-1], captions, data)


def _assemble(count: int, last_svg: str, captions: Sequence[str], data: dict[str, Any]) -> str:
    """The player's markup: hidden controls, the last frame as an image, the frames as data."""
    # No "<" at all inside the <script> element, so no text can close or open one.
    table = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    steps = "".join(f"<li>{html.escape(caption)}</li>" for caption in captions)
    parts = [
        '<div class="autograd-player" tabindex="0">',
        *_controls(count),
        # Inline margins: an untrusted notebook drops the <style> above but keeps these.
        '<figure class="autograd-stage" style="margin: 0.6em 0">',
        f'<figcaption class="autograd-caption">{html.escape(captions[-1])}</figcaption>',
        '<div class="autograd-picture">',
        still_image(last_svg, f"the last of {count} steps", "autograd-still"),
        "</div>",
        "</figure>",
        f'<details class="autograd-nojs"><summary>All {count} steps</summary>'
        f"<ol>{steps}</ol></details>",
        f'<script type="application/json" class="autograd-frames">{table}</script>',
        "</div>",
    ]
    return _PLAYER_STYLE + "\n" + "\n".join(parts) + "\n" + _PLAYER_SCRIPT


def player_page(fragment: str, title: str) -> str:
    """One self-contained HTML page around a player fragment; the player has the keyboard."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n</head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n{fragment}\n{_PAGE_SCRIPT}\n</body>\n</html>\n"
    )


# -- one layout, many frames -------------------------------------------------------------------

_NODE_GROUP = re.compile(r'<g id="([vd]\d+(?:_\d+)?)" class="node[^"]*">(.*?)</g>', re.S)
_TEXT = re.compile(r"<text\b([^>]*)>(.*?)</text>", re.S)
_LOOK_ATTRIBUTES = re.compile(
    rf'\s(?:font-weight="[^"]*"|font-style="[^"]*"|fill="{PENDING_COLOR}")'
)


class Layout:
    """One rendered SVG whose row texts carry ids ("v3-r2"), so a frame only rewrites text.

    ``slots`` lists the ids in order; a frame is, for every slot, its text and look.
    """

    def __init__(self, svg: str, slots: list[str]) -> None:
        self.svg = svg
        self.slots = slots

    @classmethod
    def from_svg(cls, svg: str, row_counts: dict[str, tuple[int, int]]) -> Layout:
        """Name the texts of the rows that change: ``row_counts[node] = (fixed, total)``.

        The first ``fixed`` rows (label, data) never change and may span several lines
        (a label with a newline), so the changing rows are counted from the node's end.
        """
        slots: list[str] = []

        def name_group(match: re.Match[str]) -> str:
            name, body = match[1], match[2]
            if name not in row_counts:
                return match[0]
            fixed, total = row_counts[name]
            lines = len(_TEXT.findall(body))
            counter = iter(range(total - lines, total))

            def name_text(text: re.Match[str]) -> str:
                row = next(counter)
                if row < fixed:
                    return text[0]
                slot = f"{name}-r{row}"
                slots.append(slot)
                attributes = _LOOK_ATTRIBUTES.sub("", text[1])
                return f'<text id="{slot}" class="ag-plain"{attributes}>{text[2]}</text>'

            return match[0].replace(body, _TEXT.sub(name_text, body), 1)

        named = _NODE_GROUP.sub(name_group, svg)
        # The SVG's own style sheet, right after its opening tag.
        opening = re.search(r"<svg\b[^>]*>", named)
        if opening is not None:
            named = named[: opening.end()] + "\n" + _SVG_STYLE + named[opening.end() :]
        return cls(named, slots)

    def frame_svg(self, state: Sequence[tuple[str, int]], lit: Sequence[str]) -> str:
        """The SVG with each slot's text and look set, and the ``lit`` elements highlighted."""
        values = dict(zip(self.slots, state))

        def set_text(match: re.Match[str]) -> str:
            slot = re.search(r'id="([^"]+)"', match[1])
            if slot is None or slot[1] not in values:
                return match[0]
            text, look = values[slot[1]]
            attributes = re.sub(r'class="[^"]*"', f'class="{_LOOKS[look]}"', match[1], count=1)
            return f"<text{attributes}>{html.escape(text, quote=False)}</text>"

        svg = _TEXT.sub(set_text, self.svg)
        for element in lit:
            svg = re.sub(
                rf'(<g id="{re.escape(element)}" class="[^"]*)"', r'\1 ag-current"', svg, count=1
            )
        return svg


class Frame:
    """One step of a :class:`StepThrough`: its caption, its DOT text and its picture.

    ``svg()`` is the player's one layout with this step's texts, so every frame's nodes
    sit in the same places. ``source`` is the frame drawn on its own, as DOT text.
    """

    def __init__(self, player: StepThrough, index: int, drawing: Drawing, caption: str) -> None:
        self._player = player
        self.index = index
        self.drawing = drawing
        self.caption = caption

    @property
    def source(self) -> str:
        return self.drawing.source

    def __repr__(self) -> str:
        return f"<Frame {self.index + 1} of {len(self._player)}: {self.caption}>"

    def svg(self) -> str:
        """This step's SVG, in the layout every frame shares."""
        return self._player._layout().frame_svg(
            self._player._state(self.index), self._player._lit[self.index]
        )

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`svg` to ``path`` (an .svg file, written whole or not at all)."""
        path = Path(path)
        if path.suffix.lower() != ".svg":
            raise ValueError(
                f"a player frame saves as .svg (the shared layout), got {path.name!r}; for "
                "another format draw the frame on its own: frame.drawing.save(path)"
            )
        write_atomically(path, self.svg().encode("utf-8"))
        return path

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        try:
            svg = self.svg()
            return {
                "text/html": fitted_html(svg, f"step {self.index + 1}"),
                "image/svg+xml": svg,
                "text/plain": repr(self),
            }
        except Exception:  # display must never raise
            return {"text/plain": repr(self)}


class PlayerTooLarge(RenderError, ValueError):
    """step_through refused a graph: too many nodes for a player (see max_frames)."""


class HtmlPlayer:
    """What every player shares: a page, a file and a notebook display from its fragment.

    A player defines ``to_html_fragment()``, ``captions`` and ``TITLE``.
    """

    TITLE = "Backpropagation, step by step"
    captions: Sequence[str]

    def to_html_fragment(self) -> str:
        raise NotImplementedError

    def to_html(self, title: str | None = None) -> str:
        """One self-contained HTML page: inline SVG, Prev/Next buttons, no kernel needed."""
        return player_page(self.to_html_fragment(), self.TITLE if title is None else title)

    def save_html(self, path: str | os.PathLike[str], title: str | None = None) -> Path:
        """Write :meth:`to_html` to ``path`` (written whole or not at all); return the path."""
        path = Path(path)
        write_atomically(path, self.to_html(title).encode("utf-8"))
        return path

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """The HTML player; where it cannot be made, the captions and why. Never raises."""
        try:
            return {"text/html": self.to_html_fragment(), "text/plain": repr(self)}
        except Exception as error:  # display must never raise
            try:
                text = "\n".join([f"{self!r}: cannot render the frames ({error})", *self.captions])
            except Exception:
                text = f"<{type(self).__name__}>"
            return {"text/plain": text}


class StepThrough(HtmlPlayer, Sequence[Frame]):
    """The frames of one backward pass, one per node, all in one layout.

    Frame ``i`` is the graph just after the ``i``-th node in reverse topological order
    (the root first) has passed its gradient to its inputs: that node is highlighted,
    nodes already reached show their gradients, the others "grad: not yet computed" with
    the partial sum they have received so far. ``captions[i]`` says what happened.

    The graph is laid out once, with every text at the widest it gets in any frame;
    frames only change text, its look and the highlight, so nodes never move.

    Ways to look at it:

    - in a notebook, display the object itself: an HTML player with Prev/Next buttons,
      a slider and the keyboard, with no kernel or widget model (it keeps showing in a
      saved notebook; where scripts do not run it shows the last step);
    - ``save_html(path)``: the same player as one self-contained HTML page;
    - ``save_svgs(directory)``: one SVG file per step, all in the same layout;
    - ``widget()``: an ipywidgets slider, when ipywidgets is installed.
    """

    def __init__(
        self,
        drawings: Sequence[Drawing],
        captions: Sequence[str],
        states: Sequence[dict[str, tuple[str, int]]],
        lit: Sequence[list[str]],
        layout_drawing: Drawing,
        row_counts: dict[str, tuple[int, int]],
    ) -> None:
        self.captions = tuple(captions)
        self._frames = tuple(
            Frame(self, index, drawing, caption)
            for index, (drawing, caption) in enumerate(zip(drawings, self.captions))
        )
        self._states = list(states)
        self._lit = list(lit)
        #: The DOT text of the one layout every frame shares.
        self.layout_drawing = layout_drawing
        self._row_counts = row_counts
        self._shared: Layout | None = None

    def __len__(self) -> int:
        return len(self._frames)

    def __getitem__(self, index):  # type: ignore[override]
        return self._frames[index]

    def __iter__(self) -> Iterator[Frame]:
        return iter(self._frames)

    def __repr__(self) -> str:
        return f"<StepThrough of {len(self)} backward steps>"

    def _layout(self) -> Layout:
        if self._shared is None:
            self._shared = Layout.from_svg(self.layout_drawing.svg(), self._row_counts)
        return self._shared

    def _state(self, index: int) -> list[tuple[str, int]]:
        state = self._states[index]
        return [state.get(slot, ("", 1)) for slot in self._layout().slots]

    # -- static: HTML and SVG files ------------------------------------------------------------

    def to_html_fragment(self) -> str:
        """The player as an HTML fragment: controls, the frames as data, a little JS.

        The frames are one SVG (the layout) and, per frame, the texts that change. Without
        JavaScript (an untrusted notebook, GitHub) it shows the last step as an image and
        lists every step's caption.
        """
        layout = self._layout()
        last = len(self) - 1
        states = [self._state(index) for index in range(len(self))]
        frames = []
        for index, state in enumerate(states):
            before = states[index - 1] if index else state
            changes = [
                [slot, text, look]
                for slot, ((text, look), old) in enumerate(zip(state, before))
                if index and (text, look) != old
            ]
            frames.append({"changes": changes, "lit": self._lit[index]})
        data = {
            "svg": _inline_svg(layout.svg),
            "slots": layout.slots,
            "looks": list(_LOOKS),
            "start": [list(pair) for pair in states[0]],
            "frames": frames,
            "captions": list(self.captions),
        }
        last_svg = layout.frame_svg(states[last], self._lit[last])
        return _assemble(len(self), last_svg, self.captions, data)

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
        """An ipywidgets slider (with a play button) over the frames; needs ipywidgets.

        Needs a running kernel; a saved notebook shows the HTML player (display the
        StepThrough itself) but not the widget.
        """
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
        # Scaled to the output's width, as the HTML player is.
        svg = _inline_svg(self._frames[index].svg()).replace(
            "<svg ", '<svg style="max-width: 100%; height: auto" ', 1
        )
        return f"<p>{caption}</p>{svg}"


def _widest(rows_per_frame: Iterable[list[Row]]) -> list[Row]:
    """Row by row, the longest text any frame shows there (so the layout fits them all)."""
    widest: list[Row] = []
    for rows in rows_per_frame:
        for index, row in enumerate(rows):
            if index == len(widest):
                widest.append(row)
            elif len(row[0]) > len(widest[index][0]):
                widest[index] = (row[0], widest[index][1] if widest[index][1] == "name" else row[1])
    return widest


def step_through(
    root: Value,
    *,
    edge_labels: bool = True,
    max_frames: int | None = DEFAULT_MAX_FRAMES,
    **draw_options: Any,
) -> StepThrough:
    """Backward from ``root`` one node at a time, drawn after each step; ``.grad`` untouched.

    Returns a :class:`StepThrough`: one frame per node of the graph, in reverse
    topological order (root first), each with the current node highlighted, the gradients
    computed so far filled in and the rest marked "grad: not yet computed". The frames
    show this one pass, ∂root/∂node, worked out on the side as
    :func:`~autograd_core.graph.backward_steps` does it: no ``.grad`` changes, so calling
    it after ``root.backward()`` (or twice) shows the same frames, and the last frame shows
    what ``root.backward()`` leaves on zeroed gradients. Graphviz lays the graph out once;
    every frame uses that layout.

    ``edge_labels`` (on by default) labels edges with local derivatives and chain-rule
    products; ``draw_options`` go to :func:`~autograd_core.draw.draw_graph` (``rankdir``,
    ``show_grad``, ``parameters``, ``legend``, ``digits``, ``max_nodes``, ``timeout``).
    Graphs above ``max_frames`` nodes raise :class:`PlayerTooLarge` (a RenderError and a
    ValueError) before anything runs; ``max_frames=None`` goes ahead.
    """
    if "highlight" in draw_options:
        raise TypeError("step_through sets highlight= itself; it cannot be passed")
    unknown = sorted(set(draw_options) - set(_DRAW_DEFAULTS))
    if unknown:
        raise TypeError(
            f"step_through got unknown option(s) {', '.join(unknown)}; accepted: "
            f"edge_labels, max_frames, {', '.join(sorted(_DRAW_DEFAULTS))}"
        )
    if not isinstance(root, Value):
        raise TypeError(f"step_through needs a Value to draw from, got {type(root).__name__}")
    if max_frames is not None and count_nodes(root, max_frames) > max_frames:
        raise PlayerTooLarge(
            f"the graph has more than {max_frames} nodes (max_frames={max_frames}): a "
            "player holds every node's state in every frame; step through a smaller "
            "part (one example's loss, an intermediate Value), or pass max_frames=None"
        )
    options = {**_DRAW_DEFAULTS, **draw_options, "edge_labels": edge_labels}
    plan = plan_graph(root, **options, caller="step_through")
    if isinstance(plan, Drawing):
        raise RenderError(plan.refusal)
    order = plan.order
    index = {node: position for position, node in enumerate(order)}
    # Rows that never change: a Value's label and data (a constant's one row).
    fixed = {
        name: 1 if plan.roles[name] == "constant" else 1 + bool(node.label)
        for name, node in zip(plan.roles, order)
    }

    grads: dict[Value, float] = {}  # ∂root/∂node for the nodes passed so far
    received: dict[Value, float] = {root: 1.0}  # partial sums of the nodes still to come
    drawings: list[Drawing] = []
    captions: list[str] = []
    states: list[dict[str, tuple[str, int]]] = []
    lit: list[list[str]] = []
    rows_seen: dict[str, list[list[Row]]] = {}
    for step, node in enumerate(reversed(order)):
        # Every consumer of a node is newer, so its sum is complete when its turn comes.
        upstream = grads[node] = received.pop(node)
        shares = shares_to_inputs(node, upstream)
        for child, share in zip(node.inputs, shares):
            received[child] = received.get(child, 0.0) + share
        picture = plan.picture(grads, received, {node})
        drawings.append(plan.drawing(picture))
        state: dict[str, tuple[str, int]] = {}
        for name, rows in picture.rows.items():
            rows_seen.setdefault(name, []).append(rows)
            for row, (text, look) in enumerate(rows):
                if row >= fixed.get(name, 0):
                    state[f"{name}-r{row}"] = (text, _LOOK_INDEX[look])
        states.append(state)
        position = index[node]
        elements = [f"v{position}"]
        if node.inputs:
            elements += [f"op{position}", f"o{position}"]
            for slot in range(len(node.inputs)):
                elements += [f"e{position}_{slot}", f"e{position}_{slot}a"]
        lit.append(elements)
        caption = (
            f"Step {step + 1} of {len(order)}: {_describe(node, plan.digits)} "
            f"has its gradient, {format_number(upstream, plan.digits)}"
        )
        if shares:
            caption += f", and passes it back through its operation to {len(shares)}"
            caption += " input" if len(shares) == 1 else " inputs"
        captions.append(caption + ".")

    # The one layout: every row at the widest text it shows in any frame.
    widest = {name: _widest(frames) for name, frames in rows_seen.items()}
    layout_drawing = plan.drawing(Picture(widest))
    row_counts = {name: (fixed.get(name, 0), len(rows)) for name, rows in widest.items()}
    return StepThrough(drawings, captions, states, lit, layout_drawing, row_counts)
