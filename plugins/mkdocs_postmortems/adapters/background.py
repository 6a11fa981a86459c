"""Work done in other processes while the build goes on: reading files, drawing charts.

A build spends its time in places that do not need each other. Half of a large corpus can
be read and validated on a spare core while this process reads the other half; and
matplotlib can draw the analytics and report charts while MkDocs renders thousands of
pages, which only link to them. With a single core, all of it is done in this process.

Workers are plain child interpreters running this module's `_work`, given a function and
its argument as a pickle on stdin: unlike multiprocessing's spawn, they never re-import the
script that started the build, which need not guard itself with `if __name__ == "__main__"`.

No worker outlives the build that started it, however the build ends. On Linux the kernel
kills a worker when its parent dies (`PR_SET_PDEATHSIG`, set before anything else); and
everywhere a worker's stdin stays open until the worker is done, so that its end means the
parent is gone and the worker exits. A build that fails or is interrupted while its process
lives on (`mkdocs serve`, or on its way out) ends its workers with `stop_all`.
"""

from __future__ import annotations

import importlib
import os
import pickle
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from mkdocs_postmortems.site import charts

MAX_WORKERS = 4
_PR_SET_PDEATHSIG = 1

_A = TypeVar("_A")
_R = TypeVar("_R")


class WorkerError(RuntimeError):
    """A worker failed; its message carries the worker's own error output."""


def workers() -> int:
    """How many children may work beside this process: one core is its own."""
    return min(MAX_WORKERS, (os.cpu_count() or 1) - 1)


def start(function: Callable[[_A], _R], argument: _A) -> Callable[[], _R]:
    """Begin `function(argument)` in a child interpreter; the returned function waits for
    the result. `function` is passed by name, so it must be a module's own function."""
    return start_named(function.__module__, function.__qualname__, argument)


def start_named(module: str, name: str, argument: Any) -> Callable[[], Any]:
    """`start` for a function this process has not imported (and need not: pandas, say)."""
    payload = pickle.dumps((module, name, argument), protocol=pickle.HIGHEST_PROTOCOL)
    outcome: list[tuple[int, bytes, bytes]] = []
    thread = threading.Thread(target=_run_worker, args=(payload, outcome), daemon=True)
    thread.start()

    def wait() -> Any:
        thread.join()
        code, output, errors = outcome[0]
        if code != 0:
            raise WorkerError(errors.decode("utf-8", errors="replace").strip())
        return pickle.loads(output)  # our own child's output

    return wait


def draw_charts(jobs: Sequence[charts.Job]) -> Callable[[], dict[str, bytes]]:
    """Start drawing `jobs`; the returned function waits for them and gives each chart by key.
    Charts drawn in workers are remembered in this process's cache, for the next rebuild."""
    count = min(workers(), len(jobs))
    if count <= 0:
        return lambda: charts.draw(jobs)
    # Round-robin shares, so that one page's big charts do not all land on one worker.
    waits = [start(charts.draw, list(jobs[first::count])) for first in range(count)]

    def wait() -> dict[str, bytes]:
        drawn: dict[str, bytes] = {}
        for each in waits:
            drawn.update(each())
        charts.remember(drawn)
        return drawn

    return wait


_BOOT = f"""\
import ctypes, os, signal, sys
if sys.platform.startswith("linux"):  # killed by the kernel when the parent goes
    try:
        ctypes.CDLL(None).prctl({_PR_SET_PDEATHSIG}, signal.SIGKILL)
    except (AttributeError, OSError):  # the stdin lifeline (_work) still holds
        pass
if os.getppid() != int(sys.argv[1]):  # gone already
    os._exit(1)
from {__name__} import _work
_work()
"""
"""A worker's first lines, run before the package (and pydantic with it) is imported, so
that a worker whose parent dies while it starts does not start at all."""

_live: set[subprocess.Popen[bytes]] = set()
"""Workers still running, for `stop_all`."""
_live_lock = threading.Lock()


def running() -> int:
    """How many workers are running now."""
    with _live_lock:
        return len(_live)


def stop_all() -> int:
    """End every worker still running (a build failed or was interrupted); their waits
    raise `WorkerError`. Returns how many were ended."""
    with _live_lock:
        children = list(_live)
    for child in children:
        child.kill()
    return len(children)


def _run_worker(payload: bytes, outcome: list[tuple[int, bytes, bytes]]) -> None:
    """In a thread: one child, fed and drained without blocking the build. Its stdin is
    closed only once it is done (see the module's docstring); its error output goes to a
    file, so that reading its output alone cannot block it."""
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            [sys.executable, "-c", _BOOT, str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        with _live_lock:
            _live.add(child)
        try:
            assert child.stdin is not None and child.stdout is not None
            try:
                child.stdin.write(payload)
                child.stdin.flush()
            except BrokenPipeError:
                pass  # it died first: its exit status and error output tell why
            output = child.stdout.read()
            child.wait()
        finally:
            with _live_lock:
                _live.discard(child)
            if child.poll() is None:
                child.kill()
                child.wait()
            for stream in (child.stdin, child.stdout):
                if stream is not None:
                    stream.close()
        errors.seek(0)
        outcome.append((child.returncode, output, errors.read()))


def _exit_with_parent() -> None:
    """In a worker's thread: the end of stdin means the parent is gone, so is the job.
    Read from the descriptor, not `sys.stdin`, whose lock would stall this interpreter's exit."""
    while os.read(sys.stdin.fileno(), 65536):
        pass
    os._exit(1)


def _work() -> None:
    module, name, argument = pickle.load(sys.stdin.buffer)  # from our parent
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    function: Callable[[Any], Any] = getattr(importlib.import_module(module), name)
    result = function(argument)
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
