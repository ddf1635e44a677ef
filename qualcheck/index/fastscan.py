"""Many texts tokenised at once in numpy: the same word-like tokens as the tokenizer, no regex per word.

What: :func:`read_texts` reads a batch of texts (a write chunk's part, say) and returns a
:class:`Batch`: every word-like token of :func:`qualcheck.text.tokenize` (kinds word, number,
mixed), in order, as its :func:`qualcheck.index.shingles.word_hash`, with its offsets, plus a
table of the batch's *distinct* tokens (the vocabulary is counted from it:
:mod:`qualcheck.index.fastvocab`).

Why: indexing reads millions of articles, and per word Python work (regex match, dict lookups,
counting) was most of the time. Here the batch is one array of code points: each is classified
by a lookup table built from the tokenizer's own character classes (``[^\\W_]``, ``\\d``, ...),
tokens are the runs of letters and digits, and each token gets a 64-bit polynomial key from
prefix sums (uint64 wraparound is the modulo; the multiplier is odd, hence invertible). Python
then touches each *distinct* token once (its text, its normalised word hash, its vocabulary
form), not each occurrence.

Exactness: a run of letters and digits is one token unless a single joiner (``'``, ``\u2019``,
``-``) or number separator (``.``, ``,``, ``:``, ``/`` before a digit) links it to the next
run; such linked runs (hyphenated words, possessives, ``3.5``) are re-read with the
tokenizer's own word-like pattern (:mod:`qualcheck.index.scan`), which gives exactly its
tokens. Texts that may hold URLs, e-mails, handles or hashtags (``http``, ``www.``, ``@``,
``#``) are left to the caller (:func:`needs_regex`). Keys are checked character by character
against their first occurrence, so two different tokens never share one. Tests compare
everything with the tokenizer (``tests/test_index_fastscan.py``).

>>> batch = read_texts(["Mr. Lee's plan, 3.5% of U.S. data", "well-known"])
>>> [batch.text_of(i) for i in range(len(batch.keys))]
['Mr', "Lee's", 'plan', '3.5', 'of', 'U', 'S', 'data', 'well-known']
>>> batch.bounds.tolist()
[0, 8, 9]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import pandas as pd

from qualcheck.index.scan import _ALT, _compiled
from qualcheck.index.shingles import surface_hashes
from qualcheck.text import OPENERS, SENTENCE_ENDS

__all__ = ["BATCH_CHARS", "Batch", "needs_regex", "read_texts", "text_groups"]

I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]
U8 = npt.NDArray[np.uint8]

ALNUM, DECIMAL, JOINER, SEPARATOR = 1, 2, 4, 8  # character class bits
KEEP, START, STOP = 0, 1, 2  # what a character between tokens does to "expect a sentence start"
_JOINERS = "'\u2019-"  # the word pattern's internal joiners
_SEPARATORS = ".,:/"  # the number pattern's separators (before a digit)
_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd: invertible modulo 2**64
_INV = np.uint64(pow(0x9E3779B97F4A7C15, -1, 1 << 64))
_TRIGGERS = ("http", "www.", "@", "#")  # as qualcheck.index.scan: the "other" token kinds
# The rules below (runs, joiners, separators) are those of these two alternatives of the
# tokenizer's pattern: if it changes, fail loudly rather than tokenise differently.
_RULES = {"number": r"\d+(?:[.,:/]\d+)*[^\W\d_]*(?![^\W_])", "word": r"[^\W_]+(?:['\u2019\-][^\W_]+)*"}
if any(_ALT[name] != body for name, body in _RULES.items()):
    raise RuntimeError("qualcheck.text's word or number pattern changed: update qualcheck.index.fastscan")
# Characters read at once: about 40 bytes of arrays each (~20 MB), so a batch stays in memory
# and mostly in cache; :func:`text_groups` cuts larger inputs.
BATCH_CHARS = 1 << 19


def needs_regex(text: str) -> bool:
    """Whether ``text`` may hold a URL, e-mail, handle or hashtag (read it with the regex)."""
    return any(mark in text for mark in _TRIGGERS)


def text_groups(lengths: list[int], limit: int | None = None) -> list[list[int]]:
    """Consecutive indices of texts of these lengths, grouped to about ``limit`` characters each
    (default :data:`BATCH_CHARS`); a longer text is a group of its own."""
    limit = BATCH_CHARS if limit is None else limit
    groups: list[list[int]] = []
    size = 0
    for i, n in enumerate(lengths):
        if not groups or (size + n > limit and groups[-1]):
            groups.append([])
            size = 0
        groups[-1].append(i)
        size += n + 1
    return groups


def _classify(chars: str) -> tuple[U8, U8]:
    """Class bits and sentence events of each character, from the tokenizer's own patterns."""
    n = len(chars)
    cls = np.zeros(n, dtype=np.uint8)
    for bit, pattern in ((ALNUM, r"[^\W_]"), (DECIMAL, r"\d")):
        at = [m.start() for m in re.finditer(pattern, chars)]
        cls[at] |= bit
    events = np.full(n, STOP, dtype=np.uint8)  # other punctuation ends "expect a start"
    for i, ch in enumerate(chars):
        if ch in _JOINERS:
            cls[i] |= JOINER
        if ch in _SEPARATORS:
            cls[i] |= SEPARATOR
        if ch == "\n" or ch in SENTENCE_ENDS:
            events[i] = START
        elif ch.isspace() or ch == "_" or ch in OPENERS or ch in "-\u2013\u2014" or cls[i] & ALNUM:
            events[i] = KEEP
    return cls, events


@lru_cache(maxsize=1)
def _tables() -> tuple[U8, U8]:
    """:func:`_classify` of the whole Basic Multilingual Plane (built once, ~0.1 s)."""
    return _classify("".join(map(chr, range(0x10000))))


def _powers(n: int) -> tuple[U64, U64]:
    """``MULT**i`` and ``MULT**-i`` modulo 2**64 for ``i < n`` (cached up to ``2 * BATCH_CHARS``)."""
    global _POW, _IPOW
    if _POW.size >= n:
        return _POW[:n], _IPOW[:n]
    size = max(n, min(2 * _POW.size, 2 * BATCH_CHARS))
    power = np.cumprod(np.full(size, _MULT, dtype=np.uint64), dtype=np.uint64) * _INV
    inverse = np.cumprod(np.full(size, _INV, dtype=np.uint64), dtype=np.uint64) * _MULT
    if size <= 2 * BATCH_CHARS:  # one huge text: not kept
        _POW, _IPOW = power, inverse
    return power[:n], inverse[:n]


_POW: U64 = np.ones(0, dtype=np.uint64)
_IPOW: U64 = np.ones(0, dtype=np.uint64)


@dataclass(frozen=True, eq=False)
class Batch:
    """Word-like tokens of a batch of texts (see the module docstring).

    ``joined``: the texts, each after a ``"\\n"``; ``starts``/``ends``: each token's offsets in
    ``joined``; ``bounds``: tokens ``bounds[i]:bounds[i+1]`` belong to text ``i``, which starts
    at ``origins[i]`` in ``joined``; ``keys``: index of each token's distinct token; ``first``:
    the first occurrence (token index) of each distinct token (increasing: keys are numbered
    in order of first use); ``words``: its text; ``hashes``: the normalised word
    hash of each distinct token; ``points``/``codes``/``events``: code points, class bits and
    sentence events of ``joined``.
    """

    joined: str
    starts: I64
    ends: I64
    bounds: I64
    origins: I64
    keys: I64
    first: I64
    words: list[str]
    hashes: U64
    points: npt.NDArray[np.uint32]
    codes: U8
    events: U8

    def text_of(self, token: int) -> str:
        return self.joined[self.starts[token] : self.ends[token]]

    def distinct(self) -> list[str]:
        """The text of each distinct token, in key order."""
        return self.words

    def word_hashes(self) -> U64:
        """:func:`qualcheck.index.shingles.word_hash` of every token's normalised word, in order."""
        return self.hashes[self.keys]

    def offsets(self, i: int) -> I64:
        """``(start, end)`` of text ``i``'s tokens, in that text, shape ``(n, 2)``."""
        lo, hi = int(self.bounds[i]), int(self.bounds[i + 1])
        origin = self.origins[i]
        return np.stack((self.starts[lo:hi] - origin, self.ends[lo:hi] - origin), axis=1)


def _codes(points: npt.NDArray[np.uint32]) -> tuple[U8, U8]:
    cls_table, event_table = _tables()
    wide = points > 0xFFFF
    index = np.where(wide, 0, points) if wide.any() else points
    cls, events = cls_table[index], event_table[index]
    for i in np.flatnonzero(wide).tolist():  # astral characters (emoji...): classified one by one
        cls[i], events[i] = (a[0] for a in _classify(chr(int(points[i]))))
    return cls, events


def _linked_tokens(joined: str, rs: I64, re_: I64, cls: U8) -> tuple[I64, I64]:
    """Token offsets of ``joined`` given its runs of letters and digits ``[rs, re_)``.

    Runs linked by a joiner or a number separator form a cluster. The two common shapes are
    one token each (as the tokenizer's pattern reads them): a first run starting with a letter
    and joiners only ("Lee's", "well-known": the word alternative takes every joiner), and
    separators only between runs of digits, the last possibly followed by letters ("3.5",
    "1,000", "9.9a": the number alternative). Any other cluster ("3-year", "1990s-style",
    "a-1.5") is read with the tokenizer's own word-like pattern.
    """
    gap = re_[:-1]
    follows = rs[1:] == gap + 1
    joiner = follows & ((cls[gap] & JOINER) > 0)
    number = follows & ((cls[gap] & SEPARATOR) > 0) & ((cls[rs[1:]] & DECIMAL) > 0)  # "3.5", "1,000"
    link = joiner | number
    if not link.any():
        return rs, re_
    linked = np.zeros(rs.size, dtype=bool)
    linked[:-1] |= link
    linked[1:] |= link
    heads = np.flatnonzero(linked & ~np.concatenate(([False], link)))
    tails = np.flatnonzero(linked & ~np.concatenate((link, [False])))
    simple = _simple_clusters(heads, tails, joiner, number, rs, re_, cls)
    pattern = _compiled(())  # the tokenizer's word-like alternatives: its exact tokens
    found: list[int] = []
    for lo, hi in zip(rs[heads[~simple]].tolist(), re_[tails[~simple]].tolist(), strict=True):
        for m in pattern.finditer(joined, lo, hi):
            found.extend(m.span())
    spans = np.array(found, dtype=np.int64).reshape(-1, 2)
    starts = np.concatenate((rs[~linked], rs[heads[simple]], spans[:, 0]))
    ends = np.concatenate((re_[~linked], re_[tails[simple]], spans[:, 1]))
    order = np.argsort(starts, kind="stable")
    return starts[order], ends[order]


def _simple_clusters(heads: I64, tails: I64, joiner: npt.NDArray[np.bool_], number: npt.NDArray[np.bool_],
                     rs: I64, re_: I64, cls: U8) -> npt.NDArray[np.bool_]:  # fmt: skip
    """Which clusters (runs ``heads[c]..tails[c]``) are one token (see :func:`_linked_tokens`)."""
    links = tails - heads
    cum_joiner = np.concatenate(([0], np.cumsum(joiner)))
    cum_number = np.concatenate(([0], np.cumsum(number)))
    all_joiners = cum_joiner[tails] - cum_joiner[heads] == links
    all_numbers = cum_number[tails] - cum_number[heads] == links
    words = all_joiners & ((cls[rs[heads]] & DECIMAL) == 0)
    if not all_numbers.any():
        return words
    # Digits and separators: every run but the last all digits, the last digits then letters.
    spans = zip(heads[all_numbers].tolist(), tails[all_numbers].tolist(), strict=True)
    runs = np.concatenate([np.arange(h, t + 1) for h, t in spans])
    lengths = re_[runs] - rs[runs]
    within = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    digit = (cls[np.repeat(rs[runs], lengths) + within] & DECIMAL) > 0
    owner = np.repeat(np.arange(runs.size), lengths)
    not_digit = np.bincount(owner[~digit], minlength=runs.size)
    restart = digit[1:] & ~digit[:-1] & (owner[1:] == owner[:-1])  # a digit after a letter
    restarts = np.bincount(owner[1:][restart], minlength=runs.size)
    digits_then_letters = digit[np.cumsum(lengths) - lengths] & (restarts == 0)
    ok = np.where(np.isin(runs, tails), digits_then_letters, not_digit == 0)
    cum_ok = np.concatenate(([0], np.cumsum(ok)))
    at = np.searchsorted(runs, heads[all_numbers])
    numbers = np.zeros(heads.size, dtype=bool)
    numbers[all_numbers] = cum_ok[at + links[all_numbers] + 1] - cum_ok[at] == links[all_numbers] + 1
    return words | numbers


def _distinct(points: npt.NDArray[np.uint32], starts: I64, ends: I64) -> tuple[I64, I64] | None:
    """``(key of each token, first occurrence of each key)``; None if two tokens collide."""
    n = points.size
    power, inverse = _powers(n + 1)
    prefix = np.empty(n + 1, dtype=np.uint64)
    prefix[0] = 0
    np.cumsum(points.astype(np.uint64) * power[:n], out=prefix[1:])
    lengths = ends - starts
    poly = (prefix[ends] - prefix[starts]) * inverse[starts]
    poly = poly * _MULT + lengths.astype(np.uint64)
    # A hash table (pandas, a dependency) numbers the keys in order of first use: O(n), no sort.
    keys = np.asarray(pd.factorize(poly)[0], dtype=np.int64)
    is_new = np.ones(keys.size, dtype=bool)
    is_new[1:] = keys[1:] > np.maximum.accumulate(keys)[:-1]
    first = np.flatnonzero(is_new)
    # Exactness: every token equals the first occurrence of its key, character by character.
    rep = first[keys]
    if not np.array_equal(lengths, lengths[rep]):
        return None
    total = int(lengths.sum())
    within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    own, first_use = np.repeat(starts, lengths) + within, np.repeat(starts[rep], lengths) + within
    if not np.array_equal(points[own], points[first_use]):
        return None
    return keys, first.astype(np.int64)


def read_texts(texts: list[str]) -> Batch:
    """Tokenise ``texts`` at once (none of them may :func:`needs_regex`; see the module docstring).

    Raises ``ValueError`` for a text that needs the regex, or in the (never observed) case of
    two different tokens sharing a 64-bit key: the caller then reads with the regex.
    """
    if any(needs_regex(t) for t in texts):
        raise ValueError("a text may hold URLs, e-mails, handles or hashtags: read it with the regex")
    joined = "\n" + "\n".join(texts)
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    cls, events = _codes(points)
    alnum = (cls & ALNUM).astype(bool)
    edges = np.flatnonzero(np.diff(alnum.view(np.int8)))  # the text starts with "\n": no run at 0
    rs, re_ = edges[0::2] + 1, edges[1::2] + 1
    if rs.size > re_.size:  # a run reaching the end of the batch
        re_ = np.append(re_, points.size)
    starts, ends = _linked_tokens(joined, rs, re_, cls)
    origins = np.cumsum([1] + [len(t) + 1 for t in texts[:-1]], dtype=np.int64)
    if not texts:
        origins = np.zeros(0, dtype=np.int64)
    bounds = np.searchsorted(starts, np.append(origins, points.size + 1)).astype(np.int64)
    found = _distinct(points, starts, ends)
    if found is None:
        raise ValueError("two different tokens share a 64-bit key: read with the regex")
    keys, first = found
    words = [joined[s:e] for s, e in zip(starts[first].tolist(), ends[first].tolist(), strict=True)]
    hashes = surface_hashes(words)
    return Batch(joined, starts, ends, bounds, origins, keys, first, words, hashes, points, cls, events)
