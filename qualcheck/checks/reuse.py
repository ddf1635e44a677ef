"""Reuse rules: an article built from a press release, wire story or earlier article.

The reuse engine (:mod:`qualcheck.index`) finds and verifies the sources once per
audit; these rules turn each verified (article, source) match into one finding, by label.
The finding's span is the article's first shared passage; ``score`` is the share of the
article's words found in the source and ``source`` the source's path; every passage is
in the passages table.
"""

from __future__ import annotations

from collections.abc import Iterator

from qualcheck.checks.base import CheckContext, DocView, Hit


def _hits(view: DocView, ctx: CheckContext, label: str) -> Iterator[Hit]:
    for m in ctx.matches.get(view.doc.doc_id, []):
        if m.label != label or not m.passages:
            continue
        first = min(m.passages, key=lambda p: p.start)
        source = ctx.paths.get(m.source_id, m.source_id)
        yield Hit(
            first.start, first.end,
            f"{m.article_share:.0%} of this article is found in {source} ({len(m.passages)} passage(s); "
            f"{m.source_share:.0%} of the source reused; Jaccard {m.jaccard:.2f})",
            score=round(m.article_share, 4), source=source,
        )


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
