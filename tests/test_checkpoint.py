"""nn.save / nn.load: round trips, atomic writes, and clear errors for bad files."""
from __future__ import annotations

import os
import zipfile

import numpy as np
import pytest

import nn
from autograd import Tensor
from tests.hostile_zip import npy_header, replace_member, set_encrypted_bit, set_unsupported_method


def _same(a: nn.Module, b: nn.Module) -> bool:
    return all(np.array_equal(p.data, q.data) and np.asarray(p.data).dtype == np.asarray(q.data).dtype
               for p, q in zip(a.parameters(), b.parameters()))


def test_tensor_mlp_round_trip(tmp_path):
    path = tmp_path / "model.npz"
    a, b = nn.MLP(4, [5, 3], rng=0), nn.MLP(4, [5, 3], rng=1)
    nn.save(a, path)
    assert not _same(a, b)
    assert nn.load(b, path) is b
    assert _same(a, b)
    x = Tensor(np.ones((2, 4), np.float32))
    np.testing.assert_array_equal(a(x).data, b(x).data)
    with np.load(path, allow_pickle=False) as archive:  # plain numpy can read it
        assert archive["layers.0.weight"].dtype == np.float32


def test_scalar_mlp_and_float64_round_trip(tmp_path):
    a, b = nn.scalar.MLP(2, [3, 1], rng=0), nn.scalar.MLP(2, [3, 1], rng=1)
    nn.save(a, tmp_path / "s.npz")
    nn.load(b, str(tmp_path / "s.npz"))
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    c, d = nn.MLP(2, [2], dtype=np.float64, rng=0), nn.MLP(2, [2], dtype=np.float64, rng=1)
    nn.save(c, tmp_path / "c.npz")
    nn.load(d, tmp_path / "c.npz")
    assert _same(c, d)


def test_load_keeps_parameter_objects_so_optimizers_keep_working(tmp_path):
    model = nn.MLP(2, [2], rng=0)
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    nn.save(nn.MLP(2, [2], rng=1), tmp_path / "m.npz")
    nn.load(model, tmp_path / "m.npz")
    model(Tensor(np.ones((1, 2), np.float32))).sum().backward()
    before = model.layers[0].weight.data.copy()
    opt.step()
    assert not np.array_equal(model.layers[0].weight.data, before)


def test_save_overwrites_atomically_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "m.npz"
    nn.save(nn.MLP(2, [2], rng=0), path)
    nn.save(nn.MLP(2, [2], rng=1), path)
    assert os.listdir(tmp_path) == ["m.npz"]
    assert _same(nn.load(nn.MLP(2, [2]), path), nn.MLP(2, [2], rng=1))


def test_a_failed_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "m.npz"
    nn.save(nn.MLP(2, [2], rng=0), path)
    old = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(OSError, match="disk full"):
        nn.save(nn.MLP(2, [2], rng=1), path)
    assert path.read_bytes() == old
    assert os.listdir(tmp_path) == ["m.npz"]


def test_save_writes_exactly_the_given_path(tmp_path):
    nn.save(nn.MLP(2, [2]), tmp_path / "weights.bin")
    assert os.listdir(tmp_path) == ["weights.bin"]


def test_mismatched_checkpoint_lists_every_difference_and_loads_nothing(tmp_path):
    path = tmp_path / "m.npz"
    nn.save(nn.MLP(4, [5, 3], rng=0), path)
    model = nn.MLP(4, [6, 3], dtype=np.float64, rng=1)
    before = [p.data.copy() for p in model.parameters()]
    with pytest.raises(ValueError) as info:
        nn.load(model, path)
    message = str(info.value)
    assert f"checkpoint {str(path)!r} cannot be loaded into the model; nothing was changed" in message
    assert "'layers.0.weight': shape (4, 5) in the state, (4, 6) in the model" in message
    assert "'layers.0.bias': shape (5,) in the state, (6,) in the model" in message
    assert "'layers.2.weight': shape (5, 3) in the state, (6, 3) in the model" in message
    assert "'layers.2.bias': dtype float32 in the state, float64 in the model" in message
    assert all(np.array_equal(p.data, q) for p, q in zip(model.parameters(), before))


def test_missing_and_unexpected_names_are_listed(tmp_path):
    path = tmp_path / "m.npz"
    nn.save(nn.MLP(2, [2, 2], rng=0), path)
    with pytest.raises(ValueError) as info:
        nn.load(nn.MLP(2, [2], rng=0), path)
    assert "unexpected: 'layers.2.weight'" in str(info.value)
    assert "unexpected: 'layers.2.bias'" in str(info.value)
    with pytest.raises(ValueError, match="missing: 'layers.4.weight'"):
        nn.load(nn.MLP(2, [2, 2, 2], rng=0), path)


def test_truncated_files_give_a_clear_error_and_load_nothing(tmp_path):
    path = tmp_path / "m.npz"
    nn.save(nn.MLP(8, [16, 4], rng=0), path)
    data = path.read_bytes()
    model = nn.MLP(8, [16, 4], rng=1)
    before = [p.data.copy() for p in model.parameters()]
    for cut in (0, 10, len(data) // 3, len(data) // 2, len(data) - 30):
        path.write_bytes(data[:cut])
        with pytest.raises(ValueError, match="is truncated or corrupt and cannot be read"):
            nn.load(model, path)
    assert all(np.array_equal(p.data, q) for p, q in zip(model.parameters(), before))


def test_corrupted_bytes_are_detected_by_the_zip_checksum(tmp_path):
    path = tmp_path / "m.npz"
    nn.save(nn.MLP(8, [16, 4], rng=0), path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("layers.0.weight.npy")
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[middle] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="truncated or corrupt"):
        nn.load(nn.MLP(8, [16, 4]), path)


def test_foreign_files_are_refused(tmp_path):
    model = nn.MLP(2, [2])
    npz = tmp_path / "other.npz"
    np.savez(npz, weights=np.ones(3))
    with pytest.raises(ValueError, match="an .npz file but not a tracegrad checkpoint"):
        nn.load(model, npz)
    npy = tmp_path / "one.npy"
    np.save(npy, np.ones(3))
    with pytest.raises(ValueError, match="a single .npy array, not a tracegrad checkpoint"):
        nn.load(model, npy)
    with pytest.raises(ValueError, match="cannot be read .*Is a directory"):
        nn.load(model, tmp_path)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ValueError, match="not a tracegrad checkpoint"):
        nn.load(model, text)
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, **{"__tracegrad_checkpoint__": np.array(1),
                         "layers.0.weight": np.array([object()], dtype=object)})
    with pytest.raises(ValueError, match="'layers.0.weight.npy' holds Python objects, which need pickle"):
        nn.load(model, pickled)


def test_a_future_format_version_is_refused(tmp_path):
    path = tmp_path / "m.npz"
    np.savez(path, **{"__tracegrad_checkpoint__": np.array(2)})
    with pytest.raises(ValueError, match="checkpoint format .*reads format 1"):
        nn.load(nn.MLP(2, [2]), path)


def test_missing_file_and_wrong_types(tmp_path):
    with pytest.raises(FileNotFoundError, match="no checkpoint at"):
        nn.load(nn.MLP(2, [2]), tmp_path / "nope.npz")
    with pytest.raises(TypeError, match="expected an nn.Module"):
        nn.save({"w": np.ones(2)}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="expected an nn.Module"):
        nn.load("model", tmp_path / "x.npz")


MARKER = "__tracegrad_checkpoint__.npy"
HOSTILE = {
    "an encrypted flag": (lambda p: set_encrypted_bit(p, "layers.0.bias.npy"),
                          "'layers.0.bias.npy' is marked as encrypted"),
    "a raw marker member": (lambda p: replace_member(p, MARKER, b"1", name="__tracegrad_checkpoint__"),
                            "'__tracegrad_checkpoint__' is not a .npy array"),
    "raw bytes as the marker": (lambda p: replace_member(p, MARKER, b"version 1"),
                                "has no valid .npy header"),
    "a 40 TB header": (lambda p: replace_member(p, "layers.0.weight.npy",
                                                npy_header((4 * 10**12, 10), "<f4") + bytes(32)),
                       r"declares float32 \(4000000000000, 10\)"),
    "implode compression": (lambda p: set_unsupported_method(p, "layers.2.weight.npy"),
                            "compression method 6"),
}


@pytest.mark.parametrize("damage", HOSTILE)
def test_every_malformed_file_is_a_value_error_naming_it(tmp_path, damage):
    path = tmp_path / "m.npz"
    nn.save(nn.MLP(4, [5, 3], rng=0), path)
    HOSTILE[damage][0](path)
    model = nn.MLP(4, [5, 3], rng=1)
    before = [p.data.copy() for p in model.parameters()]
    with pytest.raises(ValueError, match=HOSTILE[damage][1]) as info:
        nn.load(model, path)
    assert str(info.value).startswith(f"load: {str(path)!r} is truncated or corrupt")
    assert all(np.array_equal(p.data, q) for p, q in zip(model.parameters(), before))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_weights_are_refused(tmp_path, bad):
    source = nn.MLP(3, [4, 2], rng=0)
    source.layers[2].weight.data[1, 0] = bad
    nn.save(source, tmp_path / "t.npz")
    model = nn.MLP(3, [4, 2], rng=1)
    before = [p.data.copy() for p in model.parameters()]
    with pytest.raises(ValueError, match=rf"'layers.2.weight': value {bad} at index \(1, 0\) is not finite"):
        nn.load(model, tmp_path / "t.npz")
    assert all(np.array_equal(p.data, q) for p, q in zip(model.parameters(), before))
    scalar = nn.scalar.MLP(2, [2, 1], rng=0)
    nn.save(scalar, tmp_path / "s.npz")
    arrays = dict(np.load(tmp_path / "s.npz"))
    name = list(scalar.state_dict())[3]
    arrays[name] = np.array(bad)
    np.savez(tmp_path / "s.npz", **arrays)
    with pytest.raises(ValueError, match=rf"{name!r}: value {bad} at index \(\) is not finite"):
        nn.load(nn.scalar.MLP(2, [2, 1]), tmp_path / "s.npz")


def test_a_failed_load_leaves_the_model_untouched_even_when_an_array_is_read_only(tmp_path):
    nn.save(nn.MLP(3, [4, 2], rng=0), tmp_path / "m.npz")
    model = nn.MLP(3, [4, 2], rng=1)
    model.layers[0].bias.data.flags.writeable = False  # the second parameter
    before = [p.data.copy() for p in model.parameters()]
    with pytest.raises(ValueError, match=r"'layers.0.bias': the model's array is read-only"):
        nn.load(model, tmp_path / "m.npz")
    assert all(np.array_equal(p.data, q) for p, q in zip(model.parameters(), before))
    model.layers[0].bias.data = model.layers[0].bias.data.copy()  # what the message says to do
    assert _same(nn.load(model, tmp_path / "m.npz"), nn.MLP(3, [4, 2], rng=0))
