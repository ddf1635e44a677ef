"""The house's decisions applied to findings: severities, per-path ignores, path globs.

Kept apart from the rules so that a rule says what it found and the config says how
much it matters where.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from fnmatch import fnmatchcase
from pathlib import PurePath

from qualcheck.config import Config
from qualcheck.types import Document, Finding, Skipped


def _posix(path: str) -> str:
    return PurePath(path).as_posix().removeprefix("./")


def path_matches(path: str, globs: Sequence[str]) -> bool:
    """True when ``path`` (or any folder above it) matches one of ``globs``.

    >>> path_matches("news/2024/a.txt", ["news/*"]), path_matches("a.txt", ["news/*"])
    (True, False)
    """
    p = _posix(path)
    parents = [p, *(str(q) for q in PurePath(p).parents if str(q) != ".")]
    return any(fnmatchcase(c, g) or fnmatchcase(c, g.rstrip("/")) for g in globs for c in parents)


def keep_path(path: str, config: Config) -> bool:
    """Whether an audited path passes the config's ``include`` and ``exclude`` globs."""
    if config.include and not path_matches(path, config.include):
        return False
    return not (config.exclude and path_matches(path, config.exclude))


def filter_inputs(documents: Sequence[Document], skipped: Sequence[Skipped],
                  config: Config) -> tuple[list[Document], list[Skipped]]:
    """Documents and skipped inputs whose paths the config keeps."""
    return ([d for d in documents if keep_path(d.path, config)],
            [s for s in skipped if keep_path(s.path.split("#", 1)[0], config)])


def _rule_matches(f: Finding, keys: Sequence[str]) -> bool:
    return any(f.code.startswith(k.upper()) or f.rule.startswith(k.lower()) for k in keys)


def apply_policy(findings: Sequence[Finding], config: Config) -> list[Finding]:
    """Drop findings ignored for their path and set the configured severities."""
    out = []
    for f in findings:
        if any(path_matches(f.path, [g]) and _rule_matches(f, rules)
               for g, rules in config.per_path_ignores.items()):
            continue
        override = next((s for k, s in config.severity.items() if k in (f.rule, f.code)), None)
        out.append(dataclasses.replace(f, severity=override) if override else f)
    return out
