"""The records that flow through qualcheck: plain, frozen, and free of package imports.

Data flows one way: loaders make :class:`Document`, engines and checks make
:class:`Finding` and :class:`Passage`, the API gathers them into a :class:`Report`
that the writers in :mod:`qualcheck.report` render. Nothing here knows how it is printed.

Offsets are 0-based character offsets into ``Document.text`` (end exclusive), so
``finding.text == document.text[finding.start:finding.end]`` always holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class Severity(StrEnum):
    """How much a finding matters; ``fail-on`` compares against this order."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls(value.strip().lower())
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {value!r} (expected one of: {names})") from None


def _frozen_map(m: Mapping[str, str] | None = None) -> Mapping[str, str]:
    return MappingProxyType(dict(m or {}))


@dataclass(frozen=True)
class Document:
    """One article or reference text, as read.

    ``doc_id`` is unique within a run: the path for a file, ``path#id`` for a row of a
    tabular file. ``text`` is the body the checks read; ``line_offset`` is the number of
    file lines before it (front matter, say) so reported line numbers match the file.
    ``meta`` holds front matter or extra columns (date, author, source, ...).
    """

    doc_id: str
    path: str
    text: str
    title: str = ""
    kind: str = "txt"
    encoding: str = "utf-8"
    line_offset: int = 0
    meta: Mapping[str, str] = field(default_factory=_frozen_map)


@dataclass(frozen=True)
class Skipped:
    """An input that was not audited, with the reason in words an editor understands."""

    path: str
    reason: str


@dataclass(frozen=True)
class Finding:
    """One problem at one place in one document.

    ``rule``/``code``/``severity`` say which rule raised it; ``score`` and ``source``
    carry evidence (for reuse: the share of the article found in ``source``, 0..1).
    """

    path: str
    doc_id: str
    rule: str
    code: str
    severity: Severity
    start: int
    end: int
    line: int
    column: int
    text: str
    message: str
    suggestion: str = ""
    score: float | None = None
    source: str = ""


@dataclass(frozen=True)
class Passage:
    """A stretch of an article that was taken from a source, with offsets in both texts.

    ``kind`` is ``verbatim`` (copied as is), ``rewritten`` (aligned to the source with
    edits) or ``paraphrase`` (a sentence re-worded throughout, paired with its source
    sentences by shared content words; no verbatim runs); ``matched_tokens``/``tokens`` say
    how many of the passage's words were copied (for a paraphrase: found in the source sentences).
    """

    path: str
    doc_id: str
    source: str
    source_id: str
    start: int
    end: int
    source_start: int
    source_end: int
    text: str
    source_text: str
    kind: str = "verbatim"
    tokens: int = 0
    matched_tokens: int = 0
    # Character spans of the runs copied word for word, in the article and in the source
    # (absolute offsets, in order); the rest of the passage is edited. Empty when unknown.
    verbatim: tuple[tuple[int, int], ...] = ()
    source_verbatim: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class ReuseMatch:
    """The verified relation between one article and one source it drew on."""

    doc_id: str
    source_id: str
    article_share: float  # share of the article's words found in the source (0..1)
    source_share: float  # share of the source's words reused in the article (0..1)
    jaccard: float  # resemblance of the two word-shingle sets
    label: str  # duplicate, rewrite, partial-reuse
    passages: tuple[Passage, ...] = ()
    verbatim_words: int = 0  # article words copied as is
    rewritten_words: int = 0  # article words inside passages, edited
    new_words: int = 0  # article words outside every passage: the writer's own
    derivation: str = ""  # METER class of the pair: wholly-derived or partially-derived


@dataclass(frozen=True)
class ArticleReuse:
    """How much of one article came from the corpus, all its sources together.

    Each article word is counted once however many sources contain it (a release quoted by
    the wire copy the article also used), so ``derived_share`` never exceeds 1 and
    ``verbatim_words + rewritten_words + new_words`` is the article's word count.
    ``derivation`` follows the METER corpus's classes: ``wholly-derived``,
    ``partially-derived`` or ``not-derived``; ``sources`` lists source ids, largest share first.
    """

    doc_id: str
    path: str
    words: int
    derived_share: float
    verbatim_words: int
    rewritten_words: int
    new_words: int
    derivation: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """Everything one audit produced, as plain records (the API wraps it for pandas)."""

    documents: tuple[Document, ...]
    findings: tuple[Finding, ...]
    passages: tuple[Passage, ...] = ()
    matches: tuple[ReuseMatch, ...] = ()
    articles: tuple[ArticleReuse, ...] = ()  # one per audited document, in document order
    sources: tuple[Document, ...] = ()  # corpus documents that some match refers to
    skipped: tuple[Skipped, ...] = ()
    corpus_size: int = 0
