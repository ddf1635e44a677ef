"""Stable word hashes and word k-shingle hashes, computed once per document.

What: every normalised word (from :func:`qualcheck.text.normalized_words`) is hashed to a
stable 64-bit value, and word k-shingles (k consecutive words) are combined from those
with a vectorised rolling polynomial in ``uint64`` arithmetic (wraparound is the modulo).

Why: MinHash, candidate search, Jaccard and the aligner all compare the same units, so
each word is hashed exactly once (blake2b, cached per distinct word and per spelling as
written) and everything else is numpy on integers. :meth:`TokenStream.of` reads the words
with :func:`qualcheck.index.scan.word_spans` (the tokenizer's pattern, no ``Token`` objects).
blake2b rather than Python's ``hash()`` because ``hash()`` of a
``str`` is salted per process: signatures must be identical across runs and processes.

>>> from qualcheck.text import normalized_words
>>> words, offsets = normalized_words("The mayor said the plan would pass.")
>>> words[:3], offsets[1]
(['the', 'mayor', 'said'], (4, 9))
>>> len(shingle_hashes(words, 3))  # 7 words -> 5 distinct 3-shingles
5
>>> ts = TokenStream.of("The mayor said the plan would pass.")
>>> len(ts), ts.offsets[1].tolist(), ts.shingles(3).size
(7, [4, 9], 5)
>>> shingle_hashes(["short"], 3).size  # shorter than k: one shingle of all its words
1
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from qualcheck.index.scan import word_spans
from qualcheck.text import normalize_word

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]

# Multiplier of the rolling polynomial (odd, so the combination is a bijection per word).
_POLY = np.uint64(0x9E3779B97F4A7C15)
_WORD_CACHE: dict[str, int] = {}
_WORD_CACHE_MAX = 1_000_000  # distinct words kept; the cache is cleared beyond this


def word_hash(word: str) -> int:
    """Stable 64-bit hash of one normalised word (blake2b, 8-byte digest, cached)."""
    h = _WORD_CACHE.get(word)
    if h is None:
        h = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")
        if len(_WORD_CACHE) >= _WORD_CACHE_MAX:
            _WORD_CACHE.clear()
        _WORD_CACHE[word] = h
    return h


_SURFACE_CACHE: dict[str, int] = {}  # word as written -> word_hash(normalize_word(word))


def surface_hashes(words: list[str]) -> U64:
    """:func:`word_hash` of each word *as written* (normalised first), in order.

    A dict lookup per word once the word has been seen (news vocabulary repeats), so indexing
    pays for normalising and blake2b once per distinct spelling, not once per occurrence.
    """
    cache = _SURFACE_CACHE
    try:
        return np.fromiter(map(cache.__getitem__, words), dtype=np.uint64, count=len(words))
    except KeyError:
        if len(cache) >= _WORD_CACHE_MAX:
            cache.clear()
        for w in set(words).difference(cache):
            cache[w] = word_hash(normalize_word(w))
        return np.fromiter(map(cache.__getitem__, words), dtype=np.uint64, count=len(words))


def word_hashes(words: list[str]) -> U64:
    """The 64-bit hash of each word, in order (one blake2b per distinct word ever seen)."""
    return np.fromiter((word_hash(w) for w in words), dtype=np.uint64, count=len(words))


def _mix64(h: U64) -> U64:
    """splitmix64 finaliser: spreads the polynomial's low bits before folding to 32 bits."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def kgram_hashes(hashes: U64, k: int) -> U64:
    """Positional 64-bit hash of every word k-gram: element i covers words ``i..i+k-1``.

    A document shorter than ``k`` words gives one k-gram of all its words (none if empty).
    Not unique: the aligner needs positions. ``sum(h[i+t] * P**(k-1-t))`` mod 2**64.
    """
    if k < 1:
        raise ValueError(f"shingle size k must be >= 1, got {k}")
    n = int(hashes.size)
    if n == 0:
        return np.empty(0, dtype=np.uint64)
    k = min(k, n)
    m = n - k + 1
    acc = hashes[:m].copy()
    for t in range(1, k):
        acc = acc * _POLY + hashes[t : t + m]
    return _mix64(acc)


def shingle_hashes(words: list[str], k: int, *, bits: int = 32) -> U32 | U64:
    """Sorted distinct hashes of the word k-shingles of ``words``.

    ``bits=32`` (default) folds each 64-bit value to 32 bits, the input width of
    datasketch's default ``affine32`` MinHash scheme; ``bits=64`` keeps the full value
    (for exact Jaccard/containment, where 32-bit collisions would add noise).
    """
    return shingles_from_hashes(word_hashes(words), k, bits=bits)


def shingles_from_hashes(hashes: U64, k: int, *, bits: int = 32) -> U32 | U64:
    """:func:`shingle_hashes` from precomputed word hashes (see :func:`word_hashes`)."""
    if bits not in (32, 64):
        raise ValueError(f"bits must be 32 or 64, got {bits}")
    grams = kgram_hashes(hashes, k)
    if bits == 64:
        return sorted_unique(grams)
    folded = ((grams ^ (grams >> np.uint64(32))) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    return sorted_unique(folded)


def sorted_unique(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``np.unique(values)`` by sorting: numpy 2's hash-based ``unique`` is ~7x slower on the
    few hundred values of one document."""
    out = np.sort(values)
    if out.size > 1:
        out = out[np.concatenate(([True], out[1:] != out[:-1]))]
    return out


@dataclass(frozen=True, eq=False)
class TokenStream:
    """A text's normalised words as 64-bit hashes, with each word's (start, end) offsets.

    Compact on purpose (24 bytes a word, no ``str`` objects) so the engine can keep the
    streams of many documents for alignment: ``hashes[i]`` is :func:`word_hash` of word
    ``i`` and ``offsets[i]`` its ``(start, end)`` in the text.
    """

    hashes: U64
    offsets: npt.NDArray[np.int64]  # shape (n, 2)

    @classmethod
    def of(cls, text: str) -> TokenStream:
        """The words of ``text`` as :func:`qualcheck.text.normalized_words` gives them, hashed.

        Read with the tokenizer's own pattern in one pass (:func:`qualcheck.index.scan.word_spans`):
        the same words and offsets without building ``Token`` objects.
        """
        words, spans = word_spans(text)
        return cls(surface_hashes(words), np.array(spans, dtype=np.int64).reshape(-1, 2))

    @classmethod
    def from_words(cls, words: list[str], offsets: list[tuple[int, int]]) -> TokenStream:
        """From the output of :func:`qualcheck.text.normalized_words`."""
        if len(words) != len(offsets):
            raise ValueError(f"{len(words)} words but {len(offsets)} offsets")
        return cls(word_hashes(words), np.asarray(offsets, dtype=np.int64).reshape(-1, 2))

    def __len__(self) -> int:
        return int(self.hashes.size)

    def shingles(self, k: int, *, bits: int = 32) -> U32 | U64:
        """Sorted distinct k-shingle hashes of this stream (see :func:`shingle_hashes`)."""
        return shingles_from_hashes(self.hashes, k, bits=bits)
