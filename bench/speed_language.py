"""What the language checks add to an audit: milliseconds per 1,000 words, per rule family.

N BBC articles (seeded sample) are audited in one process, without reuse, several times:
with no language rule doing work (page-furniture, and house-name with no house file, so that
the audit still pays loading, tokenizing and the corpus vocabulary, as every audit with a
language rule does), then with each language family alone, then with all of
them (spelling, mechanical, names, house). The figure the issue asks for is the extra time
of "all" over "none", per 1,000 words, on one core. Time is the process's CPU time (one
thread, so one core), which other jobs on a shared machine disturb far less than the wall
clock; the wall clock is reported too. The configurations take turns, round after round, with
a garbage collection before each run, so none is favoured by the state of the heap, and the
best of ``--repeat`` rounds is kept. A warm-up round comes first (word lists load once per
process).

"all" minus "none" is the difference of two much larger times, each of which moves by 10%
from round to round on a shared machine; so the script also measures the rules directly, in
extra rounds of "all" that add up the CPU time spent inside each rule (``rule_ms_per_1000_words``
by family; their sum is what the language checks cost, without the audit around them).

    python -m bench.speed_language [--articles N] [--repeat R]
"""

from __future__ import annotations

import gc
import random
import time
from collections import defaultdict
from typing import Any

from bench.common import base_parser, emit, require_data
from qualcheck.api import audit_documents
from qualcheck.checks.base import CheckContext, DocView, Rule
from qualcheck.config import Config
from qualcheck.load import load_paths
from qualcheck.types import Document, Finding

NAME = "speed_language"
# "none" adds house-name, which does nothing without a house file (no names listed) but is a
# language rule: the audit then still tokenizes and counts the vocabulary, which it skips when
# only text rules (page-furniture, reuse) run.
CONFIGS: dict[str, tuple[str, ...]] = {
    "none": ("page-furniture", "house-name"),
    "spelling": ("page-furniture", "known-misspelling", "unknown-word", "rare-variant"),
    "mechanical": ("page-furniture", "missing-space", "doubled-word", "stray-letter"),
    "names": ("page-furniture", "name-variant", "name-casing"),
    "house": ("page-furniture", "house-name", "rejected-word"),
    "all": ("page-furniture", "QC2", "QC3", "QC4"),
}


def main() -> None:
    parser = base_parser(__doc__.split("\n", 1)[0])
    parser.add_argument("--articles", type=int, default=800, help="BBC articles audited (default 800)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per configuration (default 3)")
    args = parser.parse_args()
    started = time.perf_counter()
    root = require_data("bbc-news", "bbc")
    docs = sorted(load_paths([root]).documents, key=lambda d: d.doc_id)
    docs = random.Random(args.seed).sample(docs, min(args.articles, len(docs)))
    words = sum(len(d.text.split()) for d in docs)
    best: dict[str, float] = {}
    wall: dict[str, float] = {}
    findings: dict[str, int] = {}
    configs = {name: Config(select=select) for name, select in CONFIGS.items()}
    for config in configs.values():
        audit_documents(docs, config=config)  # warm-up: word lists, caches
    for _ in range(args.repeat):
        for name, config in configs.items():
            gc.collect()
            cpu, t = time.process_time(), time.perf_counter()
            report = audit_documents(docs, config=config)
            cpu, t = time.process_time() - cpu, time.perf_counter() - t
            best[name], wall[name] = min(best.get(name, cpu), cpu), min(wall.get(name, t), t)
            findings[name] = len(report.data.findings)
    for name in configs:
        print(f"{name:10s} {best[name]:7.2f} s  {1000 * best[name] / (words / 1000):6.2f} ms/1000 words"
              f"  (wall {wall[name]:.2f} s)  findings {findings[name]}")
    inside: dict[str, float] = {}
    for _ in range(args.repeat):
        for family, spent in _time_in_rules(docs, configs["all"]).items():
            inside[family] = min(inside.get(family, spent), spent)
    per_rule = {k: round(1000 * v / (words / 1000), 3) for k, v in sorted(inside.items())}
    per_rule["language"] = round(sum(v for k, v in per_rule.items() if k != "furniture"), 3)
    print(f"inside the rules (CPU ms per 1,000 words, best of {args.repeat}): {per_rule}")
    per_k = {k: round(1000 * (v - best["none"]) / (words / 1000), 2) for k, v in best.items() if k != "none"}
    metrics: dict[str, Any] = {
        "articles": len(docs), "words": words, "cpu_seconds_best": {k: round(v, 3) for k, v in best.items()},
        "wall_seconds_best": {k: round(v, 3) for k, v in wall.items()},
        "added_ms_per_1000_words": per_k, "rule_ms_per_1000_words": per_rule, "findings": findings,
        "base_ms_per_1000_words": round(1000 * best["none"] / (words / 1000), 2),
        "target_added_ms_per_1000_words": 1.0,
    }
    print(f"language checks add {per_k['all']} ms per 1,000 words (target <= 1)")
    emit(NAME, metrics, args.json_out, started)


def _time_in_rules(docs: list[Document], config: Config) -> dict[str, float]:
    """CPU seconds spent inside the rules of each family during one audit."""
    spent: dict[str, float] = defaultdict(float)
    run = Rule.run

    def timed(rule: Rule, view: DocView, ctx: CheckContext) -> list[Finding]:
        started = time.process_time()
        try:
            return run(rule, view, ctx)
        finally:
            spent[rule.family] += time.process_time() - started

    gc.collect()
    Rule.run = timed  # type: ignore[method-assign,assignment]
    try:
        audit_documents(docs, config=config)
    finally:
        Rule.run = run  # type: ignore[method-assign]
    return spent


if __name__ == "__main__":
    main()
