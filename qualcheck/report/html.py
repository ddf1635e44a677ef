"""HTML output: one self-contained ``report.html`` (inline CSS/JS, no network).

Rendering is split in two: :mod:`qualcheck.report.html_view` turns the report into plain
view data (segments cut at finding/passage offsets, word-level reuse marks from
:mod:`~qualcheck.report.html_reuse`, summary rows and chart geometry from
:mod:`~qualcheck.report.html_summary`), and ``templates/report.html`` prints it; the charts
are inline SVG drawn there, and the one script only sorts and filters, so the page reads
in full without it. The jinja2 environment has autoescaping on for everything and nothing is ever marked
safe, so hostile article text or titles cannot inject markup; a Content-Security-Policy
in the page additionally forbids any external load and allows exactly one script, the
report's own (by its SHA-256), so even markup that slipped through could run nothing.
jinja2 is imported on first use so the rest of :mod:`qualcheck.report` works without it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from qualcheck.report.base import atomic_write_text, ensure_dir
from qualcheck.report.html_view import build_context
from qualcheck.report.text_writer import one_line
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
    env.filters["visible"] = one_line  # names, titles, reasons: newlines, controls, bidi overrides shown
    return env


_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


@lru_cache(maxsize=1)
def script_hash() -> str:
    """``sha256-...`` of the template's one inline script, for the page's CSP ``script-src``.

    The script holds no template expressions, so the rendered text equals the source.
    """
    source, _, _ = environment().loader.get_source(environment(), TEMPLATE)  # type: ignore[union-attr]
    scripts = _SCRIPT.findall(source)
    if len(scripts) != 1 or "{" + "{" in scripts[0] or "{" + "%" in scripts[0]:
        raise RuntimeError(f"{TEMPLATE} must hold exactly one static <script>")
    digest = hashlib.sha256(scripts[0].encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render(report: Report) -> str:
    """Render ``report`` to the HTML text of ``report.html``."""
    return environment().get_template(TEMPLATE).render(build_context(report), script_hash=script_hash())


class HtmlWriter:
    """Writes ``report.html``."""

    name = "html"

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        """Render and write ``report.html`` atomically; return its path."""
        directory = ensure_dir(out_dir)
        return [atomic_write_text(directory / "report.html", render(report))]
