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
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

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


def _american(word: str) -> list[str]:
    """American spellings a British word may be listed under ("centre" -> "center")."""
    out = [word[: len(word) - len(b)] + a for b, a in _BRITISH if word.endswith(b) and len(word) > len(b) + 1]
    for b, a in (("our", "or"), ("ae", "e"), ("oe", "e")):
        if b in word[1:-1]:
            out.append(word.replace(b, a))  # "colourful", "paediatric", "manoeuvre"
    return out
