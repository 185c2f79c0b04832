"""The lectures' hand-derived gradients, written out in NumPy, one function per derivation.

A batch ``X`` has one column per example (a 1-D ``x`` is one example), and targets likewise;
``W(k)`` has the lectures' shape ``(n_out, n_in)`` and maps h(k-1) to α(k), ``b(k)`` has shape
``(n_out,)``. Gradients are of the loss summed over the batch. Activations are nn's
(``"relu"``, ``"sigmoid"``, ``"tanh"``, ``"linear"``; f and f′ from
:data:`nn.activations.TABLE`, ReLU′(0) = 0). Every derivation shares 001's forward step and
its backward steps ②–⑤. Where a lecture prints a wrong formula (see the lectures' README),
the printed one sits beside the correct one with ``_as_printed`` in its name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
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
    """001, step ① as printed: ½·2(t − y)^(−1)·(−1) = 1/(y − t), right only where (y − t)² = 1.

    The slide's exponent −1 is a slip (the power rule lowers 2 to 1); its final result,
    y − t, is right.
    """
    Y, T = _same_shape(Y, T)
    return 0.5 * 2.0 * (T - Y) ** -1.0 * -1.0


@dataclass(frozen=True)
class BackwardStepRecord:
    """One numbered step of 001's backward step: what it computes, for which layer."""

    step: str  # "①" … "⑤"
    layer: int  # k; 0 for step ①, which comes before the loop
    quantity: str  # the lecture's name for what was computed, e.g. "∇α(2) J"
    value: Array


def _backward(
    weights: Arrays, forward: Forward, g: Array, activations: Sequence[str]
) -> Iterator[BackwardStepRecord]:
    """001's steps ②–⑤ for k = l, …, 1 from g = ∇y J: every derivation here ends in them."""
    for k in range(len(weights), 0, -1):
        g = g * _activation(activations[k - 1]).derivative(forward.alphas[k - 1])
        yield BackwardStepRecord("②", k, f"∇α({k}) J", g)
        yield BackwardStepRecord("③", k, f"∇b({k}) J", g.sum(axis=1))
        yield BackwardStepRecord("④", k, f"∇W({k}) J", g @ forward.hs[k - 1].T)
        g = weights[k - 1].T @ g
        yield BackwardStepRecord("⑤", k, f"∇h({k - 1}) J", g)


def _gradients(records: Iterable[BackwardStepRecord]) -> Gradients:
    """Steps ④ and ③ layer by layer: ``(∇W(k), ∇b(k))`` for k = 1, …, l."""
    found = {(record.step, record.layer): record.value for record in records}
    layers = sorted(layer for step, layer in found if step == "④")
    return [found["④", k] for k in layers], [found["③", k] for k in layers]


def two_step_backward_steps(
    weights: Arrays, biases: Arrays, X: Array, T: Array, activations: Sequence[str]
) -> Iterator[BackwardStepRecord]:
    """001, backward step for J = ½Σ(t − y)², one record per numbered step.

    ① g ← ∇y J = y − t; then for k = l, …, 1: ② g ← ∇α(k) J = g ⊙ f′(α(k));
    ③ ∇b(k) J = g; ④ ∇W(k) J = g h(k-1)ᵀ; ⑤ g ← ∇h(k-1) J = W(k)ᵀ g.
    With a batch, g has one column per example and ③/④ sum over the columns.
    """
    weights = _float_arrays(weights)
    forward = two_step_forward(weights, biases, X, activations)
    y = forward.hs[-1]
    g = half_squared_error_output_gradient(y, _as_targets(T, "T", y.shape))
    yield BackwardStepRecord("①", 0, "∇y J", g)
    yield from _backward(weights, forward, g, activations)


def two_step_gradients(
    weights: Arrays, biases: Arrays, X: Array, T: Array, activations: Sequence[str]
) -> Gradients:
    """001, the two-step algorithm: ``(∇W(k) J, ∇b(k) J)`` for every layer, J = ½Σ(t − y)²."""
    return _gradients(two_step_backward_steps(weights, biases, X, T, activations))


def two_step_first_layer_weight_gradient_as_printed(
    weights: Arrays, biases: Arrays, X: Array, T: Array, activations: Sequence[str]
) -> Array:
    """001, step ④ for layer 1 as printed: g·(h(1))ᵀ instead of g·(h(0))ᵀ = g·xᵀ.

    The slide reuses layer 2's input h(1) for layer 1. It only type-checks when layer 1
    has as many neurons as the network has inputs (as in the 2-2-1 example).
    """
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
    """003's two passes: ``activations_a[k]`` is a(k) (a(0) = x), ``psis[k-1]`` the
    diagonal of ψ(k) (one column per example), ``deltas[k]`` is δ(k) for k = 2 … n+1
    (``deltas[0]`` and ``deltas[1]`` are unused)."""

    activations_a: list[Array]
    psis: list[Array]
    deltas: list[Array | None]


def delta_recurrence(weights: Arrays, biases: Arrays, X: Array, activation: str) -> DeltaRecurrence:
    """003's forward and backward passes for a scalar output y = W(n) a(n-1) + b(n).

    Forward, k = 1 … n−1: a(k) = φ⊙(W(k) a(k-1) + b(k)), a(0) = x, and
    [ψ(k)]ᵢᵢ = [φ′⊙(W(k) a(k-1) + b(k))]ᵢ. Backward, k = n … 2:
    δ(k) = ψ(k-1) [W(k)]ᵀ δ(k+1), δ(n+1) = 1: 001's h(k), f′(α(k)) and ∇α(k-1), with ψ
    diagonal, so that multiplying by it is the element-wise product with its diagonal.
    """
    weights = _float_arrays(weights)
    n = len(weights)
    activations = [activation] * (n - 1) + ["linear"]
    forward = two_step_forward(weights, biases, X, activations)
    if weights[-1].shape[0] != 1:
        raise ValueError(
            f"the δ recurrence is for a scalar output; W{n} has {weights[-1].shape[0]} rows"
        )
    psis = [_activation(activation).derivative(alpha) for alpha in forward.alphas[:-1]]
    ones = np.ones((1, forward.hs[0].shape[1]))
    records = _backward(weights, forward, ones, activations)
    deltas = {record.layer + 1: record.value for record in records if record.step == "②"}
    return DeltaRecurrence(
        forward.hs[:-1], psis, [None, None, *(deltas[k] for k in range(2, n + 2))]
    )


def delta_recurrence_gradients(
    weights: Arrays, biases: Arrays, X: Array, activation: str
) -> Gradients:
    """000/003: ∂y/∂W(k) = δ(k+1) [a(k-1)]ᵀ and ∂y/∂b(k) = δ(k+1), for k = n … 1.

    y has a linear last layer and φ on every hidden layer; with a batch, it is Σ y. For
    k = n this is 000's first step, ∂y/∂W(n) = [a(n-1)]ᵀ (δ(n+1) = 1).
    """
    passes = delta_recurrence(weights, biases, X, activation)
    layers = range(1, len(weights) + 1)
    grad_weights = [passes.deltas[k + 1] @ passes.activations_a[k - 1].T for k in layers]
    return grad_weights, [passes.deltas[k + 1].sum(axis=1) for k in layers]


def with_bias_column(weights: Arrays, biases: Arrays) -> list[Array]:
    """000's bias trick: wᵀx + b = [w, b]ᵀ (x, 1), so each W(k) gets b(k) as an extra column."""
    return [np.column_stack([W, b]) for W, b in zip(_float_arrays(weights), _float_arrays(biases))]


def split_bias_column(augmented: Arrays) -> Gradients:
    """Undo :func:`with_bias_column`: the last column of each matrix is the bias."""
    return [M[:, :-1] for M in augmented], [M[:, -1] for M in augmented]


def bias_trick_delta_recurrence_gradients(
    augmented_weights: Arrays, X: Array, activation: str
) -> list[Array]:
    """000/003 with the bias trick: ∂y/∂W̃(k) = δ(k+1) [ã(k-1)]ᵀ, where ã = (a, 1).

    W̃(k) = [W(k), b(k)] and a(k) = φ⊙(W̃(k) ã(k-1)): weights only. The gradient's last
    column is ∂y/∂b(k) = δ(k+1), as the appended entry is 1; δ(k) = ψ(k-1) [W(k)]ᵀ δ(k+1)
    leaves the bias column out, since the 1 it multiplies depends on no weight.
    """
    augmented = _float_arrays(augmented_weights)
    a = _as_batch(X, "X")
    ones = np.ones((1, a.shape[1]))
    phi = _activation(activation)
    alphas, a_tilde = [], [np.vstack([a, ones])]
    for W_tilde in augmented:
        alphas.append(W_tilde @ a_tilde[-1])
        a_tilde.append(np.vstack([phi.function(alphas[-1]), ones]))
    activations = [activation] * (len(augmented) - 1) + ["linear"]
    weights = [W_tilde[:, :-1] for W_tilde in augmented]
    return _gradients(_backward(weights, Forward(alphas, a_tilde), ones, activations))[0]


# == 002: binary cross-entropy for the 3-layer sigmoid network ================================


def sigmoid_network_forward(weights: Arrays, biases: Arrays, X: Array) -> list[Array]:
    """002's hypothesis: z[i] = W[i] v[i-1] + b[i], v[i] = σ(z[i]), v[0] = x, ŷ = v[last]."""
    return two_step_forward(weights, biases, X, ["sigmoid"] * len(weights)).hs


def bce_last_layer_gradient(weights: Arrays, biases: Arrays, X: Array, Y: Array) -> Array:
    """002: ∂L/∂W[3] = (ŷ − y) v[2]ᵀ for L = −Σ [y log ŷ + (1 − y) log(1 − ŷ)], ŷ = σ(z[3]).

    The slide's three factors: ∂L/∂ŷ = −y/ŷ + (1 − y)/(1 − ŷ) times ∂ŷ/∂z[3] = ŷ(1 − ŷ) is
    ŷ − y, times ∂z[3]/∂W[3] = v[2]ᵀ.
    """
    vs = sigmoid_network_forward(weights, biases, X)
    return (vs[-1] - _as_targets(Y, "Y", vs[-1].shape)) @ vs[-2].T


def bce_last_layer_gradient_as_printed(
    weights: Arrays, biases: Arrays, X: Array, Y: Array
) -> Array:
    """002 as printed: ∂L/∂W[3] = (y − ŷ) v[2]ᵀ, the negative of the true gradient.

    With the sign flipped it is the ascent direction: the printed SGD update
    W[3] − α ∂L/∂W[3] would increase the loss.
    """
    vs = sigmoid_network_forward(weights, biases, X)
    return (_as_targets(Y, "Y", vs[-1].shape) - vs[-1]) @ vs[-2].T


def bce_sigmoid_network_gradients(weights: Arrays, biases: Arrays, X: Array, Y: Array) -> Gradients:
    """002: every ∂L/∂W[i] and ∂L/∂b[i] as the slide's products of chain-rule factors.

    ∂L/∂W[3] = ∂L/∂ŷ · ∂ŷ/∂z[3] · ∂z[3]/∂W[3];
    ∂L/∂W[2] = ∂L/∂ŷ · ∂ŷ/∂z[3] · ∂z[3]/∂v[2] · ∂v[2]/∂z[2] · ∂z[2]/∂W[2], and so on down,
    with ∂L/∂ŷ = −y/ŷ + (1 − y)/(1 − ŷ), ∂v/∂z = σ(z)(1 − σ(z)), ∂z[i]/∂v[i-1] = W[i] and
    ∂z[i]/∂W[i] = v[i-1]ᵀ. The factors are multiplied as written (not simplified to
    ŷ − y), so ŷ must lie strictly inside (0, 1). 001's backward steps compute the common
    prefix of the products once and reuse it, which is the slide's closing question.
    """
    weights = _float_arrays(weights)
    activations = ["sigmoid"] * len(weights)
    forward = two_step_forward(weights, biases, X, activations)
    y_hat = forward.hs[-1]
    Y = _as_targets(Y, "Y", y_hat.shape)
    dL_dy_hat = -Y / y_hat + (1.0 - Y) / (1.0 - y_hat)
    return _gradients(_backward(weights, forward, dL_dy_hat, activations))


# == 002: two-layer networks without biases, L = ‖·‖² ========================================


def _two_layer_forward(W1: Array, W2: Array, X: Array, output: str) -> tuple[Array, ...]:
    """002's v = σ(W1 x) and ŷ = f(W2 v), no biases: ``(W2, x, v, ŷ)``."""
    weights = _float_arrays([W1, W2])
    zero_biases = [np.zeros(W.shape[0]) for W in weights]
    return weights[1], *two_step_forward(weights, zero_biases, X, ["sigmoid", output]).hs


def _two_layer_gradients(W2: Array, X: Array, v: Array, output_term: Array) -> tuple[Array, Array]:
    """∇W1 L = ((W2ᵀ e) ⊙ v ⊙ (1 − v)) xᵀ and ∇W2 L = e vᵀ, for e = ∇(W2 v) L."""
    return ((W2.T @ output_term) * v * (1.0 - v)) @ X.T, output_term @ v.T


def sigmoid_output_squared_error_gradients(
    W1: Array, W2: Array, X: Array, Y: Array
) -> tuple[Array, Array]:
    """002: (∇W1 L, ∇W2 L) for L = ‖σ(W2 σ(W1 x)) − y‖², with v = σ(W1 x), ŷ = σ(W2 v).

    With the residual R = ŷ − y: ∇W2 L = 2 (R ⊙ ŷ ⊙ (1 − ŷ)) vᵀ and
    ∇W1 L = 2 ((W2ᵀ (R ⊙ ŷ ⊙ (1 − ŷ))) ⊙ v ⊙ (1 − v)) xᵀ.
    """
    W2, X, v, y_hat = _two_layer_forward(W1, W2, X, "sigmoid")
    R = y_hat - _as_targets(Y, "Y", y_hat.shape)
    return _two_layer_gradients(W2, X, v, 2.0 * R * y_hat * (1.0 - y_hat))


def sigmoid_output_squared_error_first_layer_gradient_as_printed(
    W1: Array, W2: Array, X: Array, Y: Array
) -> Array:
    """002's ∇W1 L = 2 W2ᵀ R ⊙ ŷ ⊙ (1 − ŷ) ⊙ v ⊙ (1 − v) xᵀ, read as printed.

    The slide leaves R undefined; it is the residual ŷ − y. Read left to right, W2ᵀR (one
    entry per hidden unit) is multiplied element-wise by ŷ ⊙ (1 − ŷ) (one entry per
    output): that only type-checks with one output, where it happens to equal the truth,
    or when there are as many outputs as hidden units, where it gives a wrong number. The
    correct bracketing is 2 (W2ᵀ (R ⊙ ŷ ⊙ (1 − ŷ))) ⊙ v ⊙ (1 − v) xᵀ.
    """
    W2, X, v, y_hat = _two_layer_forward(W1, W2, X, "sigmoid")
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
    """002: (∇W1 L, ∇W2 L) for L = ‖W2 σ(W1 x) − y‖², with v = σ(W1 x), R = W2 v − y.

    ∇W2 L = 2 R vᵀ and ∇W1 L = 2 ((W2ᵀ R) ⊙ v ⊙ (1 − v)) xᵀ.
    """
    W2, X, v, f = _two_layer_forward(W1, W2, X, "linear")
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
    """004: the gradients of −log f(x)_y, f(x) = softmax(a(L+1)), layer by layer.

    a(k) = b(k) + W(k) h(k-1), h(k) = g(a(k)) on the hidden layers, h(0) = x. At the
    output, ∇a(L+1) = f(x) − e(y) (e(y) the one-hot vector of the class). Then for each
    layer, going down: ∇W(k) = ∇a(k) h(k-1)ᵀ, ∇b(k) = ∇a(k), and for the hidden layer
    below, ∇h(k) = W(k+1)ᵀ ∇a(k+1) and ∇a(k) = ∇h(k) ⊙ g′(a(k)). ``labels`` holds one
    class index per example (0-based).
    """
    weights = _float_arrays(weights)
    activations = [activation] * (len(weights) - 1) + ["linear"]
    forward = two_step_forward(weights, biases, X, activations)
    logits = forward.alphas[-1]
    grad_logits = softmax(logits) - _one_hot(labels, *logits.shape)
    return _gradients(_backward(weights, forward, grad_logits, activations))
