"""The main window driven as a user would, through the objectNames of the contract."""

import re

import numpy as np
import pytest
from PySide6.QtWidgets import QLabel, QPushButton
from window_helpers import child

from rnnlab.gui import MainWindow
from tests.local_server import body, gutenberg_file


def step_of(win) -> int:
    text = child(win, QLabel, "stepLabel").text()
    return int(re.fullmatch(r"step ([\d,]+)", text).group(1).replace(",", ""))


def wait_until_idling(window, qtbot, monkeypatch, cycles: int = 3) -> None:
    """Until the worker's loop has gone round `cycles` times without stepping: a real sign
    that it is paused, not merely slow to take its next step."""
    worker, idles = window.session.worker, []
    real_idle = worker._idle
    monkeypatch.setattr(worker, "_idle", lambda: (idles.append(1), real_idle()))
    qtbot.waitUntil(lambda: len(idles) >= cycles, timeout=10000)


def test_start_pause_resume_stop(window, qtbot, monkeypatch):
    train = child(window, QPushButton, "trainButton")
    train.click()
    qtbot.waitUntil(lambda: step_of(window) >= 3, timeout=10000)
    assert train.text() == "Pause"
    train.click()
    qtbot.waitUntil(lambda: window.session.state == "paused", timeout=5000)
    assert train.text() == "Resume"
    frozen = window.session.trainer.step_count
    wait_until_idling(window, qtbot, monkeypatch)
    assert window.session.trainer.step_count == frozen
    train.click()
    qtbot.waitUntil(lambda: window.session.trainer.step_count > frozen + 2, timeout=10000)
    child(window, QPushButton, "stopButton").click()
    assert window.session.state == "ready" and window.session.thread is None
    assert re.fullmatch(r"[\d,]+ chars/s", child(window, QLabel, "speedLabel").text())


def test_step_button_advances_exactly_one_step(window, qtbot, monkeypatch):
    step = child(window, QPushButton, "stepButton")
    step.click()
    qtbot.waitUntil(lambda: step_of(window) == 1, timeout=10000)
    wait_until_idling(window, qtbot, monkeypatch)
    assert window.session.trainer.step_count == 1
    step.click()
    qtbot.waitUntil(lambda: step_of(window) == 2, timeout=10000)
    wait_until_idling(window, qtbot, monkeypatch)
    assert window.session.trainer.step_count == 2 and window.session.state == "paused"


def test_loss_plot_and_heatmap_get_data(window, qtbot):
    child(window, QPushButton, "trainButton").click()
    qtbot.waitUntil(lambda: window.loss_plot.point_count() >= 20, timeout=15000)
    qtbot.waitUntil(lambda: window.heatmap.image_item.image is not None, timeout=5000)
    window.stop_training()
    plot = window.loss_plot
    qtbot.waitUntil(lambda: plot.smooth_curve.getData()[1] is not None, timeout=3000)
    x, y = plot.smooth_curve.getData()
    assert len(y) > 0 and np.all(np.isfinite(y))
    units = window.session.trainer.model_config.hidden
    image = window.heatmap.image_item
    assert (image.height(), image.width()) == (units, len(window.heatmap.probe_text()))


def test_sampling_streams_in_several_parts(window, qtbot):
    window.step_once()
    qtbot.waitUntil(lambda: window.session.trainer.step_count == 1, timeout=10000)
    chunks = []
    window.sampling.worker.chunk.connect(chunks.append)
    child(window, type(window.sampling_panel.sampleLengthSpin), "sampleLengthSpin").setValue(4000)
    with qtbot.waitSignal(window.sampling.worker.finished, timeout=20000):
        child(window, QPushButton, "sampleButton").click()
    qtbot.wait(50)
    assert len(chunks) >= 3
    assert len("".join(chunks)) == 4000
    assert window.sampling_panel.text().endswith("".join(chunks)[-50:])


def test_bad_file_shows_a_message_and_training_still_works(window, qtbot, tmp_path):
    blob = tmp_path / "blob.bin"
    blob.write_bytes(bytes(range(256)) * 50)
    window.data_panel.open_path(str(blob))
    error = child(window, QLabel, "dataErrorLabel")
    assert error.isVisible() and "binary" in error.text()
    assert window.data_panel.corpus().name.startswith("builtin:hello")
    child(window, QPushButton, "trainButton").click()
    qtbot.waitUntil(lambda: step_of(window) >= 2, timeout=10000)
    window.stop_training()


def test_checkpoint_save_and_open_through_the_window(window, qtbot, tmp_path):
    window.toggle_training()
    qtbot.waitUntil(lambda: window.session.trainer.step_count >= 5, timeout=10000)
    window.stop_training()
    steps = window.session.trainer.step_count
    assert window.session.dirty and window.windowTitle().startswith("untitled*")
    window.answers.save_path = str(tmp_path / "run.rnnlab")
    assert window.save_checkpoint_as()
    assert not window.session.dirty and window.windowTitle().startswith("run.rnnlab")
    window.reset_model()
    assert window.session.trainer is None and window.loss_plot.point_count() == 0
    assert window.open_checkpoint(str(tmp_path / "run.rnnlab"))
    assert window.is_opening() and window.session.trainer is None  # read in its own thread
    qtbot.waitUntil(lambda: not window.is_opening(), timeout=10000)
    assert window.session.trainer.step_count == steps
    assert window.loss_plot.point_count() == steps
    assert step_of(window) == steps
    window.toggle_training()  # training resumes from the checkpoint
    qtbot.waitUntil(lambda: window.session.trainer.step_count > steps, timeout=10000)
    window.stop_training()


def test_unsaved_progress_is_offered_for_saving_on_close(window, qtbot, tmp_path):
    window.step_once()
    qtbot.waitUntil(lambda: window.session.dirty, timeout=10000)
    window.answers.unsaved = "cancel"
    assert not window.close()
    assert window.answers.asked == 1
    window.answers.unsaved = "save"
    window.answers.save_path = str(tmp_path / "closing.rnnlab")
    assert window.close()
    assert (tmp_path / "closing.rnnlab").exists()


def test_closing_during_training_stops_the_thread(window, qtbot):
    window.toggle_training()
    qtbot.waitUntil(lambda: window.session.state == "running", timeout=10000)
    thread = window.session.thread
    assert window.close()
    assert not thread.isRunning()


def test_learning_rate_changes_while_training(window, qtbot):
    window.toggle_training()
    qtbot.waitUntil(lambda: window.session.trainer.step_count >= 2, timeout=10000)
    window.training_panel.lr_spin.setValue(0.004)
    qtbot.waitUntil(lambda: window.session.trainer.base_lr == pytest.approx(0.004), timeout=5000)
    step = window.session.trainer.step_count
    qtbot.waitUntil(lambda: window.session.trainer.step_count > step + 1, timeout=10000)
    window.stop_training()
    trainer = window.session.trainer
    # the box sets the peak rate; the schedule's warm-up scales it (no budget: flat after it)
    assert trainer.history.lrs[-1] == pytest.approx(0.004 * min(trainer.step_count / 100, 1.0))
    qtbot.waitUntil(lambda: len(window.loss_plot.lr_curve.points()[1]) == trainer.step_count, timeout=3000)
    assert window.loss_plot.lr_curve.points()[1] == pytest.approx(trainer.history.lrs)
    # the status bar shows the last step's rate once its metrics arrive (under load, after the curve)
    label = child(window, QLabel, "lrLabel")
    qtbot.waitUntil(lambda: label.text() == f"lr {trainer.history.lrs[-1]:.2e}", timeout=3000)


def test_tiny_preset_brings_its_text_and_learns_hello_world(window, qtbot):
    assert window.data_panel.corpus().name == "builtin:hello"
    window.training_panel.budget_combo.setCurrentIndex(window.training_panel.budget_combo.findData("steps"))
    window.training_panel.budget_spin.setValue(300)
    with qtbot.waitSignal(window.session.finished, timeout=60000) as finished:
        window.toggle_training()
    assert finished.args == ["budget"] and window.session.state == "ready"
    assert window.session.trainer.step_count == 300
    panel = window.sampling_panel
    panel.primeEdit.setText("h")
    panel.temperatureSpin.setValue(0)
    panel.sampleLengthSpin.setValue(23)
    with qtbot.waitSignal(window.sampling.worker.finished, timeout=10000):
        panel.sampleButton.click()
    qtbot.waitUntil(lambda: "hello world" in panel.text(), timeout=2000)
    assert "ello world\nhello world" in panel.text()


def test_engine_warnings_show_in_the_window(window, qtbot):
    window.step_once()
    qtbot.waitUntil(lambda: window.session.trainer.step_count == 1, timeout=10000)
    window.session.trainer.guard.first_loss = 0.01  # the next loss counts as exploding
    window.toggle_training()
    qtbot.waitUntil(lambda: window.message_bar.text() != "", timeout=10000)
    assert "paused" in window.message_bar.text()
    qtbot.waitUntil(lambda: window.session.state == "paused", timeout=5000)
    assert child(window, QPushButton, "trainButton").text() == "Resume"


def test_the_last_text_is_reopened_next_time(window, qtbot):
    assert window.data_panel.load_source("builtin:counting,length=5000")
    window.data_panel.use_text("pasted words " * 50)  # pasted text is not remembered
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.data_panel.corpus().name == "builtin:counting,length=5000"
    again.close()


def test_file_menu_downloads_a_text_and_opens_it(window, qtbot, local_server, monkeypatch):
    book = "Mr. Bennet was among the earliest of those who waited on Mr. Bingley.\n" * 100
    local_server.add("pride.txt", body(gutenberg_file(book, "PRIDE AND PREJUDICE")))
    monkeypatch.setenv("RNNLAB_DOWNLOAD_URL", local_server.base)
    window.actions["download_text_dialog"].trigger()
    dialog = window.download_dialog
    assert dialog.isVisible() and window.actions["download_text_dialog"].text() == "Download a text…"
    dialog.choose("pride")
    dialog.downloadButton.click()
    qtbot.waitUntil(lambda: window.data_panel.current_source() == "download:pride", timeout=10000)
    assert not dialog.isVisible()
    assert window.data_panel.corpus().n_chars == len(book)
    assert "download:pride" in window.message_bar.text()
    combo = window.data_panel.corpusCombo
    assert combo.currentData() == "download:pride" and "(downloaded)" in combo.currentText()


def test_a_bad_file_on_the_command_line_falls_back_to_the_default(qtbot, tmp_path):
    win = MainWindow(str(tmp_path / "missing.txt"))
    qtbot.addWidget(win)
    assert win.data_panel.corpus().name == "builtin:python"
    assert "missing.txt" in win.message_bar.label.text()
    assert "Opened the default text (builtin:python) instead" in win.message_bar.label.text()
    assert "built-in builtin:" not in win.message_bar.label.text()
    win.close()


def test_space_pressed_twice_quickly_pauses_then_resumes(window, qtbot):
    window.toggle_training()
    qtbot.waitUntil(lambda: window.session.trainer.step_count >= 2, timeout=10000)
    window.toggle_training()  # pause...
    window.toggle_training()  # ...and resume, before the window has heard it paused
    steps = window.session.trainer.step_count
    qtbot.waitUntil(lambda: window.session.trainer.step_count > steps + 3, timeout=10000)
    assert window.session.state == "running"
    window.stop_training()


def test_window_fits_a_1024x768_projector(window, qtbot):
    """Toolbars wrap instead of widening the window; nothing is squeezed under its minimum."""
    window.resize(1024, 740)
    window.show()
    qtbot.waitUntil(lambda: window.width() == 1024)
    qtbot.wait(50)  # wrapped toolbars ask for their new height on the next turn
    hint = window.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 740, hint
    for panel in (window.loss_plot, window.heatmap, window.sampling_panel):
        assert panel.width() >= panel.minimumSizeHint().width()
        assert panel.height() >= panel.minimumSizeHint().height()


def test_loss_plot_shows_the_ngram_baseline_of_the_text(window, qtbot):
    from rnnlab.core.analysis.ngram import validation_loss
    from rnnlab.gui.panels.training_panel import GUI_EVAL_CHARS
    from rnnlab.gui.workers.baseline import BASELINE_ORDER

    qtbot.waitUntil(lambda: window.loss_plot.baseline() is not None, timeout=10000)
    expected = validation_loss(window.data_panel.corpus(), BASELINE_ORDER, max_chars=GUI_EVAL_CHARS)
    assert window.loss_plot.baseline() == pytest.approx(expected)
    plot = window.loss_plot  # the line's words are its legend entry
    qtbot.waitUntil(lambda: plot.baseline_text().startswith(f"{BASELINE_ORDER}-gram baseline "), timeout=5000)


def test_the_baseline_of_a_big_text_counts_its_last_characters_and_says_so(window, qtbot, monkeypatch):
    from rnnlab.core.analysis.ngram import validation_loss
    from rnnlab.gui.panels.training_panel import GUI_EVAL_CHARS
    from rnnlab.gui.workers import baseline

    monkeypatch.setattr(baseline, "BASELINE_FIT_CHARS", 3000)  # 100 MB in life; 3000 here
    window.data_panel.use_text("the quick brown fox jumps over a lazy dog. " * 200)
    corpus = window.data_panel.corpus()
    qtbot.waitUntil(lambda: window.loss_plot.baseline() is not None, timeout=10000)
    expected = validation_loss(corpus, baseline.BASELINE_ORDER, max_chars=GUI_EVAL_CHARS, max_train_chars=3000)
    assert window.loss_plot.baseline() == pytest.approx(expected)
    assert expected != pytest.approx(validation_loss(corpus, baseline.BASELINE_ORDER, max_chars=GUI_EVAL_CHARS))
    qtbot.waitUntil(lambda: "fitted on the last 3k" in window.loss_plot.baseline_note(), timeout=5000)


def test_a_finished_sample_gets_the_memorisation_meter(window, qtbot):
    window.step_once()
    qtbot.waitUntil(lambda: window.session.trainer is not None and window.session.trainer.step_count >= 1,
                    timeout=10000)
    panel = window.sampling_panel
    panel.sampleLengthSpin.setValue(80)
    panel.primeEdit.setText("hello")
    window.sampling.generate(panel.settings())
    label = panel.memorisationLabel
    qtbot.waitUntil(lambda: label.isVisible(), timeout=10000)
    assert "Copied from the training text:" in label.text() and "%" in label.text()


def test_a_training_text_too_big_to_search_says_the_meter_did_not_check(window, qtbot, monkeypatch):
    from rnnlab.gui.workers import baseline

    monkeypatch.setattr(baseline, "MEMORISATION_MAX_CHARS", 100)  # 16M characters in life
    searched = []
    monkeypatch.setattr(baseline, "measure_text", lambda *a: searched.append(a))
    window.step_once()
    qtbot.waitUntil(lambda: window.session.trainer is not None and window.session.trainer.step_count >= 1,
                    timeout=10000)
    panel = window.sampling_panel
    panel.sampleLengthSpin.setValue(40)
    window.sampling.generate(panel.settings())
    label = panel.memorisationLabel
    qtbot.waitUntil(lambda: label.isVisible(), timeout=10000)
    assert label.text().startswith("Copied from the training text: not checked")
    assert panel.last_memorisation() is None and searched == []


def test_auto_threads_are_measured_and_a_number_is_kept(window, qtbot):
    import torch

    spin = window.training_panel.threads_spin
    assert spin.value() == 0 and spin.text() == "auto"
    window.toggle_training()
    qtbot.waitUntil(lambda: window.session.worker.threads is not None, timeout=10000)  # set in its thread
    fitted = window.session.worker.threads
    # Each count measured; on a loaded machine a slowdown starts a new probe (speeds emptied,
    # the choice kept), so the two are read together.
    qtbot.waitUntil(lambda: fitted.fit.chosen is not None and set(fitted.fit.speeds) == set(fitted.fit.counts),
                    timeout=30000)
    assert fitted.fit.chosen in fitted.fit.counts
    assert torch.get_num_threads() == 1  # the counts were tried in the training thread, not here
    window.stop_training()
    window.reset_model()
    spin.setValue(1)
    window.toggle_training()
    qtbot.waitUntil(lambda: window.session.trainer is not None and window.session.trainer.step_count >= 2,
                    timeout=10000)
    assert window.session.worker.threads is None and window.session.worker.threads_in_use == 1
    assert torch.get_num_threads() == 1  # the GUI thread's own, whatever training uses
    window.stop_training()
