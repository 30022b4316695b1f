"""The classic demo from the course material: a stacked LSTM learns "hello world" in seconds,
and generation carries the hidden state forward (the original sketch fed the same seed
character forever)."""

from rnnlab.core.data.corpus import load_corpus
from rnnlab.core.nn.sampler import SampleSettings, sample_text
from rnnlab.core.train.presets import get_preset
from rnnlab.core.train.trainer import Trainer


def test_tiny_preset_learns_hello_world_from_a_one_letter_prime():
    preset = get_preset("tiny")
    corpus = load_corpus(preset.corpus)
    trainer = Trainer(corpus, preset.model_config(len(corpus.vocab)), preset.train_config())
    assert trainer.run(lambda e: None, max_steps=preset.steps) == "budget"
    model = trainer.snapshot_model()
    text = sample_text(model, corpus.vocab, SampleSettings(prime="h", temperature=0, length=35))
    assert text == "ello world\nhello world\nhello world\n"
    text = sample_text(model, corpus.vocab, SampleSettings(prime="hel", temperature=0, length=8))
    assert text == "lo world"
