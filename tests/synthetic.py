"""Synthetic news-like text for the reuse-engine tests: seeded, Zipf-like, with exact copies.

Shared by tests/test_index.py and tests/test_persistent_index.py so both measure the same data.
"""

from __future__ import annotations

import itertools
import math
import random

from qualcheck.types import Document, Finding, Severity

_SYLLABLES = "ba ko ri sen tal mo vek lu dra pin or esh gan tu fel zo mar kin do pe".split()
_FUNCTION = "the of and to a in that is for on said with was as it by at from will be".split()


def _vocabulary(n: int = 6000) -> list[str]:
    rng = random.Random(7)
    out: set[str] = set()
    while len(out) < n:
        out.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(out)


VOCAB = _vocabulary()
WORDS = _FUNCTION + VOCAB
_fw = [1.0 / (i + 1) for i in range(len(_FUNCTION))]
_vw = [1.0 / (i + 20) for i in range(len(VOCAB))]
WEIGHTS = [0.35 * w / sum(_fw) for w in _fw] + [0.65 * w / sum(_vw) for w in _vw]
CUM_WEIGHTS = list(itertools.accumulate(WEIGHTS))


def sentence(rng: random.Random) -> str:
    w = rng.choices(WORDS, cum_weights=CUM_WEIGHTS, k=rng.randint(8, 24))
    return w[0].capitalize() + " " + " ".join(w[1:]) + "."


def sentences(rng: random.Random, n_words: int) -> list[str]:
    out: list[str] = []
    total = 0
    while total < n_words:
        out.append(sentence(rng))
        total += nwords(out[-1])
    return out


def nwords(s: str) -> int:
    return len(s.split())


def join(sents: list[str]) -> str:
    """Paragraphs of three sentences."""
    return "\n\n".join(" ".join(sents[i : i + 3]) for i in range(0, len(sents), 3))


def rewrite(rng: random.Random, sents: list[str], every: int = 7) -> list[str]:
    """Replace about one word in ``every`` with another vocabulary word."""
    out = []
    for s in sents:
        w = s.rstrip(".").split()
        for i in range(rng.randint(1, every), len(w), every):
            w[i] = rng.choice(VOCAB)
        out.append(" ".join(w) + ".")
    return out


def copy_article(rng: random.Random, source: list[str], share: float, n_words: int) -> tuple[list[str], int]:
    """Sentences of ``source`` (about ``share`` of ``n_words``) shuffled with new ones."""
    pool = list(range(len(source)))
    rng.shuffle(pool)
    copied: list[int] = []
    for i in pool:
        if sum(nwords(source[j]) for j in copied) >= share * n_words:
            break
        copied.append(i)
    copied_words = sum(nwords(source[j]) for j in copied)
    own = sentences(rng, max(0, n_words - copied_words)) if share < 1 else []
    art = [source[j] for j in sorted(copied)] + own
    rng.shuffle(art)
    return art, copied_words


def doc(doc_id: str, text: str) -> Document:
    return Document(doc_id, f"{doc_id}.txt", text)


def recall_pairs(seed: int = 42, n: int = 200) -> tuple[list[Document], list[Document]]:
    """``n`` (source, article) pairs: article shares 0.2..1.0 (a quarter in 0.2..0.3, a third
    lightly rewritten), articles 150..800 words, sources 200..5,000 words (log-uniform)."""
    rng = random.Random(seed)
    sources, articles = [], []
    for p in range(n):
        src = sentences(rng, int(math.exp(rng.uniform(math.log(200), math.log(5000)))))
        share = rng.uniform(0.2, 0.3) if p % 4 == 0 else rng.uniform(0.2, 1.0)
        art, _ = copy_article(rng, src, share, rng.randint(150, 800))
        if p % 3 == 0:
            art = rewrite(rng, art)
        sources.append(doc(f"s{p}", join(src)))
        articles.append(doc(f"a{p}", join(art)))
    return sources, articles


def finding_at(doc: Document, needle: str, rule: str, code: str, sev: Severity, **kw: object) -> Finding:
    """A finding on the first ``needle`` in ``doc``, placed as the rules place theirs."""
    start = doc.text.index(needle)
    line = doc.line_offset + doc.text.count("\n", 0, start) + 1
    column = start - (doc.text.rfind("\n", 0, start) + 1) + 1
    return Finding(
        path=doc.path,
        doc_id=doc.doc_id,
        rule=rule,
        code=code,
        severity=sev,
        start=start,
        end=start + len(needle),
        line=line,
        column=column,
        text=needle,
        message=str(kw.pop("message", f"{rule} here")),
        **kw,  # type: ignore[arg-type]
    )
