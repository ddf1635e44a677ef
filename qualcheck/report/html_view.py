"""The view model behind ``report.html``: plain data the template only has to loop over.

All offset arithmetic happens here, in Python, where it can be tested: a text plus a set
of (possibly overlapping) spans becomes a flat list of :class:`Segment` by cutting at
every span boundary. The template prints each segment through jinja2's autoescaping, so
article text, titles and messages are never trusted as markup.

Reused text is marked word by word (:mod:`qualcheck.report.html_reuse`): copied words
solid in their passage's colour, edited words hatched, and the article's new material (in
no passage of any source) underlined, so what the writer added shows at a glance. The
summary rows and charts come from :mod:`qualcheck.report.html_summary`.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from qualcheck.report.html_reuse import ReuseMarks, reuse_by_doc, reuse_checked, reuse_marks
from qualcheck.report.html_summary import (
    SEVERITY_RANK,
    ArticleSummary,
    article_summaries,
    share_chart,
    share_histogram,
)
from qualcheck.report.records import (
    SEVERITY_ORDER,
    Record,
    all_passages,
    finding_record,
    group_by_doc,
    severity_value,
    summary,
)
from qualcheck.types import Document, Passage, Report, ReuseMatch

#: Number of distinct passage colours in the stylesheet (classes ``p0`` .. ``p7``).
PASSAGE_COLOURS = 8
#: Separator between passages when the full source text is not available.
GAP = "\n[…]\n"
#: Findings listed and highlighted per article in ``report.html`` (in text order). Beyond
#: this the page says how many more there are; every finding stays in the CSV and JSON.
#: 100,000 findings inlined made a 37 MB page; capped, a page grows with the articles.
MAX_FINDINGS_PER_ARTICLE = 200


@dataclass(frozen=True)
class Span:
    """A highlight request: ``text[start:end]`` gets ``css_class`` and ``tooltip``."""

    start: int
    end: int
    css_class: str
    tooltip: str = ""


@dataclass(frozen=True)
class Segment:
    """A run of text with the union of the classes/tooltips of the spans covering it."""

    text: str
    css_class: str = ""
    tooltip: str = ""


def segment_text(text: str, spans: Iterable[Span]) -> list[Segment]:
    """Cut ``text`` at every span boundary; each piece carries all spans covering it.

    Spans are clamped to the text, empty ones dropped; overlapping spans yield pieces
    with combined classes (space-separated) and tooltips (one per line). Adjacent pieces
    with identical styling are merged. ``"".join(s.text ...) == text`` always holds.
    """
    size = len(text)
    clean: list[tuple[int, int, Span]] = []
    for span in spans:
        lo, hi = max(0, min(span.start, size)), max(0, min(span.end, size))
        if lo < hi:
            clean.append((lo, hi, span))
    bounds = sorted({0, size, *(lo for lo, _, _ in clean), *(hi for _, hi, _ in clean)})
    covering: list[list[Span]] = [[] for _ in range(max(len(bounds) - 1, 0))]
    for lo, hi, span in clean:
        for i in range(bisect.bisect_left(bounds, lo), bisect.bisect_left(bounds, hi)):
            covering[i].append(span)
    out: list[Segment] = []
    for (lo, hi), spans_here in zip(zip(bounds, bounds[1:], strict=False), covering, strict=True):
        css = " ".join(dict.fromkeys(c for s in spans_here for c in s.css_class.split()))
        tip = "\n".join(dict.fromkeys(s.tooltip for s in spans_here if s.tooltip))
        if out and out[-1].css_class == css and out[-1].tooltip == tip:
            out[-1] = Segment(out[-1].text + text[lo:hi], css, tip)
        else:
            out.append(Segment(text[lo:hi], css, tip))
    return out


@dataclass(frozen=True)
class PassageView:
    """One shared passage in a side-by-side comparison (legend row)."""

    number: int
    colour: str
    kind: str
    tokens: int
    matched_tokens: int
    text: str


@dataclass(frozen=True)
class ComparisonView:
    """Article vs one source, both texts with the shared passages coloured alike."""

    match: ReuseMatch
    source_label: str
    source_available: bool
    article: list[Segment]
    source: list[Segment]
    passages: list[PassageView]


@dataclass(frozen=True)
class ArticleView:
    """Everything shown for one audited article."""

    summary: ArticleSummary
    document: Document
    findings: list[Record]  # the first MAX_FINDINGS_PER_ARTICLE, in text order
    segments: list[Segment]
    comparisons: list[ComparisonView] = field(default_factory=list)
    findings_hidden: int = 0  # findings of this article not listed or highlighted on the page

    @property
    def anchor(self) -> str:
        return self.summary.anchor


NEW_TIP = "new: in no source"


def _passage_tip(number: int, passage: Passage) -> str:
    return f"passage {number}: {passage.kind}, {passage.matched_tokens}/{passage.tokens} words"


def _passage_spans(index: int, passage: Passage, marks: ReuseMarks, base: int, side: str) -> list[Span]:
    """The parts of passage ``index`` on one ``side`` (article or source) as spans from ``base``.

    Copied words get ``pN verbatim``, edited ones ``pN rewritten`` (same colour, hatched).
    """
    cut = marks.parts.get(passage)
    tip = _passage_tip(index + 1, passage)
    colour = f"p{index % PASSAGE_COLOURS}"
    if cut is None:  # not among the article's passages: colour it whole, by its kind
        kind = "rewritten" if passage.kind == "rewritten" else "verbatim"
        end = base + len(passage.text if side == "article" else passage.source_text)
        return [Span(base, end, f"{colour} {kind}", tip)]
    parts = cut.article if side == "article" else cut.source
    edited = f"{tip} (edited)"
    return [Span(base + p.start, base + p.end, f"{colour} {p.kind}", tip if p.kind == "verbatim" else edited)
            for p in parts]


def _source_side(
    source: Document | None, passages: Sequence[Passage], marks: ReuseMarks
) -> tuple[str, list[Span]]:
    """Source text and spans; without the document, stitch the passages' own source text."""
    if source is not None:
        spans = [s for i, p in enumerate(passages)
                 for s in _passage_spans(i, p, marks, p.source_start, "source")]
        return source.text, spans
    texts: list[str] = []
    spans = []
    offset = 0
    for i, p in enumerate(passages):
        if texts:
            texts.append(GAP)
            offset += len(GAP)
        spans += _passage_spans(i, p, marks, offset, "source")
        texts.append(p.source_text)
        offset += len(p.source_text)
    return "".join(texts), spans


def _new_spans(marks: ReuseMarks) -> list[Span]:
    return [Span(start, end, "new", NEW_TIP) for start, end in marks.new]


def comparison_view(
    document: Document,
    match: ReuseMatch,
    passages: Sequence[Passage],
    source: Document | None,
    marks: ReuseMarks | None = None,
) -> ComparisonView:
    """Build the side-by-side view of ``document`` against the source of ``match``.

    ``marks`` (all the article's passages, every source) add the new material and grey
    out what came from other sources; without them only ``passages`` are known.
    """
    marks = marks or reuse_marks(document, passages)
    mine = set(passages)
    left = [s for i, p in enumerate(passages) for s in _passage_spans(i, p, marks, p.start, "article")]
    left += [Span(p.start, p.end, "elsewhere", f"from another source: {p.source or p.source_id}")
             for p in marks.parts if p not in mine]
    left += _new_spans(marks)
    source_text, right = _source_side(source, passages, marks)
    label = (source.title or source.path) if source is not None else match.source_id
    legend = [
        PassageView(i + 1, f"p{i % PASSAGE_COLOURS}", p.kind, p.tokens, p.matched_tokens, p.text)
        for i, p in enumerate(passages)
    ]
    return ComparisonView(
        match=match,
        source_label=label or match.source_id,
        source_available=source is not None,
        article=segment_text(document.text, left),
        source=segment_text(source_text, right),
        passages=legend,
    )


def _finding_span(record: Record) -> Span:
    tip = f"{record['rule']} ({record['code']}): {record['message']}"
    return Span(record["start"], record["end"], f"finding sev-{record['severity']}", tip)


def _reuse_spans(marks: ReuseMarks) -> list[Span]:
    """The article's own view: copied words, edited words, and (when anything was reused) new ones."""
    spans = []
    for passage in marks.parts:
        origin = passage.source or passage.source_id
        for part in marks.article_parts(passage):
            if part.kind == "verbatim":
                spans.append(Span(part.start, part.end, "reuse", f"copied from {origin}"))
            else:
                spans.append(Span(part.start, part.end, "reuse edited", f"rewritten from {origin}"))
    return spans + (_new_spans(marks) if marks.parts else [])


def article_views(report: Report, max_findings: int = MAX_FINDINGS_PER_ARTICLE) -> list[ArticleView]:
    """One :class:`ArticleView` per document in ``report.documents``, in report order.

    Each lists and highlights at most ``max_findings`` findings (the first in the text).
    """
    lookup = {d.doc_id: d for d in report.documents}
    lookup.update({d.doc_id: d for d in report.sources})
    passages_by_doc = group_by_doc(all_passages(report))
    findings_by_doc = group_by_doc(report.findings)
    matches_by_doc = group_by_doc(report.matches)
    marks = {d.doc_id: reuse_marks(d, passages_by_doc.get(d.doc_id, ())) for d in report.documents}
    summaries = article_summaries(report, reuse_by_doc(report, marks))
    views: list[ArticleView] = []
    for doc, summary_row in zip(report.documents, summaries, strict=True):
        mine = findings_by_doc.get(doc.doc_id, ())
        first = heapq.nsmallest(max_findings, mine, key=lambda f: (f.start, f.end, f.rule))
        findings = [finding_record(f) for f in first]
        own = passages_by_doc.get(doc.doc_id, [])
        spans = _reuse_spans(marks[doc.doc_id]) + [_finding_span(r) for r in findings]
        matches = sorted(matches_by_doc.get(doc.doc_id, ()), key=lambda m: -m.article_share)
        comparisons = [
            comparison_view(doc, m, m.passages or [p for p in own if p.source_id == m.source_id],
                            lookup.get(m.source_id), marks[doc.doc_id])
            for m in matches
        ]
        views.append(ArticleView(summary_row, doc, findings, segment_text(doc.text, spans), comparisons,
                                 findings_hidden=len(mine) - len(findings)))
    return views


def rule_severity_table(report: Report) -> list[tuple[str, list[int], int]]:
    """Rows of (rule, counts per :data:`SEVERITY_ORDER`, total), sorted by rule."""
    table: dict[str, list[int]] = {}
    totals: dict[str, int] = {}
    for finding in report.findings:
        counts = table.setdefault(finding.rule, [0] * len(SEVERITY_ORDER))
        totals[finding.rule] = totals.get(finding.rule, 0) + 1
        sev = severity_value(finding.severity)
        if sev in SEVERITY_ORDER:
            counts[SEVERITY_ORDER.index(sev)] += 1
    return [(rule, counts, totals[rule]) for rule, counts in sorted(table.items())]


def build_context(report: Report) -> dict[str, object]:
    """The complete template context for ``report.html``."""
    articles = article_views(report)
    summaries = [a.summary for a in articles]
    return {
        "summary": summary(report),
        "severities": SEVERITY_ORDER,
        "severity_rank": SEVERITY_RANK,
        "rule_table": rule_severity_table(report),
        "rules": sorted({f.rule for f in report.findings}),
        "articles": articles,
        "reuse_checked": reuse_checked(report),
        "chart": share_chart(summaries),
        "histogram": share_histogram(summaries),
        "derivations": sorted({s.reuse.derivation for s in summaries if s.reuse.derivation}),
        "skipped": report.skipped,
    }
