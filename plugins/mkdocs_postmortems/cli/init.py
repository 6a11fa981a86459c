"""`postmortems init DIR`: a new knowledge base repository, ready to validate, build and publish.

The files come from `cli/starter/`, shipped as package data. Names that start with a dot are
stored there as `dot-<name>` (a wheel keeps them, but globs and tools tend to skip hidden
files) and renamed on write. Two files are filled in here: the home block of `docs/index.md`
comes from the marker the plugin replaces, and `requirements.txt` names this package as it
can be installed again (see `requirement`).
"""

from __future__ import annotations

import json
import os
import shlex
from dataclasses import dataclass
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

from mkdocs_postmortems import __version__
from mkdocs_postmortems.site import home_marker

DISTRIBUTION = "mkdocs-postmortems"
REPOSITORY = "https://github.com/bazaarly/postmortems"
"""The package's published git repository (as `.pre-commit-hooks.yaml` names it): it is not
on PyPI, so this is where pip installs it from."""
GIT_EXAMPLE = f"{DISTRIBUTION} @ git+{REPOSITORY}@main"
_DOT = "dot-"
_HOME_BLOCK = "@HOME_BLOCK@"
_REQUIREMENT = "@REQUIREMENT@"


@dataclass(frozen=True)
class StarterFile:
    path: PurePosixPath
    """Where it goes, relative to the new repository."""
    text: str


class InitError(Exception):
    """Why nothing was written; each message is one line for the user."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def requirement() -> str:
    """The line of requirements.txt that installs this package again in CI (see
    `requirement_from`), from what pip recorded when it installed this copy."""
    try:
        recorded = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        recorded = None
    return requirement_from(recorded)


def requirement_from(direct_url: str | None) -> str:
    """The git commit this copy was installed from, when pip recorded one over https
    (PEP 610's direct_url.json): CI can install that again. Else this version by name: a
    local folder or wheel (file://) means nothing on another machine."""
    try:
        origin = json.loads(direct_url) if direct_url else {}
    except ValueError:
        origin = {}
    if isinstance(origin, dict):
        url, vcs = origin.get("url"), origin.get("vcs_info")
        if isinstance(url, str) and url.startswith("https://") and isinstance(vcs, dict):
            commit = vcs.get("commit_id")
            if vcs.get("vcs") == "git" and isinstance(commit, str):
                return f"{DISTRIBUTION} @ git+{url}@{commit}"
    return f"{DISTRIBUTION}=={__version__}"


def by_version_only(line: str) -> bool:
    """Whether a requirements line names this package by version alone, which pip looks up
    on PyPI, where the package is not."""
    return line.strip().replace(" ", "").startswith(f"{DISTRIBUTION}==")


def version_pin_warning(line: str) -> list[str]:
    """What `init` says on stderr when it could only write a version pin (this copy came
    from a folder or a wheel): `pip install -r requirements.txt` would fail until it is
    changed."""
    return [
        f"warning: requirements.txt names {line!r}, which pip cannot install: "
        f"{DISTRIBUTION} is not on PyPI, and this copy was installed from a folder or a wheel",
        "warning: name a commit of its git repository instead, in requirements.txt or with "
        f"--requirement SPEC, e.g. postmortems init DIR --force --requirement "
        f"{shlex.quote(GIT_EXAMPLE)}",
    ]


def starter_files(requirement_line: str) -> list[StarterFile]:
    """Every file of a new knowledge base, in a stable order."""
    root = resources.files("mkdocs_postmortems.cli").joinpath("starter")
    found: list[StarterFile] = []
    for relative, entry in _walk(root, PurePosixPath()):
        text = entry.read_text(encoding="utf-8")
        text = text.replace(_HOME_BLOCK, home_marker.MARKDOWN)
        text = text.replace(_REQUIREMENT, requirement_line)
        found.append(StarterFile(relative, text))
    return sorted(found, key=lambda f: f.path.parts)


def _walk(folder: Traversable, where: PurePosixPath) -> list[tuple[PurePosixPath, Traversable]]:
    files: list[tuple[PurePosixPath, Traversable]] = []
    for entry in folder.iterdir():
        if entry.name == "__pycache__":
            continue
        name = entry.name
        if name.startswith(_DOT):
            name = "." + name.removeprefix(_DOT)
        if entry.is_dir():
            files.extend(_walk(entry, where / name))
        else:
            files.append((where / name, entry))
    return files


def conflicts(target: Path, files: list[StarterFile]) -> list[str]:
    """The files in the way, as paths relative to `target`: anything at a file's path, or a
    file or link where one of its folders must go (writing through a link could land
    anywhere)."""
    taken: list[str] = []
    for starter in files:
        place = target
        for depth, part in enumerate(starter.path.parts, start=1):
            place = place / part
            last = depth == len(starter.path.parts)
            if os.path.lexists(place) and (last or place.is_symlink() or not place.is_dir()):
                taken.append(starter.path.as_posix())
                break
    return taken


def write(target: Path, files: list[StarterFile], *, force: bool) -> list[Path]:
    """Write `files` under `target`; nothing is written when one is there already, unless
    `force` (then regular files are replaced; a folder or a link in the way still stops it)."""
    if target.exists() and not target.is_dir():
        raise InitError([f"{target}: exists and is not a folder"])
    taken = conflicts(target, files)
    if taken and force:
        taken = [p for p in taken if not _replaceable(target, PurePosixPath(p))]
        if taken:
            raise InitError(
                [f"{target / p}: not a regular file; --force replaces files only" for p in taken]
            )
    elif taken:
        raise InitError(
            [f"{target / p}: already exists" for p in taken]
            + ["nothing was written; use --force to replace these files"]
        )
    written: list[Path] = []
    for starter in files:
        path = target.joinpath(*starter.path.parts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", encoding="utf-8", newline="\n") as out:
                out.write(starter.text)
        except OSError as error:
            done = f"; written before it: {len(written)} of {len(files)} files" if written else ""
            raise InitError([f"{path}: {error.strerror or error}{done}"]) from error
        written.append(path)
    return written


def _replaceable(target: Path, relative: PurePosixPath) -> bool:
    """A regular file, reached through folders only: what --force may replace."""
    place = target
    for part in relative.parts[:-1]:
        place = place / part
        if place.is_symlink() or not place.is_dir():
            return False
    place = place / relative.parts[-1]
    return not place.is_symlink() and place.is_file()


def next_commands(target: Path, requirement_line: str = "") -> list[str]:
    """What to run next, as printed after the files."""
    fix = (
        [f"# first edit requirements.txt: {requirement_line} is not on PyPI ({GIT_EXAMPLE})"]
        if by_version_only(requirement_line)
        else []
    )
    return [
        f"cd {shlex.quote(str(target))}",
        *fix,
        "postmortems validate   # the example postmortem passes",
        "mkdocs serve           # the site at http://127.0.0.1:8000",
    ]
