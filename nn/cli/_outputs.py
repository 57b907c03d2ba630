"""Output paths of the commands, checked before any data is loaded or any time is spent."""
from __future__ import annotations

import os
from pathlib import Path


def check_output(option: str, path: Path, suffixes: tuple[str, ...]) -> None:
    """Refuse ``path`` unless it ends in one of ``suffixes`` and a file can be written there."""
    if path.suffix.lower() not in suffixes:
        *head, last = suffixes
        names = f"{', '.join(head)} or {last}" if head else last
        raise ValueError(f"{option} {path}: the file name must end in {names}")
    if path.is_dir():
        raise ValueError(f"{option} {path}: that is a directory; give a file name inside it")
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise ValueError(f"{option} {path}: the directory {directory} does not exist")
    # Files are written to a temporary name in the same directory, then renamed.
    if not os.access(directory, os.W_OK | os.X_OK):
        raise ValueError(f"{option} {path}: the directory {directory} is not writable")
