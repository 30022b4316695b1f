"""StepWalk: a tiny model reading a typed text one character at a time, for the
step-through view.

    start(typed) -> one snapshot of the model from `source()`, the checks (small enough,
                    vocabulary, characters), then char_step.step_char over the whole text,
                    each step starting from the hidden state the one before left
    advance()    -> one more character read (position + 1)
    current_step -> the CharStep of the last character read

All the steps are computed when the walk starts (milliseconds for a tiny model), so each
picture's colour levels (`levels`, per layer) are fixed for the whole text: a colour
means the same number at every character.

Pure (numpy and the engine), no Qt: the walk can be checked without a display.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from rnnlab.core.data.vocab import Vocabulary, format_chars
from rnnlab.core.nn.char_step import CharStep, step_char
from rnnlab.core.nn.model import CharRNN
from rnnlab.gui.look.symbols import show_char

ModelSource = Callable[[], "tuple[CharRNN, Vocabulary] | None"]  # the copy, at once
# request(then, fail): then(copy or None) or fail(exception), at once or later (the window
# copies a training model between two steps, off the GUI thread)
ModelRequest = Callable[[Callable, Callable[[Exception], None]], None]
READING = "Reading the model…"


def request_copy(request: ModelRequest | None, answer: Callable[[ModelSource], None]) -> bool:
    """Ask `request` for the model; answer(source) is called, at once or later, with a
    ModelSource that returns the copy (or raises what the request failed with). True when
    it was answered at once."""
    if request is None:
        answer(lambda: None)
        return True
    answered = []

    def then(got) -> None:
        answered.append(True)
        answer(lambda: got)

    def fail(exc: Exception) -> None:
        answered.append(True)

        def raising():
            raise exc
        answer(raising)
    request(then, fail)
    return bool(answered)

MAX_UNITS = 16
MAX_TEXT = 200  # characters stepped through (all computed when the walk starts)

NO_MODEL = "Train or open a model first, then press Next char."
TOO_BIG = "Step-through shows tiny models (16 units or fewer)"
# the shape is fixed once a model exists: a smaller one needs Reset first
MAKE_SMALL = ("Reset the model, choose the 'micro' preset (or set Hidden to 16 or fewer), "
              "train it a little, then press Back to start here.")

# The colour levels of a layer before any walk: every picture spans ±1.
UNIT_LEVELS = {"x": 1.0, "pre": 1.0, "unit": 1.0, "c": 1.0}


def nice_level(value: float) -> float:
    """A round level >= |value| (at least 1): 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, ..."""
    value = abs(float(value))
    if not np.isfinite(value) or value <= 1.0:
        return 1.0
    scale = 10.0 ** np.floor(np.log10(value))
    for step in (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if step * scale >= value * (1 - 1e-9):
            return float(step * scale)
    return float(10 * scale)


class StepWalk:
    """Where the reading is: the text the steps were computed for, the steps, the position."""

    def __init__(self) -> None:
        self.source: ModelSource | None = None
        self.model: CharRNN | None = None
        self.vocab: Vocabulary | None = None
        self.text = ""  # the text the steps were computed for
        self.steps: list[CharStep] = []
        self.levels: list[dict[str, float]] = []  # per layer: picture group -> level
        self.position = 0  # characters read (0 = at the start)
        self.prepared = False
        self.too_big = False  # the last model seen has more than MAX_UNITS units a layer

    @property
    def chars(self) -> list[str] | None:
        """The vocabulary's characters, None without a model."""
        return self.vocab.chars if self.vocab is not None else None

    def start(self, typed: str) -> str:
        """Take a fresh snapshot and compute every step of `typed` (up to MAX_TEXT
        characters), back at the start: "" when the walk is ready, else what went wrong."""
        self.prepared = False
        self.steps, self.levels, self.position = [], [], 0
        self.model = self.vocab = None
        self.text = text = typed[:MAX_TEXT]
        try:
            got = self.source() if self.source is not None else None
        except Exception as err:  # noqa: BLE001 - a failing source must not take the panel down
            return self._fail(f"Cannot get the model: {type(err).__name__}: {err}")
        if got is None:
            self.too_big = False
            return self._fail(NO_MODEL)
        model, vocab = got
        config = model.config
        self.too_big = config.hidden > MAX_UNITS
        if self.too_big:
            return self._fail(f"{TOO_BIG}; this model has {config.hidden} units per layer. {MAKE_SMALL}")
        if config.vocab_size != len(vocab):
            return self._fail(f"The model expects {config.vocab_size} characters but the vocabulary "
                              f"has {len(vocab)}.")
        if not text:
            return self._fail("Type a text to step through.")
        missing = vocab.missing(text)
        if missing and vocab.unknown_id is None:
            return self._fail(f"These characters are not in the model's vocabulary: "
                              f"{format_chars(missing)}. Remove them from the text.")
        try:
            ids = vocab.encode(text)
            steps, hidden = [], None
            for char_id in ids:
                steps.append(step_char(model, int(char_id), hidden))
                hidden = steps[-1].hidden
        except Exception as err:  # noqa: BLE001
            return self._fail(f"Cannot step through the text: {type(err).__name__}: {err}")
        self.model, self.vocab, self.steps = model, vocab, steps
        self.levels = [self._layer_levels(k, embedded=bool(config.embedding)) for k in range(config.layers)]
        self.prepared = True
        return ""

    def _fail(self, message: str) -> str:
        self.steps, self.levels, self.position = [], [], 0
        return message

    def _layer_levels(self, k: int, embedded: bool) -> dict[str, float]:
        """Fixed symmetric levels for layer k over the whole text."""
        layers = [step.layers[k] for step in self.steps]
        pre = max(float(np.abs(np.concatenate([s.from_x, s.from_h])).max()) for s in layers)
        levels = {"pre": nice_level(pre), "unit": 1.0, "x": 1.0, "c": 1.0}
        if layers[0].c is not None:
            levels["c"] = nice_level(max(float(np.abs(np.concatenate([s.c, s.c_prev])).max()) for s in layers))
        if k == 0 and embedded:
            levels["x"] = nice_level(max(float(np.abs(s.x).max()) for s in layers))
        return levels

    def layer_levels(self, k: int) -> dict[str, float]:
        """Layer k's colour levels, ±1 everywhere when there is no such layer (yet)."""
        return self.levels[k] if k < len(self.levels) else dict(UNIT_LEVELS)

    def is_stale(self, typed: str) -> bool:
        """True when the walk must (re)start before reading `typed`."""
        return not self.prepared or typed[:MAX_TEXT] != self.text

    def at_end(self, typed: str) -> bool:
        """Every character of `typed` has been read."""
        return self.prepared and self.position >= len(self.steps) and typed[:MAX_TEXT] == self.text

    def advance(self) -> bool:
        """Read the next character; False at the end of the text (or before a start)."""
        if self.position >= len(self.steps):
            return False
        self.position += 1
        return True

    def current_step(self) -> CharStep | None:
        """The step of the last character read, or None at the start."""
        return self.steps[self.position - 1] if self.position > 0 else None

    def upcoming_char(self) -> str | None:
        """The text's next character (the one the model is guessing), None at the end."""
        return self.text[self.position] if self.position < len(self.text) else None

    def position_text(self, typed: str) -> str:
        """Where the reading is, in words, for `typed` (the text in the box now)."""
        text, n = self.text, len(self.steps)
        if self.too_big:  # Next char is disabled: the message says what to do instead
            return ""
        if self.is_stale(typed):
            return "press Next char to start reading"
        if self.position == 0:
            return f"at the start: Next reads {show_char(text[0])!r} (1 of {n})"
        label = f"reading {show_char(text[self.position - 1])!r} ({self.position} of {n})"
        if self.position == n:
            label += ", the end"
        return label
