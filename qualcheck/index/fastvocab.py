"""The vocabulary counts of a whole :class:`~qualcheck.index.fastscan.Batch`, as array arithmetic.

What: :func:`add_batch` adds the texts of a batch to a :class:`VocabularyDelta`, exactly as
``delta.apply(doc_vocabulary(tokenize(text)), +1, key)`` would for each text in turn: per
surface form, occurrences, documents, casing votes and the order of its first vote; per
case-folded word, occurrences and documents.

Why: counting per token in Python (a dict update, a sentence-start check, a headline check)
cost more than tokenising. Here Python sees each *distinct* token of the batch once (its form,
whether it is an abbreviation); sentence starts come from the batch's sentence events (the
last full stop, newline or other punctuation between two tokens, as the tokenizer replays
them), headlines from :func:`qualcheck.text.headline_lines`, and the sums from ``bincount``.
``tests/test_index_fastscan.py`` compares the delta with the document-by-document one.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from qualcheck.index.fastscan import KEEP, START, STOP, Batch
from qualcheck.index.scan import _forms as _forms_of
from qualcheck.index.vocab_delta import _MAX_POS, _NO_ORDER, _NORMS, _POS_BITS, VocabularyDelta, norm_of
from qualcheck.text import ABBREVIATIONS, headline_lines

__all__ = ["LetterWords", "add_batch", "add_batches", "quiet_tokens"]

I64 = npt.NDArray[np.int64]
_DOT = ord(".")


def _forms(batch: Batch) -> tuple[list[str], I64, npt.NDArray[np.bool_]]:
    """Forms in order of first use; form index (-1: not a letter word) and abbreviation flag per key.

    Dict lookups mapped at C level over the distinct tokens (:func:`qualcheck.index.scan._forms`
    caches each spelling's form), no Python loop per token.
    """
    words = batch.distinct()
    tokens: list[str | None] = list(words)
    forms = _forms_of(tokens)
    index = dict.fromkeys(forms)  # keys are numbered in order of first use: forms too
    index.pop("", None)
    ids = dict(zip(index, range(len(index)), strict=True))
    ids[""] = -1
    form_of = np.fromiter(map(ids.__getitem__, forms), dtype=np.int64, count=len(forms))
    short = np.fromiter(map(len, words), dtype=np.int64, count=len(words)) == 1
    folded = map(str.casefold, words)
    listed = np.fromiter(map(ABBREVIATIONS.__contains__, folded), dtype=bool, count=len(words))
    return list(index), form_of, (form_of >= 0) & (short | listed)


def _distinct(values: I64) -> I64:
    """The distinct values (any order): a hash table, about 3x faster than sorting them."""
    return np.asarray(pd.unique(values), dtype=np.int64)


def _first_uses(values: I64) -> tuple[I64, I64]:
    """``(distinct values, index of the first occurrence of each)``."""
    codes = np.asarray(pd.factorize(values)[0], dtype=np.int64)  # numbered in order of first use
    if not codes.size:
        return codes, codes
    at = np.flatnonzero(np.concatenate(([True], codes[1:] > np.maximum.accumulate(codes)[:-1])))
    return values[at], at


def quiet_tokens(batch: Batch, abbreviation: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Per token: whether it starts a sentence or lies on a headline line (casts no casing vote).

    ``abbreviation``: per distinct token, whether a full stop right after it does not end a
    sentence ("Mr.", "J.").
    """
    starts, ends, n = batch.starts, batch.ends, batch.starts.size
    events = batch.events
    after = ends[abbreviation[batch.keys] & (ends < events.size)]
    dots = after[batch.points[after] == _DOT]  # "Mr." : this full stop ends no sentence
    if dots.size:
        events = events.copy()
        events[dots] = STOP
    marks = np.flatnonzero(events != KEEP)
    previous = np.empty(n, dtype=np.int64)
    previous[1:] = ends[:-1]
    firsts = batch.bounds[:-1][np.diff(batch.bounds) > 0]
    previous[firsts] = batch.origins[np.diff(batch.bounds) > 0] - 1  # the "\n" before the text
    last = marks[np.searchsorted(marks, starts) - 1]
    quiet = (last >= previous) & (events[last] == START)
    lows: list[int] = []
    highs: list[int] = []
    for i, origin in enumerate(batch.origins.tolist()):
        if batch.bounds[i + 1] > batch.bounds[i]:
            end = int(batch.origins[i + 1]) - 1 if i + 1 < batch.origins.size else len(batch.joined)
            for lo, hi in headline_lines(batch.joined[origin:end]):
                lows.append(origin + lo)
                highs.append(origin + hi)
    if lows:
        cover = np.zeros(n + 1, dtype=np.int64)
        np.add.at(cover, np.searchsorted(starts, lows), 1)
        np.add.at(cover, np.searchsorted(starts, highs), -1)
        quiet |= np.cumsum(cover[:n]) > 0
    return quiet


def add_batch(delta: VocabularyDelta, batch: Batch, keys: I64) -> None:
    """Add the batch's texts to ``delta``, text ``i`` as document ``keys[i]`` (increasing)."""
    add_batches(delta, [(batch, keys)])


def _letter_words(batch: Batch, keys: I64, index: dict[str, int]
                  ) -> tuple[I64, I64, I64, npt.NDArray[np.bool_]]:  # fmt: skip
    """``(form, document, position, votes?)`` of the batch's letter words; new forms join ``index``."""
    forms, form_of, abbreviation = _forms(batch)
    remap = np.array([index.setdefault(form, len(index)) for form in forms], dtype=np.int64)
    quiet = quiet_tokens(batch, abbreviation)
    doc = np.repeat(np.asarray(keys, dtype=np.int64), np.diff(batch.bounds))
    fid = form_of[batch.keys]
    letter = fid >= 0
    position = np.cumsum(letter) - 1  # among the batch's letter words ...
    before = np.concatenate(([0], np.cumsum(letter)))[batch.bounds[:-1]]
    position -= np.repeat(before, np.diff(batch.bounds))  # ... and then among the text's
    return remap[fid[letter]], doc[letter], position[letter], ~quiet[letter]


def add_batches(delta: VocabularyDelta, batches: list[tuple[Batch, I64]]) -> None:
    """:func:`add_batch` of several batches (their keys increasing from one to the next), summed once."""
    counter = LetterWords()
    for batch, keys in batches:
        counter.add(batch, keys)
    counter.add_to(delta)


class LetterWords:
    """The letter words of batches read one after the other, summed into a delta at the end.

    Keeps four integers a letter word, not the batches (their texts and arrays can go).
    """

    def __init__(self) -> None:
        self.index: dict[str, int] = {}  # forms in order of first use over all the batches
        self.words: list[tuple[I64, I64, I64, npt.NDArray[np.bool_]]] = []

    def add(self, batch: Batch, keys: I64) -> None:
        """Count ``batch``, its text ``i`` as document ``keys[i]`` (above every earlier key)."""
        self.words.append(_letter_words(batch, keys, self.index))

    def add_to(self, delta: VocabularyDelta) -> None:
        """Add everything counted to ``delta`` (see :func:`add_batch`)."""
        if self.index:
            _add_words(delta, list(self.index), self.words)


def _add_words(delta: VocabularyDelta, forms: list[str],
               words: list[tuple[I64, I64, I64, npt.NDArray[np.bool_]]]) -> None:  # fmt: skip
    f, d, p, vote = (np.concatenate(parts) for parts in zip(*words, strict=True))
    nf = len(forms)
    counts = np.bincount(f, minlength=nf)
    votes = np.bincount(f[vote], minlength=nf)
    docs = np.bincount(_distinct(d * nf + f) % nf, minlength=nf)
    order = np.full(nf, _NO_ORDER, dtype=np.int64)
    voted, at = _first_uses(f[vote])  # tokens are in (document, position) order
    order[voted] = (d[vote][at] << _POS_BITS) | np.minimum(p[vote][at], _MAX_POS)
    norms: dict[str, int] = {}
    norm_of_form = np.array([norms.setdefault(n, len(norms)) for n in _norms_in_order(forms)], dtype=np.int64)
    nn = len(norms)
    norm_counts = np.bincount(norm_of_form, weights=counts, minlength=nn).astype(np.int64)
    norm_docs = np.bincount(_distinct(d * nn + norm_of_form[f]) % nn, minlength=nn)
    form_rows = map(list, zip(counts.tolist(), docs.tolist(), votes.tolist(), order.tolist(), strict=True))
    norm_rows = map(list, zip(norm_counts.tolist(), norm_docs.tolist(), strict=True))
    if not delta.forms and not delta.norms:  # a fresh delta: take the rows as they are
        delta.forms = dict(zip(forms, form_rows, strict=True))
        delta.norms = dict(zip(norms, norm_rows, strict=True))
        return
    for form, (count, n_docs, n_votes, first) in zip(forms, form_rows, strict=True):
        row = delta.forms.get(form)
        if row is None:
            delta.forms[form] = [count, n_docs, n_votes, first]
        else:
            row[0] += count
            row[1] += n_docs
            row[2] += n_votes
            row[3] = min(row[3], first)
    for norm, (count, n_docs) in zip(norms, norm_rows, strict=True):
        nrow = delta.norms.get(norm)
        if nrow is None:
            delta.norms[norm] = [count, n_docs]
        else:
            nrow[0] += count
            nrow[1] += n_docs


def _norms_in_order(forms: list[str]) -> list[str]:
    """:func:`qualcheck.index.vocab_delta.norm_of` of each form (its cache mapped at C level)."""
    try:
        return list(map(_NORMS.__getitem__, forms))
    except KeyError:
        return [norm_of(f) for f in forms]
