"""Report safety (issue 7, "nothing injected"): hostile text in titles, bodies, file names,
front matter and finding messages never becomes markup, script, a spreadsheet formula or
an output file name; writes are atomic; a huge report stays usable.

The HTML checks parse ``report.html`` (rendered through the real pipeline, reuse side by
side included) with :mod:`html.parser` and require every element and attribute to be the
template's own; when ``/usr/bin/chromium`` exists, the page is also loaded headless and the
DOM after load is checked (the CSP lets only the report's own script run).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import qualcheck.report.base as report_base
import qualcheck.report.csv_writer as csv_writer
from qualcheck.api import AuditReport, audit
from qualcheck.report.base import TEMP_PREFIX
from qualcheck.report.csv_writer import FORMULA_PREFIXES
from qualcheck.report.html import render
from qualcheck.report.html_view import MAX_FINDINGS_PER_ARTICLE
from qualcheck.report.records import NUMERIC_COLUMNS
from qualcheck.report.registry import WRITERS
from qualcheck.types import Document, Finding, Report, Severity

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">click</a>',
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "{{7*7}}",
    "{% for x in range(3) %}x{% endfor %}",
    "${7*7}",
    "<!--",
    "-->",
    "<![CDATA[",
    "\u202egnp.exe",  # RTL override: shows as "exe.png"
    "<iframe src=//evil.example></iframe>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<style>@import 'http://evil.example/x.css';</style>",
    "<base href=//evil.example/>",
    "<meta http-equiv=refresh content=0;url=//evil.example>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",  # already escaped: must not be unescaped once
    "<object data=//evil.example></object>",
    "<form action=//evil.example><button>go</button></form>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    "<x contenteditable onblur=alert(1)>x</x>",
    "<img src=x onerror=\"document.title='PWNED'\">",
    "<script>document.body.setAttribute('data-pwned','1')</script>",
]
NAME_PAYLOADS = [p for p in PAYLOADS if "/" not in p and len(p.encode()) < 200]
TEMPLATE_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "section", "h2", "ul", "li", "b",
                 "a", "h3", "table", "thead", "tr", "th", "tbody", "td", "div", "p", "label", "select",
                 "option", "article", "h4", "mark", "span", "script", "input", "button",
                 "svg", "g", "rect", "line", "text"}  # fmt: skip  (svg...text: the inline charts)
SHARED = (
    "The regional transit authority announced on Tuesday that the new eastern tram line will open to "
    "passengers in the spring after three years of construction, with trains running every six minutes "
    "at peak hours and a connection to the central station, the airport and the university campus, "
    "according to a statement released by the authority and its contractors."
)
REPORT_FILES = {"findings.csv", "articles.csv", "passages.csv", "skipped.csv", "report.html", "report.json",
                "findings.jsonl", "report.sarif", "github-annotations.txt", "github-summary.md", "junit.xml",
                "findings.txt"}


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


# --- the parsed page -------------------------------------------------------------------------


class Page(HTMLParser):
    """Every element, attribute, comment and text run of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []
        self.scripts: list[str] = []
        self.text: list[str] = []  # outside the article-text boxes
        self.body_text: list[str] = []  # inside them
        self._stack: list[str] = []
        self._in_text_box = 0
        self.svg_titles = 0  # <title> inside inline SVG (chart labels), not the page's title

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag == "script":
            self.scripts.append("")
        if tag == "title" and "svg" in self._stack:
            self.svg_titles += 1
        box = tag == "div" and "text" in (dict(attrs).get("class") or "").split()
        if tag not in ("meta", "br"):
            self._stack.append("box" if box else tag)
            self._in_text_box += box

    def handle_endtag(self, tag: str) -> None:
        if self._stack:
            if self._stack.pop() == "box":
                self._in_text_box -= 1

    def handle_data(self, data: str) -> None:
        if self._stack and self._stack[-1] == "script":
            self.scripts[-1] += data
        (self.body_text if self._in_text_box else self.text).append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    @classmethod
    def of(cls, html: str) -> Page:
        page = cls()
        page.feed(html)
        page.close()
        return page


def assert_only_template_markup(html: str) -> Page:
    """No element, attribute, comment or script in ``html`` that the template did not write."""
    page = Page.of(html)
    names = [t for t, _ in page.tags]
    assert set(names) <= TEMPLATE_TAGS, set(names) - TEMPLATE_TAGS
    for single in ("html", "head", "body", "title", "style", "script", "h1"):
        extra = page.svg_titles if single == "title" else 0
        assert names.count(single) - extra == 1, (single, names.count(single))
    assert not page.comments, page.comments[:3]
    for tag, attrs in page.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            assert name not in ("style", "src", "action", "formaction", "srcdoc", "data", "autofocus",
                                "contenteditable", "http-equiv") or (tag, name) == ("meta", "http-equiv")
            if name == "href":
                assert value is not None and value.startswith("#doc-") or value == "#skipped", value
            if value and tag != "meta":
                assert "javascript:" not in value.replace(" ", "").lower() or name == "title", (tag, name)
    meta = [dict(a) for t, a in page.tags if t == "meta" and dict(a).get("http-equiv")]
    assert [m["http-equiv"] for m in meta] == ["Content-Security-Policy"]
    csp = meta[0]["content"] or ""
    digest = base64.b64encode(hashlib.sha256(page.scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp and "unsafe-inline'; img" not in csp.split("script-src")[1]
    assert "default-src 'none'" in csp
    return page


# --- the hostile audit ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[AuditReport, Path]:
    root = tmp_path_factory.mktemp("xss")
    articles, corpus = root / "articles", root / "corpus"
    body = "\n\n".join(PAYLOADS)
    for i, payload in enumerate(NAME_PAYLOADS):
        text = f"{payload}\n\n{SHARED}\n\nalot of Zapeto here.\n\n{body}\n"
        write(articles / f"{i:02d} {payload}.txt", text)
    front = "".join(f"k{i}: {json.dumps(p)}\n" for i, p in enumerate(PAYLOADS))
    write(articles / "front.md", f"---\ntitle: {json.dumps(PAYLOADS[1])}\nauthor: {json.dumps(PAYLOADS[0])}\n"
          f"{front}---\n{SHARED}\n\n{body}\n")
    escaped = [p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for p in PAYLOADS]
    write(articles / "page.html", f"<html><head><title>{escaped[7]}</title></head><body><article>"
          f"<p>{SHARED}</p>{''.join(f'<p>{e}</p>' for e in escaped)}<script>alert('real script')</script>"
          "</article></body></html>")
    rows = [{"id": p, "title": p, "text": f"{SHARED} {p}"} for p in PAYLOADS[:6]]
    with (articles / "rows.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, ["id", "title", "text"])
        writer.writeheader()
        writer.writerows(rows)
    write(articles / f"{NAME_PAYLOADS[1]}.exe", "unsupported")
    write(articles / f"{NAME_PAYLOADS[0]}.txt", "")  # empty: skipped with the payload as its path
    write(corpus / f"{NAME_PAYLOADS[2]}.txt", f"{PAYLOADS[0]}\n\n{SHARED}\n")
    report = audit([articles], corpus=[corpus], names={PAYLOADS[1]: ("Zapeto", PAYLOADS[0])},
                   reject={"alot": PAYLOADS[6]})
    out = root / "out"
    report.write(out, ["html", "csv", "json", "jsonl"])
    return report, out


def test_payloads_reach_every_place_they_can(hostile: tuple[AuditReport, Path]) -> None:
    """The fixture really exercises titles, paths, findings and the side-by-side view."""
    report, _ = hostile
    data = report.data
    assert any(PAYLOADS[1] == d.title for d in data.documents)  # a title from front matter
    assert any(PAYLOADS[7] == d.title for d in data.documents)  # an HTML <title>, unescaped by the loader
    assert any(PAYLOADS[0] in d.doc_id for d in data.documents)  # a CSV id in the doc_id
    assert any(NAME_PAYLOADS[3] in d.path for d in data.documents)  # a file name
    assert any(PAYLOADS[1] in s.path for s in data.skipped)
    assert any(f.suggestion == PAYLOADS[6] and PAYLOADS[6] in f.message for f in data.findings)
    assert any(f.text == PAYLOADS[0] and f.suggestion == PAYLOADS[1] for f in data.findings)
    assert data.matches and any(m.source_id.endswith(f"{NAME_PAYLOADS[2]}.txt") for m in data.matches)
    assert data.sources and data.sources[0].title == PAYLOADS[0]


def test_html_holds_no_markup_from_the_inputs(hostile: tuple[AuditReport, Path]) -> None:
    html = (hostile[1] / "report.html").read_text(encoding="utf-8")
    page = assert_only_template_markup(html)
    assert "real script" not in html  # a script in an HTML article is dropped, not shown
    shown = "".join(page.body_text)
    for payload in PAYLOADS:  # nothing lost: each payload is in the article text, as text
        assert payload in shown, payload
    assert "{{7*7}}" in html and "{% for x in range(3) %}" in html  # never evaluated
    assert "&amp;lt;script&amp;gt;" in html  # the already-escaped payload, escaped once more
    assert 'class="side-by-side"' in html and "Reuse of" in html


def test_bidi_overrides_and_newlines_in_names_are_shown_escaped(hostile: tuple[AuditReport, Path]) -> None:
    html = (hostile[1] / "report.html").read_text(encoding="utf-8")
    page = Page.of(html)
    outside = "".join(page.text)
    assert "\u202e" not in outside  # names, titles, labels, reasons
    assert "\\u202egnp.exe" in outside
    assert "\u202e" in "".join(page.body_text)  # the article's own text is kept as written


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no browser at {CHROMIUM}: page not loaded")
def test_browser_runs_nothing_from_the_inputs(hostile: tuple[AuditReport, Path], tmp_path: Path) -> None:
    dom = dump_dom(hostile[1] / "report.html", tmp_path)
    page = Page.of(dom)
    assert re.search(r"<title>qualcheck report</title>", dom)  # not 'PWNED'
    assert not any(name == "data-pwned" for _, attrs in page.tags for name, _ in attrs)
    assert set(t for t, _ in page.tags) <= TEMPLATE_TAGS | {"tbody"}
    assert 'tabindex="0"' in dom  # the report's own script did run (its hash is in the CSP)


# --- CSV injection --------------------------------------------------------------------------------


def test_formula_cells_neutralised_in_csv_raw_in_json(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    names = ["=1+2.txt", "+SUM(1).txt", "-2+3.txt", "@SUM(A1).txt", "\tTAB.txt", "\rCR.txt",
             '=HYPERLINK("http:evil.example","x").txt']
    for name in names:
        write(tmp_path / name, f"We have alot of Zapeto stories.\n\n{SHARED}\n")
    write(tmp_path / "=cmd.exe", "unsupported")
    write(tmp_path / "-source.txt", f"Source\n\n{SHARED}\n")
    report = audit([*names, "=cmd.exe"], corpus=["-source.txt"], names={"@Canon": ("Zapeto",)},
                   reject={"alot": "=2+5"})
    report.write("out", ["csv", "json", "jsonl"])
    raw = json.loads(Path("out/report.json").read_text(encoding="utf-8"))
    for table in ("findings", "passages", "skipped"):
        with open(f"out/{table}.csv", newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == len(raw[table]) > 0, table
        for row, original in zip(rows, raw[table], strict=True):
            for col, cell in row.items():
                if col in NUMERIC_COLUMNS:
                    continue
                value = original[col]
                if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
                    assert cell == "'" + value, (table, col, cell)
                else:
                    assert not cell.startswith(FORMULA_PREFIXES), (table, col, cell)
    starts = {v[0] for t in ("findings", "passages", "skipped") for r in raw[t] for v in r.values()
              if isinstance(v, str) and v}
    assert set(FORMULA_PREFIXES) <= starts  # every prefix really occurred, raw, in the JSON
    lines = Path("out/findings.jsonl").read_text(encoding="utf-8").splitlines()
    suggestions = [json.loads(line)["suggestion"] for line in lines]
    assert "=2+5" in suggestions and "@Canon" in suggestions


# --- output names ---------------------------------------------------------------------------------


def test_output_file_names_never_come_from_the_inputs(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    inputs = tmp_path / "in"
    evil = ["../../escaped.html", "/tmp/absolute.html", "report.html", "findings.csv", "CON", "..", "~"]
    for i, name in enumerate(evil):
        front = f"---\ntitle: {json.dumps(name)}\nid: {json.dumps(name)}\n---\n"
        write(inputs / f"a{i}.md", f"{front}{name} alot.\n")
    with (inputs / "rows.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["id", "title", "text"], *[[n, n, f"{n} text"] for n in evil]])
    write(inputs / "findings.csv", "id,text\n../../x,The text.\n")  # an input named like an output
    before = sorted(p.name for p in tmp_path.iterdir())
    existed = Path("/tmp/absolute.html").exists()
    out = tmp_path / "out"
    written = audit([inputs], reject={"alot": "a lot"}).write(out, sorted(WRITERS))
    assert {p.name for p in written} == {p.name for p in out.iterdir()} == REPORT_FILES
    assert all(p.parent == out for p in written)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*before, "out"])
    assert existed or not Path("/tmp/absolute.html").exists()


# --- atomic writes --------------------------------------------------------------------------------


@pytest.fixture()
def two_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[AuditReport, AuditReport, Path]:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    first = audit([ROOT / "samples" / "articles"], corpus=[ROOT / "samples" / "corpus"])
    second = audit([ROOT / "samples" / "articles" / "01-virtual-idol-lab.txt"])
    assert second.data.documents and second.data.findings
    out = tmp_path / "out"
    first.write(out, sorted(WRITERS))
    return first, second, out


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_exception_mid_write_keeps_the_previous_report(two_reports: tuple[AuditReport, AuditReport, Path],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _, second, out = two_reports
    before = _snapshot(out)
    calls = []
    real_safe_row = csv_writer.safe_row

    def crash_after_one_row(record: Any, columns: Any) -> Any:
        calls.append(1)
        if len(calls) > 1:
            raise RuntimeError("crash while writing findings.csv")
        return real_safe_row(record, columns)

    monkeypatch.setattr(csv_writer, "safe_row", crash_after_one_row)
    with pytest.raises(RuntimeError, match="crash while writing"):
        second.write(out, ["csv"])
    assert len(calls) == 2  # the temp file really held a header and a new row when it crashed
    assert _snapshot(out) == before


@pytest.mark.parametrize("failure", [KeyboardInterrupt(), OSError(28, "No space left on device")])
def test_interrupt_or_full_disk_mid_write_keeps_the_previous_report(
    two_reports: tuple[AuditReport, AuditReport, Path], monkeypatch: pytest.MonkeyPatch,
    failure: BaseException,
) -> None:
    _, second, out = two_reports
    before = _snapshot(out)
    real_fdopen = os.fdopen

    class Failing:
        def __init__(self, handle: Any) -> None:
            self.handle, self.size = handle, 0

        def write(self, text: str) -> int:
            if self.size + len(text) > 500:  # after 500 characters
                self.handle.write(text[: 500 - self.size])
                raise failure
            self.size += len(text)
            return self.handle.write(text)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.handle, name)

        def __enter__(self) -> Failing:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

    only_here = SimpleNamespace(**{k: getattr(os, k) for k in dir(os) if not k.startswith("__")})
    only_here.fdopen = lambda *a, **k: Failing(real_fdopen(*a, **k))
    monkeypatch.setattr(report_base, "os", only_here)  # qualcheck.report.base's os, nobody else's
    for name in ("html", "json", "csv"):
        with pytest.raises(type(failure)):
            second.write(out, [name])
    monkeypatch.undo()
    assert _snapshot(out) == before


def test_killed_writer_leaves_the_previous_report_intact(two_reports: tuple[AuditReport, AuditReport, Path]
                                                         ) -> None:  # fmt: skip
    """SIGKILL cannot be cleaned up after: the report stays whole, and the only trace is a
    hidden ``.qualcheck-tmp-*`` file next to it (never read by qualcheck, ignored by the loaders)."""
    _, _, out = two_reports
    before = _snapshot(out)
    script = textwrap.dedent(f"""
        import os, signal
        import qualcheck.report.base as base
        from qualcheck.api import audit
        report = audit([{str(ROOT / "samples" / "articles" / "01-virtual-idol-lab.txt")!r}])
        def die(fd):
            os.kill(os.getpid(), signal.SIGKILL)  # new report fully in the temp file, not renamed
        base.os.fsync = die
        report.write({str(out)!r}, ["html"])
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    leftovers = sorted(p.name for p in out.iterdir() if p.name not in before)
    assert len(leftovers) == 1 and leftovers[0].startswith(TEMP_PREFIX)
    assert {k: v for k, v in _snapshot(out).items() if k in before} == before


def test_successful_writes_leave_no_temp_files(two_reports: tuple[AuditReport, AuditReport, Path],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    _, second, out = two_reports
    second.write(out, sorted(WRITERS))
    assert {p.name for p in out.iterdir()} == REPORT_FILES
    assert oct((out / "report.html").stat().st_mode & 0o777) == "0o644"


# --- a very large report --------------------------------------------------------------------------


def _huge_report(findings: int = 100_000, articles: int = 2) -> Report:
    docs, found = [], []
    per_doc = findings // articles
    for d in range(articles):
        text = " ".join(["teh"] * per_doc)
        doc = Document(f"news/a{d}.txt", f"news/a{d}.txt", text, title=f"Article {d}")
        docs.append(doc)
        for i in range(per_doc):
            start = i * 4
            found.append(Finding(doc.path, doc.doc_id, "known-misspelling", "QC201", Severity.ERROR, start,
                                 start + 3, 1, start + 1, "teh", "known misspelling 'teh'", "the"))
    return Report(tuple(docs), tuple(found))


def test_report_with_100000_findings_renders_capped(tmp_path: Path) -> None:
    report = _huge_report()
    started = time.perf_counter()
    (path,) = WRITERS["html"].write(report, tmp_path)
    seconds = time.perf_counter() - started
    size = path.stat().st_size
    print(f"\n100,000 findings: report.html {size / 1e6:.2f} MB in {seconds:.2f} s")
    assert size < 5_000_000 and seconds < 20  # inlined in full it was 37 MB
    html = path.read_text(encoding="utf-8")
    note = f"Showing the first {MAX_FINDINGS_PER_ARTICLE} of 50000 findings in this article"
    assert html.count(note) == 2
    assert html.count('class="finding-row"') == 2 * MAX_FINDINGS_PER_ARTICLE
    assert "<b>100000</b>findings" in html  # the summary still counts all
    (csv_path, *_) = WRITERS["csv"].write(report, tmp_path)
    with csv_path.open(newline="", encoding="utf-8") as fh:
        assert sum(1 for _ in csv.reader(fh)) == 100_001  # all of them in the CSV
    small = render(_huge_report(findings=2 * MAX_FINDINGS_PER_ARTICLE))
    assert "Showing the first" not in small  # no note when nothing is left out


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no browser at {CHROMIUM}: page not loaded")
def test_report_with_100000_findings_loads_in_a_browser(tmp_path: Path) -> None:
    (path,) = WRITERS["html"].write(_huge_report(), tmp_path / "out")
    started = time.perf_counter()
    dom = dump_dom(path, tmp_path)
    print(f"\nChromium loaded the 100,000-finding report in {time.perf_counter() - started:.1f} s")
    assert "<title>qualcheck report</title>" in dom and "Showing the first" in dom
    assert 'tabindex="0"' in dom


def dump_dom(path: Path, tmp_path: Path, timeout: float = 90) -> str:
    """The DOM of ``path`` after load, from headless Chromium (its own process group, killed
    whole on timeout)."""
    profile = tmp_path / "chromium-profile"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
           "--dump-dom", path.as_uri()]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"Chromium did not load {path.name} within {timeout:.0f} s")
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # helpers Chromium may have left in its group
        except ProcessLookupError:
            pass
        shutil.rmtree(profile, ignore_errors=True)
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
    return out.decode("utf-8")
