"""Tokenization and normalisation that keep character offsets.

One tokenizer serves every check: the reuse engine reads the normalised word stream,
the language checks read tokens with their casing and sentence position. Every token
knows its ``start``/``end`` in the original text, so ``text[t.start:t.end] == t.text``.

>>> [t.text for t in tokenize("Lee Kwang-Hyung's plan,w which")]
["Lee", "Kwang-Hyung's", 'plan', ',', 'w', 'which']
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

# Order matters: the first alternative that matches at a position wins.
TOKEN_RE = re.compile(
    r"""
    (?P<url>(?:https?://|www\.)[^\s<>"']+[^\s<>"'.,;:!?)\]])
  | (?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)
  | (?P<handle>(?<![\w@])@\w+)
  | (?P<hashtag>(?<![\w#])\#\w+)
  | (?P<number>\d+(?:[.,:/]\d+)*[^\W\d_]*(?![^\W_]))
  | (?P<word>[^\W_]+(?:['\u2019\-][^\W_]+)*)
  | (?P<punct>[^\w\s])
    """,
    re.VERBOSE,
)
OPENERS = "\"'\u201c\u2018([{\u00ab"
SENTENCE_ENDS = ".!?:;\u2026"
# A full stop after these does not end a sentence ("Mr. Park", "U.S. officials").
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st sr jr gen col lt sgt rev gov sen rep no vs etc inc ltd co corp "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


@dataclass(frozen=True, slots=True)
class Token:
    """A token with its place in the text.

    ``kind`` is word (letters, internal hyphens/apostrophes), number (starts with a
    digit), mixed (letters and digits), url, email, handle, hashtag or punct.
    ``sentence_start`` marks the first word of a sentence, line or quotation, whose
    capital says nothing about the word; ``headline`` marks tokens on a title-case line.
    """

    text: str
    start: int
    end: int
    kind: str
    sentence_start: bool = False
    headline: bool = False

    @property
    def norm(self) -> str:
        """Lower-case form with typographic apostrophes folded, for matching."""
        return normalize_word(self.text)


@lru_cache(maxsize=1 << 18)  # news vocabulary repeats: NFKC once per distinct form
def normalize_word(word: str) -> str:
    """Fold case, apostrophes and compatibility forms: the key two spellings share."""
    return unicodedata.normalize("NFKC", word).replace("\u2019", "'").casefold()


DIGIT = re.compile(r"\d")
LONG_WORD = re.compile(r"[^\W\d_]{4,}")


def _kind(match: re.Match[str]) -> str:
    kind = match.lastgroup or "punct"
    if kind != "word":
        return kind
    value = match.group()
    if value.isalpha():
        return "word"
    if value[0].isdigit():
        return "number"
    return "mixed" if DIGIT.search(value) else "word"


def headline_lines(text: str) -> list[tuple[int, int]]:
    """Spans of lines written in title case (headlines, captions, crossheads)."""
    spans = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped or stripped.endswith((".", "?", "!", '"', "\u201d")):
            pos += len(line) + 1
            continue  # a sentence, not a headline: no need to look at its words
        words = LONG_WORD.findall(stripped)
        if words:
            capitalised = sum(1 for w in words if w[0].isupper())
            if capitalised / len(words) >= 0.6:
                spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens with offsets, sentence starts and headline marks."""
    headlines = headline_lines(text)
    tokens: list[Token] = []
    expect_start = True
    last_end = 0
    h = 0
    for m in TOKEN_RE.finditer(text):
        kind = _kind(m)
        start, end = m.span()
        if "\n" in text[last_end:start]:
            expect_start = True
        while h < len(headlines) and headlines[h][1] < start:
            h += 1
        in_headline = h < len(headlines) and headlines[h][0] <= start < headlines[h][1]
        value = m.group()
        if kind == "punct":
            prev = tokens[-1] if tokens else None
            abbreviation = value == "." and prev is not None and prev.end == start and prev.kind == "word" \
                and (len(prev.text) == 1 or prev.text.casefold() in ABBREVIATIONS)
            if value in SENTENCE_ENDS and not abbreviation:
                expect_start = True
            elif value not in OPENERS:
                expect_start = expect_start and value in "-\u2013\u2014"
            tokens.append(Token(value, start, end, kind, False, in_headline))
        else:
            tokens.append(Token(value, start, end, kind, expect_start, in_headline))
            expect_start = False
        last_end = end
    return tokens


def words(tokens: list[Token]) -> list[Token]:
    """The word-like tokens (words, numbers, mixed) that the reuse engine compares."""
    return [t for t in tokens if t.kind in ("word", "number", "mixed")]


def normalized_words(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Normalised word stream of ``text`` with each word's (start, end) offsets."""
    toks = words(tokenize(text))
    return [t.norm for t in toks], [(t.start, t.end) for t in toks]


_NEWLINE = re.compile("\n")


class LineIndex:
    """Maps character offsets to 1-based (line, column); the one mapping the package uses.

    >>> LineIndex("ab\\ncd").position(3)
    (2, 1)
    """

    def __init__(self, text: str, line_offset: int = 0) -> None:
        self._starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]  # found in C, not char by char
        self._line_offset = line_offset

    def position(self, offset: int) -> tuple[int, int]:
        i = bisect_right(self._starts, offset) - 1
        return i + 1 + self._line_offset, offset - self._starts[i] + 1
