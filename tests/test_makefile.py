"""The Makefile's advice holds: the commands ``make mnist`` suggests next are valid."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

from nn.cli import build_parser

MAKEFILE = Path(__file__).resolve().parent.parent / "Makefile"


def suggestions() -> list[str]:
    """The ``tracegrad ...`` lines that ``make mnist`` echoes after training."""
    recipe = MAKEFILE.read_text(encoding="utf-8").split("\nmnist:", 1)[1].split("\n\n", 1)[0]
    lines = re.findall(r'^\t@echo "  \$\(VENV\)/bin/(tracegrad .*?)(?:\s+#.*)?"$', recipe, re.M)
    return [line.replace('\\"', '"') for line in lines]


def test_make_mnist_suggests_commands_that_parse():
    commands = suggestions()
    assert len(commands) >= 3
    parser = build_parser()
    for command in commands:
        argv = shlex.split(command)[1:]
        if argv == ["--help"]:
            continue
        args = parser.parse_args(argv)  # a bad suggestion raises nn.cli.UsageError
        assert args.command in ("graph", "mnist")


def test_make_mnist_says_how_to_use_the_venv():
    recipe = MAKEFILE.read_text(encoding="utf-8").split("\nmnist:", 1)[1].split("\n\n", 1)[0]
    assert "source $(VENV)/bin/activate" in recipe and "make lab" in recipe
