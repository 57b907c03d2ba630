"""Writing output files so that a failure never leaves half a file behind.

The one atomic-write helper of tracegrad lives in ``autograd.atomic_file`` (``nn``
writes files too, and ``nn`` and ``viz`` may not import each other); this module
names it for ``viz``.
"""
from __future__ import annotations

from autograd.atomic_file import write_atomic

__all__ = ["write_atomic"]
