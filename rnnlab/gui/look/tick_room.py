"""Tick labels that never run into each other, however short the plot.

pyqtgraph thins its minor tick labels when they crowd, but always draws every major one: on a
60-px gate plot in presentation mode "0 0.2 0.4 0.6 0.8 1.0" were printed over each other,
and a log axis spanning less than a decade stacked its labels into a smudge. Here an axis's
labels are kept in the order pyqtgraph asks for them (major ticks first), and a label that
would overlap one already kept is left blank; the tick marks themselves stay.

The axis's own methods are wrapped per instance rather than by subclassing, so that every
axis class the app uses (pyqtgraph's, CompactAxis, CharAxis) gets it through style_axes.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtGui

GAP_PX = 6  # at least this much between two labels along a horizontal axis


def keep_labels_apart(axis: pg.AxisItem) -> None:
    """From now on, draw only those of `axis`'s tick labels that do not overlap each other."""
    if getattr(axis, "_rnnlab_labels_apart", False):
        return
    axis._rnnlab_labels_apart = True
    axis._rnnlab_kept = None  # [(centre px, extent px)] of the labels kept in this drawing
    tick_strings, draw_specs = axis.tickStrings, axis.generateDrawSpecs

    def generate_draw_specs(painter):
        axis._rnnlab_kept = []
        try:
            return draw_specs(painter)
        finally:
            axis._rnnlab_kept = None

    def thinned_tick_strings(values, scale, spacing):
        strings = tick_strings(values, scale, spacing)
        kept = axis._rnnlab_kept
        return strings if kept is None else _thin(axis, list(values), list(strings), kept)

    axis.generateDrawSpecs = generate_draw_specs
    axis.tickStrings = thinned_tick_strings


def _thin(axis: pg.AxisItem, values: list, strings: list, kept: list) -> list:
    low, high = axis.range
    vertical = axis.orientation in ("left", "right")
    length = axis.geometry().height() if vertical else axis.geometry().width()
    if high == low or length <= 0 or len(values) != len(strings):
        return strings
    metrics = QtGui.QFontMetricsF(axis.style["tickFont"] or axis.font())
    out = []
    for value, text in zip(values, strings):
        if not text:
            out.append(text)
            continue
        centre = (value - low) / (high - low) * length
        extent = metrics.height() * 0.9 if vertical else metrics.horizontalAdvance(str(text)) + GAP_PX
        if 0 <= centre <= length and any(abs(centre - c) < (extent + e) / 2 for c, e in kept):
            out.append("")
            continue
        if 0 <= centre <= length:
            kept.append((centre, extent))
        out.append(text)
    return out
