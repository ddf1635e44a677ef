"""Word formation: inflections, compounds and derivations of known English words.

Writers coin words from known parts ("planemaker", "unfulfilling", "punky") and no list
holds them all; a slip seldom produces a whole affix on a whole word, or two whole words
glued together. The spelling and name rules ask these questions before calling a word a
slip. Only :mod:`qualcheck.lexicon` is consulted.
"""

from __future__ import annotations

from functools import lru_cache

from qualcheck.lexicon import english_index, is_english, word_frequencies

_INFLECTIONS = ("s", "es", "'s", "ed", "d", "ing", "er", "n", "an", "ian", "ese", "i", "y", "e")


def is_inflection(a: str, b: str) -> bool:
    """True when one word is the other plus a common ending ("Korea"/"Korean")."""
    short, long_ = sorted((a.casefold(), b.casefold()), key=len)
    return long_.startswith(short) and long_[len(short) :] in _INFLECTIONS


# endings listed as words ("ing"): "vote" + "ing" is a slip for "voting", not a compound
_ENDINGS = frozenset(("ing", "ed", "ies", "est", "ers"))
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
        if ok_head and len(tail) >= 3 and tail not in _ENDINGS and freq.get(tail, 0) >= 1000:
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


def consonant_key(word: str) -> str:
    """The first letter, then the consonants with doubles collapsed ("surveys" -> "srvs").

    Writers who do not know a word's spelling keep its consonants and guess its vowels
    ("servays", "necasery"), so the key stays when the edit distance grows past two.

    >>> consonant_key("surveys"), consonant_key("servays"), consonant_key("necessary")
    ('srvs', 'srvs', 'ncsr')
    """
    out = word[:1]
    for ch in word[1:]:
        if ch not in "aeiouy" and ch != out[-1]:
            out += ch
    return out


SKELETON_FREQUENCY = 10_000  # only words this common are proposed from the consonant key


@lru_cache(maxsize=1)
def _common_by_key() -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {}
    for w, n in word_frequencies().items():
        if n >= SKELETON_FREQUENCY and w.isalpha() and len(w) >= 5:
            keys.setdefault(consonant_key(w), []).append(w)
    return keys


def skeleton_match(word: str, max_distance: int = 3) -> str | None:
    """The one common word with ``word``'s consonant key within ``max_distance`` edits, if
    exactly one: "servays" -> "surveys". None when no word or several match ("mnts" is
    "minutes", "mounts" and "moments"), since then the consonants do not decide."""
    from rapidfuzz.distance import OSA

    near = [w for w in _common_by_key().get(consonant_key(word), ())
            if OSA.distance(word, w) <= max_distance]
    return near[0] if len(near) == 1 else None


OPENING_FIX_FREQUENCY = 10_000  # a capitalised opening word is only corrected to a word this common


def frequent_neighbour(norm: str) -> str | None:
    """The most common English word one edit from ``norm``, if it is common enough."""
    freq = word_frequencies()
    options = [w for w, _ in english_index().lookup(norm, 1) if freq.get(w, 0) >= OPENING_FIX_FREQUENCY]
    return max(options, key=lambda w: (freq.get(w, 0), w)) if options else None


def compound_unless_slip(norm: str) -> tuple[str, str] | None:
    """:func:`compound_split`, unless a much more common word is one edit away: "carear" is
    "car" + "ear" and "therefoe" is "there" + "foe", but they are slips for "career" and
    "therefore" (a common word beats a compound whose rarer part is 5 times rarer)."""
    split = compound_split(norm)
    if split is None or split[0] in GLUE_WORDS:
        return split
    near = frequent_neighbour(norm)
    if near is None:
        return split
    freq = word_frequencies()
    short = max(map(len, split)) <= 3
    return None if short or freq[near] >= 5 * min(freq.get(p, 0) for p in split) else split


def common_neighbour(norm: str) -> str | None:
    """:func:`frequent_neighbour` of a word that is neither a derivation nor a compound.

    For capitalised openings, where names are common: a compound is never overruled here
    ("Gotting", a name, is "got" + "ting" and one letter from "getting"), and
    :func:`skeleton_match` is not asked ("Depor" has the consonants of "deeper")."""
    if is_derivation(norm) or compound_split(norm):
        return None
    return frequent_neighbour(norm)
