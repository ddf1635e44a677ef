"""The storage contract of a persistent corpus index, and what every backend shares.

What: :class:`Store` is the small set of operations :class:`qualcheck.index.persistent.CorpusIndex`
needs from a backend (:mod:`.sqlite_store`, :mod:`.redis_store`): documents by integer key,
LSH postings ``band key -> document keys``, per-form vocabulary rows and the settings. All
logic (signing, banding, the candidate rule, vocabulary deltas: :class:`VocabularyDelta`)
lives outside the backends, so two holding the same documents answer every query identically.

Why this split: backends stay dumb and safe. Everything is stored as plain values (text,
integers, JSON, raw little-endian numpy bytes): nothing is pickled and nothing read from an
index is ever executed. Writes happen inside :meth:`Store.writing`, one atomic unit per
chunk (a killed writer leaves the old or the new state), in two phases: reads first, then
writes, so a backend may buffer the writes until the unit commits.

>>> s = IndexSettings(num_perm=128)
>>> s.mismatch(IndexSettings())
"index built with num_perm=128, this run uses 256; rebuild it with 'qualcheck index build'"
>>> IndexSettings.from_dict(s.to_dict()) == s
True
"""

from __future__ import annotations

import json
import zlib
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, fields
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from qualcheck.index.bloom import shingle_filter
from qualcheck.index.signatures import check_params
from qualcheck.index.vocab_delta import FormRow
from qualcheck.types import Document

FORMAT_VERSION = 3  # bump when the stored layout or the tokenizer/vocabulary rules change
# 2: no signature or shingle blobs per document; SQLite postings packed in segments
# 3: a Bloom filter of its shingles per document (the candidate search's second filter)
WORD_HASH = "blake2b-64"  # qualcheck.index.shingles.word_hash
BUILD = "qualcheck index build"
REBUILD = f"rebuild it with '{BUILD}'"


BandKeys = Sequence[int] | npt.NDArray[np.int64]  # one document's LSH band keys


class IndexFormatError(ValueError):
    """The location holds no usable qualcheck index (foreign, damaged, other settings/format).

    The message is one line, fit to print as is.
    """


@dataclass(frozen=True)
class IndexSettings:
    """What an index was built with; every query must use the same values.

    ``shingle_size`` words per shingle, ``num_perm`` MinHash permutations, ``seed`` of the
    permutations, ``hash`` the word hash, ``format_version`` the stored layout.
    """

    shingle_size: int = 3
    num_perm: int = 256
    seed: int = 1
    hash: str = WORD_HASH
    format_version: int = FORMAT_VERSION

    def __post_init__(self) -> None:
        check_params(self.num_perm, self.shingle_size)

    def to_dict(self) -> dict[str, str]:
        """String values, as stored in the backends."""
        return {k: str(v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, values: Mapping[str, str]) -> IndexSettings:
        """Parse stored settings; raises :class:`IndexFormatError` when they are unusable."""
        try:
            kwargs: dict[str, int | str] = {}
            for f in fields(cls):
                raw = values[f.name]
                kwargs[f.name] = raw if f.name == "hash" else int(raw)
            return cls(**kwargs)  # type: ignore[arg-type]
        except (KeyError, ValueError, TypeError) as exc:
            raise IndexFormatError(f"unreadable index settings ({exc}); {REBUILD}") from None

    def mismatch(self, run: IndexSettings) -> str | None:
        """Why an index with these settings cannot serve ``run`` (None when it can)."""
        if self.format_version > FORMAT_VERSION:
            return (
                f"index format {self.format_version} is newer than this qualcheck reads "
                f"({FORMAT_VERSION}); upgrade qualcheck or {REBUILD}"
            )
        if self.format_version < FORMAT_VERSION:
            return (
                f"index format {self.format_version} is older than this qualcheck reads "
                f"({FORMAT_VERSION}); {REBUILD}"
            )
        for name in ("format_version", "hash", "shingle_size", "num_perm", "seed"):
            built, wanted = getattr(self, name), getattr(run, name)
            if built != wanted:
                return f"index built with {name}={built}, this run uses {wanted}; {REBUILD}"
        return None


@dataclass(frozen=True)
class StoredDoc:
    """One indexed document as a backend holds it (``key`` is the internal integer id).

    ``text``: zlib-compressed UTF-8; ``meta``: JSON object; ``size``: number of distinct
    shingles; ``bloom``: a Bloom filter of the shingles
    (:func:`qualcheck.index.bloom.shingle_filter`, ~6 bits a shingle) that bounds a
    query's containment without the text. Neither the MinHash signature nor the shingle set is
    stored: both are a fraction of a millisecond to recompute from the text
    (:mod:`qualcheck.index.scan`), and storing them took 2.6 KB a document.
    """

    key: int
    doc_id: str
    path: str
    title: str
    kind: str
    encoding: str
    line_offset: int
    meta: str
    size: int
    text: bytes
    bloom: bytes

    @classmethod
    def of(cls, key: int, doc: Document, shingles: npt.NDArray[np.uint32]) -> StoredDoc:
        """Encode ``doc``, whose sorted distinct 32-bit shingles are ``shingles``."""
        return cls(key, doc.doc_id, doc.path, doc.title, doc.kind, doc.encoding, doc.line_offset,
                   json.dumps(dict(doc.meta)), int(shingles.size), compress_text(doc.text),
                   shingle_filter(shingles))  # fmt: skip

    def document(self) -> Document:
        """The stored document (text decompressed, meta parsed from JSON)."""
        meta = json.loads(self.meta)
        meta = MappingProxyType(meta if isinstance(meta, dict) else {})
        return Document(self.doc_id, self.path, decompress_text(self.text), self.title, self.kind,
                        self.encoding, self.line_offset, meta)  # fmt: skip

def pack_u32(values: npt.ArrayLike) -> bytes:
    """Raw little-endian uint32 bytes (no pickle, no header)."""
    return np.asarray(values, dtype="<u4").tobytes()


def unpack_u32(data: bytes) -> npt.NDArray[np.uint32]:
    """Inverse of :func:`pack_u32`, as native uint32."""
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)


def compress_text(text: str) -> bytes:
    """zlib level 1: 25% less CPU than level 6 for about 4% more bytes on news text (measured)."""
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1)


def decompress_text(data: bytes) -> str:
    return zlib.decompress(data).decode("utf-8", "surrogatepass")

class Store(ABC):
    """A backend of :class:`~qualcheck.index.persistent.CorpusIndex` (see the module docstring).

    Keys are positive integers handed out by :meth:`reserve_keys`, increasing, never reused;
    band keys are signed 64-bit integers. Write methods are only called inside
    :meth:`writing`, after all reads of that unit.
    """

    backend: str = "?"
    location: str = ""
    deletes_by_band: bool = True  # delete_docs needs each document's band keys

    # -- settings and metadata ---------------------------------------------------------
    @abstractmethod
    def read_settings(self) -> dict[str, str] | None:
        """Stored settings, or None when the location holds no index yet."""

    @abstractmethod
    def initialise(self, settings: Mapping[str, str], now: str) -> None:
        """Create an empty index with these settings (created = updated = ``now``)."""

    @abstractmethod
    def meta(self) -> dict[str, str]:
        """``created`` and ``updated`` times (ISO 8601)."""

    @abstractmethod
    def disk_size(self) -> int:
        """Bytes the index occupies (file + WAL for SQLite, server memory for Redis)."""

    # -- documents -----------------------------------------------------------------------
    @abstractmethod
    def count(self) -> int:
        """Number of documents."""

    @abstractmethod
    def keys_of(self, doc_ids: Sequence[str]) -> dict[str, int]:
        """Internal keys of the given doc_ids that are indexed."""

    @abstractmethod
    def all_ids(self) -> list[str]:
        """Every doc_id, in key (insertion) order."""

    @abstractmethod
    def records(self, keys: Sequence[int]) -> list[StoredDoc]:
        """Full records of the given keys (missing keys are left out), in key order."""

    @abstractmethod
    def texts(self, keys: Sequence[int]) -> dict[int, tuple[str, bytes]]:
        """``key -> (doc_id, compressed text)`` for each given key that exists."""

    @abstractmethod
    def blooms(self, keys: Sequence[int]) -> dict[int, bytes]:
        """``key -> Bloom filter of its shingles`` for each given key that exists."""

    @abstractmethod
    def postings(self, bands: Sequence[int]) -> dict[int, tuple[int, int]]:
        """``document key -> (number of the given band keys it is filed under, its size)``."""

    # -- vocabulary ------------------------------------------------------------------------
    @abstractmethod
    def form_rows(self, forms: Sequence[str]) -> dict[str, FormRow]:
        """Stored rows of the given surface forms."""

    @abstractmethod
    def norm_rows(self, norms: Sequence[str]) -> dict[str, tuple[int, int]]:
        """Stored ``(count, docs)`` of the given case-folded words."""

    @abstractmethod
    def all_forms(self) -> Iterator[tuple[str, FormRow]]:
        """Every form row."""

    @abstractmethod
    def all_norms(self) -> Iterator[tuple[str, int, int]]:
        """Every ``(norm, count, docs)`` row."""

    # -- writing -----------------------------------------------------------------------------
    @abstractmethod
    def writing(self) -> AbstractContextManager[None]:
        """One atomic unit of writes: committed on normal exit, discarded on an exception."""

    @abstractmethod
    def reserve_keys(self, n: int) -> int:
        """First of ``n`` fresh document keys."""

    @abstractmethod
    def put_docs(self, docs: Sequence[StoredDoc], bands: Sequence[BandKeys]) -> None:
        """Insert documents with their band keys (``bands[i]`` belongs to ``docs[i]``)."""

    @abstractmethod
    def delete_docs(self, docs: Sequence[tuple[int, str, BandKeys]]) -> None:
        """Delete ``(key, doc_id, band keys)`` documents (a backend may leave their postings
        to be dropped later: :meth:`postings` never returns a key that is not stored)."""

    @abstractmethod
    def put_vocabulary(
        self,
        forms: Mapping[str, FormRow],
        drop_forms: Sequence[str],
        norms: Mapping[str, tuple[int, int]],
        drop_norms: Sequence[str],
    ) -> None:
        """Replace the given vocabulary rows and delete the dropped ones."""

    def add_vocabulary(self, forms: Mapping[str, Sequence[int]], norms: Mapping[str, Sequence[int]]) -> None:
        """Add these non-negative counts to the stored rows (new rows for new entries).

        ``forms``: ``form -> (count, docs, votes, order)``, ``norms``: ``norm -> (count, docs)``.

        A stored form's ``order`` stays while it has votes, else it becomes the given one.
        This default reads the rows and replaces them; a backend may add in place.
        """
        old_forms, old_norms = self.form_rows(list(forms)), self.norm_rows(list(norms))
        zero = FormRow(0, 0, 0, 0)
        new_forms = {}
        for form, (count, docs, votes, order) in forms.items():
            old = old_forms.get(form, zero)
            new_forms[form] = FormRow(old.count + count, old.docs + docs, old.votes + votes,
                                      old.order if old.votes else order)  # fmt: skip
        new_norms = {}
        for norm, (count, docs) in norms.items():
            old_count, old_docs = old_norms.get(norm, (0, 0))
            new_norms[norm] = (old_count + count, old_docs + docs)
        self.put_vocabulary(new_forms, [], new_norms, [])

    @abstractmethod
    def touch(self, now: str) -> None:
        """Record the time of the last change."""

    @abstractmethod
    def close(self) -> None:
        """Release connections (idempotent)."""
