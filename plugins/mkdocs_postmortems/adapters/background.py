"""Work done in other processes while the build goes on: reading files, making analytics.

A build spends its time in places that do not need each other. Half of a large corpus can
be read and validated on a spare core while this process reads the other half; and pandas
can make the analytics and report pages, and their charts, while MkDocs renders thousands
of postmortem pages. With a single core, all of it is done in this process.

On Linux, a process with no other thread forks its workers (see `forks`): a fork has
the modules and the argument already. Elsewhere, workers are plain child interpreters
running this module's `_work`, given a function and its argument as a pickle on stdin:
unlike multiprocessing's spawn, they never re-import the script that started the build,
which need not guard itself with `if __name__ == "__main__"`. Either way, results come back
as pickles on a pipe.

No worker outlives the build that started it, however the build ends. On Linux the kernel
kills a worker when its parent dies (`PR_SET_PDEATHSIG`, set before anything else); and
everywhere a worker's stdin (a forked worker's lifeline pipe) stays open until the worker is
done, so that its end means the parent is gone and the worker exits. A build that fails or
is interrupted while its process lives on (`mkdocs serve`, or on its way out) ends its
workers with `stop_all`.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import importlib
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
import types
from collections.abc import Callable, Sequence
from typing import IO, Any, TypeVar

from mkdocs_postmortems.site import charts

MAX_WORKERS = 4
_PR_SET_PDEATHSIG = 1
_PR_SET_NAME = 15
FORKED_NAME = b"pm-worker"
"""A forked worker's process name (`/proc/PID/comm`)."""
_PROTOCOL = pickle.HIGHEST_PROTOCOL
LATER_NICENESS = 10
"""How much a worker whose result is needed later gives way (`os.nice`). Two such workers
(the analytics and the lists) start with the pages' rendering: on 2 cores, at the same
niceness, the three processes would share them and the build's own, which sets the wall
time, would get two thirds of a core for about a second."""

_A = TypeVar("_A")
_R = TypeVar("_R")


class WorkerError(RuntimeError):
    """A worker failed; its message carries the worker's own error output."""


def workers() -> int:
    """How many children may work beside this process: one core is its own."""
    return min(MAX_WORKERS, (os.cpu_count() or 1) - 1)


def start(function: Callable[[_A], _R], argument: _A, *, later: bool = False) -> Callable[[], _R]:
    """Begin `function(argument)` in a child interpreter; the returned function waits for
    the result. `function` is passed by name, so it must be a module's own function.
    `later`: the result is needed only later in the build, so the worker gives way to the
    build's process when they want the same core (`LATER_NICENESS`)."""
    return start_named(function.__module__, function.__qualname__, argument, later=later)


def start_named(module: str, name: str, argument: Any, *, later: bool = False) -> Callable[[], Any]:
    """`start` for a function this process has not imported (and need not: pandas, say)."""
    parts = start_parts(module, name, argument, later=later)

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

    def __init__(self, module: str, name: str, argument: Any, niceness: int = 0) -> None:
        self._parts: list[Any] = []
        self._ended: tuple[int, bytes] | None = None
        self._taken = 0
        self._broken = ""
        self._changed = threading.Condition()
        child = _fork(module, name, argument, niceness) if forks() else None
        payload = b"" if child else pickle.dumps((module, name, argument), protocol=_PROTOCOL)
        follower(_run_worker, (payload, child, niceness, self))

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


def start_parts(module: str, name: str, argument: Any, *, later: bool = False) -> Parts:
    """Begin `module.name(argument)` in a child interpreter, a function that yields its
    results (or returns one); `Parts.next` takes them in order as the worker writes them."""
    return Parts(module, name, argument, LATER_NICENESS if later else 0)


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
os.nice(int(sys.argv[2]))
from {__name__} import _work
_work()
"""
"""A worker's first lines, run before the package (and pydantic with it) is imported, so
that a worker whose parent dies while it starts does not start at all."""

_live: set[subprocess.Popen[bytes] | _Forked] = set()
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


# Forking, where it is safe, saves a worker its start-up: a new interpreter, the imports of
# this package and pydantic (some 0.2 s of CPU), and the pickling of its argument both ways
# (the analytics part's rows: 0.1 s more). A fork shares what this process has made, the
# modules and the argument, until either side writes to it. It is safe only while no
# other thread could hold a lock the child would inherit held. A build's only other threads
# are `follower`s, which wait for workers and lock only their own objects; `mkdocs serve`
# has its server's threads, and then workers are started as new interpreters.


def follower(target: Callable[..., object], args: tuple[Any, ...]) -> threading.Thread:
    """Start a daemon thread that follows a worker: it waits on the worker's pipe or its
    `Parts`, and takes no lock a worker would use, so it does not stop a fork."""
    thread = threading.Thread(target=target, args=args, daemon=True, name=_FOLLOWER)
    thread.start()
    return thread


_FOLLOWER = "postmortems-follower"


def forks() -> bool:
    """Whether a worker started now would be forked (and so start at once)."""
    if not sys.platform.startswith("linux"):
        return False
    here = threading.current_thread()
    return all(t is here or t.name == _FOLLOWER for t in threading.enumerate())


class _Forked:
    """A forked worker, as much of `subprocess.Popen` as a worker's thread uses."""

    def __init__(self, pid: int, stdout: IO[bytes], lifeline: IO[bytes], errors: IO[bytes]):
        self.pid = pid
        self.stdin: IO[bytes] | None = lifeline
        self.stdout: IO[bytes] | None = stdout
        self.errors = errors
        self.returncode: int | None = None
        self._reaped = threading.Lock()

    def poll(self) -> int | None:
        return self._wait(os.WNOHANG)

    def wait(self) -> int:
        code = self._wait(0)
        assert code is not None
        return code

    def _wait(self, options: int) -> int | None:
        with self._reaped:
            if self.returncode is None:
                pid, status = os.waitpid(self.pid, options)
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
            return self.returncode

    def kill(self) -> None:
        with self._reaped:
            if self.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGKILL)


def _fork(module: str, name: str, argument: Any, niceness: int) -> _Forked:
    """`module.name(argument)` in a forked child, which never returns from here."""
    errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the worker's thread)
    results, results_end = os.pipe()
    lifeline_end, lifeline = os.pipe()
    for stream in (sys.stdout, sys.stderr):  # else the child would write them out again
        with contextlib.suppress(Exception):
            stream.flush()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(results)
            os.close(lifeline)
            os.dup2(errors.fileno(), 2)
            # Whatever stands for sys.stderr here (a test's capture, say), the error goes to
            # the parent as a new interpreter's would.
            sys.stderr = open(2, "w", errors="backslashreplace", closefd=False)  # noqa: SIM115
            _become_worker(parent)
            os.nice(niceness)
            threading.Thread(target=_exit_with_parent, args=(lifeline_end,), daemon=True).start()
            function = getattr(importlib.import_module(module), name)
            with os.fdopen(results_end, "wb") as output:
                _serve(function, argument, output)
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            with contextlib.suppress(Exception):
                sys.stderr.flush()
            os._exit(code)
    os.close(results_end)
    os.close(lifeline_end)
    child = _Forked(pid, os.fdopen(results, "rb"), os.fdopen(lifeline, "wb"), errors)
    with _live_lock:
        _live.add(child)
    return child


def _become_worker(parent: int) -> None:
    """In a forked worker: killed by the kernel when the parent goes, as `_BOOT` does, and
    named so that `ps` and `top` tell it from the build (its command line is the build's)."""
    with contextlib.suppress(AttributeError, OSError):
        libc = ctypes.CDLL(None)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        libc.prctl(_PR_SET_NAME, FORKED_NAME)
    if os.getppid() != parent:  # gone already
        os._exit(1)


def _run_worker(payload: bytes, forked: _Forked | None, niceness: int, parts: Parts) -> None:
    """In a thread: one child, fed and drained without blocking the build. Its stdin is
    closed only once it is done (see the module's docstring); its error output goes to a
    file, so that reading its output alone cannot block it."""
    code, errors = 1, b"the worker did not start"
    try:
        with forked.errors if forked else tempfile.TemporaryFile() as error_file:
            if forked is not None:
                code = _drain(forked, parts)
            else:
                code = _child(payload, niceness, parts, error_file)
            error_file.seek(0)
            errors = error_file.read()
    finally:
        parts._end(code, errors)


def _child(payload: bytes, niceness: int, parts: Parts, errors: IO[bytes]) -> int:
    child = subprocess.Popen(
        [sys.executable, "-c", _BOOT, str(os.getpid()), str(niceness)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=errors,
    )
    with _live_lock:
        _live.add(child)
    assert child.stdin is not None
    try:
        child.stdin.write(payload)
        child.stdin.flush()
    except BrokenPipeError:
        pass  # it died first: its exit status and error output tell why
    return _drain(child, parts)


def _drain(child: subprocess.Popen[bytes] | _Forked, parts: Parts) -> int:
    """The child's results into `parts`, then its exit status; it is ended if need be."""
    try:
        assert child.stdout is not None
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


def _exit_with_parent(lifeline: int) -> None:
    """In a worker's thread: the end of its lifeline (stdin, or a pipe for a forked worker)
    means the parent is gone, so is the job. Read from the descriptor, not `sys.stdin`,
    whose lock would stall this interpreter's exit."""
    while os.read(lifeline, 65536):
        pass
    os._exit(1)


def _work() -> None:
    module, name, argument = pickle.load(sys.stdin.buffer)  # from our parent
    threading.Thread(target=_exit_with_parent, args=(sys.stdin.fileno(),), daemon=True).start()
    function: Callable[[Any], Any] = getattr(importlib.import_module(module), name)
    _serve(function, argument, sys.stdout.buffer)


def _serve(function: Callable[[Any], Any], argument: Any, output: IO[bytes]) -> None:
    """Run the worker's function, writing each result as soon as it is made."""
    # What start-up made (modules, the argument) lives as long as the worker: collecting
    # while it was made (a fifth of the start-up's time) only looked at it again and again,
    # and later collections need not look at it at all.
    gc.freeze()
    gc.enable()
    result = function(argument)
    for part in result if isinstance(result, types.GeneratorType) else [result]:
        output.write(pickle.dumps(part, protocol=_PROTOCOL))
        output.flush()  # the parent may take it now
