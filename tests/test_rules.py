"""Every rule, on its cases in tests/cases/rules.toml: what must be flagged and what must pass."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from qualcheck.api import audit_documents
from qualcheck.checks.registry import RULES
from qualcheck.config import Config
from qualcheck.types import Document

CASES = tomllib.loads((Path(__file__).parent / "cases" / "rules.toml").read_text(encoding="utf-8"))["case"]


def _id(case: dict) -> str:
    return f"{case['rule']}-{'fail' if case['expect'] else 'pass'}-{CASES.index(case)}"


def test_every_rule_has_failing_and_passing_cases() -> None:
    for rule in RULES:
        cases = [c for c in CASES if c["rule"] == rule.name]
        assert any(c["expect"] for c in cases), f"{rule.name} has no failing example"
        assert any(not c["expect"] for c in cases), f"{rule.name} has no passing example"


def test_every_rule_is_documented() -> None:
    for rule in RULES:
        doc = rule.doc
        for part in ("Why:", "Example:", "Known problems:"):
            assert part in doc, f"{rule.name} docstring lacks {part!r}"


def test_codes_and_names_are_unique_and_kebab_case() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)
    for r in RULES:
        assert r.name == r.name.lower() and " " not in r.name and "_" not in r.name


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_rule_case(case: dict) -> None:
    doc = Document("article.txt", "article.txt", case["text"])
    corpus = [Document(f"source{i}.txt", f"source{i}.txt", t) for i, t in enumerate(case.get("corpus", []))]
    config = Config.from_mapping({**case.get("config", {}), "select": [case["rule"]]})
    report = audit_documents([doc], corpus, config=config)
    found = [f for f in report.data.findings if f.rule == case["rule"]]
    for f in found:
        assert f.text == doc.text[f.start : f.end]
    got = [(f.text, f.suggestion) for f in found]
    want = [(e["text"], e.get("suggestion")) for e in case["expect"]]
    assert [t for t, _ in got] == [t for t, _ in want], got
    for (_, s_got), (_, s_want) in zip(got, want, strict=True):
        if s_want is not None:
            assert s_got.split(" | ")[0] == s_want
