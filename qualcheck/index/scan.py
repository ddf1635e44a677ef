"""One regex pass over a text: the reuse engine's words and the vocabulary's counts, fast.

What: :func:`surface_words` gives the word-like tokens (kinds word, number and mixed) of
:func:`qualcheck.text.tokenize`, in order, as they are written; :func:`word_spans` adds their
``(start, end)`` offsets; :func:`scan` gives the words and the vocabulary counts of
:func:`qualcheck.index.store.doc_vocabulary` in the same pass.

Why: indexing reads millions of articles, and the full tokenizer costs about 3.7 us a word,
mostly for ``Token`` objects the index never keeps. The regex here is *derived* from the
tokenizer's own pattern (URLs, e-mails, handles and hashtags still swallow their characters;
the single-character punctuation alternative, tried last, is dropped, so scanning skips those
characters exactly as a punctuation match would), so the tokens are the same by construction.
Sentence starts are replayed from the gaps between tokens (each distinct gap is folded once and
cached) and headlines come from :func:`qualcheck.text.headline_lines`, the tokenizer's own.
``tests/test_index_scan.py`` compares everything with the tokenizer on the BBC texts and on
generated text.

>>> surface_words("Mr. Lee's plan, see www.x.org #news: 3.5% of 2nd")
['Mr', "Lee's", 'plan', 'see', '3.5', 'of', '2nd']
>>> words, vocab = scan("SM said. Then SM left")
>>> words, vocab["SM"], vocab["Then"]
(['SM', 'said', 'Then', 'SM', 'left'], (2, 1, 3), (1, 0, -1))
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress

from qualcheck.text import ABBREVIATIONS, DIGIT, OPENERS, SENTENCE_ENDS, TOKEN_RE, headline_lines
from qualcheck.vocab import base_form

__all__ = ["Scanned", "scan", "scan_text", "surface_words", "word_spans"]

_POSSESSIVE_ENDS = ("s", "'", "\u2019")  # only words ending so can be possessives (base_form)
_DASHES = "-\u2013\u2014"


def _alternatives() -> dict[str, str]:
    """The bodies of the tokenizer's named alternatives, by name, in order."""
    parts = [p.strip() for p in TOKEN_RE.pattern.split("\n  | ")]
    found: dict[str, str] = {}
    for part in parts:
        if m := re.fullmatch(r"\(\?P<(\w+)>(.*)\)", part, re.S):
            found[m[1]] = m[2]
    if list(found) != ["url", "email", "handle", "hashtag", "number", "word", "punct"] or len(parts) != 7:
        raise RuntimeError("qualcheck.text's token pattern has changed shape")  # fail loudly, never differ
    return found


_ALT = _alternatives()
_WORDLIKE = f"{_ALT['number']}|{_ALT['word']}"
# Which of the alternatives that swallow non-words can match at all: a text without "@" has no
# e-mail or handle, and so on. Dropping the impossible ones changes no token and saves most of
# the regex time (the e-mail alternative rescans every word).
_TRIGGERS = (("url", ("http", "www.")), ("email", ("@",)), ("handle", ("@",)), ("hashtag", ("#",)))


@lru_cache(maxsize=16)
def _compiled(others: tuple[str, ...]) -> re.Pattern[str]:
    """Group 1 = the ``others`` alternatives (when any), last group = word-like tokens."""
    body = f"({_WORDLIKE})"
    if others:
        body = "(" + "|".join(_ALT[name] for name in others) + ")|" + body
    return re.compile(body, TOKEN_RE.flags)


def _pattern(text: str) -> re.Pattern[str]:
    return _compiled(tuple(name for name, marks in _TRIGGERS if any(m in text for m in marks)))


def surface_words(text: str) -> list[str]:
    """The word-like tokens of ``text`` as written (``normalized_words`` before normalising)."""
    pattern = _pattern(text)
    if pattern.groups == 1:
        return pattern.findall(text)
    return [w for _, w in pattern.findall(text) if w]


def word_spans(text: str) -> tuple[list[str], list[int]]:
    """:func:`surface_words` and their offsets, flattened: ``[start0, end0, start1, end1, ...]``."""
    pattern = _pattern(text)
    last = pattern.groups
    words: list[str] = []
    spans: list[int] = []
    for m in pattern.finditer(text):
        if m.lastindex == last:
            words.append(m[last])
            spans.extend(m.span())
    return words, spans


@lru_cache(maxsize=4096)
def _fold(gap: str, state: bool, abbreviation: bool) -> bool:
    """The tokenizer's ``expect_start`` after the punctuation and newlines of ``gap``.

    ``abbreviation``: a full stop first in the gap follows an abbreviation ("Mr.") and so does
    not end a sentence.
    """
    for i, ch in enumerate(gap):
        if ch == "\n":
            state = True
        elif ch.isspace() or ch == "_":
            continue
        elif ch in SENTENCE_ENDS and not (i == 0 and abbreviation and ch == "."):
            state = True
        elif ch not in OPENERS:
            state = state and ch in _DASHES
    return state


_FORMS: dict[str | None, str] = {None: ""}  # token -> vocabulary form ("": not a letter word)
_FORMS_MAX = 1_000_000


def _form(token: str | None) -> str:
    form = _FORMS.get(token)
    if form is None:
        assert token is not None
        if not token.isalpha() and (token[0].isdigit() or DIGIT.search(token)):  # as text._kind
            form = ""  # number or mixed: not in the vocabulary
        else:
            form = base_form(token) if token.endswith(_POSSESSIVE_ENDS) else token
        if len(_FORMS) >= _FORMS_MAX:
            _FORMS.clear()
            _FORMS[None] = ""
        _FORMS[token] = form
    return form


def _forms(tokens: list[str | None]) -> list[str]:
    try:
        return list(map(_FORMS.__getitem__, tokens))  # one C-level pass when every token is known
    except KeyError:
        for token in set(tokens).difference(_FORMS):  # the few new ones, then the fast pass again
            _form(token)
    try:
        return list(map(_FORMS.__getitem__, tokens))
    except KeyError:  # the cache was full and cleared while filling
        return [_form(t) for t in tokens]


def _is_abbreviation(token: str | None) -> bool:
    """Whether a word before a glued full stop makes it an abbreviation, as the tokenizer says."""
    if token is None or _form(token) == "":
        return False
    return len(token) == 1 or token.casefold() in ABBREVIATIONS


def _no_votes(text: str, pieces: list[str | None], step: int, tokens: list[str | None]) -> list[int]:
    """Indices of the tokens that cast no casing vote: sentence starts and headline words."""
    gaps = pieces[0::step]
    n = len(tokens)
    quiet: list[int] = []
    # Every token leaves expect_start False, so only a gap other than one space can raise it.
    for k in compress(range(n), map(" ".__ne__, gaps)):
        gap = gaps[k]
        assert gap is not None
        abbreviation = gap[:1] == "." and k > 0 and _is_abbreviation(tokens[k - 1])
        if _fold(gap, k == 0, abbreviation):
            quiet.append(k)
    if n and gaps[0] == " ":  # the first token starts a sentence whatever its gap
        quiet.insert(0, 0)
    headlines = headline_lines(text)
    if headlines:
        ends = list(accumulate(len(p) if p else 0 for p in pieces))
        starts = ends[0::step][:n]  # token k starts after pieces[0 .. step*k]
        for lo, hi in headlines:
            quiet.extend(range(bisect_left(starts, lo), bisect_left(starts, hi)))
    return quiet


@dataclass(frozen=True, slots=True)
class Scanned:
    """One text read by :func:`scan_text`: what the index keeps of it.

    ``words``: the word-like tokens as written; ``forms``: the vocabulary form of each of them
    (``""`` for numbers, mixed tokens and the URLs, e-mails, handles and hashtags in between);
    ``distinct``: the forms present (keys; ``""`` left out); ``quiet``: the form of each letter
    word that casts no casing vote (sentence starts, headlines); ``first_vote``: position among
    the letter words of each form's first vote (forms with votes only).
    """

    words: list[str]
    forms: list[str]
    distinct: dict[str, int]
    quiet: list[str]
    first_vote: dict[str, int]

    def vocabulary(self) -> dict[str, tuple[int, int, int]]:
        """``form -> (occurrences, casing votes, first vote position or -1)`` (``doc_vocabulary``)."""
        counts = Counter(self.forms)
        counts.pop("", None)
        quiet = Counter(self.quiet)
        return {f: (c, c - quiet[f], self.first_vote.get(f, -1)) for f, c in counts.items()}


def scan_text(text: str) -> Scanned:
    """Read ``text`` once: its words and everything its vocabulary counts need (see :class:`Scanned`)."""
    pattern = _pattern(text)
    step = pattern.groups + 1
    pieces: list[str | None] = pattern.split(text)  # gap, [other token,] word-like token, gap, ...
    tokens = pieces[step - 1 :: step]  # None where an "other" token (URL, e-mail...) matched
    words: list[str] = tokens if step == 2 else [w for w in tokens if w is not None]  # type: ignore[assignment]
    forms = _forms(tokens)
    n = len(forms)
    first = dict(zip(reversed(forms), range(n - 1, -1, -1), strict=True))  # token index of first use
    first.pop("", None)
    quiet_at = _no_votes(text, pieces, step, tokens)
    quiet_set = set(quiet_at)
    voted = first.copy()
    for k in sorted(quiet_set):  # a form first used without a vote: its first vote is later, if any
        form = forms[k]
        if form and voted.get(form) == k:
            j: int | None = k
            while j in quiet_set:
                j = forms.index(form, j + 1) if form in forms[j + 1 :] else None  # type: ignore[operator]
            if j is None:
                del voted[form]
            else:
                voted[form] = j
    if "" in forms:  # positions count letter words only (numbers, URLs... do not)
        letter = list(accumulate(map(bool, forms), initial=-1))[1:]
        voted = dict(zip(voted.keys(), map(letter.__getitem__, voted.values()), strict=True))
    quiet = [f for f in map(forms.__getitem__, quiet_set) if f]
    return Scanned(words, forms, first, quiet, voted)


def scan(text: str) -> tuple[list[str], dict[str, tuple[int, int, int]]]:
    """Word-like tokens (:func:`surface_words`) and ``doc_vocabulary(tokenize(text))`` in one pass.

    The vocabulary maps each letter-word form, in order of first occurrence, to (occurrences,
    casing votes, position among the letter words of the first vote or -1), as
    :func:`qualcheck.index.store.doc_vocabulary` does.
    """
    scanned = scan_text(text)
    return scanned.words, scanned.vocabulary()
