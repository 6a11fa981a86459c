"""`make build`: a site built beside the last good one, and swapped in only once it is whole.

    python -m mkdocs_postmortems.adapters.staged_build [--site-dir site] [mkdocs build options]

`mkdocs build` empties its site folder before it starts, so a build that fails (an invalid
postmortem under `--strict`) or is interrupted would leave no site at all. Here MkDocs
builds into a new folder next to the site folder, on the same file system; on success the
two are exchanged in one rename, and the old site is deleted only after the new one is in
place. On failure or interruption the new folder is deleted and the site is left as it was.
"""

from __future__ import annotations

import argparse
import ctypes
import errno
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(one: Path, other: Path) -> bool:
    """Swap two existing paths atomically (Linux's `renameat2`); False where the system
    cannot, so that the caller falls back to two renames."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # a C library older than glibc 2.28
        return False
    done = renameat2(_AT_FDCWD, os.fsencode(one), _AT_FDCWD, os.fsencode(other), _RENAME_EXCHANGE)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # not on this file system
        return False
    raise OSError(code, os.strerror(code), str(one), None, str(other))


def swap_in(new: Path, site: Path) -> None:
    """Put the folder `new` at `site`, replacing what is there. The old site stays whole
    until the new one is in place, and is deleted after."""
    if not os.path.lexists(site):
        os.rename(new, site)
        return
    if _exchange(new, site):
        shutil.rmtree(new)  # the old site, now where the new one was
        return
    old = new.with_name(new.name + ".old")
    os.rename(site, old)
    try:
        os.rename(new, site)
    except OSError:
        os.rename(old, site)
        raise
    shutil.rmtree(old)


def staging_folder(site: Path) -> Path:
    """An empty folder beside `site` (same file system, so a rename moves it), with the
    permissions a folder made by `mkdir` gets, which `mkdtemp`'s private 0700 is not."""
    site.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site.name}.building-", dir=site.parent))
    mask = os.umask(0)
    os.umask(mask)
    staging.chmod(0o777 & ~mask)
    return staging


def build(site: Path, options: Sequence[str]) -> int:
    """Run `mkdocs build OPTIONS` into a staging folder and swap it in when it succeeds.
    Returns the exit status: MkDocs' own, or 128 + the signal that ended it."""
    site = Path(os.path.realpath(site))  # a symlinked site folder is swapped where it points
    staging = staging_folder(site)
    command = [sys.executable, "-m", "mkdocs", "build", *options, "--site-dir", str(staging)]
    children: list[subprocess.Popen[bytes]] = []
    stopped: list[int] = []

    def forward(signum: int, frame: FrameType | None) -> None:
        stopped.append(signum)
        for child in children:
            child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        # Its own session: a Ctrl-C reaches MkDocs once, from here, not twice.
        child = subprocess.Popen(command, start_new_session=True)
        children.append(child)
        if stopped:  # before MkDocs started
            child.send_signal(stopped[0])
        code = child.wait()
        if stopped:
            name = signal.Signals(stopped[0]).name
            _say(f"interrupted ({name}); {site} is left as it was")
            return 128 + stopped[0]
        if code != 0:
            _say(f"the build failed; {site} is left as it was")
            return code if code > 0 else 128 - code
        try:
            swap_in(staging, site)
        except OSError as error:
            _say(f"cannot put the new build in place, {site} is left as it was: {error}")
            return 1
        _say(f"{site} replaced by the new build")
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for child in children:
            if child.poll() is None:  # this process was stopped some other way: MkDocs too
                child.kill()
                child.wait()
        shutil.rmtree(staging, ignore_errors=True)


def _say(message: str) -> None:
    print(f"staged_build: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mkdocs_postmortems.adapters.staged_build",
        description="mkdocs build into a folder beside the site, swapped in on success; "
        "other options go to mkdocs build",
    )
    parser.add_argument("-d", "--site-dir", default="site", type=Path, help="default: site")
    known, options = parser.parse_known_args(argv)
    return build(known.site_dir, options)


if __name__ == "__main__":
    sys.exit(main())
