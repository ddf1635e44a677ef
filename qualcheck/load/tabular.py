"""Tabular inputs (CSV/TSV, JSON Lines, Parquet): one :class:`Document` per row.

Columns are picked by :class:`LoadOptions`; every other non-empty column goes into
``meta`` as a string. A bad row (wrong number of fields, invalid JSON, empty text) is
reported as ``Skipped("path#rowN", reason)`` while the good rows load; a missing text
column skips the whole file with the columns listed, so the fix is obvious. CSV is parsed
strictly, so an unbalanced quote is reported at its line instead of silently merging the
rows after it into one field.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator, Sequence

from qualcheck.load.decode import decode_bytes, normalise_newlines
from qualcheck.load.options import LoadOptions, SkipFile, frozen_meta, meta_value, unpaired_surrogate
from qualcheck.types import Document, Skipped

Row = tuple[int, dict[str, object]]
_DELIMITERS = (",", ";", "\t", "|")


def load_csv(path: str, data: bytes, options: LoadOptions) -> tuple[list[Document], list[Skipped]]:
    """CSV (or TSV): header row, then one article per row, every field read as a string.

    The delimiter is whichever of , ; tab | makes the header contain the text column.
    """
    text, encoding = decode_bytes(data)
    if csv.field_size_limit() < options.max_bytes:  # article bodies exceed the 128 KiB default
        csv.field_size_limit(options.max_bytes)
    delimiter = _delimiter(text, options.text_column, "\t" if path.lower().endswith(".tsv") else ",")
    lines = _Lines(text)
    try:
        header = [h.strip() for h in next(csv.reader(lines, delimiter=delimiter, strict=True), [])]
    except csv.Error as exc:
        raise SkipFile(f"malformed CSV header ({exc})") from None
    if not header:
        raise SkipFile("empty")
    _require_column(options.text_column, header)
    return rows_to_documents(path, "csv", encoding, _csv_rows(path, lines, header, delimiter), options)


def _delimiter(text: str, column: str, default: str) -> str:
    for delimiter in (default, *_DELIMITERS):
        first = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
        if column in (h.strip() for h in first):
            return delimiter
    return default


class _Lines:
    """The physical lines of a text (split at ``\n`` only, as the csv module does), fed to
    csv readers one at a time; ``position`` (lines consumed) can be moved to re-read."""

    def __init__(self, text: str) -> None:
        parts = text.split("\n")
        self.lines = [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
        self.position = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.position >= len(self.lines):
            raise StopIteration
        self.position += 1
        return self.lines[self.position - 1]


def _csv_rows(path: str, lines: _Lines, header: list[str], delimiter: str) -> Iterator[Row | Skipped]:
    """Records after the header. Parsed strictly, so a quote that never closes cannot swallow
    the rows after it: a record that fails is re-read leniently when it stays on one line
    (a stray quote mid-field, as before); otherwise its first line is reported and reading
    goes on from the next line. Every record is a row or a ``Skipped`` entry."""
    n = 0
    budget = 8 * len(lines.lines) + 1000  # lines re-read after errors: linear work on any input
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    while True:
        start = lines.position
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            n += 1
            budget -= lines.position - start
            lines.position = start
            lenient = next(csv.reader(lines, delimiter=delimiter), None)
            if lenient is not None and lines.position == start + 1 and len(lenient) == len(header):
                yield n, dict(zip(header, lenient, strict=True))
            elif budget < 0:
                yield Skipped(f"{path}#row{n}", f"malformed CSV from line {start + 1} on ({exc}); "
                                                "too many unbalanced quotes, rest of file not read")
                return
            else:
                yield Skipped(f"{path}#row{n}", f"malformed CSV at line {start + 1} ({exc}); "
                                                f"read on from line {start + 2}")
            lines.position = start + 1
            reader = csv.reader(lines, delimiter=delimiter, strict=True)
            continue
        if not fields:
            continue  # blank line
        n += 1
        if len(fields) != len(header):
            reason = f"malformed row ({len(fields)} fields, header has {len(header)})"
            yield Skipped(f"{path}#row{n}", reason)
        else:
            yield n, dict(zip(header, fields, strict=True))


def load_jsonl(path: str, data: bytes, options: LoadOptions) -> tuple[list[Document], list[Skipped]]:
    """JSON Lines: one object per line; rows are numbered by line, blank lines ignored."""
    text, encoding = decode_bytes(data)
    entries: list[Row | Skipped] = []
    columns: dict[str, None] = {}
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            entries.append(Skipped(f"{path}#row{lineno}", f"invalid JSON: {exc.msg} (column {exc.colno})"))
            continue
        except RecursionError:
            entries.append(Skipped(f"{path}#row{lineno}", "invalid JSON: nested too deeply"))
            continue
        if not isinstance(obj, dict):
            entries.append(Skipped(f"{path}#row{lineno}", f"not a JSON object ({type(obj).__name__})"))
            continue
        # "\ud800" escapes decode to a lone surrogate, text no UTF-8 report can hold
        bad = unpaired_surrogate(json.dumps(obj, ensure_ascii=False)) if "\\u" in line else ""
        if bad:
            entries.append(Skipped(f"{path}#row{lineno}", f"invalid Unicode: {bad}"))
            continue
        columns.update(dict.fromkeys(obj))
        entries.append((lineno, obj))
    if columns:
        _require_column(options.text_column, list(columns))
    return rows_to_documents(path, "jsonl", encoding, entries, options)


def load_parquet(path: str, data: bytes, options: LoadOptions) -> tuple[list[Document], list[Skipped]]:
    """Parquet via pyarrow, read batch by batch; nulls are left out of ``meta``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise SkipFile(f"unreadable: not a valid Parquet file ({exc})") from None
    _require_column(options.text_column, table.column_names)
    if table.num_rows == 0:
        raise SkipFile("empty")

    def rows() -> Iterator[Row]:
        n = 0
        for batch in table.to_batches():
            for record in batch.to_pylist():
                n += 1
                yield n, record

    return rows_to_documents(path, "parquet", "utf-8", rows(), options)


def _require_column(column: str, columns: Sequence[str]) -> None:
    if column not in columns:
        listed = ", ".join(str(c) for c in columns) or "none"
        raise SkipFile(f"no text column '{column}' (columns: {listed})")


def rows_to_documents(
    path: str, kind: str, encoding: str, rows: Iterable[Row | Skipped], options: LoadOptions
) -> tuple[list[Document], list[Skipped]]:
    """Turn numbered rows into documents; ``doc_id`` is ``path#id`` (or ``path#row``)."""
    docs: list[Document] = []
    skipped: list[Skipped] = []
    used: set[str] = set()
    reserved = {options.id_column, options.title_column, options.text_column}
    for entry in rows:
        if isinstance(entry, Skipped):
            skipped.append(entry)
            continue
        n, row = entry
        try:
            body = row.get(options.text_column)
            if options.text_column not in row:
                raise SkipFile(f"no '{options.text_column}' field")
            if _is_null(body) or (isinstance(body, str) and not body.strip()):
                raise SkipFile("empty")
            if not isinstance(body, str):
                raise SkipFile(f"text is not a string ({type(body).__name__})")
            key = "" if _is_null(row.get(options.id_column)) else meta_value(row[options.id_column]).strip()
            doc_id = f"{path}#{key or n}"
            if doc_id in used:  # repeated id (or an id equal to another row's number)
                doc_id = f"{path}#{key or n}@row{n}"
            used.add(doc_id)
            title = row.get(options.title_column)
            meta = {str(k): meta_value(v) for k, v in row.items() if k not in reserved and not _is_null(v)}
            docs.append(
                Document(
                    doc_id=doc_id,
                    path=path,
                    text=normalise_newlines(body),
                    title="" if _is_null(title) else meta_value(title).strip(),
                    kind=kind,
                    encoding=encoding,
                    meta=frozen_meta(meta),
                )
            )
        except SkipFile as exc:
            skipped.append(Skipped(f"{path}#row{n}", exc.reason))
        except Exception as exc:  # a single odd row must not lose the rest of the file
            skipped.append(Skipped(f"{path}#row{n}", f"unreadable row: {type(exc).__name__}: {exc}"))
    return docs, skipped


def _is_null(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""
