"""Charts drawn in other processes while MkDocs renders the pages.

A build spends its time in two places that do not need each other: matplotlib drawing the
analytics and report charts, and MkDocs rendering thousands of pages. Pages only link to the
charts, so the charts can be drawn on spare cores and be ready by the time MkDocs copies the
files. With a single core they are drawn in this process, when asked for.

Workers are plain child interpreters running this module (`python -m`), given their jobs
as a pickle on stdin: unlike multiprocessing's spawn, they never re-import the script that
started the build, which need not guard itself with `if __name__ == "__main__"`.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence

from mkdocs_postmortems import charts

MAX_WORKERS = 4


class ChartError(RuntimeError):
    """A worker failed; its message carries the worker's own error output."""


def _workers() -> int:
    return min(MAX_WORKERS, (os.cpu_count() or 1) - 1)


def draw_charts(jobs: Sequence[charts.Job]) -> Callable[[], dict[str, bytes]]:
    """Start drawing `jobs`; the returned function waits for them and gives each chart by key.
    Charts drawn in workers are remembered in this process's cache, for the next rebuild."""
    workers = min(_workers(), len(jobs))
    if workers <= 0:
        return lambda: charts.draw(jobs)
    outcomes: list[tuple[int, bytes, bytes]] = []
    threads = []
    for start in range(workers):
        # Round-robin shares, so that one page's big charts do not all land on one worker.
        share = pickle.dumps(list(jobs[start::workers]), protocol=pickle.HIGHEST_PROTOCOL)
        thread = threading.Thread(target=_run_worker, args=(share, outcomes), daemon=True)
        thread.start()
        threads.append(thread)

    def wait() -> dict[str, bytes]:
        for thread in threads:
            thread.join()
        drawn: dict[str, bytes] = {}
        for code, output, errors in outcomes:
            if code != 0:
                raise ChartError(errors.decode("utf-8", errors="replace").strip())
            drawn.update(pickle.loads(output))  # our own child's output
        charts.remember(drawn)
        return drawn

    return wait


def _run_worker(share: bytes, outcomes: list[tuple[int, bytes, bytes]]) -> None:
    """In a thread: one child, fed and drained without blocking the build."""
    child = subprocess.Popen(
        [sys.executable, "-m", __name__],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    output, errors = child.communicate(share)
    outcomes.append((child.returncode, output, errors))


def _work() -> None:
    jobs: list[charts.Job] = pickle.load(sys.stdin.buffer)  # from our parent
    drawn = charts.draw(jobs)
    sys.stdout.buffer.write(pickle.dumps(drawn, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _work()
