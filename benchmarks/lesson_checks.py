"""Do the shipped lessons show what they say, within their budget? (run by hand, alone)

    python benchmarks/lesson_checks.py                      # all three: ~13 min
    python benchmarks/lesson_checks.py --only copy --json   # one, as JSON

Each lesson trains as the window would: its text, its model, its training settings over
TrainConfig's defaults, its budget, on this machine's threads. Then its claims are measured:

    hello   the budget's steps in about 10 s; the loss near zero; from "h" the samples write
            "hello world"; units of the heatmap that switch on at the same letter every time
            (the best unit's r with "this character is X", per letter)
    python  the sample's progress over the budget (words, indentation, "def " and "self.",
            brackets that close), the moment the validation loss passes the 5-gram line,
            and the Next char view's colours: surprisal of keywords against other names
    copy    the race window's race (the lesson's cells, time, fairness): validation loss, the
            copied half's loss and exact copies of fresh strings, the lesson's own sample
            from each, and how far back the gradient reaches (the Gradients view) at 5-30
            characters back
"""

from __future__ import annotations

import argparse
import json
import keyword
import math
import re
import sys
import time

import numpy as np

from rnnlab import resources
from rnnlab.core.analysis.ngram import validation_loss
from rnnlab.core.data.corpus import load_corpus
from rnnlab.core.io.lesson import read_lesson
from rnnlab.core.nn.copy_score import score_copy
from rnnlab.core.nn.gradient_flow import gradient_flow, gradient_windows
from rnnlab.core.nn.model import ModelConfig
from rnnlab.core.nn.neuron_patterns import unit_correlations
from rnnlab.core.nn.probe import probe
from rnnlab.core.nn.sampler import SampleSettings, sample_text
from rnnlab.core.nn.surprisal import surprisal_bits
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.device import set_threads
from rnnlab.core.train.race import Race, make_contenders, parse_cells
from rnnlab.core.train.trainer import Trainer

LESSONS = {"hello": "hello-world-in-10-seconds", "python": "learning-python-syntax",
           "copy": "why-lstms-remember-the-copy-task"}
SEEDS = (1, 2, 3)  # samples per claim
PYTHON_EVERY = 15.0  # s of training between the python lesson's samples
_quiet = False


def say(message: str) -> None:
    if not _quiet:
        print(message, file=sys.stderr, flush=True)


def setup(name: str):
    lesson = read_lesson(resources.lessons_folder() / f"{LESSONS[name]}.rnnlab-lesson")
    corpus = load_corpus(lesson.corpus)
    model = ModelConfig(vocab_size=len(corpus.vocab), **lesson.model)
    train = TrainConfig(**lesson.training, eval_every=0)
    return lesson, corpus, model, train


def samples(model, vocab, sampling: dict, **changes) -> list[str]:
    settings = {k: v for k, v in sampling.items() if k in ("prime", "length", "temperature", "top_k")}
    settings.update(changes)
    return [sample_text(model, vocab, SampleSettings(**settings, seed=s)) for s in SEEDS]


# ---- hello ---------------------------------------------------------------------------------

def check_hello() -> dict:
    lesson, corpus, model_config, train = setup("hello")
    trainer = Trainer(corpus, model_config, train)
    losses = []
    started = time.perf_counter()
    trainer.run(lambda e: losses.append(e.loss) if hasattr(e, "loss") else None,
                max_steps=lesson.budget["steps"])
    wall = time.perf_counter() - started
    model = trainer.snapshot_model()
    texts = samples(model, corpus.vocab, lesson.sampling)
    lines = [line for text in texts for line in (lesson.sampling["prime"] + text).split("\n")[:-1]]
    text = corpus.vocab.decode(corpus.val[:240])
    layers = probe(model, corpus.vocab, text).layers
    letters = {}  # "l" and "o" come 3 and 2 times a line: a unit for one of them scores lower
    for ch in sorted(set(text) - {"\n"}):
        mask = np.array([c == ch for c in text])
        best = max((abs(float(r)), k, u) for k, layer in enumerate(layers)
                   for u, r in enumerate(np.nan_to_num(unit_correlations(layer.h, mask))))
        letters[repr(ch)] = {"r": round(best[0], 3), "layer": best[1], "unit": best[2]}
    period = len("hello world\n")  # a unit that does the same thing in every line repeats with it
    h = np.concatenate([layer.h for layer in layers], axis=1)
    same = np.nan_to_num([np.corrcoef(h[:-period, u], h[period:, u])[0, 1] for u in range(h.shape[1])])
    return {"lesson": lesson.title, "steps": trainer.step_count, "wall_s": round(wall, 1),
            "units_same_every_line": f"{int((same > 0.9).sum())} of {h.shape[1]} "
                                     "(r > 0.9 with themselves one line later)",
            "train_loss_last20": round(float(np.mean(losses[-20:])), 4),
            "val_loss": round(trainer.evaluate().val_loss, 4),
            "lines_hello_world": f"{sum(line == 'hello world' for line in lines)} of {len(lines)}",
            "sample": texts[0][:60], "best_unit_per_letter": letters}


# ---- python --------------------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


def text_features(text: str, words: set[str]) -> dict:
    tokens = _WORD.findall(text)
    lines = text.split("\n")
    opened = sum(text.count(c) for c in "([{")
    closed = sum(text.count(c) for c in ")]}")
    return {"real_words": round(sum(t in words for t in tokens) / max(len(tokens), 1), 2),
            "indented_lines": round(sum(line.startswith("    ") for line in lines) / max(len(lines), 1), 2),
            "def": text.count("def "), "self.": text.count("self."),
            "brackets_open_close": [opened, closed]}


def keyword_surprisal(model, vocab, text: str) -> dict:
    """Mean surprisal (bits) of keywords' and other names' characters in `text`: of the
    first character of each (what word comes is hard to know) and of the rest of it."""
    result = probe(model, vocab, text)
    bits = surprisal_bits(result.probs[:-1], result.ids[1:])  # bits[i]: of text[i + 1]
    groups: dict[str, list[float]] = {f"{g}_{part}": [] for g in ("keywords", "names")
                                      for part in ("first", "rest")}
    for m in _WORD.finditer(text):
        if m.start() == 0:
            continue
        group = "keywords" if keyword.iskeyword(m.group()) else "names"
        groups[f"{group}_first"].append(float(bits[m.start() - 1]))
        groups[f"{group}_rest"] += [float(bits[i - 1]) for i in range(m.start() + 1, m.end())]
    return {k: round(float(np.mean(v)), 2) for k, v in groups.items() if v}


def check_python(budget_s: float) -> dict:
    lesson, corpus, model_config, train = setup("python")
    seconds = min(budget_s, lesson.budget["seconds"])
    say(f"python: {model_config.cell} {model_config.layers}x{model_config.hidden}, "
        f"{seconds:g} s of the lesson's {lesson.budget['seconds']:g} s")
    baseline = validation_loss(corpus, 5, max_chars=200_000)
    words = set(_WORD.findall(corpus.vocab.decode(corpus.train[:500_000])))
    trainer = Trainer(corpus, model_config, train)
    trainer.plan_budget("seconds", lesson.budget["seconds"])  # the lesson's schedule, even when cut short
    timeline, passed = [], None
    while trainer.train_seconds < seconds:
        trainer.run(lambda e: None, max_seconds=PYTHON_EVERY, plan=False)
        val = trainer.evaluate(200_000).val_loss
        if passed is None and val < baseline:
            passed = round(trainer.train_seconds, 1)
        model = trainer.snapshot_model()
        text = samples(model, corpus.vocab, lesson.sampling)[0]
        timeline.append({"train_s": round(trainer.train_seconds), "val": round(val, 3),
                         **text_features(text, words), "sample": text[:80]})
        say(f"  {timeline[-1]}")
    snippet = corpus.vocab.decode(corpus.val[:3000])
    return {"lesson": lesson.title, "five_gram": round(baseline, 4), "below_five_gram_at_s": passed,
            "steps": trainer.step_count, "timeline": timeline,
            "surprisal_bits": keyword_surprisal(trainer.snapshot_model(), corpus.vocab, snippet)}


# ---- copy ----------------------------------------------------------------------------------

def gradient_reach(model, corpus) -> dict:
    """log10 of ||dloss/dh|| k characters back over its value at the last character."""
    norms = gradient_flow(model, gradient_windows(corpus.val, 64, count=8))[0]
    return {str(k): round(math.log10(max(norms[-1 - k], 1e-30) / norms[-1]), 2) for k in (5, 10, 20, 30)}


def copied_lines(text: str) -> str:
    lines = [line for line in text.split("\n")[:-1] if line.count("|") == 2]
    good = sum(line.split("|")[0] == line.split("|")[2] for line in lines)
    return f"{good} of {len(lines)}"


def check_copy() -> dict:
    lesson, corpus, model_config, train = setup("copy")
    race_settings = lesson.race
    race = Race(corpus, make_contenders(parse_cells(race_settings["cells"]), model_config, train),
                race_settings["fair"])
    say(f"copy: race {race.labels} for {race_settings['seconds']:g} s")
    started = time.perf_counter()
    race.run(lambda i, e: None, max_seconds=race_settings["seconds"])
    wall = time.perf_counter() - started
    runs = {}
    for label, trainer in zip(race.labels, race.trainers):
        model = trainer.snapshot_model()
        texts = samples(model, corpus.vocab, lesson.sampling)
        runs[label] = {"steps": trainer.step_count, "train_s": round(trainer.train_seconds, 1),
                       "val_loss": round(trainer.evaluate().val_loss, 4),
                       **{k: (round(v, 3) if isinstance(v, float) else v)
                          for k, v in score_copy(model, corpus).to_dict().items()},
                       "lesson_sample": (lesson.sampling["prime"] + texts[0])[:70],
                       "lines_copied_in_samples": [copied_lines(lesson.sampling["prime"] + t) for t in texts],
                       "gradient_log10_k_back": gradient_reach(model, corpus)}
    vals = [r["val_loss"] for r in runs.values()]
    return {"lesson": lesson.title, "wall_s": round(wall, 1), "runs": runs,
            "lead_nats": round(max(vals) - min(vals), 4)}


def main(argv=None) -> int:
    global _quiet
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", choices=list(LESSONS), action="append")
    p.add_argument("--python-seconds", type=float, default=600.0,
                   help="cut the python lesson's training short (default: its whole budget)")
    p.add_argument("--threads", type=int, default=0, help="torch threads; 0 = all cores")
    p.add_argument("--json", action="store_true", help="JSON lines only")
    args = p.parse_args(argv)
    _quiet = args.json
    set_threads(args.threads)
    checks = {"hello": check_hello, "python": lambda: check_python(args.python_seconds),
              "copy": check_copy}
    for name in args.only or list(LESSONS):
        result = {"check": name, **checks[name]()}
        print(json.dumps(result, ensure_ascii=False) if args.json else json.dumps(result, indent=1, ensure_ascii=False),
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
