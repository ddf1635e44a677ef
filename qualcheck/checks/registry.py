"""The explicit list of rules: code, name, severity, family, check.

Adding a rule: write the check function (with its docstring) in its family's module,
add one line here, and add its cases to ``tests/cases/rules.toml``. Codes are stable:
never reuse a retired code. Order matters where findings overlap: for language rules,
the first rule in this list that flags a span keeps it.
"""

from __future__ import annotations

from qualcheck.checks import furniture, house, mechanical, meta, names, reuse, spelling
from qualcheck.checks.base import Rule
from qualcheck.types import Severity

E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO  # N: notice (info)

RULES: tuple[Rule, ...] = (
    Rule("QC101", "reuse-duplicate", E, "reuse", reuse.reuse_duplicate),
    Rule("QC102", "reuse-rewrite", W, "reuse", reuse.reuse_rewrite),
    Rule("QC103", "reuse-partial", N, "reuse", reuse.reuse_partial),
    Rule("QC401", "house-name", E, "house", house.house_name),
    Rule("QC402", "rejected-word", W, "house", house.rejected_word),
    Rule("QC201", "known-misspelling", E, "spelling", spelling.known_misspelling),
    Rule("QC211", "missing-space", W, "mechanical", mechanical.missing_space),
    Rule("QC212", "doubled-word", W, "mechanical", mechanical.doubled_word),
    Rule("QC213", "stray-letter", W, "mechanical", mechanical.stray_letter),
    Rule("QC302", "name-casing", W, "names", names.name_casing),
    Rule("QC203", "rare-variant", W, "spelling", spelling.rare_variant),
    Rule("QC301", "name-variant", W, "names", names.name_variant),
    Rule("QC202", "unknown-word", W, "spelling", spelling.unknown_word),
    Rule("QC601", "page-furniture", N, "furniture", furniture.page_furniture),
    Rule("QC901", "unused-suppression", N, "meta", meta.unused_suppression),
)


def select_rules(select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()) -> tuple[Rule, ...]:
    """Rules whose code or name starts with one of ``select`` (all when empty), minus ``ignore``.

    >>> [r.code for r in select_rules(("QC1",), ("reuse-partial",))]
    ['QC101', 'QC102']
    """

    def matches(rule: Rule, prefixes: tuple[str, ...]) -> bool:
        return any(rule.code.startswith(p.upper()) or rule.name.startswith(p.lower()) for p in prefixes)

    for p in (*select, *ignore):
        if not any(r.code.startswith(p.upper()) or r.name.startswith(p.lower()) for r in RULES):
            raise ValueError(f"no rule matches {p!r} (see 'qualcheck rules')")
    return tuple(r for r in RULES if (not select or matches(r, select)) and not matches(r, ignore))


def rule_by_name(name: str) -> Rule:
    """The rule with this exact name or code."""
    for r in RULES:
        if name in (r.name, r.code):
            return r
    raise KeyError(name)
