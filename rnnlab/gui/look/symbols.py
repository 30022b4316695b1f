"""Characters that would be invisible in a label, shown as symbols."""

from __future__ import annotations

from rnnlab.core.data.vocab import char_symbol  # noqa: F401 - the engine's, for reports too


def show_char(c: str) -> str:
    """A character as it can be seen in a label: newline ⏎, space ␣, controls as U+XXXX."""
    shown = char_symbol(c)
    if shown == c and len(c) == 1 and not c.isprintable():
        return f"U+{ord(c):04X}"
    return shown
