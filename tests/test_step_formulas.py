"""The step-through view's equations and titles, on hand-made steps whose numbers are
known: each cell's formulas, and one unit's numbers put into them. No Qt needed."""

from __future__ import annotations

import numpy as np

from rnnlab.core.nn.char_step import CharStep, LayerStep
from rnnlab.gui.explain.step_formulas import (
    FORMULAS,
    NEXT_CHARS,
    equations_html,
    next_chars_title,
    num,
    picture_titles,
    unit_numbers,
)

CHARS = ["a", "b", " "]
PROBS = np.array([0.5, 0.3, 0.2])
LEVELS = {"x": 1.0, "pre": 1.0, "unit": 1.0, "c": 1.0}


def q(ch: str) -> str:
    """A quoted character as the rich text writes it."""
    return f"&#x27;{ch}&#x27;"


def step(from_x, from_h, h, h_prev=None, gates=None, c=None, c_prev=None, char_id=0, layers=1) -> CharStep:
    arr = lambda v: np.asarray(v, dtype=np.float64)  # noqa: E731
    h = arr(h)
    layer = LayerStep(layer=0, x=np.eye(len(CHARS))[char_id], h_prev=arr(h_prev if h_prev is not None else h * 0),
                      c_prev=None if c_prev is None else arr(c_prev), from_x=arr(from_x), from_h=arr(from_h),
                      gates={k: arr(v) for k, v in (gates or {}).items()}, h=h, c=None if c is None else arr(c),
                      w_ih=np.zeros((len(from_x), len(CHARS))), w_hh=np.zeros((len(from_x), h.size)))
    return CharStep(char_id=char_id, layers=[layer] * layers, logits=np.log(PROBS), probs=PROBS, hidden=None)


def test_num_writes_a_real_minus_and_brackets_negatives_in_a_sum():
    assert num(0.4) == "0.40" and num(-0.4) == "−0.40"
    assert num(-0.4, paren=True) == "(−0.40)" and num(0.4, paren=True) == "0.40"


def test_each_cell_has_its_own_formulas():
    assert len(FORMULAS["rnn"]) == 1 and "tanh(W<sub>ih</sub>" in FORMULAS["rnn"][0]
    lstm, gru = "<br>".join(FORMULAS["lstm"]), "<br>".join(FORMULAS["gru"])
    for term in ("i = σ", "f = σ", "g = tanh", "o = σ", "forget gate", "c<sub>t</sub> = f * c<sub>t−1</sub> + i * g"):
        assert term in lstm, term
    for term in ("r = σ", "z = σ", "n = tanh", "reset gate", "(1 − z) * n + z * h<sub>t−1</sub>"):
        assert term in gru, term
    assert "forget" not in gru and "reset gate" not in lstm


def test_rnn_numbers():
    s = step(from_x=[0.5, -0.25], from_h=[-0.1, 0.3], h=np.tanh([0.4, 0.05]))
    lines = unit_numbers("rnn", s, 0, 1, CHARS)
    assert lines == [
        f"<b>Unit 1, after reading {q('a')}:</b>",
        "h<sub>t</sub>[1] = tanh(−0.25 + 0.30) = tanh(0.05) = 0.05",
        f"p, most likely next: {q('a')} 50%, {q('b')} 30%, {q('␣')} 20%",
    ]
    assert unit_numbers("rnn", s, 0, 0, CHARS)[1] == "h<sub>t</sub>[0] = tanh(0.50 + (−0.10)) = tanh(0.40) = 0.38"


def test_lstm_numbers():
    # one unit: the gate rows i, f, g, o are the four entries of from_x and from_h
    gates = {"i": [0.6], "f": [0.9], "g": [-0.5], "o": [0.7]}
    s = step(from_x=[0.1, 2.0, -0.3, 0.4], from_h=[-0.2, 0.2, -0.25, 0.45], h=[-0.2], gates=gates,
             c=[0.24], c_prev=[0.6], char_id=1)
    lines = unit_numbers("lstm", s, 0, 0, CHARS)
    assert lines[0] == f"<b>Unit 0, after reading {q('b')}:</b>"
    assert lines[1:5] == [
        "i = σ(0.10 + (−0.20)) = σ(−0.10) = 0.60",
        "f = σ(2.00 + 0.20) = σ(2.20) = 0.90",
        "g = tanh(−0.30 + (−0.25)) = tanh(−0.55) = −0.50",
        "o = σ(0.40 + 0.45) = σ(0.85) = 0.70",
    ]
    assert lines[5] == "c<sub>t</sub> = f * c<sub>t−1</sub> + i * g = 0.90 × 0.60 + 0.60 × (−0.50) = 0.24"
    assert lines[6] == "h<sub>t</sub> = o * tanh(c<sub>t</sub>) = 0.70 × tanh(0.24) = −0.20"


def test_gru_numbers():
    gates = {"r": [0.5], "z": [0.25], "n": [-0.3]}
    s = step(from_x=[0.1, -1.0, 0.2], from_h=[-0.1, 0.3, -0.4], h=[0.1], h_prev=[0.8], gates=gates)
    lines = unit_numbers("gru", s, 0, 0, None)
    assert lines == [
        "<b>Unit 0, after reading &#x27;?&#x27;:</b>",  # no vocabulary: the character is unknown
        "r = σ(0.10 + (−0.10)) = σ(0.00) = 0.50",
        "z = σ(−1.00 + 0.30) = σ(−0.70) = 0.25",
        "n = tanh(0.20 + 0.50 × (−0.40)) = tanh(0.00) = −0.30",
        "h<sub>t</sub> = (1 − z) * n + z * h<sub>t−1</sub> = 0.75 × (−0.30) + 0.25 × 0.80 = 0.10",
    ]  # and no "most likely next" without the characters


def test_equations_html_puts_the_numbers_under_the_formulas():
    s = step(from_x=[0.5, -0.25], from_h=[-0.1, 0.3], h=np.tanh([0.4, 0.05]), layers=2)
    before = equations_html("rnn", 0, None, 0, CHARS)
    assert before.startswith("<b>RNN cell, layer 1</b><br>") and "Unit" not in before
    assert "softmax" in before
    after = equations_html("rnn", 0, s, 9, CHARS)  # the unit is clamped to the layer's size
    assert after.startswith(before + "<br><br><b>Unit 1,")
    upper = equations_html("rnn", 1, s, 0, CHARS)
    assert "layer 2</b> (its input x<sub>t</sub> is layer 1's new h<sub>t</sub>)" in upper
    assert equations_html("rnn", 2, s, 0, CHARS) == equations_html("rnn", 2, None, 0, CHARS)  # no such layer


def test_picture_titles_say_a_range_other_than_one():
    titles = picture_titles(0, LEVELS, False, None, CHARS, "#777")
    assert titles["x"] == "x<sub>t</sub>: one-hot" and titles["h"] == "h<sub>t</sub> (new state)"
    assert titles["f"] == "f (forget)" and "span" not in "".join(titles.values())
    wide = picture_titles(0, {**LEVELS, "pre": 3.0, "x": 1.5}, True, step([0.0], [0.0], [0.0], char_id=2),
                          CHARS, "#123456")
    assert wide["x"] == f"x<sub>t</sub>: embedding {q('␣')} <span style='color:#123456'>±1.5</span>"
    assert wide["from_x"].endswith("<span style='color:#123456'>±3</span>")
    assert wide["from_h"].startswith("W<sub>hh</sub> h<sub>t−1</sub> + b<sub>hh</sub>")
    assert picture_titles(1, LEVELS, True, None, CHARS, "#777")["x"] == "x<sub>t</sub> = layer 1's h<sub>t</sub>"


def test_next_chars_title_names_the_texts_next_character():
    assert next_chars_title(None) == NEXT_CHARS == "top 10 next characters"
    assert next_chars_title("\n") == f"top 10 next characters; orange = {q('⏎')}, the text's next"
    assert next_chars_title("<") == "top 10 next characters; orange = &#x27;&lt;&#x27;, the text's next"
