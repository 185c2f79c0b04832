"""Walking a computation graph: topological order and reverse-mode accumulation.

Nothing here recurses on the graph's depth, so a chain a million nodes deep is as easy as
a short one, and the interpreter's recursion limit is never touched.

Backward sums the adjoints ∂root/∂u of one pass in a dictionary kept apart from ``.grad``
and adds each to ``u.grad`` once it is complete. A node's adjoint is complete when every
node that consumes it has passed its gradient back, which reverse topological order
guarantees. So a second call adds exactly the same amounts again: k calls leave k times the
derivative everywhere, interior nodes and the root included.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograd_core.value import Value


def topological_order(root: Value) -> list[Value]:
    """Every node of ``root``'s graph once, each after all of its inputs, ``root`` last."""
    order: list[Value] = []
    expanded: set[Value] = set()
    # Depth-first with an explicit stack of (node, whether its inputs are already placed).
    # A node is marked when it is expanded, not when it is pushed: a node pushed early by
    # one consumer may be reached again through a deeper path and must wait for it.
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, inputs_placed = stack.pop()
        if inputs_placed:
            order.append(node)
        elif node not in expanded:
            expanded.add(node)
            stack.append((node, True))
            stack.extend([(child, False) for child in node.inputs if child not in expanded])
    return order


def backward(root: Value) -> None:
    """Add ∂root/∂u to ``u.grad`` for every node u of root's graph (see ``Value.backward``)."""
    order = topological_order(root)
    adjoint = dict.fromkeys(order, 0.0)
    adjoint[root] = 1.0
    for node in reversed(order):
        g = adjoint[node]
        node.grad += g
        node._grad_computed = True
        if node.inputs:
            for child, contribution in zip(node.inputs, node._backward(node, g)):
                adjoint[child] += contribution


@dataclass(frozen=True)
class BackwardStep:
    """One step of :func:`backward_steps`: ``node`` has just passed its gradient back.

    ``index`` counts steps from 0; ``upstream`` is ∂root/∂node, the gradient the node
    received; ``contributions`` pairs each input with ``upstream · ∂node/∂input``.
    """

    index: int
    node: Value
    upstream: float
    contributions: tuple[tuple[Value, float], ...]


def backward_steps(root: Value) -> Iterator[BackwardStep]:
    """Perform ``root.backward()`` one node at a time, yielding after each local step.

    Nodes come in reverse topological order, ``root`` first. ``.grad`` is live: when a step
    is yielded, that node and every node before it hold their final gradients, so a
    notebook can draw the graph between steps. Consumed to the end, it leaves exactly what
    ``root.backward()`` leaves.
    """
    order = topological_order(root)
    adjoint = dict.fromkeys(order, 0.0)
    adjoint[root] = 1.0
    for index, node in enumerate(reversed(order)):
        g = adjoint[node]
        node.grad += g
        node._grad_computed = True
        contributions: tuple[tuple[Value, float], ...] = ()
        if node.inputs:
            contributions = tuple(zip(node.inputs, node._backward(node, g)))
            for child, contribution in contributions:
                adjoint[child] += contribution
        yield BackwardStep(index, node, g, contributions)


def grad_computed(node: Value) -> bool:
    """Whether a backward pass has reached ``node`` (its ``.grad`` is then meaningful)."""
    return node._grad_computed
