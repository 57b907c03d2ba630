"""The scalar MLP separates two interleaved half-moons, micrograd's classic demo."""
from __future__ import annotations

import numpy as np

import nn
from autograd import Value


def two_moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points on two interleaved half circles (labels 0 and 1), plus Gaussian noise."""
    t = rng.uniform(0.0, np.pi, n)
    labels = np.arange(n) % 2
    upper = np.c_[np.cos(t), np.sin(t)]
    lower = np.c_[1.0 - np.cos(t), 0.5 - np.sin(t)]
    points = np.where(labels[:, None] == 0, upper, lower)
    return points + rng.normal(0.0, noise, points.shape), labels


def test_two_moons_data_is_not_linearly_trivial():
    x, y = two_moons(100, 0.1, np.random.default_rng(0))
    assert x.shape == (100, 2) and set(y) == {0, 1} and y.sum() == 50
    # The best single threshold on either coordinate misclassifies a good share.
    best = max(max(np.mean((x[:, d] > c) == y), np.mean((x[:, d] <= c) == y))
               for d in range(2) for c in x[:, d])
    assert best < 0.9


def test_scalar_mlp_reaches_full_training_accuracy_in_under_200_steps():
    x, y = two_moons(100, 0.1, np.random.default_rng(0))
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    xs, signs = x.tolist(), (2 * y - 1).tolist()
    model = nn.scalar.MLP(2, [8, 8, 1], rng=0)
    opt = nn.optim.Adam(model.parameters(), lr=0.05)
    accuracy, steps = 0.0, 0
    while steps < 200:
        scores = [model(row) for row in xs]
        accuracy = float(np.mean([(s.data > 0) == (label > 0) for s, label in zip(scores, signs)]))
        if accuracy == 1.0:
            break
        # The max-margin (hinge) loss of micrograd's demo.
        loss = Value.sum([(1 - label * s).relu() for s, label in zip(scores, signs)]) / len(xs)
        opt.zero_grad()
        loss.backward()
        opt.step()
        steps += 1
    assert accuracy == 1.0, f"training accuracy {accuracy:.2f} after {steps} steps"
    assert steps < 200
