"""Hostile inputs (issue 7, "nothing lost"): one folder holding every kind of bad file plus
one good article goes through ``qualcheck.api.audit``; each bad file is decoded correctly or
skipped with a reason an editor understands, the run goes on, the good article is audited,
and every file found is accounted for exactly once.

Decisions recorded here (see docs/guarantees.md):

* UTF-16 without a byte-order mark is *detected* (Latin, Cyrillic and Hangul text alike;
  ``Document.encoding`` says ``utf-16-le``/``utf-16-be``).
* UTF-8 with a few bad bytes among well-formed accented letters is *reported* ("invalid
  UTF-8 at byte N"), never guessed as a legacy encoding (which garbles every accent).
* Latin-1 and Windows-1252 are decoded; ``Document.encoding`` is ``cp1252`` (its superset).
* A bad row of a table is reported as ``path#rowN`` and the good rows are audited; an
  unbalanced CSV quote is reported at its line instead of swallowing the rows after it.
* Front matter that cannot be read is dropped (``meta["front_matter_error"]``), never the article.
"""

from __future__ import annotations

import builtins
import errno
import json
import os
import random
import re
import stat
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import qualcheck.load.files as files
from qualcheck.api import AuditReport, audit
from qualcheck.load import LoadOptions, LoadResult, load_paths
from qualcheck.load.files import Found, read_bytes
from qualcheck.load.options import MAX_META_CHARS, SkipFile
from qualcheck.text import LineIndex

LIMIT = 1_500_000  # Config.max_bytes for the matrix: keeps the "too large" file small
DEFAULT_LIMIT = 50_000_000
DEEP = 60  # folder levels in the matrix
GOOD = ("Council approves budget\n\n"
        "The city council approved the budget on Monday. Photo courtsey of the council.\n")
EXCEPTION_NAME = re.compile(r"\b[A-Z]\w*(Error|Exception)\b")  # a reason must not be a raw exception
LATIN = "Mayor resigns\n\nThe mayor resigned on Monday, caf\u00e9 owners said, after a long debate.\n"
CYRILLIC = ("\u041c\u044d\u0440 \u0443\u0448\u0451\u043b \u0432 "
            "\u043e\u0442\u0441\u0442\u0430\u0432\u043a\u0443.\n") * 8
HANGUL = (
    "\uc11c\uc6b8\uc2dc\ub294 \uc6d4\uc694\uc77c\uc5d0 \uc0c8 \uc608\uc0b0\uc744 \uc2b9\uc778\ud588\ub2e4. "
    "\uc2dc\uc7a5\uc740 \ud559\uad50\uc640 \ub3c4\ub85c\uc5d0 \ub300\ud55c \uc9c0\ucd9c\uc744 "
    "\ub298\ub9b0\ub2e4\uace0 \ub9d0\ud588\ub2e4.\n"
) * 6
WESTERN = "Caf\u00e9 r\u00e9sum\u00e9, na\u00efve \u00fcber Stra\u00dfe\n\nThe caf\u00e9 opened on Monday.\n"
CP1252 = ("\u201cQuoted\u201d \u2014 it\u2019s the caf\u00e9\u2019s \u20ac5 deal\n\n"
          "Coffee for \u20ac5 on Monday.\n")
BAD_UTF8 = "Caf\u00e9 au lait, \u00fcber alles. ".encode() + b"\xff" + " and more caf\u00e9.".encode()
HTML_MARKERS = ("STYLE-MARKER", "SCRIPT-MARKER", "JSONLD-MARKER", "ONLOAD-MARKER", "NAV-MARKER",
                "IFRAME-MARKER", "NOSCRIPT-MARKER", "TEMPLATE-MARKER", "SVG-SCRIPT-MARKER", "SVG-MARKER",
                "COMMENT-MARKER", "LATE-SCRIPT-MARKER", "AFTER-HTML-MARKER", "AFTER-STYLE-MARKER",
                "evil.example")  # fmt: skip
HOSTILE_HTML = """<!DOCTYPE html><html><head><title>Hostile page</title>
<style>body { color: red } /* STYLE-MARKER */</style>
<script>document.write("SCRIPT-MARKER")</script>
<script type="application/ld+json">{"headline": "JSONLD-MARKER"}</script>
</head><body onload="alert('ONLOAD-MARKER')">
<nav>NAV-MARKER</nav>
<article><h1>Hostile page</h1>
<p>Visible paragraph one.<p>Unclosed paragraph two <b>bold <i>italic</b> still</i> text.
<iframe src="https://evil.example/">IFRAME-MARKER</iframe>
<noscript>NOSCRIPT-MARKER</noscript>
<template>TEMPLATE-MARKER</template>
<svg><script>SVG-SCRIPT-MARKER</script><text>SVG-MARKER</text></svg>
<!-- COMMENT-MARKER -->
<div>Final <span>visible</div> words</span>
<script>var late = "LATE-SCRIPT-MARKER";
</article></body></html><script>AFTER-HTML-MARKER</script><style>AFTER-STYLE-MARKER</style>
"""
BILLION_LAUGHS = "---\n" + "\n".join(
    [f"l0: &l0 [{', '.join(['lol'] * 9)}]"]
    + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]
) + "\ntitle: Laughs\n---\nThe body survives the bomb.\n"  # fmt: skip


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


@dataclass(frozen=True)
class Doc:
    """Expected: the file is audited (``encoding``, and ``text`` when given)."""

    encoding: str = "utf-8"
    text: str | None = None


@dataclass(frozen=True)
class Skip:
    """Expected: the file is skipped with a reason matching ``pattern``."""

    pattern: str


def one_line_text(seed: int = 5) -> tuple[str, list[int]]:
    """About 1 MB of prose with no newline, a known misspelling planted every ~20 KB."""
    words = ("the council approved a new budget on Monday that raises spending on schools and roads by ten "
             "percent next year while the mayor said residents would see improvements in parks").split()
    rng = random.Random(seed)
    parts: list[str] = []
    planted: list[int] = []
    size = 0
    while size < 1_000_000:
        chosen: list[str] = []
        while len(chosen) < 12:
            word = rng.choice(words)
            if not chosen or word != chosen[-1]:  # no accidental "the the"
                chosen.append(word)
        sentence = " ".join(chosen).capitalize() + "."
        if len(parts) % 150 == 149:
            sentence += " Photo courtsey of the agency."
            planted.append(size + sentence.index("courtsey"))
        parts.append(sentence)
        size += len(sentence) + 1
    return " ".join(parts), planted


class _Recorded:
    """A file object that records every read size (and fails reads of ``flaky.txt``)."""

    def __init__(self, handle: Any, path: str, reads: dict[str, list[int]]) -> None:
        self.handle, self.path, self.reads = handle, path, reads

    def read(self, n: int = -1) -> bytes:
        self.reads.setdefault(self.path, []).append(n)
        if os.path.basename(self.path) == "flaky.txt":
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return self.handle.read(n)

    def __enter__(self) -> _Recorded:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


@dataclass
class Matrix:
    folder: Path
    expected: dict[str, Doc | Skip]
    report: AuditReport
    loaded: LoadResult
    reads: dict[str, list[int]]
    opened: list[str]
    planted: list[int]
    marker: Path


def _build(folder: Path) -> tuple[dict[str, Doc | Skip], list[int], Path]:
    expected: dict[str, Doc | Skip] = {}

    def add(rel: str, content: str | bytes, outcome: Doc | Skip) -> None:
        expected[str(write(folder / rel, content))] = outcome

    add("good.txt", GOOD, Doc("utf-8", GOOD))
    rng = random.Random(1)
    binary = Skip(r"^not text \(binary\)$")
    not_parquet = Skip("^unreadable: not a valid Parquet file")
    noise = bytes(rng.randrange(256) for _ in range(3000))
    # binary files with text extensions
    add("binary/photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + noise, binary)
    add("binary/archive.md", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + noise, binary)
    add("binary/program.html", b"\x7fELF\x02\x01\x01\x00" + bytes(64) + noise, binary)
    add("binary/scan.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(16) + noise, binary)
    add("binary/dump.jsonl", bytes(40) + noise, binary)
    add("binary/photo.parquet", b"\xff\xd8\xff\xe0" + noise, not_parquet)
    # encodings
    bad_at = BAD_UTF8.index(b"\xff")
    damaged = Skip(rf"^invalid UTF-8 at byte {bad_at} \(damaged, or encodings mixed\); re-save")
    add("enc/damaged-utf8.txt", BAD_UTF8, damaged)
    add("enc/utf16-bom.txt", LATIN.encode("utf-16"), Doc("utf-16-le", LATIN))
    add("enc/utf16be-bom.txt", b"\xfe\xff" + LATIN.encode("utf-16-be"), Doc("utf-16-be", LATIN))
    add("enc/utf16le-nobom.txt", LATIN.encode("utf-16-le"), Doc("utf-16-le", LATIN))
    add("enc/utf16be-nobom.txt", LATIN.encode("utf-16-be"), Doc("utf-16-be", LATIN))
    add("enc/utf16le-nobom-cyrillic.txt", CYRILLIC.encode("utf-16-le"), Doc("utf-16-le", CYRILLIC))
    add("enc/utf16be-nobom-hangul.txt", HANGUL.encode("utf-16-be"), Doc("utf-16-be", HANGUL))
    add("enc/latin1.txt", WESTERN.encode("latin-1"), Doc("cp1252", WESTERN))
    add("enc/cp1252.txt", CP1252.encode("cp1252"), Doc("cp1252", CP1252))
    add("enc/crlf.txt", "Headline\r\n\r\nBody line one.\r\nBody line two.\r\n", Doc(
        "utf-8", "Headline\n\nBody line one.\nBody line two.\n"))
    # empty and whitespace-only
    add("empty/empty.txt", b"", Skip("^empty$"))
    add("empty/blank.md", b"  \n\t\n \r\n", Skip("^empty$"))
    add("empty/bom-and-spaces.txt", b"\xef\xbb\xbf   \n", Skip("^empty$"))
    add("empty/front-matter-only.md", "---\ntitle: Nothing\n---\n\n", Skip("^empty$"))
    add("empty/empty.csv", b"", Skip("^empty$"))
    add("empty/header-only.csv", "id,title,text\n", Skip("^empty$"))
    add("empty/blank.html", "<html><body><script>x()</script> </body></html>", Skip("^empty$"))
    # size: over the limit (sparse, so it costs no disk) and a 1 MB single line within it
    big = folder / "size" / "too-large.txt"
    big.parent.mkdir(parents=True)
    with big.open("wb") as fh:
        fh.truncate(LIMIT + 1000)
    expected[str(big)] = Skip(rf"^too large \({LIMIT + 1000} bytes > limit {LIMIT}\)$")
    line, planted = one_line_text()
    add("size/one-line.txt", line, Doc("utf-8", line))
    # 60 folders deep
    deep = folder.joinpath("deep", *(f"d{i}" for i in range(DEEP)))
    add(str((deep / "deep.txt").relative_to(folder)), "An article sixty folders down.", Doc())
    # symlink loops, a link to itself, a dangling link, a second link to a file
    add("links/sub/a.txt", "The linked article.", Doc())
    (folder / "links" / "sub" / "back-to-top").symlink_to(folder, target_is_directory=True)
    (folder / "links" / "sub" / "loop").symlink_to(folder / "links", target_is_directory=True)
    (folder / "links" / "self.txt").symlink_to(folder / "links" / "self.txt")
    expected[str(folder / "links" / "self.txt")] = Skip("^unreadable: symlink loop$")
    (folder / "links" / "dangling.txt").symlink_to(folder / "links" / "gone.txt")
    expected[str(folder / "links" / "dangling.txt")] = Skip(r"^not found \(broken link\)$")
    (folder / "links" / "sub" / "z-again.txt").symlink_to(folder / "links" / "sub" / "a.txt")
    expected[str(folder / "links" / "sub" / "z-again.txt")] = Skip("^duplicate of .*a.txt$")
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "links" / "pipe.txt")  # opening it would block the run
        expected[str(folder / "links" / "pipe.txt")] = Skip("^not a regular file$")
    # unreadable (simulated: root ignores chmod) and failing mid-read
    add("perm/secret.txt", "Never readable.", Skip("^unreadable: permission denied$"))
    add("perm/flaky.txt", "Fails while reading.", Skip("^unreadable: input/output error$"))
    # file names: spaces, non-ASCII, a newline, an RTL override, bytes that are not UTF-8
    add("names/name with spaces.txt", "Spaces in the name.", Doc())
    add("names/caf\u00e9 Z\u00fcrich \uc11c\uc6b8.txt", "A non-ASCII name.", Doc())
    add("names/new\nline.txt", "A newline in the name.", Doc())
    add("names/rtl-\u202etxt.exe", "An RTL override in the name.", Skip(r"^unsupported file type \.exe$"))
    add(os.fsdecode(b"names/latin1-\xe9.txt"), "A name that is not UTF-8.", Doc())
    # tables: bad rows among good ones
    add("tables/articles.csv", (
        "id,title,text\n"
        '1,Good CSV,"The first good row from the table."\n'
        "2,Short row\n"
        '3,Unclosed,"This quote never closes\n'
        '4,Recovered,"The fourth row must not vanish into the third."\n'
        '5,Sloppy,"He said "hello" to the council."\n'
        "6,Last,The last good row.\n"
    ), Doc())
    add("tables/articles.jsonl", "\n".join([
        json.dumps({"id": "j1", "title": "Good", "text": "A good JSON line."}),
        '{"id": "j2", "text": "broken',
        "[1, 2, 3]",
        json.dumps({"id": "j4", "text": 5}),
        "[" * 100_000 + "]" * 100_000,
        '{"id": "j6", "text": "lone \\ud800 surrogate"}',
        json.dumps({"id": "j7", "text": "   "}),
        json.dumps({"id": "j8", "text": "Another good line."}),
    ]) + "\n", Doc())
    table = pa.table({"id": ["p1", "p2", "p3", "p4"],
                      "text": ["Good parquet row.", None, "", "Another good parquet row."]})
    (folder / "tables").mkdir(exist_ok=True)
    pq.write_table(table, folder / "tables" / "articles.parquet")
    expected[str(folder / "tables" / "articles.parquet")] = Doc()
    add("tables/corrupt.parquet", b"PAR1" + noise[:200] + b"PAR1", not_parquet)
    add("tables/no-text-column.csv", "a,b\n1,2\n", Skip(r"^no text column 'text' \(columns: a, b\)$"))
    add("tables/all-bad.jsonl", "{bad\n[]\n", Skip(r"^no usable rows \(2 skipped\)$"))
    # YAML front matter that cannot be read, or must not be
    marker = folder / "PWNED"
    add("yaml/syntax.md", "---\ntitle: [unclosed\nauthor: : :\n---\nBody after broken YAML.\n", Doc())
    add("yaml/bad-date.md", "---\ntitle: Dated\ndate: 2024-13-45\n---\nBody after a bad date.\n", Doc())
    tag = f"!!python/object/apply:os.system ['touch {marker}']"
    add("yaml/python-tag.md", f"---\ntitle: {tag}\n---\nBody after a python tag.\n", Doc())
    add("yaml/deep.md", "---\nx: " + "[" * 5000 + "]" * 5000 + "\n---\nBody after deep YAML.\n", Doc())
    add("yaml/billion-laughs.md", BILLION_LAUGHS, Doc())
    add("yaml/surrogate.md", '---\ntitle: "bad \\uD800 title"\n---\nBody after a bad escape.\n', Doc())
    add("yaml/unclosed.md", "---\ntitle: never closed\nBody with a rule but no front matter.\n", Doc())
    # HTML: scripts, styles, iframes, broken markup, a wrong charset label, deep nesting
    add("html/hostile.html", HOSTILE_HTML, Doc())
    add("html/utf16-label.html", '<html><head><meta charset="utf-16"></head><body><p>Caf\u00e9 ol\u00e9, '
        "the council said.</p></body></html>".encode("cp1252"), Doc("cp1252"))
    add("html/nested.html", "<html><body>" + "<div>" * 5000 + "Deeply nested words." + "</div>" * 5000, Doc())
    return expected, planted, marker


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Matrix]:
    folder = tmp_path_factory.mktemp("hostile")
    expected, planted, marker = _build(folder)
    reads: dict[str, list[int]] = {}
    opened: list[str] = []
    real_open = builtins.open

    def recording_open(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        name = os.fspath(path)
        opened.append(name)
        if os.path.basename(name) == "secret.txt":
            raise PermissionError(errno.EACCES, "Permission denied", name)
        return _Recorded(real_open(path, mode, *args, **kwargs), name, reads)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(files, "open", recording_open, raising=False)  # chmod 0 is no use when tests run as root
        report = audit([folder], max_bytes=LIMIT)
        loaded = load_paths([folder], LoadOptions(max_bytes=LIMIT))
    yield Matrix(folder, expected, report, loaded, reads, opened, planted, marker)


def _docs(m: Matrix) -> dict[str, list[Any]]:
    by_path: dict[str, list[Any]] = {}
    for d in m.report.data.documents:
        by_path.setdefault(d.path, []).append(d)
    return by_path


def _file_skips(m: Matrix) -> dict[str, str]:
    return {s.path: s.reason for s in m.report.data.skipped if "#row" not in s.path}


def test_the_good_article_is_audited(matrix: Matrix) -> None:
    good = str(matrix.folder / "good.txt")
    (doc,) = _docs(matrix)[good]
    assert doc.text == GOOD and doc.encoding == "utf-8"
    assert doc.title == "Council approves budget"
    found = [f for f in matrix.report.data.findings if f.path == good and f.rule == "known-misspelling"]
    assert [(f.text, f.suggestion) for f in found] == [("courtsey", "courtesy")]


def test_every_file_has_its_expected_outcome(matrix: Matrix) -> None:
    docs, skips = _docs(matrix), _file_skips(matrix)
    for path, outcome in matrix.expected.items():
        if isinstance(outcome, Skip):
            assert path not in docs, path
            assert path in skips, f"{path!r} neither audited nor skipped"
            assert re.search(outcome.pattern, skips[path]), (path, skips[path])
        else:
            assert path not in skips, (path, skips.get(path))
            assert path in docs, f"{path!r} not audited"
            for doc in docs[path]:
                assert doc.encoding == outcome.encoding, (path, doc.encoding)
            if outcome.text is not None:
                assert [d.text for d in docs[path]] == [outcome.text], path


def test_skip_reasons_are_one_clear_line(matrix: Matrix) -> None:
    for s in matrix.report.data.skipped:
        assert s.reason and "\n" not in s.reason, s
        assert not EXCEPTION_NAME.search(s.reason), f"raw exception leaked into the reason: {s}"
        assert not s.reason.startswith("rule "), f"a rule crashed on hostile input: {s}"


def test_every_file_found_is_accounted_for_once(matrix: Matrix) -> None:
    """audited files + skipped files == files found (api.audit does not expose files_found:
    it is taken from load_paths over the same folder with the same options)."""
    audited = set(_docs(matrix))
    skipped = set(_file_skips(matrix))
    assert not audited & skipped
    assert len(audited) + len(skipped) == matrix.loaded.files_found == len(matrix.expected)
    assert audited | skipped == set(matrix.expected)
    assert len({d.doc_id for d in matrix.report.data.documents}) == len(matrix.report.data.documents)
    assert {d.doc_id for d in matrix.loaded.documents} == {d.doc_id for d in matrix.report.data.documents}
    assert set(matrix.loaded.skipped) == set(matrix.report.data.skipped)


def test_large_files_are_never_read_whole(matrix: Matrix) -> None:
    big = str(matrix.folder / "size" / "too-large.txt")
    assert big not in matrix.opened  # refused on its size, before open()
    sizes = [n for ns in matrix.reads.values() for n in ns]
    assert sizes and all(0 < n <= LIMIT + 1 for n in sizes), sorted(set(sizes))


def test_one_megabyte_line_is_audited_with_valid_offsets(matrix: Matrix) -> None:
    path = str(matrix.folder / "size" / "one-line.txt")
    (doc,) = _docs(matrix)[path]
    assert len(doc.text) >= 1_000_000 and "\n" not in doc.text
    mine = [f for f in matrix.report.data.findings if f.doc_id == doc.doc_id]
    assert sorted(f.start for f in mine if f.rule == "known-misspelling") == matrix.planted
    lines = LineIndex(doc.text)
    for f in mine:
        assert 0 <= f.start <= f.end <= len(doc.text) and doc.text[f.start : f.end] == f.text
        assert (f.line, f.column) == lines.position(f.start)


def test_all_findings_point_at_their_text(matrix: Matrix) -> None:
    docs = {d.doc_id: d for d in matrix.report.data.documents}
    for f in matrix.report.data.findings:
        doc = docs[f.doc_id]
        assert doc.text[f.start : f.end] == f.text, f
        assert (f.line, f.column) == LineIndex(doc.text, doc.line_offset).position(f.start), f


def test_table_rows_bad_ones_reported_good_ones_audited(matrix: Matrix) -> None:
    t = matrix.folder / "tables"
    ids = {d.doc_id for d in matrix.report.data.documents}
    rows = {s.path: s.reason for s in matrix.report.data.skipped if "#row" in s.path}
    csv_path, jsonl_path, pq_path = (str(t / f"articles.{ext}") for ext in ("csv", "jsonl", "parquet"))
    assert {i for i in ids if i.startswith(csv_path)} == {f"{csv_path}#{n}" for n in (1, 4, 5, 6)}
    assert rows[f"{csv_path}#row2"] == "malformed row (2 fields, header has 3)"
    assert re.match(r"malformed CSV at line 4 \(.*\); read on from line 5$", rows[f"{csv_path}#row3"])
    recovered = next(d for d in matrix.report.data.documents if d.doc_id == f"{csv_path}#4")
    assert recovered.text == "The fourth row must not vanish into the third."  # not swallowed by row 3
    assert {i for i in ids if i.startswith(jsonl_path)} == {f"{jsonl_path}#j1", f"{jsonl_path}#j8"}
    assert {k.split("#")[1]: v for k, v in rows.items() if k.startswith(jsonl_path + "#")} == {
        "row2": "invalid JSON: Unterminated string starting at (column 22)",
        "row3": "not a JSON object (list)",
        "row4": "text is not a string (int)",
        "row5": "invalid JSON: nested too deeply",
        "row6": "invalid Unicode: unpaired surrogate \\ud800",
        "row7": "empty",
    }
    assert {i for i in ids if i.startswith(pq_path)} == {f"{pq_path}#p1", f"{pq_path}#p4"}
    assert rows[f"{pq_path}#row2"] == rows[f"{pq_path}#row3"] == "empty"


def test_front_matter_problems_drop_the_front_matter_not_the_article(matrix: Matrix) -> None:
    y = matrix.folder / "yaml"
    docs = {Path(p).name: ds[0] for p, ds in _docs(matrix).items() if Path(p).parent == y}
    errors = {name: d.meta.get("front_matter_error", "") for name, d in docs.items()}
    assert errors["syntax.md"].startswith("invalid YAML")
    assert errors["bad-date.md"] == "invalid YAML value: month must be in 1..12"
    assert errors["python-tag.md"].startswith("invalid YAML")  # safe_load: tags never construct objects
    assert not matrix.marker.exists()  # and nothing ran
    assert errors["deep.md"] == "invalid YAML: nested too deeply"
    assert errors["surrogate.md"] == "invalid Unicode in front matter: unpaired surrogate \\ud800"
    assert errors["billion-laughs.md"] == "" and docs["billion-laughs.md"].title == "Laughs"
    assert all(len(v) <= MAX_META_CHARS for v in docs["billion-laughs.md"].meta.values())
    assert docs["billion-laughs.md"].text == "The body survives the bomb.\n"
    assert docs["unclosed.md"].text.startswith("---\ntitle: never closed")  # no closing line: no front matter
    for name in ("syntax.md", "bad-date.md", "python-tag.md", "deep.md", "surrogate.md"):
        assert docs[name].text.startswith("Body after"), name
        assert docs[name].line_offset > 0, name  # line numbers still match the file


def test_html_keeps_visible_text_only(matrix: Matrix) -> None:
    (doc,) = _docs(matrix)[str(matrix.folder / "html" / "hostile.html")]
    assert doc.title == "Hostile page"
    for marker in HTML_MARKERS:
        assert marker not in doc.text and marker not in doc.title, marker
    assert "Visible paragraph one." in doc.text
    assert "Unclosed paragraph two bold italic still text." in doc.text
    assert "Final visible" in doc.text
    (labelled,) = _docs(matrix)[str(matrix.folder / "html" / "utf16-label.html")]
    assert labelled.text == "Caf\u00e9 ol\u00e9, the council said."  # the wrong label is ignored
    (nested,) = _docs(matrix)[str(matrix.folder / "html" / "nested.html")]
    assert nested.text == "Deeply nested words."


def test_hostile_names_keep_their_paths(matrix: Matrix) -> None:
    docs = _docs(matrix)
    for name in ("name with spaces.txt", "caf\u00e9 Z\u00fcrich \uc11c\uc6b8.txt", "new\nline.txt",
                 os.fsdecode(b"latin1-\xe9.txt")):
        path = str(matrix.folder / "names" / name)
        assert path in docs and docs[path][0].doc_id == path, name


def test_every_report_format_is_written_whatever_the_inputs(matrix: Matrix, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    formats = ["csv", "html", "json", "jsonl", "sarif", "github", "junit", "text"]
    written = matrix.report.write(tmp_path, formats)
    assert len(written) == 12
    for path in written:
        path.read_bytes().decode("utf-8")  # valid UTF-8 even for a name with non-UTF-8 bytes
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert data["summary"]["documents"] == len(matrix.report.data.documents)
    assert data["summary"]["skipped"] == len(matrix.report.data.skipped)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "latin1-\\udce9.txt" in html  # the undecodable byte, shown escaped


# --- single cases that need their own setting --------------------------------------------------


def test_sparse_60_mb_file_is_never_opened_under_the_default_limit(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "dump.txt"
    with big.open("wb") as fh:
        fh.truncate(60 * 1024 * 1024)  # sparse: no disk used
    write(tmp_path / "good.txt", GOOD)
    opened: list[str] = []
    real_open = builtins.open

    def recording_open(path: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(files, "open", recording_open, raising=False)
    report = audit([tmp_path])
    assert [d.path for d in report.data.documents] == [str(tmp_path / "good.txt")]
    assert [(s.path, s.reason) for s in report.data.skipped] == [
        (str(big), f"too large ({60 * 1024 * 1024} bytes > limit {DEFAULT_LIMIT})")]
    assert opened == [str(tmp_path / "good.txt")]


def test_a_file_that_grows_after_its_size_was_taken_is_cut_at_the_limit(tmp_path: Path) -> None:
    path = write(tmp_path / "growing.txt", b"x" * 5000)
    with pytest.raises(SkipFile) as info:
        read_bytes(Found(str(path), size=10), max_bytes=1000)  # stat said 10 bytes; it has 5000
    assert info.value.reason == "too large (more than 1000 bytes > limit 1000)"


def test_folders_deeper_than_the_recursion_limit(tmp_path: Path) -> None:
    depth = sys.getrecursionlimit() + 100
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        for _ in range(depth):  # relative to a descriptor: no path-length limit while building
            os.mkdir("a", dir_fd=fd)
            below = os.open("a", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = below
        leaf = os.open("leaf.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(leaf, b"The deepest article.")
        os.close(leaf)
    finally:
        os.close(fd)
    try:
        started = time.perf_counter()
        result = load_paths([tmp_path])
        assert time.perf_counter() - started < 10
        assert result.files_found == 1 and [d.text for d in result.documents] == ["The deepest article."]
    finally:
        _remove_deep(tmp_path / "a")


def _remove_deep(top: Path) -> None:
    """rmtree recurses too; remove the chain of single folders from the bottom up."""
    chain = [top]
    while (chain[-1] / "a").is_dir():
        chain.append(chain[-1] / "a")
    for folder in reversed(chain):
        for entry in folder.iterdir():
            if not entry.is_dir():
                entry.unlink()
        folder.rmdir()


def test_unbalanced_quote_at_the_end_keeps_the_rows_before(tmp_path: Path) -> None:
    f = write(tmp_path / "t.csv", 'id,text\n1,First row.\n2,"Open quote to the end\n3,Third row.\n4,Last.\n')
    result = load_paths([f])
    assert [d.doc_id for d in result.documents] == [f"{f}#1", f"{f}#3", f"{f}#4"]
    assert [(s.path, s.reason) for s in result.skipped] == [
        (f"{f}#row2", "malformed CSV at line 3 (unexpected end of data); read on from line 4")]


def test_many_unbalanced_quotes_cost_linear_time(tmp_path: Path) -> None:
    body = "".join(f'{i},"never closed {i}\n' for i in range(20_000))
    f = write(tmp_path / "quotes.csv", "id,text\n" + body)
    started = time.perf_counter()
    result = load_paths([f])
    assert time.perf_counter() - started < 10
    rows = [s for s in result.skipped if "#row" in s.path]
    assert len(rows) == 19_999 and all(s.reason.startswith("malformed CSV at line") for s in rows)
    # the last line's quote runs to the end of the file on one line: read leniently, as before
    assert [d.text for d in result.documents] == ["never closed 19999\n"]


def test_unreadable_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "ok" / "a.txt", "Readable.")
    write(tmp_path / "locked" / "b.txt", "Hidden behind a folder that cannot be listed.")
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        if os.path.basename(os.fspath(path)) == "locked":
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(files.os, "scandir", scandir)
    result = load_paths([tmp_path])
    assert [d.text for d in result.documents] == ["Readable."]
    assert [(s.path, s.reason) for s in result.skipped] == [
        (str(tmp_path / "locked"), "unreadable: permission denied")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_real_permission_denied(tmp_path: Path) -> None:  # pragma: no cover - not run as root
    f = write(tmp_path / "secret.txt", "Secret.")
    f.chmod(0)
    try:
        result = load_paths([f])
        assert [s.reason for s in result.skipped] == ["unreadable: permission denied"]
    finally:
        f.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_settling_many_findings_in_one_document_is_fast() -> None:
    from qualcheck.checks.base import DocView
    from qualcheck.checks.runner import _settle
    from qualcheck.types import Document, Finding, Severity

    n = 6000
    view = DocView.of(Document("d.txt", "d.txt", " ".join(["the the"] * n)))
    findings = [Finding("d.txt", "d.txt", "doubled-word", "QC212", Severity.WARNING, 8 * i + 4, 8 * i + 7, 1,
                        8 * i + 5, "the", "'the' is repeated", "the") for i in range(n)]
    started = time.perf_counter()
    kept = _settle(view, findings, {"doubled-word": "mechanical"})
    seconds = time.perf_counter() - started
    assert len(kept) == n
    assert seconds < 0.3, f"{n} findings settled in {seconds:.2f} s"
