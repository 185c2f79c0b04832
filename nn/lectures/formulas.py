"""The lectures' hand-derived gradients, written out in NumPy, one function per derivation.

A batch ``X`` has one column per example (1-D is one example), targets likewise; ``W(k)``
has shape ``(n_out, n_in)``, ``b(k)`` shape ``(n_out,)``; gradients are of the loss summed
over the batch; activations are nn's, f and f′ from :data:`nn.activations.TABLE`. Each
derivation shares 001's forward step; each backward pass is written out as its lecture
writes it, so the derivations are checked independently. A formula a lecture prints wrongly
(see the lectures' README) sits beside the correct one as ``…_as_printed``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from nn.activations import TABLE, Activation

Array = np.ndarray
Arrays = Sequence[Array]
Gradients = tuple[list[Array], list[Array]]  # (∇W(k), ∇b(k)) for k = 1, …, l


def _activation(name: str) -> Activation:
    if name not in TABLE:
        raise ValueError(f"unknown activation {name!r}; expected one of {', '.join(TABLE)}")
    return TABLE[name]


def _as_batch(x: Array | Sequence[float], what: str) -> Array:
    """A 2-D float array with one column per example (a 1-D input is one example)."""
    array = np.asarray(x, dtype=float)
    if array.ndim == 1:
        return array.reshape(-1, 1)
    if array.ndim != 2:
        raise ValueError(
            f"{what} must be 1-D (one example) or 2-D (features, batch), got shape {array.shape}"
        )
    return array


def _as_targets(T: Array | Sequence[float], what: str, expected: tuple[int, ...]) -> Array:
    """``T`` as a batch shaped exactly like the output (NumPy would spread one column)."""
    targets = _as_batch(T, what)
    if targets.shape != expected:
        raise ValueError(
            f"{what} has shape {np.shape(T)}, expected {expected}, the output's shape "
            "(one row per output, one column per example; a 1-D array is one example)"
        )
    return targets


def _float_arrays(arrays: Sequence[Array | Sequence[float]]) -> list[Array]:
    return [np.asarray(a, dtype=float) for a in arrays]


# == 001: the two-step algorithm (forward, then backward steps ①–⑤) ==========================


@dataclass(frozen=True)
class Forward:
    """001's forward step: ``alphas[k-1]`` is α(k), ``hs[k]`` is h(k) (``hs[0]`` is x)."""

    alphas: list[Array]
    hs: list[Array]


def two_step_forward(
    weights: Arrays, biases: Arrays, X: Array, activations: Sequence[str]
) -> Forward:
    """001, forward step: h(0) = x; α(k) = b(k) + W(k) h(k-1), h(k) = f(α(k)); y = h(l)."""
    weights, biases = _float_arrays(weights), _float_arrays(biases)
    h = _as_batch(X, "X")
    if len(activations) != len(weights):
        raise ValueError(
            f"got {len(activations)} activations for {len(weights)} layers; give one per layer"
        )
    n_in = h.shape[0]
    for k, W in enumerate(weights, start=1):
        if W.ndim != 2 or W.shape[1] != n_in:
            raise ValueError(f"layer {k}: W{k} has shape {W.shape}, expected (n_out, {n_in})")
        if biases[k - 1].shape != (W.shape[0],):
            raise ValueError(
                f"layer {k}: b{k} has shape {biases[k - 1].shape}, expected ({W.shape[0]},)"
            )
        n_in = W.shape[0]
    alphas, hs = [], [h]
    for W, b, name in zip(weights, biases, activations):
        alphas.append(b[:, None] + W @ hs[-1])
        hs.append(_activation(name).function(alphas[-1]))
    return Forward(alphas, hs)


def _same_shape(Y: Array, T: Array) -> tuple[Array, Array]:
    Y, T = np.asarray(Y, dtype=float), np.asarray(T, dtype=float)
    if T.shape != Y.shape:
        raise ValueError(f"T has shape {T.shape}, expected {Y.shape}, the shape of Y")
    return Y, T


def half_squared_error_output_gradient(Y: Array, T: Array) -> Array:
    """001, step ①: g ← ∇y J for J = ½(t − y)², which is ½·2(t − y)¹·(−1) = y − t."""
    Y, T = _same_shape(Y, T)
    return Y - T


def half_squared_error_output_gradient_as_printed(Y: Array, T: Array) -> Array:
    """001, step ① as printed: ½·2(t − y)^(−1)·(−1) = 1/(y − t); the power rule gives (t − y)¹."""
    Y, T = _same_shape(Y, T)
    return 0.5 * 2.0 * (T - Y) ** -1.0 * -1.0


@dataclass(frozen=True)
class BackwardStepRecord:
    """One numbered step of 001's backward step: what it computes, for which layer."""

    step: str  # "①" … "⑤"
    layer: int  # k; 0 for step ①, which comes before the loop
    quantity: str  # the lecture's name for what was computed, e.g. "∇α(2) J"
    value: Array


def two_step_backward_steps(
    weights: Arrays, biases: Arrays, X: Array, T: Array, activations: Sequence[str]
) -> Iterator[BackwardStepRecord]:
    """001, backward step for J = ½Σ(t − y)², a record per step: ① g ← ∇y J = y − t; then for
    k = l … 1: ② g ← g ⊙ f′(α(k)); ③ ∇b(k) J = g; ④ ∇W(k) J = g h(k-1)ᵀ; ⑤ g ← W(k)ᵀ g."""
    weights = _float_arrays(weights)
    forward = two_step_forward(weights, biases, X, activations)
    y = forward.hs[-1]
    g = half_squared_error_output_gradient(y, _as_targets(T, "T", y.shape))
    yield BackwardStepRecord("①", 0, "∇y J", g)
    for k in range(len(weights), 0, -1):
        g = g * _activation(activations[k - 1]).derivative(forward.alphas[k - 1])
        yield BackwardStepRecord("②", k, f"∇α({k}) J", g)
        yield BackwardStepRecord("③", k, f"∇b({k}) J", g.sum(axis=1))
        yield BackwardStepRecord("④", k, f"∇W({k}) J", g @ forward.hs[k - 1].T)
        g = weights[k - 1].T @ g
        yield BackwardStepRecord("⑤", k, f"∇h({k - 1}) J", g)


def two_step_gradients(
    weights: Arrays, biases: Arrays, X: Array, T: Array, activations: Sequence[str]
) -> Gradients:
    """001, the two-step algorithm: ``(∇W(k) J, ∇b(k) J)`` for every layer, J = ½Σ(t − y)²."""
    found = {
        (record.step, record.layer): record.value
        for record in two_step_backward_steps(weights, biases, X, T, activations)
    }
    layers = range(1, len(weights) + 1)
    return [found["④", k] for k in layers], [found["③", k] for k in layers]


def two_step_first_layer_weight_gradient_as_printed(
    weights: Arrays, biases: Arrays, X: Array, T: Array, activations: Sequence[str]
) -> Array:
    """001, step ④ for layer 1 as printed: g·(h(1))ᵀ instead of g·(h(0))ᵀ = g·xᵀ."""
    hs = two_step_forward(weights, biases, X, activations).hs
    if hs[1].shape[0] != hs[0].shape[0]:
        raise ValueError(
            "the printed step ④ g·(h(1))ᵀ only has W(1)'s shape when layer 1 has as many "
            f"neurons as inputs; got {hs[1].shape[0]} neurons, {hs[0].shape[0]} inputs"
        )
    g_alpha1 = next(
        record.value
        for record in two_step_backward_steps(weights, biases, X, T, activations)
        if record.step == "②" and record.layer == 1
    )
    return g_alpha1 @ hs[1].T


# == 000/003: the δ recurrence for a scalar output ===========================================


@dataclass(frozen=True)
class DeltaRecurrence:
    """003: ``activations_a[k]`` is a(k), ``psis[k-1]`` diag ψ(k), ``deltas[k]`` δ(k) for
    k = 2 … n+1 (``deltas[0]`` and ``deltas[1]`` are unused)."""

    activations_a: list[Array]
    psis: list[Array]
    deltas: list[Array | None]


def delta_recurrence(weights: Arrays, biases: Arrays, X: Array, activation: str) -> DeltaRecurrence:
    """003's passes for y = W(n) a(n-1) + b(n): a(k) = φ⊙(W(k) a(k-1) + b(k)), a(0) = x,
    ψ(k) = diag φ′⊙(W(k) a(k-1) + b(k)); δ(n+1) = 1, δ(k) = ψ(k-1) [W(k)]ᵀ δ(k+1), k = n … 2.

    ψ is diagonal, so multiplying by it is the element-wise product with its diagonal."""
    weights = _float_arrays(weights)
    n = len(weights)
    # a(k) and φ′⊙(W(k) a(k-1) + b(k)) are 001's h(k) and f′(α(k)) for k < n.
    forward = two_step_forward(weights, biases, X, [activation] * (n - 1) + ["linear"])
    if weights[-1].shape[0] != 1:
        raise ValueError(
            f"the δ recurrence is for a scalar output; W{n} has {weights[-1].shape[0]} rows"
        )
    psis = [_activation(activation).derivative(alpha) for alpha in forward.alphas[:-1]]
    deltas: list[Array | None] = [None] * (n + 2)
    deltas[n + 1] = np.ones((1, forward.hs[0].shape[1]))
    for k in range(n, 1, -1):
        deltas[k] = psis[k - 2] * (weights[k - 1].T @ deltas[k + 1])  # psis[k-2] is ψ(k-1)
    return DeltaRecurrence(forward.hs[:-1], psis, deltas)


def delta_recurrence_gradients(
    weights: Arrays, biases: Arrays, X: Array, activation: str
) -> Gradients:
    """000/003: ∂y/∂W(k) = δ(k+1) [a(k-1)]ᵀ, ∂y/∂b(k) = δ(k+1); so ∂y/∂W(n) = [a(n-1)]ᵀ."""
    passes = delta_recurrence(weights, biases, X, activation)
    layers = range(1, len(weights) + 1)
    grad_weights = [passes.deltas[k + 1] @ passes.activations_a[k - 1].T for k in layers]
    return grad_weights, [passes.deltas[k + 1].sum(axis=1) for k in layers]


def with_bias_column(weights: Arrays, biases: Arrays) -> list[Array]:
    """000's bias trick: wᵀx + b = [w, b]ᵀ (x, 1), so each W(k) gets b(k) as an extra column."""
    return [np.column_stack([W, b]) for W, b in zip(_float_arrays(weights), _float_arrays(biases))]


def split_bias_column(augmented: Arrays) -> tuple[list[Array], list[Array]]:
    """Undo :func:`with_bias_column`: the last column of each matrix is the bias."""
    return [M[:, :-1] for M in augmented], [M[:, -1] for M in augmented]


def bias_trick_delta_recurrence_gradients(
    augmented_weights: Arrays, X: Array, activation: str
) -> list[Array]:
    """000/003 by the bias trick, ã = (a, 1), W̃(k) = [W(k), b(k)]: ∂y/∂W̃(k) = δ(k+1) [ã(k-1)]ᵀ.

    δ(k) = ψ(k-1) [W(k)]ᵀ δ(k+1) leaves W̃'s bias column out: the 1 it multiplies depends on
    no weight."""
    augmented = _float_arrays(augmented_weights)
    a = _as_batch(X, "X")
    ones = np.ones((1, a.shape[1]))
    phi = _activation(activation)
    n = len(augmented)
    a_tilde, psis = [np.vstack([a, ones])], []
    for W_tilde in augmented[:-1]:
        pre = W_tilde @ a_tilde[-1]
        a_tilde.append(np.vstack([phi.function(pre), ones]))
        psis.append(phi.derivative(pre))
    delta = ones  # δ(n+1)
    grads: list[Array] = [np.empty(0)] * n
    for k in range(n, 0, -1):
        grads[k - 1] = delta @ a_tilde[k - 1].T
        if k > 1:
            delta = psis[k - 2] * (augmented[k - 1][:, :-1].T @ delta)
    return grads


# == 002: binary cross-entropy for the 3-layer sigmoid network ================================


def sigmoid_network_forward(weights: Arrays, biases: Arrays, X: Array) -> list[Array]:
    """002's hypothesis: z[i] = W[i] v[i-1] + b[i], v[i] = σ(z[i]), v[0] = x, ŷ = v[last]."""
    return two_step_forward(weights, biases, X, ["sigmoid"] * len(weights)).hs


def bce_last_layer_gradient(weights: Arrays, biases: Arrays, X: Array, Y: Array) -> Array:
    """002: ∂L/∂W[3] = (ŷ − y) v[2]ᵀ for L = −Σ [y log ŷ + (1 − y) log(1 − ŷ)], ŷ = σ(z[3])."""
    vs = sigmoid_network_forward(weights, biases, X)
    return (vs[-1] - _as_targets(Y, "Y", vs[-1].shape)) @ vs[-2].T


def bce_last_layer_gradient_as_printed(
    weights: Arrays, biases: Arrays, X: Array, Y: Array
) -> Array:
    """002 as printed: ∂L/∂W[3] = (y − ŷ) v[2]ᵀ, minus the gradient: its SGD step ascends."""
    vs = sigmoid_network_forward(weights, biases, X)
    return (_as_targets(Y, "Y", vs[-1].shape) - vs[-1]) @ vs[-2].T


def bce_sigmoid_network_gradients(weights: Arrays, biases: Arrays, X: Array, Y: Array) -> Gradients:
    """002: ∂L/∂W[i] = ∂L/∂ŷ · ∂ŷ/∂z[3] · ∂z[3]/∂v[2] · ∂v[2]/∂z[2] · … · ∂z[i]/∂W[i].

    ∂L/∂ŷ = −y/ŷ + (1 − y)/(1 − ŷ), ∂v/∂z = σ(z)(1 − σ(z)), ∂z[i]/∂v[i-1] = W[i] and
    ∂z[i]/∂W[i] = v[i-1]ᵀ are multiplied as written (so 0 < ŷ < 1), and the products'
    common prefix is computed once, as the slide asks."""
    weights = _float_arrays(weights)
    vs = sigmoid_network_forward(weights, biases, X)
    y_hat = vs[-1]
    Y = _as_targets(Y, "Y", y_hat.shape)
    common = (-Y / y_hat + (1.0 - Y) / (1.0 - y_hat)) * (y_hat * (1.0 - y_hat))  # ∂L/∂z[last]
    grad_weights: list[Array] = [np.empty(0)] * len(weights)
    grad_biases: list[Array] = [np.empty(0)] * len(weights)
    for i in range(len(weights), 0, -1):
        grad_weights[i - 1] = common @ vs[i - 1].T
        grad_biases[i - 1] = common.sum(axis=1)
        if i > 1:
            v = vs[i - 1]
            common = (weights[i - 1].T @ common) * (v * (1.0 - v))  # · ∂z[i]/∂v · ∂v/∂z[i-1]
    return grad_weights, grad_biases


# == 002: two-layer networks without biases, L = ‖·‖² ========================================


def _two_layer_forward(W1: Array, W2: Array, X: Array, output: str) -> tuple[list[Array], ...]:
    """002's network without biases: ``([W1, W2], [x, v, ŷ])``, v = σ(W1 x), ŷ = f(W2 v)."""
    weights = _float_arrays([W1, W2])
    zero_biases = [np.zeros(W.shape[0]) for W in weights]
    return weights, two_step_forward(weights, zero_biases, X, ["sigmoid", output]).hs


def _two_layer_gradients(W2: Array, X: Array, v: Array, output_term: Array) -> tuple[Array, Array]:
    """∇W1 L = ((W2ᵀ e) ⊙ v ⊙ (1 − v)) xᵀ and ∇W2 L = e vᵀ, for e = ∇(W2 v) L."""
    return ((W2.T @ output_term) * v * (1.0 - v)) @ X.T, output_term @ v.T


def sigmoid_output_squared_error_gradients(
    W1: Array, W2: Array, X: Array, Y: Array
) -> tuple[Array, Array]:
    """002, L = ‖σ(W2 v) − y‖², v = σ(W1 x), R = ŷ − y: ∇W2 L = 2 (R ⊙ ŷ ⊙ (1 − ŷ)) vᵀ,
    ∇W1 L = 2 ((W2ᵀ (R ⊙ ŷ ⊙ (1 − ŷ))) ⊙ v ⊙ (1 − v)) xᵀ."""
    (_, W2), (X, v, y_hat) = _two_layer_forward(W1, W2, X, "sigmoid")
    R = y_hat - _as_targets(Y, "Y", y_hat.shape)
    return _two_layer_gradients(W2, X, v, 2.0 * R * y_hat * (1.0 - y_hat))


def sigmoid_output_squared_error_first_layer_gradient_as_printed(
    W1: Array, W2: Array, X: Array, Y: Array
) -> Array:
    """002's ∇W1 L = 2 W2ᵀ R ⊙ ŷ ⊙ (1 − ŷ) ⊙ v ⊙ (1 − v) xᵀ read left to right, R = ŷ − y.

    W2ᵀR has one entry per hidden unit, ŷ one per output: right with one output, wrong with
    as many outputs as hidden units, undefined otherwise."""
    (_, W2), (X, v, y_hat) = _two_layer_forward(W1, W2, X, "sigmoid")
    if y_hat.shape[0] not in (1, v.shape[0]):
        raise ValueError(
            f"the printed ∇W1 multiplies W2ᵀR ({v.shape[0]} hidden units) element-wise by "
            f"ŷ ({y_hat.shape[0]} outputs): it only type-checks with 1 output or "
            f"{v.shape[0]} outputs"
        )
    R = y_hat - _as_targets(Y, "Y", y_hat.shape)
    return (2.0 * (W2.T @ R) * y_hat * (1.0 - y_hat) * v * (1.0 - v)) @ X.T


def linear_output_squared_error_gradients(
    W1: Array, W2: Array, X: Array, Y: Array
) -> tuple[Array, Array]:
    """002, L = ‖W2 v − y‖², v = σ(W1 x), R = W2 v − y: ∇W2 L = 2 R vᵀ,
    ∇W1 L = 2 ((W2ᵀ R) ⊙ v ⊙ (1 − v)) xᵀ."""
    (_, W2), (X, v, f) = _two_layer_forward(W1, W2, X, "linear")
    return _two_layer_gradients(W2, X, v, 2.0 * (f - _as_targets(Y, "Y", f.shape)))


# == 002: the chain y = x², z = y² ===========================================================


def square_chain_derivative(x: Array | float) -> Array:
    """002: for y = x², z = y², dz/dx = dz/dy · dy/dx = 2y · 2x = 4xy = 4x³, element-wise."""
    x = np.asarray(x, dtype=float)
    y = x**2
    return (2.0 * y) * (2.0 * x)


# == 004: hidden-layer gradients for the softmax loss −log f(x)_y =============================


def softmax(logits: Array) -> Array:
    """f(x) = softmax(a(L+1)) column by column, shifted by the maximum so it cannot overflow."""
    e = np.exp(logits - logits.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _one_hot(labels: Array | Sequence[int], n_classes: int, batch: int) -> Array:
    """One column e(y) per example; ``labels`` holds exactly one class index per example."""
    labels = np.asarray(labels)
    received = labels.shape
    if labels.ndim == 0:
        labels = labels.reshape(1)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be integer class indices, one per example, got {labels!r}")
    if len(labels) != batch:
        raise ValueError(
            f"labels has shape {received}, expected ({batch},): one class index for each "
            f"of the {batch} examples"
        )
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"labels must lie in 0 … {n_classes - 1}, got {labels.tolist()}")
    one_hot = np.zeros((n_classes, labels.size))
    one_hot[labels, np.arange(labels.size)] = 1.0
    return one_hot


def softmax_cross_entropy_gradients(
    weights: Arrays, biases: Arrays, X: Array, labels: Array | Sequence[int], activation: str
) -> Gradients:
    """004, −log f(x)_y, f(x) = softmax(a(L+1)): ∇a(L+1) = f(x) − e(y), ∇W(k) = ∇a(k) h(k-1)ᵀ,
    ∇b(k) = ∇a(k), ∇h(k) = W(k+1)ᵀ ∇a(k+1), ∇a(k) = ∇h(k) ⊙ g′(a(k)); labels are 0-based."""
    weights = _float_arrays(weights)
    forward = two_step_forward(weights, biases, X, [activation] * (len(weights) - 1) + ["linear"])
    logits = forward.alphas[-1]
    grad_a = softmax(logits) - _one_hot(labels, *logits.shape)  # ∇a(L+1)
    g_prime = _activation(activation).derivative
    grad_weights: list[Array] = [np.empty(0)] * len(weights)
    grad_biases: list[Array] = [np.empty(0)] * len(weights)
    for k in range(len(weights), 0, -1):
        grad_weights[k - 1] = grad_a @ forward.hs[k - 1].T
        grad_biases[k - 1] = grad_a.sum(axis=1)
        if k > 1:
            grad_h = weights[k - 1].T @ grad_a  # ∇h(k-1) = W(k)ᵀ ∇a(k)
            grad_a = grad_h * g_prime(forward.alphas[k - 2])  # ∇a(k-1) = ∇h(k-1) ⊙ g′(a(k-1))
    return grad_weights, grad_biases
