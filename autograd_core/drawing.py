"""Renamed: this module's contents now live in :mod:`autograd_core.draw` (kept for one release)."""

from autograd_core.draw.dot import draw_graph, escape_label, format_number, operation_text
from autograd_core.draw.drawing import DEFAULT_MAX_NODES, Drawing
from autograd_core.draw.render import (
    INSTALL_HINT,
    RENDERERS,
    SAVE_FORMATS,
    RenderError,
    pygraphviz_available,
    render,
    write_atomically,
)

__all__ = [
    "DEFAULT_MAX_NODES",
    "INSTALL_HINT",
    "RENDERERS",
    "SAVE_FORMATS",
    "Drawing",
    "RenderError",
    "draw_graph",
    "escape_label",
    "format_number",
    "operation_text",
    "pygraphviz_available",
    "render",
    "write_atomically",
]
