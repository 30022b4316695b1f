"""The step-through view's words and equations, as rich text (HTML) for its labels.

    FORMULAS[cell]    the cell's equations, the same as probe.py's rnn_step / lstm_step /
                      gru_step docstrings, then OUTPUT_FORMULAS (the softmax)
    equations_html    the formulas, and below them one unit's numbers put into them
    picture_titles    the small pictures' titles, with their colour range when not ±1
    next_chars_title  the title of the top next characters' bars

Pure string building, no Qt: what the panel shows can be checked without a display.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from rnnlab.core.nn.char_step import CharStep
from rnnlab.core.nn.probe import GATE_NAMES
from rnnlab.core.nn.surprisal import top_next
from rnnlab.gui.look.symbols import show_char

X_T, H_PREV, C_PREV = "x<sub>t</sub>", "h<sub>t−1</sub>", "c<sub>t−1</sub>"
H_T, C_T, Y_T = "h<sub>t</sub>", "c<sub>t</sub>", "y<sub>t</sub>"

NO_EQUATIONS = "The equations of the model's cell, with its numbers, appear here once it reads a character."
NEXT_CHARS = "top 10 next characters"

GATE_TITLES = {  # short: four pictures share a row in a narrow window
    "i": "i (input)", "f": "f (forget)", "g": "g (candidate)", "o": "o (output)",
    "r": "r (reset)", "z": "z (update)", "n": "n (candidate)",
}


def _w(sub: str) -> str:
    return f"W<sub>{sub}</sub>"


def _b(sub: str) -> str:
    return f"b<sub>{sub}</sub>"


def _gate_formula(name: str, fn: str, note: str) -> str:
    return (f"{name} = {fn}({_w('i' + name)} {X_T} + {_b('i' + name)} + {_w('h' + name)} {H_PREV} + "
            f"{_b('h' + name)})&nbsp;&nbsp;<i>{note}</i>")


FORMULAS = {
    "rnn": [f"{H_T} = tanh({_w('ih')} {X_T} + {_b('ih')} + {_w('hh')} {H_PREV} + {_b('hh')})"],
    "lstm": [
        _gate_formula("i", "σ", "input gate: how much new to write"),
        _gate_formula("f", "σ", "forget gate: how much of c to keep"),
        _gate_formula("g", "tanh", "candidate values to write"),
        _gate_formula("o", "σ", "output gate: how much of c to show"),
        f"{C_T} = f * {C_PREV} + i * g",
        f"{H_T} = o * tanh({C_T})",
    ],
    "gru": [
        _gate_formula("r", "σ", "reset gate"),
        _gate_formula("z", "σ", "update gate: how much of h to keep"),
        f"n = tanh({_w('in')} {X_T} + {_b('in')} + r * ({_w('hn')} {H_PREV} + {_b('hn')}))&nbsp;&nbsp;"
        f"<i>candidate</i>",
        f"{H_T} = (1 − z) * n + z * {H_PREV}",
    ],
}
OUTPUT_FORMULAS = [f"{Y_T} = {_w('out')} {H_T} + {_b('out')}", f"p = softmax({Y_T})"]


def num(v: float, paren: bool = False) -> str:
    """-0.4 -> "−0.40"; in a sum (paren) a negative number is bracketed."""
    text = f"{v:.2f}".replace("-", "−")
    return f"({text})" if paren and v < 0 else text


def quoted(char: str) -> str:
    """A character of the text as a quoted, visible symbol, safe in rich text: '␣'."""
    return html.escape(repr(show_char(char)))


def equations_html(cell: str, layer: int, step: CharStep | None, unit: int,
                   chars: Sequence[str] | None) -> str:
    """The cell's formulas for `layer` (0-based) and, once a character was read (`step`),
    `unit`'s numbers in them (clamped to the layer's size). `chars` is the vocabulary's
    characters, None when unknown."""
    k = layer
    lines = [f"<b>{cell.upper()} cell, layer {k + 1}</b>" + (
        "" if k == 0 else f" (its input x<sub>t</sub> is layer {k}'s new h<sub>t</sub>)")]
    lines += FORMULAS[cell] + ["&nbsp;&nbsp;&nbsp;&nbsp;".join(OUTPUT_FORMULAS)]
    if step is not None and k < len(step.layers):
        lines.append("")
        lines += unit_numbers(cell, step, k, min(unit, step.layers[k].h.size - 1), chars)
    return "<br>".join(lines)


def unit_numbers(cell: str, step: CharStep, k: int, u: int, chars: Sequence[str] | None) -> list[str]:
    """Unit u's numbers of layer k put into the formulas, one line each."""
    s, size = step.layers[k], step.layers[k].h.size
    ch = show_char(chars[step.char_id]) if chars is not None else "?"
    out = [f"<b>Unit {u}, after reading {html.escape(repr(ch))}:</b>"]
    if cell == "rnn":
        a, b = float(s.from_x[u]), float(s.from_h[u])
        out.append(f"{H_T}[{u}] = tanh({num(a)} + {num(b, True)}) = tanh({num(a + b)}) = {num(float(s.h[u]))}")
    elif cell == "lstm":
        for j, name in enumerate(GATE_NAMES["lstm"]):
            a, b = float(s.from_x[j * size + u]), float(s.from_h[j * size + u])
            fn = "tanh" if name == "g" else "σ"
            out.append(f"{name} = {fn}({num(a)} + {num(b, True)}) = {fn}({num(a + b)}) = "
                       f"{num(float(s.gates[name][u]))}")
        i, f, g, o = (float(s.gates[n][u]) for n in ("i", "f", "g", "o"))
        cp, c, h = float(s.c_prev[u]), float(s.c[u]), float(s.h[u])
        out.append(f"{C_T} = f * {C_PREV} + i * g = {num(f)} × {num(cp, True)} + {num(i)} × {num(g, True)} "
                   f"= {num(c)}")
        out.append(f"{H_T} = o * tanh({C_T}) = {num(o)} × tanh({num(c)}) = {num(h)}")
    else:
        r, z, n = (float(s.gates[name][u]) for name in ("r", "z", "n"))
        for j, name in enumerate(("r", "z")):
            a, b = float(s.from_x[j * size + u]), float(s.from_h[j * size + u])
            out.append(f"{name} = σ({num(a)} + {num(b, True)}) = σ({num(a + b)}) = "
                       f"{num(float(s.gates[name][u]))}")
        a, b = float(s.from_x[2 * size + u]), float(s.from_h[2 * size + u])
        out.append(f"n = tanh({num(a)} + {num(r)} × {num(b, True)}) = tanh({num(a + r * b)}) = {num(n)}")
        hp, h = float(s.h_prev[u]), float(s.h[u])
        out.append(f"{H_T} = (1 − z) * n + z * {H_PREV} = {num(1 - z)} × {num(n, True)} + "
                   f"{num(z)} × {num(hp, True)} = {num(h)}")
    if chars is not None:
        best = ", ".join(f"{quoted(chars[i])} {p:.0%}" for i, p in top_next(step.probs, 3))
        out.append(f"p, most likely next: {best}")
    return out


def picture_titles(layer: int, levels: dict[str, float], embedded: bool, step: CharStep | None,
                   chars: Sequence[str] | None, level_colour: str) -> dict[str, str]:
    """Each picture's title by its key ("x", "h_prev", "from_x", a gate name...). A
    picture whose colours span other than ±1 says its range, in `level_colour` (CSS)."""
    k = layer

    def scale(key: str) -> str:  # colours span ±1 unless said
        return "" if levels[key] == 1.0 else f" <span style='color:{level_colour}'>±{levels[key]:g}</span>"

    if k > 0:
        x_title = f"{X_T} = layer {k}'s h<sub>t</sub>"
    elif embedded:
        x_title = f"{X_T}: embedding"
    else:
        x_title = f"{X_T}: one-hot"
    if step is not None and k == 0 and chars is not None:
        x_title += f" {quoted(chars[step.char_id])}"
    titles = {
        "x": x_title + scale("x"),
        "h_prev": f"{H_PREV} (memory)",
        "c_prev": f"{C_PREV}" + scale("c"),
        "from_x": f"{_w('ih')} {X_T} + {_b('ih')}" + scale("pre"),
        "from_h": f"{_w('hh')} {H_PREV} + {_b('hh')}" + scale("pre"),
        "h": f"{H_T} (new state)",
        "c": f"{C_T} (new cell)" + scale("c"),
    }
    titles.update(GATE_TITLES)
    return titles


def next_chars_title(actual: str | None) -> str:
    """The bars' title; `actual` is the text's next character (drawn orange), if any."""
    if actual is None:
        return NEXT_CHARS
    return NEXT_CHARS + f"; orange = {quoted(actual)}, the text's next"
