"""What presentation mode leaves out: fewer, bigger things for the back of the room.

At 1.5x fonts everything did not fit a projector's 1024x768 or 1280x800: the loss plot came
out ~140 px tall, the Gates plots ~60. So presentation mode shows the loss plot, one view of
"Inside the network" (chosen from a drop-down list) and the sample, and hides the rest:
the settings column (ViewModes folds it), the panels' titles, the loss plot's toolbar,
the heatmap's text chooser, the sampling settings above the Generate button and the
status bar's epoch, learning rate and speed. The
toolbar (Start, Step, Stop, Reset) and the menus stay, so the teacher can still drive it.
Switching presentation mode off shows all of it again.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLayoutItem, QWidget

from rnnlab.gui.look import theme

PANEL_TITLES = ("loss", "inside", "sampling")  # the plots and the sample say what they are
STATUS_LABELS = ("epochLabel", "lrLabel", "speedLabel")  # the status bar keeps step, losses and time
SAMPLING_ROWS = ("primeEdit", "temperatureSlider", "topKSpin", "sampleLengthSpin", "seedSpin",
                 "autoSampleCheck", "surpriseColorCheck")  # the form's rows above Generate


class PresentationLayout:
    """Hides and shows the window's extras with presentation mode (see the module docstring)."""

    def __init__(self, window) -> None:
        self._window = window
        self._titles = {name: window.panel_boxes[name].title() for name in PANEL_TITLES}
        theme.follow(window, lambda _w, look: self.apply(look.presentation))

    def apply(self, on: bool) -> None:
        window = self._window
        for name, title in self._titles.items():
            box: QGroupBox = window.panel_boxes[name]
            box.setTitle("" if on else title)
        window.loss_plot.toolbar.setVisible(not on)
        heatmap = window.heatmap
        for widget in (heatmap.source_label, heatmap.source_combo, heatmap.text_edit):
            widget.setVisible(not on)
        for name in STATUS_LABELS:
            window.status.show_widget(window.status.labels[name], not on)
        panel = window.sampling_panel
        form = panel.layout()
        if isinstance(form, QFormLayout):
            for name in SAMPLING_ROWS:
                row = _form_row(form, getattr(panel, name))
                if row >= 0:
                    form.setRowVisible(row, not on)


def _form_row(form: QFormLayout, widget: QWidget) -> int:
    """The row of `form` that holds `widget`, alone or in a row layout; -1 if none."""
    for row in range(form.rowCount()):
        for role in (QFormLayout.ItemRole.FieldRole, QFormLayout.ItemRole.SpanningRole):
            item = form.itemAt(row, role)
            if item is not None and _holds(item, widget):
                return row
    return -1


def _holds(item: QLayoutItem, widget: QWidget) -> bool:
    if item.widget() is widget:
        return True
    layout = item.layout()
    return layout is not None and layout.indexOf(widget) >= 0
