"""Output formats by name: an explicit table, no import scanning, no if/elif dispatch.

Adding a format = write a class satisfying :class:`~qualcheck.report.base.Writer` and add
one line to :data:`WRITERS`. Importing this module does not import jinja2 (the HTML
writer loads it on first render).
"""

from __future__ import annotations

from qualcheck.report.base import Writer
from qualcheck.report.csv_writer import CsvWriter
from qualcheck.report.github import GithubWriter
from qualcheck.report.html import HtmlWriter
from qualcheck.report.json_writer import JsonWriter
from qualcheck.report.jsonl_writer import JsonlWriter
from qualcheck.report.junit import JunitWriter
from qualcheck.report.sarif import SarifWriter
from qualcheck.report.text_writer import TextWriter

WRITERS: dict[str, Writer] = {
    writer.name: writer
    for writer in (
        CsvWriter(),
        JsonWriter(),
        HtmlWriter(),
        TextWriter(),
        JsonlWriter(),
        SarifWriter(),
        GithubWriter(),
        JunitWriter(),
    )
}


def format_names() -> list[str]:
    """The known format names, sorted (for CLI choices and error messages)."""
    return sorted(WRITERS)


def get_writer(name: str) -> Writer:
    """The writer registered as ``name`` (case and surrounding space ignored).

    Raises ValueError naming the known formats, e.g.
    ``unknown format 'x' (expected one of: csv, github, html, json, ...)``.
    """
    writer = WRITERS.get(name.strip().lower())
    if writer is None:
        raise ValueError(f"unknown format {name!r} (expected one of: {', '.join(format_names())})")
    return writer
