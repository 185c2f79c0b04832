"""Renamed: the step-through player now lives in :mod:`autograd_core.draw.player`.

Kept for one release as a re-export.
"""

from autograd_core.draw.player import DEFAULT_MAX_FRAMES, StepThrough, step_through

__all__ = ["DEFAULT_MAX_FRAMES", "StepThrough", "step_through"]
