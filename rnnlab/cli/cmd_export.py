"""`rnnlab export`: a checkpoint's loss history as CSV and its run report as HTML.

The CSV comes from the checkpoint's header alone. The report also writes a fresh sample
with the checkpoint's model and, when the text it was trained on can still be opened,
adds the n-gram baseline and the sample's memorisation meter. The command line draws no
plot: the app's File > Export run report… includes one.
"""

from __future__ import annotations

import random
import sys

from rnnlab.cli.cmd_ngram import DEFAULT_ORDER
from rnnlab.cli.cmd_sample import add_sample_options, sample_settings
from rnnlab.cli.errors import UsageError
from rnnlab.core.analysis.memorisation import measure_text
from rnnlab.core.analysis.ngram import NGramError, validation_loss
from rnnlab.core.data.corpus import CorpusError
from rnnlab.core.io.atomic import check_writable
from rnnlab.core.io.history_csv import write_history_csv
from rnnlab.core.io.report import RunReport, write_report
from rnnlab.core.io.run_state import corpus_for, history_from, load_model, read_run_metadata
from rnnlab.core.nn.sampler import sample_text


def add_parser(sub) -> None:
    p = sub.add_parser(
        "export", help="loss history as CSV, run report as HTML",
        description=("Write a checkpoint's loss history as CSV (columns step, chars_seen, "
                     "train_loss, val_loss; losses in nats/char, val_loss only at validation "
                     "steps) and/or a one-file HTML run report: settings, final losses, the "
                     f"{DEFAULT_ORDER}-gram baseline and a fresh sample."))
    p.add_argument("checkpoint", help="a .rnnlab file")
    p.add_argument("--csv", metavar="FILE", help="write the loss history here")
    p.add_argument("--html", metavar="FILE", help="write the run report here")
    add_sample_options(p, length_help="characters in the report's sample; 0 = no sample")
    p.set_defaults(run=run)


def run(args) -> int:
    if not (args.csv or args.html):
        raise UsageError("say what to export: --csv FILE and/or --html FILE")
    # a fresh seed, written in the report, so that the sample can be made again
    settings = sample_settings(args, seed=random.randrange(2**31)) if args.html else None
    for target in (args.csv, args.html):
        if target:
            check_writable(target)  # before the sample for the report is made
    meta = read_run_metadata(args.checkpoint)
    if args.csv:
        print(f"wrote {write_history_csv(args.csv, history_from(meta))}")
    if args.html:
        print(f"wrote {write_report(args.html, _report(args.checkpoint, meta, settings))}")
    return 0


def _report(checkpoint: str, meta: dict, settings) -> RunReport:
    report = RunReport(meta, baseline_order=DEFAULT_ORDER)
    if settings.length:
        model, vocab, _ = load_model(checkpoint)
        report.sample, report.sample_settings = sample_text(model, vocab, settings), settings
        report.sample_step = meta["counters"]["step"]
    try:
        corpus = corpus_for(meta)
        report.baseline = validation_loss(corpus, DEFAULT_ORDER, max_chars=meta["train"]["eval_max_chars"])
    except (CorpusError, NGramError) as exc:
        print(f"note: no baseline or memorisation meter: {exc}", file=sys.stderr)
        return report
    if report.sample:
        report.memorisation = measure_text(report.sample, corpus)
    return report
