"""One validating checkpoint loader: every command refuses a checkpoint whose metadata or
tensors do not describe a run, with one line naming the field, before using any of it."""

import pytest
import torch

from rnnlab.core.io.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from rnnlab.core.io.run_schema import check_run, tensor_shapes
from rnnlab.core.io.run_state import load_model, load_trainer, read_run_metadata
from tests.test_cli import run_cli, trained  # noqa: F401 - the CLI tests' fixture and helpers


def _without(key):
    return lambda meta, tensors: meta.pop(key)


def _set(section, key, value):
    return lambda meta, tensors: meta[section].__setitem__(key, value)


def _grow_a_weight(meta, tensors):
    name = next(k for k in tensors if k.startswith("model.rnn.weight_ih"))
    tensors[name] = torch.zeros(tensors[name].shape[0] + 1, tensors[name].shape[1])


DAMAGE = {
    "no vocab": (_without("vocab"), "its vocab section is missing"),
    "no counters": (_without("counters"), "its counters section is missing"),
    "lr is a word": (_set("train", "lr", "fast"), "train.lr must be a number, not 'fast'"),
    "batch is true": (_set("train", "batch", True), "train.batch must be a whole number"),
    "negative step": (_set("counters", "step", -1), "counters.step must be a whole number >= 0"),
    "hidden size lies": (_set("model", "hidden", 999), "has shape"),
    "vocab too short": (lambda m, t: m["vocab"].__setitem__("chars", m["vocab"]["chars"][:-1]), "vocab has"),
    "bad evals": (_set("history", "evals", [[1]]), "history.evals must be a list of [step, value] pairs"),
    "bad lr history": (_set("history", "lr", ["fast"]), "history.lr (each step's learning rate) must be"),
    "bad plan": (_set("counters", "plan", {"kind": "fortnights", "amount": 2}), "counters.plan"),
    "a weight too big": (_grow_a_weight, "has shape"),
    "an extra weight": (lambda m, t: t.__setitem__("model.extra", torch.zeros(2)), "model.extra is not part"),
}


@pytest.fixture(params=sorted(DAMAGE))
def damaged(request, trained, tmp_path):
    path, _ = trained
    tensors, meta = load_checkpoint(path)
    change, message = DAMAGE[request.param]
    change(meta, tensors)
    out = tmp_path / "damaged.rnnlab"
    save_checkpoint(out, tensors, meta)
    return out, message


@pytest.mark.parametrize("command", [
    ["train", "--resume", "{p}", "--steps", "1"], ["sample", "{p}", "--length", "5"],
    ["export", "{p}", "--csv", "{d}/x.csv"], ["inspect", "{p}"]])
def test_every_command_refuses_it_in_one_line(damaged, capsys, command):
    path, message = damaged
    argv = [a.format(p=path, d=path.parent) for a in command]
    code, _out, err = run_cli(capsys, *argv)
    assert code == 2 and err.startswith(f"error: {path} is damaged: ") and message in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_the_loaders_refuse_it_with_a_checkpoint_error(damaged):
    path, message = damaged
    for load in (read_run_metadata, load_model, load_trainer):
        with pytest.raises(CheckpointError, match="is damaged"):
            load(path)


def test_a_good_checkpoint_passes_every_check(trained):
    path, _ = trained
    tensors, meta = load_checkpoint(path)
    for need in ("metadata", "model", "trainer"):
        check_run(meta, tensor_shapes(tensors), path, need)
    assert read_run_metadata(path) == meta


def test_a_model_only_file_can_sample_but_not_resume(trained, tmp_path):
    path, _ = trained
    tensors, meta = load_checkpoint(path)
    model_only = {k: v for k, v in tensors.items() if k.startswith("model.")}
    out = tmp_path / "model-only.rnnlab"
    save_checkpoint(out, model_only, {k: v for k, v in meta.items() if k != "optimizer"})
    load_model(out)
    with pytest.raises(CheckpointError, match="optimizer"):
        load_trainer(out)
