"""Run the selected rules over every document and settle overlapping language findings.

One slip should give one finding: when several language rules flag overlapping text
("Entertainmnet" is both a rare variant and an unknown word), the rule listed first in
the registry keeps it. Language findings inside code (backticks) are dropped. Reuse
findings are never merged away. A rule that fails on one document is reported for that
document and the audit goes on.
"""

from __future__ import annotations

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


def _settle(view: DocView, findings: list[Finding], families: dict[str, str]) -> list[Finding]:
    kept: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for f in findings:  # already in registry order
        if families[f.rule] in LANGUAGE_FAMILIES:
            if view.in_code(f.start, f.end) or any(f.start < e and s < f.end for s, e in taken):
                continue  # code is not prose; one slip gives one finding
            taken.append((f.start, f.end))
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
