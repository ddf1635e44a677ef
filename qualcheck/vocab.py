"""The corpus vocabulary: what the house actually writes, counted.

Built once per audit from the corpus and the audited documents, it lets the language
checks tell a house name from a slip: a word used often is not a typo ("Hallyu",
"K-pop"), a rare form one edit from a frequent one probably is ("Zapeto" beside
"Zepeto"), and the majority casing of a name is the suggestion ("SM", not "Sm").
Sentence-initial words and title-case lines do not vote on casing.

>>> from qualcheck.types import Document
>>> v = Vocabulary.build([Document("a", "a", "SM said. Fans of SM and Sm cheered.")])
>>> v.count("SM"), v.norm_count("sm"), v.majority_casing("sm")
(2, 3, 'SM')
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from qualcheck.text import Token, normalize_word, tokenize
from qualcheck.types import Document

_POSSESSIVES = ("'s", "\u2019s", "s'", "s\u2019")


@lru_cache(maxsize=1 << 18)
def base_form(word: str) -> str:
    """The word without a possessive ending: "SM's" -> "SM", "Lee's" -> "Lee"."""
    if "'" not in word and "\u2019" not in word:
        return word  # most words: no apostrophe, nothing to strip
    for suffix in _POSSESSIVES:
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return word[: -len(suffix)] + ("s" if suffix[0] == "s" else "")
    return word


def word_tokens(tokens: Iterable[Token]) -> list[Token]:
    """Letter words only (no numbers, URLs, handles): the tokens the language checks read."""
    return [t for t in tokens if t.kind == "word"]


@dataclass
class Vocabulary:
    """Counts of surface forms, of their case-folded keys, documents, and casing votes."""

    forms: Counter[str] = field(default_factory=Counter)
    form_docs: Counter[str] = field(default_factory=Counter)
    norms: Counter[str] = field(default_factory=Counter)
    norm_docs: Counter[str] = field(default_factory=Counter)
    casing: dict[str, Counter[str]] = field(default_factory=dict)
    documents: int = 0

    @classmethod
    def build(cls, documents: Sequence[Document], tokens: Sequence[list[Token]] | None = None) -> Vocabulary:
        """Count every word of ``documents`` (pass ``tokens`` when already tokenized)."""
        vocab = cls()
        for i, doc in enumerate(documents):
            vocab.add(tokens[i] if tokens is not None else tokenize(doc.text))
        return vocab

    def add(self, tokens: Iterable[Token]) -> None:
        """Count one document's tokens."""
        seen_forms: set[str] = set()
        seen_norms: set[str] = set()
        for t in word_tokens(tokens):
            form = base_form(t.text)
            norm = normalize_word(form)
            self.forms[form] += 1
            self.norms[norm] += 1
            seen_forms.add(form)
            seen_norms.add(norm)
            if not t.sentence_start and not t.headline:
                votes = self.casing.get(norm)
                if votes is None:
                    votes = self.casing[norm] = Counter()
                votes[form] += 1
        self.form_docs.update(seen_forms)
        self.norm_docs.update(seen_norms)
        self.documents += 1

    def count(self, form: str) -> int:
        """Occurrences of this exact surface form."""
        return self.forms.get(form, 0)

    def norm_count(self, norm: str) -> int:
        """Occurrences of any casing of this case-folded word."""
        return self.norms.get(norm, 0)

    def docs(self, norm: str) -> int:
        """Documents using any casing of this case-folded word."""
        return self.norm_docs.get(norm, 0)

    def majority_casing(self, norm: str) -> str | None:
        """The casing most used mid-sentence outside headlines, or None without votes."""
        votes = self.casing.get(norm)
        if not votes:
            return None
        return max(votes.items(), key=lambda kv: kv[1])[0]  # a tie goes to the form seen first

    def is_common(self, norm: str, min_count: int = 3, min_docs: int = 2) -> bool:
        """Used often enough in the corpus that it is the house's word, not a slip."""
        return self.norm_count(norm) >= min_count and self.docs(norm) >= min_docs
