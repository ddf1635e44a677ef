"""Page furniture: navigation, share buttons, newsletter and cookie text inside an article body.

Scraped pages carry text that is not the story ("Connect with us", "Follow Us On
Facebook", "Also Read: ...", teasers of other stories). It is not the writer's prose,
so editors want it out of the body, and it is not evidence that one story copied another.
Two sources of evidence: a shipped list of common furniture lines, and lines that recur
across many documents of the corpus (learned per audit).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator

from qualcheck.checks.base import CheckContext, DocView, Hit

_KNOWN = re.compile(
    r"^(?:connect with us|follow us(?: on [\w ]+)?|hi, what are you looking for\??|written by|"
    r"also read:?.*|read more:?.*|related (?:articles|stories|posts)|share (?:this|on) [\w ]+|"
    r"sign up (?:for|to) our [\w ]*newsletter.*|subscribe to our [\w ]*newsletter.*|advertisement|"
    r"we use cookies.*|accept (?:all )?cookies|all rights reserved\.?|copyright .{0,60}|"
    r"click here to .*|skip to (?:main )?content|leave a comment|you may also like)$",
    re.IGNORECASE,
)
MIN_DOCS = 3  # a line in this many documents ...
MIN_SHARE = 0.01  # ... and in this share of them is furniture, not prose


def normalise_line(line: str) -> str:
    """The key two copies of one furniture line share: case and spacing folded."""
    return " ".join(line.split()).casefold().strip(" .:|-\u2013\u2014")


def _lines(text: str) -> Iterator[tuple[int, int, str]]:
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = pos + line.index(stripped)
            yield start, start + len(stripped), stripped
        pos += len(line) + 1


def recurring_lines(texts: Iterable[str]) -> frozenset[str]:
    """Short lines (2-15 words) that recur across documents: footers, credits, menus."""
    counts: Counter[str] = Counter()
    documents = 0
    for text in texts:
        documents += 1
        keys = {normalise_line(s) for _, _, s in _lines(text) if 2 <= len(s.split()) <= 15}
        counts.update(keys)
    floor = max(MIN_DOCS, int(documents * MIN_SHARE))
    return frozenset(k for k, n in counts.items() if n >= floor)


def page_furniture(view: DocView, ctx: CheckContext) -> Iterator[Hit]:
    """A line of page furniture inside the article: "Connect with us", "Follow Us On Facebook".

    Why: it is not the story; it should be stripped before publication or syndication,
    and it must not count as copied text.
    Example: an article that opens with "Connect with us" and ends with "Follow Us On Facebook".
    Known problems: a genuine one-line paragraph that many stories share ("More to follow.")
    is reported as furniture; lines are learned only from corpora of three or more documents.
    """
    repeated = Counter(normalise_line(s) for _, _, s in _lines(view.doc.text) if len(s.split()) <= 4)
    for start, end, line in _lines(view.doc.text):
        key = normalise_line(line)
        if len(line) > 200:
            continue
        if _KNOWN.match(key) or key in ctx.furniture or (repeated[key] >= 3 and len(key) > 3):
            yield Hit(start, end, f"page furniture, not article text: '{line[:60]}'")
