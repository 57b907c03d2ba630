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
from nbclient import NotebookClient

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
EXPECTED = ["01_chain_rule.ipynb", "02_layers.ipynb", "03_mlp_by_hand.ipynb",
            "04_mnist.ipynb", "05_optimizers.ipynb"]
NEEDS_MNIST = {"04_mnist.ipynb", "05_optimizers.ipynb"}
# Per cell. The slowest cell takes about 15 s on an idle 2-core machine; the margin
# is for a loaded CI runner, not an invitation to grow the notebooks.
CELL_TIMEOUT = 300
MAX_BYTES = 1_000_000  # committed with outputs, but no megabytes of SVG or PNG

# ipykernel's native spec: jupyter_client launches it with this interpreter
# (sys.executable), so the notebooks import the checkout under test.
KERNEL_NAME = "python3"


def _execute(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name=KERNEL_NAME,
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
