"""Page furniture: navigation, share buttons, newsletter and cookie text inside an article body.

Scraped pages carry text that is not the story ("Connect with us", "Follow Us On
Facebook", "Also Read: ...", teasers of other stories). It is not the writer's prose,
so editors want it out of the body, and it is not evidence that one story copied another.
What counts as furniture is defined once, in :mod:`qualcheck.boilerplate`, which the
reuse engine also uses to keep furniture out of its evidence.
"""

from __future__ import annotations

from collections.abc import Iterator

from qualcheck.boilerplate import Boilerplate
from qualcheck.checks.base import CheckContext, DocView, Hit


def page_furniture(view: DocView, ctx: CheckContext) -> Iterator[Hit]:
    """A line of page furniture inside the article: "Connect with us", "Follow Us On Facebook".

    Why: it is not the story; it should be stripped before publication or syndication,
    and it must not count as copied text.
    Example: an article that opens with "Connect with us" and ends with "Follow Us On Facebook".
    Known problems: a genuine one-line paragraph that many stories share ("More to follow.")
    is reported as furniture; lines are learned only from corpora of three or more documents.
    """
    text = view.doc.text
    for start, end in Boilerplate(ctx.furniture).spans(text):
        yield Hit(start, end, f"page furniture, not article text: '{text[start:end][:60]}'")
