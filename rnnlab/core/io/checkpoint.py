"""One safe checkpoint file: safetensors tensors + JSON metadata, written atomically.

    [u64 little-endian header length N][N bytes of JSON header][raw tensor bytes]
    header["__metadata__"] = {"format": FORMAT, "version": "1", "rnnlab": "<JSON document>"}

Loading never unpickles anything: torch.load / pickle can run arbitrary code hidden in a
file, so pickle and torch.save files are recognised by their first bytes and refused.
Every problem, saving or loading, is raised as one CheckpointError with a readable message.
"""

from __future__ import annotations

import json
import os
import pathlib
import struct

import numpy as np
import safetensors.torch
import torch

from rnnlab.core.io.atomic import atomic_write
from rnnlab.core.io.atomic import reason as _reason

FORMAT = "rnnlab-checkpoint"
VERSION = 1
SUFFIX = ".rnnlab"

_MAX_HEADER = 100 * 1024 * 1024  # the same cap safetensors itself applies
# Tags in flatten_state's JSON; a real dict key starting with "__" is escaped via _DICT.
_TENSOR, _TUPLE, _DICT = "__tensor__", "__tuple__", "__dict__"


class CheckpointError(Exception):
    """Any problem saving or opening a checkpoint; the message is meant for the user."""


# ---------------------------------------------------------------- saving


def save_checkpoint(path: str | os.PathLike, tensors: dict[str, torch.Tensor],
                    metadata: dict) -> pathlib.Path:
    """Write `tensors` and the JSON-able `metadata` to `path` atomically; return the path.

    Either the whole new file is in place afterwards or the old one is untouched.
    """
    path = pathlib.Path(path)
    data = _serialize(path, tensors, metadata)
    atomic_write(path, data, CheckpointError)
    return path


def _serialize(path: pathlib.Path, tensors: dict[str, torch.Tensor], metadata: dict) -> bytes:
    if not isinstance(metadata, dict):
        raise CheckpointError(f"could not save {path}: metadata must be a dict, "
                              f"not {type(metadata).__name__}")
    prepared = _prepare_tensors(path, tensors)
    try:
        doc = json.dumps(metadata, ensure_ascii=False)
    except (TypeError, ValueError) as e:
        raise CheckpointError(f"could not save {path}: metadata is not JSON ({e})") from e
    header = {"format": FORMAT, "version": str(VERSION), "rnnlab": doc}
    try:
        return safetensors.torch.save(prepared, header)
    except Exception as e:
        raise CheckpointError(f"could not save {path}: {e}") from e


def _prepare_tensors(path: pathlib.Path, tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """CPU, contiguous, finite model weights, no two tensors on one storage (safetensors
    refuses aliasing)."""
    out: dict[str, torch.Tensor] = {}
    storages: set[int] = set()
    for name, t in tensors.items():
        if not isinstance(name, str) or not isinstance(t, torch.Tensor):
            raise CheckpointError(f"could not save {path}: {name!r} is not a tensor with a str name")
        try:
            t = t.detach().cpu().contiguous()
        except Exception as e:  # e.g. a "meta" tensor that has no data
            raise CheckpointError(f"could not save {path}: cannot copy {name} to the CPU ({e})") from e
        if name.startswith("model.") and t.is_floating_point() and not bool(torch.isfinite(t).all()):
            raise CheckpointError(f"refusing to save non-finite weights: {name} ({path} was not written)")
        ptr = t.untyped_storage().data_ptr()
        if ptr in storages:
            t = t.clone()
        elif ptr:  # empty tensors have no storage to share
            storages.add(ptr)
        out[name] = t
    return out


# ---------------------------------------------------------------- loading


def load_checkpoint(path: str | os.PathLike) -> tuple[dict[str, torch.Tensor], dict]:
    """Open a checkpoint: (CPU tensors, metadata dict). Never unpickles anything."""
    path = pathlib.Path(path)
    with _open(path) as f:
        try:
            size = os.fstat(f.fileno()).st_size
            metadata = _read_header(f, size, path)
            f.seek(0)
            data = f.read()
        except OSError as e:
            raise CheckpointError(f"could not read {path}: {_reason(e)}") from e
    try:
        tensors = safetensors.torch.load(data)  # always CPU tensors
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # BaseException: a Rust panic arrives as pyo3's PanicException
        raise CheckpointError(f"{path} is damaged: {_first_line(e)}") from e
    return tensors, metadata


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def read_metadata(path: str | os.PathLike) -> dict:
    """The metadata dict only; reads the header, not the tensors (cheap even for big files)."""
    return read_header(path)[0]


def read_header(path: str | os.PathLike) -> tuple[dict, dict[str, tuple[str, tuple[int, ...]]]]:
    """(metadata, {tensor name: (dtype, shape)}) from the header alone, without the tensors."""
    path = pathlib.Path(path)
    with _open(path) as f:
        try:
            header = _read_header_json(f, os.fstat(f.fileno()).st_size, path)
        except OSError as e:
            raise CheckpointError(f"could not read {path}: {_reason(e)}") from e
    shapes = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        shape = entry.get("shape") if isinstance(entry, dict) else None
        if not isinstance(shape, list) or not all(isinstance(n, int) and n >= 0 for n in shape):
            raise CheckpointError(f"{path} is damaged: the tensor {name!r} has no valid shape")
        shapes[name] = (str(entry.get("dtype")), tuple(shape))
    return _rnnlab_metadata(header, path), shapes


def _open(path: pathlib.Path):
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise CheckpointError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise CheckpointError(f"{path} is a folder, not a checkpoint file") from None
    except OSError as e:
        raise CheckpointError(f"could not read {path}: {_reason(e)}") from e


def _read_header(f, size: int, path: pathlib.Path) -> dict:
    return _rnnlab_metadata(_read_header_json(f, size, path), path)


def _read_header_json(f, size: int, path: pathlib.Path) -> dict:
    """Check the header length against the file size, then parse the header ourselves."""
    if size == 0:
        raise CheckpointError(f"{path} is empty (0 bytes), not an rnnlab checkpoint")
    head = f.read(8)
    n = struct.unpack("<Q", head)[0] if len(head) == 8 else None
    raw = f.read(n) if n is not None and n <= min(size - 8, _MAX_HEADER) else b""
    # Pickle magic can also be a valid header length, so only refuse what is not safetensors.
    if raw[:1] != b"{":
        _refuse_pickle(head, path)
        if n is None:
            raise CheckpointError(f"{path} is too short ({size} bytes) to be an rnnlab checkpoint; "
                                  "it may be truncated")
        if n > size - 8:
            raise CheckpointError(
                f"{path} is not a valid rnnlab checkpoint: its header length ({n} bytes) is larger "
                f"than the file ({size} bytes); the file is truncated or is not a checkpoint"
            )
        raise CheckpointError(f"{path} is not an rnnlab checkpoint (no safetensors header found)")
    return _parse_json(raw, path, "header")


def _refuse_pickle(head: bytes, path: pathlib.Path) -> None:
    # torch.save writes a zip ("PK..."); pickle protocol 2+ and legacy torch.save start with 0x80.
    if head.startswith(b"PK") or head.startswith(b"\x80"):
        raise CheckpointError(
            f"{path} is a pickle/PyTorch file (torch.save or pickle), not an rnnlab checkpoint. "
            "rnnlab does not open pickle files because loading them can run arbitrary code."
        )


def _parse_json(raw: bytes | str, path: pathlib.Path, what: str) -> dict:
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as e:  # UnicodeDecodeError is a ValueError
        raise CheckpointError(f"{path} is damaged: its {what} is not valid JSON ({e})") from e
    if not isinstance(value, dict):
        raise CheckpointError(f"{path} is damaged: its {what} is not a JSON object")
    return value


def _rnnlab_metadata(header: dict, path: pathlib.Path) -> dict:
    info = header.get("__metadata__")
    if not isinstance(info, dict) or info.get("format") != FORMAT:
        raise CheckpointError(f"{path} is a safetensors file but not an rnnlab checkpoint "
                              "(no rnnlab metadata)")
    version = info.get("version")
    if version != str(VERSION):
        newer = isinstance(version, str) and version.isdigit() and int(version) > VERSION
        hint = "; it was written by a newer rnnlab, update rnnlab to open it" if newer else ""
        raise CheckpointError(f"{path} has checkpoint format version {version!r}, but this rnnlab "
                              f"reads version {VERSION}{hint}")
    doc = info.get("rnnlab")
    if not isinstance(doc, str):
        raise CheckpointError(f"{path} is damaged: its rnnlab metadata is missing")
    return _parse_json(doc, path, "rnnlab metadata")


# ---------------------------------------------------------------- torch state <-> tensors + JSON


def flatten_state(prefix: str, state: dict) -> tuple[dict[str, torch.Tensor], dict]:
    """Split a nested state (optimizer or model state_dict) into named tensors + a JSON dict.

    Tensors are named f"{prefix}.{path}" ("optim.state.0.exp_avg"); the JSON keeps the
    structure, with {"__tensor__": "state.0.exp_avg"} where a tensor was. Tensors are not
    copied. Raises TypeError for values that cannot be stored, ValueError on name clashes.
    """
    if not isinstance(state, dict):
        raise TypeError(f"state must be a dict, not {type(state).__name__}")
    tensors: dict[str, torch.Tensor] = {}
    meta = _encode(state, "", prefix, tensors)
    return tensors, meta


def unflatten_state(prefix: str, tensors: dict[str, torch.Tensor], meta: dict) -> dict:
    """Inverse of flatten_state (tuples come back as tuples, int dict keys as ints)."""
    if not isinstance(meta, dict):
        raise CheckpointError(f"the saved {prefix} state is damaged: not a JSON object")
    return _decode(meta, prefix, tensors)


def _join(a: str, b) -> str:
    return f"{a}.{b}" if a else str(b)


def _encode(value, rel: str, prefix: str, tensors: dict[str, torch.Tensor]):
    if isinstance(value, torch.Tensor):
        name = _join(prefix, rel)
        if name in tensors:
            raise ValueError(f"two entries of the state would both be stored as {name!r}")
        tensors[name] = value
        return {_TENSOR: rel}
    if isinstance(value, dict):
        for k in value:
            if not isinstance(k, (str, int)):
                raise TypeError(f"cannot store the dict key {k!r} at {_join(prefix, rel)!r}")
        enc = {k: _encode(v, _join(rel, k), prefix, tensors) for k, v in value.items()}
        if all(isinstance(k, str) and not k.startswith("__") for k in value):
            return enc
        return {_DICT: [[k, v] for k, v in enc.items()]}  # JSON object keys are strings only
    if isinstance(value, (list, tuple)):
        enc = [_encode(v, _join(rel, i), prefix, tensors) for i, v in enumerate(value)]
        return enc if isinstance(value, list) else {_TUPLE: enc}
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot store {_join(prefix, rel)!r} ({type(value).__name__}) in a checkpoint")


def _decode(value, prefix: str, tensors: dict[str, torch.Tensor]):
    if isinstance(value, list):
        return [_decode(v, prefix, tensors) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1 and _TENSOR in value:
        name = _join(prefix, value[_TENSOR])
        if not isinstance(value[_TENSOR], str) or name not in tensors:
            raise CheckpointError(f"the checkpoint is missing the tensor {name!r}")
        return tensors[name]
    if len(value) == 1 and _TUPLE in value and isinstance(value[_TUPLE], list):
        return tuple(_decode(value[_TUPLE], prefix, tensors))
    if len(value) == 1 and _DICT in value:
        pairs = value[_DICT]
        if not isinstance(pairs, list) or not all(_is_pair(p) for p in pairs):
            raise CheckpointError(f"the saved {prefix} state is damaged: bad {_DICT} entry")
        return {k: _decode(v, prefix, tensors) for k, v in pairs}
    return {k: _decode(v, prefix, tensors) for k, v in value.items()}


def _is_pair(p) -> bool:
    return isinstance(p, list) and len(p) == 2 and isinstance(p[0], (str, int))
