"""Name rules: one entity spelled two ways in one article, and names in the wrong case.

Names are the words no dictionary knows, so these rules compare an article with itself
and with the corpus: "Zapeto" beside "Zepeto", "Daejon" beside "Daejeon", "Lee
Kwang-Hyung" then "Lee Kwang Ho", "Sm" beside "SM". The suggestion is the form the
corpus and the article use most; body text outweighs headlines and captions, and a tie
goes to the form the article used first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from qualcheck.checks.base import CheckContext, DocView, Hit
from qualcheck.checks.house import is_distinct
from qualcheck.checks.spelling import is_inflection
from qualcheck.lexicon import is_english
from qualcheck.text import normalize_word
from qualcheck.vocab import base_form

_MIN_NAME_LEN = 5


@dataclass
class _Mentions:
    """Every place one surface form of a name occurs in the article."""

    form: str
    spans: list[tuple[int, int]]
    body: int  # occurrences outside headlines and captions

    def first(self) -> int:
        return self.spans[0][0]


def _add(found: dict[str, _Mentions], form: str, start: int, end: int, headline: bool) -> None:
    m = found.setdefault(form, _Mentions(form, [], 0))
    m.spans.append((start, end))
    m.body += 0 if headline else 1


def _single_names(view: DocView) -> dict[str, _Mentions]:
    found: dict[str, _Mentions] = {}
    for t in view.words:
        form = base_form(t.text)
        acronym = len(form) > 1 and form.isupper()
        if form[0].isupper() and not acronym and not is_english(normalize_word(form)):
            _add(found, form, t.start, t.start + len(form), t.headline)
    return found


def _multi_names(view: DocView, ctx: CheckContext) -> dict[str, _Mentions]:
    """Runs of two or more capitalised words joined by single spaces: "Lee Kwang Ho"."""
    found: dict[str, _Mentions] = {}
    text = view.doc.text
    run: list = []
    for t in [*view.words, None]:
        joined = t is not None and run and text[run[-1].end : t.start] == " "
        if t is not None and t.text[0].isupper() and (joined or not run):
            run.append(t)
            continue
        while len(run) >= 2 and run[0].sentence_start and _lower_word(run[0].norm, ctx):
            run = run[1:]  # "The Kpop lovers": a sentence-initial word is not part of the name
        if len(run) >= 2:
            end = run[-1].start + len(base_form(run[-1].text))
            _add(found, text[run[0].start : end], run[0].start, end, run[0].headline)
        run = [t] if t is not None and t.text[0].isupper() else []
    return found


def _lower_word(norm: str, ctx: CheckContext) -> bool:
    """A word the corpus writes in lower case mid-sentence ("the"), or an English word it never votes on."""
    casing = ctx.vocab.majority_casing(norm)
    return casing == norm if casing is not None else is_english(norm)


def _parts(name: str) -> list[str]:
    return [p for p in re.split(r"[\s\-]+", name.casefold()) if p]


def _same_entity(a: str, b: str, multi: bool) -> bool:
    """Two surface forms that most likely name one entity."""
    pa, pb = _parts(a), _parts(b)
    if "".join(pa) == "".join(pb):
        return a.casefold() != b.casefold()  # hyphen, space or joined; casing is another rule
    if multi:
        # "Lee Kwang-Hyung" / "Lee Kwang Ho": same family and first given name, last part changed
        return len(pa) == len(pb) >= 3 and pa[:-1] == pb[:-1] and pa[-1][0] == pb[-1][0] \
            and not is_inflection(pa[-1], pb[-1])
    if min(len(a), len(b)) < _MIN_NAME_LEN or a[0].casefold() != b[0].casefold() or is_inflection(a, b):
        return False
    limit = 2 if min(len(a), len(b)) >= 8 else 1
    return OSA.distance(a.casefold(), b.casefold(), score_cutoff=limit) <= limit


def _variant_hits(found: dict[str, _Mentions], ctx: CheckContext, multi: bool) -> Iterator[Hit]:
    forms = sorted(found.values(), key=_Mentions.first)
    for i, a in enumerate(forms):
        for b in forms[i + 1 :]:
            if not _same_entity(a.form, b.form, multi) or is_distinct(ctx, a.form, b.form):
                continue
            if not multi and all(ctx.vocab.is_common(normalize_word(m.form), ctx.config.corpus_min_count)
                                 for m in (a, b)):
                continue  # "Horan" and "Hogan": both common in the corpus, so two people
            rank = sorted((a, b), key=lambda m: (ctx.vocab.count(m.form), m.body, len(m.spans), -m.first()))
            wrong, right = rank
            corpus = "" if multi else f" and {ctx.vocab.count(right.form)} in all texts"
            for start, end in wrong.spans:
                yield Hit(start, end,
                          f"'{wrong.form}' and '{right.form}' both appear; '{right.form}' is used "
                          f"{len(right.spans)} time(s) in this article{corpus}", right.form)


def name_variant(view: DocView, ctx: CheckContext) -> Iterator[Hit]:
    """One name spelled two ways in one article: a letter slip, a vowel, a hyphen, a given name.

    Why: readers and search engines take two spellings for two people or places; the
    second spelling is almost always the slip.
    Example: "Zepeto, a metaverse platform ... Zapeto has 200 million users" -> suggest
    "Zepeto"; "Lee Kwang-Hyung ... Lee Kwang Ho said" -> suggest "Lee Kwang-Hyung".
    Known problems: two different people whose names differ only in the last syllable
    ("Kim Min-ji", "Kim Min-jae") are taken for one; words under five letters are not
    compared.
    """
    yield from _variant_hits(_single_names(view), ctx, multi=False)
    yield from _variant_hits(_multi_names(view, ctx), ctx, multi=True)


def _has_inner_capital(form: str) -> bool:
    return any(c.isupper() for c in form[1:])


def name_casing(view: DocView, ctx: CheckContext) -> Iterator[Hit]:
    """A name written in another case than the house writes it: "Sm" where "SM" is the rule.

    Why: acronyms and stylised names ("SM", "KAIST", "SuperM") are part of the name;
    a wrong case looks like a different organisation or a careless edit.
    Example: "Sm Entertainment and KAIST signed an MOU" -> suggest "SM".
    Known problems: only forms with capitals after the first letter are enforced, so
    "apple" against "Apple" is not flagged; words that are also English words ("US"/"us")
    are skipped.
    """
    for t in view.words:
        form = base_form(t.text)
        norm = normalize_word(form)
        lower_votes = ctx.vocab.casing[norm][norm] if norm in ctx.vocab.casing else 0
        if len(norm) < 2 or lower_votes or (form.islower() and is_english(norm)):
            continue  # "us" is a word the corpus writes in lower case: "US" is no rule for it
        canonical = ctx.vocab.majority_casing(norm)
        if not canonical or not _has_inner_capital(canonical) or form == canonical:
            continue
        votes = ctx.vocab.casing.get(norm)
        if votes is None or votes[canonical] < 2 or votes.get(form, 0) >= votes[canonical]:
            continue
        if t.sentence_start and form == canonical[0].upper() + canonical[1:]:
            continue
        if canonical.endswith("s") and canonical[:-1].isupper() and form == canonical.upper():
            continue  # "PCS" for "PCs": an acronym's plural, written either way
        yield Hit(t.start, t.start + len(form),
                  f"'{form}' is written '{canonical}' {votes[canonical]} time(s) elsewhere", canonical)
