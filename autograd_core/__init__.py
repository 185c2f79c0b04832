"""autograd-core: scalar reverse-mode autodiff that shows its work.

>>> from autograd_core import Value
>>> x = Value(3.0, label="x")
>>> y = x ** 2
>>> y.backward()
>>> x.grad
6.0
"""

from autograd_core.draw import Drawing, RenderError, StepThrough, draw_graph, step_through
from autograd_core.gradcheck import GradcheckError, gradcheck, numerical_gradient
from autograd_core.graph import BackwardStep, backward_steps, topological_order
from autograd_core.value import Value, affine

__version__ = "0.1.0"

__all__ = [
    "BackwardStep",
    "Drawing",
    "GradcheckError",
    "RenderError",
    "StepThrough",
    "Value",
    "__version__",
    "affine",
    "backward_steps",
    "draw_graph",
    "gradcheck",
    "numerical_gradient",
    "step_through",
    "topological_order",
]
