"""Exports of a run: the loss history as CSV and the one-file HTML report, from a real
short training run."""

import base64
import csv
import datetime as dt
import os
import re
import struct
import zlib

import pytest

from rnnlab import __version__
from rnnlab.core.analysis.memorisation import measure_text
from rnnlab.core.data.corpus import load_corpus
from rnnlab.core.io.atomic import SaveError
from rnnlab.core.io.history_csv import HISTORY_COLUMNS, history_csv, write_history_csv
from rnnlab.core.io.report import PNG_MAGIC, RunReport, render_html, write_report
from rnnlab.core.io.run_state import history_from, load_trainer, run_metadata, save_trainer
from rnnlab.core.nn.model import ModelConfig, count_parameters
from rnnlab.core.nn.sampler import SampleSettings
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.events import LN2
from rnnlab.core.train.trainer import Trainer

STEPS, EVAL_EVERY = 30, 10


def make_trainer(corpus, **train):
    model = ModelConfig(vocab_size=len(corpus.vocab), cell="gru", hidden=16, layers=1)
    return Trainer(corpus, model, TrainConfig(**{"batch": 4, "seq": 16, "eval_every": EVAL_EVERY,
                                                  "seed": 5, "threads": 1, **train}))


@pytest.fixture(scope="module")
def corpus():
    return load_corpus("builtin:counting,length=6000")


@pytest.fixture(scope="module")
def trained(corpus):
    """Read-only for the tests: they share it."""
    trainer = make_trainer(corpus)
    trainer.evaluate()  # a validation pass before the first step: a row with no train_loss
    for _ in range(STEPS):
        trainer.step()
    return trainer


def tiny_png() -> bytes:
    """A real 1x1 PNG, made without any imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    return PNG_MAGIC + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x80\x00")) \
        + chunk(b"IEND", b"")


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------- CSV


def test_csv_round_trips_the_run(trained, tmp_path):
    path = write_history_csv(tmp_path / "loss.csv", trained.history)
    rows = read_csv(path)
    assert tuple(rows[0].keys()) == HISTORY_COLUMNS
    assert rows[0] == {"step": "0", "chars_seen": "0", "train_loss": "", "val_loss": rows[0]["val_loss"], "lr": ""}
    steps = rows[1:]
    assert [float(r["lr"]) for r in steps] == trained.history.lrs  # each step's own rate
    assert [int(r["step"]) for r in steps] == list(range(1, STEPS + 1))
    assert [float(r["train_loss"]) for r in steps] == trained.history.train_loss  # exact floats
    assert [int(r["chars_seen"]) for r in steps] == [s * 4 * 16 for s in range(1, STEPS + 1)]
    assert int(steps[-1]["chars_seen"]) == trained.chars_seen
    vals = {int(r["step"]): float(r["val_loss"]) for r in rows if r["val_loss"]}
    assert vals == dict(trained.history.evals)
    assert sorted(vals) == [0, 10, 20, 30]


def test_chars_seen_stay_exact_across_a_resume_with_other_windows(trained, corpus, tmp_path):
    save_trainer(tmp_path / "a.rnnlab", trained)
    resumed = load_trainer(tmp_path / "a.rnnlab", corpus, batch=2, seq=8)
    for _ in range(5):
        resumed.step()
    save_trainer(tmp_path / "b.rnnlab", resumed)
    again = load_trainer(tmp_path / "b.rnnlab", corpus)  # same windows: nothing new
    assert again.history.windows == [(0, 64), (STEPS, 16)]
    rows = [r for r in history_csv(again.history).splitlines()[1:] if not r.startswith("0,")]
    chars = [int(r.split(",")[1]) for r in rows]
    assert chars[STEPS - 1] == STEPS * 64 and chars[-1] == STEPS * 64 + 5 * 16 == again.chars_seen


def test_a_checkpoint_without_window_sizes_gets_one_size(trained):
    meta = run_metadata(trained)
    del meta["history"]["windows"]  # as saved before they were kept
    history = history_from(meta)
    assert history.chars_at([1, STEPS]).tolist() == [64, STEPS * 64]


def test_csv_write_failures_are_clear_and_keep_the_old_file(trained, tmp_path, monkeypatch):
    with pytest.raises(SaveError, match="could not save .*No such file"):
        write_history_csv(tmp_path / "missing" / "loss.csv", trained.history)
    with pytest.raises(SaveError, match="Is a directory|Permission|Access"):
        write_history_csv(tmp_path, trained.history)
    old = tmp_path / "loss.csv"
    old.write_text("old", encoding="utf-8")

    def broken_replace(*_args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(SaveError, match="No space left"):
        write_history_csv(old, trained.history)
    assert old.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["loss.csv"]  # no temp file left behind


# ---------------------------------------------------------------- HTML report


def full_report(trainer, corpus, **extra):
    sample = "hello <script>alert('x')</script> & the cat sat"
    fields = dict(plot_png=tiny_png(), plot_width=600, baseline=1.25, baseline_order=5, sample=sample,
                  sample_settings=SampleSettings(prime="<b>", seed=7), sample_step=trainer.step_count,
                  memorisation=measure_text(sample, corpus), created=dt.datetime(2025, 3, 1, 9, 30))
    return RunReport(run_metadata(trainer), **{**fields, **extra})


def test_report_has_the_numbers_of_the_run(trained, corpus):
    html = render_html(full_report(trained, corpus))
    h = trained.history
    best = min(v for _, v in h.evals)
    for nats in (h.train_loss[-1], h.evals[-1][1], best, 1.25):
        assert f"{nats:.4f}" in html and f"{nats / LN2:.4f}" in html
    assert f"{sum(h.train_loss) / len(h.train_loss):.4f}" in html  # the mean of the last steps
    assert f"step {STEPS}" in html and f"{trained.chars_seen:,}" in html
    assert f"{count_parameters(trained.model_config):,}" in html and "GRU" in html
    assert ("<p class=sub>builtin:counting,length=6000 — GRU 1×16</p>" in html and "2025-03-01 09:30" in html
            and f"rnnlab {__version__}" in html)
    assert "has not beaten the 5-gram baseline" in html  # a 30-step GRU is far from 1.25
    assert "Copied from the training text" in html and "seed 7" in html
    assert f"written by the model at step {STEPS}" in html


def test_report_escapes_what_users_wrote(trained, corpus):
    report = full_report(trained, corpus)
    report.meta["corpus"]["name"] = 'my <i>"notes"</i>'
    html = render_html(report)
    assert "<script" not in html.lower() and "<i>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; the cat" in html
    assert "my &lt;i&gt;&quot;notes&quot;&lt;/i&gt;" in html
    assert "<b>&lt;b&gt;</b>" in html  # the prime, in bold, escaped


def test_report_embeds_the_plot_as_a_png_data_uri(trained, corpus, tmp_path):
    path = write_report(tmp_path / "report.html", full_report(trained, corpus))
    html = path.read_text(encoding="utf-8")
    (uri,) = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert base64.b64decode(uri, validate=True) == tiny_png()
    assert not re.search(r'(src|href)="(?!data:)', html)  # nothing outside the file
    with pytest.raises(ValueError, match="not a PNG"):
        render_html(RunReport(run_metadata(trained), plot_png=b"GIF89a..."))


def test_report_without_plot_sample_or_validation(corpus):
    trainer = make_trainer(corpus, eval_every=0)
    trainer.step()
    html = render_html(RunReport(run_metadata(trainer)))
    assert "No plot in this report" in html and "No sample" in html
    assert "No validation pass yet" in html and "baseline" not in html


def test_report_says_when_the_network_beats_the_baseline(trained, corpus):
    html = render_html(full_report(trained, corpus, baseline=9.0))
    assert "beats the 5-gram baseline by" in html
