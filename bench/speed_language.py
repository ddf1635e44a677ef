"""What the language checks add to an audit: milliseconds per 1,000 words, per rule family.

N BBC articles (seeded sample) are audited in one process, without reuse, several times:
with no language rule (the page-furniture rule only: loading, tokenizing and the corpus
vocabulary, which every audit pays), then with each language family alone, then with all of
them (spelling, mechanical, names, house). The figure the issue asks for is the extra time
of "all" over "none", per 1,000 words, on one core; the best of ``--repeat`` runs is kept
because the machine is shared. The first run of each configuration is a warm-up (word
lists load once per process).

    python -m bench.speed_language [--articles N] [--repeat R]
"""

from __future__ import annotations

import random
import time
from typing import Any

from bench.common import base_parser, emit, require_data
from qualcheck.api import audit_documents
from qualcheck.config import Config
from qualcheck.load import load_paths

NAME = "speed_language"
CONFIGS: dict[str, tuple[str, ...]] = {
    "none": ("page-furniture",),
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
    findings: dict[str, int] = {}
    for name, select in CONFIGS.items():
        config = Config(select=select)
        audit_documents(docs, config=config)  # warm-up: word lists, caches
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            report = audit_documents(docs, config=config)
            times.append(time.perf_counter() - t)
        best[name] = min(times)
        findings[name] = len(report.data.findings)
        print(f"{name:10s} {best[name]:7.2f} s  {1000 * best[name] / (words / 1000):6.2f} ms/1000 words"
              f"  findings {findings[name]}")
    per_k = {k: round(1000 * (v - best["none"]) / (words / 1000), 2) for k, v in best.items() if k != "none"}
    metrics: dict[str, Any] = {
        "articles": len(docs), "words": words, "seconds_best": {k: round(v, 3) for k, v in best.items()},
        "added_ms_per_1000_words": per_k, "findings": findings,
        "base_ms_per_1000_words": round(1000 * best["none"] / (words / 1000), 2),
        "target_added_ms_per_1000_words": 1.0,
    }
    print(f"language checks add {per_k['all']} ms per 1,000 words (target <= 1)")
    emit(NAME, metrics, args.json_out, started)


if __name__ == "__main__":
    main()
