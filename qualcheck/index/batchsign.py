"""Shingle sets and MinHash values of many documents at once, from their word hashes.

What: :func:`shingle_sets` turns the word hashes of a batch of documents (one array, cut by
``bounds``) into each document's sorted distinct 32-bit shingle hashes, exactly as
:func:`qualcheck.index.shingles.shingles_from_hashes` gives them document by document;
:func:`minhash_values` gives the MinHash values of every set at once, exactly as
:meth:`qualcheck.index.signatures.Signer.values` gives them one by one.

Why: per document, these are a dozen numpy calls on a few hundred values, so the call overhead
was as large as the arithmetic; per batch it is paid once. The rolling polynomial runs over the
whole batch and the k-grams that straddle two documents are dropped; one sort orders every
document's shingles (document number in the high bits); the (shingles x permutations) blocks
are reduced document by document (a block that fits in the CPU cache).
:func:`shingles_of_texts` reads and shingles texts together (the index's candidate check).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qualcheck.index.fastscan import needs_regex, read_texts, text_groups
from qualcheck.index.scan import surface_words
from qualcheck.index.shingles import (
    _POLY,
    _mix64,
    kgram_hashes,
    shingles_from_hashes,
    sorted_unique,
    surface_hashes,
)
from qualcheck.index.signatures import BLOCK, Signer, _fmix32

__all__ = ["minhash_values", "shingle_sets", "shingles_of_texts"]

I64 = npt.NDArray[np.int64]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
_EMPTY = np.uint32(0xFFFFFFFF)
# Characters read at once by shingles_of_texts: small batches keep a search's transient arrays
# (and so the resident memory of an open index) small; measured 24-26 MB growth for 200
# searches of a 5,000-document index at 16-64k, 35 MB at 512k.
SEARCH_CHARS = 1 << 16


def shingle_sets(hashes: U64, bounds: I64, k: int) -> tuple[U32, I64]:
    """``(values, cuts)``: document ``i``'s sorted distinct 32-bit shingles are ``values[cuts[i]:cuts[i+1]]``.

    ``hashes[bounds[i]:bounds[i+1]]`` are document ``i``'s word hashes. A document shorter than
    ``k`` words has one shingle of all its words (none when empty), as document by document.
    """
    n_docs = bounds.size - 1
    lengths = np.diff(bounds)
    n = int(hashes.size)
    parts: list[U64] = []
    owners: list[I64] = []
    if n >= k:
        m = n - k + 1
        acc = hashes[:m].copy()
        for t in range(1, k):
            acc = acc * _POLY + hashes[t : t + m]
        doc = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)[:m]
        whole = np.arange(m, dtype=np.int64) + (k - 1) < bounds[1:][doc]  # inside one document
        parts.append(_mix64(acc[whole]))
        owners.append(doc[whole])
    for i in np.flatnonzero((lengths > 0) & (lengths < k)).tolist():  # short documents
        parts.append(kgram_hashes(hashes[bounds[i] : bounds[i + 1]], k))
        owners.append(np.full(1, i, dtype=np.int64))
    if not parts:
        return np.empty(0, dtype=np.uint32), np.zeros(n_docs + 1, dtype=np.int64)
    grams, owner = np.concatenate(parts), np.concatenate(owners)
    folded = (grams ^ (grams >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
    keyed = sorted_unique((owner.astype(np.uint64) << np.uint64(32)) | folded)
    cuts = np.searchsorted(keyed >> np.uint64(32), np.arange(n_docs + 1, dtype=np.uint64)).astype(np.int64)
    return (keyed & np.uint64(0xFFFFFFFF)).astype(np.uint32), cuts


def minhash_values(signer: Signer, values: U32, cuts: I64) -> U32:
    """``(documents, num_perm)`` MinHash values of the sets ``values[cuts[i]:cuts[i+1]]``.

    Exactly :meth:`Signer.values` of each set (an empty set: every value ``2**32 - 1``).
    """
    n_docs = cuts.size - 1
    out = np.full((n_docs, signer.num_perm), _EMPTY, dtype=np.uint32)
    hv = _fmix32(np.asarray(values, dtype=np.uint32))
    a, b = signer._a, signer._b  # the permutations Signer.values uses
    bounds = cuts.tolist()
    # One document's (shingles x permutations) block at a time: it stays in the CPU cache
    # (measured: 62 us a document, against 90-1,500 us for whole-batch blocks and reduceat).
    for i in range(n_docs):
        for lo in range(bounds[i], bounds[i + 1], BLOCK):
            block = hv[lo : min(lo + BLOCK, bounds[i + 1]), None] * a
            block += b
            np.minimum(out[i], block.min(axis=0), out=out[i])
    return out


def shingles_of_texts(texts: list[str], k: int) -> list[U32]:
    """Each text's sorted distinct 32-bit shingle hashes (as ``TokenStream.of(text).shingles(k)``).

    The texts are read together (:func:`qualcheck.index.fastscan.read_texts`); a text that may
    hold URLs, e-mails, handles or hashtags is read with the regex.
    """
    fast = [i for i, text in enumerate(texts) if not needs_regex(text)]
    out: list[U32] = [np.empty(0, dtype=np.uint32)] * len(texts)
    done: set[int] = set()
    for group in text_groups([len(texts[i]) for i in fast], limit=SEARCH_CHARS):
        try:
            batch = read_texts([texts[fast[j]] for j in group])
        except ValueError:  # two tokens sharing a key (never seen): these by the regex
            continue
        values, cuts = shingle_sets(batch.word_hashes(), batch.bounds, k)
        for at, j in enumerate(group):
            out[fast[j]] = values[cuts[at] : cuts[at + 1]]
            done.add(fast[j])
    for i in sorted(set(range(len(texts))).difference(done)):
        out[i] = shingles_from_hashes(surface_hashes(surface_words(texts[i])), k).astype(np.uint32)
    return out
