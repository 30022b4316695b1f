"""RaceWindow: two to four cells trained side by side on the main window's text.

    controls (who, how big, how shared, how long) -> Start -> core Race in a RaceWorker thread
    worker.metrics / evaluated -> RacePlot (overlaid curves) + standings table
    Generate -> a snapshot of every contender -> SampleColumns (one column each, same seed)

The window only shows and relays: sizing and turn-taking are rnnlab.core.train.race.
"""

from __future__ import annotations

import html
import random
from dataclasses import replace

from PySide6 import QtWidgets
from PySide6.QtCore import Qt, QThread, QTimer, Signal

from rnnlab.core import logs
from rnnlab.core.data.corpus import Corpus, CorpusError
from rnnlab.core.nn.sampler import SampleSettings, prime_ids
from rnnlab.core.train.race import Race
from rnnlab.gui.look import colors, theme
from rnnlab.gui.look.flow_layout import FlowLayout
from rnnlab.gui.look.widgets import labelled, spin_box
from rnnlab.gui.panels.sample_columns import SampleColumns
from rnnlab.gui.plots.race_plot import RacePlot
from rnnlab.gui.race.controls import RaceControls
from rnnlab.gui.race.worker import EVAL_SECONDS, RaceWorker
from rnnlab.gui.workers.latest_job import LatestJob
from rnnlab.gui.workers.training_worker import start_training_thread, stop_training_thread

STANDINGS_MS = 250  # the standings table changes 4 times a second
EVAL_CHARS = 20_000  # validation characters per pass: ~0.3 s for a 2x128 LSTM on one core


class RaceWindow(QtWidgets.QWidget):
    started = Signal()  # a race began: the main window pauses its own training
    eval_seconds = EVAL_SECONDS  # each contender's training time between validation passes

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("raceWindow")
        self.setWindowTitle("Race — rnnlab")
        self.corpus: Corpus | None = None
        self.race: Race | None = None
        self.worker: RaceWorker | None = None
        self.thread: QThread | None = None
        self.reason = ""  # why the last race ended
        self._ended: tuple | None = None  # the last (thread, worker): kept until it has surely ended
        self._threads = 0
        self._copy_scores: dict[int, dict] = {}
        self._copies = LatestJob("rnnlab-race-copy", self)  # done((race, settings), models, error)
        self._copies.done.connect(self._on_copied)
        self._build()
        self._standings_timer = QTimer(self, interval=STANDINGS_MS)
        self._standings_timer.timeout.connect(self._show_standings)
        self.resize(1100, 760)

    def _build(self) -> None:
        self.controls = RaceControls()
        self.start_button = QtWidgets.QPushButton("Start race", objectName="raceStartButton")
        self.stop_button = QtWidgets.QPushButton("Stop", objectName="raceStopButton", enabled=False)
        self.progress = QtWidgets.QProgressBar(objectName="raceProgress", textVisible=True)
        self.progress.setRange(0, 1000)
        self.message = QtWidgets.QLabel(objectName="raceMessageLabel", wordWrap=True)
        theme.set_text_role(self.message, "error")
        self.message.hide()
        self.plot = RacePlot()
        self.standings = QtWidgets.QLabel(objectName="raceStandingsLabel")
        self.standings.setTextFormat(Qt.TextFormat.RichText)
        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.controls, 1)
        for button in (self.start_button, self.stop_button):
            top.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        graph = QtWidgets.QWidget()
        graph_layout = QtWidgets.QVBoxLayout(graph)
        graph_layout.setContentsMargins(0, 0, 0, 0)
        graph_layout.addWidget(self.plot, 1)
        graph_layout.addWidget(self.standings)
        splitter = QtWidgets.QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(graph)
        splitter.addWidget(self._build_samples())
        splitter.setSizes([480, 260])
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        self.start_button.clicked.connect(self.toggle)
        self.stop_button.clicked.connect(self.stop)
        self.controls.seconds_spin.valueChanged.connect(self._on_race_length_changed)

    def _build_samples(self) -> QtWidgets.QWidget:
        box = QtWidgets.QGroupBox("Samples, side by side (same start text, same seed)")
        self.prime_edit = QtWidgets.QLineEdit(objectName="racePrimeEdit", placeholderText="start from a new line")
        self.length_spin = spin_box("raceLengthSpin", 1, 5000, 300, suffix=" chars", step=100)
        self.temperature_spin = spin_box("raceTemperatureSpin", 0.0, 5.0, 0.8, step=0.1, decimals=2,
                                         tip="0 = always the most likely character")
        self.generate_button = QtWidgets.QPushButton("Generate", objectName="raceGenerateButton")
        self.columns = SampleColumns("raceSampleColumns", "race")
        row = FlowLayout()
        for widget in (labelled("Start with:", self.prime_edit), labelled("Length:", self.length_spin),
                       labelled("Temperature:", self.temperature_spin), self.generate_button):
            row.addWidget(widget)
        layout = QtWidgets.QVBoxLayout(box)
        layout.addLayout(row)
        layout.addWidget(self.columns, 1)
        self.generate_button.clicked.connect(self._on_generate_clicked)
        self.prime_edit.returnPressed.connect(self.generate)
        self.columns.running_changed.connect(self._on_columns_running)
        self.columns.failed.connect(self.show_error)
        return box

    # ----- set-up from the main window -----
    def prepare(self, corpus: Corpus | None, base, train, threads: int, baseline: float | None,
                baseline_label: str = "") -> None:
        """The main window's text, model (its size is the budget), training settings and
        torch threads; ignored while a race runs."""
        if self.is_racing():
            return
        self.corpus, self._threads = corpus, threads
        if base is not None:
            self.controls.set_defaults(base, replace(train, eval_every=0))  # the worker times validation
        self.plot.set_baseline(baseline, baseline_label)
        self._show_progress(0.0)
        name = corpus.name if corpus is not None else "no text"
        self.setWindowTitle(f"Race on {name} — rnnlab")

    def configure(self, sampling: dict, cells: set[str] | None = None, seconds: float | None = None,
                  fair: str | None = None) -> None:
        """Set the race's controls (a lesson's race): sample settings (prime, length,
        temperature), the cells that run, the time budget and what is kept fair."""
        self.prime_edit.setText(sampling.get("prime", self.prime_edit.text()))
        for key, spin in (("length", self.length_spin), ("temperature", self.temperature_spin)):
            if key in sampling:
                spin.setValue(sampling[key])
        self.controls.configure(cells, seconds, fair)

    def set_baseline(self, corpus: Corpus, loss: float, label: str) -> None:
        """The n-gram baseline of `corpus`, counted in the background: shown if it is this race's text."""
        if corpus is self.corpus:
            self.plot.set_baseline(loss, label)

    # ----- racing -----
    def is_racing(self) -> bool:
        return self.worker is not None

    def toggle(self) -> None:
        if self.worker is None:
            self.start()
        elif self.worker.paused:
            self.worker.resume()
        else:
            self.worker.pause()

    def start(self) -> bool:
        try:
            if self.corpus is None:
                raise ValueError("open a text in the main window first")
            contenders = self.controls.contenders()
            race = Race(self.corpus, contenders, self.controls.fairness())
        except (ValueError, CorpusError) as exc:
            self.show_error(f"Cannot start the race: {exc}")
            return False
        self.message.hide()
        self.race, self.reason = race, ""
        self._copy_scores: dict[int, dict] = {}  # the copy task's last scores, by contender
        self.plot.set_runs(race.labels)
        self.columns.set_titles([(label, f"Samples from the {label}") for label in race.labels],
                                [colors.ink(c) for c in colors.RUN_COLORS])
        self.worker = RaceWorker(race, self.controls.seconds(), eval_seconds=self.eval_seconds,
                                 eval_chars=EVAL_CHARS)
        self.worker.metrics.connect(self._on_worker_metrics)
        self.worker.evaluated.connect(self._on_worker_evaluated)
        self.worker.warned.connect(self._on_worker_warned)
        self.worker.state_changed.connect(self._on_worker_state)
        self.worker.failed.connect(self.show_error)
        self.worker.finished.connect(self._on_worker_finished)
        self.thread = start_training_thread(self.worker, "rnnlab-race", self._threads)
        self.controls.set_locked(True)
        self.stop_button.setEnabled(True)
        self._standings_timer.start()
        self.started.emit()
        return True

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()

    def shutdown(self) -> bool:
        """Stop the race and the sample columns and wait for their threads; True if all ended."""
        ended = self._copies.shutdown() and self.columns.shutdown()
        if self.thread is not None:
            ended = stop_training_thread(self.thread, self.worker) and ended
        return ended

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)
        owner = self.parentWidget()
        if owner is not None and owner.isVisible():  # its keys (Space: Start) work again without a click
            owner.raise_()
            owner.activateWindow()

    # ----- samples -----
    def generate(self) -> bool:
        """Check the settings, then copy every contender's weights (while the race runs,
        between its steps in the copying thread, never the GUI thread's) and start the
        columns. False, with the reason shown, when it cannot."""
        if self.race is None:
            self.show_error("Start a race first: then each contender writes here.")
            return False
        vocab = self.race.corpus.vocab
        settings = SampleSettings(prime=self.prime_edit.text(), length=self.length_spin.value(),
                                  temperature=self.temperature_spin.value(), seed=random.randrange(2**31))
        try:
            settings.check()
            prime_ids(vocab, settings.prime)
        except ValueError as exc:  # SamplerError: bad settings or characters not in the text
            self.show_error(f"Cannot generate: {exc}")
            return False
        self.message.hide()
        race, worker = self.race, self.worker
        if worker is None:  # nothing steps: copy at once
            self._start_columns(race, settings, [t.snapshot_model() for t in race.trainers])
        else:
            self._copies.submit((race, settings), lambda _progress: worker.snapshot_models())
        return True

    def _on_copied(self, key, models, error) -> None:
        race, settings = key
        if error is not None:
            self.show_error(logs.unexpected("copying the contenders", error))
        elif race is self.race:
            self._start_columns(race, settings, models)

    def _start_columns(self, race: Race, settings: SampleSettings, models: list) -> None:
        self.columns.set_titles([(label, f"Samples from the {label}") for label in race.labels],
                                [colors.ink(c) for c in colors.RUN_COLORS])
        self.columns.start([(model, race.corpus.vocab, settings) for model in models])

    def is_copying(self) -> bool:
        """True while the contenders' weights for Generate are being copied."""
        return self._copies.busy()

    def _on_generate_clicked(self) -> None:
        if self.columns.is_running():
            self.columns.stop()
        else:
            self.generate()

    def _on_columns_running(self, running: bool) -> None:
        self.generate_button.setText("Stop" if running else "Generate")

    # ----- from the worker (GUI thread) -----
    def _on_worker_metrics(self, batches: list) -> None:
        for b in batches:
            self.plot.append(b["run"], b["steps"], b["seconds"], b["chars"], b["losses"])
        if self.race is not None:
            self._show_progress(self.race.train_seconds)

    def _show_progress(self, seconds: float) -> None:
        total = self.controls.seconds()
        self.progress.setValue(int(1000 * min(1.0, seconds / total)))
        self.progress.setFormat(f"{min(seconds, total):.0f} s of {total:.0f} s of training")

    def _on_race_length_changed(self, _seconds: int) -> None:
        if not self.is_racing():  # the bar shows the length of the race to come
            self._show_progress(0.0)

    def _on_worker_evaluated(self, run: int, point: dict) -> None:
        self.plot.add_eval(run, point)
        if "copy" in point:
            self._copy_scores[run] = point["copy"]

    def _on_worker_warned(self, run: int, kind: str, message: str) -> None:
        if kind in ("out", "exploding", "restored"):
            self.show_error(f"{self.race.labels[run]}: {message}")

    def _on_worker_state(self, state: str) -> None:
        self.start_button.setText("Pause" if state == "running" else "Resume")

    def _on_worker_finished(self, reason: str) -> None:
        self.reason = reason
        if self.thread is not None:
            self.thread.wait(2000)  # it quits right after `finished`
        self._ended = (self.thread, self.worker)  # never drop a QThread that may still run
        self.worker = self.thread = None
        self._standings_timer.stop()
        self._show_standings()
        self.plot.flush()
        if reason == "budget":
            self._show_progress(self.controls.seconds())
        self.controls.set_locked(False)
        self.stop_button.setEnabled(False)
        self.start_button.setText("Start race")

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _show_standings(self) -> None:
        """A small table: each contender's steps, speed, smoothed and validation loss; the
        lowest validation loss is the leader."""
        race = self.race
        if race is None:
            return
        vals = [self.plot.last_val(k) for k in range(len(race.trainers))]
        known = [v for k, v in enumerate(vals) if v is not None and k not in race.out]
        leader = vals.index(min(known)) if known else None
        copy = bool(self._copy_scores)  # the copy task: does each contender remember?
        rows = ["<tr><th align=left>contender</th><th>steps</th><th>chars/s</th>"
                "<th>training loss</th><th>validation loss</th>"
                + ("<th>copied half</th><th>copies</th>" if copy else "") + "</tr>"]
        for k, (label, trainer) in enumerate(zip(race.labels, race.trainers)):
            speed = trainer.chars_seen / trainer.train_seconds if trainer.train_seconds else 0.0
            smooth = self.plot.last_smoothed(k)
            mark = " ◀ leads" if k == leader else (" (out)" if k in race.out else "")
            rows.append(
                f'<tr><td style="color:{colors.ink(colors.RUN_COLORS[k])}"><b>{html.escape(label)}</b></td>'
                f"<td align=right>{trainer.step_count:,}</td><td align=right>{speed:,.0f}</td>"
                f"<td align=right>{_fmt(smooth)}</td><td align=right><b>{_fmt(vals[k])}</b>{mark}</td>"
                f"{_copy_cells(self._copy_scores.get(k)) if copy else ''}</tr>")
        if copy:
            rows.append('<tr><td colspan="7"><i>copied half: loss on each line\'s second copy '
                        '(near 0: it remembers; near 1.39: it does not). copies: fresh strings '
                        'written back exactly.</i></td></tr>')
        done = {"budget": "Race over.", "stopped": "Stopped.", "out": "Every contender diverged."}
        caption = f"<p>{done[self.reason]}</p>" if self.reason in done else ""
        self.standings.setText(f'{caption}<table cellspacing="0" cellpadding="3">{"".join(rows)}</table>')


def _copy_cells(score: dict | None) -> str:
    if score is None:
        return "<td align=right>–</td><td>–</td>"
    example = html.escape(score["example"])
    return (f"<td align=right><b>{score['copy_loss']:.3f}</b></td>"
            f"<td>{score['copied']} of {score['tried']} <tt>{example}</tt></td>")


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"
