"""Named starting points: a model and training settings that go well together."""

from __future__ import annotations

from dataclasses import dataclass, field

from rnnlab.core.data.builtin_corpora import is_builtin_spec, parse_spec
from rnnlab.core.errors import CorpusError
from rnnlab.core.nn.model import ModelConfig
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.precision import bf16_pays_on_cpu

DEFAULT_CORPUS = "builtin:python"
DEFAULT_PRESET = "classroom"
QUICK_PRESET = "quick"  # the CLI's default for a time budget of QUICK_SECONDS or less
QUICK_SECONDS = 60.0
RACE_PRESET = "small"  # several models share the cores: each takes smaller, quicker steps


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    model: dict  # ModelConfig fields except vocab_size
    train: dict = field(default_factory=dict)  # TrainConfig fields that differ from defaults
    corpus: str = DEFAULT_CORPUS
    epochs: float = 1.0  # default budget when none is given...
    steps: int | None = None  # ...unless a step count is
    # built-in texts (by name) this preset is made for: used there when no preset is chosen
    made_for: tuple[str, ...] = ()

    def model_config(self, vocab_size: int, **overrides) -> ModelConfig:
        return ModelConfig(vocab_size=vocab_size, **{**self.model, **overrides})

    def train_config(self, **overrides) -> TrainConfig:
        return TrainConfig(**{**self.train, **overrides})


def classroom_preset(fast_bf16: bool) -> Preset:
    """The app's and the CLI's default, chosen by measurement on three texts at 30 s and
    120 s (benchmarks/RESULTS.md, "Presets"): the lowest validation loss for the time. The
    1x512 GRU needs bf16 to be fast; in fp32 it reaches 1.95 in 30 s where the 1x256 LSTM
    reaches 1.57, so a CPU where bf16 is not timed faster gets the LSTM."""
    if fast_bf16:
        return Preset("classroom", "1x512 GRU in bf16, learns fastest on this CPU (the app's default)",
                      {"cell": "gru", "hidden": 512, "layers": 1, "embedding": 32},
                      {"batch": 64, "seq": 64, "lr": 5e-3, "warmup_steps": 50})
    return Preset("classroom", "1x256 LSTM, learns fastest on a laptop CPU (the app's default)",
                  {"cell": "lstm", "hidden": 256, "layers": 1, "embedding": 32},
                  {"batch": 32, "seq": 64, "lr": 6e-3})


def quick_preset() -> Preset:
    """Within a minute the small fast LSTM is ahead of the 1x512 GRU on all three texts
    measured (1.56 / 1.41 / 1.49 against 1.63 / 1.59 / 1.73 at 30 s); by two minutes the GRU
    has caught up and passed it (benchmarks/RESULTS.md, "Presets", "quick")."""
    return Preset(QUICK_PRESET, f"1x256 LSTM, learns fastest in {QUICK_SECONDS:.0f} s or less "
                                "(rnnlab train's default for such a --seconds)",
                  {"cell": "lstm", "hidden": 256, "layers": 1, "embedding": 32},
                  {"batch": 32, "seq": 64, "lr": 6e-3})


def default_preset(seconds: float | None) -> str:
    """rnnlab train's preset when none is chosen: for a short time budget the one that
    learns fastest in it, else the app's."""
    return QUICK_PRESET if seconds is not None and seconds <= QUICK_SECONDS else DEFAULT_PRESET


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        # Windows start from a zero state, so the model learns to read "hello world" from
        # the characters themselves and a one-letter prime works (not from a carried phase).
        Preset("tiny", "2x32 LSTM that learns 'hello world' in a few seconds",
               {"cell": "lstm", "hidden": 32, "layers": 2},
               {"batch": 8, "seq": 16, "lr": 1e-2, "eval_every": 50, "carry_hidden": False},
               corpus="builtin:hello", steps=300),
        Preset("micro", "1x16 LSTM small enough to step through its equations by hand",
               {"cell": "lstm", "hidden": 16, "layers": 1},
               {"batch": 8, "seq": 16, "lr": 1e-2, "eval_every": 50, "carry_hidden": False},
               corpus="builtin:hello", steps=400),
        classroom_preset(bf16_pays_on_cpu()),
        quick_preset(),
        Preset("small", "2x128 LSTM, quick steps: for races and slow laptops",
               {"cell": "lstm", "hidden": 128, "layers": 2},
               {"batch": 32, "seq": 64, "lr": 2e-3}),
        # Chosen by measurement (benchmarks/RESULTS.md, "The memory demo"): the LSTM copies
        # within a minute, a vanilla RNN of the same size does not. Each window starts from
        # a zero state, as a sample does; the embedding and the high rate made it learn
        # in half the steps.
        Preset("memory", "1x128 LSTM for the copy task: learns to remember within a minute",
               {"cell": "lstm", "hidden": 128, "layers": 1, "embedding": 16},
               {"batch": 32, "seq": 64, "lr": 2e-2, "carry_hidden": False},
               corpus="builtin:copy", steps=3000, made_for=("copy",)),
        # Chosen by measurement (benchmarks/RESULTS.md, "big"): behind classroom for two
        # minutes, ahead of it over ten, where the 1x512 GRU has read the text ~17 times.
        Preset("big", "2x512 GRU, better text on runs of ten minutes or more, about 2.5x slower",
               {"cell": "gru", "hidden": 512, "layers": 2, "embedding": 64},
               {"batch": 64, "seq": 64, "lr": 4e-3, "warmup_steps": 50}),
    )
}


def preset_for(text: str | None, chosen: str | None, default: str) -> str:
    """The preset to use: the one chosen, else the one made for this built-in text (the
    copy task's), else `default`."""
    if chosen is not None:
        return chosen
    if text is not None and is_builtin_spec(text):
        try:
            name = parse_spec(text).name
        except CorpusError:
            return default  # loading the text will say what is wrong with it
        for preset in PRESETS.values():
            if name in preset.made_for:
                return preset.name
    return default


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}") from None
