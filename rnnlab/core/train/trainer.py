"""The trainer: one optimisation step at a time, reported as plain events.

It knows nothing of terminals or windows. The CLI and the app call `step()` (or `run()`,
which loops over steps) and render the events. Pause, resume, stop and a new learning
rate are flags set from any thread and honoured between steps.
"""

from __future__ import annotations

import collections
import math
import threading
import time
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from rnnlab.core.data.batches import StreamBatcher
from rnnlab.core.data.corpus import Corpus, require_length
from rnnlab.core.nn.model import CharRNN, ModelConfig, detach_hidden
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.device import resolve_device
from rnnlab.core.train.evaluation import evaluate_loss
from rnnlab.core.train.events import EvalEvent, Event, StepEvent, WarningEvent
from rnnlab.core.train.guard import Guard, Snapshot, Verdict
from rnnlab.core.train.memory import check_fits
from rnnlab.core.train.optim import make_optimizer, schedule_factor, set_lr
from rnnlab.core.train.own_rng import OwnRng, init_weights
from rnnlab.core.train.plan import Plan
from rnnlab.core.train.precision import autocast, resolve_precision


@dataclass
class History:
    """Everything plotted: the loss of every applied step and every validation pass."""

    train_loss: list[float] = field(default_factory=list)  # train_loss[i] is step i + 1
    evals: list[tuple[int, float]] = field(default_factory=list)  # (step, val loss)
    # (step, chars per step after it): (0, batch x seq) first, one more for each resume with
    # other windows, so that chars_at() knows the characters seen at every step
    windows: list[tuple[int, int]] = field(default_factory=list)
    lrs: list[float] = field(default_factory=list)  # lrs[i]: the learning rate of step i + 1 (NaN:
    # not recorded, in runs saved before it was)

    def use_window(self, step: int, chars_per_step: int) -> None:
        """The steps after `step` see `chars_per_step` characters each."""
        if self.windows and self.windows[-1][0] == step:  # no step was taken at that size
            self.windows.pop()
        if not self.windows or self.windows[-1][1] != chars_per_step:
            self.windows.append((int(step), int(chars_per_step)))

    def chars_at(self, steps) -> np.ndarray:
        """Characters seen after each of `steps` (int array-like; 0 = before training)."""
        steps = np.asarray(steps, dtype=np.int64)
        if not self.windows:
            return np.zeros_like(steps)
        starts = np.array([s for s, _ in self.windows], dtype=np.int64)
        per = np.array([c for _, c in self.windows], dtype=np.int64)
        at_start = np.concatenate([[0], np.cumsum(np.diff(starts) * per[:-1])])
        i = np.maximum(np.searchsorted(starts, steps, side="left") - 1, 0)  # window with start < step
        return at_start[i] + (steps - starts[i]) * per[i]

    def to_dict(self) -> dict:
        """A copy: training may go on appending to the lists."""
        return {"train_loss": list(self.train_loss), "evals": [list(e) for e in self.evals],
                "windows": [list(w) for w in self.windows], "lr": list(self.lrs)}

    @classmethod
    def from_dict(cls, d: dict) -> History:
        losses = [float(v) for v in d.get("train_loss", [])]
        lrs = [float(v) for v in d.get("lr", [])][-len(losses):] if losses else []
        return cls(losses, [(int(s), float(v)) for s, v in d.get("evals", [])],
                   [(int(s), int(c)) for s, c in d.get("windows", [])],
                   [math.nan] * (len(losses) - len(lrs)) + lrs)  # the steps before lr was recorded


class Trainer:
    def __init__(self, corpus: Corpus, model_config: ModelConfig, config: TrainConfig):
        if model_config.vocab_size != len(corpus.vocab):
            raise ValueError(f"the model has {model_config.vocab_size} symbols but the text's "
                             f"vocabulary has {len(corpus.vocab)}")
        require_length(corpus, config.batch, config.seq)
        self.corpus, self.model_config, self.config = corpus, model_config, config
        self.device = resolve_device(config.device)
        if self.device.type == "cpu":
            check_fits(model_config, config)  # before a single weight is allocated
        # same seed: same first weights and dropout masks, whatever else the process runs;
        # the thread count is the process's (set by the CLI, or by the window at Start)
        self.precision = resolve_precision(config.precision, self.device, model_config)
        self.model = init_weights(model_config, config.seed).to(self.device)
        self.rng = OwnRng(config.seed, self.device)
        self._draws = model_config.dropout > 0 and model_config.layers > 1
        self.optimizer = make_optimizer(config.optimizer, self.model.parameters(), config.lr,
                                        momentum=config.momentum, weight_decay=config.weight_decay)
        self.batcher = StreamBatcher(corpus.train, config.batch, config.seq)
        self.hidden = None
        self.guard, self.snapshot = Guard(), Snapshot()
        self.history = History(windows=[(0, self.batcher.chars_per_batch)])
        self.step_count = 0
        self.chars_seen = 0
        self.train_seconds = 0.0  # time spent inside step(), pauses excluded
        self.base_lr = config.lr
        self._pending_lr: float | None = None
        self.plan: Plan | None = None  # the budget the auto schedule decays to (plan.py)
        self._lr_lock = threading.Lock()  # set_lr from any thread, taken before the next step
        self._recent = collections.deque(maxlen=20)  # (chars, seconds) of recent steps
        self.last_step = (0, 0.0)  # (chars, seconds) of the last applied step: for ThreadFit
        self._running = threading.Event()
        self._running.set()
        self._stop = threading.Event()

    # ----- control, callable from any thread -----
    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def wait_until_resumed(self, timeout: float | None = None) -> bool:
        """Block while paused (at most `timeout` seconds); True once running again."""
        return self._running.wait(timeout)

    def stop(self) -> None:
        self._stop.set()
        self._running.set()  # wake a paused run() so it can return

    def set_lr(self, lr: float) -> None:
        """New base learning rate, applied before the next step (the schedule still scales it)."""
        if not lr > 0:
            raise ValueError(f"learning rate must be positive, not {lr}")
        with self._lr_lock:
            self._pending_lr = lr

    @property
    def lr(self) -> float:
        """The learning rate of the next step."""
        c = self.config
        progress = None if self.plan is None else self.plan.progress(self.step_count, self.train_seconds, self.epoch)
        return self.base_lr * schedule_factor(c.schedule, self.step_count, horizon=c.schedule_steps,
                                              decay_every=c.decay_every, decay_gamma=c.decay_gamma,
                                              min_factor=c.final_lr, warmup=c.warmup_steps, progress=progress)

    def plan_budget(self, kind: str | None, amount: float | None = None) -> None:
        """The budget the learning rate plans for, from now (see plan.py); None: no budget."""
        self.plan = None if kind is None else Plan(kind, float(amount), self.step_count, self.train_seconds,
                                                   self.epoch)

    @property
    def epoch(self) -> float:
        return self.batcher.epoch_progress

    # ----- training -----
    def step(self) -> list[Event]:
        """One optimisation step on the next batch (+ a validation pass when one is due)."""
        with self._lr_lock:  # read and clear at once: a rate set in between is not lost
            if self._pending_lr is not None:
                self.base_lr, self._pending_lr = self._pending_lr, None
        started = time.perf_counter()
        batch = self.batcher.next_batch()
        if batch.reset or self.hidden is None or not self.config.carry_hidden:
            self.hidden = self.model.init_hidden(self.config.batch, self.device)
        due = self.snapshot.empty or self.step_count % self.guard.snapshot_every == 0
        if due and self.guard.bad_in_row == 0:
            self.snapshot.take(self.model, self.optimizer)
        with self.rng.active(self._draws):
            loss, grad_norm, hidden = self._forward_backward(batch.x, batch.y)
        verdict = self.guard.judge(loss, grad_norm)
        if verdict in (Verdict.SKIP, Verdict.RESTORE):
            return self._on_bad_step(verdict, loss, grad_norm)
        lr = self.lr  # of this step (the warm-up and the plan count the steps before it)
        set_lr(self.optimizer, lr)
        self.optimizer.step()
        self.hidden = detach_hidden(hidden)
        self.step_count += 1
        self.chars_seen += self.batcher.chars_per_batch
        self.history.train_loss.append(loss)
        self.history.lrs.append(lr)
        elapsed = time.perf_counter() - started
        self.train_seconds += elapsed
        self.last_step = (self.batcher.chars_per_batch, elapsed)
        self._recent.append(self.last_step)
        events: list[Event] = [StepEvent(self.step_count, loss, grad_norm, lr,
                                         self.chars_per_s, self.chars_seen, self.epoch)]
        if verdict is Verdict.EXPLODING:
            self.pause()
            events.append(WarningEvent(self.step_count, "exploding", (
                f"loss {loss:.3f} is more than {self.guard.explode_factor:g}x the first loss "
                f"({self.guard.first_loss:.3f}): training paused. Lower the learning rate "
                f"(now {self.lr:.2g}) and resume.")))
        if self.config.eval_every and self.step_count % self.config.eval_every == 0:
            events.append(self.evaluate())
        return events

    def _forward_backward(self, x, y) -> tuple[float, float, object]:
        x, y = x.to(self.device), y.to(self.device)
        self.model.train()
        with autocast(self.device, self.precision):
            logits, hidden = self.model(x, self.hidden)  # (B, T, V)
        loss = F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), y.reshape(-1))
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        max_norm = self.config.clip if self.config.clip > 0 else math.inf
        grad_norm = torch.nn.utils.clip_grad_norm_(self.model.parameters(), max_norm)
        return loss.item(), grad_norm.item(), hidden

    def _on_bad_step(self, verdict: Verdict, loss: float, grad_norm: float) -> list[Event]:
        self.optimizer.zero_grad(set_to_none=True)
        what = f"non-finite {'loss' if not math.isfinite(loss) else 'gradient'}"
        events: list[Event] = [WarningEvent(self.step_count, "nonfinite",
                                            f"step {self.step_count + 1}: {what}; step skipped")]
        if verdict is Verdict.RESTORE:
            self.snapshot.restore(self.model, self.optimizer)
            self.base_lr /= 2
            self.hidden = None  # the carried state may be poisoned too
            events.append(WarningEvent(self.step_count, "restored", (
                f"{self.guard.max_bad_in_row} non-finite steps in a row: restored the last good "
                f"weights and halved the learning rate to {self.lr:.3g}")))
        return events

    @property
    def chars_per_s(self) -> float:
        seconds = sum(s for _, s in self._recent)
        return sum(c for c, _ in self._recent) / seconds if seconds > 0 else 0.0

    def evaluate(self, max_chars: int | None = None) -> EvalEvent:
        """Validation loss on the held-out text (at most `max_chars` characters)."""
        limit = max_chars if max_chars is not None else self.config.eval_max_chars
        val = evaluate_loss(self.model, self.corpus.val, max_chars=limit)
        self.history.evals.append((self.step_count, val))
        return EvalEvent(self.step_count, val, self.chars_seen)

    def run(self, on_event, *, max_steps: int | None = None, max_seconds: float | None = None,
            max_epochs: float | None = None, block_on_pause: bool = True, plan: bool = True) -> str:
        """Loop over steps until a budget (counted from now) is spent or stop() is called.
        With `plan`, the learning rate plans for this budget (none: no budget); without,
        the plan in place goes on (a resumed run's).

        Returns why it ended: "budget", "stopped", or "paused" (only with
        block_on_pause=False, e.g. for the CLI, when the guard paused training).
        """
        if plan:
            budget = [(k, v) for k, v in (("steps", max_steps), ("seconds", max_seconds), ("epochs", max_epochs))
                      if v is not None]
            self.plan_budget(*(budget[0] if budget else (None,)))
        steps0, seconds0, epoch0 = self.step_count, self.train_seconds, self.epoch
        while True:
            if self.paused and not self._stop.is_set():
                if not block_on_pause:
                    return "paused"
                self.wait_until_resumed()
            if self._stop.is_set():
                return "stopped"
            if ((max_steps is not None and self.step_count - steps0 >= max_steps)
                    or (max_seconds is not None and self.train_seconds - seconds0 >= max_seconds)
                    or (max_epochs is not None and self.epoch - epoch0 >= max_epochs)):
                return "budget"
            for event in self.step():
                on_event(event)

    def snapshot_model(self, device: str = "cpu") -> CharRNN:
        """A detached copy of the current weights, e.g. for sampling while training goes on."""
        copy = CharRNN(self.model_config)
        copy.load_state_dict({k: v.detach().to(device) for k, v in self.model.state_dict().items()})
        return copy.to(device).eval()
