"""A corpus index in one SQLite file (WAL mode): the default, shareable as a CI artifact.

What: :class:`SQLiteStore` implements :class:`qualcheck.index.store.Store` with nine tables:
``settings`` and ``meta`` (name/value text), ``docs`` (one row per document: metadata,
zlib text, meta as JSON; the path NULL when it is the doc_id), ``sizes`` and ``blooms`` (per
document: its shingle-set size, the Bloom filter of its shingles; read by every search, so
kept apart from the texts: the sizes of 100k documents fit in ~1 MB of pages), ``segments`` and
``postings`` (the LSH postings, packed in bucketed segments: :mod:`qualcheck.index.postings`)
and ``forms``/``norms`` (the vocabulary aggregates). Pages are 16 KB: rows of ~1.3 KB (text)
left ~9% of 8 KB pages unused (measured 117 bytes a news article).

Why this way: WAL lets readers query while a writer adds (a reader sees the last committed
chunk), and each chunk is one ``BEGIN IMMEDIATE`` ... ``COMMIT`` transaction, so a killed
writer leaves the old or the new state. A chunk's postings become one new segment (a few
thousand sequential rows, not 256 random B-tree inserts a document); segments of one size
tier are merged inside the writing chunk's transaction. Opening checks the file
header before SQLite reads it and refuses foreign schemas (triggers, views, other tables),
and ``trusted_schema`` is off: an index file can hold data, never behaviour.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "corpus.qcx")
>>> store = SQLiteStore(path, create=True)
>>> store.read_settings() is None
True
>>> store.initialise({"num_perm": "256"}, "2025-01-01T00:00:00+00:00")
>>> store.read_settings(), store.count()
({'num_perm': '256'}, 0)
>>> store.close()
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from qualcheck.index.sqlite_postings import SegmentTables
from qualcheck.index.store import FORMAT_VERSION, BandKeys, IndexFormatError, Store, StoredDoc
from qualcheck.index.vocab_delta import FormRow

_SCHEMA = """
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE docs (
    key INTEGER PRIMARY KEY, doc_id TEXT NOT NULL UNIQUE, path TEXT, title TEXT NOT NULL,
    kind TEXT NOT NULL, encoding TEXT NOT NULL, line_offset INTEGER NOT NULL, meta TEXT NOT NULL,
    text BLOB NOT NULL);
CREATE TABLE sizes (key INTEGER PRIMARY KEY, size INTEGER NOT NULL);
CREATE TABLE blooms (key INTEGER PRIMARY KEY, bloom BLOB NOT NULL);
CREATE TABLE segments (seg INTEGER PRIMARY KEY, bits INTEGER NOT NULL, postings INTEGER NOT NULL,
    check_width INTEGER NOT NULL, doc_width INTEGER NOT NULL, base INTEGER NOT NULL);
CREATE TABLE postings (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE forms (form TEXT PRIMARY KEY, count INTEGER NOT NULL, docs INTEGER NOT NULL,
    votes INTEGER NOT NULL, ord INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE norms (norm TEXT PRIMARY KEY, count INTEGER NOT NULL, docs INTEGER NOT NULL) WITHOUT ROWID;
"""
_TABLES = {"settings", "meta", "docs", "sizes", "blooms", "segments", "postings", "forms", "norms"}
_DOC_COLUMNS = "key, doc_id, path, title, kind, encoding, line_offset, meta, text"
# A record: docs, sizes and blooms joined; a NULL path is the doc_id (files loaded from disk: saves its bytes)
_RECORD = ("SELECT d.key, d.doc_id, COALESCE(d.path, d.doc_id), d.title, d.kind, d.encoding, d.line_offset, "
           "d.meta, s.size, d.text, b.bloom FROM docs d JOIN sizes s ON s.key = d.key "
           "JOIN blooms b ON b.key = d.key")
_BATCH = 900  # bound parameters per IN (...) query
_MAGIC = b"SQLite format 3\x00"
_PAGE_SIZE = 16384


def _chunks(items: Sequence[object], n: int = _BATCH) -> Iterator[Sequence[object]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _marks(n: int) -> str:
    return ",".join("?" * n)


def check_header(path: Path) -> None:
    """Refuse a file that is not a complete SQLite database, before SQLite parses it.

    An empty file is accepted (SQLite treats it as a new database). A file shorter than the
    page count its header records is truncated (checked only without a pending WAL, whose
    pages may legitimately extend the database).
    """
    size = path.stat().st_size
    if size == 0:
        return
    with path.open("rb") as fh:
        head = fh.read(100)
    if not head.startswith(_MAGIC):
        raise IndexFormatError(f"{path} is not a qualcheck index (not an SQLite file)")
    if len(head) < 100:
        raise IndexFormatError(f"{path} is a truncated SQLite file ({size} bytes); restore or rebuild it")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    header_valid = head[24:28] == head[92:96] and pages > 0
    wal = Path(f"{path}-wal")
    wal_pending = wal.exists() and wal.stat().st_size > 0
    if header_valid and not wal_pending and size < pages * page_size:
        raise IndexFormatError(
            f"{path} is a truncated SQLite file ({size} of {pages * page_size} bytes); restore or rebuild it"
        )


class SQLiteStore(Store):
    """One SQLite file; see the module docstring. ``create`` allows a new or empty file."""

    backend = "sqlite"
    deletes_by_band = False  # postings of removed documents are dropped at the next merge

    def __init__(self, path: str | os.PathLike[str], *, create: bool = False, timeout: float = 60.0) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        if not self.path.exists() and not create:
            raise FileNotFoundError(f"no index at {self.path}; build one with 'qualcheck index build'")
        if self.path.exists():
            if self.path.is_dir():
                raise IndexFormatError(f"{self.path} is a directory, not a qualcheck index file")
            check_header(self.path)
        if create and not self.path.parent.is_dir():
            raise FileNotFoundError(f"cannot create the index {self.path}: no folder {self.path.parent}")
        self._db: sqlite3.Connection | None = None
        self.segments = SegmentTables(self._guarded, self._in, self._write, self._write_many)
        try:
            self._db = sqlite3.connect(self.location, timeout=timeout, isolation_level=None)
            self._db.execute("PRAGMA trusted_schema = OFF")
            tables = self._schema()
            if not tables and create:
                # 8 KB pages: ~1-2 KB text rows and posting buckets waste less of a page than in 4 KB
                self._db.execute(f"PRAGMA page_size = {_PAGE_SIZE}")
                self._db.execute("PRAGMA journal_mode = WAL")
            elif not tables:
                raise IndexFormatError(f"{self.path} is empty: not a qualcheck index")
            elif "settings" not in tables:
                raise IndexFormatError(f"{self.path} is an SQLite database but not a qualcheck index")
            elif not _TABLES <= tables and self._format() in (0, FORMAT_VERSION):  # other formats: open_index
                missing = ", ".join(sorted(_TABLES - tables))
                raise IndexFormatError(f"{self.path} is damaged (no table {missing}); rebuild it")
            self._db.execute("PRAGMA synchronous = NORMAL")  # WAL: atomic; the last commit may roll back
        except sqlite3.OperationalError as exc:  # cannot open, locked, I/O: the file may be fine
            self.close()
            raise OSError(f"cannot open the index {self.path} ({exc})") from None
        except sqlite3.DatabaseError as exc:
            self.close()
            raise IndexFormatError(f"{self.path} is not a readable qualcheck index ({exc})") from None
        except IndexFormatError:
            self.close()
            raise

    def _schema(self) -> set[str]:
        rows = self.db.execute(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchall()
        if any(kind not in ("table", "index") for kind, _ in rows):
            raise IndexFormatError(f"{self.path} has triggers or views: not a qualcheck index")
        return {name for kind, name in rows if kind == "table"}

    def _format(self) -> int:
        row = self.db.execute("SELECT value FROM settings WHERE name = 'format_version'").fetchone()
        return int(row[0]) if row and str(row[0]).isdigit() else 0

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            raise ValueError("the index is closed")
        return self._db

    def _guarded(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        """Run a read; a damaged or unreadable file becomes a one-line :class:`IndexFormatError`."""
        try:
            return self.db.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:  # locked past the timeout, I/O error
            raise IndexFormatError(f"cannot read the index {self.path} ({exc})") from None
        except sqlite3.DatabaseError as exc:
            raise IndexFormatError(f"{self.path} is damaged ({exc}); restore or rebuild it") from None

    def _in(self, sql: str, items: Sequence[object]) -> Iterator[tuple]:
        """``sql`` holds one ``{}`` for the marks of an IN list; run it over ``items`` in batches."""
        for part in _chunks(items):
            yield from self._guarded(sql.format(_marks(len(part))), list(part))

    # -- settings and metadata ---------------------------------------------------------------
    def read_settings(self) -> dict[str, str] | None:
        if not self._schema():
            return None
        return {k: v for k, v in self._guarded("SELECT name, value FROM settings")}

    def initialise(self, settings: Mapping[str, str], now: str) -> None:
        with self.writing():
            if self._schema():
                raise IndexFormatError(f"{self.path} already holds data")
            for statement in _SCHEMA.strip().split(";\n"):
                self.db.execute(statement)
            self.db.executemany("INSERT INTO settings VALUES (?, ?)", list(settings.items()))
            self.db.executemany("INSERT INTO meta VALUES (?, ?)", [("created", now), ("updated", now)])

    def meta(self) -> dict[str, str]:
        return {k: v for k, v in self._guarded("SELECT name, value FROM meta WHERE name != 'next_key'")}

    def disk_size(self) -> int:
        return sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())

    # -- documents ----------------------------------------------------------------------------
    def count(self) -> int:
        return int(self._guarded("SELECT COUNT(*) FROM docs")[0][0])

    def keys_of(self, doc_ids: Sequence[str]) -> dict[str, int]:
        return {d: k for d, k in self._in("SELECT doc_id, key FROM docs WHERE doc_id IN ({})", doc_ids)}

    def all_ids(self) -> list[str]:
        return [d for (d,) in self._guarded("SELECT doc_id FROM docs ORDER BY key")]

    def records(self, keys: Sequence[int]) -> list[StoredDoc]:
        rows = self._in(f"{_RECORD} WHERE d.key IN ({{}})", keys)
        return sorted((StoredDoc(*row) for row in rows), key=lambda r: r.key)

    def texts(self, keys: Sequence[int]) -> dict[int, tuple[str, bytes]]:
        rows = self._in("SELECT key, doc_id, text FROM docs WHERE key IN ({})", keys)
        return {k: (d, t) for k, d, t in rows}

    def blooms(self, keys: Sequence[int]) -> dict[int, bytes]:
        return dict(self._in("SELECT key, bloom FROM blooms WHERE key IN ({})", keys))

    def postings(self, bands: Sequence[int]) -> dict[int, tuple[int, int]]:
        agreeing = self.segments.agreeing(bands)
        sizes = self._in("SELECT key, size FROM sizes WHERE key IN ({})", list(agreeing))
        return {k: (agreeing[k], size) for k, size in sizes}  # removed documents' postings drop here

    # -- vocabulary --------------------------------------------------------------------------
    def form_rows(self, forms: Sequence[str]) -> dict[str, FormRow]:
        sql = "SELECT form, count, docs, votes, ord FROM forms WHERE form IN ({})"
        return {f: FormRow(c, d, v, o) for f, c, d, v, o in self._in(sql, forms)}

    def norm_rows(self, norms: Sequence[str]) -> dict[str, tuple[int, int]]:
        return {
            n: (c, d) for n, c, d in self._in("SELECT norm, count, docs FROM norms WHERE norm IN ({})", norms)
        }

    def all_forms(self) -> Iterator[tuple[str, FormRow]]:
        for f, c, d, v, o in self._guarded("SELECT form, count, docs, votes, ord FROM forms"):
            yield f, FormRow(c, d, v, o)

    def all_norms(self) -> Iterator[tuple[str, int, int]]:
        yield from self._guarded("SELECT norm, count, docs FROM norms")

    # -- reading one state -------------------------------------------------------------------
    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside all see one committed state, whatever writers commit meanwhile.

        Each read outside sees the latest committed chunk, so two calls (``len(index)`` then
        ``index.info()``, or the forms then the norms of the vocabulary) may see different
        chunks. WAL keeps the snapshot readable while writers go on; it ends on exit.
        """
        if self.db.in_transaction:  # already inside a snapshot or a write: that state holds
            yield
            return
        self.db.execute("BEGIN")  # deferred: the first read fixes the snapshot
        try:
            yield
        finally:
            if self._db is not None and self._db.in_transaction:
                self._db.execute("COMMIT")

    # -- writing ------------------------------------------------------------------------------
    @contextmanager
    def writing(self) -> Iterator[None]:
        try:
            self.db.execute("BEGIN IMMEDIATE")  # take the write lock now: reads inside see a stable state
        except sqlite3.OperationalError as exc:  # another writer held it past the timeout
            raise IndexFormatError(f"cannot write the index {self.path} ({exc}); it is unchanged") from None
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):  # disk full, locked past the timeout, I/O
                unchanged = f"cannot write the index {self.path} ({exc}); it is unchanged"
                raise IndexFormatError(unchanged) from None
            if isinstance(exc, sqlite3.DatabaseError):
                raise IndexFormatError(f"{self.path} is damaged ({exc}); restore or rebuild it") from None
            raise

    def _write(self, sql: str, params: Sequence[object]) -> None:
        self.db.execute(sql, params)

    def _write_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        self.db.executemany(sql, rows)

    def reserve_keys(self, n: int) -> int:
        # Inside BEGIN IMMEDIATE no other writer can take the same keys; AUTOINCREMENT-like
        # monotonicity across deletions comes from the stored high-water mark.
        rows = dict(self._guarded("SELECT name, value FROM meta WHERE name = 'next_key'"))
        first = max(
            int(rows.get("next_key", "1")),
            int(self._guarded("SELECT COALESCE(MAX(key), 0) FROM docs")[0][0]) + 1,
        )
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('next_key', ?)", (str(first + n),))
        return first

    def put_docs(self, docs: Sequence[StoredDoc], bands: Sequence[BandKeys]) -> None:
        """Insert the documents; their band keys become one new segment (:mod:`.sqlite_postings`)."""
        self.db.executemany(
            f"INSERT INTO docs ({_DOC_COLUMNS}) VALUES ({_marks(9)})",
            [(d.key, d.doc_id, None if d.path == d.doc_id else d.path, d.title, d.kind, d.encoding,
              d.line_offset, d.meta, d.text) for d in docs],
        )  # fmt: skip
        self.db.executemany("INSERT INTO sizes VALUES (?, ?)", [(d.key, d.size) for d in docs])
        self.db.executemany("INSERT INTO blooms VALUES (?, ?)", [(d.key, d.bloom) for d in docs])
        self.segments.add([d.key for d in docs], bands)

    def delete_docs(self, docs: Sequence[tuple[int, str, BandKeys]]) -> None:
        # Postings stay until their segment is merged: postings() only returns stored keys.
        self.db.executemany("DELETE FROM docs WHERE key = ?", [(k,) for k, _, _ in docs])
        self.db.executemany("DELETE FROM sizes WHERE key = ?", [(k,) for k, _, _ in docs])
        self.db.executemany("DELETE FROM blooms WHERE key = ?", [(k,) for k, _, _ in docs])

    def put_vocabulary(
        self,
        forms: Mapping[str, FormRow],
        drop_forms: Sequence[str],
        norms: Mapping[str, tuple[int, int]],
        drop_norms: Sequence[str],
    ) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO forms VALUES (?, ?, ?, ?, ?)",
            [(f, r.count, r.docs, r.votes, r.order) for f, r in forms.items()],
        )
        self.db.executemany("DELETE FROM forms WHERE form = ?", [(f,) for f in drop_forms])
        self.db.executemany(
            "INSERT OR REPLACE INTO norms VALUES (?, ?, ?)", [(n, c, d) for n, (c, d) in norms.items()]
        )
        self.db.executemany("DELETE FROM norms WHERE norm = ?", [(n,) for n in drop_norms])

    def add_vocabulary(self, forms: Mapping[str, Sequence[int]], norms: Mapping[str, Sequence[int]]) -> None:
        # In place: no read of the old rows (in DO UPDATE, bare column names are the old values).
        self.db.executemany(
            "INSERT INTO forms VALUES (?, ?, ?, ?, ?) ON CONFLICT (form) DO UPDATE SET "
            "count = count + excluded.count, docs = docs + excluded.docs, votes = votes + excluded.votes, "
            "ord = CASE WHEN votes > 0 THEN ord ELSE excluded.ord END",
            [(f, *r) for f, r in forms.items()],
        )
        self.db.executemany(
            "INSERT INTO norms VALUES (?, ?, ?) ON CONFLICT (norm) DO UPDATE SET "
            "count = count + excluded.count, docs = docs + excluded.docs",
            [(n, c, d) for n, (c, d) in norms.items()],
        )

    def touch(self, now: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('updated', ?)", (now,))

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
