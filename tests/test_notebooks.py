"""The tutorials in notebooks/ run top to bottom, in a kernel of this very interpreter.

Each notebook asserts the numbers its text claims (for example the bias gradient
[5, 7, 9] or the softmax cross-entropy gradient (y - t)/N), so re-executing it is a
test of the engine as well as of the notebook. Every notebook draws diagrams, which
needs Graphviz's ``dot``; the MNIST notebooks need the data set, which a fresh
machine downloads through ``load_mnist``'s documented sources.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
EXPECTED = ["01_chain_rule.ipynb", "02_layers.ipynb", "03_mlp_by_hand.ipynb",
            "04_mnist.ipynb", "05_optimizers.ipynb", "06_higher_order.ipynb",
            "07_watch_it_learn.ipynb", "08_cnn.ipynb"]
NEEDS_MNIST = {"04_mnist.ipynb", "05_optimizers.ipynb", "08_cnn.ipynb"}
# Per cell. The slowest cell (04's training) takes 5 to 45 s on a 2-core machine,
# depending on what else is running; the margin is for a loaded CI runner, not an
# invitation to grow the notebooks.
CELL_TIMEOUT = 300
MAX_BYTES = 1_000_000  # committed with outputs, but no megabytes of SVG or PNG


def _kernel() -> KernelManager:
    """A kernel of this interpreter: ipykernel's native spec, which runs sys.executable.

    No kernel directories are searched, so a user's own ``python3`` kernelspec (which
    may point at another Python) cannot take the notebooks away from the venv under test.
    """
    specs = KernelSpecManager(kernel_dirs=[], ensure_native_kernel=True)
    return KernelManager(kernel_name="python3", kernel_spec_manager=specs)


def _execute(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    client = NotebookClient(nb, km=_kernel(), timeout=CELL_TIMEOUT,
                            resources={"metadata": {"path": str(NOTEBOOKS_DIR)}})
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    return nb


def _params():
    for name in EXPECTED:
        marks = [pytest.mark.dot]
        if name in NEEDS_MNIST:
            marks.append(pytest.mark.network)
        yield pytest.param(name, marks=marks, id=name.removesuffix(".ipynb"))


def test_the_notebooks_directory_holds_exactly_the_tutorials():
    assert sorted(p.name for p in NOTEBOOKS_DIR.glob("*.ipynb")) == EXPECTED


def test_the_kernel_runs_this_interpreter_and_this_checkout():
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(
        "import sys, autograd\nprint(sys.executable)\nprint(autograd.__file__)"))
    out = _execute(nb).cells[0].outputs[0]["text"].split("\n")
    assert os.path.realpath(out[0]) == os.path.realpath(sys.executable)
    repo = NOTEBOOKS_DIR.parent
    assert Path(out[1]).resolve().is_relative_to(repo)


@pytest.mark.parametrize("name", EXPECTED)
def test_committed_notebook_has_its_outputs_and_no_errors(name):
    path = NOTEBOOKS_DIR / name
    assert path.stat().st_size < MAX_BYTES, f"{name} is {path.stat().st_size:,} bytes"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and "What you will learn" in first.source
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1)), \
        f"{name} was not executed top to bottom in one run before it was committed"
    for cell in code:
        assert not any(o.output_type == "error" for o in cell.outputs), cell.source


@pytest.mark.parametrize("name", list(_params()))
def test_notebook_runs_top_to_bottom(name):
    nb = nbformat.read(NOTEBOOKS_DIR / name, as_version=4)
    _execute(nb)
