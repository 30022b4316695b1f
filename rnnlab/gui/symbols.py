"""Characters that would be invisible in a label, shown as symbols."""

from __future__ import annotations

_VISIBLE = {"\n": "⏎", "\t": "⇥", "\r": "␍"}


def char_symbol(ch: str, space: str = "␣") -> str:
    """A visible stand-in for characters that would be blank: ⏎ newline, ⇥ tab, ␣ space."""
    return space if ch == " " else _VISIBLE.get(ch, ch)


def show_char(c: str) -> str:
    """A character as it can be seen in a label: newline ⏎, space ␣, controls as U+XXXX."""
    shown = char_symbol(c)
    if shown == c and len(c) == 1 and not c.isprintable():
        return f"U+{ord(c):04X}"
    return shown
