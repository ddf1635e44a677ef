"""qualcheck.index.corpus_vocab: the batch-path vocabulary equals Vocabulary.build, orders included.

The casing counters are compared as ordered lists: their order (first casing vote first) is
what breaks majority-casing ties, so an equal Counter in another order would be a bug. The
forms and norms counters are compared in order too: the language checks iterate them (the
neighbour index of frequent words is built in that order).
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcheck.index import corpus_vocab
from qualcheck.index.corpus_vocab import add_rows, texts_delta, texts_vocabulary
from qualcheck.load import load_paths
from qualcheck.types import Document
from qualcheck.vocab import Vocabulary

ROOT = Path(__file__).parents[1]


def build(texts: list[str]) -> Vocabulary:
    return Vocabulary.build([Document(str(i), f"{i}.txt", t) for i, t in enumerate(texts)])


def assert_same(got: Vocabulary, expected: Vocabulary) -> None:
    assert got.documents == expected.documents
    assert got.forms == expected.forms
    assert list(got.forms) == list(expected.forms)  # first use first: the checks iterate these
    assert list(got.norms) == list(expected.norms)  # (form_docs' order is a set's in build())
    assert got.form_docs == expected.form_docs
    assert got.norms == expected.norms
    assert got.norm_docs == expected.norm_docs
    assert list(got.casing) == list(expected.casing)  # norms in order of their first vote
    for norm, votes in expected.casing.items():
        assert list(got.casing[norm].items()) == list(votes.items()), norm  # tie order
    for norm in expected.casing:
        assert got.majority_casing(norm) == expected.majority_casing(norm)


TRICKY = [
    "",
    "...!?",
    "SM said. Fans of SM and Sm cheered. Sm won, SM lost.",  # a 2-2 tie: first vote wins
    "Fans of Sm and SM. Then SM and Sm.",  # the same tie the other way round
    "City Council Approves New Budget\nThe council approved it. The Council met on Monday.",
    "Mr. Smith met Dr. Jones and J. K. Rowling in the U.S. on Jan. 5. Smith left.",
    "e.g. apples, i.e. fruit. Etc. And so on.",
    "K-pop and k-pop; well-known, Well-Known and WELL-KNOWN co-op.",
    "SM's fans, Lee's book, the Joneses' house, Jones' car, Lee\u2019s car, it's, o'clock, O'Brien.",
    "Visit https://example.com/SM or www.Example.org, mail sm@example.com, @SMtown #Kpop SM.",
    "Caf\u00e9 and CAF\u00c9, stra\u00dfe Stra\u00dfe STRASSE, \u0130stanbul istanbul,"
    " \u0391\u03b8\u03ae\u03bd\u03b1.",
    "Na\u00efve co\u00f6perate, the ma\u00f1ana plan, \u4e2d\u6587 \u6587\u5b57, emoji \U0001f600 ok.",
    "Combining cafe\u0301 and caf\u00e9; superscript x\u00b2 and 3\u00bd; snake_case and CamelCase.",
    "Line one\r\nLine Two Is Title Case\r\n\tindented text. new sentence? yes! OK.",
    "Numbers 1,200.50 and 3:15pm, 2nd place, 10km; 1990s era.",
    "\n\n\nQUOTE: \u201cHello,\u201d she said. \u2018Bye\u2019 \u2014 he said\u2026 Then left.",
]

PIECES = [*"abcXYZ019 .,;:!?'\u2019-\u2014\n@#/_()\"\u201c\u201d", "http://", "www.", "Mr", "Mr.", "U.S.",
          "\u0130", "\u00df", "\u00e9", "\u00b2", "SM", "Sm", "sm's", "The ", "\n\nNew Headline Here\n"]


def generated(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(PIECES, k=rng.randrange(0, 120))) for _ in range(n)]


def test_equals_build_on_tricky_texts() -> None:
    assert_same(texts_vocabulary(TRICKY), build(TRICKY))


def test_equals_build_on_generated_texts() -> None:
    texts = generated(13, 400)
    assert_same(texts_vocabulary(texts), build(texts))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=40).map("".join), max_size=8))
def test_equals_build_on_any_texts(texts: list[str]) -> None:
    assert_same(texts_vocabulary(texts), build(texts))


def test_equals_build_on_samples() -> None:
    docs = load_paths([ROOT / "samples"]).documents
    texts = [d.text for d in docs]
    assert len(texts) >= 10
    assert_same(texts_vocabulary(texts), build(texts))


def test_tie_goes_to_the_first_vote() -> None:
    assert texts_vocabulary(["Fans of Sm and SM."]).majority_casing("sm") == "Sm"
    assert texts_vocabulary(["Fans of SM and Sm."]).majority_casing("sm") == "SM"
    assert texts_vocabulary(["SM said.", "Fans of Sm."]).majority_casing("sm") == "Sm"  # start: no vote
    assert texts_vocabulary(["SM SAID THIS", "We know SM."]).casing["sm"] == {"SM": 1}  # headline: no vote


def test_added_after_an_existing_vocabulary() -> None:
    """As in an audit with an index: its vocabulary first, then the texts at hand."""
    texts = [*TRICKY, *generated(5, 60)]
    for cut in (0, 3, len(TRICKY), len(texts)):
        got = texts_vocabulary(texts[cut:], into=build(texts[:cut]))
        assert_same(got, build(texts))


def test_regex_fallback_gives_the_same_vocabulary(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(texts: list[str]) -> None:
        raise ValueError("two different tokens share a 64-bit key")

    monkeypatch.setattr(corpus_vocab, "read_texts", refuse)
    assert_same(texts_vocabulary(TRICKY), build(TRICKY))


def test_many_batches_keep_documents_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus_vocab, "text_groups", lambda lengths: [[i] for i in range(len(lengths))])
    texts = generated(7, 50)
    assert_same(texts_vocabulary(texts), build(texts))


def test_delta_rows_and_add_rows() -> None:
    delta = texts_delta(["Fans of SM.", "SM and Sm met SM."])
    assert delta.forms["SM"][:3] == [3, 2, 2] and delta.forms["Sm"][:3] == [1, 1, 1]
    assert delta.norms["sm"] == [4, 2]
    vocab = add_rows(Vocabulary(), delta.forms.items(), [(n, c, d) for n, (c, d) in delta.norms.items()], 2)
    assert vocab.documents == 2 and vocab.count("SM") == 3 and vocab.docs("sm") == 2
    assert list(vocab.casing["sm"].items()) == [("SM", 2), ("Sm", 1)]  # "SM and": a sentence start
    assert texts_vocabulary([]) == Vocabulary()


def bbc_texts() -> list[str]:
    root = Path(os.environ.get("QUALCHECK_EVAL_DATA", ROOT.parent / "shared" / "eval"))
    files = sorted((root / "bbc-news" / "bbc").glob("*/*.txt"))
    if not files:
        pytest.skip(f"evaluation data not found at {root} (set QUALCHECK_EVAL_DATA)")
    return [f.read_text(encoding="latin-1") for f in files]


def test_equals_build_on_all_bbc_texts() -> None:
    """Benchmark data, read in place (never copied): 2,225 news articles."""
    texts = bbc_texts()
    assert_same(texts_vocabulary(texts), build(texts))
