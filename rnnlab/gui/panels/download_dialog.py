"""DownloadDialog (File > Download a text…): the downloadable texts with their size and
whether they are here already; Download with a progress bar and Cancel; Open for a text
that is downloaded. Not modal: the window (and training) go on while a text downloads.

The download runs in a DownloadTask (a Python thread). Success or Open emits
`text_chosen("download:NAME")` and closes the dialog; a failure stays in the dialog, in red.
Cancel (or closing the dialog) drops the download at once: its thread stops at the next
chunk and deletes what it had; nothing half-done is ever kept.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rnnlab.core.data.downloads import (
    DownloadInfo,
    cache_dir,
    cached_path,
    download_url,
    format_bytes,
    is_cached,
    list_downloads,
)
from rnnlab.gui.look import theme
from rnnlab.gui.workers.download_task import DownloadTask

INTRO = ("Download a text once; after that it works offline, like the built-in texts, "
         "as download:NAME.")
SHUTDOWN_WAIT = 1.0  # s the app waits at exit for a download thread to clean up


class DownloadDialog(QDialog):
    text_chosen = Signal(str)  # "download:NAME" of a downloaded text to open

    def __init__(self, parent: QWidget | None = None, base_url: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Download a text")
        self.setObjectName("downloadDialog")
        self._base_url = base_url
        self._task: DownloadTask | None = None
        self._build()
        self.refresh()

    # ---- building ---------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.downloadList = self._make(QTreeWidget(), "downloadList", "The texts you can download")
        self.downloadList.setHeaderLabels(["Text", "Size", "Status"])
        self.downloadList.setRootIsDecorated(False)
        self.downloadList.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.downloadList.header().setStretchLastSection(False)
        layout.addWidget(self.downloadList, 1)
        self.downloadInfoLabel = self._label("downloadInfoLabel")
        layout.addWidget(self.downloadInfoLabel)
        self.downloadProgress = self._make(QProgressBar(), "downloadProgress", "How much has arrived")
        self.downloadProgress.setRange(0, 1000)
        layout.addWidget(self.downloadProgress)
        self.downloadStatusLabel = self._label("downloadStatusLabel")
        layout.addWidget(self.downloadStatusLabel)
        layout.addLayout(self._build_buttons())
        folder = self._label("downloadFolderLabel")
        folder.setText(f"Downloaded texts are kept in {cache_dir()}")
        layout.addWidget(folder)
        self.downloadList.currentItemChanged.connect(self._on_list_current_changed)
        self.downloadList.itemDoubleClicked.connect(self._on_download_button_clicked)
        self.resize(640, 330)

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.downloadButton = self._make(QPushButton("Download"), "downloadButton",
                                         "Download the chosen text (or open it, once it is here)")
        self.cancelDownloadButton = self._make(QPushButton("Cancel"), "cancelDownloadButton",
                                               "Stop the download; nothing half-done is kept")
        close = self._make(QPushButton("Close"), "closeDownloadButton", "Close this window")
        self.downloadButton.setDefault(True)
        self.downloadButton.clicked.connect(self._on_download_button_clicked)
        self.cancelDownloadButton.clicked.connect(self._on_cancel_button_clicked)
        close.clicked.connect(self.reject)
        row.addWidget(self.downloadButton)
        row.addWidget(self.cancelDownloadButton)
        row.addStretch(1)
        row.addWidget(close)
        return row

    def _make(self, widget: QWidget, name: str, tip: str = "") -> QWidget:
        widget.setObjectName(name)
        widget.setToolTip(tip)
        return widget

    def _label(self, name: str) -> QLabel:
        label = self._make(QLabel(), name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    # ---- public API -------------------------------------------------------------------

    def refresh(self) -> None:
        """Fill the list again (which texts are here), keeping the chosen row."""
        chosen = self.chosen()
        self.downloadList.clear()
        for info in list_downloads():
            here = is_cached(info)
            size = format_bytes(cached_path(info).stat().st_size) if here else info.size_label
            item = QTreeWidgetItem([info.title, size, "downloaded" if here else "not yet"])
            item.setData(0, Qt.ItemDataRole.UserRole, info)
            item.setToolTip(0, info.description)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.downloadList.addTopLevelItem(item)
            if chosen is not None and info.name == chosen.name:
                self.downloadList.setCurrentItem(item)
        for column in (1, 2):
            self.downloadList.resizeColumnToContents(column)
            self.downloadList.setColumnWidth(column, self.downloadList.columnWidth(column) + 16)
        if self.downloadList.currentItem() is None:
            self.downloadList.setCurrentItem(self.downloadList.topLevelItem(0))
        self._set_busy(self.is_downloading())

    def chosen(self) -> DownloadInfo | None:
        item = self.downloadList.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def choose(self, name: str) -> None:
        """Select the row of catalogue entry NAME."""
        for i in range(self.downloadList.topLevelItemCount()):
            item = self.downloadList.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole).name == name:
                self.downloadList.setCurrentItem(item)

    def is_downloading(self) -> bool:
        return self._task is not None

    def shutdown(self) -> None:
        """Cancel a download and give its thread a moment to delete its part file."""
        task = self._drop_task()
        if task is not None:
            task.wait(SHUTDOWN_WAIT)

    def reject(self) -> None:  # Close, Esc, the window's ✕: a running download stops
        if self._drop_task() is not None:
            self._show_status("Download cancelled; nothing was saved.")
        super().reject()

    # ---- states -----------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        self.downloadList.setEnabled(not busy)
        self.downloadButton.setEnabled(not busy and self.chosen() is not None)
        self.cancelDownloadButton.setEnabled(busy)
        self.downloadProgress.setVisible(busy)

    def _show_status(self, text: str, role: str | None = None) -> None:
        """A line of status; role "success" or "error" colours it (readable in either theme)."""
        self.downloadStatusLabel.setText(text)
        theme.set_text_role(self.downloadStatusLabel, role)

    def _drop_task(self) -> DownloadTask | None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            self._set_busy(False)
        return task

    def _start(self, info: DownloadInfo) -> None:
        self._task = DownloadTask(info, self._base_url, self)
        self._task.progressed.connect(self._on_task_progressed)
        self._task.finished.connect(self._on_task_finished)
        self.downloadProgress.setRange(0, 1000)
        self.downloadProgress.setValue(0)
        self.downloadProgress.setFormat("connecting…")
        self._show_status(f"Downloading {info.title}…")
        self._set_busy(True)
        self._task.start()

    # ---- reactions --------------------------------------------------------------------

    def _on_list_current_changed(self, *_args) -> None:
        info = self.chosen()
        if info is None:
            return
        here = is_cached(info)
        self.downloadButton.setText("Open" if here else "Download")
        self.downloadInfoLabel.setText(f"{info.description}\nFrom {download_url(info, self._base_url)}")
        self.downloadButton.setEnabled(not self.is_downloading())

    def _on_download_button_clicked(self, *_args) -> None:
        info = self.chosen()
        if info is None or self.is_downloading():
            return
        if is_cached(info):
            self.text_chosen.emit(info.spec)
            self.accept()
        else:
            self._start(info)

    @Slot()
    def _on_cancel_button_clicked(self) -> None:
        if self._drop_task() is not None:
            self._show_status("Download cancelled; nothing was saved.")

    @Slot(object, object, object)
    def _on_task_progressed(self, task: DownloadTask, done: int, total: int | None) -> None:
        if task is not self._task:
            return  # a cancelled download's last words
        bar = self.downloadProgress
        if total:
            bar.setRange(0, 1000)
            bar.setValue(min(1000, int(1000 * done / total)))
            bar.setFormat(f"{format_bytes(done)} of {format_bytes(total)}  (%p%)")
        else:  # the server did not say how much: a busy bar and the bytes so far
            bar.setRange(0, 0)
            bar.setFormat(format_bytes(done))
            self._show_status(f"Downloading {task.info.title}: {format_bytes(done)} so far…")

    @Slot(object, str, str)
    def _on_task_finished(self, task: DownloadTask, outcome: str, message: str) -> None:
        if task is not self._task:
            return
        self._task = None
        self.refresh()
        if outcome == "done":
            self._show_status(f"Downloaded {task.info.title}.", "success")
            self.text_chosen.emit(task.info.spec)
            self.accept()
        elif outcome == "cancelled":
            self._show_status("Download cancelled; nothing was saved.")
        else:
            self._show_status(message, "error")
