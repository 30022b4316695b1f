import numpy as np
import pytest
import torch

from rnnlab.core.data.batches import StreamBatcher, eval_streams


def test_streams_are_contiguous_and_targets_shifted():
    data = np.arange(25, dtype=np.uint8)  # 24 usable (x, y) pairs
    b = StreamBatcher(data, batch=3, seq=3)  # streams of 8: 0-7, 8-15, 16-23
    first, second = b.next_batch(), b.next_batch()
    assert first.x.tolist() == [[0, 1, 2], [8, 9, 10], [16, 17, 18]]
    assert torch.equal(first.y, first.x + 1)
    assert second.x.tolist() == [[3, 4, 5], [11, 12, 13], [19, 20, 21]]
    assert first.reset and not second.reset
    assert first.x.dtype == torch.int64


def test_wrap_starts_a_new_epoch_and_asks_for_a_reset():
    b = StreamBatcher(np.arange(25, dtype=np.uint8), batch=3, seq=3)
    assert b.batches_per_epoch == 2
    b.next_batch(), b.next_batch()
    assert b.epoch_progress == 1.0
    again = b.next_batch()
    assert again.reset and b.epoch == 1
    assert again.x[0].tolist() == [0, 1, 2]


def test_state_round_trip():
    data = np.arange(1000, dtype=np.uint16)
    a = StreamBatcher(data, 4, 10)
    for _ in range(7):
        a.next_batch()
    b = StreamBatcher(data, 4, 10)
    b.load_state(a.state())
    assert torch.equal(a.next_batch().x, b.next_batch().x)


def test_too_little_data_names_the_numbers():
    with pytest.raises(ValueError, match="needs at least 33"):
        StreamBatcher(np.arange(20, dtype=np.uint8), batch=4, seq=8)


def test_eval_streams_cover_the_text_in_order():
    data = np.arange(5001, dtype=np.uint16)
    x, y = eval_streams(data, batch=64)
    assert x.shape[0] == 5  # at least 1000 chars per stream
    assert torch.equal(x.reshape(-1), torch.arange(5000))
    assert torch.equal(y, x + 1)
