"""Settings shared by the loaders, and the exception a loader raises to skip a whole file."""

from __future__ import annotations

import json
import re
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


#: Longest ``meta`` value kept. Front matter can nest aliases (``b: [*a, *a, ...]``, the
#: "billion laughs"), which PyYAML shares by reference but flattening would expand
#: exponentially; flattening stops at this length instead.
MAX_META_CHARS = 10_000
_SURROGATE = re.compile("[\ud800-\udfff]")


def meta_value(value: object, limit: int = MAX_META_CHARS) -> str:
    """Render a front-matter or column value as the plain string ``Document.meta`` holds.

    Lists are joined with ", ", mappings written as JSON; the result is cut at ``limit``
    characters (with "…"), and the work done is bounded by ``limit`` too, whatever the
    nesting or sharing of the value.
    """
    if isinstance(value, str):
        return value if len(value) <= limit else value[: limit - 1] + "\u2026"
    parts: list[str] = []
    size = steps = 0
    stack: list[object] = [value]
    # Iterative and bounded in output and steps: no recursion limit, no exponential walk, and
    # a self-containing value (YAML "&a [*a]") ends too.
    while stack and size <= limit and steps <= 4 * limit:
        steps += 1
        item = stack.pop()
        if isinstance(item, _Raw):
            piece = item.text
        elif isinstance(item, (list, tuple)):
            for i, v in reversed(list(enumerate(v for v in item if v is not None))):
                stack.append(v)
                if i:
                    stack.append(_Raw(", "))
            continue
        elif isinstance(item, dict):
            pairs = list(item.items())
            stack.append(_Raw("}"))
            for i, (k, v) in reversed(list(enumerate(pairs))):
                stack.extend([_Json(v), _Raw(json.dumps(str(k), ensure_ascii=False) + ": ")])
                if i:
                    stack.append(_Raw(", "))
            stack.append(_Raw("{"))
            continue
        elif isinstance(item, _Json):
            maybe = _json_piece(item.value, stack)
            if maybe is None:
                continue
            piece = maybe
        else:
            piece = _scalar(item)
        parts.append(piece)
        size += len(piece)
    text = "".join(parts)
    return text if len(text) <= limit and not stack else text[: limit - 1] + "\u2026"


class _Raw:
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class _Json:
    """A value inside a mapping: written as JSON (strings quoted, lists as [...])."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value


def _json_piece(value: object, stack: list[object]) -> str | None:
    if isinstance(value, dict):
        stack.append(value)
        return None
    if isinstance(value, (list, tuple)):
        stack.append(_Raw("]"))
        for i, v in reversed(list(enumerate(value))):
            stack.append(_Json(v))
            if i:
                stack.append(_Raw(", "))
        stack.append(_Raw("["))
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(_scalar(value), ensure_ascii=False)


def _scalar(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return str(isoformat())
    return str(value)


def unpaired_surrogate(text: str) -> str:
    """"" when ``text`` is valid Unicode, else a description of its first lone surrogate
    (what a ``\\ud800`` escape in JSON or YAML decodes to; no UTF-8 file can hold it)."""
    match = _SURROGATE.search(text)
    return f"unpaired surrogate \\u{ord(match.group()):04x}" if match else ""
