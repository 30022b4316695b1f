"""The status bar: step, epoch, losses, speed, elapsed time and budget progress; and a
message bar for warnings and errors that stays until dismissed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QProgressBar, QPushButton, QStatusBar, QWidget

from rnnlab.core.train.events import StepEvent, format_duration
from rnnlab.gui.look import theme

# Each label is as wide as its widest likely text, so a changing number never re-lays out
# (and so repaints) the whole window.
WIDEST = {"stepLabel": "step 10,000,000", "epochLabel": "epoch 999.99", "lrLabel": "lr 0.00e-00",
          "lossLabel": "loss 0.000",
          "valLabel": "val 0.000", "speedLabel": "999,999 chars/s", "elapsedLabel": "00:00:00"}


# What a passing message may cover when the bar is too narrow for it (QStatusBar only hides
# its normal widgets for one), least needed first: the step and the losses stay.
FOLD_ORDER = ("epochLabel", "lrLabel", "etaLabel", "budgetProgress", "elapsedLabel", "speedLabel")

TIPS = {"lrLabel": "The learning rate of the last step: it warms up over the first steps, then, with a "
                     "budget, falls along a cosine to the end of the budget"}


class TrainingStatus:
    """Labels in a QStatusBar, updated from step and eval events."""

    def __init__(self, bar: QStatusBar):
        self.labels = {}
        for name, text in (("stepLabel", "step 0"), ("epochLabel", "epoch 0.00"), ("lrLabel", "lr –"),
                           ("lossLabel", "loss –"), ("valLabel", "val –"),
                           ("speedLabel", "0 chars/s"), ("elapsedLabel", "0:00:00")):
            label = QLabel(text, objectName=name)
            label.setContentsMargins(6, 0, 6, 0)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            theme.follow(label, _fit_widest)
            label.setToolTip(TIPS.get(name, ""))
            bar.addPermanentWidget(label)
            self.labels[name] = label
        self.progress = QProgressBar(objectName="budgetProgress")
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(160)
        self.progress.setFormat("%p%")
        self.progress.hide()
        self.eta = QLabel("", objectName="etaLabel")
        self.eta.hide()
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.eta)
        self._bar = bar
        self._wanted = {w: not w.isHidden() for w in (*self.labels.values(), self.progress, self.eta)}
        self._folded: set[QWidget] = set()
        bar.messageChanged.connect(self._make_room)

    def show_widget(self, widget: QWidget, on: bool) -> None:
        """Show or hide one of the bar's widgets (a passing message may still cover it)."""
        self._wanted[widget] = on
        widget.setVisible(on and widget not in self._folded)

    def _make_room(self, text: str) -> None:
        """Hide the least needed widgets while a message shows that would not fit beside them."""
        self._folded.clear()
        if text:
            need = self._bar.fontMetrics().horizontalAdvance(text) + 24
            by_name = {w.objectName(): w for w in self._wanted}
            for name in FOLD_ORDER:
                if need <= self._room():
                    break
                self._folded.add(by_name[name])
        for widget, on in self._wanted.items():
            widget.setVisible(on and widget not in self._folded)

    def _room(self) -> float:
        """The width left for a message beside the widgets that would stay shown."""
        taken = sum(max(w.sizeHint().width(), w.minimumWidth()) + 8
                    for w, on in self._wanted.items() if on and w not in self._folded)
        return self._bar.width() - taken - 24  # the size grip and the bar's margins

    def show_step(self, event: StepEvent, elapsed: float) -> None:
        self.labels["stepLabel"].setText(f"step {event.step:,}")
        self.labels["epochLabel"].setText(f"epoch {event.epoch:.2f}")
        self.labels["lrLabel"].setText(f"lr {event.lr:.2e}")
        self.labels["lossLabel"].setText(f"loss {event.loss:.3f}")
        self.labels["speedLabel"].setText(f"{event.chars_per_s:,.0f} chars/s")
        self.labels["elapsedLabel"].setText(format_duration(elapsed))

    def show_val(self, val_loss: float) -> None:
        self.labels["valLabel"].setText(f"val {val_loss:.3f}")

    def show_counters(self, step: int, epoch: float, elapsed: float) -> None:
        self.labels["stepLabel"].setText(f"step {step:,}")
        self.labels["epochLabel"].setText(f"epoch {epoch:.2f}")
        self.labels["elapsedLabel"].setText(format_duration(elapsed))

    def show_budget(self, fraction: float | None, eta_seconds: float | None) -> None:
        """Progress of the budget (None hides it)."""
        visible = fraction is not None
        self.show_widget(self.progress, visible)
        self.show_widget(self.eta, visible)
        if visible:
            self.progress.setValue(int(min(max(fraction, 0.0), 1.0) * 1000))
            self.eta.setText(f"ETA {format_duration(eta_seconds or 0)}")

    def reset(self) -> None:
        for name, text in (("stepLabel", "step 0"), ("epochLabel", "epoch 0.00"), ("lrLabel", "lr –"),
                           ("lossLabel", "loss –"), ("valLabel", "val –"),
                           ("speedLabel", "0 chars/s"), ("elapsedLabel", "0:00:00")):
            self.labels[name].setText(text)
        self.show_budget(None, None)


def _fit_widest(label: QLabel, _look) -> None:
    """As wide as the widest text it will show, in the current font (larger when presenting)."""
    font = QApplication.font()  # the label's own font may not have heard of a change yet
    label.setMinimumWidth(QFontMetrics(font).horizontalAdvance(WIDEST[label.objectName()]) + 12)


class MessageBar(QWidget):
    """A coloured line at the top of the window; stays until closed or replaced. Its colours
    (theme.Look.message_colors) are dark on light in the light theme, light on dark in the dark."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("messageBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        self.label = QLabel(objectName="messageLabel")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QPushButton("✕", objectName="messageCloseButton")
        close.setFlat(True)
        close.setFixedWidth(28)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # draws the style sheet's border
        self._level = "warning"
        self.hide()
        theme.follow(self, MessageBar._restyle)

    def show_message(self, text: str, level: str = "warning") -> None:
        self._level = level
        self._restyle(theme.current())
        self.label.setText(text)
        self.show()

    def level(self) -> str:
        return self._level

    def _restyle(self, look) -> None:
        fg, bg = look.message_colors(self._level)
        self.setStyleSheet(f"#messageBar {{ background: {bg}; border: 1px solid {fg}; border-radius: 3px; }}"
                           f" QLabel, QPushButton {{ color: {fg}; }}")

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""
