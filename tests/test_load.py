"""Tests for qualcheck.load: every input either becomes documents or is skipped with a reason."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from qualcheck.load import LoadOptions, LoadResult, load_paths
from qualcheck.types import Document


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def only_doc(result: LoadResult) -> Document:
    assert len(result.documents) == 1, (result.documents, result.skipped)
    return result.documents[0]


def reasons(result: LoadResult) -> dict[str, str]:
    return {s.path: s.reason for s in result.skipped}


def assert_accounted(result: LoadResult) -> None:
    """Each found file has documents or a file-level skip (row skips have '#row'; missing
    inputs are reported as "not found" but were never found, so do not count)."""
    file_skips = {s.path for s in result.skipped if "#row" not in s.path and s.reason != "not found"}
    files = {d.path for d in result.documents} | file_skips
    assert len(files) == result.files_found


# --- txt ---------------------------------------------------------------------------------


def test_txt_title_when_blank_line_follows(tmp_path: Path) -> None:
    f = write(tmp_path / "a.txt", "Mayor resigns\n\nThe mayor resigned on Monday.\n")
    doc = only_doc(load_paths([f]))
    assert doc.title == "Mayor resigns"
    assert doc.text == "Mayor resigns\n\nThe mayor resigned on Monday.\n"
    assert doc.doc_id == doc.path == str(f)
    assert (doc.kind, doc.encoding, doc.line_offset) == ("txt", "utf-8", 0)


def test_txt_no_title_without_blank_line_or_when_too_long(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "The mayor resigned on Monday.\nShe gave no reason.\n")
    write(tmp_path / "b.txt", "x" * 250 + "\n\nBody.\n")
    result = load_paths([tmp_path])
    assert [d.title for d in result.documents] == ["", ""]


def test_crlf_normalised_but_text_otherwise_untouched(tmp_path: Path) -> None:
    f = write(tmp_path / "a.txt", "Title\r\n\r\n\u201cQuoted\u201d caf\u00e9 \u2014 ok\rend")
    doc = only_doc(load_paths([f]))
    assert doc.text == "Title\n\n\u201cQuoted\u201d caf\u00e9 \u2014 ok\nend"
    assert doc.title == "Title"


def test_utf8_bom_stripped(tmp_path: Path) -> None:
    f = write(tmp_path / "a.txt", "\ufeffHeadline\n\nBody text.".encode())
    doc = only_doc(load_paths([f]))
    assert doc.text.startswith("Headline") and doc.title == "Headline"
    assert doc.encoding == "utf-8-sig"


def test_file_without_extension_read_as_text(tmp_path: Path) -> None:
    f = write(tmp_path / "README", "Plain words here.")
    assert only_doc(load_paths([f])).text == "Plain words here."


# --- encodings and binary ----------------------------------------------------------------


def test_latin1_file_decoded(tmp_path: Path) -> None:
    f = write(tmp_path / "a.txt", "Le caf\u00e9 \u00e9tait tr\u00e8s bon.\n".encode("latin-1"))
    doc = only_doc(load_paths([f]))
    assert doc.text == "Le caf\u00e9 \u00e9tait tr\u00e8s bon.\n"
    assert "\u00e9" in doc.text
    assert doc.encoding == "cp1252"


def test_cp1252_curly_quotes_decoded(tmp_path: Path) -> None:
    text = "C\u2019est d\u00e9j\u00e0 l\u2019\u00e9t\u00e9 \u2013 \u201cbon\u201d.\n"
    f = write(tmp_path / "a.txt", text.encode("cp1252"))
    assert only_doc(load_paths([f])).text == text


def test_non_western_legacy_encoding_uses_detection(tmp_path: Path) -> None:
    text = "\u041f\u0440\u0438\u0432\u0435\u0442, \u043a\u0430\u043a \u0434\u0435\u043b\u0430? " * 5
    f = write(tmp_path / "ru.txt", text.encode("cp1251"))
    doc = only_doc(load_paths([f]))
    assert doc.text == text
    assert doc.encoding == "cp1251"


def test_utf16_with_bom(tmp_path: Path) -> None:
    f = write(tmp_path / "a.txt", "Titel\r\n\r\nGr\u00fc\u00dfe aus K\u00f6ln.".encode("utf-16"))
    doc = only_doc(load_paths([f]))
    assert doc.text == "Titel\n\nGr\u00fc\u00dfe aus K\u00f6ln."
    assert doc.title == "Titel"
    assert doc.encoding.startswith("utf-16")


def test_binary_file_with_txt_name_skipped(tmp_path: Path) -> None:
    f = write(tmp_path / "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    result = load_paths([f])
    assert result.documents == ()
    assert reasons(result) == {str(f): "not text (binary)"}
    assert result.files_found == 1


# --- markdown ----------------------------------------------------------------------------

MD = """---
title: "Council approves budget"
date: 2024-03-01
author: Jane Doe
tags: [budget, council]
---
The council approved the budget.

More text.
"""


def test_markdown_front_matter(tmp_path: Path) -> None:
    f = write(tmp_path / "a.md", MD)
    doc = only_doc(load_paths([f]))
    assert doc.title == "Council approves budget"
    assert doc.text == "The council approved the budget.\n\nMore text.\n"
    assert doc.line_offset == 6
    assert dict(doc.meta) == {"date": "2024-03-01", "author": "Jane Doe", "tags": "budget, council"}
    assert doc.kind == "md"


def test_markdown_malformed_yaml_still_loads(tmp_path: Path) -> None:
    f = write(tmp_path / "a.md", "---\ntitle: [unclosed\nauthor: x\n---\n# Heading here\n\nBody.\n")
    doc = only_doc(load_paths([f]))
    assert doc.text == "# Heading here\n\nBody.\n"
    assert doc.line_offset == 4
    assert doc.meta["front_matter_error"].startswith("invalid YAML")
    assert doc.title == "Heading here"


def test_markdown_without_front_matter_titles_from_heading(tmp_path: Path) -> None:
    f = write(tmp_path / "a.markdown", "```\n# not a title\n```\n\n# Real title #\n\nBody.")
    doc = only_doc(load_paths([f]))
    assert doc.title == "Real title"
    assert doc.line_offset == 0
    assert doc.text.startswith("```")


def test_markdown_front_matter_only_is_empty(tmp_path: Path) -> None:
    f = write(tmp_path / "a.md", "---\ntitle: x\n---\n\n")
    assert reasons(load_paths([f])) == {str(f): "empty"}


# --- html --------------------------------------------------------------------------------

HTML = """<!doctype html><html><head><title>Fire  at the
 docks</title><meta name="author" content="Ann Lee"><style>p { color: red }</style>
<script>var tracking = "SCRIPT TEXT";</script></head>
<body><nav><a href="/">Home</a> | NAV TEXT</nav>
<div class="promo">Promo outside article</div>
<article><h1>Fire at the docks</h1>
<p>A fire broke   out
 at the <b>docks</b> on Tuesday.</p>
<!-- a comment -->
<p>Firefighters said:<br>\u201cIt is under control.\u201d</p>
<aside>Related: other fires</aside>
<form><button>Subscribe</button></form>
</article><footer>FOOTER TEXT</footer></body></html>"""


def test_html_keeps_article_drops_furniture(tmp_path: Path) -> None:
    f = write(tmp_path / "a.html", HTML)
    doc = only_doc(load_paths([f]))
    assert doc.kind == "html"
    assert doc.title == "Fire at the docks"
    assert doc.text == (
        "Fire at the docks\n\n"
        "A fire broke out at the docks on Tuesday.\n\n"
        "Firefighters said:\n\u201cIt is under control.\u201d"
    )
    for junk in ("SCRIPT", "NAV", "FOOTER", "Promo", "Related", "Subscribe", "comment", "color"):
        assert junk not in doc.text
    assert doc.meta["author"] == "Ann Lee"


def test_html_main_and_h1_title_fallback(tmp_path: Path) -> None:
    page = (
        "<html><body><header>Site</header><main><h1>Headline</h1><div>One</div><div>Two</div></main></body>"
    )
    f = write(tmp_path / "a.htm", page)
    doc = only_doc(load_paths([f]))
    assert doc.title == "Headline"
    assert doc.text == "Headline\n\nOne\n\nTwo"


def test_html_declared_charset(tmp_path: Path) -> None:
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Caf\u00e9 \u201cx\u201d</p></body></html>'
    f = write(tmp_path / "a.html", page.encode("cp1252"))
    doc = only_doc(load_paths([f]))
    assert doc.text == "Caf\u00e9 \u201cx\u201d"


def test_html_without_text_is_empty(tmp_path: Path) -> None:
    f = write(tmp_path / "a.html", "<html><body><nav>menu</nav><script>x()</script></body></html>")
    assert reasons(load_paths([f])) == {str(f): "empty"}


# --- tabular -----------------------------------------------------------------------------


def test_csv_rows(tmp_path: Path) -> None:
    csv_text = (
        'id,title,text,author\nA1,First,"Body one,\nwith comma",Ann\nA2,Second,Body two,\n,,Body three,Bo\n'
    )
    f = write(tmp_path / "a.csv", csv_text)
    result = load_paths([f])
    assert [d.doc_id for d in result.documents] == [f"{f}#A1", f"{f}#A2", f"{f}#3"]
    first = result.documents[0]
    assert (first.title, first.text, first.kind) == ("First", "Body one,\nwith comma", "csv")
    assert dict(first.meta) == {"author": "Ann"}
    assert dict(result.documents[1].meta) == {}
    assert all(d.path == str(f) for d in result.documents)
    assert result.skipped == ()


def test_csv_bad_and_empty_rows_skipped(tmp_path: Path) -> None:
    f = write(tmp_path / "a.csv", "id,text\n1,Good one\n2,too,many,fields\n3,   \n4,Good two\n")
    result = load_paths([f])
    assert [d.doc_id for d in result.documents] == [f"{f}#1", f"{f}#4"]
    assert reasons(result) == {
        f"{f}#row2": "malformed row (4 fields, header has 2)",
        f"{f}#row3": "empty",
    }


def test_csv_semicolon_and_column_options(tmp_path: Path) -> None:
    f = write(tmp_path / "a.csv", "slug;headline;body\nx;Hello;Body text\n")
    options = LoadOptions(id_column="slug", title_column="headline", text_column="body")
    doc = only_doc(load_paths([f], options))
    assert (doc.doc_id, doc.title, doc.text) == (f"{f}#x", "Hello", "Body text")


def test_csv_duplicate_ids_stay_unique(tmp_path: Path) -> None:
    f = write(tmp_path / "a.csv", "id,text\n7,One\n7,Two\n")
    ids = [d.doc_id for d in load_paths([f]).documents]
    assert ids == [f"{f}#7", f"{f}#7@row2"]


def test_csv_long_field(tmp_path: Path) -> None:
    body = "word " * 100_000  # beyond the csv module's default field size limit
    f = write(tmp_path / "a.csv", f'id,text\n1,"{body}"\n')
    assert only_doc(load_paths([f])).text == body


def test_missing_text_column(tmp_path: Path) -> None:
    f = write(tmp_path / "a.csv", "a,b\n1,2\n")
    result = load_paths([f])
    assert result.documents == ()
    assert reasons(result) == {str(f): "no text column 'text' (columns: a, b)"}


def test_csv_header_only_is_empty(tmp_path: Path) -> None:
    f = write(tmp_path / "a.csv", "id,text\n")
    assert reasons(load_paths([f])) == {str(f): "empty"}


def test_jsonl_rows_and_malformed_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "n1", "title": "T1", "text": "Body one", "date": "2024-01-01", "views": 3}),
        '{"id": "n2", "text": "broken',
        "",
        json.dumps({"text": "Body three", "tags": ["a", "b"], "extra": None}),
        json.dumps(["not", "an", "object"]),
    ]
    f = write(tmp_path / "a.jsonl", "\n".join(lines) + "\n")
    result = load_paths([f])
    assert [d.doc_id for d in result.documents] == [f"{f}#n1", f"{f}#4"]
    first = result.documents[0]
    assert (first.title, first.text, first.kind) == ("T1", "Body one", "jsonl")
    assert dict(first.meta) == {"date": "2024-01-01", "views": "3"}
    assert dict(result.documents[1].meta) == {"tags": "a, b"}
    skipped = reasons(result)
    assert set(skipped) == {f"{f}#row2", f"{f}#row5"}
    assert skipped[f"{f}#row2"].startswith("invalid JSON")
    assert skipped[f"{f}#row5"] == "not a JSON object (list)"
    assert_accounted(result)


def test_jsonl_missing_column_and_all_rows_bad(tmp_path: Path) -> None:
    write(tmp_path / "a.ndjson", '{"body": "x", "id": 1}\n')
    write(tmp_path / "b.jsonl", "{oops\n[1]\n")
    result = load_paths([tmp_path])
    skipped = reasons(result)
    assert skipped[str(tmp_path / "a.ndjson")] == "no text column 'text' (columns: body, id)"
    assert skipped[str(tmp_path / "b.jsonl")] == "no usable rows (2 skipped)"
    assert result.files_found == 2
    assert_accounted(result)


def test_parquet_rows(tmp_path: Path) -> None:
    f = tmp_path / "a.parquet"
    table = pa.table(
        {
            "id": [10, 11, 12],
            "title": ["One", None, "Three"],
            "text": ["Body one", "Body two", None],
            "source": ["AP", "Reuters", "AFP"],
        }
    )
    pq.write_table(table, f)
    result = load_paths([f])
    assert [d.doc_id for d in result.documents] == [f"{f}#10", f"{f}#11"]
    assert [(d.title, d.text, d.kind) for d in result.documents] == [
        ("One", "Body one", "parquet"),
        ("", "Body two", "parquet"),
    ]
    assert dict(result.documents[1].meta) == {"source": "Reuters"}
    assert reasons(result) == {f"{f}#row3": "empty"}


def test_corrupt_parquet_skipped(tmp_path: Path) -> None:
    f = write(tmp_path / "a.parquet", b"PAR1 not really")
    assert reasons(load_paths([f]))[str(f)].startswith("unreadable: not a valid Parquet file")


# --- folders and odd files ---------------------------------------------------------------


def test_empty_and_whitespace_files(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "")
    write(tmp_path / "b.txt", "  \n\t\n")
    write(tmp_path / "c.md", "\n")
    result = load_paths([tmp_path])
    assert set(reasons(result).values()) == {"empty"}
    assert result.files_found == 3


def test_unsupported_and_not_found(tmp_path: Path) -> None:
    write(tmp_path / "doc.PDF", b"%PDF-1.4")
    missing = tmp_path / "nope.txt"
    result = load_paths([tmp_path, missing])
    assert reasons(result) == {
        str(tmp_path / "doc.PDF"): "unsupported file type .pdf",
        str(missing): "not found",
    }
    assert result.files_found == 1


def test_too_large_not_read(tmp_path: Path) -> None:
    f = write(tmp_path / "big.txt", "x" * 2000)
    assert reasons(load_paths([f], LoadOptions(max_bytes=1000))) == {
        str(f): "too large (2000 bytes > limit 1000)"
    }


def test_folder_walk_sorted_hidden_skipped_paths_as_given(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", "B")
    write(tmp_path / "a" / "z.txt", "Z")
    write(tmp_path / "a" / "c.md", "C")
    write(tmp_path / ".git" / "x.txt", "hidden dir")
    write(tmp_path / ".hidden.txt", "hidden file")
    result = load_paths([tmp_path])
    root = str(tmp_path)
    assert [d.path for d in result.documents] == [f"{root}/a/c.md", f"{root}/a/z.txt", f"{root}/b.txt"]
    assert result.files_found == 3 and result.skipped == ()


def test_relative_path_kept_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "news" / "a.txt", "Text")
    monkeypatch.chdir(tmp_path)
    assert only_doc(load_paths(["./news"])).doc_id == os.path.join("news", "a.txt")


def test_same_file_twice_is_a_duplicate(tmp_path: Path) -> None:
    f = write(tmp_path / "a.txt", "Text")
    result = load_paths([tmp_path, f])
    assert len(result.documents) == 1
    assert reasons(result) == {str(f): f"duplicate of {f}"}
    assert result.files_found == 2


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_symlink_loop_does_not_hang(tmp_path: Path) -> None:
    write(tmp_path / "sub" / "a.txt", "Text")
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "self").symlink_to(tmp_path / "self")  # a link to itself
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    result = load_paths([tmp_path])
    assert [d.path for d in result.documents] == [str(tmp_path / "sub" / "a.txt")]
    skipped = reasons(result)
    assert skipped[str(tmp_path / "dangling.txt")] == "not found (broken link)"
    assert skipped[str(tmp_path / "self")] == "unreadable: symlink loop"
    assert_accounted(result)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_fifo_is_not_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    assert reasons(load_paths([tmp_path])) == {str(tmp_path / "pipe.txt"): "not a regular file"}


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import qualcheck.load.files as files

    def denied(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    f = write(tmp_path / "secret.txt", "Text")
    monkeypatch.setattr(files, "open", denied, raising=False)  # chmod 0 is no use when tests run as root
    assert reasons(load_paths([f])) == {str(f): "unreadable: permission denied"}


def test_mixed_folder_accounts_for_every_file(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "Headline\n\nBody.")
    write(tmp_path / "b.md", MD)
    write(tmp_path / "c.html", HTML)
    write(tmp_path / "d.csv", "id,text\n1,One\n2,\n3,Three\n")
    write(tmp_path / "e.jsonl", '{"text": "x"}\n{bad\n')
    write(tmp_path / "f.docx", b"PK\x03\x04")
    write(tmp_path / "g.txt", b"\x00\x01\x02")
    write(tmp_path / "h.txt", "")
    write(tmp_path / "i.csv", "x,y\n1,2\n")
    result = load_paths([tmp_path, tmp_path / "missing"])
    assert result.files_found == 9
    assert len(result.documents) == 6
    assert len({d.doc_id for d in result.documents}) == len(result.documents)
    assert_accounted(result)
