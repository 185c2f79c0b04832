"""Benchmarks: autograd-core against micrograd 0.1.0 and hand-written float code.

Run ``make bench`` (or ``.venv/bin/python benchmarks/bench.py``); ``--quick`` runs every
workload at a small size in seconds, which is what the test suite does. Workloads:

- W1, a wide graph: N leaf pairs aᵢ, bᵢ; L = Σᵢ (aᵢ·bᵢ + relu(aᵢ)), the sum taken as a
  balanced tree; forward and backward timed apart, with the garbage collector on and off.
- W2, a chain x → x·1.0001 + 0.001 of growing depth: the deepest each engine survives, and
  what a node costs at the deepest depth against one of a chain 1,000 deep.
- W3, one SGD step of an MLP 2-16-16-1 over 100 two-moons points (forward over all points,
  backward of L = ½ Σ (t − y)², update), plus the lectures' NumPy formulas as the matrix path.
- W4, bytes per node of a built graph of about 100,000 nodes, by tracemalloc.

Every engine computes the same numbers from the same inputs and weights; the script checks
that all gradients agree to 1e-12 relative and exits with status 1 if any do not. Timings
are CPU time of this process (``time.process_time``), so other load on the machine counts
less; each is the median over repeats in which the engines take turns.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

import nn
from autograd_core import Value, topological_order
from nn.lectures import formulas

try:
    import micrograd.engine
    import micrograd.nn
except ImportError:  # pragma: no cover - the bench and dev extras install it
    sys.exit("micrograd is missing: install the bench extra, pip install -e '.[bench]'")

RTOL = 1e-12
OURS, MICROGRAD, FLOATS, NUMPY = "autograd-core", "micrograd", "floats", "numpy"


# -- timing and comparing -------------------------------------------------------------------


def cpu_seconds(action: Callable[[], object], gc_enabled: bool = True) -> tuple[float, object]:
    """Run ``action`` once; return its CPU time and its result.

    With ``gc_enabled=False`` the cyclic collector is switched off for this call only, to
    show how much of a run is the collector's; the library itself never touches it.
    """
    if not gc_enabled:
        gc.disable()
    try:
        start = time.process_time()
        result = action()
        return time.process_time() - start, result
    finally:
        gc.enable()


def settle() -> None:
    """Free the previous run's garbage so it is not charged to the next engine's run.

    micrograd's nodes are reference cycles that only the collector frees; ours are freed
    by reference counting as soon as they are dropped.
    """
    gc.collect()


@dataclass
class Checks:
    """Every gradient comparison made in this run, for the summary."""

    failures: list[str] = field(default_factory=list)
    count: int = 0

    def agree(self, what: str, expected: list[float], got: list[float]) -> None:
        self.count += 1
        if len(expected) != len(got):
            self.failures.append(f"{what}: {len(expected)} gradients vs {len(got)}")
            return
        for i, (e, g) in enumerate(zip(expected, got)):
            if not math.isclose(e, g, rel_tol=RTOL, abs_tol=1e-300):
                self.failures.append(f"{what}: gradient {i} is {g!r}, expected {e!r}")
                return
        print(f"  gradients agree: {what} ({len(expected)} numbers, rtol {RTOL:g})")


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def rotated(items: list, turn: int) -> list:
    """The engines in a different order each repeat, so none always runs first."""
    k = turn % len(items)
    return items[k:] + items[:k]


# -- W1: a wide graph -----------------------------------------------------------------------


def w1_leaf_data(n: int) -> tuple[list[float], list[float]]:
    rng = np.random.default_rng(1)
    return rng.uniform(-1.0, 1.0, n).tolist(), rng.uniform(-1.0, 1.0, n).tolist()


def balanced_sum(terms: list):
    """Σ terms as a balanced binary tree of additions (pairs, then pairs of pairs, ...)."""
    while len(terms) > 1:
        paired = [terms[i] + terms[i + 1] for i in range(0, len(terms) - 1, 2)]
        if len(terms) % 2:
            paired.append(terms[-1])
        terms = paired
    return terms[0]


def w1_graph(a: list, b: list):
    """L = Σᵢ (aᵢ·bᵢ + relu(aᵢ)) for engine Values (both engines spell relu the same)."""
    return balanced_sum([ai * bi + ai.relu() for ai, bi in zip(a, b)])


def w1_floats(a: list[float], b: list[float]) -> tuple[float, float, list[float]]:
    """The floor: W1's forward and backward as straight-line float code; returns timings."""
    start = time.process_time()
    terms = [ai * bi + (ai if ai > 0.0 else 0.0) for ai, bi in zip(a, b)]
    balanced_sum(terms)
    forward = time.process_time() - start
    start = time.process_time()
    # Every term reaches L with weight 1: ∂L/∂aᵢ = bᵢ + step(aᵢ), ∂L/∂bᵢ = aᵢ.
    grad_a = [bi + (1.0 if ai > 0.0 else 0.0) for ai, bi in zip(a, b)]
    grad_b = list(a)
    backward = time.process_time() - start
    return forward, backward, grad_a + grad_b


def run_w1(n: int, repeats: int, checks: Checks) -> dict:
    a_data, b_data = w1_leaf_data(n)
    nodes = len(topological_order(w1_graph(as_leaves(Value, a_data), as_leaves(Value, b_data))))
    results: dict = {}
    for gc_enabled in (True, False):
        times = {name: ([], []) for name in (OURS, MICROGRAD, FLOATS)}
        grads = {}
        for turn in range(repeats):
            for name in rotated([OURS, MICROGRAD, FLOATS], turn):
                settle()
                if name == FLOATS:
                    fwd, bwd, grads[name] = w1_floats(a_data, b_data)
                else:
                    value_type = Value if name == OURS else micrograd.engine.Value
                    a, b = as_leaves(value_type, a_data), as_leaves(value_type, b_data)
                    fwd, root = cpu_seconds(lambda a=a, b=b: w1_graph(a, b), gc_enabled)
                    bwd, _ = cpu_seconds(root.backward, gc_enabled)
                    grads[name] = [float(v.grad) for v in a + b]
                    del root, a, b
                times[name][0].append(fwd)
                times[name][1].append(bwd)
        label = "on" if gc_enabled else "off"
        checks.agree(f"W1 N={n} gc {label}, micrograd vs floats", grads[FLOATS], grads[MICROGRAD])
        checks.agree(f"W1 N={n} gc {label}, autograd-core vs floats", grads[FLOATS], grads[OURS])
        results[label] = {
            name: (median(f) / nodes * 1e9, median(b) / nodes * 1e9)
            for name, (f, b) in times.items()
        }
    results["nodes"] = nodes
    return results


def as_leaves(value_type: type, data: list[float]) -> list:
    return [value_type(x) for x in data]


# -- W2: a deep chain -----------------------------------------------------------------------

W2_SHALLOW = 1000  # the chain a deep chain's cost per node is compared with
W2_MAX_SLOWDOWN = 3.0


def w2_chain(value_type: type, depth: int):
    x = value_type(0.5)
    v = x
    for _ in range(depth):
        v = v * 1.0001 + 0.001
    return x, v


def w2_engine(value_type: type, depth: int) -> tuple[float, float] | None:
    """(seconds for forward + backward, ∂v/∂x) for a chain of ``depth`` steps, or None when
    the engine's backward raises RecursionError."""
    settle()
    start = time.process_time()
    x, v = w2_chain(value_type, depth)
    try:
        v.backward()
    except RecursionError:
        return None
    return time.process_time() - start, float(x.grad)


def w2_floats(depth: int) -> tuple[float, float]:
    """The floor: the chain's values forward, then its adjoint backward, as floats."""
    start = time.process_time()
    values = [0.5]
    for _ in range(depth):
        values.append(values[-1] * 1.0001 + 0.001)
    grad = 1.0
    for _ in range(depth):
        grad = grad * 1.0001  # ∂(v·1.0001 + 0.001)/∂v
    return time.process_time() - start, grad


def w2_phases(depth: int) -> dict[str, tuple[float, float]]:
    """This engine's chain of ``depth`` steps, forward and backward timed apart (ns/node),
    with the collector on and off: where W2's time goes (see benchmarks/README.md)."""
    phases = {}
    for label, gc_enabled in (("on", True), ("off", False)):
        settle()
        forward, (x, v) = cpu_seconds(lambda: w2_chain(Value, depth), gc_enabled)
        backward, _ = cpu_seconds(v.backward, gc_enabled)
        nodes = 4 * depth + 1
        phases[label] = (forward / nodes * 1e9, backward / nodes * 1e9)
        del x, v
    return phases


def w2_shallow_ns_per_node(depth: int, repeats: int) -> float:
    """This engine's ns/node, forward and backward, for a chain ``depth`` steps deep: the
    median over ``repeats`` runs (a short chain takes only milliseconds, so one run is noisy)."""
    samples = []
    for _ in range(repeats):
        seconds, _ = w2_engine(Value, depth)
        samples.append(seconds / (4 * depth + 1) * 1e9)
    return median(samples)


def deepest_surviving(value_type: type, failing_depth: int) -> int:
    """Bisect for the largest depth below ``failing_depth`` whose backward succeeds."""
    low, high = 0, failing_depth  # low survives (a lone leaf), high fails
    while high - low > 1:
        middle = (low + high) // 2
        if w2_engine(value_type, middle) is None:
            high = middle
        else:
            low = middle
    return low


def run_w2(depths: list[int], checks: Checks) -> dict:
    results: dict = {}
    for name, value_type in ((OURS, Value), (MICROGRAD, micrograd.engine.Value)):
        deepest, per_node = 0, None
        for depth in depths:
            outcome = w2_engine(value_type, depth)
            if outcome is None:
                deepest = deepest_surviving(value_type, depth)
                break
            seconds, grad = outcome
            deepest, per_node = depth, seconds / (4 * depth + 1) * 1e9
            _, floor_grad = w2_floats(depth)
            checks.agree(f"W2 depth {depth}, {name} vs floats", [floor_grad], [grad])
        if per_node is None and deepest > 0:
            seconds, grad = w2_engine(value_type, deepest)
            per_node = seconds / (4 * deepest + 1) * 1e9
            checks.agree(f"W2 depth {deepest}, {name} vs floats", [w2_floats(deepest)[1]], [grad])
        results[name] = (deepest, per_node)
    seconds, _ = w2_floats(depths[-1])
    results[FLOATS] = (depths[-1], seconds / (4 * depths[-1] + 1) * 1e9)
    results["phases"] = w2_phases(depths[-1])
    results["shallow"] = w2_shallow_ns_per_node(W2_SHALLOW, repeats=21)
    return results


# -- W3: one SGD step of an MLP -------------------------------------------------------------

ACTIVATIONS = ["relu", "relu", "linear"]


def w3_problem(points: int) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray, np.ndarray]:
    """Weights of a 2-16-16-1 MLP (lectures' shapes) and two-moons data with ±1 targets."""
    rng = np.random.default_rng(7)
    sizes = [2, 16, 16, 1]
    weights = [rng.uniform(-1.0, 1.0, (n_out, n_in)) for n_in, n_out in pairwise(sizes)]
    biases = [rng.uniform(-0.5, 0.5, n_out) for n_out in sizes[1:]]
    X, y = nn.two_moons(points, noise=0.1, seed=3)
    return weights, biases, X, 2.0 * y - 1.0


def w3_ours(weights, biases, X, T, lr):
    model = nn.MLP.from_arrays(weights, biases, activation="relu", output_activation="linear")
    inputs = X.tolist()
    targets = T.tolist()

    def step() -> Callable[[], list[float]]:
        model.zero_grad()
        loss = nn.half_squared_error([model(x) for x in inputs], targets)
        loss.backward()
        nn.SGD(model.parameters(), lr=lr).step()
        return lambda: grads_in_lecture_order(model.grad_arrays())

    return step


def w3_micrograd(weights, biases, X, T, lr):
    model = micrograd.nn.MLP(len(X[0]), [w.shape[0] for w in weights])
    for layer, W, b in zip(model.layers, weights, biases):
        for neuron, row, bias in zip(layer.neurons, W.tolist(), b.tolist()):
            for w, value in zip(neuron.w, row):
                w.data = value
            neuron.b.data = bias
    inputs = X.tolist()
    targets = T.tolist()

    def step() -> Callable[[], list[float]]:
        model.zero_grad()
        outputs = [model(x) for x in inputs]
        loss = sum(((y - t) ** 2 for y, t in zip(outputs, targets)), micrograd.engine.Value(0.0))
        (loss * 0.5).backward()
        for p in model.parameters():
            p.data -= lr * p.grad
        return lambda: grads_in_lecture_order(
            (
                [
                    np.array([[w.grad for w in n.w] for n in layer.neurons])
                    for layer in model.layers
                ],
                [np.array([n.b.grad for n in layer.neurons]) for layer in model.layers],
            )
        )

    return step


def w3_floats(weights, biases, X, T, lr):
    """The floor: the MLP's forward and backward per point as plain float loops."""
    Ws = [W.tolist() for W in weights]
    bs = [b.tolist() for b in biases]
    inputs = X.tolist()
    targets = T.tolist()
    last = len(Ws) - 1

    def step() -> Callable[[], list[float]]:
        grad_W = [[[0.0] * len(row) for row in W] for W in Ws]
        grad_b = [[0.0] * len(b) for b in bs]
        for x, t in zip(inputs, targets):
            hs, alphas = [x], []
            for k, (W, b) in enumerate(zip(Ws, bs)):
                h = hs[-1]
                alpha = [bj + sum(w * hi for w, hi in zip(row, h)) for row, bj in zip(W, b)]
                alphas.append(alpha)
                hs.append(alpha if k == last else [a if a > 0.0 else 0.0 for a in alpha])
            g = [hs[-1][0] - t]  # ∂½(t − y)²/∂y = y − t
            for k in range(last, -1, -1):
                if k != last:
                    g = [gj if a > 0.0 else 0.0 for gj, a in zip(g, alphas[k])]
                h = hs[k]
                for j, gj in enumerate(g):
                    grad_b[k][j] += gj
                    row = grad_W[k][j]
                    for i, hi in enumerate(h):
                        row[i] += gj * hi
                if k:
                    W = Ws[k]
                    g = [sum(W[j][i] * g[j] for j in range(len(g))) for i in range(len(h))]
        for W, gW, b, gb in zip(Ws, grad_W, bs, grad_b):
            for row, grow in zip(W, gW):
                for i, gi in enumerate(grow):
                    row[i] -= lr * gi
            for j, gj in enumerate(gb):
                b[j] -= lr * gj
        return lambda: grads_in_lecture_order(
            ([np.array(gW) for gW in grad_W], [np.array(gb) for gb in grad_b])
        )

    return step


def w3_numpy(weights, biases, X, T, lr):
    """The matrix path: lecture 001's two-step algorithm over the whole batch at once."""
    Ws = [W.copy() for W in weights]
    bs = [b.copy() for b in biases]
    batch, targets = X.T, T[None, :]

    def step() -> Callable[[], list[float]]:
        grad_W, grad_b = formulas.two_step_gradients(Ws, bs, batch, targets, ACTIVATIONS)
        for W, gW, b, gb in zip(Ws, grad_W, bs, grad_b):
            W -= lr * gW
            b -= lr * gb
        return lambda: grads_in_lecture_order((grad_W, grad_b))

    return step


def grads_in_lecture_order(arrays: tuple[list[np.ndarray], list[np.ndarray]]) -> list[float]:
    """W1 row by row, b1, W2, b2, ...: one flat list to compare engines by."""
    weights, biases = arrays
    flat: list[float] = []
    for W, b in zip(weights, biases):
        flat += np.asarray(W, dtype=float).ravel().tolist() + np.asarray(b).tolist()
    return flat


def run_w3(points: int, repeats: int, checks: Checks) -> dict:
    problem = w3_problem(points)
    makers = {OURS: w3_ours, MICROGRAD: w3_micrograd, FLOATS: w3_floats, NUMPY: w3_numpy}
    times: dict[str, list[float]] = {name: [] for name in makers}
    grads: dict[str, list[float]] = {}
    for turn in range(repeats):
        for name in rotated(list(makers), turn):
            step = makers[name](*problem, lr=0.05)
            settle()
            seconds, gradients = cpu_seconds(step)
            times[name].append(seconds)
            grads[name] = gradients()
            del step, gradients
    for name in (MICROGRAD, OURS, NUMPY):
        checks.agree(f"W3 {points} points, {name} vs floats", grads[FLOATS], grads[name])
    return {name: median(samples) * 1e3 for name, samples in times.items()}


# -- W4: memory per node --------------------------------------------------------------------


def run_w4(nodes_wanted: int) -> dict:
    n = max(1, (nodes_wanted + 1) // 6)  # W1 with n pairs has 6n − 1 nodes
    a_data, b_data = w1_leaf_data(n)
    nodes = 6 * n - 1
    results = {}
    for name, value_type in ((OURS, Value), (MICROGRAD, micrograd.engine.Value)):
        settle()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        a, b = as_leaves(value_type, a_data), as_leaves(value_type, b_data)
        root = w1_graph(a, b)
        built = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.reset_peak()
        root.backward()
        after, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results[name] = (built / nodes, (after - before) / nodes, (peak - before) / nodes)
        del a, b, root
    results["nodes"] = nodes
    return results


# -- report ---------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass

    return (
        f"{os.cpu_count()} CPUs ({cpu}), {platform.python_implementation()} "
        f"{platform.python_version()}, gc thresholds {gc.get_threshold()}"
    )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for the test suite")
    parser.add_argument("--repeats", type=int, default=None, help="alternating repeats")
    args = parser.parse_args(argv)
    if args.quick:
        w1_n, w2_depths, w3_points, w4_nodes, repeats = 200, [100, 1000], 10, 2000, 1
    else:
        w1_n, w2_depths, w3_points, w4_nodes, repeats = (
            20_000,
            [10**3, 10**4, 10**5, 10**6],
            100,
            100_000,
            5,
        )
    repeats = args.repeats or repeats
    checks = Checks()
    print(f"machine: {machine()}")
    print(
        f"sizes: W1 N={w1_n}, W2 depths {w2_depths}, W3 {w3_points} points, W4 ~{w4_nodes} nodes; "
        f"{repeats} alternating repeats, medians of CPU time\n"
    )

    w1 = run_w1(w1_n, repeats, checks)
    w2 = run_w2(w2_depths, checks)
    w3 = run_w3(w3_points, repeats, checks)
    w4 = run_w4(w4_nodes)

    print(f"\n| workload | {FLOATS} (floor) | {MICROGRAD} 0.1.0 | {OURS} | micrograd / ours |")
    print("| --- | --- | --- | --- | --- |")
    ratios = {}
    for label in ("on", "off"):
        row = w1[label]
        fwd_bwd = {name: row[name][0] + row[name][1] for name in row}
        ratios[label] = fwd_bwd[MICROGRAD] / fwd_bwd[OURS]
        cells = " | ".join(
            f"{fwd_bwd[name]:,.0f} ({row[name][0]:,.0f} + {row[name][1]:,.0f})"
            for name in (FLOATS, MICROGRAD, OURS)
        )
        print(
            f"| W1 ns/node, fwd+bwd (fwd + bwd), gc {label}, {w1['nodes']:,} nodes | {cells} "
            f"| {ratios[label]:.1f}× |"
        )
    deep = {name: w2[name] for name in (FLOATS, MICROGRAD, OURS)}
    cells = " | ".join(f"{d:,} deep, {ns:,.0f} ns/node" for d, ns in deep.values())
    print(f"| W2 deepest chain survived, ns/node there (fwd+bwd) | {cells} | — |")
    cells = ", ".join(
        f"gc {label} {fwd + bwd:,.0f} ({fwd:,.0f} + {bwd:,.0f})"
        for label, (fwd, bwd) in w2["phases"].items()
    )
    print(
        f"| W2 {OURS} alone at {w2_depths[-1]:,} deep, ns/node (fwd + bwd) | — | — | {cells} | — |"
    )
    print(
        f"| W2 {OURS} at {W2_SHALLOW:,} deep, ns/node (fwd+bwd, median of 21) | — | — "
        f"| {w2['shallow']:,.0f} | — |"
    )
    ratios["W3"] = w3[MICROGRAD] / w3[OURS]
    print(
        f"| W3 SGD step, ms ({w3_points} points; NumPy formulas: {w3[NUMPY]:.2f} ms) "
        f"| {w3[FLOATS]:,.1f} | {w3[MICROGRAD]:,.1f} | {w3[OURS]:,.1f} | {ratios['W3']:.1f}× |"
    )
    print(
        f"| W4 bytes/node, {w4['nodes']:,}-node W1 graph: built (after backward; peak in backward) "
        f"| — | {w4[MICROGRAD][0]:,.0f} ({w4[MICROGRAD][1]:,.0f}; {w4[MICROGRAD][2]:,.0f}) "
        f"| {w4[OURS][0]:,.0f} ({w4[OURS][1]:,.0f}; {w4[OURS][2]:,.0f}) "
        f"| {w4[MICROGRAD][0] / w4[OURS][0]:.1f}× |"
    )

    print(
        "\nTargets"
        + (" (a --quick run is too small for them to mean anything)" if args.quick else "")
    )
    deepest, per_node = w2[OURS]
    targets = [
        (f"W3 at least 10× faster than micrograd: {ratios['W3']:.1f}×", ratios["W3"] >= 10),
        (f"W1 at least 2× faster than micrograd, gc on: {ratios['on']:.1f}×", ratios["on"] >= 2),
        (f"W1 at least 2× faster than micrograd, gc off: {ratios['off']:.1f}×", ratios["off"] >= 2),
        (
            f"W2 1,000,000 deep with no recursion, a node there at most {W2_MAX_SLOWDOWN:g}× "
            f"one of a {W2_SHALLOW:,}-deep chain: {deepest:,} deep, {per_node:,.0f} ns/node "
            f"against {w2['shallow']:,.0f} ({per_node / w2['shallow']:.1f}×)",
            deepest >= 10**6 and per_node <= W2_MAX_SLOWDOWN * w2["shallow"],
        ),
        (f"W4 at most 300 bytes/node: {w4[OURS][1]:,.0f}", w4[OURS][1] <= 300),
        (
            f"gradients agree to {RTOL:g} relative: {checks.count - len(checks.failures)} of "
            f"{checks.count} comparisons",
            not checks.failures,
        ),
    ]
    for text, ok in targets:
        print(f"  {verdict(ok)}  {text}")
    for failure in checks.failures:
        print(f"  gradient mismatch: {failure}")
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main())
