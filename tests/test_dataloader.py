"""DataLoader: coverage of every sample, batch sizes, len(), reproducibility, bad input."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nn.data import DataLoader


def dataset(n: int, features: int = 3):
    x = np.arange(n * features, dtype=np.float32).reshape(n, features)
    return x, np.arange(n, dtype=np.int64)


@given(n=st.integers(1, 200), batch_size=st.integers(1, 64), shuffle=st.booleans(),
       seed=st.integers(0, 2**32 - 1))
def test_one_pass_covers_every_sample_once(n, batch_size, shuffle, seed):
    x, y = dataset(n)
    loader = DataLoader(x, y, batch_size, shuffle=shuffle, rng=seed)
    batches = list(loader)
    assert len(batches) == len(loader) == -(-n // batch_size)
    assert all(len(xb) == batch_size for xb, _ in batches[:-1])
    seen = np.concatenate([yb for _, yb in batches])
    assert sorted(seen.tolist()) == list(range(n))
    for xb, yb in batches:  # x and y rows stay paired
        np.testing.assert_array_equal(xb, x[yb])
    if not shuffle:
        np.testing.assert_array_equal(seen, y)


@given(n=st.integers(1, 200), batch_size=st.integers(1, 64), seed=st.integers(0, 1000))
def test_drop_last_yields_only_full_batches(n, batch_size, seed):
    x, y = dataset(n)
    if batch_size > n:
        with pytest.raises(ValueError, match="drop_last=True would leave no batch"):
            DataLoader(x, y, batch_size, drop_last=True, rng=seed)
        return
    loader = DataLoader(x, y, batch_size, drop_last=True, rng=seed)
    batches = list(loader)
    assert len(batches) == len(loader) == n // batch_size
    assert all(len(xb) == batch_size for xb, _ in batches)
    seen = np.concatenate([yb for _, yb in batches])
    assert len(np.unique(seen)) == len(seen) == (n // batch_size) * batch_size


def test_same_seed_same_batches_and_epochs_differ():
    x, y = dataset(100)
    first = [yb.tolist() for _, yb in DataLoader(x, y, 10, rng=7)]
    again = [yb.tolist() for _, yb in DataLoader(x, y, 10, rng=7)]
    assert first == again
    loader = DataLoader(x, y, 10, rng=7)
    epoch1 = [yb.tolist() for _, yb in loader]
    epoch2 = [yb.tolist() for _, yb in loader]
    assert epoch1 == first and epoch2 != epoch1
    other = [yb.tolist() for _, yb in DataLoader(x, y, 10, rng=8)]
    assert other != first


def test_a_generator_is_used_as_given():
    x, y = dataset(50)
    a = [yb.tolist() for _, yb in DataLoader(x, y, 8, rng=np.random.default_rng(3))]
    b = [yb.tolist() for _, yb in DataLoader(x, y, 8, rng=np.random.default_rng(3))]
    assert a == b


def test_unshuffled_batches_are_views_and_keep_dtype():
    x, y = dataset(10)
    xb, yb = next(iter(DataLoader(x, y, 4, shuffle=False)))
    assert np.shares_memory(xb, x) and xb.dtype == np.float32 and yb.dtype == np.int64
    assert len(DataLoader(x, y, 4)) == 3 and len(DataLoader(x, y, 5)) == 2
    assert "10 samples" in repr(DataLoader(x, y, 4))


def test_transform_maps_each_x_batch_and_leaves_labels_alone():
    x, y = dataset(10)
    plain = list(DataLoader(x, y, 4, rng=2))
    seen = []
    doubled = list(DataLoader(x, y, 4, rng=2, transform=lambda xb: seen.append(len(xb)) or xb * 2))
    assert seen == [4, 4, 2]
    for (xa, ya), (xb, yb) in zip(plain, doubled):
        np.testing.assert_array_equal(xb, xa * 2)
        np.testing.assert_array_equal(ya, yb)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"x": [[1.0]]}, TypeError, "x must be a numpy array, got list"),
    ({"y": (1,)}, TypeError, "y must be a numpy array, got tuple"),
    ({"y": np.zeros(4)}, ValueError, r"x of shape \(5, 3\) and y of shape \(4,\)"),
    ({"x": np.array(1.0)}, ValueError, "x must have a first"),
    ({"batch_size": 0}, ValueError, "batch_size must be a positive integer, got 0"),
    ({"batch_size": 2.5}, ValueError, "batch_size must be a positive integer"),
    ({"batch_size": True}, ValueError, "batch_size must be a positive integer"),
    ({"shuffle": 1}, TypeError, "shuffle must be True or False"),
    ({"drop_last": None}, TypeError, "drop_last must be True or False"),
    ({"rng": "seed"}, TypeError, "rng must be a seed"),
    ({"x": np.zeros((0, 3)), "y": np.zeros(0)}, ValueError, "empty"),
    ({"transform": "shift"}, TypeError, "transform must be a function of the x batch, got str"),
])
def test_bad_input_is_refused_clearly(kwargs, error, match):
    x, y = dataset(5)
    args = {"x": x, "y": y, "batch_size": 2, **kwargs}
    with pytest.raises(error, match=match):
        DataLoader(**args)
