"""MinHash signatures of word-shingle sets, with datasketch.

What: :class:`Signer` turns a document's words into a ``datasketch.LeanMinHash`` over its
word k-shingles (:mod:`qualcheck.index.shingles`), plus the exact set size that
containment search (:class:`datasketch.MinHashLSHEnsemble`) needs.

Why this way: the shingles are already stable 32-bit integers, so no hash function runs
per shingle; :meth:`Signer.values` applies datasketch 2.0's ``affine32`` scheme itself (the
MurmurHash3 finaliser, then all ``num_perm`` permutations as one numpy broadcast, shingles x
permutations, in uint32 arithmetic), so there is no Python call per shingle or permutation
and no conversion to Python ints. The values are bit for bit those of datasketch's
``MinHash(scheme="affine32", seed=seed).update_batch`` with an identity hash function
(``tests/test_index_scan.py``), so signatures stay comparable with datasketch's and between
the in-memory and persistent indexes. ``affine32`` takes inputs below 2**32, hence the
32-bit fold in :func:`qualcheck.index.shingles.shingle_hashes`; it is collision-free in the
permutation step. Every signature of one :class:`Signer` shares ``num_perm``, ``seed`` and
scheme, so they can be compared and indexed.

>>> signer = Signer(num_perm=64, shingle_size=3)
>>> a = signer.sign("the board approved the new budget on monday".split())
>>> b = signer.sign("the board approved the new budget on tuesday".split())
>>> 0.4 < a.jaccard(b) < 1.0
True
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from datasketch import LeanMinHash, MinHash

from qualcheck.index.shingles import U32, U64, shingles_from_hashes, word_hashes

DEFAULT_NUM_PERM = 128
MIN_NUM_PERM = 16  # below this the containment estimates are too noisy to search with
DEFAULT_SHINGLE_SIZE = 3  # words; 3 survives light rewrites (see the engine docstring)
SCHEME = "affine32"


BLOCK = 2048  # shingles per (shingles x permutations) block in Signer.values
_EMPTY = np.uint32(0xFFFFFFFF)


def _fmix32(h: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    """MurmurHash3's 32-bit finaliser, as datasketch applies it before the affine32 permutations."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h


def check_params(num_perm: int, shingle_size: int) -> None:
    """Raise ``ValueError`` with a readable message for unusable signature parameters."""
    if not isinstance(num_perm, int) or isinstance(num_perm, bool) or num_perm < MIN_NUM_PERM:
        raise ValueError(f"num_perm must be an integer >= {MIN_NUM_PERM}, got {num_perm!r}")
    if not isinstance(shingle_size, int) or isinstance(shingle_size, bool) or shingle_size < 1:
        raise ValueError(f"shingle_size (words per shingle) must be an integer >= 1, got {shingle_size!r}")


class Signer:
    """Makes comparable MinHash signatures of word lists.

    ``num_perm`` permutations (>= 16), word ``shingle_size`` (>= 1), ``seed`` for the
    permutations. :meth:`sign` returns a frozen ``LeanMinHash``; :meth:`sign_shingles`
    signs an existing shingle array (and is what the engine uses, with the set size).
    """

    def __init__(
        self, num_perm: int = DEFAULT_NUM_PERM, shingle_size: int = DEFAULT_SHINGLE_SIZE, seed: int = 1
    ) -> None:
        check_params(num_perm, shingle_size)
        self.num_perm = num_perm
        self.shingle_size = shingle_size
        self.seed = seed
        # Permutations are drawn once here and shared by every signature (saves the
        # RandomState draw per document).
        a, b = MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations
        self._a = np.asarray(a, dtype=np.uint32)
        self._b = np.asarray(b, dtype=np.uint32)

    def shingles(self, words: list[str]) -> U32 | U64:
        """The distinct 32-bit shingle hashes this signer signs."""
        return shingles_from_hashes(word_hashes(words), self.shingle_size)

    def values(self, shingles: U32 | U64) -> npt.NDArray[np.uint32]:
        """The ``num_perm`` MinHash values of a set of 32-bit shingle hashes, as a uint32 array.

        Exactly datasketch's ``affine32`` ``update_batch`` (MurmurHash3 finaliser, then
        ``a * h + b`` wrapping in uint32, minimum per permutation), computed here in blocks of
        :data:`BLOCK` shingles so a long text never needs a (shingles x permutations) array
        of more than a few MB. An empty set gives the empty sketch (every value ``2**32 - 1``).
        """
        out = np.full(self.num_perm, _EMPTY, dtype=np.uint32)
        hv = _fmix32(np.asarray(shingles, dtype=np.uint32))
        a, b = self._a, self._b
        for i in range(0, hv.size, BLOCK):
            block = hv[i : i + BLOCK, None] * a
            block += b
            np.minimum(out, block.min(axis=0), out=out)
        return out

    def sign_shingles(self, shingles: U32 | U64) -> LeanMinHash:
        """MinHash of a set of 32-bit shingle hashes (an empty set gives an empty sketch)."""
        return LeanMinHash(seed=self.seed, hashvalues=self.values(shingles), scheme=SCHEME)

    def sign(self, words: list[str]) -> LeanMinHash:
        """MinHash of the word k-shingles of ``words`` (normalised words, in order)."""
        return self.sign_shingles(self.shingles(words))
