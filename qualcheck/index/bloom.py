"""Bloom filters of shingle sets: an upper bound on a query's containment, without the text.

What: :func:`shingle_filter` makes a document's filter (``FILTER_BITS`` bits per distinct
shingle, ``FILTER_HASHES`` bits set per shingle), stored with the document by the persistent
index; :func:`filter_hits` counts, for many filters at once, the query shingles each may hold,
and :func:`could_contain` says which filters may hold ``threshold`` of the query.

Why: the persistent index's candidate rule (:func:`qualcheck.index.candidates.plausible`)
must keep long documents with a single agreeing MinHash value, or a short query lifted from a
long source would be missed; at the engine's search threshold (0.1) that left ~330 candidates
per query on 20k perturbed BBC copies, each re-read and re-shingled for the exact check (the
texts not in the shingle cache: ~250). A Bloom filter has no false
negatives, so its count is at least the true number of shared shingles: dropping a document
whose *upper bound* is below the threshold can never drop one the exact check would keep, and
at ~5.6% false positives it drops nearly all chance candidates (shared containment ~0.02).
The exact containment check stays the source of truth for what passes.

>>> src = np.arange(0, 400, dtype=np.uint32)
>>> bloom = shingle_filter(src)
>>> len(bloom), int(filter_hits(np.arange(300, 700, dtype=np.uint32), [bloom])[0]) >= 100
(300, True)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from qualcheck.index.signatures import _fmix32

__all__ = ["FILTER_BITS", "could_contain", "filter_hits", "shingle_filter"]

FILTER_BITS = 6  # Bloom filter bits per distinct shingle of a document (~280 bytes a news article)
FILTER_HASHES = 4  # bits set per shingle (the false-positive rate is ~5.6% at 6 bits per shingle)
FILTER_BLOCK = 1 << 18  # (filters x hashes x query shingles) bit tests per numpy pass
_SEEDS = (np.uint32(0x9747B28C), np.uint32(0x5BD1E995))


def _filter_hashes(shingles: npt.ArrayLike) -> npt.NDArray[np.uint64]:
    """``(FILTER_HASHES, n)`` 32-bit hashes of each shingle (double hashing ``h1 + i * h2``)."""
    values = np.asarray(shingles, dtype=np.uint32)
    h1, h2 = _fmix32(values ^ _SEEDS[0]), _fmix32(values ^ _SEEDS[1]) | np.uint32(1)
    steps = np.arange(FILTER_HASHES, dtype=np.uint32)[:, None]
    return (h1[None, :] + steps * h2[None, :]).astype(np.uint64)  # uint32 arithmetic wraps


def shingle_filter(shingles: npt.ArrayLike) -> bytes:
    """A Bloom filter of a document's distinct 32-bit shingles: ``FILTER_BITS`` bits each.

    Stored with the document so :func:`could_contain` can bound a query's containment in it
    without its text. Empty for an empty set.

    >>> len(shingle_filter(np.arange(100, dtype=np.uint32)))
    75
    """
    n = int(np.size(shingles))
    if n == 0:
        return b""
    m = 8 * -(-FILTER_BITS * n // 8)
    bits = np.zeros(m, dtype=np.uint8)
    bits[((_filter_hashes(shingles) * np.uint64(m)) >> np.uint64(32)).astype(np.int64).ravel()] = 1
    return np.packbits(bits, bitorder="little").tobytes()


def filter_hits(query: npt.ArrayLike, filters: Sequence[bytes]) -> npt.NDArray[np.int64]:
    """For each filter, how many of ``query``'s distinct shingles it may hold (all bits set).

    A Bloom filter has no false negatives, so each count is at least the number of query
    shingles really in that document: ``hits / len(query)`` bounds the containment from above.
    """
    out = np.zeros(len(filters), dtype=np.int64)
    q = int(np.size(query))
    if q == 0 or not filters:
        return out
    hashes = _filter_hashes(query)
    sizes = np.array([len(f) for f in filters], dtype=np.int64)
    live = np.flatnonzero(sizes)
    if live.size == 0:
        return out
    step = max(1, FILTER_BLOCK // hashes.size)  # filters tested at once: bounded arrays
    for lo in range(0, live.size, step):
        some = live[lo : lo + step]
        packed = np.frombuffer(b"".join(filters[i] for i in some.tolist()), dtype=np.uint8)
        starts = np.concatenate(([0], np.cumsum(sizes[some])[:-1])) * 8
        m = (sizes[some] * 8).astype(np.uint64)
        pos = ((hashes[None, :, :] * m[:, None, None]) >> np.uint64(32)).astype(np.int64)
        pos += starts[:, None, None]
        held = (packed[pos >> 3] >> (pos & 7).astype(np.uint8)) & np.uint8(1)
        out[some] = held.all(axis=1).sum(axis=1)
    return out


def could_contain(query: npt.ArrayLike, filters: Sequence[bytes], threshold: float) -> npt.NDArray[np.bool_]:
    """Which filtered documents may hold >= ``threshold`` of ``query``'s shingles.

    False only when even the filter's upper bound is below the threshold, so a document with
    exact :func:`containment` >= ``threshold`` is never dropped (the same float comparison).

    >>> src = np.arange(0, 400, dtype=np.uint32)
    >>> could_contain(np.arange(300, 700, dtype=np.uint32), [shingle_filter(src)], 0.2).tolist()
    [True]
    >>> could_contain(np.arange(1000, 1400, dtype=np.uint32), [shingle_filter(src)], 0.2).tolist()
    [False]
    """
    q = int(np.size(query))
    if q == 0:
        return np.zeros(len(filters), dtype=bool)
    return filter_hits(query, filters) / float(q) >= threshold
