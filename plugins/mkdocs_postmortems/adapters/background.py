"""Work done in other processes while the build goes on: reading files, making analytics.

A build spends its time in places that do not need each other. Half of a large corpus can
be read and validated on a spare core while this process reads the other half; and pandas
can make the analytics and report pages, and their charts, while MkDocs renders thousands
of postmortem pages. With a single core, all of it is done in this process.

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

import gc
import importlib
import os
import pickle
import subprocess
import sys
import tempfile
import threading
import types
from collections.abc import Callable, Sequence
from typing import IO, Any, TypeVar

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
    parts = start_parts(module, name, argument)

    def wait() -> Any:
        result = parts.next()
        parts.close()  # a single result is whole only once the worker has ended well
        return result

    return wait


class Parts:
    """The results of a worker whose function yields them one by one: each can be taken as
    soon as the worker has written it, while the worker goes on with the next. A start-up
    costs a worker about half a second of importing, so work that follows other work (the
    charts after the pages they are on) is better done in the same worker than in a new one."""

    def __init__(self, payload: bytes) -> None:
        self._parts: list[Any] = []
        self._ended: tuple[int, bytes] | None = None
        self._taken = 0
        self._broken = ""
        self._changed = threading.Condition()
        thread = threading.Thread(target=_run_worker, args=(payload, self), daemon=True)
        thread.start()

    def next(self) -> Any:
        """The next result, once written; `WorkerError` if the worker ended without it."""
        with self._changed:
            self._changed.wait_for(lambda: len(self._parts) > self._taken or self._ended)
            if len(self._parts) > self._taken:
                self._taken += 1
                part = self._parts[self._taken - 1]
                self._parts[self._taken - 1] = None  # the caller holds it now
                return part
            assert self._ended is not None
            raise WorkerError(self._error(*self._ended))

    def close(self) -> None:
        """Wait for the worker to end; `WorkerError` if it failed, after its last result."""
        with self._changed:
            self._changed.wait_for(lambda: self._ended is not None)
            assert self._ended is not None
            code, errors = self._ended
        if code != 0 or self._broken:
            raise WorkerError(self._error(code, errors))

    def _error(self, code: int, errors: bytes) -> str:
        said = errors.decode("utf-8", errors="replace").strip()
        return "\n".join(m for m in (said, self._broken) if m) or f"the worker exited with {code}"

    def _read(self, output: IO[bytes]) -> None:
        """In the worker's thread: its results as they come, until it closes its output."""
        while True:
            try:
                part = pickle.load(output)  # our own child's output
            except EOFError:
                return
            except Exception as error:  # a worker cut short in the middle of a result
                self._broken = f"its output was cut short: {error!r}"
                return
            with self._changed:
                self._parts.append(part)
                self._changed.notify_all()

    def _end(self, code: int, errors: bytes) -> None:
        with self._changed:
            self._ended = (code, errors)
            self._changed.notify_all()


def start_parts(module: str, name: str, argument: Any) -> Parts:
    """Begin `module.name(argument)` in a child interpreter, a function that yields its
    results (or returns one); `Parts.next` takes them in order as the worker writes them."""
    return Parts(pickle.dumps((module, name, argument), protocol=pickle.HIGHEST_PROTOCOL))


def draw_charts(
    jobs: Sequence[charts.Job], *, first: Callable[[], dict[str, bytes]] | None = None
) -> Callable[[], dict[str, bytes]]:
    """Start drawing `jobs`; the returned function waits for them and gives each chart by key.
    With `first`, they are being drawn already (by the worker that made the charts' pages),
    and `first` waits for them; else one worker draws them, or this process without a spare
    core. They take hundredths of a second (`chart_drawing`), so more workers would only add
    their start-up. Charts drawn in workers are remembered in this process's cache, for the
    next rebuild."""
    if first is None and (not jobs or workers() <= 0):
        return lambda: charts.draw(jobs)
    wait_for = first if first is not None else start(charts.draw, list(jobs))

    def wait() -> dict[str, bytes]:
        drawn = wait_for()
        charts.remember(drawn)
        return drawn

    return wait


_BOOT = f"""\
import ctypes, gc, os, signal, sys
gc.disable()  # until started: see _work
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


def _run_worker(payload: bytes, parts: Parts) -> None:
    """In a thread: one child, fed and drained without blocking the build. Its stdin is
    closed only once it is done (see the module's docstring); its error output goes to a
    file, so that reading its output alone cannot block it."""
    code, errors = 1, b"the worker did not start"
    try:
        with tempfile.TemporaryFile() as error_file:
            code = _child(payload, parts, error_file)
            error_file.seek(0)
            errors = error_file.read()
    finally:
        parts._end(code, errors)


def _child(payload: bytes, parts: Parts, errors: IO[bytes]) -> int:
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
        parts._read(child.stdout)
        child.stdout.read()  # whatever is left after a broken result
        return child.wait()
    finally:
        with _live_lock:
            _live.discard(child)
        if child.poll() is None:
            child.kill()
            child.wait()
        for stream in (child.stdin, child.stdout):
            if stream is not None:
                stream.close()


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
    # What start-up made (modules, the argument) lives as long as the worker: collecting
    # while it was made (a fifth of the start-up's time) only looked at it again and again,
    # and later collections need not look at it at all.
    gc.freeze()
    gc.enable()
    result = function(argument)
    for part in result if isinstance(result, types.GeneratorType) else [result]:
        sys.stdout.buffer.write(pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL))
        sys.stdout.buffer.flush()  # the parent may take it now
