"""The graph walks (topological order, backward, shares per edge) and affine's fast paths.

Checked against hand-derived derivatives and the definitions, not against the engine.
"""

import gc
import math
import sys

from autograd_core import Value, affine, backward_steps, topological_order
from autograd_core.graph import graph_nodes, shares_to_inputs


def diamond():
    """f = (x·y) · (x + y) + x, with x used by three nodes and y by two."""
    x = Value(2.0, label="x")
    y = Value(-3.0, label="y")
    product = x * y
    total = x + y
    f = product * total + x
    return x, y, product, total, f


def test_graph_nodes_lists_each_node_once_root_first():
    a = Value(3.0)
    square = a * a
    assert graph_nodes(square) == [square, a]
    x, y, product, total, f = diamond()
    nodes = graph_nodes(f)
    assert nodes[0] is f
    assert len(nodes) == 6 and set(nodes) == {x, y, product, total, f.inputs[0], f}


def test_shares_are_per_edge_even_when_an_input_repeats():
    a = Value(3.0)
    square = a * a
    # ∂(a·a)/∂(first a) = a and ∂(a·a)/∂(second a) = a: two edges, two shares of 3, not one of 6.
    assert shares_to_inputs(square, 1.0) == (3.0, 3.0)
    assert shares_to_inputs(square, 2.0) == (6.0, 6.0)
    assert shares_to_inputs(a, 1.0) == ()
    assert a._adjoint is None and a.grad == 0.0  # the rule ran on stand-ins, not on a


def test_topological_order_puts_every_node_once_after_its_inputs():
    *_, f = diamond()
    order = topological_order(f)
    assert len(order) == len(set(order)) == 6  # x, y, product, total, the product of those, f
    assert order[-1] is f
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        assert all(position[child] < position[node] for child in node.inputs)


def test_topological_order_of_a_leaf_is_the_leaf():
    leaf = Value(1.0)
    assert topological_order(leaf) == [leaf]


def test_backward_sums_every_path():
    x, y, product, total, f = diamond()
    f.backward()
    # f = x²y + xy² + x: ∂f/∂x = 2xy + y² + 1 = -12 + 9 + 1, ∂f/∂y = x² + 2xy = 4 - 12.
    assert x.grad == -2.0
    assert y.grad == -8.0
    assert product.grad == total.data and total.grad == product.data and f.grad == 1.0


def test_repeated_backward_accumulates_exact_multiples_everywhere():
    x, y, product, total, f = diamond()
    for _ in range(3):
        f.backward()
    assert (x.grad, y.grad, f.grad) == (-6.0, -24.0, 3.0)
    assert (product.grad, total.grad) == (3.0 * total.data, 3.0 * product.data)


def test_backward_steps_leave_exactly_what_backward_leaves_in_reverse_topological_order():
    def build():
        a, b, c = Value(0.3), Value(-1.7), Value(2.2)
        h = (a * b + c).tanh()
        return [a, b, c], (h * a - (b / c).exp() + h.sigmoid() * c) ** 2

    leaves, root = build()
    root.backward()
    expected = [v.grad for v in leaves]
    leaves, root = build()
    steps = list(backward_steps(root))
    assert [v.grad for v in leaves] == expected  # bit for bit: same shares, same order
    assert [step.node for step in steps] == topological_order(root)[::-1]
    assert [step.index for step in steps] == list(range(len(steps)))


def test_a_chain_deeper_than_the_recursion_limit_leaves_interpreter_settings_alone():
    limit, thresholds, enabled = sys.getrecursionlimit(), gc.get_threshold(), gc.isenabled()
    x = Value(0.5)
    v = x
    depth = 20 * limit
    for _ in range(depth):
        v = v * 1.0001 + 0.001
    v.backward()
    assert math.isclose(x.grad, 1.0001**depth, rel_tol=1e-9)
    assert len(topological_order(v)) == 4 * depth + 1  # x, and per step two constants, ×, +
    assert (sys.getrecursionlimit(), gc.get_threshold(), gc.isenabled()) == (
        limit,
        thresholds,
        enabled,
    )


def test_a_graph_and_its_backward_leave_no_reference_cycles():
    gc.collect()
    gc.disable()  # in this test only: cycles would now wait for the collect below
    try:
        x, y, product, total, f = diamond()
        (f * f.relu() + affine([x, y], [1.0, y], 0.5).sigmoid()).backward()
        list(backward_steps(f))
        del x, y, product, total, f
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_affine_is_bias_plus_products_in_input_order_with_local_derivatives():
    w1, w2 = Value(0.5), Value(-2.0)
    h1, h2 = Value(3.0), Value(0.25)
    b = Value(0.1)
    alpha = affine([w1, w2], [h1, h2], b)
    assert alpha.op == "affine"
    assert alpha.inputs == (b, w1, h1, w2, h2)
    assert alpha.data == (0.1 + 0.5 * 3.0) + -2.0 * 0.25  # left to right, as micrograd adds
    # ∂α/∂b = 1, ∂α/∂wᵢ = hᵢ, ∂α/∂hᵢ = wᵢ
    assert shares_to_inputs(alpha, 1.0) == (1.0, 3.0, 0.5, 0.25, -2.0)
    alpha.backward()
    assert (b.grad, w1.grad, h1.grad, w2.grad, h2.grad) == (1.0, 3.0, 0.5, 0.25, -2.0)


def test_affine_takes_numbers_for_inputs_and_bias_as_constant_leaves():
    w = Value(4.0)
    alpha = affine([w], [2.5], 1)
    assert alpha.data == 11.0
    b, _, h = alpha.inputs
    assert (b.data, h.data, b.op, h.inputs, b.label) == (1.0, 2.5, "", (), "")
    alpha.backward()
    assert w.grad == 2.5 and h.grad == 4.0 and b.grad == 1.0


def test_a_constant_operand_becomes_a_plain_float_leaf():
    import numpy as np

    x = Value(2.0)
    for constant in (3, np.float32(3.0), np.int64(3)):
        node = x * constant
        leaf = node.inputs[1]
        assert type(leaf.data) is float and leaf.data == 3.0
        assert (leaf.grad, leaf.label, leaf.op, leaf.inputs) == (0.0, "", "", ())


def test_a_copied_or_unpickled_graph_still_walks_inputs_first():
    import copy
    import pickle

    x, y, *_, f = diamond()
    for clone in (copy.deepcopy(f), pickle.loads(pickle.dumps(f))):
        g = clone * 2.0  # built on the clone afterwards
        order = topological_order(g)
        position = {node: i for i, node in enumerate(order)}
        assert all(position[c] < position[n] for n in order for c in n.inputs)
        g.backward()
        leaves = {n.label: n for n in order if n.label}
        # g = 2f, f = x²y + xy² + x: ∂g/∂x = 2(2xy + y² + 1) = -4, ∂g/∂y = 2(x² + 2xy) = -16.
        assert (leaves["x"].grad, leaves["y"].grad) == (-4.0, -16.0)
    assert x.grad == y.grad == 0.0  # the originals are untouched


def test_a_graph_pickled_in_another_process_gets_fresh_creation_numbers():
    # Another process numbers its nodes from its own counter. Here it is set far ahead of
    # this one, so that kept numbers would make the unpickled nodes look newer than a node
    # built on them afterwards, and backward would visit them too early.
    import pickle
    import subprocess

    ahead = Value(0.0)._number + 1_000_000
    script = (
        "import itertools, pickle, sys\n"
        "from autograd_core import Value, value\n"
        f"value._next_number = itertools.count({ahead}).__next__\n"
        "x = Value(2.0, label='x')\n"
        "f = (x * x).tanh()\n"
        "sys.stdout.buffer.write(pickle.dumps(f))\n"
    )
    pickled = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True)
    f = pickle.loads(pickled.stdout)
    g = f * 3.0
    g.backward()
    x = f.inputs[0].inputs[0]
    # g = 3·tanh(x²): ∂g/∂x = 3·(1 − tanh²(4))·2x at x = 2.
    assert math.isclose(x.grad, 3.0 * (1.0 - math.tanh(4.0) ** 2) * 4.0, rel_tol=1e-12)


class Parameter(Value):
    """A user's subclass with attributes of its own (it has a __dict__)."""


def test_a_copied_subclass_keeps_its_attributes_and_its_consumers_stay_newer():
    import copy
    import pickle

    w = Parameter(2.0, label="w")
    z = w * 3.0
    w.consumer = z  # the subclass's own state reaches z before z is copied as a node
    for w2, z2 in (copy.deepcopy([w, z]), pickle.loads(pickle.dumps([w, z]))):
        assert type(w2) is Parameter and w2.consumer is z2 and w2.label == "w"
        z2.backward()
        assert (w2.grad, z2.grad) == (3.0, 1.0)  # ∂(3w)/∂w = 3
    shallow = copy.copy(w)
    assert shallow.consumer is z and shallow.data == 2.0


def test_backward_in_two_threads_on_graphs_sharing_a_leaf():
    import threading

    w = Value(0.5)
    errors = []

    def train():
        try:
            for _ in range(100):
                v = w
                for _ in range(50):
                    v = v * 1.01 + w * 0.001
                v.backward()
        except Exception as error:  # a thread's exception would otherwise go unnoticed
            errors.append(error)

    threads = [threading.Thread(target=train) for _ in range(2)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # in this test only: switch threads often, inside passes
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    # v_k = 1.01 v_(k−1) + 0.001 w with v_0 = w: dv_k/dw = 1.01 dv_(k−1)/dw + 0.001, from 1.
    derivative = 1.0
    for _ in range(50):
        derivative = 1.01 * derivative + 0.001
    assert math.isclose(w.grad, 200 * derivative, rel_tol=1e-12)
