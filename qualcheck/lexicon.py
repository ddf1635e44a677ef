"""The shipped word lists and a fast near-neighbour lookup over any set of words.

``english.csv`` (47,826 words) and ``words.csv`` (95,445 known misspellings with their
corrections) come from the ``typos`` project (MIT or Apache-2.0; see ``data/SOURCE.txt``).
The English list misses common words ("revenue"), so it is joined with pyspellchecker's
frequency list (160,000 words, MIT), whose counts also rank suggestions. All are read
once per process from installed package data: nothing is downloaded.

:class:`NeighborIndex` finds the words within a small edit distance of a query with a
symmetric-delete index (as in SymSpell): each indexed word is stored under itself and
its one-letter deletions, the query probes its deletions up to two letters, and every
candidate is verified with rapidfuzz's optimal-string-alignment distance (transpositions
count one edit, so "Entertainmnet" is one edit from "Entertainment").

>>> NeighborIndex(["courtesy", "court"]).lookup("courtsey", 2)
[('courtesy', 1)]
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from importlib import resources

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA


def _read_data(name: str) -> str:
    return resources.files("qualcheck").joinpath("data").joinpath(name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Lower-case English words that are never typos on their own.

    The English list leaves out some common words ("into"), so the corrections of the
    known-misspellings list, all real words, are added to it.
    """
    words = {w.strip() for w in _read_data("english.csv").splitlines() if w.strip()}
    for fixes in known_misspellings().values():
        words.update(f for f in fixes if f.isalpha())
    words.update(word_frequencies())
    return frozenset(words)


@lru_cache(maxsize=1)
def plain_english_words() -> frozenset[str]:
    """The English words that are their own case-folded key and base form (ASCII, no
    capitals, hyphen or apostrophe).

    A token whose text is in this set is a dictionary word as written, so the language
    rules can drop such tokens with one set difference per document.
    """
    words = english_words()
    return frozenset(w for w in words if w.isascii() and "-" not in w and "'" not in w and w == w.lower())


@lru_cache(maxsize=1)
def word_frequencies() -> dict[str, int]:
    """English word -> frequency in pyspellchecker's corpus (for ranking suggestions)."""
    from spellchecker import SpellChecker

    return dict(SpellChecker(language="en", distance=1).word_frequency.dictionary)


@lru_cache(maxsize=1)
def known_misspellings() -> dict[str, tuple[str, ...]]:
    """Known misspelling (lower case) -> its corrections, most likely first."""
    out: dict[str, tuple[str, ...]] = {}
    for row in csv.reader(_read_data("words.csv").splitlines()):
        if len(row) >= 2:
            out[row[0]] = tuple(c for c in row[1:] if c)
    return out


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class NeighborIndex:
    """Words within a small edit distance of a query, found without scanning the list.

    Distance 1 comes from shared deletions (any word one edit away); distance 2 from a scan
    in C over the words of similar length that share the query's first letter, because a
    slip seldom changes a word's first letter (and scanning every word cost ~1 ms a query).

    Args:
        words: the words to index (compared as given; pass lower-case forms for
            case-blind lookup).
    """

    def __init__(self, words: Iterable[str]) -> None:
        self._by_key: dict[str, list[str]] = defaultdict(list)
        self._by_len: dict[tuple[str, int], list[str]] = defaultdict(list)
        self._near: dict[tuple[str, int, int], list[str]] = {}
        self._same_first: dict[tuple[str, int], list[tuple[str, int]]] = {}
        for w in sorted(set(words)):
            self._by_key[w].append(w)
            self._by_len[w[:1], len(w)].append(w)
            for d in _deletes(w):
                self._by_key[d].append(w)

    def _similar_length(self, first: str, n: int, spread: int) -> list[str]:
        """Words starting with ``first`` of length ``n - spread .. n + spread`` (listed once, kept)."""
        key = (first, n, spread)
        words = self._near.get(key)
        if words is None:
            sizes = range(n - spread, n + spread + 1)
            words = self._near[key] = [w for k in sizes for w in self._by_len.get((first, k), ())]
        return words

    def lookup(self, query: str, max_distance: int = 1) -> list[tuple[str, int]]:
        """Indexed words at OSA distance 1..``max_distance`` from ``query``, nearest first.

        Words two or more edits away are found only when they share the query's first letter.
        """
        if max_distance < 1:
            raise ValueError("max_distance must be at least 1")
        found: dict[str, int] = {}
        for p in {query} | _deletes(query):  # every word within one edit shares a deletion
            for w in self._by_key.get(p, ()):
                if w != query and w not in found:
                    found[w] = OSA.distance(query, w)
        if max_distance >= 2:  # two edits: compare with words of similar length, in C
            similar = self._similar_length(query[:1], len(query), max_distance)
            for w, dist, _ in process.extract_iter(query, similar,
                                                   scorer=OSA.distance,
                                                   score_cutoff=max_distance):
                if w != query:
                    found.setdefault(w, int(dist))
        return sorted(((w, d) for w, d in found.items() if d <= max_distance), key=lambda kv: (kv[1], kv[0]))


def within(query: str, choices: Sequence[str], max_distance: int) -> Iterator[tuple[str, int]]:
    """The ``choices`` at OSA distance ``max_distance`` or less from ``query`` (itself included),
    in their order: one call into rapidfuzz compares them all (~45 ns a word)."""
    if len(choices) < 150:  # a matrix costs ~8 microseconds to set up: not worth it for a few
        near = process.extract_iter(query, choices, scorer=OSA.distance, score_cutoff=max_distance)
        yield from ((w, int(dist)) for w, dist, _ in near)
        return
    row = process.cdist([query], choices, scorer=OSA.distance, score_cutoff=max_distance, dtype=np.int32)[0]
    for i in np.flatnonzero(row <= max_distance).tolist():
        yield choices[i], int(row[i])


class ScanningNeighborIndex:
    """:class:`NeighborIndex` answers, without building the index until it pays.

    The deletion index costs about 12 microseconds a word to build, so an audit that asks
    about a few dozen words would pay for a whole vocabulary it never consults. This scans
    the words of similar length in C (rapidfuzz) instead and returns exactly what
    :meth:`NeighborIndex.lookup` would: words sharing a one-letter deletion with the query
    (which are within two edits and one letter of its length), and for two edits, the words
    sharing its first letter. Once the scans have read ``build_after`` times as many words
    as the index holds, the index is built and answers from then on.

    >>> ScanningNeighborIndex(["courtesy", "court"]).lookup("courtsey", 2)
    [('courtesy', 1)]
    """

    def __init__(self, words: Iterable[str], build_after: int = 50) -> None:
        self._words = frozenset(words)
        self._by_len: dict[int, list[str]] | None = None
        self._by_first_len: dict[tuple[str, int], list[str]] = {}
        self._near: dict[tuple[str, int, int], list[str]] = {}
        self._same_first: dict[tuple[str, int], list[tuple[str, int]]] = {}
        self._index: NeighborIndex | None = None
        self._budget = build_after * len(self._words)

    def _buckets(self) -> dict[int, list[str]]:
        if self._by_len is None:
            self._by_len = defaultdict(list)
            for w in sorted(self._words):
                self._by_len[len(w)].append(w)
                self._by_first_len.setdefault((w[:1], len(w)), []).append(w)
        return self._by_len

    def lookup(self, query: str, max_distance: int = 1) -> list[tuple[str, int]]:
        """The same as :meth:`NeighborIndex.lookup` over the same words."""
        if max_distance < 1:
            raise ValueError("max_distance must be at least 1")
        if self._index is None and self._budget < 0:
            self._index = NeighborIndex(self._words)
        if self._index is not None:
            return self._index.lookup(query, max_distance)
        by_len, n = self._buckets(), len(query)
        keys = {query} | _deletes(query)
        found: dict[str, int] = {}
        near = [w for k in (n - 1, n, n + 1) for w in by_len.get(k, ())]
        self._budget -= len(near)
        for w, dist in within(query, near, min(max_distance, 2)):
            if w != query and (dist <= 1 or w in keys or not keys.isdisjoint(_deletes(w))):
                found[w] = dist  # one edit always shares a deletion; two edits may
        if max_distance >= 2:
            similar = [w for k in range(n - max_distance, n + max_distance + 1)
                       for w in self._by_first_len.get((query[:1], k), ())]
            self._budget -= len(similar)
            for w, dist in within(query, similar, max_distance):
                if w != query:
                    found.setdefault(w, dist)
        return sorted(found.items(), key=lambda kv: (kv[1], kv[0]))


    def lookup_same_first(self, query: str, max_distance: int) -> list[tuple[str, int]]:
        """The words sharing ``query``'s first letter within ``max_distance`` edits, nearest
        first: :meth:`lookup` restricted to that letter (where one and two edits alike are
        found by the scan), at the cost of scanning a few hundred words."""
        self._buckets()
        key = (query[:1], len(query), max_distance)
        similar = self._near.get(key)
        if similar is None:  # listed once per first letter, length and distance
            n = len(query)
            similar = self._near[key] = [w for k in range(n - max_distance, n + max_distance + 1)
                                         for w in self._by_first_len.get((query[:1], k), ())]
        found = self._same_first.get((query, max_distance))
        if found is None:  # names recur across an audit: each is looked up once
            found = [(w, d) for w, d in within(query, similar, max_distance) if w != query]
            found = self._same_first[query, max_distance] = sorted(found, key=lambda kv: (kv[1], kv[0]))
        return found


@lru_cache(maxsize=1)
def english_index() -> NeighborIndex:
    """A neighbour index over the words worth suggesting (built once, under a second).

    Suggestions come from the typos English list and the words pyspellchecker has seen
    at least 1,000 times: rarer dictionary entries are accepted as words but are seldom
    what a writer meant.
    """
    common = {w for w, n in word_frequencies().items() if n >= 1000}
    base = {w.strip() for w in _read_data("english.csv").splitlines() if w.strip()}
    return NeighborIndex(base | common)


def match_case(template: str, word: str) -> str:
    """Give ``word`` the casing pattern of ``template`` (UPPER, Title or lower).

    >>> match_case("Goverment", "government")
    'Government'
    """
    if len(template) > 1 and template.isupper():
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _stems(word: str) -> list[str]:
    """Plausible base forms of an inflected English word (the list holds base forms)."""
    out: list[str] = []
    # Only plurals and possessives: the frequency list holds real "-ed"/"-ing" forms, and
    # guessing them would accept "occured" (occur + ed) and "begining" (begin + ing).
    out = []
    for suffix, repl in (("'s", ""), ("s'", "s"), ("ies", "y"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            if suffix == "ies" and word[-4] in _VOWELS:
                continue  # a vowel keeps its "y": "employs", never "emploies"
            out.append(word[: len(word) - len(suffix)] + repl)
    return out


@lru_cache(maxsize=1 << 18)
def is_english(word: str) -> bool:
    """True when ``word`` (lower case) or a regular inflection of it is in the English list.

    >>> is_english("avatars"), is_english("stopped"), is_english("courtsey"), is_english("occured")
    (True, True, False, False)
    """
    words = english_words()
    if word in words:
        return True
    if "-" in word:
        return all(is_english(p) for p in word.split("-") if p)
    forms = [word, *_american(word)]
    return any(f in words or any(s in words for s in _stems(f)) for f in forms)


_BRITISH = (("our", "or"), ("tre", "ter"), ("ise", "ize"), ("isation", "ization"), ("yse", "yze"),
            ("lled", "led"), ("lling", "ling"), ("ller", "ler"), ("llor", "lor"), ("ogue", "og"),
            ("ence", "ense"), ("tres", "ters"), ("ised", "ized"), ("ising", "izing"), ("ises", "izes"),
            ("ours", "ors"), ("oured", "ored"), ("ouring", "oring"), ("gramme", "gram"), ("tonne", "ton"),
            ("re", "er"), ("res", "ers"), ("ogues", "ogs"), ("ces", "ses"))


_VOWELS = frozenset("aeiou")


def _american(word: str) -> list[str]:
    """American spellings a British word may be listed under ("centre" -> "center")."""
    # "-re" follows a consonant ("centre", "fibre"): "pere" is no British "peer"
    out = [word[: len(word) - len(b)] + a for b, a in _BRITISH if word.endswith(b) and len(word) > len(b) + 1
           and not (b in ("re", "res") and word[-len(b) - 1] in _VOWELS)]
    for b, a in (("our", "or"), ("ae", "e"), ("oe", "e")):
        # "ae"/"oe" inside the stem ("paediatric", "manoeuvre"), never an ending: "generataed"
        if b in (word[1:-2] if b != "our" else word[1:-1]):
            out.append(word.replace(b, a))  # "colourful", "paediatric", "manoeuvre"
    return out
