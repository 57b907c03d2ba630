"""Suite-wide settings: hypothesis profile and the `dot` and `browser` marker policy."""
from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import HealthCheck, settings

from tests.browser import find_chromium

# No per-example deadline: the machine is shared and noisy, and speed is measured
# in benchmarks/, never in tests.
settings.register_profile(
    "tracegrad", deadline=None, max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "tracegrad"))


def pytest_collection_modifyitems(config, items):
    """Skip tests whose system tool is missing, unless TRACEGRAD_REQUIRE_DOT=1 (CI) requires them all.

    `dot` tests need Graphviz; `browser` tests need headless Chromium.
    """
    if os.environ.get("TRACEGRAD_REQUIRE_DOT") == "1":
        return
    missing = {}
    if not shutil.which("dot"):
        missing["dot"] = "Graphviz 'dot' not installed (sudo apt-get install graphviz)"
    if find_chromium() is None:
        missing["browser"] = "Chromium not installed (sudo apt-get install chromium, or make chromium)"
    for item in items:
        for marker, reason in missing.items():
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))
