"""The scalar MLP and the Tensor MLP with identical weights: identical outputs and gradients."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

import nn
from autograd import Tensor, Value


def copy_into_tensor_mlp(scalar: nn.scalar.MLP, activation: str) -> nn.MLP:
    """A float64 Tensor MLP holding the scalar MLP's weights (neuron j = weight column j)."""
    model = nn.MLP(scalar.sizes[0], scalar.sizes[1:], activation=activation, dtype=np.float64)
    linears = [m for m in model.layers if isinstance(m, nn.Linear)]
    for layer, lin in zip(scalar.layers, linears):
        lin.weight.data[...] = np.array([[w.data for w in n.w] for n in layer.neurons]).T
        lin.bias.data[...] = [n.b.data for n in layer.neurons]
    return model


@given(sizes=st.lists(st.integers(1, 4), min_size=1, max_size=3), nin=st.integers(1, 4),
       batch=st.integers(1, 3), activation=st.sampled_from(["relu", "tanh", "sigmoid", "linear"]),
       seed=st.integers(0, 2**16))
def test_same_weights_give_the_same_outputs_and_gradients(sizes, nin, batch, activation, seed):
    rng = np.random.default_rng(seed)
    scalar = nn.scalar.MLP(nin, sizes, activation=activation, rng=rng)
    for p in scalar.parameters():
        if p.label == "b":
            p.data = float(rng.normal())
    tensor = copy_into_tensor_mlp(scalar, activation)
    x = rng.normal(size=(batch, nin))
    target = rng.normal(size=(batch, sizes[-1]))

    outs = []
    for row in x:
        out = scalar(row.tolist())
        outs.append(out if isinstance(out, list) else [out])
    loss = Value.sum([(o - t) ** 2 for row, trow in zip(outs, target) for o, t in zip(row, trow)])
    loss.backward()

    t_out = tensor(Tensor(x))
    t_loss = nn.functional.mse_loss(t_out, target, reduction="sum")
    t_loss.backward()

    np.testing.assert_allclose(t_out.data, [[o.data for o in row] for row in outs], rtol=1e-12, atol=1e-12)
    assert t_loss.item() == pytest.approx(loss.data, rel=1e-12, abs=1e-12)
    linears = [m for m in tensor.layers if isinstance(m, nn.Linear)]
    for layer, lin in zip(scalar.layers, linears):
        w_grad = np.array([[w.grad for w in n.w] for n in layer.neurons]).T
        np.testing.assert_allclose(lin.weight.grad, w_grad, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(lin.bias.grad, [n.b.grad for n in layer.neurons], rtol=1e-10, atol=1e-12)


def test_one_optimizer_step_keeps_the_two_engines_in_step():
    scalar = nn.scalar.MLP(3, [5, 2], activation="tanh", rng=0)
    tensor = copy_into_tensor_mlp(scalar, "tanh")
    x, y = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]]), np.array([1, 0])
    opts = [nn.optim.Adam(scalar.parameters(), lr=0.01), nn.optim.Adam(tensor.parameters(), lr=0.01)]
    for _ in range(3):
        logits = [scalar(row.tolist()) for row in x]
        # Cross-entropy written with Value ops: log-sum-exp minus the picked logit.
        loss = Value.sum([(row[0].exp() + row[1].exp()).log() - row[label]
                          for row, label in zip(logits, y)]) / len(y)
        t_loss = nn.functional.cross_entropy(tensor(Tensor(x)), y)
        assert t_loss.item() == pytest.approx(loss.data, rel=1e-12)
        for model, root, opt in ((scalar, loss, opts[0]), (tensor, t_loss, opts[1])):
            model.zero_grad()
            root.backward()
            opt.step()
    flat_scalar = [p.data for p in scalar.parameters()]
    # Tensor parameter order: W0 (3x5), b0, W1 (5x2), b1; scalar order: per neuron w then b.
    again = copy_into_tensor_mlp(scalar, "tanh")
    for p, q in zip(again.parameters(), tensor.parameters()):
        np.testing.assert_allclose(p.data, q.data, rtol=1e-12)
    assert len(flat_scalar) == sum(p.data.size for p in tensor.parameters())
