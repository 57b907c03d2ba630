"""``tracegrad mnist`` and ``tracegrad compare-optimizers``: output format, files, errors.

Most tests run the command in-process on a small synthetic 10-class data set (the
loader is swapped out), so they are fast and need no download. The last ones run
the real command on real MNIST and are marked ``network``.
"""
from __future__ import annotations

import logging
import re
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nn.checkpoint import read
from nn.cli import main
from nn.cli import _training as training
from nn.cli import mnist as mnist_command

EPOCH_LINE = re.compile(r"^epoch (\d+)/(\d+)  loss \d+\.\d{4}  train acc [01]\.\d{4}  "
                        r"test acc [01]\.\d{4}  \d+\.\d s$")


def synthetic(n, seed):
    """Ten well-separated prototype "images" plus noise: learnable in one epoch."""
    prototypes = np.random.default_rng(0).random((10, 784)).astype(np.float32)
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, n).astype(np.int64)
    x = np.clip(prototypes[y] + rng.normal(0, 0.3, (n, 784)), 0, 1).astype(np.float32)
    return x, y


@pytest.fixture(autouse=True)
def fake_mnist(monkeypatch):
    """Replace MNIST with synthetic data; the fake logs its source like the real loader."""
    calls = []

    def fake_load(data_dir=None):
        calls.append(data_dir)
        logging.getLogger("tracegrad.datasets").info("MNIST: served by the test fixture")
        return synthetic(600, 1), synthetic(200, 2)

    monkeypatch.setattr(training, "load_mnist", fake_load)
    monkeypatch.setattr(training, "load_fashion_mnist", fake_load)
    return calls


def run(capsys, *argv):
    code = main(["mnist", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_output_format(capsys):
    code, out, err = run(capsys, "--epochs", "2", "--hidden", "32", "--batch-size", "32", "--quiet")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "MNIST: 600 train / 200 test images; model MLP(784→32→10), 25,450 parameters"
    assert lines[1] == "adam lr 0.002, cosine schedule, batch 32, 2 epochs, seed 0"
    epoch_lines = [line for line in lines if line.startswith("epoch")]
    assert [EPOCH_LINE.match(line).groups() for line in epoch_lines] == [("1", "2"), ("2", "2")]
    summary = lines[-1]
    assert re.fullmatch(r"best test acc [01]\.\d{4} \(epoch [12]\), final [01]\.\d{4}; "
                        r"training \d+\.\d s, total \d+\.\d s", summary)
    final = float(re.search(r"test acc ([01]\.\d{4})  \S+ s$", epoch_lines[-1]).group(1))
    assert final > 0.9  # the synthetic classes are easy: training must have worked
    assert err == ""  # --quiet: no bar (and stderr is no terminal here anyway), no data messages


def test_data_source_is_reported_unless_quiet(capsys):
    code, _, err = run(capsys, "--epochs", "1", "--hidden", "8")
    assert code == 0 and "data: MNIST: served by the test fixture" in err


def test_options_reach_the_training(capsys):
    code, out, _ = run(capsys, "--epochs", "1", "--hidden", "16", "8", "--optimizer", "nesterov",
                       "--lr", "0.02", "--batch-size", "50", "--schedule", "none", "--seed", "3",
                       "--train-size", "300", "--weight-decay", "1e-4", "--quiet")
    assert code == 0
    assert "300 train / 200 test images; model MLP(784→16→8→10)" in out
    assert "nesterov lr 0.02, none schedule, batch 50, 1 epoch, seed 3" in out


def test_same_seed_same_numbers(capsys):
    outputs = []
    for _ in range(2):
        _, out, _ = run(capsys, "--epochs", "1", "--hidden", "16", "--quiet")
        outputs.append(re.sub(r"\d+\.\d s", "", out))  # times differ, nothing else may
    assert outputs[0] == outputs[1]


def test_save_then_load_evaluates_the_same_model(capsys, tmp_path):
    path = tmp_path / "model.npz"
    code, out, _ = run(capsys, "--epochs", "1", "--hidden", "24", "--save", str(path), "--quiet")
    assert code == 0 and f"wrote model {path}" in out
    trained_acc = re.search(r"test acc ([01]\.\d{4})  ", out).group(1)
    assert read(path)["layers.0.weight"].shape == (784, 24)
    code, out, _ = run(capsys, "--load", str(path), "--epochs", "0", "--quiet")
    assert code == 0
    assert "MLP(784→24→10)" in out and f"(from {path})" in out
    assert re.search(rf"^test loss \d+\.\d{{4}}  test acc {trained_acc}  \(", out, re.M)


def test_load_refuses_a_contradicting_hidden_size(capsys, tmp_path):
    path = tmp_path / "model.npz"
    run(capsys, "--epochs", "1", "--hidden", "24", "--save", str(path), "--quiet")
    code, _, err = run(capsys, "--load", str(path), "--epochs", "0", "--hidden", "32")
    assert code == 2
    assert "--hidden 32 does not match the checkpoint" in err and "hidden sizes are 24" in err


def test_plot_writes_a_png(capsys, tmp_path):
    path = tmp_path / "curves.png"
    code, out, _ = run(capsys, "--epochs", "2", "--hidden", "8", "--plot", str(path), "--quiet")
    assert code == 0 and f"curves {path}" in out
    assert path.read_bytes().startswith(b"\x89PNG")


def test_graph_writes_the_dot_source_of_one_batch(capsys, tmp_path):
    path = tmp_path / "model.dot"
    code, out, err = run(capsys, "--epochs", "1", "--hidden", "8", "--batch-size", "16",
                         "--graph", str(path), "--quiet")
    assert code == 0, err
    source = path.read_text()
    # The loss of one 16-image batch, one box per module, parameters named by their path.
    assert source.startswith("digraph") and "16×784 float32" in source
    assert "cross_entropy" in source and "MLP(784→8→10)" in source
    assert "<B>Linear(784→8)</B>" in source and "<B>layers.0.weight</B>" in source


@pytest.mark.dot
def test_graph_renders_svg_with_graphviz(capsys, tmp_path):
    path = tmp_path / "model.svg"
    code, out, err = run(capsys, "--epochs", "1", "--hidden", "8", "--graph", str(path), "--quiet")
    assert code == 0, err
    assert "<svg" in path.read_text() and f"graph {path}" in out


# ---- --model cnn ------------------------------------------------------------------------------
# Shifting would blur the synthetic classes (pixel noise, not strokes): --shift 0.
CNN_ARGS = ["--model", "cnn", "--channels", "4", "--hidden", "16", "--batch-size", "50",
            "--shift", "0", "--quiet"]


def test_cnn_trains_saves_loads_and_plots(capsys, tmp_path):
    path, curves = tmp_path / "cnn.npz", tmp_path / "cnn.png"
    code, out, err = run(capsys, *CNN_ARGS, "--epochs", "4", "--save", str(path),
                         "--plot", str(curves))
    assert code == 0, err
    lines = out.splitlines()
    # 4·1·9 conv weights, BatchNorm's 4 + 4, 4·14·14·16 + 16 and 16·10 + 10 in the head.
    assert lines[0] == ("MNIST: 600 train / 200 test images; model CNN(conv 1→4, fc 16→10), "
                        f"{36 + 8 + 784 * 16 + 16 + 170:,} parameters")
    final = float(re.search(r"test acc ([01]\.\d{4})  \S+ s$",
                            [x for x in lines if x.startswith("epoch 4/4")][0]).group(1))
    assert final > 0.6  # 10 classes of pixel noise: far above chance means it learned
    assert curves.read_bytes().startswith(b"\x89PNG")
    saved = read(path)
    assert saved["layers.0.weight"].shape == (4, 1, 3, 3)
    assert int(saved["layers.2.num_batches_tracked"]) == 48  # BatchNorm's buffers are saved
    code, evaluated, err = run(capsys, "--model", "cnn", "--load", str(path), "--epochs", "0",
                               "--quiet")
    assert code == 0, err
    assert f"test acc {final:.4f}" in evaluated and "CNN(conv 1→4, fc 16→10)" in evaluated
    # Drawing runs a training-mode batch, which must leave BatchNorm's statistics alone.
    code, drawn, err = run(capsys, "--model", "cnn", "--load", str(path), "--epochs", "0",
                           "--graph", str(tmp_path / "g.dot"), "--quiet")
    assert code == 0, err
    scores = re.compile(r"^test loss \d+\.\d{4}  test acc [01]\.\d{4}", re.M)
    assert scores.search(drawn).group(0) == scores.search(evaluated).group(0)


def test_cnn_defaults_and_graph(capsys, tmp_path):
    path = tmp_path / "cnn.dot"
    code, out, err = run(capsys, "--model", "cnn", "--epochs", "1", "--train-size", "100",
                         "--batch-size", "8", "--graph", str(path), "--quiet")
    assert code == 0, err
    assert "model CNN(conv 1→16→32, fc 128→10), 206,970 parameters" in out
    assert "1 epoch, seed 0, images shifted by up to 2 px" in out
    source = path.read_text()
    assert "8×1×28×28 float32" in source and "Conv2d(1→16, 3, padding=1)" in source
    assert "BatchNorm2d(16)" in source and "MaxPool2d(2)" in source


@pytest.mark.parametrize("argv, message", [
    (["--channels", "8"], "--channels sets the CNN's conv layers; add --model cnn"),
    (["--shift", "1"], "--shift moves images for the CNN; add --model cnn"),
    (["--model", "cnn", "--channels", "8", "8", "8", "8", "8", "8"],
     "CNN: 6 conv blocks halve a 28×28 image to nothing"),
])
def test_cnn_option_errors(capsys, argv, message):
    code, _, err = run(capsys, *argv, "--epochs", "1")
    assert code == 2 and message in err


def test_cnn_checkpoint_mismatches_are_clear(capsys, tmp_path):
    cnn, mlp = tmp_path / "cnn.npz", tmp_path / "mlp.npz"
    run(capsys, *CNN_ARGS, "--epochs", "1", "--train-size", "100", "--save", str(cnn))
    run(capsys, "--epochs", "1", "--hidden", "8", "--train-size", "100", "--save", str(mlp),
        "--quiet")
    code, _, err = run(capsys, "--model", "cnn", "--channels", "8", "--load", str(cnn),
                       "--epochs", "0")
    assert code == 2 and "--channels 8 does not match the checkpoint" in err
    assert "whose channels are 4" in err
    code, _, err = run(capsys, "--model", "cnn", "--load", str(mlp), "--epochs", "0")
    assert code == 2 and "is not a CNN checkpoint" in err
    code, _, err = run(capsys, "--load", str(cnn), "--epochs", "0")
    assert code == 2 and "is not an MLP checkpoint" in err and "--model cnn" in err


@pytest.mark.parametrize("argv, message", [
    (["--lr", "-1"], "argument --lr: must be a positive number, got -1"),
    (["--lr", "0"], "argument --lr: must be a positive number"),
    (["--lr", "nan"], "argument --lr: must be finite"),
    (["--lr", "fast"], "argument --lr: expected a number, got 'fast'"),
    (["--epochs", "-1"], "argument --epochs: must be >= 0"),
    (["--batch-size", "0"], "argument --batch-size: must be a positive integer, got 0"),
    (["--hidden", "0"], "argument --hidden: must be a positive integer"),
    (["--hidden"], "argument --hidden: expected at least one argument"),
    (["--weight-decay", "-0.1"], "argument --weight-decay: must be >= 0"),
    (["--optimizer", "lbfgs"], "argument --optimizer: invalid choice: 'lbfgs'"),
    (["--dataset", "cifar"], "argument --dataset: invalid choice: 'cifar'"),
    (["--frobnicate"], "unrecognized arguments: --frobnicate"),
    (["--threads", "0"], "argument --threads: must be a positive integer, got 0"),
])
def test_bad_options_are_one_line_argparse_errors(capsys, argv, message, fake_mnist):
    assert main(["mnist", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1  # no usage block
    assert err.startswith("tracegrad") and f": error: {message}" in err and "--help" in err
    assert fake_mnist == []  # refused before any data was loaded


@pytest.mark.parametrize("argv, message", [
    (["--epochs", "0"], "--epochs 0 only evaluates a model: give it one with --load PATH"),
    (["--plot", "curves.txt"], "--plot curves.txt: the file name must end in .png, .svg or .pdf"),
    (["--graph", "g.gif"], "--graph g.gif: the file name must end in"),
    (["--save", "model.pt"], "--save model.pt: the file name must end in .npz"),
    (["--save", "no/such/dir/m.npz"], "--save no/such/dir/m.npz: the directory no/such/dir does not exist"),
    (["--load", "missing.npz", "--epochs", "0"], "--load missing.npz: no such file"),
    (["--load", "x.npz", "--epochs", "0", "--plot", "c.png"], "--plot draws training curves: it needs --epochs"),
    (["--train-size", "5000"], "--train-size 5000 is more than the 600 training images"),
])
def test_bad_combinations_are_clear_errors_before_training(capsys, argv, message, fake_mnist):
    code, out, err = run(capsys, *argv)
    assert code == 2
    lines = [line for line in err.splitlines() if not line.startswith("data: ")]
    assert len(lines) == 1 and lines[0].startswith(f"tracegrad mnist: error: {message}")
    assert "epoch" not in out


@pytest.mark.parametrize("option", ["--save", "--plot", "--graph"])
def test_output_paths_are_checked_before_any_data_is_loaded(capsys, tmp_path, monkeypatch,
                                                            fake_mnist, option):
    suffix = {"--save": ".npz", "--plot": ".png", "--graph": ".dot"}[option]
    taken = tmp_path / f"out{suffix}"
    taken.mkdir()
    code, out, err = run(capsys, option, str(taken))
    assert code == 2 and f"{option} {taken}: that is a directory" in err
    missing = tmp_path / "nowhere" / f"out{suffix}"
    code, out, err = run(capsys, option, str(missing))
    assert code == 2 and f"the directory {missing.parent} does not exist" in err
    # Root may write anywhere, so the read-only case is simulated where writing is tried.
    from nn.cli import _outputs

    def read_only(dir=None, **kwargs):
        if Path(dir) == tmp_path:
            raise PermissionError(13, "Read-only file system")
        return real_temporary_file(dir=dir, **kwargs)
    real_temporary_file = _outputs.tempfile.TemporaryFile
    monkeypatch.setattr(_outputs.tempfile, "TemporaryFile", read_only)
    code, out, err = run(capsys, option, str(tmp_path / f"new{suffix}"))
    assert code == 2 and f"the directory {tmp_path} is not writable (Read-only file system)" in err
    assert fake_mnist == [] and out == ""
    assert [p.name for p in tmp_path.iterdir()] == [taken.name]


def test_ctrl_c_prints_one_line_and_exits_130_with_no_partial_file(capsys, tmp_path, monkeypatch):
    def interrupted_fit(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(mnist_command, "fit", interrupted_fit)
    code, out, err = run(capsys, "--epochs", "1", "--save", str(tmp_path / "m.npz"),
                         "--plot", str(tmp_path / "c.png"), "--quiet")
    assert code == 130 and err == "interrupted\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT is a POSIX signal")
def test_sigint_in_a_real_process_mid_training(tmp_path):
    # The real signal, delivered while epochs run: no traceback, status 130, no file.
    script = (
        "import sys\n"
        "from tests.test_cli_mnist import synthetic\n"
        "from nn.cli import mnist\n"
        "mnist.load_mnist = lambda data_dir=None: (synthetic(2000, 1), synthetic(200, 2))\n"
        "from nn.cli import main\n"
        f"sys.exit(main(['mnist', '--epochs', '1000', '--hidden', '64', '--quiet', "
        f"'--save', {str(tmp_path / 'm.npz')!r}]))\n")
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
    first = process.stdout.readline()
    while first and not first.startswith("epoch 1/"):
        first = process.stdout.readline()
    assert first.startswith("epoch 1/"), process.stderr.read()
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130 and err == "interrupted\n"
    assert list(tmp_path.iterdir()) == []


def test_a_corrupt_checkpoint_is_a_clear_error(capsys, tmp_path):
    path = tmp_path / "bad.npz"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    code, _, err = run(capsys, "--load", str(path), "--epochs", "0")
    assert code == 2 and "truncated or corrupt" in err


@pytest.mark.parametrize("key", ["layers.x.weight", "layers..weight", "layers.-1.weight", "layers.0.1.weight"])
def test_a_checkpoint_key_that_is_not_a_layer_index_is_named(capsys, tmp_path, key):
    path = tmp_path / "odd.npz"
    np.savez(path, **{"__tracegrad_checkpoint__": np.array(1), key: np.zeros((784, 10), np.float32)})
    code, out, err = run(capsys, "--load", str(path), "--epochs", "0")
    assert code == 2 and "epoch" not in out
    assert f"tracegrad mnist: error: {path}: entry {key!r} is not a layer weight of an MLP" in err


def test_compare_optimizers_table_and_figure(capsys, tmp_path):
    path = tmp_path / "opt.png"
    code = main(["compare-optimizers", "--epochs", "1", "--hidden", "16", "--plot", str(path), "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    table = out[out.index("optimizer"):].splitlines()
    assert re.fullmatch(r"optimizer\s+lr\s+train loss\s+test loss\s+test acc\s+time", table[0])
    names = [row.split()[0] for row in table[1:6]]
    assert names == ["sgd", "momentum", "adagrad", "rmsprop", "adam"]
    for row in table[1:6]:
        assert re.fullmatch(r"\w+\s+[\d.e-]+\s+\d+\.\d{4}\s+\d+\.\d{4}\s+[01]\.\d{4}\s+\d+\.\d s", row)
    assert table[6] == ("train loss: mean over the batches of epoch 1, as trained; "
                        "test loss and accuracy: after epoch 1")
    assert path.read_bytes().startswith(b"\x89PNG")


def test_compare_optimizers_writes_no_file_unless_asked(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["compare-optimizers", "--epochs", "1", "--hidden", "8", "--optimizers", "sgd",
                 "--quiet"]) == 0
    assert "wrote" not in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


def test_compare_optimizers_starts_every_run_from_the_same_weights(monkeypatch, capsys, tmp_path):
    from nn.cli import compare_optimizers

    starts, batches = [], []
    real_fit = compare_optimizers.fit

    def spy_fit(model, optimizer, data, epochs, **kwargs):
        starts.append(model.state_dict())
        batches.append(kwargs["rng"])
        return real_fit(model, optimizer, data, epochs, **kwargs)

    monkeypatch.setattr(compare_optimizers, "fit", spy_fit)
    assert main(["compare-optimizers", "--epochs", "1", "--hidden", "8", "--optimizers", "sgd", "adam",
                 "--plot", str(tmp_path / "o.svg"), "--quiet"]) == 0
    assert len(starts) == 2 and batches == [0, 0]
    for key in starts[0]:
        np.testing.assert_array_equal(starts[0][key], starts[1][key])


@pytest.mark.parametrize("argv, message", [
    (["--optimizers", "sgd", "sgd"], "lists a name twice"),
    (["--plot", "o.txt"], "must end in .png, .svg or .pdf"),
    (["--plot", "no/such/dir/o.png"], "the directory no/such/dir does not exist"),
    (["--optimizers", "newton"], "invalid choice: 'newton'"),
    (["--threads", "0"], "argument --threads: must be a positive integer, got 0"),
])
def test_compare_optimizers_bad_options(capsys, argv, message, fake_mnist):
    assert main(["compare-optimizers", "--epochs", "1", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert fake_mnist == []


@pytest.mark.network  # real MNIST through the normal cache (downloaded on first use)
def test_real_command_end_to_end(tmp_path):
    exe = [sys.executable, "-m", "nn.cli"]  # what the tracegrad script runs
    model = tmp_path / "m.npz"
    result = subprocess.run([*exe, "mnist", "--epochs", "1", "--hidden", "64", "--train-size", "10000",
                             "--lr", "0.003", "--batch-size", "64",
                             "--save", str(model)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert re.search(r"data: MNIST: (loaded from the cache|downloaded|fetched)", result.stderr)
    assert "MNIST: 10000 train / 10000 test images" in result.stdout
    line = next(x for x in result.stdout.splitlines() if x.startswith("epoch"))
    assert EPOCH_LINE.match(line) and float(line.split("test acc ")[1].split()[0]) > 0.9
    evaluated = subprocess.run([*exe, "mnist", "--load", str(model), "--epochs", "0", "--quiet"],
                               capture_output=True, text=True, timeout=600)
    assert evaluated.returncode == 0, evaluated.stderr
    assert line.split("test acc ")[1].split()[0] in evaluated.stdout


def test_a_missing_dot_for_graph_is_one_line_before_any_data(capsys, tmp_path, monkeypatch, fake_mnist):
    monkeypatch.setenv("PATH", "")
    code, out, err = run(capsys, "--epochs", "1", "--hidden", "8", "--graph", str(tmp_path / "m.svg"),
                         "--quiet")
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("tracegrad mnist: error: Graphviz's dot program is not installed")
    assert "sudo apt-get install graphviz" in err and "a .dot file name" in err
    assert list(tmp_path.iterdir()) == [] and fake_mnist == []
