import pytest
import torch

from rnnlab.core.nn.model import CELLS, CharRNN, ModelConfig, count_parameters, detach_hidden


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("embedding", [0, 8])
def test_shapes_and_parameter_count(cell, embedding):
    config = ModelConfig(vocab_size=11, cell=cell, hidden=16, layers=2, embedding=embedding)
    model = CharRNN(config)
    logits, hidden = model(torch.randint(0, 11, (3, 7)))
    assert logits.shape == (3, 7, 11)
    h = hidden[0] if cell == "lstm" else hidden
    assert h.shape == (2, 3, 16)
    assert model.num_parameters() == count_parameters(config)


def test_vanilla_cell_is_the_tanh_recurrence():
    """h_t = tanh(W h_{t-1} + U x_t + b) with one-hot x: check one step by hand."""
    torch.manual_seed(0)
    model = CharRNN(ModelConfig(vocab_size=5, cell="rnn", hidden=4, layers=1))
    ids = torch.tensor([[2, 4]])
    _, h = model(ids)
    r = model.rnn
    h1 = torch.tanh(r.weight_ih_l0[:, 2] + r.bias_ih_l0 + r.bias_hh_l0)
    h2 = torch.tanh(r.weight_ih_l0[:, 4] + r.bias_ih_l0 + r.weight_hh_l0 @ h1 + r.bias_hh_l0)
    assert torch.allclose(h[0, 0], h2, atol=1e-6)


def test_hidden_carried_equals_one_long_pass():
    torch.manual_seed(0)
    model = CharRNN(ModelConfig(vocab_size=6, cell="lstm", hidden=8, layers=2))
    ids = torch.randint(0, 6, (2, 10))
    whole, _ = model(ids)
    first, hidden = model(ids[:, :4])
    second, _ = model(ids[:, 4:], detach_hidden(hidden))
    assert torch.allclose(torch.cat([first, second], 1), whole, atol=1e-6)


@pytest.mark.parametrize("bad, message", [
    (dict(cell="transformer"), "cell must be one of"),
    (dict(hidden=0), "hidden must be at least 1"),
    (dict(embedding=-1), "embedding must be 0"),
    (dict(dropout=1.0), "dropout must be in"),
])
def test_bad_config_is_refused_with_a_message(bad, message):
    with pytest.raises(ValueError, match=message):
        ModelConfig(vocab_size=5, **bad)
