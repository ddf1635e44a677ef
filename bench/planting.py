"""Plant real human misspellings into documents, keeping the exact offsets of each one.

Also composes articles from corpus texts and the writer's own sentences, with the exact
share of derived words (:func:`compose`, used by :mod:`bench.reuse_share`).

Used by :mod:`bench.typos_bbc`. The misspelling lists come from the evaluation data
(Wikipedia's common misspellings, Norvig's Birkbeck test sets); nothing here is data.
"""

from __future__ import annotations

import ast
import json
import random
import re
from bisect import bisect_right
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


# --- Reuse: articles composed from a source's sentences and the writer's own, with known truth ---
# Used by :mod:`bench.reuse_share`. A composed article is a sequence of sentences, each either
# taken from one or more corpus texts (kept verbatim or rewritten) or the writer's own. The truth
# is counted in qualcheck's words (``qualcheck.text.normalized_words``, the package's one
# tokenizer), so it is in the same unit as the reported shares; rewritten words count as derived.

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])([\"'\u201d\u2019]?)\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])")
_EDGE_PUNCT = re.compile(r"^([\"'\u201c\u2018(]*)(.*?)([\"'\u201d\u2019),.;:!?]*)$")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a composed article: its text, the corpus texts it came from (empty for
    the writer's own), and whether it was rewritten."""

    text: str
    origins: frozenset[str] = frozenset()
    edited: bool = False


@dataclass(frozen=True)
class Composed:
    """A composed article and its truth, in qualcheck's words."""

    doc: Document
    words: int  # all words of the article
    derived_words: int  # words from some corpus text (verbatim or rewritten)
    words_by_origin: dict[str, int]  # words from each corpus text (shared sentences count for each)
    edited_words: int  # derived words inside rewritten sentences
    target: float  # the share aimed at; ``derived_words / words`` is the truth
    derived_spans: tuple[tuple[int, int], ...] = ()  # character spans of the derived sentences

    @property
    def share(self) -> float:
        return self.derived_words / self.words if self.words else 0.0


def body_paragraphs(doc: Document) -> list[str]:
    """The paragraphs of ``doc``'s text after its headline (blank-line separated)."""
    text = doc.text
    if doc.title and text.startswith(doc.title):
        text = text[len(doc.title):]
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph: breaks after . ! ? (and a closing quote) before a capital."""
    out, pos = [], 0
    for m in _SENTENCE_BREAK.finditer(paragraph):
        out.append(paragraph[pos:m.start() + len(m.group(1))])
        pos = m.end()
    out.append(paragraph[pos:])
    return [s.strip() for s in out if s.strip()]


def sentences_of(doc: Document) -> list[str]:
    return [s for p in body_paragraphs(doc) for s in split_sentences(p)]


def count_words(text: str) -> int:
    from qualcheck.text import normalized_words

    return len(normalized_words(text)[0])


def rewrite(sentence: str, rate: float, vocabulary: list[str], rng: random.Random) -> str:
    """Edit ``rate`` of the words of ``sentence`` (at least one): substitute (half the edits),
    delete or swap with the next word (a quarter each; a swap edits two words). Punctuation
    around a word stays where it was."""
    toks = sentence.split()
    n = len(toks)
    if n < 2 or rate <= 0:
        return sentence
    budget = min(n, max(1, round(rate * n)))  # words touched; a swap touches two
    parts = [list(_EDGE_PUNCT.match(t).groups()) for t in toks]  # type: ignore[union-attr]
    touched: set[int] = set()
    deleted: set[int] = set()
    for pos in rng.sample(range(n), n):
        if len(touched) >= budget:
            break
        if pos in touched:
            continue
        op = rng.choice(("sub", "sub", "del", "swap"))
        if op == "swap" and pos + 1 < n and pos + 1 not in touched and len(touched) + 2 <= budget:
            parts[pos][1], parts[pos + 1][1] = parts[pos + 1][1], parts[pos][1]
            touched.update((pos, pos + 1))
            continue
        if op == "del" and len(deleted) < n - 2:
            deleted.add(pos)
        else:
            parts[pos][1] = rng.choice(vocabulary)
        touched.add(pos)
    kept = ["".join(p) for i, p in enumerate(parts) if i not in deleted and "".join(p)]
    text = " ".join(kept)
    return text[:1].upper() + text[1:]


def pick(sentences: list[str], target_words: float, rng: random.Random) -> list[int]:
    """Indices (in order) of a random subset of ``sentences`` with about ``target_words`` words."""
    order = list(range(len(sentences)))
    rng.shuffle(order)
    chosen: list[int] = []
    total = 0
    for i in order:
        if total >= target_words:
            break
        w = count_words(sentences[i])
        if chosen and total + w > target_words * 1.15 and total >= target_words * 0.85:
            continue
        chosen.append(i)
        total += w
    return sorted(chosen)


def interleave(a: list[Sentence], b: list[Sentence], rng: random.Random) -> list[Sentence]:
    """A random merge of two ordered lists, keeping the order within each."""
    out, i, j = [], 0, 0
    while i < len(a) or j < len(b):
        if j >= len(b) or (i < len(a) and rng.random() < (len(a) - i) / (len(a) - i + len(b) - j)):
            out.append(a[i])
            i += 1
        else:
            out.append(b[j])
            j += 1
    return out


def assemble(doc_id: str, headline: str, sentences: list[Sentence], target: float,
             rng: random.Random) -> Composed:
    """Join sentences into paragraphs of 1-3 under ``headline``; count the truth word by word."""
    from qualcheck.text import normalized_words

    pieces: list[tuple[int, int, Sentence]] = []
    text = headline + "\n\n" if headline else ""
    i = 0
    while i < len(sentences):
        size = rng.randint(1, 3)
        for s in sentences[i:i + size]:
            if text and not text.endswith("\n"):
                text += " "
            pieces.append((len(text), len(text) + len(s.text), s))
            text += s.text
        text += "\n\n"
        i += size
    text = text.rstrip() + "\n"
    words_by_origin: dict[str, int] = {}
    derived = edited = 0
    starts = [p[0] for p in pieces]
    _, offsets = normalized_words(text)
    for start, _end in offsets:
        k = bisect_right(starts, start) - 1
        if k < 0 or start >= pieces[k][1]:
            continue  # the headline, the writer's own
        s = pieces[k][2]
        if s.origins:
            derived += 1
            edited += s.edited
            for o in s.origins:
                words_by_origin[o] = words_by_origin.get(o, 0) + 1
    doc = Document(doc_id, doc_id, text, title=headline)
    spans = tuple((a, b) for a, b, s in pieces if s.origins)
    return Composed(doc, len(offsets), derived, words_by_origin, edited, target, spans)


def compose(doc_id: str, derived: list[tuple[list[str], frozenset[str], float]], own: Document,
            target: float, edit_rate: float, rng: random.Random, *, max_words: int = 600) -> Composed:
    """An article with about ``target`` of its words from corpus texts, the rest from ``own``.

    ``derived`` lists groups ``(sentences in source order, origins, weight)``: each group gives
    ``weight`` of the derived words. Each derived sentence is rewritten at ``edit_rate`` with a
    probability drawn uniformly from 0.3..1 per article (none when ``edit_rate`` is 0); neighbouring
    derived sentences are swapped now and then (paragraph reordering). ``own``'s headline and
    sentences are the writer's own material (``own`` must not be in the corpus).
    """
    own_sents = sentences_of(own)
    own_words = sum(count_words(s) for s in own_sents)
    avail = min(sum(count_words(s) for s in sents) / max(w, 1e-9) for sents, _, w in derived)
    total = min(avail / target, own_words / (1 - target), max_words)
    vocabulary = [w for s in own_sents for w in re.findall(r"\b[a-z]{3,}\b", s)] or ["thing"]
    rewrite_p = rng.uniform(0.3, 1.0) if edit_rate > 0 else 0.0
    taken: list[Sentence] = []
    for sents, origins, weight in derived:
        for i in pick(sents, total * target * weight, rng):
            if rng.random() < rewrite_p:
                taken.append(Sentence(rewrite(sents[i], edit_rate, vocabulary, rng), origins, True))
            else:
                taken.append(Sentence(sents[i], origins))
    for i in range(len(taken) - 1):
        if rng.random() < 0.1:
            taken[i], taken[i + 1] = taken[i + 1], taken[i]
    mine = [Sentence(own_sents[i]) for i in pick(own_sents, total * (1 - target), rng)]
    return assemble(doc_id, own.title, interleave(taken, mine, rng), target, rng)
