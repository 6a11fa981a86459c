"""Charts drawn in other processes while MkDocs renders the pages.

A build spends its time in two places that do not need each other: matplotlib drawing the
analytics and report charts, and MkDocs rendering thousands of pages. Pages only link to the
charts, so the charts can be drawn on spare cores and be ready by the time MkDocs copies the
files. With a single core they are drawn in this process, when asked for.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from mkdocs_postmortems import charts

MAX_WORKERS = 4

_executor: ProcessPoolExecutor | None = None
"""Kept between `mkdocs serve` rebuilds: a worker pays for importing matplotlib once."""


def _workers() -> int:
    return min(MAX_WORKERS, (os.cpu_count() or 1) - 1)


def _pool(workers: int) -> ProcessPoolExecutor:
    global _executor
    if _executor is None:
        # spawn: forking a process that runs a live-reload server's threads is unsafe.
        context = multiprocessing.get_context("spawn")
        _executor = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    return _executor


def draw_charts(jobs: Sequence[charts.Job]) -> Callable[[], dict[str, bytes]]:
    """Start drawing `jobs`; the returned function waits for them and gives each chart by key.
    Charts drawn are remembered in this process's cache, for the next rebuild."""
    workers = min(_workers(), len(jobs))
    if workers <= 0:
        return lambda: charts.draw(jobs)

    pool = _pool(workers)
    # Round-robin shares, so that the big charts of one page do not all land on one worker.
    futures: list[Future[dict[str, bytes]]] = [
        pool.submit(charts.draw, list(jobs[start::workers])) for start in range(workers)
    ]

    def wait() -> dict[str, bytes]:
        drawn: dict[str, bytes] = {}
        for future in futures:
            drawn.update(future.result())
        charts.remember(drawn)
        return drawn

    return wait
