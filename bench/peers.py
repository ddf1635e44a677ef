"""Peer spelling tools, run as people run them today, on the very texts qualcheck audits.

The benchmark writes each audited text to a file (:func:`write_texts`, exact bytes, UTF-8,
no newline translation) and every runner here runs one tool's command line on those files
and maps what it reports back to character offsets in the text. A runner returns findings
as dicts with ``path``, ``start``, ``end`` (0-based character offsets, end exclusive, so
``text == file_text[start:end]``), ``text``, ``suggestion`` (several joined by ``" | "``)
and ``rule`` (the tool's name). A tool that is not installed raises :class:`Unavailable`
with the reason, and the benchmark reports it as skipped: nothing is faked.

- ``typos`` (PyPI ``typos``, the typos-cli binary): ``typos --format json --isolated FILES``;
  it reports a line and a *byte* offset, converted here to characters.
- ``codespell`` (PyPI ``codespell``): ``path:line: wrong ==> right``; the offset is the
  k-th whole-word occurrence of ``wrong`` on that line for its k-th report there.
- ``hunspell`` (Debian ``hunspell`` + ``hunspell-en-us``/``hunspell-en-gb``): ispell pipe
  mode ``hunspell -a -d en_US -i utf-8``, every line sent with a leading ``^`` so no line is
  read as a command; ``&`` (with suggestions) and ``#`` (none) lines are findings.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

Finding = dict[str, Any]


class Unavailable(RuntimeError):
    """The tool is not installed here; the message says what to install."""


def write_texts(texts: Mapping[str, str], folder: Path) -> dict[str, str]:
    """Write each text to ``folder/NNNN.txt``; return ``{path: key}`` for mapping findings back."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, str] = {}
    for i, (key, text) in enumerate(texts.items()):
        path = folder / f"{i:05d}.txt"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        paths[str(path)] = key
    return paths


def executable(name: str, hint: str) -> str:
    """The tool's executable (on PATH or beside this Python), or :class:`Unavailable`."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if not found:
        raise Unavailable(f"{name} is not installed ({hint})")
    return found


def version(exe: str, *args: str) -> str:
    out = subprocess.run([exe, *args], capture_output=True, text=True, check=False)
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr).strip() else "?"


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _finding(path: str, text: str, start: int, word: str, suggestion: str, rule: str) -> Finding:
    return {"path": path, "start": start, "end": start + len(word), "text": text[start : start + len(word)],
            "suggestion": suggestion, "rule": rule}


def run_typos(files: Mapping[str, str]) -> list[Finding]:
    """typos-cli: known misspellings only (its own list), JSON lines with byte offsets."""
    exe = executable("typos", "pip install -r bench/requirements.txt")
    proc = subprocess.run([exe, "--format", "json", "--isolated", *files], capture_output=True, check=False)
    if proc.returncode not in (0, 2):
        raise RuntimeError(f"typos failed ({proc.returncode}): {proc.stderr.decode()[:300]}")
    found: list[Finding] = []
    for raw in proc.stdout.decode("utf-8").splitlines():
        row = json.loads(raw)
        if row.get("type") != "typo" or "line_num" not in row or row["path"] not in files:
            continue  # file-name typos and binary-file notes have no line
        text = files[row["path"]]
        line_start = _line_starts(text)[row["line_num"] - 1]
        line_bytes = text[line_start:].encode("utf-8")
        start = line_start + len(line_bytes[: row["byte_offset"]].decode("utf-8"))
        found.append(_finding(row["path"], text, start, row["typo"], " | ".join(row["corrections"]), "typos"))
    return found


_CODESPELL_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<wrong>.+?) ==> (?P<fix>.+)$")


def _nth_word(line: str, word: str, n: int) -> int | None:
    """Offset of the n-th (0-based) whole-word occurrence of ``word`` in ``line``, case-blind fallback."""
    for flags in (0, re.IGNORECASE):
        hits = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", line, flags)]
        if hits:
            return hits[min(n, len(hits) - 1)]
    return None


def run_codespell(files: Mapping[str, str]) -> list[Finding]:
    """codespell with its default dictionaries (clear, rare); ``file:line: wrong ==> right``."""
    exe = executable("codespell", "pip install -r bench/requirements.txt")
    proc = subprocess.run([exe, *files], capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 65):
        raise RuntimeError(f"codespell failed ({proc.returncode}): {proc.stderr[:300]}")
    found: list[Finding] = []
    seen: Counter[tuple[str, int, str]] = Counter()
    for raw in proc.stdout.splitlines():
        m = _CODESPELL_LINE.match(raw.strip())
        if not m or m["path"] not in files:
            continue
        text, line_no, wrong = files[m["path"]], int(m["line"]), m["wrong"]
        starts = _line_starts(text)
        line = text[starts[line_no - 1] : starts[line_no] if line_no < len(starts) else len(text)]
        col = _nth_word(line, wrong, seen[(m["path"], line_no, wrong)])
        seen[(m["path"], line_no, wrong)] += 1
        if col is not None:
            fixes = m["fix"].split("|")[0].strip().rstrip(",")
            found.append(_finding(m["path"], text, starts[line_no - 1] + col, wrong,
                                  " | ".join(f.strip() for f in fixes.split(",")), "codespell"))
    return found


def hunspell_dictionary(name: str) -> str:
    """The hunspell executable, after checking that dictionary ``name`` (``en_US``) is installed."""
    exe = executable("hunspell", "apt-get install -y hunspell hunspell-en-us")
    listing = subprocess.run([exe, "-D"], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                             check=False).stderr
    if not re.search(rf"/{re.escape(name)}$", listing.split("LOADED")[0], re.MULTILINE):
        pkg = "hunspell-" + name.lower().replace("_", "-")
        raise Unavailable(f"hunspell dictionary {name} is not installed (apt-get install -y {pkg})")
    return exe


def run_hunspell(files: Mapping[str, str], dictionary: str = "en_US") -> list[Finding]:
    """hunspell pipe mode over every line of every file; one output block per input line."""
    exe = hunspell_dictionary(dictionary)
    lines = [(path, start, line) for path, text in files.items()
             for start, line in zip(_line_starts(text), text.split("\n"), strict=True)]
    stdin = "".join(f"^{line}\n" for _, _, line in lines)
    proc = subprocess.run([exe, "-a", "-d", dictionary, "-i", "utf-8"], input=stdin.encode("utf-8"),
                          capture_output=True, check=True)
    blocks: list[list[str]] = [[]]
    for out in proc.stdout.decode("utf-8").split("\n")[1:]:  # after the version banner
        if out:
            blocks[-1].append(out)
        else:
            blocks.append([])  # an empty line closes the answer for one input line
    if len(blocks) < len(lines):
        raise RuntimeError(f"hunspell answered {len(blocks)} lines for {len(lines)}")
    found: list[Finding] = []
    for (path, line_start, line), block in zip(lines, blocks, strict=False):
        for out in block:
            if out[0] not in "&#":
                continue
            head, _, sugg = out.partition(": ")
            parts = head.split()
            word, offset = parts[1], int(parts[-1]) - 1  # offsets count the leading "^"
            if line[offset : offset + len(word)] != word:
                offset = line.find(word)
            if offset >= 0:
                fixes = " | ".join(s.strip() for s in sugg.split(",") if s.strip())
                found.append(_finding(path, files[path], line_start + offset, word, fixes, "hunspell"))
    return found


def _hunspell(dictionary: str) -> Any:
    def run(files: Mapping[str, str]) -> list[Finding]:
        return run_hunspell(files, dictionary)
    return run


# name in the report -> (runner, command that prints its version)
RUNNERS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "typos": (run_typos, ("typos", "--version")),
    "codespell": (run_codespell, ("codespell", "--version")),
    "hunspell_en_US": (_hunspell("en_US"), ("hunspell", "-v")),
    "hunspell_en_GB": (_hunspell("en_GB"), ("hunspell", "-v")),  # BBC copy is British English
}


def tool_version(name: str) -> str:
    """The version line the tool prints, or ``"?"``."""
    cmd = RUNNERS[name][1]
    try:
        return version(executable(cmd[0], ""), *cmd[1:])
    except (Unavailable, OSError):
        return "?"
