"""``tracegrad playground``: the page it writes, its accuracy, and its one-line refusals."""
from __future__ import annotations

import os
import re

import pytest

from nn.cli import main

QUICK = ["--steps", "20", "--points", "30", "--hidden", "4", "--frames", "5"]


def fails(capsys, *argv):
    assert main(["playground", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, "refused in one line, before training"
    return err


def test_writes_the_page_and_reports_it(capsys, tmp_path):
    page = tmp_path / "p.html"
    assert main(["playground", *QUICK, "-o", str(page)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "moons: 30 points; scalar MLP 2→4→1 (tanh), SGD lr 0.4, batch 16, 20 steps, seed 0"
    assert re.fullmatch(r"final training accuracy \d+\.\d\d% \(loss \d\.\d{4}\) after 20 steps, \d+\.\d s", out[1])
    assert out[2] == f"wrote {page} ({page.stat().st_size / 1e6:.1f} MB, 5 frames)"
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["p.html"]  # no probe or temp file left


def test_the_defaults_learn_moons_to_97_percent(capsys, tmp_path):
    page = tmp_path / "playground.html"
    assert main(["playground", "-o", str(page)]) == 0
    out = capsys.readouterr().out
    accuracy = float(re.search(r"final training accuracy (\d+\.\d+)%", out).group(1))
    assert accuracy >= 97.0, out
    assert page.stat().st_size < 10_000_000


@pytest.mark.parametrize("argv, message", [
    (["--dataset", "blobs"], "unknown data set 'blobs'; use one of moons, circles, spiral, xor"),
    (["--hidden", "0"], "hidden layer sizes must be positive integers, got [0]"),
    (["--hidden", "8", "0"], "hidden layer sizes must be positive integers, got [8, 0]"),
    (["--steps", "0"], "steps must be a positive integer, got 0"),
    (["--activation", "gelu"], "unknown activation 'gelu'; use one of relu, tanh, sigmoid"),
    (["--lr", "-1"], "lr must be a positive finite number, got -1.0"),
    (["--batch-size", "0"], "batch_size must be a positive integer, got 0"),
    (["--seed", "-1"], "--seed must be >= 0, got -1"),
    (["-o", "page.png"], "--output page.png: the file name must end in .html or .htm"),
])
def test_bad_options_are_refused_in_one_line(capsys, argv, message):
    err = fails(capsys, *argv)
    assert err == f"tracegrad playground: error: {message}\n"


def test_an_unwritable_output_is_refused_before_training(capsys, tmp_path):
    err = fails(capsys, "-o", str(tmp_path / "no" / "such" / "p.html"))
    assert f"the directory {tmp_path / 'no' / 'such'} does not exist" in err
    err = fails(capsys, "-o", str(tmp_path))
    assert "is a directory" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to a read-only directory")
def test_a_read_only_directory_is_refused(capsys, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o555)
    err = fails(capsys, "-o", str(folder / "p.html"))
    assert f"the directory {folder} is not writable (Permission denied)" in err


def test_a_diverging_run_stops_with_a_clear_message(capsys, tmp_path):
    page = tmp_path / "p.html"
    assert main(["playground", "--lr", "100", "-o", str(page)]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("tracegrad playground: error: training diverged: the loss rose from")
    assert err.endswith("lower the learning rate (lr 100)\n") and not page.exists()
