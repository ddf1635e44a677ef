"""Compact LSH postings: band keys packed into bucketed segments, merged by size tiers.

What: a *posting* says "document ``doc`` is filed under band key ``band``" (one per MinHash
value, :func:`qualcheck.index.candidates.band_keys`). Each band key is reduced to a 32-bit
identity ``h32`` (:func:`band_ids`). A *segment* holds the postings of one write chunk, or of
merged chunks, split into ``2**bits`` buckets by the top ``bits`` of ``h32``; a bucket is one
blob of packed records ``(check, doc)``: ``check`` the other ``32 - bits`` bits of ``h32``
(2 bytes when ``bits`` is 16, else 4) and ``doc`` the document key less the segment's
smallest (3 bytes, or 4 for a segment spanning 2**24 keys), sorted.
:func:`encode` makes a segment's buckets, :func:`decode` reads buckets back as ``(h32, doc)``
arrays, :func:`bits_for`, :func:`widths` and :func:`level_of` size a segment,
:func:`plan_merges` says which segments to merge.

Why: one B-tree row per posting (256 per document) cost ~18 bytes each on disk and a random
B-tree insert each; packed, a posting costs 5-7 bytes and a write chunk is a few thousand
sequential rows. A query reads one bucket per band key per segment, so segments are merged
when ``FANOUT`` of one size tier exist (size-tiered, like an LSM tree): a corpus of ``N``
chunks has ``O(log N)`` segments and each posting is rewritten ``O(log N)`` times. Postings of
removed documents stay until their segment is merged; readers ignore keys no longer in the
document table (keys are never reused). A 32-bit identity collides for two band keys with
probability ~2**-32 per pair: a collision adds a candidate (checked exactly afterwards), it
never hides one.

>>> h, docs = band_ids([5, 6, 5 | 1 << 32]), np.array([7, 7, 9], dtype=np.uint32)
>>> layout = widths(1, docs)
>>> layout
(4, 3, 7)
>>> back = decode(list(encode(h, docs, 1, layout).items()), 1, layout)
>>> sorted(zip(back[0].tolist(), back[1].tolist())) == sorted(zip(h.tolist(), [7, 7, 9]))
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

U32 = npt.NDArray[np.uint32]
MAX_BITS = 16  # buckets per segment at most 2**16; beyond, checks fit in 2 bytes
BUCKET = 64  # postings per bucket a new segment aims at
TIER = 4  # size tiers grow by this factor ...
FANOUT = 4  # ... and this many segments of one tier are merged into one
BASE = 1 << 16  # postings of the smallest tier (about 256 documents)
SEGMENT_SHIFT = 24  # row id = segment << 24 | bucket


def band_ids(band_keys: Sequence[int] | npt.NDArray[np.int64]) -> U32:
    """32-bit identity of each band key: the top half of its splitmix64 hash."""
    h = np.asarray(band_keys, dtype=np.int64).astype(np.uint64)
    h = h + np.uint64(0x9E3779B97F4A7C15)
    h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    h = h ^ (h >> np.uint64(31))
    return (h >> np.uint64(32)).astype(np.uint32)


def bits_for(postings: int) -> int:
    """Bucket bits of a segment of ``postings`` postings: about :data:`BUCKET` per bucket."""
    if postings <= BUCKET:
        return 0
    return min(MAX_BITS, math.ceil(math.log2(postings / BUCKET)))


def level_of(postings: int) -> int:
    """Size tier of a segment: 0 up to :data:`BASE` postings, +1 per factor :data:`TIER`."""
    if postings <= BASE:
        return 0
    return math.ceil(math.log(postings / BASE, TIER) - 1e-9)


def widths(bits: int, docs: U32) -> tuple[int, int, int]:
    """``(check bytes, document bytes, base key)`` of a segment with ``bits`` and these keys.

    Checks take 2 bytes once a segment has :data:`MAX_BITS` bucket bits, else 4; document
    keys are stored as 3-byte offsets from the segment's smallest key when they span less than
    2**24, else as 4-byte keys.
    """
    base = int(docs.min()) if docs.size else 0
    span = int(docs.max()) - base if docs.size else 0
    return (2 if bits >= MAX_BITS else 4), (3 if span < 1 << 24 else 4), base


def bucket_of(h32: U32, bits: int) -> npt.NDArray[np.int64]:
    """The bucket of each identity in a segment with ``bits`` bucket bits."""
    return (h32.astype(np.int64) >> (32 - bits)) if bits else np.zeros(h32.size, dtype=np.int64)


def encode(h32: U32, docs: U32, bits: int, layout: tuple[int, int, int], *, runs: bool = False
           ) -> dict[int, bytes]:  # fmt: skip
    """``bucket -> blob`` of the postings ``(h32[i], docs[i])`` (duplicates dropped, sorted).

    ``layout``: :func:`widths` of the segment. A blob is fixed-width little-endian records:
    the identity's low ``32 - bits`` bits, then the document key minus the segment's base.
    ``runs``: the postings are a few sorted runs (decoded segments being merged), which a
    stable sort (timsort) merges in about linear time.
    """
    check_width, doc_width, base = layout
    combined = (h32.astype(np.uint64) << np.uint64(32)) | docs.astype(np.uint64)
    order = np.sort(combined, kind="stable") if runs else np.sort(combined)
    if order.size > 1:
        order = order[np.concatenate(([True], order[1:] != order[:-1]))]
    h, d = (order >> np.uint64(32)).astype(np.uint32), (order & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    records = np.empty((h.size, check_width + doc_width), dtype=np.uint8)
    checks = h & np.uint32((1 << (32 - bits)) - 1 if bits else 0xFFFFFFFF)
    records[:, :check_width] = checks.astype(f"<u{check_width}").view(np.uint8).reshape(-1, check_width)
    offsets = (d - np.uint32(base)).astype("<u4").view(np.uint8).reshape(-1, 4)
    records[:, check_width:] = offsets[:, :doc_width]
    buckets = bucket_of(h, bits)
    cuts = np.flatnonzero(np.diff(buckets)) + 1
    starts = np.concatenate(([0], cuts)).tolist()
    ends = [*cuts.tolist(), h.size]
    return {int(buckets[s]): records[s:e].tobytes() for s, e in zip(starts, ends, strict=True) if e > s}


def decode(rows: Sequence[tuple[int, bytes]], bits: int, layout: tuple[int, int, int]) -> tuple[U32, U32]:
    """``(h32, doc)`` arrays of ``(bucket, blob)`` rows of one segment (see :func:`encode`)."""
    check_width, doc_width, base = layout
    if not rows:
        return np.empty(0, dtype=np.uint32), np.empty(0, dtype=np.uint32)
    size = check_width + doc_width
    records = np.frombuffer(b"".join(blob for _, blob in rows), dtype=np.uint8).reshape(-1, size)
    counts = [len(blob) // size for _, blob in rows]
    checks = np.ascontiguousarray(records[:, :check_width]).view(f"<u{check_width}").ravel()
    padded = np.zeros((records.shape[0], 4), dtype=np.uint8)
    padded[:, :doc_width] = records[:, check_width:]
    docs = padded.view("<u4").ravel().astype(np.uint32) + np.uint32(base)
    h = checks.astype(np.uint64)
    if bits:
        buckets = np.repeat(np.array([b for b, _ in rows], dtype=np.uint64), counts)
        h |= buckets << np.uint64(32 - bits)
    return h.astype(np.uint32), docs


def plan_merges(segments: Sequence[tuple[int, int]]) -> list[int] | None:
    """Segment ids to merge next, given ``(segment, postings)`` pairs, or None when none.

    The oldest :data:`FANOUT` segments of the lowest tier holding that many.
    """
    tiers: dict[int, list[int]] = {}
    for seg, postings in sorted(segments):
        tiers.setdefault(level_of(postings), []).append(seg)
    for level in sorted(tiers):
        if len(tiers[level]) >= FANOUT:
            return tiers[level][:FANOUT]
    return None
