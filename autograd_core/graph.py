"""Walking a computation graph: topological order and reverse-mode accumulation.

Nothing here recurses, so a chain a million nodes deep is as easy as a short one.

Every Value gets a creation number when it is made, and a node can only be made from
inputs that already exist, so numbers rise along every edge: sorting a graph's nodes by
number lists each after all of its inputs (see benchmarks/README.md for why this order).

Backward walks the nodes newest first. When it reaches a node u, every node that consumes
u is newer and has already passed its share back, so u's adjoint ∂root/∂u is complete; u
then passes ∂root/∂u · ∂u/∂inputᵢ to each input, with the local derivatives u stored when
it was made. Only when every adjoint is complete are they added to ``.grad``, all at once.
"""

from __future__ import annotations

import itertools
import operator
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograd_core.value import Value

_creation_number = operator.attrgetter("_number")
_next_pass = itertools.count(1).__next__  # passes are numbered 1, 2, 3, …

# A node's _grad_pass is the number of the last pass that added to its .grad, or one of:
NO_PASS = 0  # no pass has added to .grad yet
OUTSIDE_A_PASS = -1  # backward_steps added to .grad, or a copied leaf brought its .grad

# A pass keeps its running sums in the nodes (their _adjoint), so two passes at once would
# mix them: threads take turns, and a pass started inside another on the same thread (from
# a signal handler, say) runs as backward_steps does, with its sums in a dictionary.
# (An RLock: a handler that starts a pass after this thread took the lock but before it set
# inside_pass takes the lock again and runs a whole pass while the other has no sums yet.)
_one_pass_at_a_time = threading.RLock()
_this_thread = threading.local()  # its inside_pass is True while this thread runs a pass


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
    """Every node of ``root``'s graph once, each after all of its inputs, ``root`` last."""
    nodes = graph_nodes(root)
    nodes.sort(key=_creation_number)
    return nodes


def backward(root: Value) -> None:
    """Add ∂root/∂u to ``u.grad`` for every node u of root's graph (see ``Value.backward``).

    All or nothing: the adjoints are summed apart from ``.grad`` and only added to it once
    all are complete, so a pass interrupted before then leaves every ``.grad`` as it was;
    one interrupted while adding finishes adding first (only a second interrupt in that
    moment could stop it part-way). The running sums carry their pass's number, so the
    next pass recognises whatever an interrupted one left.
    """
    if getattr(_this_thread, "inside_pass", False):  # keep off the running pass's sums
        for _ in backward_steps(root):
            pass
        return
    with _one_pass_at_a_time:
        _this_thread.inside_pass = True
        try:
            this_pass = _next_pass()
            _add_to_grads(_sum_adjoints(root, this_pass), this_pass)
        finally:
            _this_thread.inside_pass = False


def _sum_adjoints(root: Value, this_pass: int) -> list[Value]:
    """Every node u of root's graph, with ∂root/∂u summed in its ``_adjoint``."""
    root._pass, root._adjoint = this_pass, 1.0
    nodes, leaves = [root], []  # leaves pass nothing on: the walk skips them
    for node in nodes:
        for child in node.inputs:
            if child._pass != this_pass:  # not yet reached by this pass: start its sum
                child._pass, child._adjoint = this_pass, 0.0
                if child.inputs:
                    nodes.append(child)
                else:
                    leaves.append(child)
    nodes.sort(key=_creation_number, reverse=True)
    for node in nodes:
        g = node._adjoint  # complete: every consumer is newer and has passed its share
        inputs, local_grads = node.inputs, node._local_grads
        # The loop at the end, written out for two inputs and one (see benchmarks/README.md).
        if len(inputs) == 2:
            (x, y), (dx, dy) = inputs, local_grads
            x._adjoint += g * dx
            y._adjoint += g * dy
        elif len(inputs) == 1:
            (x,), (dx,) = inputs, local_grads
            x._adjoint += g * dx
        else:
            for child, local in zip(inputs, local_grads):
                child._adjoint += g * local
    return nodes + leaves


def _add_to_grads(nodes: list[Value], this_pass: int) -> None:
    """``node.grad += node._adjoint`` for every node; an interrupt waits until all are done."""
    try:
        for node in nodes:
            node.grad, node._grad_pass = node.grad + node._adjoint, this_pass
    except BaseException:
        for node in nodes:
            if node._grad_pass != this_pass:  # not added yet
                node.grad, node._grad_pass = node.grad + node._adjoint, this_pass
        raise


def shares_to_inputs(node: Value, g: float) -> tuple[float, ...]:
    """``g · ∂node/∂input`` for each input of ``node``, one per edge, in operand order.

    With ``g = 1`` these are the local derivatives, which the drawing writes on the edges.
    """
    return tuple(g * local for local in node._local_grads)


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
    adjoint = {root: 1.0}
    for index, node in enumerate(reversed(topological_order(root))):
        g = adjoint.pop(node)  # every node but root has a consumer, which has been visited
        node.grad += g
        node._grad_pass = OUTSIDE_A_PASS
        contributions = tuple(zip(node.inputs, shares_to_inputs(node, g)))
        for child, share in contributions:
            adjoint[child] = adjoint.get(child, 0.0) + share
        yield BackwardStep(index, node, g, contributions)


def grad_computed(node: Value) -> bool:
    """Whether a backward pass has reached ``node`` (its ``.grad`` is then meaningful)."""
    return node._grad_pass != NO_PASS
