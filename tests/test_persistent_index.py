"""The persistent corpus index (qualcheck.index.persistent) on SQLite and Redis.

Checked against the in-memory references: ``ReuseEngine`` matches on samples/ and on
synthetic pairs, ``Vocabulary.build`` over the stored documents, brute-force containment for
candidate recall. Synthetic texts follow tests/test_index.py: a Zipf-like pseudo-word
vocabulary with frequent function words, articles copying known shares of a source.
Redis tests start a private ``redis-server`` and are skipped only when it is not installed.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import textwrap
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from synthetic import copy_article, doc, join, recall_pairs, sentences

from qualcheck.index import ContainmentIndex, ReuseEngine, TokenStream
from qualcheck.index.persistent import CorpusIndex, open_index
from qualcheck.index.store import IndexFormatError, IndexSettings
from qualcheck.load import load_paths
from qualcheck.types import Document
from qualcheck.vocab import Vocabulary

ROOT = Path(__file__).parents[1]
CORPUS = list(load_paths([ROOT / "samples" / "corpus"]).documents)
ARTICLES = list(load_paths([ROOT / "samples" / "articles"]).documents)

@pytest.fixture(scope="module")
def pairs() -> tuple[list[Document], list[Document]]:
    """200 (source, article) pairs, as test_index.recall_set uses."""
    sources, articles = recall_pairs()
    return sources, articles


def build(location: str | Path, docs: list[Document], **kwargs: object) -> CorpusIndex:
    index = open_index(str(location), create=True, **kwargs)  # type: ignore[arg-type]
    index.add(docs)
    return index


# --- Redis server --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """A private redis-server on a free port of 127.0.0.1, stopped at teardown."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    redis = pytest.importorskip("redis", reason="the redis package is not installed (pip install redis)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    proc = subprocess.Popen([*args, "--daemonize", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    client = redis.Redis(port=port)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if proc.poll() is not None:
                    pytest.fail(f"redis-server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=10)


def fresh_redis(url: str) -> str:
    import redis

    with redis.Redis.from_url(url) as client:
        client.flushdb()
    return url


# --- equality with the in-memory engine and the vocabulary ----------------------------------


def test_samples_match_the_in_memory_engine(tmp_path: Path) -> None:
    memory = ReuseEngine(CORPUS, ARTICLES, num_perm=256)
    with build(tmp_path / "corpus.qcx", CORPUS) as index:
        engine = ReuseEngine.from_index(index, ARTICLES)
        got = {a.doc_id: engine.matches(a) for a in ARTICLES}
        assert got == {a.doc_id: memory.matches(a) for a in ARTICLES}
        assert engine.stats.documents == len(CORPUS) + len(ARTICLES)
    found = {Path(k).name: [(Path(m.source_id).name, m.label) for m in v] for k, v in got.items() if v}
    assert found == {
        "01-virtual-idol-lab.txt": [("saebyeok-gust-virtual-idols.txt", "duplicate")],
        # samples/README.md: ~62% of its words are the release, lightly edited (sentence pairs count)
        "02-kdx-raises-forecast.txt": [("kestrel-kdx-q3-results.txt", "rewrite")],
        "03-tram-and-record-signing.txt": [
            ("kelbridge-eastway-tram.txt", "partial-reuse"),
            ("meridian-wire-alvarenga-transfer.txt", "partial-reuse"),
        ],
    }


def test_documents_round_trip_and_info(tmp_path: Path) -> None:
    docs = CORPUS + ARTICLES
    with build(tmp_path / "all.qcx", docs) as index:
        ids = [d.doc_id for d in docs]
        assert index.ids() == ids and len(index) == 11
        assert index.documents(ids) == docs  # text, title, kind, line_offset and meta
        assert dict(index.documents([ARTICLES[-1].doc_id])[0].meta)["author"] == "Rachel Moon"
        with pytest.raises(KeyError, match="nope"):
            index.documents(["nope"])
        assert index.documents(["nope", ids[0]], missing_ok=True) == docs[:1]
        info = index.info()
        assert info["documents"] == 11 and info["backend"] == "sqlite" and info["size_bytes"] > 0
        assert info["settings"] == {"shingle_size": 3, "num_perm": 256, "seed": 1, "hash": "blake2b-64",
                                    "format_version": 3}  # fmt: skip
        assert info["created"] <= info["updated"] and info["created"].endswith("+00:00")
    db = sqlite3.connect(tmp_path / "all.qcx")  # plain values only: JSON, zlib, packed integers
    meta, size, text = db.execute("SELECT meta, size, text FROM docs JOIN sizes USING (key) WHERE key = 11"
                                  ).fetchone()
    assert json.loads(meta)["source"] == "staff" and zlib.decompress(text).decode() == docs[-1].text
    assert size == TokenStream.of(docs[-1].text).shingles(3).size
    ((postings,),) = db.execute("SELECT SUM(postings) FROM segments").fetchall()
    assert postings == 256 * 11  # one per MinHash value of each document
    blobs = sum(len(b) for (b,) in db.execute("SELECT data FROM postings"))
    assert blobs == 7 * postings  # small segment: 4-byte check + 3-byte key offset per posting
    db.close()


def test_vocabulary_is_updated_incrementally(tmp_path: Path) -> None:
    docs = CORPUS + ARTICLES
    with open_index(tmp_path / "v.qcx", create=True) as index:
        assert index.add(docs, chunk_size=3) == 11
        vocab, expected = index.vocabulary(), Vocabulary.build(docs)
        assert vocab == expected and vocab.documents == 11
        assert {n: vocab.majority_casing(n) for n in vocab.norms} == {
            n: expected.majority_casing(n) for n in expected.norms
        }
        assert index.remove([docs[0].doc_id, docs[5].doc_id, "unknown"]) == 2
        rest = [d for i, d in enumerate(docs) if i not in (0, 5)]
        assert index.vocabulary() == Vocabulary.build(rest) and len(index) == 9
        edited = Document(docs[1].doc_id, docs[1].path, docs[1].text.replace("the", "teh"))
        assert index.add([edited, docs[0]]) == 2  # one replaced, one back
        now = index.documents(index.ids())
        assert len(now) == 10 and edited in now and docs[1] not in now
        assert index.vocabulary() == Vocabulary.build(now)
        assert index.remove(index.ids()) == 10
        assert index.vocabulary() == Vocabulary() and len(index) == 0
        ties = [doc("t1", "Fans of the Sm label met."), doc("t2", "Fans of SM cheered, SM fans.")]
        ties.append(doc("t3", "More fans of Sm cheered."))
        index.add(ties, chunk_size=1)  # 2 votes each: the first form voted for wins, as in build()
        tie = index.vocabulary().casing["sm"]
        assert tie == {"Sm": 2, "SM": 2} and index.vocabulary().majority_casing("sm") == "Sm"
        assert Vocabulary.build(ties).majority_casing("sm") == "Sm"


def test_adding_to_an_existing_index_rebuilds_nothing(tmp_path: Path) -> None:
    rng = random.Random(3)
    old = [doc(f"old{i}", join(sentences(rng, 60))) for i in range(200)]
    new = [doc(f"new{i}", join(sentences(rng, 60))) for i in range(1000)]
    path = tmp_path / "grow.qcx"
    with build(path, old) as index:
        db = sqlite3.connect(path)
        rows = db.execute("SELECT * FROM docs ORDER BY key").fetchall()
        found = {d.doc_id: index.candidates(d, 0.9) for d in old[:20]}
        started = time.perf_counter()
        assert index.add(new, chunk_size=100) == 1000
        seconds = time.perf_counter() - started
        assert db.execute("SELECT * FROM docs WHERE key <= 200 ORDER BY key").fetchall() == rows
        ((postings,), (segments,)) = db.execute(
            "SELECT SUM(postings) FROM segments UNION ALL SELECT COUNT(*) FROM segments").fetchall()
        assert postings == 256 * 1200 and segments < 10  # 11 chunks written, merged by size tiers
        db.close()
        assert {d.doc_id: index.candidates(d, 0.9) for d in old[:20]} == found
        copies = [Document(f"copy{i}", "c.txt", d.text) for i, d in enumerate(old[:5] + new[-5:])]
        assert [index.candidates(c, 0.9) for c in copies] == [[d.doc_id] for d in old[:5] + new[-5:]]
        assert index.vocabulary() == Vocabulary.build(old + new)
    print(f"\nadded 1,000 60-word documents to a 200-document index in {seconds:.2f} s")


def test_removed_documents_leave_the_postings_at_the_next_merge(tmp_path: Path) -> None:
    rng = random.Random(4)
    docs = [doc(f"d{i}", join(sentences(rng, 80))) for i in range(40)]
    with open_index(tmp_path / "rm.qcx", create=True) as index:
        index.add(docs, chunk_size=10)
        copy = Document("copy", "c.txt", docs[3].text)
        assert index.candidates(copy, 0.9) == ["d3"]
        assert index.remove(["d3"]) == 1
        assert index.candidates(copy, 0.9) == []  # its postings remain but name no stored document
        index.add([docs[3]])  # back under a new key
        assert index.candidates(copy, 0.9) == ["d3"]
        index.add([doc(f"e{i}", join(sentences(rng, 80))) for i in range(40)], chunk_size=10)  # merges
    db = sqlite3.connect(tmp_path / "rm.qcx")
    keys = {k for (k,) in db.execute("SELECT key FROM docs")}
    ((postings,),) = db.execute("SELECT SUM(postings) FROM segments").fetchall()
    assert len(keys) == 80 and postings >= 256 * 80
    db.close()


# --- candidate recall against brute force, equality with the in-memory engine --------------


@pytest.fixture(scope="module")
def source_index(tmp_path_factory: pytest.TempPathFactory, pairs) -> Iterator[CorpusIndex]:
    """The 200 sources of ``pairs`` in one SQLite index."""
    with build(tmp_path_factory.mktemp("pairs") / "sources.qcx", pairs[0]) as index:
        yield index


def test_candidate_recall_against_brute_force(pairs, source_index: CorpusIndex) -> None:
    """candidates(article, 0.2) vs exact shingle containment >= 0.2 over the 200 sources."""
    sources, articles = pairs
    shingles = [(d.doc_id, TokenStream.of(d.text).shingles(3)) for d in sources]
    sizes = {k: len(s) for k, s in shingles}
    truth = found = long_truth = long_found = 0
    times = []
    for article in articles:
        started = time.perf_counter()
        got = set(source_index.candidates(article, 0.2))
        times.append(time.perf_counter() - started)
        query = TokenStream.of(article.text).shingles(3)
        exact = set(ContainmentIndex.brute_force(query, shingles, 0.2))
        assert got <= exact  # every candidate is checked exactly
        truth, found = truth + len(exact), found + len(got & exact)
        long = {k for k in exact if sizes[k] >= 5 * len(query)}
        long_truth, long_found = long_truth + len(long), long_found + len(got & long)
    print(
        f"\npersistent candidate recall {found}/{truth} = {found / truth:.3f} (sources >= 5x the article: "
        f"{long_found}/{long_truth}); query median {statistics.median(times) * 1000:.1f} ms"
    )
    assert truth >= 150 and found / truth >= 0.99


def test_synthetic_matches_equal_the_in_memory_engine(pairs, source_index: CorpusIndex) -> None:
    sources, articles = pairs
    memory = ReuseEngine(sources, articles, num_perm=256)
    engine = ReuseEngine.from_index(source_index, articles)
    got = [engine.matches(a) for a in articles]
    assert got == [memory.matches(a) for a in articles]
    assert sum(bool(m) for m in got) >= 190  # nearly every article has its verified source


# --- errors: settings, foreign and damaged files --------------------------------------------


def test_settings_mismatch_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "p128.qcx"
    build(path, CORPUS[:1], settings=IndexSettings(num_perm=128)).close()
    with pytest.raises(IndexFormatError) as err:
        open_index(path, settings=IndexSettings())
    assert str(err.value) == (
        f"{path}: index built with num_perm=128, this run uses 256; rebuild it with 'qualcheck index build'"
    )
    with open_index(path) as index:  # without settings: the stored ones
        assert index.settings.num_perm == 128 and len(index) == 1
    db = sqlite3.connect(path)
    db.execute("UPDATE settings SET value = '4' WHERE name = 'format_version'")
    db.commit()
    db.close()
    with pytest.raises(IndexFormatError, match="index format 4 is newer than this qualcheck reads"):
        open_index(path)
    db = sqlite3.connect(path)  # the layout of format 1: one row per posting, blobs per document
    db.executescript("""UPDATE settings SET value = '1' WHERE name = 'format_version';
        DROP TABLE segments; DROP TABLE postings;
        CREATE TABLE bands (band INTEGER, doc INTEGER, PRIMARY KEY (band, doc)) WITHOUT ROWID;""")
    db.close()
    with pytest.raises(IndexFormatError) as err:
        open_index(path)
    assert str(err.value) == (
        f"{path}: index format 1 is older than this qualcheck reads (3); "
        "rebuild it with 'qualcheck index build'"
    )
    with pytest.raises(ValueError, match="num_perm must be an integer >= 16"):
        IndexSettings(num_perm=8)


def _damaged(tmp_path: Path) -> dict[str, Path]:
    files = {}
    good = tmp_path / "good.qcx"
    build(good, CORPUS).close()
    data = good.read_bytes()
    assert len(data) > 20_000 and not Path(f"{good}-wal").exists()  # checkpointed on close
    for name, content in {
        "truncated": data[: len(data) // 2],
        "header-only": data[:60],
        "text": b"title,text\na,b\n",
        "random": bytes(random.Random(1).randrange(256) for _ in range(5000)),
        "empty": b"",
    }.items():
        files[name] = tmp_path / f"{name}.qcx"
        files[name].write_bytes(content)
    files["foreign"] = tmp_path / "foreign.sqlite"
    db = sqlite3.connect(files["foreign"])
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    files["trigger"] = tmp_path / "trigger.qcx"
    shutil.copy(good, files["trigger"])
    db = sqlite3.connect(files["trigger"])
    db.execute("CREATE TRIGGER t AFTER INSERT ON docs BEGIN DELETE FROM docs; END")
    db.commit()
    db.close()
    return files


def test_foreign_and_damaged_files_give_one_line_errors(tmp_path: Path) -> None:
    expected = {
        "truncated": "is a truncated SQLite file",
        "header-only": "is a truncated SQLite file",
        "text": "not an SQLite file",
        "random": "not an SQLite file",
        "empty": "is empty: not a qualcheck index",
        "foreign": "is an SQLite database but not a qualcheck index",
        "trigger": "has triggers or views",
    }
    for name, path in _damaged(tmp_path).items():
        for create in (False, True):
            if name == "empty" and create:
                continue  # an empty file may become an index
            with pytest.raises(IndexFormatError) as err:
                open_index(path, create=create)
            assert expected[name] in str(err.value) and "\n" not in str(err.value), (name, str(err.value))
    with pytest.raises(FileNotFoundError, match="no index at .*; build one with 'qualcheck index build'"):
        open_index(tmp_path / "missing.qcx")
    with open_index(tmp_path / "empty.qcx", create=True) as index:
        assert len(index) == 0


# --- concurrency: a reader during a write, a writer killed mid-chunk ------------------------


def test_reader_sees_committed_chunks_while_a_writer_adds(tmp_path: Path) -> None:
    path = tmp_path / "shared.qcx"
    build(path, CORPUS).close()
    inside, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            with open_index(path) as index:
                touch = index.store.touch

                def paused_touch(now: str) -> None:  # the last write of the chunk, before COMMIT
                    touch(now)
                    inside.set()
                    assert release.wait(30)

                index.store.touch = paused_touch  # type: ignore[method-assign]
                index.add(ARTICLES)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            inside.set()

    thread = threading.Thread(target=writer)
    thread.start()
    assert inside.wait(30) and not errors
    with open_index(path) as reader:  # the write transaction is open and not committed
        assert len(reader) == 4 and reader.ids() == [d.doc_id for d in CORPUS]
        assert reader.candidates(ARTICLES[0], 0.2) == [d.doc_id for d in CORPUS if "saebyeok" in d.doc_id]
        assert reader.vocabulary() == Vocabulary.build(CORPUS)
        release.set()
        thread.join(30)
        assert not errors
        assert len(reader) == 11 and reader.vocabulary() == Vocabulary.build(CORPUS + ARTICLES)


def test_killed_writer_leaves_the_last_committed_chunk(tmp_path: Path) -> None:
    path = tmp_path / "killed.qcx"
    script = textwrap.dedent(
        f"""
        import os, signal
        from qualcheck.index.persistent import open_index
        from qualcheck.load import load_paths
        docs = list(load_paths([{str(ROOT / "samples")!r}]).documents)
        index = open_index({str(path)!r}, create=True)
        put, calls = index.store.put_docs, []
        def put_then_die(rows, bands):
            put(rows, bands)
            calls.append(1)
            if len(calls) == 3:  # third chunk: rows written, transaction not committed
                os.kill(os.getpid(), signal.SIGKILL)
        index.store.put_docs = put_then_die
        index.add(docs, chunk_size=4)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == -9, done.stderr
    with open_index(path) as index:
        assert len(index) == 8  # two chunks of 4 committed, the third rolled back
        assert index.store.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)  # type: ignore[attr-defined]
        assert index.vocabulary() == Vocabulary.build(index.documents(index.ids()))


# --- Redis --------------------------------------------------------------------------------------


def test_redis_and_sqlite_agree(tmp_path: Path, redis_url: str) -> None:
    docs = CORPUS + ARTICLES
    with build(tmp_path / "r.qcx", docs) as lite, build(fresh_redis(redis_url), docs) as red:
        assert red.info()["backend"] == "redis" and red.info()["documents"] == 11
        assert red.ids() == lite.ids() and red.documents(red.ids()) == docs
        assert red.vocabulary() == lite.vocabulary() == Vocabulary.build(docs)
        for article in ARTICLES:
            for threshold in (0.1, 0.2, 0.5):
                assert red.candidates(article, threshold) == lite.candidates(article, threshold)
        assert red.remove([CORPUS[0].doc_id]) == lite.remove([CORPUS[0].doc_id]) == 1
        assert red.vocabulary() == lite.vocabulary() == Vocabulary.build(docs[1:])
        red.add(CORPUS[:1])
        lite.add(CORPUS[:1])
        memory = ReuseEngine(CORPUS, ARTICLES, num_perm=256)
        from_redis, from_lite = ReuseEngine.from_index(red, ARTICLES), ReuseEngine.from_index(lite, ARTICLES)
        for article in ARTICLES:
            assert from_redis.matches(article) == from_lite.matches(article) == memory.matches(article)
    with pytest.raises(IndexFormatError, match="num_perm=256, this run uses 128"):
        open_index(redis_url, settings=IndexSettings(num_perm=128))


def test_redis_and_sqlite_agree_on_synthetic_pairs(tmp_path: Path, redis_url: str, pairs) -> None:
    sources, articles = pairs[0][:40], pairs[1][:40]
    with build(tmp_path / "p.qcx", sources) as lite, build(fresh_redis(redis_url), sources) as red:
        for article in articles:
            assert red.candidates(article, 0.1) == lite.candidates(article, 0.1)
        assert red.vocabulary() == lite.vocabulary()


def test_redis_missing_index_and_unreachable_server(redis_url: str) -> None:
    with pytest.raises(IndexFormatError, match="holds no qualcheck index"):
        open_index(fresh_redis(redis_url))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ConnectionError, match=f"cannot reach the index at redis://127.0.0.1:{port}/0"):
        open_index(f"redis://127.0.0.1:{port}/0")


# --- speed --------------------------------------------------------------------------------------


def test_build_and_query_speed(tmp_path: Path) -> None:
    rng = random.Random(9)
    docs = [doc(f"d{i}", join(sentences(rng, rng.randint(300, 900)))) for i in range(400)]
    queries = [doc(f"q{i}", join(copy_article(rng, sentences(rng, 600), 0.5, 400)[0])) for i in range(20)]
    started = time.perf_counter()
    with build(tmp_path / "speed.qcx", docs) as index:
        build_seconds = time.perf_counter() - started
        times = []
        for q in queries:
            started = time.perf_counter()
            index.candidates(q, 0.1)
            times.append(time.perf_counter() - started)
    ms = statistics.median(times) * 1000
    print(f"\nbuild {len(docs) / build_seconds:.0f} docs/s (~600 words), query median {ms:.1f} ms")
    assert ms < 200
    assert os.path.getsize(tmp_path / "speed.qcx") > 0
