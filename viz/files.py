"""Writing output files so that a failure never leaves half a file behind."""
from __future__ import annotations

import os
from pathlib import Path


def write_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to a temporary file next to ``path``, then ``os.replace`` it into place.

    The temporary file is opened with ``open(..., "xb")`` rather than ``mkstemp`` so it
    gets the usual permissions (0666 minus the umask), not mkstemp's private 0600.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "xb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
