"""A plain training loop, lecture 004's SGD over a data set: per batch B it minimises
J(θ) = (1/|B|) Σ_(x,t)∈B l(f(x; θ), t) + λ Ω(θ), Ω from :func:`nn.regularization.l2_penalty`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from autograd_core import Value
from nn.checks import check_int, check_real, check_rows, check_targets, is_int
from nn.init import Seed, generator
from nn.losses import value_sum
from nn.module import Module
from nn.optim import Optimizer
from nn.regularization import l2_penalty

LossFunction = Callable[[Value | list[Value], float], Value]


@dataclass(frozen=True)
class EpochReport:
    """After each epoch (1 … ``epochs``): ``loss`` is the mean of its batches' J(θ), each
    taken before its step and weighted by the batch's size."""

    epoch: int
    epochs: int
    loss: float


def train(
    model: Module,
    X: Sequence[Sequence[float]],
    y: Sequence[float],
    *,
    loss: LossFunction,
    optimizer: Optimizer,
    epochs: int,
    batch_size: int | None = None,
    l2: float = 0.0,
    seed: Seed = None,
    log_every: int = 0,
    callback: Callable[[EpochReport], object] | None = None,
) -> list[float]:
    """Train ``model`` on inputs ``X`` (one row per example) and targets ``y``; return each
    epoch's loss (see :class:`EpochReport`).

    ``loss(output, target)`` scores one example and returns a Value: e.g.
    ``nn.binary_cross_entropy_with_logits`` with 0/1 labels, ``nn.softmax_cross_entropy`` with
    class indices, ``nn.half_squared_error`` with real targets. ``batch_size=None``
    steps on every example at once; otherwise each epoch visits the examples in a fresh
    order drawn from ``seed``. ``l2`` is λ; ``callback`` gets each :class:`EpochReport`, and
    every ``log_every`` epochs a line goes to standard output.
    """
    rows, targets = _check_data(model, X, y)
    epochs = check_int(epochs, "epochs", 1)
    batch_size = len(rows) if batch_size is None else check_int(batch_size, "batch_size", 1)
    log_every = check_int(log_every, "log_every", 0)
    if not callable(loss):
        raise TypeError(
            "loss must be a function loss(output, target) -> Value, such as "
            f"nn.half_squared_error or nn.binary_cross_entropy_with_logits; got {loss!r:.60}"
        )
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {type(callback).__name__}")
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(
            f"optimizer must have a step() method, such as nn.SGD(model.parameters(), lr=0.1); "
            f"got {type(optimizer).__name__}"
        )
    l2 = check_real(l2, "l2")
    first = loss(model(rows[0]), targets[0])  # so that a loss of the wrong kind fails here
    if not isinstance(first, Value):
        raise TypeError(
            f"loss must return a Value built from the model's output (so that backward "
            f"reaches the weights), but it returned {type(first).__name__}: {first!r:.60}"
        )

    n = len(rows)
    rng = generator(seed)
    history = []
    for epoch in range(1, epochs + 1):
        order = range(n) if batch_size >= n else rng.permutation(n).tolist()
        epoch_total = 0.0
        for start in range(0, n, batch_size):
            batch = order[start : start + batch_size]
            objective = value_sum([loss(model(rows[i]), targets[i]) for i in batch])
            objective = objective * (1.0 / len(batch))
            if l2:
                objective = objective + l2 * l2_penalty(model)
            model.zero_grad()
            optimizer.zero_grad()
            objective.backward()
            optimizer.step()
            epoch_total += objective.data * len(batch)
        history.append(epoch_total / n)
        if callback is not None:
            callback(EpochReport(epoch, epochs, history[-1]))
        if log_every and (epoch % log_every == 0 or epoch == epochs):
            print(f"epoch {epoch:>{len(str(epochs))}}/{epochs}  loss {history[-1]:.6f}")
    return history


def accuracy(
    model: Module, X: Sequence[Sequence[float]], y: Sequence[int], threshold: float = 0.0
) -> float:
    """The fraction of examples the model classifies correctly.

    One output: positive where it exceeds ``threshold`` (0 for a logit or tanh, 0.5 for a
    sigmoid), labels all 0/1 or all −1/+1. Several outputs: the largest one's index is the
    class, labels are class indices 0 … n_outputs − 1.
    """
    rows, labels = _check_data(model, X, y)
    outputs = [model(row) for row in rows]
    if isinstance(outputs[0], Value):
        negative = _binary_negative_label(labels)
        predictions = [1 if out.data > threshold else negative for out in outputs]
    else:
        classes = range(len(outputs[0]))
        for i, label in enumerate(labels):
            if not is_int(label) or label not in classes:
                raise ValueError(
                    f"y[{i}] = {label!r}: with {len(classes)} outputs each label is a class "
                    f"index 0 … {len(classes) - 1}"
                )
        scores = [[o.data for o in out] for out in outputs]
        predictions = [s.index(max(s)) for s in scores]
    correct = sum(predicted == label for predicted, label in zip(predictions, labels))
    return correct / len(labels)


def _check_data(model: object, X: object, y: object) -> tuple[list[list[float]], list]:
    """The model, its inputs and their targets as lists, or an error naming the argument."""
    if not isinstance(model, Module) or not callable(model):
        raise TypeError(
            f"model must be an nn Module that can be called, such as nn.MLP(2, [16, 1]); "
            f"got {type(model).__name__}"
        )
    rows = check_rows(X, getattr(model, "nin", None))
    targets = check_targets(y, len(rows))
    if not rows:
        raise ValueError("X is empty: give at least one example")
    return rows, targets


def _binary_negative_label(labels: list) -> int:
    """The label of the negative class for one output: 0 for 0/1 labels, −1 for ±1 labels."""
    found = set(labels)
    for negative in (0, -1):
        if found <= {negative, 1}:
            return negative
    unexpected = sorted(found - {0, 1, -1}, key=repr) or sorted(found)
    raise ValueError(
        f"with one output, labels must all be 0/1 or all be −1/+1; got {unexpected[:5]!r}"
    )
