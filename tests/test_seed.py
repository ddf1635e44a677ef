"""The mission's example article: all seven defects flagged, at most two other language findings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qualcheck.api import audit

SEED = Path(os.environ.get("QUALCHECK_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "seed"
ARTICLE = SEED / "sm-kaist-metaverse-article.txt"

# (what the defect is, text the finding must cover, the suggestion wanted or None)
DEFECTS = [
    ("courtsey", "courtsey", "courtesy"),
    ("Entertainmnet", "Entertainmnet", "Entertainment"),
    ("Zapeto/Zepeto", "Zapeto", "Zepeto"),
    ("Daejon/Daejeon", "Daejon", None),
    ("Lee Kwang Ho/Lee Kwang-Hyung", "Kwang Ho", None),
    ("Sm/SM", "Sm", "SM"),
    ("plan,w which", "plan,w", None),
]


@pytest.mark.skipif(not ARTICLE.exists(), reason="../shared/seed is not beside this checkout")
def test_seed_article_defects_are_all_found() -> None:
    report = audit([ARTICLE])
    text = ARTICLE.read_text(encoding="utf-8")
    # as the mission's scorer does: reuse and page-furniture findings are set aside
    language = [f for f in report.data.findings if not f.rule.startswith(("reuse", "page-furniture"))]
    used = set()
    for name, token, want in DEFECTS:
        start = text.index(token if token != "Daejon" else "Daejon ")
        spans = [(start, start + len(token))] + ([(text.index("Daejeon"), text.index("Daejeon") + 7)]
                                                 if name.startswith("Daejon") else [])
        hits = [f for f in language if any(f.start < e and s < f.end for s, e in spans)]
        assert hits, f"{name} not flagged"
        if want:
            assert any(f.suggestion.split(" | ")[0] == want for f in hits), (name, hits)
        used.update(id(f) for f in hits)
        for f in hits:
            assert f.text == text[f.start : f.end]
    others = [f.text for f in language if id(f) not in used]
    assert len(others) <= 2, others
