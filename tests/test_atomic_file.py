"""autograd.atomic_file: the one way tracegrad writes files (nn and viz both use it)."""
from __future__ import annotations

import os
import stat

import pytest

from autograd.atomic_file import atomic_write, write_atomic


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_writes_the_bytes_and_returns_the_path(tmp_path):
    path = write_atomic(str(tmp_path / "a.txt"), b"hello")
    assert path == tmp_path / "a.txt" and path.read_bytes() == b"hello"
    assert os.listdir(tmp_path) == ["a.txt"]


def test_a_new_file_gets_what_open_would_give_it(tmp_path):
    reference = tmp_path / "reference"
    reference.write_bytes(b"")  # open(path, "wb"): 0666 minus the umask
    assert _mode(write_atomic(tmp_path / "new", b"x")) == _mode(reference)


def test_an_existing_file_keeps_its_mode(tmp_path):
    path = tmp_path / "script.sh"
    path.write_bytes(b"old")
    os.chmod(path, 0o751)
    write_atomic(path, b"new")
    assert path.read_bytes() == b"new" and _mode(path) == 0o751


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()])
def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp_file(tmp_path, error):
    path = tmp_path / "data.bin"
    path.write_bytes(b"old")
    with pytest.raises(type(error)):
        with atomic_write(path) as handle:
            handle.write(b"half of the new")
            raise error
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["data.bin"]


def test_a_failed_first_write_leaves_nothing(tmp_path):
    with pytest.raises(ValueError):
        with atomic_write(tmp_path / "new.bin") as handle:
            handle.write(b"x")
            raise ValueError("encoding failed")
    assert os.listdir(tmp_path) == []


def test_a_missing_directory_is_an_error_naming_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere"):
        write_atomic(tmp_path / "nowhere" / "f.bin", b"x")
