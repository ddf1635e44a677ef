"""Mechanical slips: keys hit in the wrong order rather than words misspelt.

These need no dictionary: a comma glued to the next word ("plan,w which") or a word
typed twice ("the the") is wrong in any language the newsroom writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from operator import eq

from qualcheck.checks.base import CheckContext, DocView, Hit
from qualcheck.lexicon import word_frequencies

# word, punctuation, then a letter with no space: "plan,w", "said.The"
_GLUED = re.compile(r"(?<![\w.@/])([^\W\d_]{2,})([,;!?]|\.(?=[A-Z][a-z]))([^\W\d_]+)")
# Frequency (pyspellchecker's list) from which a word is common: a capitalised word glued after
# a full stop ("said.The") or repeated at a sentence start ("The The") is then no name.
COMMON_WORD = 20_000
_TRIGGER = re.compile(r"[,;!?.][^\W\d_]")  # what every _GLUED match contains, found fast
_DOUBLE_OK = frozenset({"that", "had", "ha", "bye", "no", "very", "so", "really", "knock", "tut", "is"})


def missing_space(view: DocView, ctx: CheckContext) -> Iterator[Hit]:
    """Punctuation glued to the next word: "plan,w which", "said.The".

    Why: a missing space is a slip readers notice at once, and it often hides a stray
    letter typed with it.
    Example: "an exciting plan,w which" -> suggest "plan, which" (the stray "w" is the
    first letter of the next word, so it is dropped).
    Known problems: abbreviations written without spaces ("U.S.A") are skipped only
    when their letters are single; after a full stop only a glued common English word counts
    ("said.The"), so a brand written with a dot ("One.Tel") passes, and so does a slip
    gluing a name ("said.Smith").
    """
    text = view.doc.text
    if not _TRIGGER.search(text):
        return  # no punctuation touching a letter: the full pattern cannot match
    urls: list[tuple[int, int]] | None = None
    for m in _GLUED.finditer(text):
        if urls is None:  # listed on the first candidate only: most texts have none
            urls = [(t.start, t.end) for t in view.tokens if t.kind in ("url", "email", "handle", "hashtag")]
        if any(s <= m.start() < e for s, e in urls):
            continue
        word, punct, glued = m.groups()
        if punct == "." and word_frequencies().get(glued.casefold(), 0) < COMMON_WORD:
            continue  # "One.Tel", "Amazon.Net": a brand written with a dot, not two sentences
        after = text[m.end() : m.end() + 40]
        next_word = re.match(r"\s+([^\W\d_]+)", after)
        if len(glued) == 1 and glued.lower() not in "ai" and next_word and \
                next_word.group(1)[0].lower() == glued.lower():
            fix = f"{word}{punct}"
            message = f"missing space after '{punct}' and a stray '{glued}' before '{next_word.group(1)}'"
        else:
            fix = f"{word}{punct} {glued}"
            message = f"missing space after '{punct}'"
        yield Hit(m.start(), m.end(), message, fix)


_LONE_OK = frozenset("a i o".split())
# A single letter with a space and a letter on each side: where a stray letter can stand.
# (The space comes first so the regex engine can skip to spaces; capitals and "a", "i", "o" never count.)
_LONE = re.compile(r" (?<=[^\W\d_] )([^\W\d_A-Zaio])(?= [^\W\d_])")


def stray_letter(view: DocView, ctx: CheckContext) -> Iterator[Hit]:
    """A lone lower-case letter between lower-case words: "the w house", "plan w which".

    Why: a stray key press survives spell-checkers, since a single letter is no word.
    Example: "an exciting plan w which will" -> delete "w".
    Known problems: deliberate letters in running text ("the letter x", "plan b") are
    flagged; letters in lists "(a)", initials, units and maths are skipped.
    """
    text = view.doc.text
    for m in _LONE.finditer(text):  # the only places a stray letter can be: no word-by-word walk
        start = m.start(1)
        t, before, after = view.word_at(start), view.word_beside(start, -1), view.word_beside(start, 1)
        if t is None or before is None or after is None:
            continue  # not between two letter words (a number, a symbol, a text's edge)
        if len(t.text) != 1 or not t.text.islower() or t.text in _LONE_OK:
            continue
        if not (before.text.islower() and after.text.islower()):
            continue
        if text[before.end : t.start] != " " or text[t.end : after.start] != " ":
            continue  # "(a)", "x-ray", "b." are not stray
        yield Hit(t.start, t.end, f"stray letter '{t.text}' between '{before.text}' and '{after.text}'; "
                  "delete it?")


def doubled_word(view: DocView, ctx: CheckContext) -> Iterator[Hit]:
    """The same word twice in a row with only spaces between: "the the".

    Why: the commonest slip when a sentence is edited, and spell-checkers pass it.
    Example: "said the the minister" -> suggest "the".
    Known problems: deliberate repeats ("that that", "had had") are allowed by a short
    list and repeated capitalised names ("Duran Duran") are skipped; other deliberate
    repeats are flagged, and a repeat across a line break is not.
    """
    text = view.doc.text
    words = view.words
    # Case-folded keys, folded and compared pairwise in C: only the few equal neighbours are
    # looked at in Python. ``norm`` itself only for non-ASCII words (folding them needs NFKC).
    keys = list(map(str.lower, [t.text for t in words]))
    if not text.isascii():
        for i in [i for i, key in enumerate(keys) if not key.isascii()]:
            keys[i] = words[i].norm
    for i in [i for i, same in enumerate(map(eq, keys, keys[1:])) if same]:
        a, b = words[i], words[i + 1]
        gap = text[a.end : b.start]
        if a.norm in _DOUBLE_OK or gap.strip() or "\n" in gap:
            continue  # a headline repeated as the first word of the next line is no slip
        common = word_frequencies().get(a.norm, 0) >= COMMON_WORD
        if a.text[0].isupper() and b.text[0].isupper() and (not a.sentence_start or not common):
            continue  # "Duran Duran", "Boing Boing": names, even opening a sentence ("The The" is not)
        yield Hit(a.start, b.end, f"'{a.text}' is repeated", a.text)
