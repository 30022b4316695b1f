"""Shared fixtures. GUI tests (pytest-qt) run offscreen: no display needed."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
import atexit  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

from rnnlab.core.paths import CACHE_DIR_ENV  # noqa: E402 - os, sys and pathlib only

# One cache for the whole run, never the user's: bf16 is timed once, not in every CLI test's
# process (each has its own data folder, below).
os.environ[CACHE_DIR_ENV] = tempfile.mkdtemp(prefix="rnnlab-test-cache-")
atexit.register(shutil.rmtree, os.environ[CACHE_DIR_ENV], ignore_errors=True)

import socket  # noqa: E402

import pytest  # noqa: E402
import torch  # noqa: E402

from rnnlab.core.data.corpus import corpus_from_text  # noqa: E402
from rnnlab.core.data.downloads import BASE_URL_ENV  # noqa: E402
from rnnlab.core.paths import DATA_DIR_ENV  # noqa: E402
from tests.local_server import LocalServer  # noqa: E402

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


@pytest.fixture(autouse=True)
def offline_data_dir(tmp_path, monkeypatch):
    """Every test has its own empty data folder (downloaded texts), never the user's, and
    no download address from the environment; and no test can reach past 127.0.0.1."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "rnnlab-data"))
    monkeypatch.delenv(BASE_URL_ENV, raising=False)
    connect = socket.create_connection

    def local_only(address, *args, **kwargs):
        if address[0] not in ("127.0.0.1", "localhost", "::1"):
            raise OSError(f"tests must not reach the internet (asked for {address[0]})")
        return connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", local_only)
    return tmp_path / "rnnlab-data"


@pytest.fixture
def local_server():
    """An HTTP server on 127.0.0.1 (see tests/local_server.py)."""
    with LocalServer() as server:
        yield server
