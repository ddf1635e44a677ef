"""Bytes to text: the one place that decides an input's encoding, or that it is not text.

Order: BOMs (UTF-8, UTF-32, UTF-16) are trusted; NUL bytes outside UTF-16 mean binary;
strict UTF-8 next (UTF-8 with a few invalid bytes among well-formed accented letters is
reported as damaged, never guessed as a legacy encoding); then Windows-1252 when the
result looks like Western European text (charset-normalizer tends to guess mac_latin2
or cp1250 for short cp1252 articles with curly quotes, which garbles them); otherwise
charset-normalizer decides, and when it gives up the file is binary. Newlines are
normalised to ``\\n`` so offsets are into the text as qualcheck holds it; nothing else
about the text is changed.
"""

from __future__ import annotations

import re
import unicodedata

from charset_normalizer import from_bytes

from qualcheck.load.options import SkipFile

BINARY = "not text (binary)"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# Non-ASCII characters that Western European text in cp1252 plausibly contains. Symbols
# such as ¹ ³ ¥ ¯ are left out on purpose: they are what cp1250 (Polish) decodes to.
_WESTERN = set(
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿŠšŽžŒœŸ‘’“”„‚‹›«»–—…€•·°©®™§¿¡£\u00a0"
)
_NOT_TEXT = frozenset({"Cc", "Cn", "Co", "Cs"})  # controls, unassigned, private use, surrogates
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # category Cc except \t\n\v\f\r
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ASCII_LETTERS = re.compile(r"[A-Za-z]")


def normalise_newlines(text: str) -> str:
    """Turn CRLF and lone CR into LF (the only change made to decoded text)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)`` for ``data``; raise :class:`SkipFile` if it is not text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(_strict(data[len(bom) :], encoding.replace("-sig", "")), encoding)
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise SkipFile(BINARY)
        return _checked(_strict(data, utf16), utf16)
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        if _damaged_utf8(data):
            raise SkipFile(f"invalid UTF-8 at byte {exc.start} (damaged, or encodings mixed); "
                           "re-save the file as UTF-8") from None
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    if text and _looks_western(text):
        return _checked(text, "cp1252")
    best = from_bytes(data).best()
    if best is None:
        raise SkipFile(BINARY)
    return _checked(str(best), best.encoding)


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SkipFile(f"not text (invalid {encoding} at byte {exc.start})") from None


def _checked(text: str, encoding: str) -> tuple[str, str]:
    """Reject text that is mostly control characters (binary that happened to decode)."""
    if _CONTROLS.search(text) and len(_CONTROLS.findall(text)) > len(text) / 100:
        raise SkipFile(BINARY)
    return normalise_newlines(text), encoding


def _utf16_without_bom(data: bytes) -> str | None:
    """Spot BOM-less UTF-16: Latin text has a NUL in (nearly) every other byte; other scripts
    have NULs mostly in one byte position and must decode to plausible text."""
    if len(data) < 4 or len(data) % 2:
        return None
    pairs = len(data) // 2
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    if odd_nuls >= 0.9 * pairs and even_nuls == 0:
        return "utf-16-le"
    if even_nuls >= 0.9 * pairs and odd_nuls == 0:
        return "utf-16-be"
    # Non-Latin text (Cyrillic, Hangul, CJK): NULs mostly in the high bytes of its spaces,
    # digits and newlines, so in one byte position (a few letters such as U+B300 or U+4E00
    # have a NUL low byte); padding or a stray NUL in a text file is not this lopsided.
    enough = max(2, pairs / 200)
    if odd_nuls >= enough and odd_nuls >= 3 * even_nuls:
        return _utf16_if_text(data, "utf-16-le")
    if even_nuls >= enough and even_nuls >= 3 * odd_nuls:
        return _utf16_if_text(data, "utf-16-be")
    return None


def _utf16_if_text(data: bytes, encoding: str) -> str | None:
    """``encoding`` when ``data`` decodes strictly to printable, assigned characters (binary
    decodes to surrogates, unassigned or private-use code points), else None."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    sample = text[:65536]
    odd = sum(1 for ch in sample if unicodedata.category(ch) in _NOT_TEXT and ch not in "\t\n\r\f\v")
    return encoding if odd <= len(sample) / 200 else None


def _damaged_utf8(data: bytes) -> bool:
    """True when ``data`` is UTF-8 with a few bad bytes (a truncated or pasted-in sequence),
    not a legacy encoding: it holds at least as many well-formed multi-byte characters as
    invalid bytes. A legacy single-byte reading of such a file would garble every accented
    letter ("CafÃ©"), so it is reported instead of guessed."""
    text = data.decode("utf-8", "replace")
    invalid = text.count("\ufffd")
    valid = len(_NON_ASCII.findall(text)) - invalid
    return valid > 0 and valid >= invalid


def _looks_western(text: str) -> bool:
    """True when a cp1252 reading gives plausible Western text: only familiar non-ASCII
    characters, and accented letters a minority of letters (cp1251 Cyrillic read as cp1252
    gives nothing but accented letters)."""
    foreign = _NON_ASCII.findall(text)
    if not set(foreign) <= _WESTERN:
        return False
    accented = sum(1 for ch in foreign if ch.isalpha())
    return accented <= 0.4 * max(accented + len(_ASCII_LETTERS.findall(text)), 1)
