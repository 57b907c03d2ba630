"""`tracegrad graph`: safe expressions in, diagrams (and explanations) out."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from nn.cli import main

NEURON = ["graph", "sigmoid(w0*x0 + w1*x1 + b)", "--set", "w0=2", "x0=-1", "w1=-3", "x1=-2", "b=-3"]
TO_STDOUT = ["-o", "-"]


def fails(argv, capsys):
    """Every refusal: exit code 2, nothing on stdout, one line on stderr."""
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("tracegrad graph: error: ") and captured.err.count("\n") == 1
    return captured.err


@pytest.mark.dot
def test_without_output_it_writes_graph_svg_here_and_says_so(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(NEURON) == 0
    out, err = capsys.readouterr()
    assert out == "" and err == "wrote graph.svg\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.svg"]
    assert "<svg" in (tmp_path / "graph.svg").read_text()


def test_without_output_or_graphviz_it_writes_graph_dot_and_says_why(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "")
    assert main(NEURON) == 0
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("wrote graph.dot (Graphviz's dot is not installed")
    assert (tmp_path / "graph.dot").read_text().startswith("digraph tracegrad {")


def test_with_explain_and_no_output_it_only_explains(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(NEURON + ["--explain"]) == 0
    assert capsys.readouterr().out.startswith("out.grad = 1.0")
    assert list(tmp_path.iterdir()) == []


def test_dash_output_prints_the_dot_source(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(NEURON + TO_STDOUT) == 0
    out = capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []
    assert out.startswith("digraph tracegrad {")
    for name in ("w0", "x0", "w1", "x1", "b"):
        assert f"<B>{name}</B> <FONT POINT-SIZE=\"9\">input" in out
    assert "<B>grad</B></FONT></TD><TD ALIGN=\"RIGHT\"><FONT COLOR=\"black\"><B>-0.1966</B>" in out
    assert "<B>out</B> = sigmoid(v4) <FONT" in out and "0.1966 × 1 = 0.1966" in out


def test_dot_output_needs_no_graphviz(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", "")
    assert main(NEURON + ["-o", str(tmp_path / "neuron.dot")]) == 0
    assert (tmp_path / "neuron.dot").read_text(encoding="utf-8").startswith("digraph")


def test_output_files_get_ordinary_permissions(capsys, tmp_path):
    path = tmp_path / "neuron.dot"
    assert main(NEURON + ["-o", str(path)]) == 0
    reference = tmp_path / "reference"
    reference.write_text("x")  # created the ordinary way: 0666 minus the umask
    assert path.stat().st_mode == reference.stat().st_mode


def test_the_result_is_named_out_or_as_asked(capsys):
    assert main(NEURON + TO_STDOUT) == 0
    assert "<B>out</B> = sigmoid(v4)" in capsys.readouterr().out
    assert main(NEURON + TO_STDOUT + ["--name", "o"]) == 0
    assert "<B>o</B> = sigmoid(v4)" in capsys.readouterr().out
    assert main(["graph", "w", "--set", "w=2", *TO_STDOUT]) == 0
    assert "<B>w</B> <FONT" in capsys.readouterr().out


def test_missing_dot_is_explained_and_leaves_no_file(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", "")
    err = fails(NEURON + ["-o", str(tmp_path / "neuron.svg")], capsys)
    assert "sudo apt-get install graphviz" in err and "brew install graphviz" in err
    assert "with a .dot file name" in err and ".source" not in err  # advice for a shell user
    assert list(tmp_path.iterdir()) == []


@pytest.mark.dot
@pytest.mark.parametrize("ext, magic", [("svg", b"<?xml"), ("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_writes_the_format_named_by_the_extension(capsys, tmp_path, ext, magic):
    path = tmp_path / f"neuron.{ext}"
    assert main(NEURON + ["-o", str(path)]) == 0
    assert path.read_bytes().startswith(magic)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no stray source file


@pytest.mark.parametrize("name", ["neuron.jpg", "neuron", "neuron.svgz", "neuron.html"])
def test_other_extensions_are_refused(capsys, tmp_path, name):
    err = fails(NEURON + ["-o", str(tmp_path / name)], capsys)
    assert "the file name must end in .svg, .png, .pdf or .dot" in err
    assert list(tmp_path.iterdir()) == []


def test_no_backward_draws_the_forward_pass_only(capsys):
    assert main(NEURON + TO_STDOUT + ["--no-backward"]) == 0
    out = capsys.readouterr().out
    assert "<B>grad</B>" not in out and "∂root" not in out and " × " not in out
    assert ">0.7311</TD>" in out


def test_explain_prints_every_gradient(capsys):
    assert main(NEURON + ["--explain"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "out.grad = 1.0   (the seed: ∂out/∂out = 1)"
    by_name = {line.split(".grad")[0]: line for line in lines}
    assert len(by_name) == 10
    assert by_name["w0"] == "w0.grad = ∂v1/∂w0·v1.grad = (-1.0)(0.19661193324148185) = -0.19661193324148185"


def test_explain_rounds_to_the_precision_asked_for(capsys):
    assert main(NEURON + ["--explain", "--precision", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "out.grad = 1   (the seed: ∂out/∂out = 1)"
    assert "w0.grad = ∂v1/∂w0·v1.grad = (-1)(0.197) = -0.197" in lines


@pytest.mark.dot
def test_html_writes_the_step_through(capsys, tmp_path):
    page = tmp_path / "steps.html"
    assert main(NEURON + TO_STDOUT + ["--html", str(page)]) == 0
    assert page.read_text(encoding="utf-8").count("<svg") == 10


@pytest.mark.parametrize("expression, words", [
    ("x.real", "attribute access"),
    ("__import__('os').system('touch pwned')", "attribute access"),
    ("__import__", "names starting with '__'"),
    ("open('f')", "calling 'open'"),
    ("eval('1')", "calling 'eval'"),
    ("[x for x in (1, 2)]", "list comprehensions"),
    ("(lambda: 1)()", "lambda"),
    ("x[0]", "subscripts"),
    ("tanh(x=1)", "keyword arguments"),
    ("x if x else 1", "conditional expressions"),
    ("x < 1", "comparisons"),
    ("x // 2", "the operator //"),
    ("x % 2", "the operator %"),
    ("'text'", "not a real number"),
    ("True * x", "not a real number"),
    ("1j * x", "not a real number"),
    ("tanh(x, x)", "exactly one argument"),
    ("(y := 2)", "assignment expressions"),
    ("x +", "cannot parse"),
    ("", "the expression is empty"),
    ("exp + x", "'exp' is a function"),
])
def test_unsafe_or_unsupported_expressions_are_refused(capsys, tmp_path, monkeypatch,
                                                       expression, words):
    monkeypatch.chdir(tmp_path)
    err = fails(["graph", expression, "--set", "x=1"], capsys)
    assert words in err and err.startswith("tracegrad graph: error:")
    assert list(tmp_path.iterdir()) == []  # and nothing was run


def test_an_unset_variable_says_how_to_set_it(capsys):
    err = fails(["graph", "w*x + b", "--set", "w=1"], capsys)
    assert "no value given for x, b; set it with --set x=1.0 b=1.0" in err


@pytest.mark.parametrize("item, words", [
    ("w", "write NAME=VALUE"), ("=2", "write NAME=VALUE"), ("w=", "write NAME=VALUE"),
    ("w=abc", "'abc' is not a number"), ("1w=2", "is not a variable name"),
    ("w=nan", "must be finite"), ("w=inf", "must be finite"),
])
def test_bad_set_syntax_is_refused(capsys, item, words):
    err = fails(["graph", "w * 2", "--set", item], capsys)
    assert words in err


def test_a_variable_set_twice_or_not_used_is_refused(capsys):
    assert "w is set twice" in fails(["graph", "w * 2", "--set", "w=1", "w=2"], capsys)
    err = fails(["graph", "w * 2", "--set", "w=1", "z=3"], capsys)
    assert "--set z: not in the expression, whose variables are w" in err


def test_math_errors_come_back_as_clear_messages(capsys):
    assert "log: input must be > 0" in fails(["graph", "log(x)", "--set", "x=-1"], capsys)
    assert "division by zero" in fails(["graph", "x / (x - x)", "--set", "x=1"], capsys)


def test_no_backward_with_html_or_explain_is_refused(capsys):
    err = fails(NEURON + ["--no-backward", "--explain"], capsys)
    assert "drop --no-backward" in err


def test_a_refused_expression_names_the_leftmost_problem_and_counts_the_rest(capsys):
    err = fails(["graph", "x.real + y[0] + open(z)", "--set", "x=1", "y=1", "z=1"], capsys)
    assert err.startswith("tracegrad graph: error: not allowed in an expression: attribute access "
                          "(a.b) at column 1 (and 2 more); use only numbers")


def test_repeated_variables_are_one_node_and_numbers_are_constants(capsys):
    assert main(["graph", "x*x + 2", "--set", "x=3", *TO_STDOUT]) == 0
    out = capsys.readouterr().out
    assert out.count("<B>x</B> <FONT") == 1
    assert len(re.findall(r"^\tn\d+ -> (n\d+)", out, re.M)) == 4  # x→x*x twice, x*x→+, 2→+
    assert "<B>2</B> <FONT POINT-SIZE=\"9\">const" in out


def test_the_installed_command_runs(tmp_path):
    done = subprocess.run([sys.executable, "-m", "nn.cli", "graph", "tanh(x)", "--set", "x=0.5",
                           "-o", "-"], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("digraph")


def test_an_unwritable_output_is_a_clear_error(capsys, tmp_path):
    err = fails(NEURON + ["-o", str(tmp_path / "no" / "such" / "dir.dot")], capsys)
    assert f"the directory {tmp_path / 'no' / 'such'} does not exist" in err
    (tmp_path / "taken.svg").mkdir()
    assert "that is a directory" in fails(NEURON + ["-o", str(tmp_path / "taken.svg")], capsys)
    assert [p.name for p in tmp_path.iterdir()] == ["taken.svg"]


def test_too_big_a_step_through_is_refused_clearly(capsys, tmp_path):
    expression = "x" + " + x*x" * 30  # 61 nodes: more frames than a step-through allows
    err = fails(["graph", expression, "--set", "x=1", "--html", str(tmp_path / "s.html")], capsys)
    assert "61 nodes, more than max_nodes=60" in err and "smaller expression" in err
    assert list(tmp_path.iterdir()) == []


def test_an_html_path_is_checked_before_any_work(capsys, tmp_path):
    err = fails(NEURON + ["--html", str(tmp_path / "no" / "steps.html")], capsys)
    assert f"--html {tmp_path / 'no' / 'steps.html'}: the directory" in err
    err = fails(NEURON + ["--html", str(tmp_path / "steps.txt")], capsys)
    assert "the file name must end in .html or .htm" in err
    assert list(tmp_path.iterdir()) == []
