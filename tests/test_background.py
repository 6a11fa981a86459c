"""Workers, forked or started as new interpreters, give the same results and the same errors.

A build forks its workers on Linux when it has no other thread (`background.forks`),
and starts new interpreters otherwise (`mkdocs serve`, other systems). Both ways are run
here on real child processes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mkdocs_postmortems.adapters import background

LINUX = sys.platform.startswith("linux")


@pytest.fixture(params=["forked", "interpreter"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "forked" and not LINUX:
        pytest.skip("workers are forked on Linux only")
    monkeypatch.setattr(background, "forks", lambda: request.param == "forked")
    yield request.param
    assert background.running() == 0


def test_a_worker_gives_its_function_s_result(way: str) -> None:
    assert background.start_named("json", "loads", '{"a": [1, 2.5, "é"]}')() == {"a": [1, 2.5, "é"]}


def test_a_worker_s_results_come_one_by_one(way: str, tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    parts = background.start_parts("os", "walk", str(tmp_path))  # a generator
    assert [parts.next() for _ in range(3)] == list(os.walk(tmp_path))
    parts.close()
    with pytest.raises(background.WorkerError):
        parts.next()  # it has given all it had


def test_a_failing_worker_says_why(way: str) -> None:
    wait = background.start_named("json", "loads", "{not json")
    with pytest.raises(background.WorkerError, match="JSONDecodeError"):
        wait()


def test_a_killed_worker_is_an_error_not_a_hang(way: str) -> None:
    wait = background.start_named("time", "sleep", 60)
    deadline = time.monotonic() + 20
    while not background.running() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert background.stop_all() == 1
    with pytest.raises(background.WorkerError):
        wait()


@pytest.mark.skipif(not LINUX, reason="reads /proc")
def test_a_forked_worker_is_named_and_an_interpreter_runs_the_module(way: str) -> None:
    wait = background.start_named("time", "sleep", 60)
    try:
        deadline = time.monotonic() + 20
        while not background.running() and time.monotonic() < deadline:
            time.sleep(0.01)
        (child,) = background._live
        command = Path(f"/proc/{child.pid}/cmdline").read_bytes()
        if way == "forked":  # named once it runs
            while _name(child.pid) != background.FORKED_NAME and time.monotonic() < deadline:
                time.sleep(0.01)
            assert _name(child.pid) == background.FORKED_NAME
            assert command == Path("/proc/self/cmdline").read_bytes()
        else:
            assert background.__name__.encode() in command
    finally:
        background.stop_all()
        with pytest.raises(background.WorkerError):
            wait()


def test_a_thread_running_means_no_fork() -> None:
    """Another thread could hold a lock the child would inherit held (a logging handler's,
    say), and the child would wait for it forever."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not background.forks()
    finally:
        stop.set()
        thread.join()


@pytest.mark.skipif(not LINUX, reason="workers are forked on Linux only")
def test_a_worker_s_follower_thread_does_not_stop_the_next_fork() -> None:
    """A build starts its lists' worker while the analytics worker's threads follow it."""
    first = background.start_named("time", "sleep", 60)
    try:
        assert threading.active_count() > 1
        assert background.forks()
        assert background.start_named("json", "loads", "[2]")() == [2]
    finally:
        background.stop_all()
        with pytest.raises(background.WorkerError):
            first()


@pytest.mark.skipif(not LINUX, reason="workers are forked on Linux only")
def test_a_forked_worker_s_error_is_its_own(tmp_path: Path) -> None:
    """Text this process had buffered but not written when it forked is written once, by
    this process, and is not taken for the worker's error output."""
    script = tmp_path / "buffered.py"
    script.write_text(
        "import sys\n"
        "from mkdocs_postmortems.adapters import background\n"
        "sys.stderr.write('pending ')\n"  # to a pipe, without a new line: buffered
        "assert background.forks()\n"
        "try:\n"
        "    background.start_named('json', 'loads', '[')()\n"
        "except background.WorkerError as error:\n"
        "    print(error)\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stderr == "pending "
    assert "JSONDecodeError" in done.stdout and "pending" not in done.stdout


@pytest.mark.skipif(not LINUX, reason="workers are forked on Linux only")
def test_a_forked_worker_ends_with_its_parent(tmp_path: Path) -> None:
    """Killed at once (no clean-up runs), a parent leaves no forked worker behind."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import os, sys\n"
        "from mkdocs_postmortems.adapters import background\n"
        "wait = background.start_named('time', 'sleep', 60)\n"
        "print(next(iter(background._live)).pid, flush=True)\n"
        "sys.stdin.read()\n",
        encoding="utf-8",
    )
    parent = subprocess.Popen(
        [sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        deadline = time.monotonic() + 10
        while _name(child) != background.FORKED_NAME and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _name(child) == background.FORKED_NAME
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 10
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(child)
    finally:
        if parent.poll() is None:
            parent.kill()


def _name(pid: int) -> bytes:
    return Path(f"/proc/{pid}/comm").read_bytes().strip()


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for init to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_the_environment_can_be_read_by_a_worker(way: str) -> None:
    """A forked worker sees this process's environment as a new interpreter does."""
    os.environ["POSTMORTEMS_TEST_WORKER"] = "seen"
    try:
        assert background.start_named("os", "getenv", "POSTMORTEMS_TEST_WORKER")() == "seen"
    finally:
        del os.environ["POSTMORTEMS_TEST_WORKER"]


def test_a_worker_needed_later_gives_way_to_the_build(way: str) -> None:
    """The analytics and lists workers start as the pages are rendered, which set the wall
    time: they run at a lower priority, a worker needed at once (the corpus's) does not."""
    own = os.nice(0)
    expected = min(19, own + background.LATER_NICENESS)
    assert background.start_named("os", "nice", 0, later=True)() == expected
    assert background.start_named("os", "nice", 0)() == own
