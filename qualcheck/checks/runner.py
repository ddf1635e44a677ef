"""Run the selected rules over every document and settle overlapping language findings.

One slip should give one finding: when several language rules flag overlapping text
("Entertainmnet" is both a rare variant and an unknown word), the rule listed first in
the registry keeps it. Language findings inside code (backticks) are dropped. Reuse
findings are never merged away. A rule that fails on one document is reported for that
document and the audit goes on.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from qualcheck.checks.base import CheckContext, DocView, Rule
from qualcheck.types import Finding, Skipped

LANGUAGE_FAMILIES = frozenset({"spelling", "mechanical", "names", "house"})  # one finding per slip


@dataclass
class CheckRun:
    """Findings in document order, plus any (document, rule) that failed and why."""

    findings: list[Finding] = field(default_factory=list)
    failures: list[Skipped] = field(default_factory=list)


class _Spans:
    """Spans taken so far, sorted, with an overlap test in O(log n + overlaps)."""

    def __init__(self) -> None:
        self._spans: list[tuple[int, int]] = []

    def overlaps(self, start: int, end: int) -> bool:
        spans = self._spans
        i = bisect_left(spans, (start, start))
        # Taken spans of non-zero length never overlap each other, so of those starting
        # before ``start`` only the nearest can reach into it; zero-length ones cannot.
        j = i - 1
        while j >= 0 and spans[j][0] == spans[j][1]:
            j -= 1
        if j >= 0 and start < spans[j][1] and spans[j][0] < end:
            return True
        while i < len(spans) and spans[i][0] < end:
            s, e = spans[i]
            if start < e and s < end:
                return True
            i += 1
        return False

    def add(self, start: int, end: int) -> None:
        insort(self._spans, (start, end))


def _settle(view: DocView, findings: list[Finding], families: dict[str, str]) -> list[Finding]:
    kept: list[Finding] = []
    taken = _Spans()
    for f in findings:  # already in registry order
        if families[f.rule] in LANGUAGE_FAMILIES:
            if view.in_code(f.start, f.end) or taken.overlaps(f.start, f.end):
                continue  # code is not prose; one slip gives one finding
            taken.add(f.start, f.end)
        kept.append(f)
    return sorted(kept, key=lambda f: (f.start, f.end, f.code))


def run_checks(views: Iterable[DocView], ctx: CheckContext, rules: Sequence[Rule],
               progress: Callable[[int, int], None] | None = None, total: int | None = None) -> CheckRun:
    """Run ``rules`` on each document; one bad document or rule never stops the rest.

    ``progress(done, total)`` is called after each document, for a progress bar.
    """
    families = {r.name: r.family for r in rules}
    run = CheckRun()
    for done, view in enumerate(views, 1):
        found: list[Finding] = []
        for rule in rules:
            try:
                found.extend(rule.run(view, ctx))
            except Exception as exc:  # noqa: BLE001 - reported per document, never lost
                run.failures.append(Skipped(view.doc.path, f"rule {rule.name} failed: {exc!r}"))
        run.findings.extend(_settle(view, found, families))
        if progress is not None:
            progress(done, total if total is not None else done)
    return run
