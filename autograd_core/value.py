"""The Value type: one scalar node of a computation graph.

Every operation follows the same four beats: coerce the operand, compute the forward
value, name the local backward rule right beside it, return the new node. The rule is a
function ``rule(out, g)`` that receives the node it belongs to and the upstream gradient
``g = ∂L/∂out`` and adds ``g · ∂out/∂input`` to each input's adjoint, in operand order,
much as micrograd's closures add to ``.grad``. (The adjoint is the running sum of one
backward pass; ``graph.backward`` moves it into ``.grad`` once it is complete.)

Why the rule receives ``out`` instead of closing over it: a closure that captured its own
node would make every node a reference cycle, which only Python's cyclic garbage collector
can free (most of micrograd's run time goes there). Here a node points only to its inputs,
so a graph is freed by reference counting as soon as the last reference to it goes, and
most rules are shared static methods, so building a node allocates no function object at
all. ``graph.shares_to_inputs`` runs a rule on stand-ins to read each edge's share apart
(with ``g = 1``, the local derivatives the drawing writes on its edges).

Every node also gets a creation number from one counter. Inputs always exist before the
node made from them, so numbers rise along every edge and sorting by number is a
topological order (see ``graph.py``).
"""

from __future__ import annotations

import functools
import itertools
import math
import numbers
import operator
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from autograd_core import ieee
from autograd_core.graph import backward as _run_backward

# A rule is called with the node it belongs to, or a stand-in with the same data and inputs
# (graph.shares_to_inputs), and the upstream gradient.
BackwardRule = Callable[["Value", float], None]

# Creation numbers: 0, 1, 2, … in the order nodes are made (a C-level counter, so cheap).
_next_number = itertools.count().__next__

# What a node is, for drawing: a leaf made with Value(...) is an input, a leaf an operator
# made from a plain number a constant, a leaf nn made (or mark_parameters marked) a
# parameter; every other node an intermediate result.
INPUT = "input"
CONSTANT = "constant"
PARAMETER = "parameter"
INTERMEDIATE = "intermediate"

_ACCEPTED = "a real number (int, float or NumPy real scalar)"


def _as_float(data: object, what: str) -> float:
    """Return ``data`` as a float, or raise TypeError naming what was received."""
    if type(data) is float:
        return data
    if isinstance(data, (bool, np.bool_)) or not isinstance(data, numbers.Real):
        raise TypeError(f"{what} must be {_ACCEPTED}, got {type(data).__name__}: {data!r:.60}")
    return _real_to_float(data)


def _real_to_float(number: numbers.Real) -> float:
    """float(number), with ±inf for an integer beyond the float range (IEEE, not OverflowError)."""
    try:
        return float(number)
    except OverflowError:
        return math.inf if number > 0 else -math.inf


def _operand(other: object, operator: str) -> Value:
    """Wrap a number as a leaf Value; reject anything that is not a Value or a real number."""
    if isinstance(other, Value):
        return other
    if type(other) is float:  # the usual constant; skips the slower check for any real number
        return _node(other, (), "", None)
    if isinstance(other, (bool, np.bool_)) or not isinstance(other, numbers.Real):
        raise TypeError(
            f"unsupported operand for {operator}: Value and {type(other).__name__}; "
            f"the other operand must be a Value or {_ACCEPTED}"
        )
    # Already validated: build the constant leaf directly instead of through __init__,
    # which would check it again (a constant per operation is common: x * 1.0001 + 0.001).
    return _node(_real_to_float(other), (), "", None)


# object.__new__ looked up once: in CPython 3.11 an attribute of a class is looked up afresh
# on every call, and _node runs once per node.
_new_object = object.__new__


def _node(data: float, inputs: tuple[Value, ...], op: str, rule: BackwardRule | None) -> Value:
    """Build a node without re-validating ``data`` (it is already a float).

    Operations build their results here, and ``_operand`` its constant leaves (no inputs,
    no rule).
    """
    out = _new_object(Value)
    out.data = data
    out.grad = 0.0
    out._label = ""
    out.op = op
    out.inputs = inputs
    out._backward = rule
    out._grad_computed = False
    out._adjoint = None
    out._number = _next_number()
    out._role = CONSTANT if not inputs else INTERMEDIATE
    return out


class Value:
    """A scalar in a computation graph, with the gradient backward() gives it.

    ``Value(2.0, label="x")`` is a leaf. Arithmetic on Values (and real numbers) builds new
    nodes that remember their ``inputs``, the ``op`` that made them and how to pass a
    gradient back to those inputs.
    """

    # _adjoint is backward()'s scratch space (see graph.backward): None between passes, the
    # running sum of shares during one, so a pass needs no dictionary of every node.
    # _number is the creation number that orders the walk.
    __slots__ = (
        "data",
        "grad",
        "_label",
        "op",
        "inputs",
        "_backward",
        "_grad_computed",
        "_adjoint",
        "_number",
        "_role",
    )

    # NumPy would otherwise take over `array * value` and build an object array of Values,
    # while `value * array` raises: with this, both raise the same TypeError. (NumPy real
    # scalars still work on either side: they are numbers.)
    __array_ufunc__ = None

    data: float
    grad: float
    op: str
    inputs: tuple[Value, ...]

    def __init__(self, data: float, label: str = "") -> None:
        self.data = _as_float(data, "Value data")
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.inputs = ()
        self._backward = None
        self._grad_computed = False
        self._adjoint = None
        self._number = _next_number()
        self._role = INPUT

    def __reduce__(self) -> tuple[object, ...]:
        """How copy and pickle rebuild a node: from its inputs, made again first.

        The inputs travel as arguments of the rebuild, so they always exist before the node
        does and the rebuilt node gets a newer creation number than theirs, even for a
        graph pickled in another process whose numbers mean nothing here. The attributes a
        subclass adds come back afterwards.
        """
        return (
            _rebuild,
            (
                type(self),
                self.data,
                self._label,
                self.inputs,
                self.op,
                self._backward,
                self.grad,
                self._grad_computed,
                self._role,
            ),
            getattr(self, "__dict__", None) or None,
        )

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

    # -- primitives: forward value and local backward rule, side by side ------------------
    # Each rule is a static method right below its operation, which hands it to the node it
    # builds: one shared function per operation, so building a node allocates none.

    def __add__(self, other: Value | float) -> Value:
        """Sum z = x + y."""
        other = _operand(other, "+")
        return _node(self.data + other.data, (self, other), "+", Value._add_backward)

    @staticmethod
    def _add_backward(out: Value, g: float) -> None:
        """∂(x + y)/∂x = 1, ∂(x + y)/∂y = 1."""
        x, y = out.inputs
        x._adjoint += g
        y._adjoint += g

    def __sub__(self, other: Value | float) -> Value:
        """Difference z = x − y (its own node, so the drawing reads as written)."""
        other = _operand(other, "-")
        return _node(self.data - other.data, (self, other), "-", Value._sub_backward)

    @staticmethod
    def _sub_backward(out: Value, g: float) -> None:
        """∂(x − y)/∂x = 1, ∂(x − y)/∂y = −1."""
        x, y = out.inputs
        x._adjoint += g
        y._adjoint -= g

    def __mul__(self, other: Value | float) -> Value:
        """Product z = x·y."""
        other = _operand(other, "*")
        return _node(self.data * other.data, (self, other), "*", Value._mul_backward)

    @staticmethod
    def _mul_backward(out: Value, g: float) -> None:
        """∂(xy)/∂x = y, ∂(xy)/∂y = x."""
        x, y = out.inputs
        x._adjoint += g * y.data
        y._adjoint += g * x.data

    def __truediv__(self, other: Value | float) -> Value:
        """Quotient z = x / y (x/0 is ±inf, 0/0 is nan, as in IEEE 754)."""
        other = _operand(other, "/")
        return _node(ieee.divide(self.data, other.data), (self, other), "/", Value._div_backward)

    @staticmethod
    def _div_backward(out: Value, g: float) -> None:
        """∂(x/y)/∂x = 1/y, ∂(x/y)/∂y = −x/y² = −(x/y)/y."""
        x, y = out.inputs
        x._adjoint += ieee.divide(g, y.data)
        y._adjoint -= ieee.divide(g * out.data, y.data)

    def __neg__(self) -> Value:
        """Negation z = −x."""
        return _node(-self.data, (self,), "neg", Value._neg_backward)

    @staticmethod
    def _neg_backward(out: Value, g: float) -> None:
        """∂(−x)/∂x = −1."""
        out.inputs[0]._adjoint -= g

    def __pow__(self, exponent: float) -> Value:
        """Power z = x^p for a real number p (``x ** 2`` is the lectures' x²)."""
        if isinstance(exponent, Value):
            raise TypeError(
                "a Value exponent is not supported: x ** p takes a real number p; "
                "for a variable exponent write (p * x.log()).exp()"
            )
        p = _as_float(exponent, "the exponent of **")

        def pow_backward(out: Value, g: float) -> None:
            """∂(x^p)/∂x = p·x^(p−1); for p = 0, x⁰ = 1 is constant and the derivative is 0."""
            (x,) = out.inputs
            if p != 0.0:  # for p = 0 not 0·x⁻¹, which is nan at x = 0
                x._adjoint += g * p * ieee.power(x.data, p - 1.0)

        return _node(ieee.power(self.data, p), (self,), f"**{_format_exponent(p)}", pow_backward)

    def relu(self) -> Value:
        """ReLU(x) = max(0, x); its derivative is step(x), taken as 0 at x = 0."""
        # Written so that nan passes through, as in NumPy and PyTorch: a diverged value
        # must not turn into a harmless-looking 0.
        return _node(0.0 if self.data <= 0.0 else self.data, (self,), "relu", Value._relu_backward)

    @staticmethod
    def _relu_backward(out: Value, g: float) -> None:
        """∂ReLU(x)/∂x = step(x): 1 where x > 0, else 0."""
        if out.data > 0.0:
            out.inputs[0]._adjoint += g

    def sigmoid(self) -> Value:
        """σ(x) = 1 / (1 + e^(−x)), computed so that it never overflows."""
        return _node(ieee.sigmoid(self.data), (self,), "sigmoid", Value._sigmoid_backward)

    @staticmethod
    def _sigmoid_backward(out: Value, g: float) -> None:
        """d/dx σ(x) = σ(x)(1 − σ(x))."""
        s = out.data
        out.inputs[0]._adjoint += g * s * (1.0 - s)

    def tanh(self) -> Value:
        """tanh(x)."""
        return _node(math.tanh(self.data), (self,), "tanh", Value._tanh_backward)

    @staticmethod
    def _tanh_backward(out: Value, g: float) -> None:
        """d/dx tanh(x) = 1 − tanh²(x)."""
        t = out.data
        out.inputs[0]._adjoint += g * (1.0 - t * t)

    def exp(self) -> Value:
        """eˣ (inf when it overflows)."""
        return _node(ieee.exp(self.data), (self,), "exp", Value._exp_backward)

    @staticmethod
    def _exp_backward(out: Value, g: float) -> None:
        """d/dx eˣ = eˣ."""
        out.inputs[0]._adjoint += g * out.data

    def log(self) -> Value:
        """Natural log ln x (−inf at 0, nan below 0)."""
        return _node(ieee.log(self.data), (self,), "log", Value._log_backward)

    @staticmethod
    def _log_backward(out: Value, g: float) -> None:
        """d/dx ln x = 1/x."""
        (x,) = out.inputs
        x._adjoint += ieee.divide(g, x.data)

    # -- reflected operators: a number on the left ------------------------------------------

    def __radd__(self, other: float) -> Value:
        return _operand(other, "+") + self

    def __rsub__(self, other: float) -> Value:
        return _operand(other, "-") - self

    def __rmul__(self, other: float) -> Value:
        return _operand(other, "*") * self

    def __rtruediv__(self, other: float) -> Value:
        return _operand(other, "/") / self

    def __rpow__(self, base: object) -> Value:
        raise TypeError(
            f"{type(base).__name__} ** Value is not supported: the exponent must be a real "
            "number; for b ** x write (x * log(b)).exp() with a Value x"
        )

    # -- gradients ---------------------------------------------------------------------------

    def backward(self) -> None:
        """Add ∂self/∂u to ``u.grad`` for every node u of this graph, self included.

        Gradients accumulate across calls, as in PyTorch: zero them between steps.
        """
        _run_backward(self)


def mark_parameters(values: Iterable[Value]) -> None:
    """Mark leaves as parameters (nn marks the weights and biases it makes)."""
    for value in values:
        if not isinstance(value, Value) or value.inputs:
            raise TypeError(f"only leaf Values can be parameters, got {value!r:.60}")
        value._role = PARAMETER


def role(value: Value) -> str:
    """ "input", "constant", "parameter" or "intermediate" (see :data:`INPUT` and friends)."""
    return value._role


def _rebuild(
    cls: type[Value],
    data: float,
    label: str,
    inputs: tuple[Value, ...],
    op: str,
    rule: BackwardRule | None,
    grad: float,
    grad_computed: bool,
    role: str = INPUT,
) -> Value:
    """A copied or unpickled node (see ``Value.__reduce__``), numbered now."""
    node = _new_object(cls)
    Value.__init__(node, data, label)
    node.inputs, node.op, node._backward = inputs, op, rule
    node.grad, node._grad_computed, node._role = grad, grad_computed, role
    return node


def _format_exponent(p: float) -> str:
    return str(int(p)) if p.is_integer() and abs(p) < 1e15 else repr(p)


def affine(weights: Sequence[Value], inputs: Sequence[Value | float], bias: Value | float) -> Value:
    """A neuron's pre-activation α = b + Σᵢ wᵢhᵢ as one node.

    The lectures write α(k) = b(k) + W(k) h(k−1); micrograd builds it from 2n binary nodes.
    One n-ary node gives exactly the same gradients (∂α/∂b = 1, ∂α/∂wᵢ = hᵢ, ∂α/∂hᵢ = wᵢ)
    with a fraction of the nodes, and draws as the quantity the lectures name. The node's
    inputs are ``(b, w₁, h₁, w₂, h₂, …)``, the order in which lecture 001 writes
    α₁ = w₁,₀ + w₁,₁x₁ + w₁,₂x₂.
    """
    if len(weights) != len(inputs):
        raise ValueError(
            f"affine needs one weight per input, got {len(weights)} weights and "
            f"{len(inputs)} inputs"
        )
    bias = _operand(bias, "affine")
    weights = [w if isinstance(w, Value) else _operand(w, "affine") for w in weights]
    inputs = [h if isinstance(h, Value) else _operand(h, "affine") for h in inputs]
    nodes = [bias, *weights, *inputs]
    nodes[1::2] = weights  # interleave by slicing, which runs in C: (b, w₁, h₁, w₂, h₂, …)
    nodes[2::2] = inputs
    # b + w₁h₁ + w₂h₂ + …, added left to right (as micrograd's neuron adds), by reduce and
    # map, which run the loop in C; ``sum`` would not do, since from Python 3.12 it
    # compensates rounding and so differs from micrograd in the last bits.
    products = map(operator.mul, map(_data, weights), map(_data, inputs))
    total = functools.reduce(operator.add, products, bias.data)
    return _node(total, tuple(nodes), "affine", _affine_backward)


_data = operator.attrgetter("data")


def _affine_backward(out: Value, g: float) -> None:
    """∂α/∂b = 1, ∂α/∂wᵢ = hᵢ, ∂α/∂hᵢ = wᵢ."""
    inputs = iter(out.inputs)  # b, w₁, h₁, w₂, h₂, … with no copy of the tuple
    next(inputs)._adjoint += g  # the bias
    for w, h in zip(inputs, inputs):  # (w₁, h₁), (w₂, h₂), …
        w._adjoint += g * h.data
        h._adjoint += g * w.data
