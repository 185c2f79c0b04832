"""Walking a computation graph: topological order and reverse-mode accumulation.

Nothing here recurses on the graph's depth, so a chain a million nodes deep is as easy as
a short one, and the interpreter's recursion limit is never touched.

The order comes from the nodes themselves. Every Value gets a creation number from one
counter when it is made, and a node can only be made from inputs that already exist, so
numbers rise along every edge: listing a graph's nodes by number puts each after all of
its inputs. A search over the edges is still needed to find which nodes belong to the
graph, but not to order them: that is one sort by number (which runs in C).

Backward walks the nodes newest first. When it reaches a node u, every node that consumes
u is newer and has already passed its share back, so u's adjoint ∂root/∂u is complete: it
is added to ``u.grad`` and u's rule passes u's own shares on to its inputs. The adjoints of
one pass are summed apart from ``.grad`` (in a scratch slot of each node for ``backward``,
in a dictionary for ``backward_steps``, so that a half-consumed step-through and a
``backward()`` on the same graph cannot disturb each other) and added to ``.grad`` once
complete, so a second call adds exactly the same amounts again: k calls leave k times the
derivative everywhere, interior nodes and the root included.

Why not a depth-first search or Kahn's algorithm, which find an order from the edges: in
CPython their bookkeeping (a stack entry per visit, or a countdown per edge) cost more per
node than the backward rules themselves; the creation number is one counter step per node.
One consequence: the order follows when nodes were made, so two graphs of the same shape
built in a different order (a copy, say) are walked, stepped and drawn in different orders,
and their sums may differ in the last bit.
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograd_core.value import Value

_creation_number = operator.attrgetter("_number")

# Passes keep their scratch in the nodes, so two passes at once (threads training models
# that share a Value) would mix their sums; they take turns instead.
_one_pass_at_a_time = threading.Lock()


def graph_nodes(root: Value) -> list[Value]:
    """Every node of ``root``'s graph once, ``root`` first, in no particular order."""
    seen = {root}
    found = [root]
    for node in found:  # the list grows as the sweep goes: no recursion, no second stack
        for child in node.inputs:
            if child not in seen:
                seen.add(child)
                found.append(child)
    return found


def topological_order(root: Value) -> list[Value]:
    """Every node of ``root``'s graph once, each after all of its inputs, ``root`` last.

    Nodes are listed in the order they were made; backward visits them in reverse.
    """
    nodes = graph_nodes(root)
    nodes.sort(key=_creation_number)
    return nodes


def backward(root: Value) -> None:
    """Add ∂root/∂u to ``u.grad`` for every node u of root's graph (see ``Value.backward``).

    The walk is the one :func:`backward_steps` takes, in the same order, so both leave the
    same floats. Its scratch space is one slot of every node, ``_adjoint``, rather than a
    set of the nodes seen and a dictionary of their adjoints: a set or dictionary holding
    every node of a large graph costs a cache miss per look-up, which made it the largest
    part of the time per node. Between passes ``_adjoint`` is None; collecting a node for
    this pass sets it to 0.0 (which also marks the node as collected), its consumers add
    their shares to it, and the walk reads it and puts None back. If a pass is interrupted
    (an exception, Ctrl-C in a notebook), every collected node gets None back before the
    exception travels on. Passes in different threads take turns, since a node two graphs
    share has one scratch slot.
    """
    with _one_pass_at_a_time:
        _backward_pass(root)


def _backward_pass(root: Value) -> None:
    nodes = [root]
    try:
        root._adjoint = 1.0
        for node in nodes:
            for child in node.inputs:
                if child._adjoint is None:
                    nodes.append(child)  # listed before marked: a reset then finds it
                    child._adjoint = 0.0
        nodes.sort(key=_creation_number, reverse=True)
        for node in nodes:
            g = node._adjoint  # complete: every consumer is newer and has passed its share
            node._adjoint = None
            node.grad += g
            node._grad_computed = True
            if node.inputs:
                node._backward(node, g)
    except BaseException:
        for node in nodes:
            node._adjoint = None
        raise


class _StandIn:
    """Enough of a Value for a backward rule to run on: data, inputs and an adjoint."""

    __slots__ = ("data", "inputs", "_adjoint")

    def __init__(self, data: float, inputs: tuple[_StandIn, ...] = ()) -> None:
        self.data = data
        self.inputs = inputs
        self._adjoint = 0.0


def shares_to_inputs(node: Value, g: float) -> tuple[float, ...]:
    """``g · ∂node/∂input`` for each input of ``node``, one per edge, in operand order.

    A rule adds its shares straight into its inputs' adjoints, so for ``a * a`` the two
    shares would land in the same place. Run on stand-ins (one per edge, with the inputs'
    data), the rule leaves each share apart. With ``g = 1`` these are the local
    derivatives, which the drawing writes on the edges.
    """
    stand_ins = tuple(_StandIn(child.data) for child in node.inputs)
    if stand_ins:
        node._backward(_StandIn(node.data, stand_ins), g)
    return tuple(stand_in._adjoint for stand_in in stand_ins)


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
    ``root`` first. ``.grad`` is live: when a step is yielded, that node and every node
    before it hold their final gradients, so a notebook can draw the graph between steps.
    Consumed to the end, it leaves exactly what ``root.backward()`` leaves.
    """
    order = topological_order(root)
    order.reverse()
    adjoint = {root: 1.0}
    for index, node in enumerate(order):
        g = adjoint.pop(node)  # every node but root has a consumer, which has been visited
        node.grad += g
        node._grad_computed = True
        contributions = tuple(zip(node.inputs, shares_to_inputs(node, g)))
        for child, share in contributions:
            adjoint[child] = adjoint.get(child, 0.0) + share
        yield BackwardStep(index, node, g, contributions)


def grad_computed(node: Value) -> bool:
    """Whether a backward pass has reached ``node`` (its ``.grad`` is then meaningful)."""
    return node._grad_computed
