"""`rnnlab train`: train headless, with a progress bar or JSON lines, and save a checkpoint."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from rnnlab.cli.errors import UsageError
from rnnlab.cli.progress import Budget, JsonReporter, TextReporter
from rnnlab.core.data.corpus import load_corpus
from rnnlab.core.io.atomic import check_writable
from rnnlab.core.io.run_state import corpus_for, load_trainer, read_run_metadata, save_trainer
from rnnlab.core.nn.model import CELLS
from rnnlab.core.train.device import DEVICES
from rnnlab.core.train.events import EvalEvent, StepEvent
from rnnlab.core.train.optim import OPTIMIZERS, SCHEDULES
from rnnlab.core.train.precision import PRECISIONS
from rnnlab.core.train.presets import (
    DEFAULT_PRESET,
    PRESETS,
    QUICK_PRESET,
    QUICK_SECONDS,
    default_preset,
    get_preset,
    preset_for,
)
from rnnlab.core.train.thread_fit import fit_threads
from rnnlab.core.train.trainer import Trainer

MODEL_OPTIONS = ("cell", "hidden", "layers", "embedding", "dropout")
TRAIN_OPTIONS = ("batch", "seq", "lr", "optimizer", "schedule", "clip", "carry_hidden",
                 "eval_every", "device", "threads", "seed", "precision")
EXIT_PAUSED = 3  # the guard paused a diverging run


def add_parser(sub) -> None:
    p = sub.add_parser("train", help="train a model without the app",
                       description="Train a character-level model on TEXT (a file or builtin:NAME).")
    p.add_argument("text", nargs="?", help="text file or builtin:NAME (default: the preset's)")
    p.add_argument("--preset", choices=list(PRESETS),
                   help=f"starting settings (default: {DEFAULT_PRESET}; {QUICK_PRESET} for --seconds "
                        f"{QUICK_SECONDS:g} or less; the one made for a built-in text, e.g. memory "
                        f"for builtin:copy)")
    m = p.add_argument_group("model")
    m.add_argument("--cell", choices=CELLS)
    m.add_argument("--hidden", type=int, help="units per layer")
    m.add_argument("--layers", type=int)
    m.add_argument("--embedding", type=int, help="embedding size; 0 = one-hot input")
    m.add_argument("--dropout", type=float, help="dropout between layers")
    t = add_training_options(p)
    budget = t.add_mutually_exclusive_group()
    budget.add_argument("--steps", type=int, help="stop after N steps")
    budget.add_argument("--seconds", type=float, help="stop after S seconds of training")
    budget.add_argument("--epochs", type=float, help="stop after E passes over the text")
    d = add_text_options(p)
    d.add_argument("--out", help="checkpoint to write (default: TEXT-CELL.rnnlab here)")
    d.add_argument("--resume", help="continue exactly from this checkpoint")
    p.add_argument("--json", action="store_true", help="print one JSON object per line")
    p.set_defaults(run=run)


def add_training_options(p):
    """The training settings, shared with `rnnlab race`; returns the group for more."""
    t = p.add_argument_group("training")
    t.add_argument("--batch", type=int, help="parallel streams")
    t.add_argument("--seq", type=int, help="BPTT window in characters")
    t.add_argument("--lr", type=float, help="learning rate")
    t.add_argument("--optimizer", choices=OPTIMIZERS)
    t.add_argument("--schedule", choices=SCHEDULES)
    t.add_argument("--clip", type=float, help="max gradient norm; 0 = off")
    t.add_argument("--no-carry", dest="carry_hidden", action="store_const", const=False,
                   help="start every window from a zero hidden state (default: carry it)")
    t.add_argument("--eval-every", type=int, help="steps between validation passes")
    t.add_argument("--device", choices=DEVICES)
    t.add_argument("--threads", type=int,
                   help="CPU threads for torch; 0 (default) = the fastest count, measured while training")
    t.add_argument("--precision", choices=PRECISIONS,
                   help="auto (default): bf16 only on a CPU where it is native, timed faster, and measured better")
    t.add_argument("--seed", type=int)
    return t


def add_text_options(p):
    """How the text is read, shared with `rnnlab race`; returns the group."""
    d = p.add_argument_group("files")
    d.add_argument("--encoding", help="text encoding when not UTF-8/UTF-16, e.g. cp1252")
    d.add_argument("--vocab-cap", type=int, default=512, help="most distinct symbols kept")
    d.add_argument("--val-fraction", type=float, default=0.1, help="held-out share of the text")
    return d


def run(args) -> int:
    check_ranges(args)
    reporter = JsonReporter() if args.json else TextReporter()
    if not args.resume:
        choose_preset(args, default_preset(args.seconds), reporter.message)
    trainer = _resume(args) if args.resume else _fresh(args)
    threads = fit_threads(trainer.config.threads, trainer.device)  # one trainer: the process is its own
    out = check_writable(Path(args.out or args.resume or _default_out(trainer)))  # before, not after, training
    reporter.message(f"{trainer.corpus.summary()}")
    for warning in trainer.corpus.warnings:
        reporter.warning("corpus", warning)
    reporter.message(f"{trainer.model_config.cell.upper()} {trainer.model_config.layers}x"
                     f"{trainer.model_config.hidden}, {trainer.model.num_parameters():,} parameters, "
                     f"on {trainer.device.type}; checkpoint: {out}")
    budget, keep_plan = _budget(args, trainer)
    if keep_plan:
        reporter.message(f"resuming the interrupted run's plan: {budget.describe()} to go")
    reason = _train(trainer, budget, reporter, keep_plan, threads)
    final = _final_eval(trainer, reporter)
    checkpoint = save_trainer(out, trainer)
    _report_done(reporter, trainer, final, checkpoint, reason)
    reporter.close()
    return EXIT_PAUSED if reason == "paused" else 0


def check_ranges(args) -> None:
    for name in ("steps", "seconds", "epochs"):
        value = getattr(args, name, None)
        if value is not None and value <= 0:
            raise UsageError(f"--{name} must be positive, not {value:g}")
    if args.vocab_cap < 2:
        raise UsageError(f"--vocab-cap must be at least 2, not {args.vocab_cap}")
    if not 0 < args.val_fraction <= 0.5:
        raise UsageError(f"--val-fraction must be in (0, 0.5], not {args.val_fraction:g}")


def choose_preset(args, default: str, say) -> None:
    """args.preset: the one given, else the one made for a built-in text (said), else `default`."""
    chosen, args.preset = args.preset, preset_for(args.text, args.preset, default)
    if chosen is None and args.preset != default:
        say(f"using the {args.preset} preset, made for {args.text} (--preset to choose another)")
    elif chosen is None and default == QUICK_PRESET:
        say(f"using the {default} preset, the fastest learner in {QUICK_SECONDS:g} s or less "
            f"(--preset {DEFAULT_PRESET} for the app's default)")


def given(args, names) -> dict:
    return {n: getattr(args, n) for n in names if getattr(args, n) is not None}


def _fresh(args) -> Trainer:
    preset = get_preset(args.preset)
    corpus = load_corpus(args.text or preset.corpus, encoding=args.encoding,
                         vocab_cap=args.vocab_cap, val_fraction=args.val_fraction)
    model_config = preset.model_config(len(corpus.vocab), **given(args, MODEL_OPTIONS))
    train_config = preset.train_config(**given(args, TRAIN_OPTIONS))
    return Trainer(corpus, model_config, train_config)


def _resume(args) -> Trainer:
    model_options = given(args, MODEL_OPTIONS)
    if model_options:
        raise UsageError(f"--resume keeps the checkpoint's model; drop "
                         f"{', '.join('--' + n for n in model_options)}")
    meta = read_run_metadata(args.resume)
    corpus = corpus_for(meta, args.text, args.encoding)
    return load_trainer(args.resume, corpus, **given(args, TRAIN_OPTIONS))


def _default_out(trainer: Trainer) -> str:
    return f"{trainer.corpus.stem}-{trainer.model_config.cell}.rnnlab"


def _budget(args, trainer: Trainer) -> tuple[Budget, bool]:
    """The run's budget, and whether it is what is left of a resumed run's plan (a resume
    with no budget given goes on to the end of the budget it was started with)."""
    if args.steps is not None:
        return Budget("steps", args.steps), False
    if args.seconds is not None:
        return Budget("seconds", args.seconds), False
    if args.epochs is not None:
        return Budget("epochs", args.epochs), False
    plan = trainer.plan
    if args.resume and plan is not None:
        left = plan.remaining(trainer.step_count, trainer.train_seconds, trainer.epoch)
        if left > 0:
            return Budget(plan.kind, round(left) if plan.kind == "steps" else left), True
    preset = get_preset(args.preset)
    return (Budget("steps", preset.steps) if preset.steps else Budget("epochs", preset.epochs)), False


def _train(trainer: Trainer, budget: Budget, reporter, keep_plan: bool = False, threads=None) -> str:
    """Run to the budget. The first Ctrl-C stops after the current step (and we save)."""
    steps0, seconds0, epoch0 = trainer.step_count, trainer.train_seconds, trainer.epoch

    def on_event(event):
        if threads is not None and isinstance(event, StepEvent):
            threads.after_step(trainer)
        progress = budget.fraction(trainer.step_count - steps0, trainer.train_seconds - seconds0,
                                   trainer.epoch - epoch0)
        reporter.on_event(event, progress)

    def on_sigint(signum, frame):
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C is hard
        trainer.stop()

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        kwargs = {f"max_{budget.kind}": budget.amount}
        reason = trainer.run(on_event, block_on_pause=False, plan=not keep_plan, **kwargs)
    finally:
        signal.signal(signal.SIGINT, previous)
    if reason == "stopped":
        reporter.message("interrupted: saving a checkpoint")
    return reason


def _final_eval(trainer: Trainer, reporter) -> EvalEvent:
    """The validation loss of the final weights (reused when the last step just measured it)."""
    if trainer.history.evals and trainer.history.evals[-1][0] == trainer.step_count:
        return EvalEvent(trainer.step_count, trainer.history.evals[-1][1], trainer.chars_seen)
    final = trainer.evaluate()
    reporter.on_event(final, 1.0)
    return final


def _report_done(reporter, trainer: Trainer, final, checkpoint: str, reason: str) -> None:
    chars_per_s = trainer.chars_seen / trainer.train_seconds if trainer.train_seconds else 0.0
    record = {"event": "done", "val_loss": final.val_loss, "val_bpc": final.val_bpc,
              "train_chars_per_s": chars_per_s, "steps": trainer.step_count,
              "checkpoint": os.path.abspath(checkpoint), "reason": reason}
    if isinstance(reporter, JsonReporter):
        reporter.emit(record)
    else:
        reporter.message(f"done ({reason}): {trainer.step_count:,} steps, validation "
                         f"{final.val_loss:.4f} nats/char ({final.val_bpc:.3f} bits/char), "
                         f"{chars_per_s:,.0f} chars/s; saved {checkpoint}")
