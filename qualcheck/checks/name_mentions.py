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
from collections.abc import Callable
from dataclasses import dataclass, field

from qualcheck.checks.base import CheckContext, DocView
from qualcheck.lexicon import is_english, word_frequencies
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


def rows(view: DocView, keep: Callable[[Token], bool]) -> list[list[Token]]:
    """Maximal rows of words passing ``keep`` with one space, and nothing else, between neighbours."""
    text = view.doc.text
    found: list[list[Token]] = []
    prev: Token | None = None
    for t in view.words:
        if keep(t):
            if prev is not None and found and found[-1][-1] is prev and text[prev.end : t.start] == " ":
                found[-1].append(t)
            else:
                found.append([t])
        prev = t
    return found


def _lower_word(norm: str, ctx: CheckContext) -> bool:
    """A word the corpus writes in lower case mid-sentence ("the"), or, when the corpus never
    has it mid-sentence, a common English word ("Meanwhile"; not "Xi" or "Mo", names too)."""
    casing = ctx.vocab.majority_casing(norm)
    if casing is not None:
        return casing == norm
    return is_english(norm) and word_frequencies().get(norm, 0) >= _COMMON_WORD


def runs(view: DocView, ctx: CheckContext) -> list[list[Token]]:
    """Runs of capitalised words joined by single spaces, without a sentence-initial common word.

    "The Kpop lovers" gives "Kpop": a capital at the start of a sentence says nothing.
    """
    found = []
    for run in rows(view, lambda t: t.text[0].isupper()):
        while run and run[0].sentence_start and _lower_word(run[0].norm, ctx):
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


def single_names(view: DocView) -> dict[str, Mentions]:
    """Capitalised words no dictionary knows (acronyms aside), wherever they stand."""
    found: dict[str, Mentions] = {}
    for t in view.words:
        if not t.text[0].isupper():
            continue
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


def marked(form: str) -> bool:
    """Cased on purpose: capitals after the first letter ("SM", "eBay", "WorldCom")."""
    rest = form[1:]
    return rest != rest.lower()


def shouted_words(view: DocView) -> set[int]:
    """Starts of words in a row of three or more in capitals ("WHO WAS OSCAR?"): typography."""
    capitals = rows(view, lambda t: len(t.text) > 1 and t.text.isupper())
    return {t.start for row in capitals if len(row) >= 3 for t in row}


def by_form(view: DocView) -> dict[str, dict[str, list[Token]]]:
    """The article's words grouped by case-folded key, then by surface form (possessive off);
    lower-case English words only beside a capitalised form of themselves ("us" beside "US")."""
    texts: dict[str, list[Token]] = defaultdict(list)
    for t in view.words:
        texts[t.text].append(t)
    grouped: dict[str, dict[str, list[Token]]] = defaultdict(dict)
    lower = []
    for text, tokens in texts.items():
        if text.islower():
            lower.append((text, tokens))
            continue
        form = base_form(text)
        grouped[normalize_word(form)].setdefault(form, []).extend(tokens)
    for text, tokens in lower:
        form = base_form(text)
        norm = normalize_word(form)
        if norm in grouped or not is_english(norm):
            grouped[norm].setdefault(form, []).extend(tokens)
    return grouped


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
