"""A write unit's change to the vocabulary rows of an index: counted, summed, written.

What: :func:`doc_vocabulary` is one document's share of :meth:`qualcheck.vocab.Vocabulary.add`
(forms, occurrences, casing votes); :class:`VocabularyDelta` sums documents added or removed
over one write unit (:meth:`VocabularyDelta.add_scans` sums a whole task's documents read by
:func:`qualcheck.index.scan.scan_text` with C-level counters) and writes the changed
:class:`FormRow` s and norm rows to a :class:`qualcheck.index.store.Store`.

Why here and not in the backends: two backends given the same documents must hold the same
vocabulary, so the arithmetic lives in one place and the stores only read and write rows.

>>> delta = VocabularyDelta()
>>> delta.apply({"SM": (2, 1, 3)}, +1, key=5)
>>> delta.forms["SM"], delta.norms["sm"]
([2, 1, 1, 83886083], [2, 1])
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from typing import TYPE_CHECKING, NamedTuple

from qualcheck.index.scan import Scanned
from qualcheck.text import Token, normalize_word
from qualcheck.vocab import base_form, word_tokens

if TYPE_CHECKING:
    from qualcheck.index.store import Store

_POSSESSIVE_ENDS = ("s", "'", "\u2019")  # only words ending so can be possessives (base_form)
_POS_BITS = 24  # FormRow.order = doc key << 24 | word position of the first casing vote
_MAX_POS = (1 << _POS_BITS) - 1
_NO_ORDER = 1 << 62  # order of a form without a casing vote yet

class FormRow(NamedTuple):
    """Vocabulary aggregate of one surface form: occurrences, documents, casing votes.

    ``order`` sorts the forms of one case-folded word by their first casing vote, so the
    rebuilt vocabulary breaks majority-casing ties as :class:`qualcheck.vocab.Vocabulary` does.
    A named tuple: a chunk writes tens of thousands of them.
    """

    count: int  # type: ignore[assignment]  # shadows tuple.count, which nothing here uses
    docs: int
    votes: int
    order: int

def doc_vocabulary(tokens: Iterable[Token]) -> dict[str, tuple[int, int, int]]:
    """``form -> (occurrences, casing votes, word position of the first vote or -1)``.

    One document's share of :meth:`qualcheck.vocab.Vocabulary.add` (same forms, same votes).
    """
    out: dict[str, list[int]] = {}
    for pos, t in enumerate(word_tokens(tokens)):
        form = base_form(t.text) if t.text.endswith(_POSSESSIVE_ENDS) else t.text
        row = out.get(form)
        if row is None:
            row = out[form] = [0, 0, -1]
        row[0] += 1
        if not t.sentence_start and not t.headline:
            row[1] += 1
            if row[2] < 0:
                row[2] = pos
    return {form: (c, v, p) for form, (c, v, p) in out.items()}


_NORMS: dict[str, str] = {}
_NORMS_MAX = 1 << 20


def norm_of(form: str) -> str:
    """:func:`qualcheck.text.normalize_word`, cached in a dict (forms repeat across documents)."""
    norm = _NORMS.get(form)
    if norm is None:
        if len(_NORMS) >= _NORMS_MAX:
            _NORMS.clear()
        norm = _NORMS[form] = normalize_word(form)
    return norm


def _norms_of(forms: Iterable[str]) -> set[str]:
    try:
        return set(map(_NORMS.__getitem__, forms))  # C-level when every form was seen
    except KeyError:
        for form in set(forms).difference(_NORMS):
            norm_of(form)
    try:
        return set(map(_NORMS.__getitem__, forms))
    except KeyError:  # the cache was full and cleared while filling
        return {norm_of(f) for f in forms}


class VocabularyDelta:
    """Net change of the vocabulary rows over one write unit (added minus removed documents)."""

    def __init__(self) -> None:
        self.forms: dict[str, list[int]] = {}  # form -> [count, docs, votes, first vote order]
        self.norms: dict[str, list[int]] = {}  # norm -> [count, docs]
        self.additive = True  # only documents added: the store can add the counts in place

    def apply(self, contribution: Mapping[str, tuple[int, int, int]], sign: int, key: int = 0) -> None:
        """Add (``sign=1``, document ``key``) or subtract (``-1``) one :func:`doc_vocabulary`."""
        self.additive = self.additive and sign > 0
        seen: set[str] = set()
        for form, (count, votes, pos) in contribution.items():
            row = self.forms.setdefault(form, [0, 0, 0, _NO_ORDER])
            row[0] += sign * count
            row[1] += sign
            row[2] += sign * votes
            if sign > 0 and votes:
                row[3] = min(row[3], key << _POS_BITS | min(pos, _MAX_POS))
            norm = norm_of(form)
            nrow = self.norms.setdefault(norm, [0, 0])
            nrow[0] += sign * count
            if norm not in seen:
                seen.add(norm)
                nrow[1] += sign

    def add_scans(self, scans: Sequence[Scanned]) -> None:
        """Add documents ``0..n-1`` read by :func:`qualcheck.index.scan.scan_text` (keys relative).

        Equal to ``apply(scans[i].vocabulary(), +1, i)`` for each ``i`` in order, but summed with
        C-level counters over all the documents' tokens at once, not form by form per document.
        """
        counts = Counter(chain.from_iterable(s.forms for s in scans))
        counts.pop("", None)
        docs = Counter(chain.from_iterable(s.distinct for s in scans))
        quiet = Counter(chain.from_iterable(s.quiet for s in scans))
        first: dict[str, int] = {}
        for i in range(len(scans) - 1, -1, -1):  # earlier documents overwrite: the first vote wins
            fv = scans[i].first_vote
            positions = fv.values()
            if len(scans[i].forms) > _MAX_POS:  # a text of 16M words: positions saturate, as in apply()
                positions = [min(p, _MAX_POS) for p in positions]  # type: ignore[assignment]
            first.update(zip(fv.keys(), map((i << _POS_BITS).__or__, positions), strict=True))
        norm_docs = Counter(chain.from_iterable(_norms_of(s.distinct) for s in scans))
        forms, norms = self.forms, self.norms
        for form, count in counts.items():
            row = forms.get(form)
            if row is None:
                row = forms[form] = [0, 0, 0, _NO_ORDER]
            row[0] += count
            row[1] += docs[form]
            row[2] += count - quiet[form]
            if form in first:
                row[3] = min(row[3], first[form])
            nrow = norms.get(norm := norm_of(form))
            if nrow is None:
                nrow = norms[norm] = [0, 0]
            nrow[0] += count
        for norm, n in norm_docs.items():
            norms[norm][1] += n

    def write(self, store: Store) -> None:
        """Read the current rows of the changed entries, then write the new ones.

        A form keeps the order of its first casing vote while it has votes; after a removal
        that order may be older than a fresh build would give (ties only). When documents were
        only added, the store adds the counts in place (:meth:`Store.add_vocabulary`).
        """
        if self.additive:
            for row in self.forms.values():
                if row[2] <= 0:
                    row[3] = 0  # no casing vote yet: no order
            store.add_vocabulary(self.forms, self.norms)
            return
        old_forms, old_norms = store.form_rows(list(self.forms)), store.norm_rows(list(self.norms))
        forms: dict[str, FormRow] = {}
        drop_forms: list[str] = []
        for form, (count, docs, votes, order) in self.forms.items():
            old = old_forms.get(form)
            if old is not None:
                count, docs, order = old.count + count, old.docs + docs, old.order if old.votes else order
                votes += old.votes
            if count > 0:
                forms[form] = FormRow(count, docs, votes, order if votes > 0 else 0)
            elif old is not None:
                drop_forms.append(form)
        norms: dict[str, tuple[int, int]] = {}
        for norm, (count, docs) in self.norms.items():
            old_count, old_docs = old_norms.get(norm, (0, 0))
            norms[norm] = (old_count + count, old_docs + docs)
        store.put_vocabulary(
            forms,
            drop_forms,
            {n: v for n, v in norms.items() if v[0] > 0},
            [n for n, v in norms.items() if v[0] <= 0 and n in old_norms],
        )

