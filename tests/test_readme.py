"""The README stays true: its REPL tour runs as shown, and its picture is what its command draws."""
from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

import pytest

from nn.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_the_repl_tour_prints_what_the_readme_shows():
    tours = [block for block in _blocks("python") if block.lstrip().startswith(">>>")]
    assert tours, "the README has no REPL tour"
    for block in tours:
        test = doctest.DocTestParser().get_doctest(block, {}, "README", str(README), 0)
        runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
        runner.run(test)
        assert runner.tries >= 5 and runner.failures == 0, f"the README's REPL tour no longer matches:\n{block}"


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
