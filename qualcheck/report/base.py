"""The writer interface every output format implements, and the atomic-file helper.

Like flake8's formatters, an output format is a small object with a ``name`` and one
method; the registry maps names to instances, so adding a format means adding a class
and one registry line, never another branch in an if/elif chain. Writers receive the
finished :class:`~qualcheck.types.Report` and only render it: no logging, no analysis.

Every file is written atomically (temp file in the target directory, then
:func:`os.replace`), so an interrupted run leaves either the previous file or the new
one, never half a report.

Any ``str`` can be written: a lone surrogate (a file name whose bytes are not UTF-8, which
Python holds as ``\\udcff``, or a ``\\ud800`` escape read from JSON) becomes the six
characters ``\\udcff`` instead of failing the whole report with ``UnicodeEncodeError``.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TextIO, runtime_checkable

from qualcheck.report.records import (
    FINDING_COLUMNS,
    PASSAGE_COLUMNS,
    SKIPPED_COLUMNS,
    finding_records,
    passage_records,
    skipped_records,
)
from qualcheck.types import Report

__all__ = [
    "FINDING_COLUMNS",
    "PASSAGE_COLUMNS",
    "SKIPPED_COLUMNS",
    "TEMP_PREFIX",
    "Writer",
    "atomic_write",
    "atomic_write_text",
    "ensure_dir",
    "escape_surrogates",
    "json_safe",
    "finding_records",
    "passage_records",
    "skipped_records",
]

#: Prefix of in-flight temp files (hidden, so a crash leftover is easy to spot and ignore).
TEMP_PREFIX = ".qualcheck-tmp-"

_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_surrogates(text: str, backslash: str = "\\") -> str:
    """``text`` with each lone surrogate written as the text ``\\udcff`` (UTF-8 cannot hold it)."""
    if not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(lambda m: f"{backslash}u{ord(m.group()):04x}", text)


def json_safe(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``, where a lone surrogate can only
    sit inside a string) with each surrogate as the literal text ``\\udcff``: an escaped
    backslash, so strict parsers that reject lone-surrogate escapes still read the file."""
    return escape_surrogates(text, "\\\\")


@runtime_checkable
class Writer(Protocol):
    """One output format: ``write`` renders ``report`` into ``out_dir``.

    ``write`` creates ``out_dir`` if needed and returns the paths it wrote, in a stable
    order, so callers can print them or attach them to CI artifacts.
    """

    name: str

    def write(self, report: Report, out_dir: Path) -> list[Path]:
        """Render ``report`` into files under ``out_dir`` and return their paths."""
        ...


def ensure_dir(out_dir: Path | str) -> Path:
    """Create ``out_dir`` (and parents) if missing and return it as a Path."""
    path = Path(out_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def atomic_write(path: Path, fill: Callable[[TextIO], object], *, newline: str | None = None) -> Path:
    """Write ``path`` atomically: ``fill`` writes UTF-8 text to a temp file, then rename.

    The temp file lives in the same directory (``os.replace`` is only atomic within a
    filesystem) and is removed if ``fill`` raises. ``newline=""`` is what :mod:`csv` needs.
    """
    directory = ensure_dir(path.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline=newline) as handle:
            fill(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)  # mkstemp makes 0600; reports are meant to be shared
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    return path


def atomic_write_text(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically as UTF-8."""
    return atomic_write(path, lambda handle: handle.write(text))
