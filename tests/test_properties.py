"""Properties that hold for any input: offsets, line/column agreement, passage order, determinism."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcheck.api import audit, audit_documents
from qualcheck.index.align import align
from qualcheck.load import load_paths
from qualcheck.text import LineIndex
from qualcheck.types import Document

ROOT = Path(__file__).resolve().parents[1]
WORDS = ["the", "goverment", "Zepeto", "Zapeto", "SM", "Sm", "plan,w", "which", "the the", "courtsey",
         "Daejeon", "Daejon", "Lee Kwang-Hyung", "Lee Kwang Ho", "\n", "\n\n", ".", ",", "said", "KAIST",
         "é", "’s", "[sic]", "<!-- qualcheck: ignore -->", "`code`", "x", "1,000", "http://a.b/c"]
prose = st.lists(st.sampled_from(WORDS), min_size=0, max_size=60).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(prose, st.text(max_size=300)))
def test_every_finding_points_at_its_text(text: str) -> None:
    doc = Document("a.txt", "a.txt", text)
    report = audit_documents([doc])
    lines = LineIndex(text)
    for f in report.data.findings:
        assert 0 <= f.start <= f.end <= len(text)
        assert f.text == text[f.start : f.end]
        assert (f.line, f.column) == lines.position(f.start)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(WORDS[:14]), min_size=5, max_size=80), st.randoms(use_true_random=False))
def test_passages_are_in_range_ordered_and_disjoint(words: list[str], rnd: random.Random) -> None:
    source_words = words + ["and", "then", "more", "words", "here"] * 3
    article_words = source_words[:]
    for _ in range(len(article_words) // 5):
        article_words[rnd.randrange(len(article_words))] = rnd.choice(["new", "other", "text"])
    article = Document("a", "a", " ".join(article_words))
    source = Document("s", "s", " ".join(source_words))
    result = align(article, source)
    previous_end = -1
    for p in sorted(result.passages, key=lambda p: p.start):
        assert 0 <= p.start < p.end <= len(article.text)
        assert 0 <= p.source_start < p.source_end <= len(source.text)
        assert p.text == article.text[p.start : p.end]
        assert p.source_text == source.text[p.source_start : p.source_end]
        assert p.start > previous_end
        previous_end = p.end
    assert 0.0 <= result.article_share <= 1.0 and 0.0 <= result.source_share <= 1.0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400), st.sampled_from([".txt", ".md", ".html", ".csv", ".jsonl", ".parquet", ""]))
def test_loaders_never_raise_on_random_bytes(tmp_path_factory, data: bytes, suffix: str) -> None:
    folder = tmp_path_factory.mktemp("rnd")
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    result = load_paths([path])
    assert len(result.documents) + len([s for s in result.skipped if s.path == str(path)]) >= 1 or \
        any(s.path.startswith(str(path)) for s in result.skipped)
    for d in result.documents:
        assert isinstance(d.text, str)


def _csv(report) -> str:
    return report.findings.to_csv(index=False) + report.passages.to_csv(index=False)


def test_results_do_not_depend_on_file_order_or_run() -> None:
    articles = sorted((ROOT / "samples" / "articles").iterdir())
    corpus = [ROOT / "samples" / "corpus"]
    first = audit(articles, corpus=corpus)
    shuffled = articles[:]
    random.Random(7).shuffle(shuffled)
    second = audit(shuffled, corpus=corpus)
    assert _csv(first) == _csv(second)
    assert _csv(first) == _csv(audit(articles, corpus=corpus))
