"""Settings shared by the loaders, and the exception a loader raises to skip a whole file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class LoadOptions:
    """How to read inputs.

    The ``*_column`` names pick the fields of tabular files (CSV, JSONL, Parquet); other
    columns become ``Document.meta``. Files larger than ``max_bytes`` are skipped before
    being read, so one stray dump cannot exhaust memory.
    """

    id_column: str = "id"
    title_column: str = "title"
    text_column: str = "text"
    max_bytes: int = 50_000_000


class SkipFile(Exception):
    """Raised by a loader when a whole file cannot be audited; the message is the reason."""

    @property
    def reason(self) -> str:
        return str(self.args[0]) if self.args else "unreadable"


def frozen_meta(values: Mapping[str, str] | None = None) -> Mapping[str, str]:
    """A read-only copy of ``values`` for ``Document.meta``."""
    return MappingProxyType(dict(values or {}))


def meta_value(value: object) -> str:
    """Render a front-matter or column value as the plain string ``Document.meta`` holds."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(meta_value(v) for v in value if v is not None)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return str(isoformat())
    return str(value)
