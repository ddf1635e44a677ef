"""Derived share with known truth: articles composed from BBC News sources and unrelated copy.

Each *derived* article takes a share f (uniform in 0.30..0.95) of its words from one source
article S, sentence by sentence (kept verbatim, or rewritten at an edit rate e of 0, 10, 15
or 20% of the words of a rewritten sentence: substitutions, deletions, swapped neighbours;
0.3 to 1 of the sentences rewritten), and the rest, with the headline, from an unrelated
article U: the writer's own material. The truth is the share of the article's words that came
from S, rewritten words included (a rewritten sentence is derived), counted in qualcheck's
words. S is in the corpus; U is not. *Unrelated* articles are untouched BBC articles that are
not in the corpus. *Multi-source* articles draw on a release S1 and a wire story W that
quotes a block of S1 verbatim (W = S2's sentences with that block inserted; W is in the
corpus, S2 and U are not), a third each from S1 alone, the quoted block and S2: both must be
listed and the combined share must count each word once. Articles sharing 5% or more of
their word 5-grams with another BBC article are kept out of S, U and the unrelated set.

qualcheck audits all composed and unrelated articles against the corpus with the reuse rules
(public API: ``audit_documents``). Its share is ``Report.articles[i].derived_share`` when the
report has article records, else the best match's ``article_share`` (single source) or the
union of the reported passages (multi-source). Baseline in the same run: datasketch
``MinHashLSH`` (threshold 0.5, 128 permutations) on word 5-shingles, candidates verified by
exact Jaccard >= 0.5, share = exact 5-shingle containment of the article in its verified sources.

    python -m bench.reuse_share [--derived N] [--unrelated N] [--multi N] [--json-out FILE]
"""

from __future__ import annotations

import importlib
import random
import statistics
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from datasketch import MinHashLSH

from bench.common import (
    add_patch_option,
    apply_patches,
    base_parser,
    emit,
    minhash,
    patched,
    prf,
    rate,
    require_data,
    shingles,
    timed,
)
from bench.neardup_bbc import shared_shingles, short
from bench.planting import Composed, Sentence, assemble, compose, interleave, sentences_of
from qualcheck.api import AuditReport, audit_documents
from qualcheck.config import Config
from qualcheck.load import load_paths
from qualcheck.text import normalized_words
from qualcheck.types import Document

NAME = "reuse_share"
OVERLAP = 0.05  # 5-gram containment with another BBC article that keeps an article out of the pools
SHARE_BINS = ((0.0, 0.45), (0.45, 0.60), (0.60, 0.75), (0.75, 1.01))
TOLERANCE = 0.05  # target: reported share within this of the truth on average


@dataclass
class Case:
    """One audited article and what is true about it."""

    kind: str  # derived, unrelated, multi
    doc: Document
    truth: float  # share of words from the corpus
    sources: tuple[str, ...] = ()  # corpus texts it was built from
    edit_rate: float = 0.0
    composed: Composed | None = None
    overlap_words: int = 0  # multi: words in both sources (counted once in the truth)


@dataclass
class Seen:
    """What a tool reported for one article."""

    shares: dict[str, float] = field(default_factory=dict)  # source id -> article share
    share: float = 0.0  # the tool's share of the article from the corpus
    estimates: dict[str, float] = field(default_factory=dict)  # every estimator, by name
    spans: list[tuple[int, int]] = field(default_factory=list)  # reported passages in the article


def load_bbc() -> list[Document]:
    root = require_data("bbc-news", "bbc")
    loaded = load_paths(sorted(p for p in root.iterdir() if p.is_dir()))
    return sorted(loaded.documents, key=lambda d: d.doc_id)


def overlapping(docs: list[Document]) -> set[str]:
    """Articles sharing >= OVERLAP of the smaller one's word 5-grams with another (exact)."""
    sets = {d.doc_id: shingles(d.text) for d in docs}
    out: set[str] = set()
    for (a, b), n in shared_shingles(sets).items():
        if n >= OVERLAP * max(1, min(len(sets[a]), len(sets[b]))):
            out.update((a, b))
    return out


def build_cases(docs: list[Document], n_derived: int, n_unrelated: int, n_multi: int,
                edit_rates: list[float], rng: random.Random) -> tuple[list[Case], list[Document]]:
    """The audited cases and the corpus (every BBC article not held out, plus the wire copies)."""
    excluded = overlapping(docs)
    pool = [d for d in docs if d.doc_id not in excluded and len(sentences_of(d)) >= 4]
    rng.shuffle(pool)
    need = 2 * n_derived + n_unrelated + 3 * n_multi
    if need > len(pool):
        raise SystemExit(f"need {need} articles without overlap, have {len(pool)}: lower the counts")
    take = iter(pool)
    held_out: set[str] = set()
    cases: list[Case] = []
    wires: list[Document] = []
    for i in range(n_derived):
        s, u = next(take), next(take)
        held_out.add(u.doc_id)
        e = edit_rates[i % len(edit_rates)]
        c = compose(f"derived/{i:04d}", [(sentences_of(s), frozenset({s.doc_id}), 1.0)], u,
                    rng.uniform(0.30, 0.95), e, rng)
        cases.append(Case("derived", c.doc, c.share, (s.doc_id,), e, c))
    for _ in range(n_unrelated):
        u = next(take)
        held_out.add(u.doc_id)
        cases.append(Case("unrelated", u, 0.0))
    for i in range(n_multi):
        s1, s2, u = next(take), next(take), next(take)
        held_out.update((s2.doc_id, u.doc_id))
        case, wire = compose_multi(i, s1, s2, u, edit_rates[i % len(edit_rates)], rng)
        cases.append(case)
        wires.append(wire)
    corpus = [d for d in docs if d.doc_id not in held_out] + wires
    return cases, corpus


def compose_multi(i: int, s1: Document, s2: Document, u: Document, edit_rate: float,
                  rng: random.Random) -> tuple[Case, Document]:
    """An article from release ``s1`` and wire story W (``s2`` quoting a block of ``s1``)."""
    release = sentences_of(s1)
    size = max(2, round(0.4 * len(release)))
    at = rng.randrange(0, len(release) - size + 1)
    quoted = release[at:at + size]
    wire_id = f"wire/{i:04d}"
    wire = assemble(wire_id, s2.title, interleave([Sentence(t) for t in sentences_of(s2)],
                                                  [Sentence(t) for t in quoted], rng), 0.0, rng).doc
    alone = release[:at] + release[at + size:]
    groups = [(alone, frozenset({s1.doc_id}), 1 / 3), (quoted, frozenset({s1.doc_id, wire_id}), 1 / 3),
              (sentences_of(s2), frozenset({wire_id}), 1 / 3)]
    c = compose(f"multi/{i:04d}", groups, u, rng.uniform(0.30, 0.95), edit_rate, rng)
    both = sum(c.words_by_origin.values()) - c.derived_words
    return Case("multi", c.doc, c.share, (s1.doc_id, wire_id), edit_rate, c, both), wire


def inside(doc: Document, spans: Iterable[tuple[int, int]]) -> list[bool]:
    """For each of ``doc``'s words, whether it starts inside one of the character ``spans``."""
    _, offsets = normalized_words(doc.text)
    spans = sorted(spans)
    return [any(a <= start < b for a, b in spans) for start, _ in offsets]


def union_share(doc: Document, spans: Iterable[tuple[int, int]]) -> float:
    """Share of ``doc``'s words starting inside any of the character ``spans``."""
    mask = inside(doc, spans)
    return sum(mask) / len(mask) if mask else 0.0


def word_counts(case: Case, spans: list[tuple[int, int]]) -> tuple[int, int, int]:
    """Derived words inside reported passages, own words inside them, derived words outside."""
    assert case.composed is not None
    truth, found = inside(case.doc, case.composed.derived_spans), inside(case.doc, spans)
    tp = sum(t and f for t, f in zip(truth, found, strict=True))
    return tp, sum(found) - tp, sum(truth) - tp


def read_report(report: AuditReport, cases: list[Case]) -> tuple[dict[str, Seen], str]:
    """Each article's sources and shares, and which estimator is the headline share."""
    seen = {c.doc.doc_id: Seen() for c in cases}
    for m in report.matches.itertuples(index=False):
        seen[str(m.doc_id)].shares[str(m.source_id)] = float(m.article_share)
    spans: dict[str, list[tuple[int, int]]] = {}
    for p in report.passages.itertuples(index=False):
        spans.setdefault(str(p.doc_id), []).append((int(p.start), int(p.end)))
    articles = {a.doc_id: a.derived_share for a in getattr(report.data, "articles", ())}
    for c in cases:
        s = seen[c.doc.doc_id]
        s.estimates["best_match"] = max(s.shares.values(), default=0.0)
        s.spans = spans.get(c.doc.doc_id, [])
        s.estimates["passage_union"] = union_share(c.doc, s.spans)
        s.estimates["sum_of_matches"] = sum(s.shares.values())
        if articles:
            s.estimates["article_derived_share"] = articles.get(c.doc.doc_id, 0.0)
    headline = "article_derived_share" if articles else "best_match"
    for c in cases:
        s = seen[c.doc.doc_id]
        name = headline if articles or c.kind != "multi" else "passage_union"
        s.share = s.estimates[name]
    return seen, headline if articles else "best_match (single source), passage_union (multi-source)"


def run_qualcheck(cases: list[Case], corpus: list[Document]) -> tuple[dict[str, Seen], str, float]:
    with timed() as t:
        report = audit_documents([c.doc for c in cases], corpus, config=Config(select=("QC1",)))
        seen, estimator = read_report(report, cases)
    return seen, estimator, t.seconds


def run_minhash_lsh(cases: list[Case], corpus: list[Document]) -> tuple[dict[str, Seen], float]:
    """MinHashLSH(0.5) on word 5-shingles, verified by exact Jaccard >= 0.5."""
    with timed() as t:
        sets = {d.doc_id: shingles(d.text) for d in corpus}
        lsh = MinHashLSH(threshold=0.5, num_perm=128)
        for doc_id, sh in sets.items():
            if sh:
                lsh.insert(doc_id, minhash(sh))
        seen: dict[str, Seen] = {}
        for c in cases:
            mine, s = shingles(c.doc.text), Seen()
            for cand in lsh.query(minhash(mine)) if mine else []:
                inter = len(mine & sets[cand])
                if inter / (len(mine) + len(sets[cand]) - inter) >= 0.5:
                    s.shares[cand] = inter / len(mine)
            if s.shares:
                covered = set().union(*(sets[k] for k in s.shares))
                s.share = len(mine & covered) / len(mine)
            s.estimates["containment_of_verified"] = s.share
            seen[c.doc.doc_id] = s
    return seen, t.seconds


def error_stats(pairs: list[tuple[float, float]]) -> dict[str, Any]:
    """Mean absolute and signed error (reported - truth), and the share within TOLERANCE."""
    if not pairs:
        return {"n": 0}
    errs: list[float] = [r - t for t, r in pairs]
    worst = max(errs, key=abs)
    return {"n": len(pairs), "mae": round(statistics.fmean(abs(e) for e in errs), 4),
            "bias": round(statistics.fmean(errs), 4),
            "within_0.05": rate(sum(abs(e) <= TOLERANCE for e in errs), len(errs)),
            "worst": round(worst, 4)}


def word_level(cases: list[Case], seen: dict[str, Seen]) -> dict[str, Any]:
    """Word-level precision and recall of the reported passages against the derived sentences."""
    tp = fp = fn = 0
    for c in cases:
        a, b, d = word_counts(c, seen[c.doc.doc_id].spans)
        tp, fp, fn = tp + a, fp + b, fn + d
    return {"derived_words": tp + fn, "found": tp, "own_words_in_passages": fp, **prf(tp, fp, fn)}


def reported_vs_true(case: Case, seen: Seen) -> dict[str, Any]:
    """An article's reported shares by source beside the true ones (for the misses)."""
    words = case.composed.words_by_origin if case.composed else {}
    n = case.composed.words if case.composed else 1
    return {"article": case.doc.doc_id, "reported": {short(k): round(v, 3) for k, v in seen.shares.items()},
            "true": {short(k): round(v / n, 3) for k, v in words.items()}, "edit_rate": case.edit_rate}


def judge(cases: list[Case], seen: dict[str, Seen], with_words: bool = True) -> dict[str, Any]:
    derived = [c for c in cases if c.kind == "derived"]
    unrelated = [c for c in cases if c.kind == "unrelated"]
    multi = [c for c in cases if c.kind == "multi"]
    out: dict[str, Any] = {}
    if derived:
        found = [c for c in derived if c.sources[0] in seen[c.doc.doc_id].shares]
        pairs = [(c.truth, seen[c.doc.doc_id].share) for c in derived]
        out["derived"] = {
            "n": len(derived), "source_found": rate(len(found), len(derived)),
            "source_missed": len(derived) - len(found),
            "source_missed_examples": [(short(c.sources[0]), round(c.truth, 3), c.edit_rate)
                                       for c in derived if c not in found][:10],
            "other_sources_reported": sum(len(seen[c.doc.doc_id].shares.keys() - set(c.sources))
                                          for c in derived),
            "share_error": error_stats(pairs),
            "share_error_by_truth": {f"{lo:.2f}-{min(hi, 1.0):.2f}": error_stats(
                [(t, r) for t, r in pairs if lo <= t < hi]) for lo, hi in SHARE_BINS},
            "share_error_by_edit_rate": {str(e): error_stats(
                [(c.truth, seen[c.doc.doc_id].share) for c in derived if c.edit_rate == e])
                for e in sorted({c.edit_rate for c in derived})},
            "share_error_by_estimator": {name: error_stats(
                [(c.truth, seen[c.doc.doc_id].estimates[name]) for c in derived])
                for name in seen[derived[0].doc.doc_id].estimates},
            **({"words": word_level(derived, seen)} if with_words else {}),
            "mean_edited_share_of_derived": round(statistics.fmean(
                c.composed.edited_words / max(1, c.composed.derived_words)
                for c in derived if c.composed), 4),
        }
    if unrelated:
        flagged = [c for c in unrelated if seen[c.doc.doc_id].shares]
        out["unrelated"] = {
            "n": len(unrelated), "no_source_reported": rate(len(unrelated) - len(flagged), len(unrelated)),
            "flagged": [(short(c.doc.doc_id),
                         {short(k): round(v, 3) for k, v in seen[c.doc.doc_id].shares.items()})
                        for c in flagged][:20],
        }
    if multi:
        both = [c for c in multi if set(c.sources) <= seen[c.doc.doc_id].shares.keys()]
        clear = [c for c in multi if c.composed and min(c.composed.words_by_origin.get(s, 0)
                                                        for s in c.sources) >= 0.25 * c.composed.words]
        out["multi"] = {
            "n": len(multi), "both_listed": rate(len(both), len(multi)),
            "both_listed_when_each_true_share_ge_0.25": [sum(c in both for c in clear), len(clear)],
            "not_both_listed": [reported_vs_true(c, seen[c.doc.doc_id]) for c in multi if c not in both][:10],
            "mean_overlap_share": round(statistics.fmean(c.overlap_words / c.composed.words
                                                         for c in multi if c.composed), 4),
            "share_error": error_stats([(c.truth, seen[c.doc.doc_id].share) for c in multi]),
            "share_error_by_estimator": {name: error_stats(
                [(c.truth, seen[c.doc.doc_id].estimates[name]) for c in multi])
                for name in seen[multi[0].doc.doc_id].estimates},
            "over_1": sum(seen[c.doc.doc_id].share > 1.0 + 1e-9 for c in multi),
            **({"words": word_level(multi, seen)} if with_words else {}),
        }
    return out


def hard_negatives(cases: list[Case], corpus: list[Document], k: int) -> dict[str, list[str]]:
    """For each case, the ``k`` corpus texts (not its sources) sharing the most word 3-grams."""
    index: dict[str, list[str]] = {}
    for d in corpus:
        for g in shingles(d.text, 3):
            index.setdefault(g, []).append(d.doc_id)
    out: dict[str, list[str]] = {}
    for c in cases:
        counts: Counter[str] = Counter()
        for g in shingles(c.doc.text, 3):
            counts.update(index.get(g, ()))
        out[c.doc.doc_id] = [d for d, _ in counts.most_common(k + len(c.sources)) if d not in c.sources][:k]
    return out


def sweep(cases: list[Case], corpus: list[Document], mpw: list[int], gaps: list[int]) -> list[dict[str, Any]]:
    """Alignment alone (``qualcheck.index.align.align``) against the true sources and 3 hard
    negatives per article, for each MIN_PASSAGE_WORDS x MAX_GAP: share error, word precision
    and recall, and negatives that would reach the 0.2 reporting share."""
    from qualcheck.index.shingles import TokenStream

    align_module = importlib.import_module("qualcheck.index.align")  # the module, not the function

    by_id = {d.doc_id: d for d in corpus}
    negatives = hard_negatives(cases, corpus, 3)
    tokens = {d.doc_id: TokenStream.of(d.text) for d in [*(c.doc for c in cases), *corpus]}
    rows = []
    for m, g in ((m, g) for m in mpw for g in gaps):
        with patched(align_module, MIN_PASSAGE_WORDS=m, MAX_GAP=g):
            errs, tp, fp, fn, false_sources, neg_max = [], 0, 0, 0, 0, []
            for c in cases:
                def run(other: str, c: Case = c) -> Any:
                    return align_module.align(c.doc, by_id[other], article_tokens=tokens[c.doc.doc_id],
                                              source_tokens=tokens[other], shingle_size=3)
                if c.composed is not None:
                    spans = [(p.start, p.end) for src in c.sources for p in run(src).passages]
                    errs.append(abs(union_share(c.doc, spans) - c.truth))
                    a, b, d = word_counts(c, spans)
                    tp, fp, fn = tp + a, fp + b, fn + d
                shares = [run(n).article_share for n in negatives[c.doc.doc_id]]
                false_sources += sum(x >= 0.2 for x in shares)
                neg_max.append(max(shares, default=0.0))
        rows.append({"MIN_PASSAGE_WORDS": m, "MAX_GAP": g, "share_mae": round(statistics.fmean(errs), 4),
                     **{f"word_{k}": v for k, v in prf(tp, fp, fn).items()},
                     "negatives_at_0.2": false_sources, "negative_share_p99": round(
                         sorted(neg_max)[int(0.99 * (len(neg_max) - 1))], 4)})
        print("  sweep " + " ".join(f"{k}={v}" for k, v in rows[-1].items()))
    return rows


def summary_line(tool: str, res: dict[str, Any]) -> str:
    d, u, m = res.get("derived", {}), res.get("unrelated", {}), res.get("multi", {})
    parts = []
    if d:
        parts.append(f"S found {d['source_found']:.3f}, share MAE {d['share_error']['mae']:.3f} "
                     f"(bias {d['share_error']['bias']:+.3f})")
    if u:
        parts.append(f"unrelated clean {u['no_source_reported']:.3f}")
    if m:
        parts.append(f"multi both {m['both_listed']:.3f}, MAE {m['share_error']['mae']:.3f}")
    return f"{tool:12} " + "; ".join(parts)


def main(argv: list[str] | None = None) -> None:
    parser = base_parser(__doc__.split("\n", 1)[0])
    parser.add_argument("--derived", type=int, default=300, help="derived articles (default 300)")
    parser.add_argument("--unrelated", type=int, default=200, help="unrelated articles (default 200)")
    parser.add_argument("--multi", type=int, default=60, help="multi-source articles (default 60)")
    parser.add_argument("--edit-rates", default="0,0.1,0.15,0.2",
                        help="edit rates of rewritten sentences, cycled over the articles")
    parser.add_argument("--sweep", action="store_true",
                        help="also sweep MIN_PASSAGE_WORDS and MAX_GAP of align (alignment only)")
    add_patch_option(parser)
    args = parser.parse_args(argv)
    patches = apply_patches(args.patch)
    started = time.perf_counter()
    rng = random.Random(args.seed)
    with timed() as prep:
        docs = load_bbc()
        rates = [float(x) for x in args.edit_rates.split(",")]
        cases, corpus = build_cases(docs, args.derived, args.unrelated, args.multi, rates, rng)
    print(f"{len(cases)} audited articles ({args.derived} derived, {args.unrelated} unrelated, "
          f"{args.multi} multi-source), corpus {len(corpus)}; prepared in {prep.seconds} s")
    qc_seen, estimator, qc_seconds = run_qualcheck(cases, corpus)
    lsh_seen, lsh_seconds = run_minhash_lsh(cases, corpus)
    results: dict[str, Any] = {}
    for tool, seen, seconds in (("qualcheck", qc_seen, qc_seconds), ("minhash_lsh", lsh_seen, lsh_seconds)):
        results[tool] = {**judge(cases, seen, tool == "qualcheck"), "seconds": seconds}
        print(summary_line(tool, results[tool]) + f" ({seconds} s)")
    results["qualcheck"]["share_estimator"] = estimator
    if args.sweep:
        results["align_sweep"] = sweep(cases, corpus, [4, 6, 8, 10], [2, 4, 6, 8, 10])
    truths = [c.truth for c in cases if c.kind == "derived"]
    metrics = {
        "patches": patches,
        "derived": args.derived, "unrelated": args.unrelated, "multi": args.multi, "corpus": len(corpus),
        "edit_rates": rates,
        "truth_share_range": [round(min(truths), 3), round(max(truths), 3)] if truths else [],
        "mean_words": round(statistics.fmean(c.composed.words for c in cases if c.composed), 1),
        **results,
    }
    emit(NAME, metrics, args.json_out, started)


if __name__ == "__main__":
    main()

