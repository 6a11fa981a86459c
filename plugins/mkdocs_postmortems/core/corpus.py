"""A knowledge base read from disk: every postmortem file, validated once.

The CLI and the MkDocs plugin both start here, so both see the same files, the same
diagnostics and the same data.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs_postmortems.adapters import background
from mkdocs_postmortems.core import discovery, loader, metrics, reading, secret_scan, uniqueness
from mkdocs_postmortems.core.diagnostics import Diagnostic, has_errors
from mkdocs_postmortems.core.discovery import Found
from mkdocs_postmortems.core.discovery import display_path as display_path  # what callers import
from mkdocs_postmortems.core.reading import Identity
from mkdocs_postmortems.core.schema import Postmortem
from mkdocs_postmortems.core.taxonomy import DEFAULT, Taxonomy
from mkdocs_postmortems.core.validation import validate


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

    @functools.cached_property
    def stem(self) -> str:
        """The file's name without `.md`: its page's name (`/postmortems/<stem>/`)."""
        return Path(self.path).stem


@dataclass
class Corpus:
    entries: list[Entry] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    context: list[Found] = field(default_factory=list)
    """The rest of the named files' knowledge bases (`discover`), unread: what checks
    across files (`recurrence`) may read to check the named ones against."""

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


def is_postmortem_file(path: Path) -> bool:
    """A name the walk reads as a postmortem: `.md` exactly, not a README/index page, not
    starting with `_` or `.` (templates, drafts kept aside)."""
    return discovery.is_postmortem_path(path.name)


@dataclass
class Discovery:
    """The files to check, in order; then the rest of their knowledge bases (`context`),
    read only to check those against; and the problems met finding them."""

    files: list[Found] = field(default_factory=list)
    context: list[Found] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    order: dict[Identity, int] = field(default_factory=dict)
    """Each file's place in the walk of its knowledge base, when it was walked for
    `context`: which of two files is the first, as a build over that folder sees them."""


def discover(paths: Iterable[Path], *, context: bool = False) -> Discovery:
    """Files named, and postmortem files below folders named, in a stable order; each file
    once, however it is spelt or linked (see `discovery`).

    With `context`, a file named is checked against the rest of its knowledge base (the
    folder `discovery.knowledge_base` finds): the other files come in `context`.
    """
    files: dict[Identity, Found] = {}
    problems: list[Diagnostic] = []
    bases: dict[str, Path] = {}
    for path in paths:
        walked, base = discovery.named(path)
        problems.extend(walked.problems)
        for found in walked.files:
            files.setdefault(found.identity, found)
        if context and base is not None and walked.files:
            bases.setdefault(os.path.realpath(base), base)
    rest: dict[Identity, Found] = {}
    order: dict[Identity, int] = {}
    for base in bases.values():
        for found in discovery.walk(base).files:  # its problems are its files' own
            order.setdefault(found.identity, len(order))
            if found.identity not in files:
                rest.setdefault(found.identity, found)
    return Discovery(list(files.values()), list(rest.values()), problems, order)


@dataclass(frozen=True)
class Loaded:
    """What reading one file gave: the entry when valid, its problems, and its raw id."""

    entry: Entry | None
    diagnostics: list[Diagnostic]
    id: str | None = None
    id_position: tuple[int, int] = (1, 1)


def load_file(
    path: Path,
    taxonomy: Taxonomy,
    display: str | None = None,
    expected: Identity | None = None,
    as_of: dt.date | None = None,
) -> Loaded:
    name = display or display_path(path)
    try:  # a regular file only, never through a link, never past the size limit
        raw = reading.read_regular(path, loader.MAX_FILE_BYTES, expected)
    except reading.Unreadable as error:
        return Loaded(None, [Diagnostic(name, 1, 1, "", error.message)])
    # Every diagnostic of the file passes through secret_scan.screen: none may print a
    # credential the file holds, even one the file cannot be parsed far enough to place.
    try:
        document = loader.parse(name, raw)
    except loader.LoadError as error:
        return Loaded(None, secret_scan.screen(name, raw, [error.diagnostic]).diagnostics)
    model, found = validate(document, taxonomy, as_of)
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
EARLY_OWN_WEIGHT = 1.2
"""The same when the workers start while the build is still setting up (`start_loading`
before the build's other work): they are under way by the time this process reads, but a
worker's start-up (about 0.3 s) is most of that head start, and at 1.0 this process was
still seen waiting 0.15 to 0.4 s for its worker at 2,000 postmortems on 2 cores."""
EARLY_FORKED_WEIGHT = 0.9
"""The same for forked workers (`background.forks`), which start at once: at 1.2 this
process read for 0.1 s longer than at 0.9, and at 0.6 it waited for its worker."""


def load_corpus(
    paths: Iterable[Path],
    taxonomy: Taxonomy = DEFAULT,
    *,
    parallel: bool = False,
    context: bool = False,
    as_of: dt.date | None = None,
) -> Corpus:
    """Read and validate every postmortem under `paths`, then the checks across files.

    With `parallel`, a large corpus is shared with `background` workers on spare cores;
    the result is the same. The cyclic garbage collector is paused meanwhile: reading
    allocates many small acyclic objects, and its repeated scans of the growing corpus
    cost a third of the time. With `context`, files named are also checked against the
    rest of their knowledge base (`discover`). `as_of` is the validator's (`validate`).
    """
    return start_loading(
        paths, taxonomy, parallel=parallel, own_weight=OWN_WEIGHT, context=context, as_of=as_of
    ).finish()


def load_files(job: tuple[list[Found], Taxonomy, dt.date]) -> list[Loaded]:
    """Read files found (what a worker is given)."""
    files, taxonomy, as_of = job
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return [load_file(f.path, taxonomy, f.display, f.identity, as_of) for f in files]
    finally:
        if was_enabled:
            gc.enable()


class Loading:
    """A corpus being read: workers have their shares, this process reads its own in
    `finish`. Between the two, the caller can do other work."""

    def __init__(
        self,
        found: Discovery,
        taxonomy: Taxonomy,
        count: int,
        own_weight: float,
        as_of: dt.date | None = None,
    ) -> None:
        named = found.files
        self.as_of = as_of if as_of is not None else metrics.as_of_date(None)
        self.named = named
        self.context = found.context
        self.taxonomy = taxonomy
        self.diagnostics = found.problems
        self.order = found.order
        self.own = len(named)
        self.shares: list[list[Found]] = []
        self.waits: list[Callable[[], list[Loaded]]] = []
        if count > 0:
            # This process reads the first files while the workers read the rest, in order.
            self.own = round(len(named) * own_weight / (own_weight + count))
            size = -(-(len(named) - self.own) // count)
            self.shares = [named[at : at + size] for at in range(self.own, len(named), size)]
            self.waits = [
                background.start(load_files, (share, taxonomy, self.as_of)) for share in self.shares
            ]

    def finish(self) -> Corpus:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._corpus(self._loaded())
        finally:
            if was_enabled:
                gc.enable()

    def _loaded(self) -> list[Loaded]:
        loaded = load_files((self.named[: self.own], self.taxonomy, self.as_of))
        for share, wait in zip(self.shares, self.waits, strict=True):
            try:
                loaded.extend(wait())
            except background.WorkerError:  # a worker that died (memory, say): read it here
                loaded.extend(load_files((share, self.taxonomy, self.as_of)))
        return loaded

    def _corpus(self, all_loaded: list[Loaded]) -> Corpus:
        corpus = Corpus(
            diagnostics=list(self.diagnostics), files=len(self.named), context=self.context
        )
        claims = [
            uniqueness.Claim(found.display, loaded.id, loaded.id_position)
            for found, loaded in zip(self.named, all_loaded, strict=True)
        ]
        wanted = {claim.id for claim in claims if claim.id is not None}
        claims.extend(
            uniqueness.Claim(found.display, peek_id(found, wanted), checked=False)
            for found in self.context
        )
        # In the order a build over the folder meets them (files in no folder walked keep
        # the order given, after), so the error falls on the same file of a pair.
        everyone = [*self.named, *self.context]
        place = sorted(
            range(len(claims)),
            key=lambda i: (
                (0, self.order[everyone[i].identity])
                if everyone[i].identity in self.order
                else (1, i)
            ),
        )
        in_order = uniqueness.conflicts([claims[i] for i in place])
        clashes = {place[at]: problems for at, problems in in_order.items()}
        for index, (found, loaded) in enumerate(zip(self.named, all_loaded, strict=True)):
            problems = loaded.diagnostics
            entry = loaded.entry
            more = [*found.problems, *clashes.get(index, [])]
            if more:
                problems = sorted([*problems, *more])
                entry = None
            corpus.diagnostics.extend(problems)
            if entry is not None:
                corpus.entries.append(entry)
        return corpus


def peek_id(found: Found, wanted: set[str]) -> str | None:
    """The id of a file read only to check others against, when it can be one of `wanted`;
    nothing of it is reported. The front matter is parsed only when it holds one of those
    ids as written, or a backslash (a YAML escape could spell one)."""
    if not wanted:
        return None
    try:
        raw = reading.read_regular(found.path, loader.MAX_FILE_BYTES, found.identity)
        front, _, _ = loader.split(found.display, loader.decode(found.display, raw))
        verbatim = all(_verbatim(wanted_id) for wanted_id in wanted)
        if verbatim and "\\" not in front and not any(w in front for w in wanted):
            return None
        value = loader.parse(found.display, raw).data.get("id")
    except (reading.Unreadable, loader.LoadError):
        return None
    return value if isinstance(value, str) else None


def _verbatim(text: str) -> bool:
    """Text that YAML can only spell as itself: no spaces or line ends (folding), quotes
    or backslashes (escapes)."""
    return not any(char.isspace() or char in "'\"\\" for char in text)


def start_loading(
    paths: Iterable[Path],
    taxonomy: Taxonomy = DEFAULT,
    *,
    parallel: bool = False,
    own_weight: float | None = None,
    context: bool = False,
    as_of: dt.date | None = None,
) -> Loading:
    """Find the files and, with `parallel` and enough of them, start the workers' shares;
    `Loading.finish` gives the corpus `load_corpus` gives. By default this process's share
    is weighed for workers started early (`EARLY_OWN_WEIGHT`, `EARLY_FORKED_WEIGHT`)."""
    found = discover(paths, context=context)
    count = background.workers() if parallel and len(found.files) >= PARALLEL_FROM else 0
    if own_weight is None:
        own_weight = EARLY_FORKED_WEIGHT if background.forks() else EARLY_OWN_WEIGHT
    return Loading(found, taxonomy, count, own_weight, as_of)
