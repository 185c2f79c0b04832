"""nn.regularization: Ω(θ) = Σ w² over the weights, with gradient 2w, biases left out."""

import pytest

from autograd_core import Value
from nn import MLP, l2_penalty


def test_l2_penalty_sums_squared_weights_only_with_gradient_two_w():
    model = MLP.from_arrays([[[1.0, -2.0]], [[3.0]]], [[5.0], [7.0]])
    omega = l2_penalty(model)
    omega.backward()
    assert omega.data == 1.0 + 4.0 + 9.0  # biases 5 and 7 are left out
    named = dict(model.named_parameters())
    assert (named["W1[1,1]"].grad, named["W1[1,2]"].grad, named["W2[1,1]"].grad) == (
        2.0,
        -4.0,
        6.0,
    )
    assert named["b1[1]"].grad == 0.0 and named["b2[1]"].grad == 0.0


def test_l2_penalty_of_given_values():
    a, b = Value(2.0), Value(-1.0)
    assert l2_penalty([a, b]).data == 5.0
    with pytest.raises(TypeError, match="item 1 is float"):
        l2_penalty([a, 1.0])
    with pytest.raises(ValueError, match="no weights"):
        l2_penalty([])
