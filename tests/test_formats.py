"""Tests for the CI output formats: text, jsonl, sarif, github, junit."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from synthetic import finding_at

from qualcheck.report import WRITERS, Writer, finding_records, get_writer
from qualcheck.report.github import MAX_PER_LEVEL, format_github, github_summary
from qualcheck.report.jsonl_writer import format_jsonl
from qualcheck.report.junit import junit_xml
from qualcheck.report.sarif import artifact_uri, sarif_log
from qualcheck.report.text_writer import format_text
from qualcheck.types import Document, Report, Severity, Skipped

SCHEMA = Path(__file__).resolve().parents[2] / "shared/schemas/sarif-schema-2.1.0.json"

PATH_A = "news/my article.txt"
TEXT_A = (
    "Acme Corp announced a new widget today.\n"
    "The widgit costs 5 euros, said Zoë.\n"
    "It ships with the\n"
    "the box and teh manual."
)
TEXT_B = "Short note: Acme launches a widget.\nMore later."
MESSAGE_A = "'Zoë' and 'Zoe' both appear: 'Zoe' is used 2 time(s), 50% of mentions"


def _make_report(text_a: str = TEXT_A) -> Report:
    doc_a = Document(doc_id=PATH_A, path=PATH_A, text=text_a, title="Widgets")
    doc_b = Document(doc_id="table.csv#7", path="table.csv", text=TEXT_B, kind="csv")
    doc_c = Document(doc_id="news/clean.txt", path="news/clean.txt", text="All good.")
    findings = (
        finding_at(doc_b, "Acme launches a widget", "reuse-partial", "QC103", Severity.INFO,
                 score=0.25, source="corpus/pr.txt", message="25% of the article is from corpus/pr.txt"),
        finding_at(doc_a, "the\nthe", "doubled-word", "QC212", Severity.WARNING,
                 suggestion="the", message="'the' is repeated"),
        finding_at(doc_a, "widgit", "known-misspelling", "QC201", Severity.ERROR, suggestion="widget",
                 message="'widgit' is a common misspelling of 'widget'"),
        finding_at(doc_a, "teh", "known-misspelling", "QC201", Severity.ERROR, suggestion="the | tech",
                 message="'teh' is a common misspelling of 'the'"),
        finding_at(doc_a, "Zoë", "name-variant", "QC301", Severity.WARNING, suggestion="Zoe",
                 message=MESSAGE_A),
    )  # fmt: skip
    return Report(
        documents=(doc_a, doc_b, doc_c),
        findings=findings,
        skipped=(Skipped(path="news/scan.pdf", reason="unsupported file type .pdf"),),
    )


@pytest.fixture()
def report() -> Report:
    return _make_report()


@pytest.fixture(autouse=True)
def _no_step_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def _by_message(log: dict, fragment: str) -> dict:  # type: ignore[type-arg]
    (run,) = log["runs"]
    (result,) = [r for r in run["results"] if fragment in r["message"]["text"]]
    return result


# --- registry --------------------------------------------------------------------------


def test_registry_has_ci_formats() -> None:
    for name in ("text", "jsonl", "sarif", "github", "junit"):
        writer = get_writer(name)
        assert isinstance(writer, Writer) and writer.name == name and WRITERS[name] is writer


@pytest.mark.parametrize(
    ("name", "files"),
    [
        ("text", ["findings.txt"]),
        ("jsonl", ["findings.jsonl"]),
        ("sarif", ["report.sarif"]),
        ("github", ["github-annotations.txt", "github-summary.md"]),
        ("junit", ["junit.xml"]),
    ],
)
def test_writer_files(report: Report, tmp_path: Path, name: str, files: list[str]) -> None:
    out = tmp_path / "deep" / "out"
    paths = get_writer(name).write(report, out)
    assert [p.name for p in paths] == files
    assert sorted(p.name for p in out.iterdir()) == sorted(files)  # no temp files left
    get_writer(name).write(Report(documents=(), findings=()), out)  # an empty report works too


# --- text ------------------------------------------------------------------------------


def test_text_lines_exact(report: Report, tmp_path: Path) -> None:
    expected = [
        "news/my article.txt:2:5: QC201 known-misspelling: 'widgit' is a common misspelling of 'widget'"
        " [suggestion: widget]",
        f"news/my article.txt:2:32: QC301 name-variant: {MESSAGE_A} [suggestion: Zoe]",
        "news/my article.txt:3:15: QC212 doubled-word: 'the' is repeated [suggestion: the]",
        "news/my article.txt:4:13: QC201 known-misspelling: 'teh' is a common misspelling of 'the'"
        " [suggestion: the | tech]",
        "table.csv#7:1:13: QC103 reuse-partial: 25% of the article is from corpus/pr.txt",
        "news/scan.pdf: skipped: unsupported file type .pdf",
    ]
    assert format_text(report).splitlines() == expected
    (path,) = get_writer("text").write(report, tmp_path)
    assert path.read_text(encoding="utf-8") == format_text(report)


def test_text_keeps_one_line_perfinding_at() -> None:
    doc = Document(doc_id="a.txt", path="a.txt", text="x bad y")
    finding = finding_at(
        doc, "bad", "unknown-word", "QC202", Severity.WARNING, message="two\nlines \x1b[31mred"
    )
    text = format_text(Report(documents=(doc,), findings=(finding,)))
    assert text == "a.txt:1:3: QC202 unknown-word: two\\nlines \\x1b[31mred\n"
    assert format_text(Report(documents=(), findings=())) == ""


# --- jsonl -----------------------------------------------------------------------------


def test_jsonl_round_trip(report: Report, tmp_path: Path) -> None:
    (path,) = get_writer("jsonl").write(report, tmp_path)
    raw = path.read_text(encoding="utf-8")
    assert "Zoë" in raw  # ensure_ascii=False
    lines = raw.splitlines()
    assert [json.loads(line) for line in lines] == finding_records(report)
    for line in lines:
        assert list(json.loads(line)) == sorted(json.loads(line))  # sorted keys
    assert json.loads(lines[0])["score"] == 0.25 and json.loads(lines[1])["score"] is None


def test_jsonl_unicode_line_separators_stay_in_one_line() -> None:
    doc = Document(doc_id="a.txt", path="a.txt", text="x bad y")
    finding = finding_at(doc, "bad", "unknown-word", "QC202", Severity.WARNING, message="a\u2028b\u0085c\nd")
    raw = format_jsonl(Report(documents=(doc,), findings=(finding,)))
    assert len(raw.splitlines()) == 1  # str.splitlines also splits on U+2028 and U+0085
    assert json.loads(raw)["message"] == "a\u2028b\u0085c\nd"


# --- sarif -----------------------------------------------------------------------------


def test_sarif_validates_against_schema(report: Report, tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    if not SCHEMA.exists():
        pytest.skip(f"SARIF schema not found at {SCHEMA}")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    (path,) = get_writer("sarif").write(report, tmp_path)
    log = json.loads(path.read_text(encoding="utf-8"))
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    validator = validator_cls(schema, format_checker=validator_cls.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    empty = sarif_log(Report(documents=(), findings=()))
    assert not list(validator.iter_errors(empty))


def test_sarif_driver_and_rules(report: Report) -> None:
    from qualcheck import __version__
    from qualcheck.checks.registry import RULES

    log = sarif_log(report)
    assert log["version"] == "2.1.0" and "sarif" in log["$schema"]
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "qualcheck" and driver["version"] == __version__
    assert [r["id"] for r in driver["rules"]] == [r.code for r in RULES]
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for descriptor, rule in zip(driver["rules"], RULES, strict=True):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"] == rule.doc == descriptor["help"]["text"]
        assert descriptor["defaultConfiguration"]["level"] == levels[rule.severity.value]
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    assert [r["level"] for r in run["results"]] == ["note", "warning", "error", "error", "warning"]
    assert run["columnKind"] == "unicodeCodePoints"
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["message"]["text"] == "skipped: unsupported file type .pdf"


def test_sarif_regions_and_uris(report: Report) -> None:
    log = sarif_log(report)
    typo = _by_message(log, "'widgit'")
    location = typo["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "news/my%20article.txt"
    start = TEXT_A.index("widgit")
    assert location["region"] == {
        "startLine": 2, "startColumn": 5, "endLine": 2, "endColumn": 11,
        "charOffset": start, "charLength": 6,
    }  # fmt: skip
    doubled = _by_message(log, "'the' is repeated")["locations"][0]["physicalLocation"]["region"]
    assert [doubled[k] for k in ("startLine", "startColumn", "endLine", "endColumn")] == [3, 15, 4, 4]
    row = _by_message(log, "25%")
    row_location = row["locations"][0]["physicalLocation"]
    assert row_location["artifactLocation"]["uri"] == "table.csv"
    assert row["properties"] == {"doc_id": "table.csv#7", "score": 0.25, "source": "corpus/pr.txt"}
    assert "charOffset" not in row_location["region"]  # an offset into the cell, not the file
    assert row_location["region"]["startLine"] == 1 and row_location["region"]["startColumn"] == 13


def test_sarif_honours_line_offset() -> None:
    doc = Document(doc_id="a.md", path="a.md", text="Intro.\nA widgit.", kind="md", line_offset=4)
    finding = finding_at(doc, "widgit", "known-misspelling", "QC201", Severity.ERROR, suggestion="widget")
    (result,) = sarif_log(Report(documents=(doc,), findings=(finding,)))["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 6, "startColumn": 3, "endLine": 6, "endColumn": 9}


def test_sarif_fixes(report: Report) -> None:
    log = sarif_log(report)
    typo = _by_message(log, "'widgit'")
    (fix,) = typo["fixes"]
    (change,) = fix["artifactChanges"]
    (replacement,) = change["replacements"]
    assert change["artifactLocation"]["uri"] == "news/my%20article.txt"
    assert replacement["deletedRegion"] == typo["locations"][0]["physicalLocation"]["region"]
    assert replacement["insertedContent"] == {"text": "widget"}
    assert "fixes" not in _by_message(log, "'teh'")  # "the | tech": two suggestions
    assert "fixes" in _by_message(log, "'the' is repeated")  # mechanical family
    assert "fixes" not in _by_message(log, "25%")  # reuse family, no suggestion


def test_sarif_fingerprints_survive_moved_lines(report: Report) -> None:
    moved = _make_report(TEXT_A.replace("The widgit", "\n\nThe widgit"))
    before, after = sarif_log(report), sarif_log(moved)
    old, new = _by_message(before, "'widgit'"), _by_message(after, "'widgit'")
    assert old["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    assert new["locations"][0]["physicalLocation"]["region"]["startLine"] == 4
    assert old["partialFingerprints"] == new["partialFingerprints"]
    fingerprints = [r["partialFingerprints"]["qualcheck/v1"] for r in before["runs"][0]["results"]]
    assert len(set(fingerprints)) == len(fingerprints)
    edited = _make_report(TEXT_A.replace("costs 5 euros", "costs 6 euros"))
    assert _by_message(sarif_log(edited), "'widgit'")["partialFingerprints"] != old["partialFingerprints"]


def test_artifact_uri() -> None:
    assert artifact_uri("news/my article#1.txt") == "news/my%20article%231.txt"
    assert artifact_uri("./a/50%.txt") == "a/50%25.txt"
    assert artifact_uri("/tmp/x y.txt") == "file:///tmp/x%20y.txt"


# --- github ----------------------------------------------------------------------------


def test_github_lines_exact(report: Report) -> None:
    file = "file=news/my article.txt"
    assert format_github(report).splitlines() == [
        f"::error {file},line=2,col=5,endLine=2,endColumn=11,title=QC201 known-misspelling::"
        "'widgit' is a common misspelling of 'widget' [suggestion: widget]",
        f"::warning {file},line=2,col=32,endLine=2,endColumn=35,title=QC301 name-variant::"
        "'Zoë' and 'Zoe' both appear: 'Zoe' is used 2 time(s), 50%25 of mentions [suggestion: Zoe]",
        f"::warning {file},line=3,endLine=4,title=QC212 doubled-word::'the' is repeated [suggestion: the]",
        f"::error {file},line=4,col=13,endLine=4,endColumn=16,title=QC201 known-misspelling::"
        "'teh' is a common misspelling of 'the' [suggestion: the | tech]",
        "::notice file=table.csv,title=QC103 reuse-partial::table.csv#7:1:13: 25%25 of the article is from "
        "corpus/pr.txt",
    ]


def test_github_escapes_properties_and_data() -> None:
    doc = Document(doc_id="a,b:c.txt", path="a,b:c.txt", text="x bad y")
    finding = finding_at(doc, "bad", "odd,rule", "QC202", Severity.WARNING, message="100%\r\nnext::x")
    (line,) = format_github(Report(documents=(doc,), findings=(finding,))).splitlines()
    assert line == (
        "::warning file=a%2Cb%3Ac.txt,line=1,col=3,endLine=1,endColumn=6,title=QC202 odd%2Crule::"
        "100%25%0D%0Anext::x"
    )


def _many_findings_report() -> Report:
    text = "\n".join(f"line {i} bad" for i in range(30))
    doc = Document(doc_id="many.txt", path="many.txt", text=text)
    severities = [Severity.ERROR] * 11 + [Severity.WARNING] * 12 + [Severity.INFO] * 3
    findings = []
    for i, severity in enumerate(severities):
        needle = f"line {i} bad"
        findings.append(finding_at(doc, needle, "unknown-word", "QC202", severity, message=f"finding {i}"))
    return Report(documents=(doc,), findings=tuple(findings))


def test_github_limits_annotations_but_summary_lists_all() -> None:
    report = _many_findings_report()
    lines = format_github(report).splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert sum(line.startswith("::error ") for line in commands) == MAX_PER_LEVEL == 10
    assert sum(line.startswith("::warning ") for line in commands) == 10
    assert sum(line.startswith("::notice ") for line in commands) == 3
    assert [line for line in lines if not line.startswith("::")] == [
        "qualcheck: 1 more error annotation(s) not shown (GitHub shows 10 per type per step); "
        "every finding is in the job summary",
        "qualcheck: 2 more warning annotation(s) not shown (GitHub shows 10 per type per step); "
        "every finding is in the job summary",
    ]
    summary = github_summary(report)
    rows = [line for line in summary.splitlines() if line.startswith("| ") and "many.txt" in line]
    assert len(rows) == 26
    assert all(f"| finding {i} |" in summary for i in range(26))
    assert "26 findings (11 error, 12 warning, 3 info) in 1 document; 0 skipped." in summary


def test_github_summary_escapes_cells(report: Report) -> None:
    doc = Document(doc_id="a.txt", path="a.txt", text="x bad y")
    message = "a | b <img src=x> @editor #12 *bold*\nnext"
    finding = finding_at(doc, "bad", "unknown-word", "QC202", Severity.WARNING, message=message)
    summary = github_summary(Report(documents=(doc,), findings=(finding,)))
    row = [line for line in summary.splitlines() if line.startswith("| warning")][0]
    assert r"a \| b &lt;img src=x&gt; \@editor \#12 \*bold\* next" in row
    assert row.count(" | ") == 5  # six cells, the message's pipe escaped
    full = github_summary(report)
    assert "| news/scan.pdf | unsupported file type .pdf |" in full


def test_github_writes_step_summary(report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    step_summary = tmp_path / "step_summary.md"
    step_summary.write_text("# earlier step output\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step_summary))
    out = tmp_path / "out"
    paths = get_writer("github").write(report, out)
    assert [p.name for p in paths] == ["github-annotations.txt", "github-summary.md"]
    summary = (out / "github-summary.md").read_text(encoding="utf-8")
    assert summary == github_summary(report)
    assert step_summary.read_text(encoding="utf-8") == "# earlier step output\n" + summary
    assert (out / "github-annotations.txt").read_text(encoding="utf-8") == format_github(report)


def test_github_summary_respects_size_limit() -> None:
    report = _many_findings_report()
    full = github_summary(report)
    cut = github_summary(report, limit_bytes=len(full.encode()) // 2)
    assert len(cut.encode()) <= len(full.encode()) // 2
    assert "more findings not shown" in cut and "github-summary.md" in cut
    assert github_summary(report, limit_bytes=len(full.encode())) == full


# --- junit -----------------------------------------------------------------------------


def test_junit_counts_and_cases(report: Report, tmp_path: Path) -> None:
    (path,) = get_writer("junit").write(report, tmp_path)
    root = ET.parse(path).getroot()
    (suite,) = root.iter("testsuite")
    assert suite.get("name") == "qualcheck"
    counts = {k: suite.get(k) for k in ("tests", "failures", "errors", "skipped")}
    assert counts == {"tests": "4", "failures": "1", "errors": "0", "skipped": "1"}
    assert {k: root.get(k) for k in counts} == counts
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert list(cases) == [PATH_A, "table.csv#7", "news/clean.txt", "news/scan.pdf"]
    assert all(case.get("classname") == "qualcheck" for case in cases.values())

    failure = cases[PATH_A].find("failure")
    assert failure is not None
    assert failure.get("message") == "2 errors, 2 warnings" and failure.get("type") == "error"
    assert (failure.text or "").splitlines() == format_text(report).splitlines()[:4]

    info_case = cases["table.csv#7"]
    assert info_case.find("failure") is None
    assert (
        info_case.findtext("system-out")
        == "table.csv#7:1:13: QC103 reuse-partial: 25% of the article is from corpus/pr.txt"
    )
    assert len(cases["news/clean.txt"]) == 0
    skipped = cases["news/scan.pdf"].find("skipped")
    assert skipped is not None and skipped.get("message") == "unsupported file type .pdf"


def test_junit_always_parses() -> None:
    doc = Document(doc_id="a<&>.txt", path="a<&>.txt", text="x bad y")
    finding = finding_at(doc, "bad", "unknown-word", "QC202", Severity.ERROR, message="<b>&\x0c\x00\ud800")
    root = ET.fromstring(junit_xml(Report(documents=(doc,), findings=(finding,))).encode("utf-8"))
    (case,) = root.iter("testcase")
    assert case.get("name") == "a<&>.txt"
    assert case.findtext("failure") == "a<&>.txt:1:3: QC202 unknown-word: <b>&\\x0c\\x00\\ud800"
    empty = ET.fromstring(junit_xml(Report(documents=(), findings=())).encode("utf-8"))
    assert empty.get("tests") == "0"
