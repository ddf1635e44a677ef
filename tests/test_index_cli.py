"""The index commands and `audit --index`: same findings as `--corpus`, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcheck.api import audit
from qualcheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = str(ROOT / "samples" / "articles")
CORPUS = str(ROOT / "samples" / "corpus")


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def index_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("ix") / "corpus.qcx")
    code, out, err = invoke("index", "build", CORPUS, "--index", path)
    assert code == 0, err
    assert out.strip() == f"built {path}: 4 document(s), 0 skipped"
    return path


def _rows(report) -> list[tuple]:
    table = report.findings[["path", "rule", "start", "end", "text", "suggestion", "score", "source"]]
    return sorted(table.fillna(-1).itertuples(index=False, name=None))  # NaN != NaN


def test_audit_with_index_equals_audit_with_corpus(index_path: str) -> None:
    with_corpus = audit([ARTICLES], corpus=[CORPUS])
    with_index = audit([ARTICLES], index=index_path)
    assert _rows(with_index) == _rows(with_corpus)
    assert sorted(with_index.passages.itertuples(index=False, name=None)) == \
        sorted(with_corpus.passages.itertuples(index=False, name=None))
    assert with_index.data.corpus_size == 4
    assert {Path(d.path).name for d in with_index.data.sources} == \
        {Path(d.path).name for d in with_corpus.data.sources}


def test_cli_audit_with_index_writes_the_same_csv(index_path: str, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert invoke("audit", ARTICLES, "--index", index_path, "--format", "csv", "--out", str(a), "-q")[0] == 1
    assert invoke("audit", ARTICLES, "--corpus", CORPUS, "--format", "csv", "--out", str(b), "-q")[0] == 1
    assert (a / "findings.csv").read_text() == (b / "findings.csv").read_text()


def test_info_add_remove(tmp_path: Path) -> None:
    path = str(tmp_path / "c.qcx")
    assert invoke("index", "build", str(Path(CORPUS) / "kelbridge-eastway-tram.txt"), "--index", path)[0] == 0
    code, out, _ = invoke("index", "add", CORPUS, "--index", path)
    assert code == 0 and out.strip().endswith("it holds 4")
    code, out, _ = invoke("index", "info", "--index", path)
    assert "backend: sqlite" in out and "documents: 4" in out and "num_perm': 256" in out
    removed = str(Path(CORPUS) / "kelbridge-eastway-tram.txt")
    code, out, _ = invoke("index", "remove", removed, "--index", path)
    assert code == 0 and out.strip() == f"removed 1 document(s) from {path}; it holds 3"
    # the tram article no longer finds its press release
    report = audit([str(Path(ARTICLES) / "03-tram-and-record-signing.txt")], index=path)
    assert {Path(s).name for s in report.findings["source"] if s} == {"meridian-wire-alvarenga-transfer.txt"}


def test_errors_are_one_line(tmp_path: Path, index_path: str) -> None:
    bad = tmp_path / "bad.qcx"
    bad.write_text("not an index")
    for args in (["index", "info", "--index", str(bad)],
                 ["audit", ARTICLES, "--index", str(tmp_path / "missing.qcx"), "--out", str(tmp_path)],
                 ["index", "build", CORPUS, "--index", index_path]):
        code, _, err = invoke(*args)
        assert code == 2
        (line,) = err.strip().splitlines()
        assert line.startswith("qualcheck: error: ")
