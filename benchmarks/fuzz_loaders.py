"""Feed the loaders of untrusted files thousands of broken inputs: only documented errors.

    python benchmarks/fuzz_loaders.py [--inputs 10000] [--seed 0] [--json]

Three loaders, each given mutations of a valid file and junk of every kind:
  checkpoint  load_model (reader + model build): truncated, bit-flipped, a huge or lying
              header length, random header JSON, a pickle payload, random bytes, empty
  text        load_corpus on a file: random bytes, many encodings with and without BOMs,
              bit flips, cuts inside multi-byte characters, NUL bytes
  lesson      read_lesson: truncated, bit-flipped, random JSON, a pickle payload, random bytes
Each input must load or raise the loader's documented error (CheckpointError, CorpusError,
LessonError) within MAX_SECONDS, and the pickle payloads must never run (they would
create a marker file).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import struct
import sys
import tempfile
import time
from pathlib import Path

MAX_SECONDS = 1.0


class _Payload:
    """Unpickling this creates the marker file: the proof that something executed."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def flip_bits(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if out:
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def junk(rng: random.Random, marker: str) -> bytes:
    kind = rng.randrange(4)
    if kind == 0:
        return rng.randbytes(rng.randint(0, 4096))
    if kind == 1:
        return pickle.dumps({"model": _Payload(marker)})
    if kind == 2:
        return b""
    return json.dumps(_random_json(rng, 3)).encode()


def _random_json(rng: random.Random, depth: int):
    choices = [None, True, rng.randint(-2**40, 2**40), rng.random() * 1e6, "x" * rng.randint(0, 20)]
    if depth > 0:
        choices += [[_random_json(rng, depth - 1) for _ in range(rng.randint(0, 3))],
                    {str(rng.randint(0, 9)): _random_json(rng, depth - 1) for _ in range(rng.randint(0, 3))}]
    return rng.choice(choices)


def checkpoint_input(valid: bytes, rng: random.Random, marker: str) -> bytes:
    kind = rng.randrange(5)
    if kind == 0:
        return valid[: rng.randrange(len(valid))]
    if kind == 1:
        return flip_bits(valid, rng)
    if kind == 2:  # a header length that lies (huge, or past the end)
        return struct.pack("<Q", rng.choice([2**63, len(valid), rng.randrange(2**32)])) + valid[8:]
    if kind == 3:  # random header JSON of the right length
        header = json.dumps(_random_json(rng, 3)).encode()
        return struct.pack("<Q", len(header)) + header + rng.randbytes(rng.randint(0, 64))
    return junk(rng, marker)


ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1",
             "cp1252", "shift_jis", "koi8-r", "gb18030")
SAMPLE = "Hello, wörld! ÆØÅ ½ € 日本語 ハロー мир 😀\n" * 60


def text_input(rng: random.Random, marker: str) -> bytes:
    kind = rng.randrange(5)
    encoding = rng.choice(ENCODINGS)
    data = SAMPLE.encode(encoding, errors="replace")
    if kind == 0:
        return data
    if kind == 1:
        return flip_bits(data, rng)
    if kind == 2:
        return data[: rng.randrange(1, len(data))]  # may cut a multi-byte character
    if kind == 3:
        cut = rng.randrange(len(data))
        return data[:cut] + b"\x00" * rng.randint(1, 50) + data[cut:]
    return junk(rng, marker)


def lesson_input(valid: bytes, rng: random.Random, marker: str) -> bytes:
    kind = rng.randrange(4)
    if kind == 0:
        return valid[: rng.randrange(len(valid))]
    if kind == 1:
        return flip_bits(valid, rng)
    if kind == 2:
        return json.dumps({**json.loads(valid), rng.choice(["model", "training", "hide", "corpus", "race"]):
                           _random_json(rng, 2)}).encode()
    return junk(rng, marker)


def valid_files(folder: Path) -> tuple[bytes, bytes]:
    from rnnlab import resources
    from rnnlab.core.data.corpus import load_corpus
    from rnnlab.core.io.lesson import SUFFIX
    from rnnlab.core.io.run_state import save_trainer
    from rnnlab.core.nn.model import ModelConfig
    from rnnlab.core.train.config import TrainConfig
    from rnnlab.core.train.trainer import Trainer

    corpus = load_corpus("builtin:hello")
    trainer = Trainer(corpus, ModelConfig(len(corpus.vocab), "lstm", 8, 1), TrainConfig(batch=2, seq=8))
    trainer.step()
    checkpoint = Path(save_trainer(folder / "valid.rnnlab", trainer)).read_bytes()
    lesson = (resources.lessons_folder() / f"hello-world-in-10-seconds{SUFFIX}").read_bytes()
    return checkpoint, lesson


def run(total: int, seed: int) -> dict:
    from rnnlab.core.data.corpus import CorpusError, load_corpus
    from rnnlab.core.io.checkpoint import CheckpointError
    from rnnlab.core.io.lesson import LessonError, read_lesson
    from rnnlab.core.io.run_state import load_model

    rng = random.Random(seed)
    stats = {name: {"inputs": 0, "loaded": 0, "refused": 0, "slowest_s": 0.0}
             for name in ("checkpoint", "text", "lesson")}
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        marker = str(folder / "EXECUTED")
        valid_ckpt, valid_lesson = valid_files(folder)
        loaders = {
            "checkpoint": (lambda: checkpoint_input(valid_ckpt, rng, marker), load_model, CheckpointError),
            "text": (lambda: text_input(rng, marker), load_corpus, CorpusError),
            "lesson": (lambda: lesson_input(valid_lesson, rng, marker), read_lesson, LessonError),
        }
        path = folder / "input"
        for k in range(total):
            name = ("checkpoint", "text", "lesson")[k % 3]
            make, load, expected = loaders[name]
            data = make()
            path.write_bytes(data)
            started = time.perf_counter()
            try:
                load(path)
                stats[name]["loaded"] += 1
            except expected:
                stats[name]["refused"] += 1
            except Exception as exc:  # noqa: BLE001 - an undocumented error is the finding
                failures.append(f"{name} input {k}: {type(exc).__name__}: {str(exc)[:120]}")
                (folder / f"failure-{k}").write_bytes(data)
            took = time.perf_counter() - started
            stats[name]["inputs"] += 1
            stats[name]["slowest_s"] = round(max(stats[name]["slowest_s"], took), 3)
            if took > MAX_SECONDS:
                failures.append(f"{name} input {k}: took {took:.2f} s")
        if os.path.exists(marker):
            failures.append("a pickle payload ran")
    return {"inputs": total, "loaders": stats, "failures": failures[:20], "failure_count": len(failures)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--inputs", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")
    p.add_argument("--slice", type=int, default=0,
                   help="decode and normalise texts N bytes / characters at a time (big files go "
                        "256K at a time; a small N sends these small inputs that way too)")
    args = p.parse_args(argv)
    if args.slice:
        from rnnlab.core.data import textfile

        textfile._SLICE_BYTES = textfile._SLICE_CHARS = args.slice
    started = time.perf_counter()
    result = run(args.inputs, args.seed)
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result, indent=None if args.json else 1))
    return 1 if result["failure_count"] else 0


if __name__ == "__main__":
    sys.exit(main())
