"""Suppressions written in the text itself, and ``[sic]``.

Editors accept a finding where it stands, with a comment the published page never shows:

- ``<!-- qualcheck: ignore -->`` on its own line: no findings on the next non-blank line;
  ``<!-- qualcheck: ignore unknown-word -->`` only that rule (a code, a name or a prefix),
  ``<!-- qualcheck: ignore Zapeto -->`` only findings on that exact word;
- ``<!-- qualcheck: off -->`` ... ``<!-- qualcheck: on -->``: nothing in between;
- in plain text the same pragmas as a line starting with ``#`` or ``//``;
- a word followed by ``[sic]`` is never a language finding.

A suppression that hides nothing is itself reported (``unused-suppression``), so stale
comments do not pile up.

>>> text = "<!-- qualcheck: ignore -->\\nThe goverment said."
>>> [p.kind for p in parse_pragmas(text)]
['ignore']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qualcheck.checks.registry import rule_by_name
from qualcheck.text import LineIndex
from qualcheck.types import Document, Finding

_PRAGMA = re.compile(
    r"^[ \t]*(?:<!--|#+|//)[ \t]*qualcheck:[ \t]*(ignore|off|on)\b[ \t]*([^\n]*?)[ \t]*(?:-->)?[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
_SIC = re.compile(r"\s*\[sic\]", re.IGNORECASE)



@dataclass(frozen=True)
class Pragma:
    """One suppression comment: its own span, the span it covers and what it targets."""

    kind: str  # ignore, off, on
    targets: tuple[str, ...]
    start: int
    end: int
    covers: tuple[int, int]

    def matches(self, f: Finding) -> bool:
        """True when this pragma hides ``f`` (its span and, if given, rule or word)."""
        if not (self.covers[0] <= f.start < self.covers[1]):
            return False
        if not self.targets:
            return True
        return any(f.code.startswith(t.upper()) or f.rule.startswith(t.lower()) or f.text == t
                   for t in self.targets)


def parse_pragmas(text: str) -> list[Pragma]:
    """Every pragma in ``text`` with the span it covers (next line, or an off/on region)."""
    found = list(_PRAGMA.finditer(text))
    out: list[Pragma] = []
    for i, m in enumerate(found):
        kind = m.group(1).lower()
        targets = tuple(t for t in re.split(r"[\s,]+", m.group(2)) if t)
        if kind == "ignore":
            nxt = re.search(r"\S[^\n]*", text[m.end() :])
            covers = (m.end() + nxt.start(), m.end() + nxt.end()) if nxt else (m.end(), m.end())
        elif kind == "off":
            on = next((n for n in found[i + 1 :] if n.group(1).lower() == "on"), None)
            covers = (m.end(), on.start() if on else len(text))
        else:
            covers = (m.start(), m.start())
        out.append(Pragma(kind, targets, m.start(), m.end(), covers))
    return out


def _sic(doc: Document, f: Finding) -> bool:
    return bool(_SIC.match(doc.text, f.end))


def apply_suppressions(findings: Sequence[Finding], documents: Sequence[Document],
                       report_unused: bool = True) -> tuple[list[Finding], int]:
    """Drop suppressed findings; add one ``unused-suppression`` per pragma that hid nothing.

    Returns the kept findings and how many were suppressed.
    """
    docs = {d.doc_id: d for d in documents}
    pragmas = {d.doc_id: parse_pragmas(d.text) for d in documents if "qualcheck:" in d.text.lower()}
    used: set[tuple[str, int]] = set()
    kept: list[Finding] = []
    hidden = 0
    for f in findings:
        doc = docs.get(f.doc_id)
        prs = pragmas.get(f.doc_id, [])
        inside_pragma = any(p.start <= f.start < p.end for p in prs)
        hit = next((p for p in prs if p.kind != "on" and p.matches(f)), None)
        language = not f.rule.startswith("reuse")
        if inside_pragma or hit or (doc is not None and language and _sic(doc, f)):
            hidden += 1
            if hit:
                used.add((f.doc_id, hit.start))
            continue
        kept.append(f)
    if report_unused:
        rule = rule_by_name("unused-suppression")
        for doc_id, prs in pragmas.items():
            doc = docs[doc_id]
            lines = LineIndex(doc.text, doc.line_offset)
            for p in prs:
                if p.kind != "on" and (doc_id, p.start) not in used:
                    line, col = lines.position(p.start)
                    kept.append(Finding(doc.path, doc_id, rule.name, rule.code, rule.severity, p.start,
                                        p.end, line, col, doc.text[p.start : p.end],
                                        "this suppression hides no finding; remove it"))
    return kept, hidden
