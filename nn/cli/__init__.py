"""The ``tracegrad`` command line: ``main`` and one module per subcommand.

This package is the only part of ``nn`` that imports ``viz``: it is where the
library (``nn``) meets the pictures (``viz``). No library module imports it.

Each command module defines ``register(subparsers)``; ``build_parser`` finds them, so
a new command is a new file and commands never edit each other. Modules whose names
start with ``_`` are helpers the commands share, not commands.

Every refusal, whoever raises it (argparse, a command, the data loader, Graphviz), is
reported here as one line on stderr with exit code 2; Ctrl-C prints ``interrupted``
and exits with 130, the shell's code for SIGINT.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from importlib.metadata import PackageNotFoundError, version
from typing import NoReturn, Sequence

from viz.render import GraphvizNotFoundError, install_commands


class UsageError(Exception):
    """A bad command line, as argparse found it."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (its usage block is in ``--help``)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: error: {message} (see {self.prog} --help)")


def _version() -> str:
    try:
        return version("tracegrad")
    except PackageNotFoundError:  # a source tree that is not installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="tracegrad", description="An autograd engine that draws the chain rule.")
    parser.add_argument("--version", action="version", version=f"tracegrad {_version()}")
    # Subparsers are made by the parent's class, so they refuse in one line too.
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):  # a helper the commands share, or __main__
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        module.register(subparsers)  # each sets its handler with set_defaults(handler=...)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as error:
        print(error, file=sys.stderr)
        return 2
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        # Files are written atomically, so an interrupted run leaves none half-written.
        print("interrupted", file=sys.stderr)
        return 130
    except GraphvizNotFoundError:
        print(f"tracegrad {args.command}: error: Graphviz's dot program is not installed, so the "
              f"diagram cannot be rendered; install it ({install_commands()}), or write "
              f"the DOT source instead with a .dot file name", file=sys.stderr)
        return 2
    except (ValueError, TypeError, ArithmeticError, ConnectionError, OSError) as error:
        # Bad options, data or files: one line, as argparse reports bad arguments.
        message = " ".join(str(error).split())  # a multi-line message becomes one line
        print(f"tracegrad {args.command}: error: {message}", file=sys.stderr)
        return 2
