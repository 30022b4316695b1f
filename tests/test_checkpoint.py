"""The checkpoint file layer: round trips, atomic saves, and refusing bad files safely."""

from __future__ import annotations

import errno
import io
import json
import os
import pickle
import struct

import pytest
import safetensors.torch
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

from rnnlab.core.io import checkpoint as ckpt
from rnnlab.core.io.checkpoint import (
    CheckpointError,
    flatten_state,
    load_checkpoint,
    read_metadata,
    save_checkpoint,
    unflatten_state,
)


def sample_tensors() -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    return {
        "model.w": torch.randn(3, 4, generator=g),
        "model.b16": torch.randn(5, generator=g).to(torch.bfloat16),
        "model.f64": torch.randn(2, 2, generator=g, dtype=torch.float64),
        "rng.torch": torch.get_rng_state(),
        "ids": torch.arange(7, dtype=torch.int64),
        "flags": torch.tensor([True, False]),
        "scalar": torch.tensor(3.5),
        "empty": torch.zeros(0, 3),
    }


META = {"vocab": "héllo wörld ✓ 日本", "step": 12, "loss": [2.5, 1.25], "config": {"cell": "lstm"}}


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "run.rnnlab"
    save_checkpoint(path, sample_tensors(), META)
    return path


def assert_same_tensors(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for k in a:
        assert a[k].dtype == b[k].dtype and a[k].device.type == "cpu", k
        assert torch.equal(a[k], b[k]), k


# ---------------------------------------------------------------- round trips and saving


def test_round_trip(saved):
    tensors, meta = load_checkpoint(saved)
    assert_same_tensors(tensors, sample_tensors())
    assert meta == META
    assert read_metadata(saved) == META
    header = json.loads(saved.read_bytes()[8 : 8 + struct.unpack("<Q", saved.read_bytes()[:8])[0]])
    assert set(header["__metadata__"]) == {"format", "version", "rnnlab"}
    assert header["__metadata__"]["format"] == "rnnlab-checkpoint" and header["__metadata__"]["version"] == "1"


def test_loaded_tensors_are_writable(saved):
    tensors, _ = load_checkpoint(saved)
    tensors["model.w"].add_(1.0)  # must not fail on a read-only buffer


def test_rng_state_round_trips_bit_exact(tmp_path):
    torch.manual_seed(123)
    torch.rand(5)
    state = torch.get_rng_state()
    expected = torch.rand(10)
    save_checkpoint(tmp_path / "r.rnnlab", {"rng.torch": state}, {})
    loaded, _ = load_checkpoint(tmp_path / "r.rnnlab")
    assert loaded["rng.torch"].dtype == torch.uint8 and torch.equal(loaded["rng.torch"], state)
    torch.set_rng_state(loaded["rng.torch"])
    assert torch.equal(torch.rand(10), expected)


def test_views_and_shared_storage_are_saved(tmp_path):
    base = torch.arange(12.0)
    tensors = {"model.a": base, "model.b": base, "model.view": base.view(3, 4).t(), "model.part": base[2:5]}
    save_checkpoint(tmp_path / "s.rnnlab", tensors, {})
    loaded, _ = load_checkpoint(tmp_path / "s.rnnlab")
    for k, t in tensors.items():
        assert torch.equal(loaded[k], t)
    assert torch.equal(base, torch.arange(12.0))  # inputs untouched
    save_checkpoint(tmp_path / "s.rnnlab", {"model.slice": base[3:6]}, {})  # alone, mid-storage
    assert torch.equal(load_checkpoint(tmp_path / "s.rnnlab")[0]["model.slice"], base[3:6])


def test_parameters_with_grad_are_saved(tmp_path):
    lin = nn.Linear(3, 2)
    tensors, meta = flatten_state("model", lin.state_dict(keep_vars=True))
    save_checkpoint(tmp_path / "p.rnnlab", tensors, {"model": meta})
    loaded, m = load_checkpoint(tmp_path / "p.rnnlab")
    fresh = nn.Linear(3, 2)
    fresh.load_state_dict(unflatten_state("model", loaded, m["model"]))
    assert torch.equal(fresh.weight, lin.weight)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_saved_on_gpu_opens_on_cpu(tmp_path):
    tensors = {k: v.cuda() for k, v in sample_tensors().items()}
    save_checkpoint(tmp_path / "g.rnnlab", tensors, META)
    loaded, _ = load_checkpoint(tmp_path / "g.rnnlab")
    assert_same_tensors(loaded, sample_tensors())


def test_tensor_without_data_is_refused(tmp_path):
    with pytest.raises(CheckpointError, match="could not save"):
        save_checkpoint(tmp_path / "m.rnnlab", {"model.w": torch.empty(2, device="meta")}, {})


def temp_files(folder) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_save_is_atomic_and_overwrites(tmp_path):
    path = tmp_path / "run.rnnlab"
    assert save_checkpoint(str(path), sample_tensors(), META) == path
    save_checkpoint(path, {"model.x": torch.ones(2)}, {"new": True})
    assert temp_files(tmp_path) == [] and [p.name for p in tmp_path.iterdir()] == ["run.rnnlab"]
    tensors, meta = load_checkpoint(path)
    assert list(tensors) == ["model.x"] and meta == {"new": True}


def test_save_keeps_the_old_file_mode(tmp_path):
    path = tmp_path / "run.rnnlab"
    save_checkpoint(path, {}, {})
    assert path.stat().st_mode & 0o777 != 0o600  # not mkstemp's private mode
    path.chmod(0o640)
    save_checkpoint(path, {}, {})
    assert path.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("partial", [False, True])
def test_disk_full_keeps_old_file(saved, monkeypatch, partial):
    before = saved.read_bytes()
    real_write = os.write
    calls = []

    def full_disk(fd, data):
        calls.append(1)
        if partial and len(calls) == 1:  # a first short write lands, then the disk is full
            return real_write(fd, bytes(data[:100]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(CheckpointError, match="No space left on device") as info:
        save_checkpoint(saved, {"model.x": torch.ones(1000)}, {"new": 1})
    monkeypatch.undo()
    assert "run.rnnlab" in str(info.value) and "could not save" in str(info.value)
    assert saved.read_bytes() == before
    assert temp_files(saved.parent) == []


def test_failed_replace_removes_temp_file(saved, monkeypatch):
    before = saved.read_bytes()

    def no_replace(src, dst):
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", no_replace)
    with pytest.raises(CheckpointError, match="Permission denied"):
        save_checkpoint(saved, {}, {})
    monkeypatch.undo()
    assert saved.read_bytes() == before and temp_files(saved.parent) == []


def test_save_into_missing_folder(tmp_path):
    with pytest.raises(CheckpointError, match="could not save"):
        save_checkpoint(tmp_path / "nope" / "x.rnnlab", {}, {})


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_weights_are_refused(tmp_path, bad):
    w = torch.ones(3, 3)
    w[1, 2] = bad
    path = tmp_path / "x.rnnlab"
    with pytest.raises(CheckpointError, match="refusing to save non-finite weights: model.rnn.weight_hh_l0"):
        save_checkpoint(path, {"model.rnn.weight_hh_l0": w}, {})
    assert list(tmp_path.iterdir()) == []
    save_checkpoint(path, {"optim.state.0.exp_avg": w}, {})  # only model weights must be finite


def test_unserialisable_metadata_and_tensors_are_refused(tmp_path):
    with pytest.raises(CheckpointError, match="JSON"):
        save_checkpoint(tmp_path / "x.rnnlab", {}, {"bad": object()})
    with pytest.raises(CheckpointError):
        save_checkpoint(tmp_path / "x.rnnlab", {"a": [1, 2]}, {})
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- refusing bad files


class Exploit:
    """Unpickling this would run code; rnnlab must never get that far."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def pickle_bytes(marker) -> bytes:
    return pickle.dumps({"model": Exploit(marker)})


def torch_save_bytes(marker, legacy: bool) -> bytes:
    buf = io.BytesIO()
    torch.save({"w": torch.ones(2), "x": Exploit(marker)}, buf, _use_new_zipfile_serialization=not legacy)
    return buf.getvalue()


@pytest.mark.parametrize("kind", ["pickle", "torch.save", "torch.save-legacy"])
@pytest.mark.parametrize("reader", [load_checkpoint, read_metadata])
def test_pickle_files_are_refused_and_never_run(tmp_path, kind, reader):
    marker = tmp_path / "pwned"
    data = pickle_bytes(marker) if kind == "pickle" else torch_save_bytes(marker, kind.endswith("legacy"))
    path = tmp_path / "evil.pt"
    path.write_bytes(data)
    with pytest.raises(CheckpointError, match="pickle/PyTorch file") as info:
        reader(path)
    assert "evil.pt" in str(info.value) and "run arbitrary code" in str(info.value)
    assert not marker.exists()


def test_marker_proof_is_real(tmp_path):
    """Sanity check of the exploit itself: unpickling it *does* create the marker."""
    marker = tmp_path / "pwned"
    pickle.loads(pickle_bytes(marker))
    assert marker.exists()


def test_header_length_that_looks_like_pickle_magic_still_loads(tmp_path):
    # A valid header may be 0x..80 or 0x..4B50 ("PK") bytes long; pad the metadata to hit that.
    for first in (b"\x80\x02", b"PK"):
        for pad in range(0, 70000, 8):
            meta = {"format": ckpt.FORMAT, "version": "1", "rnnlab": json.dumps({"p": "x" * pad})}
            data = safetensors.torch.save({}, meta)
            if data[:2] == first:
                break
        else:
            pytest.fail("no padding produced the wanted header length")
        path = tmp_path / "ok.rnnlab"
        path.write_bytes(data)
        assert load_checkpoint(path)[1]["p"] == "x" * pad


def check_refused(path, *words):
    for reader in (load_checkpoint, read_metadata):
        with pytest.raises(CheckpointError) as info:
            reader(path)
        message = str(info.value)
        assert path.name in message, message
        for word in words:
            assert word in message, message


def test_missing_file_and_folder(tmp_path):
    check_refused(tmp_path / "gone.rnnlab", "does not exist")
    folder = tmp_path / "dir.rnnlab"
    folder.mkdir()
    check_refused(folder, "folder")


def test_empty_file(tmp_path):
    (tmp_path / "e.rnnlab").write_bytes(b"")
    check_refused(tmp_path / "e.rnnlab", "empty")


def test_truncated_files(saved):
    data = saved.read_bytes()
    header_end = 8 + struct.unpack("<Q", data[:8])[0]
    for cut in (1, 7, 8, 9, header_end // 2, header_end - 1):
        saved.write_bytes(data[:cut])
        check_refused(saved)
    for cut in (header_end, header_end + 1, len(data) - 1):  # header intact, tensor data cut
        saved.write_bytes(data[:cut])
        assert read_metadata(saved) == META
        with pytest.raises(CheckpointError, match="run.rnnlab is damaged"):
            load_checkpoint(saved)


def test_random_bytes(tmp_path):
    path = tmp_path / "noise.rnnlab"
    path.write_bytes(bytes(range(7, 250)) * 40)
    check_refused(path, "not")


def test_header_length_larger_than_file(tmp_path):
    path = tmp_path / "big.rnnlab"
    path.write_bytes(struct.pack("<Q", 10**6) + b'{"__metadata__":{}}')
    check_refused(path, "larger than the file")
    path.write_bytes(struct.pack("<Q", 2**64 - 1) + b"{}")
    check_refused(path, "larger than the file")


def test_foreign_safetensors_file(tmp_path):
    path = tmp_path / "model.safetensors"
    safetensors.torch.save_file({"w": torch.ones(2)}, str(path), metadata={"format": "pt"})
    check_refused(path, "not an rnnlab checkpoint")
    safetensors.torch.save_file({"w": torch.ones(2)}, str(path))
    check_refused(path, "not an rnnlab checkpoint")


def write_with_header_meta(path, info: dict) -> None:
    path.write_bytes(safetensors.torch.save({"w": torch.ones(2)}, info))


def test_non_json_metadata(tmp_path):
    path = tmp_path / "x.rnnlab"
    write_with_header_meta(path, {"format": ckpt.FORMAT, "version": "1", "rnnlab": "{not json"})
    check_refused(path, "not valid JSON")
    write_with_header_meta(path, {"format": ckpt.FORMAT, "version": "1", "rnnlab": "[1, 2]"})
    check_refused(path, "not a JSON object")
    write_with_header_meta(path, {"format": ckpt.FORMAT, "version": "1"})
    check_refused(path, "missing")


def test_non_json_header(tmp_path):
    path = tmp_path / "x.rnnlab"
    body = b"{\xff\xfe garbage"
    path.write_bytes(struct.pack("<Q", len(body)) + body)
    check_refused(path, "not valid JSON")


@pytest.mark.parametrize("version, hint", [("2", "newer rnnlab"), ("0", "reads version 1"), ("x", "reads version 1")])
def test_wrong_version(tmp_path, version, hint):
    path = tmp_path / "v.rnnlab"
    write_with_header_meta(path, {"format": ckpt.FORMAT, "version": version, "rnnlab": "{}"})
    check_refused(path, hint)


def test_read_metadata_does_not_read_tensors(saved, monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("tensors were decoded")

    monkeypatch.setattr(safetensors.torch, "load", boom)
    monkeypatch.setattr(safetensors.torch, "load_file", boom)
    assert read_metadata(saved) == META


@pytest.fixture(scope="module")
def good_bytes(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("good") / "g.rnnlab"
    save_checkpoint(path, {"model.w": torch.randn(4, 3), "rng": torch.get_rng_state()[:64].clone()}, META)
    return path.read_bytes()


@pytest.fixture(scope="module")
def fuzz_path(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz") / "f.rnnlab"


def only_checkpoint_errors(path, data: bytes) -> None:
    path.write_bytes(data)
    for reader in (load_checkpoint, read_metadata):
        try:
            reader(path)
        except CheckpointError as e:
            assert path.name in str(e)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_files_only_raise_checkpoint_error(good_bytes, fuzz_path, data):
    kind = data.draw(st.sampled_from(["flip", "cut", "random", "splice"]))
    raw = bytearray(good_bytes)
    if kind == "flip":
        for pos in data.draw(st.lists(st.integers(0, len(raw) * 8 - 1), min_size=1, max_size=8)):
            raw[pos // 8] ^= 1 << (pos % 8)
    elif kind == "cut":
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    elif kind == "random":
        raw = bytearray(data.draw(st.binary(max_size=600)))
    else:
        pos = data.draw(st.integers(0, len(raw)))
        raw[pos : pos + 8] = data.draw(st.binary(min_size=1, max_size=8))
    only_checkpoint_errors(fuzz_path, bytes(raw))


# ---------------------------------------------------------------- flatten / unflatten


def trained(opt_cls, steps: int = 5, **kw):
    torch.manual_seed(0)
    model = nn.LSTM(4, 6, num_layers=2)
    opt = opt_cls(model.parameters(), **kw)
    run_steps(model, opt, steps, seed=1)
    return model, opt


def run_steps(model, opt, steps: int, seed: int) -> None:
    g = torch.Generator().manual_seed(seed)
    for _ in range(steps):
        x = torch.randn(5, 3, 4, generator=g)
        out, _ = model(x)
        loss = out.pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()


def assert_same_state(a, b) -> None:
    if isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor) and a.dtype == b.dtype and torch.equal(a, b)
    elif isinstance(a, dict):
        assert list(a) == list(b)  # same keys, same types (int keys stay ints), same order
        for k in a:
            assert_same_state(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            assert_same_state(x, y)
    else:
        assert a == b and type(a) is type(b)


OPTIMIZERS = [
    (torch.optim.Adam, {"lr": 1e-2}),
    (torch.optim.AdamW, {"lr": 1e-2, "amsgrad": True}),
    (torch.optim.RMSprop, {"lr": 1e-3, "momentum": 0.9, "centered": True}),
    (torch.optim.SGD, {"lr": 1e-2, "momentum": 0.9, "nesterov": True}),
]


@pytest.mark.parametrize("opt_cls, kw", OPTIMIZERS, ids=lambda v: getattr(v, "__name__", ""))
def test_resume_is_bit_identical(tmp_path, opt_cls, kw):
    model, opt = trained(opt_cls, **kw)
    m_tensors, m_meta = flatten_state("model", model.state_dict())
    o_tensors, o_meta = flatten_state("optim", opt.state_dict())
    assert "optim.state.0.momentum_buffer" in o_tensors or "optim.state.0.exp_avg" in o_tensors or o_tensors
    save_checkpoint(tmp_path / "r.rnnlab", {**m_tensors, **o_tensors}, {"model": m_meta, "optim": o_meta})

    tensors, meta = load_checkpoint(tmp_path / "r.rnnlab")
    restored = unflatten_state("optim", tensors, meta["optim"])
    assert_same_state(opt.state_dict(), restored)
    model2 = nn.LSTM(4, 6, num_layers=2)
    model2.load_state_dict(unflatten_state("model", tensors, meta["model"]))
    opt2 = opt_cls(model2.parameters(), **kw)
    opt2.load_state_dict(restored)

    run_steps(model, opt, 5, seed=2)
    run_steps(model2, opt2, 5, seed=2)
    for p, q in zip(model.parameters(), model2.parameters()):
        assert torch.equal(p, q)


def test_flatten_names_and_json():
    model, opt = trained(torch.optim.Adam)
    tensors, meta = flatten_state("optim", opt.state_dict())
    assert "optim.state.0.exp_avg" in tensors and "optim.state.0.step" in tensors
    json.dumps(meta)  # everything that is not a tensor is JSON
    m_tensors, _ = flatten_state("model", model.state_dict())
    assert "model.weight_hh_l0" in m_tensors


def test_flatten_odd_structures():
    state = {
        "__tensor__": 1, 3: "int key", "t": (1, [2.5, None], {"x": True}), "nested": {5: {"__dict__": torch.ones(1)}},
        "nan": float("inf"),
    }
    tensors, meta = flatten_state("p", state)
    back = unflatten_state("p", tensors, json.loads(json.dumps(meta)))
    assert_same_state(state, back)


def test_flatten_rejects_what_it_cannot_store():
    with pytest.raises(TypeError):
        flatten_state("p", {"f": lambda: 0})
    with pytest.raises(TypeError):
        flatten_state("p", {(1, 2): 3})
    with pytest.raises(ValueError, match="p.a.b"):
        flatten_state("p", {"a.b": torch.ones(1), "a": {"b": torch.ones(1)}})


def test_unflatten_missing_tensor():
    tensors, meta = flatten_state("p", {"w": torch.ones(2)})
    with pytest.raises(CheckpointError, match="p.w"):
        unflatten_state("p", {}, meta)
