"""``report.html`` in a real browser: headless Chromium driven by Selenium.

The sample audit (``samples/articles`` against ``samples/corpus``) is rendered once and
loaded over ``file://``. The tests check what only a browser can: the page runs with no
console error (a CSP violation, a script error), the summary chart has one bar per article,
clicking a column header sorts the articles table, the rule / severity / minimum-share
filters hide exactly the articles they should, and a screenshot can be taken.

Expected orders and counts come from the report data, not from the page. The tests skip,
saying why, only when no Chromium or chromedriver binary exists (``.ci/run`` installs
Debian's ``chromium`` and ``chromium-driver``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select

from qualcheck.api import audit
from qualcheck.report.html_summary import SEVERITY_RANK
from qualcheck.types import Report

ROOT = Path(__file__).resolve().parents[1]
PAGE_LOAD_SECONDS = 30


def _binary(preferred: str, name: str) -> str | None:
    return preferred if Path(preferred).is_file() else shutil.which(name)


CHROMIUM = _binary("/usr/bin/chromium", "chromium")
CHROMEDRIVER = _binary("/usr/bin/chromedriver", "chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="no browser to test report.html in: needs Debian's chromium (/usr/bin/chromium) and "
    "chromium-driver (/usr/bin/chromedriver); .ci/run installs both",
)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, Path]:
    """The sample audit, as data and as ``report.html``."""
    report = audit([ROOT / "samples" / "articles"], corpus=[ROOT / "samples" / "corpus"])
    path = report.to_html(tmp_path_factory.mktemp("html") / "report.html")
    return report.data, path


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """One headless Chromium for the module (its own profile), always quit at the end."""
    assert CHROMIUM is not None and CHROMEDRIVER is not None
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1400,1800",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        browser.set_page_load_timeout(PAGE_LOAD_SECONDS)
        browser.set_script_timeout(PAGE_LOAD_SECONDS)
        yield browser
    finally:
        browser.quit()


@pytest.fixture()
def page(driver: WebDriver, sample: tuple[Report, Path]) -> WebDriver:
    """The sample report freshly loaded (no sort or filter left from another test)."""
    driver.get(sample[1].as_uri())
    driver.get_log("browser")  # drain: each test sees only its own page's messages
    driver.refresh()
    return driver


def _rows(page: WebDriver) -> list[WebElement]:
    return page.find_elements(By.CSS_SELECTOR, "#article-table tbody tr")


def _visible_anchors(page: WebDriver) -> list[str]:
    return [r.get_attribute("data-anchor") or "" for r in _rows(page) if r.is_displayed()]


def _header(page: WebDriver, key: str) -> WebElement:
    return page.find_element(By.CSS_SELECTOR, f'#article-table th[data-key="{key}"]')


def _anchors(report: Report) -> dict[str, str]:
    """doc_id -> the id of its section (``doc-N`` in report order)."""
    return {d.doc_id: f"doc-{i + 1}" for i, d in enumerate(report.documents)}


def _severe(page: WebDriver) -> list[dict[str, object]]:
    return [e for e in page.get_log("browser") if e.get("level") == "SEVERE"]


def test_page_loads_without_console_errors(page: WebDriver, sample: tuple[Report, Path]) -> None:
    report = sample[0]
    assert page.title == "qualcheck report"
    assert _severe(page) == []  # no CSP violation, no script error
    # The report's own script ran (its hash is in the CSP): the filter bar is shown.
    assert page.find_element(By.ID, "filters").is_displayed()
    assert page.find_element(By.ID, "filter-status").text == f"all {len(report.documents)} articles shown"
    assert len(_visible_anchors(page)) == len(report.documents)


def test_chart_has_one_bar_per_article_largest_share_first(page: WebDriver,
                                                           sample: tuple[Report, Path]) -> None:
    report = sample[0]
    bars = page.find_elements(By.CSS_SELECTOR, "#share-chart a.article-bar")
    assert len(bars) == len(report.documents) == 7
    anchors = _anchors(report)
    by_share = sorted(report.articles, key=lambda a: -a.derived_share)
    assert [b.get_attribute("data-anchor") for b in bars] == [anchors[a.doc_id] for a in by_share]
    top, article = bars[0], by_share[0]
    assert article.derived_share > 0.9  # the pasted release, samples/articles/01
    widths = [float(r.get_attribute("width") or "nan") for r in top.find_elements(By.TAG_NAME, "rect")]
    assert widths == pytest.approx([400 * article.verbatim_words / article.words,
                                    400 * article.rewritten_words / article.words,
                                    400 * article.new_words / article.words], abs=0.01)
    title = top.find_element(By.TAG_NAME, "title").get_attribute("textContent") or ""
    assert f"{article.verbatim_words} words verbatim" in title and article.derivation in title
    bins = page.find_elements(By.CSS_SELECTOR, "#share-histogram .share-bin")
    assert len(bins) == 10
    assert bars[0].is_displayed() and page.find_element(By.ID, "share-histogram").is_displayed()


def test_clicking_headers_sorts_the_articles(page: WebDriver, sample: tuple[Report, Path]) -> None:
    report = sample[0]
    anchors = _anchors(report)
    share = {anchors[a.doc_id]: a.derived_share for a in report.articles}
    in_order = list(anchors.values())
    assert _visible_anchors(page) == in_order

    _header(page, "share").click()  # numbers: largest first
    assert _header(page, "share").get_attribute("aria-sort") == "descending"
    descending = sorted(in_order, key=lambda a: (-share[a], in_order.index(a)))
    assert _visible_anchors(page) == descending != in_order
    _header(page, "share").click()  # again: smallest first
    assert _visible_anchors(page) == sorted(in_order, key=lambda a: (share[a], in_order.index(a)))

    _header(page, "number").send_keys(Keys.ENTER)  # the keyboard sorts too
    assert _visible_anchors(page) == in_order[::-1]

    worst = {anchors[d.doc_id]: -1 for d in report.documents}
    for f in report.findings:
        worst[anchors[f.doc_id]] = max(worst[anchors[f.doc_id]], SEVERITY_RANK[f.severity.value])
    _header(page, "severity").click()
    ranks = [worst[a] for a in _visible_anchors(page)]
    assert ranks == sorted(ranks, reverse=True) and ranks[0] == 2 and ranks[-1] == -1

    _header(page, "article").click()  # text: A to Z
    labels = [r.find_element(By.CSS_SELECTOR, "td:nth-child(2) a").text for r in _rows(page)]
    assert labels == sorted(labels, key=str.casefold) and len(set(labels)) == 7
    assert _severe(page) == []


def test_filters_hide_exactly_the_articles_that_do_not_match(page: WebDriver,
                                                             sample: tuple[Report, Path]) -> None:
    report = sample[0]
    anchors = _anchors(report)
    everything = set(anchors.values())
    rule = "known-misspelling"
    with_rule = {anchors[f.doc_id] for f in report.findings if f.rule == rule}
    assert 0 < len(with_rule) < len(everything)

    Select(page.find_element(By.ID, "filter-rule")).select_by_value(rule)
    assert set(_visible_anchors(page)) == with_rule
    assert page.find_element(By.ID, "filter-status").text == f"{len(with_rule)} of 7 articles shown"
    for anchor in everything:  # each article's section and chart bar follow its row
        assert page.find_element(By.ID, anchor).is_displayed() == (anchor in with_rule)
        bar = page.find_element(By.CSS_SELECTOR, f'#share-chart a[data-anchor="{anchor}"]')
        assert ("dimmed" in (bar.get_attribute("class") or "")) == (anchor not in with_rule)
    shown_findings = [r for r in page.find_elements(By.CSS_SELECTOR, "tr.finding-row") if r.is_displayed()]
    assert {r.get_attribute("data-rule") for r in shown_findings} == {rule}
    assert len(shown_findings) == sum(f.rule == rule for f in report.findings)

    page.find_element(By.ID, "filter-reset").click()
    assert set(_visible_anchors(page)) == everything

    Select(page.find_element(By.ID, "filter-severity")).select_by_visible_text("warning")
    at_least_warning = {anchors[f.doc_id] for f in report.findings if f.severity.rank >= 1}
    assert set(_visible_anchors(page)) == at_least_warning != everything

    page.find_element(By.ID, "filter-reset").click()
    box = page.find_element(By.ID, "filter-share")
    box.clear()
    box.send_keys("50")
    half = {anchors[a.doc_id] for a in report.articles if a.derived_share >= 0.5}
    assert set(_visible_anchors(page)) == half and 0 < len(half) < 7
    assert _severe(page) == []


def test_screenshot(page: WebDriver, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    assert page.save_screenshot(str(shot))
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
