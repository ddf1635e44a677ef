"""What every rule shares: the rule record, the per-document view and the audit context.

A rule is a plain function ``check(view, ctx) -> Iterable[Hit]`` wrapped in a
:class:`Rule` with a stable code, a kebab-case name, a default severity and the
function's docstring (what it does, why it matters, an example, known problems).
:func:`qualcheck.checks.registry.RULES` lists them explicitly.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from qualcheck.config import Config
from qualcheck.lexicon import ScanningNeighborIndex
from qualcheck.text import LineIndex, Token, tokenize
from qualcheck.types import Document, Finding, ReuseMatch, Severity
from qualcheck.vocab import Vocabulary, word_tokens

_CODE = re.compile(r"```.*?(?:```|\Z)|`[^`\n]+`", re.DOTALL)


@dataclass(frozen=True)
class Hit:
    """What a rule found, before it is placed: a span of the document and the evidence."""

    start: int
    end: int
    message: str
    suggestion: str = ""
    score: float | None = None
    source: str = ""


@dataclass
class DocView:
    """One document with its tokens, computed once and shared by every rule."""

    doc: Document
    tokens: list[Token] = field(default_factory=list)
    memo: dict[str, Any] = field(default_factory=dict, repr=False)  # per-document results rules share

    @classmethod
    def of(cls, doc: Document) -> DocView:
        return cls(doc, tokenize(doc.text))

    @cached_property
    def words(self) -> list[Token]:
        """Letter words only, in order."""
        return word_tokens(self.tokens)

    # The language rules ask nothing of each token beyond these one-line scans: they start
    # from the distinct texts of a document, remove what is known with set operations, and
    # fetch the tokens of the few texts left (``tokens_with``).

    @cached_property
    def word_texts(self) -> frozenset[str]:
        """The distinct texts of the letter words (``words``)."""
        return frozenset([t.text for t in self.words])

    @cached_property
    def texts(self) -> frozenset[str]:
        """The distinct texts of all tokens (words, numbers, punctuation...)."""
        return frozenset([t.text for t in self.tokens])

    def tokens_with(self, texts: Collection[str]) -> list[Token]:
        """The tokens (of any kind) whose text is one of ``texts``, in order."""
        return [t for t in self.tokens if t.text in texts] if texts else []

    def words_with(self, texts: Collection[str]) -> list[Token]:
        """The letter words whose text is one of ``texts``, in order."""
        return [t for t in self.tokens_with(texts) if t.kind == "word"]

    @cached_property
    def _starts(self) -> list[int]:
        return [t.start for t in self.tokens]

    def _word_index(self, start: int) -> int | None:
        i = bisect_left(self._starts, start)
        found = i < len(self.tokens) and self._starts[i] == start and self.tokens[i].kind == "word"
        return i if found else None

    def word_at(self, start: int) -> Token | None:
        """The letter word starting at offset ``start``, if any."""
        i = self._word_index(start)
        return None if i is None else self.tokens[i]

    def word_beside(self, start: int, step: int) -> Token | None:
        """The token just before (``step`` -1) or after (+1) the word starting at ``start``,
        when both are letter words; None otherwise. Two words one space apart are always
        neighbours in ``words`` too (a space holds no token)."""
        i = self._word_index(start)
        if i is None or not 0 <= i + step < len(self.tokens):
            return None
        other = self.tokens[i + step]
        return other if other.kind == "word" else None

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.doc.text, self.doc.line_offset)

    @cached_property
    def code_spans(self) -> list[tuple[int, int]]:
        """Fenced blocks and inline spans in backticks: code, not prose."""
        return [m.span() for m in _CODE.finditer(self.doc.text)]

    def in_code(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.code_spans)


@dataclass
class CheckContext:
    """What rules may consult besides the document: settings, vocabulary, reuse results."""

    config: Config
    vocab: Vocabulary
    matches: Mapping[str, list[ReuseMatch]] = field(default_factory=dict)
    paths: Mapping[str, str] = field(default_factory=dict)  # doc_id -> path, for sources
    dates: Mapping[str, str] = field(default_factory=dict)  # doc_id -> date (front matter, column)
    furniture: frozenset[str] = frozenset()  # normalised lines that recur across the corpus
    memo: dict[str, Any] = field(default_factory=dict, repr=False)  # per-audit results rules share

    def is_known(self, norm: str) -> bool:
        """A word the house uses often enough that it is not a slip, or one accepted in config."""
        return self.vocab.norm_count(norm) >= self.config.corpus_min_count or norm in self.accepted

    @cached_property
    def common_words(self) -> ScanningNeighborIndex:
        """Edit-distance lookup over the words the corpus uses often (once per audit)."""
        n = self.config.corpus_min_count
        return ScanningNeighborIndex([w for w, c in self.vocab.norms.items() if c >= n])

    @cached_property
    def accepted(self) -> frozenset[str]:
        return frozenset(w.casefold() for w in self.config.accept)

    @cached_property
    def distinct_groups(self) -> tuple[frozenset[str], ...]:
        """Look-alike names the house style says are different entities, case-folded."""
        return tuple(frozenset(n.casefold() for n in group) for group in self.config.distinct)


CheckFn = Callable[[DocView, CheckContext], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """A rule: stable code, readable name, default severity, family, and its check."""

    code: str
    name: str
    severity: Severity
    family: str
    check: CheckFn

    @property
    def doc(self) -> str:
        return (self.check.__doc__ or "").strip()

    @property
    def summary(self) -> str:
        return self.doc.split("\n", 1)[0]

    def run(self, view: DocView, ctx: CheckContext) -> list[Finding]:
        """Run the check on one document and place each hit (line, column, text)."""
        out = []
        for hit in self.check(view, ctx):
            line, column = view.lines.position(hit.start)
            out.append(
                Finding(
                    path=view.doc.path, doc_id=view.doc.doc_id, rule=self.name, code=self.code,
                    severity=self.severity, start=hit.start, end=hit.end, line=line, column=column,
                    text=view.doc.text[hit.start : hit.end], message=hit.message,
                    suggestion=hit.suggestion, score=hit.score, source=hit.source,
                )
            )
        return out
