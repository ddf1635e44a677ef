"""JSON output: one ``report.json`` with the summary and every table, raw values.

Rows use the shared schema of :mod:`qualcheck.report.records`. Keys are sorted and the
indent fixed so two runs over the same input produce byte-identical files (diffable in
review, cacheable in CI). Non-ASCII text is kept as is (``ensure_ascii=False``): names
with accents stay readable.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qualcheck.report.base import atomic_write_text, ensure_dir, json_safe
from qualcheck.report.records import (
    document_records,
    finding_records,
    match_records,
    passage_records,
    skipped_records,
    summary,
)
from qualcheck.types import Report


def report_payload(report: Report) -> dict[str, Any]:
    """The JSON document as Python data: summary, findings, articles, passages, matches, skipped."""
    return {
        "summary": summary(report),
        "findings": finding_records(report),
        "articles": document_records(report),
        "passages": passage_records(report),
        "matches": match_records(report),
        "skipped": skipped_records(report),
    }


def dumps(report: Report) -> str:
    """Serialise ``report`` deterministically (sorted keys, indent=1, UTF-8 text)."""
    return json_safe(json.dumps(report_payload(report), ensure_ascii=False, indent=1, sort_keys=True)) + "\n"


class JsonWriter:
    """Writes ``report.json``."""

    name = "json"

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        """Write ``report.json`` atomically and return its path."""
        directory = ensure_dir(out_dir)
        return [atomic_write_text(directory / "report.json", dumps(report))]
