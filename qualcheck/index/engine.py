"""The reuse engine: which sources an article was built from, verified passage by passage.

What: ``ReuseEngine(corpus, audited)`` indexes every document (press releases, wire copy
and the audited articles themselves, so articles copying each other are found too) and
``engine.matches(doc)`` returns verified :class:`qualcheck.types.ReuseMatch` records.

Pipeline per article:

1. candidates: MinHash LSH Ensemble containment search (:mod:`.candidates`) over word
   ``shingle_size``-shingles, tuned for ``threshold * RECALL_MARGIN``;
2. prefilter: exact shingle containment of the article in each candidate, dropping the
   LSH false positives (about 5% of a corpus at 128 permutations) for ~20 us each;
3. verification: exact alignment (:mod:`.align`), then sentences re-worded throughout paired
   by content words (:mod:`.sentences`); kept when ``article_share >= min_share``;
4. label (:mod:`.labels`); sorted by article share, highest first.

Boilerplate (``boilerplate=``, :class:`qualcheck.boilerplate.Boilerplate`): article words
on furniture lines (footers, share buttons, wire credits recurring across the corpus) are
no evidence of reuse; they never match and are left out of the shares.

Each match carries a label and a METER class (:mod:`.labels`). :meth:`ReuseEngine.reuse`
also sums an article's sources word by word (:class:`qualcheck.types.ArticleReuse`), so
text that two sources share counts once.

Persistent corpus: ``ReuseEngine.from_index(index, audited)`` keeps only the audited
articles in memory and takes corpus candidates from a
:class:`qualcheck.index.persistent.CorpusIndex` (same search threshold, same exact prefilter,
same alignment), so its matches equal those of ``ReuseEngine(corpus, audited)``.

An article built from a release and wire copy lists both; when the wire copy itself
copies the release, the same passage is attributed to both matches (each match is
independent), and counted once in the article's combined share.

Shingle size 3: a light rewrite (one word changed every ~7) keeps ~4/7 of an article's
3-shingles but only ~2/7 of its 5-shingles, and candidate search only sees shingles.

>>> from qualcheck.types import Document
>>> pr = Document("pr1", "pr1.txt", "The city council approved a new budget on Monday that "
...               "raises spending on schools and roads by ten percent next year.")
>>> story = Document("s1", "s1.txt", "In a late vote, the city council approved a new budget on "
...                  "Monday that raises spending on schools and roads by ten percent next year.")
>>> engine = ReuseEngine([pr], [story])
>>> [(m.source_id, m.label, round(m.article_share, 2)) for m in engine.matches(story)]
[('pr1', 'duplicate', 0.84)]
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from datasketch import LeanMinHash

from qualcheck.boilerplate import Boilerplate
from qualcheck.index.align import IGNORED, NEW, REWRITTEN, VERBATIM, Alignment, align, combine_kinds
from qualcheck.index.candidates import DEFAULT_THRESHOLD, RECALL_MARGIN, ContainmentIndex, containment
from qualcheck.index.labels import derivation_for, label_for
from qualcheck.index.sentences import add_sentences
from qualcheck.index.shingles import TokenStream
from qualcheck.index.signatures import DEFAULT_NUM_PERM, DEFAULT_SHINGLE_SIZE, Signer
from qualcheck.types import ArticleReuse, Document, ReuseMatch

# Token streams kept for alignment, in words (24 bytes each: ~120 MB); beyond it the least
# recently used documents are re-tokenised when aligned again.
TOKEN_CACHE_WORDS = 5_000_000


@dataclass
class EngineStats:
    """Counters for benchmarks: what was indexed, searched and verified, and how long it took."""

    documents: int = 0  # documents indexed (corpus + audited)
    queries: int = 0  # calls to matches()
    candidates: int = 0  # texts returned by the LSH search
    checked: int = 0  # candidates that passed the exact containment prefilter and were aligned
    matches: int = 0  # verified matches returned
    index_seconds: float = 0.0  # tokenise, shingle, sign and build the index
    query_seconds: float = 0.0  # search, prefilter and align, all queries
    sentence_seconds: float = 0.0  # of which the sentence pass (qualcheck.index.sentences)


class CorpusSource(Protocol):
    """A corpus kept outside the engine, e.g. :class:`qualcheck.index.persistent.CorpusIndex`.

    ``settings`` gives ``shingle_size``, ``num_perm`` and ``seed`` of its signatures;
    ``search`` returns the sorted ids of texts holding >= ``threshold`` of the query's
    shingles (exactly checked); ``documents`` returns them; ``len()`` counts them.
    """

    settings: Any

    def __len__(self) -> int: ...

    def search(
        self, shingles: np.ndarray, signature: Any, threshold: float, *, exclude: str | None = None
    ) -> list[str]: ...

    def documents(self, ids: Sequence[str], *, missing_ok: bool = False) -> list[Document]: ...


@dataclass(frozen=True, eq=False)
class _Entry:
    doc: Document
    shingles: np.ndarray
    signature: LeanMinHash


class ReuseEngine:
    """Index ``corpus`` and ``audited`` once; ask :meth:`matches` for any document.

    ``threshold``: shingle containment the candidate search must catch (0..1];
    ``min_share``: verified article share for a match to be reported (default ``threshold``);
    ``num_perm``/``shingle_size``/``seed``: the MinHash signatures (see :class:`Signer`);
    ``external``: a further corpus searched in place (see :meth:`from_index`);
    ``boilerplate``: furniture lines kept out of the evidence (see the module docstring).
    """

    def __init__(
        self,
        corpus: Sequence[Document],
        audited: Sequence[Document] = (),
        *,
        num_perm: int = DEFAULT_NUM_PERM,
        shingle_size: int = DEFAULT_SHINGLE_SIZE,
        threshold: float = DEFAULT_THRESHOLD,
        min_share: float | None = None,
        seed: int = 1,
        external: CorpusSource | None = None,
        boilerplate: Boilerplate | None = None,
    ) -> None:
        if min_share is not None and not 0.0 < min_share <= 1.0:
            raise ValueError(f"min_share must be in (0, 1], got {min_share!r}")
        started = time.perf_counter()
        self.signer = Signer(num_perm=num_perm, shingle_size=shingle_size, seed=seed)
        self.threshold = threshold
        self.min_share = threshold if min_share is None else min_share
        self.index = ContainmentIndex(threshold, num_perm, recall_margin=RECALL_MARGIN)
        self.stats = EngineStats()
        self.external = external
        self.boilerplate = boilerplate
        self._tokens: OrderedDict[int | str, TokenStream] = OrderedDict()  # str: external doc_id
        self._sources: dict[str, Document] = {}  # external documents whose tokens are cached
        self._cached_words = 0
        self._entries: list[_Entry] = []
        self._by_doc: dict[tuple[str, str], int] = {}
        for doc in (*corpus, *audited):
            tokens = TokenStream.of(doc.text)
            self._by_doc.setdefault((doc.doc_id, doc.text), len(self._entries))
            self._entries.append(self._entry(doc, tokens))
            self._remember(len(self._entries) - 1, tokens)
        self.index.index((key, e.signature, len(e.shingles)) for key, e in enumerate(self._entries))
        self.stats.documents = len(self._entries) + (len(external) if external is not None else 0)
        self.stats.index_seconds = time.perf_counter() - started

    @classmethod
    def from_index(
        cls,
        index: CorpusSource,
        audited: Sequence[Document] = (),
        *,
        threshold: float = DEFAULT_THRESHOLD,
        min_share: float | None = None,
        boilerplate: Boilerplate | None = None,
    ) -> ReuseEngine:
        """An engine whose corpus stays in ``index`` (a persistent ``CorpusIndex``).

        Only ``audited`` is indexed in memory (articles copying each other are still found);
        corpus candidates come from ``index.search`` at the same search threshold and with
        the same exact containment prefilter, and are aligned the same way, so ``matches``
        equals that of ``ReuseEngine(corpus, audited)`` whenever neither search misses.
        The signature settings are the index's.
        """
        s = index.settings
        return cls(
            (), audited, num_perm=s.num_perm, shingle_size=s.shingle_size, seed=s.seed,
            threshold=threshold, min_share=min_share, external=index, boilerplate=boilerplate,
        )

    def _entry(self, doc: Document, tokens: TokenStream) -> _Entry:
        shingles = tokens.shingles(self.signer.shingle_size)
        return _Entry(doc, shingles, self.signer.sign_shingles(shingles))

    def _remember(self, key: int | str, tokens: TokenStream) -> None:
        self._tokens[key] = tokens
        self._cached_words += len(tokens)
        while self._cached_words > TOKEN_CACHE_WORDS and len(self._tokens) > 1:
            old, dropped = self._tokens.popitem(last=False)
            self._cached_words -= len(dropped)
            if isinstance(old, str):
                self._sources.pop(old, None)

    def _tokens_of(self, key: int) -> TokenStream:
        """Token stream of an indexed document, from a small LRU cache."""
        tokens = self._tokens.get(key)
        if tokens is None:
            tokens = TokenStream.of(self._entries[key].doc.text)
            self._remember(key, tokens)
        else:
            self._tokens.move_to_end(key)
        return tokens

    def _external_sources(self, doc: Document, entry: _Entry) -> list[tuple[Document, TokenStream]]:
        """External texts holding >= the search threshold of ``doc``, with token streams."""
        if self.external is None:
            return []
        threshold = self.index.search_threshold
        ids = self.external.search(entry.shingles, entry.signature, threshold, exclude=doc.doc_id)
        wanted = [i for i in ids if i not in self._sources]
        fetched = {d.doc_id: d for d in self.external.documents(wanted, missing_ok=True)} if wanted else {}
        out: list[tuple[Document, TokenStream]] = []
        for doc_id in ids:
            source = self._sources.get(doc_id) or fetched.get(doc_id)
            if source is None:  # removed from the index since the search
                continue
            tokens = self._tokens.get(doc_id)
            if tokens is None:
                tokens = TokenStream.of(source.text)
                self._sources[doc_id] = source
                self._remember(doc_id, tokens)
            else:
                self._tokens.move_to_end(doc_id)
            out.append((source, tokens))
        return out

    def candidates(self, doc: Document) -> list[Document]:
        """Indexed documents the LSH search returns for ``doc`` (never ``doc`` itself).

        With an external corpus, its candidates follow (already checked exactly).
        """
        key, entry = self._lookup(doc)[:2]
        found = self.index.query(entry.signature, len(entry.shingles), exclude=key)
        inside = [self._entries[k].doc for k in found if self._entries[k].doc.doc_id != doc.doc_id]
        return inside + [source for source, _ in self._external_sources(doc, entry)]

    def _lookup(self, doc: Document) -> tuple[int | None, _Entry, TokenStream]:
        key = self._by_doc.get((doc.doc_id, doc.text))
        if key is not None:
            return key, self._entries[key], self._tokens_of(key)
        tokens = TokenStream.of(doc.text)
        return None, self._entry(doc, tokens), tokens

    def align(self, doc: Document, source: Document) -> Alignment:
        """Exact alignment of ``doc`` against ``source`` with this engine's shingle size."""
        return align(doc, source)

    def _ignored(self, doc: Document, tokens: TokenStream) -> np.ndarray | None:
        """One bool per word of ``doc``: True on its boilerplate lines."""
        if self.boilerplate is None:
            return None
        spans = self.boilerplate.spans(doc.text)
        if not spans:
            return None
        mask = np.zeros(len(tokens), dtype=bool)
        starts = tokens.offsets[:, 0]
        for start, end in spans:
            mask[np.searchsorted(starts, start) : np.searchsorted(starts, end)] = True
        return mask

    def _verify(
        self, doc: Document, tokens: TokenStream, source: Document, source_tokens: TokenStream,
        ignore: np.ndarray | None,
    ) -> tuple[ReuseMatch, Alignment] | None:
        """Align ``doc`` with one candidate that passed the containment prefilter; label it."""
        self.stats.checked += 1
        al = align(doc, source, article_tokens=tokens, source_tokens=source_tokens, ignore=ignore)
        started = time.perf_counter()
        al = add_sentences(al, doc, source, article_tokens=tokens, source_tokens=source_tokens)
        self.stats.sentence_seconds += time.perf_counter() - started
        label = label_for(al.article_share, al.jaccard, self.min_share)
        if label is None:
            return None
        match = ReuseMatch(
            doc_id=doc.doc_id,
            source_id=source.doc_id,
            article_share=al.article_share,
            source_share=al.source_share,
            jaccard=al.jaccard,
            label=label,
            passages=al.passages,
            verbatim_words=al.verbatim_words,
            rewritten_words=al.rewritten_words,
            new_words=al.new_words,
            derivation=derivation_for(al.article_share, self.min_share),
        )
        return match, al

    def matches(self, doc: Document) -> list[ReuseMatch]:
        """Verified sources of ``doc``, highest article share first (ties: by source id)."""
        return self.reuse(doc)[0]

    def reuse(self, doc: Document) -> tuple[list[ReuseMatch], ArticleReuse]:
        """:meth:`matches` of ``doc`` and its combined reuse over all those sources."""
        started = time.perf_counter()
        key, entry, tokens = self._lookup(doc)
        found = self.index.query(entry.signature, len(entry.shingles), exclude=key)
        self.stats.queries += 1
        self.stats.candidates += len(found)
        ignore = self._ignored(doc, tokens)
        verified: list[tuple[ReuseMatch, Alignment] | None] = []
        for k in found:
            source = self._entries[k]
            if source.doc.doc_id == doc.doc_id:
                continue
            if containment(entry.shingles, source.shingles) < self.index.search_threshold:
                continue
            verified.append(self._verify(doc, tokens, source.doc, self._tokens_of(k), ignore))
        external = self._external_sources(doc, entry)
        self.stats.candidates += len(external)
        verified.extend(self._verify(doc, tokens, source, stream, ignore) for source, stream in external)
        kept = [v for v in verified if v is not None]
        kept.sort(key=lambda v: (-v[0].article_share, v[0].source_id))
        result = [m for m, _ in kept]
        self.stats.matches += len(result)
        self.stats.query_seconds += time.perf_counter() - started
        return result, self._summary(doc, tokens, ignore, kept)

    def _summary(
        self, doc: Document, tokens: TokenStream, ignore: np.ndarray | None,
        kept: list[tuple[ReuseMatch, Alignment]],
    ) -> ArticleReuse:
        if kept:
            kinds = combine_kinds([al.word_kinds for _, al in kept])
        else:
            kinds = np.zeros(len(tokens), dtype=np.uint8)
            if ignore is not None:
                kinds[ignore] = IGNORED
        counts = np.bincount(kinds, minlength=4)
        words = len(tokens) - int(counts[IGNORED])
        derived = int(counts[VERBATIM] + counts[REWRITTEN])
        share = derived / words if words else 0.0
        return ArticleReuse(
            doc_id=doc.doc_id, path=doc.path, words=words, derived_share=share,
            verbatim_words=int(counts[VERBATIM]), rewritten_words=int(counts[REWRITTEN]),
            new_words=int(counts[NEW]),
            derivation=derivation_for(share, self.min_share) if kept else "not-derived",
            sources=tuple(m.source_id for m, _ in kept),
        )

    def all_matches(self, docs: Sequence[Document]) -> Iterator[tuple[Document, list[ReuseMatch]]]:
        """``(doc, matches(doc))`` for each document, in order."""
        for doc in docs:
            yield doc, self.matches(doc)
