"""``import nn``, ``import viz`` and the ``tracegrad`` command refuse a foreign ``autograd``.

PyPI's ``autograd`` (HIPS autograd) installs a top-level package of the same name. A
fake one first on ``sys.path`` stands in for it, in a fresh interpreter each time.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def foreign_autograd(tmp_path):
    package = tmp_path / "autograd"
    package.mkdir()
    (package / "__init__.py").write_text("from autograd.differential_operators import grad\n")
    (package / "differential_operators.py").write_text("def grad(fun):\n    return fun\n")
    return tmp_path


@pytest.mark.parametrize("code", ["import nn", "import viz", "from nn.cli import main; main(['--help'])"])
def test_a_foreign_autograd_is_named_with_what_to_do(foreign_autograd, code):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(foreign_autograd), str(ROOT)])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=foreign_autograd, timeout=120)
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: the package named 'autograd' imported here "
                           f"({foreign_autograd / 'autograd' / '__init__.py'}) is not tracegrad's")
    assert "HIPS autograd" in last and "its own virtual environment" in last


def test_the_tracegrad_script_refuses_it_too(foreign_autograd):
    script = Path(sys.executable).parent / "tracegrad"
    if not script.exists():
        pytest.skip("the tracegrad script is not installed next to this Python")
    env = {**os.environ, "PYTHONPATH": str(foreign_autograd)}
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, env=env,
                          cwd=foreign_autograd, timeout=120)
    assert done.returncode != 0 and "is not tracegrad's" in done.stderr
    assert "cannot import name" not in done.stderr


def test_our_own_autograd_passes():
    done = subprocess.run([sys.executable, "-c", "import nn, viz, autograd; print(autograd.Tensor)"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
