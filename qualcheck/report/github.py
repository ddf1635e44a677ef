"""GitHub Actions output: workflow-command annotations plus a job-summary table.

Annotations are lines such as::

    ::error file=news/a.txt,line=2,col=5,endLine=2,endColumn=11,title=QC201 known-misspelling::msg

(``warning`` -> ``::warning``, ``info`` -> ``::notice``), which the runner turns into
annotations on the pull request when printed to stdout. Escaping follows the Actions
toolkit: in the message ``%``, CR and LF become ``%25``, ``%0D``, ``%0A``; in property
values ``:`` and ``,`` also become ``%3A`` and ``%2C``. So every annotation is one line
and article text can never start a command of its own.

* Columns are 1-based and ``endColumn`` is exclusive, as in SARIF; GitHub accepts
  columns only when the annotation starts and ends on the same line, so a multi-line
  finding carries ``line``/``endLine`` only.
* A row of a tabular file (``doc_id`` ``file.csv#id``) is annotated on the file without
  a line (its lines count from the start of the row's text, not the file) and the
  message starts with ``file.csv#id:line:col:``.
* GitHub shows at most 10 annotations per type per step (50 per job): the first
  :data:`MAX_PER_LEVEL` per level, in path/line/column order, are written, followed by a
  plain log line saying how many were left out.

Every finding goes to a Markdown table, written to ``github-summary.md`` in ``out_dir``
and, when ``GITHUB_STEP_SUMMARY`` is set, appended to that file (the job summary).
GitHub rejects a step summary over 1 MiB; if the table would not fit, the appended copy
is cut and says so, while ``github-summary.md`` always holds every finding. Table cells
are escaped (HTML and Markdown punctuation, ``@`` and ``#`` so article text neither
renders as markup nor mentions anyone).
"""

from __future__ import annotations

import html
import os
from collections import Counter
from pathlib import Path

from qualcheck.report.base import atomic_write_text, ensure_dir, escape_surrogates
from qualcheck.report.records import SEVERITY_ORDER, severity_value
from qualcheck.report.text_writer import Positions, sorted_findings
from qualcheck.types import Finding, Report, Severity

ANNOTATIONS_FILENAME = "github-annotations.txt"
SUMMARY_FILENAME = "github-summary.md"
SUMMARY_ENV = "GITHUB_STEP_SUMMARY"
#: Annotations GitHub displays per type (error, warning, notice) per step.
MAX_PER_LEVEL = 10
#: GitHub's size limit for one step's summary.
STEP_SUMMARY_LIMIT = 1024 * 1024
#: Severity value -> workflow command.
COMMANDS: dict[str, str] = {"error": "error", "warning": "warning", "info": "notice"}
#: Longest flagged text shown in a summary cell (reuse findings can span an article).
MAX_CELL_TEXT = 80

_MARKDOWN_SPECIALS = frozenset("\\`*_[]|~@#")


def escape_data(value: str) -> str:
    """Escape a workflow-command message: ``%``, CR, LF."""
    return escape_surrogates(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a workflow-command property value: as data, plus ``:`` and ``,``."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _command(severity: Severity | str) -> str:
    return COMMANDS.get(severity_value(severity), "warning")


def annotation(finding: Finding, positions: Positions) -> str:
    """One workflow command for ``finding``."""
    props: list[tuple[str, str]] = [("file", finding.path)]
    message = finding.message
    if finding.suggestion:
        message += f" [suggestion: {finding.suggestion}]"
    if finding.doc_id != finding.path:
        message = f"{finding.doc_id}:{finding.line}:{finding.column}: {message}"
    else:
        span = positions.span(finding)
        props.append(("line", str(span.start_line)))
        if span.start_line == span.end_line:
            props.append(("col", str(span.start_column)))
        props.append(("endLine", str(span.end_line)))
        if span.start_line == span.end_line:
            props.append(("endColumn", str(span.end_column)))
    props.append(("title", f"{finding.code} {finding.rule}"))
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{_command(finding.severity)} {rendered}::{escape_data(message)}"


def format_github(report: Report) -> str:
    """The annotation lines (at most :data:`MAX_PER_LEVEL` per level) to print in a step."""
    positions = Positions(report)
    shown: Counter[str] = Counter()
    left_out: Counter[str] = Counter()
    lines: list[str] = []
    for finding in sorted_findings(report):
        command = _command(finding.severity)
        if shown[command] < MAX_PER_LEVEL:
            shown[command] += 1
            lines.append(annotation(finding, positions))
        else:
            left_out[command] += 1
    for command in ("error", "warning", "notice"):
        if left_out[command]:
            lines.append(
                f"qualcheck: {left_out[command]} more {command} annotation(s) not shown "
                f"(GitHub shows {MAX_PER_LEVEL} per type per step); every finding is in the job summary"
            )
    return "".join(line + "\n" for line in lines)


def md_cell(value: str) -> str:
    """``value`` safe for a Markdown table cell: one line, HTML and Markdown escaped."""
    flat = " ".join(escape_surrogates(value).splitlines())
    escaped = "".join("\\" + c if c in _MARKDOWN_SPECIALS else c for c in flat)
    return html.escape(escaped, quote=False)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 1] + "\u2026"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _finding_row(finding: Finding) -> str:
    cells = [
        severity_value(finding.severity),
        f"{finding.doc_id}:{finding.line}:{finding.column}",
        f"{finding.code} {finding.rule}",
        _short(finding.text),
        finding.message,
        finding.suggestion,
    ]
    return "| " + " | ".join(md_cell(str(c)) for c in cells) + " |\n"


def github_summary(report: Report, limit_bytes: int | None = None) -> str:
    """The Markdown job summary: counts, every finding, skipped inputs.

    With ``limit_bytes``, rows are dropped from the end (and the cut is stated) so the
    UTF-8 text stays within the limit.
    """
    by_severity = Counter(severity_value(f.severity) for f in report.findings)
    counts = ", ".join(f"{by_severity.get(s, 0)} {s}" for s in SEVERITY_ORDER)
    head = (
        "## qualcheck\n\n"
        f"{_count(len(report.findings), 'finding')} ({counts}) in "
        f"{_count(len(report.documents), 'document')}; {len(report.skipped)} skipped.\n\n"
    )
    rows = [_finding_row(f) for f in sorted_findings(report)]
    table = (
        ["| Severity | Location | Rule | Text | Message | Suggestion |\n", "|---|---|---|---|---|---|\n"]
        if rows
        else ["No findings.\n"]
    )
    tail = ""
    if report.skipped:
        tail = "\n### Skipped inputs\n\n| Path | Reason |\n|---|---|\n" + "".join(
            f"| {md_cell(s.path)} | {md_cell(s.reason)} |\n" for s in report.skipped
        )
    text = head + "".join(table + rows) + tail
    if limit_bytes is None or len(text.encode("utf-8")) <= limit_bytes:
        return text
    note_room = 200
    budget = limit_bytes - len((head + "".join(table) + tail).encode("utf-8")) - note_room
    kept: list[str] = []
    for row in rows:
        size = len(row.encode("utf-8"))
        if size > budget:
            break
        kept.append(row)
        budget -= size
    note = (
        f"\n*{len(rows) - len(kept)} more findings not shown (GitHub's step summary limit); "
        f"see {SUMMARY_FILENAME} in the report files.*\n"
    )
    cut = head + "".join(table + kept) + note + tail
    if len(cut.encode("utf-8")) <= limit_bytes:
        return cut
    return head + note  # even the skipped list is too long: counts only


def append_step_summary(report: Report, path: Path) -> None:
    """Append the summary to the job summary file at ``path``, within GitHub's limit."""
    used = path.stat().st_size if path.exists() else 0
    text = github_summary(report, limit_bytes=max(0, STEP_SUMMARY_LIMIT - used))
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


class GithubWriter:
    """Writes ``github-annotations.txt`` and ``github-summary.md``; appends the job summary.

    Returns only the files in ``out_dir``; the ``GITHUB_STEP_SUMMARY`` file belongs to the
    runner and is appended to, not owned.
    """

    name = "github"

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        """Write both files atomically, append to the job summary if set, return the files."""
        directory = ensure_dir(out_dir)
        written = [
            atomic_write_text(directory / ANNOTATIONS_FILENAME, format_github(report)),
            atomic_write_text(directory / SUMMARY_FILENAME, github_summary(report)),
        ]
        step_summary = os.environ.get(SUMMARY_ENV, "").strip()
        if step_summary:
            append_step_summary(report, Path(step_summary))
        return written
