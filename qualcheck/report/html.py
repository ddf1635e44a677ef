"""HTML output: one self-contained ``report.html`` (inline CSS/JS, no network).

Rendering is split in two: :mod:`qualcheck.report.html_view` turns the report into plain
view data (segments cut at finding/passage offsets), and ``templates/report.html`` prints
it. The jinja2 environment has autoescaping on for everything and nothing is ever marked
safe, so hostile article text or titles cannot inject markup; a Content-Security-Policy
in the page additionally forbids any external load. jinja2 is imported on first use so
the rest of :mod:`qualcheck.report` works without it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from qualcheck.report.base import atomic_write_text, ensure_dir
from qualcheck.report.html_view import build_context
from qualcheck.types import Report

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATE = "report.html"


def percent(value: float | None, digits: int = 0) -> str:
    """Format a 0..1 share as a percentage; None (no match) becomes an em dash."""
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}%"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The shared jinja2 environment: package templates, autoescape on, strict undefined."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("qualcheck", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["pct"] = percent
    return env


def render(report: Report) -> str:
    """Render ``report`` to the HTML text of ``report.html``."""
    return environment().get_template(TEMPLATE).render(build_context(report))


class HtmlWriter:
    """Writes ``report.html``."""

    name = "html"

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        """Render and write ``report.html`` atomically; return its path."""
        directory = ensure_dir(out_dir)
        return [atomic_write_text(directory / "report.html", render(report))]
