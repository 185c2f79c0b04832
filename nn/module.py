"""Neurons, layers and MLPs of engine Values: lecture 001's α(k) = b(k) + W(k) h(k−1),
h(k) = f(α(k)), each neuron one ``affine`` node α and one node f(α) (none when linear).

Parameters and nodes carry the lectures' names (:mod:`nn.names`). Arguments are checked
once, by the public constructor or call the user made.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from autograd_core import Value, affine
from autograd_core.value import mark_parameters
from nn.activations import ACTIVATIONS, TABLE
from nn.checks import check_choice, check_int, check_parameter_count, check_sequence
from nn.init import DEFAULT_INIT, INIT_SCHEMES, Seed, generator, initial_parameters
from nn.names import alpha_name, bias_name, h_name, input_name, weight_name

Inputs = Sequence[Value | float]


class Module:
    """Anything with parameters: ``parameters()``, ``named_parameters()``, ``zero_grad()``."""

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(name, Value) for every parameter, in the order of :meth:`parameters`."""
        return []

    def parameters(self) -> list[Value]:
        """Every parameter: layer by layer, neuron by neuron, weights in input order, then bias."""
        return [value for _, value in self.named_parameters()]

    def weight_parameters(self) -> list[Value]:
        """The weights (named ``W…``) only, biases left out: what an L2 regulariser penalises."""
        return [value for name, value in self.named_parameters() if name.startswith("W")]

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0, before the next backward pass."""
        for value in self.parameters():
            value.grad = 0.0


class Neuron(Module):
    """One unit h = f(b + Σⱼ wⱼxⱼ): ``weights`` (in input order), ``bias``, ``activation``;
    ``init`` and ``seed`` as for :class:`MLP`, the bias starting at 0 except with
    ``init="micrograd"``. Standing alone its parameters are ``W1[1,j]`` and ``b1[1]``."""

    def __init__(
        self, nin: int, activation: str = "relu", *, init: str = DEFAULT_INIT, seed: Seed = None
    ) -> None:
        weights, biases = _drawn_layer(nin, 1, activation, init, seed, "Neuron")
        self._set(weights[0].tolist(), float(biases[0]), activation)

    def _set(
        self, weights: Sequence[float], bias: float, activation: str, layer: int = 1, row: int = 1
    ) -> None:
        self.weights = [
            Value(w, label=weight_name(layer, row, j)) for j, w in enumerate(weights, start=1)
        ]
        self.bias = Value(bias, label=bias_name(layer, row))
        mark_parameters([*self.weights, self.bias])
        self.activation = activation
        self._layer, self._row = layer, row
        self._alpha_label = alpha_name(layer, row)
        self._h_label = h_name(layer, row)

    @property
    def nin(self) -> int:
        return len(self.weights)

    def __call__(self, x: Inputs) -> Value:
        """h = f(α), α = b + Σⱼ wⱼxⱼ; ``x`` is a sequence of nin numbers or Values."""
        return self._forward(_as_inputs(x, self.nin, "Neuron"))

    def _forward(self, inputs: list[Value]) -> Value:
        pre_activation = affine(self.weights, inputs, self.bias)
        pre_activation.label = self._alpha_label
        if self.activation == "linear":
            return pre_activation
        out = TABLE[self.activation].apply(pre_activation)
        out.label = self._h_label
        return out

    def named_parameters(self) -> list[tuple[str, Value]]:
        layer, row = self._layer, self._row
        names = [weight_name(layer, row, j) for j in range(1, self.nin + 1)]
        return [*zip(names, self.weights), (bias_name(layer, row), self.bias)]

    def __repr__(self) -> str:
        inputs = "1 input" if self.nin == 1 else f"{self.nin} inputs"
        return f"Neuron({inputs}, {self.activation})"


class Layer(Module):
    """``nout`` ``neurons`` reading the same ``nin`` inputs: h = f(b + W x), W of shape
    (nout, nin). ``init`` and ``seed`` as for :class:`MLP`. Standing alone it is layer 1.
    Calling it returns one Value when nout is 1, else a list of nout Values."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "relu",
        *,
        init: str = DEFAULT_INIT,
        seed: Seed = None,
    ) -> None:
        self._set(*_drawn_layer(nin, nout, activation, init, seed, "Layer"), activation)

    def _set(
        self, weights: np.ndarray, biases: np.ndarray, activation: str, layer: int = 1
    ) -> None:
        self.activation = activation
        self.neurons = [
            _built(Neuron, row_weights, bias, activation, layer, row)
            for row, (row_weights, bias) in enumerate(zip(weights.tolist(), biases.tolist()), 1)
        ]

    @property
    def nin(self) -> int:
        return self.neurons[0].nin

    @property
    def nout(self) -> int:
        return len(self.neurons)

    def __call__(self, x: Inputs) -> Value | list[Value]:
        """h = f(b + W x) for ``x`` a sequence of nin numbers or Values; a Value when nout is 1."""
        h = self._forward(_as_inputs(x, self.nin, "Layer"))
        return h[0] if len(h) == 1 else h

    def _forward(self, inputs: list[Value]) -> list[Value]:
        # Always a list, so that a one-neuron layer feeds the next layer (micrograd's
        # Layer returns a bare Value there, and MLP(2, [16, 1, 1]) crashes).
        return [neuron._forward(inputs) for neuron in self.neurons]

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [named for neuron in self.neurons for named in neuron.named_parameters()]

    def weight_array(self) -> np.ndarray:
        """W as a float array of shape (nout, nin)."""
        return self._arrays("data")[0]

    def bias_array(self) -> np.ndarray:
        """b as a float array of shape (nout,)."""
        return self._arrays("data")[1]

    def _arrays(self, attribute: str) -> tuple[np.ndarray, np.ndarray]:
        """(W, b) holding each parameter's ``attribute``, ``"data"`` or ``"grad"``."""
        W = [[getattr(w, attribute) for w in n.weights] for n in self.neurons]
        b = [getattr(n.bias, attribute) for n in self.neurons]
        return np.array(W, dtype=float), np.array(b, dtype=float)

    def __repr__(self) -> str:
        return f"Layer({self.nin} → {self.nout}, {self.activation})"


class MLP(Module):
    """A multi-layer perceptron: layers of sizes ``nouts`` on top of ``nin`` inputs.

    Every layer but the last applies ``activation``, the last ``output_activation`` (each of
    :data:`nn.ACTIVATIONS`). ``init`` draws the weights: ``"he"`` (default, N(0, 2/n_in)),
    ``"xavier"`` (Glorot uniform) or ``"uniform"`` (U(−1, 1)), biases at 0; or ``"micrograd"``,
    weights and biases from U(−1, 1), micrograd's lecture network (:mod:`nn.init`).
    ``seed`` is an int ≥ 0, a ``numpy.random.Generator`` or None (fresh randomness); the same
    seed gives the same weights. A network of more than 2 million parameters is refused.
    ``model(x)`` returns a Value when the last layer has one neuron, else a list of Values.

    >>> model = MLP(2, [16, 16, 1], seed=0)
    >>> model
    MLP(2 → 16 → 16 → 1, relu hidden, linear output)
    >>> len(model.parameters())
    337
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        output_activation: str = "linear",
        seed: Seed = None,
        *,
        init: str = DEFAULT_INIT,
    ) -> None:
        nin = check_int(nin, "nin", 1)
        if isinstance(nouts, np.ndarray) and nouts.ndim == 1:
            nouts = nouts.tolist()
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(
                f"nouts must be a non-empty sequence of layer sizes such as [16, 16, 1], "
                f"got {nouts!r}"
            )
        sizes = [nin]
        for k, size in enumerate(nouts, start=1):
            sizes.append(check_int(size, f"nouts[{k - 1}] (the size of layer {k})", 1))
        _check_activations(activation, output_activation)
        check_choice(init, INIT_SCHEMES, "init")
        check_parameter_count(sizes, f"MLP({nin}, {sizes[1:]})")
        rng = generator(seed)
        arrays = [initial_parameters(init, n_out, n_in, rng) for n_in, n_out in pairwise(sizes)]
        self._set(arrays, activation, output_activation)

    @classmethod
    def from_arrays(
        cls,
        weights: Sequence[np.ndarray],
        biases: Sequence[np.ndarray],
        activation: str = "relu",
        output_activation: str = "linear",
    ) -> MLP:
        """An MLP holding ``weights[k]`` = W(k+1), shape ``(n_out, n_in)`` (it maps h(k) to
        α(k+1)), and ``biases[k]`` = b(k+1), shape ``(n_out,)``; anything array-like works."""
        _check_activations(activation, output_activation)
        arrays = _check_arrays(weights, biases)
        sizes = [arrays[0][0].shape[1], *(w.shape[0] for w, _ in arrays)]
        check_parameter_count(sizes, "MLP.from_arrays")
        return _built(cls, arrays, activation, output_activation)

    def _set(
        self, arrays: list[tuple[np.ndarray, np.ndarray]], activation: str, output_activation: str
    ) -> None:
        self.activation = activation
        self.output_activation = output_activation
        self.layers = [
            _built(Layer, w, b, activation if k < len(arrays) else output_activation, k)
            for k, (w, b) in enumerate(arrays, start=1)
        ]

    @property
    def nin(self) -> int:
        return self.layers[0].nin

    @property
    def sizes(self) -> tuple[int, ...]:
        """(nin, n1, n2, …): the width of the input and of every layer."""
        return (self.nin, *(layer.nout for layer in self.layers))

    def __call__(self, x: Inputs) -> Value | list[Value]:
        """The network's output for ``x``, a sequence of ``nin`` numbers or Values."""
        h = _as_inputs(x, self.nin, "MLP")
        for layer in self.layers:
            h = layer._forward(h)
        return h[0] if len(h) == 1 else h

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [named for layer in self.layers for named in layer.named_parameters()]

    def weight_arrays(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """(Ws, bs): each layer's W(k) of shape (n_out, n_in) and b(k) of shape (n_out,)."""
        return self._arrays("data")

    def grad_arrays(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """(∂L/∂W(k), ∂L/∂b(k)) for every layer, in the shapes of :meth:`weight_arrays`."""
        return self._arrays("grad")

    def _arrays(self, attribute: str) -> tuple[list[np.ndarray], list[np.ndarray]]:
        Ws, bs = zip(*(layer._arrays(attribute) for layer in self.layers))
        return list(Ws), list(bs)

    def __repr__(self) -> str:
        widths = " → ".join(str(size) for size in self.sizes)
        if len(self.layers) == 1:
            return f"MLP({widths}, {self.output_activation} output)"
        return f"MLP({widths}, {self.activation} hidden, {self.output_activation} output)"


def _built(cls: type, *arguments: object) -> Module:
    """A Neuron, Layer or MLP from numbers already checked, without the public constructor."""
    module = cls.__new__(cls)
    module._set(*arguments)
    return module


def _drawn_layer(
    nin: object, nout: object, activation: object, init: object, seed: Seed, who: str
) -> tuple[np.ndarray, np.ndarray]:
    """A standalone Neuron's or Layer's checked arguments, and its (W, b) drawn by ``init``."""
    nin = check_int(nin, "nin", 1)
    nout = check_int(nout, "nout", 1)
    check_choice(activation, ACTIVATIONS, "activation")
    check_choice(init, INIT_SCHEMES, "init")
    check_parameter_count((nin, nout), f"{who} with {nin} inputs")
    return initial_parameters(init, nout, nin, generator(seed))


def _check_activations(activation: object, output_activation: object) -> None:
    check_choice(activation, ACTIVATIONS, "activation")
    check_choice(output_activation, ACTIVATIONS, "output_activation")


def _as_inputs(x: Inputs, nin: int, who: str) -> list[Value]:
    """``x`` as nin Values, numbers as leaves x1, x2, … that all first-layer neurons share."""
    check_sequence(x, f"{who} input", f"{nin} numbers or Values")
    if len(x) != nin:
        raise ValueError(f"{who} expected {nin} inputs, got {len(x)}")
    inputs = []
    for i, xi in enumerate(x, start=1):
        try:
            inputs.append(xi if isinstance(xi, Value) else Value(xi, label=input_name(i)))
        except TypeError:
            raise TypeError(
                f"{who} input x{i} must be a real number or a Value, got "
                f"{type(xi).__name__}: {xi!r:.60}"
            ) from None
    return inputs


def _check_arrays(
    weights: Sequence[np.ndarray], biases: Sequence[np.ndarray]
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(W, b) float arrays whose shapes chain layer to layer, or ValueError naming the layer."""
    for argument, arrays in (("weights", weights), ("biases", biases)):
        if isinstance(arrays, np.ndarray) or not isinstance(arrays, Sequence):
            raise ValueError(
                f"{argument} must be a list with one array per layer, got {type(arrays).__name__}"
            )
    if not weights:
        raise ValueError("weights is empty: give one (n_out, n_in) array per layer")
    if len(weights) != len(biases):
        raise ValueError(
            f"got {len(weights)} weight matrices but {len(biases)} bias vectors: "
            "give one of each per layer"
        )
    layers = []
    for k, (w, b) in enumerate(zip(weights, biases), start=1):
        w = _float_array(w, k, "weights", 2, "(n_out, n_in)")
        b = _float_array(b, k, "biases", 1, "(n_out,)")
        if b.shape[0] != w.shape[0]:
            raise ValueError(
                f"layer {k}: weights of shape {w.shape} give {w.shape[0]} neurons, "
                f"but biases has shape {b.shape}; expected ({w.shape[0]},)"
            )
        if layers and w.shape[1] != (previous := layers[-1][0].shape[0]):
            raise ValueError(
                f"layer {k}: weights of shape {w.shape} take {w.shape[1]} inputs, but "
                f"layer {k - 1} has {previous} neurons; expected shape ({w.shape[0]}, {previous})"
            )
        layers.append((w, b))
    return layers


def _float_array(data: object, k: int, argument: str, ndim: int, shape: str) -> np.ndarray:
    try:
        array = np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"layer {k}: {argument} must be an array of real numbers of shape {shape}, "
            f"got {type(data).__name__}"
        ) from None
    if array.ndim != ndim:
        raise ValueError(
            f"layer {k}: {argument} must have shape {shape}, got an array of shape {array.shape}"
        )
    if 0 in array.shape:
        raise ValueError(f"layer {k}: {argument} has shape {array.shape}; no dimension may be 0")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"layer {k}: {argument} contains nan or inf; give finite numbers")
    return array
