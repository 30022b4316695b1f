"""`rnnlab race`: per-run JSON events, the final table, saved checkpoints, clear errors."""

import pytest
from test_cli import TEXT, json_lines, run_cli

from rnnlab.core.io.run_state import load_model

SMALL = ["--layers", "1", "--params", "3000", "--batch", "4", "--seq", "16", "--threads", "1",
         "--eval-every", "0"]


def test_json_tags_every_event_with_its_run_and_ends_with_the_results(capsys):
    code, out, _ = run_cli(capsys, "race", TEXT, *SMALL, "--cells", "rnn,lstm,gru",
                           "--steps", "4", "--fair", "steps", "--json")
    assert code == 0
    records = json_lines(out)
    start, done = records[0], records[-1]
    labels = [c["label"] for c in start["contenders"]]
    assert start["event"] == "race" and [c["cell"] for c in start["contenders"]] == ["rnn", "lstm", "gru"]
    steps = [r for r in records if r.get("event") == "step"]
    assert [r["run"] for r in steps] == [0, 1, 2] * 4  # equal steps: strict turns
    assert all(r["label"] == labels[r["run"]] for r in steps)
    evals = [r for r in records if r.get("event") == "eval"]
    assert sorted(r["run"] for r in evals) == [0, 1, 2]
    assert done["event"] == "done" and done["reason"] == "budget"
    assert [r["steps"] for r in done["runs"]] == [4, 4, 4]
    assert [r["val_loss"] for r in done["runs"]] == [e["val_loss"] for e in sorted(evals, key=lambda e: e["run"])]
    assert done["winner"] == min(done["runs"], key=lambda r: r["val_loss"])["label"]
    for row in done["runs"]:
        assert abs(row["params"] - 3000) / 3000 < 0.25  # the budget picks each cell's size


def test_text_mode_prints_a_table_sorted_by_validation_loss(capsys):
    code, out, err = run_cli(capsys, "race", TEXT, *SMALL, "--cells", "rnn,gru:1x8", "--seconds", "0.5")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["contender", "params", "steps"]
    losses = [float(line.split()[-2]) for line in lines[1:3]]
    assert losses == sorted(losses)
    assert "GRU 1x8" in out and "RNN 1x" in out
    assert lines[-1] == f"lowest validation loss: {lines[1].split('  ')[0].strip()}"
    assert "sharing the CPU by time" in err


def test_save_writes_one_checkpoint_per_contender(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "race", TEXT, *SMALL, "--cells", "lstm,gru", "--steps", "2",
                           "--json", "--save", str(tmp_path))
    assert code == 0
    runs = json_lines(out)[-1]["runs"]
    for row in runs:
        model, vocab = load_model(row["checkpoint"])[:2]
        assert model.config.cell == row["cell"] and model.config.hidden == row["hidden"]


@pytest.mark.parametrize("argv, words", [
    (["--cells", "rnn"], "2 to 4 contenders"),
    (["--cells", "rnn,cnn"], "bad contender 'cnn'"),
    (["--params", "0"], "--params must be positive"),
    (["--seconds", "-1"], "--seconds must be positive"),
    (["--save", "/no/such/folder"], "not a folder"),
])
def test_bad_options_give_one_error_line(capsys, argv, words):
    code, out, err = run_cli(capsys, "race", TEXT, *SMALL, *argv)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and words in err and err.count("\n") == 1


def test_the_copy_task_race_scores_the_copying_with_the_memory_preset(capsys):
    code, out, err = run_cli(capsys, "race", "builtin:copy,length=20000", "--cells", "rnn,lstm",
                             "--steps", "3", "--threads", "1", "--json")
    assert code == 0
    records = json_lines(out)
    assert "using the memory preset" in records[0]["message"]
    start, done = records[1], records[-1]
    assert [c["hidden"] for c in start["contenders"]][1] == 128  # the memory preset's LSTM
    for row in done["runs"]:
        copy = row["copy"]
        assert copy["tried"] == 20 and 0 <= copy["copied"] <= 20 and copy["copy_loss"] > 0
        assert copy["example"].count("|") == 2
    code, out, err = run_cli(capsys, "race", "builtin:copy,length=20000", "--cells", "rnn,lstm",
                             "--steps", "2", "--threads", "1")
    head = out.splitlines()[0]
    assert code == 0 and "copied half" in head and "copies" in head
    assert out.count(" wrote: ") == 2 and "of 20" in out


def test_other_texts_get_no_copy_columns(capsys):
    code, out, _ = run_cli(capsys, "race", TEXT, *SMALL, "--cells", "rnn,lstm", "--steps", "2", "--json")
    assert code == 0 and all("copy" not in row for row in json_lines(out)[-1]["runs"])
