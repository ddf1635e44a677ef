"""Sentence-level alignment: article sentences re-worded from a source throughout.

What: :func:`add_sentences` takes the word alignment of a verified (article, source) pair
(:func:`qualcheck.index.align.align`) and pairs each article sentence that its passages
leave mostly uncovered with the source sentence, or window of two neighbouring source
sentences, whose content words it shares most. A pair scoring at least ``MIN_SCORE`` becomes
a ``paraphrase`` :class:`qualcheck.types.Passage`, and the sentence's words that occur in
its source sentences count as ``REWRITTEN`` in the shares and the word breakdown.

Why: the word alignment anchors on runs of 3 identical words and bridges gaps of up to
``align.MAX_GAP`` words, so a sentence re-worded throughout (synonyms, reordered clauses,
a student's "heavy revision") leaves no anchor and counts as the writer's own.

Score: Jaccard of the two sentences' sets of *content keys*: words that are not in
``STOPWORDS``, lower-cased and cut to their first ``KEY_PREFIX`` letters (a crude stemmer:
"inherits" and "inheritance" share "inher"). On the Microsoft Research Paraphrase Corpus
(``bench/paraphrase_align.py``) it separates paraphrases (ROC AUC 0.754) better than the
word aligner (0.682); ``MIN_SCORE`` is set there for high precision.

Evidence gate: unrelated texts on the same topic share content words sentence by
sentence, so sentences are only paired for a source that the word alignment already
verified (``MIN_EVIDENCE_PASSAGES`` passages), or when at least ``MIN_PAIRS_ALONE``
sentences pair at ``MIN_SCORE_ALONE``. Cost: only verified pairs, only uncovered
sentences; per pair, one sum of small 0/1 columns (splits and keys cached per text).

>>> from qualcheck.index.align import align
>>> from qualcheck.types import Document
>>> src = Document("s", "s.txt", "The city council approved a new budget for schools and roads on "
...                "Monday. Funding for public parks will be reduced by ten percent next year.")
>>> art = Document("a", "a.txt", "The city council approved a new budget for schools and roads on "
...                "Monday. Next year, parks funding gets reduced ten percent, the mayor warned.")
>>> al = add_sentences(align(art, src), art, src)
>>> [(p.kind, p.text) for p in al.passages]  # doctest: +NORMALIZE_WHITESPACE
[('verbatim', 'The city council approved a new budget for schools and roads on Monday'),
 ('paraphrase', 'Next year, parks funding gets reduced ten percent, the mayor warned')]
>>> al.verbatim_words, al.rewritten_words, al.new_words
(13, 7, 4)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from qualcheck.index.align import IGNORED, NEW, REWRITTEN, VERBATIM, Alignment
from qualcheck.index.shingles import TokenStream
from qualcheck.text import ABBREVIATIONS
from qualcheck.types import Document, Passage

# Calibrated on MSRP (bench/paraphrase_align.py): precision ~0.82 for "paraphrase" at 0.5
# where the base rate is 0.675, and MSRP's non-paraphrases are sentences on the same news
# event (harder than the unrelated sentences of a verified source).
MIN_SCORE = 0.5
MAX_COVERED = 0.5  # sentences with more than this share of words in passages are left alone
MIN_CONTENT_KEYS = 3  # shorter sentences ("He agreed.") pair by chance
KEY_PREFIX = 5
MIN_EVIDENCE_PASSAGES = 1  # word-aligned passages that verify the source
MIN_PAIRS_ALONE = 3  # without a passage: this many sentence pairs, each scoring ...
MIN_SCORE_ALONE = 0.6  # ... at least this much
PARAPHRASE = "paraphrase"  # Passage.kind of a sentence pair
ENABLED = 1  # 0 turns the pass off: benchmarks measure its cost with --patch ...ENABLED=0

# Function words: shared by any two English sentences, so no evidence of reuse.
STOPWORDS = frozenset(
    "a about after again all also am an and any are as at be because been before being both but "
    "by can could did do does doing down during each few for from further had has have having he "
    "her here hers him his how i if in into is it its itself just me more most my no nor not of "
    "off on once one only or other our ours out over own same she should so some such than that "
    "the their theirs them then there these they this those through to too under until up very "
    "was we were what when where which while who whom why will with would you your yours said "
    "says also may might must shall us".split()
)
# A full stop after an abbreviation ("Mr.", "Corp.") or a single letter ("J. Smith") is no break.
_KEYS: dict[str, str] = {}  # word as written -> content_key, cached
# (text, words) -> its sentences (word spans), their words and content keys: an article is
# paired with each of its sources, and a source with each article that copies it.
_SPLITS: dict[tuple[str, int], tuple[list[tuple[int, int]], list[list[str]], list[set[str]]]] = {}
SPLIT_CACHE = 256  # texts; cleared when full (an audit verifies each pair once)
_NOT_AFTER = "".join(rf"(?<!\b{a}\.)" for a in sorted(ABBREVIATIONS)) + r"(?<!\b\w\.)"
_BREAK = re.compile(rf"(?:[!?\u2026]|\.{_NOT_AFTER})[.!?\u2026]*[\"'\u201d\u2019)\]]*(?=\s|$)|\n",
                    re.IGNORECASE)


def sentence_ids(text: str, offsets: np.ndarray) -> np.ndarray:
    """The sentence number of each word (``offsets``: one ``(start, end)`` row per word).

    A sentence ends at ``.``, ``!``, ``?`` or an ellipsis followed by space, and at a line
    break; not after an abbreviation ("Mr.", "Corp.") or a single letter ("J. Smith").

    >>> ts = TokenStream.of("Mr. Lee spoke. He left!\\nNext")
    >>> sentence_ids("Mr. Lee spoke. He left!\\nNext", ts.offsets).tolist()
    [0, 0, 0, 1, 1, 2]
    """
    breaks = np.fromiter((m.end() for m in _BREAK.finditer(text)), dtype=np.int64)
    ids = np.searchsorted(breaks, offsets[:, 0], side="right")
    if ids.size == 0:
        return ids
    # numbered 0, 1, 2... with no gaps (a line break right after a full stop is one break)
    return np.concatenate(([0], np.cumsum(ids[1:] != ids[:-1])))


def content_key(word: str) -> str:
    """The key two spellings of a content word share, or "" for a function word.

    >>> content_key("Inheritance"), content_key("inherits"), content_key("The")
    ('inher', 'inher', '')
    """
    key = _KEYS.get(word)
    if key is None:
        w = word.lower()
        key = "" if w in STOPWORDS else w[:KEY_PREFIX]
        if len(_KEYS) >= 1 << 18:  # news vocabulary repeats; bound the memory anyway
            _KEYS.clear()
        _KEYS[word] = key
    return key


def shared_words(words: Sequence[str], source_words: Sequence[str]) -> list[int]:
    """Positions of ``words`` found in ``source_words``, as written or by content key.

    These words of a paired sentence count as rewritten (the HTML report marks the same).

    >>> shared_words(["Schools", "funding", "gets", "cut"], ["Funding", "for", "school", "fell"])
    [0, 1]
    """
    forms = {w.lower() for w in source_words}
    forms |= {k for k in map(content_key, forms) if k}
    return [i for i, w in enumerate(words) if w.lower() in forms or content_key(w) in forms]


def _sentences(ids: np.ndarray) -> list[tuple[int, int]]:
    """``(first, end)`` word positions of each sentence, in order."""
    if ids.size == 0:
        return []
    cuts = np.flatnonzero(ids[1:] != ids[:-1]) + 1
    bounds = [0, *cuts.tolist(), int(ids.size)]
    return list(zip(bounds, bounds[1:], strict=False))


def _split(text: str, ts: TokenStream) -> tuple[list[tuple[int, int]], list[list[str]], list[set[str]]]:
    """Sentences of ``text`` as word spans, each sentence's words and content keys (cached)."""
    key = (text, len(ts))
    found = _SPLITS.get(key)
    if found is None:
        spans = _sentences(sentence_ids(text, ts.offsets))
        words = [[text[s:e] for s, e in ts.offsets[f:t].tolist()] for f, t in spans]
        found = (spans, words, [_keys(w) for w in words])
        if len(_SPLITS) >= SPLIT_CACHE:
            _SPLITS.clear()
        _SPLITS[key] = found
    return found


def _keys(words: list[str]) -> set[str]:
    keys = set(map(content_key, words))
    keys.discard("")
    return keys


def sentence_score(words: list[str], other: list[str]) -> float:
    """Jaccard of the content keys of two word lists: the score of a sentence pair.

    >>> sentence_score("Inheritance lets a class reuse code".split(), "A class inherits code".split())
    0.6
    """
    a, b = _keys(words), _keys(other)
    return len(a & b) / len(a | b) if a or b else 0.0


def _passage(article: Document, source: Document, at: TokenStream, st: TokenStream,
             span: tuple[int, int], window: tuple[int, int], matched: int) -> Passage:
    start, end = int(at.offsets[span[0], 0]), int(at.offsets[span[1] - 1, 1])
    source_start, source_end = int(st.offsets[window[0], 0]), int(st.offsets[window[1] - 1, 1])
    return Passage(
        path=article.path, doc_id=article.doc_id, source=source.path, source_id=source.doc_id,
        start=start, end=end, source_start=source_start, source_end=source_end,
        text=article.text[start:end], source_text=source.text[source_start:source_end],
        kind=PARAPHRASE, tokens=span[1] - span[0], matched_tokens=matched,
    )


def _rows(key_sets: list[set[str]], vocab: dict[str, int]) -> np.ndarray:
    """A 0/1 matrix: one row per key set, one column per key of ``vocab`` (others dropped)."""
    rows: list[int] = []
    cols: list[int] = []
    for row, keys in enumerate(key_sets):
        hit = [vocab[k] for k in keys if k in vocab]
        cols.extend(hit)
        rows.extend([row] * len(hit))
    out = np.zeros((len(key_sets), len(vocab)), dtype=np.float32)
    out[rows, cols] = 1.0  # one scatter for the whole matrix, not one per row
    return out


def _best_windows(a_keys: list[set[str]], s_keys: list[set[str]]) -> tuple[np.ndarray, np.ndarray]:
    """For each article sentence: the best source window (index) and its Jaccard score.

    Windows are the source sentences, then each pair of neighbours (index ``len + i`` for
    sentences ``i`` and ``i + 1``). The shared keys of a sentence and every window are summed
    from the windows' 0/1 columns of that sentence's keys: no dense matrix product, which
    BLAS runs on several threads for these sizes and which costs ten times more on a busy
    machine.
    """
    vocab = {k: i for i, k in enumerate(set().union(*a_keys))}
    single = _rows(s_keys, vocab)
    columns = np.concatenate((single, np.maximum(single[:-1], single[1:]))).T  # a pair's keys: the union
    pairs = [len(x | y) for x, y in zip(s_keys, s_keys[1:], strict=False)]
    sizes = np.array([len(k) for k in s_keys] + pairs, dtype=np.float32)
    counts = np.array([len(k) for k in a_keys], dtype=np.int64)
    cols = [vocab[k] for keys in a_keys for k in keys]
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    inter = np.zeros((len(a_keys), columns.shape[1]), dtype=np.float32)
    filled = counts > 0
    if cols:
        inter[filled] = np.add.reduceat(columns[cols], starts[filled], axis=0)
    union = counts.astype(np.float32)[:, None] + sizes[None, :] - inter
    score = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    best = score.argmax(axis=1)
    return best, score[np.arange(len(a_keys)), best]


def add_sentences(
    al: Alignment, article: Document, source: Document, *,
    article_tokens: TokenStream | None = None, source_tokens: TokenStream | None = None,
) -> Alignment:
    """``al`` with its uncovered article sentences paired to source sentences (see module).

    Returns ``al`` itself when nothing pairs or the evidence gate fails; otherwise a new
    :class:`Alignment` with the ``paraphrase`` passages added (in article order) and the
    shares and word counts recomputed. The source share still counts word-aligned text only.
    """
    at = article_tokens if article_tokens is not None else TokenStream.of(article.text)
    st = source_tokens if source_tokens is not None else TokenStream.of(source.text)
    kinds = al.word_kinds
    if not ENABLED or len(at) == 0 or len(st) == 0 or kinds.size != len(at):
        return al
    spans, sentence_words, sentence_keys = _split(article.text, at)
    starts = np.asarray([first for first, _ in spans], dtype=np.int64)
    counted = np.add.reduceat((kinds != IGNORED).astype(np.int64), starts)
    covered = np.add.reduceat(((kinds != NEW) & (kinds != IGNORED)).astype(np.int64), starts)
    todo_idx = [i for i, (c, v) in enumerate(zip(counted.tolist(), covered.tolist(), strict=True))
                if c and v <= MAX_COVERED * c]
    todo = [spans[i] for i in todo_idx]
    a_words = [sentence_words[i] for i in todo_idx]
    # boilerplate words (IGNORED) are no evidence here either
    ignored = kinds == IGNORED
    a_keys = [_keys([w for w, k in zip(words, ignored[f:t].tolist(), strict=True) if not k])
              if ignored[f:t].any() else sentence_keys[i]
              for i, words, (f, t) in zip(todo_idx, a_words, todo, strict=True)]
    keep = [i for i, k in enumerate(a_keys) if len(k) >= MIN_CONTENT_KEYS]
    if not keep:
        return al
    s_spans, s_words, s_keys = _split(source.text, st)
    best, score = _best_windows([a_keys[i] for i in keep], s_keys)
    paired = score >= MIN_SCORE
    if not paired.any():
        return al
    if len(al.passages) < MIN_EVIDENCE_PASSAGES and int((score >= MIN_SCORE_ALONE).sum()) < MIN_PAIRS_ALONE:
        return al
    kinds = kinds.copy()
    added: list[Passage] = []
    n = len(s_spans)
    for row in np.flatnonzero(paired).tolist():
        idx, win = keep[row], int(best[row])
        first, end = todo[idx]
        lo, hi = (win, win + 1) if win < n else (win - n, win - n + 2)
        window = (s_spans[lo][0], s_spans[hi - 1][1])
        hits = shared_words(a_words[idx], [w for ws in s_words[lo:hi] for w in ws])
        pos = np.asarray(hits, dtype=np.int64) + first
        upgrade = pos[kinds[pos] == NEW]
        kinds[upgrade] = REWRITTEN
        added.append(_passage(article, source, at, st, (first, end), window, len(hits)))
    counts = np.bincount(kinds, minlength=4)
    words = len(at) - int(counts[IGNORED])
    inside = int(counts[REWRITTEN] + counts[VERBATIM])
    passages = tuple(sorted((*al.passages, *added), key=lambda p: (p.start, p.end)))
    return replace(
        al, article_share=inside / words if words else 0.0, passages=passages,
        rewritten_words=int(counts[REWRITTEN]), new_words=words - inside, word_kinds=kinds,
    )
