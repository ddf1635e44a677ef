"""Preparing documents for the persistent index on every core, or on a Dask cluster.

What: :func:`prepare` is the per-document work of :meth:`CorpusIndex.add
<qualcheck.index.persistent.CorpusIndex.add>` as a pure function of a ``Document``: tokenise
once, hash the words, shingle, MinHash, count the vocabulary, encode the stored record. It
returns plain data: a :class:`~qualcheck.index.store.StoredDoc` (strings, ints, bytes; its
key is assigned by the writer), the MinHash values as bytes and the vocabulary counts.
:func:`prepared_chunks` runs it over a stream of documents, write chunk by write chunk, on a
pool: inline (``workers=1``), a local ``ProcessPoolExecutor`` (default: ``os.cpu_count()``
processes) or a Dask cluster (:mod:`qualcheck.index.pools`), and yields :class:`PreparedChunk` s
in input order; the caller's process writes each one as one transaction.

Why this way:

* bounded memory: the input is read one chunk at a time and at most :data:`PREFETCH` chunks
  are being prepared while the writer writes another;
* identical results: a chunk is split into contiguous parts, one task each; each part sums
  its documents' vocabulary with part-relative keys (summing in the workers spares the
  writer most of that work) and :func:`merge_vocabulary` shifts and adds them in order, so
  the writer gets the same records and the same vocabulary delta (same values, same order)
  for any pool, and an index built with N workers equals the serial one row for row;
* only plain data crosses processes, pickled in memory by the pool; nothing is pickled to
  disk and the index never reads a pickle.

>>> from qualcheck.index.store import IndexSettings
>>> from qualcheck.types import Document
>>> docs = [Document("a", "a.txt", "The mayor said the plan would pass."),
...         Document("b", "b.txt", "Council members said the plan would fail.")]
>>> [(len(c.records), c.inputs) for c in prepared_chunks(docs, IndexSettings(), workers=1)]
[(2, 2)]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, islice
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from qualcheck.index import vocab_delta as _vocab
from qualcheck.index.batchsign import minhash_values, shingle_sets
from qualcheck.index.fastscan import needs_regex, read_texts, text_groups
from qualcheck.index.fastvocab import LetterWords
from qualcheck.index.pools import FutureLike, Pool, dask_pool, local_pool, resolve_workers
from qualcheck.index.scan import Scanned, scan_text
from qualcheck.index.shingles import shingles_from_hashes, surface_hashes
from qualcheck.index.signatures import Signer
from qualcheck.index.store import IndexSettings, StoredDoc, pack_u32
from qualcheck.index.vocab_delta import VocabularyDelta
from qualcheck.types import Document

__all__ = ["PreparedChunk", "dask_pool", "local_pool", "merge_vocabulary", "prepare", "prepare_part",
           "prepared_chunks", "resolve_workers"]

CHUNK_SIZE = 4000  # documents per write transaction (4x fewer vocabulary upserts a document than 1,000)
PREFETCH = 2  # chunks being prepared while the writer writes one
MIN_PART = 50  # documents per task at least (a task costs a round trip)
SIGN_GROUP = 512  # documents shingled and signed together (prepare_part)
SMALL_INPUT = 2 * MIN_PART  # a whole input this small is prepared inline (no processes started)
_NO_VOTE = 1 << 62  # VocabularyDelta's "no casing vote yet" order

# A Document as plain fields (its meta a dict: a MappingProxyType does not pickle).
DocRow = tuple[str, str, str, str, str, str, int, dict[str, str]]
Part = tuple[list[StoredDoc], list[bytes], VocabularyDelta]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]


@dataclass
class PreparedChunk:
    """One write unit: ``records`` (key 0, de-duplicated by doc_id, last version wins, in order),
    their MinHash values in ``signatures`` (raw uint32 bytes, one per record), their vocabulary
    in ``parts`` (``(first record, part vocabulary)``: :func:`merge_vocabulary` into the
    write's delta) and ``inputs``, the documents read for it (repeats included)."""

    records: list[StoredDoc]
    signatures: list[bytes]
    parts: list[tuple[int, VocabularyDelta]]
    inputs: int

    def merge_into(self, delta: VocabularyDelta, first_key: int) -> None:
        """Add the chunk's vocabulary to ``delta``, its record ``i`` having key ``first_key + i``."""
        for start, vocabulary in self.parts:
            merge_vocabulary(delta, vocabulary, first_key + start)


@lru_cache(maxsize=8)
def _signer(num_perm: int, shingle_size: int, seed: int) -> Signer:
    return Signer(num_perm, shingle_size, seed)


Counts = dict[str, tuple[int, int, int]]  # one document's vocabulary (doc_vocabulary)


def prepare(doc: Document, settings: IndexSettings) -> tuple[StoredDoc, bytes, Counts]:
    """The stored record of ``doc`` (key 0), its MinHash values (raw little-endian uint32) and
    its vocabulary counts (:func:`qualcheck.index.store.doc_vocabulary`)."""
    record, signature, scanned = _prepare(doc, settings)
    return record, signature, scanned.vocabulary()


def _prepare(doc: Document, settings: IndexSettings) -> tuple[StoredDoc, bytes, Scanned]:
    """:func:`prepare` with the vocabulary still as tokens (summed per part: ``add_scans``).

    One regex pass (:func:`qualcheck.index.scan.scan_text`) gives the words and the vocabulary;
    the words become cached 64-bit hashes, the shingles and MinHash values numpy arithmetic.
    """
    scanned = scan_text(doc.text)
    shingles = shingles_from_hashes(surface_hashes(scanned.words), settings.shingle_size).astype(np.uint32)
    signature = _signer(settings.num_perm, settings.shingle_size, settings.seed).values(shingles)
    return StoredDoc.of(0, doc, shingles), pack_u32(signature), scanned


def _row(doc: Document) -> DocRow:
    d = doc
    return (d.doc_id, d.path, d.text, d.title, d.kind, d.encoding, d.line_offset, dict(d.meta))


def _document(row: DocRow) -> Document:
    return Document(*row[:7], meta=MappingProxyType(row[7]))


def prepare_part(rows: Sequence[DocRow], settings: IndexSettings) -> Part:
    """:func:`prepare` each document; their vocabulary summed, document ``i`` with key ``i``.

    The documents are read together (:func:`qualcheck.index.fastscan.read_texts`: one numpy
    pass, Python once per distinct word) and shingled and signed together
    (:mod:`qualcheck.index.batchsign`); a text that may hold URLs, e-mails, handles or hashtags
    is read with the regex (:func:`qualcheck.index.scan.scan_text`). Same records, signatures
    and vocabulary as :func:`prepare` document by document (``tests/test_index_fastscan.py``).
    """
    texts = [row[2] for row in rows]
    fast = [i for i, text in enumerate(texts) if not needs_regex(text)]
    counter = LetterWords()
    pieces: list[U64] = []
    try:
        for group in text_groups([len(texts[i]) for i in fast]):  # a few MB of arrays at a time
            members = [fast[j] for j in group]
            batch = read_texts([texts[i] for i in members])
            counter.add(batch, np.asarray(members, dtype=np.int64))
            every = batch.word_hashes()
            pieces += [every[batch.bounds[j] : batch.bounds[j + 1]] for j in range(len(members))]
    except ValueError:  # two tokens sharing a key (never seen): every text by the regex
        fast, counter, pieces = [], LetterWords(), []
    slow = {i: scan_text(texts[i]) for i in sorted(set(range(len(rows))).difference(fast))}
    delta = VocabularyDelta()
    counter.add_to(delta)
    for i, scanned in slow.items():
        delta.apply(scanned.vocabulary(), +1, i)
    pieces = [surface_hashes(s.words) for s in slow.values()] + pieces
    order = np.argsort(np.array([*slow, *fast], dtype=np.int64), kind="stable")
    pieces = [pieces[j] for j in order.tolist()]
    signer = _signer(settings.num_perm, settings.shingle_size, settings.seed)
    sets: list[U32] = []
    signatures: list[bytes] = []
    for lo in range(0, len(pieces), SIGN_GROUP):  # bounded arrays, whatever the part's size
        some = pieces[lo : lo + SIGN_GROUP]
        bounds = np.concatenate(([0], np.cumsum([p.size for p in some]))).astype(np.int64)
        values, cuts = shingle_sets(np.concatenate(some), bounds, settings.shingle_size)
        signatures += [pack_u32(sig) for sig in minhash_values(signer, values, cuts)]
        sets += [values[a:b] for a, b in zip(cuts[:-1].tolist(), cuts[1:].tolist(), strict=True)]
    records = [StoredDoc.of(0, _document(row), shingles) for row, shingles in zip(rows, sets, strict=True)]
    return records, signatures, delta


def merge_vocabulary(into: VocabularyDelta, part: VocabularyDelta, key_offset: int) -> None:
    """Add ``part`` (keys relative) to ``into`` as if its document ``i`` had key ``key_offset + i``.

    ``part`` is consumed (its rows may become ``into``'s). Equals applying the part's documents
    one by one after ``into``'s, in that order (same sums, same first-vote orders, same row
    order).
    """
    shift = key_offset << _vocab._POS_BITS
    into.additive = into.additive and part.additive
    if not into.forms and not into.norms:  # the first part: adopt its rows (the part is used up)
        if shift:
            for row in part.forms.values():
                if row[3] != _NO_VOTE:
                    row[3] += shift
        into.forms, into.norms = part.forms, part.norms
        return
    for form, (count, docs, votes, order) in part.forms.items():
        row = into.forms.setdefault(form, [0, 0, 0, _NO_VOTE])
        row[0] += count
        row[1] += docs
        row[2] += votes
        if order != _NO_VOTE:
            row[3] = min(row[3], order + shift)
    for norm, (count, docs) in part.norms.items():
        nrow = into.norms.setdefault(norm, [0, 0])
        nrow[0] += count
        nrow[1] += docs


def _merge(parts: Iterable[Part], inputs: int) -> PreparedChunk:
    chunk = PreparedChunk([], [], [], inputs)
    for records, signatures, vocabulary in parts:
        chunk.parts.append((len(chunk.records), vocabulary))
        chunk.records.extend(records)
        chunk.signatures.extend(signatures)
    return chunk


def _chunks(documents: Iterable[Document], chunk_size: int) -> Iterator[tuple[list[DocRow], int]]:
    """Write chunks of the stream as rows, a doc_id repeated in a chunk keeping its last version."""
    it = iter(documents)
    while chunk := list(islice(it, chunk_size)):
        yield [_row(d) for d in {d.doc_id: d for d in chunk}.values()], len(chunk)


def _pipeline(chunks: Iterator[tuple[list[DocRow], int]], settings: IndexSettings, pool: Pool,
              ) -> Iterator[PreparedChunk]:  # fmt: skip
    """Submit each chunk's parts; yield the oldest chunk once PREFETCH newer ones are submitted.

    Waiting on the oldest chunk (not on whichever finishes first) keeps the input order and
    bounds what is in flight to PREFETCH + 1 chunks.
    """
    pending: deque[tuple[list[FutureLike], int]] = deque()
    for rows, inputs in chunks:
        size = max(MIN_PART, -(-len(rows) // pool.workers))
        parts = [rows[i : i + size] for i in range(0, len(rows), size)]
        pending.append((pool.map(prepare_part, parts, settings), inputs))
        if len(pending) > PREFETCH:
            futures, n = pending.popleft()
            yield _merge((f.result() for f in futures), n)
    while pending:
        futures, n = pending.popleft()
        yield _merge((f.result() for f in futures), n)


def prepared_chunks(
    documents: Iterable[Document],
    settings: IndexSettings,
    *,
    chunk_size: int = CHUNK_SIZE,
    workers: int | None = None,
    pool: Pool | None = None,
) -> Generator[PreparedChunk, None, None]:
    """The prepared write chunks of ``documents`` (streamed), in input order.

    On ``pool`` when given, else on ``workers`` local processes (default every core; 1 runs
    inline). An input that fits in one small chunk is prepared inline: starting processes
    would cost more than they save. Close the generator to stop early (pending work is
    cancelled).
    """
    n = resolve_workers(workers)
    chunks = _chunks(documents, max(1, chunk_size))
    if pool is not None:
        yield from _pipeline(chunks, settings, pool)
        return
    first = next(chunks, None)
    if first is None:
        return
    chunks = chain([first], chunks)
    if n == 1 or (first[1] < chunk_size and len(first[0]) < SMALL_INPUT):
        for rows, inputs in chunks:
            yield _merge([prepare_part(rows, settings)], inputs)
        return
    with local_pool(n) as local:
        yield from _pipeline(chunks, settings, local)
