"""Cross-engine check: one small MLP built from Tensor ops and from Values agrees.

The two engines share nothing but the graph protocol, so equal losses and gradients
(to float64 rounding) are strong evidence that both apply the chain rule correctly.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Tensor, Value

N, D, H, C = 5, 3, 4, 3


def tensor_net(params, x, y, activation, loss):
    w1, b1, w2, b2 = params
    hidden = getattr(x @ w1 + b1, activation)()
    logits = hidden @ w2 + b2
    if loss == "cross_entropy":
        return logits.cross_entropy(y)
    onehot = np.eye(C)[y]
    return ((logits - onehot) ** 2).mean()


def value_net(params, x, y, activation, loss):
    w1, b1, w2, b2 = params  # nested lists of Values
    total = []
    for row, label in zip(x, y):
        hidden = [getattr(Value.sum(row[i] * w1[i][j] for i in range(D)) + b1[j], activation)()
                  for j in range(H)]
        logits = [Value.sum(hidden[j] * w2[j][k] for j in range(H)) + b2[k] for k in range(C)]
        if loss == "cross_entropy":
            top = max(z.data for z in logits)  # log-sum-exp, shifted like the Tensor engine
            lse = Value.sum((z - top).exp() for z in logits).log() + top
            total.append(lse - logits[label])
        else:
            total.append(Value.sum((z - (1.0 if k == label else 0.0)) ** 2
                                   for k, z in enumerate(logits)) / C)
    return Value.sum(total) / len(total)


def as_values(a: np.ndarray):
    return [as_values(row) for row in a] if a.ndim > 1 else [Value(float(v)) for v in a]


def value_grads(nested) -> np.ndarray:
    if isinstance(nested, Value):
        return np.array(nested.grad)
    return np.array([value_grads(item) for item in nested])


@settings(max_examples=15)
@given(seed=st.integers(0, 2**32 - 1), activation=st.sampled_from(["relu", "tanh", "sigmoid"]),
       loss=st.sampled_from(["cross_entropy", "mse"]))
def test_same_loss_and_gradients(seed, activation, loss):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal((D, H)), rng.standard_normal(H),
              rng.standard_normal((H, C)), rng.standard_normal(C)]
    x = rng.standard_normal((N, D))
    y = rng.integers(0, C, N)

    t_params = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    t_loss = tensor_net(t_params, Tensor(x), y, activation, loss)
    t_loss.backward()

    v_params = [as_values(a) for a in arrays]
    v_loss = value_net(v_params, x.tolist(), y.tolist(), activation, loss)
    v_loss.backward()

    assert t_loss.item() == pytest.approx(v_loss.data, rel=1e-12, abs=1e-12)
    for t, v in zip(t_params, v_params):
        np.testing.assert_allclose(t.grad, value_grads(v), rtol=1e-10, atol=1e-12)
