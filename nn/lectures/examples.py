"""Every worked example of the lectures as data, with three independent gradients each.

``formula`` is the lecture's derivation (:mod:`nn.lectures.formulas`), ``engine`` is
``backward()`` through the loss built from Values (by nn's MLP and losses where the network
has biases), ``finite difference`` central differences of a plain NumPy forward pass. The
numbers make every branch matter: a ReLU unit that is off, several examples where a lecture
sums over them, several outputs where a bracketing depends on it. Engine and formula differ
only by float rounding (1e-9 relative); a central difference with h = 1e-6 has truncation
error O(h²) and rounding error ≈ 1e-10·|L| (1e-6 relative, plus 1e-8 for gradients of 0).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from autograd_core import Value, numerical_gradient
from nn import MLP, binary_cross_entropy, half_squared_error, softmax_cross_entropy, squared_error
from nn.lectures import formulas
from nn.losses import value_sum
from nn.names import alpha_name, h_name, input_name, parameter_names, weight_name

ENGINE_RTOL = 1e-9
ENGINE_ATOL = 1e-12
FD_RTOL = 1e-6
FD_ATOL = 1e-8
FD_STEP = 1e-6

Array = np.ndarray
Layers = tuple[list[Array], list[Array]]  # (weights, biases), or their gradients

# -- parameters in the lectures' notation ------------------------------------------------------


def central_differences(
    loss: Callable[[list[Array]], float], arrays: Sequence[Array], step: float = FD_STEP
) -> list[Array]:
    """∂L/∂θ for every entry θ of ``arrays``, by central differences (L(θ + h) − L(θ − h)) / 2h.

    ``loss`` maps arrays shaped like ``arrays`` to a number, in plain NumPy; the differences
    are :func:`autograd_core.numerical_gradient`'s, which reads only the Values' ``.data``.
    """
    arrays = [np.asarray(a, dtype=float) for a in arrays]
    ends = np.cumsum([a.size for a in arrays])[:-1]

    def split(flat: Array) -> list[Array]:
        return [part.reshape(a.shape) for part, a in zip(np.split(flat, ends), arrays)]

    def loss_of_values(*values: Value) -> Value:
        return Value(float(loss(split(np.array([v.data for v in values])))))

    theta = np.concatenate([a.ravel() for a in arrays]).tolist()
    return split(np.array(numerical_gradient(loss_of_values, theta, eps=step)))


def flatten_layers(weights: Sequence[Array], biases: Sequence[Array] | None = None) -> Array:
    """The parameter vector θ in :func:`nn.names.parameter_names` order."""
    if biases is not None:
        weights = formulas.with_bias_column(weights, biases)
    return np.concatenate([np.asarray(W, dtype=float).ravel() for W in weights])


def unflatten_layers(theta: Array, sizes: Sequence[int], biases: bool = True) -> Layers:
    """Undo :func:`flatten_layers`: ``(weights, biases)``; biases are empty without them."""
    weights, bias_list, start = [], [], 0
    for n_in, n_out in itertools.pairwise(sizes):
        width = n_in + int(biases)
        block = np.asarray(theta[start : start + n_out * width], dtype=float).reshape(n_out, width)
        start += n_out * width
        weights.append(block[:, :n_in].copy())
        bias_list.append(block[:, n_in].copy() if biases else np.zeros(0))
    return weights, bias_list


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def lecture_symbol(name: str, style: str) -> str:
    """How a lecture writes the parameter ``name`` ("W1[2,1]", "b1[2]") in ``style``.

    "001": w(1)₂,₁, w(1)₂,₀; "002": W[1]₂,₁, b[1]₂; "002-nobias": (W₁)₂,₁; "003"/"004": W(1)₂,₁,
    b(1)₂; any other style gives ``name``.
    """
    kind, rest = name[0], name[1:]
    if "[" not in rest:
        return name
    layer, index = rest.rstrip("]").split("[", 1)
    row, _, column = index.translate(_SUBSCRIPTS).partition(",")
    tail = f",{column}" if column else ""
    styles = {
        "001": f"w({layer}){row},{column if kind == 'W' else '₀'}",
        "002": f"{kind}[{layer}]{row}{tail}",
        "002-nobias": f"(W{layer.translate(_SUBSCRIPTS)}){row}{tail}",
        "003": f"{kind}({layer}){row}{tail}",
        "004": f"{kind}({layer}){row}{tail}",
    }
    return styles.get(style, name)


# -- an example and its comparison ---------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One parameter's three gradients and how far apart they are."""

    name: str
    symbol: str
    formula: float
    engine: float
    finite_difference: float

    @property
    def largest_difference(self) -> float:
        values = (self.formula, self.engine, self.finite_difference)
        return max(abs(a - b) for a in values for b in values)

    @property
    def engine_agrees(self) -> bool:
        scale = max(abs(self.formula), abs(self.engine))
        return abs(self.formula - self.engine) <= ENGINE_RTOL * scale + ENGINE_ATOL

    @property
    def finite_difference_agrees(self) -> bool:
        worst = max(abs(self.finite_difference - v) for v in (self.formula, self.engine))
        return worst <= FD_RTOL * abs(self.formula) + FD_ATOL

    @property
    def agrees(self) -> bool:
        return self.engine_agrees and self.finite_difference_agrees


@dataclass(frozen=True)
class Comparison:
    """The outcome of running one example: its rows, its loss and the engine's graph."""

    example: WorkedExample
    rows: list[Row]
    loss: float
    root: Value
    parameters: list[Value]

    @property
    def agrees(self) -> bool:
        return all(row.agrees for row in self.rows)

    @property
    def largest_difference(self) -> float:
        return max(row.largest_difference for row in self.rows)


@dataclass(frozen=True)
class WorkedExample:
    """One worked example: the lecture, the chosen numbers, and three ways to differentiate.

    ``numpy_loss(θ)``, ``formula_gradient(θ)`` and ``engine_graph(θ)`` (the loss as a Value
    and the parameters' leaves) take θ in ``names`` order; ``network()``, for an nn MLP, gives
    :func:`nn.draw_network` its ``(model, x, target, loss)`` for the first example.
    """

    key: str
    lecture: str
    title: str
    description: str
    names: tuple[str, ...]
    theta: Array = field(repr=False)
    numpy_loss: Callable[[Array], float] = field(repr=False)
    formula_gradient: Callable[[Array], Array] = field(repr=False)
    engine_graph: Callable[[Array], tuple[Value, list[Value]]] = field(repr=False)
    symbol_style: str = ""
    network: Callable[[], tuple[MLP, list[float], object, Callable]] | None = field(
        default=None, repr=False
    )

    def finite_differences(self, step: float = FD_STEP) -> Array:
        """Central differences of ``numpy_loss`` in each parameter, with step ``step``."""
        return central_differences(lambda arrays: self.numpy_loss(arrays[0]), [self.theta], step)[0]

    def engine_gradient(self) -> tuple[Value, list[Value], Array]:
        """The engine's graph after ``backward()``: root, parameter leaves, their grads."""
        root, leaves = self.engine_graph(self.theta.copy())
        root.backward()
        return root, leaves, np.array([leaf.grad for leaf in leaves])

    def run(self) -> Comparison:
        formula = np.asarray(self.formula_gradient(self.theta.copy()), dtype=float)
        root, leaves, engine = self.engine_gradient()
        rows = [
            Row(name, lecture_symbol(name, self.symbol_style), float(f), float(e), float(d))
            for name, f, e, d in zip(self.names, formula, engine, self.finite_differences())
        ]
        return Comparison(self, rows, float(self.numpy_loss(self.theta.copy())), root, leaves)


# -- engine building blocks -------------------------------------------------------------------


def _inputs(column: Sequence[float]) -> list[Value]:
    """One example's inputs as leaves x1, x2, …, drawn as inputs (numbers would be constants)."""
    return [Value(x, label=input_name(j)) for j, x in enumerate(column, start=1)]


def _labelled(nodes: list[Value], name: Callable[[int, int], str], layer: int) -> list[Value]:
    """Label a layer's nodes as nn does ("α1[2]", "h1[2]"), so a drawing frames each neuron."""
    for row, node in enumerate(nodes, start=1):
        node.label = name(layer, row)
    return nodes


def _value_matrix(W: Array, layer: int) -> list[list[Value]]:
    """W(layer) as leaf Values named as nn names them ("W1[2,1]")."""
    return [
        [Value(w, label=weight_name(layer, i, j)) for j, w in enumerate(row, start=1)]
        for i, row in enumerate(W, start=1)
    ]


def _matrix_times(W: list[list[Value]], v: Sequence[Value]) -> list[Value]:
    """W v for a matrix of Values, each entry summed in input order: w₁v₁ + w₂v₂ + …"""
    # All products first, then the sums: a drawing numbers nodes in creation order.
    products = [[w * x for w, x in zip(row, v)] for row in W]
    return [value_sum(row) for row in products]


def _summed(losses: list[Value], label: str) -> Value:
    total = value_sum(losses)
    total.label = label
    return total


def _mlp_example(
    *,
    weights: Sequence[Array],
    biases: Sequence[Array],
    activations: tuple[str, str],
    X: Array,
    numpy_loss_of_output: Callable[[Array], float],
    formula: Callable[[list[Array], list[Array]], Layers],
    engine_loss: Callable[[Value | list[Value], int], Value],
    labels: tuple[str, str, str],
    **about: str,
) -> WorkedExample:
    """An example whose network is nn's MLP with biases: ``formula(weights, biases)``,
    ``numpy_loss_of_output(y)`` on the NumPy output, ``engine_loss(out, i)`` on example i's;
    ``labels`` name each example's output, loss (``{i}`` its number) and the total."""
    sizes = [weights[0].shape[1], *(W.shape[0] for W in weights)]
    hidden, output = activations
    layer_activations = [hidden] * (len(weights) - 1) + [output]
    output_label, loss_label, total_label = labels
    names = parameter_names(sizes)

    def model_of(theta: Array) -> MLP:
        Ws, bs = unflatten_layers(theta, sizes)
        return MLP.from_arrays(Ws, bs, activation=hidden, output_activation=output)

    def numpy_loss(theta: Array) -> float:
        Ws, bs = unflatten_layers(theta, sizes)
        return numpy_loss_of_output(formulas.two_step_forward(Ws, bs, X, layer_activations).hs[-1])

    def engine_graph(theta: Array) -> tuple[Value, list[Value]]:
        model = model_of(theta)
        losses = []
        for i, column in enumerate(X.T.tolist(), start=1):
            out = model(_inputs(column))
            if isinstance(out, Value):
                out.label = output_label.format(i=i)
            losses.append(engine_loss(out, i - 1))
            losses[-1].label = loss_label.format(i=i)
        if [name for name, _ in model.named_parameters()] != names:
            raise RuntimeError(f"nn's parameter names differ from the lectures' {names}")
        return _summed(losses, total_label), model.parameters()

    def network() -> tuple[MLP, list[float], object, Callable]:
        def first_example_loss(outputs: Value | list[Value], target: object) -> Value:
            return engine_loss(outputs, 0)

        first_example_loss.__name__ = loss_label.format(i=1)
        return model_of(flatten_layers(weights, biases)), X.T.tolist()[0], None, first_example_loss

    return WorkedExample(
        names=tuple(names),
        theta=flatten_layers(weights, biases),
        numpy_loss=numpy_loss,
        formula_gradient=lambda theta: flatten_layers(*formula(*unflatten_layers(theta, sizes))),
        engine_graph=engine_graph,
        network=network,
        **about,
    )


# == the examples, in lecture order ============================================================


def bias_trick_example() -> WorkedExample:
    """000: a scalar-output network y = W(2) φ⊙(W(1) x + b(1)) + b(2), by the bias trick."""
    X = np.array([[1.0], [-0.5], [2.0]])

    def formula(Ws: list[Array], bs: list[Array]) -> Layers:
        augmented = formulas.with_bias_column(Ws, bs)
        grads = formulas.bias_trick_delta_recurrence_gradients(augmented, X, "sigmoid")
        return formulas.split_bias_column(grads)

    return _mlp_example(
        weights=[np.array([[0.5, -0.3, 0.8], [-0.6, 0.9, 0.2]]), np.array([[1.4, -0.7]])],
        biases=[np.array([0.1, -0.4]), np.array([0.3])],
        activations=("sigmoid", "linear"),
        X=X,
        numpy_loss_of_output=lambda y: float(y.sum()),
        formula=formula,
        engine_loss=lambda y, i: y,
        labels=("y", "y", "y"),
        key="000-bias-trick",
        lecture="000",
        title="000: the bias trick — append 1 to x, give each W(k) its bias as a last column",
        description=(
            "A 3-2-1 network, sigmoid hidden layer, linear scalar output y, at "
            "x = (1, −0.5, 2). The formula runs the δ recurrence on the weight-only network "
            "[W(k), b(k)] acting on (a(k-1), 1) and reads ∂y/∂b(k) off the last column."
        ),
        symbol_style="003",
    )


def two_step_numbers() -> tuple[list[Array], list[Array], Array, Array]:
    """001's 2-2-1 example as fresh ``(weights, biases, X, T)``, for a notebook to work by hand."""
    weights = [np.array([[0.5, -0.25], [0.75, 1.0]]), np.array([[1.5, -0.5]])]
    biases = [np.array([0.1, -0.2]), np.array([0.3])]
    return weights, biases, np.array([[1.0], [-2.0]]), np.array([[1.0]])


def two_step_example() -> WorkedExample:
    """001: the 2-2-1 network (ReLU hidden, linear output, J = ½(t − y)²), 9 derivatives."""
    weights, biases, X, T = two_step_numbers()
    return _mlp_example(
        weights=weights,
        biases=biases,
        activations=("relu", "linear"),
        X=X,
        numpy_loss_of_output=lambda y: float(0.5 * np.sum((T - y) ** 2)),
        formula=lambda Ws, bs: formulas.two_step_gradients(Ws, bs, X, T, ["relu", "linear"]),
        engine_loss=lambda y, i: half_squared_error(y, list(T[:, i])),
        labels=("y", "J", "J"),
        key="001-two-step",
        lecture="001",
        title="001: the two-step algorithm on the 2-2-1 network (ReLU, linear output, ½(t − y)²)",
        description=(
            "x = (1, −2), t = 1. α(1) = (1.1, −1.45): hidden unit 2 is off, so its ReLU "
            "passes no gradient and the derivatives for w(1)₂,₀ w(1)₂,₁ w(1)₂,₂ and w(2)₁,₂ "
            "are exactly 0. y = 1.95, so step ① gives g = y − t = 0.95. The lecture's output "
            'activation "Z" is the identity. b1[i] is the lecture\'s w(1)ᵢ,₀.'
        ),
        symbol_style="001",
    )


def binary_cross_entropy_example() -> WorkedExample:
    """002: the 3-layer sigmoid network with binary cross-entropy summed over examples."""
    X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
    Y = np.array([[1.0, 0.0, 1.0]])
    return _mlp_example(
        weights=[
            np.array([[0.4, -0.6], [0.7, 0.2], [-0.3, 0.8]]),
            np.array([[0.5, -0.9, 0.3], [-0.4, 0.6, 0.8]]),
            np.array([[1.1, -0.7]]),
        ],
        biases=[np.array([0.1, -0.2, 0.05]), np.array([0.2, -0.1]), np.array([0.15])],
        activations=("sigmoid", "sigmoid"),
        X=X,
        numpy_loss_of_output=lambda p: float(-np.sum(Y * np.log(p) + (1 - Y) * np.log(1 - p))),
        formula=lambda Ws, bs: formulas.bce_sigmoid_network_gradients(Ws, bs, X, Y),
        engine_loss=lambda p, i: binary_cross_entropy(p, list(Y[:, i])),
        labels=("ŷ({i})", "L({i})", "L"),
        key="002-binary-cross-entropy",
        lecture="002",
        title="002: binary cross-entropy on the 3-layer sigmoid network (2-3-2-1)",
        description=(
            "Three examples x(i) = (0.5, 1.5), (−1, 0.25), (2, −0.5) with labels 1, 0, 1; "
            "L = −Σᵢ [y(i) log ŷ(i) + (1 − y(i)) log(1 − ŷ(i))]. Both labels occur, so both "
            "terms of ∂L/∂ŷ matter. The formula multiplies the slide's chain-rule factors "
            "layer by layer; for W[3] they give (ŷ − y) v[2]ᵀ (the slide prints y − ŷ)."
        ),
        symbol_style="002",
    )


def _two_layer_example(sigmoid_output: bool) -> WorkedExample:
    """002's two-layer networks without biases: ‖σ(W2 σ(W1 x)) − y‖² or ‖W2 σ(W1 x) − y‖²."""
    sizes = (2, 3, 2)
    W1 = np.array([[0.6, -0.4], [-0.2, 0.9], [0.5, 0.3]])
    W2 = np.array([[0.8, -0.5, 0.3], [-0.6, 0.4, 0.9]])
    X = np.array([[1.0, -0.5], [0.5, 2.0]])
    Y = np.array([[0.2, 0.9], [0.7, 0.1]])
    output = "sigmoid" if sigmoid_output else "linear"
    gradients = (
        formulas.sigmoid_output_squared_error_gradients
        if sigmoid_output
        else formulas.linear_output_squared_error_gradients
    )

    def numpy_loss(theta: Array) -> float:
        weights, _ = unflatten_layers(theta, sizes, biases=False)
        zero_biases = [np.zeros(W.shape[0]) for W in weights]
        y_hat = formulas.two_step_forward(weights, zero_biases, X, ["sigmoid", output]).hs[-1]
        return float(np.sum((y_hat - Y) ** 2))

    def formula_gradient(theta: Array) -> Array:
        (W1_, W2_), _ = unflatten_layers(theta, sizes, biases=False)
        return flatten_layers(list(gradients(W1_, W2_, X, Y)))

    def engine_graph(theta: Array) -> tuple[Value, list[Value]]:
        weights, _ = unflatten_layers(theta, sizes, biases=False)
        W1_values, W2_values = (_value_matrix(W, k) for k, W in enumerate(weights, start=1))
        losses = []
        for i, (x, y) in enumerate(zip(X.T.tolist(), Y.T.tolist()), start=1):
            alphas = _labelled(_matrix_times(W1_values, _inputs(x)), alpha_name, layer=1)
            v = _labelled([a.sigmoid() for a in alphas], h_name, layer=1)
            f = _labelled(_matrix_times(W2_values, v), alpha_name, layer=2)
            y_hat = _labelled([z.sigmoid() for z in f], h_name, layer=2) if sigmoid_output else f
            losses.append(squared_error(y_hat, y))
            losses[-1].label = f"L({i})"
        return _summed(losses, "L"), [w for row in W1_values + W2_values for w in row]

    if sigmoid_output:
        key = "002-sigmoid-output"
        title = "002: L = ‖σ(W2 σ(W1 x)) − y‖², closed forms of ∇W1 L and ∇W2 L (no biases)"
        extra = (
            "Two outputs, so the printed ∇W1 L, read as written, does not even type-check "
            "(W2ᵀR has 3 entries, ŷ has 2); the formula is 2 (W2ᵀ (R ⊙ ŷ ⊙ (1 − ŷ))) ⊙ v ⊙ "
            "(1 − v) xᵀ with R = ŷ − y."
        )
    else:
        key = "002-linear-output"
        title = "002: L = ‖W2 σ(W1 x) − y‖², closed forms of ∇W1 L and ∇W2 L (no biases)"
        extra = "∇W2 L = 2 R vᵀ and ∇W1 L = 2 ((W2ᵀ R) ⊙ v ⊙ (1 − v)) xᵀ with R = W2 v − y."
    return WorkedExample(
        key=key,
        lecture="002",
        title=title,
        description=(
            "A 2-3-2 network, sigmoid hidden layer v = σ(W1 x), two examples x = (1, 0.5) "
            "and (−0.5, 2) with targets (0.2, 0.7) and (0.9, 0.1), L summed over both. " + extra
        ),
        names=tuple(parameter_names(sizes, biases=False)),
        theta=flatten_layers([W1, W2]),
        numpy_loss=numpy_loss,
        formula_gradient=formula_gradient,
        engine_graph=engine_graph,
        symbol_style="002-nobias",
    )


def sigmoid_output_example() -> WorkedExample:
    """002: L = ‖σ(W2 σ(W1 x)) − y‖² (no biases)."""
    return _two_layer_example(sigmoid_output=True)


def linear_output_example() -> WorkedExample:
    """002: L = ‖W2 σ(W1 x) − y‖² (no biases)."""
    return _two_layer_example(sigmoid_output=False)


CHAIN_X = 1.5


def square_chain_example() -> WorkedExample:
    """002: y = x², z = y², so dz/dx = 4xy = 4x³ (13.5 at x = 1.5)."""

    def engine_graph(theta: Array) -> tuple[Value, list[Value]]:
        x = Value(theta[0], label="x")
        y = x**2
        y.label = "y"
        z = y**2
        z.label = "z"
        return z, [x]

    return WorkedExample(
        key="002-square-chain",
        lecture="002",
        title="002: the chain rule on y = x², z = y² — dz/dx = 4xy = 4x³",
        description=f"At x = {CHAIN_X}: y = 2.25, z = 5.0625 and dz/dx = 4·1.5·2.25 = 13.5.",
        names=("x",),
        theta=np.array([CHAIN_X]),
        numpy_loss=lambda theta: float((theta[0] ** 2) ** 2),
        formula_gradient=lambda theta: np.atleast_1d(formulas.square_chain_derivative(theta[0])),
        engine_graph=engine_graph,
    )


def delta_recurrence_example() -> WorkedExample:
    """003: a deeper scalar-output network (2-3-3-1, tanh), by the δ recurrence."""
    X = np.array([[0.8, -1.2], [-0.6, 0.4]])
    return _mlp_example(
        weights=[
            np.array([[0.4, -0.7], [0.9, 0.2], [-0.5, 0.6]]),
            np.array([[0.3, -0.8, 0.5], [0.6, 0.4, -0.2], [-0.7, 0.1, 0.9]]),
            np.array([[1.2, -0.9, 0.7]]),
        ],
        biases=[np.array([0.1, -0.3, 0.2]), np.array([0.05, -0.1, 0.15]), np.array([0.25])],
        activations=("tanh", "linear"),
        X=X,
        numpy_loss_of_output=lambda y: float(y.sum()),
        formula=lambda Ws, bs: formulas.delta_recurrence_gradients(Ws, bs, X, "tanh"),
        engine_loss=lambda y, i: y,
        labels=("y({i})", "y({i})", "Σy"),
        key="003-delta-recurrence",
        lecture="003",
        title="003: the δ recurrence on a deeper scalar-output network (2-3-3-1, tanh)",
        description=(
            "φ = tanh on both hidden layers, linear scalar output, two examples x = (0.8, "
            "−0.6) and (−1.2, 0.4); the quantity differentiated is y(1) + y(2). "
            "δ(4) = 1, δ(k) = ψ(k-1) W(k)ᵀ δ(k+1), ∂y/∂W(k) = δ(k+1) a(k-1)ᵀ, ∂y/∂b(k) = δ(k+1)."
        ),
        symbol_style="003",
    )


def softmax_example() -> WorkedExample:
    """004: −log softmax(f(x))_y through two ReLU hidden layers (2-3-2-3)."""
    X = np.array([[1.0, -0.5], [0.5, 1.5]])
    classes = np.array([2, 0])

    def numpy_loss_of_output(logits: Array) -> float:
        shift = logits.max(axis=0)
        log_norm = shift + np.log(np.exp(logits - shift).sum(axis=0))
        return float(np.sum(log_norm - logits[classes, np.arange(len(classes))]))

    return _mlp_example(
        weights=[
            np.array([[0.6, -0.4], [-0.8, 0.3], [0.5, 0.9]]),
            np.array([[0.7, -0.5, 0.4], [-0.3, 0.8, 0.6]]),
            np.array([[0.5, -0.6], [-0.4, 0.9], [0.3, 0.2]]),
        ],
        biases=[np.array([0.1, -0.2, 0.05]), np.array([0.2, -0.1]), np.array([0.0, 0.1, -0.1])],
        activations=("relu", "linear"),
        X=X,
        numpy_loss_of_output=numpy_loss_of_output,
        formula=lambda Ws, bs: formulas.softmax_cross_entropy_gradients(Ws, bs, X, classes, "relu"),
        engine_loss=lambda logits, i: softmax_cross_entropy(logits, int(classes[i])),
        labels=("", "l({i})", "l"),
        key="004-softmax",
        lecture="004",
        title="004: hidden-layer gradients of −log softmax(f(x))_y (2-3-2-3, ReLU)",
        description=(
            "Two examples x = (1, 0.5) of class 2 and (−0.5, 1.5) of class 0 (0-based), "
            "loss summed. In layer 1, unit 1 is on only for the first example and unit 2 "
            "only for the second, so g′(a(1)) zeroes a different entry of ∇h(1) in each. "
            "∇a(3) = softmax(a(3)) − e(y), ∇h(k) = W(k+1)ᵀ ∇a(k+1), "
            "∇a(k) = ∇h(k) ⊙ g′(a(k))."
        ),
        symbol_style="004",
    )


def all_examples() -> list[WorkedExample]:
    """Every worked example, in lecture order."""
    return [
        bias_trick_example(),
        two_step_example(),
        binary_cross_entropy_example(),
        sigmoid_output_example(),
        linear_output_example(),
        square_chain_example(),
        delta_recurrence_example(),
        softmax_example(),
    ]
