"""HTML articles: the readable article text, without page furniture.

Parsed with the stdlib-backed ``html.parser`` (no lxml dependency). Scripts, navigation,
headers/footers, forms and the like are dropped; the ``<article>`` (the longest, if a
page has several) or ``<main>`` is preferred over the whole body. Block elements become
paragraphs separated by a blank line and inline whitespace is collapsed as a browser
would, so checks see text an editor would recognise. Offsets and line numbers refer to
this extracted text, not to the HTML source (``line_offset`` is 0).
"""

from __future__ import annotations

import codecs
import re

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from qualcheck.load.decode import decode_bytes, normalise_newlines
from qualcheck.load.options import frozen_meta
from qualcheck.load.text import require_text
from qualcheck.types import Document

_DROP = [
    "script", "style", "noscript", "iframe", "nav", "header", "footer", "aside", "form", "svg",
    "button", "select", "head", "template", "canvas", "object", "embed", "textarea",
]  # fmt: skip
_BLOCKS = frozenset(
    "address article blockquote body caption center dd details dialog div dl dt fieldset figcaption figure "
    "h1 h2 h3 h4 h5 h6 hgroup hr html li main ol p section summary table tbody tfoot thead tr ul".split()
)
_CELLS = frozenset(("td", "th"))
_WS = re.compile(r"[ \t\n\r\f]+")
_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_LATIN1_ALIASES = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii"}  # browsers use cp1252
_NOT_CHARSETS = {"unicode-escape", "raw-unicode-escape", "utf-7", "punycode", "idna"}
_ASCII_PROBE = bytes(range(0x20, 0x7F)) + b"\n\t"
_META_KEYS = {
    "author": "author",
    "article:author": "author",
    "article:published_time": "date",
    "date": "date",
    "pubdate": "date",
    "dc.date": "date",
    "og:site_name": "source",
}
_END_BLOCK = object()


def load_html(path: str, data: bytes) -> list[Document]:
    """An ``.html``/``.htm`` file as one document of kind ``html``."""
    text, encoding = _decode_html(data)
    soup = BeautifulSoup(text, "html.parser")
    title = _collapse(soup.title.get_text(" ")) if soup.title else ""
    first_h1 = soup.find("h1")
    fallback_title = _collapse(first_h1.get_text(" ")) if first_h1 else ""
    meta = _page_meta(soup)
    for tag in soup.find_all(_DROP):
        tag.decompose()
    root = _content_root(soup)
    body = extract_text(root)
    if not body and root is not soup:
        body = extract_text(soup)
    require_text(body)
    if not title:
        h1 = root.find("h1")
        title = _collapse(h1.get_text(" ")) if h1 else fallback_title
    return [
        Document(
            doc_id=path, path=path, text=body, title=title, kind="html", encoding=encoding,
            meta=frozen_meta(meta),
        )
    ]  # fmt: skip


def _decode_html(data: bytes) -> tuple[str, str]:
    """Honour a ``<meta charset>`` when the bytes are not valid UTF-8; else the usual decoding."""
    match = _CHARSET.search(data[:4096])
    if match and b"\x00" not in data:
        declared = match.group(1).decode("ascii").lower()
        declared = "cp1252" if declared in _LATIN1_ALIASES else declared
        if not _usable_charset(declared):
            return decode_bytes(data)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                return normalise_newlines(data.decode(declared)), declared
            except (LookupError, UnicodeDecodeError):
                pass
    return decode_bytes(data)


def _usable_charset(label: str) -> bool:
    """Whether a ``<meta charset>`` label names an ASCII-compatible text encoding.

    The tag itself was read as ASCII, so a UTF-16/32 label is wrong by construction (browsers
    then use UTF-8), and labels such as utf-7 or unicode_escape would reinterpret the markup.
    """
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return False
    if name in _NOT_CHARSETS:
        return False
    try:
        return _ASCII_PROBE.decode(name) == _ASCII_PROBE.decode("ascii")
    except (UnicodeDecodeError, LookupError):
        return False


def _content_root(soup: BeautifulSoup) -> Tag:
    """The outermost ``<article>`` with the most text, else ``<main>``, else the body."""
    articles = [a for a in soup.find_all("article") if a.find_parent("article") is None]
    if articles:
        return max(articles, key=lambda a: len(a.get_text(" ", strip=True)))
    main = soup.find("main")
    if isinstance(main, Tag):
        return main
    return soup.body or soup


def _page_meta(soup: BeautifulSoup) -> dict[str, str]:
    meta: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = str(tag.get("name") or tag.get("property") or "").strip().lower()
        content = str(tag.get("content") or "").strip()
        field = _META_KEYS.get(key)
        if field and content and field not in meta:
            meta[field] = content
    return meta


def extract_text(root: Tag) -> str:
    """Text of ``root`` with blocks separated by blank lines and ``<br>`` as a line break."""
    blocks: list[str] = []
    lines: list[list[str]] = [[]]

    def flush() -> None:
        parts = (_collapse("".join(line)) for line in lines)
        block = "\n".join(p for p in parts if p)
        if block:
            blocks.append(block)
        lines[:] = [[]]

    stack: list[object] = [root]
    while stack:  # iterative, so deeply nested markup cannot hit the recursion limit
        node = stack.pop()
        if node is _END_BLOCK:
            flush()
        elif isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):  # comments, CDATA, doctype
                lines[-1].append(str(node))
        elif isinstance(node, Tag):
            if node.name == "br":
                lines.append([])
                continue
            if node.name == "pre":
                flush()
                pre = node.get_text().strip("\n")
                if pre.strip():
                    blocks.append(pre)
                continue
            if node.name in _BLOCKS:
                flush()
                stack.append(_END_BLOCK)
            elif node.name in _CELLS:
                lines[-1].append(" ")
            stack.extend(reversed(node.contents))
    flush()
    return "\n\n".join(blocks)


def _collapse(text: str) -> str:
    return _WS.sub(" ", text).strip(" ")
