"""The classic two-layer sigmoid network, by hand, on both packages.

For a network x → h = f(V x + c) → o = f(W h + b), trained on E = ½ Σ (o - t)² with
the logistic f (so f′(a) = f(a)(1 - f(a))), the textbook equations are:

    error signal of output k:  δ_k = (o_k - t_k) · f′(a_k)
    ∂E/∂W_kj = δ_k · h_j                     (hidden → output weight)
    ∂E/∂V_ji = Σ_k δ_k · W_kj · f′(a_j) · x_i   (input → hidden weight)
    w ← w - LR · ∂E/∂w

Every number below is computed from these formulas with plain floats and compared
with what the engines produce.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import nn
from autograd import Tensor, Value

X = [0.35, 0.9]
T = [0.5, 0.1]
V = [[0.1, 0.8], [0.4, 0.6]]       # V[j][i]: input i → hidden j
C = [0.05, -0.1]                   # hidden biases
W = [[0.3, 0.9], [-0.2, 0.45]]     # W[k][j]: hidden j → output k
B = [0.02, 0.07]                   # output biases
LR = 0.5


def f(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a))


def by_hand():
    a_hid = [sum(V[j][i] * X[i] for i in range(2)) + C[j] for j in range(2)]
    h = [f(a) for a in a_hid]
    a_out = [sum(W[k][j] * h[j] for j in range(2)) + B[k] for k in range(2)]
    o = [f(a) for a in a_out]
    delta = [(o[k] - T[k]) * o[k] * (1 - o[k]) for k in range(2)]
    dW = [[delta[k] * h[j] for j in range(2)] for k in range(2)]
    dB = delta
    delta_hid = [sum(delta[k] * W[k][j] for k in range(2)) * h[j] * (1 - h[j]) for j in range(2)]
    dV = [[delta_hid[j] * X[i] for i in range(2)] for j in range(2)]
    dC = delta_hid
    step = lambda w, g: [[w[r][s] - LR * g[r][s] for s in range(2)] for r in range(2)]  # noqa: E731
    new = dict(V=step(V, dV), W=step(W, dW),
               C=[C[j] - LR * dC[j] for j in range(2)], B=[B[k] - LR * dB[k] for k in range(2)])
    return o, dict(V=dV, C=dC, W=dW, B=dB), new


def test_the_formulas_reproduce_the_network_written_out_in_full():
    # Guards by_hand() itself (index order, which weight is which), with every
    # weight spelled out as a literal.
    o, grads, new = by_hand()
    h0, h1 = f(0.1 * 0.35 + 0.8 * 0.9 + 0.05), f(0.4 * 0.35 + 0.6 * 0.9 - 0.1)
    o0 = f(0.3 * h0 + 0.9 * h1 + 0.02)
    o1 = f(-0.2 * h0 + 0.45 * h1 + 0.07)
    assert o == pytest.approx([o0, o1], rel=1e-15)
    d0, d1 = (o0 - 0.5) * o0 * (1 - o0), (o1 - 0.1) * o1 * (1 - o1)
    assert grads["W"][0][1] == pytest.approx(d0 * h1, rel=1e-15)          # hidden 1 → output 0
    assert grads["V"][1][0] == pytest.approx(                              # input 0 → hidden 1
        (d0 * 0.9 + d1 * 0.45) * h1 * (1 - h1) * 0.35, rel=1e-14)
    assert new["V"][1][0] == pytest.approx(0.4 - LR * grads["V"][1][0], rel=1e-15)
    assert h0 == pytest.approx(0.691043, abs=1e-6)  # σ(0.805) = 1 / (1 + e^-0.805)


def test_scalar_package_matches_the_equations():
    model = nn.scalar.MLP(2, [2, 2], activation="sigmoid", output_activation="sigmoid")
    hidden, output = model.layers
    for layer, weights, biases in ((hidden, V, C), (output, W, B)):
        for neuron, row, b in zip(layer.neurons, weights, biases):
            for w, value in zip(neuron.w, row):
                w.data = value
            neuron.b.data = b
    o_hand, grads, new = by_hand()
    out = model(X)
    loss = 0.5 * Value.sum([(ok - tk) ** 2 for ok, tk in zip(out, T)])
    loss.backward()
    assert [v.data for v in out] == pytest.approx(o_hand, rel=1e-14)
    for layer, gw, gb in ((hidden, grads["V"], grads["C"]), (output, grads["W"], grads["B"])):
        for neuron, row, b in zip(layer.neurons, gw, gb):
            assert [w.grad for w in neuron.w] == pytest.approx(row, rel=1e-12)
            assert neuron.b.grad == pytest.approx(b, rel=1e-12)
    nn.optim.SGD(model.parameters(), lr=LR).step()
    for layer, nw, nb in ((hidden, new["V"], new["C"]), (output, new["W"], new["B"])):
        for neuron, row, b in zip(layer.neurons, nw, nb):
            assert [w.data for w in neuron.w] == pytest.approx(row, rel=1e-13)
            assert neuron.b.data == pytest.approx(b, rel=1e-13)


def test_tensor_package_matches_the_equations():
    hidden = nn.Linear(2, 2, dtype=np.float64)
    output = nn.Linear(2, 2, dtype=np.float64)
    model = nn.Sequential(hidden, nn.Sigmoid(), output, nn.Sigmoid())
    hidden.weight.data[...] = np.array(V).T  # Linear stores (nin, nout)
    hidden.bias.data[...] = C
    output.weight.data[...] = np.array(W).T
    output.bias.data[...] = B
    o_hand, grads, new = by_hand()
    out = model(Tensor(np.array([X])))
    loss = 0.5 * ((out - np.array([T])) ** 2).sum()
    loss.backward()
    np.testing.assert_allclose(out.data[0], o_hand, rtol=1e-14)
    np.testing.assert_allclose(hidden.weight.grad, np.array(grads["V"]).T, rtol=1e-12)
    np.testing.assert_allclose(hidden.bias.grad, grads["C"], rtol=1e-12)
    np.testing.assert_allclose(output.weight.grad, np.array(grads["W"]).T, rtol=1e-12)
    np.testing.assert_allclose(output.bias.grad, grads["B"], rtol=1e-12)
    nn.optim.SGD(model.parameters(), lr=LR).step()
    np.testing.assert_allclose(hidden.weight.data, np.array(new["V"]).T, rtol=1e-13)
    np.testing.assert_allclose(hidden.bias.data, new["C"], rtol=1e-13)
    np.testing.assert_allclose(output.weight.data, np.array(new["W"]).T, rtol=1e-13)
    np.testing.assert_allclose(output.bias.data, new["B"], rtol=1e-13)
