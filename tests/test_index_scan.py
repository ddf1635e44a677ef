"""The fast paths of the index give exactly what the slow, obvious code gives.

- qualcheck.index.scan against qualcheck.text.tokenize: the same words, offsets and vocabulary
  counts, on hand-written edge cases, generated text (hypothesis) and, when the evaluation data
  is present, all 2,225 BBC articles;
- Signer.values against datasketch's own ``MinHash(scheme="affine32").update_batch``;
- VocabularyDelta.add_scans against applying each document's doc_vocabulary in turn;
- the packed postings (qualcheck.index.postings): encode/decode round trips and merge plans.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcheck.index import TokenStream
from qualcheck.index.postings import FANOUT, band_ids, bits_for, decode, encode, level_of, plan_merges, widths
from qualcheck.index.scan import scan, scan_text, surface_words, word_spans
from qualcheck.index.signatures import Signer
from qualcheck.index.vocab_delta import VocabularyDelta, doc_vocabulary
from qualcheck.text import normalized_words, tokenize, words

EDGE_CASES = [
    "",
    "   \n\n ",
    "Mr. Lee met Dr. J. Smith. Then @sm said #wow at www.x.org/a. Mail a.b@c.com, ok",
    "İstanbul ß x_y a—b -- c “Quote” (Par) ... Ô² RincÃ³n ²abc ½x",
    "3.5% of 2nd U.S. data.\n\nThe End Of Days\nSM's plan, Sm's view: SM’s rival; sm.",
    "HEADLINE IN CAPS\nThe Title Case Line Here\nbody text. another: line\n- dash start",
    "e.g. etc. Inc. no. 5 vs. Co. — St. Mark's “Hello,” she said.'Yes' (he nodded).",
    "http://EXAMPLE.com HTTP://x.org WWW.caps.org www.lower.org/x?y=1. done",
    "a\tb\r\nc\u2028d\u00a0e __init__ _x x_ 12_34 Ⅻ ①",
]
PIECES = [*"abcXYZ019 .,;:!?'’-—\n@#/_()\"“”", "http://", "www.", "Mr", "İ", "ß", "²"]
ALPHABET = st.sampled_from(PIECES)
TEXTS = st.lists(ALPHABET, max_size=60).map("".join)


def bbc_texts() -> list[str]:
    root = Path(os.environ.get("QUALCHECK_EVAL_DATA", Path(__file__).parents[2] / "shared" / "eval"))
    files = sorted((root / "bbc-news" / "bbc").glob("*/*.txt"))
    if not files:
        pytest.skip(f"evaluation data not found at {root} (set QUALCHECK_EVAL_DATA)")
    return [f.read_text(encoding="latin-1") for f in files]


def assert_same_as_tokenizer(text: str) -> None:
    toks = tokenize(text)
    ws = words(toks)
    assert surface_words(text) == [t.text for t in ws]
    assert word_spans(text) == ([t.text for t in ws], [o for t in ws for o in (t.start, t.end)])
    got_words, got_vocabulary = scan(text)
    expected = doc_vocabulary(toks)
    assert got_words == [t.text for t in ws]
    assert got_vocabulary == expected and list(got_vocabulary) == list(expected)  # same order
    stream = TokenStream.of(text)
    reference = TokenStream.from_words(*normalized_words(text))
    assert np.array_equal(stream.hashes, reference.hashes)
    assert np.array_equal(stream.offsets, reference.offsets)


@pytest.mark.parametrize("text", EDGE_CASES)
def test_scan_equals_the_tokenizer_on_edge_cases(text: str) -> None:
    assert_same_as_tokenizer(text)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_scan_equals_the_tokenizer_on_generated_text(text: str) -> None:
    assert_same_as_tokenizer(text)


def test_scan_equals_the_tokenizer_on_every_bbc_article() -> None:
    for text in bbc_texts():
        assert_same_as_tokenizer(text)


def test_part_vocabulary_equals_document_by_document() -> None:
    texts = [*EDGE_CASES, *random.Random(2).sample(EDGE_CASES * 3, 12)]
    one_by_one, at_once = VocabularyDelta(), VocabularyDelta()
    for i, text in enumerate(texts):
        one_by_one.apply(doc_vocabulary(tokenize(text)), +1, i)
    at_once.add_scans([scan_text(t) for t in texts])
    assert at_once.forms == one_by_one.forms and at_once.norms == one_by_one.norms


@pytest.mark.parametrize("num_perm", [16, 128, 256])
def test_signer_values_are_datasketch_affine32(num_perm: int) -> None:
    rng = np.random.default_rng(num_perm)
    signer = Signer(num_perm=num_perm, seed=7)
    for n in (0, 1, 3, 400, 5000):  # 5000 > Signer's block: values are minima across blocks
        shingles = np.unique(rng.integers(0, 2**32, n, dtype=np.uint64)).astype(np.uint32)
        reference = MinHash(num_perm=num_perm, seed=7, hashfunc=lambda v: v, scheme="affine32")
        if n:
            reference.update_batch(shingles.tolist())
        assert np.array_equal(signer.values(shingles), reference.hashvalues)
        assert signer.sign_shingles(shingles) == LeanMinHash(reference)


def test_postings_round_trip_at_every_bucket_width() -> None:
    rng = np.random.default_rng(3)
    keys = rng.integers(0, 256 << 32, 3000, dtype=np.int64)
    docs = rng.integers(1, 10**6, 3000, dtype=np.int64).astype(np.uint32)
    h = band_ids(keys)
    for bits in (0, 1, 7, 15, 16):
        for keys in (docs, docs + np.uint32(1 << 25)):  # spans under and over 2**24 keys
            layout = widths(bits, keys)
            buckets = encode(h, keys, bits, layout)
            assert all(0 <= b < (1 << bits) if bits else b == 0 for b in buckets)
            back = decode(sorted(buckets.items()), bits, layout)
            pairs = sorted(set(zip(h.tolist(), keys.tolist(), strict=True)))
            assert sorted(zip(back[0].tolist(), back[1].tolist(), strict=True)) == pairs
            width = (2 if bits == 16 else 4) + 3
            assert sum(len(b) for b in buckets.values()) == width * len(pairs)
    wide = np.array([5, 5 + (1 << 24)], dtype=np.uint32)
    assert widths(16, wide) == (2, 4, 5) and widths(3, wide[:1]) == (4, 3, 5)


def test_segment_sizes_and_merge_plans() -> None:
    assert [bits_for(n) for n in (0, 64, 65, 256 * 1000, 10**9)] == [0, 0, 1, 12, 16]
    assert [level_of(n) for n in (1, 1 << 16, (1 << 16) + 1, 1 << 18, (1 << 18) + 1)] == [0, 0, 1, 1, 2]
    small = [(seg, 1000) for seg in range(1, FANOUT)]
    assert plan_merges(small) is None
    assert plan_merges([*small, (9, 1000)]) == [1, 2, 3, 9][:FANOUT]
    big = [(seg, 300_000) for seg in range(10, 10 + FANOUT)]
    assert plan_merges([*big, *small]) == list(range(10, 10 + FANOUT))  # the lowest full tier first
