"""Output formats for a :class:`~qualcheck.types.Report`, behind one small interface.

``get_writer("csv").write(report, out_dir)`` writes files and returns their paths; the
row builders (``finding_records`` & co.) are the one schema shared by CSV, JSON and the
pandas API. Nothing here imports jinja2 until an HTML report is rendered.
"""

from __future__ import annotations

from qualcheck.report.base import Writer, atomic_write, atomic_write_text
from qualcheck.report.records import (
    FINDING_COLUMNS,
    MATCH_COLUMNS,
    PASSAGE_COLUMNS,
    SKIPPED_COLUMNS,
    document_records,
    finding_records,
    match_records,
    passage_records,
    skipped_records,
    summary,
)
from qualcheck.report.registry import WRITERS, format_names, get_writer

__all__ = [
    "FINDING_COLUMNS",
    "MATCH_COLUMNS",
    "PASSAGE_COLUMNS",
    "SKIPPED_COLUMNS",
    "WRITERS",
    "Writer",
    "atomic_write",
    "atomic_write_text",
    "document_records",
    "finding_records",
    "format_names",
    "get_writer",
    "match_records",
    "passage_records",
    "skipped_records",
    "summary",
]
