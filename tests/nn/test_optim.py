"""SGD and Adam against updates worked out by hand, step by step."""

import math

import pytest

from autograd_core import Value
from nn import MLP, SGD, Adam, half_squared_error


def run(optimizer, param, grads):
    """Set each gradient in turn, step, and record the parameter after each step."""
    seen = []
    for g in grads:
        optimizer.zero_grad()
        param.grad = g
        optimizer.step()
        seen.append(param.data)
    return seen


def test_plain_sgd_subtracts_the_learning_rate_times_the_gradient():
    p = Value(1.0)
    assert run(SGD([p], lr=0.1), p, [0.5, -2.0, 0.0]) == pytest.approx(
        [0.95, 1.15, 1.15], rel=1e-15
    )


def test_sgd_momentum_starts_its_buffer_at_the_first_gradient():
    p = Value(1.0)
    # b₁ = 1, θ = 1 − 0.1 = 0.9; b₂ = 0.9·1 + 2 = 2.9, θ = 0.9 − 0.29 = 0.61;
    # b₃ = 0.9·2.9 − 1 = 1.61, θ = 0.61 − 0.161 = 0.449.
    assert run(SGD([p], lr=0.1, momentum=0.9), p, [1.0, 2.0, -1.0]) == pytest.approx(
        [0.9, 0.61, 0.449], rel=1e-14
    )


def test_sgd_weight_decay_adds_lambda_theta_before_momentum():
    p = Value(1.0)
    # g₁ = 1 + 0.5·1 = 1.5, b₁ = 1.5, θ = 1 − 0.15 = 0.85;
    # g₂ = 2 + 0.5·0.85 = 2.425, b₂ = 0.9·1.5 + 2.425 = 3.775, θ = 0.85 − 0.3775 = 0.4725.
    optimizer = SGD([p], lr=0.1, momentum=0.9, weight_decay=0.5)
    assert run(optimizer, p, [1.0, 2.0]) == pytest.approx([0.85, 0.4725], rel=1e-14)
    q = Value(2.0)
    # Without momentum: θ = 2 − 0.1·(0 + 0.5·2) = 1.9.
    assert run(SGD([q], lr=0.1, weight_decay=0.5), q, [0.0]) == pytest.approx([1.9], rel=1e-15)


def test_adam_steps_with_bias_correction():
    p = Value(1.0)
    seen = run(Adam([p], lr=0.1), p, [2.0, -1.0])
    # Step 1: m = 0.1·2 = 0.2, v = 0.001·4 = 0.004; m̂ = 0.2/0.1 = 2, v̂ = 0.004/0.001 = 4.
    theta1 = 1.0 - 0.1 * 2.0 / (math.sqrt(4.0) + 1e-8)
    # Step 2: m = 0.9·0.2 + 0.1·(−1) = 0.08, v = 0.999·0.004 + 0.001·1 = 0.004996;
    # m̂ = 0.08 / (1 − 0.9²) = 0.08/0.19, v̂ = 0.004996 / (1 − 0.999²) = 0.004996/0.001999.
    theta2 = theta1 - 0.1 * (0.08 / 0.19) / (math.sqrt(0.004996 / 0.001999) + 1e-8)
    assert seen == pytest.approx([theta1, theta2], rel=1e-12)
    assert math.isclose(seen[0], 0.9, rel_tol=1e-8)  # the first step moves by about lr


def test_adam_with_other_betas_eps_and_weight_decay():
    p = Value(-2.0)
    seen = run(Adam([p], lr=0.5, betas=(0.5, 0.75), eps=0.1, weight_decay=0.25), p, [1.0])
    # g = 1 + 0.25·(−2) = 0.5; m = 0.5·0.5 = 0.25, v = 0.25·0.25 = 0.0625;
    # m̂ = 0.25/0.5 = 0.5, v̂ = 0.0625/0.25 = 0.25; θ = −2 − 0.5·0.5/(0.5 + 0.1).
    assert seen == pytest.approx([-2.0 - 0.25 / 0.6], rel=1e-14)


def test_each_parameter_keeps_its_own_state():
    a, b = Value(0.0), Value(0.0)
    optimizer = SGD([a, b], lr=1.0, momentum=0.5)
    for ga, gb in ((1.0, -1.0), (1.0, 3.0)):
        a.grad, b.grad = ga, gb
        optimizer.step()
    # a: b₁ = 1, b₂ = 1.5 → −2.5; b: b₁ = −1, b₂ = −0.5 + 3 = 2.5 → −1.5.
    assert (a.data, b.data) == (-2.5, -1.5)


def test_zero_grad_clears_the_parameters_it_holds():
    model = MLP(2, [3, 1], seed=0)
    optimizer = SGD(model.parameters(), lr=0.1)
    model([1.0, 2.0]).backward()
    optimizer.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_sgd_on_a_model_decreases_the_loss():
    model = MLP(2, [4, 1], seed=0)
    optimizer = SGD(model.parameters(), lr=0.05)
    losses = []
    for _ in range(5):
        loss = half_squared_error(model([1.0, -1.0]), 3.0)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.data)
    assert losses == sorted(losses, reverse=True) and losses[-1] < losses[0]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda p: SGD(p, lr=-0.1), r"lr \(the learning rate\) must be a finite number ≥ 0"),
        (lambda p: SGD(p, lr=math.nan), "lr"),
        (lambda p: SGD(p, lr="0.1"), "lr"),
        (lambda p: SGD(p, lr=True), "lr"),
        (lambda p: SGD(p, lr=0.1, momentum=-0.5), "momentum must be"),
        (lambda p: SGD(p, lr=0.1, weight_decay=math.inf), "weight_decay must be"),
        (lambda p: Adam(p, lr=-1.0), "lr"),
        (lambda p: SGD(p, lr=math.inf), "lr"),
        (lambda p: SGD(p, lr=0.1, momentum=1.0), r"momentum must be a number in \[0, 1\)"),
        (lambda p: Adam(p, betas=(0.9, 1.0)), r"betas\[1\] must be a number in \[0, 1\)"),
        (lambda p: Adam(p, betas=(math.nan, 0.9)), r"betas\[0\] must be"),
        (lambda p: Adam(p, betas=(-0.1, 0.9)), r"betas\[0\] must be"),
        (lambda p: Adam(p, betas=0.9), r"betas must be a pair"),
        (lambda p: Adam(p, eps=-1e-8), "eps must be a finite number > 0"),
        (lambda p: Adam(p, eps=0.0), "eps must be a finite number > 0"),
        (lambda p: Adam(p, eps=math.inf), "eps must be"),
        (lambda p: Adam(p, weight_decay=-1.0), "weight_decay must be"),
        (lambda p: SGD([], lr=0.1), "params is empty"),
        (lambda p: SGD([p[0], p[0]], lr=0.1), r"params\[1\] .* appears more than once"),
    ],
)
def test_bad_settings_raise_value_error(build, message):
    with pytest.raises(ValueError, match=message):
        build([Value(1.0, label="w")])


def test_params_that_are_not_values_raise_type_error():
    with pytest.raises(TypeError, match=r"params\[1\] must be a Value, got float"):
        SGD([Value(1.0), 2.0], lr=0.1)
    with pytest.raises(TypeError, match="single Value"):
        Adam(Value(1.0))
    with pytest.raises(TypeError, match="iterable of Values"):
        SGD(3, lr=0.1)


def test_a_computed_value_is_refused_as_a_parameter():
    w = Value(1.0, label="w")
    with pytest.raises(ValueError, match=r"params\[1\] is the result of '\*', not a leaf"):
        SGD([w, w * 2.0], lr=0.1)


@pytest.mark.parametrize(
    "make", [lambda ps: SGD(ps, lr=0.1, momentum=0.9), lambda ps: Adam(ps, lr=0.1)]
)
def test_a_step_that_fails_changes_nothing(make):
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    optimizer = make([a, b])
    a.grad, b.grad = 0.5, None  # b's gradient is not a number
    with pytest.raises(TypeError, match=r"params\[1\] \(b\) has .grad None"):
        optimizer.step()
    assert (a.data, b.data) == (1.0, 2.0)
    # The optimiser's state did not move either: the next step is a first step.
    b.grad = 0.5
    optimizer.step()
    fresh = make([Value(1.0)])
    fresh.params[0].grad = 0.5
    fresh.step()
    assert a.data == fresh.params[0].data < 1.0
    assert b.data - 2.0 == pytest.approx(a.data - 1.0, rel=1e-12)  # the same first move


def test_reprs_show_the_hyper_parameters():
    params = [Value(1.0), Value(2.0)]
    assert repr(SGD(params, lr=0.1, momentum=0.5)) == (
        "SGD(2 parameters, lr=0.1, momentum=0.5, weight_decay=0.0)"
    )
    assert repr(Adam(params)) == (
        "Adam(2 parameters, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0)"
    )


def test_weight_decay_is_half_its_lambda_times_the_l2_penalty():
    # SGD's docstring: weight_decay=λ moves a weight as (λ/2)·Σw² added to the loss does.
    from nn import l2_penalty

    def loss(w):
        return (w * 3.0 - 1.0) ** 2

    decayed, penalised = Value(0.7), Value(0.7)
    loss(decayed).backward()
    SGD([decayed], lr=0.1, weight_decay=0.2).step()
    (loss(penalised) + 0.1 * l2_penalty([penalised])).backward()
    SGD([penalised], lr=0.1).step()
    # By hand: g = 2·3·(3·0.7 − 1) = 6.6, plus λw = 0.14: 0.7 − 0.1·6.74 = 0.026.
    assert decayed.data == pytest.approx(0.026)
    assert penalised.data == pytest.approx(decayed.data)
