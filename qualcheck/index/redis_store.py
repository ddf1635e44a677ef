"""A corpus index in Redis: the same layout as the SQLite file, shared by many CI runners.

What: :class:`RedisStore` implements :class:`qualcheck.index.store.Store` with plain Redis
types, every key under ``prefix`` (default ``qualcheck:``):

- ``settings`` and ``meta`` (hashes of text), ``next_key`` (counter), ``ids`` (hash
  doc_id -> key), ``sizes`` (hash key -> shingle-set size), ``blooms`` (hash key -> the
  Bloom filter of its shingles);
- ``doc:<key>`` (hash: metadata, ``meta`` JSON, ``size``, ``text`` zlib bytes);
- ``band:<band key>`` (set of document keys: the LSH buckets);
- ``forms`` (hash form -> ``"count docs votes order"``), ``norms`` (hash norm -> ``"count docs"``).

Why this way: every value is bytes or text (nothing pickled, nothing evaluated). A write
unit holds a Redis lock (``lock``) so writers take turns, reads the current state directly,
and queues its writes in one ``MULTI``/``EXEC`` transaction: readers see the old or the new
chunk, and a writer killed before ``EXEC`` changes nothing.

>>> RedisStore.key_name("qualcheck:", "band", 5)
'qualcheck:band:5'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import redis

from qualcheck.index.store import BandKeys, IndexFormatError, Store, StoredDoc
from qualcheck.index.vocab_delta import FormRow

_FIELDS = (
    "doc_id",
    "path",
    "title",
    "kind",
    "encoding",
    "line_offset",
    "meta",
    "size",
    "text",
)
_BINARY = {"text"}
_INTS = {"line_offset", "size"}
LOCK_SECONDS = 120  # a writer's lock expires after this (a killed writer does not block forever)


def _s(value: bytes) -> str:
    return value.decode("utf-8", "surrogatepass")


def _b(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


class RedisStore(Store):
    """A Redis database (``redis://host:port/N``); see the module docstring."""

    backend = "redis"

    def __init__(self, url: str, *, prefix: str = "qualcheck:", client: Any = None) -> None:
        self.location = url
        self.prefix = prefix
        self.client: Any = client or redis.Redis.from_url(url, decode_responses=False)
        self._tx: Any = None
        try:
            self.client.ping()
        except redis.exceptions.ConnectionError as exc:
            self.client.close()
            raise ConnectionError(f"cannot reach the index at {url}: {exc}") from None

    @staticmethod
    def key_name(prefix: str, *parts: object) -> str:
        return prefix + ":".join(str(p) for p in parts)

    def _k(self, *parts: object) -> str:
        return self.key_name(self.prefix, *parts)

    @property
    def _w(self) -> Any:
        """The transaction of the current write unit."""
        if self._tx is None:
            raise RuntimeError("write outside RedisStore.writing()")
        return self._tx

    # -- settings and metadata ---------------------------------------------------------------
    def read_settings(self) -> dict[str, str] | None:
        raw = self.client.hgetall(self._k("settings"))
        if not raw:
            return None
        try:
            return {_s(k): _s(v) for k, v in raw.items()}
        except UnicodeDecodeError:
            raise IndexFormatError(f"{self.location}: unreadable index settings") from None

    def initialise(self, settings: Mapping[str, str], now: str) -> None:
        with self.writing():
            if self.client.exists(self._k("settings")):
                raise IndexFormatError(f"{self.location} already holds an index")
            self._w.hset(self._k("settings"), mapping=dict(settings))
            self._w.hset(self._k("meta"), mapping={"created": now, "updated": now})

    def meta(self) -> dict[str, str]:
        return {_s(k): _s(v) for k, v in self.client.hgetall(self._k("meta")).items()}

    def disk_size(self) -> int:
        return int(self.client.info("memory")["used_memory"])

    # -- documents ----------------------------------------------------------------------------
    def count(self) -> int:
        return int(self.client.hlen(self._k("ids")))

    def keys_of(self, doc_ids: Sequence[str]) -> dict[str, int]:
        if not doc_ids:
            return {}
        values = self.client.hmget(self._k("ids"), [_b(d) for d in doc_ids])
        return {d: int(v) for d, v in zip(doc_ids, values, strict=True) if v is not None}

    def all_ids(self) -> list[str]:
        pairs = ((int(v), _s(k)) for k, v in self.client.hgetall(self._k("ids")).items())
        return [d for _, d in sorted(pairs)]

    def _hashes(self, keys: Sequence[int], fields: Sequence[str]) -> list[tuple[int, list[Any]]]:
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            pipe.hmget(self._k("doc", key), list(fields))
        return [(k, v) for k, v in zip(keys, pipe.execute(), strict=True) if v[0] is not None]

    def records(self, keys: Sequence[int]) -> list[StoredDoc]:
        out = []
        rows = self._hashes(sorted(keys), _FIELDS)
        blooms = self.blooms([key for key, _ in rows])
        for key, values in rows:
            row: dict[str, Any] = {
                f: v if f in _BINARY else int(v) if f in _INTS else _s(v)
                for f, v in zip(_FIELDS, values, strict=True)
            }
            out.append(StoredDoc(key=key, bloom=blooms.get(key, b""), **row))
        return out

    def texts(self, keys: Sequence[int]) -> dict[int, tuple[str, bytes]]:
        return {k: (_s(v[0]), v[1]) for k, v in self._hashes(keys, ("doc_id", "text"))}

    def blooms(self, keys: Sequence[int]) -> dict[int, bytes]:
        if not keys:
            return {}
        values = self.client.hmget(self._k("blooms"), list(keys))
        return {k: v for k, v in zip(keys, values, strict=True) if v is not None}

    def postings(self, bands: Sequence[int]) -> dict[int, tuple[int, int]]:
        pipe = self.client.pipeline(transaction=False)
        for band in bands:
            pipe.smembers(self._k("band", band))
        counts: Counter[int] = Counter(int(m) for members in pipe.execute() for m in members)
        if not counts:
            return {}
        keys = list(counts)
        sizes = self.client.hmget(self._k("sizes"), keys)
        return {k: (counts[k], int(s)) for k, s in zip(keys, sizes, strict=True) if s is not None}

    # -- vocabulary --------------------------------------------------------------------------
    @staticmethod
    def _form(value: bytes) -> FormRow:
        return FormRow(*(int(x) for x in value.split()))

    def form_rows(self, forms: Sequence[str]) -> dict[str, FormRow]:
        if not forms:
            return {}
        values = self.client.hmget(self._k("forms"), [_b(f) for f in forms])
        return {f: self._form(v) for f, v in zip(forms, values, strict=True) if v is not None}

    def norm_rows(self, norms: Sequence[str]) -> dict[str, tuple[int, int]]:
        if not norms:
            return {}
        values = self.client.hmget(self._k("norms"), [_b(n) for n in norms])
        return {
            n: (int(v.split()[0]), int(v.split()[1]))
            for n, v in zip(norms, values, strict=True)
            if v is not None
        }

    def all_forms(self) -> Iterator[tuple[str, FormRow]]:
        for k, v in self.client.hscan_iter(self._k("forms"), count=10_000):
            yield _s(k), self._form(v)

    def all_norms(self) -> Iterator[tuple[str, int, int]]:
        for k, v in self.client.hscan_iter(self._k("norms"), count=10_000):
            count, docs = v.split()
            yield _s(k), int(count), int(docs)

    # -- writing ------------------------------------------------------------------------------
    @contextmanager
    def writing(self) -> Iterator[None]:
        lock = self.client.lock(self._k("lock"), timeout=LOCK_SECONDS, blocking_timeout=LOCK_SECONDS)
        if not lock.acquire():
            raise TimeoutError(f"another writer holds {self._k('lock')} on {self.location}")
        try:
            self._tx = self.client.pipeline(transaction=True)
            try:
                yield
                self._tx.execute()
            finally:
                self._tx.reset()
                self._tx = None
        finally:
            lock.release()

    def reserve_keys(self, n: int) -> int:
        return int(self.client.incrby(self._k("next_key"), n)) - n + 1

    def put_docs(self, docs: Sequence[StoredDoc], bands: Sequence[BandKeys]) -> None:
        w = self._w
        for d, bs in zip(docs, bands, strict=True):
            w.hset(self._k("doc", d.key), mapping={f: getattr(d, f) for f in _FIELDS})
            w.hset(self._k("ids"), _b(d.doc_id), d.key)
            w.hset(self._k("sizes"), d.key, d.size)
            w.hset(self._k("blooms"), d.key, d.bloom)
            for band in bs:
                w.sadd(self._k("band", band), d.key)

    def delete_docs(self, docs: Sequence[tuple[int, str, BandKeys]]) -> None:
        w = self._w
        for key, doc_id, bs in docs:
            for band in bs:
                w.srem(self._k("band", band), key)
            w.delete(self._k("doc", key))
            w.hdel(self._k("ids"), _b(doc_id))
            w.hdel(self._k("sizes"), key)
            w.hdel(self._k("blooms"), key)

    def put_vocabulary(
        self,
        forms: Mapping[str, FormRow],
        drop_forms: Sequence[str],
        norms: Mapping[str, tuple[int, int]],
        drop_norms: Sequence[str],
    ) -> None:
        w = self._w
        if forms:
            w.hset(
                self._k("forms"),
                mapping={_b(f): f"{r.count} {r.docs} {r.votes} {r.order}" for f, r in forms.items()},
            )
        if drop_forms:
            w.hdel(self._k("forms"), *[_b(f) for f in drop_forms])
        if norms:
            w.hset(self._k("norms"), mapping={_b(n): f"{c} {d}" for n, (c, d) in norms.items()})
        if drop_norms:
            w.hdel(self._k("norms"), *[_b(n) for n in drop_norms])

    def touch(self, now: str) -> None:
        self._w.hset(self._k("meta"), "updated", now)

    def close(self) -> None:
        self.client.close()
