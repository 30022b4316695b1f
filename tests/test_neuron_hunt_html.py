"""The neuron hunt's pattern view as rich text, without Qt: escaping, marked runs, visible
whitespace, an empty text, and the sentence that says how much is selected."""

import numpy as np

from rnnlab.gui.explain.neuron_hunt_html import mask_html, mask_summary
from tests.qt_free import imports_without_qt

BACKGROUND, INK = "#abcdef", "#123456"
OPEN = '<span style="font-family: monospace;">'
MARK = f'<span style="background-color:{BACKGROUND}; color:{INK}; text-decoration: underline;">'


def html(text, marked):
    mask = np.zeros(len(text), dtype=bool)
    mask[list(marked)] = True
    return mask_html(text, mask, BACKGROUND, INK)


def test_imports_no_qt():
    assert imports_without_qt(["rnnlab.gui.explain.neuron_hunt_html"]) == {}


def test_markup_in_the_text_is_escaped():
    assert html("<b>&", []) == OPEN + "&lt;b&gt;&amp;</span>"
    assert html('"x"', [1]) == OPEN + "&quot;" + MARK + "x</span>&quot;</span>"


def test_one_span_per_run_of_marked_characters():
    rich = html("a(bc)d(e)", [2, 3, 7])
    assert rich == OPEN + "a(" + MARK + "bc</span>)d(" + MARK + "e</span>)</span>"
    assert rich.count("background-color") == 2


def test_whitespace_is_visible_and_newlines_break():
    assert html("a b\n", [1]) == OPEN + "a" + MARK + "&nbsp;</span>b⏎<br></span>"


def test_characters_past_the_mask_are_unmarked():
    assert mask_html("abcd", np.array([True, True]), BACKGROUND, INK) == OPEN + MARK + "ab</span>cd</span>"


def test_empty_text():
    assert mask_html("", np.zeros(0, dtype=bool), BACKGROUND, INK) == OPEN + "</span>"


def test_summary_counts_the_selected_characters():
    assert mask_summary(np.array([0.0, 1.0, 1.0, 0.0])) == "the pattern selects 2 of 4 characters (marked yellow)"
    assert "no character" in mask_summary(np.zeros(3))
    assert "every character" in mask_summary(np.ones(3))
