"""House-style rules: the newsroom's own list of names and words, from its config file.

``[tool.qualcheck]`` (or ``qualcheck.toml``) holds canonical names with their wrong forms
(``names = { "Zepeto" = ["Zapeto", "ZEPETO"] }``), rejected words with the preferred one
(``reject = { "alot" = "a lot" }``) and look-alike names that are different entities
(``distinct = [["Kim Min-ji", "Kim Min-jae"]]``, read by the name rules). Matches are exact
whole tokens: "Sm" never matches inside "Smith".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from qualcheck.checks.base import CheckContext, DocView, Hit


@lru_cache(maxsize=256)
def _token_pattern(form: str, ignore_case: bool) -> re.Pattern[str]:
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(r"(?<![\w\-'\u2019])" + re.escape(form) + r"(?![\w\-])", flags)


def house_name(view: DocView, ctx: CheckContext) -> Iterator[Hit]:
    """A name written in a form the house style lists as wrong.

    Why: the newsroom has settled how it writes a name ("Zepeto", "Lee Kwang-Hyung");
    the style file makes that decision stick in every story.
    Example: with ``names = { "Zepeto" = ["Zapeto"] }``, "Zapeto has 200 million users"
    -> suggest "Zepeto".
    Known problems: matches are case-sensitive, so list each wrong casing you mean.
    """
    text = view.doc.text
    for canonical, wrong_forms in ctx.config.names.items():
        for wrong in wrong_forms:
            if wrong == canonical:
                continue
            for m in _token_pattern(wrong, False).finditer(text):
                yield Hit(m.start(), m.end(), f"house style writes '{canonical}', not '{wrong}'", canonical)


def rejected_word(view: DocView, ctx: CheckContext) -> Iterator[Hit]:
    """A word the house style rejects, with its preferred replacement.

    Why: style decisions ("alot", "irregardless", a rival's trademark used generically)
    are not spelling errors a dictionary knows about.
    Example: with ``reject = { "alot" = "a lot" }``, "we have alot of readers" -> "a lot".
    Known problems: matched without regard to case; inflected forms must be listed too.
    """
    text = view.doc.text
    for word, preferred in ctx.config.reject.items():
        for m in _token_pattern(word, True).finditer(text):
            hint = f"; write '{preferred}'" if preferred else ""
            yield Hit(m.start(), m.end(), f"'{m.group()}' is rejected by the house style{hint}", preferred)


def is_distinct(ctx: CheckContext, a: str, b: str) -> bool:
    """True when the style file says ``a`` and ``b`` name different entities."""
    fa, fb = a.casefold(), b.casefold()
    return any(fa in group and fb in group for group in ctx.distinct_groups)
