"""Exact alignment of an article against one source: shares, Jaccard and reused passages.

What: :func:`align` finds where the article's words come from in the source and returns an
:class:`Alignment` with ``qualcheck.types.Passage`` records carrying character offsets in
both texts (``passage.text == article.text[start:end]``,
``passage.source_text == source.text[source_start:source_end]``).

How (all on 64-bit word hashes from :mod:`qualcheck.index.shingles`):

1. anchors: positions where an article word ``ANCHOR_K``-gram occurs in the source (hash
   map of source k-grams -> positions, built only for k-grams the two texts share);
2. runs: each anchor is extended word by word, backwards and forwards, to a maximal run of
   identical consecutive words ``article[i:i+n] == source[j:j+n]``; each diagonal is walked
   once. Runs are found in any order, so reordered paragraphs are still found;
3. one mapping per article word: runs are taken longest first and clipped to article
   words not yet claimed (a source that repeats a sentence maps it once);
4. passages: runs in article order are chained when both gaps are between 0 and
   ``MAX_GAP`` words (same order in both texts); the gap words are "rewritten" (edited
   inside a copied stretch) and compared with ``rapidfuzz.distance.Indel.opcodes`` on the
   two token sub-lists to count the words kept; passages with fewer than
   ``MIN_PASSAGE_WORDS`` matching words are dropped.

Cost: numpy membership tests, then Python work proportional to the shared words; two
1,000-word texts align in about a millisecond (see ``tests/test_index.py``).

>>> from qualcheck.types import Document
>>> src = Document("pr", "pr.txt", "Acme Corp today announced record profits for the third "
...                "quarter of 2024, driven by strong sales in Europe.")
>>> art = Document("a1", "a1.txt", "Shares rose after Acme Corp announced record profits for "
...                "the third quarter of the year, driven by strong sales in Europe.")
>>> al = align(art, src)
>>> [(p.text, p.kind, p.tokens, p.matched_tokens) for p in al.passages]  # doctest: +NORMALIZE_WHITESPACE
[('announced record profits for the third quarter of the year, driven by strong sales in Europe',
  'rewritten', 16, 14)]
>>> al.verbatim_words, al.rewritten_words, al.new_words, round(al.article_share, 2)
(14, 2, 5, 0.76)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from rapidfuzz.distance import Indel

from qualcheck.index.shingles import TokenStream, kgram_hashes
from qualcheck.types import Document, Passage

ANCHOR_K = 3  # words per anchor k-gram: the shortest copied run that is noticed
# Most words of edit bridged inside one passage, in each text. Calibrated on the MSRP
# paraphrase pairs, the short-answer corpus and BBC rewrites (bench/paraphrase_align.py,
# bench/reuse_share.py): 8 beats 6 on all three, with no match on unrelated articles.
MAX_GAP = 8
# A passage is kept when at least this many of its article words match the source (in runs
# or kept inside edits): 8 filters chance matches of stock phrases ("one of the ... said
# in a") that chain across a small gap, and keeps a short copied sentence.
MIN_PASSAGE_WORDS = 8
MAX_POSTINGS = 64  # k-grams repeated more often in the source do not start runs
JACCARD_K = 5  # Alignment.jaccard: word 5-gram Jaccard, the usual measure of near-duplicate text


@dataclass(frozen=True)
class Alignment:
    """How much of an article comes from one source, and where.

    ``article_share``: article words inside passages / article words; ``source_share``:
    source words covered by passages / source words; ``jaccard``: exact word-shingle
    Jaccard of the two texts. ``verbatim_words`` (in copied runs) + ``rewritten_words``
    (inside passages but edited) + ``new_words`` (outside passages) = article words.
    ``word_kinds`` has one value per article word: ``NEW``, ``REWRITTEN``, ``VERBATIM``
    or ``IGNORED`` (boilerplate, counted nowhere), so alignments against several sources
    combine word by word without counting a word twice (:func:`combine_kinds`).
    """

    article_share: float
    source_share: float
    jaccard: float
    passages: tuple[Passage, ...]
    verbatim_words: int
    rewritten_words: int
    new_words: int
    word_kinds: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint8), compare=False, repr=False)


NEW, REWRITTEN, VERBATIM, IGNORED = 0, 1, 2, 3  # Alignment.word_kinds values


def combine_kinds(kinds: list[np.ndarray]) -> np.ndarray:
    """Per-word kinds of one article aligned to several sources: the best per word.

    A word copied verbatim from any source is verbatim; else rewritten in any is rewritten.
    """
    return np.maximum.reduce(kinds) if len(kinds) > 1 else kinds[0].copy()


@dataclass(frozen=True, slots=True)
class _Span:
    """A passage in word positions (end exclusive) with its word counts."""

    start: int
    end: int
    source_start: int
    source_end: int
    verbatim: int
    matched: int
    runs: tuple[tuple[int, int, int], ...]  # (article start, source start, length) of the copied runs


def _runs(a: list[int], s: list[int], ka: np.ndarray, ks: np.ndarray) -> list[tuple[int, int, int]]:
    """Maximal runs ``(i, j, n)`` with ``a[i:i+n] == s[j:j+n]`` and ``n >= ANCHOR_K``."""
    shared = np.isin(ka, ks)
    if not shared.any():
        return []
    ka_list = ka.tolist()
    postings: dict[int, list[int]] = {}
    for j in np.flatnonzero(np.isin(ks, ka[shared])).tolist():
        postings.setdefault(int(ks[j]), []).append(j)
    n, m = len(a), len(s)
    run_end: dict[int, int] = {}  # diagonal j - i -> article end of the last run on it
    runs: list[tuple[int, int, int]] = []
    for i in np.flatnonzero(shared).tolist():
        plist = postings.get(ka_list[i])
        if plist is None or len(plist) > MAX_POSTINGS:
            continue
        for j in plist:
            d = j - i
            if run_end.get(d, -1) > i:
                continue  # inside a run already found on this diagonal
            i0, j0 = i, j
            while i0 > 0 and j0 > 0 and a[i0 - 1] == s[j0 - 1]:
                i0 -= 1
                j0 -= 1
            i1, j1 = i, j
            while i1 < n and j1 < m and a[i1] == s[j1]:
                i1 += 1
                j1 += 1
            run_end[d] = max(i1, i + 1)
            if i1 - i0 >= ANCHOR_K:
                runs.append((i0, j0, i1 - i0))
    return runs


def _claim(runs: list[tuple[int, int, int]], n: int) -> list[tuple[int, int, int]]:
    """Longest runs first, each clipped to article words no earlier run has claimed."""
    claimed = bytearray(n)
    kept: list[tuple[int, int, int]] = []
    for i, j, length in sorted(runs, key=lambda r: (-r[2], r[0], r[1])):
        p = i
        while p < i + length:
            while p < i + length and claimed[p]:
                p += 1
            q = p
            while q < i + length and not claimed[q]:
                q += 1
            if q - p >= ANCHOR_K:
                kept.append((p, j + (p - i), q - p))
                claimed[p:q] = b"\x01" * (q - p)
            p = q
    kept.sort()
    return kept


def _fits(span_end: int, span_source_end: int, run: tuple[int, int, int]) -> bool:
    gap_a, gap_s = run[0] - span_end, run[1] - span_source_end
    return 0 <= gap_a <= MAX_GAP and 0 <= gap_s <= MAX_GAP


def _spans(a: list[int], s: list[int], runs: list[tuple[int, int, int]]) -> list[_Span]:
    """Chain article-ordered runs into passages; count verbatim and kept words."""
    spans: list[_Span] = []
    chain: list[tuple[int, int, int]] = []

    def close() -> None:
        if not chain:
            return
        first, last = chain[0], chain[-1]
        end, source_end = last[0] + last[2], last[1] + last[2]
        verbatim = sum(r[2] for r in chain)
        matched = verbatim
        for prev, cur in zip(chain, chain[1:], strict=False):
            ga = (prev[0] + prev[2], cur[0])
            gs = (prev[1] + prev[2], cur[1])
            if ga[0] < ga[1] and gs[0] < gs[1]:
                ops = Indel.opcodes(a[ga[0] : ga[1]], s[gs[0] : gs[1]])
                matched += sum(op.src_end - op.src_start for op in ops if op.tag == "equal")
        if matched >= MIN_PASSAGE_WORDS:
            runs = tuple(chain)
            spans.append(_Span(first[0], end, first[1], source_end, verbatim, matched, runs))
        chain.clear()

    for idx, run in enumerate(runs):
        if chain:
            last = chain[-1]
            end, source_end = last[0] + last[2], last[1] + last[2]
            if not _fits(end, source_end, run):
                # A short chance match inside an edited stretch: skip it if the chain
                # resumes right after it.
                nxt = runs[idx + 1] if idx + 1 < len(runs) else None
                if run[2] < MIN_PASSAGE_WORDS and nxt is not None and _fits(end, source_end, nxt):
                    continue
                close()
        chain.append(run)
    close()
    return spans


def _passage(article: Document, source: Document, at: TokenStream, st: TokenStream, sp: _Span) -> Passage:
    start, end = int(at.offsets[sp.start, 0]), int(at.offsets[sp.end - 1, 1])
    source_start, source_end = int(st.offsets[sp.source_start, 0]), int(st.offsets[sp.source_end - 1, 1])
    return Passage(
        path=article.path,
        doc_id=article.doc_id,
        source=source.path,
        source_id=source.doc_id,
        start=start,
        end=end,
        source_start=source_start,
        source_end=source_end,
        text=article.text[start:end],
        source_text=source.text[source_start:source_end],
        kind="verbatim" if sp.verbatim == sp.end - sp.start else "rewritten",
        tokens=sp.end - sp.start,
        matched_tokens=sp.matched,
        verbatim=tuple((int(at.offsets[i, 0]), int(at.offsets[i + n - 1, 1])) for i, _, n in sp.runs),
        source_verbatim=tuple((int(st.offsets[j, 0]), int(st.offsets[j + n - 1, 1])) for _, j, n in sp.runs),
    )


def exact_jaccard(a: TokenStream, b: TokenStream, k: int = JACCARD_K) -> float:
    """Jaccard of the two texts' distinct 64-bit word k-shingle sets."""
    sa, sb = a.shingles(k, bits=64), b.shingles(k, bits=64)
    inter = np.intersect1d(sa, sb, assume_unique=True).size
    union = sa.size + sb.size - inter
    return float(inter) / float(union) if union else 0.0


def align(
    article: Document,
    source: Document,
    *,
    article_tokens: TokenStream | None = None,
    source_tokens: TokenStream | None = None,
    shingle_size: int = JACCARD_K,
    ignore: np.ndarray | None = None,
) -> Alignment:
    """Align ``article`` against ``source`` (pass cached token streams to skip tokenising).

    ``shingle_size`` is the word shingle size of the reported Jaccard. ``ignore``: one
    bool per article word, True for boilerplate that is no evidence of reuse; those words
    never match, and are left out of the article's word counts and shares.
    """
    at = article_tokens if article_tokens is not None else TokenStream.of(article.text)
    st = source_tokens if source_tokens is not None else TokenStream.of(source.text)
    n, m = len(at), len(st)
    jac = exact_jaccard(at, st, shingle_size) if n and m else 0.0
    spans: list[_Span] = []
    hashes = at.hashes
    if ignore is not None and ignore.any():
        # Values no word hash takes (the top bit pattern plus position): they match nothing.
        hashes = np.where(ignore, np.uint64(0xFFFF_FFFF_0000_0000) + np.arange(n, dtype=np.uint64), hashes)
    if n >= ANCHOR_K and m >= ANCHOR_K:
        a, s = hashes.tolist(), st.hashes.tolist()
        ka = kgram_hashes(hashes, ANCHOR_K)
        runs = _runs(a, s, ka, kgram_hashes(st.hashes, ANCHOR_K))
        spans = _spans(a, s, _claim(runs, n))
    passages = tuple(_passage(article, source, at, st, sp) for sp in spans)
    kinds = np.zeros(n, dtype=np.uint8)
    covered = np.zeros(m, dtype=bool)
    for sp in spans:
        covered[sp.source_start : sp.source_end] = True
        kinds[sp.start : sp.end] = REWRITTEN
        for start, _, length in sp.runs:
            kinds[start : start + length] = VERBATIM
    if ignore is not None:
        kinds[ignore] = IGNORED
    counts = np.bincount(kinds, minlength=4)
    verbatim, inside = int(counts[VERBATIM]), int(counts[VERBATIM] + counts[REWRITTEN])
    words = n - int(counts[IGNORED])
    return Alignment(
        article_share=inside / words if words else 0.0,
        source_share=float(covered.sum()) / m if m else 0.0,
        jaccard=jac,
        passages=passages,
        verbatim_words=verbatim,
        rewritten_words=inside - verbatim,
        new_words=words - inside,
        word_kinds=kinds,
    )
