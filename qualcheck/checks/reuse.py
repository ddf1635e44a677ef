"""Reuse rules: an article built from a press release, wire story or earlier article.

The reuse engine (:mod:`qualcheck.index`) finds and verifies the sources once per
audit; these rules turn each verified (article, source) match into one finding, by label.
The finding's span is the article's first shared passage; ``score`` is the share of the
article's words found in the source and ``source`` the source's path; every passage is
in the passages table. The message gives the breakdown of the article's words (verbatim,
rewritten, new), whether the article credits a source, and whether the "source" is dated
after the article (then the article may be the original).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime

from qualcheck.checks.base import CheckContext, DocView, Hit
from qualcheck.types import ReuseMatch

_CREDIT = re.compile(
    r"\b(?:said in a (?:statement|press release|news release)|according to (?:a|the) (?:statement|"
    r"(?:press|news) release)|in a (?:statement|press release|news release)"
    r"|Reuters|Associated Press|\bAP\b|AFP|Agence France[- ]Presse|PA Media|Press Association|Yonhap"
    r"|Bloomberg|Xinhua|Kyodo|dpa|ANSA|EFE|PR Newswire|Business Wire|GlobeNewswire|wire services?)",
    re.IGNORECASE,
)


def credit(text: str) -> str:
    """The words by which an article credits a source ("said in a statement"), or "".

    >>> credit("The company said in a statement on Monday that...")
    'said in a statement'
    """
    m = _CREDIT.search(text)
    return m.group(0) if m else ""


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).strip()[:19]).date()
    except ValueError:
        return None


def _hits(view: DocView, ctx: CheckContext, label: str) -> Iterator[Hit]:
    for m in ctx.matches.get(view.doc.doc_id, []):
        if m.label != label or not m.passages:
            continue
        first = min(m.passages, key=lambda p: p.start)
        source = ctx.paths.get(m.source_id, m.source_id)
        yield Hit(first.start, first.end, _message(view, ctx, m, source),
                  score=round(m.article_share, 4), source=source)


def _message(view: DocView, ctx: CheckContext, m: ReuseMatch, source: str) -> str:
    words = m.verbatim_words + m.rewritten_words + m.new_words
    parts = [f"{m.article_share:.0%} of this article is found in {source} ({len(m.passages)} passage(s); "
             f"{m.source_share:.0%} of the source reused; Jaccard {m.jaccard:.2f})"]
    if words:
        parts.append(f"of its {words} words {m.verbatim_words} are verbatim, {m.rewritten_words} rewritten, "
                     f"{m.new_words} new")
    said = credit(view.doc.text)
    parts.append(f"it credits a source ('{said}')" if said else "it does not credit a source")
    ours, theirs = _date(view.doc.meta.get("date")), _date(ctx.dates.get(m.source_id))
    if ours and theirs and theirs > ours:
        parts.append(f"the source is dated {theirs}, after this article ({ours}): "
                     "it may have copied this one")
    return "; ".join(parts)


def reuse_duplicate(view: DocView, ctx: CheckContext) -> Iterator[Hit]:
    """The article is (almost) all one source: a pasted press release or wire story.

    Why: publishing a release as is passes its claims off as reporting and duplicates
    content that search engines already hold.
    Example: an article that repeats 90% of a company's release with a new first line.
    Known problems: long quotations from a speech that the source also quotes count as reuse.
    """
    yield from _hits(view, ctx, "duplicate")


def reuse_rewrite(view: DocView, ctx: CheckContext) -> Iterator[Hit]:
    """Half or more of the article comes from one source, with edits: a rewritten release.

    Why: churnalism; editors want to know how much the reporter added.
    Example: an article whose sentences follow a release with words swapped and
    paragraphs reordered, plus two paragraphs of its own.
    Known problems: heavy paraphrase that keeps no three words in a row is not seen.
    """
    yield from _hits(view, ctx, "rewrite")


def reuse_partial(view: DocView, ctx: CheckContext) -> Iterator[Hit]:
    """Part of the article (by default 20% or more) comes from one source.

    Why: quoting a release is fine when credited; the editor checks which passages
    and whether the source is named.
    Example: an article with three paragraphs taken from wire copy among its own reporting.
    Known problems: shared boilerplate (datelines, agency credits) can lift the share.
    """
    yield from _hits(view, ctx, "partial-reuse")
