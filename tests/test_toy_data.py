"""nn.toy_data: the playground's 2-D data sets, generated from a seed."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

from nn.toy_data import DATASETS, make_dataset


@given(st.sampled_from(DATASETS), st.integers(2, 300), st.integers(0, 2**32 - 1))
def test_shapes_dtypes_and_balanced_labels(name, n, seed):
    x, y = make_dataset(name, n, rng=seed)
    assert x.shape == (n, 2) and x.dtype == np.float64 and np.isfinite(x).all()
    assert y.shape == (n,) and y.dtype == np.int64 and set(np.unique(y)) <= {0, 1}
    if name != "xor":  # xor's labels follow the points' quadrants
        assert y.sum() == n // 2


@pytest.mark.parametrize("name", DATASETS)
def test_a_seed_gives_the_same_points_and_another_seed_others(name):
    a, b, c = make_dataset(name, 50, rng=3), make_dataset(name, 50, rng=3), make_dataset(name, 50, rng=4)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("name", DATASETS)
def test_points_lie_in_the_documented_box(name):
    x, _ = make_dataset(name, 400, noise=0.0, rng=0)
    assert np.abs(x).max() <= 1.5


def test_moons_are_the_two_half_circles_centred_on_the_origin():
    x, y = make_dataset("moons", 400, noise=0.0, rng=0)
    upper, lower = x[y == 0] + [0.5, 0.25], x[y == 1] + [0.5, 0.25]
    assert np.allclose(np.hypot(*upper.T), 1.0) and (upper[:, 1] >= 0).all()
    assert np.allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert (lower[:, 1] <= 0.5).all()


def test_circles_put_class_1_inside_the_ring():
    x, y = make_dataset("circles", 400, noise=0.0, rng=0)
    r = np.hypot(*x.T)
    assert r[y == 1].max() <= 0.5 and r[y == 0].min() >= 0.8 and r[y == 0].max() <= 1.2


def test_spiral_arms_are_each_others_half_turn():
    x, y = make_dataset("spiral", 400, noise=0.0, rng=0)
    r, angle = np.hypot(*x.T), np.arctan2(x[:, 1], x[:, 0])
    t = (r - 0.15) / 1.2
    expected = 1.75 * 2 * np.pi * t + np.pi * y
    assert np.allclose(np.cos(angle), np.cos(expected)) and np.allclose(np.sin(angle), np.sin(expected))


def test_xor_labels_are_the_sign_disagreement_with_a_margin():
    x, y = make_dataset("xor", 400, noise=0.0, rng=0)
    assert np.array_equal(y, (np.sign(x[:, 0]) != np.sign(x[:, 1])).astype(int))
    assert np.abs(x).min() >= 0.1


@pytest.mark.parametrize("name", DATASETS)
def test_noise_is_gaussian_with_the_given_scale_added_to_the_same_points(name):
    # The same seed draws the same clean points, so the difference is the noise alone.
    clean, y0 = make_dataset(name, 4000, noise=0.0, rng=1)
    noisy, y1 = make_dataset(name, 4000, noise=0.2, rng=1)
    assert np.array_equal(y0, y1)
    difference = noisy - clean
    assert abs(difference.mean()) < 0.01 and difference.std() == pytest.approx(0.2, rel=0.03)


@pytest.mark.parametrize("args, error, match", [
    (("blobs",), ValueError, "unknown data set 'blobs'; use one of moons, circles, spiral, xor"),
    (("moons", 1), ValueError, "n must be an integer >= 2"),
    (("moons", 2.5), ValueError, "n must be an integer"),
    (("moons", True), ValueError, "n must be an integer"),
    (("moons", 10, -0.1), ValueError, "noise must be a finite number >= 0"),
    (("moons", 10, float("nan")), ValueError, "noise must be a finite number >= 0"),
    (("moons", 10, 0.1, "seed"), TypeError, "rng must be"),
])
def test_bad_input_is_refused(args, error, match):
    with pytest.raises(error, match=match):
        make_dataset(*args)
