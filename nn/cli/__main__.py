"""``python -m nn.cli``: what the ``tracegrad`` script runs."""
from nn.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
