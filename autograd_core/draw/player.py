"""Backward, one node at a time, as pictures: frames, an HTML player and a notebook slider."""

from __future__ import annotations

import html
import inspect
import json
import os
import re
from collections.abc import Callable, Sequence
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from autograd_core.draw import dot
from autograd_core.draw.dot import (
    HIGHLIGHT_COLOR,
    PENDING_COLOR,
    Picture,
    Row,
    count_nodes,
    draw_graph,
    format_number,
    operation_text,
    plan_graph,
)
from autograd_core.draw.drawing import Drawing, fitted_html, still_image
from autograd_core.draw.render import RenderError, write_atomically
from autograd_core.graph import shares_to_inputs
from autograd_core.value import Value

# draw_graph's options and their defaults, but for those step_through sets itself.
_DRAW_DEFAULTS = {
    name: option.default
    for name, option in inspect.signature(draw_graph).parameters.items()
    if name not in ("root", "highlight", "edge_labels")
}

#: step_through refuses graphs larger than this unless told otherwise: every frame holds
#: the state of every node, so the player grows with the square of the graph's size.
DEFAULT_MAX_FRAMES = 200

# The controls every player shares. Keys are handled on the player and their default action
# prevented, so a focused slider does not take a second step. The markup shows the last
# frame as an <img> and lists every caption: what a page without JavaScript, or an untrusted
# notebook (which strips <svg>, <style> and <script>), shows.
_PLAYER_SCRIPT = """<script>
(function () {
  var player = document.currentScript.previousElementSibling;
  function find(selector) { return player.querySelector(selector); }
  var slider = find("input[type=range]"), counter = find(".autograd-counter");
  var prev = find(".autograd-prev"), next = find(".autograd-next");
  var picture = find(".autograd-picture"), caption = find(".autograd-caption");
  var data = JSON.parse(find("script.autograd-frames").textContent);
  var count = Number(slider.max), current = 0, draw;
  if (data.svgs) {
    // A whole SVG per frame (frames share one layout, so nothing moves).
    draw = function (index) { picture.innerHTML = data.svgs[index]; };
  } else {
    // One SVG for every frame: only texts, their looks and the highlight change.
    picture.innerHTML = data.svg;
    var svg = picture.querySelector("svg"), state = data.start, lit = [];
    var byId = function (id) { return svg.querySelector("#" + id); };
    var texts = data.slots.map(byId);
    var states = data.frames.map(function (frame) {
      frame.changes.forEach(function (change) { state[change[0]] = change.slice(1); });
      return state.slice();
    });
    draw = function (index) {
      texts.forEach(function (text, i) {
        if (!text) { return; }
        text.textContent = states[index][i][0];
        text.setAttribute("class", data.looks[states[index][i][1]]);
      });
      lit.forEach(function (element) { element.classList.remove("ag-current"); });
      lit = data.frames[index].lit.map(byId).filter(Boolean);
      lit.forEach(function (element) { element.classList.add("ag-current"); });
    };
  }
  function show(index) {
    current = Math.max(0, Math.min(count - 1, index));
    draw(current);
    caption.textContent = data.captions[current];
    slider.value = current + 1;
    counter.textContent = "step " + (current + 1) + " of " + count;
    var focused = document.activeElement;
    prev.disabled = current === 0;
    next.disabled = current === count - 1;
    // A disabled button drops the focus (to the page, in JupyterLab), and with it the
    // keyboard: hand the focus back to the player.
    if ((focused === prev || focused === next) && focused.disabled) {
      player.focus({preventScroll: true});
    }
  }
  var moves = {
    ArrowLeft: -1, ArrowUp: -1, PageUp: -1, ArrowRight: 1, ArrowDown: 1, PageDown: 1,
    Home: -Infinity, End: Infinity
  };
  function key(event) {
    var move = moves[event.key];
    if (!move || event.altKey || event.ctrlKey || event.metaKey) { return; }
    event.preventDefault();
    show(current + move);
  }
  prev.onclick = function () { show(current - 1); };
  next.onclick = function () { show(current + 1); };
  slider.oninput = function () { show(Number(slider.value) - 1); };
  player.addEventListener("keydown", key);
  player.autogradKey = key;
  find(".autograd-controls").style.display = "";
  find(".autograd-nojs").style.display = "none";
  show(0);
})();
</script>"""

# A page's one player has the keyboard: keys pressed anywhere but in a form field step it.
_PAGE_SCRIPT = """<script>
(function () {
  var player = document.querySelector(".autograd-player");
  if (!player) { return; }
  player.focus({preventScroll: true});
  document.addEventListener("keydown", function (event) {
    var field = /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(event.target.tagName);
    if (player.autogradKey && !field && !player.contains(event.target)) {
      player.autogradKey(event);
    }
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

# The looks of a row of text (dot's), numbered, as classes of the SVG's own style sheet.
_LOOKS = tuple(dot._LOOKS)
_PLAIN = _LOOKS.index("plain")
_SVG_STYLE = (
    "<style>"
    ".ag-name { font-weight: bold; } "
    f".ag-pending {{ fill: {PENDING_COLOR}; font-style: italic; }} "
    ".ag-current > path, .ag-current > polygon, .ag-current > ellipse "
    f"{{ stroke: {HIGHLIGHT_COLOR}; stroke-width: 3px; }}"
    "</style>"
)
_NODE_GROUP = re.compile(r'<g id="([vd]\d+(?:_\d+)?)" class="node[^"]*">(.*?)</g>', re.S)
_TEXT = re.compile(r"<text\b([^>]*)>(.*?)</text>", re.S)
_NAMED_TEXT = re.compile(r'<text id="([^"]+)" class="[^"]*"([^>]*)>(.*?)</text>', re.S)
_LOOK_ATTRIBUTES = re.compile(
    rf'\s(?:font-weight="[^"]*"|font-style="[^"]*"|fill="{PENDING_COLOR}")'
)


def _inline_svg(svg: str) -> str:
    """The <svg> element alone: an HTML page takes no XML declaration or DOCTYPE."""
    match = re.search(r"<svg\b", svg)
    return svg[match.start() :] if match else svg


def player_fragment(svgs: Sequence[str], captions: Sequence[str]) -> str:
    """A player over ready-made frames (one layout), one SVG text and one caption each."""
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
        '<div class="autograd-controls" style="display: none">',
        '<button class="autograd-prev" type="button">&#9664; Prev</button>',
        '<button class="autograd-next" type="button">Next &#9654;</button>',
        f'<input type="range" min="1" max="{count}" value="1" aria-label="step">',
        ' <span class="autograd-counter"></span>',
        '<span class="autograd-keys">keys: &larr; &rarr; one step, Home/End the ends</span>',
        "</div>",
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


def _name_rows(svg: str, row_counts: dict[str, tuple[int, int]]) -> tuple[str, list[str]]:
    """The SVG with ids ("v3-r2") on the texts of changing rows, and those ids in order.

    ``row_counts[node] = (fixed, total)``: the first ``fixed`` rows (label, data) never
    change and may span several lines, so rows are counted from the node's end.
    """
    slots: list[str] = []

    def name_group(match: re.Match[str]) -> str:
        name, body = match[1], match[2]
        if name not in row_counts:
            return match[0]
        fixed, total = row_counts[name]
        rows = iter(range(total - len(_TEXT.findall(body)), total))

        def name_text(text: re.Match[str]) -> str:
            row = next(rows)
            if row < fixed:
                return text[0]
            slots.append(f"{name}-r{row}")
            attributes = _LOOK_ATTRIBUTES.sub("", text[1])
            return f'<text id="{slots[-1]}" class="ag-plain"{attributes}>{text[2]}</text>'

        return match[0].replace(body, _TEXT.sub(name_text, body), 1)

    named = _NODE_GROUP.sub(name_group, svg)
    return re.sub(r"<svg\b[^>]*>", r"\g<0>\n" + _SVG_STYLE, named, count=1), slots


class Frame:
    """One step of a :class:`StepThrough`: its caption, its DOT text and its picture.

    ``svg()`` is the player's one layout with this step's texts; ``source`` is the frame
    drawn on its own, as DOT text.
    """

    def __init__(
        self, player: StepThrough, index: int, draw: Callable[[], Drawing], caption: str
    ) -> None:
        self._player = player
        self.index = index
        self._draw = draw
        self.caption = caption

    @cached_property
    def drawing(self) -> Drawing:
        """The frame drawn on its own (made when first asked for: the player never needs it)."""
        return self._draw()

    @property
    def source(self) -> str:
        return self.drawing.source

    def __repr__(self) -> str:
        return f"<Frame {self.index + 1} of {len(self._player)}: {self.caption}>"

    def svg(self) -> str:
        """This step's SVG: the shared layout with its texts, looks and highlight."""
        svg, slots = self._player._layout
        values = dict(zip(slots, self._player._state(self.index)))

        def set_text(match: re.Match[str]) -> str:
            text, look = values[match[1]]
            escaped = html.escape(text, quote=False)
            return f'<text id="{match[1]}" class="ag-{_LOOKS[look]}"{match[2]}>{escaped}</text>'

        svg = _NAMED_TEXT.sub(set_text, svg)
        for element in self._player._lit[self.index]:
            svg = re.sub(
                rf'(<g id="{re.escape(element)}" class="[^"]*)"', r'\1 ag-current"', svg, count=1
            )
        return svg

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
    """The frames of one backward pass, one per node (the root first), all in one layout.

    Frame ``i`` is the graph just after the ``i``-th node in reverse topological order has
    passed its gradient to its inputs: that node is highlighted, nodes already reached show
    their gradients, the others "grad: not yet computed" with the partial sum received so
    far; ``captions[i]`` says what happened. Display it in a notebook (an HTML player that
    needs no kernel and shows the last step where scripts do not run), or use
    ``save_html(path)``, ``save_svgs(directory)`` or ``widget()`` (ipywidgets).
    """

    def __init__(
        self,
        drawings: Sequence[Callable[[], Drawing]],
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
        self._states = states
        self._lit = lit
        #: The DOT text of the one layout every frame shares.
        self.layout_drawing = layout_drawing
        self._row_counts = row_counts

    def __len__(self) -> int:
        return len(self._frames)

    def __getitem__(self, index):  # type: ignore[override]
        return self._frames[index]

    def __repr__(self) -> str:
        return f"<StepThrough of {len(self)} backward steps>"

    @cached_property
    def _layout(self) -> tuple[str, list[str]]:
        return _name_rows(self.layout_drawing.svg(), self._row_counts)

    def _state(self, index: int) -> list[tuple[str, int]]:
        """Every slot's text and look in frame ``index``; a row the frame lacks is empty."""
        return [self._states[index].get(slot, ("", _PLAIN)) for slot in self._layout[1]]

    def to_html_fragment(self) -> str:
        """The player as an HTML fragment: the layout's SVG and, per frame, what changes."""
        states = [self._state(index) for index in range(len(self))]
        frames = []
        for now, before, lit in zip(states, states[:1] + states, self._lit):
            changes = [[i, *new] for i, (new, old) in enumerate(zip(now, before)) if new != old]
            frames.append({"changes": changes, "lit": lit})
        svg, slots = self._layout
        data = {
            "svg": _inline_svg(svg),
            "slots": slots,
            "looks": [f"ag-{look}" for look in _LOOKS],
            "start": states[0],
            "frames": frames,
            "captions": self.captions,
        }
        return _assemble(len(self), self._frames[-1].svg(), self.captions, data)

    def save_svgs(self, directory: str | os.PathLike[str], prefix: str = "step") -> list[Path]:
        """Write one SVG per step, ``step_001.svg`` onward, into ``directory``; return them."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        width = max(3, len(str(len(self))))
        return [
            frame.save(directory / f"{prefix}_{number:0{width}d}.svg")
            for number, frame in enumerate(self._frames, start=1)
        ]

    def widget(self) -> Any:
        """An ipywidgets slider (with a play button) over the frames; needs a kernel."""
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

        def frame_html(number: int) -> str:
            # Scaled to the output's width, as the HTML player is.
            svg = _inline_svg(self._frames[number - 1].svg())
            svg = svg.replace("<svg ", '<svg style="max-width: 100%; height: auto" ', 1)
            return f"<p>{html.escape(self.captions[number - 1])}</p>{svg}"

        view = ipywidgets.HTML(value=frame_html(1))

        def show(change: dict[str, Any]) -> None:
            view.value = frame_html(change["new"])

        slider.observe(show, names="value")
        return ipywidgets.VBox([ipywidgets.HBox([play, slider]), view])


def step_through(
    root: Value,
    *,
    edge_labels: bool = True,
    max_frames: int | None = DEFAULT_MAX_FRAMES,
    **draw_options: Any,
) -> StepThrough:
    """Backward from ``root`` one node at a time, drawn after each step; ``.grad`` untouched.

    One frame per node, in reverse topological order (root first): ∂root/∂node worked out
    on the side as :func:`~autograd_core.graph.backward_steps` does, so calling it after
    ``root.backward()`` (or twice) shows the same frames, and the last frame shows what
    ``root.backward()`` leaves on zeroed gradients. Graphviz lays the graph out once, with
    every text at the widest it gets; frames change only texts and the highlight.

    ``edge_labels`` labels edges with local derivatives and chain-rule products;
    ``draw_options`` go to :func:`~autograd_core.draw.draw_graph` (``rankdir``,
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
    plan = plan_graph(root, **options)
    if isinstance(plan, Drawing):
        raise RenderError(plan.refusal)
    order, digits = plan.order, plan.digits
    index = {node: position for position, node in enumerate(order)}
    # Rows that never change: a Value's label and data (a constant's one row).
    fixed = {
        name: 1 if plan.roles[name] == "constant" else 1 + bool(node.label)
        for name, node in zip(plan.roles, order)
    }
    grads: dict[Value, float] = {}  # ∂root/∂node for the nodes passed so far
    received: dict[Value, float] = {root: 1.0}  # partial sums of the nodes still to come
    widest: dict[str, list[Row]] = {}  # row by row, the longest text any frame shows there
    drawings, captions, states, lit = [], [], [], []
    for step, node in enumerate(reversed(order)):
        # Every consumer of a node is newer, so its sum is complete when its turn comes.
        upstream = grads[node] = received.pop(node)
        shares = shares_to_inputs(node, upstream)
        for child, share in zip(node.inputs, shares):
            received[child] = received.get(child, 0.0) + share
        picture = plan.picture(grads, received, {node})
        drawings.append(partial(plan.drawing, picture))
        state = {}
        for name, rows in picture.rows.items():
            seen = widest.setdefault(name, [])
            for row, (text, look) in enumerate(rows):
                if row >= fixed.get(name, 0):
                    state[f"{name}-r{row}"] = (text, _LOOKS.index(look))
                if row == len(seen):
                    seen.append((text, look))
                elif len(text) > len(seen[row][0]):
                    seen[row] = (text, "name" if seen[row][1] == "name" else look)
        states.append(state)
        at = index[node]
        operation = [f"op{at}", f"o{at}"] if node.inputs else []
        edges = [f"e{at}_{i}{tip}" for i in range(len(node.inputs)) for tip in ("", "a")]
        lit.append([f"v{at}", *operation, *edges])
        name = f"'{node.label}'" if node.label else f"the {operation_text(node.op) or 'leaf'} node"
        caption = (
            f"Step {step + 1} of {len(order)}: {name} (data {format_number(node.data, digits)}) "
            f"has its gradient, {format_number(upstream, digits)}"
        )
        if shares:
            inputs = "input" if len(shares) == 1 else "inputs"
            caption += f", and passes it back through its operation to {len(shares)} {inputs}"
        captions.append(caption + ".")

    layout_drawing = plan.drawing(Picture(widest))
    row_counts = {name: (fixed.get(name, 0), len(rows)) for name, rows in widest.items()}
    return StepThrough(drawings, captions, states, lit, layout_drawing, row_counts)
