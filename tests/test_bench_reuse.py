"""The reuse benchmarks' composition and truth logic, on small inline texts (no eval data)."""

from __future__ import annotations

import random

import pytest

from bench.common import best_threshold, patched, roc_auc
from bench.planting import Sentence, assemble, compose, count_words, rewrite, sentences_of, split_sentences
from bench.reuse_share import inside, union_share
from qualcheck.types import Document

SOURCE = Document(
    "src", "src.txt",
    "Council approves budget\n\n"
    "The city council approved a new budget on Monday. It raises spending on schools by ten percent.\n\n"
    "Roads will get another four million pounds over two years. The mayor said the plan was fair.\n\n"
    "Opposition members voted against it. They said taxes would rise for small firms.",
    title="Council approves budget",
)
OWN = Document(
    "own", "own.txt",
    "A quiet week in town\n\n"
    "Residents gathered at the market square on Saturday morning. Local bakers sold out by noon.\n\n"
    "Children played football in the park while parents watched from benches. A brass band played.\n\n"
    "The weather stayed dry all weekend. Shops reported good trade and long queues.",
    title="A quiet week in town",
)


def test_split_sentences_breaks_after_full_stops_and_quotes() -> None:
    text = 'He said "we will win." Then he left. Dr Smith stayed at 3.5 percent.'
    assert split_sentences(text) == ['He said "we will win."', "Then he left.",
                                     "Dr Smith stayed at 3.5 percent."]


def test_sentences_of_skips_the_headline() -> None:
    assert sentences_of(SOURCE)[0] == "The city council approved a new budget on Monday."
    assert len(sentences_of(SOURCE)) == 6


def test_rewrite_edits_about_the_rate_and_is_seeded() -> None:
    sentence = "The city council approved a new budget on Monday after a long debate in the chamber."
    a = rewrite(sentence, 0.2, ["garden", "yellow"], random.Random(1))
    b = rewrite(sentence, 0.2, ["garden", "yellow"], random.Random(1))
    assert a == b != sentence
    assert a.endswith(".")
    before, after = sentence.rstrip(".").lower().split(), a.rstrip(".").lower().split()
    assert len(before) - len(after) <= 3  # 16 words at 0.2: at most 3 words touched
    assert rewrite(sentence, 0.0, ["x"], random.Random(1)) == sentence


def test_assemble_counts_derived_words_per_origin() -> None:
    parts = [Sentence("Roads will get four million pounds.", frozenset({"src"})),
             Sentence("Residents gathered at the market.", frozenset()),
             Sentence("The mayor said it was fair.", frozenset({"src", "wire"}), edited=True)]
    c = assemble("a", "Headline here", parts, 0.5, random.Random(3))
    assert c.words == 2 + 6 + 5 + 6  # headline words count as the writer's own
    assert c.derived_words == 12
    assert c.words_by_origin == {"src": 12, "wire": 6}
    assert c.edited_words == 6
    assert [c.doc.text[a:b] for a, b in c.derived_spans] == [parts[0].text, parts[2].text]
    assert c.share == pytest.approx(12 / 19)


def test_compose_truth_matches_the_sentences_taken() -> None:
    c = compose("a", [(sentences_of(SOURCE), frozenset({"src"}), 1.0)], OWN, 0.5, 0.0, random.Random(7))
    derived = [c.doc.text[a:b] for a, b in c.derived_spans]
    assert derived and all(s in SOURCE.text for s in derived)  # verbatim at edit rate 0
    assert c.derived_words == sum(count_words(s) for s in derived)
    assert c.words == count_words(c.doc.text)
    assert 0.25 <= c.share <= 0.75
    assert c.doc.text.startswith(OWN.title + "\n\n")


def test_compose_is_reproducible_with_a_seed() -> None:
    args = ([(sentences_of(SOURCE), frozenset({"src"}), 1.0)], OWN, 0.6, 0.15)
    assert compose("a", *args, random.Random(5)).doc.text == compose("a", *args, random.Random(5)).doc.text


def test_union_share_counts_each_word_once() -> None:
    doc = Document("d", "d", "one two three four")
    assert inside(doc, [(0, 7), (4, 13)]) == [True, True, True, False]
    assert union_share(doc, [(0, 7), (4, 13)]) == 0.75


def test_roc_auc_and_best_threshold() -> None:
    assert roc_auc([0.1, 0.4, 0.35, 0.8], [False, False, True, True]) == 0.75
    best = best_threshold([0.0, 0.0, 0.3, 0.6, 0.9], [False, True, False, True, True], above=0.0)
    assert best["threshold"] == 0.6 and best["precision"] == 1.0


def test_patched_restores_module_constants() -> None:
    import importlib

    module = importlib.import_module("qualcheck.index.align")
    before = module.MAX_GAP
    with patched(module, MAX_GAP=before + 3):
        assert module.MAX_GAP == before + 3
    assert module.MAX_GAP == before
