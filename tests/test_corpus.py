"""Corpus loading: encodings, refusals, normalisation, vocabulary cap, split, given vocab."""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from rnnlab.core.data import textfile
from rnnlab.core.data.corpus import (
    ERROR_KINDS,
    Corpus,
    CorpusError,
    corpus_from_text,
    decode_bytes,
    load_corpus,
    require_length,
)
from rnnlab.core.data.vocab import REPLACEMENT, Vocabulary

TEXT = "Café naïve — déjà vu.\nThe quick brown fox jumps over the lazy dog.\n" * 5


def write(tmp_path: Path, data: bytes, name: str = "t.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def text_of(corpus: Corpus) -> str:
    return corpus.decode(0, corpus.n_chars)


def cjk_text(n_distinct: int, seed: int = 0) -> str:
    """Text over n_distinct CJK characters; character i appears i+1 times (distinct counts)."""
    chars = [chr(0x4E00 + i) for i in range(n_distinct)]
    seq = [c for i, c in enumerate(chars) for _ in range(i + 1)]
    np.random.default_rng(seed).shuffle(seq)
    return "".join(seq)


def raises_kind(kind: str, func, *args, **kwargs) -> CorpusError:
    with pytest.raises(CorpusError) as info:
        func(*args, **kwargs)
    assert info.value.kind == kind, str(info.value)
    assert info.value.kind in ERROR_KINDS
    return info.value


# ---- encodings ---------------------------------------------------------------------------

def test_utf8_plain(tmp_path):
    c = load_corpus(write(tmp_path, TEXT.encode("utf-8")))
    assert c.encoding == "utf-8" and text_of(c) == TEXT
    assert c.name == "t.txt" and c.source.endswith("t.txt")


def test_utf8_bom_is_stripped(tmp_path):
    c = load_corpus(write(tmp_path, codecs.BOM_UTF8 + TEXT.encode("utf-8")))
    assert c.encoding == "utf-8-sig" and text_of(c) == TEXT
    assert "\ufeff" not in c.vocab


@pytest.mark.parametrize("codec,bom", [("utf-16-le", codecs.BOM_UTF16_LE),
                                       ("utf-16-be", codecs.BOM_UTF16_BE)])
def test_utf16_with_bom(tmp_path, codec, bom):
    text = TEXT + "中文 😀\n"
    c = load_corpus(write(tmp_path, bom + text.encode(codec)))
    assert c.encoding == "utf-16" and text_of(c) == text


def test_utf16_without_bom_is_refused_as_binary_with_hint(tmp_path):
    err = raises_kind("binary", load_corpus, write(tmp_path, TEXT.encode("utf-16-le")))
    assert "utf-16-le" in str(err)
    c = load_corpus(write(tmp_path, TEXT.encode("utf-16-le")), encoding="utf-16-le")
    assert text_of(c) == TEXT


def test_cp1252_needs_explicit_encoding(tmp_path):
    raw = TEXT.encode("cp1252")
    err = raises_kind("encoding", load_corpus, write(tmp_path, raw))
    msg = str(err)
    assert "not valid UTF-8" in msg and "--encoding cp1252" in msg
    assert f"0x{raw[3]:02X}" in msg and "offset 3" in msg
    c = load_corpus(write(tmp_path, raw), encoding="cp1252")
    assert c.encoding == "cp1252" and text_of(c) == TEXT


def test_error_offset_is_formatted_with_thousands(tmp_path):
    raw = b"a" * 1234 + "é".encode("latin-1") + b"b" * 100
    err = raises_kind("encoding", load_corpus, write(tmp_path, raw))
    assert "byte 0xE9 at offset 1,234" in str(err)


def test_latin1_explicit(tmp_path):
    text = "Ça va? Où est la gare? Señor, ¿qué tal?\n" * 3
    c = load_corpus(write(tmp_path, text.encode("latin-1")), encoding="latin-1")
    assert c.encoding == "latin-1" and text_of(c) == text


def test_explicit_encoding_that_does_not_fit(tmp_path):
    err = raises_kind("encoding", load_corpus, write(tmp_path, TEXT.encode("cp1252")), encoding="utf-8")
    assert "not valid utf-8" in str(err)


def test_unknown_encoding_name(tmp_path):
    err = raises_kind("encoding", load_corpus, write(tmp_path, b"hello " * 10), encoding="klingon-8")
    assert "Unknown encoding 'klingon-8'" in str(err)


def test_decode_bytes_directly():
    assert decode_bytes(b"a\r\nb") == ("a\nb", "utf-8")
    assert decode_bytes(codecs.BOM_UTF16_LE + "hi".encode("utf-16-le")) == ("hi", "utf-16")
    assert decode_bytes(b"caf\xe9", "cp1252") == ("café", "cp1252")


# ---- refusals ------------------------------------------------------------------------------

def test_binary_with_nul_bytes(tmp_path):
    err = raises_kind("binary", load_corpus, write(tmp_path, b"PK\x03\x04\x00\x00" + b"x" * 200))
    assert "binary" in str(err) and "NUL" in str(err)


def test_random_bytes_are_binary(tmp_path):
    raw = np.random.default_rng(0).integers(0, 256, 20_000, dtype=np.uint8).tobytes()
    raises_kind("binary", load_corpus, write(tmp_path, raw))
    no_nul = raw.replace(b"\x00", b"")
    raises_kind("binary", load_corpus, write(tmp_path, no_nul))
    raises_kind("binary", load_corpus, write(tmp_path, no_nul), encoding="latin-1")


def test_text_with_tabs_form_feeds_and_escapes_is_text(tmp_path):
    text = "col\tcol\n\x0c\n\x1b[1mbold\x1b[0m\n" * 20
    assert text_of(load_corpus(write(tmp_path, text.encode()))) == text


@pytest.mark.parametrize("raw", [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE])
def test_empty(tmp_path, raw):
    err = raises_kind("empty", load_corpus, write(tmp_path, raw))
    assert "0 characters" in str(err) and "t.txt" in str(err)


def test_too_short_says_the_numbers(tmp_path):
    err = raises_kind("too_short", load_corpus, write(tmp_path, b"fifteen chars!!"))
    assert "15 characters" in str(err) and "at least 20" in str(err) and "10%" in str(err)
    assert load_corpus(write(tmp_path, b"x" * 20)).n_val == 2
    err = raises_kind("too_short", corpus_from_text, "y" * 500, min_chars=1000)
    assert "500" in str(err) and "1,000" in str(err)


def test_missing_file_folder_and_permission(tmp_path, monkeypatch):
    err = raises_kind("not_found", load_corpus, tmp_path / "nope.txt")
    assert "nope.txt" in str(err)
    err = raises_kind("io", load_corpus, tmp_path)
    assert "folder" in str(err)
    path = write(tmp_path, b"hello " * 10)

    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)
    assert "Permission denied" in str(raises_kind("io", load_corpus, path))


def test_val_fraction_must_be_in_range():
    for bad in (0.0, -0.1, 0.6, 1.0):
        with pytest.raises(ValueError, match="val_fraction"):
            corpus_from_text("abc" * 100, val_fraction=bad)
    assert corpus_from_text("abc" * 100, val_fraction=0.5).n_val == 150


# ---- normalisation, scripts, vocabulary --------------------------------------------------

def test_newlines_normalised(tmp_path):
    c = load_corpus(write(tmp_path, b"one\r\ntwo\rthree\nfour\r\n" * 5))
    assert text_of(c) == "one\ntwo\nthree\nfour\n" * 5 and "\r" not in c.vocab


def test_nfc_normalisation():
    c = corpus_from_text("cafe\u0301 " * 10)
    assert text_of(c) == "café " * 10 and "\u0301" not in c.vocab


def test_emoji_and_accents_roundtrip():
    text = "hi 😀 🎉 👍🏽 naïve Ωμέγα 中文 "
    c = corpus_from_text(text * 10)
    assert text_of(c) == text * 10 and "😀" in c.vocab and c.data.dtype == np.uint8


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.int64])
def test_long_arrays_decode_like_one_id_at_a_time(dtype):
    vocab = Vocabulary(sorted("ab\n😀中" + REPLACEMENT + "\ud800"))  # an astral char, a lone surrogate
    ids = np.random.default_rng(0).integers(0, len(vocab), 5000).astype(dtype)
    assert vocab.decode(ids) == "".join(vocab.chars[int(i)] for i in ids)
    assert vocab.decode(ids[:10]) == "".join(vocab.chars[int(i)] for i in ids[:10])
    with pytest.raises(IndexError):
        vocab.decode(np.full(300, len(vocab), dtype=dtype))


def test_chinese_beyond_the_cap_folds_with_a_warning():
    text = cjk_text(600)  # char i appears i+1 times: the 89 rarest fold (511 kept + REPLACEMENT)
    c = corpus_from_text(text)
    assert len(c.vocab) == 512 and c.vocab.chars[-1] == REPLACEMENT and c.vocab.folded == 89
    folded_occurrences = sum(range(1, 90))
    assert len(c.warnings) == 1
    assert "89 distinct characters" in c.warnings[0]
    assert f"{folded_occurrences:,} occurrences" in c.warnings[0]
    assert c.data.dtype == np.uint16
    assert np.count_nonzero(c.data == c.vocab.unknown_id) == folded_occurrences
    assert "folded" in c.summary()


def test_dtype_follows_vocabulary_size():
    assert corpus_from_text("abc" * 100).data.dtype == np.uint8
    c = corpus_from_text(cjk_text(600), vocab_cap=1000)
    assert len(c.vocab) == 600 and not c.warnings and c.data.dtype == np.uint16
    assert text_of(c) == cjk_text(600)


# ---- the corpus object ----------------------------------------------------------------------

def test_split_is_at_the_end():
    text = "".join(chr(97 + i % 26) for i in range(1000))
    c = corpus_from_text(text)
    assert (c.n_chars, c.n_train, c.n_val) == (1000, 900, 100)
    assert c.vocab.decode(c.val) == text[900:] and c.vocab.decode(c.train) == text[:900]
    assert np.shares_memory(c.train, c.data) and np.shares_memory(c.val, c.data)
    assert c.val_snippet(10) == text[900:910] and c.val_snippet(500) == text[900:]
    c4 = corpus_from_text(text, val_fraction=0.25)
    assert (c4.n_train, c4.n_val) == (750, 250)


def test_decode_most_common_and_summary(tmp_path):
    text = "the cat sat on the mat\n" * 40
    c = load_corpus(write(tmp_path, text.encode(), "cats.txt"))
    assert c.decode(4, 3) == "cat" and c.decode(c.n_chars - 2, 10) == "t\n"
    expected = sorted(Counter(text).items(), key=lambda kv: (-kv[1], kv[0]))  # ties: lower id first
    assert c.most_common(4) == expected[:4]
    assert c.summary() == f"cats.txt: 920 chars, {len(set(text))} symbols (utf-8); train 828 / val 92"


def test_corpus_from_text_defaults():
    c = corpus_from_text("some pasted text " * 5)
    assert (c.name, c.source, c.encoding) == ("pasted text", "pasted text", "text")


def test_require_length():
    c = corpus_from_text("x" * 1000)  # 900 train, 100 val
    require_length(c, 8, 100)
    require_length(c, 1, 899)
    err = raises_kind("too_short", require_length, c, 32, 64)
    msg = str(err)
    assert "2,049" in msg and "900" in msg and "batch of at most 14" in msg
    err = raises_kind("too_short", require_length, c, 1, 900)
    assert "at most 899" in str(err)
    with pytest.raises(ValueError):
        require_length(c, 0, 10)


# ---- loading with a given vocabulary ---------------------------------------------------------

def test_given_vocab_keeps_its_ids():
    vocab = Vocabulary(chars=list("zyx abc\n"))  # deliberately not sorted
    c = corpus_from_text("abc cab\n" * 10, vocab=vocab)
    assert c.vocab is vocab and list(c.data[:4]) == [4, 5, 6, 3] and not c.warnings


def test_given_vocab_missing_characters_are_named():
    vocab = Vocabulary(chars=list("abc "))
    err = raises_kind("vocab", corpus_from_text, "abc é 中\n" * 10, vocab=vocab)
    msg = str(err)
    assert "3 characters" in msg and "'é' (U+00E9)" in msg and "'\\n'" in msg and "U+4E2D" in msg
    err = raises_kind("vocab", corpus_from_text, "abcdefghijklmnopq " * 3, vocab=vocab)
    assert re.search(r"14 characters .* and 4 more", str(err))


def test_given_vocab_with_replacement_folds_and_warns():
    vocab = Vocabulary(chars=list("ab ") + [REPLACEMENT], folded=5)
    c = corpus_from_text("ab xy ab\n" * 10, vocab=vocab)
    assert text_of(c) == f"ab {REPLACEMENT * 2} ab{REPLACEMENT}" * 10
    assert len(c.warnings) == 1 and "3 distinct characters (30 occurrences" in c.warnings[0]


# ---- big texts are decoded and normalised a slice at a time (the GIL is let go between) ----

SLICED_TEXT = ("Ünïcödé e\u0301 \r\nline\rcafé 😀 中文 \u1100\u1161 abc\n" * 40) + "tail"


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252", "latin-1"])
def test_sliced_decoding_equals_one_call(monkeypatch, codec):
    text = SLICED_TEXT if codec not in ("cp1252", "latin-1") else "café\r\nnaïve \n" * 200
    raw = text.encode(codec)
    whole = decode_bytes(raw, codec)
    for size in (1, 7, 64):  # cuts inside multi-byte characters, BOMs and \r\n pairs
        monkeypatch.setattr(textfile, "_SLICE_BYTES", size)
        monkeypatch.setattr(textfile, "_SLICE_CHARS", size)
        assert decode_bytes(raw, codec) == whole
        if codec == "utf-8":
            assert decode_bytes(raw) == whole


def test_sliced_normalising_equals_the_whole(monkeypatch):
    text = "x\u0301\n\u0301e\r\n\r\n\rA\u030a\u0323 \u1100\n\u1161" * 50  # marks right after a cut
    whole = textfile.normalise_text(text)
    assert whole == unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    for size in (1, 2, 5, 33):
        monkeypatch.setattr(textfile, "_SLICE_CHARS", size)
        assert textfile.normalise_text(text) == whole


def test_sliced_decoding_reports_the_offset_in_the_whole_file(monkeypatch):
    raw = "aé".encode() * 3000 + b"\xff" + b"z" * 100
    monkeypatch.setattr(textfile, "_SLICE_BYTES", 1000)
    with pytest.raises(CorpusError, match="byte 0xFF at offset 9,000"):
        decode_bytes(raw)
    cut = "aé".encode() * 1000 + "é".encode()[:1]  # ends inside a character
    with pytest.raises(CorpusError, match="offset 3,000"):
        decode_bytes(cut)
    with pytest.raises(CorpusError, match="Unknown encoding 'base64'"):
        decode_bytes(b"a" * 5000, "base64")


def test_sliced_decoding_of_one_long_line_and_of_no_newline_at_all(monkeypatch):
    monkeypatch.setattr(textfile, "_SLICE_BYTES", 16)
    for text in ["e\u0301" * 500, "x" * 300 + "\r" + "\n" + "y\u0301" * 200 + "\r", "\ufeffabc\n" * 50]:
        raw = text.encode("utf-8")
        expected = unicodedata.normalize("NFC", text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))
        assert "".join(textfile._decode(raw, "utf-8")) == expected


def test_a_big_file_becomes_the_same_corpus_from_pieces_as_from_one_string(tmp_path, monkeypatch):
    text = SLICED_TEXT * 3
    path = tmp_path / "t.txt"
    path.write_bytes(("\ufeff" + text).encode("utf-8"))
    whole = corpus_from_text(text)
    monkeypatch.setattr(textfile, "_SLICE_BYTES", 50)  # ~100 pieces
    pieces, _ = textfile.read_text_pieces(path)
    assert len(pieces) > 50 and "".join(pieces) == textfile.normalise_text(text)
    loaded = load_corpus(path)
    assert loaded.vocab == whole.vocab and np.array_equal(loaded.data, whole.data)


@pytest.mark.parametrize("encoding", ["latin-1", "latin1", "ISO-8859-1"])
def test_c1_controls_from_a_wrong_single_byte_encoding_are_warned(tmp_path, encoding):
    path = tmp_path / "quotes.txt"
    path.write_bytes(("“Smart quotes” — and an ellipsis… " * 40).encode("cp1252"))
    warned = load_corpus(str(path), encoding=encoding).warnings
    assert len(warned) == 1 and "invisible control characters" in warned[0] and "cp1252" in warned[0]
    assert load_corpus(str(path), encoding="cp1252").warnings == []


def test_plain_latin1_text_is_not_warned(tmp_path):
    path = tmp_path / "cafe.txt"
    path.write_bytes(("café, naïve, über " * 40).encode("latin-1"))
    assert load_corpus(str(path), encoding="latin-1").warnings == []


@pytest.mark.parametrize("data, named", [
    (("plain text\n" * 50).encode("utf-16-le"), "utf-16-le"),
    (("plain text\n" * 50).encode("utf-16-be"), "utf-16-be"),
    (bytes(range(256)) * 20, None),
    (b"\x89PNG\r\n\x1a\n" + bytes(2000), None),
])
def test_nul_bytes_name_utf16_only_when_it_reads_as_text(tmp_path, data, named):
    err = raises_kind("binary", load_corpus, write(tmp_path, data))
    assert (f"--encoding {named}" in str(err)) if named else ("--encoding" not in str(err))
