"""Suppressions in the text, [sic], baselines and the house policy (severities, path ignores)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qualcheck.api import audit_documents
from qualcheck.baseline import fingerprint, read_baseline, write_baseline
from qualcheck.config import Config, ConfigError
from qualcheck.policy import path_matches
from qualcheck.suppress import parse_pragmas
from qualcheck.types import Document, Severity

TYPO = "The goverment said the plan was ready."


def _audit(text: str, path: str = "a.md", **cfg: object):
    config = Config.from_mapping({"select": ["QC2", "QC9"], **cfg})
    return audit_documents([Document(path, path, text)], config=config)


def _rules(report) -> list[tuple[str, str]]:
    return [(f.rule, f.text) for f in report.data.findings]


def test_unsuppressed_typo_is_found() -> None:
    assert _rules(_audit(TYPO)) == [("known-misspelling", "goverment")]


def test_ignore_next_line_html_comment() -> None:
    report = _audit("<!-- qualcheck: ignore -->\n" + TYPO)
    assert _rules(report) == []
    assert report.suppressed == 1


def test_ignore_applies_to_the_next_line_only() -> None:
    report = _audit("<!-- qualcheck: ignore -->\n" + TYPO + "\nWe recieve letters.")
    found = report.data.findings
    assert [(f.text, f.line) for f in found] == [("recieve", 3)]


def test_ignore_by_rule_and_by_word() -> None:
    assert _rules(_audit("<!-- qualcheck: ignore known-misspelling -->\n" + TYPO)) == []
    assert _rules(_audit("<!-- qualcheck: ignore QC2 -->\n" + TYPO)) == []
    assert _rules(_audit("<!-- qualcheck: ignore goverment -->\n" + TYPO)) == []
    other = _audit("<!-- qualcheck: ignore doubled-word -->\n" + TYPO)
    assert sorted(_rules(other)) == [("known-misspelling", "goverment"),
                                     ("unused-suppression", "<!-- qualcheck: ignore doubled-word -->")]


def test_off_on_region_and_plain_text_comments() -> None:
    # distinct typos: a word used three times would count as the house's own word
    text = "# qualcheck: off\n" + TYPO + "\nWe recieve letters.\n// qualcheck: on\nIt occured to us."
    found = _audit(text, path="a.txt").data.findings
    assert [(f.rule, f.text, f.line) for f in found] == [("known-misspelling", "occured", 5)]


def test_unused_suppression_is_reported_at_the_pragma() -> None:
    text = "Intro.\n<!-- qualcheck: ignore -->\nThe plan was ready.\n"
    (f,) = _audit(text).data.findings
    got = (f.rule, f.code, f.severity, f.line, f.column)
    assert got == ("unused-suppression", "QC901", Severity.INFO, 2, 1)
    assert f.text == text[f.start : f.end]


def test_sic_is_honoured() -> None:
    assert _rules(_audit("He wrote that the goverment [sic] was wrong.")) == []


def test_parse_pragmas_spans() -> None:
    text = "<!-- qualcheck: ignore Zapeto, Daejon -->\n\nNext line here.\nLater."
    (p,) = parse_pragmas(text)
    assert p.targets == ("Zapeto", "Daejon")
    assert text[p.covers[0] : p.covers[1]] == "Next line here."


def test_severity_override_and_per_path_ignores() -> None:
    report = _audit(TYPO, severity={"known-misspelling": "info"})
    assert [f.severity for f in report.data.findings] == [Severity.INFO]
    assert not report.failed()
    assert _rules(_audit(TYPO, path="archive/old.md", per_path_ignores={"archive/*": ["QC201"]})) == []
    assert _rules(_audit(TYPO, path="news/new.md", per_path_ignores={"archive/*": ["QC201"]})) != []


def test_unknown_rule_in_severity_is_an_error() -> None:
    with pytest.raises(ConfigError, match="unknown rule 'unknown-wrd'"):
        _audit(TYPO, severity={"unknown-wrd": "info"})


def test_path_matches_folders() -> None:
    assert path_matches("./news/2024/a.txt", ["news"])
    assert path_matches("news/2024/a.txt", ["*/2024"])
    assert not path_matches("newsroom/a.txt", ["news"])


def test_fingerprint_survives_line_moves_but_not_text_changes() -> None:
    a = _audit(TYPO).data.findings[0]
    moved_text = "\n\n" + TYPO
    b = _audit(moved_text).data.findings[0]
    assert b.line == a.line + 2
    assert fingerprint(a, TYPO) == fingerprint(b, moved_text)
    changed = "The goverment denied the plan was ready."
    c = _audit(changed).data.findings[0]
    assert fingerprint(c, changed) != fingerprint(a, TYPO)


def test_baseline_hides_known_findings_and_reports_stale(tmp_path: Path) -> None:
    base = tmp_path / ".qualcheck-baseline.json"
    first = _audit(TYPO + "\nWe recieve letters.")
    assert write_baseline(base, first.data.findings, first.data.documents) == 2
    assert {e["text"] for e in read_baseline(base)} == {"goverment", "recieve"}
    # the typo moves down a line, one old finding is fixed, one new one appears
    later = _audit("\n" + TYPO + "\nWe receive letters. It occured to us.", baseline=str(base))
    assert _rules(later) == [("known-misspelling", "occured")]
    assert later.baselined == 1
    assert [e["text"] for e in later.stale] == ["recieve"]


def test_bad_baseline_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "b.json"
    bad.write_text(json.dumps({"version": 99}))
    with pytest.raises(ValueError, match="not a qualcheck baseline"):
        _audit(TYPO, baseline=str(bad))
    with pytest.raises(ValueError, match="not found"):
        _audit(TYPO, baseline=str(tmp_path / "missing.json"))
