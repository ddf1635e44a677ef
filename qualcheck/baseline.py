"""Baselines: accept today's findings so a CI check fails only on new ones.

A finding is keyed on its file, rule, flagged text and a hash of the text around it,
never on line numbers, so it keeps its identity when paragraphs are added above it.
The same fingerprint is SARIF's ``partialFingerprints``.

>>> from qualcheck.types import Finding, Severity
>>> f = Finding("a.txt", "a.txt", "known-misspelling", "QC201", Severity.ERROR, 4, 13, 1, 5,
...             "goverment", "m")
>>> fingerprint(f, "The goverment said.") == fingerprint(f, "The goverment said.")
True
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from qualcheck.types import Document, Finding

FORMAT_VERSION = 1
DEFAULT_FILE = ".qualcheck-baseline.json"
_CONTEXT = 40


def _posix(path: str) -> str:
    return Path(path).as_posix().removeprefix("./")


def fingerprint(f: Finding, text: str) -> str:
    """A hash of (path, rule, flagged text, text around it on its line) that survives line moves.

    Only the flagged line's own text counts, so edits to neighbouring lines keep it.
    """
    line_start = text.rfind("\n", 0, f.start) + 1
    line_end = text.find("\n", f.end)
    line_end = len(text) if line_end < 0 else line_end
    before = " ".join(text[max(line_start, f.start - _CONTEXT) : f.start].split())
    after = " ".join(text[f.end : min(line_end, f.end + _CONTEXT)].split())
    key = "\x1f".join((_posix(f.doc_id), f.rule, f.text, before, after))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]  # odd file names too


@dataclass(frozen=True)
class BaselineResult:
    """Findings left after the baseline, how many it hid, and entries no longer seen."""

    findings: list[Finding]
    hidden: int
    stale: list[dict[str, str]]


def _texts(documents: Sequence[Document]) -> Mapping[str, str]:
    return {d.doc_id: d.text for d in documents}


def baseline_entries(findings: Sequence[Finding], documents: Sequence[Document]) -> list[dict[str, str]]:
    """The records a baseline file holds, sorted for stable diffs."""
    texts = _texts(documents)
    rows = [{"path": _posix(f.doc_id), "rule": f.rule, "text": f.text[:200],
             "fingerprint": fingerprint(f, texts.get(f.doc_id, ""))} for f in findings]
    unique = {r["fingerprint"]: r for r in rows}
    return sorted(unique.values(), key=lambda r: (r["path"], r["rule"], r["fingerprint"]))


def write_baseline(path: str | os.PathLike[str], findings: Sequence[Finding],
                   documents: Sequence[Document]) -> int:
    """Write (atomically) the baseline of ``findings``; entries not seen now are pruned."""
    entries = baseline_entries(findings, documents)
    payload = json.dumps({"version": FORMAT_VERSION, "findings": entries}, indent=1, ensure_ascii=False)
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".qualcheck-", dir=target.parent or Path("."))
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(payload + "\n")
    os.replace(tmp, target)
    return len(entries)


def read_baseline(path: str | os.PathLike[str]) -> list[dict[str, str]]:
    """The entries of a baseline file; ValueError with the reason when it is not one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"baseline {path} not found (create it with 'qualcheck baseline write')") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"baseline {path} is not a qualcheck baseline: {exc}") from None
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION or \
            not isinstance(data.get("findings"), list):
        raise ValueError(f"baseline {path} is not a qualcheck baseline (version {FORMAT_VERSION})")
    return [e for e in data["findings"] if isinstance(e, dict) and re.fullmatch(r"[0-9a-f]{32}",
                                                                                str(e.get("fingerprint")))]


def apply_baseline(findings: Sequence[Finding], documents: Sequence[Document],
                   entries: Sequence[Mapping[str, str]]) -> BaselineResult:
    """Hide findings recorded in the baseline; report entries that matched nothing as stale."""
    texts = _texts(documents)
    known = {e["fingerprint"] for e in entries}
    seen: set[str] = set()
    kept: list[Finding] = []
    for f in findings:
        fp = fingerprint(f, texts.get(f.doc_id, ""))
        if fp in known:
            seen.add(fp)
        else:
            kept.append(f)
    stale = [dict(e) for e in entries if e["fingerprint"] not in seen]
    return BaselineResult(kept, len(findings) - len(kept), stale)
