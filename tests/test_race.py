"""The race: equal-size contenders, fair turns, and each contender trains exactly as alone."""

import pytest

from rnnlab.core.nn.model import ModelConfig, count_parameters
from rnnlab.core.train.config import TrainConfig
from rnnlab.core.train.race import Contender, Race, hidden_for_budget, make_contenders, parse_cells
from rnnlab.core.train.trainer import Trainer

TRAIN = TrainConfig(batch=4, seq=16, lr=3e-3, eval_every=0, seed=7)


def _base(corpus, cell="lstm", hidden=24, layers=1):
    return ModelConfig(len(corpus.vocab), cell=cell, hidden=hidden, layers=layers)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("params", [500, 12_345, 240_000])
def test_hidden_for_budget_is_the_closest_size(cell, params):
    def count(h):
        return count_parameters(ModelConfig(65, cell, h, 2))

    h = hidden_for_budget(cell, 2, 65, params)
    best = min(abs(count(k) - params) for k in range(1, 600))
    assert abs(count(h) - params) == best


def test_default_contenders_have_about_the_same_size(small_corpus):
    base = ModelConfig(len(small_corpus.vocab), "lstm", 128, 2)
    contenders = make_contenders(parse_cells("rnn,lstm,gru"), base, TRAIN)
    rnn, lstm, gru = (c.model.hidden for c in contenders)
    assert lstm == 128 and rnn > gru > lstm  # fewer gates per unit: more units for the budget
    assert contenders[0].label == f"RNN 2x{rnn}"
    budget = count_parameters(base)
    for c in contenders:
        assert abs(count_parameters(c.model) - budget) / budget < 0.02
        assert c.train == TRAIN


def test_sized_specs_and_repeated_labels(small_corpus):
    contenders = make_contenders(parse_cells("lstm:1x32, LSTM:1x32,gru"), _base(small_corpus), TRAIN)
    assert [c.label for c in contenders][:2] == ["LSTM 1x32", "LSTM 1x32 #2"]
    assert contenders[2].model.layers == 1


@pytest.mark.parametrize("text, words", [
    ("rnn", "2 to 4 contenders"), ("rnn,lstm,gru,rnn,lstm", "not 5"),
    ("rnn,transformer", "'transformer'"), ("lstm:2by8,gru", "'lstm:2by8'"), ("rnn,,gru", "''"),
])
def test_bad_contender_lists_say_what_is_wrong(text, words):
    with pytest.raises(ValueError, match=words):
        parse_cells(text)


def test_each_contender_trains_exactly_as_it_would_alone(small_corpus):
    contenders = make_contenders(parse_cells("rnn,gru"), _base(small_corpus), TRAIN)
    race = Race(small_corpus, contenders, fairness="steps")
    assert race.run(lambda i, e: None, max_steps=6) == "budget"
    for contender, trainer in zip(contenders, race.trainers):
        alone = Trainer(small_corpus, contender.model, contender.train)
        alone.run(lambda e: None, max_steps=6)
        assert trainer.history.train_loss == alone.history.train_loss


def test_steps_fairness_takes_turns(small_corpus):
    race = Race(small_corpus, make_contenders(parse_cells("rnn,lstm,gru"), _base(small_corpus), TRAIN),
                fairness="steps")
    order = []
    race.run(lambda i, e: order.append(i), max_steps=3)
    assert order == [0, 1, 2] * 3


def test_time_fairness_shares_training_time(small_corpus):
    # an RNN step costs far less than a big LSTM step: equal time means many more RNN steps
    specs = [("rnn", 1, 8), ("lstm", 2, 96)]
    race = Race(small_corpus, make_contenders(specs, _base(small_corpus), TRAIN), fairness="time")
    assert race.run(lambda i, e: None, max_seconds=1.0) == "budget"
    rnn, lstm = race.trainers
    # the one behind always steps next, so the gap never passes the longest single step
    # (not the mean step: on a busy machine one step can take many times the mean)
    assert 0 < abs(rnn.train_seconds - lstm.train_seconds) <= race.longest_step
    assert race.train_seconds >= 1.0
    assert rnn.step_count > lstm.step_count


def test_a_diverging_contender_drops_out_and_the_others_go_on(small_corpus):
    good = make_contenders(parse_cells("lstm,gru"), _base(small_corpus), TRAIN)
    wild = Contender("RNN wild", _base(small_corpus, "rnn", 64), TrainConfig(
        batch=4, seq=16, lr=50.0, clip=0, eval_every=0, seed=7))
    race = Race(small_corpus, [wild, *good], fairness="steps")
    warnings = []
    race.run(lambda i, e: warnings.append((i, e.kind)) if e.name == "warning" else None,
             max_steps=60)
    assert race.out == {0}
    assert (0, "out") in warnings
    assert [t.step_count for t in race.trainers[1:]] == [60, 60]


def test_stop_and_bad_settings(small_corpus):
    contenders = make_contenders(parse_cells("rnn,gru"), _base(small_corpus), TRAIN)
    race = Race(small_corpus, contenders)
    assert race.run(lambda i, e: None, should_stop=lambda: True) == "stopped"
    with pytest.raises(ValueError, match="fairness"):
        Race(small_corpus, contenders, fairness="luck")
    with pytest.raises(ValueError, match="2 to 4"):
        Race(small_corpus, contenders[:1])
    with pytest.raises(ValueError, match="budget"):
        make_contenders(parse_cells("rnn,gru"), _base(small_corpus), TRAIN, params=0)


def test_the_gap_never_passes_the_longest_step_even_when_one_step_is_slow(small_corpus, monkeypatch):
    specs = [("rnn", 1, 8), ("lstm", 1, 16)]
    race = Race(small_corpus, make_contenders(specs, _base(small_corpus), TRAIN), fairness="time")
    slow = race.trainers[1]
    real_step, calls = slow.step, []

    def a_slow_step():  # one step of the LSTM takes far longer than the rest (a busy machine)
        events = real_step()
        calls.append(1)
        if len(calls) == 3:
            slow.train_seconds += 0.5
        return events

    monkeypatch.setattr(slow, "step", a_slow_step)
    for _ in range(60):
        race.step()
        times = [t.train_seconds for t in race.trainers]
        assert max(times) - min(times) <= race.longest_step + 1e-12
    assert race.longest_step >= 0.5
