"""The command line: click commands that parse options, call the API and print a summary.

Exit codes: 0 when nothing at or above ``--fail-on`` was found, 1 when something was,
2 for a usage error or when no input could be read. Errors are one line, never a traceback.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Any

import click

from qualcheck import __version__
from qualcheck.api import audit as run_audit
from qualcheck.checks.registry import RULES
from qualcheck.config import Config, ConfigError
from qualcheck.report.registry import format_names

FAIL_ON = ["error", "warning", "info", "never"]


def _fail(message: str) -> None:
    click.echo(f"qualcheck: error: {message}", err=True)
    sys.exit(2)


def _formats(values: tuple[str, ...]) -> list[str]:
    names = [n.strip().lower() for v in values for n in v.split(",") if n.strip()] or ["csv", "html"]
    unknown = [n for n in names if n not in format_names()]
    if unknown:
        expected = ", ".join(format_names())
        raise click.BadParameter(f"unknown format {unknown[0]!r} (expected one of: {expected})")
    return list(dict.fromkeys(names))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qualcheck")
def main() -> None:
    """Find rewritten press releases, typos and names spelled two ways in news articles."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--corpus", "corpus", multiple=True, type=click.Path(path_type=Path),
              help="Reference texts (press releases, wire copy, archive). Repeatable.")
@click.option("--out", "out_dir", default="reports", show_default=True, type=click.Path(path_type=Path),
              help="Folder for the reports.")
@click.option("--format", "formats", multiple=True, help="csv, html, json (repeat or comma-separate).")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default=None, help="Exit 1 at this severity. [error]")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="qualcheck.toml or pyproject.toml with [tool.qualcheck].")
@click.option("--select", multiple=True, help="Only these rule codes/names/prefixes.")
@click.option("--ignore", multiple=True, help="Skip these rule codes/names/prefixes.")
@click.option("--text-column", default=None, help="Text column of tabular inputs. [text]")
@click.option("--title-column", default=None, help="Title column of tabular inputs. [title]")
@click.option("--id-column", default=None, help="Id column of tabular inputs. [id]")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def audit(paths: tuple[Path, ...], corpus: tuple[Path, ...], out_dir: Path, formats: tuple[str, ...],
          fail_on: str | None, config_path: Path | None, select: tuple[str, ...], ignore: tuple[str, ...],
          text_column: str | None, title_column: str | None, id_column: str | None, quiet: bool) -> None:
    """Audit the articles at PATHS (files or folders) and write reports to --out."""
    options: dict[str, Any] = {k: v for k, v in {
        "select": select, "ignore": ignore, "text_column": text_column, "title_column": title_column,
        "id_column": id_column}.items() if v}
    if fail_on and fail_on != "never":
        options["fail_on"] = fail_on
    try:
        config = Config.from_file(config_path) if config_path else Config()
        report = run_audit(list(paths), corpus=list(corpus) or None, config=config, **options)
        written = report.write(out_dir, _formats(formats))
    except (ConfigError, ValueError) as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write reports to {out_dir}: {exc.strerror or exc}")
    summary = report.summary()
    if not quiet:
        click.echo(_summary_text(summary, written))
    if not report.data.documents:
        skipped = len(report.data.skipped)
        _fail("no input could be read" + (f" ({skipped} skipped: see skipped.csv)" if skipped else ""))
    sys.exit(0 if fail_on == "never" or not report.failed() else 1)


def _summary_text(summary: dict[str, Any], written: list[Path]) -> str:
    by_sev = summary.get("findings_by_severity", {})
    lines = [
        f"audited {summary.get('documents', 0)} document(s) against a corpus of "
        f"{summary.get('corpus_size', 0)}; skipped {summary.get('skipped', 0)}",
        "findings: " + ", ".join(f"{n} {s}" for s, n in by_sev.items()),
    ]
    for rule, n in sorted(summary.get("findings_by_rule", {}).items()):
        lines.append(f"  {rule}: {n}")
    lines.append("wrote " + ", ".join(str(p) for p in written))
    return "\n".join(lines)


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
