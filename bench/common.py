"""Shared helpers for the benchmarks: where the data is, what machine ran them, timing, output.

The evaluation data is licensed for evaluation only and is never copied into the repo:
it is read from ``$QUALCHECK_EVAL_DATA`` or ``../shared/eval`` beside the repository.
Every benchmark calls :func:`require_data` first and exits 0 with a message when it is absent.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("qualcheck", "datasketch", "pyspellchecker", "rapidfuzz", "pandas", "numpy")
_SHINGLE_TOKEN = re.compile(r"[a-z0-9]+")


def eval_root() -> Path:
    """The evaluation data folder: ``$QUALCHECK_EVAL_DATA`` or ``<repo>/../shared/eval``."""
    env = os.environ.get("QUALCHECK_EVAL_DATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "eval"


def require_data(*parts: str) -> Path:
    """The path ``eval_root()/parts``; prints a message and exits 0 when it does not exist."""
    path = eval_root().joinpath(*parts)
    if not path.exists():
        print(f"SKIP: evaluation data not found at {path} (set QUALCHECK_EVAL_DATA to its folder)")
        sys.exit(0)
    return path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except (OSError, ValueError):
        pass
    return None


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed" if name != "qualcheck" else "source tree"


def source_state() -> dict[str, str]:
    """The commit checked out, whether the tree has local changes, and a hash of qualcheck's code.

    The hash identifies the exact code measured while the tree is being edited (read-only git calls).
    """
    digest = hashlib.sha256()
    for path in sorted((REPO_ROOT / "qualcheck").rglob("*.py")):
        digest.update(path.relative_to(REPO_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    state = {"qualcheck_code_sha256": digest.hexdigest()[:12]}
    try:
        git = ["git", "-C", str(REPO_ROOT)]
        state["commit"] = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True,
                                         text=True, check=True).stdout.strip()
        dirty = subprocess.run([*git, "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                               text=True, check=True).stdout.strip()
        state["local_changes"] = "yes" if dirty else "no"
    except (OSError, subprocess.CalledProcessError):
        pass
    return state


def machine() -> dict[str, Any]:
    """Platform, CPU model, cores, RAM, Python and package versions, for the report."""
    return {
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gb": _ram_gb(),
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in PACKAGES},
        "source": source_state(),
    }


@dataclass
class Timer:
    """Wall-clock seconds of a ``with`` block: ``with timed() as t: ...; t.seconds``."""

    seconds: float = 0.0


@contextmanager
def timed() -> Iterator[Timer]:
    timer = Timer()
    start = time.perf_counter()
    try:
        yield timer
    finally:
        timer.seconds = round(time.perf_counter() - start, 3)


def base_parser(description: str) -> argparse.ArgumentParser:
    """An argument parser with the options every benchmark shares (--seed, --json-out)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seed", type=int, default=13, help="seed for every random choice (default 13)")
    parser.add_argument("--json-out", type=Path, help="also write the metrics as JSON to this file")
    return parser


def emit(name: str, metrics: dict[str, Any], json_out: Path | None, started: float) -> None:
    """Print the seconds taken and one JSON line of metrics; optionally write them to a file."""
    total = round(time.perf_counter() - started, 2)
    print(f"{name}: finished in {total} s")
    payload = {"benchmark": name, "total_seconds": total, **metrics, "machine": machine()}
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    print(json.dumps(payload, default=str))


def shingles(text: str, size: int = 5) -> set[str]:
    """Word ``size``-gram shingles of the lower-case ``[a-z0-9]+`` tokens of ``text``."""
    toks = _SHINGLE_TOKEN.findall(text.lower())
    return {" ".join(toks[i : i + size]) for i in range(len(toks) - size + 1)}


def minhash(items: Iterable[str], num_perm: int = 128) -> Any:
    """A datasketch MinHash fed one ``update`` per shingle (the plain way to use the library)."""
    from datasketch import MinHash

    m = MinHash(num_perm=num_perm)
    for item in items:
        m.update(item.encode("utf-8"))
    return m


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall and F1 (0 when undefined), rounded to 4 places."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def rate(num: float, den: float, places: int = 4) -> float:
    """``num / den`` rounded, 0 when ``den`` is 0."""
    return round(num / den, places) if den else 0.0


@contextmanager
def patched(module: Any, **values: Any) -> Iterator[None]:
    """Set module constants for the ``with`` block only (benchmark sweeps), then restore them."""
    old = {name: getattr(module, name) for name in values}
    for name, value in values.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for name, value in old.items():
            setattr(module, name, value)


def roc_auc(scores: list[float], labels: list[bool]) -> float:
    """Area under the ROC curve: the chance a positive scores above a negative (ties count half)."""
    from scipy.stats import rankdata

    pos = sum(labels)
    neg = len(labels) - pos
    if not pos or not neg:
        return 0.0
    ranks = rankdata(scores)
    rank_sum = sum(r for r, y in zip(ranks, labels, strict=True) if y)
    return float((rank_sum - pos * (pos + 1) / 2) / (pos * neg))


def best_threshold(scores: list[float], labels: list[bool], metric: str = "f1",
                   above: float | None = None) -> dict[str, float]:
    """The cut ``score >= t`` that maximises ``metric`` (``f1`` or ``accuracy``), with its figures;
    only cuts ``t > above`` are tried when ``above`` is given (0: a score of 0 is never positive)."""
    import numpy as np

    s, y = np.asarray(scores, dtype=float), np.asarray(labels, dtype=bool)
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    tp, fp = np.cumsum(y), np.cumsum(~y)
    last = np.r_[np.flatnonzero(s[1:] != s[:-1]), len(s) - 1]  # last index of each distinct score
    pos, n = int(y.sum()), len(y)
    best: dict[str, float] = {"threshold": 0.0, "precision": 0.0, "recall": 0.0, "f1": 0.0, "accuracy": 0.0}
    for k in last.tolist():
        if above is not None and s[k] <= above:
            continue
        t_p, f_p = int(tp[k]), int(fp[k])
        row = {"threshold": round(float(s[k]), 4), **prf(t_p, f_p, pos - t_p),
               "accuracy": round((n - f_p - (pos - t_p)) / n, 4)}
        if row[metric] > best[metric]:
            best = row
    return best


def add_patch_option(parser: argparse.ArgumentParser) -> None:
    """``--patch qualcheck.index.align.MAX_GAP=8`` (repeatable): try a module constant in this run only."""
    parser.add_argument("--patch", action="append", default=[], metavar="MODULE.NAME=VALUE",
                        help="set a numeric qualcheck constant for this run only (what-if; repeatable)")


def apply_patches(specs: list[str]) -> dict[str, float]:
    """Set each ``module.NAME=value`` of ``--patch`` (for the whole process); returns what was set."""
    import importlib

    done: dict[str, float] = {}
    for spec in specs:
        target, _, value = spec.partition("=")
        module_name, _, name = target.rpartition(".")
        if not module_name.startswith("qualcheck.") or not value:
            raise SystemExit(f"--patch wants qualcheck.MODULE.NAME=VALUE, got {spec!r}")
        module = importlib.import_module(module_name)
        old = getattr(module, name, None)
        if not isinstance(old, (int, float)) or isinstance(old, bool):
            raise SystemExit(f"--patch: {target} is not a numeric constant")
        setattr(module, name, type(old)(float(value)) if isinstance(old, int) else float(value))
        done[target] = getattr(module, name)
    if done:
        print("patched for this run: " + ", ".join(f"{k}={v}" for k, v in done.items()))
    return done
