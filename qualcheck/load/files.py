"""Finding input files and reading their bytes safely.

Folders are walked recursively in sorted order (so runs are reproducible), skipping
hidden entries. Symlinked folders are followed once per real folder (device and inode),
which makes symlink loops harmless, and the walk keeps its own stack, so no depth of
nesting can exhaust Python's recursion limit. The same real file reached twice is
reported as a duplicate rather than audited twice (``doc_id`` must be unique). Only
regular files are opened, so a FIFO in a folder cannot block the run, and sizes are
checked before reading.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from qualcheck.load.options import SkipFile
from qualcheck.types import Skipped


@dataclass(frozen=True)
class Found:
    """A file discovered in the inputs; ``skip`` is set when it is already known unusable."""

    path: str
    size: int = 0
    skip: str | None = None


def find_files(paths: Sequence[str | os.PathLike[str]]) -> list[Found | Skipped]:
    """Expand ``paths`` into files, in input order, plus ``Skipped`` for paths not found.

    Every :class:`Found` counts towards ``files_found``; the ``Skipped`` entries here are
    for things that are not files (missing paths, folders that cannot be listed).
    """
    out: list[Found | Skipped] = []
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: dict[str, str] = {}
    for given in paths:
        path = Path(given)
        if path.is_dir():
            _walk(path, out, seen_dirs, seen_files)
        elif path.exists() or path.is_symlink():
            out.append(_found(path, seen_files))
        else:
            out.append(Skipped(str(path), "not found"))
    return out


def _walk(top: Path, out: list[Found | Skipped], seen_dirs: set[tuple[int, int]],
          seen_files: dict[str, str]) -> None:
    """Depth first, entries sorted by name. Iterative (an explicit stack of folders), so no
    depth of nesting can exhaust Python's recursion limit."""
    stack: list[Iterator[tuple[Path, bool]]] = []
    first = _children(top, out, seen_dirs)
    if first is not None:
        stack.append(first)
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            continue
        child, is_dir = item
        if is_dir:
            below = _children(child, out, seen_dirs)
            if below is not None:
                stack.append(below)
        else:
            out.append(_found(child, seen_files))


def _children(folder: Path, out: list[Found | Skipped],
              seen_dirs: set[tuple[int, int]]) -> Iterator[tuple[Path, bool]] | None:
    """The visible entries of ``folder`` as (path, is a folder), sorted; None when the folder
    was walked already (a symlink loop or a second link to it) or cannot be listed."""
    try:
        info = folder.stat()
        key = (info.st_dev, info.st_ino)  # the real folder, in O(1) whatever the depth
        if key in seen_dirs:
            return None
        seen_dirs.add(key)
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        out.append(Skipped(str(folder), os_reason(exc)))
        return None
    listed: list[tuple[Path, bool]] = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        listed.append((folder / entry.name, is_dir))
    return iter(listed)


def _found(path: Path, seen_files: dict[str, str]) -> Found:
    name = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        return Found(name, skip="not found (broken link)")
    except OSError as exc:
        return Found(name, skip=os_reason(exc))
    if not stat.S_ISREG(info.st_mode):
        return Found(name, skip="not a regular file")
    real = os.path.realpath(path)
    if real in seen_files:
        return Found(name, skip=f"duplicate of {seen_files[real]}")
    seen_files[real] = name
    return Found(name, size=info.st_size)


def os_reason(exc: OSError) -> str:
    """An editor-readable reason for an OS error ("unreadable: permission denied")."""
    if isinstance(exc, PermissionError):
        return "unreadable: permission denied"
    if exc.errno == errno.ELOOP:
        return "unreadable: symlink loop"
    return f"unreadable: {(exc.strerror or str(exc)).lower()}"


def read_bytes(found: Found, max_bytes: int) -> bytes:
    """Read a file whole, refusing (by :class:`SkipFile`) empty, huge or unreadable ones."""
    too_large = "too large ({} bytes > limit {})"
    if found.size > max_bytes:
        raise SkipFile(too_large.format(found.size, max_bytes))
    try:
        with open(found.path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise SkipFile(os_reason(exc)) from None
    if len(data) > max_bytes:
        raise SkipFile(too_large.format(f"more than {max_bytes}", max_bytes))
    if not data.strip():
        raise SkipFile("empty")
    return data
