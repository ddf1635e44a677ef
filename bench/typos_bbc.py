"""Typo recall, suggestion accuracy and false alarms: misspellings planted into BBC articles.

N articles (seeded) get 1-3 words each replaced by a real human misspelling of that word
(Wikipedia's common-misspellings list, or Norvig's Birkbeck test sets with ``--set norvig``),
case matched, exact offsets kept; each misspelt form is planted at most once per run, so
repetition cannot teach it to the corpus vocabulary. M further articles stay untouched as
clean controls. Both sets are audited with the language rules (QC2, QC3) against the other
BBC articles as corpus. Baseline in the same run: pyspellchecker as a plain dictionary
checker (flag ``unknown()`` words, suggest ``correction()``), alone and on lower-case words only;
and the command-line checkers of :mod:`bench.peers` (typos, codespell, hunspell en_US and en_GB)
on the same texts written to a temporary folder. A peer that is not installed is reported as
skipped (``pip install -r bench/requirements.txt``; ``apt-get install hunspell hunspell-en-us``).
False alarms are reported raw and "adjudicated": without findings on the errors listed in
``bench/data/real_errors_in_bbc_news.tsv``, which are really in the BBC text (read and confirmed;
the same list applies to every tool).

    python -m bench.typos_bbc [--planted N] [--clean M] [--corpus-size K] [--set norvig]
"""

from __future__ import annotations

import random
import re
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spellchecker import SpellChecker

from bench import peers
from bench.common import base_parser, emit, rate, require_data, timed
from bench.planting import WORD, Planted, load_pairs, plant
from qualcheck.api import audit_documents
from qualcheck.config import Config
from qualcheck.lexicon import known_misspellings
from qualcheck.load import load_paths
from qualcheck.types import Document

NAME = "typos_bbc"
# Errors really in the BBC texts, read and confirmed: findings on them are not false alarms.
REAL_ERRORS = Path(__file__).with_name("data") / "real_errors_in_bbc_news.tsv"


@dataclass(frozen=True)
class Flag:
    doc_id: str
    rule: str
    start: int
    end: int
    text: str
    suggestion: str


def evaluate(flags: list[Flag], truth: list[Planted], planted_ids: set[str], clean: list[Document],
             seconds: float, subsets: dict[str, set[str]]) -> dict[str, Any]:
    """Score ``flags``; ``subsets`` names sets of misspelt forms to report recall on separately."""
    by_doc: dict[str, list[Flag]] = {}
    for f in flags:
        by_doc.setdefault(f.doc_id, []).append(f)
    caught = right = 0
    caught_forms: set[str] = set()
    caught_by: Counter[str] = Counter()
    missed, bad_suggestions, on_truth = [], [], set()
    for p in truth:
        hits = [f for f in by_doc.get(p.doc_id, []) if f.start < p.end and f.end > p.start]
        on_truth.update(hits)
        if not hits:
            missed.append(f"{p.wrong}->{p.right}")
            continue
        caught += 1
        caught_forms.add(p.wrong.lower())
        caught_by[hits[0].rule] += 1
        first = hits[0].suggestion.split(" | ")[0].strip()
        if first.casefold() == p.right.casefold():
            right += 1
        else:
            bad_suggestions.append(f"{p.wrong}->{first or '(none)'} (want {p.right})")
    extra = [f for f in flags if f.doc_id in planted_ids and f not in on_truth]
    clean_ids = {d.doc_id for d in clean}
    clean_flags = [f for f in flags if f.doc_id in clean_ids]
    real = real_errors()
    unreal = [f for f in clean_flags if not is_real_error(real, f.doc_id, f.text)]
    clean_words = sum(len(WORD.findall(d.text)) for d in clean)
    false_alarms = clean_flags + extra
    by_rule: dict[str, Any] = {}
    for rule, n in Counter(f.rule for f in false_alarms).most_common():
        texts = Counter(f.text for f in false_alarms if f.rule == rule)
        by_rule[rule] = {"count": n, "clean_docs_count": sum(f.rule == rule for f in clean_flags),
                         "top_texts": texts.most_common(20)}
    return {
        "planted": len(truth), "caught": caught, "recall": rate(caught, len(truth)),
        **{f"recall_{name}": rate(len(forms & caught_forms), len(forms)) for name, forms in subsets.items()},
        "caught_by_rule": dict(caught_by),
        "suggestion_accuracy_of_caught": rate(right, caught),
        "suggestion_accuracy_of_planted": rate(right, len(truth)),
        "extra_findings_in_planted_docs": len(extra),
        "extra_per_planted_doc": rate(len(extra), len(planted_ids), 2),
        "clean_docs": len(clean), "clean_words": clean_words, "clean_findings": len(clean_flags),
        "false_alarms_per_10k_words": rate(10_000 * len(clean_flags), clean_words, 2),
        "false_alarms_per_clean_doc": rate(len(clean_flags), len(clean), 2),
        "clean_findings_on_real_errors": len(clean_flags) - len(unreal),
        "false_alarms_per_10k_words_adjudicated": rate(10_000 * len(unreal), clean_words, 2),
        "clean_docs_without_findings": sum(1 for d in clean if d.doc_id not in by_doc),
        "seconds": seconds, "missed_examples": missed[:25], "wrong_suggestion_examples": bad_suggestions[:25],
        "false_alarms_by_rule": by_rule,
    }


def real_errors() -> set[tuple[str, str]]:
    """(path under bbc-news/bbc, text) of errors really in the BBC articles (``REAL_ERRORS``)."""
    rows = (line.split("\t") for line in REAL_ERRORS.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#"))
    return {(row[0], row[1]) for row in rows}


def is_real_error(real: set[tuple[str, str]], doc_id: str, text: str) -> bool:
    """True when a finding on ``text`` in ``doc_id`` points at an error the BBC text really has."""
    return any(doc_id.endswith("/" + path) and text == wrong for path, wrong in real)


def run_qualcheck(docs: list[Document], corpus: list[Document]) -> tuple[list[Flag], float]:
    with timed() as t:
        found = audit_documents(docs, corpus, config=Config(select=("QC2", "QC3"))).findings
    flags = [Flag(str(r.doc_id), str(r.rule), int(r.start), int(r.end), str(r.text), str(r.suggestion or ""))
             for r in found.itertuples(index=False)]
    return flags, t.seconds


def run_pyspellchecker(docs: list[Document], truth: list[Planted], lowercase_only: bool, suggest_all: bool,
                       rng: random.Random) -> tuple[list[Flag], dict[str, Any]]:
    """Flag ``unknown()`` words (possessive 's dropped), suggest ``correction()``.

    ``correction()`` costs up to a second for a long unknown name, so unless ``suggest_all``
    only the words the metrics read (those on planted errors) are corrected and the time for
    the rest is projected from a seeded sample of 100 of them.
    """
    spell = SpellChecker()
    with timed() as detect:
        raw = [(doc.doc_id, m, re.sub(r"['\u2019]s$", "", m.group()).lower())
               for doc in docs for m in WORD.finditer(doc.text)
               if not (lowercase_only and m.group()[0].isupper())]
        unknown = spell.unknown({w for *_, w in raw})
        raw = [r for r in raw if r[2] in unknown]
    spans: dict[str, list[tuple[int, int]]] = {}
    for p in truth:
        spans.setdefault(p.doc_id, []).append((p.start, p.end))
    on_truth = {w for d, m, w in raw if any(s < m.end() and e > m.start() for s, e in spans.get(d, []))}
    needed = sorted(unknown) if suggest_all else sorted(on_truth)
    with timed() as suggest:
        fixes = {w: spell.correction(w) or "" for w in needed}
    timing: dict[str, Any] = {"detect_seconds": detect.seconds, "suggest_seconds": suggest.seconds,
                              "flagged_distinct_words": len(unknown), "suggested_words": len(needed)}
    seconds = detect.seconds + suggest.seconds
    rest = sorted(unknown - fixes.keys())
    if rest:
        sample = rng.sample(rest, min(100, len(rest)))
        with timed() as probe:
            for w in sample:
                spell.correction(w)
        timing["suggest_rest_projected_seconds"] = round(probe.seconds / len(sample) * len(rest), 2)
        seconds += timing["suggest_rest_projected_seconds"]
    timing["seconds_basis"] = f"projected from {min(100, len(rest))} sampled words" if rest else "measured"
    flags = [Flag(d, "pyspellchecker-unknown", m.start(), m.end(), m.group(), fixes.get(w, ""))
             for d, m, w in raw]
    return flags, {**timing, "seconds": round(seconds, 2)}


def run_peers(audited: list[Document], truth: list[Planted], planted_ids: set[str], clean: list[Document],
              subsets: dict[str, set[str]]) -> dict[str, Any]:
    """Each command-line peer on the audited texts, written to a temporary folder."""
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="qualcheck-peers-") as tmp:
        paths = peers.write_texts({d.doc_id: d.text for d in audited}, Path(tmp))
        texts = {path: d.text for path, d in zip(paths, audited, strict=True)}
        for tool, (runner, _) in peers.RUNNERS.items():
            try:
                with timed() as t:
                    found = runner(texts)
            except peers.Unavailable as exc:
                results[tool] = {"skipped": str(exc)}
                continue
            flags = [Flag(paths[f["path"]], f["rule"], f["start"], f["end"], f["text"], f["suggestion"])
                     for f in found]
            results[tool] = {**evaluate(flags, truth, planted_ids, clean, t.seconds, subsets),
                             "version": peers.tool_version(tool)}
    return results


def dump_missed(path: Path, flags: list[Flag], truth: list[Planted], planted: list[Document],
                real_words: set[str]) -> None:
    """Write each missed planted error (TSV: kind, wrong, right, doc, context) for diagnosis.

    ``kind`` is ``real-word`` for forms a dictionary knows (out of scope without context), else
    ``non-word``. The context is the 60 characters either side, with the error in brackets.
    """
    texts = {d.doc_id: d.text for d in planted}
    spans = {(f.doc_id, f.start, f.end) for f in flags}
    rows = ["kind\twrong\tright\tdoc\tcontext"]
    for p in truth:
        if any(d == p.doc_id and s < p.end and e > p.start for d, s, e in spans):
            continue
        text = texts[p.doc_id]
        context = f"{text[max(0, p.start - 60):p.start]}[{p.wrong}]{text[p.end:p.end + 60]}"
        kind = "real-word" if p.wrong.lower() in real_words else "non-word"
        rows.append("\t".join((kind, p.wrong, p.right, p.doc_id, " ".join(context.split()))))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(rows) - 1} missed errors written to {path}")


def main(argv: list[str] | None = None) -> None:
    parser = base_parser(__doc__.split("\n", 1)[0])
    parser.add_argument("--planted", "--limit", type=int, default=200, help="articles to plant errors in")
    parser.add_argument("--clean", type=int, default=200, help="untouched control articles")
    parser.add_argument("--corpus-size", type=int, help="sample K other articles as corpus (default all)")
    parser.add_argument("--baseline-suggest-all", action="store_true",
                        help="pyspellchecker: correct every flagged word (slow), do not project")
    parser.add_argument("--set", choices=("wikipedia", "norvig"), default="wikipedia", help="misspellings")
    parser.add_argument("--dump-missed", metavar="FILE", help="write missed errors, in context (TSV)")
    parser.add_argument("--qualcheck-only", action="store_true", help="skip baselines, peers")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    root = require_data("bbc-news", "bbc")
    folder = require_data("misspellings")
    rng = random.Random(args.seed)
    pairs = load_pairs(folder, args.set)
    options: dict[str, list[str]] = {}
    for wrong, right in sorted(pairs.items()):
        options.setdefault(right.lower(), []).append(wrong.lower())
    topics = sorted(p for p in root.iterdir() if p.is_dir())
    docs = sorted(load_paths(topics).documents, key=lambda d: d.doc_id)
    rng.shuffle(docs)
    planted: list[Document] = []
    truth: list[Planted] = []
    used: set[str] = set()
    rest: list[Document] = []
    for doc in docs:
        if len(planted) < args.planted:
            new, errors = plant(doc, options, used, rng)
            if errors:
                planted.append(new)
                truth.extend(errors)
                continue
        rest.append(doc)
    clean, corpus = rest[: args.clean], rest[args.clean :]
    if args.corpus_size is not None:
        corpus = rng.sample(corpus, min(args.corpus_size, len(corpus)))
    print(f"{len(truth)} {args.set} misspellings planted in {len(planted)} articles; {len(clean)} clean; "
          f"corpus {len(corpus)} articles")
    audited = planted + clean
    planted_ids = {d.doc_id for d in planted}
    forms = {p.wrong.lower() for p in truth}
    real_words = forms - SpellChecker().unknown(forms)
    subsets = {"nonword_errors": forms - real_words,  # recall on forms a dictionary does not know
               "off_qualcheck_list": forms - known_misspellings().keys()}  # not on qualcheck's shipped list

    qc_flags, qc_s = run_qualcheck(audited, corpus)
    results = {"qualcheck": evaluate(qc_flags, truth, planted_ids, clean, qc_s, subsets)}
    if args.dump_missed:
        dump_missed(Path(args.dump_missed), qc_flags, truth, planted, real_words)
    for tool, lowercase_only in (("pyspellchecker", False), ("pyspellchecker_lowercase_only", True)):
        if args.qualcheck_only:
            break
        flags, timing = run_pyspellchecker(audited, truth, lowercase_only, args.baseline_suggest_all, rng)
        results[tool] = {**evaluate(flags, truth, planted_ids, clean, timing["seconds"], subsets),
                         "timing": timing}
    if not args.qualcheck_only:
        results.update(run_peers(audited, truth, planted_ids, clean, subsets))
    for tool, res in results.items():
        if "skipped" in res:
            print(f"{tool:30} skipped: {res['skipped']}")
            continue
        print(f"{tool:30} recall {res['recall']:.3f}  suggestion {res['suggestion_accuracy_of_caught']:.3f}  "
              f"false alarms/10k words {res['false_alarms_per_10k_words']} "
              f"({res['false_alarms_per_10k_words_adjudicated']} without real BBC errors)  per clean doc "
              f"{res['false_alarms_per_clean_doc']} extra in planted {res['extra_findings_in_planted_docs']} "
              f"{res['seconds']} s")
    for tool in ("typos", "codespell", "hunspell_en_US", "hunspell_en_GB"):
        for row in results.get(tool, {}).get("false_alarms_by_rule", {}).values():
            print(f"  {tool} false alarms: " + ", ".join(f"{t!r} ({n})" for t, n in row["top_texts"][:12]))
    for rule, row in results["qualcheck"]["false_alarms_by_rule"].items():
        top = ", ".join(f"{t!r} ({n})" for t, n in row["top_texts"][:10])
        print(f"  qualcheck {rule}: {row['count']} ({row['clean_docs_count']} in clean docs): {top}")
    metrics = {"set": args.set, "planted_docs": len(planted), "planted_errors": len(truth),
               "real_word_errors": len(real_words),
               "on_qualcheck_list": len(forms) - len(subsets["off_qualcheck_list"]),
               "clean_docs": len(clean), "corpus_docs": len(corpus),
               "audited_words": sum(len(WORD.findall(d.text)) for d in audited)}
    emit(NAME, {**metrics, **results}, args.json_out, started)


if __name__ == "__main__":
    main()
