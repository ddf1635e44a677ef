"""Name rules: one entity spelled two ways in one article, and names in the wrong case.

Names are the words no dictionary knows, so these rules compare an article with itself
and with the corpus: "Zapeto" beside "Zepeto", "Daejon" beside "Daejeon", "Lee
Kwang-Hyung" then "Lee Kwang Ho", "Zhao Wei" then "Chao Wei", "Tel Aviv" then "Tel-Aviv",
"Sm" beside "SM". Mentions are single capitalised words and runs of capitalised words;
two runs are compared only when they share every part but one (the same given name, the
same other words), so look-alike names of different people are not set side by side.
The suggestion is the spelling the article uses most (body text outweighs headlines and
captions; for single words the corpus count comes first), then the one it used first.
Mentions and the evidence of two people: :mod:`qualcheck.checks.name_mentions`; the keys
that make spellings meet: :mod:`qualcheck.names_keys`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations

from qualcheck.checks.base import CheckContext, DocView, Hit
from qualcheck.checks.house import is_distinct
from qualcheck.checks.name_mentions import (
    Company,
    Mentions,
    article_casings,
    by_form,
    capitalised,
    names_after,
    runs,
    shouted_words,
    single_names,
    tokens_by_form,
    windows,
    words_by_text,
)
from qualcheck.checks.name_screen import Slot, inflected, may_pair, slip, slots
from qualcheck.checks.wordfacts import facts, marked, unusual_texts
from qualcheck.lexicon import is_english, word_frequencies
from qualcheck.names_keys import joined_key, name_parts, skeleton
from qualcheck.text import Token, normalize_word
from qualcheck.vocab import base_form

_MIN_SHORT_CASING = 4  # a shorter acronym ("DEC", "OS") is enforced only when the article uses it
_COMMON_SHORT = 1_000  # frequency (pyspellchecker's counts) from which a short form is a word: "La", "Ok"


@dataclass(frozen=True)
class _Pair:
    """Two spellings of one name: the one to change and the one to keep."""

    wrong: Mentions
    right: Mentions
    right_uses: str  # how often the kept form is used, for the message
    parts: frozenset[str] = frozenset()  # the two parts two runs differ in ("saumarez", "sauamrez")


def _single_pairs(found: dict[str, Mentions], ctx: CheckContext, company: Company,
                  settled: set[frozenset[str]]) -> Iterator[_Pair]:
    """Single words one slip apart ("Zepeto"/"Zapeto"), bucketed by first letter; the corpus
    count decides which is right, then the article. ``settled`` pairs were compared in full names."""
    by_letter: dict[str, list[Mentions]] = defaultdict(list)
    for m in found.values():
        by_letter[m.form[0].casefold()].append(m)
    for group in by_letter.values():
        for a, b in combinations(group, 2):
            fa, fb = a.form.casefold(), b.form.casefold()
            if not slip(fa, fb) or frozenset((fa, fb)) in settled or company.two_names(fa, fb):
                continue
            if all(ctx.vocab.is_common(normalize_word(m.form), ctx.config.corpus_min_count) for m in (a, b)):
                continue  # "Horan" and "Hogan": both common in the corpus, so two people
            wrong, right = sorted((a, b), key=lambda m: (ctx.vocab.count(m.form), *m.weight()))
            corpus = ctx.vocab.count(right.form)
            yield _Pair(wrong, right, f"{len(right.spans)} time(s) in this article and {corpus} in all texts")


def _joined_pairs(found: dict[str, Mentions]) -> Iterator[_Pair]:
    """Names that differ only in spaces and hyphens: "Tel Aviv"/"Tel-Aviv", "Min-ho"/"Min Ho"."""
    by_key: dict[str, list[Mentions]] = defaultdict(list)
    for m in found.values():
        by_key[joined_key(m.form)].append(m)
    for key, group in by_key.items():
        for a, b in combinations(group, 2):
            if len(key) < 5 or a.form.casefold() == b.form.casefold():
                continue  # casing alone is the casing rule's
            if any(" " not in m.form and "-" not in m.form and is_english(m.form.casefold()) for m in (a, b)):
                continue  # "Anyone" beside "Any One"
            wrong, right = sorted((a, b), key=Mentions.weight)
            yield _Pair(wrong, right, f"{len(right.spans)} time(s) in this article")


def _one_part(pa: str, pb: str, last_of_three: bool, ctx: CheckContext, company: Company) -> bool:
    """Two parts in the same slot of one name spell one part: a romanisation ("Zhou"/"Chou"),
    a changed last given-name part ("Lee Kwang-Hyung"/"Lee Kwang Ho"), or a slip."""
    if pa == pb or company.two_names(pa, pb, neighbours=False):
        return False
    return skeleton(pa) == skeleton(pb) or (last_of_three and pa[0] == pb[0] and not inflected(pa, pb)) or (
        slip(pa, pb) and not all(ctx.vocab.is_common(p, ctx.config.corpus_min_count) for p in (pa, pb)))


def _slot_pairs(found: dict[str, Mentions], ctx: CheckContext, part_uses: Counter[str],
                company: Company) -> list[_Pair]:
    """Runs equal in every part but one: "Zhao Wei"/"Chao Wei", "Jupiter Research"/"Jupiter Reasearch".

    Bucketed by the parts they share, so only mentions of one name are compared. The part
    the article uses more is right ("Saumarez" twice beats "Sauamrez" once), then the run.
    """
    buckets: dict[Slot, list[tuple[Mentions, str]]] = defaultdict(list)
    for m in found.values():
        for slot, part in slots(m.form):  # shared honorifics alone ("Mr Lee", "Mr Li") make no slot
            buckets[slot].append((m, part))
    pairs = []
    for (size, i, _), group in buckets.items():
        for (a, pa), (b, pb) in combinations(group, 2):
            if _one_part(pa, pb, i == size - 1 >= 2, ctx, company):
                less = (part_uses[pa], *a.weight()) < (part_uses[pb], *b.weight())
                wrong, right = (a, b) if less else (b, a)
                uses = f"{len(right.spans)} time(s) in this article"
                pairs.append(_Pair(wrong, right, uses, frozenset((pa, pb))))
    return pairs


def _hits(pairs: Iterable[_Pair], ctx: CheckContext) -> Iterator[Hit]:
    for p in pairs:
        parts = sorted(p.parts) or [p.wrong.form, p.right.form]
        if not (is_distinct(ctx, p.wrong.form, p.right.form) or is_distinct(ctx, *parts)):
            for start, end in p.wrong.spans:
                yield Hit(start, end, f"'{p.wrong.form}' and '{p.right.form}' both appear; "
                                      f"'{p.right.form}' is used {p.right_uses}", p.right.form)


def _without_overlaps(hits: Iterable[Hit]) -> list[Hit]:
    """One finding per slip: the longest name that covers it, then the first found."""
    kept: list[Hit] = []
    for h in sorted(hits, key=lambda h: h.start - h.end):
        if not any(k.start < h.end and h.start < k.end for k in kept):
            kept.append(h)
    return sorted(kept, key=lambda h: h.start)


def name_variant(view: DocView, ctx: CheckContext) -> Iterator[Hit]:
    """One name spelled two ways in one article: a letter slip, a vowel, a hyphen, a given name.

    Why: readers and search engines take two spellings for two people or places; the
    second spelling is almost always the slip.
    Example: "Zepeto, a metaverse platform ... Zapeto has 200 million users" -> suggest
    "Zepeto"; "Lee Kwang-Hyung ... Lee Kwang Ho said" -> suggest "Lee Kwang-Hyung";
    "Zhou Wei said ... Chou Wei added" (pinyin and Wade-Giles) -> suggest "Zhou Wei";
    "Tel Aviv ... Tel-Aviv" -> suggest "Tel Aviv".
    Single words (four letters or more) are compared when one slip apart with the same
    first letter. Runs of capitalised words are compared when they share every part but
    one (honorifics alone do not count) and that part is a slip, a romanisation of the
    same syllable (``qualcheck.names_keys.skeleton``: pinyin/Wade-Giles, Korean and
    Cantonese systems) or, in names of three parts, a changed last given-name part; and
    when they differ only in spaces and hyphens. Two forms are never merged when the house
    style lists them as distinct, when both are common in the corpus (slips only: "Horan",
    "Hogan"), or when the article shows two people: each beside its own given name ("Kiong
    Wei", "Keong Min-ho"), a man's and a woman's title ("Mr Cheng", "Ms Cheung"), or both
    in one name ("Lian Chia Liang").
    Known problems: two people who share a given name and whose surnames differ by one
    letter or one romanisation ("Chung Sung-jae", "Cheung Sung-jae") are taken for one
    unless titles or the house list tell them apart, as are "Kim Min-ji" and "Kim Min-jae";
    a surname alone in another romanisation ("Mr Yi" after "Lee Myung-bak") is not linked;
    romanisations that change the vowel or the whole syllable ("Wang"/"Wong", Cantonese
    "Mo"/"Mou", "Ren"/"Jen") are not recognised; shorter single words are not compared.
    """
    name_runs = runs(view, ctx)
    capitals = capitalised(view, ctx)
    if not may_pair(ctx, name_runs, capitals):
        return  # most articles: no two spellings that could be one name
    company = Company.of(name_runs)
    found = windows(view, name_runs)
    part_uses = Counter(p for t in capitals for p in name_parts(base_form(t.text)))
    in_names = _slot_pairs(found, ctx, part_uses, company)
    settled = {p.parts for p in in_names}
    pairs = [*_single_pairs(single_names(capitals), ctx, company, settled), *in_names, *_joined_pairs(found)]
    yield from _without_overlaps(_hits(pairs, ctx))


def _established(form: str, votes: Counter[str], ctx: CheckContext) -> bool:
    """The corpus writes this casing in its own right: in two documents or more, and a
    quarter as often as the top casing ("Worldcom" beside "WorldCom", "Dec" beside "DEC")."""
    return ctx.vocab.form_docs[form] >= 2 and 4 * votes.get(form, 0) >= max(votes.values())


def _house_casing(norm: str, form: str, article: Counter[str], ctx: CheckContext) -> str | None:
    """The casing this word should have, when the article or the corpus settles it."""
    votes = ctx.vocab.casing.get(norm) or Counter()
    if votes.get(norm, 0) * 5 > max(votes.values(), default=0):
        return None  # "us" is a word the corpus writes in lower case: "US" is no rule for it
    short = len(norm) < _MIN_SHORT_CASING
    if any(map(marked, article)) and (len(article) > 1 or form not in article):
        # the article itself writes it two ways, one deliberate: "SM" beside "Sm"; the
        # form it uses most wins, then the corpus majority, then the deliberate one
        canonical = max(article, key=lambda f: (article[f], votes.get(f, 0), marked(f)))
        if short and (not marked(canonical) or _established(form, votes, ctx)):
            return None  # short words differ by case: "La Liga" beside "LA"
        if form.isupper() and not marked(canonical) and ctx.vocab.form_docs[form] < 2:
            return None  # "BURNLEY make the trip": capitals no other text uses are emphasis
        return canonical
    majority = ctx.vocab.majority_casing(norm)
    if not majority or not marked(majority) or short or _established(form, votes, ctx):
        return None  # a short acronym alone ("DEC" for "Dec") is as likely another word
    return majority if votes[majority] >= 2 and votes.get(form, 0) < votes[majority] else None


def name_casing(view: DocView, ctx: CheckContext) -> Iterator[Hit]:
    """A name written in another case than the house writes it: "Sm" where "SM" is the rule.

    Why: acronyms and stylised names ("SM", "KAIST", "SuperM") are part of the name;
    a wrong case looks like a different organisation or a careless edit.
    Example: "Sm Entertainment and KAIST signed an MOU" -> suggest "SM".
    The rule is the deliberate casing (capitals after the first letter) the same article
    uses elsewhere; failing that, the corpus majority, when it is clear (a casing used in
    a quarter as many places and in two documents is the house's too: "Worldcom" beside
    "WorldCom") and the word has four letters or more.
    Words under four letters are compared only within one article, and when they are common
    words too ("La", "Ok") only in the same company ("La Liga" is not "LA Galaxy").
    Capitals for emphasis (a headline, "WHO WAS OSCAR?", a capitalised form no other text
    uses) and an acronym's plural ("RPGS", "RPGs") are not casings.
    Known problems: only forms with capitals after the first letter are enforced, so
    "apple" against "Apple" is not flagged; words the corpus also writes in lower case
    ("US"/"us") are skipped; a surname written two ways by two people ("Macfarlane",
    "MacFarlane") follows the corpus majority; short acronyms ("OS") alone pass.
    """
    # Only keys with a casing to enforce: one the article writes deliberately ("SM"), or one
    # whose corpus majority is deliberate (every text of such a key is in ``casing``); found
    # with set operations on the distinct texts.
    known, texts = facts(ctx), unusual_texts(view, ctx)
    groups = []
    for norm in {known.key[x][1] for x in texts & known.casing}:
        form_texts = by_form(view, ctx, norm)
        if len(norm) >= 2 and form_texts:
            groups.append((norm, form_texts, any(map(marked, form_texts))))
    if not groups:
        return
    upper = len({known.key[x][0] for x in texts & known.upper_form})
    shouted = shouted_words(view, ctx) if upper >= 3 else set()
    by_text = words_by_text(view, {x for _, forms, _ in groups for xs in forms.values() for x in xs})
    after: dict[int, str] | None = None
    for norm, form_texts, deliberate in groups:
        forms = tokens_by_form(by_text, form_texts)
        article = article_casings(forms, shouted) if deliberate else Counter()
        for form, tokens in forms.items():
            if form.islower() and is_english(norm):
                continue  # "us" beside "US": a word, not a casing
            canonical = _house_casing(norm, form, article, ctx)
            if not canonical or canonical == form:
                continue
            if len(norm) < _MIN_SHORT_CASING and word_frequencies().get(norm, 0) >= _COMMON_SHORT:
                # a short word in its own right ("La Liga" beside "LA Galaxy"): only in the same company
                after = names_after(view) if after is None else after
                beside = {None, *(after.get(t.start) for t in forms.get(canonical, ()))}
                tokens = [t for t in tokens if after.get(t.start) in beside]
            yield from _casing_hits(form, canonical, tokens, shouted, article[canonical]
                                    or ctx.vocab.casing[norm][canonical], bool(article[canonical]))


def _casing_hits(form: str, canonical: str, tokens: list[Token], shouted: set[int], used: int,
                 in_article: bool) -> Iterator[Hit]:
    where = "in this article" if in_article else "in all texts"
    for t in tokens:
        if form.isupper() and (t.headline or t.start in shouted):
            continue  # a headline or a row of words in capitals is typography, not a casing
        if t.sentence_start and form == canonical[0].upper() + canonical[1:]:
            continue
        if form[-1] in "sS" and form[:-1] == canonical[:-1] and form[:-1].isupper():
            continue  # "PCS" for "PCs": an acronym's plural, written either way
        yield Hit(t.start, t.start + len(form), f"'{form}' is written '{canonical}' {used} time(s) {where}",
                  canonical)
