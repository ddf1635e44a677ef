"""MinHash signatures of word-shingle sets, with datasketch.

What: :class:`Signer` turns a document's words into a ``datasketch.LeanMinHash`` over its
word k-shingles (:mod:`qualcheck.index.shingles`), plus the exact set size that
containment search (:class:`datasketch.MinHashLSHEnsemble`) needs.

Why this way: the shingles are already stable 32-bit integers, so datasketch gets an
identity ``hashfunc`` (no SHA1 per shingle) and one ``update_batch`` call; datasketch 2.0's
default ``affine32`` scheme then pre-mixes them with the MurmurHash3 finaliser and applies
all ``num_perm`` permutations as one numpy broadcast (shingles x permutations), so there
is no Python call per shingle x permutation. ``affine32`` takes inputs below 2**32, hence
the 32-bit fold in :func:`qualcheck.index.shingles.shingle_hashes`; it is collision-free in
the permutation step, unlike the pre-2.0 ``legacy`` scheme. Every signature of one
:class:`Signer` shares ``num_perm``, ``seed`` and scheme, so they can be compared and indexed.

>>> signer = Signer(num_perm=64, shingle_size=3)
>>> a = signer.sign("the board approved the new budget on monday".split())
>>> b = signer.sign("the board approved the new budget on tuesday".split())
>>> 0.4 < a.jaccard(b) < 1.0
True
"""

from __future__ import annotations

import numpy as np
from datasketch import LeanMinHash, MinHash

from qualcheck.index.shingles import U32, U64, shingles_from_hashes, word_hashes

DEFAULT_NUM_PERM = 128
MIN_NUM_PERM = 16  # below this the containment estimates are too noisy to search with
DEFAULT_SHINGLE_SIZE = 3  # words; 3 survives light rewrites (see the engine docstring)
SCHEME = "affine32"


def _identity(value: int) -> int:
    """datasketch ``hashfunc``: shingles arrive already hashed (module level so it pickles)."""
    return value


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
        self._permutations = MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations

    def shingles(self, words: list[str]) -> U32 | U64:
        """The distinct 32-bit shingle hashes this signer signs."""
        return shingles_from_hashes(word_hashes(words), self.shingle_size)

    def sign_shingles(self, shingles: U32 | U64) -> LeanMinHash:
        """MinHash of a set of 32-bit shingle hashes (an empty set gives an empty sketch)."""
        mh = MinHash(
            num_perm=self.num_perm,
            seed=self.seed,
            hashfunc=_identity,
            permutations=self._permutations,
            scheme=SCHEME,
        )
        if len(shingles):
            # Python ints: datasketch converts the batch with np.array(dtype=uint32).
            mh.update_batch(np.asarray(shingles, dtype=np.uint64).tolist())
        return LeanMinHash(mh)

    def sign(self, words: list[str]) -> LeanMinHash:
        """MinHash of the word k-shingles of ``words`` (normalised words, in order)."""
        return self.sign_shingles(self.shingles(words))
