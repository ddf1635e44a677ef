"""What the language rules ask of each distinct word, answered once per audit.

News vocabulary repeats from article to article, so asking of every token what it is (its
case-folded key, whether it is capitalised, whether its casing is deliberate) would redo the
same Python work many thousand times. :func:`facts` keeps the answers, per audit, for every
word text that is not a plain dictionary word (a plain one answers itself: lower case, its
own key); :func:`unusual_texts` gives one document's such texts with a set operation, and
only texts new to the audit are looked at in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from qualcheck.checks.base import CheckContext, DocView
from qualcheck.lexicon import plain_english_words
from qualcheck.text import normalize_word
from qualcheck.vocab import base_form


def marked(form: str) -> bool:
    """Cased on purpose: capitals after the first letter ("SM", "eBay", "WorldCom")."""
    rest = form[1:]
    return rest != rest.lower()


@dataclass
class WordFacts:
    """Answers about word texts that are not plain dictionary words, gathered over one audit."""

    seen: set[str] = field(default_factory=set)  # every word text answered for, plain ones too
    unusual: set[str] = field(default_factory=set)  # those not plain dictionary words
    key: dict[str, tuple[str, str]] = field(default_factory=dict)  # text -> (form, case-folded key)
    by_key: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # key -> texts
    capitalised: set[str] = field(default_factory=set)  # first letter a capital
    upper_form: set[str] = field(default_factory=set)  # form in capitals: "SM's"
    upper: set[str] = field(default_factory=set)  # two or more letters, all capitals: "WHO"
    casing: set[str] = field(default_factory=set)  # marked, or its key so in the corpus: "Sm"

    def learn(self, texts: Iterable[str], ctx: CheckContext) -> None:
        """Answer for ``texts`` (new to the audit, none of them a plain dictionary word)."""
        majority: dict[str, bool] = {}
        for text in texts:
            self.unusual.add(text)
            form = base_form(text)
            key = normalize_word(form)
            self.key[text] = (form, key)
            self.by_key[key].add(text)
            if text[0].isupper():
                self.capitalised.add(text)
            if marked(form):  # cased on purpose: "SM", "eBay"
                self.casing.add(text)
            if form.isupper():
                self.upper_form.add(text)
            if len(text) > 1 and text.isupper():
                self.upper.add(text)
            deliberate = majority.get(key)
            if deliberate is None:
                casing = ctx.vocab.majority_casing(key)
                deliberate = majority[key] = casing is not None and marked(casing)
            if deliberate:
                self.casing.add(text)


def facts(ctx: CheckContext) -> WordFacts:
    """The audit's :class:`WordFacts` (made on first use)."""
    found: WordFacts | None = ctx.memo.get("wordfacts")
    if found is None:
        found = ctx.memo["wordfacts"] = WordFacts()
    return found


def unusual_texts(view: DocView, ctx: CheckContext) -> frozenset[str]:
    """The document's distinct word texts that are not plain dictionary words (all answered
    for in :func:`facts`): names, capitalised words, coinages, slips."""
    found: frozenset[str] | None = view.memo.get("unusual_texts")
    if found is None:
        known = facts(ctx)
        texts = view.word_texts
        new = texts - known.seen
        if new:
            known.seen |= new
            known.learn(new - plain_english_words(), ctx)
        found = view.memo["unusual_texts"] = texts & known.unusual
    return found
