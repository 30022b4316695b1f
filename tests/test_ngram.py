"""The n-gram baseline: hand-checked interpolated Witten-Bell probabilities and the val loss."""

import math
from fractions import Fraction as F

import numpy as np
import pytest

from rnnlab.core.analysis.ngram import NGramError, NGramModel, bits, fit_corpus, validation_loss
from rnnlab.core.data.corpus import corpus_from_text
from rnnlab.core.train.events import LN2

A, B, C = 0, 1, 2  # a 3-symbol vocabulary; "c" never occurs in training


def ids(text):
    return np.array(["abc".index(ch) for ch in text], dtype=np.uint8)


def assert_probs(got, fractions):
    assert got == pytest.approx([float(f) for f in fractions], abs=1e-12)


def test_order_1_is_unigram_interpolated_with_uniform():
    # "aab": c(a)=2, c(b)=1, N=3 chars, T=2 distinct; P(w) = (c(w) + T/V) / (N + T)
    model = NGramModel.fit(ids("aab"), 3, 1)
    expected = [(2 + F(2, 3)) / 5, (1 + F(2, 3)) / 5, F(2, 3) / 5]
    assert expected == [F(8, 15), F(1, 3), F(2, 15)]
    assert_probs(model.distribution([]), expected)
    assert_probs(model.distribution(ids("bb")), expected)  # order 1 ignores the context
    assert model.prob([], C) == pytest.approx(2 / 15)


def test_order_2_hand_checked():
    # "abab": unigram c(a)=c(b)=2, N=4, T=2 -> P1 = (2+2/3)/6 = 4/9, 4/9, (2/3)/6 = 1/9
    # after "a": c=2, T=1, c(a,b)=2 -> P(b|a) = (2 + 4/9)/3 = 22/27, P(a|a) = 4/27, P(c|a) = 1/27
    # after "b": c=1, T=1, c(b,a)=1 -> P(a|b) = (1 + 4/9)/2 = 13/18, P(b|b) = 2/9, P(c|b) = 1/18
    model = NGramModel.fit(ids("abab"), 3, 2)
    p1 = [F(4, 9), F(4, 9), F(1, 9)]
    assert_probs(model.distribution(ids("a")), [F(4, 27), F(22, 27), F(1, 27)])
    assert_probs(model.distribution(ids("b")), [F(13, 18), F(2, 9), F(1, 18)])
    assert_probs(model.distribution(ids("c")), p1)  # unseen context: back off to the unigram
    assert_probs(model.distribution([]), p1)  # no context at all: the unigram too
    assert model.prob(ids("bba"), B) == pytest.approx(22 / 27)  # only the last char counts


def test_order_3_mixes_all_levels():
    # "aabab": N=5, T=2, P1 = (c + 2/3)/7: a: (3+2/3)/7 = 11/21, b: (2+2/3)/7 = 8/21, c: 2/21
    # after "a": c=3 (a->a, a->b twice), T=2: P(b|a) = (2 + 2*8/21)/5 = 58/105
    # after "ba": c=1, T=1, c(ba,b)=1: P(b|ba) = (1 + 58/105)/2 = 163/210
    model = NGramModel.fit(ids("aabab"), 3, 3)
    assert model.distribution([]) == pytest.approx([11 / 21, 8 / 21, 2 / 21])
    assert model.prob(ids("a"), B) == pytest.approx(58 / 105)
    assert model.prob(ids("ba"), B) == pytest.approx(163 / 210)
    assert model.prob(ids("ca"), B) == pytest.approx(58 / 105)  # unseen "ca" -> context "a"


@pytest.mark.parametrize("order", range(1, 7))
def test_every_distribution_sums_to_one_and_is_positive(order):
    rng = np.random.default_rng(order)
    train = rng.integers(0, 5, 400) % 4  # symbol 4 of a 6-symbol vocab never occurs, nor 5
    model = NGramModel.fit(train, 6, order)
    for context in ([], [0], [1, 2, 3, 0, 1], [5, 5, 5, 5, 5], list(train[-7:]), [4, 0, 1]):
        dist = model.distribution(context)
        assert dist.shape == (6,)
        assert dist.sum() == pytest.approx(1.0, abs=1e-12)
        assert (dist > 0).all()
        assert dist[3] == pytest.approx(model.prob(context, 3))


def test_loss_matches_hand_sum_and_defaults_to_evaluate_loss_targets():
    model = NGramModel.fit(ids("abab"), 3, 2)
    # scores "b" after "a" and "c" after "b" (the first char is context only)
    assert model.loss(ids("abc")) == pytest.approx(-(math.log(22 / 27) + math.log(1 / 18)) / 2)
    assert model.loss(ids("abc"), start=0) == pytest.approx(
        -(math.log(4 / 9) + math.log(22 / 27) + math.log(1 / 18)) / 3)
    with pytest.raises(NGramError):
        model.loss(ids("a"))


def test_training_loss_falls_with_order_on_a_repetitive_text():
    text = ids(("abcab" * 3 + "bca") * 40)
    losses = [NGramModel.fit(text, 3, n).loss(text) for n in range(1, 7)]
    assert all(later < earlier for earlier, later in zip(losses, losses[1:4]))
    assert all(later <= earlier + 1e-9 for earlier, later in zip(losses, losses[1:]))


@pytest.mark.parametrize("order", range(1, 7))
def test_unseen_validation_text_gives_a_finite_loss(order):
    model = NGramModel.fit(ids("ab" * 50), 3, order)
    loss = model.loss(ids("cccacbcc"))  # a character and contexts never seen in training
    assert math.isfinite(loss) and loss > 0


@pytest.mark.parametrize("order", [0, 7, -1, 2.5, True, "3"])
def test_bad_orders_are_refused_with_the_allowed_range(order):
    with pytest.raises(NGramError, match="from 1 to 6"):
        NGramModel.fit(ids("abab"), 3, order)


def test_bad_inputs_are_refused():
    with pytest.raises(NGramError, match="too short"):
        NGramModel.fit(ids("ab"), 3, 3)
    with pytest.raises(NGramError, match="smoothing"):
        NGramModel.fit(ids("abab"), 3, 2, smoothing="add-one")
    with pytest.raises(NGramError):
        NGramModel.fit(np.array([0, 1, 5]), 3, 1)
    assert issubclass(NGramError, ValueError)


def test_validation_loss_scores_the_rnn_targets_with_context_from_the_training_tail():
    corpus = corpus_from_text("abab" * 20 + "abba" * 5 + "ba", val_fraction=0.2)  # 102 chars
    assert (corpus.n_train, corpus.n_val) == (82, 20)
    for order in (1, 3, 6):
        model = fit_corpus(corpus, order)
        start = corpus.n_train + 1  # val[0] is not scored, as in evaluate_loss
        expected = -np.mean([math.log(model.prob(corpus.data[max(0, t - order + 1):t], corpus.data[t]))
                             for t in range(start, corpus.n_chars)])
        assert validation_loss(corpus, order) == pytest.approx(expected)
        assert validation_loss(corpus, order, model=model) == pytest.approx(expected)
        first5 = -np.mean([math.log(model.prob(corpus.data[max(0, t - order + 1):t], corpus.data[t]))
                           for t in range(start, start + 5)])
        assert validation_loss(corpus, order, max_chars=5) == pytest.approx(first5)
    assert bits(1.0) == pytest.approx(1 / LN2)


def test_a_capped_fit_counts_only_the_last_training_characters():
    corpus = corpus_from_text("the cat sat. " * 30 + "a dog ran! " * 30, val_fraction=0.1)
    capped = fit_corpus(corpus, 3, max_train_chars=200)
    alone = NGramModel.fit(corpus.train[-200:], len(corpus.vocab), 3)
    assert capped.n_train == 200
    for context, ch in [("do", "g"), ("ca", "t"), ("a ", "d")]:
        ids = corpus.vocab.encode(context)
        assert capped.prob(ids, corpus.vocab.encode(ch)[0]) == alone.prob(ids, corpus.vocab.encode(ch)[0])
    # "cat" lies before the last 200 training characters: only the whole fit has seen it
    ca, t = corpus.vocab.encode("ca"), corpus.vocab.encode("t")[0]
    assert fit_corpus(corpus, 3).prob(ca, t) > capped.prob(ca, t)
    assert validation_loss(corpus, 3, max_train_chars=200) == pytest.approx(
        validation_loss(corpus, 3, model=capped))


def test_the_count_reports_each_order_and_stops_when_its_caller_raises():
    """A closing window stops the baseline between orders (a count still running while
    Python exits crashed it)."""
    corpus = corpus_from_text("the cat sat on the mat. " * 200)
    seen = []
    validation_loss(corpus, 5, progress=seen.append)
    assert seen == [0.25, 0.5, 0.75, 1.0]

    class Stop(Exception):
        pass

    def stop_after_two(share):
        if share >= 0.5:
            raise Stop

    with pytest.raises(Stop):
        validation_loss(corpus, 5, progress=stop_after_two)
