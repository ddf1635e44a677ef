"""The house's shape, enforced: layers import only downwards, the core knows nothing of click.

A newcomer should be able to read the package bottom up: ``types``, then text handling, then the
engines (index, vocabulary, loaders, config), then ``checks/``, then ``report/``, then ``api``,
then ``cli``. Each module may import modules of its own layer or below, never above, so the
core can be used (and tested) without the command line, and a check can never reach into a
report writer. The imports are read from the source with ``ast`` (nothing is imported), so a
lazy import inside a function counts as well.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "qualcheck"

# Module prefix -> layer. The longest matching prefix wins; every module must match one.
LAYERS: dict[str, int] = {
    # The root package: __version__, and audit(), a facade that imports the API lazily when called
    # (so lower layers may read __version__; checked below), exempt from the direction check.
    "qualcheck": 0,
    "qualcheck.types": 0,
    "qualcheck.text": 1,
    "qualcheck.lexicon": 1,
    "qualcheck.names_keys": 1,
    "qualcheck.boilerplate": 1,
    "qualcheck.gitdiff": 1,
    "qualcheck.load.options": 1,
    "qualcheck.vocab": 2,
    "qualcheck.morphology": 2,
    "qualcheck.config": 2,
    "qualcheck.baseline": 2,
    "qualcheck.load": 2,
    "qualcheck.index": 2,
    "qualcheck.checks": 3,
    "qualcheck.report": 4,
    "qualcheck.suppress": 4,
    "qualcheck.policy": 4,
    "qualcheck.api": 5,
    "qualcheck.cli": 6,
    "qualcheck.__main__": 6,
}
LAYER_NAMES = ["types", "text", "engines", "checks", "report", "api", "cli"]
MAX_LINES = 400  # the house aims at ~300; this catches a module that has clearly outgrown itself


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer(module: str) -> int:
    best = max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len)
    return LAYERS[best]


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every ``qualcheck`` import in ``path``, lazy ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "qualcheck" or node.module.startswith("qualcheck."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "qualcheck"]
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_the_layer_table_knows_every_module() -> None:
    assert MODULES, "no modules found"
    for path in MODULES:
        _layer(_module_name(path))  # raises ValueError (max of nothing) for an unplaced module


@pytest.mark.parametrize("path", [p for p in MODULES if p != PACKAGE / "__init__.py"],
                         ids=lambda p: _module_name(p))
def test_imports_only_point_down(path: Path) -> None:
    name = _module_name(path)
    own = _layer(name)
    upward = [
        f"line {line}: {name} ({LAYER_NAMES[own]}) imports {module} ({LAYER_NAMES[_layer(module)]})"
        for line, module in _imports(path)
        if _layer(module) > own
    ]
    assert not upward, "\n".join(upward)


def test_the_root_package_imports_nothing_at_run_time() -> None:
    """Lower layers import ``__version__`` from the root, so it must not pull the API in."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    top_level = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    assert all(not (isinstance(n, ast.ImportFrom) and (n.module or "").startswith("qualcheck"))
               for n in top_level)


def test_only_the_cli_imports_click() -> None:
    offenders = []
    for path in MODULES:
        name = _module_name(path)
        if _layer(name) == LAYERS["qualcheck.cli"]:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{name} imports {n}" for n in names if n.split(".")[0] == "click"]
    assert not offenders, offenders


def test_types_are_frozen_dataclasses() -> None:
    import dataclasses

    from qualcheck import types

    classes = [getattr(types, n) for n in ("Document", "Finding", "Passage", "Report")]
    for cls in classes:
        assert dataclasses.is_dataclass(cls), cls
        assert cls.__dataclass_params__.frozen, f"{cls.__name__} is not frozen"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _module_name(p))
def test_modules_stay_short(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{_module_name(path)} has {lines} lines; split it (house aim: ~300)"


def test_the_layer_check_catches_an_upward_import(tmp_path: Path) -> None:
    """The check itself can fail: a check module importing the report layer is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("from qualcheck.report.registry import WRITERS\n", encoding="utf-8")
    (line, module), = _imports(bad)
    assert line == 1 and _layer(module) > _layer("qualcheck.checks.spelling")
