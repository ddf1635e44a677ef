"""Boilerplate: lines that are page furniture, not an article's prose.

What: :class:`Boilerplate` knows which lines of a text are furniture ("Connect with us",
"Follow Us On Facebook", newsletter footers, cookie notices, wire credits repeated under
every story) and returns their character spans. Two sources of evidence: a shipped pattern
of common furniture lines, and short lines that recur across many documents of the corpus
(:func:`recurring_lines`, learned per audit).

Why here, below the engines and the checks: the reuse engine must not count furniture as
evidence that one story copied another (every story of a site shares its footer), and the
``page-furniture`` rule reports the same lines to the editor. One definition serves both.

>>> bp = Boilerplate(recurring_lines(["Share on X\\nStory one.", "Share on X\\nStory two.",
...                                   "Share on X\\nStory three."]))
>>> text = "Connect with us\\nThe council met.\\nShare on X"
>>> [text[s:e] for s, e in bp.spans(text)]
['Connect with us', 'Share on X']
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator

KNOWN = re.compile(
    r"^(?:connect with us|follow us(?: on [\w ]+)?|hi, what are you looking for\??|written by|"
    r"also read:?.*|read more:?.*|related (?:articles|stories|posts)|share (?:this|on) [\w ]+|"
    r"sign up (?:for|to) our [\w ]*newsletter.*|subscribe to our [\w ]*newsletter.*|advertisement|"
    r"we use cookies.*|accept (?:all )?cookies|all rights reserved\.?|copyright .{0,60}|"
    r"click here to .*|skip to (?:main )?content|leave a comment|you may also like)$",
    re.IGNORECASE,
)
MIN_DOCS = 3  # a line in this many documents ...
MIN_SHARE = 0.01  # ... and in this share of them is furniture, not prose
MIN_WORDS, MAX_WORDS = 2, 15  # recurring lines of this length are learned
MAX_LINE_CHARS = 200  # longer lines are prose, whatever they say
REPEATS_IN_DOC = 3  # a short line (<= 4 words) repeated this often in one text is a menu


def normalise_line(line: str) -> str:
    """The key two copies of one furniture line share: case and spacing folded."""
    return " ".join(line.split()).casefold().strip(" .:|-\u2013\u2014")


def lines(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, line)`` for each non-blank line, surrounding spaces trimmed."""
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = pos + line.index(stripped)
            yield start, start + len(stripped), stripped
        pos += len(line) + 1


def recurring_lines(texts: Iterable[str]) -> frozenset[str]:
    """Short lines (2-15 words) that recur across documents: footers, credits, menus."""
    counts: Counter[str] = Counter()
    documents = 0
    for text in texts:
        documents += 1
        keys = {normalise_line(s) for _, _, s in lines(text) if MIN_WORDS <= len(s.split()) <= MAX_WORDS}
        counts.update(keys)
    floor = max(MIN_DOCS, int(documents * MIN_SHARE))
    return frozenset(k for k, n in counts.items() if n >= floor)


class Boilerplate:
    """Which lines of a text are furniture: known patterns, corpus-recurring lines, menus.

    ``recurring``: normalised lines seen across the corpus (:func:`recurring_lines`).
    """

    def __init__(self, recurring: Iterable[str] = ()) -> None:
        self.recurring = frozenset(recurring)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the furniture lines of ``text``, in order."""
        found = list(lines(text))
        repeated = Counter(normalise_line(s) for _, _, s in found if len(s.split()) <= 4)
        out: list[tuple[int, int]] = []
        for start, end, line in found:
            if len(line) > MAX_LINE_CHARS:
                continue
            key = normalise_line(line)
            menu = repeated[key] >= REPEATS_IN_DOC and len(key) > 3
            if KNOWN.match(key) or key in self.recurring or menu:
                out.append((start, end))
        return out
