"""Axis labels that are read in full: the long text where the axis has room for it, a
short one where it does not.

A vertical axis label longer than its plot is tall is cut at both ends: at 1024x768 the
loss plot's right axis read "rning rate (x0.001" and, in presentation mode beside a tall
view, its left one "oss". The choice is made again whenever the axis changes size and
whenever the look restyles the label (presentation mode's bigger font).
"""

from __future__ import annotations

import pyqtgraph as pg
import shiboken6
from PySide6 import QtGui


def fit_label(axis: pg.AxisItem, full: str, short: str | None) -> None:
    """Show `full` on `axis` where it fits, else `short` (None: always `full`)."""
    axis._rnnlab_label_texts = (full, short)
    # only axes with a choice to make listen to their resizes (every plot's axes go by here)
    if short is not None and not getattr(axis, "_rnnlab_fits_labels", False):
        axis._rnnlab_fits_labels = True
        axis.geometryChanged.connect(lambda axis=axis: _refit_if_alive(axis))
    refit(axis)


def _refit_if_alive(axis: pg.AxisItem) -> None:
    if shiboken6.isValid(axis):  # a plot being deleted still resizes its axes
        refit(axis)


def refit(axis: pg.AxisItem) -> None:
    """Choose between the axis's two texts for its length now (after a restyle, a resize)."""
    texts = getattr(axis, "_rnnlab_label_texts", None)
    if texts is None:
        return
    full, short = texts
    chosen = full
    if short is not None:
        vertical = axis.orientation in ("left", "right")
        length = axis.geometry().height() if vertical else axis.geometry().width()
        if length > 0 and _width(axis, full) > length:
            chosen = short
    if axis.labelText != chosen:
        axis.setLabel(chosen, axis.labelUnits, axis.labelUnitPrefix, **axis.labelStyle)


def _width(axis: pg.AxisItem, text: str) -> float:
    """How long `text` would be as the axis's label (its style, units and scale), measured
    aside: setting it to measure would resize the axis and ask again, for ever."""
    shown = axis.labelText
    axis.labelText = text
    try:
        html = axis.labelString()
    finally:
        axis.labelText = shown
    doc = QtGui.QTextDocument()
    doc.setDefaultFont(axis.label.font())
    doc.setHtml(html)
    return doc.idealWidth()
