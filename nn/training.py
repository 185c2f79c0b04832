"""A plain training loop: lecture 004's SGD over a data set, reporting as it goes.

Per batch B of examples (x, t) it forms the objective

    J(θ) = (1/|B|) Σ_(x,t)∈B l(f(x; θ), t) + λ Ω(θ)

(λ is ``l2``, Ω is :func:`nn.regularization.l2_penalty`), zeroes the gradients, runs
``backward()`` and lets the optimiser step. Progress goes to ``callback`` and, every
``log_every`` epochs, to standard output; there is no progress-bar dependency.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from autograd_core import Value
from nn.init import Seed, generator
from nn.losses import value_sum
from nn.module import MLP
from nn.optim import Optimizer
from nn.regularization import l2_penalty

LossFunction = Callable[[Value | list[Value], float], Value]


@dataclass(frozen=True)
class EpochReport:
    """What :func:`train` tells its callback after each epoch.

    ``epoch`` counts from 1 to ``epochs``; ``loss`` is the mean of the epoch's batch
    objectives J(θ), each taken before its step and weighted by the batch's size.
    """

    epoch: int
    epochs: int
    loss: float


def train(
    model: MLP,
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
    """Train ``model`` on inputs ``X`` (one row per example) and targets ``y``.

    ``loss(output, target)`` scores one example, e.g. ``binary_cross_entropy_with_logits``
    with 0/1 targets or ``softmax_cross_entropy`` with class indices. ``batch_size=None``
    uses every example in each step (full-batch gradient descent); otherwise each epoch
    visits the examples in a fresh order drawn from ``seed``, in batches of that size.
    Returns each epoch's loss (see :class:`EpochReport`).
    """
    inputs = np.asarray(X, dtype=float)
    if inputs.ndim != 2 or inputs.shape[1] != model.nin:
        raise ValueError(
            f"X must have shape (n_examples, {model.nin}) for this model, got {inputs.shape}"
        )
    targets = list(np.asarray(y).tolist())
    if len(targets) != len(inputs):
        raise ValueError(f"X has {len(inputs)} examples but y has {len(targets)} targets")
    if not targets:
        raise ValueError("X is empty: give at least one example")
    epochs = _check_int(epochs, "epochs", minimum=1)
    batch_size = len(targets) if batch_size is None else _check_int(batch_size, "batch_size", 1)
    log_every = _check_int(log_every, "log_every", minimum=0)
    for name, function in (("loss", loss), ("callback", callback)):
        if function is not None and not callable(function):
            raise TypeError(f"{name} must be callable, got {type(function).__name__}")
    if not hasattr(optimizer, "step"):
        raise TypeError(f"optimizer must have a step() method, got {type(optimizer).__name__}")
    if isinstance(l2, bool) or not isinstance(l2, numbers.Real) or not l2 >= 0:
        raise ValueError(f"l2 must be a real number ≥ 0, got {l2!r}")

    rows = inputs.tolist()
    n = len(rows)
    rng = generator(seed)
    history = []
    for epoch in range(1, epochs + 1):
        order = range(n) if batch_size >= n else rng.permutation(n).tolist()
        batches = [order[start : start + batch_size] for start in range(0, n, batch_size)]
        epoch_total = 0.0
        for batch in batches:
            objective = _total_loss(
                model, loss, [rows[i] for i in batch], [targets[i] for i in batch]
            )
            objective = objective * (1.0 / len(batch))
            if l2:
                objective = objective + l2 * l2_penalty(model)
            model.zero_grad()
            optimizer.zero_grad()
            objective.backward()
            optimizer.step()
            epoch_total += objective.data * len(batch)
        epoch_loss = epoch_total / n
        history.append(epoch_loss)
        report = EpochReport(epoch, epochs, epoch_loss)
        if callback is not None:
            callback(report)
        if log_every and (epoch % log_every == 0 or epoch == epochs):
            print(f"epoch {epoch:>{len(str(epochs))}}/{epochs}  loss {epoch_loss:.6f}")
    return history


def accuracy(
    model: MLP, X: Sequence[Sequence[float]], y: Sequence[int], threshold: float = 0.0
) -> float:
    """The fraction of examples the model classifies correctly.

    With one output, the predicted class is 1 where the output exceeds ``threshold`` (0 for
    a logit, 0.5 for a sigmoid output), else 0; with several outputs it is the index of the
    largest one.
    """
    inputs = np.asarray(X, dtype=float)
    labels = np.asarray(y).tolist()
    if len(inputs) != len(labels) or not labels:
        raise ValueError(
            f"X has {len(inputs)} examples and y {len(labels)} labels; give as many, ≥ 1"
        )
    correct = 0
    for row, label in zip(inputs.tolist(), labels):
        out = model(row)
        if isinstance(out, Value):
            predicted = 1 if out.data > threshold else 0
        else:
            scores = [o.data for o in out]
            predicted = scores.index(max(scores))
        correct += predicted == label
    return correct / len(labels)


def _total_loss(model: MLP, loss: LossFunction, rows: list[list[float]], targets: list) -> Value:
    return value_sum([loss(model(row), target) for row, target in zip(rows, targets)])


def _check_int(n: object, name: str, minimum: int) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < minimum:
        raise ValueError(f"{name} must be an int ≥ {minimum}, got {n!r}")
    return int(n)
