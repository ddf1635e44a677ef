"""Loaders: turn files and folders of articles into :class:`~qualcheck.types.Document` records.

``load_paths`` accepts files and folders (walked recursively, sorted, hidden entries
skipped). Every file found is accounted for: it yields at least one document or appears
in ``skipped`` with a reason an editor understands. A bad file or row never stops the run.

Supported: ``.txt`` (and files without an extension), ``.md``/``.markdown`` (YAML front
matter), ``.html``/``.htm``, and tabular ``.csv``/``.tsv``, ``.jsonl``/``.ndjson``,
``.parquet`` (one document per row).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from qualcheck.load.files import Found, find_files, read_bytes
from qualcheck.load.html import load_html
from qualcheck.load.options import LoadOptions, SkipFile
from qualcheck.load.tabular import load_csv, load_jsonl, load_parquet
from qualcheck.load.text import load_markdown, load_txt
from qualcheck.types import Document, Skipped

__all__ = ["LoadOptions", "LoadResult", "load_paths", "SUPPORTED_EXTENSIONS"]

Loader = Callable[[str, bytes, LoadOptions], tuple[list[Document], list[Skipped]]]


def _single(load: Callable[[str, bytes], list[Document]]) -> Loader:
    return lambda path, data, _options: (load(path, data), [])


_LOADERS: dict[str, Loader] = {
    "": _single(load_txt),
    ".txt": _single(load_txt),
    ".md": _single(load_markdown),
    ".markdown": _single(load_markdown),
    ".html": _single(load_html),
    ".htm": _single(load_html),
    ".csv": load_csv,
    ".tsv": load_csv,
    ".jsonl": load_jsonl,
    ".ndjson": load_jsonl,
    ".parquet": load_parquet,
}
SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(ext for ext in _LOADERS if ext)


@dataclass(frozen=True)
class LoadResult:
    """What loading produced. ``files_found`` counts files (not rows, not missing paths);
    each of them has documents with that ``path`` or a ``Skipped`` entry with that path.
    Row-level problems appear as extra ``Skipped("path#rowN", ...)`` entries."""

    documents: tuple[Document, ...]
    skipped: tuple[Skipped, ...]
    files_found: int


def load_paths(paths: Sequence[str | os.PathLike[str]], options: LoadOptions | None = None) -> LoadResult:
    """Load every file under ``paths``, in a deterministic order."""
    if isinstance(paths, (str, os.PathLike)):  # a single path is a common slip; accept it
        paths = [paths]
    options = options or LoadOptions()
    documents: list[Document] = []
    skipped: list[Skipped] = []
    files_found = 0
    for item in find_files(paths):
        if isinstance(item, Skipped):
            skipped.append(item)
            continue
        files_found += 1
        docs, skips = load_file(item, options)
        documents.extend(docs)
        skipped.extend(skips)
    return LoadResult(tuple(documents), tuple(skipped), files_found)


def load_file(found: Found, options: LoadOptions) -> tuple[list[Document], list[Skipped]]:
    """Load one found file; never raises. Returns its documents and skipped rows/file."""
    if found.skip:
        return [], [Skipped(found.path, found.skip)]
    suffix = Path(found.path).suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        return [], [Skipped(found.path, f"unsupported file type {suffix}")]
    try:
        data = read_bytes(found, options.max_bytes)
        docs, skips = loader(found.path, data, options)
    except SkipFile as exc:
        return [], [Skipped(found.path, exc.reason)]
    except Exception as exc:  # a bad file must never stop the run
        return [], [Skipped(found.path, f"unreadable: {type(exc).__name__}: {exc}")]
    if not docs:  # e.g. every row of a table was bad: keep the file itself accounted for
        skips.append(Skipped(found.path, f"no usable rows ({len(skips)} skipped)" if skips else "empty"))
    return docs, skips
