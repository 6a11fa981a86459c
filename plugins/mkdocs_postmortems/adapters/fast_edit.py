"""Under `mkdocs serve`, an edited postmortem's page first, then the whole site.

MkDocs rebuilds the whole site after any change: at 2,000 postmortems, some twenty seconds
before an author sees their edit. Here, when a change rewrites one published postmortem
and nothing else, its page is made alone first: the file is read and validated again, a
catalog is made with it in place of its old version, and its page goes through the steps
a build takes (every plugin's page events, the theme's template) with the last build's
configuration, files, navigation and theme environment, into the site folder. Browsers
reload and show it. Then a full rebuild runs, as for any change, and puts everything else
right: indexes, analytics, search, other pages' related blocks. Once it ends, the site is
what a cold build of the same files gives.

"Nothing else" is judged by content: the sha256 of every file the build reads (the
postmortems folder, the taxonomy, mkdocs.yml, the docs folder, the theme's custom_dir and
`watch` paths), against those taken when the last complete build began. Anything unusual
takes the full rebuild at once: the file invalid (or so in the last build), new, deleted or
renamed, its id changed, two files changed, the last build failed, an error on the way.
Other files' problems stay as the last build showed them, in the page's banner too.

The full rebuild is asked for `FOLLOW_UP_SECONDS` after the page is written: while a build
runs, MkDocs' server holds every request, and the reloaded page fetches its stylesheets and
scripts first (Chromium shows it styled about half a second after the page is written, at
2,000 postmortems on 2 busy cores). The last build's corpus, files, navigation and theme
environment stay in memory until the next build begins (a few MB at 2,000 postmortems).
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import stat
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from jinja2 import Environment
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import write_file

from mkdocs_postmortems.adapters.serve import Display
from mkdocs_postmortems.core.corpus import Entry, load_file
from mkdocs_postmortems.core.taxonomy import Taxonomy
from mkdocs_postmortems.site.catalog import Catalog, Published

log = get_plugin_logger(__name__)

FOLLOW_UP_SECONDS = 1.5
"""From writing the edited page to asking for the full rebuild."""
MESSAGE = "page updated alone"
"""In the log line of each page made alone: `<file>: page updated alone in 0.41 s; ...`."""

Hashes = dict[str, bytes]
"""Each file's path -> the sha256 of its bytes (empty when it cannot be read)."""


def snapshot(roots: Iterable[str], walked: Iterable[str] = ()) -> Hashes:
    """The hash of every file at or under `roots` (folders walked without following links).

    Below a `walked` folder (the postmortems folder, when MkDocs does not read it whole as
    part of the docs), files the build passes by are left out: `.` names (an editor's swap
    or lock file, which changes with every save) and backups ending in `~`. Otherwise an
    editor's save would change two files and always take the full rebuild."""
    hashes: Hashes = {}
    walked = tuple(walked)
    passed_by = tuple(os.path.join(folder, "") for folder in walked)
    for root in roots:
        if os.path.isdir(root):
            paths = [
                os.path.join(folder, name) for folder, _, names in os.walk(root) for name in names
            ]
            if root in walked:
                paths = [path for path in paths if not _passed_by(path, passed_by)]
        elif os.path.lexists(root):
            paths = [root]
        else:
            continue
        for path in paths:
            hashes[path] = _digest(path)
    return hashes


_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once, without a writer


def _digest(path: str) -> bytes:
    """The sha256 of a regular file's bytes (through a link); empty for anything else (a
    FIFO, a device, a dangling link, no permission), which is never opened for its bytes:
    a FIFO would wait for a writer, a device never end. "Changed" if it moves."""
    try:
        descriptor = os.open(path, _FLAGS)
    except OSError:
        return b""
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return b""
        with os.fdopen(descriptor, "rb", closefd=False) as read:
            return hashlib.file_digest(read, "sha256").digest()
    except OSError:
        return b""
    finally:
        os.close(descriptor)


def _passed_by(path: str, folders: tuple[str, ...]) -> bool:
    """A file below one of `folders` that the postmortem walk never reads (`discovery`)."""
    for folder in folders:
        if path.startswith(folder):
            parts = path[len(folder) :].split(os.sep)
            if any(part.startswith(".") for part in parts):
                return True
            return parts[-1].endswith("~") and not os.path.islink(path)
    return False


def changed(before: Hashes, after: Hashes) -> list[str]:
    """Paths added, removed or rewritten, in order."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


class Renderer(Protocol):
    """The plugin's state that makes a postmortem's page in its page events."""

    catalog: Catalog | None
    unmade: dict[str, Published]
    display: Display | None


@dataclass
class Basis:
    """What a complete build leaves for making one page again."""

    roots: tuple[str, ...]
    walked: tuple[str, ...]
    """The postmortems folder, below which editors' files are passed by (`snapshot`)."""
    hashes: Hashes
    """The files as the build began."""
    config: MkDocsConfig
    entries: list[Entry] = field(default_factory=list)
    sources: dict[str, Entry] = field(default_factory=dict)
    """Each valid postmortem by the absolute path of its file."""
    taxonomy: Taxonomy | None = None
    as_of: dt.date | None = None
    make_catalog: Callable[[list[Entry]], Catalog] | None = None
    """The catalog the build makes of entries (the plugin's settings in it)."""
    nav: Navigation | None = None
    env: Environment | None = None
    files: Files | None = None
    display: Display | None = None
    """The build's problems, whose banner the page carries."""

    @property
    def ready(self) -> bool:
        """Every event of the build has told its part."""
        given = (self.taxonomy, self.as_of, self.make_catalog, self.nav, self.env, self.files)
        return None not in given and self.display is not None


class Session:
    """One `mkdocs serve`: told of each build by the plugin's events, and wrapping the
    server's builder (`install`)."""

    def __init__(self) -> None:
        self.building: Basis | None = None
        self.last: Basis | None = None
        """The last complete build's."""
        self.shown: Hashes | None = None
        """The files as the last page made alone read them, until the full rebuild."""
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self.completed = 0
        """Full builds completed: one that did not complete failed, however early."""

    # The plugin's events, in a build's order.

    def begin(self, config: MkDocsConfig, roots: Iterable[str]) -> None:
        """A full build begins (on_config): the files it reads are hashed now. `roots` are
        the postmortems folder and the taxonomy file."""
        self._cancel()  # this build is the follow-up
        self.last = self.shown = None
        given = [os.path.abspath(path) for path in roots if path]
        others = [config.docs_dir, config.theme.custom_dir, *(str(path) for path in config.watch)]
        read_whole = [os.path.join(os.path.abspath(path), "") for path in others if path]
        # A postmortems folder within the docs (or a watched folder) is read whole by MkDocs.
        walked = tuple(
            path
            for path in given
            if os.path.isdir(path) and not os.path.join(path, "").startswith(tuple(read_whole))
        )
        kept = tuple(
            dict.fromkeys(
                os.path.abspath(path) for path in [*given, config.config_file_path, *others] if path
            )
        )
        self.building = Basis(kept, walked, snapshot(kept, walked), config)

    def read(
        self,
        entries: list[Entry],
        taxonomy: Taxonomy,
        as_of: dt.date,
        make_catalog: Callable[[list[Entry]], Catalog],
    ) -> None:
        """The corpus is read and validated (on_files)."""
        if self.building is not None:
            building = self.building
            building.entries, building.taxonomy, building.as_of = entries, taxonomy, as_of
            building.sources = {os.path.abspath(entry.source): entry for entry in entries}
            building.make_catalog = make_catalog

    def navigation(self, nav: Navigation) -> None:
        if self.building is not None:
            self.building.nav = nav

    def environment(self, env: Environment, files: Files) -> None:
        if self.building is not None:
            self.building.env, self.building.files = env, files

    def complete(self, display: Display | None) -> None:
        """The build is done (on_post_build), with its problems shown by `display`."""
        building, self.building = self.building, None
        self.completed += 1
        if building is not None:
            building.display = display
            if building.ready:
                self.last = building

    def fail(self) -> None:
        """The build failed: the next change rebuilds the site."""
        self.building = self.last = self.shown = None

    # The server.

    def install(
        self, server: LiveReloadServer, renderer: Renderer, rebuild: Callable[[], None]
    ) -> None:
        """Put the page made alone before the server's rebuild, when the change allows;
        `rebuild` asks the server for a rebuild, as a change of a watched file would."""
        build: Callable[..., Any] = server.builder

        def builder(*args: Any, **kwargs: Any) -> None:
            if not args and not kwargs and self.edit(renderer):
                self._follow_up(rebuild)
                return
            completed = self.completed
            build(*args, **kwargs)
            if self.completed == completed:  # failed: a broken mkdocs.yml runs no plugin
                self.fail()  # at all, and serve's guard cleaned the site folder

        server.builder = builder

    def stop(self) -> None:
        self._cancel()

    def edit(self, renderer: Renderer) -> bool:
        """Make the edited postmortem's page alone, if the change is one such edit; False
        when the full rebuild must run now."""
        last = self.last
        if last is None:
            return False
        started = time.perf_counter()
        now = snapshot(last.roots, last.walked)
        if now == self.shown:  # nothing new since the page made alone: the follow-up
            return False
        paths = changed(last.hashes, now)
        old = last.sources.get(paths[0]) if len(paths) == 1 and paths[0] in now else None
        if old is None:
            return False
        # Without the cyclic collector: its full scans of everything the last build left
        # (the catalog allocates enough to start one) cost more than the page.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            made = _page(last, old, renderer)
        except Exception as error:  # never worse than MkDocs' own rebuild, which follows
            log.warning("%s: its page could not be made alone (%s); rebuilding", old.path, error)
            return False
        finally:
            if was_enabled:
                gc.enable()
        if made:
            self.shown = now
            seconds = time.perf_counter() - started
            log.info("%s: %s in %.2f s; the full rebuild follows", old.path, MESSAGE, seconds)
        return made

    def _follow_up(self, rebuild: Callable[[], None]) -> None:
        """Ask for the full rebuild soon, unless it is asked for already: the first save's
        deadline holds, so that an editor saving every second cannot put it off for good."""
        with self._lock:
            if self._timer is not None and self._timer.is_alive():
                return
            self._timer = threading.Timer(FOLLOW_UP_SECONDS, rebuild)
            self._timer.daemon = True
            self._timer.start()

    def _cancel(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None


def _page(last: Basis, old: Entry, renderer: Renderer) -> bool:
    """Read `old`'s file again and write its page; False (nothing written) when the file had
    problems or has, or its id changed (which other files' ids were checked against). Then
    the problems of the knowledge base are those of the last build, and so is the banner."""
    assert last.taxonomy is not None and last.make_catalog is not None  # last.ready
    assert last.files is not None and last.nav is not None and last.env is not None
    display = last.display
    assert display is not None
    if any(diagnostic.path == old.path for diagnostic in display.diagnostics):
        return False
    loaded = load_file(old.source, last.taxonomy, old.path, None, last.as_of)
    new = loaded.entry
    if new is None or loaded.diagnostics or new.postmortem.id != old.postmortem.id:
        return False
    catalog = last.make_catalog([new if entry is old else entry for entry in last.entries])
    item = next((item for item in catalog.items if item.entry is new), None)
    if catalog.problems or item is None:
        return False
    file = last.files.get_file_from_path(item.src_uri)
    if file is None or file.page is None:
        return False
    renderer.catalog, renderer.unmade, renderer.display = catalog, {item.src_uri: item}, display
    try:
        return render(file.page, last.config, last.files, last.nav, last.env)
    finally:
        renderer.catalog, renderer.unmade, renderer.display = None, {}, None


def render(
    page: Page, config: MkDocsConfig, files: Files, nav: Navigation, env: Environment
) -> bool:
    """Read, convert, render and write one page as MkDocs' build does under serve
    (`_populate_page` then `_build_page` of `mkdocs.commands.build`), every plugin's page
    events included. False when the page came out empty, and was not written."""
    page = config.plugins.on_pre_page(page, config=config, files=files)
    page.read_source(config)
    assert page.markdown is not None
    page.markdown = config.plugins.on_page_markdown(
        page.markdown, page=page, config=config, files=files
    )
    page.render(config, files)
    assert page.content is not None
    page.content = config.plugins.on_page_content(
        page.content, page=page, config=config, files=files
    )
    page.active = True
    try:
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        context = get_context(nav, doc_files, config, page)
        template = env.get_template(page.meta.get("template", "main.html"))
        context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
        output = template.render(context)
        output = config.plugins.on_post_page(output, page=page, config=config)
    finally:
        page.active = False
    if not output.strip():
        return False
    write_file(output.encode("utf-8", errors="xmlcharrefreplace"), page.file.abs_dest_path)
    return True
