"""A quick screen for the name-variant rule: can any two spellings in this article pair up?

Most articles name nobody two ways. Whether two spellings can pair depends on the spellings
alone (their parts and letters), not on where or how often they occur, so the screen looks at
each distinct run of capitalised words and each distinct word once, keeps what a spelling
contributes in per-audit memos (``ctx.memo``), and finds shared keys by counting (in C).
It lets through everything the rule could keep and more: the evidence of two people (who
stands beside whom), the house list and pairs settled inside full names are left to the rule,
which then counts every mention (:func:`qualcheck.checks.names.name_variant`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations
from typing import Any

from rapidfuzz.distance import OSA

from qualcheck.checks.base import CheckContext
from qualcheck.checks.name_mentions import MAX_WINDOW
from qualcheck.lexicon import is_english
from qualcheck.morphology import is_inflection
from qualcheck.names_keys import HONORIFICS, joined_key, name_parts, skeleton
from qualcheck.text import Token, normalize_word
from qualcheck.vocab import base_form

MIN_NAME_LEN = 4  # shorter single words are not compared: too many real names one letter apart

Slot = tuple[int, int, tuple[str, ...]]  # parts in the name, the slot that differs, the others


def inflected(a: str, b: str) -> bool:
    """One is the other plus an ending ("Korea"/"Korean"), but not a doubled last letter ("Gethinn")."""
    short, long_ = sorted((a.casefold(), b.casefold()), key=len)
    return is_inflection(a, b) and long_ != short + short[-1]


def slip(a: str, b: str) -> bool:
    """A letter slip: same first letter, one edit (two from eight letters), no inflection."""
    shorter = min(len(a), len(b))
    if a == b or shorter < MIN_NAME_LEN or a[0] != b[0] or inflected(a, b):
        return False
    limit = 2 if shorter >= 8 else 1
    return OSA.distance(a, b, score_cutoff=limit) <= limit


def both_common(a: str, b: str, ctx: CheckContext) -> bool:
    """Both (case-folded) are common in the corpus: "Horan" and "Hogan" are two people."""
    return all(ctx.vocab.is_common(x, ctx.config.corpus_min_count) for x in (a, b))


def run_forms(texts: tuple[str, ...]) -> list[str]:
    """The spellings :func:`qualcheck.checks.name_mentions.windows` takes from a run of these
    words: every stretch of one to four words, a possessive ending the name."""
    if len(texts) == 1:
        return [base_form(texts[0])]
    forms = []
    for i in range(len(texts)):
        for j in range(i, min(i + MAX_WINDOW, len(texts))):
            last = base_form(texts[j])
            forms.append(" ".join(texts[i:j]) + (" " if j > i else "") + last)
            if last != texts[j]:
                break  # "SM's founder": a possessive ends the name
    return forms


def slots(form: str) -> list[tuple[Slot, str]]:
    """The slots a spelling is compared in by the rule (``_slot_pairs``), with its part there."""
    if form.isalpha():
        return []  # one part: no slot to differ in
    parts = name_parts(form)
    out = []
    for i in range(len(parts) if len(parts) >= 2 else 0):
        shared = parts[:i] + parts[i + 1 :]
        if not all(p in HONORIFICS for p in shared):
            out.append(((len(parts), i, shared), parts[i]))
    return out


def _memo(ctx: CheckContext, name: str) -> dict[Any, Any]:
    found: dict[Any, Any] = ctx.memo.setdefault(name, {})
    return found


def may_pair(ctx: CheckContext, name_runs: list[list[Token]], capitals: list[Token]) -> bool:
    """False when no two spellings of the article can make a name-variant pair."""
    by_run, by_form = _memo(ctx, "names.run_forms"), _memo(ctx, "names.slots")
    forms: set[str] = set()
    for key in {tuple([t.text for t in run]) for run in name_runs}:
        found = by_run.get(key)
        if found is None:
            found = by_run[key] = run_forms(key)
        forms.update(found)
    entries: list[tuple[Slot, str]] = []
    joined: list[tuple[str, str]] = []
    for form in forms:
        known = by_form.get(form)
        if known is None:
            known = by_form[form] = (slots(form), joined_key(form))
        entries.extend(known[0])
        joined.append((known[1], form))
    return _slot_pair(entries, ctx) or _joined_pair(joined) or _single_pair(capitals, ctx)


def _slot_pair(entries: list[tuple[Slot, str]], ctx: CheckContext) -> bool:
    shared = {slot for slot, n in Counter(slot for slot, _ in entries).items() if n > 1}
    groups: dict[Slot, list[str]] = defaultdict(list)
    for slot, part in entries:
        if slot in shared:
            groups[slot].append(part)
    for (size, i, _), parts in groups.items():
        for pa, pb in combinations(parts, 2):
            if pa != pb and (skeleton(pa) == skeleton(pb) or (i == size - 1 >= 2 and pa[0] == pb[0]
                             and not inflected(pa, pb)) or (slip(pa, pb) and not both_common(pa, pb, ctx))):
                return True
    return False


def _joined_pair(joined: list[tuple[str, str]]) -> bool:
    shared = {k for k, n in Counter(k for k, _ in joined).items() if n > 1 and len(k) >= 5}
    groups: dict[str, list[str]] = defaultdict(list)
    for key, form in joined:
        if key in shared:
            groups[key].append(form)
    for group in groups.values():
        for a, b in combinations(group, 2):
            if a.casefold() != b.casefold() and not any(
                    " " not in f and "-" not in f and is_english(f.casefold()) for f in (a, b)):
                return True
    return False


def _single_pair(capitals: list[Token], ctx: CheckContext) -> bool:
    single: dict[str, str] = _memo(ctx, "names.single")  # text -> its form if a single name, else ""
    by_letter: dict[str, set[str]] = defaultdict(set)
    for text in {t.text for t in capitals}:
        form = single.get(text)
        if form is None:
            form = base_form(text)
            if (len(form) > 1 and form.isupper()) or is_english(normalize_word(form)):
                form = ""
            single[text] = form
        if form:
            by_letter[form[0].casefold()].add(form)
    for group in by_letter.values():
        for a, b in combinations(sorted(group), 2):
            common = both_common(normalize_word(a), normalize_word(b), ctx)
            if slip(a.casefold(), b.casefold()) and not common:
                return True
    return False
