"""Persistent index at scale: build speed (1 process, all cores), audit speed, memory, disk; datasketch.

Corpus: perturbed copies of the 2,225 BBC News articles, made on the fly and never stored.
Copy ``i`` is article ``i mod 2225`` with, per paragraph, 1-3 seeded edits (drop a word, swap
two neighbours, replace a word by one from the corpus) and its paragraphs shuffled (the
headline stays first). Queries are further copies, so each has about ``size / 2225`` siblings
(copies of its article) in the index; "recall" below is the share of siblings reported.

Measured, each phase in a fresh process (so memory figures are its own):

* build: ``CorpusIndex.add`` of the whole stream, ``workers=1`` and all cores; articles/s
  include making the stream (its cost alone: ``generate``); CPU seconds of the writing
  process (which makes the stream) and of the workers, so a run on a shared machine can be
  judged; peak RSS of the writer and of the largest worker; index size on disk;
* audit: ``CorpusIndex.candidates`` (search and exact containment check) of ``--queries``
  copies, then ``ReuseEngine.from_index`` (search, prefilter, alignment, labels) of the same
  copies; articles/s; RSS of the process over its RSS before opening the index, after the
  searches (the index in use) and after the audit (plus the engine's caches of aligned
  sources), per indexed document;
* audit of new articles (``audit_new_articles``), reported beside the copies above: ``--queries``
  articles that share no text with the index (seeded word salad from the corpus vocabulary,
  BBC-like lengths), a fifth of them with one or two paragraphs of an indexed copy pasted in;
  articles/s and the share of pasted sources found (all, and those making >= 25% of the
  article: below the engine's 20% reuse threshold a source is not meant to be reported);
* the obvious datasketch pipeline on the first ``--subset`` copies: ``MinHash(num_perm=128)`` with one
  ``update`` per word 5-gram shingle, ``MinHashLSH(threshold=0.5)`` insert and query,
  candidates verified by exact Jaccard; against qualcheck's signing, build and audit of the
  same subset (ratios > 1: qualcheck faster); LSH memory per document.

    python -m bench.speed_index [--size 20000] [--subset 5000] [--queries 200] [--json-out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import base_parser, emit, minhash, rate, require_data, shingles, timed

NAME = "speed_index"
_WORD = re.compile(r"[A-Za-z]{3,}")


# --- the corpus -----------------------------------------------------------------------------------


def bases() -> list[tuple[str, str]]:
    """``(topic/file, text)`` of every BBC article, sorted."""
    root = require_data("bbc-news", "bbc")
    files = sorted(root.glob("*/*.txt"))
    return [(f"{p.parent.name}/{p.name}", p.read_text(encoding="latin-1")) for p in files]


def perturb(text: str, rng: random.Random, pool: list[str]) -> str:
    """1-3 edits (drop, swap, replace) per paragraph; paragraphs after the headline shuffled."""
    paragraphs = [p.split() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    for words in paragraphs[1:]:
        for _ in range(rng.randint(1, 3)):
            if len(words) < 4:
                break
            i, op = rng.randrange(len(words) - 1), rng.randrange(3)
            if op == 0:
                del words[i]
            elif op == 1:
                words[i], words[i + 1] = words[i + 1], words[i]
            else:
                words[i] = rng.choice(pool)
    body = paragraphs[1:]
    rng.shuffle(body)
    return "\n\n".join(" ".join(w) for w in paragraphs[:1] + body)


class Corpus:
    """Copy ``i`` of the scale corpus, the same for a given seed in every process."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.bases = bases()
        words = sorted({w for _, t in self.bases[::10] for w in _WORD.findall(t)})
        self.pool = random.Random(seed).sample(words, min(5000, len(words)))

    def base_of(self, i: int) -> int:
        return i % len(self.bases)

    def copy(self, i: int) -> Any:
        from qualcheck.types import Document

        name, text = self.bases[self.base_of(i)]
        rng = random.Random(f"{self.seed}:{i}")
        return Document(f"copy{i:07d}/{name}", f"copy{i:07d}/{name}", perturb(text, rng, self.pool))

    def stream(self, n: int, start: int = 0) -> Iterator[Any]:
        return (self.copy(i) for i in range(start, start + n))

    def queries(self, n: int, size: int) -> list[Any]:
        """``n`` copies not in an index of ``size`` (indices ``size..``), spread over the articles."""
        step = 7919  # prime: consecutive queries hit articles far apart
        first = size + (-size % len(self.bases))  # a multiple of the article count
        return [self.copy(first + (j * step) % len(self.bases)) for j in range(n)]

    def fresh(self, n: int, size: int, reuse: float = 0.2) -> list[tuple[Any, str | None, float]]:
        """``n`` new articles, the indexed article each reuses (None for most) and its share of words.

        A new article is seeded word salad from the corpus vocabulary (``pool``) with the
        length and paragraphs of a BBC article, so it shares no text with the index; a share
        ``reuse`` of them gets one or two paragraphs of an indexed copy pasted in (its article
        is the source to find).
        """
        from qualcheck.types import Document

        rng = random.Random(f"{self.seed}:fresh")
        out: list[tuple[Any, str | None, float]] = []
        for j in range(n):
            _, model = self.bases[rng.randrange(len(self.bases))]
            paragraphs = [" ".join(rng.choice(self.pool) for _ in p.split()) + "."
                          for p in re.split(r"\n\s*\n", model.strip()) if p.strip()]  # fmt: skip
            source, share = None, 0.0
            if rng.random() < reuse:
                donor = self.copy(rng.randrange(min(size, len(self.bases))))
                lifted = [p for p in donor.text.split("\n\n")[1:] if p.strip()][: rng.randint(1, 2)]
                paragraphs[1:1] = lifted
                source = donor.doc_id.split("/", 1)[1]
                share = sum(len(p.split()) for p in lifted) / sum(len(p.split()) for p in paragraphs)
            text = "\n\n".join(paragraphs)
            out.append((Document(f"new{j:07d}", f"new{j:07d}.txt", text), source, share))
        return out

    def siblings(self, query_id: str, size: int) -> int:
        """How many copies of the query's article an index of the first ``size`` copies holds."""
        b = self.base_of(int(query_id[4:11]))
        n = len(self.bases)
        return size // n + (1 if b < size % n else 0)


# --- measurements (each phase runs in its own process) -------------------------------------------


def rss_mb() -> float:
    """Resident memory now (Linux /proc), else the peak so far."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return peak_mb()


def peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # KB on Linux


def phase_generate(seed: int, size: int) -> dict[str, Any]:
    corpus = Corpus(seed)
    with timed() as t:
        chars = sum(len(d.text) for d in corpus.stream(size))
    return {"seconds": t.seconds, "mean_chars": round(chars / max(1, size))}


def phase_build(seed: int, size: int, workers: int | None, path: str, start: int = 0) -> dict[str, Any]:
    """Add copies ``start .. start + size`` to the index at ``path`` (created when missing)."""
    import sqlite3

    from qualcheck.index.persistent import open_index

    corpus = Corpus(seed)
    marks: list[tuple[int, float]] = [(0, time.perf_counter())]
    cpu = os.times()
    with open_index(path, create=True) as index, timed() as t:
        before = len(index)
        added = index.add(corpus.stream(size, start), workers=workers,
                          progress=lambda done, _: marks.append((done, time.perf_counter())))  # fmt: skip
    cpu_end = os.times()
    quarters = [marks[round(q * (len(marks) - 1) / 4)] for q in range(5)] if len(marks) > 8 else []
    by_quarter = [rate(b[0] - a[0], b[1] - a[1], 1) for a, b in zip(quarters, quarters[1:], strict=False)]
    with open_index(path) as index:
        disk, documents = index.info()["size_bytes"], len(index)
    db = sqlite3.connect(path)  # the compressed texts, as stored
    text = int(db.execute("SELECT COALESCE(SUM(LENGTH(text)), 0) FROM docs").fetchone()[0])
    db.close()
    own = cpu_end.user + cpu_end.system - cpu.user - cpu.system
    children = cpu_end.children_user + cpu_end.children_system - cpu.children_user - cpu.children_system
    return {"documents": added, "documents_before": before, "seconds": t.seconds,
            "articles_per_second": rate(added, t.seconds, 1), "articles_per_second_by_quarter": by_quarter,
            "cpu_seconds_writer": round(own, 2), "cpu_seconds_workers": round(children, 2),
            "peak_rss_mb": peak_mb(), "peak_rss_worker_mb": peak_mb(resource.RUSAGE_CHILDREN),
            "disk_bytes": disk, "disk_bytes_per_doc": round(disk / max(1, documents)),
            "compressed_text_bytes_per_doc": round(text / max(1, documents)),
            "disk_bytes_per_doc_beyond_text": round((disk - text) / max(1, documents))}  # fmt: skip


def phase_audit(seed: int, size: int, n: int, path: str) -> dict[str, Any]:
    from qualcheck.index.engine import ReuseEngine
    from qualcheck.index.persistent import open_index

    corpus = Corpus(seed)
    queries = corpus.queries(n, size)
    before = rss_mb()
    found = truth = matched = 0
    with open_index(path) as index:
        opened, documents = rss_mb(), len(index)
        with timed() as search_t:
            for q in queries:
                index.candidates(q, 0.2)
        searched = rss_mb()
        with timed() as t:
            engine = ReuseEngine.from_index(index, queries)
            for q in queries:
                ms = [m for m in engine.matches(q) if m.source_id.startswith("copy")]
                matched += len(ms)
                found += sum(m.source_id.split("/", 1)[1] == q.doc_id.split("/", 1)[1] for m in ms)
                truth += corpus.siblings(q.doc_id, size)
        after = rss_mb()
    return {"queries": n, "search_articles_per_second": rate(n, search_t.seconds, 1),
            "seconds": t.seconds, "articles_per_second": rate(n, t.seconds, 1),
            "matches_per_query": rate(matched, n, 2), "sibling_recall": rate(found, truth),
            "rss_before_open_mb": before, "rss_open_mb": opened, "rss_after_search_mb": searched,
            "rss_after_audit_mb": after, "peak_rss_mb": peak_mb(),
            "index_rss_bytes_per_doc": round((searched - before) * 2**20 / max(1, documents)),
            "audit_rss_bytes_per_doc": round((after - before) * 2**20 / max(1, documents))}  # fmt: skip


def phase_audit_mix(seed: int, size: int, n: int, path: str) -> dict[str, Any]:
    """Audit of new articles (:meth:`Corpus.fresh`): most reuse nothing, a fifth reuse one copy."""
    from qualcheck.index.engine import ReuseEngine
    from qualcheck.index.persistent import open_index

    mix = Corpus(seed).fresh(n, size)
    queries = [q for q, _, _ in mix]
    found = reusing = matched = above = found_above = 0
    with open_index(path) as index:
        with timed() as search_t:
            for q in queries:
                index.candidates(q, 0.2)
        with timed() as t:
            engine = ReuseEngine.from_index(index, queries)
            for q, source, share in mix:
                ms = [m for m in engine.matches(q) if m.source_id.startswith("copy")]
                matched += len(ms)
                if source is not None:
                    hit = any(m.source_id.split("/", 1)[1] == source for m in ms)
                    reusing, found = reusing + 1, found + hit
                    if share >= 0.25:  # clearly above the engine's reuse threshold (0.2 of the article)
                        above, found_above = above + 1, found_above + hit
    return {"queries": n, "reusing_queries": reusing,
            "search_articles_per_second": rate(n, search_t.seconds, 1),
            "seconds": t.seconds, "articles_per_second": rate(n, t.seconds, 1),
            "matches_per_query": rate(matched, n, 2),
            "reused_source_found": rate(found, reusing),
            "reusing_queries_share_ge_0.25": above,
            "reused_source_found_share_ge_0.25": rate(found_above, above)}  # fmt: skip


def phase_sign(seed: int, subset: int) -> dict[str, Any]:
    """Signing and preparing the subset: document by document, and in batches as the build does."""
    from qualcheck.index.batchsign import minhash_values, shingle_sets
    from qualcheck.index.fastscan import needs_regex, read_texts, text_groups
    from qualcheck.index.parallel import _row, _signer, prepare, prepare_part
    from qualcheck.index.shingles import TokenStream
    from qualcheck.index.store import IndexSettings

    corpus = Corpus(seed)
    docs = list(corpus.stream(subset))
    settings = IndexSettings()
    signer = _signer(settings.num_perm, settings.shingle_size, settings.seed)
    with timed() as sign_t:
        for d in docs:
            signer.sign_shingles(TokenStream.of(d.text).shingles(3))
    with timed() as prep_t:
        for d in docs:
            prepare(d, settings)
    texts = [d.text for d in docs if not needs_regex(d.text)]  # the few others: by the regex
    with timed() as batch_t:
        for group in text_groups([len(t) for t in texts]):
            batch = read_texts([texts[i] for i in group])
            minhash_values(signer, *shingle_sets(batch.word_hashes(), batch.bounds, 3))
    rows = [_row(d) for d in docs]
    with timed() as part_t:
        for i in range(0, subset, 2000):  # the parts a 2-worker build prepares
            prepare_part(rows[i : i + 2000], settings)
    return {"sign_articles_per_second": rate(subset, sign_t.seconds, 1),
            "prepare_articles_per_second": rate(subset, prep_t.seconds, 1),
            "sign_batch_articles_per_second": rate(len(texts), batch_t.seconds, 1),
            "prepare_batch_articles_per_second": rate(subset, part_t.seconds, 1)}  # fmt: skip


def phase_datasketch(seed: int, subset: int, n: int) -> dict[str, Any]:
    from datasketch import MinHashLSH

    corpus = Corpus(seed)
    docs = list(corpus.stream(subset))
    before = rss_mb()
    with timed() as sign_t:
        sets = {d.doc_id: shingles(d.text) for d in docs}
        hashes = {k: minhash(s) for k, s in sets.items()}
    signed = rss_mb()
    with timed() as insert_t:
        lsh = MinHashLSH(threshold=0.5, num_perm=128)
        for k, m in hashes.items():
            lsh.insert(k, m)
    inserted = rss_mb()
    queries = corpus.queries(n, subset)
    found = truth = verified = 0
    with timed() as query_t:
        for q in queries:
            qs = shingles(q.text)
            for k in lsh.query(minhash(qs)):
                if len(qs & sets[k]) / len(qs | sets[k]) >= 0.5:
                    verified += 1
                    found += k.split("/", 1)[1] == q.doc_id.split("/", 1)[1]
            truth += corpus.siblings(q.doc_id, subset)
    return {"sign_seconds": sign_t.seconds, "sign_articles_per_second": rate(subset, sign_t.seconds, 1),
            "insert_seconds": insert_t.seconds,
            "sign_and_insert_articles_per_second": rate(subset, sign_t.seconds + insert_t.seconds, 1),
            "query_seconds": query_t.seconds, "query_articles_per_second": rate(n, query_t.seconds, 1),
            "matches_per_query": rate(verified, n, 2), "sibling_recall": rate(found, truth),
            "lsh_rss_bytes_per_doc": round((inserted - signed) * 2**20 / subset),
            "pipeline_rss_bytes_per_doc": round((inserted - before) * 2**20 / subset),
            "peak_rss_mb": peak_mb()}  # fmt: skip


PHASES = {"generate": phase_generate, "build": phase_build, "audit": phase_audit,
          "audit_mix": phase_audit_mix, "sign": phase_sign, "datasketch": phase_datasketch}  # fmt: skip


def run_phase(name: str, *args: Any) -> dict[str, Any]:
    """Run one phase in a fresh interpreter; its last stdout line is its JSON result."""
    cmd = [sys.executable, "-m", "bench.speed_index", "--phase", json.dumps([name, *args])]
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=Path(__file__).parents[1])
    if done.returncode != 0:
        raise SystemExit(f"phase {name} failed:\n{done.stderr}")
    out: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  {name} {args[1:]}: {time.perf_counter() - started:.1f} s {json.dumps(out)}", flush=True)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = base_parser(__doc__.split("\n", 1)[0])
    parser.add_argument("--size", type=int, default=20_000, help="articles in the index (default 20,000)")
    parser.add_argument("--subset", type=int, default=5_000, help="articles for the datasketch comparison")
    parser.add_argument("--queries", type=int, default=200, help="articles audited against the index")
    parser.add_argument("--workers", type=int, default=None, help="processes for the parallel build [all]")
    parser.add_argument("--serial-size", type=int, help="articles for the workers=1 build [--size]")
    parser.add_argument("--dir", type=Path, help="where to put the indexes [a temporary folder, removed]")
    parser.add_argument("--phase", help=argparse.SUPPRESS)  # internal: run one phase, print its JSON
    args = parser.parse_args(argv)
    if args.phase:
        name, *rest = json.loads(args.phase)
        print(json.dumps(PHASES[name](*rest)))
        return
    started = time.perf_counter()
    load0 = os.getloadavg()
    n_bases = len(bases())  # exits 0 with SKIP when the data is absent
    workers = args.workers or os.cpu_count() or 1
    serial = args.serial_size or args.size
    print(f"{n_bases} BBC articles; index of {args.size} copies, {workers} workers; load {load0}", flush=True)
    par = f"build_workers_{workers}"
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        gen = run_phase("generate", args.seed, args.size)
        one = run_phase("build", args.seed, serial, 1, f"{tmp}/serial.qcx")
        os.remove(f"{tmp}/serial.qcx")
        many = run_phase("build", args.seed, args.size, workers, f"{tmp}/full.qcx")
        audit = run_phase("audit", args.seed, args.size, args.queries, f"{tmp}/full.qcx")
        audit_mix = run_phase("audit_mix", args.seed, args.size, args.queries, f"{tmp}/full.qcx")
        # 1,000 new articles added to the big index (copies beyond the queries' range)
        grow = run_phase("build", args.seed, 1000, workers, f"{tmp}/full.qcx", 10 * args.size + 10_000)
        sub = run_phase("sign", args.seed, args.subset)
        for n in dict.fromkeys([1, workers]):
            sub[f"build_workers_{n}"] = run_phase("build", args.seed, args.subset, n, f"{tmp}/sub{n}.qcx")
        sub["audit"] = run_phase("audit", args.seed, args.subset, args.queries, f"{tmp}/sub1.qcx")
        ds = run_phase("datasketch", args.seed, args.subset, args.queries)
    ds_build, ds_query = ds["sign_and_insert_articles_per_second"], ds["query_articles_per_second"]
    ds_sign = ds["sign_articles_per_second"]
    ratios = {  # qualcheck articles/s over datasketch's, same subset, same run
        "sign": rate(sub["sign_articles_per_second"], ds["sign_articles_per_second"], 2),
        "prepare_vs_sign": rate(sub["prepare_articles_per_second"], ds["sign_articles_per_second"], 2),
        "sign_batch": rate(sub["sign_batch_articles_per_second"], ds_sign, 2),
        "prepare_batch_vs_sign": rate(sub["prepare_batch_articles_per_second"], ds_sign, 2),
        **{f"build_workers_{n}_vs_sign_and_insert": rate(sub[f"build_workers_{n}"]["articles_per_second"],
                                                          ds_build, 2) for n in dict.fromkeys([1, workers])},
        f"full_build_workers_{workers}_vs_sign_and_insert": rate(many["articles_per_second"], ds_build, 2),
        "search_vs_query_and_verify": rate(sub["audit"]["search_articles_per_second"], ds_query, 2),
        "audit_vs_query_and_verify": rate(sub["audit"]["articles_per_second"], ds_query, 2),
    }
    metrics = {
        "size": args.size, "serial_size": serial, "subset": args.subset, "queries": args.queries,
        "workers": workers, "bbc_articles": n_bases, "generate": gen, "build_workers_1": one, par: many,
        "speedup": rate(many["articles_per_second"], one["articles_per_second"], 2),  # sizes may differ
        "audit": audit, "audit_new_articles": audit_mix, "add_1000_to_the_index": grow,
        "subset_qualcheck": sub, "subset_datasketch": ds, "qualcheck_over_datasketch": ratios,
        "load_average_start_end": [load0, os.getloadavg()],
    }  # fmt: skip
    emit(NAME, metrics, args.json_out, started)


if __name__ == "__main__":
    main()
