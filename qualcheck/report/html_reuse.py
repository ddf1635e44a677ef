"""Word-level reuse marks for ``report.html``: which words were copied, edited or are new.

A :class:`~qualcheck.types.Passage` says "article[start:end] came from source[...]" and is
``rewritten`` as soon as one word in it was edited, so colouring whole passages by kind
would paint a 350-word paste with two changed words as "rewritten". The engine records the
runs it copied word for word (``Passage.verbatim`` and ``source_verbatim``), so the page
shows those words solid and only the edited ones hatched, on both sides, as the engine
counted them. A passage without those runs (built by hand) is re-aligned word by word here
(``rapidfuzz`` ``Indel`` on the normalised words). A ``paraphrase`` passage (a sentence re-worded
throughout, paired by the engine's sentence pass) marks only its words found in the source
sentences, hatched as rewritten. Words outside every passage are the article's new material.

When the audit did not fill ``Report.articles`` (an older engine, a hand-made report) the
same marks give the per-article numbers: each word counted once, verbatim before rewritten.

>>> from qualcheck.types import Passage
>>> p = Passage("a", "a", "s", "s", 0, 27, 0, 23, "Acme sold ten big red vans.",
...             "Acme sold ten red vans.", "rewritten", 6, 5)
>>> [(p.text[x.start:x.end], x.kind) for x in passage_parts(p).article]
[('Acme sold ten ', 'verbatim'), ('big ', 'rewritten'), ('red vans.', 'verbatim')]
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from qualcheck.index.sentences import shared_words
from qualcheck.report.records import group_by_doc
from qualcheck.text import normalized_words
from qualcheck.types import ArticleReuse, Document, Passage, Report, ReuseMatch

VERBATIM, REWRITTEN, PARAPHRASE = "verbatim", "rewritten", "paraphrase"


@dataclass(frozen=True)
class Part:
    """``text[start:end]`` of a passage is ``kind`` (verbatim or rewritten); offsets are
    relative to the passage's own text (``Passage.text`` or ``Passage.source_text``)."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class PassageParts:
    """One passage cut into verbatim and rewritten parts, on the article and the source side."""

    article: tuple[Part, ...]
    source: tuple[Part, ...]


def _cut(text: str, offsets: list[tuple[int, int]], runs: list[tuple[int, int, str]]) -> tuple[Part, ...]:
    """Word runs ``(first, end, kind)`` as character parts that tile ``text`` without gaps.

    Each part starts at its first word (the first at 0) and ends where the next begins (the
    last at ``len(text)``), so spaces and punctuation join the part before them.
    """
    merged: list[tuple[int, int, str]] = []
    for run in runs:
        if merged and merged[-1][2] == run[2] and merged[-1][1] == run[0]:
            merged[-1] = (merged[-1][0], run[1], run[2])
        else:
            merged.append(run)
    starts = [0] + [offsets[first][0] for first, _, _ in merged[1:]]
    ends = starts[1:] + [len(text)]
    return tuple(Part(s, e, kind) for s, e, (_, _, kind) in zip(starts, ends, merged, strict=True) if s < e)


def _from_spans(text: str, base: int, spans: Sequence[tuple[int, int]]) -> tuple[Part, ...]:
    """Parts of ``text`` (which starts at ``base``): the copied ``spans`` verbatim, the rest rewritten."""
    parts: list[Part] = []
    pos = 0
    for start, end in spans:
        s, e = max(start - base, pos), min(end - base, len(text))
        if s > pos:
            parts.append(Part(pos, s, REWRITTEN))
        if e > s:
            parts.append(Part(s, e, VERBATIM))
            pos = e
    if pos < len(text):
        parts.append(Part(pos, len(text), REWRITTEN if parts or not spans else VERBATIM))
    # Trailing punctuation after the last copied word joins it, as between words.
    if len(parts) >= 2 and parts[-1].kind == REWRITTEN and not text[parts[-1].start :].strip(" .,;:!?\"'"):
        last = parts.pop()
        parts[-1] = Part(parts[-1].start, last.end, parts[-1].kind)
    return tuple(parts)


def passage_parts(passage: Passage) -> PassageParts:
    """Cut ``passage`` into the runs of words it shares with its source and the edited ones.

    The engine records the copied runs (``Passage.verbatim``/``source_verbatim``); a passage
    without them (built by hand) is re-aligned word by word. A ``paraphrase`` passage (a
    sentence paired by content words, :mod:`qualcheck.index.sentences`) has no copied runs:
    its words found in the source sentences are rewritten, the others new (no part).
    """
    if passage.kind == PARAPHRASE:
        return _paraphrase_parts(passage)
    if passage.verbatim and passage.source_verbatim:
        return PassageParts(_from_spans(passage.text, passage.start, passage.verbatim),
                            _from_spans(passage.source_text, passage.source_start, passage.source_verbatim))
    a_words, a_offsets = normalized_words(passage.text)
    s_words, s_offsets = normalized_words(passage.source_text)
    if not a_words or not s_words:
        whole = passage.kind if passage.kind in (VERBATIM, REWRITTEN) else REWRITTEN
        return PassageParts((Part(0, len(passage.text), whole),), (Part(0, len(passage.source_text), whole),))
    a_runs: list[tuple[int, int, str]] = []
    s_runs: list[tuple[int, int, str]] = []
    for op in Indel.opcodes(a_words, s_words):
        kind = VERBATIM if op.tag == "equal" else REWRITTEN
        if op.src_end > op.src_start:
            a_runs.append((op.src_start, op.src_end, kind))
        if op.dest_end > op.dest_start:
            s_runs.append((op.dest_start, op.dest_end, kind))
    return PassageParts(_cut(passage.text, a_offsets, a_runs), _cut(passage.source_text, s_offsets, s_runs))


def _paraphrase_parts(passage: Passage) -> PassageParts:
    """A sentence pair: the article words found in the source sentences (counted as rewritten
    by the engine, :func:`qualcheck.index.sentences.shared_words`), each a rewritten part; the
    source side is rewritten as a whole."""
    a_words, a_offsets = normalized_words(passage.text)
    s_words, _ = normalized_words(passage.source_text)
    hits = shared_words(a_words, s_words)
    return PassageParts(tuple(Part(*a_offsets[i], REWRITTEN) for i in hits),
                        (Part(0, len(passage.source_text), REWRITTEN),))


@dataclass(frozen=True)
class ReuseMarks:
    """One article's reuse, word by word, over all its sources.

    ``parts`` maps each passage to its parts; ``new`` lists the runs of words in no passage
    as absolute ``(start, end)`` offsets (first word's start to last word's end). A word
    verbatim in one passage and rewritten in another counts as verbatim.
    """

    parts: dict[Passage, PassageParts]
    new: tuple[tuple[int, int], ...]
    words: int
    verbatim_words: int
    rewritten_words: int

    @property
    def new_words(self) -> int:
        return self.words - self.verbatim_words - self.rewritten_words

    def article_parts(self, passage: Passage) -> list[Part]:
        """The article-side parts of ``passage`` in absolute article offsets."""
        parts = self.parts.get(passage) or passage_parts(passage)
        return [Part(passage.start + p.start, passage.start + p.end, p.kind) for p in parts.article]


def reuse_marks(document: Document, passages: Iterable[Passage]) -> ReuseMarks:
    """Word-level marks of ``document`` from all ``passages`` taken from it."""
    parts = {p: passage_parts(p) for p in dict.fromkeys(passages)}
    _, offsets = normalized_words(document.text)
    starts = [s for s, _ in offsets]
    state = bytearray(len(offsets))  # 0 new, 1 rewritten, 2 verbatim
    for passage, cut in parts.items():
        for part in cut.article:
            lo = bisect.bisect_left(starts, passage.start + part.start)
            hi = bisect.bisect_left(starts, passage.start + part.end)
            value = 2 if part.kind == VERBATIM else 1
            for i in range(lo, hi):
                state[i] = max(state[i], value)
    new: list[tuple[int, int]] = []
    i = 0
    while i < len(state):
        if state[i]:
            i += 1
            continue
        j = i
        while j < len(state) and not state[j]:
            j += 1
        new.append((offsets[i][0], offsets[j - 1][1]))
        i = j
    return ReuseMarks(parts, tuple(new), len(state), state.count(2), state.count(1))


def fallback_reuse(
    document: Document, marks: ReuseMarks, matches: Sequence[ReuseMatch], *, checked: bool = True
) -> ArticleReuse:
    """The article's :class:`ArticleReuse` computed from ``marks`` (when the audit gave none).

    The derivation is the strongest one a match states, ``not-derived`` without matches,
    and empty (unknown) when matches exist but state none or reuse was not ``checked``.
    """
    derived = marks.verbatim_words + marks.rewritten_words
    stated = [m.derivation for m in matches if m.derivation]
    if not checked:
        derivation = ""
    elif not matches:
        derivation = "not-derived"
    elif stated:
        derivation = "wholly-derived" if "wholly-derived" in stated else stated[0]
    else:
        derivation = ""
    ranked = sorted(matches, key=lambda m: -m.article_share)
    return ArticleReuse(
        doc_id=document.doc_id,
        path=document.path,
        words=marks.words,
        derived_share=derived / marks.words if marks.words else 0.0,
        verbatim_words=marks.verbatim_words,
        rewritten_words=marks.rewritten_words,
        new_words=marks.new_words,
        derivation=derivation,
        sources=tuple(dict.fromkeys(m.source_id for m in ranked)),
    )


def reuse_by_doc(report: Report, marks: dict[str, ReuseMarks]) -> dict[str, ArticleReuse]:
    """``report.articles`` by doc_id; an article the audit gave none for is computed from ``marks``."""
    given = {a.doc_id: a for a in report.articles}
    matches = group_by_doc(report.matches)
    checked = reuse_checked(report)
    out = {}
    for doc in report.documents:
        out[doc.doc_id] = given.get(doc.doc_id) or fallback_reuse(
            doc, marks[doc.doc_id], matches.get(doc.doc_id, []), checked=checked
        )
    return out


def reuse_checked(report: Report) -> bool:
    """Whether the audit looked for reuse: the API fills ``articles`` exactly when it did.

    A report with matches but no ``articles`` (built by hand, or by an older engine) counts
    as checked too; one with neither has no reuse information to show.
    """
    return bool(report.articles or report.matches)
