"""The neuron hunt's pattern view as rich text (the characters a pattern selects marked,
whitespace made visible) and the sentence under it. Pure string work, no Qt: the colours
come in as arguments (the palette in rnnlab.gui.look.colors imports Qt), so this is tested
without a display."""

from __future__ import annotations

import html

import numpy as np

from rnnlab.core.data.vocab import char_symbol


def mask_html(text: str, mask: np.ndarray, background: str, ink: str) -> str:
    """Rich text of `text` with the characters where mask is True underlined in `ink` on
    `background`; whitespace made visible (⏎ also breaks the line). One span per run of
    marked characters; characters past the end of the mask are unmarked."""
    parts, run, run_marked = [], [], None

    def flush() -> None:
        if run:
            body = "".join(run)
            if run_marked:
                body = (f'<span style="background-color:{background}; color:{ink}; '
                        f'text-decoration: underline;">{body}</span>')
            parts.append(body)

    for ch, marked in zip(text, np.asarray(mask, dtype=bool).tolist() + [False] * max(0, len(text) - len(mask))):
        if marked != run_marked:
            flush()
            run, run_marked = [], marked
        sym = char_symbol(ch, space=" ")
        run.append("&nbsp;" if sym == " " else html.escape(sym))
        if sym == "⏎":
            run.append("<br>")
    flush()
    return '<span style="font-family: monospace;">' + "".join(parts) + "</span>"


def mask_summary(mask: np.ndarray) -> str:
    """How much of the text the pattern selects, in words."""
    n = int(np.count_nonzero(mask))
    if n == 0:
        return "the pattern selects no character of this text: every correlation is 0"
    if n == mask.size:
        return "the pattern selects every character of this text: every correlation is 0"
    return f"the pattern selects {n} of {mask.size} characters (marked yellow)"
