"""Keys under which spellings of one name meet: joined letters and a romanisation skeleton.

Two spellings of one name often differ in ways no edit distance rewards: the separators
("Tel Aviv", "Tel-Aviv", "TelAviv") and the romanisation system ("Zhou" in pinyin, "Chou"
in Wade-Giles; "Lee", "Yi" and "Rhee" for one Korean surname). :func:`joined_key` removes
the separators; :func:`skeleton` rewrites one name part so that the standard alternations
between the romanisation systems of one language give the same string.

>>> joined_key("Tel-Aviv") == joined_key("Tel Aviv") == joined_key("TelAviv")
True
>>> [skeleton(p) for p in ("Lee", "Yi", "Rhee", "Park", "Pak", "Bak", "Choi", "Choe")]
['i', 'i', 'i', 'pak', 'pak', 'pak', 'Coe', 'Coe']
>>> skeleton("Zhou") == skeleton("Chou"), skeleton("Xu") == skeleton("Hsu")
(True, True)
>>> skeleton("Wang") == skeleton("Wong"), skeleton("Cheng") == skeleton("Cheung")
(False, False)

The skeleton is a *key for comparing two name parts already known to sit in the same name*
(same given name, same other parts), never a dictionary: it is deliberately broad and
would merge many unrelated words taken alone.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Honorifics and forms of address: a closed class that stands before many different names,
# so sharing one ("Mr Lee", "Mr Li") is no evidence that two mentions name one person.
HONORIFICS = frozenset(
    "mr mrs ms miss mx dr prof sir dame lord lady rev st sr jr mme mlle herr frau".split()
)
MALE = frozenset("mr sir lord herr".split())  # "Mr Cheng" and "Ms Cheung" are two people
FEMALE = frozenset("mrs ms miss dame lady mme mlle frau".split())

_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2013'\u2019.]+")
_NON_LETTERS = re.compile(r"[^a-z]+")

# (pattern, replacement, why), applied in order to one case-folded ASCII name part.
# Capital letters are class placeholders, so a later rule never rewrites them again.
_RULES: tuple[tuple[str, str, str], ...] = (
    (r"^rh", "r", "Korean initial r spelt rh: Rhee"),
    (r"^i(?=[aeou])", "y", "Macanese (Portuguese) i for the glide y: Ieong = Yeung, Iao = Yau"),
    (r"^v", "w", "Macanese (Portuguese) v for w: Vong = Wong"),
    (r"s(?:ze|zu|su)$", "si", "Hong Kong sze and Wade-Giles ssu/szu spell the syllable si: Sze = Si"),
    (r"hs|x", "X", "Wade-Giles hs = pinyin x: Hsu = Xu, Hsieh = Xie"),
    (r"zh|ch|j|q", "C", "one affricate, many spellings: pinyin zh/j/q = Wade-Giles ch; Korean j = ch"),
    (r"ts|tz|dz|c|z", "Z", "pinyin z/c = Wade-Giles ts/tz: Cao = Tsao, Zou = Tsou"),
    (r"sh", "s", "s before i is sh in Korean popular spelling (Shin = Sin); Cantonese Shum = Sum"),
    (r"(?<=[ktp])h", "", "aspiration marks (Wade-Giles k', Hokkien kh/th/ph) are often dropped"),
    (r"ng", "N", "keep the velar nasal out of the next rule"),
    (r"g", "k", "voicing is not written consistently: pinyin g = Wade-Giles k; Korean Gang = Kang"),
    (r"b", "p", "the same for b/p: Bak = Pak, Baek = Paek"),
    (r"d", "t", "the same for d/t: Deng = Teng, Dong = Tung"),
    (r"(?<=[aeiouy])h(?![aeiouy])", "", "h after a vowel only lengthens it: Suh = Seo, Ahn = An, Shih = Shi"),
    (r"(?<=[aeiou])r(?![aeiou])", "", "non-rhotic r marks a long vowel: Park = Pak, Hur = Heo"),
    (r"ee", "i", "English ee for i: Lee = Li, Kee = Ki"),
    (r"oo", "u", "English oo for u: Yoo = Yu, Moon = Mun, Koo = Gu"),
    (r"e[ou]", "u", "Korean eo (McCune-Reischauer o/u), Cantonese eu/eo: Jeong = Chung, Seo = Suh"),
    (r"ow|ao", "au", "one diphthong: Cantonese Chow = Chau, Macanese Lao = Lau"),
    (r"oi", "oe", "Korean oe written oi: Choi = Choe"),
    (r"ae", "e", "Korean ae and e: Bae = Pe, Paek = Pek"),
    (r"(?<=[iy])an", "en", "pinyin -ian/yan = Wade-Giles -ien/yen: Qian = Chien, Yan = Yen"),
    (r"oN", "uN", "pinyin -ong = Wade-Giles -ung: Kong = Kung, Dong = Tung"),
    (r"uei", "ui", "Wade-Giles -uei = pinyin -ui: Kuei = Gui"),
    (r"(?<![kh])uo", "o", "pinyin -uo = Wade-Giles -o after most initials: Luo = Lo, Zuo = Tso"),
    (r"(?<=[kh])e$", "o", "pinyin ge/ke/he = Wade-Giles ko/k'o/ho"),
    (r"^[rly](?=i)", "", "Korean initial-sound law: r/l/y fall before i: Lee = Yi = Rhee, Lim = Im"),
    (r"^[rl](?=y)", "", "and r/l before y: Ryu = Yu"),
    (r"(.)\1+", r"\1", "doubled letters carry no sound: Kimm, Phillip"),
)
_COMPILED = tuple((re.compile(p), r) for p, r, _why in _RULES)


def fold(part: str) -> str:
    """Case-folded ASCII letters of a name part: accents and separators dropped ("Trần" -> "tran")."""
    if not part.isascii():
        part = unicodedata.normalize("NFKD", part).encode("ascii", "ignore").decode("ascii")
    return _NON_LETTERS.sub("", part.lower())


@lru_cache(maxsize=65536)
def name_parts(form: str) -> tuple[str, ...]:
    """Case-folded parts of a name, split at spaces and hyphens: "Lee Kwang-Hyung" -> lee, kwang, hyung."""
    return tuple(p for p in (fold(s) for s in _SEPARATORS.split(form)) if p)


def joined_key(form: str) -> str:
    """The name's letters with every separator and the case removed: spellings that differ only there meet."""
    return "".join(name_parts(form))


@lru_cache(maxsize=65536)
def skeleton(part: str) -> str:
    """A key that romanisations of one name part share: "Zhou"/"Chou", "Lee"/"Yi"/"Rhee", "Park"/"Bak".

    Each rule is a standard alternation between the romanisation systems of one language
    (Hanyu Pinyin and Wade-Giles for Mandarin; Revised Romanisation, McCune-Reischauer and
    popular spellings for Korean; Hong Kong and Macanese spellings of Cantonese). Vowel
    quality otherwise stays, so "Wang" and "Wong", "Cheng" and "Cheung" keep different keys.
    """
    key = fold(part)
    for pattern, replacement in _COMPILED:
        key = pattern.sub(replacement, key)
    return key
