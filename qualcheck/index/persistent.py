"""A persistent corpus index: build once, update as stories arrive, query in CI in seconds.

What: :func:`open_index` opens (or creates) a :class:`CorpusIndex` in an SQLite file or a
Redis database (``redis://host:port/N``). It stores each document's text (compressed),
metadata, shingle-set size and LSH postings (packed: :mod:`.postings`), plus the vocabulary aggregates
the language checks need, all updated incrementally: :meth:`CorpusIndex.add` streams
documents in chunks (one atomic write each), re-adding a doc_id replaces it,
:meth:`CorpusIndex.remove` decrements everything it added. The per-document work
(tokenise, shingle, sign, count) runs on every core or a Dask cluster
(:mod:`qualcheck.index.parallel`); this process writes, so the result never depends on it.

Candidate search (:meth:`CorpusIndex.candidates`), for *containment* like the in-memory
engine's LSH Ensemble but without a rebuild per update:

1. every document is filed under ``num_perm`` one-row LSH bands: band ``i`` of a document
   is its ``i``-th MinHash value, key ``i << 32 | value`` (affine32 values are < 2**32);
2. a query looks up its own ``num_perm`` band keys and gets, per document, the number ``k``
   of agreeing MinHash values and the document's shingle-set size ``x``;
3. a document is kept when ``k`` is plausible for a pair at the threshold (a binomial test,
   :func:`qualcheck.index.candidates.plausible`): a long source needs one agreeing value, a
   source of the query's size several, which drops most chance agreements;
4. a document is dropped when its stored Bloom filter (:mod:`qualcheck.index.bloom`) shows
   that fewer than ``threshold`` of the query's shingles can be in it: an upper bound, so
   this never drops a document step 5 would keep, and it spares re-reading the long texts
   that pass step 3 with one chance agreement (20k perturbed BBC copies, search at 0.1: texts
   re-read a query 250 -> 19, about 12 of them true sources);
5. survivors are checked exactly (containment >= threshold) against their shingle sets,
   recomputed from the stored text (a small LRU cache keeps recent ones).

Every band of every LSH Ensemble configuration implies a one-row agreement, so step 2 finds
a superset of what the in-memory ensemble finds; ``tests/test_persistent_index.py``
measures recall against brute force.

>>> import os, tempfile
>>> from qualcheck.types import Document
>>> path = os.path.join(tempfile.mkdtemp(), "corpus.qcx")
>>> pr = Document("pr1", "pr1.txt", "The city council approved a new budget on Monday that "
...               "raises spending on schools and roads by ten percent next year.")
>>> with open_index(path, create=True) as index:
...     index.add([pr])
1
>>> with open_index(path) as index:
...     story = Document("s1", "s1.txt", "In a late vote, the city council approved a new budget "
...                      "on Monday that raises spending on schools and roads.")
...     index.candidates(story, 0.2), index.info()["documents"]
(['pr1'], 1)
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from contextlib import closing
from dataclasses import asdict, replace
from datetime import UTC, datetime
from itertools import islice
from types import TracebackType
from typing import Any

import numpy as np
import numpy.typing as npt

from qualcheck.index.batchsign import shingles_of_texts
from qualcheck.index.bloom import could_contain
from qualcheck.index.candidates import DEFAULT_THRESHOLD, band_keys, containment, plausible
from qualcheck.index.corpus_vocab import add_rows
from qualcheck.index.parallel import CHUNK_SIZE, Pool, PreparedChunk, prepared_chunks
from qualcheck.index.scan import scan, surface_words
from qualcheck.index.shingles import shingles_from_hashes, surface_hashes
from qualcheck.index.signatures import Signer
from qualcheck.index.store import (
    BUILD,
    FORMAT_VERSION,
    WORD_HASH,
    BandKeys,
    IndexFormatError,
    IndexSettings,
    Store,
    StoredDoc,
    decompress_text,
)
from qualcheck.index.vocab_delta import VocabularyDelta
from qualcheck.types import Document
from qualcheck.vocab import Vocabulary

__all__ = ["CorpusIndex", "IndexFormatError", "IndexSettings", "open_index"]

Progress = Callable[[int, int | None], None]  # (documents done, total or None)
# Shingle sets of recent candidates kept for the exact containment check (search): at most
# 32 MB (~20,000 sets of news-length texts) and at most 256 bytes per indexed article.
SHINGLE_CACHE_BYTES = 32 << 20
SHINGLE_CACHE_PER_DOC = 256
_ENTRY_BYTES = 200  # the tuple, the doc_id and the dict slot of a cache entry, about


def open_index(
    location: str | os.PathLike[str], *, create: bool = False, settings: IndexSettings | None = None
) -> CorpusIndex:
    """Open the index at ``location``: a file path (SQLite) or ``redis://host:port/N``.

    ``create`` makes a new index (with ``settings``, default :class:`IndexSettings`) when
    none exists. With ``settings``, an index built otherwise raises :class:`IndexFormatError`;
    without, the stored settings are used. A missing file raises ``FileNotFoundError``, an
    unreachable Redis ``ConnectionError``; every message is one line.
    """
    where = os.fspath(location)
    store: Store
    if where.startswith(("redis://", "rediss://", "unix://")):
        try:
            from qualcheck.index.redis_store import RedisStore
        except ImportError:
            raise ImportError("a Redis index needs the 'redis' package (pip install redis)") from None
        store = RedisStore(where)
    else:
        from qualcheck.index.sqlite_store import SQLiteStore

        store = SQLiteStore(where, create=create)
    try:
        stored = store.read_settings()
        if stored is None:
            if not create:
                raise IndexFormatError(f"{where} holds no qualcheck index; build one with {BUILD!r}")
            built = settings or IndexSettings()
            store.initialise(built.to_dict(), _now())
        else:
            built = IndexSettings.from_dict(stored)
            wanted = settings or replace(built, format_version=FORMAT_VERSION, hash=WORD_HASH)
            problem = built.mismatch(wanted)
            if problem:
                raise IndexFormatError(f"{where}: {problem}")
    except BaseException:
        store.close()
        raise
    return CorpusIndex(store, built)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _batched(items: Iterable[Any], n: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, n)):
        yield chunk


class CorpusIndex:
    """A persistent corpus: documents, candidate search and vocabulary (see the module docstring).

    Made by :func:`open_index`; a context manager (closes the store). ``settings`` are the
    index's; ``len(index)`` counts its documents.
    """

    def __init__(self, store: Store, settings: IndexSettings) -> None:
        self.store = store
        self.settings = settings
        self.signer = Signer(settings.num_perm, settings.shingle_size, settings.seed)
        self._cache: OrderedDict[int, tuple[str, npt.NDArray[np.uint32]]] = OrderedDict()
        self._cached_bytes = 0
        self._cache_budget = -1  # set at the first search, from the number of documents

    def __enter__(self) -> CorpusIndex:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __len__(self) -> int:
        return self.store.count()

    def close(self) -> None:
        self.store.close()

    def add(
        self,
        documents: Iterable[Document],
        *,
        chunk_size: int = CHUNK_SIZE,
        workers: int | None = None,
        progress: Progress | None = None,
        pool: Pool | None = None,
    ) -> int:
        """Index ``documents`` (streamed, ``chunk_size`` per atomic write); returns how many.

        A doc_id already indexed (or repeated in the stream) is replaced by the last version.
        Each document is prepared (tokenised, shingled, signed, counted) on ``workers`` local
        processes (default every core; ``1`` runs inline) or on ``pool`` (e.g.
        :func:`qualcheck.index.parallel.dask_pool`); this process writes the chunks in input
        order, so the index is the same whatever the workers. ``progress(done, total)`` is
        called after each chunk with the documents read so far and ``len(documents)`` (None
        for a stream without a length).
        """
        total = len(documents) if isinstance(documents, Sized) else None
        added = done = 0
        chunks = prepared_chunks(documents, self.settings, chunk_size=chunk_size, workers=workers, pool=pool)
        with closing(chunks):  # an error while writing cancels the pending preparation
            for chunk in chunks:
                added += self._write(chunk)
                done += chunk.inputs
                if progress is not None:
                    progress(done, total)
        return added

    def _write(self, chunk: PreparedChunk) -> int:
        """Write one prepared chunk as one atomic unit (replacing indexed doc_ids)."""
        with self.store.writing():
            ids = [r.doc_id for r in chunk.records]
            old = self.store.records(list(self.store.keys_of(ids).values()))
            first = self.store.reserve_keys(len(chunk.records))
            delta = self._removal(old)
            chunk.merge_into(delta, first)
            rows = [StoredDoc(key, r.doc_id, r.path, r.title, r.kind, r.encoding, r.line_offset,
                              r.meta, r.size, r.text, r.bloom)
                    for key, r in enumerate(chunk.records, start=first)]  # dataclasses.replace: 13 us each
            bands = self._bands(rows, chunk.signatures)
            delta.write(self.store)
            self._delete(old)
            self.store.put_docs(rows, bands)
            self.store.touch(_now())
        return len(rows)

    def _bands(self, rows: Sequence[StoredDoc], signatures: Sequence[bytes]) -> list[npt.NDArray[np.int64]]:
        """Each record's band keys (:func:`band_keys`, none for an empty text), all at once."""
        n = self.settings.num_perm
        values = np.frombuffer(b"".join(signatures), dtype="<u4").reshape(len(rows), n).astype(np.int64)
        keys = (np.arange(n, dtype=np.int64) << 32) | values
        return [keys[i] if r.size else keys[i, :0] for i, r in enumerate(rows)]

    def remove(self, doc_ids: Iterable[str], *, chunk_size: int = CHUNK_SIZE) -> int:
        """Remove the given documents (unknown ids are ignored); returns how many were removed."""
        removed = 0
        for chunk in _batched(dict.fromkeys(doc_ids), max(1, chunk_size)):
            with self.store.writing():
                old = self.store.records(list(self.store.keys_of(chunk).values()))
                if old:
                    self._removal(old).write(self.store)
                    self._delete(old)
                    self.store.touch(_now())
            removed += len(old)
        return removed

    def _removal(self, old: Sequence[StoredDoc]) -> VocabularyDelta:
        """The vocabulary delta of removing ``old`` (recounted from the stored texts)."""
        delta = VocabularyDelta()
        for rec in old:
            delta.apply(scan(decompress_text(rec.text))[1], -1)
        return delta

    def _delete(self, old: Sequence[StoredDoc]) -> None:
        """Delete ``old``; their band keys are recomputed from the text (not stored)."""
        if old:
            rows: list[tuple[int, str, BandKeys]] = []
            for r in old:
                bands: BandKeys = []
                if r.size and self.store.deletes_by_band:
                    bands = band_keys(self.signer.values(self._shingles(decompress_text(r.text))))
                rows.append((r.key, r.doc_id, bands))
            self.store.delete_docs(rows)

    def _shingles(self, text: str) -> npt.NDArray[np.uint32]:
        """The sorted distinct 32-bit shingle hashes of ``text`` (as ``TokenStream.of(text).shingles``)."""
        hashes = surface_hashes(surface_words(text))
        return shingles_from_hashes(hashes, self.settings.shingle_size).astype(np.uint32)

    def ids(self) -> list[str]:
        """Every indexed doc_id, in the order they were (last) added."""
        return self.store.all_ids()

    def documents(self, ids: Sequence[str], *, missing_ok: bool = False) -> list[Document]:
        """Stored documents in the order asked; unknown ids raise ``KeyError`` unless ``missing_ok``."""
        keys = self.store.keys_of(list(ids))
        if not missing_ok and len(keys) < len(set(ids)):
            raise KeyError(f"not in the index: {', '.join(sorted(set(ids) - set(keys)))}")
        found = {r.doc_id: r for r in self.store.records(list(keys.values()))}
        return [found[i].document() for i in ids if i in found]

    def vocabulary(self) -> Vocabulary:
        """The vocabulary of the indexed documents (equal to ``Vocabulary.build`` over them)."""
        return add_rows(Vocabulary(), self.store.all_forms(), self.store.all_norms(), self.store.count())

    def candidates(self, doc: Document, threshold: float = DEFAULT_THRESHOLD) -> list[str]:
        """Sorted doc_ids (never ``doc``'s own) holding >= ``threshold`` of ``doc``'s shingles."""
        shingles = self._shingles(doc.text)
        return self.search(shingles, self.signer.values(shingles), threshold, exclude=doc.doc_id)

    def search(
        self, shingles: npt.NDArray[Any], signature: Any, threshold: float, *, exclude: str | None = None
    ) -> list[str]:
        """:meth:`candidates` from a query's 32-bit shingle set and MinHash (``LeanMinHash`` or values)."""
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold (containment) must be in (0, 1], got {threshold!r}")
        q = int(len(shingles))
        if q == 0:
            return []
        found = self.store.postings(band_keys(getattr(signature, "hashvalues", signature)))
        query = np.asarray(shingles, dtype=np.uint32)
        keys = self._filtered(query, plausible(found, q, self.settings.num_perm, threshold), threshold)
        hits = [
            doc_id
            for doc_id, source in self._candidate_shingles(keys)
            if doc_id != exclude and containment(query, source) >= threshold
        ]
        return sorted(hits)

    def _filtered(self, query: npt.NDArray[np.uint32], keys: list[int], threshold: float) -> list[int]:
        """``keys`` less those whose Bloom filter shows containment < ``threshold`` (never a
        document the exact check would keep: :func:`qualcheck.index.bloom.could_contain`).
        Documents whose shingle sets are cached skip the filter (their exact check is cheap)."""
        unknown = [k for k in keys if k not in self._cache]
        blooms = self.store.blooms(unknown)
        ordered = list(blooms)
        dropped = set(np.asarray(ordered)[~could_contain(query, list(blooms.values()), threshold)].tolist())
        return [k for k in keys if k not in dropped]

    def _candidate_shingles(self, keys: Sequence[int]) -> list[tuple[str, npt.NDArray[np.uint32]]]:
        """``(doc_id, shingle set)`` of each key, recomputed from the stored texts (read together:
        :func:`qualcheck.index.batchsign.shingles_of_texts`) unless still in a small LRU cache:
        the same long texts come up for many queries.

        Keys are never reused, so a cached set never goes stale.
        """
        cache = self._cache
        fetched = self.store.texts([k for k in keys if k not in cache])
        texts = [decompress_text(text) for _, text in fetched.values()]
        sets = shingles_of_texts(texts, self.settings.shingle_size)  # read together: one numpy pass
        for (key, (doc_id, _)), shingles in zip(fetched.items(), sets, strict=True):
            cache[key] = (doc_id, shingles)
            self._cached_bytes += shingles.nbytes + _ENTRY_BYTES
        out = []
        for key in keys:
            if (entry := cache.get(key)) is not None:
                cache.move_to_end(key)
                out.append(entry)
        if self._cache_budget < 0:
            self._cache_budget = min(SHINGLE_CACHE_BYTES, SHINGLE_CACHE_PER_DOC * self.store.count())
        while self._cached_bytes > self._cache_budget and cache:
            self._cached_bytes -= cache.popitem(last=False)[1][1].nbytes + _ENTRY_BYTES
        return out

    def info(self) -> dict[str, Any]:
        """Documents, settings, bytes used, created/updated times, backend and location."""
        meta = self.store.meta()
        return {
            "location": self.store.location,
            "backend": self.store.backend,
            "documents": self.store.count(),
            "settings": asdict(self.settings),
            "size_bytes": self.store.disk_size(),
            "created": meta.get("created", ""),
            "updated": meta.get("updated", ""),
        }
