"""Subcommands of ``tracegrad``: each module here defines ``register(subparsers)``.

A new command is a new file; ``nn.cli`` finds it, so commands never edit each other.
"""
