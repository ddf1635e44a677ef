"""Text reuse on the Clough & Stevenson (2011) short-answer plagiarism corpus.

95 answers to 5 questions, each labelled cut (copied), light / heavy (revised) or non
(written independently), plus the 5 Wikipedia source texts ``orig_task?.txt``. Every
answer is audited against the 5 sources with the reuse rules only. An answer counts as
predicted *derived* when it has a reuse finding whose source is its own task's source.

Baseline in the same run: datasketch MinHashLSH (threshold 0.5, 128 permutations, word
5-gram shingles), predicting derived when the answer's query returns its task's source.

    python -m bench.reuse_short_answer [--limit N] [--json-out FILE]
"""

from __future__ import annotations

import csv
import random
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from datasketch import MinHashLSH

from bench.common import base_parser, emit, minhash, prf, rate, require_data, shingles, timed
from qualcheck.api import audit_documents
from qualcheck.config import Config
from qualcheck.load import load_paths
from qualcheck.types import Document

NAME = "reuse_short_answer"
CATEGORIES = ("cut", "light", "heavy", "non")
DERIVED = {"cut", "light", "heavy"}


def read_labels(folder: Path) -> dict[str, tuple[str, str]]:
    """file name -> (task, category), sources (category ``orig``) left out."""
    with (folder / "file_information.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return {r["File"]: (r["Task"], r["Category"]) for r in rows if r["Category"] != "orig"}


def score_predictions(labels: dict[str, tuple[str, str]], predicted: dict[str, bool],
                      share: dict[str, float] | None = None) -> dict[str, Any]:
    """P/R/F1 of derived vs non, and detection rate (and mean share) per category."""
    tp = sum(1 for f, (_, c) in labels.items() if predicted[f] and c in DERIVED)
    fp = sum(1 for f, (_, c) in labels.items() if predicted[f] and c not in DERIVED)
    fn = sum(1 for f, (_, c) in labels.items() if not predicted[f] and c in DERIVED)
    per_cat: dict[str, dict[str, Any]] = {}
    for cat in CATEGORIES:
        files = [f for f, (_, c) in labels.items() if c == cat]
        row: dict[str, Any] = {"n": len(files), "detected": sum(predicted[f] for f in files)}
        row["detection_rate"] = rate(row["detected"], len(files))
        if share is not None:
            row["mean_share"] = rate(sum(share[f] for f in files), len(files))
        per_cat[cat] = row
    out: dict[str, Any] = {"tp": tp, "fp": fp, "fn": fn, **prf(tp, fp, fn), "per_category": per_cat}
    if share is not None:
        means = [per_cat[c]["mean_share"] for c in CATEGORIES]
        out["share_ranks_cut_light_heavy_non"] = all(a > b for a, b in zip(means, means[1:], strict=False))
    return out


def run_qualcheck(answers: list[Document], sources: dict[str, Document], labels: dict[str, tuple[str, str]],
                  threshold: float | None) -> dict[str, Any]:
    config = Config(select=("QC1",))
    if threshold is not None:
        config = config.replace(reuse_threshold=threshold)
    with timed() as t:
        report = audit_documents(answers, list(sources.values()), config=config)
        findings = report.findings
    name_of = {d.path: Path(d.path).name for d in [*answers, *sources.values()]}
    predicted = {f: False for f in labels}
    share = {f: 0.0 for f in labels}
    wrong_source = other_answer = 0
    rules: dict[str, int] = defaultdict(int)
    for row in findings.itertuples(index=False):
        if not str(row.rule).startswith("reuse-"):
            continue
        answer = name_of.get(str(row.path), Path(str(row.path)).name)
        task = labels[answer][0]
        source = name_of.get(str(row.source), Path(str(row.source)).name)
        if source == f"orig_task{task}.txt":
            predicted[answer] = True
            share[answer] = max(share[answer], float(row.score or 0.0))
            rules[str(row.rule)] += 1
        elif source.startswith("orig_task"):
            wrong_source += 1
        else:
            other_answer += 1
    out = score_predictions(labels, predicted, share)
    out.update(findings_by_rule=dict(rules), findings_naming_other_task_source=wrong_source,
               findings_naming_another_answer=other_answer, seconds=t.seconds)
    return out


def run_minhash_lsh(answers: list[Document], sources: dict[str, Document],
                    labels: dict[str, tuple[str, str]]) -> dict[str, Any]:
    with timed() as t:
        lsh = MinHashLSH(threshold=0.5, num_perm=128)
        for task, doc in sources.items():
            lsh.insert(task, minhash(shingles(doc.text)))
        predicted = {}
        for doc in answers:
            name = Path(doc.path).name
            predicted[name] = labels[name][0] in lsh.query(minhash(shingles(doc.text)))
    return {**score_predictions(labels, predicted), "seconds": t.seconds}


def main(argv: list[str] | None = None) -> None:
    parser = base_parser(__doc__.split("\n", 1)[0])
    parser.add_argument("--limit", type=int, help="audit only this many answers (seeded sample)")
    parser.add_argument("--reuse-threshold", type=float, help="qualcheck reuse_threshold (default: Config's)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    folder = require_data("short-answer-plagiarism")
    labels = read_labels(folder)
    if args.limit:
        keep = random.Random(args.seed).sample(sorted(labels), min(args.limit, len(labels)))
        labels = {f: labels[f] for f in sorted(keep)}
    loaded = load_paths([folder / f for f in sorted(labels)] + sorted(folder.glob("orig_task*.txt")))
    by_name = {Path(d.path).name: d for d in loaded.documents}
    for s in loaded.skipped:
        print(f"warning: skipped {s.path}: {s.reason}")
    labels = {f: v for f, v in labels.items() if f in by_name}
    answers = [by_name[f] for f in sorted(labels)]
    sources = {n[len("orig_task"):-4]: d for n, d in sorted(by_name.items()) if n.startswith("orig_task")}
    print(f"{len(answers)} answers, {len(sources)} sources")

    qc = run_qualcheck(answers, sources, labels, args.reuse_threshold)
    base = run_minhash_lsh(answers, sources, labels)
    for tool, res in (("qualcheck", qc), ("minhash-lsh", base)):
        print(f"{tool:12} P={res['precision']:.3f} R={res['recall']:.3f} F1={res['f1']:.3f} "
              f"({res['seconds']} s)")
        for cat, row in res["per_category"].items():
            extra = f" mean share {row['mean_share']:.3f}" if "mean_share" in row else ""
            print(f"  {cat:6} detected {row['detected']}/{row['n']}{extra}")
    metrics = {"answers": len(answers), "sources": len(sources), "qualcheck": qc, "minhash_lsh": base}
    emit(NAME, metrics, args.json_out, started)


if __name__ == "__main__":
    main()
