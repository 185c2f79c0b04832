"""Reverse-mode accumulation: repeated calls, shared nodes, depth, topological order, steps."""

from __future__ import annotations

import math
import sys

import pytest

from autograd_core import Value, backward_steps, topological_order


def build_expression():
    """z = tanh(a·b + a²) · (b − a) + a, with a used four times and b twice."""
    a, b = Value(0.7, "a"), Value(-1.3, "b")
    inner = a * b + a**2
    z = inner.tanh() * (b - a) + a
    return a, b, inner, z


def expected_gradients(a: float, b: float) -> dict[str, float]:
    # By hand: u = ab + a², t = tanh u, z = t(b − a) + a.
    u = a * b + a * a
    t = math.tanh(u)
    dt_du = 1 - t * t
    dz_du = (b - a) * dt_du
    return {
        "a": dz_du * (b + 2 * a) - t + 1,
        "b": dz_du * a + t,
        "inner": dz_du,
        "z": 1.0,
    }


def test_backward_matches_hand_derived_gradients():
    a, b, inner, z = build_expression()
    z.backward()
    expected = expected_gradients(0.7, -1.3)
    assert math.isclose(a.grad, expected["a"], rel_tol=1e-13)
    assert math.isclose(b.grad, expected["b"], rel_tol=1e-13)
    assert math.isclose(inner.grad, expected["inner"], rel_tol=1e-13)
    assert z.grad == 1.0


@pytest.mark.parametrize("calls", [2, 3, 7])
def test_k_calls_give_k_times_the_derivative_at_every_node(calls):
    _, _, inner, z = build_expression()
    once = {}
    for node in topological_order(z):
        node.grad = 0.0
    z.backward()
    for node in topological_order(z):
        once[node] = node.grad
        node.grad = 0.0
    for _ in range(calls):
        z.backward()
    for node in topological_order(z):
        assert math.isclose(node.grad, calls * once[node], rel_tol=1e-13, abs_tol=1e-300)
    expected = expected_gradients(0.7, -1.3)
    assert math.isclose(inner.grad, calls * expected["inner"], rel_tol=1e-13)
    assert z.grad == calls


def test_a_node_used_many_times_gets_the_sum_of_its_contributions():
    x = Value(2.0)
    total = x + x + x * x + x * 3.0  # 2x + x² + 3x: derivative 5 + 2x = 9
    total.backward()
    assert x.grad == 9.0
    y = Value(1.5)
    (y * y * y).backward()  # 3y² = 6.75
    assert y.grad == 6.75


def test_diamond_shares_one_subexpression():
    x = Value(0.3)
    shared = x.exp()
    out = shared * shared.sigmoid() + shared.tanh()
    out.backward()
    e = math.exp(0.3)
    s = 1 / (1 + math.exp(-e))
    d_shared = s + e * s * (1 - s) + 1 - math.tanh(e) ** 2
    assert math.isclose(x.grad, d_shared * e, rel_tol=1e-13)


def test_topological_order_lists_each_node_once_inputs_first_root_last():
    *_, z = build_expression()
    order = topological_order(z)
    assert order[-1] is z
    assert len(order) == len(set(order))
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        for child in node.inputs:
            assert position[child] < position[node]
    # Every node reachable from z is listed: count them by hand. a, b, a·b, a², a·b + a²,
    # tanh, b − a, product, + a  = 9.
    assert len(order) == 9


def test_topological_order_respects_a_late_deep_path():
    # The root's second input is also reached deeper through its first input: it must
    # still come before every node that consumes it.
    base = Value(1.0)
    deep = base
    for _ in range(5):
        deep = deep + 1.0
    root = base + deep
    order = topological_order(root)
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        for child in node.inputs:
            assert position[child] < position[node]


DEPTH = 1_000_000


def test_a_million_node_chain_backward_without_recursion():
    limit = sys.getrecursionlimit()
    x = Value(0.5)
    v = x
    for _ in range(DEPTH):
        v = v + 1e-6
    assert len(topological_order(v)) == 2 * DEPTH + 1  # the chain plus the constant leaves
    v.backward()
    assert x.grad == 1.0
    assert math.isclose(v.data, 0.5 + DEPTH * 1e-6, rel_tol=1e-9)
    assert sys.getrecursionlimit() == limit
    del v  # freeing a deep chain must not overflow the C stack either


def test_backward_steps_visit_each_node_once_in_reverse_topological_order():
    *_, z = build_expression()
    order = topological_order(z)
    steps = list(backward_steps(z))
    assert [step.node for step in steps] == order[::-1]
    assert [step.index for step in steps] == list(range(len(order)))


def test_backward_steps_have_live_grads_and_end_where_backward_does():
    *_, z = build_expression()
    reference = build_expression()
    reference[3].backward()
    expected = [node.grad for node in topological_order(reference[3])]

    all_nodes = topological_order(z)
    finished = set()
    for step in backward_steps(z):
        finished.add(step.node)
        # At each step the current node's gradient is already final, and nodes the pass has
        # not reached yet still hold their initial 0.
        assert step.node.grad == step.upstream
        assert all(node.grad == 0.0 for node in all_nodes if node not in finished)
        # ...and every input of a finished node has received that node's contribution.
        for child, contribution in step.contributions:
            assert child in step.node.inputs
            assert math.isfinite(contribution)
    assert [node.grad for node in topological_order(z)] == expected


def test_backward_steps_upstream_times_local_is_the_contribution():
    x, y = Value(3.0), Value(-2.0)
    out = x * y
    (step,) = [s for s in backward_steps(out) if s.node is out]
    assert step.upstream == 1.0
    assert step.contributions == ((x, -2.0), (y, 3.0))  # ∂(xy)/∂x = y, ∂(xy)/∂y = x


def test_grad_starts_at_zero_and_root_grad_rises_by_one():
    x = Value(4.0)
    assert x.grad == 0.0
    y = x * 2.0
    y.backward()
    y.backward()
    assert y.grad == 2.0 and x.grad == 4.0


def test_an_interrupted_backward_leaves_nothing_behind():
    # Ctrl-C in a notebook lands in the middle of a pass; the next backward must still give
    # exactly the derivative, not one skewed by the shares the aborted pass left half-summed.
    a, b, inner, z = build_expression()
    tanh_node = z.inputs[0].inputs[0]
    rule = tanh_node._backward

    def interrupted(out, g):
        raise KeyboardInterrupt

    tanh_node._backward = interrupted
    with pytest.raises(KeyboardInterrupt):
        z.backward()
    tanh_node._backward = rule
    for node in topological_order(z):
        node.grad = 0.0
    z.backward()
    expected = expected_gradients(0.7, -1.3)
    assert math.isclose(a.grad, expected["a"], rel_tol=1e-13)
    assert math.isclose(b.grad, expected["b"], rel_tol=1e-13)
    assert math.isclose(inner.grad, expected["inner"], rel_tol=1e-13)


def test_a_half_consumed_step_through_and_backward_do_not_disturb_each_other():
    a, b, inner, z = build_expression()
    steps = backward_steps(z)
    for _ in range(4):
        next(steps)
    z.backward()  # a full pass while the step-through is suspended
    for _ in steps:
        pass
    expected = expected_gradients(0.7, -1.3)
    assert math.isclose(a.grad, 2 * expected["a"], rel_tol=1e-13)
    assert math.isclose(b.grad, 2 * expected["b"], rel_tol=1e-13)
    assert math.isclose(inner.grad, 2 * expected["inner"], rel_tol=1e-13)
    assert z.grad == 2.0


def test_graphs_sharing_leaves_each_get_their_own_pass():
    x = Value(1.5)
    first = x * x  # 2x = 3
    second = x.exp() + x  # eˣ + 1
    first.backward()
    second.backward()
    first.backward()
    assert math.isclose(x.grad, 2 * 3.0 + math.exp(1.5) + 1, rel_tol=1e-14)
