"""File > Export run report… and Export loss history (CSV)…, driven through the window with
the file dialogs answered by the test."""

import base64
import csv
import html
import re

import pytest

from rnnlab.core.io.report import PNG_MAGIC
from rnnlab.core.train.events import LN2


def train_and_sample(window, qtbot, steps=30):
    """A few steps, a finished sample with its memorisation meter, the n-gram baseline."""
    window.toggle_training()
    qtbot.waitUntil(lambda: window.session.trainer.step_count >= steps, timeout=20000)
    window.stop_training()
    panel = window.sampling_panel
    panel.primeEdit.setText("hel")
    panel.sampleLengthSpin.setValue(60)
    window.sampling.generate(panel.settings())
    qtbot.waitUntil(lambda: panel.last_memorisation() is not None, timeout=15000)
    qtbot.waitUntil(lambda: window.loss_plot.baseline() is not None, timeout=15000)


def test_without_a_model_it_says_to_train_first(window):
    assert window.export_run_report() is None and window.export_loss_history() is None
    assert "train one" in window.message_bar.text() and window.answers.suggested == []


def test_report_and_loss_history_of_a_run(window, qtbot, tmp_path):
    train_and_sample(window, qtbot)
    trainer = window.session.trainer
    window.answers.report_path = str(tmp_path / "report.html")
    window.actions["export_run_report"].trigger()  # through the File menu
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    last = trainer.history.train_loss[-1]
    assert f"{last:.4f}" in page and f"{last / LN2:.4f}" in page
    assert f"step {trainer.step_count}" in page and f"{trainer.chars_seen:,}" in page
    assert f"{window.loss_plot.baseline():.4f}" in page and "5-gram baseline" in page
    sample = window.sampling_panel.last_sample()
    assert html.escape(sample) in page and "<b>hel</b>" in page
    assert html.escape(window.sampling_panel.last_memorisation().summary()) in page
    (uri,) = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    png = base64.b64decode(uri, validate=True)
    assert png.startswith(PNG_MAGIC) and len(png) > 2000  # the real plot, not a blank stub

    window.answers.csv_path = str(tmp_path / "loss.csv")
    window.actions["export_loss_history"].trigger()
    with open(tmp_path / "loss.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [float(r["train_loss"]) for r in rows] == trainer.history.train_loss
    assert int(rows[-1]["step"]) == trainer.step_count and int(rows[-1]["chars_seen"]) == trainer.chars_seen
    assert window.answers.suggested == ["builtin-hello-report.html", "builtin-hello-loss.csv"]


def read_between_steps(window, qtbot):
    """The paused worker is alive: the run is read between steps, off the GUI thread."""
    qtbot.waitUntil(lambda: not window.model_reads("report").busy(), timeout=10000)


def test_report_as_pdf(window, qtbot, tmp_path):
    window.step_once()
    qtbot.waitUntil(lambda: window.session.trainer.step_count == 1, timeout=10000)
    window.answers.report_path = str(tmp_path / "report.pdf")
    assert window.export_run_report() == str(tmp_path / "report.pdf")
    read_between_steps(window, qtbot)
    data = (tmp_path / "report.pdf").read_bytes()
    assert data.startswith(b"%PDF") and b"%%EOF" in data[-64:]


def test_a_failed_or_cancelled_export_leaves_a_message_and_no_file(window, qtbot, tmp_path):
    window.step_once()
    qtbot.waitUntil(lambda: window.session.trainer.step_count == 1, timeout=10000)
    out = tmp_path / "out"
    out.mkdir()
    window.answers.report_path = str(out / "missing" / "report.html")
    window.export_run_report()
    read_between_steps(window, qtbot)
    assert "Could not export the report: could not save" in window.message_bar.text()
    window.answers.csv_path = None  # the dialog was cancelled
    assert window.export_loss_history() is None
    assert list(out.iterdir()) == []


def test_a_report_while_training_runs(window, qtbot, tmp_path):
    window.toggle_training()
    qtbot.waitUntil(lambda: window.session.trainer.step_count >= 5, timeout=20000)
    window.answers.report_path = str(tmp_path / "live.html")
    assert window.export_run_report()
    assert window.model_reads("report").busy()  # read between two steps, in its own thread
    read_between_steps(window, qtbot)
    window.stop_training()
    page = (tmp_path / "live.html").read_text(encoding="utf-8")
    assert "No sample" in page and "training, last step" in page


def test_export_loss_plot_from_the_file_menu(window, qtbot, tmp_path):
    window.step_once()
    qtbot.waitUntil(lambda: window.loss_plot.point_count() == 1, timeout=10000)
    window.answers.plot_path = str(tmp_path / "plot.png")
    window.actions["export_loss_plot"].trigger()  # Ctrl+E
    read_between_steps(window, qtbot)
    assert (tmp_path / "plot.png").read_bytes().startswith(PNG_MAGIC)
    assert window.answers.suggested == ["builtin-hello-loss.png"]


def test_the_plots_export_button_writes_the_same_csv_as_the_file_menu(window, qtbot, tmp_path):
    train_and_sample(window, qtbot, steps=5)
    window.answers.plot_path = str(tmp_path / "from-plot.csv")
    window.loss_plot.export_button.click()
    window.answers.csv_path = str(tmp_path / "from-menu.csv")
    window.actions["export_loss_history"].trigger()
    from_plot = (tmp_path / "from-plot.csv").read_bytes()
    assert from_plot == (tmp_path / "from-menu.csv").read_bytes()
    assert from_plot.decode().splitlines()[0] == "step,chars_seen,train_loss,val_loss,lr"


@pytest.mark.parametrize("name", ["plot.png", "plot.svg", "plot.csv"])
def test_a_failed_plot_export_is_a_message_in_the_window(window, qtbot, tmp_path, name):
    window.step_once()
    qtbot.waitUntil(lambda: window.loss_plot.point_count() == 1, timeout=10000)
    window.answers.plot_path = str(tmp_path / "no" / "such" / "folder" / name)
    window.export_loss_plot()
    read_between_steps(window, qtbot)
    assert "Could not export the loss plot" in window.message_bar.text()
