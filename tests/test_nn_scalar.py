"""nn.scalar: Neuron, Layer and MLP on Value nodes."""
from __future__ import annotations

import math

import numpy as np
import pytest

import nn
from autograd import Value, gradcheck, topo_sort
from nn.scalar import MLP, Layer, Neuron, Parameter


def test_parameter_is_a_value_marked_as_a_parameter():
    p = Parameter(1.5, label="w")
    assert isinstance(p, Value) and p.is_parameter and not Value(1.0).is_parameter
    assert not hasattr(p, "__dict__")  # keeps Value's slots: no per-instance dict
    assert (p * 2).data == 3.0


def test_neuron_computes_activation_of_weighted_sum_plus_bias():
    n = Neuron(3, activation="tanh", rng=0)
    n.w[0].data, n.w[1].data, n.w[2].data, n.b.data = 0.5, -1.0, 2.0, 0.25
    out = n([1.0, 2.0, Value(3.0)])
    assert out.data == pytest.approx(math.tanh(0.5 - 2.0 + 6.0 + 0.25), rel=1e-15)
    assert out.op == "tanh" and out.parents[0].op == "sum"
    # The sum node's parents: every product w_i * x_i, then the bias, in order.
    products = out.parents[0].parents
    assert [p.op for p in products] == ["*", "*", "*", ""] and products[-1] is n.b
    assert [p.parents[0] for p in products[:3]] == n.w


@pytest.mark.parametrize("activation, op", [("relu", "relu"), ("sigmoid", "sigmoid"),
                                            ("tanh", "tanh"), ("linear", "sum")])
def test_activations(activation, op):
    assert Neuron(2, activation, rng=0)([1.0, -1.0]).op == op


def test_the_graph_is_built_only_from_add_mul_and_activation_nodes():
    model = MLP(3, [4, 4, 1], rng=0)
    out = model([1.0, -2.0, 0.5])
    ops = {node.op for node in topo_sort(out)}
    assert ops <= {"", "*", "sum", "relu"}
    params = {id(p) for p in model.parameters()}
    leaves = [node for node in topo_sort(out) if not node.parents]
    assert params <= {id(n) for n in leaves}  # every weight is a node in the drawn graph
    assert len(model.parameters()) == 3 * 4 + 4 + 4 * 4 + 4 + 4 + 1


def test_outputs_are_a_list_or_one_value_like_micrograd():
    assert isinstance(MLP(2, [3, 1])([1.0, 2.0]), Value)
    out = MLP(2, [3, 2])([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 2 and all(isinstance(v, Value) for v in out)
    layer = Layer(2, 3, rng=0)
    assert len(layer([1.0, 2.0])) == 3
    assert isinstance(Layer(2, 1)([1.0, 2.0]), Value)
    assert MLP(2, [1, 3])([1.0, 2.0]).__class__ is list  # a 1-wide hidden layer still works


def test_last_layer_is_linear_by_default_and_can_be_changed():
    model = MLP(2, [3, 1], activation="tanh", rng=0)
    assert [layer.neurons[0].activation for layer in model.layers] == ["tanh", "linear"]
    model = MLP(2, [3, 1], output_activation="sigmoid", rng=0)
    assert model([1.0, 1.0]).op == "sigmoid"


def test_inputs_may_be_floats_values_or_a_numpy_row():
    model = MLP(3, [2, 1], rng=0)
    a = model([1.0, 2.0, 3.0]).data
    assert model([Value(1.0), 2, np.float32(3.0)]).data == a
    assert model(np.array([1.0, 2.0, 3.0])).data == a
    assert model((1.0, 2.0, 3.0)).data == a


def test_init_is_scaled_by_fan_in():
    relu = np.array([p.data for n in Layer(784, 50, rng=0).neurons for p in n.w])
    tanh = np.array([p.data for n in Layer(784, 50, activation="tanh", rng=0).neurons for p in n.w])
    assert relu.std() == pytest.approx(math.sqrt(2 / 784), rel=0.03)
    assert tanh.std() == pytest.approx(math.sqrt(2 / (784 + 50)), rel=0.03)
    fixed = np.array([p.data for p in Neuron(2000, init=0.1, rng=0).w])
    assert fixed.std() == pytest.approx(0.1, rel=0.05)
    # 784 unit inputs do not saturate a sigmoid layer.
    pre = Layer(784, 20, activation="linear", rng=1)([1.0] * 784)
    assert max(abs(v.data) for v in pre) < 5


def test_seeding():
    nn.manual_seed(5)
    a = MLP(2, [3, 1])
    nn.manual_seed(5)
    b = MLP(2, [3, 1])
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    assert [p.data for p in MLP(2, [3], rng=4).parameters()] == \
        [p.data for p in MLP(2, [3], rng=4).parameters()]


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_mlp_gradcheck(activation):
    model = MLP(3, [4, 2], activation=activation, rng=2)
    for p in model.parameters():  # biases away from 0: keep ReLUs off their kink
        if p.label == "b":
            p.data = 0.1
    x = [Value(0.3, label="x0"), Value(-1.2, label="x1"), Value(0.7, label="x2")]

    def f(*nodes):
        out = model(list(nodes[:3]))
        return Value.sum([o * o for o in out])
    gradcheck(f, x + model.parameters())


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_neuron_and_layer_gradcheck(activation):
    neuron, layer = Neuron(3, activation, rng=3), Layer(3, 2, activation, rng=4)
    for p in neuron.parameters() + layer.parameters():
        if p.label == "b":
            p.data = 0.2
    x = [Value(0.4, label="x0"), Value(-0.8, label="x1"), Value(1.1, label="x2")]
    gradcheck(lambda *n: neuron(list(n[:3])), x + neuron.parameters())
    gradcheck(lambda *n: Value.sum(v * v for v in layer(list(n[:3]))), x + layer.parameters())


def test_micrograd_style_training_step():
    model = MLP(3, [4, 4, 1], rng=0)
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    losses = []
    for _ in range(20):
        loss = Value.sum([(model(x) - y) ** 2 for x, y in zip(xs, ys)])
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.02 * p.grad
        losses.append(loss.data)
    assert losses[-1] < 0.2 * losses[0]


@pytest.mark.parametrize("call, error, message", [
    (lambda: MLP(3, [2])([1.0, 2.0]), ValueError, "MLP: expected 3 inputs, got 2"),
    (lambda: Layer(3, 2)([1.0] * 4), ValueError, "Layer: expected 3 inputs, got 4"),
    (lambda: Neuron(3)([1.0]), ValueError, "Neuron: expected 3 inputs, got 1"),
    (lambda: MLP(3, [2])(np.ones((1, 3))), ValueError, r"1-D input of length 3, got an array of shape \(1, 3\)"),
    (lambda: MLP(3, [2])(1.0), TypeError, "expected a list of 3 floats or Values, got float"),
    (lambda: MLP(3, [2])("abc"), TypeError, "got str"),
    (lambda: MLP(3, [2])(["a", "b", "c"]), TypeError, "expected a real number"),
    (lambda: MLP(2, [2])([True, 1.0]), TypeError, "got a bool"),
    (lambda: MLP(3, [2], activation="gelu"), ValueError,
     "unknown activation 'gelu'; use one of 'relu', 'tanh', 'sigmoid', 'linear'"),
    (lambda: Neuron(3, activation=None), ValueError, "unknown activation None"),
    (lambda: MLP(3, [2], init="normal"), ValueError, "unknown init 'normal'"),
    (lambda: MLP(3, []), TypeError, "nouts must be a non-empty list"),
    (lambda: MLP(3, [2, 0]), ValueError, "each of nouts must be >= 1"),
    (lambda: Layer(0, 2), ValueError, "nin must be >= 1"),
    (lambda: Neuron(2, rng="x"), TypeError, "rng must be a numpy Generator"),
])
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_repr_and_display():
    model = MLP(3, [4, 1])
    assert repr(model) == ("MLP(\n"
                           "  3→4→1\n"
                           "  (layers.0): Layer(3→4, activation='relu')\n"
                           "  (layers.1): Layer(4→1, activation='linear')\n)")
    assert model.display() == "MLP(3→4→1)"
    assert repr(Neuron(2)) == "Neuron(2, activation='relu')"
