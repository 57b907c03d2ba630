"""The README stays true: its REPL tour runs as shown, every python block runs as printed,
and its picture is what its command draws."""
from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

import pytest

from nn.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"


DOCS = sorted((README.parent / "docs").glob("*.md"))


def _blocks(language: str, path: Path = README) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def test_the_repl_tour_prints_what_the_readme_shows():
    tours = [block for block in _blocks("python") if block.lstrip().startswith(">>>")]
    assert tours, "the README has no REPL tour"
    for block in tours:
        test = doctest.DocTestParser().get_doctest(block, {}, "README", str(README), 0)
        runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
        runner.run(test)
        assert runner.tries >= 5 and runner.failures == 0, f"the README's REPL tour no longer matches:\n{block}"


# A line such as ``viz.explain(a, root=c)   # a.grad = ...`` promises what the call returns.
PROMISE = re.compile(r"^(viz\.explain\(.*?\))\s+# (.*)$", re.M)


def _run_blocks(path: Path, namespace: dict) -> None:
    """Each ```python block of ``path``, in order, in ``namespace``: a reader who pastes
    them one after another must never hit an error."""
    for number, block in enumerate(_blocks("python", path), 1):
        where = f"{path.name} python block {number}"
        if block.lstrip().startswith(">>>"):
            test = doctest.DocTestParser().get_doctest(block, namespace, where, str(path), 0)
            runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
            runner.run(test, clear_globs=False)
            namespace.update(test.globs)
            assert runner.failures == 0, f"{where} does not print what it shows:\n{block}"
            continue
        try:
            exec(compile(block, where, "exec"), namespace)
        except Exception as error:  # noqa: BLE001 - any error is the document's fault
            pytest.fail(f"{where} raised {type(error).__name__}: {error}\n{block}")
        for call, promised in PROMISE.findall(block):
            assert str(eval(call, namespace)) == promised, f"{where}: {call} does not print its comment"


@pytest.mark.dot      # blocks render diagrams
@pytest.mark.network  # and load MNIST
def test_every_python_block_runs_as_printed_in_order(tmp_path, monkeypatch):
    """The README's blocks, in order, in one fresh namespace, in an empty directory."""
    monkeypatch.chdir(tmp_path)
    assert len(_blocks("python")) >= 6
    _run_blocks(README, {"__name__": "__readme__"})


@pytest.mark.dot
@pytest.mark.network
@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_every_python_block_of_the_reference_docs_runs(doc, tmp_path, monkeypatch):
    """Each page of docs/ on its own: its blocks in order, in a fresh namespace."""
    monkeypatch.chdir(tmp_path)
    _run_blocks(doc, {"__name__": "__docs__"})


@pytest.mark.dot
def test_the_committed_picture_is_what_the_readme_command_draws(tmp_path, capsys):
    command = next(line for block in _blocks("bash") for line in block.splitlines()
                   if line.startswith("tracegrad graph"))
    args = shlex.split(command)[1:]
    out = args.index("-o") + 1
    committed = README.parent / args[out]
    args[out] = str(tmp_path / "picture.svg")
    assert main(args) == 0
    # Compare every word and number drawn, not coordinates: layouts vary across Graphviz versions.
    texts = lambda path: sorted(re.findall(r"<text[^>]*>([^<]*)</text>", path.read_text()))  # noqa: E731
    drawn = texts(tmp_path / "picture.svg")
    assert len(drawn) > 20 and drawn == texts(committed)
