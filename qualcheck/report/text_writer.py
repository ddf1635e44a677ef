"""Plain-text output: one ``path:line:col: CODE rule: message`` line per finding.

The format compilers and linters use, so editors, ``grep`` and CI log parsers can jump to
each finding. Findings are sorted by path, document (in report order), line and column;
skipped inputs follow as ``path: skipped: reason``. ``format_text`` returns the same text
the writer stores in ``findings.txt``, for the CLI to print.

The location is the finding's ``doc_id``, which is the file path for a file and
``file.csv#id`` for a row of a tabular file: a row's line and column count from the start
of that row's text, so ``table.csv:1:5`` would point at the wrong line of the file.
Control characters (newlines, ANSI escapes) in paths and messages are shown escaped
(``\\n``, ``\\x1b``) so a finding is always one line and cannot drive a terminal, and so
are the bidirectional overrides and isolates (``\\u202e``), which would display a name
such as ``photo\\u202egnp.exe`` as ``photoexe.png``.

This module also holds :class:`Positions`, the start/end line and column of a finding
computed from the document text with :class:`qualcheck.text.LineIndex`; the SARIF,
GitHub and JUnit writers share it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from qualcheck.report.base import atomic_write_text, ensure_dir
from qualcheck.text import LineIndex
from qualcheck.types import Document, Finding, Report, Skipped

FILENAME = "findings.txt"

_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r"}
#: Control characters and the Unicode line/paragraph separators that line splitters honour.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Cs"})  # Cs: lone surrogates (undecodable names)
#: Bidirectional embeddings, overrides and isolates: they reorder what is displayed after them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def one_line(value: str) -> str:
    """``value`` with control characters (except tab), U+2028/U+2029, lone surrogates and bidi
    controls escaped (``\\n``, ``\\x1b``, ``\\udcff``, ``\\u202e``): one line, shown as it is."""
    if value.isprintable() and not BIDI_CONTROLS.intersection(value):
        return value
    out = []
    for char in value:
        shown = unicodedata.category(char) not in _ESCAPED_CATEGORIES and char not in BIDI_CONTROLS
        if char == "\t" or shown:
            out.append(char)
        elif char in _NAMED_ESCAPES:
            out.append(_NAMED_ESCAPES[char])
        else:
            out.append(f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
    return "".join(out)


def sorted_findings(report: Report) -> list[Finding]:
    """Findings ordered by path, document (report order), line, column, then code."""
    rank = {doc.doc_id: i for i, doc in enumerate(report.documents)}
    return sorted(
        report.findings,
        key=lambda f: (f.path, rank.get(f.doc_id, len(rank)), f.doc_id, f.line, f.column, f.end, f.code),
    )


def finding_line(finding: Finding) -> str:
    """``doc_id:line:col: CODE rule: message [suggestion: X]`` for one finding."""
    line = (
        f"{finding.doc_id}:{finding.line}:{finding.column}: {finding.code} {finding.rule}: {finding.message}"
    )
    if finding.suggestion:
        line += f" [suggestion: {finding.suggestion}]"
    return one_line(line)


def skipped_line(skipped: Skipped) -> str:
    """``path: skipped: reason`` for one input that was not audited."""
    return one_line(f"{skipped.path}: skipped: {skipped.reason}")


def text_lines(findings: Iterable[Finding]) -> list[str]:
    """The text lines of ``findings``, in the order given."""
    return [finding_line(f) for f in findings]


def format_text(report: Report) -> str:
    """The whole text report: sorted finding lines, then skipped inputs ('' when empty)."""
    lines = text_lines(sorted_findings(report)) + [skipped_line(s) for s in report.skipped]
    return "".join(line + "\n" for line in lines)


@dataclass(frozen=True)
class Span:
    """Where a finding sits: 1-based lines and columns, ``end_column`` exclusive."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int


class Positions:
    """Start and end positions of findings, from each document's text and ``line_offset``.

    One :class:`~qualcheck.text.LineIndex` per document, built on first use. A finding
    whose document is not in the report falls back to its own ``line``/``column`` and
    ``text``.
    """

    def __init__(self, report: Report) -> None:
        self._docs: dict[str, Document] = {doc.doc_id: doc for doc in report.documents}
        self._indexes: dict[str, LineIndex] = {}

    def document(self, finding: Finding) -> Document | None:
        """The document ``finding`` belongs to, if the report has it."""
        return self._docs.get(finding.doc_id)

    def span(self, finding: Finding) -> Span:
        """The finding's start and (exclusive) end as lines and columns."""
        doc = self._docs.get(finding.doc_id)
        if doc is not None and 0 <= finding.start <= finding.end <= len(doc.text):
            index = self._indexes.get(doc.doc_id)
            if index is None:
                index = self._indexes[doc.doc_id] = LineIndex(doc.text, doc.line_offset)
            start_line, start_column = index.position(finding.start)
            end_line, end_column = index.position(finding.end)
            return Span(start_line, start_column, end_line, end_column)
        text = finding.text
        if "\n" in text:
            end_line = finding.line + text.count("\n")
            end_column = len(text) - text.rfind("\n")
        else:
            end_line, end_column = finding.line, finding.column + len(text)
        return Span(finding.line, finding.column, end_line, end_column)


class TextWriter:
    """Writes ``findings.txt``: one line per finding, then skipped inputs."""

    name = "text"

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        """Write ``findings.txt`` atomically and return its path."""
        directory = ensure_dir(out_dir)
        return [atomic_write_text(directory / FILENAME, format_text(report))]
