"""Property tests: random expression DAGs with shared subexpressions against finite differences.

A random program is a list of steps over a growing pool of nodes; an operand may be any
earlier node, the same node twice (``a + a``) or a node reused by several later steps
(diamonds). The same program runs once on Values and once on plain floats; the float run
gives the reference value and, through central differences, the reference gradient.
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_core import Value, topological_order

# Smooth operations with domain shifts that keep every intermediate bounded and off kinks:
# tanh and sigmoid squash, log and division see 1 + x² ≥ 1.
UNARY = {
    "tanh": (math.tanh, Value.tanh),
    "sigmoid": (lambda x: 1 / (1 + math.exp(-x)), Value.sigmoid),
    "log1p_sq": (lambda x: math.log(1 + x * x), lambda v: (1 + v**2).log()),
    "exp_tanh": (lambda x: math.exp(math.tanh(x)), lambda v: v.tanh().exp()),
    "half": (lambda x: 0.5 * x, lambda v: v * 0.5),
    "neg": (lambda x: -x, lambda v: -v),
}
BINARY = {
    "add": (lambda x, y: x + y, lambda a, b: a + b),
    "sub": (lambda x, y: x - y, lambda a, b: a - b),
    "mul": (lambda x, y: x * y, lambda a, b: a * b),
    "div": (lambda x, y: x / (1 + y * y), lambda a, b: a / (1 + b**2)),
}


@st.composite
def programs(draw):
    n_leaves = draw(st.integers(1, 4))
    leaves = draw(st.lists(st.floats(-2, 2), min_size=n_leaves, max_size=n_leaves))
    steps = []
    pool = n_leaves
    for _ in range(draw(st.integers(1, 12))):
        if draw(st.booleans()):
            name = draw(st.sampled_from(sorted(UNARY)))
            steps.append((name, draw(st.integers(0, pool - 1))))
        else:
            name = draw(st.sampled_from(sorted(BINARY)))
            steps.append((name, draw(st.integers(0, pool - 1)), draw(st.integers(0, pool - 1))))
        pool += 1
    return leaves, steps


def run(leaves, steps, on_values: bool):
    pool = [Value(x) for x in leaves] if on_values else list(leaves)
    column = 1 if on_values else 0
    for name, *operands in steps:
        table = UNARY if len(operands) == 1 else BINARY
        pool.append(table[name][column](*(pool[i] for i in operands)))
    # Every node feeds the output, so unused branches still count, with distinct weights.
    out = pool[-1]
    for k, node in enumerate(pool[:-1]):
        out = out + node * (0.1 * (k + 1))
    return pool, out


@settings(max_examples=150, deadline=None)
@given(programs())
def test_random_dags_match_float_values_and_central_differences(program):
    leaves, steps = program
    pool, out = run(leaves, steps, on_values=True)
    _, expected = run(leaves, steps, on_values=False)
    assert math.isclose(out.data, expected, rel_tol=1e-12, abs_tol=1e-12)
    out.backward()
    eps = 1e-6
    for i in range(len(leaves)):
        above, below = list(leaves), list(leaves)
        above[i] += eps
        below[i] -= eps
        numeric = (run(above, steps, False)[1] - run(below, steps, False)[1]) / (2 * eps)
        assert math.isclose(pool[i].grad, numeric, rel_tol=1e-5, abs_tol=1e-6), (i, program)


@settings(max_examples=60, deadline=None)
@given(programs(), st.integers(2, 4))
def test_random_dags_accumulate_exactly_over_repeated_backward(program, calls):
    leaves, steps = program
    _, out = run(leaves, steps, on_values=True)
    out.backward()
    once = {node: node.grad for node in topological_order(out)}
    for _ in range(calls - 1):
        out.backward()
    for node in topological_order(out):
        assert math.isclose(node.grad, calls * once[node], rel_tol=1e-12, abs_tol=1e-300)
