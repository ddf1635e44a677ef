"""The command line: click commands that parse options, call the API and print a summary.

Exit codes: 0 when nothing at or above ``--fail-on`` was found (or ``--exit-zero``), 1 when
something was, 2 for a usage error or when no input could be read. Errors are one line,
``qualcheck: error: ...``, never a traceback.
"""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from qualcheck import __version__
from qualcheck.api import AuditReport
from qualcheck.api import audit as run_audit
from qualcheck.baseline import DEFAULT_FILE, write_baseline
from qualcheck.checks.registry import RULES
from qualcheck.config import Config, ConfigError
from qualcheck.gitdiff import GitError
from qualcheck.report.github import format_github
from qualcheck.report.registry import format_names
from qualcheck.report.text_writer import format_text

FAIL_ON = ["error", "warning", "info", "never"]
STDOUT_FORMATS: dict[str, Callable[[Any], str]] = {"text": format_text, "github": format_github}


def _fail(message: str) -> NoReturn:
    click.echo(f"qualcheck: error: {message}", err=True)
    sys.exit(2)


class _OneLineErrors(click.Group):
    """A group whose usage errors are one line on stderr and exit 2, never a usage block."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        try:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            _fail(exc.format_message())
        except click.Abort:
            click.echo("qualcheck: aborted", err=True)
            sys.exit(130)


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
        _fail(f"unknown format {unknown[0]!r} (expected one of: {', '.join(format_names())})")
    return list(dict.fromkeys(names))


def _config(config_path: Path | None) -> Config:
    path = config_path or Config.discover(Path.cwd())
    return Config.from_file(path) if path else Config()


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
        config = _config(config_path)
        with _Progress(enabled=not kw.get("quiet")) as progress:
            return run_audit(list(paths), corpus=list(corpus) or None, config=config,
                             changed_since=kw.get("changed_since"),
                             changed_lines=bool(kw.get("changed_lines")), progress=progress,
                             index=kw.get("index"), **options)
    except (ConfigError, GitError, ValueError) as exc:
        _fail(str(exc))


class _Progress:
    """A progress bar on stderr, only on a terminal and never in CI logs or pipes."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty() and not os.environ.get("CI")
        self._bar: Any = None

    def __enter__(self) -> Callable[[int, int], None] | None:
        return self.update if self.enabled else None

    def update(self, done: int, total: int) -> None:
        if self._bar is None and total >= 50:  # short runs need no bar
            self._bar = click.progressbar(length=total, label="checking", file=sys.stderr,
                                          color=False if "NO_COLOR" in os.environ else None)
            self._bar.__enter__()
        if self._bar is not None:
            self._bar.update(done - self._bar.pos)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


@click.group(cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
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
        _fail("--changed-lines needs --changed-since REV")
    report = _run(paths, corpus, config_path, quiet=quiet, **kw)
    try:
        written = report.write(out_dir, names)
    except OSError as exc:
        _fail(f"cannot write reports to {out_dir}: {exc.strerror or exc}")
    if not quiet:
        for name in names:
            if name in STDOUT_FORMATS and report.data.findings:
                click.echo(STDOUT_FORMATS[name](report.data).rstrip("\n"))
        click.echo(_summary_text(report, written), err=bool(set(names) & set(STDOUT_FORMATS)),
                   color=None if "NO_COLOR" not in os.environ else False)
    if not report.data.documents and not kw.get("changed_since"):
        skipped = len(report.data.skipped)
        _fail("no input could be read" + (f" ({skipped} skipped: see skipped.csv)" if skipped else ""))
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
    file = target or Path(_config(config_path).baseline or DEFAULT_FILE)
    try:
        count = write_baseline(file, report.data.findings, report.data.documents)
    except OSError as exc:
        _fail(f"cannot write baseline {file}: {exc.strerror or exc}")
    click.echo(f"wrote {file} with {count} finding(s)")


@main.group("index")
def index_group() -> None:
    """Build and update a persistent corpus index (SQLite file or redis://host:port/N)."""


def _index_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--index", "location", required=True, metavar="PATH|redis://HOST:PORT/N",
                        help="Where the index is (or will be).")(f)


def _open(location: str, create: bool = False) -> Any:
    from qualcheck.index.persistent import open_index

    try:
        return open_index(location, create=create)
    except (OSError, ConnectionError, ImportError, ValueError) as exc:
        _fail(str(exc))


def _load_corpus(paths: tuple[Path, ...], config_path: Path | None) -> Any:
    from qualcheck.load import LoadOptions, load_paths

    try:
        cfg = _config(config_path)
    except ConfigError as exc:
        _fail(str(exc))
    loaded = load_paths(list(paths), LoadOptions(id_column=cfg.id_column, title_column=cfg.title_column,
                                                 text_column=cfg.text_column, max_bytes=cfg.max_bytes))
    for s in loaded.skipped:
        click.echo(f"{s.path}: skipped: {s.reason}", err=True)
    return loaded


def _prepare_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Where ``index build`` and ``index add`` prepare documents: local processes or Dask."""
    options = [
        click.option("--workers", type=click.IntRange(min=1), default=None,
                     help="Local processes preparing the documents (1: no extra process). [all cores]"),
        click.option("--scheduler", metavar="tcp://HOST:PORT", default=None,
                     help="Prepare on the workers of this running Dask scheduler "
                          "(pip install 'qualcheck[dask]')."),
        click.option("--dask-workers", type=click.IntRange(min=1), default=None,
                     help="Prepare on a local Dask cluster of N processes started for this run."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _fill_index(paths: tuple[Path, ...], location: str, config_path: Path | None, workers: int | None,
                scheduler: str | None, dask_workers: int | None, create: bool) -> tuple[int, int, int]:
    """Load PATHS and add them to the index, prepared locally or on Dask: (added, held, skipped)."""
    from contextlib import nullcontext

    from qualcheck.index.parallel import dask_pool, terminal_progress

    if (scheduler or dask_workers) and workers:
        _fail("--workers sets local processes; with Dask, use --scheduler or --dask-workers alone")
    if scheduler and dask_workers:
        _fail("use --scheduler (an existing cluster) or --dask-workers (a local one), not both")
    loaded = _load_corpus(paths, config_path)
    dask = dask_pool(scheduler, dask_workers) if scheduler or dask_workers else nullcontext()
    try:  # the cluster first: an unreachable one leaves no empty index behind
        with dask as pool, _open(location, create=create) as index, \
                terminal_progress("indexing", len(loaded.documents)) as progress:
            added = index.add(loaded.documents, workers=workers, pool=pool, progress=progress)
            holds = len(index)
    except (ImportError, ConnectionError, OSError, ValueError) as exc:
        _fail(str(exc))
    return added, holds, len(loaded.skipped)


@index_group.command("build")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_index_option
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False))
@_prepare_options
def index_build(paths: tuple[Path, ...], location: str, config_path: Path | None, workers: int | None,
                scheduler: str | None, dask_workers: int | None) -> None:
    """Create a new index at --index from the texts at PATHS."""
    if "://" not in location and Path(location).exists():
        _fail(f"{location} already exists; use 'qualcheck index add' to update it")
    added, _, skipped = _fill_index(paths, location, config_path, workers, scheduler, dask_workers, True)
    click.echo(f"built {location}: {added} document(s), {skipped} skipped")  # after the bar


@index_group.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_index_option
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False))
@_prepare_options
def index_add(paths: tuple[Path, ...], location: str, config_path: Path | None, workers: int | None,
              scheduler: str | None, dask_workers: int | None) -> None:
    """Add (or replace, by id) the texts at PATHS in an existing index."""
    added, holds, _ = _fill_index(paths, location, config_path, workers, scheduler, dask_workers, False)
    click.echo(f"added {added} document(s) to {location}; it holds {holds}")  # after the bar


@index_group.command("remove")
@click.argument("doc_ids", nargs=-1, required=True)
@_index_option
def index_remove(doc_ids: tuple[str, ...], location: str) -> None:
    """Remove documents by id (the path they were added from) from the index."""
    try:
        with _open(location) as index:
            removed = index.remove(doc_ids)
            holds = len(index)
    except (OSError, ValueError) as exc:
        _fail(str(exc))
    click.echo(f"removed {removed} document(s) from {location}; it holds {holds}")


@index_group.command("info")
@_index_option
def index_info(location: str) -> None:
    """What the index holds and how it was built."""
    with _open(location) as index:
        for key, value in index.info().items():
            click.echo(f"{key}: {value}")


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
