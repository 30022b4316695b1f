"""Race mode in the app: equal-size contenders, overlaid curves, standings, samples side by side."""

import random
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton
from window_helpers import RecordingLock, child

from rnnlab.core.data.builtin_corpora import copy_line
from rnnlab.core.nn import copy_score
from rnnlab.core.nn.model import count_parameters


@pytest.fixture
def race(window, qtbot):
    window.open_race()
    win = window.race_window
    assert win.isVisible()
    win.controls.seconds_spin.setValue(2)
    yield win
    assert win.shutdown()
    assert win.thread is None or not win.thread.isRunning()


def _run_race(race, qtbot, timeout=60_000):
    child(race, QPushButton, "raceStartButton").click()
    assert race.is_racing()
    qtbot.waitUntil(lambda: not race.is_racing(), timeout=timeout)


def test_opens_with_the_main_windows_text_and_model_size(window, race, qtbot):
    base = window.model_panel.model_config(len(window.data_panel.corpus().vocab))
    assert race.controls.params_spin.value() == count_parameters(base)
    contenders = race.controls.contenders()
    assert [c.model.cell for c in contenders] == ["rnn", "lstm", "gru"]
    sizes = child(race, QLabel, "raceSizesLabel").text()
    assert all(c.label in sizes for c in contenders)
    assert race.corpus is window.data_panel.corpus()
    # the n-gram baseline (counted in the background) reaches the race plot too
    qtbot.waitUntil(lambda: window.loss_plot.baseline() is not None, timeout=20_000)
    race.plot.flush()
    assert race.plot.baseline_line.isVisible()
    assert race.plot.baseline_line.value() == pytest.approx(window.loss_plot.baseline())


def test_a_race_draws_every_contender_and_ends_with_standings(race, qtbot):
    _run_race(race, qtbot)
    assert race.reason == "budget"
    assert race.progress.value() == 1000
    trainers = race.race.trainers
    for k, trainer in enumerate(trainers):
        x, y = race.plot.curve_data(k)
        assert len(x) > 0 and x[-1] == pytest.approx(trainer.train_seconds)
        assert race.plot.last_val(k) == trainer.history.evals[-1][1]  # final validation shown
    # equal time: the contenders' training times differ by one step at most (the longest
    # single step, not the mean, which a busy machine can exceed many times over)
    times = [t.train_seconds for t in trainers]
    assert max(times) - min(times) <= race.race.longest_step
    assert sum(times) >= 2.0
    standings = child(race, QLabel, "raceStandingsLabel").text()
    assert "Race over." in standings and standings.count("<tr>") == 4
    best = min(range(3), key=lambda k: race.plot.last_val(k))
    assert f"{race.race.labels[best]}</b></td>" in standings.split("◀ leads")[0].split("<tr>")[best + 2]
    assert len(race.plot.legend.items) == 3


def test_samples_side_by_side_after_the_race(race, qtbot):
    race.controls.cell_checks["gru"].setChecked(False)
    _run_race(race, qtbot)
    race.length_spin.setValue(80)
    assert race.generate()
    qtbot.waitUntil(lambda: not race.columns.is_running(), timeout=20_000)
    outputs = race.columns.outputs()
    assert [len(text) for text in outputs] == [80, 80]
    vocab = set(race.race.corpus.vocab.chars)
    assert all(set(text) <= vocab for text in outputs)
    assert child(race, QLabel, "raceHeader1").text() == race.race.labels[1]


class _CountingEvent(threading.Event):
    def __init__(self):
        super().__init__()
        self.waits = 0

    def wait(self, timeout=None):
        self.waits += 1
        return super().wait(timeout)


def test_pause_resume_and_stop(race, qtbot):
    race.controls.seconds_spin.setValue(600)
    child(race, QPushButton, "raceStartButton").click()
    qtbot.waitUntil(lambda: sum(t.step_count for t in race.race.trainers) >= 6, timeout=20_000)
    race.toggle()
    qtbot.waitUntil(lambda: race.start_button.text() == "Resume", timeout=5000)
    frozen = [t.step_count for t in race.race.trainers]
    idle = _CountingEvent()  # the paused loop waits on it: three waits without a step = paused
    race.worker._wake = idle
    qtbot.waitUntil(lambda: idle.waits >= 3, timeout=10_000)
    assert [t.step_count for t in race.race.trainers] == frozen
    assert not race.controls.params_spin.isEnabled()  # locked while racing
    race.toggle()
    qtbot.waitUntil(lambda: sum(t.step_count for t in race.race.trainers) > sum(frozen), timeout=10_000)
    child(race, QPushButton, "raceStopButton").click()
    qtbot.waitUntil(lambda: not race.is_racing(), timeout=10_000)
    assert race.reason == "stopped" and race.controls.params_spin.isEnabled()


def test_starting_a_race_pauses_training_in_the_main_window(window, race, qtbot):
    child(window, QPushButton, "trainButton").click()
    qtbot.waitUntil(lambda: window.session.is_running(), timeout=10_000)
    race.controls.seconds_spin.setValue(600)
    race.start()
    qtbot.waitUntil(lambda: window.session.state == "paused", timeout=10_000)
    assert "paused while the race runs" in window.message_bar.text()
    race.stop()
    qtbot.waitUntil(lambda: not race.is_racing(), timeout=10_000)


def test_one_cell_is_not_a_race(race):
    for cell in ("rnn", "lstm"):
        child(race, QCheckBox, f"raceCell_{cell}").setChecked(False)
    assert "two cells" in child(race, QLabel, "raceSizesLabel").text()
    assert not race.start()
    assert "tick at least two cells" in child(race, QLabel, "raceMessageLabel").text()
    assert not race.is_racing()
    assert not race.generate()  # nothing raced yet: nothing to sample


def test_closing_the_main_window_mid_race_ends_its_thread(window, race, qtbot):
    race.controls.seconds_spin.setValue(600)
    race.start()
    qtbot.waitUntil(lambda: sum(t.step_count for t in race.race.trainers) >= 3, timeout=20_000)
    thread = race.thread
    window.close()
    assert not thread.isRunning()


def test_generate_during_the_race_copies_the_contenders_off_the_gui_thread(race, qtbot):
    race.controls.seconds_spin.setValue(60)
    child(race, QPushButton, "raceStartButton").click()
    qtbot.waitUntil(lambda: race.worker is not None and race.race.trainers[-1].step_count >= 2, timeout=30_000)
    lock = RecordingLock()
    race.worker.lock = lock  # the worker takes it around each step from its next one on
    race.length_spin.setValue(20)
    with qtbot.waitSignal(race.columns.running_changed, timeout=30_000,
                          check_params_cb=lambda running: running):  # 20 chars may end before a poll
        assert race.generate()
    assert not race.is_copying()
    race.stop()
    assert "GUI" not in lock.takers and "rnnlab-race-copy" in lock.takers, lock.takers


def test_the_progress_bar_shows_the_chosen_race_length(window, race, qtbot):
    window.open_race().configure({}, seconds=120)  # as a lesson's race: prepared first, then set
    assert race.progress.text() == "0 s of 120 s of training"
    assert race.start()
    qtbot.waitUntil(lambda: race.race.train_seconds > 0 and race.progress.value() > 0, timeout=30_000)
    assert race.progress.text().endswith(" of 120 s of training")
    race.stop()
    qtbot.waitUntil(lambda: not race.is_racing(), timeout=10_000)


def test_closing_the_race_gives_the_keys_back_to_the_main_window(window, race, qtbot):
    qtbot.waitUntil(race.isActiveWindow)
    race.close()
    qtbot.waitUntil(window.isActiveWindow)  # no click on it needed
    QTest.keyClick(window, Qt.Key.Key_Space)  # Space: Start
    qtbot.waitUntil(lambda: window.session.state == "running", timeout=10_000)
    window.stop_training()


def test_on_the_copy_task_the_standings_show_the_copied_half_and_the_copies(window, qtbot):
    assert window.data_panel.load_source("builtin:copy,length=20000")
    qtbot.waitUntil(lambda: window.data_panel.corpus() is not None
                    and str(window.data_panel.corpus().source).startswith("builtin:copy"), timeout=20_000)
    window.open_race()
    race = window.race_window
    race.controls.seconds_spin.setValue(1)
    race.controls.cell_checks["gru"].setChecked(False)
    try:
        _run_race(race, qtbot)
        standings = child(race, QLabel, "raceStandingsLabel").text()
        assert "<th>copied half</th><th>copies</th>" in standings
        read, _ = copy_line(random.Random(copy_score.TRY_SEED))
        for k in range(2):  # the final validation scored each contender's copying of fresh lines
            row = standings.split("<tr>")[k + 2]
            assert f" of 20 <tt>{read}" in row
    finally:
        assert race.shutdown()
