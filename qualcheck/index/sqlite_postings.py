"""The LSH postings of an SQLite index: segments of packed buckets, written, merged and read.

What: :class:`SegmentTables` keeps the ``segments`` table (one row per segment: bucket bits,
postings, record layout) and the ``postings`` table (one row per bucket, ``id = segment << 24 |
bucket``, a blob of packed records: :mod:`qualcheck.index.postings`) of a
:class:`qualcheck.index.sqlite_store.SQLiteStore`. :meth:`SegmentTables.add` files a write
chunk's documents as one new segment and merges full size tiers; :meth:`SegmentTables.agreeing`
counts, per document key, the band keys of a query it is filed under.

Why apart from the store: the store is plain rows and SQL; this is the index structure. It runs
inside the store's write transaction (a killed writer leaves the old or the new segments) and
never needs to read or write a whole segment at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from qualcheck.index.postings import (
    SEGMENT_SHIFT,
    band_ids,
    bits_for,
    bucket_of,
    decode,
    encode,
    plan_merges,
    widths,
)

_BUCKET_MASK = (1 << SEGMENT_SHIFT) - 1
MERGE_RANGE = 1 << 16  # postings a merge reads, rewrites and frees at a time (about)
Layout = tuple[int, int, int]


def _buckets(rows: Iterable[tuple[int, bytes]]) -> list[tuple[int, bytes]]:
    """``(bucket, blob)`` of ``postings`` rows."""
    return [(i & _BUCKET_MASK, data) for i, data in rows]


class SegmentTables:
    """The postings of one SQLite index (see the module docstring).

    ``read(sql, params)`` and ``read_in(sql, items)`` are the store's guarded reads (the second
    runs ``sql``, holding one ``{}`` for the marks of an IN list, over ``items`` in batches);
    ``write(sql, params)`` and ``write_many(sql, rows)`` its writes.
    """

    def __init__(
        self,
        read: Callable[[str, Sequence[object]], list[tuple[Any, ...]]],
        read_in: Callable[[str, Sequence[object]], Iterator[tuple[Any, ...]]],
        write: Callable[[str, Sequence[object]], object],
        write_many: Callable[[str, list[tuple[Any, ...]]], object],
    ) -> None:
        self.read, self.read_in, self.write, self.write_many = read, read_in, write, write_many

    def agreeing(self, bands: Sequence[int]) -> dict[int, int]:
        """``document key -> how many of the band keys it is filed under`` (removed keys included)."""
        wanted = np.unique(band_ids(bands))
        found: list[npt.NDArray[np.uint32]] = []
        segments = self.read("SELECT seg, bits, check_width, doc_width, base FROM segments", ())
        for seg, bits, *layout in segments:
            ids = ((seg << SEGMENT_SHIFT) | np.unique(bucket_of(wanted, bits))).tolist()
            rows = _buckets(self.read_in("SELECT id, data FROM postings WHERE id IN ({})", ids))
            h, docs = decode(rows, bits, tuple(layout))  # type: ignore[arg-type]
            found.append(docs[np.isin(h, wanted)])
        if not found:
            return {}
        keys, counts = np.unique(np.concatenate(found), return_counts=True)
        return dict(zip(keys.tolist(), counts.tolist(), strict=True))

    def add(self, keys: Sequence[int], bands: Sequence[Sequence[int] | npt.NDArray[np.int64]]) -> None:
        """File document ``keys[i]`` under ``bands[i]`` as one new segment; merge full tiers."""
        repeated = np.repeat(np.array(keys, dtype=np.uint32), [len(b) for b in bands])
        if repeated.size:
            flat = np.concatenate([np.asarray(b, dtype=np.int64) for b in bands])
            self._write_segment(self._new_segment(), band_ids(flat), repeated)
        while (merge := plan_merges(self.read("SELECT seg, postings FROM segments", ()))) is not None:
            self._merge(merge)

    def _new_segment(self) -> int:
        return int(self.read("SELECT COALESCE(MAX(seg), 0) + 1 FROM segments", ())[0][0])

    def _write_segment(self, seg: int, h32: npt.NDArray[np.uint32], keys: npt.NDArray[np.uint32]) -> None:
        """Store postings ``(h32[i], keys[i])`` as segment ``seg`` (its buckets and its row)."""
        bits = bits_for(h32.size)
        layout = widths(bits, keys)
        self._put_buckets(seg, encode(h32, keys, bits, layout))
        self.write("INSERT INTO segments VALUES (?, ?, ?, ?, ?, ?)", (seg, bits, h32.size, *layout))

    def _put_buckets(self, seg: int, buckets: dict[int, bytes]) -> None:
        self.write_many("INSERT INTO postings VALUES (?, ?)",
                        [((seg << SEGMENT_SHIFT) | b, data) for b, data in buckets.items()])  # fmt: skip

    def _merge(self, segs: Sequence[int]) -> None:
        """Merge segments ``segs`` into one, dropping the postings of removed documents.

        Streamed by ranges of the identity's top bits (about :data:`MERGE_RANGE` postings each);
        each range's rows are deleted as it is rewritten, so the file grows by one range, not a
        segment.
        """
        sql = "SELECT seg, bits, postings, check_width, doc_width, base FROM segments WHERE seg IN ({})"
        info = {seg: (bits, n, tuple(layout)) for seg, bits, n, *layout in self.read_in(sql, segs)}
        live = np.array([k for (k,) in self.read("SELECT key FROM docs ORDER BY key", ())], dtype=np.uint32)
        total = sum(n for _, n, _ in info.values())
        target, new = bits_for(total), self._new_segment()
        ranges = max(0, math.ceil(math.log2(max(1, total) / MERGE_RANGE)))
        group = min([target, ranges, *(b for b, _, _ in info.values())])  # bits of the ranges
        base = min(int(source[2]) for _, _, source in info.values())  # no document key is smaller
        top = max(base, int(live[-1]) if live.size else base)  # nor larger
        layout = widths(target, np.array([base, top], dtype=np.uint32))
        kept = 0
        for u in range(1 << group):
            hs, ks = [], []
            for seg, (bits, _, source) in info.items():
                lo = (seg << SEGMENT_SHIFT) | (u << (bits - group))
                hi = (seg << SEGMENT_SHIFT) | ((u + 1) << (bits - group))
                rows = self.read("SELECT id, data FROM postings WHERE id >= ? AND id < ?", (lo, hi))
                h, k = decode(_buckets(rows), bits, source)  # type: ignore[arg-type]
                hs.append(h)
                ks.append(k)
                self.write("DELETE FROM postings WHERE id >= ? AND id < ?", (lo, hi))
            h, k = np.concatenate(hs), np.concatenate(ks)
            alive = np.isin(k, live)
            kept += int(np.count_nonzero(alive))
            self._put_buckets(new, encode(h[alive], k[alive], target, layout, runs=True))
        for seg in segs:
            self.write("DELETE FROM segments WHERE seg = ?", (seg,))
        self.write("INSERT INTO segments VALUES (?, ?, ?, ?, ?, ?)", (new, target, kept, *layout))
