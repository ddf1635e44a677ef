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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, fields, replace
from functools import lru_cache
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from qualcheck.index.signatures import check_params
from qualcheck.text import Token, normalize_word
from qualcheck.types import Document
from qualcheck.vocab import base_form, word_tokens

FORMAT_VERSION = 1  # bump when the stored layout or the tokenizer/vocabulary rules change
WORD_HASH = "blake2b-64"  # qualcheck.index.shingles.word_hash
BUILD = "qualcheck index build"
REBUILD = f"rebuild it with '{BUILD}'"
_POSSESSIVE_ENDS = ("s", "'", "\u2019")  # only words ending so can be possessives (base_form)
_POS_BITS = 24  # FormRow.order = doc key << 24 | word position of the first casing vote


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
        for name in ("format_version", "hash", "shingle_size", "num_perm", "seed"):
            built, wanted = getattr(self, name), getattr(run, name)
            if built != wanted:
                return f"index built with {name}={built}, this run uses {wanted}; {REBUILD}"
        return None


@dataclass(frozen=True)
class StoredDoc:
    """One indexed document as a backend holds it (``key`` is the internal integer id).

    ``signature``: ``num_perm`` little-endian uint32 MinHash values; ``shingles``: the sorted
    distinct 32-bit shingle hashes (little-endian uint32); ``text``: zlib-compressed UTF-8;
    ``meta``: JSON object; ``size``: number of distinct shingles.
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
    signature: bytes
    shingles: bytes
    text: bytes

    @classmethod
    def of(cls, key: int, doc: Document, signature: npt.ArrayLike, shingles: npt.ArrayLike) -> StoredDoc:
        """Encode ``doc`` with its MinHash values and sorted 32-bit shingle set."""
        return cls(key, doc.doc_id, doc.path, doc.title, doc.kind, doc.encoding, doc.line_offset,
                   json.dumps(dict(doc.meta)), int(np.size(shingles)), pack_u32(signature),
                   pack_u32(shingles), compress_text(doc.text))  # fmt: skip

    def document(self) -> Document:
        """The stored document (text decompressed, meta parsed from JSON)."""
        meta = json.loads(self.meta)
        meta = MappingProxyType(meta if isinstance(meta, dict) else {})
        return Document(self.doc_id, self.path, decompress_text(self.text), self.title, self.kind,
                        self.encoding, self.line_offset, meta)  # fmt: skip


@dataclass(frozen=True)
class FormRow:
    """Vocabulary aggregate of one surface form: occurrences, documents, casing votes.

    ``order`` sorts the forms of one case-folded word by their first casing vote, so the
    rebuilt vocabulary breaks majority-casing ties as :class:`qualcheck.vocab.Vocabulary` does.
    """

    count: int
    docs: int
    votes: int
    order: int


def pack_u32(values: npt.ArrayLike) -> bytes:
    """Raw little-endian uint32 bytes (no pickle, no header)."""
    return np.asarray(values, dtype="<u4").tobytes()


def unpack_u32(data: bytes) -> npt.NDArray[np.uint32]:
    """Inverse of :func:`pack_u32`, as native uint32."""
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)


def compress_text(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 6)


def decompress_text(data: bytes) -> str:
    return zlib.decompress(data).decode("utf-8", "surrogatepass")


def doc_vocabulary(tokens: Iterable[Token]) -> dict[str, tuple[int, int, int]]:
    """``form -> (occurrences, casing votes, word position of the first vote or -1)``.

    One document's share of :meth:`qualcheck.vocab.Vocabulary.add` (same forms, same votes).
    """
    out: dict[str, list[int]] = {}
    for pos, t in enumerate(word_tokens(tokens)):
        form = base_form(t.text) if t.text.endswith(_POSSESSIVE_ENDS) else t.text
        row = out.get(form)
        if row is None:
            row = out[form] = [0, 0, -1]
        row[0] += 1
        if not t.sentence_start and not t.headline:
            row[1] += 1
            if row[2] < 0:
                row[2] = pos
    return {form: (c, v, p) for form, (c, v, p) in out.items()}


@lru_cache(maxsize=1 << 18)
def norm_of(form: str) -> str:
    """:func:`qualcheck.text.normalize_word`, cached (forms repeat across documents)."""
    return normalize_word(form)


class VocabularyDelta:
    """Net change of the vocabulary rows over one write unit (added minus removed documents)."""

    def __init__(self) -> None:
        self.forms: dict[str, list[int]] = {}  # form -> [count, docs, votes, first vote order]
        self.norms: dict[str, list[int]] = {}  # norm -> [count, docs]

    def apply(self, contribution: Mapping[str, tuple[int, int, int]], sign: int, key: int = 0) -> None:
        """Add (``sign=1``, document ``key``) or subtract (``-1``) one :func:`doc_vocabulary`."""
        seen: set[str] = set()
        for form, (count, votes, pos) in contribution.items():
            row = self.forms.setdefault(form, [0, 0, 0, 1 << 62])
            row[0] += sign * count
            row[1] += sign
            row[2] += sign * votes
            if sign > 0 and votes:
                row[3] = min(row[3], key << _POS_BITS | min(pos, (1 << _POS_BITS) - 1))
            norm = norm_of(form)
            nrow = self.norms.setdefault(norm, [0, 0])
            nrow[0] += sign * count
            if norm not in seen:
                seen.add(norm)
                nrow[1] += sign

    def write(self, store: Store) -> None:
        """Read the current rows of the changed entries, then write the new ones.

        A form keeps the order of its first casing vote while it has votes; after a removal
        that order may be older than a fresh build would give (ties only).
        """
        old_forms, old_norms = store.form_rows(list(self.forms)), store.norm_rows(list(self.norms))
        forms: dict[str, FormRow] = {}
        for form, (count, docs, votes, order) in self.forms.items():
            old = old_forms.get(form, FormRow(0, 0, 0, 0))
            new = FormRow(
                old.count + count, old.docs + docs, old.votes + votes, old.order if old.votes else order
            )
            forms[form] = new if new.votes > 0 else replace(new, order=0)
        norms: dict[str, tuple[int, int]] = {}
        for norm, (count, docs) in self.norms.items():
            old_count, old_docs = old_norms.get(norm, (0, 0))
            norms[norm] = (old_count + count, old_docs + docs)
        store.put_vocabulary(
            {f: r for f, r in forms.items() if r.count > 0},
            [f for f, r in forms.items() if r.count <= 0 and f in old_forms],
            {n: v for n, v in norms.items() if v[0] > 0},
            [n for n, v in norms.items() if v[0] <= 0 and n in old_norms],
        )


class Store(ABC):
    """A backend of :class:`~qualcheck.index.persistent.CorpusIndex` (see the module docstring).

    Keys are positive integers handed out by :meth:`reserve_keys`, increasing, never reused;
    band keys are signed 64-bit integers. Write methods are only called inside
    :meth:`writing`, after all reads of that unit.
    """

    backend: str = "?"
    location: str = ""

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
    def shingles(self, keys: Sequence[int]) -> dict[int, tuple[str, bytes]]:
        """``key -> (doc_id, packed shingles)`` for each given key that exists."""

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
    def put_docs(self, docs: Sequence[StoredDoc], bands: Sequence[Sequence[int]]) -> None:
        """Insert documents with their band keys (``bands[i]`` belongs to ``docs[i]``)."""

    @abstractmethod
    def delete_docs(self, docs: Sequence[tuple[int, str, Sequence[int]]]) -> None:
        """Delete ``(key, doc_id, band keys)`` documents."""

    @abstractmethod
    def put_vocabulary(
        self,
        forms: Mapping[str, FormRow],
        drop_forms: Sequence[str],
        norms: Mapping[str, tuple[int, int]],
        drop_norms: Sequence[str],
    ) -> None:
        """Replace the given vocabulary rows and delete the dropped ones."""

    @abstractmethod
    def touch(self, now: str) -> None:
        """Record the time of the last change."""

    @abstractmethod
    def close(self) -> None:
        """Release connections (idempotent)."""
