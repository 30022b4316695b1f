"""Text files: bytes -> normalised str, or a clear CorpusError saying why not.

    file bytes -> decode: a byte-order mark (UTF-8/16/32) if there is one, else strict
                  UTF-8, or the encoding the user named
               -> refuse binary data (NUL bytes, control codes)
               -> normalise: \\r\\n and lone \\r -> \\n, a leading BOM dropped, Unicode NFC

Nothing is guessed silently: a file that is not valid UTF-8 is refused with the offending
byte and a hint to name its encoding (cp1252, latin-1, ...).
"""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import numpy as np

from rnnlab.core.errors import CorpusError

_SAMPLE = 1 << 20  # bytes / characters inspected when looking for binary data
# Big texts are decoded and normalised a slice at a time: one str call on 100 MB holds the
# GIL for ~0.1 s, and a window loading the text on a thread would stop painting meanwhile.
_SLICE_BYTES = 1 << 18
_SLICE_CHARS = 1 << 18
_BOMS = (  # UTF-32 first: its little-endian BOM starts with the UTF-16 one
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# C0 control characters that never appear in text (tab, newlines, form feed, escape do).
_IS_CONTROL = np.zeros(256, dtype=bool)
_IS_CONTROL[[*range(0x00, 0x09), 0x0E, 0x0F, *range(0x10, 0x1B), *range(0x1C, 0x20), 0x7F]] = True


def text_codes(text: str) -> np.ndarray:
    """(len(text),) uint32 code points of a str (lone surrogates kept as they are)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _control_share(codes: np.ndarray) -> float:
    """Share of C0 control characters (other than whitespace / escape) in byte or code arrays."""
    if codes.size == 0:
        return 0.0
    return np.count_nonzero(_IS_CONTROL[np.minimum(codes, 255)]) / codes.size


def _bomless_utf16(raw: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when the start of `raw` reads as text in it, else None."""
    head = raw[: _SAMPLE - _SAMPLE % 2][: len(raw) - len(raw) % 2]
    zeros = np.frombuffer(head, dtype=np.uint8).reshape(-1, 2) == 0
    # Latin text has its zero bytes in the high half of each unit: odd offsets in LE, even in BE
    high = 1 if zeros[:, 1].sum() >= zeros[:, 0].sum() else 0
    encoding = "utf-16-le" if high else "utf-16-be"
    if zeros[:, high].mean() < 0.2:  # a few NULs scattered: a binary file, not Latin UTF-16
        return None
    text = head.decode(encoding, "replace")
    codes = text_codes(text)
    bad = np.count_nonzero(codes == 0xFFFD) / max(codes.size, 1)
    return encoding if text and "\x00" not in text and bad + _control_share(codes) <= 0.05 else None


def _binary_error(name: str, why: str) -> CorpusError:
    return CorpusError(f"{name} looks like a binary file, not text ({why}).", "binary")


def _decode_error(name: str, label: str, raw: bytes, err: UnicodeDecodeError, hint: str) -> CorpusError:
    where = f"byte 0x{raw[err.start]:02X} at offset {err.start:,}" if err.start < len(raw) else "truncated"
    return CorpusError(f"{name} is not valid {label} ({where}); {hint}", "encoding")


def _check_decoded(pieces: list[str], name: str, label: str) -> None:
    head, n = [], 0  # the first _SAMPLE characters
    for piece in pieces:
        head.append(piece)
        n += len(piece)
        if n >= _SAMPLE:
            break
    head = "".join(head)[:_SAMPLE]
    if any("\x00" in piece for piece in pieces) or _control_share(text_codes(head)) > 0.05:
        raise _binary_error(name, f"it contains control characters when read as {label}")


def _decode_explicit(raw: bytes, encoding: str, name: str) -> tuple[list[str], str]:
    encoding = encoding.strip().lower()
    try:
        text = _decode(raw, encoding)
    except LookupError:
        raise CorpusError(f"Unknown encoding {encoding!r}; use a name such as utf-8, utf-16, "
                          "cp1252 or latin-1.", "encoding") from None
    except UnicodeDecodeError as err:
        hint = "try another encoding (e.g. utf-8, cp1252 or latin-1)."
        raise _decode_error(name, encoding, raw, err, hint) from None
    _check_decoded(text, name, encoding)
    return text, encoding


def _decode_auto(raw: bytes, name: str) -> tuple[list[str], str]:
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            try:
                text = _decode(raw, enc)
            except UnicodeDecodeError as err:
                raise _decode_error(name, enc.upper(), raw, err, "the file may be damaged.") from None
            _check_decoded(text, name, enc.upper())
            return text, enc
    if b"\x00" in raw:
        utf16 = _bomless_utf16(raw)
        if utf16 is None:  # a picture, an archive...: no encoding would make it a text
            raise _binary_error(name, "it contains NUL bytes")
        raise _binary_error(name, f"it contains NUL bytes; it reads as UTF-16 without a byte-order mark: "
                                  f"pass --encoding {utf16}")
    share = _control_share(np.frombuffer(raw[:_SAMPLE], dtype=np.uint8))
    if share > 0.05:
        raise _binary_error(name, f"{share:.0%} of its first bytes are control codes")
    try:
        return _decode(raw, "utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        if share > 0.01:  # undecodable *and* control codes: not a text in some other encoding
            raise _binary_error(name, "it is not valid UTF-8 and contains control codes") from None
        raise _decode_error(name, "UTF-8", raw, err, "if it is another encoding, pass it explicitly, "
                                                      "e.g. --encoding cp1252 or latin-1.") from None


def normalise_text(text: str) -> str:
    """Newlines to \\n (\\r\\n and lone \\r), a leading BOM dropped, Unicode NFC."""
    if len(text) <= _SLICE_CHARS or ("\r" not in text and text.isascii()):
        return _drop_bom(_normalise_piece(text))
    slices = (text[i : i + _SLICE_CHARS] for i in range(0, len(text), _SLICE_CHARS))
    return "".join(_normalised_pieces(slices))


def _normalise_piece(text: str) -> str:
    if "\r" not in text and text.isascii():  # isascii is O(1); ASCII is always NFC
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", text):  # quick check: most texts are already NFC
        text = unicodedata.normalize("NFC", text)
    return text


def _drop_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def _normalised_pieces(slices) -> list[str]:
    """Consecutive slices of a text -> its normalised text in pieces, each cut just after a
    \\n. Newlines and NFC never reach across a \\n (it composes with nothing, and an
    \\r\\n stays whole), so normalising piece by piece equals normalising the whole."""
    done, rest = [], []  # normalised pieces; slices since the last \n
    for part in slices:
        cut = part.rfind("\n") + 1
        if cut:
            done.append(_normalise_piece("".join(rest) + part[:cut]))
            rest = [part[cut:]]
        else:  # a very long line: kept in parts (adding to one str would copy it each time)
            rest.append(part)
    done.append(_normalise_piece("".join(rest)))
    first = next((k for k, piece in enumerate(done) if piece), None)
    if first is not None:
        done[first] = _drop_bom(done[first])
    return done


def _decode(raw: bytes, encoding: str) -> list[str]:
    """normalise_text(raw.decode(encoding)) in pieces that join to it. A big file is decoded
    a slice at a time, each slice normalised as soon as it ends in a \\n; nothing joins
    the pieces, so the text exists only once, normalised. A UnicodeDecodeError gives
    offsets in the whole of raw, as one call would."""
    if len(raw) <= _SLICE_BYTES:
        return [normalise_text(raw.decode(encoding))]
    if not getattr(codecs.lookup(encoding), "_is_text_encoding", True):  # as bytes.decode does
        raise LookupError(f"{encoding!r} is not a text encoding")
    return _normalised_pieces(_decoded_slices(raw, encoding))


def _decoded_slices(raw: bytes, encoding: str):
    decoder = codecs.getincrementaldecoder(encoding)()
    for start in range(0, len(raw), _SLICE_BYTES):
        pending = len(decoder.getstate()[0])  # bytes kept from the last slice (a cut character)
        try:
            yield decoder.decode(raw[start : start + _SLICE_BYTES], final=start + _SLICE_BYTES >= len(raw))
        except UnicodeDecodeError as err:
            offset = start - pending
            raise UnicodeDecodeError(err.encoding, raw, offset + err.start, offset + err.end,
                                     err.reason) from None


def decode_bytes(raw: bytes, encoding: str | None = None, *, name: str = "The text") -> tuple[str, str]:
    """Decode and normalise file bytes: (text, encoding name). Raises CorpusError."""
    pieces, used = decode_pieces(raw, encoding, name=name)
    return "".join(pieces), used


def decode_pieces(raw: bytes, encoding: str | None = None, *,
                  name: str = "The text") -> tuple[list[str], str]:
    """decode_bytes, with the text in consecutive pieces (a big text is never joined: that
    would hold the GIL for ~0.1 s and need its memory twice). Binary data is looked for
    in the normalised text: newlines and NFC neither make nor remove NUL or control codes."""
    if encoding:
        return _decode_explicit(raw, encoding, name)
    return _decode_auto(raw, name)


def read_bytes(path: Path) -> bytes:
    """The bytes of a file; CorpusError "not_found" or "io" (folder, permission, ...) if not."""
    shown = f"'{path}'"
    try:
        if path.is_dir():
            raise CorpusError(f"{shown} is a folder, not a text file; choose a file inside it.", "io")
        return path.read_bytes()
    except FileNotFoundError:
        raise CorpusError(f"No such file: {shown}.", "not_found") from None
    except PermissionError:
        raise CorpusError(f"Permission denied: cannot read {shown}.", "io") from None
    except OSError as err:
        raise CorpusError(f"Cannot read {shown}: {err.strerror or err}.", "io") from None


def read_text(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """Read, decode and normalise a text file: (text, encoding name). Raises CorpusError."""
    return decode_bytes(read_bytes(path), encoding, name=path.name)


def read_text_pieces(path: Path, encoding: str | None = None) -> tuple[list[str], str]:
    """read_text, with the text in consecutive pieces (see decode_pieces)."""
    return decode_pieces(read_bytes(path), encoding, name=path.name)
