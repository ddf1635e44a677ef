"""Behaviour of the reuse engine (qualcheck.index) on synthetic news-like texts.

Texts are generated from a fixed pseudo-word vocabulary with a skewed (Zipf-like) word
distribution and frequent function words, so unrelated texts share common trigrams the way
real articles do ("of the", "said the"), while the expected shares are known exactly.
"""

from __future__ import annotations

import hashlib
import random
import statistics
import time

import numpy as np
import pytest
from synthetic import copy_article, doc, join, nwords, recall_pairs, rewrite, sentences

from qualcheck.index import ContainmentIndex, ReuseEngine, Signer, TokenStream, align, containment, label_for
from qualcheck.index.sentences import add_sentences
from qualcheck.index.shingles import kgram_hashes, shingle_hashes, word_hash
from qualcheck.types import Document


def check_offsets(article: Document, sources: dict[str, Document], matches: list) -> None:
    for m in matches:
        for p in m.passages:
            assert p.text == article.text[p.start : p.end]
            assert p.source_text == sources[p.source_id].text[p.source_start : p.source_end]
            assert p.doc_id == article.doc_id and p.source_id == m.source_id


# --- shingles and signatures -------------------------------------------------------------


def test_word_hash_is_stable_blake2b() -> None:
    expected = int.from_bytes(hashlib.blake2b(b"press", digest_size=8).digest(), "little")
    assert word_hash("press") == expected  # not Python's per-process salted hash()


def test_shingles_unique_short_and_empty() -> None:
    words = "a b c a b c a b".split()
    assert len(shingle_hashes(words, 3)) == 3  # abc, bca, cab
    assert shingle_hashes(words, 3).dtype == np.uint32
    assert shingle_hashes(words, 3, bits=64).dtype == np.uint64
    assert len(shingle_hashes(["only", "two"], 5)) == 1  # shorter than k: one shingle
    assert len(shingle_hashes([], 3)) == 0
    ts = TokenStream.of("Only two")
    assert kgram_hashes(ts.hashes, 5).tolist() == kgram_hashes(ts.hashes, 2).tolist()
    with pytest.raises(ValueError, match="k must be >= 1"):
        shingle_hashes(words, 0)


def test_signer_validates_and_estimates_jaccard() -> None:
    with pytest.raises(ValueError, match="num_perm must be an integer >= 16"):
        Signer(num_perm=8)
    with pytest.raises(ValueError, match="shingle_size"):
        Signer(shingle_size=0)
    rng = random.Random(1)
    words = " ".join(sentences(rng, 600)).lower().replace(".", "").split()
    other = words[:400] + " ".join(sentences(rng, 200)).lower().replace(".", "").split()
    signer = Signer(num_perm=256)
    a, b = signer.shingles(words), signer.shingles(other)
    exact = len(np.intersect1d(a, b)) / len(np.union1d(a, b))
    assert abs(signer.sign(words).jaccard(signer.sign(other)) - exact) < 0.08
    assert signer.sign(words) == Signer(num_perm=256).sign(words)


# --- alignment -----------------------------------------------------------------------------


def test_copy_of_60_percent_of_sentences() -> None:
    rng = random.Random(11)
    src = sentences(rng, 800)
    pool = list(range(len(src)))
    rng.shuffle(pool)
    keep = sorted(pool[: int(0.6 * len(src))])
    art = [src[i] for i in keep] + sentences(rng, 350)
    expected = sum(nwords(src[i]) for i in keep) / sum(nwords(s) for s in art)
    source, article = doc("pr", join(src)), doc("a", join(art))
    al = align(article, source)
    assert abs(al.article_share - expected) <= 0.05, (al.article_share, expected)
    assert al.verbatim_words + al.rewritten_words + al.new_words == len(TokenStream.of(article.text))
    assert al.rewritten_words == 0 and all(p.kind == "verbatim" for p in al.passages)
    for p in al.passages:
        assert p.text == article.text[p.start : p.end]
        assert p.source_text == source.text[p.source_start : p.source_end]
        assert p.tokens == p.matched_tokens >= 8
    matches = ReuseEngine([source], [article]).matches(article)
    assert [(m.source_id, m.label) for m in matches] == [("pr", "rewrite")]
    check_offsets(article, {"pr": source}, matches)


def test_reordered_and_repeated_source_text_counted_once() -> None:
    rng = random.Random(12)
    para = [sentences(rng, 60) for _ in range(5)]
    source = doc("pr", join([s for p in para for s in p] + para[0]))  # first paragraph twice
    article = doc("a", join(para[3] + para[0] + para[1]))  # reordered
    al = align(article, source)
    assert al.article_share == pytest.approx(1.0)
    spans = sorted((p.start, p.end) for p in al.passages)
    assert all(e1 <= s2 for (_, e1), (s2, _) in zip(spans, spans[1:], strict=False))  # disjoint
    assert sum(p.tokens for p in al.passages) == len(TokenStream.of(article.text))
    n_words = [sum(nwords(s) for s in p) for p in para]
    assert al.source_share == pytest.approx(
        (n_words[3] + n_words[0] + n_words[1]) / (sum(n_words) + n_words[0])
    )


def test_light_rewrite_is_labelled_rewrite() -> None:
    rng = random.Random(13)
    src = sentences(rng, 500)
    source = doc("pr", join(src))
    article = doc("a", join(rewrite(rng, src) + sentences(rng, 100)))
    matches = ReuseEngine([source], [article]).matches(article)
    assert [(m.source_id, m.label) for m in matches] == [("pr", "rewrite")]
    al = align(article, source)
    assert al.rewritten_words > 0 and al.verbatim_words > al.rewritten_words
    assert 0.75 < al.article_share < 0.9 and al.jaccard < 0.7
    assert any(p.kind == "rewritten" and p.matched_tokens < p.tokens for p in al.passages)
    check_offsets(article, {"pr": source}, matches)


def test_alignment_speed_two_1000_word_articles() -> None:
    rng = random.Random(14)
    src = sentences(rng, 1000)
    source = doc("pr", join(src))
    article = doc("a", join(rewrite(rng, src[: len(src) // 2]) + sentences(rng, 500)))
    at, st = TokenStream.of(article.text), TokenStream.of(source.text)
    times = []
    for _ in range(30):
        t = time.perf_counter()
        align(article, source, article_tokens=at, source_tokens=st)
        times.append(time.perf_counter() - t)
    ms = statistics.median(times) * 1000
    print(f"\nalign 1000x1000 words: {ms:.2f} ms median")
    assert ms < 10


# --- engine --------------------------------------------------------------------------------


def test_long_source_found_by_containment() -> None:
    rng = random.Random(15)
    src = sentences(rng, 5000)
    art, _ = copy_article(rng, src, 0.4, 300)
    source, article = doc("pr", join(src)), doc("a", join(art))
    others = [doc(f"x{i}", join(sentences(rng, 400))) for i in range(30)]
    engine = ReuseEngine([source, *others], [article])
    s = engine.signer
    a_sh, s_sh = (TokenStream.of(d.text).shingles(s.shingle_size) for d in (article, source))
    assert (
        containment(a_sh, s_sh) > 0.3 and len(np.intersect1d(a_sh, s_sh)) / len(np.union1d(a_sh, s_sh)) < 0.03
    )
    assert "pr" in [d.doc_id for d in engine.candidates(article)]
    matches = engine.matches(article)
    assert [(m.source_id, m.label) for m in matches] == [("pr", "partial-reuse")]
    assert 0.35 < matches[0].article_share < 0.45 and matches[0].source_share < 0.04


def test_unrelated_article_has_no_match() -> None:
    rng = random.Random(16)
    corpus = [doc(f"pr{i}", join(sentences(rng, 600))) for i in range(20)]
    article = doc("a", join(sentences(rng, 600)))
    assert ReuseEngine(corpus, [article]).matches(article) == []


def test_two_sources_and_audited_copies() -> None:
    rng = random.Random(17)
    release, wire = sentences(rng, 400), sentences(rng, 400)
    noise = [doc(f"x{i}", join(sentences(rng, 300))) for i in range(10)]
    corpus = [doc("release", join(release)), doc("wire", join(wire)), *noise]
    art = release[:8] + sentences(rng, 80) + wire[5:12]
    article = doc("a", join(art))
    twin = doc("b", article.text)  # another audited article with the same text
    copier = doc("c", join(art[:10] + sentences(rng, 200)))
    engine = ReuseEngine(corpus, [article, twin, copier])
    found = {m.source_id: m for m in engine.matches(article)}
    assert set(found) == {"release", "wire", "b", "c"}  # never itself
    assert found["b"].label == "duplicate" and found["b"].article_share == 1.0
    assert found["release"].label == "partial-reuse" and found["wire"].label == "partial-reuse"
    assert [m.source_id for m in engine.matches(twin)][0] == "a"  # each direction reported
    check_offsets(article, {d.doc_id: d for d in [*corpus, twin, copier]}, list(found.values()))
    assert engine.stats.documents == 15 and engine.stats.queries == 2


def test_determinism() -> None:
    rng = random.Random(18)
    src = sentences(rng, 600)
    corpus = [doc("pr", join(src))] + [doc(f"x{i}", join(sentences(rng, 300))) for i in range(10)]
    article = doc("a", join(rewrite(rng, src[:20]) + sentences(rng, 200)))
    first = ReuseEngine(corpus, [article]).matches(article)
    second = ReuseEngine(list(corpus), [article]).matches(article)
    assert first == second and first


def test_labels_and_bad_arguments() -> None:
    assert label_for(0.95, 0.9) == "duplicate"
    assert label_for(0.95, 0.45) == "rewrite"
    assert label_for(0.3, 0.1) == "partial-reuse"
    assert label_for(0.1, 0.1) is None
    with pytest.raises(ValueError, match="threshold"):
        ReuseEngine([], [], threshold=0.0)
    with pytest.raises(ValueError, match="num_perm"):
        ReuseEngine([], [], num_perm=4)
    assert ReuseEngine([], []).matches(doc("a", "Nothing indexed here at all.")) == []


# --- candidate recall against brute force ----------------------------------------------------


@pytest.fixture(scope="module")
def recall_set() -> tuple[list[Document], list[Document], ReuseEngine]:
    """~200 pairs (:func:`synthetic.recall_pairs`); sources are the corpus, articles the
    audited set (so every text is a possible source)."""
    sources, articles = recall_pairs()
    return sources, articles, ReuseEngine(sources, articles)


def test_candidate_recall_against_brute_force(recall_set) -> None:
    """Candidate stage vs exact shingle containment >= 0.2 over all 400 indexed texts."""
    sources, articles, engine = recall_set
    k = engine.signer.shingle_size
    shingles = {d.doc_id: TokenStream.of(d.text).shingles(k) for d in [*sources, *articles]}
    items = list(shingles.items())
    truth = found = returned = long_truth = long_found = 0
    for article in articles:
        sh = shingles[article.doc_id]
        got = {d.doc_id for d in engine.candidates(article)}
        assert article.doc_id not in got
        returned += len(got)
        exact = ContainmentIndex.brute_force(sh, [(key, s) for key, s in items if key != article.doc_id], 0.2)
        truth += len(exact)
        found += len(got.intersection(exact))
        long = [key for key in exact if len(shingles[key]) >= 5 * len(sh)]
        long_truth += len(long)
        long_found += len(got.intersection(long))
    recall = found / truth
    print(
        f"\ncandidate recall {found}/{truth} = {recall:.3f} "
        f"(sources >= 5x the article: {long_found}/{long_truth}); "
        f"{returned / len(articles):.1f} candidates per query of {len(items)} texts"
    )
    assert truth >= 150 and recall >= 0.95


def test_end_to_end_recall_against_exact_alignment(recall_set) -> None:
    """engine.matches vs exact alignment of each pair, word and sentence level (article_share
    >= 0.2 must be reported, with that share)."""
    sources, articles, engine = recall_set
    truth = found = 0
    for source, article in zip(sources, articles, strict=True):
        got = {m.source_id: m for m in engine.matches(article)}
        assert set(got) <= {source.doc_id}  # the pairs share nothing with each other
        share = add_sentences(align(article, source), article, source).article_share
        if share >= 0.2:
            truth += 1
            found += source.doc_id in got
            if source.doc_id in got:
                assert got[source.doc_id].article_share == share
    st = engine.stats
    print(
        f"\nend-to-end recall {found}/{truth} = {found / truth:.3f}; index {st.index_seconds:.2f} s, "
        f"{st.queries} queries {st.query_seconds:.2f} s, {st.candidates} candidates, {st.checked} aligned"
    )
    assert found / truth >= 0.95
