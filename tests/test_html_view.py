"""The view data behind ``report.html``: word-level reuse marks, article rows, chart geometry.

Covers :mod:`qualcheck.report.html_reuse` (which words of a passage were copied or edited,
the article's new material, per-article numbers when the audit gave none),
:mod:`qualcheck.report.html_summary` (rows, bars, histogram) and what the rendered page
shows without any script.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qualcheck.api import audit
from qualcheck.report.html import render
from qualcheck.report.html_reuse import Part, fallback_reuse, passage_parts, reuse_marks
from qualcheck.report.html_summary import (
    ArticleSummary,
    share_chart,
    share_histogram,
    short,
)
from qualcheck.report.html_view import article_views, build_context
from qualcheck.report.records import all_passages, group_by_doc
from qualcheck.types import ArticleReuse, Document, Finding, Passage, Report, ReuseMatch, Severity

ROOT = Path(__file__).resolve().parents[1]

ARTICLE = "Acme sold ten big red vans on Monday. Our reporter adds that nobody asked why."
SOURCE = "PRESS RELEASE. Acme sold ten red vans on Monday. Contact us."
WIRE = "WIRE: nobody asked why the vans were red."


def _passage(doc: Document, text: str, source: Document, source_text: str, kind: str, tokens: int,
             matched: int) -> Passage:
    start, source_start = doc.text.index(text), source.text.index(source_text)
    return Passage(doc.path, doc.doc_id, source.path, source.doc_id, start, start + len(text), source_start,
                   source_start + len(source_text), text, source_text, kind, tokens, matched)


@pytest.fixture()
def report() -> Report:
    """One article drawn from a release (edited: "big" added) and a wire story; one clean article."""
    article = Document("a.txt", "a.txt", ARTICLE, title="Vans")
    clean = Document("b.txt", "b.txt", "A quiet day in town, the mayor said.", title="Quiet")
    release = Document("pr.txt", "pr.txt", SOURCE, title="Acme release")
    wire = Document("wire.txt", "wire.txt", WIRE, title="Wire")
    from_release = _passage(article, "Acme sold ten big red vans on Monday.", release,
                            "Acme sold ten red vans on Monday.", "rewritten", 8, 7)
    from_wire = _passage(article, "nobody asked why", wire, "nobody asked why", "verbatim", 3, 3)
    matches = (
        ReuseMatch("a.txt", "pr.txt", 8 / 15, 0.6, 0.3, "rewrite", (from_release,), 7, 1, 7,
                   "partially-derived"),
        ReuseMatch("a.txt", "wire.txt", 3 / 15, 0.4, 0.1, "partial-reuse", (from_wire,), 3, 0, 12,
                   "partially-derived"),
    )
    findings = (
        Finding("a.txt", "a.txt", "reuse-rewrite", "QC102", Severity.WARNING, 0, 4, 1, 1, "Acme", "reused"),
        Finding("a.txt", "a.txt", "doubled-word", "QC212", Severity.INFO, 10, 13, 1, 11, "ten", "x"),
        Finding("a.txt", "a.txt", "reuse-partial", "QC103", Severity.INFO, 5, 9, 1, 6, "sold", "x"),
        Finding("b.txt", "b.txt", "known-misspelling", "QC201", Severity.ERROR, 2, 7, 1, 3, "quiet", "x"),
    )
    return Report((article, clean), findings, (from_release, from_wire), matches, sources=(release, wire))


# --- word-level marks ----------------------------------------------------------------------------


def test_passage_parts_mark_only_the_edited_words() -> None:
    article = Document("a.txt", "a.txt", ARTICLE)
    release = Document("pr.txt", "pr.txt", SOURCE)
    passage = _passage(article, "Acme sold ten big red vans on Monday.", release,
                       "Acme sold ten red vans on Monday.", "rewritten", 8, 7)
    parts = passage_parts(passage)
    shown = [(passage.text[p.start : p.end], p.kind) for p in parts.article]
    assert shown == [("Acme sold ten ", "verbatim"), ("big ", "rewritten"),
                     ("red vans on Monday.", "verbatim")]
    assert parts.source == (Part(0, len(passage.source_text), "verbatim"),)  # nothing of it was cut


def test_passage_parts_tile_both_texts() -> None:
    passage = Passage("a", "a", "s", "s", 0, 0, 0, 0, "  One two three four, five six.  ",
                      "one TWO three seven eight five six", "rewritten", 6, 5)
    parts = passage_parts(passage)
    for text, cut in ((passage.text, parts.article), (passage.source_text, parts.source)):
        assert cut[0].start == 0 and cut[-1].end == len(text)
        assert all(a.end == b.start for a, b in zip(cut, cut[1:], strict=False))
        assert all(a.kind != b.kind for a, b in zip(cut, cut[1:], strict=False))  # merged runs
    assert [p.kind for p in parts.source] == ["verbatim", "rewritten", "verbatim"]
    assert passage.source_text[parts.source[1].start : parts.source[1].end] == "seven eight "


def test_passage_without_words_keeps_its_kind() -> None:
    passage = Passage("a", "a", "s", "s", 0, 3, 0, 3, "...", "...", "verbatim")
    assert passage_parts(passage).article == (Part(0, 3, "verbatim"),)


def test_reuse_marks_count_each_word_once_and_find_new_material(report: Report) -> None:
    article = report.documents[0]
    marks = reuse_marks(article, report.passages)
    assert (marks.words, marks.verbatim_words, marks.rewritten_words, marks.new_words) == (15, 10, 1, 4)
    assert [article.text[s:e] for s, e in marks.new] == ["Our reporter adds that"]
    # a word in two passages, verbatim in one: counted once, as verbatim
    twice = Passage("a.txt", "a.txt", "x", "x", 0, 26, 0, 9, ARTICLE[:26], "Acme sold", "rewritten", 6, 2)
    again = reuse_marks(article, [*report.passages, twice])
    assert (again.verbatim_words, again.rewritten_words) == (10, 1)


def test_fallback_reuse_without_articles(report: Report) -> None:
    article = report.documents[0]
    marks = reuse_marks(article, report.passages)
    reuse = fallback_reuse(article, marks, report.matches)
    assert reuse == ArticleReuse("a.txt", "a.txt", 15, 11 / 15, 10, 1, 4, "partially-derived",
                                 ("pr.txt", "wire.txt"))
    clean = report.documents[1]
    assert fallback_reuse(clean, reuse_marks(clean, ()), ()).derivation == "not-derived"
    assert fallback_reuse(clean, reuse_marks(clean, ()), (), checked=False).derivation == ""


def test_fallback_agrees_with_the_engine_on_the_samples() -> None:
    data = audit([ROOT / "samples" / "articles"], corpus=[ROOT / "samples" / "corpus"]).data
    assert len(data.articles) == len(data.documents) == 7
    passages, matches = group_by_doc(all_passages(data)), group_by_doc(data.matches)
    for doc, given in zip(data.documents, data.articles, strict=True):
        marks = reuse_marks(doc, passages.get(doc.doc_id, ()))
        assert fallback_reuse(doc, marks, matches.get(doc.doc_id, [])) == given, doc.path


# --- summary rows and charts ---------------------------------------------------------------------


def test_article_summaries(report: Report) -> None:
    rows = [v.summary for v in article_views(report)]
    first, second = rows
    assert (first.number, first.anchor, first.label, first.top_source) == (1, "doc-1", "Vans", "pr.txt")
    assert first.top_share == pytest.approx(8 / 15) and first.reuse.derived_share == pytest.approx(11 / 15)
    assert first.rule_ranks == (("doubled-word", 0), ("reuse-partial", 0), ("reuse-rewrite", 1))
    assert (first.worst, first.worst_rank, first.findings) == ("warning", 1, 3)
    assert (second.worst, second.worst_rank, second.top_source, second.top_share) == ("error", 2, "", None)
    assert first.verbatim_share + first.rewritten_share + first.new_share == pytest.approx(1)


def test_given_articles_win_over_the_fallback(report: Report) -> None:
    given = (ArticleReuse("a.txt", "a.txt", 20, 0.9, 15, 3, 2, "wholly-derived", ("wire.txt", "pr.txt")),
             ArticleReuse("b.txt", "b.txt", 8, 0.0, 0, 0, 8, "not-derived"))
    rows = [v.summary for v in article_views(Report(**{**report.__dict__, "articles": given}))]
    assert [r.reuse for r in rows] == list(given)
    assert rows[0].top_source == "wire.txt" and rows[0].top_share == pytest.approx(3 / 15)


def _summary(number: int, share: float, words: int = 100) -> ArticleSummary:
    verbatim = round(words * share)
    reuse = ArticleReuse(f"d{number}", f"d{number}", words, share, verbatim, 0, words - verbatim, "")
    return ArticleSummary(number, f"doc-{number}", f"Article {number}", f"d{number}", reuse, "", None, 0, (),
                          "")


def test_share_chart_orders_scales_and_caps() -> None:
    rows = [_summary(1, 0.2), _summary(2, 0.9), _summary(3, 0.2), _summary(4, 0.0, words=0)]
    chart = share_chart(rows, limit=3)
    assert [b.article.number for b in chart.bars] == [2, 1, 3] and chart.hidden == 1
    assert [b.y for b in chart.bars] == [24, 24 + chart.row_height, 24 + 2 * chart.row_height]
    top = chart.bars[0]
    assert (top.verbatim, top.rewritten, top.new, top.new_x) == (360.0, 0.0, 40.0, 360.0)
    assert chart.height == 24 + 3 * chart.row_height + 4
    assert [label for _, label in chart.ticks] == ["0%", "20%", "40%", "60%", "80%", "100%"]
    empty = share_chart([_summary(4, 0.0, words=0)])
    assert (empty.bars[0].verbatim, empty.bars[0].new) == (0.0, 400.0)  # no words: all "new"


def test_share_histogram_bins() -> None:
    rows = [_summary(1, 0.0), _summary(2, 0.05), _summary(3, 0.5), _summary(4, 1.0), _summary(5, 0.99)]
    hist = share_histogram(rows)
    assert [b.count for b in hist.bins] == [2, 0, 0, 0, 0, 1, 0, 0, 0, 2]
    assert (hist.bins[9].low, hist.bins[9].high) == (90, 100) and hist.max_count == 2
    assert hist.bins[0].height == 120 and hist.bins[5].height == 60 and hist.bins[1].height == 0
    assert all(b.y + b.height == hist.baseline for b in hist.bins)
    assert share_histogram([]).max_count == 0


def test_short_labels_by_width() -> None:
    assert short("abc", 5) == "abc"
    assert short("a long headline here", 8) == "a long…" and len(short("x" * 100)) == 42
    assert short("가상 아이돌 연구소 개소", 10) == "가상 아이…"  # wide characters count double
    assert len(short("W" * 100)) < 42


# --- the rendered page ---------------------------------------------------------------------------


def test_page_without_script_shows_everything(report: Report) -> None:
    html = render(report)
    hidden = re.findall(r"<(\w+)[^>]*\bhidden\b[^>]*>", html.split("<script>")[0])
    assert hidden == ["div"] and 'id="filters" hidden' in html  # only the filters, useless without JS
    assert html.count('class="article-bar"') == 2
    assert html.count('<tr data-anchor="doc-') == 2
    assert 'data-rules="doubled-word:0 reuse-partial:0 reuse-rewrite:1 "' in html
    assert '<option value="2">error</option>' in html  # severity filter: at least this rank


def test_page_marks_edited_and_new_words(report: Report) -> None:
    html = render(report)
    assert '<mark class="p0 rewritten" title="passage 1: rewritten, 7/8 words (edited)">big </mark>' in html
    assert '<mark class="p0 verbatim" title="passage 1: rewritten, 7/8 words">Acme sold ten </mark>' in html
    assert '<mark class="new" title="new: in no source">Our reporter adds that</mark>' in html
    assert '<mark class="elsewhere" title="from another source: wire.txt">nobody asked why</mark>' in html
    assert '<mark class="reuse edited" title="rewritten from pr.txt">big </mark>' in html


def test_chart_titles_escape_labels(report: Report) -> None:
    doc = Document("x.txt", "x.txt", "Some text here.", title="<b>\u202eevil</b>")
    reuse = ArticleReuse("x.txt", "x.txt", 3, 0.0, 0, 0, 3, "not-derived")
    html = render(Report((doc,), (), articles=(reuse,)))
    assert "<title>&lt;b&gt;\\u202eevil&lt;/b&gt;: 0% derived" in html
    assert "\u202e" not in html


def test_reuse_not_checked_shows_no_shares() -> None:
    doc = Document("x.txt", "x.txt", "Some text here.")
    context = build_context(Report((doc,), ()))
    assert context["reuse_checked"] is False
    html = render(Report((doc,), ()))
    assert "Reuse was not checked" in html and 'id="share-chart"' not in html
    assert '<td class="num" data-sort="-1">—</td>' in html
    assert "Reuse was not checked" not in render(Report((), ()))  # nothing audited: nothing to say
