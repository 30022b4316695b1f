"""How `rnnlab train` (and `corpora --download`) show progress: a one-line bar on a terminal,
JSON lines, or plain lines."""

from __future__ import annotations

import json
import sys
import time

from rnnlab.core.train.events import EvalEvent, StepEvent, WarningEvent, format_duration


def bar(progress: float, width: int = 20) -> str:
    """'[#####               ]  25%' for progress in 0..1."""
    return f"[{'#' * int(progress * width):<{width}}] {progress:4.0%}"


class Budget:
    """What fraction of the run's budget (steps, seconds or epochs) is spent."""

    def __init__(self, kind: str, amount: float):
        self.kind, self.amount = kind, amount

    def fraction(self, steps: int, seconds: float, epochs: float) -> float:
        done = {"steps": steps, "seconds": seconds, "epochs": epochs}[self.kind]
        return min(done / self.amount, 1.0) if self.amount > 0 else 1.0

    def describe(self) -> str:
        return f"{self.amount:,g} {self.kind}"


class JsonReporter:
    """One JSON object per line, flushed, for scripts."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def emit(self, record: dict) -> None:
        self.stream.write(json.dumps(record) + "\n")
        self.stream.flush()

    def on_event(self, event, progress: float) -> None:
        self.emit(event.to_dict())

    def message(self, text: str) -> None:
        self.emit({"event": "info", "message": text})

    def warning(self, kind: str, text: str) -> None:
        self.emit({"event": "warning", "kind": kind, "message": text})

    def close(self) -> None:
        pass


class TextReporter:
    """A redrawn status line on a terminal (at most 10 times a second); plain lines otherwise."""

    def __init__(self, stream=None, interactive: bool | None = None):
        self.stream = stream = stream or sys.stderr
        self.interactive = stream.isatty() if interactive is None else interactive
        self.started = time.monotonic()
        self._last_draw = 0.0
        self._last_val: float | None = None
        self._line_open = False

    def on_event(self, event, progress: float) -> None:
        if isinstance(event, StepEvent):
            self._on_step(event, progress)
        elif isinstance(event, EvalEvent):
            self._last_val = event.val_loss
            self.print_line(f"step {event.step:,}: validation loss {event.val_loss:.4f} nats/char "
                        f"({event.val_bpc:.3f} bits/char)")
        elif isinstance(event, WarningEvent):
            self.warning(event.kind, event.message)

    def _on_step(self, event: StepEvent, progress: float) -> None:
        if not self.due():
            return
        val = f" val {self._last_val:.3f}" if self._last_val is not None else ""
        self.draw(f"step {event.step:,} {bar(progress)} loss {event.loss:.3f}{val} "
                  f"| {event.chars_per_s:,.0f} chars/s | ETA {format_duration(self.eta(progress))}")

    def due(self) -> bool:
        """True (at most 10 times a second, on a terminal only) when the line may be redrawn."""
        now = time.monotonic()
        if not self.interactive or now - self._last_draw < 0.1:
            return False
        self._last_draw = now
        return True

    def eta(self, progress: float) -> float:
        """Seconds left at the speed so far, for `progress` in 0..1."""
        elapsed = time.monotonic() - self.started
        return elapsed * (1 - progress) / progress if progress > 0 else 0

    def draw(self, line: str) -> None:
        """Redraw the status line in place (call when due())."""
        self.stream.write("\r" + line + "\x1b[K")
        self.stream.flush()
        self._line_open = True

    def message(self, text: str) -> None:
        self.print_line(text)

    def warning(self, kind: str, text: str) -> None:
        self.print_line(f"warning: {text}")

    def print_line(self, text: str) -> None:
        """A line of its own (after the progress line, if one is showing)."""
        if self._line_open:
            self.stream.write("\n")
            self._line_open = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self._line_open:
            self.stream.write("\n")
            self._line_open = False
