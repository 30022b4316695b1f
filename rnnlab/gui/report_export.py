"""File > Export run report… and Export loss history (CSV)…

Gathers what the window shows (the loss plot, the n-gram baseline line, the last sample and
its memorisation meter) and hands it to the engine's writers (rnnlab.core.report,
rnnlab.core.history_csv). The report is HTML, or PDF when the chosen name ends in .pdf
(the same HTML laid out by Qt's rich-text engine). Every failure is a message in the
window; nothing is left half-written.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6 import QtCore, QtGui

from rnnlab.core.atomic import atomic_write
from rnnlab.core.history_csv import write_history_csv
from rnnlab.core.report import RunReport, render_html, write_report
from rnnlab.core.run_state import history_from
from rnnlab.gui.baseline import BASELINE_ORDER

NO_MODEL = "There is no model yet: train one (or open a checkpoint) first, then export {what}."


def export_run_report(window) -> str | None:
    """Ask where, write the report; the path written, or None (cancelled, no model, failed)."""
    meta = window.session.run_metadata()
    if meta is None:
        window.message_bar.show_message(NO_MODEL.format(what="its report"), "info")
        return None
    path = window.prompts.save_report_path(window, f"{_stem(window, meta)}-report.html")
    if not path:
        return None
    try:
        report = gather_report(window, meta)
        write_pdf(path, render_html(report)) if path.lower().endswith(".pdf") else write_report(path, report)
    except (OSError, ValueError) as exc:
        window.message_bar.show_message(f"Could not export the report: {exc}", "error")
        return None
    window.statusBar().showMessage(f"Report saved to {path}", 8000)
    return path


def export_loss_history(window) -> str | None:
    """Ask where, write the CSV; the path written, or None."""
    meta = window.session.run_metadata()
    if meta is None:
        window.message_bar.show_message(NO_MODEL.format(what="its loss history"), "info")
        return None
    path = window.prompts.save_csv_path(window, f"{_stem(window, meta)}-loss.csv")
    if not path:
        return None
    try:
        write_history_csv(path, history_from(meta))
    except OSError as exc:
        window.message_bar.show_message(f"Could not export the loss history: {exc}", "error")
        return None
    window.statusBar().showMessage(f"Loss history saved to {path}", 8000)
    return path


def gather_report(window, meta: dict) -> RunReport:
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
    document.print_(writer)
    del writer  # the PDF is finished when the writer goes
    return atomic_write(path, bytes(buffer.data()))


def _stem(window, meta: dict) -> str:
    """A file name for the run: the checkpoint's, else the text's (safe on every system)."""
    name = Path(window.session.path).stem if window.session.path else Path(meta["corpus"]["name"]).stem
    return re.sub(r"[^\w.-]+", "-", name).strip("-.") or "run"
