"""Source 3: download a data set's four ``.gz`` IDX files from its public mirrors.

Each file is tried on each mirror in turn. A mirror that cannot be reached or times
out is logged and skipped; one that serves a bad file (a wrong checksum, a broken
IDX header, a gzip bomb) is skipped with a warning. One bad mirror never stops the
download. Files are kept in memory (MNIST is 11 MB gzipped)
and only the verified result is cached, so no partial download is ever left on disk.
"""
from __future__ import annotations

import http.client
import logging
import urllib.error
import urllib.request

from nn.datasets.idx import Splits
from nn.datasets.specs import DatasetSpec
from nn.datasets.verify import check_splits, decode_idx_file, verify_file

logger = logging.getLogger("tracegrad.datasets")

# Generous enough for a slow link, short enough that an unreachable mirror
# (a blocked network, a dead host) costs seconds, not minutes.
DEFAULT_TIMEOUT = 15.0
_MAX_BYTES = 64 * 1024 * 1024  # far above any MNIST-style archive; stops a runaway response


def _get(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "tracegrad"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        data = response.read(_MAX_BYTES + 1)
    if len(data) > _MAX_BYTES:
        raise ValueError(f"response is larger than {_MAX_BYTES} bytes")
    return data


def download_from_mirrors(spec: DatasetSpec, mirrors: tuple[str, ...] | None = None,
                          timeout: float = DEFAULT_TIMEOUT) -> Splits:
    """Fetch and verify the four files; raise ConnectionError when no mirror serves one.

    A file that downloads but fails its checksum or IDX checks counts as a failed
    mirror, and the next mirror is tried. A mirror that cannot be connected to at
    all is skipped for the remaining files, so a dead host costs one timeout, not four.
    """
    mirrors = spec.mirrors if mirrors is None else mirrors
    arrays: list = []
    names: list[str] = []
    unreachable: set[str] = set()  # no connection at all: not worth a timeout per file
    for file_spec in spec.files:
        failures = []
        for base in mirrors:
            url = base.rstrip("/") + "/" + file_spec.name + ".gz"
            if base in unreachable:
                failures.append(f"{url}: skipped, the mirror was unreachable")
                continue
            level = logging.INFO
            try:
                # Decode and verify this one file now, so a bad copy sends us to the next mirror.
                array = decode_idx_file(spec, file_spec, _get(url, timeout), url)
                verify_file(spec, file_spec, array, url)
            except urllib.error.HTTPError as err:  # the server answered: only this file is missing
                reason = f"HTTP {err.code} {err.reason}"
            except ValueError as err:  # a corrupt, wrong or hostile file
                reason, level = str(err).removeprefix(f"{url}: "), logging.WARNING
            except (urllib.error.URLError, http.client.HTTPException, OSError) as err:
                reason = str(getattr(err, "reason", None) or err)
                unreachable.add(base)
            else:
                arrays.append(array)
                names.append(url)
                break
            logger.log(level, "%s: %s unavailable from %s (%s); trying the next mirror",
                       spec.title, file_spec.name, base, reason)
            failures.append(f"{url}: {reason}")
        else:
            raise ConnectionError(f"no mirror served a valid {file_spec.name}.gz for {spec.title}:\n  "
                                  + "\n  ".join(failures or ["no mirrors configured"]))
    return check_splits(spec, arrays, names)
