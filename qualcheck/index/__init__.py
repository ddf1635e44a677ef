"""The reuse engine: is an article a rewritten press release, which one, and where.

``ReuseEngine(corpus, audited).matches(doc)`` gives verified :class:`qualcheck.types.ReuseMatch`
records. Layers, each usable alone: :mod:`.shingles` (stable word and k-shingle hashes),
:mod:`.signatures` (MinHash), :mod:`.candidates` (containment LSH search), :mod:`.align`
(exact passages and shares), :mod:`.engine` (the pipeline and labels).
"""

from qualcheck.index.align import Alignment, align
from qualcheck.index.candidates import ContainmentIndex, containment
from qualcheck.index.engine import EngineStats, ReuseEngine
from qualcheck.index.labels import derivation_for, label_for
from qualcheck.index.shingles import TokenStream, shingle_hashes
from qualcheck.index.signatures import Signer

__all__ = [
    "Alignment",
    "ContainmentIndex",
    "EngineStats",
    "ReuseEngine",
    "Signer",
    "TokenStream",
    "align",
    "containment",
    "derivation_for",
    "label_for",
    "shingle_hashes",
]
