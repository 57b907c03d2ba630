"""nn.augment.RandomShift: every image moved by its own offset, zeros moved in, reproducible."""
from __future__ import annotations

import numpy as np
import pytest

from nn.augment import RandomShift


def test_each_image_is_a_shifted_copy_with_zeros_moved_in():
    images = np.random.default_rng(0).random((64, 2, 6, 5)).astype(np.float32) + 1  # no zeros
    shifted = RandomShift(2, rng=0)(images)
    assert shifted.shape == images.shape and shifted.dtype == np.float32
    offsets = set()
    for before, after in zip(images, shifted):
        rows = np.flatnonzero(after[0].any(axis=1))
        cols = np.flatnonzero(after[0].any(axis=0))
        # The surviving block is the original moved by (dy, dx), |dy|, |dx| <= 2.
        found = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)
                 if np.array_equal(after[:, rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1],
                                   before[:, rows[0] - dy:rows[-1] + 1 - dy,
                                          cols[0] - dx:cols[-1] + 1 - dx])]
        assert len(found) == 1
        assert (after != 0).sum() == 2 * len(rows) * len(cols)  # the rest is zeros
        offsets.add(found[0])
    assert len(offsets) > 15  # offsets vary from image to image (25 possible)


def test_reproducible_per_seed_and_new_offsets_per_call():
    images = np.random.default_rng(1).random((16, 1, 8, 8))
    a, b = RandomShift(1, rng=3), RandomShift(1, rng=3)
    first = a(images)
    np.testing.assert_array_equal(first, b(images))
    assert not np.array_equal(first, a(images))  # the next epoch draws new shifts
    assert RandomShift(0)(images) is images


def test_bad_arguments():
    with pytest.raises(ValueError, match="max_shift must be an int >= 0, got -1"):
        RandomShift(-1)
    with pytest.raises(ValueError, match="max_shift must be an int >= 0, got 1.5"):
        RandomShift(1.5)
    with pytest.raises(ValueError, match=r"expected images of shape \(N, C, H, W\), got \(4, 784\)"):
        RandomShift(2)(np.zeros((4, 784)))
