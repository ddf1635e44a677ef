"""Tests for the command line (qualcheck.cli.main): exit codes, files written, errors, rules, README."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualcheck.checks.registry import RULES
from qualcheck.cli import main

ROOT = Path(__file__).parents[1]
SAMPLES = ROOT / "samples"
ARTICLES = SAMPLES / "articles"
CORPUS = SAMPLES / "corpus"
DEMO = [str(ARTICLES), str(SAMPLES / "broken"), "--corpus", str(CORPUS)]
SMALL = [str(ARTICLES / "06-frost-apple-growers.txt")]  # a clean article, quick to audit


def run(args: list[str], cwd: Path) -> Result:
    """Run the CLI from ``cwd`` (a temporary folder: no qualcheck.toml is picked up by accident)."""
    before = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, args, catch_exceptions=True)
    finally:
        os.chdir(before)


def assert_clean_usage_error(result: Result) -> None:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    tmp = tmp_path_factory.mktemp("demo")
    out = tmp / "reports"
    return run(["audit", *DEMO, "--out", str(out)], tmp), out


# --- audit ---------------------------------------------------------------------------


def test_audit_of_the_demo_exits_1_for_error_findings(demo_run: tuple[Result, Path]) -> None:
    result, _ = demo_run
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "audited 7 document(s) against a corpus of 4; skipped 2" in result.output


def test_audit_writes_csv_and_html_by_default(demo_run: tuple[Result, Path]) -> None:
    _, out = demo_run
    written = sorted(p.name for p in out.iterdir())
    assert written == ["articles.csv", "findings.csv", "passages.csv", "report.html", "skipped.csv"]
    findings = (out / "findings.csv").read_text(encoding="utf-8")
    assert findings.splitlines()[0] == (
        "path,doc_id,rule,code,severity,line,column,start,end,text,suggestion,message,score,source")
    for word in ("Entertainmnet", "recieve", "plan,which", "Park Ji Hun"):
        assert word in findings
    skipped = (out / "skipped.csv").read_text(encoding="utf-8")
    assert "empty.txt" in skipped and "binary.txt" in skipped
    assert "Entertainmnet" in (out / "report.html").read_text(encoding="utf-8")


def test_fail_on_never_exits_0(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(["audit", *DEMO, "--out", str(out), "--fail-on", "never", "-q"], tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output == ""  # --quiet
    assert (out / "findings.csv").is_file()


def test_fail_on_error_passes_a_clean_article(tmp_path: Path) -> None:
    result = run(["audit", *SMALL, "--out", str(tmp_path / "o"), "-q"], tmp_path)
    assert result.exit_code == 0, result.output


def test_fail_on_warning_fails_on_a_warning(tmp_path: Path) -> None:
    article = str(ARTICLES / "04-library-reopens.txt")  # "plan,which": a warning, no error
    assert run(["audit", article, "--out", str(tmp_path / "a"), "-q"], tmp_path).exit_code == 0
    result = run(["audit", article, "--out", str(tmp_path / "b"), "-q", "--fail-on", "warning"], tmp_path)
    assert result.exit_code == 1, result.output


def test_format_json_writes_report_json_only(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(["audit", *DEMO, "--out", str(out), "--format", "json", "-q"], tmp_path)
    assert result.exit_code == 1, result.output
    assert [p.name for p in out.iterdir()] == ["report.json"]
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert data["summary"]["documents"] == 7
    assert {Path(s["path"]).name for s in data["skipped"]} == {"empty.txt", "binary.txt"}


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(["audit", *SMALL, "--out", str(out), "--format", "csv,xml"], tmp_path)
    assert_clean_usage_error(result)
    assert "unknown format 'xml'" in result.stderr
    assert not out.exists()


def test_unknown_format_error_is_one_line(tmp_path: Path) -> None:
    result = run(["audit", *SMALL, "--out", str(tmp_path / "o"), "--format", "xml"], tmp_path)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "qualcheck: error: unknown format 'xml' "
        "(expected one of: csv, github, html, json, jsonl, junit, sarif, text)"]


def test_unknown_option_is_one_line(tmp_path: Path) -> None:
    result = run(["audit", "--bogus", "x"], tmp_path)
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("qualcheck: error: No such option '--bogus'")


def test_nonexistent_path_only_exits_2(tmp_path: Path) -> None:
    result = run(["audit", str(tmp_path / "no-such-folder"), "--out", str(tmp_path / "o"), "-q"], tmp_path)
    assert_clean_usage_error(result)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("qualcheck: error: no input could be read")


def test_bad_config_key_exits_2_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "qualcheck.toml"
    config.write_text("reuse-treshold = 0.3\n", encoding="utf-8")
    result = run(["audit", *SMALL, "--out", str(tmp_path / "o"), "--config", str(config)], tmp_path)
    assert_clean_usage_error(result)
    assert result.stderr.strip() == f"qualcheck: error: unknown setting 'reuse-treshold' in {config}"
    assert not (tmp_path / "o").exists()


def test_malformed_config_exits_2(tmp_path: Path) -> None:
    config = tmp_path / "qualcheck.toml"
    config.write_text("reuse-threshold = = 1\n", encoding="utf-8")
    result = run(["audit", *SMALL, "--out", str(tmp_path / "o"), "--config", str(config)], tmp_path)
    assert_clean_usage_error(result)
    assert result.stderr.startswith(f"qualcheck: error: cannot read config {config}")
    assert len(result.stderr.strip().splitlines()) == 1


def test_config_fail_on_is_used(tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.qualcheck]\nfail-on = "warning"\n', encoding="utf-8")
    article = str(ARTICLES / "04-library-reopens.txt")  # one warning
    result = run(["audit", article, "--out", str(tmp_path / "o"), "-q", "--config", str(config)], tmp_path)
    assert result.exit_code == 1, result.output


def test_unknown_rule_in_select_exits_2(tmp_path: Path) -> None:
    result = run(["audit", *SMALL, "--out", str(tmp_path / "o"), "--select", "QC999"], tmp_path)
    assert_clean_usage_error(result)
    assert "no rule matches 'QC999'" in result.stderr


def test_bad_fail_on_choice_exits_2(tmp_path: Path) -> None:
    result = run(["audit", *SMALL, "--out", str(tmp_path / "o"), "--fail-on", "fatal"], tmp_path)
    assert_clean_usage_error(result)


# --- rules and README ----------------------------------------------------------------


def test_rules_lists_every_registry_code(tmp_path: Path) -> None:
    result = run(["rules"], tmp_path)
    assert result.exit_code == 0, result.output
    listed = re.findall(r"^(QC\d{3})  (\S+)  \[(\w+)\]", result.output, flags=re.M)
    assert listed == [(r.code, r.name, r.severity.value) for r in RULES]


def test_rules_markdown_has_a_row_per_rule(tmp_path: Path) -> None:
    result = run(["rules", "--markdown"], tmp_path)
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines[:2] == ["| code | name | severity | what it flags |", "|---|---|---|---|"]
    assert [line.split(" | ")[0].strip("| ") for line in lines[2:]] == [r.code for r in RULES]


def test_readme_rules_table_is_the_output_of_rules_markdown(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = r"^<!-- rules-table\b[^\n]*-->\n(.*?)^<!-- /rules-table -->"
    found = re.findall(block, readme, flags=re.M | re.S)
    assert len(found) == 1, "README.md needs exactly one rules-table block"
    result = run(["rules", "--markdown"], tmp_path)
    assert found[0] == result.output
