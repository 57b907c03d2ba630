"""Data loading on small synthetic data sets: directories, the cache, mirrors, source order.

Every test uses its own cache directory and a local HTTP server on 127.0.0.1, so
nothing here touches the network or the user's real cache.
"""
from __future__ import annotations

import dataclasses
import functools
import gzip
import http.server
import logging
import os
import socket
import threading
from pathlib import Path

import numpy as np
import pytest

from nn.datasets import cache as dataset_cache
from nn.datasets import load_dataset, load_splits
from nn.datasets.cache import cache_dir, read_cache, write_cache
from nn.datasets.directory import read_idx_directory
from nn.datasets.idx import Splits, encode_idx, idx_sha256
from nn.datasets.mirrors import download_from_mirrors
from nn.datasets.specs import MNIST, DatasetSpec, FileSpec
from tests.hostile_zip import npy_header, replace_member, set_encrypted_bit, set_unsupported_method

NAMES = [f.name for f in MNIST.files]


def make_splits(seed: int = 0, n_train: int = 30, n_test: int = 12) -> Splits:
    rng = np.random.default_rng(seed)
    return Splits(rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
                  rng.integers(0, 10, n_train, dtype=np.uint8),
                  rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
                  rng.integers(0, 10, n_test, dtype=np.uint8))


def gz(array: np.ndarray) -> bytes:
    return gzip.compress(encode_idx(array), mtime=0)


def spec_for(splits: Splits, *, mirrors=(), fallback=None) -> DatasetSpec:
    """A DatasetSpec whose published digests are those of ``splits``."""
    files = tuple(FileSpec(name, a.ndim, len(a), idx_sha256(a)) for name, a in zip(NAMES, splits))
    return DatasetSpec("Synthetic", "synthetic.npz", files, tuple(mirrors), fallback)


def write_dir(directory: Path, splits: Splits, gzipped=(False, True, False, True)) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, array, packed in zip(NAMES, splits, gzipped):
        if packed:
            (directory / f"{name}.gz").write_bytes(gz(array))
        else:
            (directory / name).write_bytes(encode_idx(array))
    return directory


def assert_same(a: Splits, b: Splits) -> None:
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No test reads $TRACEGRAD_DATA or writes the user's cache."""
    monkeypatch.delenv("TRACEGRAD_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    hits: list[str]

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        self.hits.append(self.path)
        super().do_GET()


@pytest.fixture
def serve(tmp_path):
    """Start a file server on 127.0.0.1 for a directory; returns (base_url, hits)."""
    servers = []

    def start(directory: Path):
        hits: list[str] = []
        handler = type("Handler", (_Quiet,), {"hits": hits})
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
        threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/", hits

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def mirror_dir(tmp_path: Path, name: str, splits: Splits) -> Path:
    return write_dir(tmp_path / name, splits, gzipped=(True,) * 4)


def dead_url() -> str:
    """A 127.0.0.1 URL with nothing listening: connections are refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


# --- a directory of IDX files -------------------------------------------------------

def test_directory_with_plain_and_gzipped_files(tmp_path):
    splits = make_splits()
    loaded = read_idx_directory(spec_for(splits), write_dir(tmp_path / "d", splits))
    assert_same(loaded, splits)


def test_directory_missing_a_file_names_it(tmp_path):
    splits = make_splits()
    directory = write_dir(tmp_path / "d", splits)
    (directory / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match="lacks t10k-labels-idx1-ubyte"):
        read_idx_directory(spec_for(splits), directory)


def test_directory_that_does_not_exist(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_idx_directory(spec_for(make_splits()), tmp_path / "nope")


def test_image_and_label_counts_must_agree(tmp_path):
    splits = make_splits()
    short = splits._replace(train_labels=splits.train_labels[:-1])
    directory = write_dir(tmp_path / "d", short)
    with pytest.raises(ValueError, match=r"has 30 images but .*train-labels-idx1-ubyte.gz has 29 labels"):
        read_idx_directory(spec_for(splits), directory)


def test_counts_must_match_the_data_set(tmp_path):
    splits = make_splits()
    fewer = Splits(splits.train_images[:20], splits.train_labels[:20], *splits[2:])
    with pytest.raises(ValueError, match="20 items, but Synthetic's train-images-idx3-ubyte has 30"):
        read_idx_directory(spec_for(splits), write_dir(tmp_path / "d", fewer))


def test_a_changed_pixel_fails_the_published_digest(tmp_path):
    splits = make_splits()
    images = splits.test_images.copy()
    images[3, 10, 10] ^= 1
    directory = write_dir(tmp_path / "d", splits._replace(test_images=images))
    with pytest.raises(ValueError, match="t10k-images-idx3-ubyte does not match the published SHA-256"):
        read_idx_directory(spec_for(splits), directory)


def test_truncated_file_in_a_directory_names_the_file(tmp_path):
    splits = make_splits()
    directory = write_dir(tmp_path / "d", splits)
    path = directory / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ValueError, match=f"{path}: truncated"):
        read_idx_directory(spec_for(splits), directory)


def test_plain_and_any_gzip_of_the_same_bytes_get_the_same_verdict(tmp_path):
    splits = make_splits()
    spec = spec_for(splits)
    for i, packing in enumerate([lambda b: b, lambda b: gzip.compress(b, 1, mtime=7),
                                 lambda b: gzip.compress(b[:500]) + gzip.compress(b[500:])]):
        directory = tmp_path / f"ok{i}"
        directory.mkdir()
        for name, array in zip(NAMES, splits):
            blob = packing(encode_idx(array))
            (directory / (name if blob[:2] != b"\x1f\x8b" else f"{name}.gz")).write_bytes(blob)
        assert_same(read_idx_directory(spec, directory), splits)
        # The same change to one byte is refused either way, with the same reason.
        images = splits.test_images.copy()
        images[0, 0, 0] ^= 1
        blob = packing(encode_idx(images))
        target = directory / ("t10k-images-idx3-ubyte" if blob[:2] != b"\x1f\x8b"
                              else "t10k-images-idx3-ubyte.gz")
        target.write_bytes(blob)
        with pytest.raises(ValueError, match="t10k-images-idx3-ubyte does not match the published"):
            read_idx_directory(spec, directory)


def test_a_gzip_bomb_in_a_directory_is_refused_by_name(tmp_path):
    splits = make_splits()
    directory = write_dir(tmp_path / "d", splits, gzipped=(True,) * 4)
    bomb = gzip.compress(bytes(16 << 20), mtime=0)  # 16 MiB of zeros in 16 KB
    assert len(bomb) < 23_536  # smaller than the real file: only inflating it shows the bomb
    (directory / "train-images-idx3-ubyte.gz").write_bytes(bomb)
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte.gz: the gzip data inflates to "
                                         r"more than the 23536 bytes"):
        read_idx_directory(spec_for(splits), directory)


def test_a_file_far_bigger_than_the_data_set_is_not_read(tmp_path):
    splits = make_splits()
    directory = write_dir(tmp_path / "d", splits)
    with open(directory / "t10k-labels-idx1-ubyte", "wb") as f:
        f.truncate(1 << 30)  # sparse: 1 GiB that takes no disk space
    with pytest.raises(ValueError, match=r"t10k-labels-idx1-ubyte: 1073741824 bytes, but "
                                         r"Synthetic's t10k-labels-idx1-ubyte has 20"):
        read_idx_directory(spec_for(splits), directory)


FASHION_DEBIAN = Path("/usr/share/datasets/fashion-mnist")


@pytest.mark.skipif(not FASHION_DEBIAN.is_dir(), reason="Debian's dataset-fashion-mnist is not installed")
def test_debians_regzipped_fashion_mnist_is_accepted():
    from nn.datasets.specs import FASHION_MNIST
    splits = read_idx_directory(FASHION_MNIST, FASHION_DEBIAN)
    assert splits.train_images.shape == (60000, 28, 28) and splits.test_labels.shape == (10000,)


def test_labels_outside_0_to_9_are_rejected(tmp_path):
    splits = make_splits()
    labels = splits.train_labels.copy()
    labels[0] = 10
    bad = splits._replace(train_labels=labels)
    with pytest.raises(ValueError, match="a label is 10"):
        read_idx_directory(spec_for(bad), write_dir(tmp_path / "d", bad))


# --- load_dataset: shapes, dtypes, arguments -----------------------------------------

def test_load_dataset_shapes_and_dtypes(tmp_path):
    splits = make_splits()
    spec, directory = spec_for(splits), write_dir(tmp_path / "d", splits)
    (x, y), (xt, yt) = load_dataset(spec, directory)
    assert x.shape == (30, 784) and x.dtype == np.float32 and xt.shape == (12, 784)
    assert y.dtype == np.int64 and yt.dtype == np.int64
    np.testing.assert_array_equal(x * 255, splits.train_images.reshape(30, -1).astype(np.float32))
    assert x.min() >= 0 and x.max() <= 1
    (x4, _), _ = load_dataset(spec, directory, flatten=False)
    assert x4.shape == (30, 1, 28, 28) and x4.dtype == np.float32
    (xu, _), _ = load_dataset(spec, directory, normalize=False, flatten=False)
    assert xu.dtype == np.uint8 and xu.shape == (30, 1, 28, 28)
    np.testing.assert_array_equal(xu[:, 0], splits.train_images)
    assert xu.flags.writeable  # a copy: callers may modify it


@pytest.mark.parametrize("kwargs, match", [
    ({"normalize": 1}, "normalize must be True or False"),
    ({"flatten": "yes"}, "flatten must be True or False"),
    ({"data_dir": 3}, "data_dir must be a path or None"),
])
def test_load_dataset_rejects_bad_arguments(kwargs, match):
    with pytest.raises(TypeError, match=match):
        load_dataset(spec_for(make_splits()), **kwargs)


def test_tracegrad_data_env_var_is_a_data_dir(tmp_path, monkeypatch, caplog):
    splits = make_splits()
    monkeypatch.setenv("TRACEGRAD_DATA", str(write_dir(tmp_path / "env", splits)))
    with caplog.at_level(logging.INFO, "tracegrad.datasets"):
        assert_same(load_splits(spec_for(splits)), splits)
    assert "$TRACEGRAD_DATA" in caplog.text
    monkeypatch.setenv("TRACEGRAD_DATA", str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match="missing does not exist"):
        load_splits(spec_for(splits))


# --- the cache --------------------------------------------------------------------------

def test_cache_dir_follows_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c" / "tracegrad"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "tracegrad"


def test_cache_round_trip_leaves_no_temp_files(tmp_path):
    splits = make_splits()
    spec = spec_for(splits)
    path = write_cache(spec, splits, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["synthetic.npz"] == [path.name]
    assert_same(read_cache(spec, tmp_path), splits)
    assert read_cache(dataclasses.replace(spec, cache_name="other.npz"), tmp_path) is None


def test_failed_cache_write_keeps_the_old_entry_and_no_temp_file(tmp_path, monkeypatch):
    old, new = make_splits(0), make_splits(1)
    write_cache(spec_for(old), old, tmp_path)

    def explode(file, **arrays):
        file.write(b"PK\x03\x04 half a zip")  # a crash after part of the file is written
        raise OSError("disk full")

    monkeypatch.setattr(dataset_cache.np, "savez", explode)
    with pytest.raises(OSError, match="disk full"):
        write_cache(spec_for(new), new, tmp_path)
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["synthetic.npz"]
    assert_same(read_cache(spec_for(old), tmp_path), old)


def _corrupt_truncated(path, spec, splits):
    path.write_bytes(path.read_bytes()[:1000])


def _corrupt_garbage(path, spec, splits):
    path.write_bytes(b"not a zip file at all")


def _corrupt_tampered(path, spec, splits):
    # Valid npz, but one pixel differs from what the recorded digest says.
    images = splits.train_images.copy()
    images[0, 0, 0] ^= 0xFF
    digests = np.array([idx_sha256(a) for a in splits])
    np.savez(path, sha256=digests, **splits._replace(train_images=images)._asdict())


def _corrupt_consistent_but_wrong(path, spec, splits):
    # Self-consistent entry (recorded digests match its arrays) of other data:
    # only the published digests can catch it.
    other = make_splits(seed=9)
    np.savez(path, sha256=np.array([idx_sha256(a) for a in other]), **other._asdict())


def _corrupt_missing_array(path, spec, splits):
    np.savez(path, train_images=splits.train_images)


def _corrupt_pickled(path, spec, splits):
    # An object array needs pickle to load; allow_pickle=False must refuse it.
    np.savez(path, sha256=np.array([object()], dtype=object), **splits._asdict())


def _corrupt_0d_digests(path, spec, splits):
    np.savez(path, sha256=np.array("0" * 64), **splits._asdict())


def _corrupt_extra_raw_member(path, spec, splits):
    replace_member(path, "sha256.npy", b"raw bytes", name="sha256")


def _corrupt_huge_header(path, spec, splits):
    replace_member(path, "train_images.npy", npy_header((10**13, 28, 28)) + bytes(100))


def _corrupt_unsupported_compression(path, spec, splits):
    set_unsupported_method(path, "test_labels.npy")


def _corrupt_encrypted_bit(path, spec, splits):
    set_encrypted_bit(path, "train_labels.npy")


def _corrupt_extra_array(path, spec, splits):
    np.savez(path, sha256=np.array([idx_sha256(a) for a in splits]), extra=np.zeros(3), **splits._asdict())


@pytest.mark.parametrize("corrupt", [_corrupt_truncated, _corrupt_garbage, _corrupt_tampered,
                                     _corrupt_consistent_but_wrong, _corrupt_missing_array,
                                     _corrupt_pickled, _corrupt_0d_digests, _corrupt_extra_raw_member,
                                     _corrupt_huge_header, _corrupt_unsupported_compression,
                                     _corrupt_encrypted_bit, _corrupt_extra_array])
def test_corrupt_cache_entry_is_reported_deleted_and_rebuilt(tmp_path, corrupt, serve, caplog):
    splits = make_splits()
    base, hits = serve(mirror_dir(tmp_path, "mirror", splits))
    spec = spec_for(splits, mirrors=(base,))
    cache = tmp_path / "cache"
    path = write_cache(spec, splits, cache)
    corrupt(path, spec, splits)
    with pytest.warns(RuntimeWarning, match="ignoring corrupt Synthetic cache entry"):
        assert read_cache(spec, cache) is None
    assert not path.exists()
    write_cache(spec, splits, cache)
    corrupt(path, spec, splits)
    with pytest.warns(RuntimeWarning), caplog.at_level(logging.INFO, "tracegrad.datasets"):
        assert_same(load_splits(spec, cache=cache), splits)
    assert "downloaded from the public mirrors" in caplog.text
    assert len(hits) == 4
    assert_same(read_cache(spec, cache), splits)  # rebuilt and valid again


def test_an_entry_that_fails_in_an_unforeseen_way_is_rebuilt_too(tmp_path, monkeypatch):
    splits = make_splits()
    spec = spec_for(splits)
    write_cache(spec, splits, tmp_path)

    def surprise(path):
        raise AttributeError("something nobody foresaw")
    monkeypatch.setattr(dataset_cache, "read_npz", surprise)
    with pytest.warns(RuntimeWarning, match="AttributeError: something nobody foresaw; deleted it"):
        assert read_cache(spec, tmp_path) is None
    assert list(tmp_path.iterdir()) == []


def test_a_cache_path_under_a_regular_file_still_returns_the_data(tmp_path, serve, monkeypatch, caplog):
    splits = make_splits()
    base, _ = serve(mirror_dir(tmp_path, "m", splits))
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    with pytest.warns(RuntimeWarning, match=r"Synthetic: could not cache the data \(.*not-a-dir.*\); "
                                            r"it is returned"):
        assert_same(load_splits(spec_for(splits, mirrors=(base,))), splits)
    assert blocker.read_text() == "a file where the cache directory should be"


def test_a_read_only_cache_with_a_corrupt_entry_still_returns_the_data(tmp_path, serve, monkeypatch):
    # Tests may run as root, which ignores permissions: the read-only file system is
    # simulated where the cache touches it (deleting the entry, creating the temp file).
    splits = make_splits()
    base, hits = serve(mirror_dir(tmp_path, "m", splits))
    spec = spec_for(splits, mirrors=(base,))
    cache = tmp_path / "cache"
    path = write_cache(spec, splits, cache)
    path.write_bytes(b"garbage")

    def read_only(*args, **kwargs):
        raise PermissionError(13, "Read-only file system")
    monkeypatch.setattr(Path, "unlink", read_only)
    monkeypatch.setattr(dataset_cache, "atomic_write", read_only)
    with pytest.warns(RuntimeWarning) as caught:
        assert_same(load_splits(spec, cache=cache), splits)
    messages = [str(w.message) for w in caught]
    assert any("ignoring corrupt Synthetic cache entry" in m and "could not delete it" in m
               for m in messages)
    assert any("could not cache the data" in m and "Read-only file system" in m for m in messages)
    assert len(hits) == 4 and path.read_bytes() == b"garbage"


# --- mirrors against a local server --------------------------------------------------

def test_download_from_a_local_mirror(tmp_path, serve):
    splits = make_splits()
    base, hits = serve(mirror_dir(tmp_path, "m", splits))
    assert_same(download_from_mirrors(spec_for(splits), (base,)), splits)
    assert sorted(hits) == sorted(f"/{n}.gz" for n in NAMES)


def test_wrong_checksum_on_one_mirror_falls_through_to_the_next(tmp_path, serve, caplog):
    splits = make_splits()
    bad_dir = mirror_dir(tmp_path, "bad", splits)
    images = splits.train_images.copy()
    images[5] = 0
    (bad_dir / "train-images-idx3-ubyte.gz").write_bytes(gz(images))  # valid IDX, wrong data
    bad, bad_hits = serve(bad_dir)
    good, good_hits = serve(mirror_dir(tmp_path, "good", splits))
    with caplog.at_level(logging.INFO, "tracegrad.datasets"):
        assert_same(download_from_mirrors(spec_for(splits), (bad, good)), splits)
    assert "train-images-idx3-ubyte does not match the published SHA-256" in caplog.text
    assert all(r.levelname == "WARNING" for r in caplog.records if "does not match" in r.message)
    assert good_hits == ["/train-images-idx3-ubyte.gz"]  # the other three came from `bad`
    assert len(bad_hits) == 4


def test_only_a_bad_mirror_is_an_error_that_says_why(tmp_path, serve):
    splits = make_splits()
    bad_dir = mirror_dir(tmp_path, "bad", splits)
    (bad_dir / "t10k-labels-idx1-ubyte.gz").write_bytes(gz(np.zeros(12, np.uint8)))
    (bad_dir / "train-labels-idx1-ubyte.gz").unlink()
    base, _ = serve(bad_dir)
    with pytest.raises(ConnectionError, match="train-labels-idx1-ubyte.gz.*\n.*404"):
        download_from_mirrors(spec_for(splits), (base,))
    (bad_dir / "train-labels-idx1-ubyte.gz").write_bytes(gz(splits.train_labels))
    with pytest.raises(ConnectionError,
                       match="t10k-labels-idx1-ubyte.gz: t10k-labels-idx1-ubyte does not match the published"):
        download_from_mirrors(spec_for(splits), (base,))


def test_truncated_download_falls_through(tmp_path, serve):
    splits = make_splits()
    bad_dir = mirror_dir(tmp_path, "bad", splits)
    blob = (bad_dir / "t10k-images-idx3-ubyte.gz").read_bytes()
    (bad_dir / "t10k-images-idx3-ubyte.gz").write_bytes(blob[: len(blob) // 2])
    bad, _ = serve(bad_dir)
    good, good_hits = serve(mirror_dir(tmp_path, "good", splits))
    assert_same(download_from_mirrors(spec_for(splits), (bad, good)), splits)
    assert good_hits == ["/t10k-images-idx3-ubyte.gz"]


def test_a_gzip_bomb_from_a_mirror_is_skipped_with_a_warning(tmp_path, serve, caplog):
    splits = make_splits()
    bad_dir = mirror_dir(tmp_path, "bad", splits)
    (bad_dir / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(bytes(16 << 20), mtime=0))
    bad, _ = serve(bad_dir)
    good, good_hits = serve(mirror_dir(tmp_path, "good", splits))
    with caplog.at_level(logging.INFO, "tracegrad.datasets"):
        assert_same(download_from_mirrors(spec_for(splits), (bad, good)), splits)
    assert good_hits == ["/train-images-idx3-ubyte.gz"]
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "inflates to more than the 23536 bytes" in warnings[0]


def test_a_silent_mirror_times_out_quickly(tmp_path, serve):
    splits = make_splits()
    # A socket that listens but never answers: the connection succeeds, the read hangs.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        good, _ = serve(mirror_dir(tmp_path, "good", splits))
        spec = spec_for(splits, mirrors=(f"http://127.0.0.1:{port}/", good))
        assert_same(download_from_mirrors(spec, timeout=0.2), splits)


def test_an_unreachable_mirror_is_tried_once_not_per_file(tmp_path, serve):
    splits = make_splits()
    accepted = []
    # A host that accepts each connection and hangs up without answering.
    hangup = socket.socket()
    hangup.bind(("127.0.0.1", 0))
    hangup.listen(8)

    def accept_and_close():
        while True:
            try:
                conn, _ = hangup.accept()
            except OSError:  # closed at the end of the test
                return
            accepted.append(1)
            conn.close()

    threading.Thread(target=accept_and_close, daemon=True).start()
    try:
        good, good_hits = serve(mirror_dir(tmp_path, "good", splits))
        dead = f"http://127.0.0.1:{hangup.getsockname()[1]}/"
        assert_same(download_from_mirrors(spec_for(splits), (dead, good), timeout=2), splits)
    finally:
        hangup.close()
    assert len(accepted) == 1 and len(good_hits) == 4


# --- source order -----------------------------------------------------------------------

class CountingFallback:
    def __init__(self, splits):
        self.splits, self.calls = splits, 0

    def __call__(self):
        self.calls += 1
        return self.splits


def test_source_order(tmp_path, serve, caplog):
    splits = make_splits()
    base, hits = serve(mirror_dir(tmp_path, "m", splits))
    fallback = CountingFallback(splits)
    spec = spec_for(splits, mirrors=(base,), fallback=fallback)
    cache = tmp_path / "cache"
    caplog.set_level(logging.INFO, "tracegrad.datasets")

    # 1. data_dir wins over everything; the cache is not even read.
    (cache / "unrelated").mkdir(parents=True)
    (cache / spec.cache_name).write_bytes(b"corrupt, but never looked at")
    assert_same(load_splits(spec, write_dir(tmp_path / "d", splits), cache=cache), splits)
    assert (cache / spec.cache_name).read_bytes() == b"corrupt, but never looked at"
    assert hits == [] and fallback.calls == 0
    (cache / spec.cache_name).unlink()

    # 2. No cache: the mirror serves it and it is cached.
    assert_same(load_splits(spec, cache=cache), splits)
    assert len(hits) == 4 and fallback.calls == 0
    assert (cache / spec.cache_name).is_file()

    # 3. Cached: neither the mirror nor the fallback is asked.
    caplog.clear()
    assert_same(load_splits(spec, cache=cache), splits)
    assert len(hits) == 4 and fallback.calls == 0
    assert "loaded from the cache" in caplog.text

    # 4. No cache and no mirror: the fallback serves it, and it is cached.
    (cache / spec.cache_name).unlink()
    dead = dataclasses.replace(spec, mirrors=(dead_url(),))
    caplog.clear()
    assert_same(load_splits(dead, cache=cache), splits)
    assert fallback.calls == 1 and "package index" in caplog.text
    assert_same(read_cache(spec, cache), splits)


def test_no_source_at_all_says_what_to_do(tmp_path):
    spec = spec_for(make_splits(), mirrors=(dead_url(),))
    with pytest.raises(ConnectionError, match=r"(?s)no package-index fallback.*refused.*data_dir="):
        load_splits(spec, cache=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_fallback_with_wrong_data_is_refused_and_not_cached(tmp_path):
    fallback = CountingFallback(make_splits(seed=5))
    spec = spec_for(make_splits(), mirrors=(dead_url(),), fallback=fallback)
    with pytest.raises(ValueError, match="from the package index: train-images-idx3-ubyte does not match"):
        load_splits(spec, cache=tmp_path)
    assert fallback.calls == 1 and list(tmp_path.iterdir()) == []


def test_default_cache_location_is_used(tmp_path, serve):
    splits = make_splits()
    base, _ = serve(mirror_dir(tmp_path, "m", splits))
    load_splits(spec_for(splits, mirrors=(base,)))
    assert (tmp_path / "xdg" / "tracegrad" / "synthetic.npz").is_file()
    assert os.environ["XDG_CACHE_HOME"] == str(tmp_path / "xdg")


def test_fashion_mnist_has_no_offline_fallback_and_says_so(tmp_path, monkeypatch):
    from nn import datasets
    from nn.datasets.specs import FASHION_MNIST

    assert FASHION_MNIST.fallback is None and MNIST.fallback is not None
    offline = dataclasses.replace(FASHION_MNIST, mirrors=(dead_url(),))
    monkeypatch.setattr(datasets, "FASHION_MNIST", offline)
    monkeypatch.setattr(dataset_cache, "cache_dir", lambda: tmp_path)
    with pytest.raises(ConnectionError, match="Fashion-MNIST has no package-index fallback"):
        datasets.load_fashion_mnist()
    with pytest.raises(FileNotFoundError, match="lacks train-images-idx3-ubyte"):
        datasets.load_fashion_mnist(tmp_path)
