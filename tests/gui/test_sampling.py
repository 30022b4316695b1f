"""SamplingPanel controls and the SamplingWorker streaming from its own thread."""

import numpy as np
import pytest
import torch
from PySide6 import QtCore
from PySide6.QtCore import QObject, Signal, Slot

from rnnlab.core.data.vocab import Vocabulary
from rnnlab.core.nn.model import CharRNN, ModelConfig
from rnnlab.core.nn.sampler import SampleSettings
from rnnlab.gui.panels.sampling_panel import NO_MODEL, SamplingPanel
from rnnlab.gui.workers.sampling_worker import shutdown, start_sampling_thread


class Requester(QObject):
    """Stands in for the main window: a queued signal into the worker's thread."""
    request = Signal(object, object, object)


class ScoreCollector(QObject):
    def __init__(self):
        super().__init__()
        self.scored = []

    @Slot(str, object)
    def on_scored(self, text, probs):
        self.scored.append((text, probs))


class Collector(QObject):
    """Receives the worker's signals in the GUI thread (so they arrive in order, queued)."""

    def __init__(self):
        super().__init__()
        self.chunks, self.outcome, self.error = [], None, None

    @Slot(str)
    def on_chunk(self, text):
        self.chunks.append(text)

    @Slot(str)
    def on_finished(self, reason):
        self.outcome = reason

    @Slot(str)
    def on_failed(self, message):
        self.error = message


@pytest.fixture
def panel(qtbot):
    widget = SamplingPanel()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def model_and_vocab():
    torch.manual_seed(0)
    vocab = Vocabulary(chars=list("\n abcdefgh"))
    return CharRNN(ModelConfig(vocab_size=len(vocab), cell="lstm", hidden=16, layers=1)), vocab


@pytest.fixture
def rig(qtbot):
    """A started sampling thread wired to a Requester and a Collector; shut down after."""
    thread, worker = start_sampling_thread(chunk_interval=0.005)
    requester, collector = Requester(), Collector()
    requester.request.connect(worker.generate)
    worker.chunk.connect(collector.on_chunk)
    worker.finished.connect(collector.on_finished)
    worker.failed.connect(collector.on_failed)
    yield thread, worker, requester, collector
    assert shutdown(thread, worker)
    assert not thread.isRunning()


def _ended(collector):
    return lambda: collector.outcome is not None or collector.error is not None


def test_settings_reflect_controls(panel):
    panel.primeEdit.setText("ab")
    panel.temperatureSpin.setValue(1.25)
    panel.topKSpin.setValue(5)
    panel.sampleLengthSpin.setValue(42)
    assert panel.settings() == SampleSettings(prime="ab", length=42, temperature=1.25, top_k=5, seed=None)
    panel.seedRandomCheck.setChecked(False)
    panel.seedSpin.setValue(7)
    assert panel.settings().seed == 7
    assert panel.auto_sample_seconds() == 6  # on by default: text appears while training
    panel.autoSampleSpin.setValue(9)
    assert panel.auto_sample_seconds() == 9
    panel.autoSampleCheck.setChecked(False)
    assert panel.auto_sample_seconds() is None and not panel.autoSampleSpin.isEnabled()


def test_slider_and_spin_stay_in_sync(panel):
    assert panel.temperatureSpin.value() == pytest.approx(0.8) and panel.temperatureSlider.value() == 80
    panel.temperatureSlider.setValue(150)
    assert panel.temperatureSpin.value() == pytest.approx(1.5)
    panel.temperatureSpin.setValue(0.35)
    assert panel.temperatureSlider.value() == 35
    panel.temperatureSpin.setValue(0)
    assert panel.temperatureSpin.text() == "greedy" and panel.settings().temperature == 0


def test_button_states_and_output(panel, qtbot):
    assert not panel.sampleButton.isEnabled() and panel.sampleButton.toolTip() == NO_MODEL
    panel.set_available(True)
    with qtbot.waitSignal(panel.generate_requested) as blocker:
        panel.sampleButton.click()
    assert isinstance(blocker.args[0], SampleSettings)
    panel.begin()
    assert panel.sampleButton.text() == "Stop"
    with qtbot.waitSignal(panel.stop_requested):
        panel.sampleButton.click()
    panel.append_text("hello")
    panel.append_text(" world")
    panel.finish()
    assert panel.sampleButton.text() == "Generate"
    panel.begin("— step 1,500 —")
    panel.append_text("more\n")
    assert panel.text() == "hello world\n\n— step 1,500 —\nmore\n"  # a blank line before


def test_output_follows_the_end_unless_scrolled_up(panel, qtbot):
    panel.resize(330, 420)
    panel.show()
    qtbot.waitExposed(panel)
    bar = panel.sampleOutput.verticalScrollBar()
    for _ in range(60):
        panel.append_text("a line of generated text\n")
    assert bar.maximum() > 0 and bar.value() == bar.maximum()
    bar.setValue(0)  # the reader scrolls up to read: new text must not yank the view
    panel.append_text("more\n" * 5)
    assert bar.value() == 0


def test_save_text(panel, tmp_path):
    panel.append_text("naïve ⏎\n")
    assert panel.save_text(str(tmp_path / "out.txt"))
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "naïve ⏎\n"
    assert not panel.save_text(str(tmp_path / "missing" / "out.txt"))
    assert "Cannot save" in panel.sampleErrorLabel.text()


def test_worker_streams_several_chunks(qtbot, rig, model_and_vocab):
    thread, worker, requester, collector = rig
    requester.request.emit(*model_and_vocab, SampleSettings(length=3000, seed=1))
    qtbot.waitUntil(_ended(collector), timeout=20_000)
    assert collector.outcome == "done" and collector.error is None
    assert len(collector.chunks) >= 3
    text = "".join(collector.chunks)
    assert len(text) == 3000 and set(text) <= set("\n abcdefgh")


def test_worker_stops_early(qtbot, rig, model_and_vocab):
    thread, worker, requester, collector = rig
    worker.chunk.connect(worker.stop)  # direct, thread-safe: stop after the first chunk
    requester.request.emit(*model_and_vocab, SampleSettings(length=20_000))
    qtbot.waitUntil(_ended(collector), timeout=20_000)
    assert collector.outcome == "stopped"
    assert 0 < len("".join(collector.chunks)) < 20_000


def test_unknown_prime_characters_fail_clearly(qtbot, rig, model_and_vocab, panel):
    thread, worker, requester, collector = rig
    worker.failed.connect(panel.show_error)
    panel.begin()
    requester.request.emit(*model_and_vocab, SampleSettings(prime="hxz", length=10))
    qtbot.waitUntil(_ended(collector), timeout=10_000)
    qtbot.waitUntil(lambda: not panel.sampleErrorLabel.isHidden())
    assert collector.outcome is None
    assert "'x'" in collector.error and "'z'" in collector.error
    assert "'x'" in panel.sampleErrorLabel.text()
    assert panel.sampleButton.text() == "Generate"


def test_shutdown_while_generating(qtbot, model_and_vocab):
    thread, worker = start_sampling_thread()
    requester = Requester()
    requester.request.connect(worker.generate)
    requester.request.emit(*model_and_vocab, SampleSettings(length=20_000))
    qtbot.wait(50)
    assert shutdown(thread, worker)
    assert not thread.isRunning()


def _backgrounds(panel) -> list[str]:
    """The background colour of each character in the output ('' when none)."""
    doc, out = panel.sampleOutput.document(), []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            brush = frag.charFormat().background()
            colour = brush.color().name() if brush.style() != QtCore.Qt.BrushStyle.NoBrush else ""
            out += [colour] * frag.length()
            it += 1
        block = block.next()
    return out


def test_samples_coloured_by_surprise_when_asked(panel):
    panel.surpriseColorCheck.setChecked(True)
    panel.append_scored("ab", np.array([1.0, 1 / 256]))  # 0 bits, 8 bits
    assert panel.text() == "ab" and _backgrounds(panel) == ["#ffffff", "#67000d"]
    panel.surpriseColorCheck.setChecked(False)
    panel.append_scored("cd", np.array([0.5, 0.5]))
    assert panel.text() == "abcd" and _backgrounds(panel)[2:] == ["", ""]


def test_worker_scores_every_character_with_its_model_probability(rig, model_and_vocab, qtbot):
    _thread, worker, requester, collector = rig
    scores = ScoreCollector()  # a QObject of the GUI thread: its slot runs there, in order with finished
    worker.scored.connect(scores.on_scored)
    scored = scores.scored
    model, vocab = model_and_vocab
    requester.request.emit(model, vocab, SampleSettings(length=200, seed=3))
    qtbot.waitUntil(_ended(collector), timeout=5000)
    text = "".join(t for t, _ in scored)
    probs = np.concatenate([p for _, p in scored])
    assert text == "".join(collector.chunks) and len(probs) == len(text) == 200
    assert ((probs > 0) & (probs <= 1)).all()


def test_the_sampling_thread_runs_torch_on_one_thread(qtbot, rig, model_and_vocab):
    """Its weights copy and stepping must not give it a torch team of its own (that made
    every later training step ~25% slower), even after another thread set two."""
    from rnnlab.gui.workers.sampling_worker import CopyLater

    thread, worker, requester, collector = rig
    model, vocab = model_and_vocab
    seen = []

    def copy():
        seen.append(torch.get_num_threads())
        return model

    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        requester.request.emit(CopyLater(copy), vocab, SampleSettings(length=50, seed=1))
        qtbot.waitUntil(_ended(collector), timeout=20_000)
    finally:
        torch.set_num_threads(threads)
    assert collector.outcome == "done" and seen == [1]


def test_sampling_leaves_no_stray_python_thread_entry(qtbot, model_and_vocab):
    """threadpoolctl asks Python for the calling thread; from the sampling QThread that left
    a "Dummy" entry in threading.enumerate() (seen as a leftover thread by window_cycles)."""
    import threading

    from rnnlab.core.nn.fast_step import use_one_blas_thread

    use_one_blas_thread.cache_clear()  # as in a fresh process: the BLAS limit not yet set
    before = set(threading.enumerate())
    thread, worker = start_sampling_thread(chunk_interval=0.005)
    requester, collector = Requester(), Collector()
    requester.request.connect(worker.generate)
    worker.finished.connect(collector.on_finished)
    worker.failed.connect(collector.on_failed)
    requester.request.emit(*model_and_vocab, SampleSettings(length=50, seed=1))
    qtbot.waitUntil(_ended(collector), timeout=20_000)
    try:
        assert collector.outcome == "done"
        stray = [t for t in set(threading.enumerate()) - before if isinstance(t, threading._DummyThread)]
        assert stray == []
    finally:
        assert shutdown(thread, worker)
