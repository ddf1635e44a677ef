"""Tests for qualcheck.lexicon (word lists, neighbour lookup, casing) and qualcheck.vocab."""

from __future__ import annotations

import pytest
from rapidfuzz.distance import OSA

from qualcheck.lexicon import NeighborIndex, english_index, is_english, known_misspellings, match_case
from qualcheck.text import tokenize
from qualcheck.types import Document
from qualcheck.vocab import Vocabulary, base_form, word_tokens

# --- is_english ----------------------------------------------------------------------


@pytest.mark.parametrize("word", ["avatar", "court", "government", "receive", "revenue", "into", "research"])
def test_base_forms_are_english(word: str) -> None:
    assert is_english(word) is True


@pytest.mark.parametrize("word", ["avatars", "stopped", "studies", "carried", "opening", "courts", "signed"])
def test_regular_inflections_are_english(word: str) -> None:
    assert is_english(word) is True


@pytest.mark.parametrize(
    "word",
    ["centre", "favour", "organisation", "colour", "coloured", "travelling", "kilometre", "councillor",
     "tonnes", "centres", "favours", "organisations", "colourful", "programme"],
)  # fmt: skip
def test_british_spellings_are_english(word: str) -> None:
    assert is_english(word) is True


@pytest.mark.parametrize("word", ["courtsey", "goverment", "recieve", "entertainmnet", "xqzv", "lumorra"])
def test_non_words_are_not_english(word: str) -> None:
    assert is_english(word) is False


def test_hyphenated_words_need_every_part_english() -> None:
    assert is_english("well-known") is True
    assert is_english("five-year") is True
    assert is_english("well-knwon") is False


@pytest.mark.parametrize("word", ["occured", "fited", "shoped"])
def test_misspelt_inflections_are_not_english(word: str) -> None:
    assert is_english(word) is False


# --- known misspellings --------------------------------------------------------------


def test_known_misspellings() -> None:
    known = known_misspellings()
    assert known["courtsey"] == ("courtesy",)
    assert known["goverment"] == ("government",)
    assert known["recieve"] == ("receive",)
    assert known["occured"] == ("occurred",)
    assert "courtesy" not in known
    assert "entertainmnet" not in known  # planted defect 2 must be caught from the corpus
    assert len(known) > 90_000


# --- NeighborIndex -------------------------------------------------------------------


def test_lookup_substitution_deletion_insertion() -> None:
    idx = NeighborIndex(["receive", "government", "daejeon", "court", "courts"])
    assert idx.lookup("recieve", 2) == [("receive", 1)]  # "ie"/"ei" is one transposition
    assert idx.lookup("daejoon", 1) == [("daejeon", 1)]  # one substitution
    assert idx.lookup("daejaan", 1) == []  # two substitutions
    assert idx.lookup("daejeonxy", 2) == [("daejeon", 2)]  # two extra letters
    assert idx.lookup("daejaonx", 2) == [("daejeon", 2)]  # one substitution + one extra letter
    assert idx.lookup("goverment", 1) == [("government", 1)]  # a letter missing
    assert idx.lookup("daejon", 1) == [("daejeon", 1)]
    assert idx.lookup("courtt", 1) == [("court", 1), ("courts", 1)]  # an extra letter; ties by word
    assert idx.lookup("court", 1) == [("courts", 1)]  # the query itself is never returned


def test_lookup_transposition_counts_one_edit() -> None:
    idx = NeighborIndex(["entertainment", "entertain"])
    assert idx.lookup("entertainmnet", 1) == [("entertainment", 1)]
    assert idx.lookup("entertainmnet", 2) == [("entertainment", 1)]
    assert NeighborIndex(["courtesy", "court"]).lookup("courtsey", 2) == [("courtesy", 1)]


def test_lookup_respects_max_distance_and_sorts_nearest_first() -> None:
    idx = NeighborIndex(["lumora", "lumor", "lemora", "flora"])
    assert idx.lookup("lumorra", 1) == [("lumora", 1)]
    assert idx.lookup("lumorra", 2) == [("lumora", 1), ("lemora", 2), ("lumor", 2)]


def test_lookup_is_case_sensitive_as_documented() -> None:
    idx = NeighborIndex(["Lumora"])
    assert idx.lookup("Lumorra", 1) == [("Lumora", 1)]
    assert idx.lookup("lumorra", 1) == []


@pytest.mark.parametrize("bad", [0, -1])
def test_lookup_rejects_max_distance_below_one(bad: int) -> None:
    with pytest.raises(ValueError, match="max_distance must be at least 1"):
        NeighborIndex(["court"]).lookup("cour", bad)


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("daejaan", "daejeon"),  # two substitutions
        ("gouernmant", "government"),  # two substitutions
        ("govrnmnt", "government"),  # two letters missing
        ("govermant", "government"),  # a letter missing + a substitution
        ("cour", "courts"),  # two letters missing at the end
    ],
)
def test_lookup_finds_every_word_within_distance_two(query: str, word: str) -> None:
    assert OSA.distance(query, word) == 2
    assert NeighborIndex([word]).lookup(query, 2) == [(word, 2)]


def test_english_index_suggests_courtesy_first() -> None:
    assert english_index().lookup("courtsey", 2)[0] == ("courtesy", 1)


# --- match_case ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "word", "expected"),
    [
        ("Goverment", "government", "Government"),
        ("goverment", "government", "government"),
        ("GOVERMENT", "government", "GOVERNMENT"),
        ("Kdx", "kdx", "Kdx"),
        ("KDx", "kdx", "Kdx"),  # mixed case: only the first letter is kept
        ("I", "it", "It"),  # one capital letter is Title, not UPPER
        ("", "word", "word"),
    ],
)
def test_match_case(template: str, word: str, expected: str) -> None:
    assert match_case(template, word) == expected


# --- Vocabulary ----------------------------------------------------------------------


def doc(doc_id: str, text: str) -> Document:
    return Document(doc_id, f"{doc_id}.txt", text)


def test_vocabulary_counts_forms_norms_and_documents() -> None:
    v = Vocabulary.build([
        doc("a", "SM said. Fans of SM and Sm cheered."),
        doc("b", "The fans of Lumora met KDX staff."),
    ])  # fmt: skip
    assert v.documents == 2
    assert v.count("SM") == 2
    assert v.count("Sm") == 1
    assert v.count("sm") == 0
    assert v.norm_count("sm") == 3
    assert v.norm_count("fans") == 2
    assert v.docs("fans") == 2  # "Fans" in a, "fans" in b
    assert v.docs("sm") == 1  # three uses, one document
    assert v.docs("kdx") == 1
    assert v.norm_count("missing") == 0 and v.docs("missing") == 0
    assert v.form_docs["Fans"] == 1 and v.form_docs["fans"] == 1


def test_vocabulary_counts_only_letter_words() -> None:
    v = Vocabulary.build([doc("a", "Q3 sales rose 12% at https://k.example for @kdx #kdx")])
    assert dict(v.forms) == {"sales": 1, "rose": 1, "at": 1, "for": 1}
    assert [t.text for t in word_tokens(tokenize("K2 and 7 #x @y"))] == ["and"]


def test_vocabulary_add_counts_one_more_document() -> None:
    v = Vocabulary()
    v.add(tokenize("Lumora grows."))
    v.add(tokenize("Lumora and Lumora."))
    assert v.documents == 2
    assert v.count("Lumora") == 3
    assert v.docs("lumora") == 2


def test_is_common_needs_count_and_documents() -> None:
    v = Vocabulary.build(
        [doc("a", "Hallyu grows. Hallyu fans."), doc("b", "Hallyu again."), doc("c", "Knetz.")])
    assert v.is_common("hallyu") is True  # 3 uses in 2 documents
    assert v.is_common("hallyu", min_count=4) is False
    assert v.is_common("hallyu", min_docs=3) is False
    assert v.is_common("knetz") is False


def test_majority_casing_ignores_sentence_initial_and_headline_votes() -> None:
    text = (
        "Sm Wins Big Award Again\n\n"  # title-case line: no votes
        "Sm opened a studio. Sm hired staff.\n"  # sentence-initial: no votes
        "Fans of SM cheered as SM left."  # two mid-sentence votes for SM
    )
    v = Vocabulary.build([doc("a", text)])
    assert v.count("Sm") == 3
    assert v.count("SM") == 2
    assert dict(v.casing["sm"]) == {"SM": 2}
    assert v.majority_casing("sm") == "SM"


def test_majority_casing_counts_mid_sentence_votes_across_documents() -> None:
    v = Vocabulary.build(
        [doc("a", "Fans met Zepeto users and zepeto fans."), doc("b", "Users of Zepeto grew.")])
    assert dict(v.casing["zepeto"]) == {"Zepeto": 2, "zepeto": 1}
    assert v.majority_casing("zepeto") == "Zepeto"


def test_majority_casing_is_none_without_votes() -> None:
    v = Vocabulary.build([doc("a", "Lumora grows.\nLumora Wins Another Award")])
    assert v.norm_count("lumora") == 2
    assert v.majority_casing("lumora") is None
    assert v.majority_casing("never-seen") is None


def test_possessives_count_under_the_base_form() -> None:
    v = Vocabulary.build([doc("a", "Fans of SM's artists and SM\u2019s staff met SM.")])
    assert v.count("SM") == 3
    assert v.count("SM's") == 0
    assert v.majority_casing("sm") == "SM"


@pytest.mark.parametrize(
    ("word", "base"),
    [
        ("SM's", "SM"),
        ("SM\u2019s", "SM"),
        ("Lee's", "Lee"),
        ("Jones'", "Jones"),
        ("Jones\u2019", "Jones"),
        ("goverment's", "goverment"),
        ("SM", "SM"),
        ("a's", "a's"),  # too short to strip
        ("'s", "'s"),
    ],
)
def test_base_form(word: str, base: str) -> None:
    assert base_form(word) == base
