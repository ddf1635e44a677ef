"""The language rules' fast paths give exactly what the plain word-by-word logic gives.

The rules filter distinct texts with set operations and per-audit memos instead of asking
every token; these tests hold the filters to the slow reference: the same neighbours, the
same candidate words, the same screen decisions, and offsets that point at the text.
"""

from __future__ import annotations

import random

import pytest

from qualcheck.api import audit_documents
from qualcheck.checks import name_screen, spelling
from qualcheck.checks.base import CheckContext, DocView
from qualcheck.checks.name_mentions import capitalised, runs
from qualcheck.checks.wordfacts import facts, unusual_texts
from qualcheck.config import Config
from qualcheck.lexicon import NeighborIndex, ScanningNeighborIndex, english_words, within, word_frequencies
from qualcheck.text import normalize_word
from qualcheck.types import Document
from qualcheck.vocab import Vocabulary, base_form

# --- neighbour lookups ----------------------------------------------------------------


def _slips(words: list[str], rng: random.Random) -> list[str]:
    out = []
    for w in words:
        i = rng.randrange(len(w))
        out += [w[:i] + w[i + 1 :], w[:i] + "e" + w[i:], w[:i] + "a" + w[i + 1 :]]
        if i + 1 < len(w):
            out.append(w[:i] + w[i + 1] + w[i] + w[i + 2 :])
    return out


@pytest.fixture(scope="module")
def sample() -> tuple[list[str], list[str]]:
    rng = random.Random(7)
    words = sorted(w for w, n in word_frequencies().items() if n > 2000 and w.isalpha())
    indexed = rng.sample(words, 3000)
    queries = rng.sample(indexed, 60) + _slips(rng.sample(words, 60), rng)
    return indexed, queries


def test_scanning_index_answers_as_the_deletion_index(sample: tuple[list[str], list[str]]) -> None:
    indexed, queries = sample
    exact, scanning = NeighborIndex(indexed), ScanningNeighborIndex(indexed, build_after=10**9)
    for q in queries:
        for d in (1, 2):
            assert scanning.lookup(q, d) == exact.lookup(q, d), (q, d)


def test_scanning_index_builds_the_index_once_scans_cost_more(sample: tuple[list[str], list[str]]) -> None:
    indexed, queries = sample
    exact, scanning = NeighborIndex(indexed), ScanningNeighborIndex(indexed, build_after=0)
    assert [scanning.lookup(q, 2) for q in queries[:5]] == [exact.lookup(q, 2) for q in queries[:5]]
    assert scanning._index is not None  # the first scan spent the budget: the index answers now


def test_same_first_letter_lookup_is_the_lookup_restricted(sample: tuple[list[str], list[str]]) -> None:
    indexed, queries = sample
    exact, scanning = NeighborIndex(indexed), ScanningNeighborIndex(indexed)
    for q in queries:
        for d in (1, 2):
            want = [(w, n) for w, n in exact.lookup(q, d) if w[:1] == q[:1]]
            assert scanning.lookup_same_first(q, d) == want, (q, d)


def test_within_gives_choices_in_order_with_distances() -> None:
    assert list(within("courtsey", ["court", "courtesy", "courtsey", "curtsey"], 1)) == [
        ("courtesy", 1), ("courtsey", 0), ("curtsey", 1)]
    assert list(within("x", [], 2)) == []
    with pytest.raises(ValueError):
        ScanningNeighborIndex(["a"]).lookup("a", 0)


# --- per-document filters -------------------------------------------------------------

TEXT = ("Lee Kwang-Hyung's SM Entertainmnet signed an MOU with KAIST, said the the goverment.\n"
        "The co-ordinator of well-beeing at 34-yrea-old Zepeto and Zapeto (see www.x.com/the) met Sm.")


def _context(docs: list[Document]) -> tuple[list[DocView], CheckContext]:
    views = [DocView.of(d) for d in docs]
    vocab = Vocabulary()
    for v in views:
        vocab.add(v.tokens)
    return views, CheckContext(Config(), vocab)


def _reference_candidates(view: DocView) -> list[tuple[int, int, str, str]]:
    """candidate_words as it was written before the set filter: every token through _parts."""
    out = []
    for t in spelling._parts(view.tokens):
        if t.norm in english_words():
            continue
        form = base_form(t.text)
        norm = normalize_word(form)
        if "'" in norm or len(norm) < 3 or (len(form) > 1 and form.isupper()):
            continue
        out.append((t.start, t.end, form, norm))
    return out


def test_set_filter_keeps_every_candidate_word() -> None:
    views, ctx = _context([Document("a", "a", TEXT), Document("b", "b", TEXT.upper() + " Goverment x-rayy")])
    for view in views:
        got = [(t.start, t.end, form, norm) for t, form, norm in spelling.candidate_words(view, ctx)]
        assert got == _reference_candidates(view)
        assert got  # the texts hold slips: the comparison is not vacuous
        for start, _end, form, _norm in got:
            assert view.doc.text[start : start + len(form)] == form


def test_word_beside_and_word_at_follow_the_words() -> None:
    view = DocView.of(Document("a", "a", "plan w which, 5 x"))
    words = view.words
    assert view.word_at(5) is words[1] and view.word_at(6) is None
    assert view.word_beside(5, -1) is words[0] and view.word_beside(5, 1) is words[2]
    assert view.word_beside(words[2].start, 1) is None  # a comma is next, not a word
    assert view.tokens_with({"w", "5"}) == [view.tokens[1], view.tokens[4]]


def test_unusual_texts_leave_out_plain_words_and_learn_once() -> None:
    views, ctx = _context([Document("a", "a", TEXT)])
    texts = unusual_texts(views[0], ctx)
    assert {"SM", "Sm", "Zepeto", "Lee", "The", "Kwang-Hyung's"} <= texts
    assert not texts & {"the", "said", "signed", "with"}
    known = facts(ctx)
    assert known.key["Kwang-Hyung's"] == ("Kwang-Hyung", "kwang-hyung")
    assert {"SM", "MOU"} <= known.casing and "Zepeto" not in known.casing
    assert known.seen >= views[0].word_texts


def test_name_screen_passes_articles_with_a_pair_only() -> None:
    plain = "Tony Blair met Gordon Brown in Leeds."
    views, ctx = _context([Document("a", "a", TEXT), Document("b", "b", plain)])
    for view, expected in zip(views, (True, False), strict=True):
        assert name_screen.may_pair(ctx, runs(view, ctx), capitalised(view, ctx)) is expected


# --- rules end to end: offsets point at the text --------------------------------------


@pytest.mark.parametrize(
    ("text", "rule", "found"),
    [
        ("They said the the minister left.", "doubled-word", ["the the"]),
        ("The the minister left.", "doubled-word", ["The the"]),
        ("It was a well-known well-known fact.", "doubled-word", ["well-known well-known"]),
        ("He said don't don\u2019t do it.", "doubled-word", ["don't don\u2019t"]),
        ("It had had no effect, that that is.", "doubled-word", []),
        ("Duran Duran played.", "doubled-word", []),
        ("an exciting plan w which will", "stray-letter", ["w"]),
        ("the letter A is fine and plan a works", "stray-letter", []),
        ("an x-ray of the r. house", "stray-letter", []),
    ],
)  # fmt: skip
def test_mechanical_rules_find_exact_spans(text: str, rule: str, found: list[str]) -> None:
    report = audit_documents([Document("a.txt", "a.txt", text)], config=Config(select=(rule,)))
    got = [f for f in report.data.findings if f.rule == rule]
    assert [f.text for f in got] == found
    for f in got:
        assert f.text == text[f.start : f.end]

