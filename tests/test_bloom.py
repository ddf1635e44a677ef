"""Bloom filters of shingle sets (qualcheck.index.bloom) and their use in the index search."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from synthetic import doc, join, sentences

from qualcheck.index import TokenStream
from qualcheck.index import persistent as persistent_module
from qualcheck.index.bloom import FILTER_BITS, could_contain, filter_hits, shingle_filter
from qualcheck.index.candidates import containment
from qualcheck.index.persistent import open_index


def _sets(rng: np.random.Generator, n: int, size: int) -> list[np.ndarray]:
    return [np.unique(rng.integers(0, 2**32, size, dtype=np.uint32)) for _ in range(n)]


def test_filter_size_and_empty_set() -> None:
    assert shingle_filter(np.empty(0, dtype=np.uint32)) == b""
    assert len(shingle_filter(np.arange(1000, dtype=np.uint32))) == FILTER_BITS * 1000 // 8
    assert filter_hits(np.arange(5, dtype=np.uint32), [b""]).tolist() == [0]
    assert filter_hits(np.empty(0, dtype=np.uint32), [b"\xff"]).tolist() == [0]
    assert could_contain(np.empty(0, dtype=np.uint32), [b"\xff"], 0.1).tolist() == [False]


def test_hits_never_undercount_and_rarely_overcount() -> None:
    """No false negatives: hits >= the true intersection, for every filter tested at once."""
    rng = np.random.default_rng(7)
    sources = _sets(rng, 60, 50) + _sets(rng, 60, 3000)
    query = np.unique(np.concatenate([sources[3][:30], sources[70][:200], rng.integers(0, 2**32, 300,
                                                                                      dtype=np.uint32)]))
    hits = filter_hits(query, [shingle_filter(s) for s in sources])
    exact = np.array([np.isin(query, s).sum() for s in sources])
    assert (hits >= exact).all()
    assert exact[3] == 30 and exact[70] == 200
    extra = (hits - exact).sum() / (len(sources) * query.size)
    assert 0.01 < extra < 0.09  # ~5.6% false positives at 6 bits and 4 hashes a shingle


def test_could_contain_keeps_every_source_at_the_threshold_and_drops_unrelated() -> None:
    rng = np.random.default_rng(11)
    query = np.unique(rng.integers(0, 2**32, 400, dtype=np.uint32))
    sources = []
    for share in (0.1, 0.2, 0.5, 0.0, 0.02):  # containment of the query in each source
        own = rng.integers(0, 2**32, 2000, dtype=np.uint32)
        sources.append(np.unique(np.concatenate([query[: int(share * query.size)], own])))
    keep = could_contain(query, [shingle_filter(s) for s in sources], 0.1).tolist()
    assert [containment(query, s) >= 0.1 for s in sources] == [True, True, True, False, False]
    assert keep == [True, True, True, False, False]


def test_many_filters_in_blocks_give_the_same_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    sources, query = _sets(rng, 40, 500), np.unique(rng.integers(0, 2**32, 700, dtype=np.uint32))
    blooms = [shingle_filter(s) for s in sources]
    whole = filter_hits(query, blooms)
    import qualcheck.index.bloom as bloom

    monkeypatch.setattr(bloom, "FILTER_BLOCK", 1)  # one filter per numpy pass
    assert filter_hits(query, blooms).tolist() == whole.tolist()


def test_index_search_is_the_same_with_and_without_the_filter(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The filter only spares exact checks: the search returns exactly what it returned without it,
    which is exactly the documents holding >= threshold of the query (brute force)."""
    rng = random.Random(5)
    long = [doc(f"long{i}", join(sentences(rng, 400))) for i in range(6)]
    short = [doc(f"short{i}", join(sentences(rng, 40))) for i in range(30)]
    queries = [doc("q0", " ".join(long[0].text.split()[100:160]) + " " + join(sentences(rng, 20))),
               doc("q1", short[2].text), doc("q2", join(sentences(rng, 50)))]
    with open_index(tmp_path / "f.qcx", create=True) as index:
        index.add(long + short)
        checked: list[int] = []
        real = index._candidate_shingles

        def counting(keys):  # type: ignore[no-untyped-def]
            checked.append(len(keys))
            return real(keys)

        monkeypatch.setattr(index, "_candidate_shingles", counting)
        filtered = [index.candidates(q, 0.1) for q in queries]
        with_filter = sum(checked)
        index._cache.clear()
        monkeypatch.setattr(persistent_module, "could_contain",
                            lambda query, blooms, t: np.ones(len(blooms), dtype=bool))
        checked.clear()
        assert [index.candidates(q, 0.1) for q in queries] == filtered
        assert with_filter <= sum(checked)
    texts = {d.doc_id: TokenStream.of(d.text).shingles(3) for d in long + short}
    for q, got in zip(queries, filtered, strict=True):
        query = TokenStream.of(q.text).shingles(3)
        assert got == sorted(k for k, s in texts.items() if containment(query, s) >= 0.1)
    assert filtered[0] == ["long0"] and filtered[1] == ["short2"] and filtered[2] == []
