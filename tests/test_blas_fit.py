"""`rnnlab sample` may take more BLAS threads: the count is measured while sampling, the text
is the same whatever it is, and the process gets its one thread back at the end."""

import numpy as np
import pytest
import torch
from threadpoolctl import ThreadpoolController

from rnnlab.core.data.vocab import Vocabulary
from rnnlab.core.nn import blas_fit
from rnnlab.core.nn.blas_fit import CHUNK, PROBE_CHUNKS, FittedBlas, set_blas_threads
from rnnlab.core.nn.fast_step import use_one_blas_thread
from rnnlab.core.nn.model import CharRNN, ModelConfig
from rnnlab.core.nn.sampler import SampleSettings, sample_stream

CHARS = list("\nabcdefgh ")


def blas_threads() -> set[int]:
    return {lib.num_threads for lib in ThreadpoolController().select(user_api="blas").lib_controllers}


@pytest.fixture
def counted(monkeypatch):
    seen = []
    monkeypatch.setattr(blas_fit, "set_blas_threads", seen.append)
    return seen


def test_the_faster_count_is_kept_and_one_thread_comes_back(counted):
    blas = FittedBlas([2, 1])
    assert counted == [2]
    speed = {2: 1.0, 1: 3.0}  # one thread three times as fast (another program on a core)
    for _ in range(3 * PROBE_CHUNKS):
        blas.chunk_done(CHUNK, CHUNK / speed[blas.threads] / 1e4)
    assert blas.threads == 1 and counted[-1] == 1
    blas.close()
    assert counted[-1] == 1


def test_two_threads_are_kept_where_they_are_faster(counted):
    blas = FittedBlas([2, 1])
    speed = {2: 2.0, 1: 1.0}
    for _ in range(3 * PROBE_CHUNKS):
        blas.chunk_done(CHUNK, CHUNK / speed[blas.threads] / 1e4)
    assert blas.threads == 2 and 1 in counted  # one thread was timed too


def test_the_blas_thread_count_is_really_set():
    use_one_blas_thread()
    set_blas_threads(2)
    assert blas_threads() == {2}
    set_blas_threads(1)
    assert blas_threads() == {1}


def test_owning_the_cores_gives_the_same_text_and_then_one_thread(monkeypatch):
    torch.manual_seed(0)
    model = CharRNN(ModelConfig(vocab_size=len(CHARS), cell="lstm", hidden=64, layers=2))
    vocab = Vocabulary(chars=CHARS)
    settings = SampleSettings(prime="abc", length=40 * CHUNK, seed=5)
    alone = [(c.char, c.prob) for c in sample_stream(model, vocab, settings)]
    chosen = []
    real = blas_fit.set_blas_threads
    monkeypatch.setattr(blas_fit, "set_blas_threads", lambda n: (chosen.append(n), real(n)))
    owning = [(c.char, c.prob) for c in sample_stream(model, vocab, settings, own_cores=True)]
    assert owning == alone and np.isfinite([p for _, p in owning]).all()
    assert chosen[0] >= 1 and chosen[-1] == 1 and blas_threads() == {1}
    stream = sample_stream(model, vocab, settings, own_cores=True)
    next(stream)
    stream.close()  # dropped early: the thread count is given back all the same
    assert blas_threads() == {1}
