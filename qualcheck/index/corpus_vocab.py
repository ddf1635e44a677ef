"""The vocabulary of texts at hand through the index's batch path, and vocabulary rows as a Vocabulary.

What: :func:`texts_delta` counts texts into a :class:`~qualcheck.index.vocab_delta.VocabularyDelta`
the way the index build does (:func:`qualcheck.index.parallel.prepare_part`): texts free of URLs,
e-mails, handles and hashtags are read together (:func:`qualcheck.index.fastscan.read_texts`,
:mod:`qualcheck.index.fastvocab`), the others by the regex (:func:`qualcheck.index.scan.scan_text`).
:func:`add_rows` turns vocabulary rows, a delta's or a store's, into the counters of a
:class:`~qualcheck.vocab.Vocabulary`; :func:`texts_vocabulary` is both together.

Why: an in-memory audit counted its corpus with ``Vocabulary.add(tokenize(text))``, a Python
step per word and a ``Token`` object each, about a quarter of the audit's time. The batch path
sees each distinct word once and sums with numpy. The result is equal to
:meth:`Vocabulary.build <qualcheck.vocab.Vocabulary.build>` over the same texts: every counter,
the documents, each casing counter's order (first casing vote first), which breaks
majority-casing ties, and the key order of the forms and norms counters (first use first),
which the language checks iterate (``tests/test_corpus_vocab.py``).

>>> v = texts_vocabulary(["SM said. Fans of SM and Sm cheered.", "Visit https://sm.example now, Sm fans."])
>>> v.count("SM"), v.norm_count("sm"), v.docs("sm"), v.casing["sm"], v.documents
(2, 4, 2, Counter({'Sm': 2, 'SM': 1}), 2)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from qualcheck.index.fastscan import needs_regex, read_texts, text_groups
from qualcheck.index.fastvocab import LetterWords, _first_uses
from qualcheck.index.scan import scan_text
from qualcheck.index.vocab_delta import VocabularyDelta, norm_of
from qualcheck.vocab import Vocabulary

__all__ = ["add_rows", "texts_delta", "texts_vocabulary"]


def texts_delta(texts: Sequence[str]) -> VocabularyDelta:
    """The vocabulary rows of ``texts``, text ``i`` counted as document ``i``.

    Equal to ``delta.apply(doc_vocabulary(tokenize(texts[i])), +1, i)`` for each ``i`` in
    order. A text that may hold URLs, e-mails, handles or hashtags is read with the regex, as
    is every text if two distinct tokens ever shared a 64-bit key (``read_texts`` refuses).
    """
    return _counted(texts)[0]


def _counted(texts: Sequence[str]) -> tuple[VocabularyDelta, list[str]]:
    """:func:`texts_delta` and its forms in order of first use (document, then word position)."""
    fast = [i for i, text in enumerate(texts) if not needs_regex(text)]
    counter = LetterWords()
    try:
        for group in text_groups([len(texts[i]) for i in fast]):  # a few MB of arrays at a time
            members = [fast[j] for j in group]
            counter.add(read_texts([texts[i] for i in members]), np.asarray(members, dtype=np.int64))
    except ValueError:  # two tokens sharing a key (never seen): every text by the regex
        fast, counter = [], LetterWords()
    delta = VocabularyDelta()
    counter.add_to(delta)  # a fresh delta adopts the batch rows; the regex texts add to them
    slow = {i: scan_text(texts[i]).vocabulary() for i in sorted(set(range(len(texts))).difference(fast))}
    for i, counts in slow.items():
        delta.apply(counts, +1, i)
    return delta, _first_use_order(counter, slow)


def _first_use_order(counter: LetterWords, slow: dict[int, dict[str, tuple[int, int, int]]]) -> list[str]:
    """Every form counted, in the order ``Vocabulary.build`` first meets it (its counters' key order,
    which the language checks iterate): the batch forms sorted by first (document, position),
    the regex texts' forms (each in first-use order) merged in by document."""
    forms = list(counter.index)
    first: list[int] = []
    if forms:
        f, d, p = (np.concatenate([w[k] for w in counter.words]) for k in range(3))
        ids, at = _first_uses(f)
        first_doc = np.empty(len(forms), dtype=np.int64)
        first_pos = np.empty(len(forms), dtype=np.int64)
        first_doc[ids], first_pos[ids] = d[at], p[at]
        ranked = np.lexsort((first_pos, first_doc))
        forms = [forms[j] for j in ranked.tolist()]
        first = first_doc[ranked].tolist()
    if not slow:
        return forms
    order: dict[str, None] = {}
    j = 0
    for i, counts in slow.items():
        while j < len(forms) and first[j] < i:  # batch forms first met before regex text i
            order.setdefault(forms[j])
            j += 1
        for form in counts:
            order.setdefault(form)
    for form in forms[j:]:
        order.setdefault(form)
    return list(order)


def add_rows(vocab: Vocabulary, forms: Iterable[tuple[str, Sequence[int]]],
             norms: Iterable[tuple[str, int, int]], documents: int) -> Vocabulary:  # fmt: skip
    """Add vocabulary rows to ``vocab`` (returned) as if their documents followed its own.

    ``forms``: ``(form, (count, docs, votes, order))``, a :class:`~qualcheck.index.vocab_delta.FormRow`
    or a delta's list; ``norms``: ``(norm, count, docs)``; ``documents``: how many documents the
    rows count. Casing votes join each case-folded word's counter in the order of their first
    vote (``order``), after the forms already there, as :meth:`Vocabulary.add` would have put them.
    """
    form_counts: dict[str, int] = {}
    form_docs: dict[str, int] = {}
    voted: list[tuple[int, str, int]] = []
    for form, row in forms:
        form_counts[form] = row[0]
        form_docs[form] = row[1]
        if row[2] > 0:
            voted.append((row[3], form, row[2]))
    norm_counts: dict[str, int] = {}
    norm_docs: dict[str, int] = {}
    for norm, count, docs in norms:
        norm_counts[norm] = count
        norm_docs[norm] = docs
    vocab.forms.update(form_counts)  # Counter.update adds (a plain dict copy when it was empty)
    vocab.form_docs.update(form_docs)
    vocab.norms.update(norm_counts)
    vocab.norm_docs.update(norm_docs)
    casing = vocab.casing
    for _, form, votes in sorted(voted):  # first vote first: majority ties break as in build()
        norm = norm_of(form)
        counter = casing.get(norm)
        if counter is None:
            counter = casing[norm] = Counter()
        counter[form] += votes
    vocab.documents += documents
    return vocab


def texts_vocabulary(texts: Sequence[str], into: Vocabulary | None = None) -> Vocabulary:
    """``Vocabulary.build`` over ``texts`` (added after ``into``'s documents when given), by batches."""
    delta, order = _counted(texts)
    rows = delta.norms
    norms = ((norm, rows[norm][0], rows[norm][1]) for norm in dict.fromkeys(map(norm_of, order)))
    forms = ((form, delta.forms[form]) for form in order)
    return add_rows(into if into is not None else Vocabulary(), forms, norms, len(texts))
