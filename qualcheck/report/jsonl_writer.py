"""JSON Lines output: ``findings.jsonl``, one JSON object per finding, in report order.

Each object has exactly the keys of :data:`~qualcheck.report.records.FINDING_COLUMNS`
with raw values (as in ``report.json``), keys sorted, non-ASCII kept. Easy to stream, to
``grep`` and to load with ``pandas.read_json(path, lines=True)``.

``json.dumps`` escapes every ASCII control character, but not U+0085, U+2028 and U+2029,
which Python's ``str.splitlines`` (and some JSONL readers) treat as line breaks; pasted
web text contains them, so they are escaped too and each finding stays on one line.
"""

from __future__ import annotations

import json
from pathlib import Path

from qualcheck.report.base import atomic_write_text, ensure_dir, json_safe
from qualcheck.report.records import Record, finding_records
from qualcheck.types import Report

FILENAME = "findings.jsonl"

_LINE_BREAKS = {"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_line(record: Record) -> str:
    """One record as a single line of JSON (sorted keys, UTF-8 text, no newline)."""
    line = json_safe(json.dumps(record, ensure_ascii=False, sort_keys=True))
    for char, escaped in _LINE_BREAKS.items():
        line = line.replace(char, escaped)  # only ever inside strings, where \\uXXXX is valid
    return line


def format_jsonl(report: Report) -> str:
    """All findings as JSON Lines ('' when there are none)."""
    return "".join(json_line(record) + "\n" for record in finding_records(report))


class JsonlWriter:
    """Writes ``findings.jsonl``."""

    name = "jsonl"

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        """Write ``findings.jsonl`` atomically and return its path."""
        directory = ensure_dir(out_dir)
        return [atomic_write_text(directory / FILENAME, format_jsonl(report))]
