"""Suite-wide settings: hypothesis profile and the `dot` marker policy."""
from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import HealthCheck, settings

# No per-example deadline: the machine is shared and noisy, and speed is measured
# in benchmarks/, never in tests.
settings.register_profile(
    "tracegrad", deadline=None, max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "tracegrad"))


def pytest_collection_modifyitems(config, items):
    """Skip `dot` tests where Graphviz is missing, unless TRACEGRAD_REQUIRE_DOT=1 (CI)."""
    if shutil.which("dot") or os.environ.get("TRACEGRAD_REQUIRE_DOT") == "1":
        return
    skip = pytest.mark.skip(reason="Graphviz 'dot' not installed (sudo apt-get install graphviz)")
    for item in items:
        if "dot" in item.keywords:
            item.add_marker(skip)
