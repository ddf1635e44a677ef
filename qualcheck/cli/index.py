"""``qualcheck index build|add|remove|info``: a persistent corpus index (SQLite file or Redis)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from qualcheck.cli.common import Progress, fail, load_config
from qualcheck.config import ConfigError

__all__ = ["index_group"]


@click.group("index")
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
        fail(str(exc))


def _load_corpus(paths: tuple[Path, ...], config_path: Path | None) -> Any:
    from qualcheck.load import LoadOptions, load_paths

    try:
        cfg = load_config(config_path)
    except ConfigError as exc:
        fail(str(exc))
    loaded = load_paths(list(paths), LoadOptions(id_column=cfg.id_column, title_column=cfg.title_column,
                                                 text_column=cfg.text_column, max_bytes=cfg.max_bytes))
    for s in loaded.skipped:
        click.echo(f"{s.path}: skipped: {s.reason}", err=True)
    return loaded


def _fill_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """What ``index build`` and ``index add`` take: PATHS, --index, --config, and where the
    documents are prepared (local processes or Dask)."""
    options: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = [
        click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path)),
        _index_option,
        click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
                     help="qualcheck.toml or pyproject.toml [tool.qualcheck] (loading options)."),
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

    from qualcheck.index.parallel import dask_pool

    if (scheduler or dask_workers) and workers:
        fail("--workers sets local processes; with Dask, use --scheduler or --dask-workers alone")
    if scheduler and dask_workers:
        fail("use --scheduler (an existing cluster) or --dask-workers (a local one), not both")
    loaded = _load_corpus(paths, config_path)
    dask = dask_pool(scheduler, dask_workers) if scheduler or dask_workers else nullcontext()
    try:  # the cluster first: an unreachable one leaves no empty index behind
        with dask as pool, _open(location, create=create) as index, \
                Progress(True, "indexing", minimum=2000) as progress:
            added = index.add(loaded.documents, workers=workers, pool=pool, progress=progress)
            holds = len(index)
    except (ImportError, ConnectionError, OSError, ValueError) as exc:
        fail(str(exc))
    return added, holds, len(loaded.skipped)


@index_group.command("build")
@_fill_options
def index_build(paths: tuple[Path, ...], location: str, config_path: Path | None, workers: int | None,
                scheduler: str | None, dask_workers: int | None) -> None:
    """Create a new index at --index from the texts at PATHS."""
    if "://" not in location and Path(location).exists():
        fail(f"{location} already exists; use 'qualcheck index add' to update it")
    added, _, skipped = _fill_index(paths, location, config_path, workers, scheduler, dask_workers, True)
    click.echo(f"built {location}: {added} document(s), {skipped} skipped")  # after the bar


@index_group.command("add")
@_fill_options
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
        fail(str(exc))
    click.echo(f"removed {removed} document(s) from {location}; it holds {holds}")


@index_group.command("info")
@_index_option
def index_info(location: str) -> None:
    """What the index holds and how it was built."""
    with _open(location) as index:
        for key, value in index.info().items():
            click.echo(f"{key}: {value}")
