"""Memorisation meter: share of copied 20-character pieces, longest copied substrings."""

import numpy as np

from rnnlab.core.analysis.memorisation import MAX_BLANK_RUN, measure_text, ngram_hashes
from rnnlab.core.data.corpus import Corpus, corpus_from_text


def _corpus(text: str) -> Corpus:
    return corpus_from_text(text, val_fraction=0.1)


TRAIN = "the cat sat on the mat and the dog ran after the cat all day long. " * 3
TEXT = TRAIN + "#" * 22  # exactly the last 10%: validation, never searched


def test_hashes_of_equal_windows_are_equal_and_differ_otherwise():
    h = ngram_hashes(np.array([1, 2, 3, 1, 2, 3, 0]), 3)
    assert len(h) == 5 and h[0] == h[3] and len(set(h.tolist())) == 4
    assert len(ngram_hashes(np.array([1, 2]), 3)) == 0


def test_a_verbatim_quote_is_all_copied_and_its_longest_piece_found():
    corpus = _corpus(TEXT)
    quote = "the dog ran after the cat all day"
    r = measure_text(quote, corpus, n=20)
    assert r.pieces == len(quote) - 19 and r.copied_pieces == r.pieces and r.share == 1.0
    assert r.longest == [quote] and r.longest_length == len(quote)


def test_new_text_has_no_copied_pieces_but_short_common_words():
    corpus = _corpus(TEXT)
    r = measure_text("a tan dog sat; the mat ran long", corpus, n=20)
    assert r.copied_pieces == 0 and r.share == 0.0
    assert r.longest_length == len(" the mat ") and r.longest == [" the mat "]


def test_a_mix_counts_only_the_copied_pieces():
    corpus = _corpus(TEXT)
    new = "a tan dog sat; xyz"  # x, y not in the vocabulary: left out
    copied = "on the mat and the dog ran"
    r = measure_text(new + copied, corpus, n=20)
    assert r.longest[0].endswith(copied) and r.longest_length >= len(copied)
    assert 0 < r.copied_pieces < r.pieces
    assert r.copied_pieces == r.longest_length - 19  # the pieces inside the copied run


def test_short_samples_and_validation_text():
    corpus = _corpus(TEXT)
    assert corpus.decode(corpus.n_train - 1, 2) == " #" and corpus.n_val == 22
    assert measure_text("cat", corpus).pieces == 0 and measure_text("cat", corpus).share == 0.0
    r = measure_text("#" * 22, corpus)  # the validation text: not trained on
    assert r.longest_length == 0 and r.longest == [] and r.share == 0.0


def test_longest_copy_and_share_match_a_brute_force_search():
    rng = np.random.default_rng(7)
    train = "".join(rng.choice(list("abc "), 600))
    corpus = _corpus(train + "#" * (len(train) // 9))
    train = corpus.decode(0, corpus.n_train)
    for _ in range(5):
        sample = "".join(rng.choice(list("abc "), 80))
        r = measure_text(sample, corpus, n=6)
        longest = max(L for L in range(0, 81) if L == 0 or any(
            telling(sample[i:i + L]) and sample[i:i + L] in train for i in range(81 - L)))
        pieces = [sample[i:i + 6] for i in range(len(sample) - 5)]
        assert r.longest_length == longest and all(p in train and len(p) == longest for p in r.longest)
        assert r.copied_pieces == sum(p in train for p in pieces)


def telling(piece: str) -> bool:
    """A letter, and no run of more than MAX_BLANK_RUN blanks."""
    return any(c.isalpha() for c in piece) and " " * (MAX_BLANK_RUN + 1) not in piece


def test_the_longest_copy_is_not_a_block_of_indentation_with_a_letter():
    code = ("def f(x):\n" + " " * 26 + "e = x\n" + " " * 26 + "return e\n") * 40
    corpus = corpus_from_text(code + "print(f(2))\n" * 40)
    report = measure_text("r" + " " * 26 + "ex\nprint(f(2))\nr", corpus)
    assert report.longest == ["\nprint(f(2))\n"] and report.longest_length == 13  # not the 27 of "   ...e"
    assert "␣" * 5 not in report.summary()


def test_the_longest_copy_holds_letters_not_just_spaces():
    corpus = corpus_from_text(("the quick brown fox\n\n\n\n          \n" * 30) + "lorem ipsum dolor sit amet\n" * 20)
    report = measure_text("zzq\n\n\n\n          \nqzz xyz brown fox zq", corpus)
    assert report.longest == [" brown fox"] and report.longest_length == 10  # not the 15 blanks
    blank = measure_text("          \n\n\n\n          \n  ", corpus)
    assert blank.longest == [] and blank.longest_length == 0 and "no piece with a letter" in blank.summary()
