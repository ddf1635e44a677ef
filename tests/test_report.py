"""Tests for qualcheck.report: shared records, CSV/JSON/HTML writers, registry, atomic writes."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from synthetic import finding_at

from qualcheck.report import (
    FINDING_COLUMNS,
    PASSAGE_COLUMNS,
    SKIPPED_COLUMNS,
    WRITERS,
    Writer,
    document_records,
    finding_records,
    get_writer,
    passage_records,
    skipped_records,
)
from qualcheck.report.base import TEMP_PREFIX, atomic_write, atomic_write_text
from qualcheck.report.csv_writer import neutralise_cell
from qualcheck.report.html import render
from qualcheck.report.html_view import Span, segment_text
from qualcheck.types import Document, Passage, Report, ReuseMatch, Severity, Skipped

ROOT = Path(__file__).resolve().parents[1]
XSS = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("https://evil.example/x","click")'

TEXT_A = f"Acme Corp announced a new widget today.\nThe widgit costs 5 euros. {XSS} Zoë Kravitz agreed."
TEXT_B = f"Local news.\nClick {FORMULA} now."
SOURCE_TEXT = "PRESS RELEASE\nAcme Corp announced a new widget today. Contact press@acme.example."


@pytest.fixture()
def report() -> Report:
    doc_a = Document(doc_id="news/a.txt", path="news/a.txt", text=TEXT_A, title=f"Widgets {XSS}")
    doc_b = Document(doc_id="news/b.md", path="news/b.md", text=TEXT_B, title="Local")
    source = Document(doc_id="corpus/pr.txt", path="corpus/pr.txt", text=SOURCE_TEXT, title="Acme PR")
    shared = "Acme Corp announced a new widget today."
    passage = Passage(
        path=doc_a.path,
        doc_id=doc_a.doc_id,
        source=source.path,
        source_id=source.doc_id,
        start=0,
        end=len(shared),
        source_start=SOURCE_TEXT.index(shared),
        source_end=SOURCE_TEXT.index(shared) + len(shared),
        text=shared,
        source_text=shared,
        kind="verbatim",
        tokens=7,
        matched_tokens=7,
    )
    match = ReuseMatch(
        doc_id=doc_a.doc_id,
        source_id=source.doc_id,
        article_share=0.4375,
        source_share=0.7,
        jaccard=0.31,
        label="partial-reuse",
        passages=(passage,),
    )
    findings = (
        finding_at(doc_a, "widgit", "typo", "QC201", Severity.WARNING, suggestion="widget"),
        finding_at(doc_a, "Acme Corp", "reuse", "QC101", Severity.ERROR, score=0.4375, source=source.path),
        finding_at(doc_a, "Zoë", "names", "QC301", Severity.INFO, suggestion="+Zoe"),
        finding_at(doc_b, FORMULA, "typo", "QC202", Severity.WARNING, message=FORMULA),
    )
    return Report(
        documents=(doc_a, doc_b),
        findings=findings,
        passages=(passage,),
        matches=(match,),
        sources=(source,),
        skipped=(Skipped(path="news/scan.pdf", reason="unsupported file type .pdf"),),
        corpus_size=12,
    )


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _no_temp_files(directory: Path) -> bool:
    return not [p for p in directory.rglob("*") if p.name.startswith(TEMP_PREFIX) or p.suffix == ".tmp"]


# --- records ---------------------------------------------------------------------------


def test_records_follow_schema(report: Report) -> None:
    rows = finding_records(report)
    assert all(tuple(r) == FINDING_COLUMNS for r in rows)
    assert rows[0]["severity"] == "warning" and rows[0]["score"] is None
    assert rows[1]["score"] == 0.4375
    assert [tuple(r) for r in passage_records(report)] == [PASSAGE_COLUMNS]
    assert skipped_records(report) == [{"path": "news/scan.pdf", "reason": "unsupported file type .pdf"}]
    for f in report.findings:
        doc = next(d for d in report.documents if d.doc_id == f.doc_id)
        assert doc.text[f.start : f.end] == f.text


def test_records_importable_without_jinja2() -> None:
    code = "import sys; sys.modules['jinja2'] = None; import qualcheck.report, qualcheck.report.records"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


# --- CSV -------------------------------------------------------------------------------


def test_csv_headers_and_values(report: Report, tmp_path: Path) -> None:
    paths = get_writer("csv").write(report, tmp_path)
    assert [p.name for p in paths] == ["findings.csv", "articles.csv", "passages.csv", "skipped.csv"]
    header, rows = _read_csv(tmp_path / "findings.csv")
    assert tuple(header) == FINDING_COLUMNS
    typo = rows[0]
    assert typo["rule"] == "typo" and typo["severity"] == "warning" and typo["text"] == "widgit"
    assert typo["line"] == "2" and typo["column"] == "5" and typo["score"] == ""
    assert int(typo["start"]) == TEXT_A.index("widgit")
    assert rows[1]["score"] == "0.4375" and rows[1]["source"] == "corpus/pr.txt"
    assert rows[2]["text"] == "Zoë"
    header, passages = _read_csv(tmp_path / "passages.csv")
    assert tuple(header) == PASSAGE_COLUMNS
    assert passages[0]["kind"] == "verbatim" and passages[0]["source_start"] == "14"
    header, skipped = _read_csv(tmp_path / "skipped.csv")
    assert tuple(header) == SKIPPED_COLUMNS and skipped[0]["reason"] == "unsupported file type .pdf"


def test_csv_headers_present_when_empty(tmp_path: Path) -> None:
    get_writer("csv").write(Report(documents=(), findings=()), tmp_path)
    for name, columns in [
        ("findings.csv", FINDING_COLUMNS),
        ("passages.csv", PASSAGE_COLUMNS),
        ("skipped.csv", SKIPPED_COLUMNS),
    ]:
        header, rows = _read_csv(tmp_path / name)
        assert tuple(header) == columns and rows == []


def test_formula_neutralised_in_csv_raw_in_json(report: Report, tmp_path: Path) -> None:
    get_writer("csv").write(report, tmp_path)
    get_writer("json").write(report, tmp_path)
    _, rows = _read_csv(tmp_path / "findings.csv")
    formula_row = rows[3]
    assert formula_row["text"] == "'" + FORMULA and formula_row["message"] == "'" + FORMULA
    assert rows[2]["suggestion"] == "'+Zoe"
    assert formula_row["start"] == str(TEXT_B.index(FORMULA))  # numbers stay plain
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert data["findings"][3]["text"] == FORMULA and data["findings"][2]["suggestion"] == "+Zoe"


@pytest.mark.parametrize("value", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_neutralise_cell_prefixes(value: str) -> None:
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["plain", "", 3, -2, 0.5, None, "a=b"])
def test_neutralise_cell_leaves_safe_values(value: object) -> None:
    assert neutralise_cell(value) == value


# --- JSON ------------------------------------------------------------------------------


def test_json_round_trip(report: Report, tmp_path: Path) -> None:
    (path,) = get_writer("json").write(report, tmp_path)
    raw = path.read_text(encoding="utf-8")
    assert "Zoë" in raw  # ensure_ascii=False
    data = json.loads(raw)
    assert list(data) == sorted(["summary", "findings", "articles", "passages", "matches", "skipped"])
    assert data["articles"] == document_records(report)
    assert data["findings"] == finding_records(report)
    assert data["passages"] == passage_records(report)
    assert data["skipped"] == skipped_records(report)
    summary = data["summary"]
    assert summary["documents"] == 2 and summary["findings"] == 4 and summary["skipped"] == 1
    assert summary["corpus_size"] == 12
    assert summary["findings_by_rule"] == {"names": 1, "reuse": 1, "typo": 2}
    assert summary["findings_by_severity"] == {"error": 1, "warning": 2, "info": 1}
    (match,) = data["matches"]
    assert match["article_share"] == 0.4375 and match["label"] == "partial-reuse"
    assert match["passage_count"] == 1
    get_writer("json").write(report, tmp_path)
    assert path.read_text(encoding="utf-8") == raw  # deterministic


# --- HTML ------------------------------------------------------------------------------


def test_html_escapes_title_and_body(report: Report, tmp_path: Path) -> None:
    (path,) = get_writer("html").write(report, tmp_path)
    html = path.read_text(encoding="utf-8")
    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Widgets &lt;script&gt;" in html  # the title
    assert html.count("<script") == 1  # only the report's own inline script


def test_html_highlights_findings(report: Report) -> None:
    html = render(report)
    marks = re.findall(r'<mark class="([^"]*)" title="([^"]*)">([^<]*)</mark>', html)
    typo = [m for m in marks if m[2] == "widgit"]
    assert typo and "finding" in typo[0][0] and "sev-warning" in typo[0][0]
    assert "typo" in typo[0][1] and "typo here" in typo[0][1]
    assert any("sev-error" in c and "reuse" in c.split() and t == "Acme Corp" for c, _, t in marks)
    formula = [m for m in marks if "HYPERLINK" in m[2]]
    assert formula and formula[0][2] == FORMULA.replace('"', "&#34;")


def test_html_summary_and_tables(report: Report) -> None:
    html = render(report)
    assert 'id="article-table"' in html and "43.8%" in html and "44%" in html
    assert "news/scan.pdf" in html and "unsupported file type .pdf" in html
    assert re.search(r"<td>typo</td>(<td[^>]*>\d+</td>){3}<td class=\"num\">2</td>", html)


def test_html_side_by_side(report: Report) -> None:
    html = render(report)
    assert 'class="side-by-side"' in html and "Reuse of Acme PR" in html
    assert "PRESS RELEASE" in html  # the source text
    shared = '<mark class="p0 verbatim" title="passage 1: verbatim, 7/7 words">'
    assert html.count(shared + "Acme Corp announced a new widget today.</mark>") == 2
    assert "jaccard 0.310" in html and "source share 70.0%" in html and "partial-reuse" in html


def test_html_side_by_side_without_source_document(report: Report) -> None:
    html = render(
        Report(documents=report.documents, findings=(), passages=report.passages, matches=report.matches)
    )
    assert "Full source text not available" in html and "PRESS RELEASE" not in html
    shared = '<mark class="p0 verbatim" title="passage 1: verbatim, 7/7 words">'
    assert html.count(shared + "Acme Corp announced a new widget today.</mark>") == 2


def test_html_has_no_external_resources(report: Report) -> None:
    html = render(report)
    for url in re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]*)""", html, flags=re.I):
        assert url.startswith("#"), url
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert "Content-Security-Policy" in html


def test_html_empty_report(tmp_path: Path) -> None:
    (path,) = get_writer("html").write(Report(documents=(), findings=()), tmp_path)
    assert "No documents audited." in path.read_text(encoding="utf-8")


# --- segments --------------------------------------------------------------------------


def test_segment_text_overlaps_and_clamping() -> None:
    text = "abcdefghij"
    spans = [Span(2, 6, "a", "A"), Span(4, 8, "b", "B"), Span(9, 99, "c"), Span(5, 5, "empty")]
    segs = segment_text(text, spans)
    assert "".join(s.text for s in segs) == text
    assert [(s.text, s.css_class, s.tooltip) for s in segs] == [
        ("ab", "", ""),
        ("cd", "a", "A"),
        ("ef", "a b", "A\nB"),
        ("gh", "b", "B"),
        ("i", "", ""),
        ("j", "c", ""),
    ]
    assert segment_text("", spans) == []


# --- registry and atomic writes --------------------------------------------------------


def test_registry() -> None:
    assert sorted(WRITERS) == ["csv", "github", "html", "json", "jsonl", "junit", "sarif", "text"]
    assert all(isinstance(w, Writer) and w.name == n for n, w in WRITERS.items())
    assert get_writer(" JSON ") is WRITERS["json"]
    with pytest.raises(ValueError) as info:
        get_writer("x")
    expected = "csv, github, html, json, jsonl, junit, sarif, text"
    assert str(info.value) == f"unknown format 'x' (expected one of: {expected})"


def test_writers_create_out_dir_and_leave_no_temp_files(
    report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    out = tmp_path / "deep" / "out"
    written = [p for w in WRITERS.values() for p in w.write(report, out)]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)
    assert len(written) == 12 and _no_temp_files(tmp_path)


def test_atomic_write_failure_keeps_old_file(tmp_path: Path) -> None:
    target = atomic_write_text(tmp_path / "report.json", "old")

    def explode(handle: object) -> None:
        handle.write("half a rep")  # type: ignore[attr-defined]
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        atomic_write(target, explode)
    assert target.read_text(encoding="utf-8") == "old"
    assert _no_temp_files(tmp_path)
