"""Run a command and print, as JSON, its wall time and the CPU time of every process it ran.

    python scripts/bench_rusage.py COMMAND [ARGUMENT ...]

The kernel adds a process's CPU time to its parent's when the parent waits for it, so the
rusage of a waited-for build holds its workers only if the build waited for them. A worker
the build did not wait for is orphaned: it is handed to this process, which made itself the
"child subreaper" of everything under it (Linux's `PR_SET_CHILD_SUBREAPER`), and is counted
when it ends. Wall time stops when COMMAND exits; CPU time also takes in the orphans that end
within ORPHAN_SECONDS after it.

Prints `{"exit": ..., "seconds": ..., "cpu": ..., "peak_bytes": ..., "orphans": ...,
"lingering": ...}` on stdout; COMMAND's output is dropped, its error output passed on.
Standard library only, so that starting it costs little beside the command.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence

ORPHAN_SECONDS = 60.0
_PR_SET_CHILD_SUBREAPER = 36


def _become_subreaper() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        return bool(ctypes.CDLL(None).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (AttributeError, OSError):
        return False


def _cpu(usage: resource.struct_rusage) -> float:
    return float(usage.ru_utime + usage.ru_stime)


def measure(command: Sequence[str]) -> dict[str, float | int | bool]:
    """Run `command`; its figures (see the module's docstring)."""
    subreaper = _become_subreaper()
    started = time.perf_counter()
    child = subprocess.Popen(list(command), stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    cpu, peak, orphans, lingering = _cpu(usage), usage.ru_maxrss, 0, False
    deadline = time.monotonic() + ORPHAN_SECONDS
    while subreaper:
        try:
            pid, _, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            break  # no process left under this one
        if pid == 0:
            if time.monotonic() > deadline:
                lingering = True
                break
            time.sleep(0.02)
            continue
        orphans += 1
        cpu += _cpu(usage)
        peak = max(peak, usage.ru_maxrss)
    return {
        "exit": child.returncode,
        "seconds": seconds,
        "cpu": cpu,
        "peak_bytes": peak * 1024,  # Linux reports kilobytes
        "orphans": orphans,
        "lingering": lingering,
    }


def main(argv: Sequence[str] | None = None) -> int:
    command = list(sys.argv[1:] if argv is None else argv)
    if not command:
        print("usage: bench_rusage.py COMMAND [ARGUMENT ...]", file=sys.stderr)
        return 2
    try:
        figures = measure(command)
    except OSError as error:  # no such program, say
        print(f"bench_rusage.py: {command[0]}: {error}", file=sys.stderr)
        return 127
    print(json.dumps(figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
