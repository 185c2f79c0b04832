"""The lectures' hand-derived gradients, written out in NumPy, one function per derivation.

Each function is the derivation as the lecture states it, in its notation, so a notebook can
put the slide and the number side by side, and the tests can hold the engine to it.

Conventions shared by every function here:

- A batch of inputs is a matrix ``X`` of shape ``(n_in, batch)``, one column per example
  (a 1-D ``x`` is taken as a batch of one). Targets are laid out the same way.
- Weights have the lectures' shape ``(n_out, n_in)``: ``W(k)`` maps ``h(k-1)`` to
  ``α(k)``. Biases have shape ``(n_out,)``.
- Each function returns the gradient of the loss SUMMED over the batch (the lectures'
  losses are sums over examples), so the same code is also a fast matrix path for a
  training step.
- Activation names are the ones ``nn`` uses: ``"relu"``, ``"sigmoid"``, ``"tanh"``,
  ``"linear"``, with f and f′ from :data:`nn.activations.TABLE`. ReLU's derivative at 0 is
  taken as 0, as in the engine and PyTorch.

Where a lecture prints a formula that is wrong (see the lectures' README), the correct one
is the plain name and the printed one sits next to it with ``_as_printed`` in its name, so
the disagreement can be shown rather than hidden.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from nn.activations import TABLE, Activation

Array = np.ndarray

# -- activations: f and f′ from nn's one table --------------------------------------------------


def _activation(name: str) -> Activation:
    if name not in TABLE:
        raise ValueError(f"unknown activation {name!r}; expected one of {', '.join(TABLE)}")
    return TABLE[name]


# -- shapes -----------------------------------------------------------------------------------


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
    """``T`` as a batch shaped exactly like the network's output, or ValueError.

    Equal shapes, not merely broadcastable ones: NumPy would silently spread one target
    column over a whole batch, or a row of targets over every output.
    """
    targets = _as_batch(T, what)
    if targets.shape != expected:
        raise ValueError(
            f"{what} has shape {np.shape(T)}, expected {expected}, the output's shape "
            "(one row per output, one column per example; a 1-D array is one example)"
        )
    return targets


def _check_layers(
    weights: Sequence[Array], biases: Sequence[Array] | None, n_in: int, activations: Sequence[str]
) -> None:
    if len(activations) != len(weights):
        raise ValueError(
            f"got {len(activations)} activations for {len(weights)} layers; give one per layer"
        )
    expected_in = n_in
    for k, W in enumerate(weights, start=1):
        if W.ndim != 2 or W.shape[1] != expected_in:
            raise ValueError(
                f"layer {k}: W{k} has shape {W.shape}, expected (n_out, {expected_in})"
            )
        if biases is not None and biases[k - 1].shape != (W.shape[0],):
            raise ValueError(
                f"layer {k}: b{k} has shape {biases[k - 1].shape}, expected ({W.shape[0]},)"
            )
        expected_in = W.shape[0]


def _float_arrays(arrays: Sequence[Array | Sequence[float]]) -> list[Array]:
    return [np.asarray(a, dtype=float) for a in arrays]


# == 001: the two-step algorithm (forward, then backward steps ①–⑤) ==========================


@dataclass(frozen=True)
class Forward:
    """001's forward step: ``alphas[k-1]`` is α(k), ``hs[k]`` is h(k) (``hs[0]`` is x)."""

    alphas: list[Array]
    hs: list[Array]


def two_step_forward(
    weights: Sequence[Array], biases: Sequence[Array], X: Array, activations: Sequence[str]
) -> Forward:
    """001, forward step: h(0) = x; α(k) = b(k) + W(k) h(k-1), h(k) = f(α(k)); y = h(l)."""
    weights, biases = _float_arrays(weights), _float_arrays(biases)
    h = _as_batch(X, "X")
    _check_layers(weights, biases, h.shape[0], activations)
    alphas, hs = [], [h]
    for W, b, name in zip(weights, biases, activations):
        alpha = b[:, None] + W @ h
        h = _activation(name).function(alpha)
        alphas.append(alpha)
        hs.append(h)
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
    """001, step ① as printed: ½·2(t − y)^(−1)·(−1), i.e. 1/(y − t).

    The slide's exponent −1 is a slip (the power rule lowers the exponent 2 to 1); it
    still writes the right final result, y − t. This agrees with the truth only where
    (y − t)² = 1.
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


def two_step_backward_steps(
    weights: Sequence[Array],
    biases: Sequence[Array],
    X: Array,
    T: Array,
    activations: Sequence[str],
) -> Iterator[BackwardStepRecord]:
    """001, backward step for J = ½Σ(t − y)², one record per numbered step.

    ① g ← ∇y J = y − t; then for k = l, …, 1: ② g ← ∇α(k) J = g ⊙ f′(α(k));
    ③ ∇b(k) J = g; ④ ∇W(k) J = g h(k-1)ᵀ; ⑤ g ← ∇h(k-1) J = W(k)ᵀ g.
    With a batch, g has one column per example and ③/④ sum over the columns.
    """
    weights = _float_arrays(weights)
    forward = two_step_forward(weights, biases, X, activations)
    yield from _two_step_backward(weights, forward, T, activations)


def _two_step_backward(
    weights: list[Array], forward: Forward, T: Array, activations: Sequence[str]
) -> Iterator[BackwardStepRecord]:
    """The backward step of :func:`two_step_backward_steps` after a given forward pass."""
    g = half_squared_error_output_gradient(
        forward.hs[-1], _as_targets(T, "T", forward.hs[-1].shape)
    )
    yield BackwardStepRecord("①", 0, "∇y J", g)
    for k in range(len(weights), 0, -1):
        g = g * _activation(activations[k - 1]).derivative(forward.alphas[k - 1])
        yield BackwardStepRecord("②", k, f"∇α({k}) J", g)
        yield BackwardStepRecord("③", k, f"∇b({k}) J", g.sum(axis=1))
        yield BackwardStepRecord("④", k, f"∇W({k}) J", g @ forward.hs[k - 1].T)
        g = weights[k - 1].T @ g
        yield BackwardStepRecord("⑤", k, f"∇h({k - 1}) J", g)


def two_step_gradients(
    weights: Sequence[Array],
    biases: Sequence[Array],
    X: Array,
    T: Array,
    activations: Sequence[str],
) -> tuple[list[Array], list[Array]]:
    """001, the two-step algorithm: ``(∇W(k) J, ∇b(k) J)`` for every layer, J = ½Σ(t − y)².

    Steps ③ and ④ of :func:`two_step_backward_steps`, collected layer by layer.
    """
    grad_weights: list[Array] = [np.empty(0)] * len(weights)
    grad_biases: list[Array] = [np.empty(0)] * len(weights)
    for record in two_step_backward_steps(weights, biases, X, T, activations):
        if record.step == "③":
            grad_biases[record.layer - 1] = record.value
        elif record.step == "④":
            grad_weights[record.layer - 1] = record.value
    return grad_weights, grad_biases


def two_step_first_layer_weight_gradient_as_printed(
    weights: Sequence[Array],
    biases: Sequence[Array],
    X: Array,
    T: Array,
    activations: Sequence[str],
) -> Array:
    """001, step ④ for layer 1 as printed: g·(h(1))ᵀ instead of g·(h(0))ᵀ = g·xᵀ.

    The slide reuses layer 2's input h(1) for layer 1. It only type-checks when layer 1
    has as many neurons as the network has inputs (as in the 2-2-1 example).
    """
    weights = _float_arrays(weights)
    forward = two_step_forward(weights, biases, X, activations)
    if forward.hs[1].shape[0] != forward.hs[0].shape[0]:
        raise ValueError(
            "the printed step ④ g·(h(1))ᵀ only has W(1)'s shape when layer 1 has as many "
            f"neurons as inputs; got {forward.hs[1].shape[0]} neurons, "
            f"{forward.hs[0].shape[0]} inputs"
        )
    g_alpha1 = next(
        record.value
        for record in _two_step_backward(weights, forward, T, activations)
        if record.step == "②" and record.layer == 1
    )
    return g_alpha1 @ forward.hs[1].T


# == 000/003: the δ recurrence for a scalar output ===========================================


@dataclass(frozen=True)
class DeltaRecurrence:
    """003's two passes: ``activations_a[k]`` is a(k) (a(0) = x), ``psis[k-1]`` the
    diagonal of ψ(k) (one column per example), ``deltas[k]`` is δ(k) for k = 2 … n+1
    (``deltas[0]`` and ``deltas[1]`` are unused)."""

    activations_a: list[Array]
    psis: list[Array]
    deltas: list[Array | None]


def delta_recurrence(
    weights: Sequence[Array], biases: Sequence[Array], X: Array, activation: str
) -> DeltaRecurrence:
    """003's forward and backward passes for a scalar output y = W(n) a(n-1) + b(n).

    Forward, k = 1 … n−1: a(k) = φ⊙(W(k) a(k-1) + b(k)), a(0) = x, and
    [ψ(k)]ᵢᵢ = [φ′⊙(W(k) a(k-1) + b(k))]ᵢ. Backward, k = n … 2:
    δ(k) = ψ(k-1) [W(k)]ᵀ δ(k+1), δ(n+1) = 1. ψ is diagonal, so multiplying by it is the
    element-wise product with its diagonal, which is what is stored and used here.
    """
    weights = _float_arrays(weights)
    n = len(weights)
    # a(k) and φ′⊙(W(k) a(k-1) + b(k)) are 001's h(k) and f′(α(k)) for k < n.
    forward = two_step_forward(weights, biases, X, [activation] * (n - 1) + ["linear"])
    if weights[-1].shape[0] != 1:
        raise ValueError(
            f"the δ recurrence is for a scalar output; W{n} has {weights[-1].shape[0]} rows"
        )
    activations_a = forward.hs[:-1]
    psis = [_activation(activation).derivative(alpha) for alpha in forward.alphas[:-1]]
    batch = activations_a[0].shape[1]
    deltas: list[Array | None] = [None] * (n + 2)
    deltas[n + 1] = np.ones((1, batch))
    for k in range(n, 1, -1):
        deltas[k] = psis[k - 2] * (weights[k - 1].T @ deltas[k + 1])
    return DeltaRecurrence(activations_a, psis, deltas)


def delta_recurrence_gradients(
    weights: Sequence[Array], biases: Sequence[Array], X: Array, activation: str
) -> tuple[list[Array], list[Array]]:
    """000/003: ∂y/∂W(k) = δ(k+1) [a(k-1)]ᵀ and ∂y/∂b(k) = δ(k+1), for k = n … 1.

    y is the scalar output with a linear last layer and φ on every hidden layer; with a
    batch, the gradient of Σ y over the examples. For k = n this is 000's first step,
    ∂y/∂W(n) = [a(n-1)]ᵀ (δ(n+1) = 1).
    """
    passes = delta_recurrence(weights, biases, X, activation)
    n = len(weights)
    grad_weights = [passes.deltas[k + 1] @ passes.activations_a[k - 1].T for k in range(1, n + 1)]
    grad_biases = [passes.deltas[k + 1].sum(axis=1) for k in range(1, n + 1)]
    return grad_weights, grad_biases


def with_bias_column(weights: Sequence[Array], biases: Sequence[Array]) -> list[Array]:
    """000's bias trick: wᵀx + b = [w, b]ᵀ (x, 1), so each W(k) gets b(k) as an extra column."""
    return [np.column_stack([W, b]) for W, b in zip(_float_arrays(weights), _float_arrays(biases))]


def split_bias_column(augmented: Sequence[Array]) -> tuple[list[Array], list[Array]]:
    """Undo :func:`with_bias_column`: the last column of each matrix is the bias."""
    return [M[:, :-1] for M in augmented], [M[:, -1] for M in augmented]


def bias_trick_delta_recurrence_gradients(
    augmented_weights: Sequence[Array], X: Array, activation: str
) -> list[Array]:
    """000/003 with the bias trick: ∂y/∂W̃(k) = δ(k+1) [ã(k-1)]ᵀ, where ã = (a, 1).

    Every activation gets a 1 appended and each W̃(k) = [W(k), b(k)] carries its bias as
    the last column, so the network has weights only: a(k) = φ⊙(W̃(k) ã(k-1)). The
    gradient's last column is ∂y/∂b(k) = δ(k+1), because the appended entry is 1. In the
    recurrence δ(k) = ψ(k-1) [W(k)]ᵀ δ(k+1) the bias column is left out: the constant 1 it
    multiplies depends on no weight. :func:`split_bias_column` of the result equals
    :func:`delta_recurrence_gradients`.
    """
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
    delta = np.ones((1, a.shape[1]))  # δ(n+1)
    grads: list[Array] = [np.empty(0)] * n
    for k in range(n, 0, -1):
        grads[k - 1] = delta @ a_tilde[k - 1].T
        if k > 1:
            delta = psis[k - 2] * (augmented[k - 1][:, :-1].T @ delta)
    return grads


# == 002: binary cross-entropy for the 3-layer sigmoid network ================================


def sigmoid_network_forward(
    weights: Sequence[Array], biases: Sequence[Array], X: Array
) -> list[Array]:
    """002's hypothesis: z[i] = W[i] v[i-1] + b[i], v[i] = σ(z[i]), v[0] = x, ŷ = v[last]."""
    forward = two_step_forward(weights, biases, X, ["sigmoid"] * len(weights))
    return forward.hs


def bce_last_layer_gradient(
    weights: Sequence[Array], biases: Sequence[Array], X: Array, Y: Array
) -> Array:
    """002: ∂L/∂W[3] = (ŷ − y) v[2]ᵀ for L = −Σ [y log ŷ + (1 − y) log(1 − ŷ)], ŷ = σ(z[3]).

    The product of the slide's three factors: ∂L/∂ŷ = −y/ŷ + (1 − y)/(1 − ŷ) times
    ∂ŷ/∂z[3] = ŷ(1 − ŷ) is ŷ − y, times ∂z[3]/∂W[3] = v[2]ᵀ. Summed over the batch.
    """
    vs = sigmoid_network_forward(weights, biases, X)
    return (vs[-1] - _as_targets(Y, "Y", vs[-1].shape)) @ vs[-2].T


def bce_last_layer_gradient_as_printed(
    weights: Sequence[Array], biases: Sequence[Array], X: Array, Y: Array
) -> Array:
    """002 as printed: ∂L/∂W[3] = (y − ŷ) v[2]ᵀ, the negative of the true gradient.

    The slide's sign is flipped: (y − ŷ) v[2]ᵀ is the ascent direction, so the printed SGD
    update W[3] − α ∂L/∂W[3] would increase the loss.
    """
    vs = sigmoid_network_forward(weights, biases, X)
    return (_as_targets(Y, "Y", vs[-1].shape) - vs[-1]) @ vs[-2].T


def bce_sigmoid_network_gradients(
    weights: Sequence[Array], biases: Sequence[Array], X: Array, Y: Array
) -> tuple[list[Array], list[Array]]:
    """002: every ∂L/∂W[i] and ∂L/∂b[i] as the slide's products of chain-rule factors.

    ∂L/∂W[3] = ∂L/∂ŷ · ∂ŷ/∂z[3] · ∂z[3]/∂W[3];
    ∂L/∂W[2] = ∂L/∂ŷ · ∂ŷ/∂z[3] · ∂z[3]/∂v[2] · ∂v[2]/∂z[2] · ∂z[2]/∂W[2], and so on down,
    with ∂L/∂ŷ = −y/ŷ + (1 − y)/(1 − ŷ), ∂v/∂z = σ(z)(1 − σ(z)), ∂z[i]/∂v[i-1] = W[i] and
    ∂z[i]/∂W[i] = v[i-1]ᵀ. The factors are multiplied as written (not simplified to
    ŷ − y), so this needs ŷ strictly inside (0, 1). The common prefix of the products is
    computed once and reused, which is the slide's closing question.
    """
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


def _two_layer_hidden(W1: Array, X: Array) -> tuple[Array, Array]:
    X = _as_batch(X, "X")
    return X, _sigmoid(np.asarray(W1, dtype=float) @ X)


def _sigmoid(a: Array) -> Array:
    return TABLE["sigmoid"].function(a)


def sigmoid_output_squared_error_gradients(
    W1: Array, W2: Array, X: Array, Y: Array
) -> tuple[Array, Array]:
    """002: (∇W1 L, ∇W2 L) for L = ‖σ(W2 σ(W1 x)) − y‖², with v = σ(W1 x), ŷ = σ(W2 v).

    With the residual R = ŷ − y: ∇W2 L = 2 (R ⊙ ŷ ⊙ (1 − ŷ)) vᵀ and
    ∇W1 L = 2 ((W2ᵀ (R ⊙ ŷ ⊙ (1 − ŷ))) ⊙ v ⊙ (1 − v)) xᵀ.
    """
    W2 = np.asarray(W2, dtype=float)
    X, v = _two_layer_hidden(W1, X)
    y_hat = _sigmoid(W2 @ v)
    R = y_hat - _as_targets(Y, "Y", y_hat.shape)
    output_term = 2.0 * R * y_hat * (1.0 - y_hat)
    return ((W2.T @ output_term) * v * (1.0 - v)) @ X.T, output_term @ v.T


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
    W2 = np.asarray(W2, dtype=float)
    X, v = _two_layer_hidden(W1, X)
    y_hat = _sigmoid(W2 @ v)
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
    W2 = np.asarray(W2, dtype=float)
    X, v = _two_layer_hidden(W1, X)
    f = W2 @ v
    R2 = 2.0 * (f - _as_targets(Y, "Y", f.shape))
    return ((W2.T @ R2) * v * (1.0 - v)) @ X.T, R2 @ v.T


# == 002: the chain y = x², z = y² ===========================================================


def square_chain_derivative(x: Array | float) -> Array:
    """002: for y = x², z = y², dz/dx = dz/dy · dy/dx = 2y · 2x = 4xy = 4x³.

    Here x is the variable itself, not a parameter shared by a batch, so an array of x
    gives each x's own derivative (element-wise), not a sum.
    """
    x = np.asarray(x, dtype=float)
    y = x**2
    return (2.0 * y) * (2.0 * x)


# == 004: hidden-layer gradients for the softmax loss −log f(x)_y =============================


def softmax(logits: Array) -> Array:
    """f(x) = softmax(a(L+1)) column by column, shifted by the maximum so it cannot overflow."""
    shifted = logits - logits.max(axis=0, keepdims=True)
    e = np.exp(shifted)
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
    weights: Sequence[Array],
    biases: Sequence[Array],
    X: Array,
    labels: Array | Sequence[int],
    activation: str,
) -> tuple[list[Array], list[Array]]:
    """004: the gradients of −log f(x)_y, f(x) = softmax(a(L+1)), layer by layer.

    a(k) = b(k) + W(k) h(k-1), h(k) = g(a(k)) on the hidden layers, h(0) = x. At the
    output, ∇a(L+1) = f(x) − e(y) (e(y) the one-hot vector of the class). Then for each
    layer, going down: ∇W(k) = ∇a(k) h(k-1)ᵀ, ∇b(k) = ∇a(k), and for the hidden layer
    below, ∇h(k) = W(k+1)ᵀ ∇a(k+1) and ∇a(k) = ∇h(k) ⊙ g′(a(k)). ``labels`` holds one
    class index per example (0-based); the gradients are summed over the batch.
    """
    weights = _float_arrays(weights)
    forward = two_step_forward(weights, biases, X, [activation] * (len(weights) - 1) + ["linear"])
    logits = forward.alphas[-1]
    grad_a = softmax(logits) - _one_hot(labels, logits.shape[0], logits.shape[1])
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
