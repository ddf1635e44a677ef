"""Where the index's documents are prepared: local processes or a Dask cluster.

What: a :class:`Pool` has ``workers`` and ``map(fn, items, *args)``, which submits
``fn(item, *args)`` for each item and returns futures (``.result()``) in the items' order.
:func:`local_pool` is a ``ProcessPoolExecutor``, :func:`dask_pool` a ``dask.distributed``
client of an existing scheduler or of a ``LocalCluster`` started for the run (dask is
imported only there).
:mod:`qualcheck.index.parallel` decides what runs where.

Why: local workers are forked when that is safe (no re-import, nothing to pickle but the
tasks) and exit by themselves when orphaned, so killing an indexing run leaves no process
behind; Dask data is scattered to the workers, not put in the task graph.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing.context import BaseContext
from typing import Any, Protocol

__all__ = ["DASK_MISSING", "FutureLike", "Pool", "dask_pool", "local_pool", "resolve_workers"]  # fmt: skip

DASK_MISSING = "--scheduler/--dask-workers need dask.distributed: pip install 'qualcheck[dask]'"


class FutureLike(Protocol):
    def result(self) -> Any: ...


class Pool(Protocol):
    """Processes to prepare on: ``workers`` of them; ``map`` submits one task per item."""

    workers: int

    def map(self, fn: Callable[..., Any], items: Sequence[Any], *args: Any) -> list[FutureLike]: ...


def resolve_workers(workers: int | None) -> int:
    """``workers`` checked (>= 1); None means every core (``os.cpu_count()``)."""
    if workers is None:
        return max(1, os.cpu_count() or 1)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be an integer >= 1, got {workers!r}")
    return workers


def _exit_with_parent() -> None:
    """Worker initializer: exit once orphaned (the indexing process was killed, say)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="qualcheck-parent-watch", daemon=True).start()


class _LocalPool:
    def __init__(self, executor: ProcessPoolExecutor, workers: int) -> None:
        self.executor, self.workers = executor, workers

    def map(self, fn: Callable[..., Any], items: Sequence[Any], *args: Any) -> list[FutureLike]:
        return [self.executor.submit(fn, item, *args) for item in items]


@contextmanager
def local_pool(workers: int | None = None) -> Iterator[Pool]:
    """``workers`` local processes (default every core); pending tasks are cancelled on exit.

    Workers are forked (fast, and the main module is not re-imported) when this process has
    a single thread; otherwise they start from a fork server (forking a threaded process is
    unsafe), which re-imports a script's main module: guard it with ``if __name__ == "__main__"``.
    """
    n = resolve_workers(workers)
    methods = multiprocessing.get_all_start_methods()
    ctx: BaseContext
    if "fork" in methods and threading.active_count() == 1:
        ctx = multiprocessing.get_context("fork")
    elif "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["qualcheck.index.parallel"])  # workers fork with it imported
    else:
        ctx = multiprocessing.get_context("spawn")
    executor = ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_exit_with_parent)
    try:
        yield _LocalPool(executor, n)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


class _DaskPool:
    def __init__(self, client: Any) -> None:
        self.client = client
        self.workers = max(1, sum(client.nthreads().values()))

    def map(self, fn: Callable[..., Any], items: Sequence[Any], *args: Any) -> list[FutureLike]:
        data = self.client.scatter(list(items), hash=False)  # to the workers, not in the task graph
        return [self.client.submit(fn, d, *args, pure=False) for d in data]


@contextmanager
def dask_pool(scheduler: str | None = None, n_workers: int | None = None, *, timeout: float = 20.0
              ) -> Iterator[Pool]:  # fmt: skip
    """A Dask cluster to prepare on: the scheduler at ``scheduler`` (``tcp://host:port``), else a
    ``LocalCluster`` of ``n_workers`` single-threaded processes (default every core) for the run.
    ``timeout``: seconds to wait for the scheduler.

    Workers need qualcheck importable. Raises ``ImportError`` without dask.distributed and
    ``ConnectionError`` for an unreachable scheduler (one-line messages).
    """
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ImportError(DASK_MISSING) from None
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ConnectionError(f"cannot reach the Dask scheduler at {scheduler}: {reason}") from None
    else:
        cluster = LocalCluster(n_workers=resolve_workers(n_workers), processes=True, threads_per_worker=1,
                               dashboard_address=None)  # fmt: skip
        client = Client(cluster)
    try:
        yield _DaskPool(client)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
