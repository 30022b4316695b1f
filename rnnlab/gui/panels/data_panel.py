"""DataPanel: where the text comes from (built-ins, downloaded texts, files, pasted text) and
what it holds.

Small texts load at once; big ones on a loader thread, with progress and Cancel. Every
failure is shown in the panel and the previously loaded corpus is kept.
"""

from __future__ import annotations

import os
import re

from PySide6.QtCore import QSignalBlocker, Qt, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rnnlab.core.data.builtin_corpora import BuiltinInfo, list_builtins
from rnnlab.core.data.corpus import Corpus, CorpusError, corpus_from_text, is_named_source, load_corpus
from rnnlab.core.data.downloads import cached_downloads
from rnnlab.core.io.file_kind import file_kind
from rnnlab.gui.look import prompts, settings, theme
from rnnlab.gui.look.symbols import show_char
from rnnlab.gui.panels import text_loader
from rnnlab.gui.panels.text_loader import TextLoader

ENCODINGS = ("cp1252", "latin-1", "utf-16-le", "utf-16-be", "utf-16", "shift_jis", "gb18030",
             "koi8-r", "cp1251", "mac-roman")
PASTED = "pasted:"  # combo item data of the pasted text
_ORDER = ("python", "hello", "brackets", "copy", "counting")  # python first: the default
_SHORT = {"python": "Python source", "hello": '"hello world" toy',
          "brackets": "nested brackets", "copy": "copy a string", "counting": "counting up"}
_ENCODING_NAMES = {"builtin": "built-in (generated)", "text": "typed or pasted"}
_INFO_ROWS = (  # label, objectName, tooltip
    ("Text:", "corpusNameLabel", "The text now loaded"),
    ("Characters:", "charsLabel", "How many characters the text has"),
    ("Vocabulary:", "vocabLabel", "How many different characters (symbols) the network can write"),
    ("Train / val:", "splitLabel", "Characters used for training / kept aside (the end of the text) "
                                   "to check the network on text it has never seen"),
    ("Encoding:", "encodingLabel", "How the file's bytes were read as characters"),
    ("Most common:", "topCharsLabel", "The 8 most frequent characters (⏎ newline, ␣ space)"))


def size_text(n: int) -> str:
    """2,000,000 -> '2.0 M chars'; 20,000 -> '20 k chars'."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} M chars"
    return f"{n / 1000:.0f} k chars" if n >= 10_000 else f"{n:,} chars"


def _fit_popup(combo: QComboBox, _look) -> None:
    """The drop-down list as wide as its longest label: nothing cut short."""
    combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)


def builtin_label(info: BuiltinInfo) -> str:
    return f"{info.name} — {_SHORT.get(info.name, info.description)} ({size_text(info.default_length)})"


def _gui_message(message: str) -> str:
    """Core messages name the CLI's --encoding option; here the encoding is chosen below."""
    return (message.replace("pass it explicitly, e.g. --encoding", "choose it below, e.g.")
            .replace("pass --encoding", "choose"))


def _load_big(path: str, encoding: str | None, progress) -> Corpus:
    """In the loader's thread: the corpus, and what the panel shows of it counted already."""
    corpus = load_corpus(path, encoding=encoding or None, progress=progress)
    progress("counting symbols")
    corpus.symbol_counts()
    return corpus


def _file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0  # the loader says what is wrong with it


def _wants_encoding(err: CorpusError) -> bool:
    # A BOM-less UTF-16 file is reported as binary (NUL bytes) with the encoding that reads it;
    # a picture or an archive is binary with none, and no retry could make it a text.
    return err.kind == "encoding" or (err.kind == "binary" and _named_utf16(err) is not None)


def _named_utf16(err: CorpusError) -> str | None:
    found = re.search(r"--encoding (utf-16-[lb]e)", str(err))
    return found.group(1) if found else None


class DataPanel(QWidget):
    corpus_loaded = Signal(object)  # Corpus
    corpus_failed = Signal(str)  # the message shown

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._corpus: Corpus | None = None
        self._source: str | None = None  # combo item data of the loaded corpus
        self._pasted: tuple[str, str] | None = None  # (text, name) of the last pasted text
        self._failed_path: str | None = None  # the file the encoding retry applies to
        self.setAcceptDrops(True)
        self._build()
        self._fill_combo()

    # ---- building ---------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._make(QComboBox(), "corpusCombo", "The text the network learns from: a built-in or a recent file")
        self.corpusCombo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.corpusCombo.setMinimumContentsLength(12)
        theme.follow(self.corpusCombo, _fit_popup)  # the labels grow in presentation mode
        layout.addWidget(self.corpusCombo)
        buttons = QHBoxLayout()
        buttons.addWidget(self._make(QPushButton("Open text…"), "openTextButton",
                                     "Open a plain-text file (you can also drop one here)"))
        buttons.addWidget(self._make(QPushButton("Paste text…"), "pasteTextButton",
                                     "Type or paste a text to learn from"))
        layout.addLayout(buttons)
        self.loader = TextLoader()
        self.loader.done.connect(self._on_loader_done)
        layout.addWidget(self.loader)
        layout.addWidget(self._label("dataErrorLabel", "error"))
        layout.addWidget(self._build_encoding_box())
        layout.addWidget(self._build_info())
        layout.addWidget(self._label("dataWarningLabel", "warning"))
        self.dataErrorLabel.hide()
        self.dataWarningLabel.hide()
        self.corpusCombo.currentIndexChanged.connect(self._on_corpus_combo_changed)
        self.corpusCombo.activated.connect(self._on_corpus_combo_activated)
        self.openTextButton.clicked.connect(self._on_open_button_clicked)
        self.pasteTextButton.clicked.connect(self._on_paste_button_clicked)

    def _make(self, widget: QWidget, name: str, tip: str = "") -> QWidget:
        widget.setObjectName(name)
        widget.setToolTip(tip)
        setattr(self, name, widget)
        return widget

    def _label(self, name: str, role: str | None = None, tip: str = "") -> QLabel:
        label = self._make(QLabel(self), name, tip)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if role:  # "error" or "warning": coloured to read well in either theme
            theme.set_text_role(label, role)
        return label

    def _build_encoding_box(self) -> QWidget:
        self.encodingBox = QWidget(self)
        form = QFormLayout(self.encodingBox)
        form.setContentsMargins(0, 0, 0, 0)
        self._make(QComboBox(), "encodingCombo", "How the file's bytes map to characters; type another if needed")
        self.encodingCombo.setEditable(True)
        self.encodingCombo.addItems(ENCODINGS)
        self._make(QPushButton("Retry with this encoding"), "retryEncodingButton",
                   "Read the file again with this encoding")
        self.retryEncodingButton.clicked.connect(self._on_retry_button_clicked)
        form.addRow("Encoding:", self.encodingCombo)
        form.addRow(self.retryEncodingButton)
        self.encodingBox.hide()
        return self.encodingBox

    def _build_info(self) -> QWidget:
        box = QWidget(self)
        form = QFormLayout(box)
        form.setContentsMargins(0, 4, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self._info = {name: self._label(name, tip=tip) for _, name, tip in _INFO_ROWS}
        for text, name, _ in _INFO_ROWS:
            form.addRow(text, self._info[name])
        self._info["corpusNameLabel"].setText("no text loaded yet")
        return box

    # ---- public API -------------------------------------------------------------------

    def corpus(self) -> Corpus | None:
        return self._corpus

    def current_source(self) -> str | None:
        """The built-in spec or file path of the loaded corpus ("pasted:" for pasted text)."""
        return self._source

    def load_source(self, spec_or_path: str | os.PathLike) -> bool:
        """Load a built-in spec ("builtin:python"), a downloaded text ("download:alice") or a
        file path. True on success."""
        if is_named_source(spec_or_path):
            spec = spec_or_path.strip()
            return self._load(lambda: load_corpus(spec), spec)
        return self.open_path(spec_or_path)

    def open_path(self, path: str | os.PathLike, encoding: str | None = None) -> bool:
        """Load a text file (encoding None: detect BOM / UTF-8). True on success, or when a
        big file has started loading in the background (corpus_loaded or corpus_failed
        follows; is_loading() says so meanwhile)."""
        path = os.path.abspath(os.fspath(path))
        size = _file_size(path)
        if size > text_loader.BACKGROUND_BYTES:
            key = (path, bool(encoding))
            self.loader.start(key, f"{os.path.basename(path)} ({size / 2**20:,.0f} MB)",
                              lambda progress: _load_big(path, encoding, progress))
            return True
        return self._load(lambda: load_corpus(path, encoding=encoding or None), path, path,
                          retrying=bool(encoding))

    def is_loading(self) -> bool:
        return self.loader.is_loading()

    def show_corpus(self, corpus: Corpus) -> None:
        """Show a corpus loaded elsewhere (an opened checkpoint's text); emits no signal."""
        self._show(corpus, corpus.source)

    def refresh(self) -> None:
        """List the texts again (e.g. after a download)."""
        self._fill_combo()

    def use_text(self, text: str, name: str = "pasted text") -> bool:
        """Learn from a given text (pasted or typed). True on success."""
        previous, self._pasted = self._pasted, (text, name)  # so the combo lists it
        if self._load(lambda: corpus_from_text(text, name=name), PASTED):
            return True
        self._pasted = previous
        return False

    # ---- loading ----------------------------------------------------------------------

    def _load(self, make, source: str, path: str | None = None, retrying: bool = False) -> bool:
        self.loader.cancel()  # a text chosen now wins over one still loading
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            corpus = make()
        except Exception as err:  # noqa: BLE001 - nothing may escape a slot; show it instead
            self._load_failed(err, source, path, retrying)
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self._succeed(corpus, source, path)
        return True

    def _on_loader_done(self, key, corpus, error) -> None:
        """The current load's answer (a cancelled or replaced one never comes)."""
        path, retrying = key
        if error is not None:
            self._load_failed(error, path, path, retrying)
        else:
            self._succeed(corpus, path, path)

    def _load_failed(self, err: Exception, source: str, path: str | None, retrying: bool) -> None:
        if isinstance(err, CorpusError):
            # After a wrong encoding the text may look binary: let the user try another one.
            offer = _wants_encoding(err) or (retrying and err.kind == "binary")
            if offer and err.kind == "binary" and not retrying:
                self.encodingCombo.setCurrentText(_named_utf16(err))
            self._fail(_gui_message(str(err)), path if offer else None)
        elif isinstance(err, OSError):
            self._fail(f"Cannot read '{path or source}': {err.strerror or err}.")
        else:
            self._fail(f"Unexpected error while loading the text: {type(err).__name__}: {err}")

    def _fail(self, message: str, encoding_path: str | None = None) -> None:
        self.dataErrorLabel.setText(message)
        self.dataErrorLabel.show()
        self._failed_path = encoding_path
        self.encodingBox.setVisible(encoding_path is not None)
        self._select_item(self._source)  # the combo shows what is really loaded
        self.corpus_failed.emit(message)

    def _succeed(self, corpus: Corpus, source: str, path: str | None) -> None:
        if path is not None:
            settings.add_recent_file(path)
        self._show(corpus, source)
        self.corpus_loaded.emit(corpus)

    def _show(self, corpus: Corpus, source: str) -> None:
        self._corpus, self._source, self._failed_path = corpus, source, None
        self.dataErrorLabel.hide()
        self.encodingBox.hide()
        self._fill_combo()
        self._show_info(corpus)

    def _show_info(self, corpus: Corpus) -> None:
        info = self._info
        info["corpusNameLabel"].setText(corpus.name)
        info["corpusNameLabel"].setToolTip(corpus.source)
        info["charsLabel"].setText(f"{corpus.n_chars:,}")
        folded = f" ({corpus.vocab.folded:,} rare ones folded)" if corpus.vocab.folded else ""
        info["vocabLabel"].setText(f"{len(corpus.vocab):,} symbols{folded}")
        info["splitLabel"].setText(f"{corpus.n_train:,} / {corpus.n_val:,}")
        info["encodingLabel"].setText(_ENCODING_NAMES.get(corpus.encoding, corpus.encoding))
        info["topCharsLabel"].setText("  ".join(show_char(c) for c, _ in corpus.most_common(8)))
        self.dataWarningLabel.setText("\n".join(corpus.warnings))
        self.dataWarningLabel.setVisible(bool(corpus.warnings))

    # ---- the combo --------------------------------------------------------------------

    def _fill_combo(self) -> None:
        """Built-ins, downloaded texts, recent files, the pasted text; the loaded one selected."""
        combo = self.corpusCombo
        with QSignalBlocker(combo):
            combo.clear()
            infos = {info.name: info for info in list_builtins()}
            for name in sorted(infos, key=lambda n: _ORDER.index(n) if n in _ORDER else len(_ORDER)):
                combo.addItem(builtin_label(infos[name]), f"builtin:{name}")
                combo.setItemData(combo.count() - 1, infos[name].description, Qt.ItemDataRole.ToolTipRole)
            for info in cached_downloads():
                combo.addItem(f"{info.title} (downloaded)", info.spec)
                combo.setItemData(combo.count() - 1, info.description, Qt.ItemDataRole.ToolTipRole)
            recent = settings.recent_files()
            if recent:
                combo.insertSeparator(combo.count())
            for path in recent:
                combo.addItem(os.path.basename(path), path)
                combo.setItemData(combo.count() - 1, path, Qt.ItemDataRole.ToolTipRole)
            if self._pasted is not None:
                combo.addItem(f"{self._pasted[1]} ({len(self._pasted[0]):,} chars)", PASTED)
        _fit_popup(combo, theme.current())
        self._select_item(self._source)

    def _select_item(self, source: str | None) -> None:
        if source is None:
            return
        combo = self.corpusCombo
        with QSignalBlocker(combo):
            index = combo.findData(source)
            if index < 0:  # e.g. "builtin:copy,length=5000" or a file the settings forgot
                combo.addItem(self._corpus.name if self._corpus else source, source)
                index = combo.count() - 1
            combo.setCurrentIndex(index)

    @Slot(int)
    def _on_corpus_combo_changed(self, index: int) -> None:
        source = self.corpusCombo.itemData(index)
        if source == PASTED and self._pasted is not None:
            self.use_text(*self._pasted)
        elif source:
            self.load_source(source)

    @Slot(int)
    def _on_corpus_combo_activated(self, index: int) -> None:
        # Re-choosing the item already shown loads it when nothing was loaded yet (at start-up).
        if self._corpus is None and self.dataErrorLabel.isHidden():
            self._on_corpus_combo_changed(index)

    # ---- buttons and drops ------------------------------------------------------------

    @Slot()
    def _on_open_button_clicked(self) -> None:
        start = os.path.dirname(self._source) if self._source and os.path.isfile(self._source) else ""
        path = prompts.for_widget(self).open_text_path(self, start)
        if path:
            self.open_path(path)

    @Slot()
    def _on_paste_button_clicked(self) -> None:
        text = prompts.for_widget(self).ask_text(self)
        if text is not None:
            self.use_text(text)

    @Slot()
    def _on_retry_button_clicked(self) -> None:
        encoding = self.encodingCombo.currentText().strip()
        if self._failed_path and encoding:
            self.open_path(self._failed_path, encoding)

    @staticmethod
    def _local_files(event: QDragEnterEvent | QDropEvent) -> list[str]:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        return [u.toLocalFile() for u in urls if u.isLocalFile() and os.path.isfile(u.toLocalFile())]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        # a checkpoint or a lesson is not a text: ignored here, the window opens it
        files = self._local_files(event)
        if files and file_kind(files[0]) == "text":
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        files = self._local_files(event)
        if files and file_kind(files[0]) == "text":
            event.acceptProposedAction()
            self.open_path(files[0])
        else:
            event.ignore()
