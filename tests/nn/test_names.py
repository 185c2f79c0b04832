"""nn.names: the lectures' 1-based names, formatted in one place."""

from nn.names import alpha_name, bias_name, h_name, input_name, parameter_names, weight_name


def test_each_name_in_the_lectures_notation():
    assert weight_name(2, 3, 1) == "W2[3,1]"  # w(2)₃,₁: unit 1 of layer 1 to neuron 3
    assert bias_name(1, 2) == "b1[2]"
    assert input_name(1) == "x1"
    assert alpha_name(1, 2) == "α1[2]"
    assert h_name(2, 3) == "h2[3]"


def test_parameter_names_follow_nns_order():
    assert parameter_names((3, 2, 1)) == [
        "W1[1,1]", "W1[1,2]", "W1[1,3]", "b1[1]",
        "W1[2,1]", "W1[2,2]", "W1[2,3]", "b1[2]",
        "W2[1,1]", "W2[1,2]", "b2[1]",
    ]  # fmt: skip
    assert parameter_names((2, 2), biases=False) == ["W1[1,1]", "W1[1,2]", "W1[2,1]", "W1[2,2]"]
