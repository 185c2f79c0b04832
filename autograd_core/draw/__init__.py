"""Drawing computation graphs: DOT text (dot), rendering (render), display (drawing), player."""

from autograd_core.draw.dot import draw_graph
from autograd_core.draw.drawing import Drawing
from autograd_core.draw.player import PlayerTooLarge, StepThrough, step_through
from autograd_core.draw.render import RenderError

__all__ = ["Drawing", "PlayerTooLarge", "RenderError", "StepThrough", "draw_graph", "step_through"]
