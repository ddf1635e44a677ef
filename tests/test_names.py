"""The name rules on small texts: what must be flagged, where, with what suggestion, and what must pass."""

from __future__ import annotations

import pytest

from qualcheck.api import audit_documents
from qualcheck.config import Config
from qualcheck.names_keys import joined_key, name_parts, skeleton
from qualcheck.types import Document


def found(rule: str, text: str, corpus: tuple[str, ...] = (), **options: object
          ) -> list[tuple[str, int, str]]:
    """(flagged text, start, first suggestion) of ``rule`` on ``text`` audited alone with ``corpus``."""
    doc = Document("a.txt", "a.txt", text)
    sources = [Document(f"c{i}.txt", f"c{i}.txt", t) for i, t in enumerate(corpus)]
    report = audit_documents([doc], sources, config=Config.from_mapping({**options, "select": [rule]}))
    out = []
    for f in report.data.findings:
        assert f.text == text[f.start : f.end]
        out.append((f.text, f.start, f.suggestion.split(" | ")[0]))
    return out


# --- keys -------------------------------------------------------------------------------

@pytest.mark.parametrize("group", [
    ("Lee", "Yi", "Rhee", "Li"), ("Park", "Pak", "Bak"), ("Choi", "Choe"), ("Zhou", "Chou"),
    ("Zhao", "Chao"), ("Xu", "Hsu"), ("Xie", "Hsieh"), ("Cao", "Tsao"), ("Qian", "Chien"),
    ("Kong", "Kung"), ("Jung", "Jeong", "Chung"), ("Seo", "Suh"), ("Yoon", "Yun"), ("Cheung", "Cheong"),
    ("Yeung", "Ieong"), ("Chow", "Chau"), ("Wong", "Vong"), ("Sze", "Si"),
])
def test_romanisations_of_one_name_share_a_skeleton(group: tuple[str, ...]) -> None:
    assert len({skeleton(name) for name in group}) == 1, [skeleton(n) for n in group]


@pytest.mark.parametrize("pair", [("Wang", "Wong"), ("Cheng", "Cheung"), ("Zhou", "Zhu"), ("Xu", "Su"),
                                  ("Chan", "Chen"), ("Hong", "Kong"), ("Kiong", "Keong"), ("Smith", "Smyth")])
def test_different_names_keep_different_skeletons(pair: tuple[str, str]) -> None:
    assert skeleton(pair[0]) != skeleton(pair[1])


def test_joined_key_and_parts_ignore_separators_case_and_accents() -> None:
    assert joined_key("Tel Aviv") == joined_key("Tel-Aviv") == joined_key("TelAviv") == "telaviv"
    assert name_parts("Lee Kwang-Hyung") == ("lee", "kwang", "hyung")
    assert name_parts("Trần Hưng") == ("tran", "hung")


# --- name-variant: must flag --------------------------------------------------------------

ANALYST = "Zhou Wei, an analyst in Taipei, said the figures were in line. "


def test_pinyin_and_wade_giles_of_one_person() -> None:
    text = ANALYST + "Markets rose. \"We will wait and see,\" Chou Wei added."
    assert found("name-variant", text) == [("Chou Wei", text.index("Chou"), "Zhou Wei")]


def test_korean_romanisations_and_a_changed_hyphen() -> None:
    text = "President Lee Myung-bak met officials. Later, Rhee Myung-bak said talks would go on."
    assert found("name-variant", text) == [("Rhee Myung-bak", text.index("Rhee"), "Lee Myung-bak")]
    text = "Kim Min-ho, a trade official, spoke. Kim Min Ho said a deal was close."
    assert found("name-variant", text) == [("Kim Min Ho", text.index("Kim Min Ho"), "Kim Min-ho")]


def test_joined_and_hyphenated_western_names() -> None:
    text = "Shares in Time Warner rose. Analysts said TimeWarner would gain. Flights: Tel Aviv, Tel-Aviv."
    assert found("name-variant", text) == [("TimeWarner", text.index("TimeWarner"), "Time Warner"),
                                          ("Tel-Aviv", text.index("Tel-Aviv"), "Tel Aviv")]


def test_slip_inside_a_capitalised_name_and_in_a_short_name() -> None:
    text = "A study by Jupiter Research found growth. The report from Jupiter Reasearch was cited."
    assert found("name-variant", text) == [("Jupiter Reasearch", text.index("Jupiter Reasearch"),
                                            "Jupiter Research")]
    text = "Wales wing Tait scored twice. Coach Ruddock praised Tiat for his pace, and Tait for his kicking."
    assert found("name-variant", text) == [("Tiat", text.index("Tiat"), "Tait")]


def test_the_part_used_more_wins_over_the_first_run() -> None:
    text = ("Mr Sauamrez Smith opened the gallery. Saumarez Smith said visitors came. "
            "Mr Saumarez Smith was pleased.")
    assert found("name-variant", text) == [("Mr Sauamrez Smith", 0, "Mr Saumarez Smith")]


# --- name-variant: must pass ---------------------------------------------------------------

@pytest.mark.parametrize("text", [
    # two people: each surname beside its own given name
    "Kiong Wei, an analyst, said yes. Keong Min-ho, an economist, was less sure. Kiong and Keong spoke.",
    # a man and a woman with one given name
    "Cheng Wei, an analyst, said yes. Cheung Wei, a spokeswoman, disagreed. Mr Cheng and Ms Cheung left.",
    # two parts of one name
    "The drag came from electronics, said Lian Chia Liang, economist at JP Morgan Chase.",
    # honorifics alone are no evidence of one person
    "Mr Lee of Samsung and Mr Li of Lenovo met in Seoul.",
    # casing alone is the casing rule's
    "Everquest and EverQuest fans queued.",
    # different given names: not compared at all
    "Gary Neville and Phil Neville both played.",
])
def test_look_alike_names_of_different_people_pass(text: str) -> None:
    assert found("name-variant", text) == []


def test_house_list_of_distinct_names_wins() -> None:
    text = ANALYST + "\"We will wait and see,\" Chou Wei added."
    assert found("name-variant", text, distinct=[["Zhou", "Chou"]]) == []


def test_both_slip_forms_common_in_the_corpus_are_two_people() -> None:
    corpus = ("Horan scored. Horan again.", "Hogan played. Hogan won.", "Horan and Hogan met.")
    assert found("name-variant", "Coach Horan praised Hogan.", corpus) == []
    assert found("name-variant", "Coach Zepeto praised Zapeto and Zepeto.") == [("Zapeto", 21, "Zepeto")]


# --- name-casing ---------------------------------------------------------------------------

def test_casing_inside_one_article_wins_then_corpus_majority() -> None:
    text = "Deals on PayPerAction grew. Critics said Payperaction users paid more. PayPerAction denied it."
    assert found("name-casing", text) == [("Payperaction", text.index("Payperaction"), "PayPerAction")]
    corpus = tuple(f"Sales of the PlayStation {i} rose, Sony said of the PlayStation." for i in range(3))
    text = "Sony's Playstation sold well."
    assert found("name-casing", text, corpus) == [("Playstation", text.index("Playstation"), "PlayStation")]


@pytest.mark.parametrize(("text", "corpus"), [
    ("He moved from La Liga to LA and LA loved him. La Liga missed him.", ()),  # short words, other names
    ("The show ended. WHO WAS OSCAR? Nobody knows who Oscar was, said the Oscar historian.", ()),
    ("- BURNLEY make the trip to face Burnley rivals. Burnley won.", ()),  # capitals for emphasis
    ("Gamers love RPGs. Some RPGS are long.", ()),  # an acronym's plural, written either way
    ("Non-EU imports rose, while non-EU exports fell.", ()),  # a sentence start says nothing
    ("DAEJEON — The show opened in Daejeon on Friday.", ("DAEJEON — Crowds came.",)),  # a dateline
    ("The show stars Ant and Dec on Saturday.", ("DEC shares rose. DEC and DEC.", "DEC again.")),
    ("Former Worldcom boss Bernie Ebbers spoke.",  # the house writes both: no rule to enforce
     ("Worldcom fell. The Worldcom case.", "At Worldcom, staff. Worldcom again.",
      "WorldCom rose. WorldCom and WorldCom.", "WorldCom said. WorldCom, WorldCom.")),
])
def test_casing_that_is_no_slip_passes(text: str, corpus: tuple[str, ...]) -> None:
    assert found("name-casing", text, corpus) == []
