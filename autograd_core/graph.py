"""Walking a computation graph: topological order and reverse-mode accumulation.

Nothing here recurses on the graph's depth, so a chain a million nodes deep is as easy as
a short one, and the interpreter's recursion limit is never touched.

Both walks are Kahn's algorithm run from the root. A first pass counts, for every node,
how many times it is an input of another node of the graph (its consumers). The second
pass starts at the root and releases a node once all of its consumers have been visited.
For backward that is exactly the moment its adjoint ∂root/∂u is complete, because every
consumer has passed its share back; the node then adds it to ``u.grad`` and passes its own
shares on to its inputs. Released nodes wait on a stack, pushed last operand first (hence
the ``reversed``), so the walk goes depth-first into the first operand, as a reader does:
``(w * x + b).tanh()`` is visited tanh, +, ×, w, x, b.

The adjoints of one pass are summed apart from ``.grad`` (in two scratch slots of each
node for ``backward``, in dictionaries for ``backward_steps``, so that a half-consumed
step-through and a ``backward()`` on the same graph cannot disturb each other) and added
to ``.grad`` once complete, so a second call adds exactly the same amounts again: k calls
leave k times the derivative everywhere, interior nodes and the root included.

Why not a depth-first search: it has to visit each node twice (on the way down and again
once its inputs are placed), and in CPython the bookkeeping for that (a stack entry per
visit, a mark per node) cost more than the whole backward step of a node. Counting
consumers is one update per edge, and the second pass is the backward pass
itself, so no list of all nodes is built for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograd_core.value import Value


def consumer_counts(root: Value) -> dict[Value, int]:
    """For every node of ``root``'s graph, how many times it is an input of another node.

    ``root`` itself has 0; ``a`` in ``a * a`` counts twice, once per edge.
    """
    counts = {root: 0}
    unexplored = [root]
    while unexplored:
        for child in unexplored.pop().inputs:
            if child in counts:
                counts[child] += 1
            else:
                counts[child] = 1
                unexplored.append(child)
    return counts


def topological_order(root: Value) -> list[Value]:
    """Every node of ``root``'s graph once, each after all of its inputs, ``root`` last.

    The order is the reverse of the one in which backward visits the nodes.
    """
    waiting = consumer_counts(root)
    released = []
    ready = [root]
    while ready:
        node = ready.pop()
        released.append(node)
        for child in reversed(node.inputs):
            remaining = waiting[child] - 1
            waiting[child] = remaining
            if remaining == 0:
                ready.append(child)
    released.reverse()
    return released


def backward(root: Value) -> None:
    """Add ∂root/∂u to ``u.grad`` for every node u of root's graph (see ``Value.backward``).

    The walk is the one :func:`backward_steps` takes, in the same order, so both leave the
    same floats. Its scratch space is two slots of every node rather than dictionaries:
    ``_pending`` (consumers not yet visited) and ``_adjoint`` (the shares received so far).
    A dictionary holding every node of a large graph costs a cache miss per look-up, which
    made it the largest part of the time per node. Every pass returns both slots to 0, so
    they are blank before each pass; if a pass is interrupted (an exception, Ctrl-C in a
    notebook), the slots are reset before the exception travels on.
    """
    try:
        _count_consumers(root)
        root._adjoint = 1.0
        ready = [root]
        while ready:
            node = ready.pop()
            g = node._adjoint  # complete: every consumer has passed its share back
            node._adjoint = 0.0
            node.grad += g
            node._grad_computed = True
            if node.inputs:
                shares = node._backward(node, g)
                for child, share in zip(reversed(node.inputs), reversed(shares)):
                    child._adjoint += share
                    remaining = child._pending - 1
                    child._pending = remaining
                    if not remaining:
                        ready.append(child)
    except BaseException:
        _clear_scratch(root)
        raise


def _count_consumers(root: Value) -> None:
    """Set ``_pending`` of every node below ``root`` to its number of consumers.

    A node seen for the first time has ``_pending == 0`` (every pass leaves it so), which
    is how this pass knows to explore it; ``root`` is nobody's input and keeps 0.
    """
    unexplored = [root]
    while unexplored:
        for child in unexplored.pop().inputs:
            pending = child._pending
            if not pending:
                unexplored.append(child)
            child._pending = pending + 1


def _clear_scratch(root: Value) -> None:
    """Return ``_pending`` and ``_adjoint`` of every node of root's graph to 0."""
    seen = {root}
    unexplored = [root]
    while unexplored:
        node = unexplored.pop()
        node._pending = 0
        node._adjoint = 0.0
        for child in node.inputs:
            if child not in seen:
                seen.add(child)
                unexplored.append(child)


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

    Nodes come in the order backward visits them, the reverse of ``topological_order``,
    ``root`` first. ``.grad`` is live: when a step
    is yielded, that node and every node before it hold their final gradients, so a
    notebook can draw the graph between steps. Consumed to the end, it leaves exactly what
    ``root.backward()`` leaves.
    """
    waiting = consumer_counts(root)
    adjoint = {root: 1.0}
    ready = [root]
    index = 0
    while ready:
        node = ready.pop()
        g = adjoint.pop(node)
        node.grad += g
        node._grad_computed = True
        contributions: tuple[tuple[Value, float], ...] = ()
        if node.inputs:
            contributions = tuple(zip(node.inputs, node._backward(node, g)))
            for child, share in reversed(contributions):
                adjoint[child] = adjoint.get(child, 0.0) + share
                remaining = waiting[child] - 1
                waiting[child] = remaining
                if remaining == 0:
                    ready.append(child)
        yield BackwardStep(index, node, g, contributions)
        index += 1


def grad_computed(node: Value) -> bool:
    """Whether a backward pass has reached ``node`` (its ``.grad`` is then meaningful)."""
    return node._grad_computed
