"""Finding postmortem files on disk without ever leaving the knowledge base.

A contributor controls every name and link below the folder. The walk looks at each entry
with `lstat` and follows no link: a link is resolved only to check where it leads, so a link
cannot make the walk read a file elsewhere, a loop cannot make it run for ever, and a FIFO
or a device is reported without being opened. A file is known by its real name: one reached
through a link inside the folder is found under its own path, and a file with two names
(hard links) is read once.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs_postmortems.core import names, secret_scan
from mkdocs_postmortems.core.diagnostics import Diagnostic
from mkdocs_postmortems.core.reading import Identity, identity, kind

EXTENSION = ".md"
FOLDER_PAGES = frozenset({"readme.md", "index.md"})
"""Pages that describe a folder, in any case: never postmortems."""
TAXONOMY = "taxonomy.yml"
DEFAULT_FOLDER = "postmortems"


@dataclass(frozen=True)
class Found:
    """A file to read: where it is (never a link), its name in messages, and what else
    discovery has to say about it (a file with a bad name is still checked, never published)."""

    path: Path
    display: str
    identity: Identity
    problems: tuple[Diagnostic, ...] = ()


@dataclass
class Walk:
    files: list[Found] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)


def printable(text: str) -> str:
    """A path as text: bytes that are not UTF-8 (kept by Python as lone surrogates, which no
    output can encode) shown as `\\xNN`, and a credential in a name cut short (a file named
    after a token must not print it in every diagnostic)."""
    return secret_scan.hide(os.fsencode(text).decode("utf-8", "backslashreplace"))[0]


def display_path(path: Path | str) -> str:
    """The path as a user would type it: relative to the working folder when inside it."""
    path = Path(path)
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return printable(path.as_posix())
    if relative.startswith(".."):
        return printable(path.as_posix())
    return printable(Path(relative).as_posix())


def skipped(name: str) -> bool:
    """Names the walk passes by: `_`/`.` names (templates, drafts kept aside, tooling) and
    README/index pages, whatever their case."""
    return name.startswith(("_", ".")) or name.lower() in FOLDER_PAGES


def is_candidate(name: str) -> bool:
    """A file name that claims to be a postmortem: `.md` in any case, not skipped."""
    return name.lower().endswith(EXTENSION) and not skipped(name)


def is_postmortem_path(relative: str) -> bool:
    """A `/`-separated path below the folder that the walk publishes: no skipped part and
    a name ending in `.md` exactly."""
    parts = relative.split("/")
    return (
        parts[-1].endswith(EXTENSION)
        and not any(skipped(part) for part in parts)
        and not any(part in ("", ".", "..") for part in parts)
    )


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _join(display: str, relative: str) -> str:
    return relative if display in ("", ".") else f"{display}/{relative}"


class _Walker:
    """One folder's walk; `root` is the folder's real path (the folder itself may be a link
    chosen by whoever configured the site)."""

    def __init__(self, folder: Path, display: str) -> None:
        self.folder = folder
        self.display = display
        self.root = os.path.realpath(folder)
        self.walk = Walk()
        self.seen: set[Identity] = set()

    def problem(self, relative: str, message: str) -> None:
        where = _join(self.display, printable(relative))
        self.walk.problems.append(Diagnostic(where, 1, 1, "", message))

    def run(self) -> Walk:
        """Depth first, names in order (the order of sorted paths), without recursion: the
        depth is the author's to choose."""
        stack: list[tuple[tuple[str, ...], Iterator[os.DirEntry[str]]]] = []
        top = self._open(())
        if top is not None:
            stack.append(((), iter(top)))
        while stack:
            parts, entries = stack[-1]
            entry = next(entries, None)
            if entry is None:
                stack.pop()
                continue
            if entry.name.startswith(("_", ".")):
                continue
            at = (*parts, entry.name)
            try:
                status = entry.stat(follow_symlinks=False)
            except OSError as error:
                self.problem("/".join(at), f"cannot read: {error.strerror}")
                continue
            if stat.S_ISLNK(status.st_mode):
                if entry.name != TAXONOMY:  # read by `taxonomy.load` alone, which checks it
                    self._link(entry.path, "/".join(at), entry.name)
            elif stat.S_ISDIR(status.st_mode):
                below = self._open(at)
                if below is not None:
                    stack.append((at, iter(below)))
            elif is_candidate(entry.name):
                self._file(Path(entry.path), "/".join(at), status)
        return self.walk

    def _open(self, parts: tuple[str, ...]) -> list[os.DirEntry[str]] | None:
        """A folder's entries, sorted by name; None when it cannot be read or was seen."""
        folder = os.path.join(self.folder, *parts)
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
            status = os.stat(folder)
        except OSError as error:
            self.problem("/".join(parts), f"cannot read this folder: {error.strerror}")
            return None
        if identity(status) in self.seen:  # a bind mount, say: links are never followed
            self.problem("/".join(parts), "expected each folder once, got one seen before (a loop)")
            return None
        self.seen.add(identity(status))
        return entries

    def _file(self, path: Path, relative: str, status: os.stat_result) -> None:
        if not stat.S_ISREG(status.st_mode):
            self.problem(relative, f"expected a regular file, got {kind(status.st_mode)}")
            return
        found = checked_file(path, _join(self.display, printable(relative)), relative, status)
        if isinstance(found, Found):
            self.walk.files.append(found)
        else:
            self.walk.problems.append(found)

    def _link(self, path: str, relative: str, name: str) -> None:
        """A link is checked, never followed: a file it leads to inside the folder is found
        under its own name; one outside is an error, and nothing of it is read."""
        try:
            real = resolve(path, self.root)
        except Unfollowable as error:
            self.problem(relative, error.message)
            return
        try:
            target = os.stat(real)  # a path without links: this is its lstat
        except OSError as error:
            self.problem(relative, f"cannot follow this link: {error.strerror}")
            return
        if stat.S_ISDIR(target.st_mode) or not is_candidate(name):
            return  # its files are found under their real names
        if not stat.S_ISREG(target.st_mode):
            self.problem(
                relative, f"expected a link to a regular file, got a link to {kind(target.st_mode)}"
            )
            return
        real_relative = Path(os.path.relpath(real, self.root)).as_posix()
        if not is_postmortem_path(real_relative):
            self.problem(
                relative,
                f"expected a link to a postmortem file, got a link to {printable(real_relative)!r},"
                " which is not one (a file counts under its real name)",
            )


class Unfollowable(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def resolve(path: str, root: str) -> str:
    """The real path a link leads to, when it is inside `root` (a real path).

    Unfollowable for a loop, a link to nothing, or a target outside `root`; the message
    names neither the target nor anything in it.
    """
    try:
        real = os.path.realpath(path, strict=True)
    except OSError as error:
        if error.errno == errno.ELOOP:
            message = "expected a link that leads somewhere, got a loop of links"
        elif error.errno in (errno.ENOENT, errno.ENOTDIR):
            message = "expected a link that leads somewhere, got a link to nothing"
        else:
            message = f"cannot follow this link: {error.strerror}"
        raise Unfollowable(message) from None
    if not _inside(real, root):
        raise Unfollowable(
            "expected a link to a file inside the knowledge base, got one that leads outside "
            "it; nothing was read from it"
        )
    return real


def checked_file(
    path: Path, display: str, relative: str, status: os.stat_result
) -> Found | Diagnostic:
    """A regular file named `relative` below its folder, with what its name breaks."""
    name = relative.rsplit("/", 1)[-1]
    if name.lower().endswith(EXTENSION) and not name.endswith(EXTENSION):
        fixed = name[: -len(EXTENSION)] + EXTENSION
        return Diagnostic(
            display,
            1,
            1,
            "",
            f"expected the extension {EXTENSION!r}, got {name[-len(EXTENSION) :]!r}: "
            f"rename the file to {printable(fixed)!r}",
        )
    unsafe = names.unsafe_parts(relative)
    problems: tuple[Diagnostic, ...] = ()
    _, leaks = secret_scan.hide(relative)
    if leaks:
        return Diagnostic(
            display,
            1,
            1,
            "",
            f"expected a file name without a credential (it becomes the page's URL), got one "
            f"holding {leaks[0].kind}; rename the file and rotate the credential",
        )
    if unsafe:
        shown = ", ".join(repr(printable(part)) for part in unsafe)
        problems = (
            Diagnostic(
                display,
                1,
                1,
                "",
                f"expected a file name of {names.SAFE_SET} (it becomes the page's URL), "
                f"got {shown}; rename it",
            ),
        )
    return Found(path, display, identity(status), problems)


def walk(folder: Path, display: str | None = None) -> Walk:
    """Every postmortem file below `folder`, in a stable order (names sorted, depth first),
    and every problem met on the way."""
    return _Walker(folder, display_path(folder) if display is None else display).run()


def knowledge_base(path: Path) -> Path | None:
    """The folder a file belongs to: the nearest folder above it holding `taxonomy.yml`
    (looking no higher than a folder holding `.git`), else `postmortems/` of the working
    folder when the file lies below it; None for a file in no knowledge base."""
    absolute = Path(os.path.abspath(path))
    for folder in absolute.parents:
        if os.path.lexists(folder / TAXONOMY):
            return folder
        if os.path.lexists(folder / ".git"):
            break
    default = Path(os.path.abspath(DEFAULT_FOLDER))
    if default in absolute.parents and os.path.isdir(default):
        return default
    return None


def named(path: Path) -> tuple[Walk, Path | None]:
    """What a path named by the user stands for, and the knowledge base it belongs to.

    A folder is walked whole, as the folder of a knowledge base (None for its knowledge
    base: it is its own). Anything else is one file, checked by the walk's rules against its
    knowledge base, else against the folder it lies in: a link must lead inside it, and the
    file is read and shown under its real name.
    """
    shown = display_path(path)
    if not os.path.lexists(path):
        return _problem(shown, "expected a file or folder, found nothing at this path"), None
    absolute = Path(os.path.abspath(path))
    if os.path.isdir(absolute) and not os.path.islink(absolute):
        return _folder(path, shown), None
    folder = knowledge_base(absolute)
    base = folder if folder is not None else absolute.parent
    root = os.path.realpath(base)
    try:
        real = resolve(str(absolute), root)
    except Unfollowable as error:
        return _problem(shown, error.message), folder
    relative = Path(os.path.relpath(real, root)).as_posix()
    if relative != ".":
        shown = _join(display_path(base), printable(relative))
    try:
        status = os.stat(real)  # a path without links: this is its lstat
    except OSError as error:
        return _problem(shown, f"cannot read: {error.strerror}"), folder
    if stat.S_ISDIR(status.st_mode):
        return _folder(Path(real), shown), None
    if not stat.S_ISREG(status.st_mode):
        got = kind(status.st_mode)
        return _problem(shown, f"expected a regular file or a folder, got {got}"), folder
    found = checked_file(Path(real), shown, relative, status)
    if isinstance(found, Found):
        return Walk(files=[found]), folder
    return Walk(problems=[found]), folder


def _problem(shown: str, message: str) -> Walk:
    return Walk(problems=[Diagnostic(shown, 1, 1, "", message)])


def _folder(folder: Path, shown: str) -> Walk:
    found = walk(folder, shown)
    if not found.files:
        empty = "no postmortem files found in this folder"
        found.problems.append(Diagnostic(shown, 1, 1, "", empty, "warning"))
    return found
