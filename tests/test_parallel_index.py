"""Preparing documents on several processes or a Dask cluster (qualcheck.index.parallel).

The reference is always a serial build (``workers=1``): every table of the index (documents,
postings, vocabulary) must come out row for row the same, whatever prepared the documents.
Synthetic texts come from tests/test_persistent_index.py.
"""

from __future__ import annotations

import functools
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from synthetic import copy_article, doc, join, rewrite, sentences

from qualcheck.cli import main
from qualcheck.index import TokenStream, parallel
from qualcheck.index.persistent import CorpusIndex, open_index
from qualcheck.index.store import IndexSettings
from qualcheck.types import Document
from qualcheck.vocab import Vocabulary

ROOT = Path(__file__).parents[1]
TABLES = ("docs", "segments", "postings", "forms", "norms")


def _corpus(n: int = 260) -> tuple[list[Document], list[Document]]:
    """``n`` sources (a few doc_ids repeated: the last version wins) and 12 queries copying them."""
    import random

    rng = random.Random(5)
    texts = [sentences(rng, rng.randint(80, 400)) for _ in range(n)]
    docs = [doc(f"s{i}", join(t)) for i, t in enumerate(texts)]
    docs[10] = Document("s3", "s3b.txt", join(rewrite(rng, texts[3])), meta={"desk": "metro"})
    docs.insert(150, doc("s7", join(texts[150])))
    queries = [doc(f"q{i}", join(copy_article(rng, texts[i * 20], 0.6, 200)[0])) for i in range(12)]
    return docs, queries


DOCS, QUERIES = _corpus()


def tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    db = sqlite3.connect(path)
    try:
        return {t: db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES}
    finally:
        db.close()


def build(path: Path, docs: list[Document], **kwargs: Any) -> Path:
    with open_index(path, create=True) as index:
        index.add(docs, chunk_size=70, **kwargs)
    return path


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("serial") / "serial.qcx", DOCS, workers=1)


def assert_same_index(path: Path, reference: Path) -> None:
    assert tables(path) == tables(reference)
    with open_index(path) as got, open_index(reference) as ref:
        assert got.info()["documents"] == ref.info()["documents"] == len({d.doc_id for d in DOCS})
        assert got.ids() == ref.ids()
        some = ["s0", "s3", "s7", "s99", "s250"]
        assert got.store.records(list(got.store.keys_of(some).values())) == ref.store.records(
            list(ref.store.keys_of(some).values())
        )
        for q in QUERIES:
            assert got.candidates(q, 0.2) == ref.candidates(q, 0.2)
        assert sum(bool(got.candidates(q, 0.2)) for q in QUERIES) >= 10
        assert got.vocabulary() == ref.vocabulary()


def test_two_processes_build_the_serial_index(serial: Path, tmp_path: Path) -> None:
    seen: list[tuple[int, int | None]] = []
    path = build(tmp_path / "two.qcx", DOCS, workers=2, progress=lambda d, t: seen.append((d, t)))
    assert_same_index(path, serial)
    assert seen == [(min(i * 70, len(DOCS)), len(DOCS)) for i in range(1, 5)]
    with open_index(path) as index:  # and the serial build is right: the in-memory vocabulary
        assert index.vocabulary() == Vocabulary.build(index.documents(index.ids()))


def test_input_is_streamed_with_a_few_chunks_in_flight(serial: Path, tmp_path: Path) -> None:
    read = 0
    ahead: list[int] = []

    def stream() -> Iterator[Document]:
        nonlocal read
        for d in DOCS:
            read += 1
            yield d

    def progress(done: int, total: int | None) -> None:
        assert total is None  # a generator has no length
        ahead.append(read - done)

    path = build(tmp_path / "stream.qcx", stream(), workers=2, progress=progress)
    assert max(ahead) <= (parallel.PREFETCH + 1) * 70 and read == len(DOCS)
    assert tables(path) == tables(serial)


def test_re_adding_replaces_the_same_way_on_any_pool(tmp_path: Path) -> None:
    paths = []
    for workers in (1, 2):
        path = build(tmp_path / f"re{workers}.qcx", DOCS[:120], workers=workers)
        with open_index(path) as index:
            index.add(DOCS[60:], chunk_size=70, workers=workers)
        paths.append(path)
    assert tables(paths[0]) == tables(paths[1])
    with open_index(paths[1]) as index:
        assert index.vocabulary() == Vocabulary.build(index.documents(index.ids()))


def test_a_failed_write_stops_the_workers_and_keeps_committed_chunks(tmp_path: Path) -> None:
    with open_index(tmp_path / "fail.qcx", create=True) as index:
        put, calls = index.store.put_docs, []

        def put_then_fail(rows: Any, bands: Any) -> None:
            calls.append(1)
            if len(calls) == 2:
                raise RuntimeError("disk full")
            put(rows, bands)

        index.store.put_docs = put_then_fail  # type: ignore[method-assign]
        with pytest.raises(RuntimeError, match="disk full"):
            index.add(DOCS, chunk_size=70, workers=2)
        assert len(index) == len({d.doc_id for d in DOCS[:70]}) == 69


def test_small_inputs_run_inline_and_bad_worker_counts_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*_: Any, **__: Any) -> Any:
        raise AssertionError("a process pool was started")

    monkeypatch.setattr(parallel, "local_pool", no_pool)
    chunks = list(parallel.prepared_chunks(DOCS[:20], IndexSettings(), workers=8))
    assert [(len(c.records), c.inputs) for c in chunks] == [(19, 20)]  # s3 twice
    for bad in (0, -1, True, 1.5):
        with pytest.raises(ValueError, match="workers must be an integer >= 1"):
            list(parallel.prepared_chunks(DOCS[:20], IndexSettings(), workers=bad))  # type: ignore[arg-type]


# --- Dask --------------------------------------------------------------------------------------


def test_dask_local_cluster_builds_the_serial_index(serial: Path, tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    with parallel.dask_pool(n_workers=2) as pool:
        assert pool.workers == 2
        path = build(tmp_path / "dask.qcx", DOCS, pool=pool)
    assert_same_index(path, serial)


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_workers_and_dask_build_the_same_index(tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    folder = tmp_path / "corpus"
    folder.mkdir()
    for d in DOCS[:150]:  # enough for a pool (smaller inputs are prepared inline)
        (folder / d.path).write_text(d.text, encoding="utf-8")
    samples, n = str(folder), len({d.path for d in DOCS[:150]})
    built = {}
    for name, extra in {"one": ["--workers", "1"], "all": [], "dask": ["--dask-workers", "2"]}.items():
        path = tmp_path / f"{name}.qcx"
        code, out, err = invoke("index", "build", samples, "--index", str(path), *extra)
        assert code == 0, err
        assert out.strip() == f"built {path}: {n} document(s), 0 skipped"
        built[name] = tables(path)
    assert built["one"] == built["all"] == built["dask"]
    code, out, err = invoke("index", "add", samples, "--index", str(tmp_path / "one.qcx"), "--workers", "2")
    assert code == 0 and out.strip().endswith(f"it holds {n}"), err


def test_cli_errors_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    samples = str(ROOT / "samples" / "corpus")
    cases = {
        ("--workers", "0"): "Invalid value for '--workers'",
        ("--workers", "2", "--dask-workers", "2"): "--workers sets local processes",
        ("--scheduler", "tcp://127.0.0.1:9", "--dask-workers", "2"): "not both",
    }
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # as if not installed
    cases[("--dask-workers", "2")] = "need dask.distributed: pip install 'qualcheck[dask]'"
    for i, (extra, message) in enumerate(cases.items()):
        path = tmp_path / f"e{i}.qcx"
        code, _, err = invoke("index", "build", samples, "--index", str(path), *extra)
        assert code == 2, err
        (line,) = err.strip().splitlines()
        assert line.startswith("qualcheck: error: ") and message in line, line
        assert not path.exists()  # nothing created


def test_unreachable_scheduler_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    import socket

    monkeypatch.setattr(parallel, "dask_pool", functools.partial(parallel.dask_pool, timeout=1.0))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    corpus, where = str(ROOT / "samples" / "corpus"), str(tmp_path / "x.qcx")
    code, _, err = invoke("index", "build", corpus, "--index", where, "--scheduler", f"tcp://127.0.0.1:{port}")
    assert code == 2
    (line,) = err.strip().splitlines()
    assert line.startswith(f"qualcheck: error: cannot reach the Dask scheduler at tcp://127.0.0.1:{port}")
    assert not (tmp_path / "x.qcx").exists()


def test_prepare_is_pure_and_plain(serial: Path) -> None:
    """The same document gives the same record on every call; only plain values inside."""
    import pickle

    record, signature, vocabulary = parallel.prepare(DOCS[10], IndexSettings())
    again = parallel.prepare(DOCS[10], IndexSettings())
    assert (record, signature, vocabulary) == again and record.key == 0 and record.meta == '{"desk": "metro"}'
    assert pickle.loads(pickle.dumps(again)) == again
    with open_index(serial) as index:
        assert isinstance(index, CorpusIndex)
        (stored,) = index.store.records(list(index.store.keys_of(["s3"]).values()))
        assert stored == replace(record, key=stored.key)
        shingles = TokenStream.of(DOCS[10].text).shingles(3)
        assert signature == index.signer.sign_shingles(shingles).hashvalues.astype("<u4").tobytes()
