"""autograd_core.graph: topological order, backward, backward_steps, shares per edge;
interrupted and nested passes, threads, depth, memory.

Gradients are checked against derivatives worked out by hand or central differences
(``numerical_gradient``) of the same program run on plain floats.
"""

from __future__ import annotations

import contextlib
import copy
import faulthandler
import gc
import math
import pickle
import signal
import sys
import threading

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from op_registry import BINARY_OPS, UNARY_OPS

from autograd_core import Value, backward_steps, graph, numerical_gradient, topological_order
from autograd_core.graph import graph_nodes, shares_to_inputs


def build_expression():
    """z = tanh(a·b + a²) · (b − a) + a, with a used four times and b twice."""
    a, b = Value(0.7, "a"), Value(-1.3, "b")
    inner = a * b + a**2
    z = inner.tanh() * (b - a) + a
    return a, b, inner, z


def expected_gradients(a: float = 0.7, b: float = -1.3) -> dict[str, float]:
    # By hand: u = ab + a², t = tanh u, z = t(b − a) + a.
    u = a * b + a * a
    t = math.tanh(u)
    dz_du = (b - a) * (1 - t * t)
    return {"a": dz_du * (b + 2 * a) - t + 1, "b": dz_du * a + t, "inner": dz_du, "z": 1.0}


def assert_gradients(a, b, inner, z, times: float) -> None:
    expected = expected_gradients()
    for node, name in ((a, "a"), (b, "b"), (inner, "inner"), (z, "z")):
        assert math.isclose(node.grad, times * expected[name], rel_tol=1e-13), (name, times)


# -- order -----------------------------------------------------------------------------------


def test_graph_nodes_lists_each_node_once_root_first():
    a = Value(3.0)
    square = a * a
    assert graph_nodes(square) == [square, a]
    *_, z = build_expression()
    nodes = graph_nodes(z)
    assert nodes[0] is z and len(nodes) == len(set(nodes)) == 9


def test_topological_order_lists_each_node_once_inputs_first_root_last():
    *_, z = build_expression()
    order = topological_order(z)
    # a, b, a·b, a², a·b + a², tanh, b − a, product, + a: 9 nodes
    assert len(order) == len(set(order)) == 9 and order[-1] is z
    position = {node: i for i, node in enumerate(order)}
    assert all(position[child] < position[node] for node in order for child in node.inputs)
    leaf = Value(1.0)
    assert topological_order(leaf) == [leaf]


def test_topological_order_respects_a_late_deep_path():
    # The root's second input is also reached deeper through its first input.
    base = Value(1.0)
    deep = base
    for _ in range(5):
        deep = deep + 1.0
    order = topological_order(base + deep)
    position = {node: i for i, node in enumerate(order)}
    assert all(position[child] < position[node] for node in order for child in node.inputs)


def test_shares_are_per_edge_even_when_an_input_repeats():
    a = Value(3.0)
    square = a * a
    # ∂(a·a)/∂(first a) = a and ∂(a·a)/∂(second a) = a: two edges, two shares of 3, not one of 6.
    assert shares_to_inputs(square, 1.0) == (3.0, 3.0)
    assert shares_to_inputs(square, 2.0) == (6.0, 6.0)
    assert shares_to_inputs(a, 1.0) == ()


# -- backward --------------------------------------------------------------------------------


def test_backward_matches_hand_derived_gradients():
    a, b, inner, z = build_expression()
    z.backward()
    assert_gradients(a, b, inner, z, 1)


@pytest.mark.parametrize("calls", [2, 3, 7])
def test_k_calls_give_k_times_the_derivative_at_every_node(calls):
    a, b, inner, z = build_expression()
    for _ in range(calls):
        z.backward()
    assert_gradients(a, b, inner, z, calls)
    assert z.grad == calls


def test_a_node_used_many_times_gets_the_sum_of_its_contributions():
    x = Value(2.0)
    (x + x + x * x + x * 3.0).backward()  # 2x + x² + 3x: derivative 5 + 2x = 9
    assert x.grad == 9.0
    y = Value(0.3)
    shared = y.exp()
    (shared * shared.sigmoid() + shared.tanh()).backward()
    e = math.exp(0.3)
    s = 1 / (1 + math.exp(-e))
    assert math.isclose(y.grad, (s + e * s * (1 - s) + 1 - math.tanh(e) ** 2) * e, rel_tol=1e-13)


def test_lecture_002_chain_rule_y_x2_z_y2_gives_4x_cubed():
    # Lecture 002: y = x², z = y², so ∂z/∂x = 4xy = 4x³; at x = 1.5 that is 13.5.
    x = Value(1.5)
    z = (x**2) ** 2
    z.backward()
    assert (z.data, x.grad) == (1.5**4, 13.5)


def test_graphs_sharing_leaves_each_get_their_own_pass():
    x = Value(1.5)
    first = x * x  # 2x = 3
    second = x.exp() + x  # eˣ + 1
    first.backward()
    second.backward()
    first.backward()
    assert math.isclose(x.grad, 2 * 3.0 + math.exp(1.5) + 1, rel_tol=1e-14)


# -- backward_steps --------------------------------------------------------------------------


def test_backward_steps_go_newest_first_with_live_grads():
    a, b, inner, z = build_expression()
    order = topological_order(z)
    finished = set()
    steps = []
    for step in backward_steps(z):
        finished.add(step.node)
        steps.append(step)
        # The current node's gradient is final, nodes not reached yet still hold 0.
        assert step.node.grad == step.upstream
        assert all(node.grad == 0.0 for node in order if node not in finished)
    assert [step.node for step in steps] == order[::-1]
    assert [step.index for step in steps] == list(range(len(order)))
    # Reverse topological order in its own terms: a node comes after every node using it.
    place = {step.node: step.index for step in steps}
    assert all(place[u] < place[child] for u in order for child in u.inputs)
    assert_gradients(a, b, inner, z, 1)


def test_backward_steps_contribution_is_upstream_times_local():
    x, y = Value(3.0), Value(-2.0)
    out = (x * y) * 2.0
    step = next(s for s in backward_steps(out) if s.node is out.inputs[0])
    assert step.upstream == 2.0
    assert step.contributions == ((x, -4.0), (y, 6.0))  # 2 · ∂(xy)/∂x = 2y, 2 · ∂(xy)/∂y = 2x


def test_a_half_consumed_step_through_and_backward_do_not_disturb_each_other():
    a, b, inner, z = build_expression()
    steps = backward_steps(z)
    for _ in range(4):
        next(steps)
    z.backward()  # a full pass while the step-through is suspended
    for _ in steps:
        pass
    assert_gradients(a, b, inner, z, 2)


# -- random graphs from the op registry -------------------------------------------------------

# Smooth steps whose intermediates stay bounded and off kinks, for the finite differences.
SMOOTH_UNARY = {
    "tanh": (math.tanh, Value.tanh),
    "sigmoid": (lambda x: 1 / (1 + math.exp(-x)), Value.sigmoid),
    "log1p_sq": (lambda x: math.log(1 + x * x), lambda v: (1 + v**2).log()),
    "half": (lambda x: 0.5 * x, lambda v: v * 0.5),
    "neg": (lambda x: -x, lambda v: -v),
}
SMOOTH_BINARY = {
    "add": (lambda x, y: x + y, lambda a, b: a + b),
    "sub": (lambda x, y: x - y, lambda a, b: a - b),
    "mul": (lambda x, y: x * y, lambda a, b: a * b),
    "div": (lambda x, y: x / (1 + y * y), lambda a, b: a / (1 + b**2)),
}


@st.composite
def programs(draw, n_unary: int, n_binary: int):
    """Leaves, then steps (op index, operand indices) over a growing pool of nodes: an
    operand may be any earlier node, the same node twice, or one reused later (diamonds)."""
    n_leaves = draw(st.integers(1, 4))
    leaves = draw(st.lists(st.floats(-2, 2), min_size=n_leaves, max_size=n_leaves))
    steps = []
    for pool in range(n_leaves, n_leaves + draw(st.integers(1, 12))):
        operand = st.integers(0, pool - 1)
        if draw(st.booleans()):
            steps.append((draw(st.integers(0, n_unary - 1)), draw(operand)))
        else:
            steps.append((draw(st.integers(0, n_binary - 1)), draw(operand), draw(operand)))
    return leaves, steps


def run(program, unary, binary, column):
    """The program on Values (column 1) or floats (column 0); every node feeds the output."""
    leaves, steps = program
    pool = [Value(x) for x in leaves] if column else list(leaves)
    for index, *operands in steps:
        table = unary if len(operands) == 1 else binary
        pool.append(table[index][column](*(pool[i] for i in operands)))
    out = pool[-1]
    for k, node in enumerate(pool[:-1]):
        out = out + node * (0.1 * (k + 1))
    return pool, out


SMOOTH = (list(SMOOTH_UNARY.values()), list(SMOOTH_BINARY.values()))


@settings(max_examples=150, deadline=None)
@given(programs(len(SMOOTH_UNARY), len(SMOOTH_BINARY)))
def test_random_graphs_match_float_values_and_central_differences(program):
    pool, out = run(program, *SMOOTH, column=1)
    _, expected = run(program, *SMOOTH, column=0)
    assert math.isclose(out.data, expected, rel_tol=1e-12, abs_tol=1e-12)
    out.backward()
    leaves, steps = program

    def on_floats(*xs: Value) -> Value:  # the program on plain floats, as a Value
        return Value(run(([x.data for x in xs], steps), *SMOOTH, column=0)[1])

    numeric = numerical_gradient(on_floats, leaves)
    for i, expected in enumerate(numeric):
        assert math.isclose(pool[i].grad, expected, rel_tol=1e-5, abs_tol=1e-6), (i, program)


REGISTRY = (
    [(op.on_float, op.on_value) for op in UNARY_OPS],
    [(op.on_float, op.on_value) for op in BINARY_OPS],
)


def same(x: float, y: float) -> bool:
    """Equal as IEEE numbers, nan matching nan (registry ops may leave their domain)."""
    return x == y or (math.isnan(x) and math.isnan(y))


@settings(max_examples=150, deadline=None)
@given(programs(len(UNARY_OPS), len(BINARY_OPS)))
@example(([0.0], [(4, 0), (18, 1)]))  # sin of 1/0 = inf: an op pushed out of its domain
def test_backward_steps_leave_exactly_what_backward_leaves_on_random_graphs(program):
    _, out = run(program, *REGISTRY, column=1)
    out.backward()
    _, twin = run(program, *REGISTRY, column=1)
    steps = list(backward_steps(twin))
    assert [step.node for step in steps] == topological_order(twin)[::-1]
    everything, twin_everything = topological_order(out), topological_order(twin)
    assert all(same(u.grad, v.grad) for u, v in zip(everything, twin_everything))


# -- interrupted passes ----------------------------------------------------------------------


def trace_graph_lines(action, on_line, inside_backward: bool = True) -> int:
    """Run ``action()`` calling ``on_line(n)`` at the n-th line graph.py executes; the count.

    A trace function that raises makes the exception appear in the traced code at that
    line, as a Ctrl-C would; Python then stops tracing. With ``inside_backward=False`` the
    lines of ``backward`` itself are left out: there a raise could land between its
    ``with`` block and the lock's release, where Python never delivers a signal.
    """
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
            on_line(count)
        return local

    def tracer(frame, event, arg):
        code = frame.f_code
        if code.co_filename != graph.__file__:
            return None
        return local if inside_backward or code.co_name != "backward" else None

    sys.settrace(tracer)
    try:
        action()
    finally:
        sys.settrace(None)
    return count


def interrupt_at(line: int):
    def on_line(n: int) -> None:
        if n == line:
            raise KeyboardInterrupt

    return on_line


def lines_in_one_pass(inside_backward: bool = True) -> int:
    *_, z = build_expression()
    return trace_graph_lines(z.backward, lambda n: None, inside_backward)


def test_an_interrupted_pass_leaves_every_grad_as_it_was_or_finishes():
    # Ctrl-C at every line a pass runs: after it, every .grad holds one whole pass or two
    # (all or nothing), and the next pass adds exactly one more.
    for line in range(1, lines_in_one_pass(inside_backward=False) + 1):
        a, b, inner, z = build_expression()
        z.backward()
        with pytest.raises(KeyboardInterrupt):
            trace_graph_lines(z.backward, interrupt_at(line), inside_backward=False)
        passes = round(z.grad)
        assert passes in (1, 2), line
        assert_gradients(a, b, inner, z, passes)
        z.backward()
        assert_gradients(a, b, inner, z, passes + 1)


class Fragile(Value):
    """A leaf whose backward scratch raises KeyboardInterrupt at the chosen reads and writes
    of it: a Ctrl-C landing exactly there, as often as wanted, during a pass or while the
    pass deals with the last one."""

    def arm(self, interrupts: set[int] | None) -> None:
        self.accesses, self.interrupts = 0, interrupts  # None: every access from now on

    def _tick(self) -> None:
        self.accesses += 1
        if self.interrupts is None or self.accesses in self.interrupts:
            raise KeyboardInterrupt

    @property
    def _adjoint(self) -> float:
        self._tick()
        return Value._adjoint.__get__(self)

    @_adjoint.setter
    def _adjoint(self, value: float) -> None:
        self._tick()
        Value._adjoint.__set__(self, value)


def fragile_expression():
    """build_expression, with a (used four times) a Fragile leaf."""
    a, b = Fragile(0.7, "a"), Value(-1.3, "b")
    a.arm(set())
    inner = a * b + a**2
    return a, b, inner, inner.tanh() * (b - a) + a


def test_any_number_of_interrupts_leave_the_next_pass_exact():
    a, b, inner, z = fragile_expression()
    z.backward()
    accesses = a.accesses + 4  # a clean pass's, and a few more for whatever recovers
    cases = [{i, j} for i in range(1, accesses) for j in range(i + 1, accesses + 1)]
    cases += [{i, i + 1, i + 2} for i in range(1, accesses)] + [None]  # None: all from one on
    for interrupts in cases:
        a, b, inner, z = fragile_expression()
        for _ in range(3):  # three passes in a row, each interrupted as often as chosen
            a.arm(interrupts)
            with contextlib.suppress(KeyboardInterrupt):
                z.backward()
        a.arm(set())
        for node in topological_order(z):
            node.grad = 0.0
        z.backward()
        assert_gradients(a, b, inner, z, 1)


HANG = 300  # seconds: only a deadlock takes this long; faulthandler then ends the run


def test_a_pass_started_in_a_signal_handler_during_a_pass_completes_both():
    # A real signal, raised at every line of a pass: Python runs the handler (which starts
    # a pass on a graph sharing a and b) at the next point it checks for signals.
    handled = []

    def handler(signum, frame):
        handled.append(signum)
        other.backward()

    previous = signal.signal(signal.SIGUSR1, handler)
    faulthandler.dump_traceback_later(HANG, exit=True)
    try:
        for line in range(1, lines_in_one_pass() + 1):
            a, b, inner, z = build_expression()
            other = a * b  # ∂/∂a = b, ∂/∂b = a
            handled.clear()

            def raise_signal(n: int, line: int = line) -> None:
                if n == line:
                    signal.raise_signal(signal.SIGUSR1)

            trace_graph_lines(z.backward, raise_signal)
            assert handled == [signal.SIGUSR1]
            expected = expected_gradients()
            assert math.isclose(a.grad, expected["a"] + b.data, rel_tol=1e-13), line
            assert math.isclose(b.grad, expected["b"] + a.data, rel_tol=1e-13), line
            assert math.isclose(inner.grad, expected["inner"], rel_tol=1e-13)
    finally:
        faulthandler.cancel_dump_traceback_later()
        signal.signal(signal.SIGUSR1, previous)


def test_a_pass_inside_a_pass_on_the_same_graph_works_at_every_line():
    faulthandler.dump_traceback_later(HANG, exit=True)
    try:
        for line in range(1, lines_in_one_pass() + 1):
            a, b, inner, z = build_expression()

            def nested(n: int, line: int = line, z: Value = z) -> None:
                if n == line:
                    z.backward()

            trace_graph_lines(z.backward, nested)
            assert_gradients(a, b, inner, z, 2)
    finally:
        faulthandler.cancel_dump_traceback_later()


def test_backward_in_two_threads_on_graphs_sharing_a_leaf():
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
            thread.join(timeout=120)
    finally:
        sys.setswitchinterval(interval)
    assert errors == [] and not any(thread.is_alive() for thread in threads)
    # v_k = 1.01 v_(k−1) + 0.001 w with v_0 = w: dv_k/dw = 1.01 dv_(k−1)/dw + 0.001, from 1.
    derivative = 1.0
    for _ in range(50):
        derivative = 1.01 * derivative + 0.001
    assert math.isclose(w.grad, 200 * derivative, rel_tol=1e-12)


# -- depth and memory ------------------------------------------------------------------------


def live_values() -> int:
    return sum(1 for obj in gc.get_objects() if isinstance(obj, Value))


def test_a_million_deep_chain_walks_refuses_copying_at_once_and_is_freed_without_gc():
    limit, thresholds = sys.getrecursionlimit(), gc.get_threshold()
    gc.collect()
    before = live_values()
    gc.disable()  # in this test only: what is left must be freed by reference counting
    try:
        x = Value(0.5)
        v = x
        for _ in range(1_000_000):
            v = v + 1e-6
        assert len(topological_order(v)) == 2_000_001  # the chain plus its constant leaves
        v.backward()
        list(backward_steps(v * 1.0))
        assert x.grad == 2.0  # backward, then the steps of v·1
        assert math.isclose(v.data, 0.5 + 1_000_000 * 1e-6, rel_tol=1e-9)
        for duplicate in (copy.copy, copy.deepcopy, pickle.dumps):
            with pytest.raises(TypeError, match=r"cannot copy or pickle .*op '\+'"):
                duplicate(v)
        del v, x
        assert live_values() == before
    finally:
        gc.enable()
    assert (sys.getrecursionlimit(), gc.get_threshold()) == (limit, thresholds)


def test_a_graph_and_its_passes_leave_no_reference_cycles():
    gc.collect()
    gc.disable()  # in this test only: cycles would now wait for the collect below
    try:
        a, b, inner, z = build_expression()
        out = z * z.relu() + (inner / b).sigmoid().exp().log() ** 2
        out.backward()
        list(backward_steps(out))
        del a, b, inner, z, out
        assert gc.collect() == 0
    finally:
        gc.enable()
