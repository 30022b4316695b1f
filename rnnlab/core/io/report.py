"""A run report: one self-contained HTML file a teacher can hand out or print.

It is made from plain data: a run's metadata (`run_state.run_metadata(trainer)`, or a
checkpoint's own, which holds the same keys), plus what only the caller knows: the loss plot
as PNG bytes, the n-gram baseline, one sample and its memorisation report. So the app, the
command line and the tests write the same file. It needs nothing beside it (the plot is a
base64 data: URI, the style sheet is inline), escapes every string that comes from a user
(text names, samples) and prints on A4 or Letter. Losses are in nats/char and bits/char.
Written atomically; a failure raises SaveError with a message for the user.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import math
import os
from dataclasses import dataclass
from pathlib import Path

from rnnlab import __version__
from rnnlab.core.analysis.memorisation import MemorisationReport
from rnnlab.core.data.corpus import split_sizes
from rnnlab.core.io.atomic import atomic_write
from rnnlab.core.io.run_state import history_from
from rnnlab.core.nn.model import ModelConfig, count_parameters
from rnnlab.core.nn.sampler import SampleSettings
from rnnlab.core.train.events import LN2, format_duration
from rnnlab.core.train.trainer import History

RECENT_STEPS = 100  # the training loss of one step is noisy: the report also gives this mean
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass
class RunReport:
    meta: dict  # run_state.run_metadata(trainer) or a checkpoint's metadata
    plot_png: bytes | None = None  # the loss plot, embedded as it is
    plot_width: int | None = None  # CSS pixels to show it at (e.g. its width on screen)
    baseline: float | None = None  # n-gram validation loss, nats/char
    baseline_order: int = 5
    sample: str | None = None  # generated text (without its prime); None = no sample
    sample_settings: SampleSettings | None = None
    sample_step: int | None = None  # the training step of the weights that wrote it
    sample_incomplete: bool = False  # still being generated when the report was made
    memorisation: MemorisationReport | None = None
    created: _dt.datetime | None = None  # None = now

    @property
    def history(self) -> History:
        return history_from(self.meta)


def write_report(path: str | os.PathLike, report: RunReport) -> Path:
    return atomic_write(path, render_html(report).encode("utf-8", "replace"))


def render_html(report: RunReport) -> str:
    meta = report.meta
    model = ModelConfig.from_dict(meta["model"])
    title = f"{meta.get('corpus', {}).get('name', 'a text')} — {_model_name(model)}"
    created = report.created or _dt.datetime.now()
    parts = [
        f"<h1>rnnlab run report</h1>\n<p class=sub>{_e(title)}</p>",
        _results(report, model), _plot(report.plot_png, report.plot_width),
        f"<div class=cols>\n{_progress(meta)}\n{_model_section(model)}\n{_text_section(meta)}\n</div>",
        _training(meta), _sample(report),
        f"<p class=sub>Made with rnnlab {_e(__version__)} on {_e(created.strftime('%Y-%m-%d %H:%M'))}"
        f"{_trained_with(meta)}.</p>",
    ]
    return (f"<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
            f"<title>{_e('rnnlab: ' + title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(p for p in parts if p) + "\n</body>\n</html>\n")


STYLE = """
body { font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: #111; max-width: 46em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 20pt; margin: 0; }
h2 { font-size: 13pt; margin: 1.2em 0 .4em; border-bottom: 1px solid #999; break-after: avoid; }
.sub { color: #444; margin: .2em 0; }
.cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(20em, 1fr)); column-gap: 2em; }
table { border-collapse: collapse; margin: .3em 0; } .cols table { width: 100%; }
tr, img { break-inside: avoid; }
td, th { border: 1px solid #bbb; padding: .15em .6em; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
img { width: 100%; height: auto; border: 1px solid #bbb; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; border: 1px solid #bbb; padding: .6em;
      background: #f6f6f6; font: 10pt/1.35 ui-monospace, Menlo, Consolas, monospace; }
pre b { background: #ddd; }
@page { margin: 15mm; }
@media print { body { margin: 0; max-width: none; } pre { background: none; } }
"""


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _section(heading: str, body: str) -> str:
    return f"<section>\n<h2>{_e(heading)}</h2>\n{body}\n</section>"


def _table(rows, header=None, numbers_from: int = 99) -> str:
    """Every cell is escaped here: callers pass plain values, never markup. Columns from
    `numbers_from` on are right-aligned."""
    def row(cells, tag):
        return "<tr>" + "".join(f"<{tag}{' class=n' if i >= numbers_from else ''}>{_e(c)}</{tag}>"
                                for i, c in enumerate(cells)) + "</tr>"
    head = [row(header, "th")] if header else []
    return "<table>\n" + "\n".join(head + [row(r, "td") for r in rows]) + "\n</table>"


def _loss_row(label: str, nats: float) -> tuple[str, str, str]:
    return label, f"{nats:.4f}", f"{nats / LN2:.4f}"


def _results(report: RunReport, model: ModelConfig) -> str:
    h = report.history
    rows = []
    if h.train_loss:
        recent = h.train_loss[-RECENT_STEPS:]
        rows.append(_loss_row(f"training, last step (step {len(h.train_loss):,})", h.train_loss[-1]))
        rows.append(_loss_row(f"training, mean of the last {len(recent):,} steps", math.fsum(recent) / len(recent)))
    if h.evals:
        last, best = h.evals[-1], min(h.evals, key=lambda e: e[1])
        rows.append(_loss_row(f"validation, last (step {last[0]:,})", last[1]))
        rows.append(_loss_row(f"validation, best (step {best[0]:,})", best[1]))
    if report.baseline is not None:
        rows.append(_loss_row(f"{report.baseline_order}-gram baseline (validation)", report.baseline))
    rows.append(_loss_row(f"guessing uniformly among {model.vocab_size} symbols", math.log(model.vocab_size)))
    body = _table(rows, ("loss", "nats/char", "bits/char"), numbers_from=1)
    verdict = _verdict(h, report.baseline, report.baseline_order)
    return _section("Results", body + (f"\n<p>{_e(verdict)}</p>" if verdict else ""))


def _verdict(h: History, baseline: float | None, order: int) -> str:
    if not h.evals:
        return "No validation pass yet: the losses above are training losses only."
    best = min(v for _, v in h.evals)
    if baseline is None:
        return ""
    gap = best - baseline
    if gap < 0:
        return f"The network beats the {order}-gram baseline by {-gap:.3f} nats/char ({-gap / LN2:.3f} bits/char)."
    return (f"The network has not beaten the {order}-gram baseline yet: {gap:.3f} nats/char "
            f"({gap / LN2:.3f} bits/char) above it.")


def _plot(png: bytes | None, width: int | None) -> str:
    if png is None:
        return _section("Loss plot", "<p>No plot in this report.</p>")
    if not png.startswith(PNG_MAGIC):
        raise ValueError("the loss plot is not a PNG image")
    data = base64.b64encode(png).decode("ascii")
    size = f" width={int(width)}" if width else ""
    return _section("Loss plot", f'<p><img alt="loss plot"{size} src="data:image/png;base64,{data}"></p>')


def _progress(meta: dict) -> str:
    c, corpus = meta.get("counters", {}), meta.get("corpus", {})
    steps, chars, seconds = int(c.get("step", 0)), int(c.get("chars_seen", 0)), float(c.get("train_seconds", 0))
    epoch = c.get("epoch")
    if epoch is None and corpus.get("n_chars"):  # checkpoints saved before "epoch" was kept
        epoch = chars / split_sizes(corpus["n_chars"], corpus.get("val_fraction", 0.1))[0]
    rows = [("steps", f"{steps:,}"), ("epochs (passes over the text)",
                                      "—" if epoch is None else f"{epoch:.2f}"),
            ("characters seen", f"{chars:,}"),
            ("training time", format_duration(seconds))]
    if seconds > 0:
        rows.append(("average speed", f"{chars / seconds:,.0f} chars/s"))
    return _section("Progress", _table(rows, numbers_from=1))


def _model_name(model: ModelConfig) -> str:
    return f"{model.cell.upper()} {model.layers}×{model.hidden}"


def _model_section(model: ModelConfig) -> str:
    rows = [("cell", model.cell.upper()), ("layers × hidden units", f"{model.layers} × {model.hidden}"),
            ("input", f"embedding of {model.embedding}" if model.embedding else "one-hot"),
            ("dropout", f"{model.dropout:g}"), ("vocabulary", f"{model.vocab_size} symbols"),
            ("parameters", f"{count_parameters(model):,}")]
    return _section("Model", _table(rows))


def _text_section(meta: dict) -> str:
    corpus = meta.get("corpus", {})
    n = int(corpus.get("n_chars", 0))
    fraction = float(corpus.get("val_fraction", 0.1))
    n_train, n_val = split_sizes(n, fraction)
    rows = [("name", corpus.get("name", "?")), ("source", corpus.get("source", "?")),
            ("encoding", corpus.get("encoding", "?")), ("characters", f"{n:,}"),
            ("training / validation", f"{n_train:,} / {n_val:,} (last {fraction:.0%})")]
    return _section("Text", _table(rows))


_TRAIN_LABELS = {
    "batch": "batch (parallel streams)", "seq": "sequence length (BPTT window)", "lr": "learning rate",
    "schedule_steps": "cosine schedule length (steps)", "decay_every": "step schedule: decay every (steps)",
    "decay_gamma": "step schedule: decay factor", "clip": "gradient clipping (max norm, 0 = off)",
    "carry_hidden": "hidden state carried between windows", "momentum": "momentum (sgd)",
    "eval_every": "validation every (steps)", "eval_max_chars": "validation characters (at most)",
    "threads": "CPU threads (0 = default)",
}
_ONLY_WITH = {"schedule_steps": ("schedule", "cosine"), "decay_every": ("schedule", "step"),
              "decay_gamma": ("schedule", "step"), "momentum": ("optimizer", "sgd")}


def _training(meta: dict) -> str:
    train, counters = meta.get("train", {}), meta.get("counters", {})
    rows = [(_TRAIN_LABELS.get(k, k.replace("_", " ")), str(v) if k == "seed" else _value(v))
            for k, v in train.items()
            if k not in _ONLY_WITH or train.get(_ONLY_WITH[k][0]) == _ONLY_WITH[k][1]]
    base_lr = counters.get("base_lr")
    if base_lr is not None and "lr" in train and not math.isclose(base_lr, train["lr"]):
        rows.append(("learning rate at the end (changed while training)", _value(base_lr)))
    return _section("Training settings", _table(rows))


def _value(v) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    return f"{v:g}" if isinstance(v, float) else f"{v:,}" if isinstance(v, int) else str(v)


def _sample(report: RunReport) -> str:
    if report.sample is None:
        return _section("Sample", "<p>No sample: generate one in the Sampling panel before exporting.</p>")
    prime = report.sample_settings.prime if report.sample_settings else ""
    lines = [f"<p>{_e(_sample_how(report))}</p>",
             f"<pre>{f'<b>{_e(prime)}</b>' if prime else ''}{_e(report.sample)}</pre>"]
    if report.memorisation is not None:
        lines.append(f"<p>{_e(report.memorisation.summary())}</p>")
    return _section("Sample", "\n".join(lines))


def _sample_how(report: RunReport) -> str:
    s = report.sample_settings
    parts = [f"{len(report.sample):,} characters"]
    if report.sample_step is not None:
        parts.append(f"written by the model at step {report.sample_step:,}")
    if s is not None:
        parts.append(f"after the prime “{s.prime}” (in bold)" if s.prime else "starting from a new line")
        parts.append("greedy (temperature 0)" if s.temperature == 0 else f"temperature {s.temperature:g}")
        parts += [f"top-k {s.top_k}"] if s.top_k else []
        parts += [f"top-p {s.top_p:g}"] if s.top_p < 1 else []
        parts.append(f"seed {s.seed}" if s.seed is not None else "random seed")
    if report.sample_incomplete:
        parts.append("still being generated when this report was made")
    return ", ".join(parts) + "."


def _trained_with(meta: dict) -> str:
    saved = meta.get("rnnlab_version")
    return f" (trained with rnnlab {_e(saved)})" if saved and saved != __version__ else ""
