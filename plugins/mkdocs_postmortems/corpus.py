"""A knowledge base read from disk: every postmortem file, validated once.

The CLI and the MkDocs plugin both start here, so both see the same files, the same
diagnostics and the same data.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs_postmortems import background, loader, secret_scan
from mkdocs_postmortems.diagnostics import Diagnostic, has_errors
from mkdocs_postmortems.schema import Postmortem
from mkdocs_postmortems.taxonomy import DEFAULT, Taxonomy
from mkdocs_postmortems.validation import validate


@dataclass(frozen=True)
class Entry:
    """One valid postmortem: where it came from, its front matter and its body."""

    path: str
    source: Path
    postmortem: Postmortem
    body: str
    body_line: int
    # No positions (Marks): a valid file has nothing left to point at, and at 10,000 files
    # they would be most of a build's memory.


@dataclass
class Corpus:
    entries: list[Entry] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


def display_path(path: Path) -> str:
    """The path as a user would type it: relative to the working folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path.as_posix()
    if relative.startswith(".."):
        return path.as_posix()
    return Path(relative).as_posix()


def is_postmortem_file(path: Path) -> bool:
    """Markdown files, except those whose name starts with `_` or `.` (templates, drafts
    kept aside) and README/index pages that describe a folder."""
    name = path.name
    return (
        path.suffix == ".md"
        and not name.startswith(("_", "."))
        and name.lower() not in {"readme.md", "index.md"}
    )


def _hidden(path: Path, root: Path) -> bool:
    """Inside a folder named `_...` or `.…` below the root given (templates, tooling)."""
    return any(part.startswith(("_", ".")) for part in path.relative_to(root).parts[:-1])


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """Files named, and postmortem files below folders named, in a stable order; each file
    once, however it is spelt or linked."""
    found: list[Path] = []
    problems: list[Diagnostic] = []
    for path in paths:
        if path.is_dir():
            below = sorted(
                p
                for p in path.rglob("*.md")
                if p.is_file() and is_postmortem_file(p) and not _hidden(p, path)
            )
            if not below:
                problems.append(
                    Diagnostic(
                        display_path(path),
                        1,
                        1,
                        "",
                        "no postmortem files found in this folder",
                        "warning",
                    )
                )
            found.extend(below)
        elif path.is_file():
            found.append(path)
        elif path.exists():
            problems.append(
                Diagnostic(display_path(path), 1, 1, "", "expected a regular file or a folder")
            )
        else:
            problems.append(
                Diagnostic(
                    display_path(path),
                    1,
                    1,
                    "",
                    "expected a file or folder, found nothing at this path",
                )
            )
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values()), problems


@dataclass(frozen=True)
class Loaded:
    """What reading one file gave: the entry when valid, its problems, and its raw id."""

    entry: Entry | None
    diagnostics: list[Diagnostic]
    id: str | None = None
    id_position: tuple[int, int] = (1, 1)


def load_file(path: Path, taxonomy: Taxonomy, display: str | None = None) -> Loaded:
    name = display or display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        return Loaded(None, [Diagnostic(name, 1, 1, "", f"cannot read: {error.strerror}")])
    # Every diagnostic of the file passes through secret_scan.screen: none may print a
    # credential the file holds, even one the file cannot be parsed far enough to place.
    try:
        document = loader.parse(name, raw)
    except loader.LoadError as error:
        return Loaded(None, secret_scan.screen(name, raw, [error.diagnostic]).diagnostics)
    model, found = validate(document, taxonomy)
    screened = secret_scan.screen(name, raw, found, document)
    diagnostics = screened.diagnostics
    if screened.leaks:  # a file with a credential in it is never published
        model = None
    raw_id = document.data.get("id")
    if isinstance(raw_id, str) and screened.redactor.hides(raw_id):
        raw_id = None  # invalid already, and the unique-id check would quote it
    entry = None
    if model is not None:
        entry = Entry(name, path, model, document.body, document.body_line)
    return Loaded(
        entry,
        diagnostics,
        raw_id if isinstance(raw_id, str) else None,
        document.marks.value(("id",)),
    )


PARALLEL_FROM = 500
"""Files from which a corpus is worth sharing with worker processes (about 0.3 s to start)."""
OWN_WEIGHT = 1.3
"""This process's share against a worker's: it also unpickles what the workers read."""
EARLY_OWN_WEIGHT = 1.0
"""The same when the workers start while the build is still setting up (`start_loading`
before the build's other work): they are under way by the time this process reads."""


def load_corpus(
    paths: Iterable[Path], taxonomy: Taxonomy = DEFAULT, *, parallel: bool = False
) -> Corpus:
    """Read and validate every postmortem under `paths`, then the checks across files.

    With `parallel`, a large corpus is shared with `background` workers on spare cores;
    the result is the same. The cyclic garbage collector is paused meanwhile: reading
    allocates many small acyclic objects, and its repeated scans of the growing corpus
    cost a third of the time.
    """
    return start_loading(paths, taxonomy, parallel=parallel, own_weight=OWN_WEIGHT).finish()


def load_files(job: tuple[list[tuple[Path, str]], Taxonomy]) -> list[Loaded]:
    """Read files given with their display names (what a worker is given)."""
    files, taxonomy = job
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return [load_file(path, taxonomy, name) for path, name in files]
    finally:
        if was_enabled:
            gc.enable()


class Loading:
    """A corpus being read: workers have their shares, this process reads its own in
    `finish`. Between the two, the caller can do other work."""

    def __init__(
        self,
        named: list[tuple[Path, str]],
        taxonomy: Taxonomy,
        diagnostics: list[Diagnostic],
        count: int,
        own_weight: float,
    ) -> None:
        self.named = named
        self.taxonomy = taxonomy
        self.diagnostics = diagnostics
        self.own = len(named)
        self.shares: list[list[tuple[Path, str]]] = []
        self.waits: list[Callable[[], list[Loaded]]] = []
        if count > 0:
            # This process reads the first files while the workers read the rest, in order.
            self.own = round(len(named) * own_weight / (own_weight + count))
            size = -(-(len(named) - self.own) // count)
            self.shares = [named[at : at + size] for at in range(self.own, len(named), size)]
            self.waits = [background.start(load_files, (share, taxonomy)) for share in self.shares]

    def finish(self) -> Corpus:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._corpus(self._loaded())
        finally:
            if was_enabled:
                gc.enable()

    def _loaded(self) -> list[Loaded]:
        loaded = load_files((self.named[: self.own], self.taxonomy))
        for share, wait in zip(self.shares, self.waits, strict=True):
            try:
                loaded.extend(wait())
            except background.WorkerError:  # a worker that died (memory, say): read it here
                loaded.extend(load_files((share, self.taxonomy)))
        return loaded

    def _corpus(self, all_loaded: list[Loaded]) -> Corpus:
        corpus = Corpus(diagnostics=list(self.diagnostics), files=len(self.named))
        first_by_id: dict[str, str] = {}
        for (_, name), loaded in zip(self.named, all_loaded, strict=True):
            problems = loaded.diagnostics
            entry = loaded.entry
            if loaded.id is not None:
                if loaded.id in first_by_id:
                    line, column = loaded.id_position
                    message = (
                        f"expected a unique id, got {loaded.id!r}, "
                        f"already used by {first_by_id[loaded.id]}"
                    )
                    problems = sorted([*problems, Diagnostic(name, line, column, "id", message)])
                    entry = None
                else:
                    first_by_id[loaded.id] = name
            corpus.diagnostics.extend(problems)
            if entry is not None:
                corpus.entries.append(entry)
        return corpus


def start_loading(
    paths: Iterable[Path],
    taxonomy: Taxonomy = DEFAULT,
    *,
    parallel: bool = False,
    own_weight: float = EARLY_OWN_WEIGHT,
) -> Loading:
    """Find the files and, with `parallel` and enough of them, start the workers' shares;
    `Loading.finish` gives the corpus `load_corpus` gives."""
    files, diagnostics = discover(paths)
    named = [(path, display_path(path)) for path in files]
    count = background.workers() if parallel and len(named) >= PARALLEL_FROM else 0
    return Loading(named, taxonomy, diagnostics, count, own_weight)
