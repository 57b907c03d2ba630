"""Re-execute every tutorial in place, so the committed outputs match the code.

    make notebooks        (or: .venv/bin/python notebooks/refresh.py)

Cell timings are not recorded, so a refresh's diff shows only outputs that changed.
The kernel is ipykernel's native one: the interpreter running this script.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent


def main() -> None:
    for path in sorted(HERE.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=600, record_timing=False,
                       resources={"metadata": {"path": str(HERE)}}).execute()
        nbformat.write(nb, path)
        print(f"executed {path.name}")


if __name__ == "__main__":
    main()
