"""File > Export run report…, Export loss plot… and Export loss history (CSV)…

Gathers what the window shows (the loss plot, the n-gram baseline line, the last sample and
its memorisation meter) and hands it to the engine's writers (rnnlab.core.io.report,
rnnlab.core.io.history_csv). The report is HTML, or PDF when the chosen name ends in .pdf
(the same HTML laid out by Qt's rich-text engine). Every failure is a message in the
window; nothing is left half-written.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6 import QtCore, QtGui

from rnnlab.core import logs
from rnnlab.core.io.atomic import atomic_write
from rnnlab.core.io.history_csv import write_history_csv
from rnnlab.core.io.report import RunReport, render_html, write_report
from rnnlab.core.io.run_state import history_from, run_metadata
from rnnlab.gui.window.interface import WindowInterface
from rnnlab.gui.workers.baseline import BASELINE_ORDER


def export_run_report(window: WindowInterface) -> str | None:
    """Ask where, write the report; the path written, or None (cancelled, no model, failed)."""
    return _export(window, "report", window.prompts.save_report_path, "-report.html", _write_report)


def export_loss_history(window: WindowInterface) -> str | None:
    """Ask where, write the CSV; the path written, or None."""
    return _export(window, "loss history", window.prompts.save_csv_path, "-loss.csv",
                   lambda _window, path, meta: write_history_csv(path, history_from(meta)))


def export_loss_plot(window: WindowInterface) -> str | None:
    """Ask where, write the plot as PNG or SVG, or the loss history CSV (by the suffix)."""
    def write(_window, path: str, meta: dict) -> None:
        if path.lower().endswith(".csv"):
            write_history_csv(path, history_from(meta))
        else:
            window.loss_plot.export_image(path)
    return _export(window, "loss plot", window.prompts.save_plot_path, "-loss.png", write)


def _export(window: WindowInterface, what: str, ask, suffix: str, write) -> str | None:
    """Without a model, say so; else ask where, read the run as it is now and write it
    (at once when nothing trains, else once it was read between two steps). The path asked
    for, or None."""
    session = window.session
    if session.trainer is None:
        window.show_message(
            f"There is no model yet: train one (or open a checkpoint) first, then export its {what}.", "info")
        return None
    path = ask(window, _stem(session) + suffix)
    if not path:
        return None

    outcome: list[bool] = []

    def written(meta: dict) -> None:
        try:
            write(window, path, meta)
        except (OSError, ValueError) as exc:
            failed(exc)
            return
        outcome.append(True)
        window.show_status(f"{what.capitalize()} saved to {path}", 8000)

    def failed(exc: Exception) -> None:
        outcome.append(False)
        text = str(exc) if isinstance(exc, (OSError, ValueError)) else logs.unexpected(f"exporting the {what}", exc)
        window.show_message(f"Could not export the {what}: {text}", "error")
    window.model_reads("report").request(run_metadata, written, failed)  # between steps, off the GUI thread
    return None if outcome == [False] else path


def _write_report(window: WindowInterface, path: str, meta: dict) -> None:
    report = gather_report(window, meta)
    if path.lower().endswith(".pdf"):
        write_pdf(path, render_html(report))
    else:
        write_report(path, report)


def gather_report(window: WindowInterface, meta: dict) -> RunReport:
    panel, plot = window.sampling_panel, window.loss_plot
    sample = panel.last_sample() or None
    settings, step = window.sampling.last_request if sample and window.sampling.last_request else (None, None)
    return RunReport(meta, plot_png=plot.png_bytes() if plot.isVisible() else None,
                     plot_width=plot.plot.width(), baseline=plot.baseline(),
                     baseline_order=BASELINE_ORDER, sample=sample, sample_settings=settings,
                     sample_step=step, sample_incomplete=bool(sample) and panel.is_generating(),
                     memorisation=panel.last_memorisation() if sample else None)


def write_pdf(path: str, html: str) -> Path:
    """The report's HTML as an A4 PDF, laid out by Qt's rich-text engine (a subset of CSS:
    plainer than a browser's print, but one file a teacher can mail or print)."""
    document = QtGui.QTextDocument()
    document.setHtml(html)
    buffer = QtCore.QBuffer()
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    writer = QtGui.QPdfWriter(buffer)
    writer.setPageSize(QtGui.QPageSize(QtGui.QPageSize.PageSizeId.A4))
    writer.setPageMargins(QtCore.QMarginsF(15, 15, 15, 15), QtGui.QPageLayout.Unit.Millimeter)
    writer.setTitle("rnnlab run report")
    document.print_(writer)  # ends its painter: the PDF is complete in the buffer
    return atomic_write(path, bytes(buffer.data()))


def _stem(session) -> str:
    """A file name for the run: the checkpoint's, else the text's (safe on every system)."""
    name = Path(session.path or session.trainer.corpus.name).stem
    return re.sub(r"[^\w.-]+", "-", name).strip("-.") or "run"
