"""nn.SignalHealth: per-layer histograms of activations and gradients, against hand-computed ones."""
from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd import Tensor
from nn.functional import cross_entropy
from nn.signal_health import SignalHealth, histogram

X = np.array([[1.0, 1.0], [-1.0, 2.0]])
Y = np.array([0, 1])
W1 = np.array([[1.0, -1.0, 0.5], [2.0, 0.0, -1.0]])
B1 = np.array([0.0, 0.5, 0.0])
W2 = np.array([[1.0, -2.0], [0.5, 0.25], [-1.0, 1.0]])


def tiny(activation="relu"):
    model = nn.MLP(2, [3, 2], activation=activation, dtype=np.float64, rng=0)
    model.layers[0].weight.data[...] = W1
    model.layers[0].bias.data[...] = B1
    model.layers[2].weight.data[...] = W2
    return model


def backpropagated(model):
    loss = cross_entropy(model(Tensor(X)), Y)
    loss.backward()
    return loss


def test_relu_activation_histogram_by_hand():
    # x @ W1 + b1 = [[3, -0.5, -0.5], [3, 1.5, -2.5]]; relu: [[3, 0, 0], [3, 1.5, 0]]
    model = tiny()
    health = SignalHealth(model, bins=3, activation_range=(0.0, 3.0))
    health.record(backpropagated(model))
    assert health.names == ["layer 1: ReLU()"]
    assert health.activation_edges.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert health.activation_counts[0].tolist() == [[3, 1, 2]]
    assert health.activation_std[0] == pytest.approx([np.std([3, 0, 0, 3, 1.5, 0])])


def test_values_outside_the_range_fall_in_the_end_bins():
    model = tiny()
    health = SignalHealth(model, bins=2, activation_range=(0.0, 2.0))
    health.record(backpropagated(model))
    assert health.activation_counts[0].tolist() == [[3, 3]]  # both 3s are counted in the last bin
    assert histogram(np.array([-5.0, 0.5, 9.0]), np.array([0.0, 1.0, 2.0])).tolist() == [2, 1]


def test_without_a_range_the_first_step_sets_it_and_later_steps_keep_it():
    model = tiny()
    health = SignalHealth(model, bins=4)
    health.record(backpropagated(model))
    assert health.activation_edges.tolist() == [0.0, 0.75, 1.5, 2.25, 3.0]
    model.layers[0].weight.data[...] = 10 * W1
    health.record(backpropagated(model))
    assert health.activation_edges.tolist() == [0.0, 0.75, 1.5, 2.25, 3.0]
    assert health.activation_counts[1].sum() == 6 and health.steps == [1, 2]


def test_gradient_histogram_and_norms_by_hand():
    model = tiny()
    health = SignalHealth(model, bins=4, gradient_range=(-2.0, 0.0))
    health.record(backpropagated(model))
    # By hand: ∂loss/∂logits = (softmax − onehot) / N, then ∂loss/∂h = that @ W2ᵀ.
    h = np.maximum(X @ W1 + B1, 0.0)
    logits = h @ W2
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    d_logits = (p - np.eye(2)[Y]) / 2
    d_h = d_logits @ W2.T
    d_pre = d_h * (X @ W1 + B1 > 0)
    log_g = np.log10(np.abs(d_h[d_h != 0]))
    expected = np.histogram(np.clip(log_g, -2.0, 0.0), np.linspace(-2.0, 0.0, 5))[0]
    assert health.gradient_counts[0].tolist() == [expected.tolist()]
    assert health.gradient_zeros[0].tolist() == [int(np.sum(d_h == 0))]
    assert health.weight_grad_norms[0] == pytest.approx([np.linalg.norm(X.T @ d_pre),
                                                         np.linalg.norm(h.T @ d_logits)])


def test_sigmoid_std_1_saturates_and_std_001_collapses():
    x = np.random.default_rng(0).normal(size=(500, 100)).astype(np.float32)
    y = np.random.default_rng(1).integers(0, 10, 500)
    shares = {}
    for init in (1.0, 0.01):
        model = nn.MLP(100, [100] * 3 + [10], activation="sigmoid", init=init, rng=0)
        health = SignalHealth(model, bins=10, activation_range=(0.0, 1.0))
        loss = cross_entropy(model(Tensor(x)), y)
        loss.backward()
        health.record(loss)
        counts = health.activation_counts[0]
        shares[init] = (counts[:, [0, -1]].sum(1) / counts.sum(1), counts[:, [4, 5]].sum(1) / counts.sum(1))
    assert (shares[1.0][0] > 0.5).all()    # most activations at 0 or 1
    assert (shares[0.01][1] > 0.99).all()  # nearly all in the two middle bins, around 0.5


def test_fit_calls_it_every_step_with_the_gradients_in_place():
    x = np.random.default_rng(0).normal(size=(64, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    model = nn.MLP(4, [8, 8, 2], rng=0)
    health = SignalHealth(model, every=2)
    seen = []
    nn.fit(model, nn.optim.SGD(model.parameters(), lr=0.1), (x, y), 2, batch_size=16, rng=0,
           progress=False, on_step=lambda step, loss: (seen.append(step), health(step, loss)))
    assert seen == list(range(1, 9)) and health.steps == [1, 3, 5, 7]
    assert len(health.activation_counts) == 4 and all(c.shape == (2, 30) for c in health.activation_counts)
    assert all((norms > 0).all() for norms in health.weight_grad_norms)
    assert all(c.sum() == 16 * 8 for counts in health.activation_counts for c in counts)


def test_a_linear_mlp_watches_its_hidden_linear_layers():
    model = nn.MLP(2, [3, 3, 2], activation="linear", dtype=np.float64, rng=0)
    health = SignalHealth(model)
    health.record(backpropagated(model))
    assert health.names == ["layer 1: Linear(2→3)", "layer 2: Linear(3→3)"]


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(bins=0), ValueError, "bins must be a positive integer"),
    (dict(every=True), ValueError, "every must be a positive integer"),
    (dict(activation_range=(1.0, 0.0)), ValueError, "activation_range must be a pair"),
    (dict(gradient_range=(0.0, float("inf"))), ValueError, "gradient_range must be a pair"),
])
def test_bad_settings_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        SignalHealth(tiny(), **kwargs)


def test_a_model_without_layers_or_a_foreign_loss_is_refused():
    with pytest.raises(TypeError, match="expected an nn.MLP"):
        SignalHealth(nn.Linear(2, 2))
    with pytest.raises(ValueError, match="no hidden layer"):
        SignalHealth(nn.MLP(2, [2], rng=0))
    health = SignalHealth(tiny())
    with pytest.raises(ValueError, match="layer 1: ReLU\\(\\) took no part in this loss"):
        health.record(backpropagated(tiny()))
