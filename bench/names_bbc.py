"""Name-variant recall and false alarms: one name spelled two ways, planted into BBC articles.

Each planted article gets ONE later mention of a name changed (the first stays right):
``slip`` a letter substituted, transposed, dropped or doubled in a capitalised name that is
no English word (``qualcheck.lexicon.is_english``), first letter kept; ``casing`` an acronym
or mixed-case name the BBC never writes in lower case re-cased ("BBC" -> "Bbc", "eBay" ->
"Ebay"; half mixed-case); ``joining`` a hyphen or space of a multi-part name changed ("Time
Warner" -> "TimeWarner"), half in BBC names and, as hyphenated names are rare there, half in an
inserted East Asian name ("Kim Min-ho" then "Kim Min Ho"); ``romanisation`` another spelling
of the surname in the same language from ``names/surname-romanizations.json``: Mandarin pinyin
or Wade-Giles ("Zhao" -> "Chao"), Hong Kong or Macanese Cantonese ("Cheung" -> "Cheong"),
Korean ("Lee" -> "Rhee"). Few BBC articles use those surnames, so each is two inserted
sentences about one person. Extra kinds, not in the headline recall: ``slip_known_word_name``,
slips in names the dictionary knows but the BBC never writes in lower case ("Blair");
``romanisation_cross_language``, two spellings of one row from different languages ("Zhao"
-> "Teo", "Wu" -> "Ng"), which name the same character but are no spelling variant a
newsroom makes (see ``LANGUAGES``).
Hard negatives: two surnames from different rows, one edit apart ("Cheng", "Cheung"), inserted
as two people with their own given names and, later, titles that differ (Mr/Ms), agree (Mr/Mr)
or are absent; any finding on them is a false merge. A second set, reported apart, gives the two
people the same given name ("Cheng Wei", "Cheung Wei"), which only titles, a house list or
corpus evidence can tell apart. Clean articles stay untouched. All are audited with
``select=("QC3", "QC203")`` against the rest of BBC as corpus.

    python -m bench.names_bbc [--per-kind N] [--clean M] [--hard-negatives H] [--corpus-size K]
"""

from __future__ import annotations

import calendar
import json
import random
import re
import time
from collections import Counter, defaultdict, namedtuple
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from rapidfuzz.distance import OSA

from bench.common import base_parser, emit, rate, require_data, timed
from qualcheck.api import audit_documents
from qualcheck.config import Config
from qualcheck.lexicon import is_english
from qualcheck.load import load_paths
from qualcheck.types import Document

NAME = "names_bbc"
KINDS = ("slip", "casing", "joining", "romanisation")  # the headline recall is over these
PART = r"[A-Z][a-z]+(?:-[A-Za-z][a-z]+)*"
TITLE = re.compile(r"(?<![\w'\u2019-])[A-Z][a-z]{3,}(?![\w-])")
CASED = re.compile(r"(?<![\w'\u2019-])(?:[A-Z]{2,}|[a-z]+[A-Z][A-Za-z]*|[A-Z][a-z]+[A-Z][A-Za-z]*)(?![\w-])")
MULTI = re.compile(rf"(?<![\w'\u2019-]){PART}(?: {PART})*(?![\w-])")
LOWER = re.compile(r"\b[a-z]+\b")
LETTERS = "abcdefghijklmnopqrstuvwxyz"
TITLES = {"Mr", "Mrs", "Ms", "Dr", "Sir", "Lord", "Lady", "Dame", "Prof", "St", "President", "Prime",
          "Minister", "Chancellor", "Secretary", "King", "Queen", "Prince", "Princess", "Judge", "Chief"}
CALENDAR = {*calendar.day_name, *calendar.month_name[1:]}
GIVEN = ("Wei", "Jian", "Xiaoming", "Hong-wei", "Mei-ling", "Min-ho", "Ji-won", "Sung-jae", "Kwang-ho",
         "Hye-jin")
ROLES = ("an analyst at a Hong Kong brokerage", "a spokesman for the regulator", "a trade official",
         "a researcher at a Seoul university", "a senior executive at the firm", "an economist in Taipei")
FIRST = ('{n}, {r}, said the figures were "broadly in line" with expectations.',
         '{n}, {r}, told the BBC the decision had been "a long time coming".')
LATER = ('"We will have to wait and see," {n} added.', "{n} said a further announcement was due next month.")


Truth = namedtuple("Truth", "doc_id kind start end variant original detail")  # one planted variant


def initial(text: str, i: int) -> bool:
    """Sentence-initial (or after an opening quote or bracket): capitalised for its place, not its name."""
    before = text[:i].rstrip(" ")
    return not before or before[-1] in ".!?\n\"\u201c\u201d\u2018\u2019'(:"


def repeated(text: str, regex: re.Pattern[str], keep: Callable[[str], bool]) -> dict[str, list[int]]:
    """Forms matching ``regex`` at least twice in the body, not sentence-initial, passing ``keep``."""
    found: dict[str, list[int]] = defaultdict(list)
    for m in regex.finditer(text, text.find("\n\n") + 1):  # the body, after the headline
        if not initial(text, m.start()) and keep(m.group()):
            found[m.group()].append(m.start())
    return {k: v for k, v in found.items() if len(v) >= 2}


def slip(word: str, rng: random.Random) -> tuple[str, str]:
    op = rng.choice(("substitute", "transpose", "drop", "double"))
    i = rng.randrange(1, len(word) - 1 if op == "transpose" else len(word))
    if op == "substitute":
        return word[:i] + rng.choice([c for c in LETTERS if c != word[i]]) + word[i + 1:], op
    if op == "transpose":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:], op
    return (word[:i] + word[i + 1:] if op == "drop" else word[:i + 1] + word[i:]), op


def rejoin(form: str, rng: random.Random) -> tuple[str, str]:
    i = rng.choice([j for j, c in enumerate(form) if c in " -"])
    if form[i] == "-":
        op = rng.choice(("hyphen->space", "hyphen->joined"))
        rest = " " + form[i + 1].upper() if op.endswith("space") else form[i + 1].lower()
        rest += form[i + 2:]
        return form[:i] + rest, op
    op = rng.choice(("space->joined", "space->hyphen"))
    return form[:i] + ("" if op.endswith("joined") else "-") + form[i + 1:], op


FILTERS: dict[str, tuple[re.Pattern[str], Callable[[str, Counter[str]], bool]]] = {
    "casing": (CASED, lambda f, low: low[f.lower()] < 2),  # never written in lower case: "BBC", "eBay"
    "casing_mixed": (CASED, lambda f, low: low[f.lower()] < 2 and not f.isupper()),
    "joining": (MULTI, lambda f, low: bool(re.search("[ -]", f)) and len(re.split("[ -]", f)) <= 4
                and not TITLES & set(f.split()) and not all(is_english(p.lower()) for p in f.split())),
    "slip": (TITLE, lambda f, low: not is_english(f.lower())),
    "slip_known_word_name": (TITLE, lambda f, low: is_english(f.lower()) and low[f.lower()] < 2
                             and f not in CALENDAR),
}


def plant_one(doc: Document, kind: str, low: Counter[str], rng: random.Random) -> tuple[Any, Any] | None:
    """Change one later mention of a repeated name of ``kind``; None when the article has none."""
    text, (regex, keep) = doc.text, FILTERS[kind]
    forms = repeated(text, regex, lambda f: keep(f, low))
    kind = kind.removesuffix("_mixed")
    for form in rng.sample(sorted(forms), len(forms)):
        for _ in range(10):
            if kind == "casing":
                variant = form[0].upper() + form[1:].lower()
                op = "acronym" if form.isupper() else "mixed-case"
            else:
                variant, op = (rejoin if kind == "joining" else slip)(form, rng)
            seen = variant in text if kind == "casing" else variant.lower() in text.lower()
            word = kind in ("casing", "joining") or not is_english(variant.lower())
            if variant != form and not seen and word:
                at = rng.choice(forms[form][1:])
                new = replace(doc, text=text[:at] + variant + text[at + len(form):])
                return new, Truth(doc.doc_id, kind, at, at + len(variant), variant, form, op)
    return None


def insert(doc: Document, first: str, later: str) -> tuple[Document, int, int]:
    """Put ``first`` after the first body paragraph and ``later`` before the last; their offsets."""
    paras = doc.text.split("\n\n")
    at = 2 if len(paras) > 3 else len(paras)
    paras = [*paras[:at], first, *paras[at:-1], later, paras[-1]] if at == 2 else [*paras, first, later]
    text = "\n\n".join(paras)
    i = text.index(first)
    return replace(doc, text=text), i, text.index(later, i + len(first))


# The columns of surname-romanizations.json that spell one language. A journalist writing
# about one person may meet that person's name in two systems of one language (pinyin
# "Zhou" and Wade-Giles "Chou"; Korean "Lee", "Yi", "Rhee"), but not in another language's
# reading of the same character (Mandarin "Zhao", Hokkien "Teo", Korean "Jo"): that is a
# translation, not a spelling. Singapore and Malaysia mix several Chinese languages in one
# cell, Vietnam is another language, so they only feed the cross-language control.
LANGUAGES = {"Mandarin": ("mainland", "taiwan"), "Cantonese": ("hongkong", "macao"), "Korean": ("korea",)}
Rows = list[dict[str, set[str]]]  # per surname: its spellings per language and in "all"


def surname_rows(path: Any, low: Counter[str]) -> Rows:
    """Each row's spellings per language and in all (``"all"``), letters only, leaving out
    words the BBC writes in lower case ("We", "King")."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    keys = [k for k in rows[0] if k not in ("no.", "zh_sim", "zh_tra")]

    def spellings(row: dict[str, str], columns: Any) -> set[str]:
        found = (s.strip() for k in columns for s in re.split(r"[/,]", row.get(k) or ""))
        return {s for s in found if re.fullmatch(r"[A-Z][a-z]+", s) and low[s.lower()] < 2}

    return [{"all": spellings(r, keys), **{lang: spellings(r, cols) for lang, cols in LANGUAGES.items()}}
            for r in rows]


def romanise(doc: Document, rows: Rows, rng: random.Random, mode: str) -> tuple[Any, Any]:
    """One person named twice: another spelling of the surname in the same language (``same``),
    in another language (``cross``), or the hyphen of the given name changed (``given``:
    "Kim Min-ho" -> "Kim Min Ho")."""
    if mode == "same":
        row, lang = rng.choice([(r, lang) for r in rows for lang in LANGUAGES if len(r[lang]) >= 2])
        a, b = rng.sample(sorted(row[lang]), 2)
    else:
        row = rng.choice([r for r in rows if len(r["all"]) >= 2])
        a, b = rng.sample(sorted(row["all"]), 2)
        while mode == "cross" and any({a, b} <= row[lang] for lang in LANGUAGES):
            row = rng.choice([r for r in rows if len(r["all"]) >= 2])
            a, b = rng.sample(sorted(row["all"]), 2)
    given_name = mode == "given"
    given = rng.choice([g for g in GIVEN if "-" in g] if given_name else GIVEN)
    given2, op = rejoin(given, rng) if given_name else (given, "")
    b = a if given_name else b
    first = rng.choice(FIRST).format(n=f"{a} {given}", r=rng.choice(ROLES))
    later = rng.choice(LATER).format(n=f"{b} {given2}")
    new, _, j = insert(doc, first, later)
    start = j + later.index(f"{b} {given2}") + (len(b) + 1 if given_name else 0)
    if given_name:
        return new, Truth(doc.doc_id, "joining", start, start + len(given2), given2, given, f"inserted {op}")
    dist = ["distance 1", "distance 2", "distance 3+"][min(OSA.distance(a.lower(), b.lower()), 3) - 1]
    kind = "romanisation" if mode == "same" else "romanisation_cross_language"
    return new, Truth(doc.doc_id, kind, start, start + len(b), b, a, lang if mode == "same" else dist)


def hard_negative(doc: Document, pair: tuple[str, str], rng: random.Random, same_given: bool = False
                  ) -> tuple[Document, list[Any]]:
    """Two people with look-alike surnames (``same_given``: and one given name); the offsets of
    the four surname mentions."""
    (a, b), (g1, g2), (r1, r2) = pair, rng.sample(GIVEN, 2), rng.sample(ROLES, 2)
    g2 = g1 if same_given else g2
    t1, t2 = rng.choice((("Mr ", "Ms "), ("Mr ", "Mr "), ("", "")))  # a man and a woman, two men, no titles
    first = f"{a} {g1}, {r1}, said the deal would go ahead. {b} {g2}, {r2}, was less sure."
    later = f"{t1}{a} said talks would resume next week, but {t2}{b} expected further delays."
    new, i, j = insert(doc, first, later)
    at = [i, i + first.index(f". {b} {g2},") + 2, j + len(t1), j + later.index(f"but {t2}{b} ") + 4 + len(t2)]
    return new, [(x, x + len(name)) for x, name in zip(at, (a, b, a, b), strict=True)]


def build(docs: list[Document], low: Counter[str], rows: Rows, args: Any, rng: random.Random
          ) -> dict[str, Any]:
    """Planted, romanised, hard-negative and clean articles, and the corpus (the rest)."""
    pool, audited, truth, n = list(docs), [], [], args.per_kind
    for kind, target in (("joining", n // 2), ("casing_mixed", n // 2), ("casing", n), ("slip", n),
                         ("slip_known_word_name", n)):  # casing: half mixed-case names ("eBay") first
        for doc in list(pool):
            if sum(t.kind == kind.removesuffix("_mixed") for t in truth) >= target:
                break
            if planted := plant_one(doc, kind, low, rng):
                pool.remove(doc)
                audited.append(planted[0])
                truth.append(planted[1])
    modes = ["same"] * n + ["given"] * (n - sum(t.kind == "joining" for t in truth))  # joining's other half
    for doc, mode in zip(pool, modes, strict=False):
        audited.append((made := romanise(doc, rows, rng, mode))[0])
        truth.append(made[1])
    n = len(modes)
    names = sorted({name for row in rows for name in row["all"]})
    pairs = [(a, b) for a in names for b in names if a < b and OSA.distance(a.lower(), b.lower()) == 1
             and not any(a in r["all"] and b in r["all"] for r in rows)]
    groups = [[p for p in pairs if min(map(len, p)) >= 5], [p for p in pairs if min(map(len, p)) < 5]]
    negatives = {}
    for i, doc in enumerate(pool[n : n + args.hard_negatives]):
        new, negatives[doc.doc_id] = hard_negative(doc, rng.choice(groups[i % 2]), rng)  # 5+ letters, short
        audited.append(new)
    rest = pool[n + args.hard_negatives :]
    for doc in rest[args.clean : args.clean + args.per_kind]:  # not in the headline recall: see LANGUAGES
        audited.append((made := romanise(doc, rows, rng, "cross"))[0])
        truth.append(made[1])
    same_given, at = {}, args.clean + args.per_kind  # hardest: "Cheng Wei", "Cheung Wei" (reported apart)
    for i, doc in enumerate(rest[at : at + args.hard_negatives]):
        new, same_given[doc.doc_id] = hard_negative(doc, rng.choice(groups[i % 2]), rng, same_given=True)
        audited.append(new)
    corpus = rest[at + args.hard_negatives :]
    corpus = rng.sample(corpus, min(args.corpus_size, len(corpus))) if args.corpus_size else corpus
    return {"audited": audited, "truth": truth, "negatives": negatives, "same_given": same_given,
            "clean": rest[: args.clean],
            "corpus": corpus}


def score(found: Any, setup: dict[str, Any]) -> dict[str, Any]:
    """Recall by kind, suggestion = original, clean false alarms, hard negatives flagged."""
    by_doc: dict[str, list[Any]] = defaultdict(list)
    for f in found.itertuples(index=False):
        by_doc[str(f.doc_id)].append(f)

    def hits(doc_id: str, spans: list[tuple[int, int]]) -> list[Any]:
        return [f for f in by_doc.get(doc_id, []) if any(f.start < e and f.end > s for s, e in spans)]

    text_of, negatives = {d.doc_id: d.text for d in setup["audited"]}, setup["negatives"]
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    caught_by: Counter[str] = Counter()
    on_truth, missed, wrong = set(), defaultdict(list), []
    for t in setup["truth"]:
        found_here = hits(t.doc_id, [(t.start, t.end)])
        on_truth.update(id(f) for f in found_here)
        f = found_here[0] if found_here else None
        first = str(f.suggestion or "").split(" | ")[0].strip() if f else ""
        text = text_of[t.doc_id]  # the suggestion may cover more than the span: "Kim Min-ho" for "Kim"
        ok = bool(f) and first in (t.original, text[f.start : t.start] + t.original + text[t.end : f.end])
        for key in (t.kind, f"{t.kind}: {t.detail}"):
            kinds[key].update(planted=1, caught=int(f is not None), suggestion_right=int(ok))
        caught_by.update([f.rule] if f else [])
        if f is None or not ok:
            (wrong if f else missed[t.kind]).append(f"{t.original}->{t.variant} (suggested {first or '-'})")
    by_kind = {k: {**c, "recall": rate(c["caught"], c["planted"]),
                   "suggestion_right_of_caught": rate(c["suggestion_right"], c["caught"])}
               for k, c in sorted(kinds.items())}
    planted, caught, right = (sum(kinds[k][x] for k in KINDS)
                              for x in ("planted", "caught", "suggestion_right"))
    clean = setup["clean"]
    flags = [f for d in clean for f in by_doc.get(d.doc_id, [])]
    extra = [f for d in text_of if d not in negatives and d not in setup["same_given"]
             for f in by_doc.get(d, []) if id(f) not in on_truth]
    merged = {d: hits(d, spans) for d, spans in negatives.items() if hits(d, spans)}
    merged_same = {d: hits(d, spans) for d, spans in setup["same_given"].items() if hits(d, spans)}
    long_docs = {d for d, spans in negatives.items() if min(e - s for s, e in spans) >= 5}
    return {
        "planted": planted, "caught": caught, "recall": rate(caught, planted),
        "suggestion_right_of_caught": rate(right, caught), "by_kind": by_kind,
        "caught_by_rule": dict(caught_by),
        "clean_docs": len(clean), "clean_findings": len(flags),
        "false_alarms_per_clean_doc": rate(len(flags), len(clean), 3),
        "clean_docs_with_findings": len({f.doc_id for f in flags}),
        "meets_target_1_per_20_clean": len(flags) <= len(clean) / 20,
        "clean_false_alarms_by_rule": {
            rule: {"count": n, "top_texts": Counter(f"{f.text} -> {f.suggestion}" for f in flags
                                                    if f.rule == rule).most_common(15)}
            for rule, n in Counter(str(f.rule) for f in flags).most_common()},
        "extra_findings_in_planted_docs": len(extra),
        "extra_top_texts": Counter(f"{f.rule}: {f.text}" for f in extra).most_common(20),
        "hard_negative_docs": len(negatives), "hard_negatives_flagged": len(merged),
        "hard_negative_flag_rate": rate(len(merged), len(negatives)),
        "hard_negatives_5plus_letters_flagged": [len(long_docs & merged.keys()), len(long_docs)],
        "hard_negative_rules": dict(Counter(str(f.rule) for fs in merged.values() for f in fs)),
        "hard_negative_examples": [f"{f[0].rule}: {f[0].text} -> {f[0].suggestion}" for f in merged.values()],
        "hard_negatives_same_given_name_flagged": [len(merged_same), len(setup["same_given"])],
        "same_given_name_examples": [f"{f[0].rule}: {f[0].text} -> {f[0].suggestion}"
                                     for f in merged_same.values()],
        "missed_examples": {k: v[:15] for k, v in missed.items()}, "wrong_suggestion_examples": wrong[:20],
    }


def main(argv: list[str] | None = None) -> None:
    parser = base_parser(__doc__.split("\n", 1)[0])
    parser.add_argument("--per-kind", "--limit", type=int, default=50, help="planted articles per kind")
    parser.add_argument("--clean", type=int, default=200, help="untouched control articles")
    parser.add_argument("--hard-negatives", type=int, default=50, help="articles with look-alike surnames")
    parser.add_argument("--corpus-size", type=int, help="sample K other articles as corpus (default all)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    root = require_data("bbc-news", "bbc")
    data = require_data("names", "surname-romanizations.json")
    rng = random.Random(args.seed)
    docs = sorted(load_paths(sorted(p for p in root.iterdir() if p.is_dir())).documents,
                  key=lambda d: d.doc_id)
    low = Counter(w for d in docs for w in LOWER.findall(d.text))  # how often each word is written lower case
    rng.shuffle(docs)
    setup = build(docs, low, surname_rows(data, low), args, rng)
    print(f"planted {dict(Counter(t.kind for t in setup['truth']))}; {len(setup['negatives'])} hard-negative,"
          f" {len(setup['clean'])} clean articles; corpus {len(setup['corpus'])}")
    with timed() as t:
        found = audit_documents([*setup["audited"], *setup["clean"]], setup["corpus"],
                                config=Config(select=("QC3", "QC203"))).findings
    res = {**score(found, setup), "seconds": t.seconds}
    print(f"qualcheck recall {res['recall']:.3f} ({res['caught']}/{res['planted']}), suggestion = original "
          f"{res['suggestion_right_of_caught']:.3f}, false alarms/clean doc "
          f"{res['false_alarms_per_clean_doc']} (target <= 0.05), hard negatives flagged "
          f"{res['hard_negatives_flagged']}/{len(setup['negatives'])} (same given name "
          f"{'/'.join(map(str, res['hard_negatives_same_given_name_flagged']))}), {t.seconds} s")
    for k, row in res["by_kind"].items():
        print(f"  {k:34} recall {row['recall']:.3f} ({row['caught']}/{row['planted']})  "
              f"suggestion {row['suggestion_right_of_caught']:.3f}")
    for rule, row in res["clean_false_alarms_by_rule"].items():
        print(f"  clean {rule} {row['count']}: " + ", ".join(f"{x!r} ({n})" for x, n in row["top_texts"]))
    size = {"corpus_docs": len(setup["corpus"]), "audited_docs": len(setup["audited"]) + len(setup["clean"])}
    emit(NAME, {**size, "qualcheck": res}, args.json_out, started)


if __name__ == "__main__":
    main()
