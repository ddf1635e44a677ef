"""``qualcheck audit``, ``qualcheck baseline write`` and ``qualcheck rules``; the ``main`` group."""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from qualcheck import __version__
from qualcheck.api import AuditReport
from qualcheck.api import audit as run_audit
from qualcheck.baseline import DEFAULT_FILE, write_baseline
from qualcheck.checks.registry import RULES
from qualcheck.cli.common import FAIL_ON, OneLineErrors, Progress, fail, load_config
from qualcheck.cli.index import index_group
from qualcheck.config import ConfigError
from qualcheck.gitdiff import GitError
from qualcheck.report.github import format_github
from qualcheck.report.registry import format_names
from qualcheck.report.text_writer import format_text

__all__ = ["main", "rules_table"]

STDOUT_FORMATS: dict[str, Callable[[Any], str]] = {"text": format_text, "github": format_github}


def _formats(values: tuple[str, ...]) -> list[str]:
    names = [n.strip().lower() for v in values for n in v.split(",") if n.strip()]
    if not names:
        names = ["csv", "html"]
        if os.environ.get("GITHUB_ACTIONS") == "true":
            names.append("github")
        elif sys.stdout.isatty():
            names.append("text")
    unknown = [n for n in names if n not in format_names()]
    if unknown:
        fail(f"unknown format {unknown[0]!r} (expected one of: {', '.join(format_names())})")
    return list(dict.fromkeys(names))



def audit_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The options ``audit`` and ``baseline write`` share."""
    options = [
        click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path)),
        click.option("--corpus", "corpus", multiple=True, type=click.Path(path_type=Path),
                     help="Reference texts (press releases, wire copy, archive). Repeatable."),
        click.option("--index", "index", default=None, metavar="PATH|redis://HOST:PORT/N",
                     help="A prebuilt corpus index (see 'qualcheck index build'), alone or with --corpus."),
        click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
                     help="qualcheck.toml or pyproject.toml [tool.qualcheck] (default: the nearest one)."),
        click.option("--select", multiple=True, help="Only these rule codes/names/prefixes."),
        click.option("--ignore", multiple=True, help="Skip these rule codes/names/prefixes."),
        click.option("--text-column", default=None, help="Text column of tabular inputs. [text]"),
        click.option("--title-column", default=None, help="Title column of tabular inputs. [title]"),
        click.option("--id-column", default=None, help="Id column of tabular inputs. [id]"),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _run(paths: tuple[Path, ...], corpus: tuple[Path, ...], config_path: Path | None,
         no_baseline: bool = False, **kw: Any) -> AuditReport:
    keys = ("select", "ignore", "text_column", "title_column", "id_column", "fail_on", "baseline")
    options = {k: str(kw[k]) if isinstance(kw[k], Path) else kw[k] for k in keys if kw.get(k)}
    if no_baseline:
        options["baseline"] = ""
    try:
        config = load_config(config_path)
        with Progress(enabled=not kw.get("quiet")) as progress:
            return run_audit(list(paths), corpus=list(corpus) or None, config=config,
                             changed_since=kw.get("changed_since"),
                             changed_lines=bool(kw.get("changed_lines")), progress=progress,
                             index=kw.get("index"), **options)
    except (ConfigError, GitError, ValueError) as exc:
        fail(str(exc))



@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qualcheck")
def main() -> None:
    """Find rewritten press releases, typos and names spelled two ways in news articles."""


@main.command()
@audit_options
@click.option("--out", "out_dir", default="reports", show_default=True, type=click.Path(path_type=Path),
              help="Folder for the reports.")
@click.option("--format", "formats", multiple=True,
              help="csv, html, json, jsonl, sarif, github, junit, text (repeat or comma-separate). "
                   "[csv,html; plus text on a terminal, github under GitHub Actions]")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default=None, help="Exit 1 at this severity. [error]")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings reach --fail-on.")
@click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False),
              help="Hide findings recorded in this baseline file (see 'baseline write'). [config's baseline]")
@click.option("--changed-since", metavar="REV", help="Report only files changed since this git revision.")
@click.option("--changed-lines", is_flag=True, help="With --changed-since: only changed lines.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def audit(paths: tuple[Path, ...], corpus: tuple[Path, ...], config_path: Path | None, out_dir: Path,
          formats: tuple[str, ...], exit_zero: bool, quiet: bool, **kw: Any) -> None:
    """Audit the articles at PATHS (files or folders) and write reports to --out."""
    names = _formats(formats)
    if kw.get("changed_lines") and not kw.get("changed_since"):
        fail("--changed-lines needs --changed-since REV")
    report = _run(paths, corpus, config_path, quiet=quiet, **kw)
    try:
        written = report.write(out_dir, names)
    except OSError as exc:
        fail(f"cannot write reports to {out_dir}: {exc.strerror or exc}")
    if not quiet:
        for name in names:
            if name in STDOUT_FORMATS and report.data.findings:
                click.echo(STDOUT_FORMATS[name](report.data).rstrip("\n"))
        click.echo(_summary_text(report, written), err=bool(set(names) & set(STDOUT_FORMATS)),
                   color=None if "NO_COLOR" not in os.environ else False)
    if not report.data.documents and not kw.get("changed_since"):
        skipped = len(report.data.skipped)
        fail("no input could be read" + (f" ({skipped} skipped: see skipped.csv)" if skipped else ""))
    sys.exit(0 if exit_zero or not report.failed() else 1)


def _summary_text(report: AuditReport, written: list[Path]) -> str:
    summary = report.summary()
    by_sev = summary.get("findings_by_severity", {})
    lines = [
        f"audited {summary.get('documents', 0)} document(s) against a corpus of "
        f"{summary.get('corpus_size', 0)}; skipped {summary.get('skipped', 0)}",
        "findings: " + ", ".join(f"{n} {s}" for s, n in by_sev.items()),
    ]
    for rule, n in sorted(summary.get("findings_by_rule", {}).items()):
        lines.append(f"  {rule}: {n}")
    if report.suppressed or report.baselined:
        lines.append(f"hidden: {report.suppressed} by suppressions, {report.baselined} by the baseline")
    if report.stale:
        lines.append(f"stale baseline entries (fixed or changed; pruned on the next 'baseline write'): "
                     f"{len(report.stale)}")
    lines.append("wrote " + ", ".join(str(p) for p in written))
    return "\n".join(lines)


@main.group()
def baseline() -> None:
    """Record today's findings so CI fails only on new ones."""


@baseline.command("write")
@audit_options
@click.option("--baseline", "target", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help=f"Baseline file to write. [the config's 'baseline', else {DEFAULT_FILE}]")
def baseline_write(paths: tuple[Path, ...], corpus: tuple[Path, ...], config_path: Path | None,
                   target: Path | None, **kw: Any) -> None:
    """Audit PATHS and record every finding in the baseline file (stale entries are pruned)."""
    report = _run(paths, corpus, config_path, no_baseline=True, **kw)
    file = target or Path(load_config(config_path).baseline or DEFAULT_FILE)
    try:
        count = write_baseline(file, report.data.findings, report.data.documents)
    except OSError as exc:
        fail(f"cannot write baseline {file}: {exc.strerror or exc}")
    click.echo(f"wrote {file} with {count} finding(s)")



def rules_table() -> str:
    """The README's rule table, made from the registry so the two never drift."""
    rows = ["| code | name | severity | what it flags |", "|---|---|---|---|"]
    rows += [f"| {r.code} | `{r.name}` | {r.severity.value} | {r.summary} |" for r in RULES]
    return "\n".join(rows)


@main.command()
@click.option("--markdown", is_flag=True, help="Print the table used in the README.")
def rules(markdown: bool) -> None:
    """List every rule with its code, default severity and what it does."""
    if markdown:
        click.echo(rules_table())
        return
    for rule in RULES:
        click.echo(f"{rule.code}  {rule.name}  [{rule.severity.value}]  ({rule.family})")
        click.echo(textwrap.indent(rule.doc, "    ") + "\n")


main.add_command(index_group)
