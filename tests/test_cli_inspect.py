"""`rnnlab inspect CKPT --text TEXT --out FILE.npz`: the probe's arrays in a file a notebook
reads with plain np.load, the same numbers the probe gives; bad input is one error line."""

import json
import pathlib
import re

import numpy as np
import pytest

from rnnlab.cli.main import main
from rnnlab.core.data.corpus import load_corpus
from rnnlab.core.io.run_state import load_model, save_trainer
from rnnlab.core.nn.gradient_flow import gradient_flow, gradient_windows
from rnnlab.core.nn.model import ModelConfig
from rnnlab.core.nn.probe import probe
from rnnlab.core.nn.probe_arrays import ARRAYS
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.trainer import Trainer

TEXT = "12 13 14 15\n16 17"
GATES = {"rnn": [], "lstm": ["i", "f", "g", "o"], "gru": ["r", "z", "n"]}
ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory):
    """A 2x12 model of each cell, trained 5 steps on counting (batch 4, seq 8)."""
    folder = tmp_path_factory.mktemp("inspect")
    corpus = load_corpus("builtin:counting,length=3000")
    paths = {}
    for cell in GATES:
        trainer = Trainer(corpus, ModelConfig(vocab_size=len(corpus.vocab), cell=cell, hidden=12, layers=2),
                          TrainConfig(batch=4, seq=8, threads=1))
        trainer.run(lambda _event: None, max_steps=5)
        paths[cell] = save_trainer(folder / f"{cell}.rnnlab", trainer)
    return paths


def run_cli(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("cell", list(GATES))
def test_the_npz_holds_the_probes_arrays_by_name(cell, checkpoints, tmp_path, capsys):
    out = tmp_path / f"{cell}.npz"
    code, stdout, err = run_cli(capsys, "inspect", checkpoints[cell], "--text", TEXT, "--out", out)
    assert code == 0 and err == "" and str(out) in stdout
    d = np.load(out)  # allow_pickle is off by default: plain arrays only
    gates = [f"gate_{g}" for g in GATES[cell]]
    expected = {"h", "probs", "ids", "text", "vocab", "grad_norm", "grad_windows", "gate_names", "cell",
                "layers", "hidden", "vocab_size", "embedding", "steps", "format", "version", *gates}
    assert set(d.files) == expected | ({"c"} if cell == "lstm" else set())
    T, L, H = len(TEXT), 2, 12
    model, vocab, _ = load_model(checkpoints[cell])
    V = len(vocab)
    assert str(d["cell"]) == cell and int(d["layers"]) == L and int(d["hidden"]) == H
    assert int(d["vocab_size"]) == V and int(d["steps"]) == 5 and str(d["format"]) == "rnnlab-inspect"
    assert list(d["vocab"]) == vocab.chars and list(d["gate_names"]) == GATES[cell]
    assert str(d["text"]) == TEXT and list(d["ids"]) == list(vocab.encode(TEXT))
    assert d["ids"].dtype == np.int64 and d["probs"].shape == (T, V)
    assert "".join(d["vocab"][d["ids"]]) == TEXT

    result = probe(model, vocab, TEXT)
    assert d["h"].shape == (L, T, H) and d["h"].dtype == np.float32
    for k, layer in enumerate(result.layers):
        np.testing.assert_allclose(d["h"][k], layer.h, atol=1e-6)
        for g in GATES[cell]:
            np.testing.assert_allclose(d[f"gate_{g}"][k], layer.gates[g], atol=1e-6)
        if cell == "lstm":
            np.testing.assert_allclose(d["c"][k], layer.c, atol=1e-6)
    np.testing.assert_allclose(d["probs"], result.probs, atol=1e-6)
    np.testing.assert_allclose(d["probs"].sum(axis=1), 1, atol=1e-5)

    # seq 8 -> windows of 8 inputs and a target, up to 4 spread over the text
    windows = gradient_windows(result.ids, 8, 4)
    np.testing.assert_array_equal(d["grad_windows"], windows)
    assert d["grad_windows"].shape == (4, 9) and d["grad_norm"].shape == (L, 8)
    np.testing.assert_allclose(d["grad_norm"], np.stack(gradient_flow(model, windows)), rtol=1e-5)
    assert (d["grad_norm"] > 0).all()


def test_grad_window_and_a_text_file_and_json(checkpoints, tmp_path, capsys):
    text_file = tmp_path / "t.txt"
    text_file.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "a.npz"
    code, stdout, _ = run_cli(capsys, "inspect", checkpoints["gru"], "--text-file", text_file,
                              "--out", out, "--grad-window", "100", "--json")
    assert code == 0
    report = json.loads(stdout)
    assert report["out"] == str(out) and report["arrays"]["h"] == [2, len(TEXT), 12]
    d = np.load(out)
    assert str(d["text"]) == TEXT
    assert d["grad_norm"].shape == (2, len(TEXT) - 1)  # the window shortened to the text


def test_without_out_the_summary_is_unchanged(checkpoints, capsys):
    code, out, _ = run_cli(capsys, "inspect", checkpoints["lstm"])
    assert code == 0 and out.startswith("model:      LSTM 2x12, embedding one-hot")
    assert "trained:    5 steps" in out


def test_a_save_replaces_the_file_whole(checkpoints, tmp_path, capsys):
    out = tmp_path / "x.npz"
    out.write_bytes(b"old")
    assert run_cli(capsys, "inspect", checkpoints["rnn"], "--text", TEXT, "--out", out)[0] == 0
    assert int(np.load(out)["layers"]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.npz"]  # no temp file left


def bad_cases(checkpoints, tmp_path):
    ckpt = checkpoints["lstm"]
    a_file = tmp_path / "notes"  # a "folder" that is a file: unwritable even for root
    a_file.write_text("x", encoding="utf-8")
    return [
        (["inspect", tmp_path / "missing.rnnlab", "--text", TEXT, "--out", tmp_path / "a.npz"], "does not exist"),
        (["inspect", ckpt, "--text", "12 abc", "--out", tmp_path / "a.npz"], "'a', 'b', 'c'"),
        (["inspect", ckpt, "--text", "1", "--out", tmp_path / "a.npz"], "at least 2 characters"),
        (["inspect", ckpt, "--text", TEXT, "--out", tmp_path / "a.txt"], "must end in .npz"),
        (["inspect", ckpt, "--text", TEXT, "--out", tmp_path / "no" / "a.npz"], "No such file"),
        (["inspect", ckpt, "--text", TEXT, "--out", tmp_path], "must end in .npz"),
        (["inspect", ckpt, "--text", TEXT, "--out", a_file / "a.npz"], "could not save"),
        (["inspect", ckpt, "--text", TEXT], "go with --out"),
        (["inspect", ckpt, "--out", tmp_path / "a.npz"], "--text TEXT or --text-file"),
        (["inspect", ckpt, "--text", TEXT, "--out", tmp_path / "a.npz", "--grad-window", "0"], "--grad-window"),
        (["inspect", ckpt, "--text-file", tmp_path / "none.txt", "--out", tmp_path / "a.npz"], "none.txt"),
    ]


def test_bad_input_is_one_error_line_exit_2_and_no_file(checkpoints, tmp_path, capsys):
    for argv, expected in bad_cases(checkpoints, tmp_path):
        code, out, err = run_cli(capsys, *argv)
        lines = err.strip().splitlines()
        assert code == 2 and out == "", argv
        assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], (argv, err)
    assert not list(tmp_path.rglob("*.npz"))


def test_every_array_name_is_documented():
    docs = (ROOT / "docs" / "inspect.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`(\w+)`", docs))
    assert set(ARRAYS) <= documented
    assert "docs/inspect.md" in (ROOT / "README.md").read_text(encoding="utf-8")
