"""What changed since a git revision: files, and lines within them.

``--changed-since REV`` reports findings only in files changed since REV (committed,
staged, unstaged or untracked), while the vocabulary, names and reuse still come from
every document; ``--changed-lines`` narrows it to the changed lines.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)


class GitError(ValueError):
    """git is missing, the folder is not a repository, or the revision is unknown."""


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["git failed"])[-1]
        raise GitError(f"git {' '.join(args[:2])}: {reason}")
    return done.stdout


def changed_lines(rev: str, cwd: str | Path = ".") -> dict[Path, set[int] | None]:
    """Absolute path -> changed line numbers (None: the whole file is new or untracked)."""
    root = Path(_git(["rev-parse", "--show-toplevel"], Path(cwd)).strip())
    _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root)
    out: dict[Path, set[int] | None] = {}
    diff = _git(["diff", "--no-color", "--no-ext-diff", "-U0", "--diff-filter=AMR", rev, "--"], root)
    for block in re.split(r"^diff --git ", diff, flags=re.MULTILINE)[1:]:
        name = re.search(r"^\+\+\+ b/(.+)$", block, re.MULTILINE)
        if not name:
            continue
        lines: set[int] = set()
        for m in _HUNK.finditer(block):
            start, count = int(m.group(1)), int(m.group(2) or 1)
            lines.update(range(start, start + count))
        out[(root / name.group(1)).resolve()] = lines
    for untracked in _git(["ls-files", "--others", "--exclude-standard"], root).splitlines():
        out[(root / untracked).resolve()] = None
    return out


def is_changed(changes: dict[Path, set[int] | None], path: str, line: int | None = None) -> bool:
    """True when ``path`` (and, if given, its ``line``) is among ``changes``."""
    key = Path(path).resolve()
    if key not in changes:
        return False
    lines = changes[key]
    return line is None or lines is None or line in lines
