"""Neurons, layers and multi-layer perceptrons built from engine Values.

A neuron computes the lectures' α = b + Σⱼ wⱼhⱼ as one ``affine`` node, then h = f(α)
(no extra node for a linear neuron). A layer is a list of neurons reading the same inputs;
an MLP is a list of layers, layer k reading layer k − 1's outputs: lecture 001's
α(k) = b(k) + W(k) h(k−1), h(k) = f(α(k)).

Parameters are named in the lectures' notation, 1-based (see :mod:`nn.names`):
``"W1[2,1]"`` is w(1)₂,₁, the weight from input 1 to neuron 2 of layer 1, and ``"b1[2]"``
is that neuron's bias. Each parameter Value carries its name as its ``label``, so a drawing
shows it. Forward passes label their nodes too: ``"α1[2]"`` for neuron 2's pre-activation
in layer 1, ``"h1[2]"`` for its activation, ``"x1"`` for an input given as a plain number.

Arguments are checked once, by the public constructor or call the user made
(:mod:`nn.checks`); an MLP builds its layers and neurons without checking them again.
"""

from __future__ import annotations

from collections.abc import Sequence

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
        """(name, Value) for every parameter, in the order of :meth:`parameters`.

        The base class has none; subclasses list theirs.
        """
        return []

    def parameters(self) -> list[Value]:
        """Every parameter: layer by layer, neuron by neuron, weights in input order, then bias."""
        return [value for _, value in self.named_parameters()]

    def weight_parameters(self) -> list[Value]:
        """The weights only, biases left out (what an L2 regulariser penalises)."""
        return []

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0, before the next backward pass."""
        for value in self.parameters():
            value.grad = 0.0


class Neuron(Module):
    """One unit: h = f(b + Σⱼ wⱼxⱼ) for an activation f named by ``activation``.

    ``Neuron(nin, activation="relu", *, init="he", seed=None)``: drawn by ``init`` (see
    :mod:`nn.init`) as a layer of one neuron, its bias at 0 but with ``init="micrograd"``.
    ``seed`` is a non-negative int, a ``numpy.random.Generator`` or None (fresh
    randomness). Standing alone it is neuron 1 of layer 1, so its parameters are
    ``W1[1,j]`` and ``b1[1]``.

    Attributes: ``weights`` (a list of nin Values, in input order), ``bias`` (a Value),
    ``activation`` (its name).
    """

    def __init__(
        self,
        nin: int,
        activation: str = "relu",
        *,
        init: str = DEFAULT_INIT,
        seed: Seed = None,
    ) -> None:
        weights, biases = _drawn_layer(nin, 1, activation, init, seed, "Neuron")
        self._set(weights[0].tolist(), float(biases[0]), activation)

    @classmethod
    def _from_numbers(cls, weights: Sequence[float], bias: float, activation: str) -> Neuron:
        neuron = cls.__new__(cls)
        neuron._set(weights, bias, activation)
        return neuron

    def _set(self, weights: Sequence[float], bias: float, activation: str) -> None:
        self.weights = [Value(float(w)) for w in weights]
        self.bias = Value(float(bias))
        mark_parameters([*self.weights, self.bias])
        self.activation = activation
        self._place(layer=1, row=1)

    def _place(self, layer: int, row: int) -> None:
        """Record where the neuron sits, which fixes its parameter names and labels."""
        self._layer = layer
        self._row = row
        self._alpha_label = alpha_name(layer, row)
        self._h_label = h_name(layer, row)
        for j, w in enumerate(self.weights, start=1):
            w.label = weight_name(layer, row, j)
        self.bias.label = bias_name(layer, row)

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
        named = [(weight_name(layer, row, j), w) for j, w in enumerate(self.weights, start=1)]
        named.append((bias_name(layer, row), self.bias))
        return named

    def weight_parameters(self) -> list[Value]:
        return list(self.weights)

    def __repr__(self) -> str:
        inputs = "1 input" if self.nin == 1 else f"{self.nin} inputs"
        return f"Neuron({inputs}, {self.activation})"


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs: h = f(b + W x), W of shape (nout, nin).

    ``Layer(nin, nout, activation="relu", *, init="he", seed=None)``. Calling it returns a
    list of nout Values, or one Value when nout is 1 (as an MLP does). Standing alone it is
    layer 1. Its neurons are in ``neurons``.
    """

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

    @classmethod
    def _from_arrays(cls, weights: np.ndarray, biases: np.ndarray, activation: str) -> Layer:
        layer = cls.__new__(cls)
        layer._set(weights, biases, activation)
        return layer

    def _set(self, weights: np.ndarray, biases: np.ndarray, activation: str) -> None:
        self.activation = activation
        self.neurons = [
            Neuron._from_numbers(row, bias, activation)
            for row, bias in zip(weights.tolist(), biases.tolist())
        ]
        self._place(layer=1)

    def _place(self, layer: int) -> None:
        for row, neuron in enumerate(self.neurons, start=1):
            neuron._place(layer, row)

    @property
    def nin(self) -> int:
        return self.neurons[0].nin

    @property
    def nout(self) -> int:
        return len(self.neurons)

    def __call__(self, x: Inputs) -> Value | list[Value]:
        """h = f(b + W x) for ``x`` a sequence of nin numbers or Values."""
        return _unwrap(self._forward(_as_inputs(x, self.nin, "Layer")))

    def _forward(self, inputs: list[Value]) -> list[Value]:
        # Always a list, so that a one-neuron layer feeds the next layer (micrograd's
        # Layer returns a bare Value there, and MLP(2, [16, 1, 1]) crashes).
        return [neuron._forward(inputs) for neuron in self.neurons]

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [named for neuron in self.neurons for named in neuron.named_parameters()]

    def weight_parameters(self) -> list[Value]:
        return [w for neuron in self.neurons for w in neuron.weights]

    def weight_array(self) -> np.ndarray:
        """W as a float array of shape (nout, nin)."""
        return np.array([[w.data for w in n.weights] for n in self.neurons], dtype=float)

    def bias_array(self) -> np.ndarray:
        """b as a float array of shape (nout,)."""
        return np.array([n.bias.data for n in self.neurons], dtype=float)

    def __repr__(self) -> str:
        return f"Layer({self.nin} → {self.nout}, {self.activation})"


class MLP(Module):
    """A multi-layer perceptron: layers of sizes ``nouts`` on top of ``nin`` inputs.

    ``MLP(nin, nouts, activation="relu", output_activation="linear", seed=None, *,
    init="he")``: every layer but the last applies ``activation``, the last applies
    ``output_activation``; the names are ``"relu"``, ``"sigmoid"``, ``"tanh"`` and
    ``"linear"``. Weights are drawn layer by layer from ``numpy.random.default_rng(seed)``
    by ``init``: ``"he"`` (the default, N(0, 2/n_in)), ``"xavier"`` (Glorot uniform) or
    ``"uniform"`` (U(−1, 1)), biases starting at 0; or ``"micrograd"``, weights and biases
    from U(−1, 1), micrograd's lecture network (see :mod:`nn.init`). The same seed gives
    the same parameters; ``seed=None`` gives fresh ones. A network of more than two
    million parameters is refused (see :data:`nn.checks.MAX_PARAMETERS`).

    ``model(x)`` takes a sequence of ``nin`` numbers or Values and returns a Value when the
    last layer has one neuron, else a list of Values. Its layers are in ``layers``.

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
        last = len(nouts) - 1
        layers = [
            Layer._from_arrays(
                *initial_parameters(init, sizes[k + 1], sizes[k], rng),
                output_activation if k == last else activation,
            )
            for k in range(len(nouts))
        ]
        self._set(layers, activation, output_activation)

    @classmethod
    def from_arrays(
        cls,
        weights: Sequence[np.ndarray],
        biases: Sequence[np.ndarray],
        activation: str = "relu",
        output_activation: str = "linear",
    ) -> MLP:
        """An MLP holding the given numbers: ``weights[k]`` is W(k+1), ``biases[k]`` is b(k+1).

        ``weights[k]`` has the lectures' shape ``(n_out, n_in)`` (it maps h(k) to α(k+1)) and
        ``biases[k]`` has shape ``(n_out,)``. Anything array-like works (lists of lists
        too). A missing layer, a wrong number of dimensions, shapes that do not chain, or a
        value that is not a finite real number raises ValueError naming the layer, numbered
        from 1 as the lectures number them.
        """
        _check_activations(activation, output_activation)
        weight_arrays, bias_arrays = _check_arrays(weights, biases)
        sizes = [weight_arrays[0].shape[1], *(w.shape[0] for w in weight_arrays)]
        check_parameter_count(sizes, "MLP.from_arrays")
        last = len(weight_arrays) - 1
        layers = [
            Layer._from_arrays(w, b, output_activation if k == last else activation)
            for k, (w, b) in enumerate(zip(weight_arrays, bias_arrays))
        ]
        model = cls.__new__(cls)
        model._set(layers, activation, output_activation)
        return model

    def _set(self, layers: list[Layer], activation: str, output_activation: str) -> None:
        self.layers = layers
        self.activation = activation
        self.output_activation = output_activation
        for k, layer in enumerate(layers, start=1):
            layer._place(k)

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
        return _unwrap(h)

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [named for layer in self.layers for named in layer.named_parameters()]

    def weight_parameters(self) -> list[Value]:
        return [w for layer in self.layers for w in layer.weight_parameters()]

    def weight_arrays(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """(Ws, bs): each layer's W(k) of shape (n_out, n_in) and b(k) of shape (n_out,)."""
        return (
            [layer.weight_array() for layer in self.layers],
            [layer.bias_array() for layer in self.layers],
        )

    def grad_arrays(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """(∂L/∂W(k), ∂L/∂b(k)) for every layer, in the shapes of :meth:`weight_arrays`."""
        weight_grads = [
            np.array([[w.grad for w in n.weights] for n in layer.neurons], dtype=float)
            for layer in self.layers
        ]
        bias_grads = [
            np.array([n.bias.grad for n in layer.neurons], dtype=float) for layer in self.layers
        ]
        return weight_grads, bias_grads

    def __repr__(self) -> str:
        widths = " → ".join(str(size) for size in self.sizes)
        if len(self.layers) == 1:
            return f"MLP({widths}, {self.output_activation} output)"
        return f"MLP({widths}, {self.activation} hidden, {self.output_activation} output)"


def _drawn_layer(
    nin: object, nout: object, activation: object, init: object, seed: Seed, who: str
) -> tuple[np.ndarray, np.ndarray]:
    """A standalone Neuron's or Layer's checked arguments, and its (W, b) drawn by ``init``."""
    nin = check_int(nin, "nin", 1)
    nout = check_int(nout, "nout", 1)
    _check_activations(activation)
    check_choice(init, INIT_SCHEMES, "init")
    check_parameter_count((nin, nout), f"{who} with {nin} inputs")
    return initial_parameters(init, nout, nin, generator(seed))


def _check_activations(activation: object, output_activation: object = "linear") -> None:
    check_choice(activation, ACTIVATIONS, "activation")
    check_choice(output_activation, ACTIVATIONS, "output_activation")


def _as_inputs(x: Inputs, nin: int, who: str) -> list[Value]:
    """``x`` as a list of nin Values; plain numbers become leaves labelled x1, x2, …

    Converting once here (not in every neuron) gives each input a single node that all
    neurons of the first layer share, as in the lectures' pictures.
    """
    check_sequence(x, f"{who} input", f"{nin} numbers or Values")
    if len(x) != nin:
        raise ValueError(f"{who} expected {nin} inputs, got {len(x)}")
    inputs = []
    for i, xi in enumerate(x, start=1):
        if isinstance(xi, Value):
            inputs.append(xi)
        else:
            try:
                inputs.append(Value(xi, label=input_name(i)))
            except TypeError:
                raise TypeError(
                    f"{who} input x{i} must be a real number or a Value, got "
                    f"{type(xi).__name__}: {xi!r:.60}"
                ) from None
    return inputs


def _unwrap(outputs: list[Value]) -> Value | list[Value]:
    return outputs[0] if len(outputs) == 1 else outputs


def _check_arrays(
    weights: Sequence[np.ndarray], biases: Sequence[np.ndarray]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Float arrays whose shapes chain layer to layer, or ValueError naming the layer."""
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
    weight_arrays, bias_arrays = [], []
    for k, (w, b) in enumerate(zip(weights, biases), start=1):
        w = _float_array(w, k, "weights", 2, "(n_out, n_in)")
        b = _float_array(b, k, "biases", 1, "(n_out,)")
        if b.shape[0] != w.shape[0]:
            raise ValueError(
                f"layer {k}: weights of shape {w.shape} give {w.shape[0]} neurons, "
                f"but biases has shape {b.shape}; expected ({w.shape[0]},)"
            )
        if weight_arrays and w.shape[1] != weight_arrays[-1].shape[0]:
            previous = weight_arrays[-1].shape[0]
            raise ValueError(
                f"layer {k}: weights of shape {w.shape} take {w.shape[1]} inputs, but "
                f"layer {k - 1} has {previous} neurons; expected shape ({w.shape[0]}, {previous})"
            )
        weight_arrays.append(w)
        bias_arrays.append(b)
    return weight_arrays, bias_arrays


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
