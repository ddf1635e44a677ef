"""Candidate search for containment: which indexed texts hold much of a query's shingles.

What: :class:`ContainmentIndex` wraps ``datasketch.MinHashLSHEnsemble``. Given an article's
MinHash and shingle-set size it returns the keys of indexed texts ``S`` whose estimated
containment ``|A & S| / |A|`` reaches the threshold, the article ``A`` being the query.

Why containment and not Jaccard: a 300-word story lifted from a 5,000-word release shares
40% of its own shingles with the release but its Jaccard with it is about 0.02; any Jaccard
threshold that catches it returns every document. LSH Ensemble partitions the index by set
size and tunes the bands per partition for the query/entry size ratio, so long sources are
searched as well as short ones.

Recall: LSH has no sharp cut-off (near the threshold it finds a pair about half the time),
so the ensemble is built at ``threshold * RECALL_MARGIN`` and tuned with ``WEIGHTS``
favouring false negatives; false positives (~5-7% of the index at 128 permutations) cost
one exact :func:`containment` check (~20 us) each in the engine. ``tests/test_index.py``
measures recall against brute-force exact containment (0.98 at 128 permutations). The
weak spot is a short article and a source 5-50 times longer: their Jaccard is ~0.01-0.03,
so often no MinHash value agrees at all; measured recall there is 0.89 at 128
permutations and 0.99 at 256 (``num_perm`` of the engine).

Limits: MinHashLSHEnsemble must receive every entry in one ``index()`` call, so the index is
built once; add documents by building a new one. The persistent index
(:mod:`qualcheck.index.persistent`) searches with :func:`band_keys` and :func:`plausible`
instead: one-row bands that can be added to and removed from, and a per-pair binomial test.

>>> from qualcheck.index.signatures import Signer
>>> signer = Signer(num_perm=64)
>>> src = "officials said the bridge will close for repairs from may until the end of july".split()
>>> s = signer.shingles(src)
>>> idx = ContainmentIndex(threshold=0.2, num_perm=64)
>>> idx.index([(0, signer.sign_shingles(s), len(s))])
>>> q = signer.shingles(src[:8] + "and drivers should expect long delays".split())
>>> idx.query(signer.sign_shingles(q), len(q))
[0]
>>> round(containment(q, s), 2)
0.5
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from datasketch import MinHash, MinHashLSHEnsemble
from scipy.special import bdtr

DEFAULT_THRESHOLD = 0.2  # containment of the query article's shingles in the source
RECALL_MARGIN = 0.5  # the ensemble is tuned for threshold * RECALL_MARGIN
WEIGHTS = (0.2, 0.8)  # (false positive, false negative) weights of the band optimiser
NUM_PART = 16  # size partitions of the ensemble (datasketch default)
MAX_R = 8  # datasketch's ``m``: largest band width it may choose
# Set sizes are rounded up to a geometric grid (steps of 5%) before partitioning: datasketch's
# optimal_partitions is quadratic in the number of distinct sizes (4.7 s for 1,500 documents
# with exact sizes). Sizes only place entries in partitions, and rounding up errs towards
# recall (a larger entry/query size ratio selects more bands).
SIZE_STEP = 1.05
# plausible(): chance of dropping a pair whose containment is exactly the threshold.
MISS_PROBABILITY = 1e-3


def _grid_size(size: int) -> int:
    """``size`` rounded up to the next point of the ``SIZE_STEP`` geometric grid."""
    if size <= 20:
        return size
    return int(math.ceil(SIZE_STEP ** math.ceil(math.log(size) / math.log(SIZE_STEP) - 1e-9)))


def containment(query: np.ndarray, source: np.ndarray) -> float:
    """Exact share of ``query``'s distinct shingles found in ``source`` (sorted unique arrays)."""
    if query.size == 0 or source.size == 0:
        return 0.0
    pos = np.searchsorted(source, query)  # both sorted: one binary search per query shingle
    pos[pos == source.size] = 0
    return float(np.count_nonzero(source[pos] == query)) / float(query.size)


@lru_cache(maxsize=16)
def _optimal_params(threshold: float, num_perm: int, m: int,
                    weights: tuple[float, float]) -> tuple[Any, Any, Any]:
    probe = MinHashLSHEnsemble.__new__(MinHashLSHEnsemble)
    probe.threshold, probe.h, probe.m = threshold, num_perm, m
    rs = MinHashLSHEnsemble._init_optimal_params(probe, weights)
    return probe.xqs, probe.params, frozenset(rs)


class _Ensemble(MinHashLSHEnsemble):  # type: ignore[misc]
    """datasketch's ensemble with its LSH parameters computed once per process.

    The optimal (bands, rows) take ~0.3 s of numeric integration and depend only on the
    threshold, permutations and weights, yet datasketch recomputes them for every index.
    """

    def _init_optimal_params(self, weights: Any) -> set[int]:
        self.xqs, self.params, rs = _optimal_params(self.threshold, self.h, self.m, tuple(weights))
        return set(rs)


class ContainmentIndex:
    """MinHash LSH Ensemble index over (key, MinHash, set size) entries; build once, query often.

    ``threshold`` is the containment the search must catch; the ensemble is tuned for
    ``threshold * recall_margin``. Keys must be hashable and sortable (ints or strings).
    """

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        num_perm: int = 128,
        *,
        recall_margin: float = RECALL_MARGIN,
        num_part: int = NUM_PART,
        weights: tuple[float, float] = WEIGHTS,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold (containment) must be in (0, 1], got {threshold!r}")
        if not 0.0 < recall_margin <= 1.0:
            raise ValueError(f"recall_margin must be in (0, 1], got {recall_margin!r}")
        self.threshold = threshold
        self.search_threshold = threshold * recall_margin
        self.num_perm = num_perm
        self._lsh = _Ensemble(threshold=self.search_threshold, num_perm=num_perm, num_part=num_part,
                              m=min(MAX_R, num_perm), weights=weights)
        self._keys: set[Any] = set()

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._keys

    def index(self, entries: Iterable[tuple[Hashable, MinHash, int]]) -> None:
        """Index all entries at once. Entries with an empty shingle set are skipped."""
        if self._keys:
            raise ValueError("ContainmentIndex.index() can be called once; build a new index to add texts")
        kept = [(key, mh, _grid_size(int(size))) for key, mh, size in entries if size > 0]
        if not kept:
            return
        self._keys = {key for key, _, _ in kept}
        if len(self._keys) != len(kept):
            raise ValueError("duplicate keys in ContainmentIndex.index()")
        self._lsh.index(kept)

    def query(self, minhash: MinHash, size: int, *, exclude: Hashable | None = None) -> list[Any]:
        """Sorted keys of candidate texts holding >= threshold of the query's shingles.

        ``exclude`` (the query's own key) is never returned.
        """
        if size <= 0 or not self._keys:
            return []
        found = set(self._lsh.query(minhash, int(size)))
        found.discard(exclude)
        return sorted(found)

    @staticmethod
    def brute_force(
        query: np.ndarray, entries: Sequence[tuple[Hashable, np.ndarray]], threshold: float
    ) -> list[Any]:
        """Exact containment search (what the index approximates); for tests and small corpora."""
        return sorted(key for key, shingles in entries if containment(query, shingles) >= threshold)


def band_keys(signature: npt.ArrayLike) -> list[int]:
    """One-row LSH band keys ``i << 32 | value`` of 32-bit MinHash values (affine32 scheme).

    >>> band_keys([7, 5])
    [7, 4294967301]
    """
    values = np.asarray(signature, dtype=np.int64)
    return ((np.arange(values.size, dtype=np.int64) << 32) | values).tolist()


def plausible(found: dict[int, tuple[int, int]], q: int, num_perm: int, threshold: float) -> list[int]:
    """Sorted keys whose ``(agreeing MinHash values, set size)`` fit containment >= ``threshold``.

    For a query of ``q`` shingles and an entry of ``x``, containment ``t`` means Jaccard at
    least ``J = tq / (q + x - tq)``, and the number of agreeing values is then
    Binomial(``num_perm``, J) or larger. An entry is dropped when ``x < tq`` (containment
    ``t`` impossible) or when ``P(K <= k) < MISS_PROBABILITY`` at ``J``: a long entry (tiny
    ``J``) passes with one agreeing value, an entry of the query's size needs several.

    >>> plausible({1: (1, 300), 2: (1, 5000), 3: (30, 300), 4: (9, 20)}, 300, 256, 0.2)
    [2, 3]
    """
    if not found or q <= 0:
        return []
    keys = np.fromiter(found, dtype=np.int64, count=len(found))
    k, x = np.array(list(found.values()), dtype=np.float64).reshape(-1, 2).T
    shared = threshold * q
    jaccard = np.clip(shared / np.maximum(q + x - shared, 1.0), 0.0, 1.0)
    keep = (x >= shared) & (bdtr(k, num_perm, jaccard) >= MISS_PROBABILITY)
    return sorted(keys[keep].tolist())
