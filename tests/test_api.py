"""Tests for the Python API on the demo set: findings, planted defects, reuse, passages, writers."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

import qualcheck
from qualcheck.api import AuditReport, audit_documents
from qualcheck.config import Config, ConfigError
from qualcheck.text import LineIndex
from qualcheck.types import Document

ROOT = Path(__file__).parents[1]
SAMPLES = ROOT / "samples"
ARTICLES = SAMPLES / "articles"
CORPUS = SAMPLES / "corpus"

# The findings schema as README.md documents it ("Findings table").
FINDING_COLUMNS = ["path", "doc_id", "rule", "code", "severity", "line", "column", "start", "end",
                   "text", "suggestion", "message", "score", "source"]  # fmt: skip

# samples/README.md, "Planted defects": (file, line in the file, exact text, suggestion)
PLANTED = {
    ("01-virtual-idol-lab.txt", 5, "Daejon", "Daejeon"),
    ("01-virtual-idol-lab.txt", 11, "Entertainmnet", "Entertainment"),
    ("02-kdx-raises-forecast.txt", 15, "Kdx", "KDX"),
    ("02-kdx-raises-forecast.txt", 17, "Lumorra", "Lumora"),
    ("02-kdx-raises-forecast.txt", 19, "recieve", "receive"),
    ("03-tram-and-record-signing.txt", 15, "goverment", "government"),
    ("03-tram-and-record-signing.txt", 19, "the the", "the"),
    ("04-library-reopens.txt", 11, "plan,which", "plan, which"),
    ("05-robotics-final.txt", 9, "occured", "occurred"),
    ("07-byeolbit-showcase.md", 20, "Park Ji Hun", "Park Ji-Hoon"),
}

SAEBYEOK = "saebyeok-gust-virtual-idols.txt"
TRAM = "kelbridge-eastway-tram.txt"
WIRE = "meridian-wire-alvarenga-transfer.txt"


@pytest.fixture(scope="module")
def report() -> AuditReport:
    return qualcheck.audit([ARTICLES, SAMPLES / "broken"], corpus=[CORPUS])


@pytest.fixture(scope="module")
def findings(report: AuditReport) -> pd.DataFrame:
    df = report.findings
    return df.assign(file=[Path(p).name for p in df["path"]])


def doc_text(report: AuditReport, name: str) -> str:
    docs = [d for d in report.data.documents if Path(d.path).name == name]
    assert len(docs) == 1, name
    return docs[0].text


def raw(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def reuse_rows(findings: pd.DataFrame, name: str) -> pd.DataFrame:
    return findings[(findings["file"] == name) & findings["code"].str.startswith("QC1")]


# --- shape ---------------------------------------------------------------------------


def test_findings_have_exactly_the_documented_columns(report: AuditReport) -> None:
    assert list(report.findings.columns) == FINDING_COLUMNS


def test_audited_documents_and_corpus(report: AuditReport) -> None:
    assert sorted(Path(d.path).name for d in report.data.documents) == sorted(
        p.name for p in ARTICLES.iterdir())
    assert report.data.corpus_size == 4
    assert report.summary()["documents"] == 7


def test_txt_documents_are_the_file_as_read(report: AuditReport) -> None:
    for path in sorted(ARTICLES.glob("*.txt")):
        assert doc_text(report, path.name) == raw(path)


def test_every_finding_text_is_the_document_text_at_its_offsets(report: AuditReport,
                                                                 findings: pd.DataFrame) -> None:
    assert len(findings) > 0
    for row in findings.itertuples():
        text = raw(ARTICLES / row.file) if row.file.endswith(".txt") else doc_text(report, row.file)
        assert 0 <= row.start < row.end <= len(text)
        assert text[row.start : row.end] == row.text, row


def test_line_and_column_point_into_the_file_as_saved(findings: pd.DataFrame, report: AuditReport) -> None:
    for row in findings.itertuples():
        file_text = raw(ARTICLES / row.file)
        body = doc_text(report, row.file)
        assert file_text.endswith(body)  # .md: front matter before the body
        offset = len(file_text) - len(body) + row.start
        assert LineIndex(file_text).position(offset) == (row.line, row.column), row
        assert file_text[offset : offset + len(row.text)] == row.text


# --- planted defects -----------------------------------------------------------------


@pytest.mark.parametrize("planted", sorted(PLANTED), ids=[p[2] for p in sorted(PLANTED)])
def test_planted_defect_is_found_with_its_suggestion(findings: pd.DataFrame,
                                                     planted: tuple[str, int, str, str]) -> None:
    name, line, text, suggestion = planted
    hits = findings[(findings["file"] == name) & (findings["text"] == text)]
    assert len(hits) == 1, hits
    hit = hits.iloc[0]
    assert hit["line"] == line
    assert suggestion in hit["suggestion"].split(" | ")
    assert hit["suggestion"].split(" | ")[0] == suggestion


def test_nothing_but_the_planted_defects_is_flagged_by_language_rules(findings: pd.DataFrame) -> None:
    language = findings[~findings["code"].str.startswith("QC1")]
    found = {(r.file, r.line, r.text, r.suggestion.split(" | ")[0]) for r in language.itertuples()}
    assert found == PLANTED
    assert len(language) == len(PLANTED)


def test_clean_control_article_has_no_findings(findings: pd.DataFrame) -> None:
    assert findings[findings["file"] == "06-frost-apple-growers.txt"].empty


@pytest.mark.parametrize("word", ["centre", "favour", "kilometre", "councillor", "colour", "travelling",
                                  "tonnes", "Saebyeok", "Gapcheon", "Byeolbit", "Holmqvist", "Okafor",
                                  "café", "Tomás", "Atlético", "Rincón", "Kelbridge's", "DAEJEON"])
def test_words_a_checker_should_not_flag(findings: pd.DataFrame, word: str) -> None:
    language = findings[~findings["code"].str.startswith("QC1")]  # reuse findings quote whole passages
    assert not language["text"].str.contains(word, regex=False).any()


# --- reuse ---------------------------------------------------------------------------


def test_article_01_is_a_duplicate_of_the_saebyeok_release(findings: pd.DataFrame) -> None:
    rows = reuse_rows(findings, "01-virtual-idol-lab.txt")
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["rule"] == "reuse-duplicate"
    assert row["code"] == "QC101"
    assert row["severity"] == "error"
    assert Path(row["source"]).name == SAEBYEOK
    assert 0.8 <= row["score"] <= 1.0


def test_article_01_match_record(report: AuditReport) -> None:
    m = report.matches
    m = m[[Path(d).name == "01-virtual-idol-lab.txt" for d in m["doc_id"]]]
    assert len(m) == 1
    assert Path(m.iloc[0]["source_id"]).name == SAEBYEOK
    assert m.iloc[0]["label"] == "duplicate"
    assert m.iloc[0]["article_share"] >= 0.8 and m.iloc[0]["jaccard"] >= 0.7


def test_article_03_names_both_sources(findings: pd.DataFrame) -> None:
    rows = reuse_rows(findings, "03-tram-and-record-signing.txt")
    assert sorted(Path(s).name for s in rows["source"]) == sorted([TRAM, WIRE])
    for row in rows.itertuples():
        assert 0.2 <= row.score < 0.8
        assert Path(row.source).name in row.message


def test_article_02_reuses_the_kdx_release(findings: pd.DataFrame) -> None:
    rows = reuse_rows(findings, "02-kdx-raises-forecast.txt")
    assert [Path(s).name for s in rows["source"]] == ["kestrel-kdx-q3-results.txt"]


@pytest.mark.parametrize("name", ["04-library-reopens.txt", "05-robotics-final.txt",
                                  "06-frost-apple-growers.txt", "07-byeolbit-showcase.md"])
def test_independent_articles_have_no_reuse_findings(findings: pd.DataFrame, report: AuditReport,
                                                     name: str) -> None:
    assert reuse_rows(findings, name).empty
    assert not any(Path(d).name == name for d in report.matches["doc_id"])
    assert not any(Path(p).name == name for p in report.passages["path"])


def test_passages_point_into_article_and_source(report: AuditReport) -> None:
    passages = report.passages
    assert len(passages) >= 4
    assert set(passages["kind"]) <= {"verbatim", "rewritten", "paraphrase"}
    for p in passages.itertuples():
        name = Path(p.path).name
        article = raw(ARTICLES / name) if name.endswith(".txt") else doc_text(report, name)
        source = raw(CORPUS / Path(p.source).name)
        assert article[p.start : p.end] == p.text
        assert source[p.source_start : p.source_end] == p.source_text
        assert p.start < p.end and p.source_start < p.source_end
        assert 0 < p.matched_tokens <= p.tokens


def test_passages_cover_both_sources_of_article_03(report: AuditReport) -> None:
    passages = report.passages
    mine = passages[[Path(p).name == "03-tram-and-record-signing.txt" for p in passages["path"]]]
    assert {Path(s).name for s in mine["source"]} == {TRAM, WIRE}


# --- skipped -------------------------------------------------------------------------


def test_broken_files_are_skipped_with_reasons(report: AuditReport) -> None:
    skipped = {Path(p).name: r for p, r in report.skipped[["path", "reason"]].itertuples(index=False)}
    assert set(skipped) == {"empty.txt", "binary.txt"}
    assert skipped["empty.txt"] == "empty"
    assert "binary" in skipped["binary.txt"]
    assert list(report.skipped.columns) == ["path", "reason"]


# --- writers -------------------------------------------------------------------------


def test_to_csv_writes_four_tables(report: AuditReport, tmp_path: Path) -> None:
    written = report.to_csv(tmp_path / "out")
    assert sorted(p.name for p in written) == ["articles.csv", "findings.csv", "passages.csv", "skipped.csv"]
    with open(tmp_path / "out" / "findings.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == FINDING_COLUMNS
    assert len(rows) == len(report.findings)
    assert {r["text"] for r in rows} >= {"Entertainmnet", "plan,which", "Park Ji Hun"}
    with open(tmp_path / "out" / "skipped.csv", encoding="utf-8", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 2


def test_to_json_writes_report_json(report: AuditReport, tmp_path: Path) -> None:
    written = report.to_json(tmp_path)
    assert written == [tmp_path / "report.json"]
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert len(data["findings"]) == len(report.findings)
    assert set(data["findings"][0]) == set(FINDING_COLUMNS)
    assert data["summary"]["documents"] == 7
    assert len(data["skipped"]) == 2


def test_to_html_writes_a_named_file_or_report_html(report: AuditReport, tmp_path: Path) -> None:
    named = report.to_html(tmp_path / "a" / "custom.html")
    assert named == tmp_path / "a" / "custom.html"
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["custom.html"]
    html = named.read_text(encoding="utf-8")
    assert "<html" in html.lower() and "Entertainmnet" in html
    folder = report.to_html(tmp_path / "b")
    assert folder == tmp_path / "b" / "report.html" and folder.is_file()


# --- options -------------------------------------------------------------------------


def test_unknown_option_raises_config_error_naming_it() -> None:
    with pytest.raises(ConfigError, match="unknown setting 'reuse_treshold'"):
        qualcheck.audit([ARTICLES / "06-frost-apple-growers.txt"], reuse_treshold=0.3)


def test_option_with_wrong_type_raises_config_error() -> None:
    with pytest.raises(ConfigError, match="bad value 'high' for setting 'reuse_threshold'"):
        qualcheck.audit([ARTICLES / "06-frost-apple-growers.txt"], reuse_threshold="high")


def test_options_select_rules() -> None:
    r = qualcheck.audit([ARTICLES / "05-robotics-final.txt"], select=("QC201",))
    assert r.findings[["code", "text", "suggestion"]].values.tolist() == [["QC201", "occured", "occurred"]]
    assert r.config.select == ("QC201",)


# --- in memory -----------------------------------------------------------------------


def test_audit_documents_in_memory() -> None:
    text = "Photo courtsey of the agency. The the lab opens."
    r = audit_documents([Document("a1", "memory/a1", text)])
    rows = r.findings[["doc_id", "rule", "start", "end", "text", "suggestion", "line", "column"]]
    assert rows.values.tolist() == [
        ["a1", "known-misspelling", 6, 14, "courtsey", "courtesy", 1, 7],
        ["a1", "doubled-word", 30, 37, "The the", "The", 1, 31],
    ]
    for row in r.findings.itertuples():
        assert text[row.start : row.end] == row.text


def test_audit_documents_against_an_in_memory_corpus() -> None:
    release = ("Kestrel Data Exchange said on Tuesday that revenue rose 12 percent to 208 million dollars "
               "in the third quarter as retailers signed up for its Lumora platform.")
    article = "In other news, " + release
    r = audit_documents([Document("art", "art.txt", article)], [Document("pr", "pr.txt", release)])
    m = r.matches
    assert m[["doc_id", "source_id", "label"]].values.tolist() == [["art", "pr", "duplicate"]]
    assert r.data.corpus_size == 1
    assert [d.doc_id for d in r.data.sources] == ["pr"]
    p = r.passages.iloc[0]
    assert article[p["start"] : p["end"]] == p["text"]
    assert release[p["source_start"] : p["source_end"]] == p["source_text"]


BUDGET = ("The city council approved a new budget on Monday that raises spending on schools and roads "
          "by ten percent next year, the mayor said in a statement.")
OTHER = "Apple growers in the valley lost half their crop to a late frost this spring, farmers said."


def test_without_corpus_documents_are_compared_with_each_other() -> None:
    a = Document("a", "a.txt", BUDGET)
    b = Document("b", "b.txt", "In a late vote, the c" + BUDGET[5:] + " Critics were not convinced.")
    c = Document("c", "c.txt", OTHER)
    r = audit_documents([a, b, c])
    assert r.data.corpus_size == 0
    pairs = sorted(r.matches[["doc_id", "source_id"]].itertuples(index=False, name=None))
    assert pairs == [("a", "b"), ("b", "a")]
    reuse = r.findings[r.findings["code"].str.startswith("QC1")]
    assert sorted(zip(reuse["doc_id"], reuse["source"], strict=True)) == [("a", "b.txt"), ("b", "a.txt")]
    assert (r.findings["doc_id"] != "c").all()


def test_audit_without_corpus_uses_the_audited_files(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text(BUDGET + "\n", encoding="utf-8")
    (tmp_path / "two.txt").write_text("Officials said " + BUDGET + "\n", encoding="utf-8")
    (tmp_path / "three.txt").write_text(OTHER + "\n", encoding="utf-8")
    r = qualcheck.audit([tmp_path])
    names = sorted((Path(d).name, Path(s).name) for d, s in r.matches[["doc_id", "source_id"]].itertuples(
        index=False))
    assert names == [("one.txt", "two.txt"), ("two.txt", "one.txt")]
    assert r.data.corpus_size == 0


def test_config_object_and_options_combine() -> None:
    cfg = Config(select=("QC2",))
    r = qualcheck.audit([ARTICLES / "04-library-reopens.txt"], config=cfg, ignore=("QC201",))
    assert r.config.select == ("QC2",) and r.config.ignore == ("QC201",)
    assert r.findings[["code", "text"]].values.tolist() == [["QC211", "plan,which"]]


def test_text_only_rule_families_never_read_tokens_or_the_vocabulary() -> None:
    """A reuse-only audit skips tokenizing and the vocabulary: its rules must not need them."""
    from qualcheck.api import TEXT_ONLY_FAMILIES
    from qualcheck.checks.registry import RULES

    modules = {r.check.__module__ for r in RULES if r.family in TEXT_ONLY_FAMILIES}
    assert modules == {"qualcheck.checks.reuse", "qualcheck.checks.furniture", "qualcheck.checks.meta"}
    for name in modules:
        source = Path(qualcheck.__file__).parent.joinpath(*name.split(".")[1:]).with_suffix(".py").read_text()
        for needed in ("vocab", "view.tokens", "view.words", "is_known", "common_words", "tokens_with"):
            assert needed not in source, (name, needed)
    language = {r.family for r in RULES} - TEXT_ONLY_FAMILIES
    assert {"spelling", "names"} <= language  # these need both, and still get them


def test_reuse_only_audit_gives_the_reuse_findings_of_a_full_audit(report: AuditReport) -> None:
    alone = qualcheck.audit([ARTICLES], corpus=[CORPUS], select=("QC1", "page-furniture"))
    full = report.findings
    wanted = full[full["code"].str.startswith("QC1") | (full["rule"] == "page-furniture")]
    assert len(wanted[wanted["code"].str.startswith("QC1")]) >= 3
    pd.testing.assert_frame_equal(alone.findings.reset_index(drop=True), wanted.reset_index(drop=True))
    pd.testing.assert_frame_equal(alone.passages, report.passages)
    shares = [c for c in report.articles.columns if c != "findings"]  # counts all rules' findings
    pd.testing.assert_frame_equal(alone.articles[shares], report.articles[shares])
