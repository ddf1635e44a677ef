"""Article-level reuse: several sources counted once, boilerplate kept out, METER classes."""

from __future__ import annotations

import random

import numpy as np
from synthetic import doc, join, nwords, sentences

from qualcheck.api import audit_documents
from qualcheck.boilerplate import Boilerplate, recurring_lines
from qualcheck.config import Config
from qualcheck.index import ReuseEngine, align
from qualcheck.index.align import IGNORED, NEW, REWRITTEN, VERBATIM, combine_kinds
from qualcheck.index.labels import WHOLLY_DERIVED, derivation_for


def _words(sents: list[str]) -> int:
    return sum(nwords(s) for s in sents)


def test_two_sources_sharing_text_are_counted_once() -> None:
    rng = random.Random(11)
    release = sentences(rng, 300)
    wire_own = sentences(rng, 200)
    own = sentences(rng, 200)
    # The wire story quotes the release's first sentences, then adds its own reporting.
    quoted = release[:6]
    wire = doc("wire", join(quoted + wire_own))
    pr = doc("release", join(release))
    # The article takes the quoted sentences (in both sources), more of the release, and
    # some of the wire's own reporting, plus its own sentences.
    article_sents = quoted + release[6:10] + wire_own[:5] + own
    article = doc("story", join(article_sents))
    engine = ReuseEngine([pr, wire], [article])
    matches, summary = engine.reuse(article)
    assert {m.source_id for m in matches} == {"release", "wire"}
    assert summary.sources == tuple(m.source_id for m in matches)
    total = _words(article_sents)
    derived = _words(quoted + release[6:10] + wire_own[:5])
    assert summary.words == total
    assert summary.verbatim_words + summary.rewritten_words + summary.new_words == total
    # Union of both sources, each word once: not the sum of the two matches' shares.
    assert sum(m.article_share for m in matches) > summary.derived_share
    assert abs(summary.derived_share - derived / total) <= 0.03
    assert summary.derived_share >= max(m.article_share for m in matches)
    assert summary.derivation == "partially-derived"


def test_unrelated_article_is_not_derived() -> None:
    rng = random.Random(3)
    pr = doc("pr", join(sentences(rng, 300)))
    story = doc("story", join(sentences(rng, 300)))
    matches, summary = ReuseEngine([pr], [story]).reuse(story)
    assert matches == [] and summary.derivation == "not-derived" and summary.derived_share == 0.0
    assert summary.new_words == summary.words == len(story.text.split())


def test_meter_classes_follow_documented_thresholds() -> None:
    assert derivation_for(1.0) == derivation_for(WHOLLY_DERIVED) == "wholly-derived"
    assert derivation_for(WHOLLY_DERIVED - 0.01) == "partially-derived"
    assert derivation_for(0.2) == "partially-derived"
    assert derivation_for(0.19) == "not-derived"
    rng = random.Random(5)
    source = sentences(rng, 300)
    copy = doc("copy", join(source))
    m = ReuseEngine([doc("src", join(source))], [copy]).matches(copy)[0]
    assert m.derivation == "wholly-derived" and m.label == "duplicate"


def test_word_kinds_combine_best_per_word() -> None:
    a = np.array([NEW, REWRITTEN, NEW, VERBATIM, IGNORED], dtype=np.uint8)
    b = np.array([REWRITTEN, VERBATIM, NEW, NEW, IGNORED], dtype=np.uint8)
    assert combine_kinds([a, b]).tolist() == [REWRITTEN, VERBATIM, NEW, VERBATIM, IGNORED]
    assert combine_kinds([a]) is not a


FOOTER = ["Follow Us On Facebook", "Sign up for our daily newsletter", "Share on X",
          "Copyright 2024 Example Media"]


def test_shared_furniture_is_no_evidence_of_reuse() -> None:
    rng = random.Random(9)
    # Two unrelated stories from one site share their page furniture, nothing else.
    a_text = "Connect with us\n\n" + join(sentences(rng, 45)) + "\n\n" + "\n".join(FOOTER)
    b_text = "Connect with us\n\n" + join(sentences(rng, 45)) + "\n\n" + "\n".join(FOOTER)
    a, b = doc("a", a_text), doc("b", b_text)
    plain = ReuseEngine([b], [a]).matches(a)
    assert plain and plain[0].source_id == "b"  # without boilerplate the footer looks copied
    engine = ReuseEngine([b], [a], boilerplate=Boilerplate())
    matches, summary = engine.reuse(a)
    assert matches == []
    furniture_words = sum(len(line.split()) for line in ["Connect with us", *FOOTER])
    assert summary.words == len(a_text.split()) - furniture_words


def test_furniture_words_leave_the_share_of_a_real_copy() -> None:
    rng = random.Random(12)
    body = sentences(rng, 200)
    source = doc("src", join(body))
    own = sentences(rng, 200)
    article = doc("art", join(body[: len(body) // 2] + own) + "\n\n" + "\n".join(FOOTER))
    al = align(article, source)
    ignore = np.zeros(len(al.word_kinds), dtype=bool)
    furniture = sum(len(line.split()) for line in FOOTER)
    ignore[-furniture:] = True
    masked = align(article, source, ignore=ignore)
    counted = masked.verbatim_words + masked.rewritten_words + masked.new_words
    assert counted == len(article.text.split()) - furniture
    assert masked.article_share > al.article_share  # footer words no longer in the denominator
    assert (masked.word_kinds[-furniture:] == IGNORED).all()
    for p in masked.passages:
        assert p.text == article.text[p.start : p.end]


def test_recurring_lines_learned_from_three_documents() -> None:
    texts = [f"Story {i} text here.\nSubscribe for more updates daily" for i in range(3)]
    lines = recurring_lines(texts)
    assert "subscribe for more updates daily" in lines
    assert recurring_lines(texts[:2]) == frozenset()
    text = texts[0]
    spans = Boilerplate(lines).spans(text)
    assert [text[s:e] for s, e in spans] == ["Subscribe for more updates daily"]


def test_audit_reports_articles_table() -> None:
    rng = random.Random(4)
    release = sentences(rng, 300)
    pr = doc("pr", join(release))
    story = doc("story", join(release[:8] + sentences(rng, 150)))
    other = doc("other", join(sentences(rng, 200)))
    report = audit_documents([story, other], [pr], config=Config(select=("reuse",)))
    rows = report.articles.set_index("doc_id")
    assert rows.loc["story", "derivation"] == "partially-derived"
    assert rows.loc["story", "sources"] == "pr"
    assert 0.3 < rows.loc["story", "derived_share"] < 0.7
    assert rows.loc["other", "derivation"] == "not-derived" and rows.loc["other", "sources"] == ""
    assert [a.doc_id for a in report.data.articles] == ["story", "other"]
    assert report.matches.loc[0, "derivation"] == "partially-derived"
