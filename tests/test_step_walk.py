"""StepWalk, the step-through view's reading of a text: it starts, advances, carries the
hidden state from character to character (the same numbers as char_step.step_char),
goes back to the start, and says why it cannot read. No Qt needed, and none imported."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnlab.core.data.vocab import Vocabulary
from rnnlab.core.nn.char_step import step_char
from rnnlab.core.nn.model import CharRNN, ModelConfig
from rnnlab.gui.explain.step_walk import MAX_TEXT, NO_MODEL, UNIT_LEVELS, StepWalk, nice_level
from tests.qt_free import imports_without_qt

VOCAB = Vocabulary(chars=sorted(set("\n helo wrd abc")))
TEXT = "hello world"


def tiny(cell: str = "lstm", hidden: int = 4, layers: int = 1, embedding: int = 0) -> CharRNN:
    torch.manual_seed(3)
    return CharRNN(ModelConfig(vocab_size=len(VOCAB), cell=cell, hidden=hidden, layers=layers,
                               embedding=embedding))


def walk_with(model: CharRNN | None) -> StepWalk:
    walk = StepWalk()
    walk.source = (lambda: None) if model is None else (lambda: (model, VOCAB))
    return walk


def test_a_new_walk_is_at_the_start_and_must_start():
    walk = StepWalk()
    assert walk.position == 0 and walk.current_step() is None and walk.chars is None
    assert walk.is_stale(TEXT) and not walk.at_end(TEXT) and not walk.advance()
    assert walk.position_text(TEXT) == "press Next char to start reading"
    assert walk.layer_levels(0) == UNIT_LEVELS
    assert walk.start(TEXT) == NO_MODEL and not walk.prepared  # no source: no model


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_the_walk_matches_step_char_and_carries_the_hidden_state(cell):
    model = tiny(cell, layers=2, embedding=3)
    walk = walk_with(model)
    assert walk.start(TEXT) == "" and walk.prepared and walk.chars == VOCAB.chars
    assert len(walk.steps) == len(TEXT) and len(walk.levels) == 2
    hidden = None
    for n, char_id in enumerate(VOCAB.encode(TEXT), start=1):
        assert walk.upcoming_char() == TEXT[n - 1]
        assert walk.advance() and walk.position == n
        expected = step_char(model, int(char_id), hidden)
        step = walk.current_step()
        assert step.char_id == int(char_id)
        for mine, theirs in zip(step.layers, expected.layers, strict=True):
            np.testing.assert_array_equal(mine.h, theirs.h)
            np.testing.assert_array_equal(mine.h_prev, theirs.h_prev)
        np.testing.assert_array_equal(step.probs, expected.probs)
        hidden = expected.hidden
    np.testing.assert_array_equal(walk.steps[1].layers[0].h_prev, walk.steps[0].layers[0].h)  # carried
    fresh = step_char(model, int(VOCAB.encode(TEXT)[1]))
    assert not np.allclose(walk.steps[1].layers[0].h, fresh.layers[0].h)  # not from zeros again
    assert walk.upcoming_char() is None and walk.at_end(TEXT)
    assert not walk.advance() and walk.position == len(TEXT)


def test_position_in_words_and_back_to_the_start():
    walk = walk_with(tiny())
    walk.start(TEXT)
    assert walk.position_text(TEXT) == "at the start: Next reads 'h' (1 of 11)"
    for _ in range(6):
        walk.advance()
    assert walk.position_text(TEXT) == "reading '␣' (6 of 11)"
    for _ in range(5):
        walk.advance()
    assert walk.position_text(TEXT) == "reading 'd' (11 of 11), the end"
    first = walk.steps[0]
    assert walk.start(TEXT) == "" and walk.position == 0 and walk.current_step() is None
    np.testing.assert_array_equal(walk.steps[0].probs, first.probs)  # a fresh snapshot, the same weights


def test_a_changed_text_makes_the_walk_stale():
    walk = walk_with(tiny())
    walk.start(TEXT)
    walk.advance()
    assert not walk.is_stale(TEXT) and walk.is_stale("cab")
    assert not walk.at_end("cab") and walk.position_text("cab") == "press Next char to start reading"
    long = "abc " * 100
    assert walk.start(long) == "" and walk.text == long[:MAX_TEXT] and len(walk.steps) == MAX_TEXT
    assert not walk.is_stale(long)  # only the first MAX_TEXT characters are read


def test_why_a_walk_cannot_start():
    walk = walk_with(tiny(hidden=32))
    message = walk.start(TEXT)
    assert "16 units or fewer" in message and "32" in message and walk.too_big and not walk.prepared
    walk.source = lambda: (tiny(hidden=16), VOCAB)
    assert walk.start(TEXT) == "" and not walk.too_big

    def broken():
        raise RuntimeError("no snapshot")
    walk.source = broken
    assert walk.start(TEXT) == "Cannot get the model: RuntimeError: no snapshot"
    assert walk.model is None and walk.steps == [] and walk.position == 0

    walk.source = lambda: (tiny(), Vocabulary(chars=list("ab")))
    assert "expects" in walk.start(TEXT)
    walk.source = lambda: (tiny(), VOCAB)
    missing = walk.start("hello, World!")
    assert "','" in missing and "'W'" in missing and "'!'" in missing and "'h'" not in missing
    assert walk.start("") == "Type a text to step through."
    assert walk.start("abc") == "" and walk.advance()


def test_levels_are_fixed_symmetric_and_round_for_the_whole_text():
    walk = walk_with(tiny("lstm", layers=2, embedding=3))
    walk.start(TEXT)
    for k, levels in enumerate(walk.levels):
        pre = max(np.abs(np.concatenate([s.layers[k].from_x, s.layers[k].from_h])).max() for s in walk.steps)
        assert levels["pre"] == nice_level(pre) >= pre and levels["unit"] == 1.0
        c = max(np.abs(np.concatenate([s.layers[k].c, s.layers[k].c_prev])).max() for s in walk.steps)
        assert levels["c"] == nice_level(c)
    assert walk.layer_levels(5) == UNIT_LEVELS


def test_nice_level_rounds_up():
    assert nice_level(0.3) == 1.0 and nice_level(-2.5) == 3.0 and nice_level(40) == 40.0
    assert nice_level(41) == 50.0 and nice_level(float("inf")) == 1.0


def test_the_step_through_maths_imports_without_qt():
    modules = ["rnnlab.gui.explain", "rnnlab.gui.explain.step_formulas", "rnnlab.gui.explain.step_walk"]
    assert imports_without_qt(modules) == {}
