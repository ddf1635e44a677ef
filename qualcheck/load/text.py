"""Plain-text and Markdown articles: one file, one :class:`Document`.

The text is kept exactly as decoded (newlines normalised) so that finding offsets point
into what the editor wrote. Markdown front matter is removed from the text and counted
in ``line_offset``, so reported line numbers still match the file.
"""

from __future__ import annotations

import re

import yaml

from qualcheck.load.decode import decode_bytes
from qualcheck.load.options import SkipFile, frozen_meta, meta_value, unpaired_surrogate
from qualcheck.types import Document

_TITLE_MAX = 200
_H1 = re.compile(r"^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_FENCES = ("```", "~~~")


def require_text(text: str) -> None:
    """Skip a file whose text is empty or only whitespace."""
    if not text.strip():
        raise SkipFile("empty")


def load_txt(path: str, data: bytes) -> list[Document]:
    """A ``.txt`` (or extension-less) file: the whole text, titled by a standalone first line."""
    text, encoding = decode_bytes(data)
    require_text(text)
    return [Document(doc_id=path, path=path, text=text, title=txt_title(text), kind="txt", encoding=encoding)]


def txt_title(text: str) -> str:
    """The first line, when it is short and a blank line follows it (a headline); else ""."""
    lines = text.split("\n", 2)
    first = lines[0].strip()
    if len(lines) == 3 and first and len(first) < _TITLE_MAX and not lines[1].strip():
        return first
    return ""


def load_markdown(path: str, data: bytes) -> list[Document]:
    """A Markdown file: YAML front matter to title/meta, the body as text."""
    text, encoding = decode_bytes(data)
    front, body, removed = split_front_matter(text)
    title, meta = parse_front_matter(front) if front is not None else ("", {})
    require_text(body)
    if not title:
        title = first_heading(body)
    return [
        Document(
            doc_id=path,
            path=path,
            text=body,
            title=title,
            kind="md",
            encoding=encoding,
            line_offset=removed,
            meta=frozen_meta(meta),
        )
    ]


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split ``---`` ... ``---`` (or ``...``) front matter off; return (front, body, lines removed).

    Without a closing line there is no front matter: the leading ``---`` is then a rule.
    """
    if not text.startswith("---"):
        return None, text, 0
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None, text, 0
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 1
    return None, text, 0


def parse_front_matter(front: str) -> tuple[str, dict[str, str]]:
    """Parse front matter with ``yaml.safe_load``; errors go to ``meta["front_matter_error"]``.

    Any failure (bad syntax, a value PyYAML cannot build such as ``date: 2024-13-45``,
    nesting too deep, invalid Unicode) drops the front matter, never the article.
    """
    try:
        data = yaml.safe_load(front) if front.strip() else {}
    except yaml.YAMLError as exc:
        return "", {"front_matter_error": _yaml_reason(exc)}
    except RecursionError:
        return "", {"front_matter_error": "invalid YAML: nested too deeply"}
    except (ValueError, TypeError, OverflowError) as exc:  # a value PyYAML cannot build: "2024-13-45"
        return "", {"front_matter_error": f"invalid YAML value: {exc}"}
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return "", {"front_matter_error": f"front matter is a {type(data).__name__}, not key: value pairs"}
    title = ""
    meta: dict[str, str] = {}
    for key, value in data.items():
        if value is None:
            continue
        if str(key) == "title":
            title = meta_value(value).strip()
        else:
            meta[str(key)] = meta_value(value)
    bad = unpaired_surrogate(title + "".join(k + v for k, v in meta.items()))
    if bad:  # a "\uD800" escape: not text any report could hold
        return "", {"front_matter_error": f"invalid Unicode in front matter: {bad}"}
    return title, meta


def _yaml_reason(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem:
        where = f" (line {exc.problem_mark.line + 2})" if exc.problem_mark is not None else ""
        return f"invalid YAML: {exc.problem}{where}"
    return f"invalid YAML: {type(exc).__name__}"


def first_heading(body: str) -> str:
    """The text of the first ``# heading`` outside code fences, or ""."""
    fence = ""
    for line in body.split("\n"):
        marker = line.lstrip()[:3]
        if marker in _FENCES:
            fence = "" if fence == marker else (fence or marker)
            continue
        if not fence:
            match = _H1.match(line)
            if match:
                return match.group(1).strip()
    return ""
