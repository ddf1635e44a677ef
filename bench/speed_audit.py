"""Audit throughput: articles per second for the reuse rules alone and for all rules.

A seeded sample of BBC articles is split into a corpus (``--corpus``, default 1,800) and an
audited set (``--audited``, default 400). A minority of the audited articles
(``--derived``, default 25%) are rebuilt from their own paragraphs plus one to three
paragraphs of one to three corpus articles, a third of those with one word in eight
replaced: the realistic mix of a newsroom audit, where most articles share no text with the
corpus. Both sets are written as ``.txt`` files to a temporary folder (deleted at the end,
never inside the repository) and audited with :func:`qualcheck.api.audit`, so the time
includes loading, the corpus vocabulary, page furniture, the reuse engine (indexing the
in-memory corpus, candidate search, verification, sentence pairing), the rules and the
report's DataFrames.

Configurations, taking turns round after round (best of ``--repeat``, CPU time of this
one-threaded process, which other jobs on a shared machine disturb far less than the wall
clock; wall time reported too): ``reuse`` (the QC1 rules) and ``all`` (every rule), against
the in-memory corpus; then both against a prebuilt SQLite index of the same corpus
(``--no-index`` skips it). One extra run of ``all`` under cProfile gives the time per stage
(wall seconds inflated by the profiler's overhead: read them as shares, not as speeds).

Baseline in the same run, on the same audited articles: the obvious datasketch pipeline
(``MinHash(128)`` with one ``update`` per word 5-gram, ``MinHashLSH(threshold=0.5)`` holding
the corpus, each candidate verified by exact 5-gram Jaccard >= 0.5); its per-article time
excludes building the LSH (reported apart), so the ratio favours the baseline.

Results check: ``--reference FILE`` (default ``bench/out/speed_audit_reference.json``)
holds the findings, passages and article shares of an audit of ``samples/`` and of the
BBC audit; the first run writes it, later runs compare and report ``identical``.

    python -m bench.speed_audit [--corpus N] [--audited M] [--repeat R] [--no-index]
"""

from __future__ import annotations

import cProfile
import gc
import hashlib
import json
import pstats
import random
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import REPO_ROOT, base_parser, emit, minhash, require_data, shingles
from qualcheck.api import AuditReport, audit
from qualcheck.config import Config
from qualcheck.index.persistent import open_index
from qualcheck.load import load_paths
from qualcheck.types import Document

NAME = "speed_audit"
_TMP = re.compile(r"/[^,\s\"']*qc-speed-audit-[^/]+")  # the temporary folder differs from run to run
CONFIGS = {"reuse": Config(select=("QC1",)), "all": Config()}
# Profile stages: (stage, function name suffixes in pstats keys "file:line(name)")
STAGES: dict[str, tuple[str, ...]] = {
    "load": ("load/__init__.py:load_paths",),
    "vocabulary": ("vocab.py:add",),
    "furniture_lines": ("boilerplate.py:recurring_lines",),
    "index_in_memory_corpus": ("engine.py:__init__",),
    "candidate_search": ("candidates.py:query", "persistent.py:search"),
    "fetch_sources": ("persistent.py:documents",),
    "alignment": ("align.py:align",),
    "sentence_pairing": ("sentences.py:add_sentences",),
    "reuse_summary": ("engine.py:_summary",),
    "rules": ("runner.py:run_checks",),
    "report_dataframes": ("api.py:findings", "api.py:passages", "api.py:articles"),
}


def compose(doc: Document, sources: list[Document], rng: random.Random) -> str:
    """``doc``'s paragraphs with 1-3 paragraphs of each source spliced in; some lightly edited."""
    own = [p for p in doc.text.split("\n\n") if p.strip()]
    edit = rng.random() < 1 / 3
    for src in sources:
        paras = [p for p in src.text.split("\n\n")[1:] if len(p.split()) >= 12]
        if not paras:
            continue
        k = rng.randint(1, min(3, len(paras)))
        start = rng.randrange(len(paras) - k + 1)
        for p in paras[start : start + k]:
            words = p.split()
            if edit:
                fill = own[0].split() or ["new"]
                words = [w if i % 8 != 7 else rng.choice(fill) for i, w in enumerate(words)]
            own.insert(rng.randint(1, max(1, len(own))), " ".join(words))
    return "\n\n".join(own)


def build_sets(docs: list[Document], n_corpus: int, n_audited: int, derived: float,
               rng: random.Random) -> tuple[list[Document], list[tuple[str, str]]]:
    """The corpus and the audited ``(file name, text)`` pairs (a ``derived`` share rebuilt)."""
    docs = list(docs)
    rng.shuffle(docs)
    corpus, rest = docs[:n_corpus], docs[n_corpus : n_corpus + n_audited]
    audited = []
    for i, d in enumerate(rest):
        text = d.text
        if i < int(derived * len(rest)):
            text = compose(d, rng.sample(corpus, rng.randint(1, 3)), rng)
        audited.append((f"a{i:05d}.txt", text))
    rng.shuffle(audited)
    return corpus, audited


def write_sets(root: Path, corpus: list[Document], audited: list[tuple[str, str]]) -> tuple[Path, Path]:
    c, a = root / "corpus", root / "audited"
    c.mkdir()
    a.mkdir()
    for i, d in enumerate(corpus):
        (c / f"c{i:05d}.txt").write_text(d.text, encoding="utf-8")
    for name, text in audited:
        (a / name).write_text(text, encoding="utf-8")
    return c, a


def run_once(fn: Callable[[], AuditReport]) -> tuple[float, float, AuditReport]:
    """CPU and wall seconds of one audit, its report's DataFrames included."""
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    report = fn()
    _ = report.findings, report.passages, report.articles
    return time.process_time() - cpu, time.perf_counter() - wall, report


def outcome(report: AuditReport) -> dict[str, str]:
    """The findings, passages and article shares of a report, as CSV text (for the check)."""
    def csv(frame: Any) -> str:
        return _TMP.sub("<tmp>", str(frame.to_csv(index=False, float_format="%.12g")))

    return {"findings": csv(report.findings), "passages": csv(report.passages),
            "articles": csv(report.articles)}


def stage_seconds(profile: cProfile.Profile) -> dict[str, float]:
    """Cumulative seconds per stage of :data:`STAGES` from a profile (outermost call counted)."""
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    out: dict[str, float] = {}
    for stage, names in STAGES.items():
        total = 0.0
        for (path, _line, func), (_cc, _nc, _tt, ct, _callers) in stats.items():
            if any(f"{path}:{func}".endswith(n) for n in names):
                total += ct
        out[stage] = round(total, 3)
    return out


def baseline(corpus: list[Document], audited: list[tuple[str, str]]) -> dict[str, float]:
    """The datasketch pipeline: LSH of the corpus, then query + exact Jaccard per article."""
    from datasketch import MinHashLSH

    cpu = time.process_time()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    sets = {}
    for d in corpus:
        sets[d.doc_id] = shingles(d.text)
        lsh.insert(d.doc_id, minhash(sets[d.doc_id]))
    build = time.process_time() - cpu
    cpu, wall = time.process_time(), time.perf_counter()
    found = 0
    for _name, text in audited:
        own = shingles(text)
        for key in lsh.query(minhash(own)):
            other = sets[key]
            union = len(own | other)
            found += union > 0 and len(own & other) / union >= 0.5
    return {"index_cpu_seconds": round(build, 3), "audit_cpu_seconds": round(time.process_time() - cpu, 3),
            "audit_wall_seconds": round(time.perf_counter() - wall, 3), "duplicates_found": found}


def check_reference(path: Path, got: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Compare ``got`` with the stored reference (written when missing)."""
    digest = {k: hashlib.sha256(json.dumps(v, sort_keys=True).encode()).hexdigest()[:12]
              for k, v in got.items()}
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(got, indent=1), encoding="utf-8")
        return {"reference": str(path), "written": True, "sha256": digest}
    stored = json.loads(path.read_text(encoding="utf-8"))
    want = {k: {t: _TMP.sub("<tmp>", v) for t, v in tables.items()} for k, tables in stored.items()}
    path.with_suffix(".last.json").write_text(json.dumps(got, indent=1), encoding="utf-8")  # for diffs
    differ = sorted(f"{k}.{t}" for k in want for t in want[k] if got.get(k, {}).get(t) != want[k][t])
    return {"reference": str(path), "identical": not differ, "differ": differ, "sha256": digest}


def main() -> None:
    parser = base_parser(__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=int, default=1800, help="corpus articles (default 1800)")
    parser.add_argument("--audited", type=int, default=400, help="audited articles (default 400)")
    parser.add_argument("--derived", type=float, default=0.25, help="share of audited articles rebuilt "
                        "from corpus paragraphs (default 0.25)")
    parser.add_argument("--repeat", type=int, default=2, help="timed runs per configuration (default 2)")
    parser.add_argument("--no-index", action="store_true", help="skip the SQLite index runs")
    parser.add_argument("--reference", type=Path, default=REPO_ROOT / "bench/out/speed_audit_reference.json")
    args = parser.parse_args()
    started = time.perf_counter()
    root = require_data("bbc-news", "bbc")
    loaded = load_paths(sorted(p for p in root.iterdir() if p.is_dir())).documents
    docs = sorted(loaded, key=lambda d: d.doc_id)
    corpus, audited = build_sets(docs, args.corpus, args.audited, args.derived, random.Random(args.seed))
    with tempfile.TemporaryDirectory(prefix="qc-speed-audit-") as tmp:
        cdir, adir = write_sets(Path(tmp), corpus, audited)
        index_path = Path(tmp) / "corpus.qcindex"
        runs: dict[str, Callable[[], AuditReport]] = {
            f"memory_{name}": (lambda c=cfg: audit([adir], corpus=[cdir], config=c))
            for name, cfg in CONFIGS.items()}
        index_build = 0.0
        if not args.no_index:
            cpu = time.process_time()
            with open_index(index_path, create=True) as idx:
                idx.add(load_paths([cdir]).documents, workers=1)
            index_build = time.process_time() - cpu
            runs |= {f"index_{name}": (lambda c=cfg: audit([adir], index=index_path, config=c))
                     for name, cfg in CONFIGS.items()}
        for fn in runs.values():  # warm-up: word lists, caches
            fn()
        cpu_best: dict[str, float] = {}
        wall_best: dict[str, float] = {}
        reports: dict[str, AuditReport] = {}
        for _ in range(args.repeat):
            for name, fn in runs.items():
                c, w, reports[name] = run_once(fn)
                cpu_best[name] = min(cpu_best.get(name, c), c)
                wall_best[name] = min(wall_best.get(name, w), w)
        profile = cProfile.Profile()
        profile.enable()
        run_once(runs["memory_all"])
        profile.disable()
        stages = stage_seconds(profile)
        index_stages: dict[str, float] = {}
        if "index_all" in runs:
            profile = cProfile.Profile()
            profile.enable()
            run_once(runs["index_all"])
            profile.disable()
            index_stages = stage_seconds(profile)
        base = baseline(corpus, audited)
        samples = audit([REPO_ROOT / "samples/articles"], corpus=[REPO_ROOT / "samples/corpus"])
        got = {"samples": outcome(samples),
               "bbc_memory_all": outcome(reports["memory_all"])}
        if "index_all" in reports:
            same = outcome(reports["index_all"]) == got["bbc_memory_all"]
        else:
            same = None
    n = len(audited)
    rates = {k: round(n / v, 1) for k, v in cpu_best.items()}
    base_rate = n / base["audit_cpu_seconds"] if base["audit_cpu_seconds"] else 0.0
    mem = reports["memory_all"]
    metrics: dict[str, Any] = {
        "corpus": len(corpus), "audited": n, "derived_share": args.derived,
        "audited_words": sum(len(t.split()) for _, t in audited),
        "articles_with_sources": int(sum(1 for a in mem.data.articles if a.sources)),
        "matches": len(mem.data.matches), "passages": len(mem.data.passages),
        "findings": len(mem.data.findings),
        "cpu_seconds_best": {k: round(v, 3) for k, v in cpu_best.items()},
        "wall_seconds_best": {k: round(v, 3) for k, v in wall_best.items()},
        "articles_per_cpu_second": rates,
        "index_build_cpu_seconds": round(index_build, 3),
        "stage_seconds_profiled_memory_all": stages, "stage_seconds_profiled_index_all": index_stages,
        "baseline_datasketch": {**base, "articles_per_cpu_second": round(base_rate, 1)},
        "ratio_vs_baseline": {k: round(v / base_rate, 3) for k, v in rates.items()} if base_rate else {},
        "index_same_outcome_as_memory": same,
        "results_check": check_reference(args.reference, got),
        "target_articles_per_second_2_cores": 2000,
    }
    for k in runs:
        print(f"{k:14s} {cpu_best[k]:7.2f} s CPU  {rates[k]:8.1f} articles/s  (wall {wall_best[k]:.2f} s)")
    print(f"baseline       {base['audit_cpu_seconds']:7.2f} s CPU  {base_rate:8.1f} articles/s")
    print(f"stages (profiled, memory_all): {stages}")
    print(f"results check: {metrics['results_check']}")
    emit(NAME, metrics, args.json_out, started)


if __name__ == "__main__":
    main()
