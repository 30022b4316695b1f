"""How `rnnlab train` (and `corpora --download`, `race`) show progress: a one-line bar on a
terminal, JSON lines, or plain lines.

The terminal's status line is drawn by tqdm: it fits the line to the terminal's width (read
again at every redraw) and redraws with a carriage return and spaces, no escape codes, so
it works in any Windows console too.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time

from tqdm import tqdm

from rnnlab.core.train.events import EvalEvent, StepEvent, WarningEvent, format_duration


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


MIN_BAR = 10  # characters of bar kept on a narrow terminal: the text after the bar is cut instead


class _StatusLine(tqdm):
    monitor_interval = 0  # no monitor thread: the line changes only when TextReporter draws it
    _lock = threading.RLock()  # tqdm's default also makes a multiprocessing lock, needed only across processes


def _status_format(left: str, fraction: float | None, right: str) -> str:
    """tqdm's bar_format for 'left [####    ]  25% right' (no bar when fraction is None)."""
    left, right = (part.replace("{", "{{").replace("}", "}}") for part in (left, right))
    middle = " [{bar}] {percentage:3.0f}%" if fraction is not None else ""
    return left + middle + (f" {right}" if right else "")


def _terminal_columns(stream) -> int | None:
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return None


class TextReporter:
    """A redrawn status line on a terminal (at most 10 times a second); plain lines otherwise."""

    def __init__(self, stream=None, interactive: bool | None = None):
        self.stream = stream = stream or sys.stderr
        self.interactive = stream.isatty() if interactive is None else interactive
        self.started = time.monotonic()
        self._last_draw = 0.0
        self._last_val: float | None = None
        self._status: tqdm | None = None

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
        self.draw(f"step {event.step:,}", progress,
                  f"loss {event.loss:.3f}{val} | {event.chars_per_s:,.0f} chars/s "
                  f"| ETA {format_duration(self.eta(progress))}")

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

    def draw(self, left: str, fraction: float | None = None, right: str = "") -> None:
        """Redraw the status line in place as 'left [####    ]  25% right' (no bar when
        `fraction` is None), the bar as wide as the terminal leaves room for, the whole line
        cut to the terminal's width. Call when due()."""
        columns = _terminal_columns(self.stream)
        if fraction is not None and columns is not None:  # tqdm would shrink the bar to one character
            right = right[:max(columns - 1 - len(left) - len(" [] 100% ") - MIN_BAR, 0)].rstrip()
        fmt, done = _status_format(left, fraction, right), min(max(fraction or 0.0, 0.0), 1.0)
        if self._status is None:
            self._status = _StatusLine(file=self.stream, total=1.0, initial=done, bar_format=fmt, ascii=" #",
                                       dynamic_ncols=True, position=0, leave=True, mininterval=0)
            return  # tqdm draws it when made
        self._status.bar_format, self._status.n = fmt, done
        self._status.refresh()

    def message(self, text: str) -> None:
        self.print_line(text)

    def warning(self, kind: str, text: str) -> None:
        self.print_line(f"warning: {text}")

    def print_line(self, text: str) -> None:
        """A line of its own (after the status line, if one is showing: the next draw starts
        a new one)."""
        self.close()
        self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        """Leave the status line as it was last drawn, and end it."""
        if self._status is not None:
            self._status.close()
            self._status = None
