"""Near-duplicate recall and precision on the BBC News articles (2,225), against exact Jaccard.

Truth is computed exactly: word 5-gram shingle sets (lower-case ``[a-z0-9]+`` tokens),
every pair with Jaccard >= 0.5, found through an inverted index of shingles (only pairs
sharing a shingle are counted, so no 2.5M full comparisons). qualcheck then audits all
articles as their own corpus with the reuse rules; a pair is found when either article has
a reuse finding naming the other. Precision is measured on what qualcheck calls a
near-duplicate: pairs whose strongest finding is ``reuse-duplicate`` (and, looser, duplicate
or rewrite), against the truth; every reuse finding is not a near-duplicate claim (partial
reuse is reported on purpose), so "any finding" has its own, lower, precision. Baseline in
the same run: datasketch MinHashLSH (threshold 0.5, 128 permutations) over the same shingles,
raw and with candidates verified by exact Jaccard >= 0.5.

    python -m bench.neardup_bbc [--limit N] [--json-out FILE]
"""

from __future__ import annotations

import random
import time
from collections import Counter
from itertools import combinations
from pathlib import Path
from typing import Any

from datasketch import MinHashLSH

from bench.common import (
    add_patch_option,
    apply_patches,
    base_parser,
    emit,
    minhash,
    rate,
    require_data,
    shingles,
    timed,
)
from qualcheck.api import audit_documents
from qualcheck.config import Config
from qualcheck.load import load_paths
from qualcheck.types import Document

NAME = "neardup_bbc"
Pair = tuple[str, str]
STRENGTH = ["reuse-duplicate", "reuse-rewrite", "reuse-partial", "~"]


def pair(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def shared_shingles(sets: dict[str, set[str]]) -> Counter[Pair]:
    """Number of shingles each pair of documents shares (pairs sharing none are absent)."""
    index: dict[str, list[str]] = {}
    for doc_id, sh in sets.items():
        for s in sh:
            index.setdefault(s, []).append(doc_id)
    shared: Counter[Pair] = Counter()
    for ids in index.values():
        if len(ids) > 1:
            shared.update(pair(a, b) for a, b in combinations(ids, 2))
    return shared


def short(doc_id: str) -> str:
    """``topic/NNN.txt`` for a BBC path."""
    return "/".join(Path(doc_id).parts[-2:])


def jaccard(p: Pair, inter: int, sets: dict[str, set[str]]) -> float:
    union = len(sets[p[0]]) + len(sets[p[1]]) - inter
    return inter / union if union else 0.0


def containment(p: Pair, inter: int, sets: dict[str, set[str]]) -> float:
    """The larger of the two shares: how much of the smaller-covered article is in the other."""
    smallest = min(len(sets[p[0]]), len(sets[p[1]]))
    return inter / smallest if smallest else 0.0


def judge(reported: dict[Pair, str], truth: dict[Pair, float], shared: Counter[Pair],
          sets: dict[str, set[str]]) -> dict[str, Any]:
    """Recall against the truth, by Jaccard band, and what the reported non-truth pairs are.

    ``reported`` maps each reported pair to its label (the strongest reuse rule).
    """
    found = reported.keys() & truth.keys()
    extra = sorted(reported.keys() - truth.keys())
    bands = {"exact (J=1)": (1.0, 1.01), "0.8-0.999": (0.8, 1.0), "0.5-0.8": (0.5, 0.8)}
    by_band = {}
    for band, (lo, hi) in bands.items():
        members = [p for p, j in truth.items() if lo <= round(j, 9) < hi]
        by_band[band] = {"true": len(members), "found": sum(p in found for p in members)}
    extra_c = [containment(p, shared.get(p, 0), sets) for p in extra]
    by_label: dict[str, list[float]] = {}
    for p, c in zip(extra, extra_c, strict=True):
        by_label.setdefault(reported[p], []).append(round(c, 3))
    spread = {k: {"n": len(v), "min": min(v), "median": sorted(v)[len(v) // 2], "max": max(v)}
              for k, v in by_label.items()}
    missed = sorted(((round(truth[p], 3), short(p[0]), short(p[1])) for p in truth.keys() - found),
                    reverse=True)
    return {
        "reported_pairs": len(reported), "found": len(found), "recall": rate(len(found), len(truth)),
        "recall_by_jaccard": by_band, "reported_not_true": len(extra),
        "reported_not_true_containment_ge_0.2": sum(c >= 0.2 for c in extra_c),
        "reported_not_true_containment_by_label": spread,
        "true_found_by_label": dict(Counter(reported[p] for p in found)),
        "missed_examples": missed[:10],
    }


def claimed(reported: dict[Pair, str], truth: dict[Pair, float], labels: set[str],
            shared: Counter[Pair], sets: dict[str, set[str]]) -> dict[str, Any]:
    """Precision and recall of the pairs whose label is in ``labels``, with the false ones."""
    chosen = {p for p, label in reported.items() if label in labels}
    tp = chosen & truth.keys()
    false = sorted(((round(jaccard(p, shared.get(p, 0), sets), 3), short(p[0]), short(p[1]))
                    for p in chosen - truth.keys()), reverse=True)
    return {"labels": sorted(labels), "reported": len(chosen), "true": len(tp),
            "precision": rate(len(tp), len(chosen)), "recall": rate(len(tp), len(truth)),
            "false_examples_jaccard": false[:10]}


def sentence_pairs(matches: Any) -> dict[str, Any]:
    """How many matches carry ``paraphrase`` passages (sentence pairs, :mod:`qualcheck.index.sentences`),
    and the lowest-share ones: those whose reporting may rest on the sentence pass."""
    with_pairs = [m for m in matches if any(p.kind == "paraphrase" for p in m.passages)]
    only = [m for m in with_pairs if all(p.kind == "paraphrase" for p in m.passages)]
    low = sorted(with_pairs, key=lambda m: m.article_share)[:10]
    return {"matches_with_paraphrase": len(with_pairs),
            "paraphrase_passages": sum(p.kind == "paraphrase" for m in with_pairs for p in m.passages),
            "matches_with_only_paraphrase": len(only),
            "lowest_share_examples": [
                (short(m.doc_id), short(m.source_id), m.label, round(m.article_share, 3),
                 sum(p.kind == "paraphrase" for p in m.passages)) for m in low]}


def run_qualcheck(docs: list[Document]) -> tuple[dict[Pair, str], dict[Pair, float], float, dict[str, Any]]:
    """The strongest reuse rule of each reported pair, the Jaccard of its match records, the
    audit's seconds and what the sentence pass contributed (:func:`sentence_pairs`)."""
    with timed() as t:
        report = audit_documents(docs, (), config=Config(select=("QC1",)))
        findings = report.findings
    id_of = {d.path: d.doc_id for d in docs}
    reported: dict[Pair, str] = {}
    for r in findings.itertuples(index=False):
        if str(r.rule).startswith("reuse-") and r.source:
            p = pair(str(r.doc_id), id_of.get(str(r.source), str(r.source)))
            reported[p] = min(reported.get(p, "~"), str(r.rule), key=STRENGTH.index)
    match_jaccard: dict[Pair, float] = {}
    for m in report.matches.itertuples(index=False):
        p = pair(str(m.doc_id), str(m.source_id))
        match_jaccard[p] = max(match_jaccard.get(p, 0.0), float(m.jaccard))
    return reported, match_jaccard, t.seconds, sentence_pairs(report.data.matches)


def run_minhash_lsh(sets: dict[str, set[str]]) -> tuple[dict[Pair, str], float]:
    """Every candidate pair, labelled ``lsh-verified`` when its exact Jaccard is >= 0.5."""
    with timed() as t:
        lsh = MinHashLSH(threshold=0.5, num_perm=128)
        hashes = {doc_id: minhash(sh) for doc_id, sh in sets.items() if sh}
        for doc_id, m in hashes.items():
            lsh.insert(doc_id, m)
        reported: dict[Pair, str] = {}
        for a, m in hashes.items():
            for b in lsh.query(m):
                p = pair(a, b)
                if b != a and p not in reported:
                    inter = len(sets[a] & sets[b])
                    exact = inter / (len(sets[a]) + len(sets[b]) - inter)
                    reported[p] = "lsh-verified" if exact >= 0.5 else "lsh"
    return reported, t.seconds


def main(argv: list[str] | None = None) -> None:
    parser = base_parser(__doc__.split("\n", 1)[0])
    parser.add_argument("--limit", type=int, help="use only this many articles (seeded sample)")
    add_patch_option(parser)
    args = parser.parse_args(argv)
    patches = apply_patches(args.patch)
    started = time.perf_counter()
    root = require_data("bbc-news", "bbc")
    topics = sorted(p for p in root.iterdir() if p.is_dir())
    with timed() as load_t:
        loaded = load_paths(topics)
    docs = sorted(loaded.documents, key=lambda d: d.doc_id)
    if args.limit:
        sample = random.Random(args.seed).sample(docs, min(args.limit, len(docs)))
        docs = sorted(sample, key=lambda d: d.doc_id)
    print(f"{len(docs)} articles loaded in {load_t.seconds} s ({len(loaded.skipped)} skipped)")

    with timed() as truth_t:
        sets = {d.doc_id: shingles(d.text) for d in docs}
        shared = shared_shingles(sets)
        truth = {p: j for p, n in shared.items() if (j := jaccard(p, n, sets)) >= 0.5}
    print(f"truth: {len(truth)} pairs with Jaccard >= 0.5 ({len(shared)} pairs share a shingle; "
          f"{truth_t.seconds} s)")

    qc_pairs, qc_jaccard, qc_seconds, qc_sentences = run_qualcheck(docs)
    print(f"qualcheck    sentence pairs: {qc_sentences}")
    lsh_pairs, lsh_seconds = run_minhash_lsh(sets)
    results: dict[str, Any] = {}
    runs = (("qualcheck", qc_pairs, qc_seconds), ("minhash_lsh", lsh_pairs, lsh_seconds))
    claims = {"qualcheck": {"near_duplicate": {"reuse-duplicate"},
                            "duplicate_or_rewrite": {"reuse-duplicate", "reuse-rewrite"},
                            "any_finding": {"reuse-duplicate", "reuse-rewrite", "reuse-partial"}},
              "minhash_lsh": {"verified": {"lsh-verified"}, "raw_candidates": {"lsh", "lsh-verified"}}}
    for tool, reported, seconds in runs:
        res = judge(reported, truth, shared, sets)
        res["precision"] = {name: claimed(reported, truth, labels, shared, sets)
                            for name, labels in claims[tool].items()}
        res.update(seconds=seconds, articles_per_second=rate(len(docs), seconds, 1))
        results[tool] = res
        if tool == "qualcheck":
            res["sentence_pairs"] = qc_sentences
        if tool == "qualcheck":  # what-if, tuned on this data: matches.jaccard (word 3-grams) >= x
            res["precision_if_matches_jaccard_ge"] = {
                str(x): claimed({p: "j" for p, j in qc_jaccard.items() if j >= x}, truth, {"j"}, shared, sets)
                for x in (0.5, 0.55, 0.6, 0.65, 0.7)}
            for x, c in res["precision_if_matches_jaccard_ge"].items():
                res["precision"][f"what-if jaccard>={x}"] = c
        for name, c in res["precision"].items():
            print(f"{tool:12} {name:20} precision {c['precision']:.3f} ({c['true']}/{c['reported']}), "
                  f"recall {c['recall']:.3f}")
        print(f"{tool:12} found {res['found']}/{len(truth)} (recall {res['recall']:.3f}), "
              f"{res['reported_not_true']} reported pairs below J 0.5 "
              f"({res['reported_not_true_containment_ge_0.2']} with containment >= 0.2), "
              f"{seconds} s, {res['articles_per_second']} articles/s")
    metrics = {"patches": patches,
               "articles": len(docs), "true_pairs": len(truth), "truth_seconds": truth_t.seconds,
               "load_seconds": load_t.seconds, **results}
    emit(NAME, metrics, args.json_out, started)


if __name__ == "__main__":
    main()
