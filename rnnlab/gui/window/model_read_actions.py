"""The window's reads of its model for saving, reports and the views that copy or probe it.

A mixin of MainWindow (it uses the window's session and sampling panel).
Every read goes through a ModelReads: at once when nothing trains, else between two steps
in a thread of its own, so the GUI thread never waits for a step.
"""

from __future__ import annotations

from rnnlab.core.nn.probe import probe
from rnnlab.gui.workers.model_reads import ModelReads

SAMPLE_PROBE_CHARS = 400  # the next-char view reads at most this much of a sample


class ModelReadActions:
    def model_reads(self, purpose: str) -> ModelReads:
        """The reader of the model for one purpose ("save", "report", a view's copy): it
        never makes the GUI thread wait for a training step."""
        readers = self.__dict__.setdefault("_model_reads", {})
        if purpose not in readers:
            readers[purpose] = ModelReads(self.session, f"rnnlab-read-{purpose}", self)
        return readers[purpose]

    def end_model_reads(self) -> None:
        """At quit: drop the answers still to come and wait for the reading threads."""
        for reader in self.__dict__.get("_model_reads", {}).values():
            reader.shutdown()

    def view_copy_request(self, view: str):
        """A view's model request (step_walk.ModelRequest): a CPU copy of the weights and
        the vocabulary, read between training steps off the GUI thread; None without a model."""
        def request(then, fail) -> None:
            if self.session.trainer is None:
                then(None)
            else:
                self.model_reads(view).request(lambda t: (t.snapshot_model(), t.corpus.vocab), then, fail)
        return request

    def probe_last_sample(self, then, fail) -> None:
        """then((ProbeResult, Vocabulary)) of the last generated sample, for the next-char
        view, read between training steps off the GUI thread; fail(ValueError) without one."""
        text = self.sampling_panel.last_sample()[:SAMPLE_PROBE_CHARS]
        if self.session.trainer is None or not text:
            fail(ValueError("Generate a sample first (Sampling panel), then it is shown here."))
            return

        def read(trainer):
            vocab = trainer.corpus.vocab
            return probe(trainer.snapshot_model(), vocab, text), vocab  # ProbeError is a ValueError
        self.model_reads("next-char").request(read, then, fail)
