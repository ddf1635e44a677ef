"""Where an article mentions names, who stands beside whom, and how it cases each word.

A mention is a single capitalised word or a run of capitalised words joined by single
spaces ("Lee Kwang-Hyung", "Tel Aviv"). :class:`Company` records the words around each
name part, the evidence that two look-alike parts belong to two people ("Kiong Wei" and
"Keong Min-ho"; "Mr Cheng" and "Ms Cheung") or to one name ("Lian Chia Liang").
:func:`article_casings` counts the casings an article gives one word, leaving out what is
typography (headlines, "WHO WAS OSCAR?", a "DAEJEON —" dateline).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from qualcheck.checks.base import CheckContext, DocView
from qualcheck.checks.wordfacts import facts, marked, unusual_texts
from qualcheck.lexicon import is_english, plain_english_words, word_frequencies
from qualcheck.names_keys import FEMALE, HONORIFICS, MALE
from qualcheck.text import Token, normalize_word
from qualcheck.vocab import base_form

MAX_WINDOW = 4  # words in the longest run compared as one name
_COMMON_WORD = 10_000  # frequency (pyspellchecker's counts) of a common English word: "Meanwhile"


@dataclass
class Mentions:
    """Every place one surface form of a name occurs in the article."""

    form: str
    spans: list[tuple[int, int]] = field(default_factory=list)
    body: int = 0  # occurrences outside headlines and captions

    def first(self) -> int:
        return self.spans[0][0]

    def weight(self) -> tuple[int, int, int]:
        """How much the article leans on this form: body uses, all uses, earlier first use."""
        return self.body, len(self.spans), -self.first()


def _add(found: dict[str, Mentions], form: str, start: int, end: int, headline: bool) -> None:
    m = found.setdefault(form, Mentions(form))
    m.spans.append((start, end))
    m.body += 0 if headline else 1


def capitalised(view: DocView, ctx: CheckContext) -> list[Token]:
    """The words starting with a capital, in order: found from the distinct texts, never
    by asking every word."""
    found: list[Token] | None = view.memo.get("capitalised")
    if found is None:
        texts = unusual_texts(view, ctx) & facts(ctx).capitalised
        found = view.memo["capitalised"] = view.words_with(texts)
    return found


def rows(view: DocView, tokens: list[Token]) -> list[list[Token]]:
    """Maximal rows of ``tokens`` (some of the words, in order) with one space, and nothing
    else, between neighbours: two words one space apart are neighbours in the text too."""
    text = view.doc.text
    found: list[list[Token]] = []
    last: Token | None = None
    for t in tokens:
        if last is not None and text[last.end : t.start] == " ":
            found[-1].append(t)
        else:
            found.append([t])
        last = t
    return found


def _lower_word(text: str, ctx: CheckContext) -> bool:
    """A word the corpus writes in lower case mid-sentence ("the"), or, when the corpus never
    has it mid-sentence, a common English word ("Meanwhile"; not "Xi" or "Mo", names too).
    Asked once per audit for each text."""
    known: dict[str, bool] = ctx.memo.setdefault("names.lower_word", {})
    found = known.get(text)
    if found is None:
        norm = normalize_word(text)
        casing = ctx.vocab.majority_casing(norm)
        if casing is not None:
            found = casing == norm
        else:
            found = is_english(norm) and word_frequencies().get(norm, 0) >= _COMMON_WORD
        known[text] = found
    return found


def runs(view: DocView, ctx: CheckContext) -> list[list[Token]]:
    """Runs of capitalised words joined by single spaces, without a sentence-initial common word.

    "The Kpop lovers" gives "Kpop": a capital at the start of a sentence says nothing.
    """
    found = []
    for run in rows(view, capitalised(view, ctx)):
        while run and run[0].sentence_start and _lower_word(run[0].text, ctx):
            run = run[1:]
        if run:
            found.append(run)
    return found


def windows(view: DocView, name_runs: list[list[Token]]) -> dict[str, Mentions]:
    """Every stretch of one to four words of each run ("Kim Min Ho", "Min Ho", "Kim"...)."""
    found: dict[str, Mentions] = {}
    text = view.doc.text
    for run in name_runs:
        for i, first in enumerate(run):
            for last in run[i : i + MAX_WINDOW]:
                end = last.start + len(base_form(last.text))
                _add(found, text[first.start : end], first.start, end, first.headline)
                if end != last.end:
                    break  # "SM's founder": a possessive ends the name
    return found


def single_names(capitals: list[Token]) -> dict[str, Mentions]:
    """Capitalised words no dictionary knows (acronyms aside), wherever they stand
    (``capitals``: :func:`capitalised`)."""
    found: dict[str, Mentions] = {}
    for t in capitals:
        form = base_form(t.text)
        if not (len(form) > 1 and form.isupper()) and not is_english(normalize_word(form)):
            _add(found, form, t.start, t.start + len(form), t.headline)
    return found


@dataclass
class Company:
    """Who stands beside each name part (case-folded) in the runs of one article."""

    before: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # honorifics aside
    after: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    together: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # same run
    titles: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # "mr", "ms"...

    @classmethod
    def of(cls, name_runs: list[list[Token]]) -> Company:
        company = cls()
        for run in name_runs:
            norms = [normalize_word(base_form(t.text)) for t in run]
            for i, norm in enumerate(norms):
                company.together[norm].update(norms[:i] + norms[i + 1 :])
                if i and norms[i - 1] in HONORIFICS:
                    company.titles[norm].add(norms[i - 1])
                elif i:
                    company.before[norm].add(norms[i - 1])
                if i + 1 < len(norms):
                    company.after[norm].add(norms[i + 1])
        return company

    def two_names(self, a: str, b: str, neighbours: bool = True) -> bool:
        """``a`` and ``b`` (case-folded) are two names, not two spellings of one: parts of one
        name ("Lian Chia Liang"), one a man's and the other a woman's ("Mr Cheng", "Ms
        Cheung"), or (``neighbours``) each beside its own other names ("Kiong Wei", "Keong
        Min-ho"), the evidence for single words; runs that share their other parts bring
        their own."""
        if b in self.together.get(a, ()):
            return True
        for side in (self.before, self.after) if neighbours else ():
            if side.get(a) and side.get(b) and not side[a] & side[b]:
                return True
        ta, tb = self.titles.get(a, set()), self.titles.get(b, set())
        return bool(ta and tb) and (ta <= MALE and tb <= FEMALE or ta <= FEMALE and tb <= MALE)


def shouted_words(view: DocView, ctx: CheckContext) -> set[int]:
    """Starts of words in a row of three or more in capitals ("WHO WAS OSCAR?"): typography."""
    upper = unusual_texts(view, ctx) & facts(ctx).upper  # capitalised, so among ``capitalised``
    capitals = rows(view, [t for t in capitalised(view, ctx) if t.text in upper])
    return {t.start for row in capitals if len(row) >= 3 for t in row}


def by_form(view: DocView, ctx: CheckContext, key: str) -> dict[str, list[str]]:
    """The article's distinct word texts with case-folded key ``key``, by surface form
    (possessive off); lower-case English words only beside a capitalised form of themselves
    ("us" beside "US"). Texts, not tokens: see :func:`tokens_by_form`."""
    texts = facts(ctx).by_key.get(key, set()) & unusual_texts(view, ctx)
    if key in view.word_texts and key in plain_english_words():
        texts.add(key)  # a plain word is its own key: "us"
    capital = any(not x.islower() for x in texts)
    forms: dict[str, list[str]] = {}
    for text in texts:
        if not text.islower() or capital or not is_english(key):
            forms.setdefault(base_form(text), []).append(text)
    return forms


def words_by_text(view: DocView, texts: set[str]) -> dict[str, list[Token]]:
    """The words with each of ``texts``, texts in order of first use (one pass over the words)."""
    by_text: dict[str, list[Token]] = {}
    for t in view.words_with(texts):
        by_text.setdefault(t.text, []).append(t)
    return by_text


def tokens_by_form(by_text: dict[str, list[Token]], forms: dict[str, list[str]]) -> dict[str, list[Token]]:
    """The words of each form of one key (``by_form``; ``by_text``: :func:`words_by_text`),
    forms in order of first use as in the text, capitalised forms before lower-case ones."""
    texts = {x for xs in forms.values() for x in xs}
    out: dict[str, list[Token]] = {}
    for lower in (False, True):
        for text, tokens in by_text.items():
            if text in texts and text.islower() == lower:
                out.setdefault(base_form(text), []).extend(tokens)
    return out


def article_casings(forms: dict[str, list[Token]], shouted: set[int]) -> Counter[str]:
    """How often the article writes each form of one word outside headlines and rows of
    capitals: mid-sentence, or at a sentence start when capitals after the first letter show
    the casing ("CeBit"; "Non-EU" votes for "non-EU", and beside "DiCaprio" and "diCaprio",
    "DiCaprio" opening a sentence does not vote; nor does "DAEJEON" opening a story)."""
    seen: Counter[str] = Counter()
    starts: Counter[str] = Counter()
    for form, tokens in forms.items():
        for t in tokens:
            if not t.headline and t.start not in shouted:
                (starts if t.sentence_start else seen)[form] += 1
    for form, n in starts.items():  # capitals only ("DAEJEON —" opening a story) are a dateline
        same = [f for f in seen if f[1:] == form[1:]]
        if marked(form) and not form.isupper() and len(same) <= 1:
            seen[same[0] if same else form] += n
    return +seen


def names_after(view: DocView) -> dict[int, str]:
    """For each word followed, after one space, by a capitalised word: that word, case-folded."""
    words, text = view.words, view.doc.text
    return {a.start: b.norm for a, b in zip(words, words[1:], strict=False)
            if b.text[0].isupper() and text[a.end : b.start] == " "}
