"""What a reuse finding says: the word breakdown, credit given, and a source dated later."""

from __future__ import annotations

from types import MappingProxyType

from qualcheck.api import audit_documents
from qualcheck.checks.reuse import credit
from qualcheck.config import Config
from qualcheck.types import Document

RELEASE = ("Kelbridge City Council last night approved the Eastway tram line, a 412 million pound scheme "
           "that will link the railway station with the new hospital and the university campus in twenty "
           "minutes. Councillors voted by 41 to 9 in favour after a debate lasting more than four hours.")
OWN = " Shopkeepers on Mill Street fear two more years of closed roads and lost trade."


def _finding(article: str, article_date: str = "", source_date: str = ""):
    def meta(day: str) -> MappingProxyType:
        return MappingProxyType({"date": day} if day else {})

    a = Document("a.md", "a.md", article, meta=meta(article_date))
    s = Document("pr.md", "pr.md", RELEASE, meta=meta(source_date))
    report = audit_documents([a], [s], config=Config(select=("QC1",)))
    (match,) = report.data.matches
    (finding,) = report.data.findings
    return match, finding


def test_breakdown_adds_up_to_the_article_words() -> None:
    match, finding = _finding(RELEASE + OWN)
    words = len((RELEASE + OWN).split())
    assert match.verbatim_words + match.rewritten_words + match.new_words == words
    assert match.new_words == len(OWN.split())
    assert f"of its {words} words {match.verbatim_words} are verbatim" in finding.message


def test_credit_is_reported() -> None:
    _, uncredited = _finding(RELEASE + OWN)
    assert "it does not credit a source" in uncredited.message
    _, credited = _finding(RELEASE + " The council said in a statement that work starts in spring.")
    assert "it credits a source ('said in a statement')" in credited.message
    assert credit("Reporting by Reuters; editing by Desk.") == "Reuters"
    assert credit("The press releases piled up.") == ""


def test_a_source_dated_after_the_article_is_flagged_as_the_reverse_relation() -> None:
    _, later = _finding(RELEASE + OWN, article_date="2024-03-01", source_date="2024-03-05")
    assert "the source is dated 2024-03-05, after this article (2024-03-01)" in later.message
    _, earlier = _finding(RELEASE + OWN, article_date="2024-03-05", source_date="2024-03-01")
    assert "after this article" not in earlier.message
