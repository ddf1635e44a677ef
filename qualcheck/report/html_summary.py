"""The summary page of ``report.html``: one row per article and the derived-share charts.

Everything an editor sorts, filters or reads off the charts is computed here, in Python,
so the template only loops: :class:`ArticleSummary` (derived share, verbatim / rewritten /
new words, METER derivation, worst severity, rules) and the geometry of two inline SVG
charts, a bar per article split by kind of word (:func:`share_chart`) and a histogram of
derived shares in 10% bins (:func:`share_histogram`). The charts are drawn server side, so
they need no script, no network and no font but the page's own.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qualcheck.report.records import SEVERITY_ORDER, group_by_doc, severity_value
from qualcheck.types import ArticleReuse, Report

#: Articles drawn as bars in the summary chart (highest derived share first); the histogram
#: and the table always cover every article.
MAX_CHART_BARS = 60
#: Width, in average characters, of an article's title or path shown beside its bar (the full
#: one is in the bar's <title>); 42 of them fill the 300-unit label column at 12px.
CHART_LABEL_CHARS = 42
#: Severity ranks for sorting and the "at least" filter (error highest); -1: no finding.
SEVERITY_RANK: dict[str, int] = {sev: len(SEVERITY_ORDER) - 1 - i for i, sev in enumerate(SEVERITY_ORDER)}


def _char_width(char: str) -> float:
    """Rough advance of ``char`` in average characters: wide CJK 2, capitals and wide marks 1.3."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 2.0
    return 1.3 if char.isupper() or char in "mw@%&<>=#" else 1.0


def short(label: str, limit: float = CHART_LABEL_CHARS) -> str:
    """``label`` cut (with an ellipsis) to about ``limit`` average characters of width.

    SVG text does not wrap or clip without a ``url(#...)`` reference, which the page avoids,
    so a long or wide (Korean, say) headline must be cut before it runs off the chart.
    """
    if sum(map(_char_width, label)) <= limit:
        return label
    used, end = 1.0, 0  # room for the ellipsis
    while end < len(label) and used + _char_width(label[end]) <= limit:
        used += _char_width(label[end])
        end += 1
    return label[:end].rstrip() + "…"


@dataclass(frozen=True)
class ArticleSummary:
    """One audited article as the summary shows it: a table row and a chart bar."""

    number: int  # 1-based position in the report
    anchor: str  # id of the article's section
    label: str  # title, or the path when there is none
    path: str
    reuse: ArticleReuse
    top_source: str
    top_share: float | None  # article share of the best single match, None without one
    findings: int
    rule_ranks: tuple[tuple[str, int], ...]  # (rule, rank of its most serious finding here), by rule
    worst: str  # most serious severity found, "" without findings

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(rule for rule, _ in self.rule_ranks)

    @property
    def worst_rank(self) -> int:
        return SEVERITY_RANK.get(self.worst, -1)

    def _part(self, words: int) -> float:
        return words / self.reuse.words if self.reuse.words else 0.0

    @property
    def verbatim_share(self) -> float:
        return self._part(self.reuse.verbatim_words)

    @property
    def rewritten_share(self) -> float:
        return self._part(self.reuse.rewritten_words)

    @property
    def new_share(self) -> float:
        return self._part(self.reuse.new_words) if self.reuse.words else 1.0


def article_summaries(report: Report, reuse: Mapping[str, ArticleReuse]) -> list[ArticleSummary]:
    """One :class:`ArticleSummary` per document, in report order (``reuse`` keyed by doc_id)."""
    findings = group_by_doc(report.findings)
    matches = group_by_doc(report.matches)
    out: list[ArticleSummary] = []
    for index, doc in enumerate(report.documents):
        mine = findings.get(doc.doc_id, ())
        severities = {severity_value(f.severity) for f in mine}
        ranks: dict[str, int] = {}
        for f in mine:
            ranks[f.rule] = max(ranks.get(f.rule, -1), SEVERITY_RANK.get(severity_value(f.severity), -1))
        best = max(matches.get(doc.doc_id, ()), key=lambda m: m.article_share, default=None)
        article = reuse[doc.doc_id]
        top = article.sources[0] if article.sources else (best.source_id if best else "")
        top_share = next((m.article_share for m in matches.get(doc.doc_id, ()) if m.source_id == top), None)
        out.append(
            ArticleSummary(
                number=index + 1,
                anchor=f"doc-{index + 1}",
                label=doc.title or doc.path,
                path=doc.path,
                reuse=article,
                top_source=top,
                top_share=top_share,
                findings=len(mine),
                rule_ranks=tuple(sorted(ranks.items())),
                worst=next((s for s in SEVERITY_ORDER if s in severities), ""),
            )
        )
    return out


@dataclass(frozen=True)
class Bar:
    """One article's bar: x positions and widths (SVG units) of its three segments."""

    article: ArticleSummary
    y: float
    verbatim: float
    rewritten: float
    new: float
    short_label: str

    @property
    def rewritten_x(self) -> float:
        return self.verbatim

    @property
    def new_x(self) -> float:
        return round(self.verbatim + self.rewritten, 2)


@dataclass(frozen=True)
class ShareChart:
    """Horizontal bars, one per article (up to :data:`MAX_CHART_BARS`), highest share on top."""

    width: int
    height: int
    label_width: int  # the bars start here
    bar_width: int  # a 100% bar
    row_height: int
    bar_height: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # (x within the bar area, label)
    hidden: int  # articles not drawn because of the cap


def share_chart(articles: Sequence[ArticleSummary], limit: int = MAX_CHART_BARS) -> ShareChart:
    """Bars for the ``limit`` articles with the highest derived share (report order on ties)."""
    label_width, bar_width, row, bar_height, top = 300, 400, 22, 14, 24
    ranked = sorted(articles, key=lambda a: (-a.reuse.derived_share, a.number))[:limit]
    bars = []
    for i, article in enumerate(ranked):
        verbatim = round(article.verbatim_share * bar_width, 2)
        rewritten = round(article.rewritten_share * bar_width, 2)
        new = round(max(bar_width - verbatim - rewritten, 0.0), 2)
        bars.append(Bar(article, top + i * row, verbatim, rewritten, new, short(article.label)))
    ticks = [(bar_width * p / 100, f"{p}%") for p in range(0, 101, 20)]
    return ShareChart(
        width=label_width + bar_width + 60,
        height=top + row * len(bars) + 4,
        label_width=label_width,
        bar_width=bar_width,
        row_height=row,
        bar_height=bar_height,
        bars=bars,
        ticks=ticks,
        hidden=len(articles) - len(bars),
    )


@dataclass(frozen=True)
class Bin:
    """A 10% band of derived share and the articles in it (column geometry in SVG units)."""

    low: int  # percent, inclusive
    high: int  # percent, exclusive except for the last band (100% included)
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Histogram:
    """Articles per 10% band of derived share."""

    width: int
    height: int
    baseline: int  # y of the axis
    bins: list[Bin]
    max_count: int


def share_histogram(articles: Sequence[ArticleSummary], bands: int = 10) -> Histogram:
    """Count the articles in each of ``bands`` equal bands of derived share (0..100%)."""
    width, height, baseline, plot = 440, 170, 140, 120
    left, column = 30, (440 - 30) / bands
    counts = Counter(min(int(a.reuse.derived_share * bands), bands - 1) for a in articles)
    top = max(counts.values(), default=0)
    bins = []
    for b in range(bands):
        h = round(plot * counts[b] / top, 2) if top else 0.0
        bins.append(Bin(b * 100 // bands, (b + 1) * 100 // bands, counts[b], round(left + b * column + 2, 2),
                        round(baseline - h, 2), round(column - 4, 2), h))
    return Histogram(width, height, baseline, bins, top)
