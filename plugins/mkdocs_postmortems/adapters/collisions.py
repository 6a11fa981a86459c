"""A docs page and a generated page never share a URL.

MkDocs itself only notices two files of one folder at one URL (`index.md` and `README.md`):
`docs/analytics.md` and a generated `analytics/index.md` both write `/analytics/`, and
whichever is written last wins without a word, so a nav item led to the wrong page. The
plugin claims each URL it generates against the docs files; a docs file there is an error
naming both, a warning to MkDocs so that `--strict` fails.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from mkdocs.structure.files import File, Files


@dataclass(frozen=True)
class Taken:
    """A docs file at the URL of a generated one."""

    file: File
    path: str
    """The docs file as its author knows it (`docs/analytics.md`)."""
    url: str
    """The URL both would publish at, from the site's root (`/analytics/`)."""


class DocsFiles:
    """The files MkDocs found before the plugin added any, by where each is written."""

    def __init__(self, files: Files, root: Path) -> None:
        self.root = root
        self.by_dest: dict[str, File] = {file.dest_uri: file for file in files}

    def path(self, file: File) -> str:
        """The file's path from the project root, or its src_uri if it has no file."""
        source = file.abs_src_path
        if not source:
            return file.src_uri
        relative = os.path.relpath(source, self.root)
        return Path(relative).as_posix() if not relative.startswith("..") else source


def taken(docs: DocsFiles | None, files: Files, dest_uri: str) -> Taken | None:
    """The docs file still in `files` that a generated file written to `dest_uri` would
    overwrite (a docs file of the same name is one); it is given up, once."""
    found = docs.by_dest.pop(dest_uri, None) if docs is not None else None
    if docs is None or found is None or files.get_file_from_path(found.src_uri) is not found:
        return None
    url = "" if found.url in ("", "./") else found.url
    return Taken(found, docs.path(found), "/" + url)


def message(taken: Taken, src_uri: str) -> str:
    """The error: `docs/analytics.md: expected a URL of its own, got /analytics/ ...`."""
    return (
        f"{taken.path}: expected a URL of its own, got {taken.url} which the postmortems "
        f"plugin generates (its page {src_uri}); rename or move {taken.path}"
    )
