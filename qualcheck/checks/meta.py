"""Rules about qualcheck's own markup in the text."""

from __future__ import annotations

from collections.abc import Iterator

from qualcheck.checks.base import CheckContext, DocView, Hit


def unused_suppression(view: DocView, ctx: CheckContext) -> Iterator[Hit]:
    """A "qualcheck: ignore" or "off" comment that hides no finding.

    Why: suppressions outlive the slips they were written for; a stale one would hide
    the next real problem on that line.
    Example: "<!-- qualcheck: ignore -->" above a line with no finding.
    Known problems: raised after every other rule has run (by ``qualcheck.suppress``),
    so it only knows about the rules selected in this run.
    """
    return iter(())  # the audit adds these findings once all rules have run
