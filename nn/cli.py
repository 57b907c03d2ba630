"""The ``tracegrad`` command line: finds the subcommands in ``nn.commands``."""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from importlib.metadata import PackageNotFoundError, version
from typing import Sequence

import nn.commands


def _version() -> str:
    try:
        return version("tracegrad")
    except PackageNotFoundError:  # a source tree that is not installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tracegrad",
        description="An autograd engine that draws the chain rule.",
    )
    parser.add_argument("--version", action="version", version=f"tracegrad {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(nn.commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue  # a helper shared by commands, not a command
        module = importlib.import_module(f"nn.commands.{info.name}")
        module.register(subparsers)  # each sets its handler with set_defaults(handler=...)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return int(args.handler(args) or 0)
    except (ValueError, TypeError, ConnectionError, FileNotFoundError) as error:
        # Bad options, data or files: one line, as argparse reports bad arguments.
        print(f"tracegrad {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
