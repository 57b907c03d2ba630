"""Subcommands of ``tracegrad``: each module here defines ``register(subparsers)``
(modules whose names start with ``_`` are helpers the commands share).

A new command is a new file; ``nn.cli`` finds it, so commands never edit each other.
Modules whose names start with ``_`` are helpers the commands share, not commands.
"""
