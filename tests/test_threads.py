"""``nn.threads``: training pins numpy's BLAS threads, and gives them back afterwards."""
from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_info

import nn
from nn.threads import DEFAULT_THREADS, blas_threads, check_threads


def blas_counts() -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


needs_blas = pytest.mark.skipif(not blas_counts(), reason="numpy's BLAS is not visible to threadpoolctl")


@needs_blas
def test_the_limit_holds_inside_and_is_restored_after():
    before = blas_counts()
    with blas_threads(1) as used:
        assert used == 1 and blas_counts() == [1] * len(before)
    assert blas_counts() == before


def test_none_means_the_default():
    assert check_threads(None, "x") == DEFAULT_THREADS == 1


@pytest.mark.parametrize("bad", [0, -2, 1.5, True, "2"])
def test_bad_counts_are_refused_by_name(bad):
    with pytest.raises(ValueError, match=r"fit: threads must be a positive integer"):
        check_threads(bad, "fit")


@needs_blas
@pytest.mark.parametrize("threads, expected", [(None, DEFAULT_THREADS), (1, 1), (2, 2)])
def test_fit_trains_with_the_count_asked_for(threads, expected):
    seen = []
    rng = np.random.default_rng(0)
    x, y = rng.random((64, 5), dtype=np.float32), rng.integers(0, 3, 64)
    model = nn.MLP(5, [8, 3], rng=0)
    nn.fit(model, nn.optim.SGD(model.parameters(), lr=0.1), (x, y), 2, batch_size=16, rng=0,
           progress=False, threads=threads, on_epoch=lambda epoch, history: seen.append(blas_counts()))
    assert len(seen) == 2 and all(set(counts) == {expected} for counts in seen)


def test_fit_refuses_a_bad_count_before_training():
    model = nn.MLP(2, [2], rng=0)
    data = (np.zeros((4, 2), np.float32), np.zeros(4, np.int64))
    with pytest.raises(ValueError, match="fit: threads must be a positive integer"):
        nn.fit(model, nn.optim.SGD(model.parameters(), lr=0.1), data, 1, threads=0)


@needs_blas
def test_set_blas_threads_holds_until_changed():
    from threadpoolctl import threadpool_limits

    from nn.threads import set_blas_threads

    with threadpool_limits(limits=2, user_api="blas"):  # restores the original afterwards
        assert set_blas_threads() == DEFAULT_THREADS
        assert set(blas_counts()) == {DEFAULT_THREADS}
    with pytest.raises(ValueError, match="set_blas_threads: threads must be a positive integer"):
        set_blas_threads(0)
