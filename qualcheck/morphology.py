"""Word formation: inflections, compounds and derivations of known English words.

Writers coin words from known parts ("planemaker", "unfulfilling", "punky") and no list
holds them all; a slip seldom produces a whole affix on a whole word, or two whole words
glued together. The spelling and name rules ask these questions before calling a word a
slip. Only :mod:`qualcheck.lexicon` is consulted.
"""

from __future__ import annotations

from qualcheck.lexicon import is_english, word_frequencies

_INFLECTIONS = ("s", "es", "'s", "ed", "d", "ing", "er", "n", "an", "ian", "ese", "i", "y", "e")


def is_inflection(a: str, b: str) -> bool:
    """True when one word is the other plus a common ending ("Korea"/"Korean")."""
    short, long_ = sorted((a.casefold(), b.casefold()), key=len)
    return long_.startswith(short) and long_[len(short) :] in _INFLECTIONS


GLUE_WORDS = frozenset("the a an of to in on at for and or but is was by with from as that this".split())


def compound_split(word: str) -> tuple[str, str] | None:
    """Two English words that make up ``word`` ("planemaker" -> "plane", "maker"), if any.

    >>> compound_split("planemaker"), compound_split("thefirst"), compound_split("courtsey")
    (('plane', 'maker'), ('the', 'first'), None)
    """
    freq = word_frequencies()
    best: tuple[int, tuple[str, str]] | None = None
    for i in range(1, len(word) - 2):
        head, tail = word[:i], word[i:]
        # both parts common words ("quart" + "ely" is no compound of "quartely")
        ok_head = head in GLUE_WORDS or (len(head) >= 3 and freq.get(head, 0) >= 1000)
        if ok_head and len(tail) >= 3 and freq.get(tail, 0) >= 1000:
            score = min(freq.get(head, 1), freq.get(tail, 1))
            if best is None or score > best[0]:
                best = (score, (head, tail))
    return best[1] if best else None


_PREFIXES = ("un", "non", "re", "pre", "mis", "over", "under", "out", "counter", "anti", "semi", "multi",
             "inter", "post", "super", "sub", "self")
_SUFFIXES = ("y", "ery", "ness", "ish", "less", "like", "wise", "dom", "ism", "ist")


def is_derivation(word: str) -> bool:
    """True when ``word`` is an English word with a productive prefix or suffix added.

    Writers coin these freely ("unfulfilling", "punky", "freakery") and no list holds them
    all; a slip seldom produces a whole affix on a whole word. The stem must be a common
    English word of four letters or more, so "finaly" ("final" + "y") is not one: "-ly"
    adverbs are where spelling slips live, and "final" + "y" is no English formation.

    >>> is_derivation("unfulfilling"), is_derivation("punky"), is_derivation("goverment")
    (True, True, False)
    """
    freq = word_frequencies()
    for prefix in _PREFIXES:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= 5 and is_english(rest):
            return True
    for suffix in _SUFFIXES:
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 4 and not stem.endswith(("l", "e")) \
                and freq.get(stem, 0) >= 1000:
            return True
    return False
