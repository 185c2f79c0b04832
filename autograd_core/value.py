"""The Value type: one scalar node of a computation graph.

Every operation computes its result and, beside it, its local derivatives ∂out/∂inputᵢ at
this point, and stores both in the node it makes. Backward (``graph.py``) needs nothing
else: it passes ∂L/∂out · ∂out/∂inputᵢ along each edge. ``Value.from_op`` makes a node
the same way for an operation of your own.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Iterable, Sequence

import numpy as np

from autograd_core import ieee
from autograd_core.graph import NO_PASS, OUTSIDE_A_PASS
from autograd_core.graph import backward as _run_backward


class Value:
    """A scalar in a computation graph, with the gradient backward() gives it.

    ``Value(2.0, label="x")`` is a leaf. Arithmetic on Values (and real numbers) makes new
    nodes that remember their ``inputs``, the ``op`` that made them and their local
    derivatives with respect to those inputs. ``Value.from_op`` makes such a node for an
    operation of your own (where micrograd writes ``Value(out, (x,), 'op')``).
    """

    __slots__ = (
        "data",
        "grad",
        "_label",
        "op",
        "inputs",
        "_local_grads",  # ∂self/∂inputs[i], one float per input
        "_role",  # see role()
        "_number",  # creation number: inputs always have smaller ones (see graph.py)
        "_adjoint",  # backward's running sum ∂root/∂self, valid during pass number _pass
        "_pass",
        "_grad_pass",  # the last pass that added to grad, or NO_PASS / OUTSIDE_A_PASS
    )

    # NumPy would otherwise take over `array * value` and build an array of Values: with
    # this, NumPy defers to Value, whose operators return NotImplemented for an array, so
    # either order raises TypeError.
    __array_ufunc__ = None

    data: float
    grad: float
    op: str
    inputs: tuple[Value, ...]

    def __init__(self, data: float, label: str = "") -> None:
        """A leaf holding the real number ``data``; ``label`` names it in drawings."""
        if isinstance(label, (tuple, list, set)):  # inputs, as in micrograd's Value(out, (x,))
            raise TypeError(
                "Value(data, label) makes a leaf; to make a node from inputs "
                "(micrograd's Value(out, (x,), 'op')), use "
                "Value.from_op(data, inputs, local_grads, op)"
            )
        _node(_real(data, "Value data"), (), (), "", INPUT, into=self)
        self.label = label

    @staticmethod
    def from_op(
        data: float, inputs: Sequence[Value], local_grads: Sequence[float], op: str
    ) -> Value:
        """The node ``op`` = ``data`` made from ``inputs``, with ∂data/∂inputs[i] = local_grads[i].

        This is how to write an operation of your own: it is walked, drawn, stepped and
        gradchecked like a built-in one. The local derivatives are numbers taken now, at
        forward time: changing ``x.data`` afterwards does not change them.

        >>> import math
        >>> def sin(x):
        ...     return Value.from_op(math.sin(x.data), [x], [math.cos(x.data)], "sin")
        >>> x = Value(0.0)
        >>> y = sin(x)
        >>> y.backward()
        >>> (y.data, x.grad)
        (0.0, 1.0)
        """
        inputs, local_grads = _check_op(inputs, local_grads, op)
        return _node(_real(data, "from_op's data"), inputs, local_grads, op)

    # -- operations: the result, then its local derivatives ---------------------------------

    def __add__(self, other: Value | float) -> Value:
        """z = x + y;  ∂z/∂x = 1, ∂z/∂y = 1."""
        y = other if isinstance(other, Value) else _constant(other)
        if y is NotImplemented:
            return NotImplemented
        return _node(self.data + y.data, (self, y), (1.0, 1.0), "+")

    def __sub__(self, other: Value | float) -> Value:
        """z = x − y;  ∂z/∂x = 1, ∂z/∂y = −1."""
        y = other if isinstance(other, Value) else _constant(other)
        if y is NotImplemented:
            return NotImplemented
        return _node(self.data - y.data, (self, y), (1.0, -1.0), "-")

    def __mul__(self, other: Value | float) -> Value:
        """z = x·y;  ∂z/∂x = y, ∂z/∂y = x."""
        y = other if isinstance(other, Value) else _constant(other)
        if y is NotImplemented:
            return NotImplemented
        return _node(self.data * y.data, (self, y), (y.data, self.data), "*")

    def __truediv__(self, other: Value | float) -> Value:
        """z = x / y;  ∂z/∂x = 1/y, ∂z/∂y = −x/y² = −z/y  (x/0 is ±inf, 0/0 nan)."""
        y = other if isinstance(other, Value) else _constant(other)
        if y is NotImplemented:
            return NotImplemented
        z = ieee.divide(self.data, y.data)
        return _node(z, (self, y), (ieee.divide(1.0, y.data), -ieee.divide(z, y.data)), "/")

    def __neg__(self) -> Value:
        """z = −x;  ∂z/∂x = −1."""
        return _node(-self.data, (self,), (-1.0,), "neg")

    def __pow__(self, exponent: float) -> Value:
        """z = xᵖ for a real number p;  ∂z/∂x = p·xᵖ⁻¹ (0 for p = 0, where z = 1)."""
        if isinstance(exponent, Value):
            raise TypeError(
                "a Value exponent is not supported: x ** p takes a real number p; "
                "for a variable exponent write (p * x.log()).exp()"
            )
        if not _is_real(exponent):
            return NotImplemented
        p = _real_to_float(exponent)
        x = self.data
        local = 0.0 if p == 0.0 else p * ieee.power(x, p - 1.0)  # not 0·x⁻¹: nan at x = 0
        return _node(ieee.power(x, p), (self,), (local,), f"**{_format_exponent(p)}")

    def relu(self) -> Value:
        """ReLU(x) = max(0, x);  derivative step(x), taken as 0 at x = 0."""
        x = self.data
        # nan stays nan (as in NumPy and PyTorch): a diverged value must not look like 0.
        return _node(0.0 if x <= 0.0 else x, (self,), (1.0,) if x > 0.0 else (0.0,), "relu")

    def sigmoid(self) -> Value:
        """σ(x) = 1 / (1 + e⁻ˣ), computed so that it never overflows;  σ′(x) = σ(x)(1 − σ(x))."""
        s = ieee.sigmoid(self.data)
        return _node(s, (self,), (s * (1.0 - s),), "sigmoid")

    def tanh(self) -> Value:
        """tanh(x);  d/dx tanh(x) = 1 − tanh²(x)."""
        t = math.tanh(self.data)
        return _node(t, (self,), (1.0 - t * t,), "tanh")

    def exp(self) -> Value:
        """eˣ (inf when it overflows);  d/dx eˣ = eˣ."""
        e = ieee.exp(self.data)
        return _node(e, (self,), (e,), "exp")

    def log(self) -> Value:
        """ln x (−inf at 0, nan below 0);  d/dx ln x = 1/x."""
        x = self.data
        return _node(ieee.log(x), (self,), (ieee.divide(1.0, x),), "log")

    # -- a number on the left: 2 * x is x's __rmul__ ----------------------------------------

    def __radd__(self, other: float) -> Value:
        x = _constant(other)
        return NotImplemented if x is NotImplemented else x + self

    def __rsub__(self, other: float) -> Value:
        x = _constant(other)
        return NotImplemented if x is NotImplemented else x - self

    def __rmul__(self, other: float) -> Value:
        x = _constant(other)
        return NotImplemented if x is NotImplemented else x * self

    def __rtruediv__(self, other: float) -> Value:
        x = _constant(other)
        return NotImplemented if x is NotImplemented else x / self

    def __rpow__(self, base: object) -> Value:
        if not _is_real(base):
            return NotImplemented
        raise TypeError(
            f"{type(base).__name__} ** Value is not supported: the exponent must be a real "
            "number; for b ** x write (x * log(b)).exp() with a Value x"
        )

    # -- gradients ---------------------------------------------------------------------------

    def backward(self) -> None:
        """``u.grad += ∂self/∂u`` for every node u of this graph, self included.

        Gradients accumulate across calls, as in PyTorch: zero them between steps. A pass
        is all or nothing: one stopped by Ctrl-C or an exception adds to every ``.grad`` or
        to none.
        """
        _run_backward(self)

    # -- label and display ------------------------------------------------------------------

    @property
    def label(self) -> str:
        """A name for the node, shown in drawings ("" for none)."""
        return self._label

    @label.setter
    def label(self, label: str) -> None:
        if not isinstance(label, str):
            raise TypeError(f"label must be a str, got {type(label).__name__}")
        self._label = label

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    # -- copying and pickling ----------------------------------------------------------------

    def __reduce__(self) -> tuple[object, ...]:
        """Leaves copy and pickle; a node made by an operation refuses, as in PyTorch."""
        if self.inputs:
            raise TypeError(
                f"cannot copy or pickle a Value made by an operation (op {self.op!r}): only "
                "leaves (inputs, constants, parameters) can be. Copy the leaves or the "
                "model and compute again, or keep .data and .grad as numbers."
            )
        state = (self.data, self._label, self.grad, self._grad_pass != NO_PASS, self._role)
        return (_rebuild_leaf, (type(self), *state), getattr(self, "__dict__", None) or None)


def affine(weights: Sequence[Value], inputs: Sequence[Value | float], bias: Value | float) -> Value:
    """A neuron's pre-activation α = b + Σᵢ wᵢhᵢ as one node;  ∂α/∂b = 1, ∂α/∂wᵢ = hᵢ, ∂α/∂hᵢ = wᵢ.

    The node's inputs are ``(b, w₁, h₁, w₂, h₂, …)``, the order in which lecture 001 writes
    α₁ = w₁,₀ + w₁,₁x₁ + w₁,₂x₂; micrograd builds the same sum from 2n binary nodes.
    """
    if len(weights) != len(inputs):
        raise ValueError(
            f"affine needs one weight per input, got {len(weights)} weights and "
            f"{len(inputs)} inputs"
        )
    b = _affine_operand(bias)
    nodes, local_grads, total = [b], [1.0], b.data
    for w, h in zip(weights, inputs):
        w, h = _affine_operand(w), _affine_operand(h)
        nodes += (w, h)
        local_grads += (h.data, w.data)
        # Left to right, as micrograd's neuron adds (not ``sum``, which compensates
        # rounding from Python 3.12 on): the same floats as micrograd.
        total += w.data * h.data
    return _node(total, tuple(nodes), tuple(local_grads), "affine")


# -- roles: what a leaf is, for drawing -------------------------------------------------------

INPUT = "input"  # a leaf made with Value(...)
CONSTANT = "constant"  # a leaf an operator made from a plain number
PARAMETER = "parameter"  # a leaf nn made (see mark_parameters)
INTERMEDIATE = "intermediate"  # a node made by an operation


def mark_parameters(values: Iterable[Value]) -> None:
    """Mark leaves as parameters (nn marks the weights and biases it makes)."""
    for value in values:
        if not isinstance(value, Value) or value.inputs:
            raise TypeError(f"only leaf Values can be parameters, got {value!r:.60}")
        value._role = PARAMETER


def role(value: Value) -> str:
    """What ``value`` is: "input", "constant", "parameter" or "intermediate"."""
    return value._role


# -- building nodes ---------------------------------------------------------------------------

_next_number = itertools.count().__next__  # creation numbers 0, 1, 2, …
_new_object = object.__new__


def _node(
    data: float,
    inputs: tuple[Value, ...],
    local_grads: tuple[float, ...],
    op: str,
    role: str = INTERMEDIATE,
    into: Value | None = None,
) -> Value:
    """A new node, as ``Value.from_op`` makes it but without its checks (``data`` a float).

    The one place that gives a Value's fields their first values: ``into`` is a Value just
    created (by ``__init__`` or unpickling) to fill instead of a new one.
    """
    node = _new_object(Value) if into is None else into
    node.data = data
    node.grad = 0.0
    node._label = ""
    node.op = op
    node.inputs = inputs
    node._local_grads = local_grads
    node._role = role
    node._number = _next_number()
    node._pass = node._grad_pass = NO_PASS  # _adjoint is set when a pass sets _pass
    return node


def _constant(other: object) -> Value:
    """A constant leaf for a real number, else NotImplemented (the operator's answer)."""
    if not _is_real(other):
        return NotImplemented
    return _node(_real_to_float(other), (), (), "", CONSTANT)


def _affine_operand(x: object) -> Value:
    value = x if isinstance(x, Value) else _constant(x)
    if value is NotImplemented:
        raise TypeError(f"affine takes Values or {_ACCEPTED}, got {type(x).__name__}")
    return value


def _rebuild_leaf(
    cls: type[Value], data: float, label: str, grad: float, grad_computed: bool, role: str
) -> Value:
    """A copied or unpickled leaf (see ``Value.__reduce__``), numbered now."""
    leaf = _node(data, (), (), "", role, into=_new_object(cls))
    leaf._label, leaf.grad = label, grad
    leaf._grad_pass = OUTSIDE_A_PASS if grad_computed else NO_PASS
    return leaf


def _format_exponent(p: float) -> str:
    return str(int(p)) if p.is_integer() and abs(p) < 1e15 else repr(p)


# -- checking what users pass -----------------------------------------------------------------

_ACCEPTED = "a real number (int, float or NumPy real scalar)"
_MAX_OP_LENGTH = 32


def _is_real(x: object) -> bool:
    return type(x) is float or (not isinstance(x, (bool, np.bool_)) and isinstance(x, numbers.Real))


def _real_to_float(number: numbers.Real) -> float:
    """float(number), with ±inf for an integer beyond the float range (IEEE, not OverflowError)."""
    try:
        return float(number)
    except OverflowError:
        return math.inf if number > 0 else -math.inf


def _real(data: object, what: str) -> float:
    """``data`` as a float, or TypeError naming what was received."""
    if not _is_real(data):
        raise TypeError(f"{what} must be {_ACCEPTED}, got {type(data).__name__}: {data!r:.60}")
    return _real_to_float(data)


def _check_op(
    inputs: object, local_grads: object, op: object
) -> tuple[tuple[Value, ...], tuple[float, ...]]:
    """from_op's arguments as tuples, or a TypeError/ValueError saying what is wrong."""
    if not isinstance(op, str) or not 0 < len(op) <= _MAX_OP_LENGTH:
        raise (TypeError if not isinstance(op, str) else ValueError)(
            f"op must be a short name (a str of 1 to {_MAX_OP_LENGTH} characters), got {op!r:.60}"
        )
    if isinstance(inputs, (Value, str)) or not isinstance(inputs, Sequence):
        raise TypeError(
            f"inputs must be a sequence of Values, e.g. [x] or (x, y), got {type(inputs).__name__}"
        )
    if isinstance(local_grads, str) or not isinstance(local_grads, Sequence):
        raise TypeError(
            f"local_grads must be a sequence of real numbers, one per input, "
            f"got {type(local_grads).__name__}"
        )
    if not inputs:
        raise ValueError("inputs is empty: an operation needs at least one input Value")
    if len(local_grads) != len(inputs):
        raise ValueError(
            f"local_grads needs one number per input: got {len(local_grads)} for "
            f"{len(inputs)} inputs"
        )
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"inputs[{i}] must be a Value, got {type(x).__name__}")
    grads = tuple(_real(g, f"local_grads[{i}]") for i, g in enumerate(local_grads))
    return tuple(inputs), grads
