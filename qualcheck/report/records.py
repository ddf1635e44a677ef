"""The one table schema shared by the CSV and JSON writers and the pandas API.

Every tabular view of a :class:`~qualcheck.types.Report` is built here, as plain dicts
whose keys are exactly the ``*_COLUMNS`` tuples, in that order. Keeping the schema in one
place means a column added for CSV shows up in JSON and in the DataFrames too, and that
the API can build DataFrames without importing jinja2 (this module imports only the
standard library and :mod:`qualcheck.types`).

Values stay raw: severity becomes its string value, ``score=None`` stays ``None``,
numbers stay numbers. Output-specific escaping (CSV formula injection, HTML) belongs to
the writers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any, TypeVar

from qualcheck.types import ArticleReuse, Finding, Passage, Report, ReuseMatch, Severity, Skipped

Record = dict[str, Any]

FINDING_COLUMNS: tuple[str, ...] = (
    "path", "doc_id", "rule", "code", "severity", "line", "column", "start", "end",
    "text", "suggestion", "message", "score", "source",
)  # fmt: skip
PASSAGE_COLUMNS: tuple[str, ...] = (
    "path", "doc_id", "source", "source_id", "start", "end", "source_start", "source_end",
    "kind", "tokens", "matched_tokens", "text", "source_text",
)  # fmt: skip
SKIPPED_COLUMNS: tuple[str, ...] = ("path", "reason")
MATCH_COLUMNS: tuple[str, ...] = (
    "doc_id", "source_id", "article_share", "source_share", "jaccard", "label", "passage_count",
    "verbatim_words", "rewritten_words", "new_words", "derivation",
)  # fmt: skip
DOCUMENT_COLUMNS: tuple[str, ...] = (
    "path", "doc_id", "title", "words", "derived_share", "derivation", "verbatim_words",
    "rewritten_words", "new_words", "sources", "share", "top_source", "findings",
)  # fmt: skip

#: Columns that hold numbers (or None); writers must never text-escape these.
NUMERIC_COLUMNS: frozenset[str] = frozenset(
    {
        "line", "column", "start", "end", "score", "source_start", "source_end", "tokens",
        "matched_tokens", "article_share", "source_share", "jaccard", "passage_count", "share",
        "findings", "verbatim_words", "rewritten_words", "new_words", "words", "derived_share",
    }
)  # fmt: skip

#: Display order, most serious first.
SEVERITY_ORDER: tuple[str, ...] = tuple(s.value for s in sorted(Severity, key=lambda s: -s.rank))


def severity_value(severity: Severity | str) -> str:
    """Return the plain string of a severity (tolerates a bare string from a plugin)."""
    return severity.value if isinstance(severity, Severity) else str(severity)


def finding_record(finding: Finding) -> Record:
    """One finding as a row of :data:`FINDING_COLUMNS`."""
    record: Record = {col: getattr(finding, col) for col in FINDING_COLUMNS}
    record["severity"] = severity_value(finding.severity)
    return record


def passage_record(passage: Passage) -> Record:
    """One passage as a row of :data:`PASSAGE_COLUMNS`."""
    return {col: getattr(passage, col) for col in PASSAGE_COLUMNS}


def all_passages(report: Report) -> list[Passage]:
    """``report.passages`` plus any passage only reachable through a match, deduplicated.

    The engine normally fills both; this keeps the tables complete if it fills only one.
    """
    seen: set[Passage] = set()
    out: list[Passage] = []
    for passage in (*report.passages, *(p for m in report.matches for p in m.passages)):
        if passage not in seen:
            seen.add(passage)
            out.append(passage)
    return out


def finding_records(report: Report) -> list[Record]:
    """All findings, in report order, as rows of :data:`FINDING_COLUMNS`."""
    return [finding_record(f) for f in report.findings]


def passage_records(report: Report) -> list[Record]:
    """All reused passages as rows of :data:`PASSAGE_COLUMNS`."""
    return [passage_record(p) for p in all_passages(report)]


def skipped_records(report: Report) -> list[Record]:
    """All skipped inputs as rows of :data:`SKIPPED_COLUMNS`."""
    return [_skipped_record(s) for s in report.skipped]


def _skipped_record(skipped: Skipped) -> Record:
    return {col: getattr(skipped, col) for col in SKIPPED_COLUMNS}


def match_record(match: ReuseMatch) -> Record:
    """One article/source relation as a row of :data:`MATCH_COLUMNS` (passages counted)."""
    record: Record = {col: getattr(match, col) for col in MATCH_COLUMNS if col != "passage_count"}
    record["passage_count"] = len(match.passages)
    return {col: record[col] for col in MATCH_COLUMNS}


def match_records(report: Report) -> list[Record]:
    """All matches as rows of :data:`MATCH_COLUMNS`; join to passages on doc_id+source_id."""
    return [match_record(m) for m in report.matches]


_HasDocId = TypeVar("_HasDocId", Finding, Passage, ReuseMatch)


def group_by_doc(items: Iterable[_HasDocId]) -> dict[str, list[_HasDocId]]:
    """Items grouped by ``doc_id``, order kept (one pass, so reports scale linearly)."""
    groups: dict[str, list[_HasDocId]] = {}
    for item in items:
        groups.setdefault(item.doc_id, []).append(item)
    return groups


def top_match(matches: Iterable[ReuseMatch]) -> ReuseMatch | None:
    """The match covering most of the article (ties: first one), or None."""
    best: ReuseMatch | None = None
    for match in matches:
        if best is None or match.article_share > best.article_share:
            best = match
    return best


def document_records(report: Report) -> list[Record]:
    """One row per audited article: how much is derived, from what, and its findings.

    ``derived_share`` and the word counts sum all the article's sources, each word once
    (from ``report.articles``; None when reuse was not checked); ``derivation`` is the
    METER class; ``sources`` the source ids joined by ``;``. ``share`` is the largest
    single-source ``article_share`` (None when no source matched), from ``top_source``.
    """
    counts = Counter(f.doc_id for f in report.findings)
    matches = group_by_doc(report.matches)
    articles: dict[str, ArticleReuse] = {a.doc_id: a for a in report.articles}
    rows: list[Record] = []
    for doc in report.documents:
        best = top_match(matches.get(doc.doc_id, ()))
        art = articles.get(doc.doc_id)
        rows.append(
            {
                "path": doc.path,
                "doc_id": doc.doc_id,
                "title": doc.title,
                "words": art.words if art else None,
                "derived_share": art.derived_share if art else None,
                "derivation": art.derivation if art else "",
                "verbatim_words": art.verbatim_words if art else None,
                "rewritten_words": art.rewritten_words if art else None,
                "new_words": art.new_words if art else None,
                "sources": ";".join(art.sources) if art else "",
                "share": best.article_share if best else None,
                "top_source": best.source_id if best else "",
                "findings": counts.get(doc.doc_id, 0),
            }
        )
    return rows


def summary(report: Report) -> Record:
    """Headline counts for a report (JSON ``summary`` block, HTML header).

    ``findings_by_severity`` always lists every severity so consumers need no defaults.
    """
    by_severity = Counter(severity_value(f.severity) for f in report.findings)
    by_rule = Counter(f.rule for f in report.findings)
    return {
        "documents": len(report.documents),
        "skipped": len(report.skipped),
        "findings": len(report.findings),
        "findings_by_rule": dict(sorted(by_rule.items())),
        "findings_by_severity": {**dict.fromkeys(SEVERITY_ORDER, 0), **by_severity},
        "passages": len(all_passages(report)),
        "matches": len(report.matches),
        "documents_with_reuse": len({m.doc_id for m in report.matches}),
        "sources": len(report.sources),
        "corpus_size": report.corpus_size,
    }
