"""`rnnlab race`: train two to four models side by side on one text, then a results table."""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path

from rnnlab.cli.cmd_train import (
    TRAIN_OPTIONS,
    add_text_options,
    add_training_options,
    check_ranges,
    choose_preset,
    given,
)
from rnnlab.cli.errors import UsageError
from rnnlab.cli.progress import TextReporter
from rnnlab.core.data.corpus import load_corpus
from rnnlab.core.io.atomic import check_writable
from rnnlab.core.io.run_state import save_trainer
from rnnlab.core.nn.copy_score import is_copy_task, score_copy
from rnnlab.core.nn.model import count_parameters
from rnnlab.core.train.device import set_threads
from rnnlab.core.train.events import LN2, EvalEvent, StepEvent, WarningEvent
from rnnlab.core.train.presets import PRESETS, RACE_PRESET, get_preset
from rnnlab.core.train.race import DEFAULT_CELLS, FAIRNESS, Race, make_contenders, parse_cells

DEFAULT_SECONDS = 60.0
REDRAW_S = 0.1


def add_parser(sub) -> None:
    p = sub.add_parser("race", help="train several cells side by side and compare them",
                       description="Train 2-4 models on the same text and seed, taking turns on "
                                   "the CPU, then print a table of their validation losses.")
    p.add_argument("text", nargs="?", help="text file or builtin:NAME (default: the preset's)")
    p.add_argument("--preset", choices=list(PRESETS),
                   help=f"starting settings (default: {RACE_PRESET}, or the one made for a "
                        f"built-in text, e.g. memory for builtin:copy)")
    m = p.add_argument_group("contenders")
    m.add_argument("--cells", default=",".join(DEFAULT_CELLS),
                   help="comma-separated cells, each optionally sized as CELL:LAYERSxHIDDEN "
                        "(default: %(default)s)")
    m.add_argument("--params", type=int, help="parameter budget for cells given without a size "
                                              "(default: the preset's LSTM)")
    m.add_argument("--layers", type=int, help="layers of cells given without a size")
    m.add_argument("--embedding", type=int, help="embedding size; 0 = one-hot input")
    m.add_argument("--fair", choices=FAIRNESS, default="time",
                   help="share equal training time, or equal steps (default: %(default)s)")
    t = add_training_options(p)
    budget = t.add_mutually_exclusive_group()
    budget.add_argument("--seconds", type=float,
                        help=f"training time in all, shared (default: {DEFAULT_SECONDS:g})")
    budget.add_argument("--steps", type=int, help="steps for each contender")
    d = add_text_options(p)
    d.add_argument("--save", metavar="DIR", help="save each contender's checkpoint in DIR")
    p.add_argument("--json", action="store_true", help="print one JSON object per line")
    p.set_defaults(run=run)


def run(args) -> int:
    check_ranges(args)
    out = JsonRaceOutput() if args.json else TextRaceOutput()
    choose_preset(args, RACE_PRESET, out.message)
    race = _make_race(args)
    for warning in race.corpus.warnings:
        out.message(f"warning: {warning}")
    out.start(race)
    reason = _run(race, args, out)
    results = [_final(race, i, out) for i in range(len(race.trainers))]
    if args.save:
        for result, trainer in zip(results, race.trainers):
            result["checkpoint"] = save_trainer(Path(args.save) / _file_name(result), trainer)
    out.done(results, reason)
    return 0


def _make_race(args) -> Race:
    preset = get_preset(args.preset)
    corpus = load_corpus(args.text or preset.corpus, encoding=args.encoding,
                         vocab_cap=args.vocab_cap, val_fraction=args.val_fraction)
    overrides = given(args, ("layers", "embedding"))
    base = preset.model_config(len(corpus.vocab), **overrides, cell="lstm")
    if args.params is not None and args.params < 1:
        raise UsageError(f"--params must be positive, not {args.params}")
    train = preset.train_config(**given(args, TRAIN_OPTIONS))
    if args.save and not Path(args.save).is_dir():
        raise UsageError(f"--save: {args.save} is not a folder")
    if args.save:
        check_writable(Path(args.save) / "race.rnnlab")  # before the race, not after it
    set_threads(train.threads)
    return Race(corpus, make_contenders(parse_cells(args.cells), base, train, args.params), args.fair)


def _run(race: Race, args, out) -> str:
    """Race to the budget. The first Ctrl-C ends the race early (the table still prints)."""
    stop = []

    def on_sigint(signum, frame):
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C is hard
        stop.append(True)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        if args.steps is not None:
            reason = race.run(out.on_event, max_steps=args.steps, should_stop=lambda: bool(stop))
        else:
            seconds = args.seconds if args.seconds is not None else DEFAULT_SECONDS
            reason = race.run(out.on_event, max_seconds=seconds, should_stop=lambda: bool(stop))
    finally:
        signal.signal(signal.SIGINT, previous)
    return reason


def _final(race: Race, index: int, out) -> dict:
    """One contender's row: its size, its work, and the validation loss of its final weights."""
    trainer, contender = race.trainers[index], race.contenders[index]
    if trainer.history.evals and trainer.history.evals[-1][0] == trainer.step_count:
        val = trainer.history.evals[-1][1]
    else:
        event = trainer.evaluate()
        out.on_event(index, event)
        val = event.val_loss
    m = contender.model
    copy = score_copy(trainer.model, race.corpus).to_dict() if is_copy_task(race.corpus) else None
    return {"run": index, "label": contender.label, "cell": m.cell, "layers": m.layers,
            "hidden": m.hidden, "params": count_parameters(m), "steps": trainer.step_count,
            "chars_seen": trainer.chars_seen, "train_seconds": trainer.train_seconds,
            "train_chars_per_s": trainer.chars_seen / trainer.train_seconds if trainer.train_seconds else 0.0,
            "val_loss": val, "val_bpc": val / LN2, "out": index in race.out,
            **({"copy": copy} if copy else {})}


def _file_name(result: dict) -> str:
    return f"race-{result['run']}-{result['cell']}-{result['layers']}x{result['hidden']}.rnnlab"


def winner(results: list[dict]) -> dict:
    """The contender with the lowest validation loss (those out of the race cannot win)."""
    return min(results, key=lambda r: (r["out"], r["val_loss"]))


class JsonRaceOutput:
    """One JSON object per line: each contender's events tagged with "run", then "done"."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout
        self.labels: list[str] = []

    def emit(self, record: dict) -> None:
        self.stream.write(json.dumps(record) + "\n")
        self.stream.flush()

    def message(self, text: str) -> None:
        self.emit({"event": "info", "message": text})

    def start(self, race: Race) -> None:
        self.labels = race.labels
        self.emit({"event": "race", "text": race.corpus.name, "fairness": race.fairness,
                   "contenders": [{"run": i, "label": c.label, **c.model.to_dict(),
                                   "params": count_parameters(c.model)}
                                  for i, c in enumerate(race.contenders)]})

    def on_event(self, index: int, event) -> None:
        self.emit({"run": index, "label": self.labels[index], **event.to_dict()})

    def done(self, results: list[dict], reason: str) -> None:
        self.emit({"event": "done", "reason": reason, "winner": winner(results)["label"],
                   "runs": results})


class TextRaceOutput(TextReporter):
    """A redrawn status line per race on a terminal; eval lines; the final table on stdout."""

    def __init__(self, stream=None, interactive: bool | None = None):
        super().__init__(stream, interactive)
        self.race: Race | None = None
        self._last: dict[int, float] = {}

    def start(self, race: Race) -> None:
        self.race = race
        self.print_line(f"{race.corpus.summary()}")
        for c in race.contenders:
            self.print_line(f"  {c.label:<16} {count_parameters(c.model):>10,} parameters")
        self.print_line(f"sharing the CPU by {race.fairness}; Ctrl-C ends the race early")

    def on_event(self, index: int, event) -> None:
        label = self.race.labels[index]
        if isinstance(event, StepEvent):
            self._last[index] = event.loss
            self._redraw()
        elif isinstance(event, EvalEvent):
            self.print_line(f"{label}: step {event.step:,}: validation loss {event.val_loss:.4f} "
                        f"nats/char ({event.val_bpc:.3f} bits/char)")
        elif isinstance(event, WarningEvent):
            self.print_line(f"warning: {label}: {event.message}")

    def _redraw(self) -> None:
        now = time.monotonic()
        if not self.interactive or now - self._last_draw < REDRAW_S:
            return
        self._last_draw = now
        parts = [f"{label} {self._last[i]:.3f}" for i, label in enumerate(self.race.labels)
                 if i in self._last]
        self.draw(f"{self.race.train_seconds:6.1f} s | loss " + " | ".join(parts))

    def done(self, results: list[dict], reason: str) -> None:
        self.print_line(f"race over ({reason})")
        print(format_table(results))


def format_table(results: list[dict]) -> str:
    copy = all("copy" in r for r in results)  # the copy task: does each contender remember?
    head = f"{'contender':<18}{'params':>10}{'steps':>9}{'chars/s':>10}{'train s':>9}" \
           f"{'val loss':>10}{'bits/char':>11}" + (f"{'copied half':>13}{'copies':>9}" if copy else "")
    rows = [head]
    ranked = sorted(results, key=lambda r: (r["out"], r["val_loss"]))
    for r in ranked:
        note = "  (out: diverged)" if r["out"] else ""
        cells = (f"{r['copy']['copy_loss']:>13.3f}{r['copy']['copied']:>4} of {r['copy']['tried']:<2}"
                 if copy else "")
        rows.append(f"{r['label']:<18}{r['params']:>10,}{r['steps']:>9,}{r['train_chars_per_s']:>10,.0f}"
                    f"{r['train_seconds']:>9.1f}{r['val_loss']:>10.4f}{r['val_bpc']:>11.3f}{cells}{note}")
    best = winner(results)
    rows.append(f"lowest validation loss: {best['label']}")
    if copy:
        rows.append("copied half: nats/char on each line's second copy (~0: remembered, ~1.39: "
                    "not); copies: fresh strings written back exactly")
        rows.extend(f"  {r['label']} wrote: {r['copy']['example']}" for r in ranked)
    return "\n".join(rows)
