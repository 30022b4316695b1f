"""Shared fixtures. GUI tests (pytest-qt) run offscreen: no display needed."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
import torch  # noqa: E402

from rnnlab.core.corpus import corpus_from_text  # noqa: E402

# Test models are tiny: one intra-op thread is faster than two fighting over a busy CPU.
torch.set_num_threads(1)

SHAKESPEARE = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data",
                           "tinyshakespeare.txt")


@pytest.fixture
def small_corpus():
    """~12k chars of varied text: enough for batch 4 x seq 16 with a 10% validation part."""
    words = ["the", "cat", "sat", "on", "a", "mat", "and", "dog", "ran", "far", "(x)", "[y]"]
    lines = [" ".join(words[(i * 7 + j * 3) % len(words)] for j in range(8)) for i in range(300)]
    return corpus_from_text("\n".join(lines) + "\n", name="small")
