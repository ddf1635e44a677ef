"""Labels of a verified (article, source) match, and the METER classes, with their thresholds.

Two vocabularies, both derived from the verified shares (never from the LSH estimate):

- ``label_for``: what the editor sees as the rule: ``duplicate`` (a near-duplicate: word
  5-gram ``jaccard >= DUPLICATE_JACCARD``, 0.5, the usual definition in web and corpus
  de-duplication), ``rewrite`` (at least ``REWRITE_SHARE`` of the article comes from the
  source), ``partial-reuse`` (from ``min_share``, by default the search threshold 0.2).
- ``derivation_for``: the classes of the METER corpus of press-agency reuse (Gaizauskas
  et al. 2001; Clough et al. 2002): ``wholly-derived`` (at least ``WHOLLY_DERIVED`` of the
  article from the source(s)), ``partially-derived`` (from ``min_share``), ``not-derived``.
  METER's annotators called a story wholly derived when the agency copy was its only
  source, with the writer's additions amounting to a few linking words; 0.8 leaves room for
  a new headline, a dateline and a reworded lead.

>>> label_for(0.95, 0.6), label_for(0.6, 0.4), label_for(0.3, 0.1), label_for(0.1, 0.1)
('duplicate', 'rewrite', 'partial-reuse', None)
>>> derivation_for(0.85), derivation_for(0.3), derivation_for(0.05)
('wholly-derived', 'partially-derived', 'not-derived')
>>> copy_score(verbatim=60, rewritten=20, words=100)  # 0.6 + 0.5 * 0.2
0.7
"""

from __future__ import annotations

from qualcheck.index.candidates import DEFAULT_THRESHOLD

DUPLICATE_JACCARD = 0.5  # "duplicate": word 5-gram Jaccard >= this (the two texts are near equal)
REWRITE_SHARE = 0.5  # "rewrite": at least half of the article comes from the source
WHOLLY_DERIVED = 0.8  # METER "wholly derived": this share of the article or more
# copy_score: weight of a rewritten word against a verbatim one. Set a priori, not fitted: a
# rewritten word is derived (it counts fully in the share) but was edited, so it is half
# the evidence of copying; 1 would rank by the share, 0 by verbatim words alone.
# bench/reuse_short_answer.py shows 0..1 and a leave-one-task-out choice.
REWRITTEN_WEIGHT = 0.5
# "partial-reuse": article_share >= min_share (default: the search threshold, 0.2)


def label_for(article_share: float, jaccard: float, min_share: float = DEFAULT_THRESHOLD) -> str | None:
    """``duplicate``, ``rewrite``, ``partial-reuse``, or None below ``min_share``."""
    if jaccard >= DUPLICATE_JACCARD:
        return "duplicate"
    if article_share >= REWRITE_SHARE:
        return "rewrite"
    if article_share >= min_share:
        return "partial-reuse"
    return None


def derivation_for(article_share: float, min_share: float = DEFAULT_THRESHOLD) -> str:
    """METER class of an article share: wholly-, partially- or not-derived."""
    if article_share >= WHOLLY_DERIVED:
        return "wholly-derived"
    return "partially-derived" if article_share >= min_share else "not-derived"


def copy_score(verbatim: int, rewritten: int, words: int, weight: float | None = None) -> float:
    """How copied the article is: ``(verbatim + weight * rewritten) / words``, 0..1.

    Ranks cut-and-paste above light rewrites above heavy ones at the same derived share
    (the share counts verbatim and rewritten words alike). ``weight`` defaults to
    ``REWRITTEN_WEIGHT``.
    """
    w = REWRITTEN_WEIGHT if weight is None else weight
    return (verbatim + w * rewritten) / words if words > 0 else 0.0
