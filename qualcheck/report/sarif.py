"""SARIF 2.1.0 output: ``report.sarif`` for GitHub code scanning and other SARIF viewers.

One run whose ``tool.driver.rules`` lists every rule of the registry (id = code, name =
kebab name, short description = first docstring line, full description and help = the
docstring, default level from the rule's severity) and one result per finding:

* ``level`` from the finding's severity (error/warning/note);
* one location: the file as a relative POSIX URI (percent-encoded) and a region with
  ``startLine``/``startColumn``/``endLine``/``endColumn`` computed from the document text
  with :class:`~qualcheck.text.LineIndex` (so ``line_offset`` counts). Columns count
  Unicode code points, declared by ``run.columnKind = "unicodeCodePoints"`` (SARIF's
  default unit is UTF-16 code units); ``endColumn`` is exclusive. ``charOffset`` and
  ``charLength`` are only given when the document text is the file's text as read (a
  whole ``txt``/``md`` file with nothing stripped before it): for a row of a tabular
  file, HTML extracted text or a body after front matter, an offset into the file is
  not known. A row's lines count from the start of that row's text; its ``doc_id``
  (``file.csv#id``) is in the result's properties;
* ``fixes`` when the finding has exactly one suggestion and its rule belongs to a family
  whose suggestion is a drop-in replacement of the flagged text (:data:`FIX_FAMILIES`);
* ``partialFingerprints["qualcheck/v1"]``: SHA-256 of the path, the rule code, the
  flagged text and up to 40 characters either side with whitespace runs collapsed, so
  the fingerprint survives lines moving (no line numbers) and re-wrapping;
* properties: ``doc_id``, ``suggestion``, ``score``, ``source`` where present.

Inputs that were skipped are reported as ``toolExecutionNotifications`` of the run's
invocation, so a SARIF consumer still learns that a file was not audited.

Rule metadata comes from :mod:`qualcheck.checks.registry`, imported on first render only
(importing this module stays cheap).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from qualcheck.baseline import fingerprint as baseline_fingerprint
from qualcheck.report.base import atomic_write_text, ensure_dir, escape_surrogates, json_safe
from qualcheck.report.records import severity_value
from qualcheck.report.text_writer import Positions
from qualcheck.types import Document, Finding, Report, Severity

FILENAME = "report.sarif"
SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "qualcheck/v1"
#: Characters of context either side of the flagged text that go into the fingerprint.
#: Rule families whose single suggestion replaces the flagged text as is.
FIX_FAMILIES: frozenset[str] = frozenset({"spelling", "mechanical", "names"})
#: How several suggestions are joined in ``Finding.suggestion``.
SUGGESTION_SEPARATOR = " | "
#: Severity value -> SARIF level.
LEVELS: dict[str, str] = {"error": "error", "warning": "warning", "info": "note"}

#: Document kinds whose text is the file's text as read (no extraction, no stripped rows).
_WHOLE_FILE_KINDS = frozenset({"txt", "md"})

Json = dict[str, Any]


def sarif_level(severity: Severity | str) -> str:
    """The SARIF level for a severity (``Severity`` or its string value)."""
    return LEVELS.get(severity_value(severity), "warning")


def artifact_uri(path: str) -> str:
    """``path`` as a SARIF URI: relative POSIX with spaces, ``#``, ``%`` etc. percent-encoded.

    An absolute path becomes a ``file://`` URI (a relative one cannot express it).

    >>> artifact_uri("news/my article#1.txt")
    'news/my%20article%231.txt'
    """
    pure = PurePath(path)
    if pure.is_absolute():
        return Path(path).as_uri()
    posix = pure.as_posix()
    while posix.startswith("./"):
        posix = posix[2:]
    return quote(posix, safe="/", errors="surrogateescape")  # a name's non-UTF-8 bytes as %XX


def fingerprint(finding: Finding, document: Document | None) -> str:
    """The baseline's fingerprint (path, rule, flagged text, its line's context; no line numbers)."""
    text = document.text if document is not None else ""
    try:
        return baseline_fingerprint(finding, text)
    except UnicodeEncodeError:  # a file name with non-UTF-8 bytes: hash an escaped copy
        escaped = replace(finding, doc_id=escape_surrogates(finding.doc_id),
                          text=escape_surrogates(finding.text))
        return baseline_fingerprint(escaped, escape_surrogates(text))


def _fixable(finding: Finding, family: str) -> bool:
    suggestion = finding.suggestion
    return bool(suggestion) and SUGGESTION_SEPARATOR not in suggestion and family in FIX_FAMILIES


def _offsets_valid(finding: Finding, document: Document | None) -> bool:
    """Whether the finding's character offsets are offsets into the file itself."""
    return (
        document is not None
        and document.doc_id == document.path
        and document.line_offset == 0
        and document.kind in _WHOLE_FILE_KINDS
        and 0 <= finding.start <= finding.end <= len(document.text)
    )


def _rule_descriptor(
    code: str, name: str, severity: Severity | str, family: str, summary: str, doc: str
) -> Json:
    descriptor: Json = {
        "id": code,
        "name": name,
        "shortDescription": {"text": summary or name},
        "fullDescription": {"text": doc or summary or name},
        "help": {"text": doc or summary or name},
        "defaultConfiguration": {"level": sarif_level(severity)},
    }
    if family:
        descriptor["properties"] = {"tags": [family], "family": family}
    return descriptor


class _Rules:
    """The driver's rule list, plus ad-hoc entries for codes the registry does not know."""

    def __init__(self) -> None:
        from qualcheck.checks.registry import RULES  # lazy: rule modules are not cheap

        self.descriptors: list[Json] = []
        self.index: dict[str, int] = {}
        self.families: dict[str, str] = {}
        by_name: dict[str, str] = {}
        for rule in RULES:
            self._add(rule.code, rule.name, rule.severity, rule.family, rule.summary, rule.doc)
            by_name[rule.name] = rule.code
        self._by_name = by_name

    def _add(
        self, code: str, name: str, severity: Severity | str, family: str, summary: str, doc: str
    ) -> int:
        self.index[code] = len(self.descriptors)
        self.families[code] = family
        self.descriptors.append(_rule_descriptor(code, name, severity, family, summary, doc))
        return self.index[code]

    def family(self, finding: Finding) -> str:
        """The registry family of the finding's rule (by code, else by name), or ''."""
        if finding.code in self.families:
            return self.families[finding.code]
        code = self._by_name.get(finding.rule)
        return self.families.get(code, "") if code else ""

    def index_of(self, finding: Finding) -> int:
        """The finding's rule index, registering an unknown code on first sight."""
        if finding.code in self.index:
            return self.index[finding.code]
        return self._add(finding.code, finding.rule, finding.severity, "", finding.rule, "")


def _region(finding: Finding, positions: Positions) -> Json:
    span = positions.span(finding)
    region: Json = {
        "startLine": span.start_line,
        "startColumn": span.start_column,
        "endLine": span.end_line,
        "endColumn": span.end_column,
    }
    if _offsets_valid(finding, positions.document(finding)):
        region["charOffset"] = finding.start
        region["charLength"] = finding.end - finding.start
    return region


def _result(finding: Finding, rules: _Rules, positions: Positions) -> Json:
    uri = artifact_uri(finding.path)
    region = _region(finding, positions)
    result: Json = {
        "ruleId": finding.code,
        "ruleIndex": rules.index_of(finding),
        "level": sarif_level(finding.severity),
        "message": {"text": finding.message or finding.rule},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding, positions.document(finding))},
    }
    if _fixable(finding, rules.family(finding)):
        result["fixes"] = [
            {
                "description": {"text": f"Replace '{finding.text}' with '{finding.suggestion}'"},
                "artifactChanges": [
                    {
                        "artifactLocation": {"uri": uri},
                        "replacements": [
                            {"deletedRegion": dict(region), "insertedContent": {"text": finding.suggestion}}
                        ],
                    }
                ],
            }
        ]
    properties: Json = {}
    if finding.doc_id != finding.path:
        properties["doc_id"] = finding.doc_id
    if finding.suggestion:
        properties["suggestion"] = finding.suggestion
    if finding.score is not None:
        properties["score"] = finding.score
    if finding.source:
        properties["source"] = finding.source
    if properties:
        result["properties"] = properties
    return result


def _notifications(report: Report) -> Iterable[Json]:
    for skipped in report.skipped:
        yield {
            "level": "warning",
            "message": {"text": f"skipped: {skipped.reason}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(skipped.path)}}}],
        }


def sarif_log(report: Report) -> Json:
    """The SARIF log for ``report`` as Python data (one run)."""
    from qualcheck import __version__

    rules = _Rules()
    positions = Positions(report)
    results = [_result(f, rules, positions) for f in report.findings]  # may add ad-hoc rules
    run: Json = {
        "tool": {
            "driver": {
                "name": "qualcheck",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules.descriptors,
            }
        },
        "columnKind": "unicodeCodePoints",
        "invocations": [
            {"executionSuccessful": True, "toolExecutionNotifications": list(_notifications(report))}
        ],
        "results": results,
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def dumps(report: Report) -> str:
    """The SARIF log as deterministic JSON text (indent 1, UTF-8 text)."""
    return json_safe(json.dumps(sarif_log(report), ensure_ascii=False, indent=1)) + "\n"


class SarifWriter:
    """Writes ``report.sarif`` (SARIF 2.1.0)."""

    name = "sarif"

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        """Write ``report.sarif`` atomically and return its path."""
        directory = ensure_dir(out_dir)
        return [atomic_write_text(directory / FILENAME, dumps(report))]
