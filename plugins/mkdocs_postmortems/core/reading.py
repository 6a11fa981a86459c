"""Reading one file a contributor wrote, and nothing else in its place.

`Path.read_bytes` follows a link, blocks for ever on a FIFO and reads a 10 GB file into
memory before anyone checks its size. Here the file is opened without following a final
link and without blocking, checked with `fstat` on the open descriptor (so what is checked
is what is read, whatever changes on disk meanwhile), and read up to a limit.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)  # a final link fails (ELOOP) instead of being followed
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once, to be refused below
    | getattr(os, "O_NOCTTY", 0)  # a terminal never becomes this process's
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_CHUNK = 1 << 16

Identity = tuple[int, int]
"""(device, inode): one file, whatever names lead to it."""


class Unreadable(Exception):
    """Why a file was not read; the message is `expected X, got Y` and names no content."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def kind(mode: int) -> str:
    """What a file is, for `got ...`: never anything read from it."""
    kinds = [
        (stat.S_ISREG, "a regular file"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ]
    return next((name for test, name in kinds if test(mode)), "a special file")


def identity(status: os.stat_result) -> Identity:
    return (status.st_dev, status.st_ino)


def too_large(size: int, limit: int) -> str:
    return f"expected a file of at most {limit // 1024} KiB, got {size // 1024} KiB"


def read_regular(path: Path | str, limit: int, expected: Identity | None = None) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them.

    Unreadable when `path` is a link, not a regular file, larger than `limit`, or (with
    `expected`) no longer the file that was found there.
    """
    try:
        descriptor = os.open(path, _FLAGS)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.EMLINK):
            raise Unreadable("expected a regular file, got a symbolic link") from None
        raise Unreadable(f"cannot read: {error.strerror}") from None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise Unreadable(f"expected a regular file, got {kind(status.st_mode)}")
        if expected is not None and identity(status) != expected:
            raise Unreadable("expected the file found a moment ago, got another one in its place")
        if status.st_size > limit:
            raise Unreadable(too_large(status.st_size, limit))
        chunks: list[bytes] = []
        size = 0
        while size <= limit:  # the file may grow after fstat: read one byte past the limit
            chunk = os.read(descriptor, min(_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise Unreadable(too_large(size, limit))
        return b"".join(chunks)
    except OSError as error:
        raise Unreadable(f"cannot read: {error.strerror}") from None
    finally:
        os.close(descriptor)
