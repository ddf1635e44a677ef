"""Tests for qualcheck.text: token kinds, offsets, sentence starts, headlines, LineIndex."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcheck.text import LineIndex, Token, normalize_word, normalized_words, tokenize, words


def kinds(text: str) -> list[tuple[str, str]]:
    return [(t.text, t.kind) for t in tokenize(text)]


def token(tokens: list[Token], value: str) -> Token:
    """The only token whose text is ``value``."""
    found = [t for t in tokens if t.text == value]
    assert len(found) == 1, (value, tokens)
    return found[0]


# --- kinds ---------------------------------------------------------------------------


def test_words_keep_internal_hyphens_and_apostrophes() -> None:
    assert kinds("Lee Kwang-Hyung's plan,w which") == [
        ("Lee", "word"),
        ("Kwang-Hyung's", "word"),
        ("plan", "word"),
        (",", "punct"),
        ("w", "word"),
        ("which", "word"),
    ]


def test_typographic_apostrophe_and_irish_name_are_one_word() -> None:
    assert kinds("It\u2019s O'Neill") == [("It\u2019s", "word"), ("O'Neill", "word")]


def test_trailing_hyphen_and_apostrophe_are_punctuation() -> None:
    assert kinds("fans' pre- sale") == [
        ("fans", "word"),
        ("'", "punct"),
        ("pre", "word"),
        ("-", "punct"),
        ("sale", "word"),
    ]


def test_numbers_with_separators_are_one_token() -> None:
    assert kinds("1,000 fans, 3.5 stars, 12/05/2024") == [
        ("1,000", "number"),
        ("fans", "word"),
        (",", "punct"),
        ("3.5", "number"),
        ("stars", "word"),
        (",", "punct"),
        ("12/05/2024", "number"),
    ]


def test_mixed_letters_and_digits() -> None:
    assert kinds("K2 at 7pm") == [("K2", "mixed"), ("at", "word"), ("7pm", "number")]


def test_url_excludes_trailing_sentence_punctuation() -> None:
    assert kinds("See https://example.com/a?b=1. Or www.example.org, too") == [
        ("See", "word"),
        ("https://example.com/a?b=1", "url"),
        (".", "punct"),
        ("Or", "word"),
        ("www.example.org", "url"),
        (",", "punct"),
        ("too", "word"),
    ]


def test_email_handle_hashtag() -> None:
    assert kinds("Write to press.office@saebyeok.example or @saebyeok_ent #Byeolbit!") == [
        ("Write", "word"),
        ("to", "word"),
        ("press.office@saebyeok.example", "email"),
        ("or", "word"),
        ("@saebyeok_ent", "handle"),
        ("#Byeolbit", "hashtag"),
        ("!", "punct"),
    ]


def test_at_and_hash_inside_words_are_not_handles_or_hashtags() -> None:
    assert kinds("C#5 x@y") == [("C", "word"), ("#", "punct"), ("5", "number"),
                                 ("x", "word"), ("@", "punct"), ("y", "word")]


def test_punctuation_is_one_character_per_token() -> None:
    assert kinds("\u00a3412m \u2014 ok?!") == [
        ("\u00a3", "punct"),
        ("412m", "number"),
        ("\u2014", "punct"),
        ("ok", "word"),
        ("?", "punct"),
        ("!", "punct"),
    ]


def test_whitespace_and_underscores_make_no_tokens() -> None:
    assert tokenize("") == []
    assert tokenize(" \n\t ") == []
    assert kinds("a_b") == [("a", "word"), ("b", "word")]


# --- offsets -------------------------------------------------------------------------

OFFSET_TEXT = (
    "Caf\u00e9 owner Tom\u00e1s said \u201cthe tram\u2019s \u00a3412m\u201d plan,which was\n"
    "approved, is fine. Email a.b@x.example or see https://k.example/t #tram @council 1,000"
)


def test_offsets_round_trip_with_non_ascii_text() -> None:
    tokens = tokenize(OFFSET_TEXT)
    assert [t.text for t in tokens] == [
        "Caf\u00e9", "owner", "Tom\u00e1s", "said", "\u201c", "the", "tram\u2019s", "\u00a3", "412m",
        "\u201d", "plan", ",", "which", "was", "approved", ",", "is", "fine", ".", "Email", "a.b@x.example",
        "or", "see", "https://k.example/t", "#tram", "@council", "1,000",
    ]  # fmt: skip
    for t in tokens:
        assert OFFSET_TEXT[t.start : t.end] == t.text
    assert token(tokens, "Tom\u00e1s").start == 11
    assert token(tokens, "plan").start == OFFSET_TEXT.index("plan,which")
    assert token(tokens, "approved").start == OFFSET_TEXT.index("\n") + 1


def test_norm_folds_case_and_typographic_apostrophe() -> None:
    assert token(tokenize("SM\u2019s"), "SM\u2019s").norm == "sm's"
    assert normalize_word("\uff2b\uff24\uff38") == "kdx"  # full-width letters (NFKC)


def test_words_and_normalized_words() -> None:
    text = "KDX's Q3: $186.7 million, up 12%."
    assert [t.text for t in words(tokenize(text))] == ["KDX's", "Q3", "186.7", "million", "up", "12"]
    norms, spans = normalized_words(text)
    assert norms == ["kdx's", "q3", "186.7", "million", "up", "12"]
    assert [text[s:e] for s, e in spans] == ["KDX's", "Q3", "186.7", "million", "up", "12"]


# --- sentence starts -----------------------------------------------------------------


def starts(text: str) -> list[str]:
    return [t.text for t in tokenize(text) if t.sentence_start]


def test_sentence_start_at_text_start_and_after_full_stop() -> None:
    assert starts("Fans cheered. Then SM left, and Park stayed.") == ["Fans", "Then"]


def test_sentence_start_after_question_exclamation_and_colon() -> None:
    assert starts("Why now? Because! Said: Later") == ["Why", "Because", "Said", "Later"]


def test_sentence_start_after_newline_without_punctuation() -> None:
    assert starts("the lab opens in Daejeon\nthe campus is new") == ["the", "the"]
    tokens = tokenize("the lab opens in Daejeon\nthe campus is new")
    assert [t.start for t in tokens if t.sentence_start] == [0, 25]


def test_sentence_start_after_opening_quote_at_sentence_start() -> None:
    text = 'He left. \u201cVirtual artists are new,\u201d Park said. "Fans agree"'
    tokens = tokenize(text)
    assert starts(text) == ["He", "Virtual", "Fans"]
    assert token(tokens, "\u201c").sentence_start is False  # the quote mark itself is not a word


def test_sentence_start_after_bracket_at_sentence_start() -> None:
    assert starts("Done. (Kelbridge voted.)") == ["Done", "Kelbridge"]


def test_not_sentence_start_mid_sentence_or_in_mid_sentence_quote() -> None:
    tokens = tokenize('Fans of SM say "Hello" to Park, and Lee agrees')
    assert [t.text for t in tokens if t.sentence_start] == ["Fans"]
    for name in ("SM", "Hello", "Park", "Lee"):
        assert token(tokens, name).sentence_start is False


def test_dash_after_sentence_start_keeps_the_next_word_initial() -> None:
    assert starts("\u2014 Kelbridge won") == ["Kelbridge"]
    assert starts("Rain \u2014 Kelbridge won") == ["Rain"]


def test_numbers_can_start_a_sentence_but_punctuation_never_does() -> None:
    tokens = tokenize("Done. 40 researchers")
    assert [(t.text, t.sentence_start) for t in tokens] == [
        ("Done", True), (".", False), ("40", True), ("researchers", False)]


# --- headlines -----------------------------------------------------------------------


def test_headline_flag_on_title_case_line_only() -> None:
    text = "Kelbridge Library Reopens After Flood\n\nThe library reopened on Monday after months."
    tokens = tokenize(text)
    first_line = [t for t in tokens if t.end <= text.index("\n")]
    body = [t for t in tokens if t.start > text.index("\n")]
    assert [t.text for t in first_line] == ["Kelbridge", "Library", "Reopens", "After", "Flood"]
    assert all(t.headline for t in first_line)
    assert body and not any(t.headline for t in body)


def test_no_headline_for_a_sentence_or_a_sentence_case_title() -> None:
    assert not any(t.headline for t in tokenize("Saebyeok Entertainment opened a lab in Daejeon."))
    assert not any(t.headline for t in tokenize("Kelbridge library reopens eight months after flood"))


def test_title_case_line_ending_in_full_stop_is_not_a_headline() -> None:
    assert not any(t.headline for t in tokenize("Kelbridge Library Reopens After Flood."))


def test_headline_in_the_middle_of_a_text() -> None:
    text = "The council voted on Monday.\nEastway Tram Wins Approval\nWork starts next year."
    flagged = [t.text for t in tokenize(text) if t.headline]
    assert flagged == ["Eastway", "Tram", "Wins", "Approval"]


# --- LineIndex -----------------------------------------------------------------------


def test_line_index_positions() -> None:
    text = "ab\ncd\n\nef"
    idx = LineIndex(text)
    assert idx.position(0) == (1, 1)
    assert idx.position(1) == (1, 2)
    assert idx.position(2) == (1, 3)  # the newline itself belongs to line 1
    assert idx.position(3) == (2, 1)  # first char after a newline
    assert idx.position(4) == (2, 2)
    assert idx.position(6) == (3, 1)  # the empty line
    assert idx.position(7) == (4, 1)
    assert idx.position(8) == (4, 2)


def test_line_index_with_line_offset() -> None:
    idx = LineIndex("first\nsecond", line_offset=6)
    assert idx.position(0) == (7, 1)
    assert idx.position(6) == (8, 1)
    assert idx.position(8) == (8, 3)


def test_line_index_counts_characters_not_bytes() -> None:
    text = "\u00a3412m caf\u00e9\nTom\u00e1s said"
    idx = LineIndex(text)
    assert idx.position(text.index("caf")) == (1, 7)
    assert idx.position(text.index("said")) == (2, 7)


# --- properties ----------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_tokens_round_trip_and_are_ordered_for_any_text(text: str) -> None:
    tokens = tokenize(text)
    previous_end = 0
    for t in tokens:
        assert text[t.start : t.end] == t.text
        assert t.start < t.end
        assert t.start >= previous_end
        previous_end = t.end
        assert t.kind in {"word", "number", "mixed", "url", "email", "handle", "hashtag", "punct"}
        assert not (t.kind == "punct" and t.sentence_start)
    # nothing but whitespace and underscores falls between tokens
    covered = [False] * len(text)
    for t in tokens:
        covered[t.start : t.end] = [True] * (t.end - t.start)
    assert all(c.isspace() or c == "_" for c, cov in zip(text, covered, strict=True) if not cov)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from("aB1 .,'-\u2019@#:/\n\"\u201c")))
def test_tokens_round_trip_on_punctuation_heavy_text(text: str) -> None:
    tokens = tokenize(text)
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert all(a.end <= b.start for a, b in zip(tokens, tokens[1:], strict=False))
    # every character that is not whitespace belongs to exactly one token
    assert "".join(t.text for t in tokens) == "".join(text.split())


@pytest.mark.parametrize("text", ["\r\n", "\u2028x", "a\u0301", "\x00@\x00", "#", "@", "http://", "1,"])
def test_odd_inputs_do_not_raise(text: str) -> None:
    tokens = tokenize(text)
    assert all(text[t.start : t.end] == t.text for t in tokens)
