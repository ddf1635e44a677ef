"""Candidate recall against exact brute force: does the LSH search lose any true source?

Every BBC News article (2,225) is audited against all the others. A *true source* of an
article is any other article that supplies at least ``min_share`` (0.2, the reporting
threshold) of its words by exact alignment (:func:`qualcheck.index.align`), found by brute
force: the word 3-shingle overlap of every pair is counted at once (a sparse document x
shingle matrix times its transpose), and every pair sharing at least ``--screen`` of the
article's 3-shingles is aligned. The screen cannot lose a source: a passage is made of
identical runs of 3 or more words with gaps of at most ``MAX_GAP`` words, so a share ``s``
holds at least ``s / (MAX_GAP + 3)`` of the article's shingles (0.018 at s = 0.2, MAX_GAP 8);
the default screen is half of that.

The engine then pairs re-worded sentences of each verified candidate
(:mod:`qualcheck.index.sentences`), which can lift a pair's share above 0.2 without more
shared 3-shingles; a second truth adds those pairs, for every screened pair with at least one
word-aligned passage (the evidence the sentence pass asks for). The screen bound above holds
for the word share only, and sources found by sentence pairs alone are not brute-forced.

qualcheck's candidate stage (``ReuseEngine.candidates``: MinHash LSH Ensemble containment
search) is then asked for each article; recall is the share of true (article, source) pairs
among its candidates, and of its verified matches. The issue's target: the candidate stage
loses at most 1% of true sources. The same is measured for the persistent index (every
article in a temporary SQLite index, ``ReuseEngine.from_index``: one-row LSH bands, the
binomial rule, the Bloom filter bound and the exact containment check).

    python -m bench.candidates_recall [--limit N] [--screen 0.009]
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from bench.common import base_parser, emit, rate, require_data
from qualcheck.index import ReuseEngine, TokenStream, align
from qualcheck.index.align import MAX_GAP
from qualcheck.index.persistent import open_index
from qualcheck.index.sentences import add_sentences
from qualcheck.load import load_paths

NAME = "candidates_recall"
MIN_SHARE = 0.2


def overlap_matrix(shingles: list[np.ndarray]) -> sparse.csr_matrix:
    """Shared distinct 3-shingles of every pair of documents (documents x documents)."""
    vocab = {h: i for i, h in enumerate(np.unique(np.concatenate(shingles)).tolist())}
    rows = np.repeat(np.arange(len(shingles)), [len(s) for s in shingles])
    cols = np.array([vocab[h] for s in shingles for h in s.tolist()], dtype=np.int64)
    ones = np.ones(len(cols), dtype=np.int32)
    m = sparse.csr_matrix((ones, (rows, cols)), shape=(len(shingles), len(vocab)))
    return (m @ m.T).tocsr()


def _short(doc_id: str) -> str:
    return doc_id.split("bbc/")[-1]


def main() -> None:
    parser = base_parser(__doc__.split("\n", 1)[0])
    parser.add_argument("--limit", type=int, help="articles queried (default all); all stay in the corpus")
    parser.add_argument("--screen", type=float, default=0.009,
                        help="shingle overlap from which a pair is aligned")
    args = parser.parse_args()
    started = time.perf_counter()
    root = require_data("bbc-news", "bbc")
    topics = [p for p in sorted(root.iterdir()) if p.is_dir()]
    docs = sorted(load_paths(topics).documents, key=lambda d: d.doc_id)
    queries = list(range(len(docs)))
    if args.limit:
        queries = sorted(random.Random(args.seed).sample(queries, min(args.limit, len(docs))))
    t0 = time.perf_counter()
    streams = [TokenStream.of(d.text) for d in docs]
    shingles = [s.shingles(3, bits=64) for s in streams]
    shared = overlap_matrix(shingles)
    truth: set[tuple[int, int]] = set()
    with_sentences: set[tuple[int, int]] = set()  # word share, or share with sentence pairs, >= 0.2
    aligned = 0
    for q in queries:
        row = shared.getrow(q)
        size = max(len(shingles[q]), 1)
        for j, n in zip(row.indices.tolist(), row.data.tolist(), strict=True):
            if j == q or n / size < args.screen:
                continue
            aligned += 1
            al = align(docs[q], docs[j], article_tokens=streams[q], source_tokens=streams[j])
            if al.article_share >= MIN_SHARE:
                truth.add((q, j))
            elif al.passages:
                al = add_sentences(al, docs[q], docs[j], article_tokens=streams[q], source_tokens=streams[j])
            if al.article_share >= MIN_SHARE:
                with_sentences.add((q, j))
    brute_seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    engine = ReuseEngine([], docs)
    index_of = {d.doc_id: i for i, d in enumerate(docs)}
    found: set[tuple[int, int]] = set()
    matched: set[tuple[int, int]] = set()
    candidates = 0
    for q in queries:
        cands = engine.candidates(docs[q])
        candidates += len(cands)
        found.update((q, index_of[c.doc_id]) for c in cands)
        matched.update((q, index_of[m.source_id]) for m in engine.matches(docs[q]))
    qc_seconds = time.perf_counter() - t1
    t2 = time.perf_counter()
    in_index: set[tuple[int, int]] = set()
    index_candidates = 0
    with tempfile.TemporaryDirectory() as tmp, open_index(Path(tmp) / "bbc.qcx", create=True) as index:
        index.add(docs)
        persistent = ReuseEngine.from_index(index)
        for q in queries:
            cands = persistent.candidates(docs[q])
            index_candidates += len(cands)
            in_index.update((q, index_of[c.doc_id]) for c in cands)
    index_seconds = time.perf_counter() - t2
    lost = sorted(truth - found)
    metrics: dict[str, Any] = {
        "articles": len(docs), "queried": len(queries), "min_share": MIN_SHARE, "screen": args.screen,
        "screen_bound": round(MIN_SHARE / (MAX_GAP + 3), 4), "pairs_aligned_by_brute_force": aligned,
        "true_pairs": len(truth), "candidate_recall": rate(len(truth & found), len(truth)),
        "match_recall": rate(len(truth & matched), len(truth)),
        "matches_not_true": len(matched - truth),
        "true_pairs_with_sentence_pairs": len(with_sentences),
        "candidate_recall_with_sentence_pairs": rate(len(with_sentences & found), len(with_sentences)),
        "match_recall_with_sentence_pairs": rate(len(with_sentences & matched), len(with_sentences)),
        "matches_not_true_with_sentence_pairs": len(matched - with_sentences),
        "lost_with_sentence_pairs": [(_short(docs[q].doc_id), _short(docs[j].doc_id))
                                     for q, j in sorted(with_sentences - found)[:10]],
        "candidates_per_query": rate(candidates, len(queries), 2),
        "index_candidate_recall": rate(len(truth & in_index), len(truth)),
        "index_candidate_recall_with_sentence_pairs": rate(len(with_sentences & in_index),
                                                           len(with_sentences)),
        "index_candidates_per_query": rate(index_candidates, len(queries), 2),
        "index_lost_examples": [(_short(docs[q].doc_id), _short(docs[j].doc_id))
                                for q, j in sorted(truth - in_index)[:10]],
        "index_seconds": round(index_seconds, 1),
        "lost_examples": [(_short(docs[q].doc_id), _short(docs[j].doc_id)) for q, j in lost[:10]],
        "brute_force_seconds": round(brute_seconds, 1), "qualcheck_seconds": round(qc_seconds, 1),
        "engine_query_seconds": round(engine.stats.query_seconds, 2),
        "engine_sentence_pass_seconds": round(engine.stats.sentence_seconds, 2),
    }
    print(f"{len(truth)} true (article, source) pairs by brute force ({aligned} pairs aligned); "
          f"candidate recall {metrics['candidate_recall']}, match recall {metrics['match_recall']}, "
          f"{metrics['candidates_per_query']} candidates per query; brute force {brute_seconds:.0f} s, "
          f"qualcheck {qc_seconds:.0f} s")
    print(f"with sentence pairs: {len(with_sentences)} true pairs; candidate recall "
          f"{metrics['candidate_recall_with_sentence_pairs']}, match recall "
          f"{metrics['match_recall_with_sentence_pairs']}, matches not true "
          f"{metrics['matches_not_true_with_sentence_pairs']}; "
          f"sentence pass {engine.stats.sentence_seconds:.2f} s of {engine.stats.query_seconds:.2f} s")
    print(f"persistent index: candidate recall {metrics['index_candidate_recall']} "
          f"({metrics['index_candidate_recall_with_sentence_pairs']} with sentence pairs), "
          f"{metrics['index_candidates_per_query']} candidates per query (exactly checked); "
          f"{index_seconds:.0f} s")
    emit(NAME, metrics, args.json_out, started)


if __name__ == "__main__":
    main()
