"""Race: train two to four models on the same text and seed, taking turns on one thread.

    turn:  pick the contender with the least training so far (seconds, or steps)
           -> one optimisation step of that contender -> its events, tagged with its index

Taking turns on one thread shares the CPU fairly without the contenders fighting over
cores, so the race trains about as many characters per second in all as one run alone
(benchmarks/bench_race.py). "time" fairness gives each contender the same training time
(the fast cell takes more steps); "steps" gives each the same batches (the slow cell
takes longer). By default the contenders are a vanilla RNN, an LSTM and a GRU with about
the same number of parameters: each gets the hidden size that matches the budget.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rnnlab.core.data.corpus import Corpus
from rnnlab.core.nn.model import CELLS, ModelConfig, count_parameters
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.events import Event, WarningEvent
from rnnlab.core.train.trainer import Trainer

FAIRNESS = ("time", "steps")
MIN_CONTENDERS, MAX_CONTENDERS = 2, 4
DEFAULT_CELLS = ("rnn", "lstm", "gru")
_SPEC = re.compile(r"^(?P<cell>[a-z]+)(?::(?P<layers>\d+)x(?P<hidden>\d+))?$")


@dataclass(frozen=True)
class Contender:
    label: str  # e.g. "RNN 2x262": unique within a race
    model: ModelConfig
    train: TrainConfig


def hidden_for_budget(cell: str, layers: int, vocab_size: int, params: int,
                      embedding: int = 0) -> int:
    """The hidden size whose parameter count is closest to `params` (at least 1)."""
    def count(h: int) -> int:
        return count_parameters(ModelConfig(vocab_size, cell, h, layers, embedding))

    lo, hi = 1, 1
    while count(hi) < params:  # the count grows with h: bracket, then bisect
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if count(mid) < params else (lo, mid)
    return min((lo, hi), key=lambda h: (abs(count(h) - params), h))


def parse_cells(text: str) -> list[tuple[str, int | None, int | None]]:
    """"rnn,lstm:1x256,gru" -> [(cell, layers or None, hidden or None), ...]."""
    specs = []
    for part in (p.strip().lower() for p in text.split(",")):
        match = _SPEC.match(part)
        if not match or match["cell"] not in CELLS:
            raise ValueError(f"bad contender {part!r}: write a cell ({', '.join(CELLS)}), "
                             f"optionally with a size, e.g. lstm:2x128")
        layers, hidden = match["layers"], match["hidden"]
        specs.append((match["cell"], int(layers) if layers else None, int(hidden) if hidden else None))
    if not MIN_CONTENDERS <= len(specs) <= MAX_CONTENDERS:
        raise ValueError(f"a race needs {MIN_CONTENDERS} to {MAX_CONTENDERS} contenders, "
                         f"not {len(specs)}")
    return specs


def make_contenders(specs, base: ModelConfig, train: TrainConfig,
                    params: int | None = None) -> list[Contender]:
    """One contender per (cell, layers, hidden) spec. A spec without a size gets `base`'s
    layers and the hidden size that matches the parameter budget (default: `base`'s own
    count), so the cells are compared at equal size. Every contender gets the same
    training settings, seed included."""
    budget = params if params is not None else count_parameters(base)
    if budget < 1:
        raise ValueError(f"the parameter budget must be positive, not {budget}")
    contenders, seen = [], {}
    for cell, layers, hidden in specs:
        layers = layers or base.layers
        hidden = hidden or hidden_for_budget(cell, layers, base.vocab_size, budget, base.embedding)
        model = replace(base, cell=cell, layers=layers, hidden=hidden)
        label = f"{cell.upper()} {layers}x{hidden}"
        seen[label] = seen.get(label, 0) + 1
        contenders.append(Contender(label if seen[label] == 1 else f"{label} #{seen[label]}",
                                    model, train))
    return contenders


class Race:
    """The contenders' trainers and whose turn it is. Not thread-safe: one thread steps it;
    pause/stop of each trainer are flags, safe from any thread."""

    def __init__(self, corpus: Corpus, contenders: list[Contender], fairness: str = "time"):
        if fairness not in FAIRNESS:
            raise ValueError(f"fairness must be one of {', '.join(FAIRNESS)}, not {fairness!r}")
        if not MIN_CONTENDERS <= len(contenders) <= MAX_CONTENDERS:
            raise ValueError(f"a race needs {MIN_CONTENDERS} to {MAX_CONTENDERS} contenders")
        self.corpus, self.contenders, self.fairness = corpus, contenders, fairness
        self.trainers = [Trainer(corpus, c.model, c.train) for c in contenders]
        self.out: set[int] = set()  # contenders the guard paused: they sit out the rest
        # the longest single step so far (s): with "time" fairness the turn-taking keeps the
        # contenders' training times within this of each other
        self.longest_step = 0.0

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.contenders]

    def progress(self, index: int) -> float:
        """What fairness counts for one contender: its training seconds or its steps."""
        t = self.trainers[index]
        return t.train_seconds if self.fairness == "time" else t.step_count

    @property
    def train_seconds(self) -> float:
        return sum(t.train_seconds for t in self.trainers)

    def plan_budget(self, *, max_seconds: float | None = None, max_steps: int | None = None) -> None:
        """Each contender's learning rate plans for its share of the race: `max_steps`
        steps, or an equal share of `max_seconds` (exact with "time" fairness)."""
        for trainer in self.trainers:
            if max_steps is not None:
                trainer.plan_budget("steps", max_steps)
            elif max_seconds is not None:
                trainer.plan_budget("seconds", max_seconds / len(self.trainers))
            else:
                trainer.plan_budget(None)

    def next_turn(self, finished: frozenset[int] = frozenset()) -> int | None:
        """The contender furthest behind (ties: the first), leaving out those that are out
        of the race or `finished`; None when none is left."""
        left = [i for i in range(len(self.trainers)) if i not in self.out and i not in finished]
        return min(left, key=lambda i: (self.progress(i), i)) if left else None

    def step(self, finished: frozenset[int] = frozenset()) -> tuple[int, list[Event]] | None:
        """One step of the contender whose turn it is; None when no contender is left."""
        index = self.next_turn(finished)
        if index is None:
            return None
        trainer = self.trainers[index]
        before = trainer.train_seconds
        events = trainer.step()
        self.longest_step = max(self.longest_step, trainer.train_seconds - before)
        if trainer.paused:  # the guard stopped a diverging run: the others go on
            self.out.add(index)
            events.append(WarningEvent(trainer.step_count, "out",
                                       f"{self.contenders[index].label} is out of the race"))
        return index, events

    def run(self, on_event, *, max_seconds: float | None = None, max_steps: int | None = None,
            should_stop=lambda: False) -> str:
        """Take turns until the budget is spent: `max_seconds` of training in all (shared by
        the contenders) or `max_steps` steps each. on_event(index, event) sees every event.
        Returns "budget", "stopped" (should_stop() said so) or "out" (every one diverged)."""
        self.plan_budget(max_seconds=max_seconds, max_steps=max_steps)
        while not should_stop():
            if max_seconds is not None and self.train_seconds >= max_seconds:
                return "budget"
            finished = frozenset(i for i, t in enumerate(self.trainers)
                                 if max_steps is not None and t.step_count >= max_steps)
            turn = self.step(finished)
            if turn is None:
                return "budget" if finished else "out"
            index, events = turn
            for event in events:
                on_event(index, event)
        return "stopped"
