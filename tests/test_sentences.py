"""Sentence-level alignment (qualcheck.index.sentences): re-worded sentences of a verified source."""

from __future__ import annotations

import numpy as np
import pytest

from qualcheck.index import ReuseEngine, align
from qualcheck.index import sentences as sentence_module
from qualcheck.index.align import NEW, REWRITTEN, VERBATIM
from qualcheck.index.sentences import add_sentences, content_key, sentence_ids, sentence_score, shared_words
from qualcheck.index.shingles import TokenStream
from qualcheck.report.html_reuse import passage_parts, reuse_marks
from qualcheck.types import Document

COPIED = ("The city council approved a new budget for schools and roads on Monday after a long debate "
          "that ran late into the evening. ")
SOURCE = Document("pr", "pr.txt", COPIED + "Funding for public parks will be reduced by ten percent next "
                  "year. The mayor thanked residents for their patience.")
REWORDED = "Next year, parks funding gets reduced ten percent, the mayor warned."
ARTICLE = Document("a", "a.txt", COPIED + REWORDED + " Residents gathered outside the hall to protest.")


def test_sentence_ids_break_at_stops_and_lines_not_abbreviations() -> None:
    text = "Mr. Lee met J. Smith at 5.30 today. Both left!\nThen rain fell"
    ts = TokenStream.of(text)
    words = [text[a:b] for a, b in ts.offsets.tolist()]
    ids = sentence_ids(text, ts.offsets).tolist()
    assert list(zip(words, ids, strict=True)) == [
        ("Mr", 0), ("Lee", 0), ("met", 0), ("J", 0), ("Smith", 0), ("at", 0), ("5.30", 0), ("today", 0),
        ("Both", 1), ("left", 1), ("Then", 2), ("rain", 2), ("fell", 2)]
    assert sentence_ids("", np.zeros((0, 2), dtype=np.int64)).tolist() == []


def test_content_keys_and_score() -> None:
    assert [content_key(w) for w in ("Inheritance", "inherits", "the", "Said")] == ["inher", "inher", "", ""]
    assert sentence_score("Parks funding falls".split(), "funding for the parks falls".split()) == 1.0
    assert sentence_score("Parks funding falls".split(), "The striker scored twice".split()) == 0.0
    assert sentence_score([], []) == 0.0
    assert shared_words(["Schools", "get", "the", "cash"], ["school", "the", "money"]) == [0, 2]


def test_reworded_sentence_of_a_verified_source_is_paired() -> None:
    words_only = align(ARTICLE, SOURCE)
    assert [p.kind for p in words_only.passages] == ["verbatim"]  # the word aligner misses the rewording
    al = add_sentences(words_only, ARTICLE, SOURCE)
    kinds = [p.kind for p in al.passages]
    assert kinds == ["verbatim", "paraphrase"]
    pair = al.passages[1]
    assert pair.text == ARTICLE.text[pair.start:pair.end] == REWORDED.rstrip(".")
    assert pair.source_text == SOURCE.text[pair.source_start:pair.source_end]
    assert pair.source_text == "Funding for public parks will be reduced by ten percent next year"
    assert (pair.tokens, pair.matched_tokens) == (11, 7)  # next year parks funding reduced ten percent
    # The matched words are rewritten, the rest of the sentence stays the writer's own.
    assert al.verbatim_words == words_only.verbatim_words
    assert al.rewritten_words == words_only.rewritten_words + 7
    assert al.new_words == words_only.new_words - 7
    assert al.article_share > words_only.article_share
    assert al.source_share == words_only.source_share
    ts = TokenStream.of(ARTICLE.text)
    marked = [ARTICLE.text[a:b] for (a, b), k in zip(ts.offsets.tolist(), al.word_kinds, strict=True)
              if k == REWRITTEN]
    assert marked == ["Next", "year", "parks", "funding", "reduced", "ten", "percent"]
    assert int((al.word_kinds == VERBATIM).sum()) == al.verbatim_words


def test_unrelated_sentence_below_the_score_is_not_paired() -> None:
    article = Document("b", "b.txt", COPIED + "The striker scored twice as the home side won the derby.")
    al = align(article, SOURCE)
    assert add_sentences(al, article, SOURCE) is al


def test_no_word_evidence_needs_several_strong_pairs() -> None:
    """Same topic, no passage: one matching sentence is not enough to call the source used."""
    article = Document("c", "c.txt", "Parks funding gets reduced ten percent next year. "
                       "Football fans celebrated a late winner on Saturday.")
    al = align(article, SOURCE)
    assert not al.passages
    assert add_sentences(al, article, SOURCE) is al


def test_no_word_evidence_with_enough_strong_pairs_is_paired() -> None:
    source = Document("s", "s.txt", "Parks funding will be reduced next year. Bus fares rise sharply in "
                      "spring. Library hours get longer during winter.")
    article = Document("d", "d.txt", "Next year, funding for parks is reduced. In spring, fares for the bus "
                       "rise sharply. During winter, hours at the library get longer.")
    al = align(article, source)
    assert not al.passages
    paired = add_sentences(al, article, source)
    assert [p.kind for p in paired.passages] == ["paraphrase"] * 3
    assert paired.article_share > 0.5


def test_covered_sentences_and_switch_off() -> None:
    same = Document("e", "e.txt", SOURCE.text)
    al = align(same, SOURCE)
    assert add_sentences(al, same, SOURCE) is al  # every sentence is covered by passages
    words_only = align(ARTICLE, SOURCE)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sentence_module, "ENABLED", 0)
        assert add_sentences(words_only, ARTICLE, SOURCE) is words_only


def test_engine_reports_the_sentence_pairs_and_the_html_marks_agree() -> None:
    engine = ReuseEngine([SOURCE], [ARTICLE])
    (match,) = engine.matches(ARTICLE)
    expected = add_sentences(align(ARTICLE, SOURCE), ARTICLE, SOURCE)
    assert match.article_share == expected.article_share
    assert [p.kind for p in match.passages] == ["verbatim", "paraphrase"]
    assert (match.verbatim_words, match.rewritten_words, match.new_words) == (
        expected.verbatim_words, expected.rewritten_words, expected.new_words)
    marks = reuse_marks(ARTICLE, match.passages)
    assert (marks.verbatim_words, marks.rewritten_words) == (match.verbatim_words, match.rewritten_words)
    pair = match.passages[1]
    parts = passage_parts(pair).article
    assert [pair.text[p.start:p.end] for p in parts] == ["Next", "year", "parks", "funding", "reduced", "ten",
                                                        "percent"]
    assert {p.kind for p in parts} == {"rewritten"}
    assert int((expected.word_kinds == NEW).sum()) == match.new_words


def test_best_windows_scores_are_the_jaccard_of_key_sets() -> None:
    """The summed 0/1 columns give each sentence's best window and its exact key Jaccard."""
    a_keys = [{"parks", "fundi", "reduc"}, {"mayor", "warne", "resid"}, {"zzz"}]
    s_keys = [{"fundi", "parks", "publi"}, {"reduc", "perce"}, {"mayor", "thank", "resid"}, set()]
    best, score = sentence_module._best_windows(a_keys, s_keys)
    windows = s_keys + [x | y for x, y in zip(s_keys, s_keys[1:], strict=False)]
    for row, keys in enumerate(a_keys):
        jaccards = [len(keys & w) / len(keys | w) for w in windows]
        assert score[row] == pytest.approx(max(jaccards))
        assert int(best[row]) == int(np.argmax(jaccards))
    assert best.tolist() == [4, 2, 0] and score[2] == 0.0  # 4: the window of sentences 0 and 1


def test_cached_sentence_splits_give_the_same_alignment() -> None:
    sentence_module._SPLITS.clear()
    cold = add_sentences(align(ARTICLE, SOURCE), ARTICLE, SOURCE)
    assert sentence_module._SPLITS  # both texts were split once
    warm = add_sentences(align(ARTICLE, SOURCE), ARTICLE, SOURCE)
    assert cold == warm and cold.word_kinds.tolist() == warm.word_kinds.tolist()
    assert [p.text for p in warm.passages if p.kind == "paraphrase"] == [REWORDED.rstrip(".")]
    for p in warm.passages:
        assert p.text == ARTICLE.text[p.start : p.end]
