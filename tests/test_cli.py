"""The headless command line: train, sample, inspect, corpora, and its error contract."""

import json
import os
import pickle
import signal
import subprocess
import sys
import time

import pytest
import torch

from rnnlab.cli.main import main
from rnnlab.core.io.run_state import load_model
from rnnlab.core.train.precision import bf16_pays_on_cpu
from rnnlab.core.train.presets import PRESETS, default_preset

TINY = ["--cell", "lstm", "--hidden", "16", "--layers", "1", "--batch", "4", "--seq", "16", "--threads", "1"]
TEXT = "builtin:counting,length=6000"


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# Ctrl+C as a signal sent to a child: Windows has no such thing (Popen.send_signal there knows
# only SIGTERM and console events, and Popen has no preexec_fn)
sends_sigint = pytest.mark.skipif(sys.platform == "win32" or not hasattr(signal, "SIGINT"),
                                  reason="sends SIGINT to a child process, which this platform cannot do")


def interruptible(argv: list[str], **kwargs) -> subprocess.Popen:
    """Popen a command that Ctrl+C reaches, as in a terminal's foreground: a child started
    from a background job inherits SIGINT ignored (bash does that to `cmd &`), and Python
    then never raises KeyboardInterrupt."""
    return subprocess.Popen(argv, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL), **kwargs)


def json_lines(out):
    return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.fixture
def trained(tmp_path, capsys):
    path = tmp_path / "counting.rnnlab"
    code, out, _ = run_cli(capsys, "train", TEXT, *TINY, "--steps", "30", "--json", "--out", str(path))
    assert code == 0
    return path, json_lines(out)


def test_train_json_events_and_checkpoint(trained):
    path, records = trained
    kinds = [r["event"] for r in records]
    assert kinds.count("step") == 30 and kinds[-1] == "done"
    done = records[-1]
    assert done["steps"] == 30 and done["checkpoint"] == str(path) and done["reason"] == "budget"
    assert done["val_bpc"] == pytest.approx(done["val_loss"] / 0.6931471805599453)
    assert done["train_chars_per_s"] > 0
    step = next(r for r in records if r["event"] == "step")
    assert {"loss", "grad_norm", "lr", "chars_per_s", "chars_seen"} <= step.keys()
    assert any(r["event"] == "eval" for r in records)
    assert path.exists()


def test_resume_continues_the_step_count(trained, capsys, tmp_path):
    path, _ = trained
    out_path = tmp_path / "more.rnnlab"
    code, out, _ = run_cli(capsys, "train", "--resume", str(path), "--steps", "5", "--json",
                           "--out", str(out_path))
    assert code == 0
    assert json_lines(out)[-1]["steps"] == 35


def test_sample_streams_text_and_repeats_with_a_seed(trained, capsys):
    path, _ = trained
    args = ["sample", str(path), "--prime", "12", "--length", "40", "--seed", "5"]
    code, first, _ = run_cli(capsys, *args)
    _, second, _ = run_cli(capsys, *args)
    assert code == 0 and first == second
    assert first.startswith("12") and len(first.rstrip("\n")) == 42


def test_inspect_reads_the_header(trained, capsys):
    path, _ = trained
    code, out, _ = run_cli(capsys, "inspect", str(path), "--json")
    info = json.loads(out)
    assert code == 0 and info["steps"] == 30 and info["model"]["hidden"] == 16
    code, out, _ = run_cli(capsys, "inspect", str(path))
    assert "LSTM 1x16" in out and "30 steps" in out


def test_no_options_means_the_default_preset_on_the_default_corpus(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(capsys, "train", "--steps", "1", "--threads", "1", "--json")
    records = json_lines(out)
    assert code == 0
    assert records[0]["message"].startswith("builtin:python:")
    model = PRESETS["classroom"].model
    assert records[1]["message"].startswith(f"{model['cell'].upper()} {model['layers']}x{model['hidden']}")
    assert (tmp_path / f"python-{model['cell']}.rnnlab").exists()


def test_folded_characters_are_reported_as_a_warning(capsys, tmp_path):
    text = tmp_path / "many.txt"
    text.write_text("".join(chr(0x4E00 + i % 300) for i in range(6000)), encoding="utf-8")
    code, out, _ = run_cli(capsys, "train", str(text), *TINY, "--steps", "1", "--vocab-cap", "100",
                           "--json", "--out", str(tmp_path / "m.rnnlab"))
    warnings = [r for r in json_lines(out) if r["event"] == "warning"]
    assert code == 0 and warnings[0]["kind"] == "corpus" and "201" in warnings[0]["message"]


def test_corpora_lists_the_builtins(capsys):
    code, out, _ = run_cli(capsys, "corpora")
    assert code == 0
    for name in ("hello", "python", "brackets", "copy", "counting"):
        assert f"builtin:{name}" in out


def bad_inputs(tmp_path):
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 40)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\xe9 cr\xe8me br\xfbl\xe9e\n".encode("cp1252") * 50)
    evil = tmp_path / "evil.rnnlab"
    marker = tmp_path / "pwned"
    evil.write_bytes(pickle.dumps(_Evil(str(marker))))
    return [
        (["train", str(tmp_path / "missing.txt")], "No such file"),
        (["train", str(binary)], "binary"),
        (["train", str(latin)], "--encoding"),
        (["train", TEXT, "--lr", "-1"], "learning rate must be positive"),
        (["train", TEXT, "--steps", "0"], "--steps must be positive"),
        (["train", TEXT, "--batch", "4000"], "too short for batch 4000"),
        (["train", "builtin:nope"], "Unknown built-in corpus"),
        (["sample", str(evil)], "pickle"),
        (["inspect", str(tmp_path / "missing.rnnlab")], "does not exist"),
        *([(["train", TEXT, "--device", "cuda"], "no usable CUDA GPU")]
          if not torch.cuda.is_available() else []),
    ], marker


class _Evil:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_bad_input_gives_one_error_line_and_exit_2(tmp_path, capsys):
    cases, marker = bad_inputs(tmp_path)
    for argv, expected in cases:
        code, out, err = run_cli(capsys, *argv)
        assert code == 2, argv
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (argv, err)
        assert expected in lines[0], (argv, lines[0])
    assert not marker.exists()


def test_prime_outside_the_vocabulary_is_named(trained, capsys):
    path, _ = trained
    code, _, err = run_cli(capsys, "sample", str(path), "--prime", "xyz")
    assert code == 2 and "'x'" in err and err.startswith("error: ")


def test_resume_refuses_model_options(trained, capsys):
    path, _ = trained
    code, _, err = run_cli(capsys, "train", "--resume", str(path), "--hidden", "32")
    assert code == 2 and "--hidden" in err


@sends_sigint
def test_ctrl_c_saves_a_checkpoint_and_exits_cleanly(tmp_path):
    out_path = tmp_path / "interrupted.rnnlab"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = interruptible(
        [sys.executable, "-m", "rnnlab", "train", TEXT, *TINY, "--seconds", "120", "--json",
         "--out", str(out_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        for line in proc.stdout:  # wait until training is under way
            if json.loads(line)["event"] == "step":
                break
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    done = json_lines(out)[-1]
    assert done["event"] == "done" and done["reason"] == "stopped"
    model, vocab, meta = load_model(out_path)
    assert meta["counters"]["step"] == done["steps"] > 0


def test_a_file_without_a_command_opens_the_app_on_it(monkeypatch):
    from rnnlab.cli import cmd_gui

    opened = []
    monkeypatch.setattr(cmd_gui, "run", lambda args: opened.append(args.text) or 0)
    assert main(["lessons/demo.rnnlab-lesson"]) == 0
    assert main(["notes.txt"]) == 0
    assert main([]) == 0
    assert opened == ["lessons/demo.rnnlab-lesson", "notes.txt", None]


@pytest.mark.parametrize("where", ["no/such/folder/m.rnnlab", "."])
def test_an_unwritable_out_is_refused_before_training(capsys, tmp_path, where):
    target = tmp_path / where
    code, out, err = run_cli(capsys, "train", TEXT, *TINY, "--steps", "100000", "--json", "--out", str(target))
    assert code == 2 and err.startswith("error: could not save ") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not [r for r in json_lines(out) if r.get("event") == "step"]  # not one step was taken


def test_export_to_an_unwritable_file_is_refused_first(trained, capsys, tmp_path):
    path, _ = trained
    code, out, err = run_cli(capsys, "export", str(path), "--csv", str(tmp_path / "a.csv"),
                             "--html", str(tmp_path / "missing" / "r.html"))
    assert code == 2 and "could not save" in err and not (tmp_path / "a.csv").exists()


def test_check_writable_leaves_nothing_behind(tmp_path):
    from rnnlab.core.io.atomic import check_writable
    assert check_writable(tmp_path / "x.rnnlab") == tmp_path / "x.rnnlab"
    assert list(tmp_path.iterdir()) == []


def test_a_built_in_text_brings_its_own_preset_and_says_so(capsys, tmp_path):
    out_file = tmp_path / "copy.rnnlab"
    code, out, err = run_cli(capsys, "train", "builtin:copy,length=20000", "--steps", "2", "--threads", "1",
                             "--out", str(out_file))
    assert code == 0 and "using the memory preset, made for builtin:copy" in err
    model = load_model(str(out_file))[0]
    assert (model.config.cell, model.config.hidden, model.config.embedding) == ("lstm", 128, 16)


def test_a_short_time_budget_gets_the_preset_that_learns_fastest_in_it(capsys, tmp_path):
    """Within a minute the small LSTM is ahead (benchmarks/RESULTS.md, "quick"), and it says so."""
    out_file = tmp_path / "model.rnnlab"
    code, _, err = run_cli(capsys, "train", TEXT, "--seconds", "0.3", "--threads", "1", "--out", str(out_file))
    assert code == 0 and "using the quick preset, the fastest learner in 60 s or less" in err
    quick = PRESETS["quick"].model
    assert load_model(str(out_file))[0].config.hidden == quick["hidden"] != PRESETS["classroom"].model["hidden"] \
        or not bf16_pays_on_cpu()  # where bf16 does not pay, classroom is the same small LSTM


def test_a_longer_budget_or_none_gets_the_apps_default():
    assert default_preset(60) == "quick" and default_preset(60.5) == "classroom"
    assert default_preset(None) == "classroom"  # a step or epoch budget, or none


def test_a_chosen_preset_beats_the_budgets_default(capsys, tmp_path):
    out_file = tmp_path / "model.rnnlab"
    code, _, err = run_cli(capsys, "train", TEXT, "--preset", "classroom", "--seconds", "0.3",
                           "--threads", "1", "--out", str(out_file))
    assert code == 0 and "quick" not in err
    assert load_model(str(out_file))[0].config.hidden == PRESETS["classroom"].model["hidden"]
