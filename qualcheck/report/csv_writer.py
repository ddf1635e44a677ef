"""CSV output: ``findings.csv``, ``articles.csv``, ``passages.csv`` and ``skipped.csv``.

The columns are the shared schema of :mod:`qualcheck.report.records`, so the CSVs line
up with the JSON and the DataFrames. Because editors open these files in spreadsheets,
text cells that a spreadsheet would run as a formula (leading ``=``, ``+``, ``-``,
``@``, tab or carriage return; OWASP "CSV injection") get a leading apostrophe. Numeric
columns are left as plain numbers so they still sort and sum. The JSON keeps raw values.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from qualcheck.report.base import atomic_write, ensure_dir
from qualcheck.report.records import (
    DOCUMENT_COLUMNS,
    FINDING_COLUMNS,
    NUMERIC_COLUMNS,
    PASSAGE_COLUMNS,
    SKIPPED_COLUMNS,
    Record,
    document_records,
    finding_records,
    passage_records,
    skipped_records,
)
from qualcheck.types import Report

#: Leading characters that make a spreadsheet treat a cell as a formula.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

#: (file name, columns, record builder) for each table this writer emits.
TABLES: tuple[tuple[str, Sequence[str], Callable[[Report], list[Record]]], ...] = (
    ("findings.csv", FINDING_COLUMNS, finding_records),
    ("articles.csv", DOCUMENT_COLUMNS, document_records),
    ("passages.csv", PASSAGE_COLUMNS, passage_records),
    ("skipped.csv", SKIPPED_COLUMNS, skipped_records),
)


def neutralise_cell(value: Any) -> Any:
    """Prefix a formula-like string with ``'``; return anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(record: Record, columns: Sequence[str]) -> Record:
    """The record restricted to ``columns``, text cells neutralised, numbers untouched."""
    return {
        col: record.get(col) if col in NUMERIC_COLUMNS else neutralise_cell(record.get(col))
        for col in columns
    }


def write_table(handle: TextIO, columns: Sequence[str], records: list[Record]) -> None:
    """Write a header (always, even with no rows) and the neutralised rows to ``handle``."""
    writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for record in records:
        writer.writerow(safe_row(record, columns))


class CsvWriter:
    """Writes one UTF-8 CSV per table (findings, articles, passages, skipped)."""

    name = "csv"

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        """Write the CSVs atomically and return their paths."""
        directory = ensure_dir(out_dir)
        written: list[Path] = []
        for filename, columns, build in TABLES:
            fill = partial(write_table, columns=columns, records=build(report))
            written.append(atomic_write(directory / filename, fill, newline=""))
        return written
