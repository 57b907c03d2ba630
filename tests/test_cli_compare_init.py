"""``tracegrad compare-init``: eight runs from four initialisations, a table and a figure."""
from __future__ import annotations

import logging

import pytest

from nn.cli import main
from nn.cli import _training as training
from tests.test_cli_mnist import synthetic


@pytest.fixture(autouse=True)
def fake_mnist(monkeypatch):
    def fake_load(data_dir=None):
        logging.getLogger("tracegrad.datasets").info("MNIST: served by the test fixture")
        return synthetic(256, 1), synthetic(100, 2)

    monkeypatch.setattr(training, "load_mnist", fake_load)


def test_table_and_figure(capsys, tmp_path):
    plot = tmp_path / "init.png"
    assert main(["compare-init", "--hidden", "32", "32", "--batch-size", "64", "--quiet",
                 "--plot", str(plot)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "256 train images, MLP 784→32→32→10, SGD lr 0.01, batch 64, 1 epoch(s), seed 0"
    table = lines[lines.index(next(line for line in lines if line.startswith("run "))) + 1:-1]
    runs = [f"{a}, {i}" for a in ("sigmoid", "relu") for i in ("std 1.0", "std 0.01", "xavier", "he")]
    assert [row[:18].strip() for row in table] == runs
    for row in table:
        loss = row[18:30].strip()
        assert loss == "diverged" or float(loss) > 0
    # std 0.01 starts with far smaller gradients in the first layer than std 1.0 (sigmoid rows).
    norm = {row[:18].strip(): float(row.split()[-2]) for row in table}
    assert norm["sigmoid, std 0.01"] < 1e-3 * norm["sigmoid, std 1.0"]
    assert lines[-1] == f"wrote {plot}" and plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("argv, message", [
    (["--plot", "x.txt"], "--plot x.txt: the file name must end in .png, .svg or .pdf"),
    (["--plot", "no/such/dir/x.png"], "the directory no/such/dir does not exist"),
])
def test_bad_plot_paths_are_refused_before_training(capsys, argv, message):
    assert main(["compare-init", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == "" and message in err
