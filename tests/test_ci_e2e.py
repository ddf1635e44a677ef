"""qualcheck as an editorial repository's CI check, end to end, in a real git repository.

A repository of articles commits a baseline; two articles change; qualcheck then runs as
pre-commit and as a CI job would. Only the new problems are reported, the SARIF validates
against the official schema, the GitHub annotations point at the right lines and columns,
the exit codes follow the contract, and two runs give identical bytes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcheck.cli import main

SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "sarif-schema-2.1.0.json"
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

ARTICLES = {
    "tram.txt": "Tram line approved\n\nThe council approved the Eastway tram line on Monday.\n"
                "The goverment will pay most of the cost.\n",
    "library.txt": "Library reopens\n\nKelbridge Central Library reopens next month after the flood.\n"
                   "Volunteers carried books to the Mill Street hall.\n",
    "robots.txt": "Robotics final\n\nThe Kelbridge Academy team reached the national final.\n"
                  "Coach Park Ji-Hoon said the robot was ready.\n",
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)
    return done.stdout


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "newsroom"
    (root / "articles").mkdir(parents=True)
    for name, text in ARTICLES.items():
        (root / "articles" / name).write_text(text, encoding="utf-8")
    (root / "qualcheck.toml").write_text('baseline = ".qualcheck-baseline.json"\nexclude = ["out/*"]\n')
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "desk@example.org")
    git(root, "config", "user.name", "Desk")
    monkeypatch.chdir(root)
    for var in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "NO_COLOR"):
        monkeypatch.delenv(var, raising=False)
    result = CliRunner().invoke(main, ["baseline", "write", "articles"])
    assert result.exit_code == 0, result.output
    entries = json.loads((root / ".qualcheck-baseline.json").read_text())["findings"]
    assert [(e["path"], e["text"]) for e in entries] == [("articles/tram.txt", "goverment")]
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "articles and baseline")
    # Two articles change: the old typo moves down two lines, and two new problems appear.
    tram = root / "articles" / "tram.txt"
    tram.write_text(ARTICLES["tram.txt"].replace("\n\n", "\n\nWork starts in spring.\nShops stay open.\n", 1)
                    + "Residents will recieve letters.\n", encoding="utf-8")
    robots = root / "articles" / "robots.txt"
    robots.write_text(ARTICLES["robots.txt"] + "Park Ji Hun thanked the parents.\n", encoding="utf-8")
    return root


def line_col(path: Path, needle: str) -> tuple[int, int]:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return i, line.index(needle) + 1
    raise AssertionError(needle)


def run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.stdout


def test_ci_job_reports_only_new_problems(repo: Path) -> None:
    code, out = run(["audit", "articles", "--changed-since", "HEAD", "--format", "github,sarif,junit,csv",
                     "--out", "out"])
    assert code == 1  # a new known misspelling is an error
    lines = [ln for ln in out.splitlines() if ln.startswith("::")]
    tram_line, tram_col = line_col(repo / "articles" / "tram.txt", "recieve")
    robot_line, robot_col = line_col(repo / "articles" / "robots.txt", "Park Ji Hun")
    assert lines == [
        f"::warning file=articles/robots.txt,line={robot_line},col={robot_col},endLine={robot_line},"
        f"endColumn={robot_col + len('Park Ji Hun')},title=QC301 name-variant::"
        "'Park Ji Hun' and 'Park Ji-Hoon' both appear; 'Park Ji-Hoon' is used 1 time(s) in this article "
        "[suggestion: Park Ji-Hoon]",
        f"::error file=articles/tram.txt,line={tram_line},col={tram_col},endLine={tram_line},"
        f"endColumn={tram_col + len('recieve')},title=QC201 known-misspelling::'recieve' is a common "
        "misspelling of 'receive' [suggestion: receive]",
    ]
    sarif = json.loads((repo / "out" / "report.sarif").read_text())
    results = sarif["runs"][0]["results"]
    assert sorted(r["ruleId"] for r in results) == ["QC201", "QC301"]
    if SCHEMA.exists():
        jsonschema = pytest.importorskip("jsonschema")
        jsonschema.validate(sarif, json.loads(SCHEMA.read_text()))
    junit = (repo / "out" / "junit.xml").read_text()
    assert 'tests="2"' in junit and 'failures="2"' in junit  # the two changed articles only


def test_exit_code_contract(repo: Path) -> None:
    assert run(["audit", "articles", "--changed-since", "HEAD", "--format", "csv", "--out", "out"])[0] == 1
    assert run(["audit", "articles", "--changed-since", "HEAD", "--format", "csv", "--out", "out",
                "--exit-zero"])[0] == 0
    assert run(["audit", "articles", "--changed-since", "HEAD", "--format", "csv", "--out", "out",
                "--fail-on", "never"])[0] == 0
    assert run(["audit", "articles", "--changed-since", "HEAD", "--format", "csv", "--out", "out",
                "--select", "QC3"])[0] == 0  # only a warning is left: below fail-on error
    assert run(["audit", "articles", "--changed-since", "no-such-rev", "--out", "out"])[0] == 2


def test_changed_lines_only(repo: Path) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "edits")
    tram = repo / "articles" / "tram.txt"
    tram.write_text(tram.read_text() + "The mayor said it occured to her.\n", encoding="utf-8")
    code, out = run(["audit", "articles", "--changed-since", "HEAD", "--changed-lines", "--format", "text",
                     "--out", "out"])
    assert code == 1
    flagged = [ln.split(": ", 2)[1] for ln in out.splitlines() if ln.startswith("articles/")]
    assert flagged == ["QC201 known-misspelling"]  # "recieve" sits on an unchanged line now
    assert "occured" in out and "recieve" not in out


def test_pre_commit_style_run_and_determinism(repo: Path) -> None:
    args = ["audit", "articles/tram.txt", "articles/robots.txt", "--format", "sarif,text", "--out", "out"]
    code, out = run(args)
    assert code == 1
    assert "recieve" in out and "goverment" not in out  # the baseline hides the moved old typo
    first = (repo / "out" / "report.sarif").read_bytes()
    run(args)
    assert (repo / "out" / "report.sarif").read_bytes() == first


def test_baseline_write_prunes_stale_entries(repo: Path) -> None:
    tram = repo / "articles" / "tram.txt"
    tram.write_text(tram.read_text().replace("goverment", "government"), encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", "articles", "--format", "csv", "--out", "out"])
    assert "stale baseline entries" in result.output
    assert CliRunner().invoke(main, ["baseline", "write", "articles"]).exit_code == 0
    texts = sorted(e["text"] for e in json.loads((repo / ".qualcheck-baseline.json").read_text())["findings"])
    assert texts == ["Park Ji Hun", "recieve"]
