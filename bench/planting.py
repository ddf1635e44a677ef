"""Plant real human misspellings into documents, keeping the exact offsets of each one.

Used by :mod:`bench.typos_bbc`. The misspelling lists come from the evaluation data
(Wikipedia's common misspellings, Norvig's Birkbeck test sets); nothing here is data.
"""

from __future__ import annotations

import ast
import json
import random
import re
from dataclasses import dataclass, replace
from pathlib import Path

from qualcheck.types import Document

WORD = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*")
SINGLE = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class Planted:
    doc_id: str
    start: int
    end: int
    wrong: str
    right: str


def load_pairs(folder: Path, which: str) -> dict[str, str]:
    """misspelling -> correction, single words of letters only."""
    pairs: dict[str, str] = {}
    if which == "wikipedia":
        pairs = json.loads((folder / "wikipedia-common-misspellings.json").read_text(encoding="utf-8"))
    else:
        for name in ("spell-testset1.txt", "spell-testset2.txt"):
            text = (folder / name).read_text(encoding="utf-8")
            for right, wrongs in ast.literal_eval(text.split("=", 1)[1].strip()).items():
                pairs.update({w: right for w in wrongs.split()})
    return {w: r for w, r in pairs.items()
            if SINGLE.fullmatch(w) and SINGLE.fullmatch(r) and w.lower() != r.lower()}


def match_case(word: str, template: str) -> str:
    if len(template) > 1 and template.isupper():
        return word.upper()
    return word[0].upper() + word[1:] if template[0].isupper() else word


def plant(doc: Document, options: dict[str, list[str]], used: set[str], rng: random.Random
          ) -> tuple[Document, list[Planted]]:
    """Replace 1-3 words of ``doc`` that have a known misspelling; return the new doc and the truth."""
    cands = [m for m in WORD.finditer(doc.text) if m.group().lower() in options]
    rng.shuffle(cands)
    k = rng.randint(1, 3)
    chosen: list[tuple[re.Match[str], str]] = []
    for m in cands:
        free = [w for w in options[m.group().lower()] if w.lower() not in used]
        if free and len(chosen) < k:
            wrong = match_case(rng.choice(free), m.group())
            used.add(wrong.lower())
            chosen.append((m, wrong))
    pieces, truth, pos, shift = [], [], 0, 0
    for m, wrong in sorted(chosen, key=lambda c: c[0].start()):
        pieces += [doc.text[pos:m.start()], wrong]
        start = m.start() + shift
        truth.append(Planted(doc.doc_id, start, start + len(wrong), wrong, m.group()))
        shift += len(wrong) - len(m.group())
        pos = m.end()
    pieces.append(doc.text[pos:])
    return replace(doc, text="".join(pieces)), truth
