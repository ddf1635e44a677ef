"""Typed settings: defaults here, overrides from ``qualcheck.toml`` or ``[tool.qualcheck]``.

Every option is a field of :class:`Config`; a key in a file or a keyword passed to
:func:`qualcheck.audit` that is not a field is an error naming the key, so a misspelt
setting never silently does nothing.

>>> Config.from_mapping({"reuse-threshold": 0.3}).reuse_threshold
0.3
>>> Config.from_mapping({"reuse-treshold": 0.3})
Traceback (most recent call last):
...
qualcheck.config.ConfigError: unknown setting 'reuse-treshold'
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from qualcheck.types import Severity


class ConfigError(ValueError):
    """A setting that does not exist or has a value of the wrong kind."""


@dataclass(frozen=True)
class Config:
    """All options of an audit, with their defaults."""

    # Reuse
    reuse_threshold: float = 0.2  # smallest share of an article taken from one source to report
    shingle_size: int = 3  # words per shingle for candidate search
    num_perm: int = 256  # MinHash permutations (256: short articles against long sources)
    # Spelling and names
    corpus_min_count: int = 3  # a word used this often in corpus + audit is the house's word
    max_edit_distance: int = 2  # for typo suggestions on long words (1 below 8 letters)
    accept: tuple[str, ...] = ()  # words never flagged (exact tokens)
    reject: Mapping[str, str] = field(default_factory=dict)  # word -> preferred word ("" for none)
    names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # canonical -> wrong forms
    distinct: tuple[tuple[str, ...], ...] = ()  # look-alike names that are different entities
    # Loading
    id_column: str = "id"
    title_column: str = "title"
    text_column: str = "text"
    max_bytes: int = 50_000_000
    include: tuple[str, ...] = ()  # globs of audited paths to keep (empty: all)
    exclude: tuple[str, ...] = ()  # globs of audited paths to leave out
    corpus: tuple[str, ...] = ()  # reference texts, relative to the config file
    baseline: str = ""  # baseline file of accepted findings, relative to the config file
    index: str = ""  # prebuilt corpus index: an SQLite file (relative to the config file) or redis://
    # Rules and outcome
    select: tuple[str, ...] = ()  # rule codes, names or prefixes to run (empty: all)
    ignore: tuple[str, ...] = ()  # rule codes, names or prefixes to skip
    severity: Mapping[str, Severity] = field(default_factory=dict)  # rule code/name -> severity
    per_path_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # glob -> rules
    fail_on: Severity | None = Severity.ERROR  # None ("never"): findings never fail the run

    def __post_init__(self) -> None:
        checks = [
            (0 < self.reuse_threshold <= 1, "reuse-threshold must be in (0, 1]"),
            (self.shingle_size >= 1, "shingle-size must be at least 1"),
            (self.num_perm >= 16, "num-perm must be at least 16"),
            (self.corpus_min_count >= 1, "corpus-min-count must be at least 1"),
            (1 <= self.max_edit_distance <= 3, "max-edit-distance must be 1, 2 or 3"),
            (self.max_bytes > 0, "max-bytes must be positive"),
        ]
        for ok, message in checks:
            if not ok:
                raise ConfigError(message)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], origin: str = "options") -> Config:
        """Build from ``values`` (kebab-case or snake_case keys), rejecting unknown keys."""
        known = {f.name: f for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in values.items():
            name = key.replace("-", "_")
            if name not in known:
                where = "" if origin == "options" else f" in {origin}"
                raise ConfigError(f"unknown setting {key!r}{where}")
            kwargs[name] = _coerce(known[name], value, key)
        return cls(**kwargs)

    @classmethod
    def from_file(cls, path: str | Path) -> Config:
        """Read ``qualcheck.toml`` (top level) or ``pyproject.toml`` (``[tool.qualcheck]``)."""
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read config {p}: {exc}") from None
        if p.name == "pyproject.toml":
            data = data.get("tool", {}).get("qualcheck", {})
        config = cls.from_mapping(data, origin=str(p))
        base = p.resolve().parent  # paths in a config file are relative to it
        return dataclasses.replace(
            config,
            corpus=tuple(str(base / c) for c in config.corpus),
            baseline=str(base / config.baseline) if config.baseline else "",
            index=config.index if not config.index or "://" in config.index else str(base / config.index),
        )

    @classmethod
    def discover(cls, start: str | Path = ".") -> Path | None:
        """The nearest ``qualcheck.toml``, or ``pyproject.toml`` with ``[tool.qualcheck]``,
        in ``start`` or a folder above it."""
        here = Path(start).resolve()
        for folder in (here, *here.parents):
            if (folder / "qualcheck.toml").is_file():
                return folder / "qualcheck.toml"
            pyproject = folder / "pyproject.toml"
            if pyproject.is_file():
                try:
                    if "qualcheck" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}):
                        return pyproject
                except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
                    continue
        return None

    def replace(self, **changes: Any) -> Config:
        """A copy with ``changes`` applied (validated like any other setting)."""
        merged = {f.name: getattr(self, f.name) for f in fields(self)}
        merged.update({k.replace("-", "_"): v for k, v in changes.items()})
        return Config.from_mapping(merged)


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise TypeError("expected a list of strings")
    return tuple(value)


def _coerce_mapping(name: str, value: Any) -> Any:
    if not isinstance(value, Mapping):
        raise TypeError("expected a table")
    if name == "severity":
        return {str(k): v if isinstance(v, Severity) else Severity.parse(str(v)) for k, v in value.items()}
    if name == "reject":
        if not all(isinstance(v, str) for v in value.values()):
            raise TypeError("expected word = \"preferred\" pairs")
        return {str(k): v for k, v in value.items()}
    return {str(k): _strings(v) for k, v in value.items()}


def _coerce(f: dataclasses.Field[Any], value: Any, key: str) -> Any:
    default = f.default if f.default is not dataclasses.MISSING else None
    try:
        if f.default_factory is dict:  # type: ignore[comparison-overlap]
            return _coerce_mapping(f.name, value)
        if f.name == "distinct":
            if not isinstance(value, (list, tuple)):
                raise TypeError("expected a list of name groups")
            return tuple(_strings(group) for group in value)
        if f.name == "fail_on":
            if value is None or str(value).strip().lower() == "never":
                return None
            return value if isinstance(value, Severity) else Severity.parse(str(value))
        if isinstance(default, tuple):
            return _strings(value)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise TypeError
            return value
        if isinstance(default, int):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError
            return value
        if isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError
            return float(value)
        if isinstance(default, str):
            if not isinstance(value, str):
                raise TypeError
            return value
    except (TypeError, ValueError) as exc:
        detail = f": {exc}" if str(exc) else ""
        raise ConfigError(f"bad value {value!r} for setting {key!r}{detail}") from None
    return value
