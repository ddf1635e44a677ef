"""The batch (numpy) reading of the index gives exactly what the tokenizer and the per-document code give.

- qualcheck.index.fastscan.read_texts against qualcheck.index.scan.word_spans (itself tested
  against qualcheck.text.tokenize): the same tokens, offsets and word hashes, text by text;
- qualcheck.index.fastvocab.add_batch against VocabularyDelta.apply of doc_vocabulary(tokenize);
- qualcheck.index.batchsign against shingles_from_hashes and Signer.values, document by document;
- qualcheck.index.parallel.prepare_part (batch) against the per-document _prepare, with texts
  the batch path leaves to the regex (URLs, handles...) mixed in, and with a forced key collision.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_index_scan import EDGE_CASES, bbc_texts

from qualcheck.index import fastscan, parallel
from qualcheck.index.batchsign import minhash_values, shingle_sets
from qualcheck.index.fastscan import needs_regex, read_texts
from qualcheck.index.fastvocab import add_batch
from qualcheck.index.scan import word_spans
from qualcheck.index.shingles import shingles_from_hashes, surface_hashes
from qualcheck.index.signatures import Signer
from qualcheck.index.store import IndexSettings
from qualcheck.index.vocab_delta import VocabularyDelta, doc_vocabulary
from qualcheck.text import tokenize
from qualcheck.types import Document

PIECES = [*"abcXYZ019 .,;:!?'’-—–\n\t/_()\"“”…", "Mr", "Dr", "e", "U", "co",
          "İ", "ß", "²", "½", "٣", "😀", "𝐀"]  # fmt: skip
TEXTS = st.lists(st.sampled_from(PIECES), max_size=80).map("".join)
FAST_EDGES = [t for t in EDGE_CASES if not needs_regex(t)]
MORE = [
    "3.5x7 1,000,000 10:30 1/2 3-year 1990s-style abc-3d 5x7 3.abc 12abc3 2,x 4.5.6a 7. 8",
    "Lee's well-known, don't it’s rock'n'roll - -x x- x--y O'Neil’s ’tis 'quoted'",
    "Mr. Smith met J. Doe. Then St. Mark's. no. 5 vs. Co.\nNEW LINE. u.s. e.g.x",
    "Headline In Title Case\n\nbody starts here. “Quoted start” (paren start) — dash start; semi",
    "😀abc 𝐀𝐁 x😀y ½x ²abc Ⅻ ①",
    "1.2.3 1.2a.3 1a.2 1.a2 12,34ab-cd a'9 9'a a.9 9.9.9a9 1/2/3x 7:30pm 4,5,6 ٣.٤ 1.٣a 3’s a’-b",
]


def assert_batch_equals_regex(texts: list[str]) -> None:
    batch = read_texts(texts)
    hashes = batch.word_hashes()
    assert batch.bounds.size == len(texts) + 1
    for i, text in enumerate(texts):
        words, spans = word_spans(text)
        lo, hi = int(batch.bounds[i]), int(batch.bounds[i + 1])
        assert [batch.text_of(k) for k in range(lo, hi)] == words
        offsets = batch.offsets(i)
        assert offsets.ravel().tolist() == spans
        assert all(text[s:e] == w for (s, e), w in zip(offsets.tolist(), words, strict=True))
        assert np.array_equal(hashes[lo:hi], surface_hashes(words))
    one_by_one, at_once = VocabularyDelta(), VocabularyDelta()
    for i, text in enumerate(texts):
        one_by_one.apply(doc_vocabulary(tokenize(text)), +1, 3 * i)
    add_batch(at_once, batch, np.arange(len(texts), dtype=np.int64) * 3)
    assert at_once.forms == one_by_one.forms and at_once.norms == one_by_one.norms


def test_batch_equals_the_regex_on_edge_cases() -> None:
    assert_batch_equals_regex(FAST_EDGES + MORE)
    assert_batch_equals_regex(["", "x", ""])  # empty texts and a one-word text


def test_batch_tokens_on_a_hand_checked_example() -> None:
    batch = read_texts(["Mr. Lee's 3.5% rise, 3-year U.S. well-known 5x7"])
    got = [batch.text_of(k) for k in range(len(batch.keys))]
    assert got == ["Mr", "Lee's", "3.5", "rise", "3", "year", "U", "S", "well-known", "5x7"]
    assert not got.count("3.5%") and not got.count("U.S")  # punctuation is never inside a token


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=4))
def test_batch_equals_the_regex_on_generated_text(texts: list[str]) -> None:
    assert_batch_equals_regex(texts)


def test_batch_equals_the_regex_on_every_bbc_article() -> None:
    texts = [t for t in bbc_texts() if not needs_regex(t)]
    assert len(texts) > 2000
    for i in range(0, len(texts), 500):
        assert_batch_equals_regex(texts[i : i + 500])


def test_texts_that_may_hold_urls_are_refused() -> None:
    for text in ("see http://x.org", "www.x.org", "mail a@b.com", "#tag"):
        assert needs_regex(text)
        with pytest.raises(ValueError, match="regex"):
            read_texts(["fine", text])
    assert not needs_regex("a plain text, with 3.5% and Lee's")


def test_batch_shingles_and_minhash_equal_document_by_document() -> None:
    signer = Signer(num_perm=64, shingle_size=3, seed=5)
    rng = np.random.default_rng(4)
    lengths = [0, 1, 2, 3, 4, 500, 0, 2, 9000]  # shorter than k, empty, longer than Signer's block
    docs = [rng.integers(0, 2**63, n, dtype=np.int64).astype(np.uint64) for n in lengths]
    bounds = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    values, cuts = shingle_sets(np.concatenate(docs), bounds, 3)
    signatures = minhash_values(signer, values, cuts)
    for i, hashes in enumerate(docs):
        expected = shingles_from_hashes(hashes, 3)
        assert np.array_equal(values[cuts[i] : cuts[i + 1]], expected)
        assert np.array_equal(signatures[i], signer.values(expected))
    assert cuts[1] == cuts[0] and cuts[2] - cuts[1] == 1  # empty: no shingle; one word: one


def _documents() -> list[Document]:
    texts = [*EDGE_CASES, *MORE, "a b", "", "@x plain words here and there", *bbc_texts()[:120]]
    return [Document(f"d{i}", f"d{i}.txt", t, meta={"n": str(i)}) for i, t in enumerate(texts)]


def assert_part_equals_per_document(docs: list[Document]) -> None:
    settings_ = IndexSettings()
    records, signatures, delta = parallel.prepare_part([parallel._row(d) for d in docs], settings_)
    reference = [parallel._prepare(d, settings_) for d in docs]
    assert records == [r for r, _, _ in reference]
    assert signatures == [s for _, s, _ in reference]
    expected = VocabularyDelta()
    expected.add_scans([s for _, _, s in reference])
    assert delta.forms == expected.forms and delta.norms == expected.norms


def test_prepare_part_equals_per_document_prepare() -> None:
    docs = _documents()
    assert any(needs_regex(d.text) for d in docs) and not all(needs_regex(d.text) for d in docs)
    assert_part_equals_per_document(docs)


def test_a_key_collision_falls_back_to_the_regex(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastscan, "_distinct", lambda *args: None)
    with pytest.raises(ValueError, match="64-bit key"):
        read_texts(["a b c"])
    assert_part_equals_per_document(_documents()[:40])


def test_texts_are_read_in_groups_of_bounded_size(monkeypatch: pytest.MonkeyPatch) -> None:
    assert fastscan.text_groups([5, 5, 5, 20, 0, 5], limit=12) == [[0, 1], [2], [3], [4, 5]]
    assert fastscan.text_groups([]) == []
    monkeypatch.setattr(fastscan, "BATCH_CHARS", 3000)  # many small batches, summed as one
    assert_part_equals_per_document(_documents())
