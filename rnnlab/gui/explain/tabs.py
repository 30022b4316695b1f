"""ExplainTabs: the "inside the network" views in one tab widget under the loss plot.

Routing only: the window hands over what the training session sends (probes, gradient
flows, metrics) and this passes it to the views. Views that are not on screen are not
redrawn: the latest probe is kept and given to a view when its tab is opened, so a hidden
tab costs the GUI thread nothing while training. The gradient flow costs the training
thread a backward pass, so `wants_gradients` tells the session when its tab is shown.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore, QtWidgets

from rnnlab.gui.explain.gates_panel import GatesPanel
from rnnlab.gui.explain.gradients_panel import GradientsPanel
from rnnlab.gui.explain.heatmap_panel import HeatmapPanel
from rnnlab.gui.explain.neuron_hunt_panel import NeuronHuntPanel
from rnnlab.gui.explain.next_char_panel import NextCharPanel
from rnnlab.gui.explain.step_through_panel import StepThroughPanel
from rnnlab.gui.explain.temperature_panel import TemperaturePanel


class ExplainTabs(QtWidgets.QTabWidget):
    wants_gradients = QtCore.Signal(bool)

    def __init__(self, heatmap: HeatmapPanel, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent, objectName="explainTabs")
        self.setDocumentMode(True)
        self.heatmap = heatmap
        self.gates = GatesPanel()
        self.gradients = GradientsPanel()
        self.neuron_hunt = NeuronHuntPanel()
        self.next_char = NextCharPanel()
        self.temperature = TemperaturePanel()
        self.step_through = StepThroughPanel()
        for view, title, tip in (
                (heatmap, "Hidden state", "Every unit's value over a text, and the LSTM's cell and gates"),
                (self.gates, "Gates", "How often each gate is shut or wide open"),
                (self.gradients, "Gradients", "How far back in time learning reaches; exploding gradients"),
                (self.neuron_hunt, "Neuron hunt", "Find units that track quotes, brackets, line starts..."),
                (self._with_source_row(self.next_char), "Next char",
                 "What the network expects next, and how surprised it was"),
                (self.temperature, "Temperature", "The same start sampled at several temperatures"),
                (self.step_through, "Step through", "One character at a time through the equations (tiny models)")):
            tab = _scrolling(view) if view is self.step_through else view  # see _scrolling
            self.setTabToolTip(self.addTab(tab, title), tip)
        self._result = self._vocab = None
        self._fed: set[QtWidgets.QWidget] = set()  # views that have the latest probe
        self._sample_probe: Callable | None = None
        self.currentChanged.connect(self._on_tab_changed)

    def minimumSizeHint(self) -> QtCore.QSize:  # noqa: N802 - Qt's name
        """As tall as the shown view needs, not the tallest view (Qt's choice): the Next char
        view's 270 px took a 1024x768 window's loss plot ~50 px of its curves. Opening a
        taller view asks the layout again, and the splitter makes room for it."""
        hint = super().minimumSizeHint()
        page = self.currentWidget()
        if page is None or not self.tabBar().isHidden():
            return hint
        return QtCore.QSize(hint.width(), min(hint.height(), page.minimumSizeHint().height()))

    def current_view(self) -> QtWidgets.QWidget:
        return self._view_in(self.currentWidget())

    def set_sample_probe(self, probe_sample: Callable) -> None:
        """probe_sample(then, fail): then((ProbeResult, Vocabulary)) of the last generated
        sample, at once or later; fail(ValueError with a message for the user) when there
        is none or it cannot be read."""
        self._sample_probe = probe_sample

    def reading_sample(self) -> bool:
        return self.next_char_source.currentIndex() == 1

    def refresh_sample(self) -> None:
        """A new sample finished: show it when the next-char view reads samples."""
        if self.reading_sample():
            self._show_sample()

    # --- data in ---
    def set_probe(self, result, vocab) -> None:
        self._result, self._vocab = result, vocab
        self._fed.clear()
        self._feed(self.current_view())

    def set_gradient_flow(self, norms) -> None:
        self.gradients.set_gradient_flow(norms)

    def append_metrics(self, batch: dict) -> None:
        """Every step's gradient norm (before clipping) for the gradients view; cheap when
        hidden: it only appends to buffers and redraws when shown."""
        self.gradients.append_grad_norms(batch["steps"], batch["grad_norms"])

    def set_clip(self, clip: float | None) -> None:
        self.gradients.set_clip(clip)

    def set_model_source(self, request_for: Callable[[str], Callable]) -> None:
        """request_for(view name) -> that view's model request (step_walk.ModelRequest):
        one each, so that one view's request never replaces another's."""
        self.temperature.set_model_source(request_for("temperature"))
        self.step_through.set_model_source(request_for("step-through"))

    def clear(self) -> None:
        """A new model: forget what the old one showed."""
        self._result = self._vocab = None
        self._fed.clear()
        for view in (self.heatmap, self.gates, self.gradients, self.neuron_hunt, self.next_char):
            view.clear()

    def shutdown(self) -> bool:
        """Stop the views' own threads (sampling); True when none is left running."""
        return self.temperature.shutdown()

    # --- internals ---
    def _feed(self, view: QtWidgets.QWidget) -> None:
        if self._result is None or view in self._fed:
            return
        self._fed.add(view)
        if view is self.next_char and self.reading_sample():
            return  # showing a sample, not the training probe
        if view is self.next_char:
            view.set_probe(self._result, self._vocab)
        elif view in (self.heatmap, self.gates, self.neuron_hunt):
            view.set_probe(self._result)

    def view_name(self) -> str:
        """The shown tab's name in lower case, as a lesson names it ("heatmap", "gates"...)."""
        return self.tabText(self.currentIndex()).lower()

    def show_view_named(self, name: str) -> bool:
        """Show the tab of that name (any case); False when there is none."""
        names = [self.tabText(i).lower() for i in range(self.count())]
        if name.lower() not in names:
            return False
        self.setCurrentIndex(names.index(name.lower()))
        return True

    def show_view(self, view: QtWidgets.QWidget) -> None:
        self.setCurrentIndex(next(i for i in range(self.count()) if self._view_in(self.widget(i)) is view))

    def _with_source_row(self, view: QtWidgets.QWidget) -> QtWidgets.QWidget:
        """The next-char view with a chooser: the heatmap's text (live) or the last sample."""
        self.next_char_source = QtWidgets.QComboBox(objectName="nextCharSourceCombo")
        self.next_char_source.addItems(["the heatmap's text (live)", "the last generated sample"])
        self.next_char_source.setToolTip("Which text the network reads for this view")
        self.next_char_source.currentIndexChanged.connect(self._on_next_char_source_changed)
        box = QtWidgets.QWidget()
        box.explained_view = view
        layout = QtWidgets.QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(QtWidgets.QLabel("read:"))
        row.addWidget(self.next_char_source, 1)
        layout.addLayout(row)
        layout.addWidget(view, 1)
        return box

    def _on_next_char_source_changed(self, _index: int) -> None:
        if self.reading_sample():
            self._show_sample()
        else:
            self._fed.discard(self.next_char)
            self.next_char.clear()
            self._feed(self.next_char)

    def _show_sample(self) -> None:
        if self._sample_probe is not None:
            self._sample_probe(self._on_sample_probed, self._on_sample_probe_failed)

    def _on_sample_probed(self, probed) -> None:
        if self.reading_sample():
            self.next_char.set_probe(*probed)

    def _on_sample_probe_failed(self, exc: Exception) -> None:
        self.next_char.clear()
        self.next_char.show_error(str(exc))

    @staticmethod
    def _view_in(tab: QtWidgets.QWidget) -> QtWidgets.QWidget:
        """A tab is its view, a scroll area around it, or a box holding it."""
        inner = tab.widget() if isinstance(tab, QtWidgets.QScrollArea) else tab
        return getattr(inner, "explained_view", inner)

    def _on_tab_changed(self, _index: int) -> None:
        self.updateGeometry()  # its minimum is the shown view's
        view = self.current_view()
        self._feed(view)
        self.wants_gradients.emit(view is self.gradients)


def _scrolling(view: QtWidgets.QWidget) -> QtWidgets.QScrollArea:
    """The view in a scroll area: the step-through of an LSTM is taller than the tab and
    scrolls instead of pushing the loss plot off a 768-pixel screen. Only that one: in a
    scroll area, wrapping labels make Qt size a view by its plots' preferred heights, so
    the others are better squeezed to the tab."""
    area = QtWidgets.QScrollArea()
    area.setWidget(view)
    area.setWidgetResizable(True)
    area.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
    return area
