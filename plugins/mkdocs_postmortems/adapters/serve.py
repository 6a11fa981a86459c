"""`mkdocs serve` that keeps serving: through problems, failed builds and a moved folder.

MkDocs' own serve stops on the first build that fails (with `strict`, on any warning) and
then waits, every page request with it, for a build that succeeds ("the server will appear
stuck"). Its watch of a folder ends for good when the folder is moved away. Here, under
serve only: warnings do not stop the build (they are shown on the pages instead: see
`site.problems`), a build that fails anyway shows its error in the browser, and the
knowledge base's folder is watched again when it comes back.
"""

from __future__ import annotations

import logging
import os
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from mkdocs import utils
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page as MkDocsPage
from watchdog.events import FileModifiedEvent, FileSystemEvent, FileSystemEventHandler
from watchdog.observers.api import ObservedWatch

from mkdocs_postmortems.core.diagnostics import Diagnostic
from mkdocs_postmortems.site import problems
from mkdocs_postmortems.site.common import Page
from mkdocs_postmortems.site.html import esc

PLUGIN = "mkdocs_postmortems"
"""The prefix MkDocs' plugin logger puts before the plugin's messages."""
log = logging.getLogger(f"mkdocs.plugins.{PLUGIN}.serve")

POLL_SECONDS = 0.5
"""How often a folder that is gone is looked for: MkDocs' own polling interval."""


def relax_strict() -> bool:
    """Under serve, let warnings not stop the build: take MkDocs' strict-mode counter off
    its logger for this build (it is added again with the next). True if there was one."""
    logger = logging.getLogger("mkdocs")
    counters = [h for h in logger.handlers if isinstance(h, utils.CountHandler)]
    for counter in counters:
        logger.removeHandler(counter)
    return bool(counters)


class Warnings(logging.Handler):
    """Every warning of one build (or what `level` says), as logged."""

    def __init__(self, level: int = logging.WARNING) -> None:
        super().__init__(level)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class Display:
    """One serve build's problems, shown on its pages (`site.problems`): the knowledge
    base's diagnostics on every page, and the build's other warnings on the errors page."""

    def __init__(self) -> None:
        self.warnings = Warnings()
        self.diagnostics: list[Diagnostic] = []
        self.own: dict[str, list[Diagnostic]] = {}
        """The problems of each page's own file, by the page's src_uri."""
        self.errors: File | None = None
        self.templates: tuple[str, ...] = ()
        """The site's template folders (`Catalog.templates`): the pages' overrides."""
        relax_strict()
        logging.getLogger("mkdocs").addHandler(self.warnings)

    def pages(
        self, diagnostics: Sequence[Diagnostic], published: dict[str, str], taken: set[str]
    ) -> list[Page]:
        """The errors page and a page at each unpublished postmortem's place, given every
        diagnostic of the knowledge base, the src_uri of each published file by its path,
        and the src_uris other pages hold."""
        self.diagnostics = sorted(diagnostics)
        grouped = problems.by_file(self.diagnostics)
        self.own = {published[path]: found for path, found in grouped.items() if path in published}
        made = [problems.errors_page(self.diagnostics, self.templates)]
        # An unpublished file's page lists its problems itself: its banner need not.
        made.extend(
            page
            for _, page in problems.unpublished_pages(
                grouped, set(published), set(taken), self.templates
            )
        )
        return made

    def banner(self, page: MkDocsPage) -> str:
        """The banner atop `page`: none on the errors page, which lists everything."""
        src_uri = page.file.src_uri
        if self.errors is None or src_uri == problems.ERRORS:
            return ""
        href = self.errors.url_relative_to(page.file)
        own = self.own.get(src_uri, [])
        return problems.banner(
            self.diagnostics, href, own, full=page.is_homepage, overrides=self.templates
        )

    def finish(self) -> None:
        """The build is done: its other warnings go on the errors page."""
        self.stop()
        if self.errors is None or not os.path.isfile(self.errors.abs_dest_path):
            return
        shown = {str(d) for d in self.diagnostics}  # logged by the plugin, with its prefix
        others = [m for m in self.warnings.messages if m.removeprefix(f"{PLUGIN}: ") not in shown]
        with open(self.errors.abs_dest_path, encoding="utf-8") as written:
            content = written.read()
        content = content.replace(
            problems.OTHERS_MARKER, problems.other_warnings(others, self.templates), 1
        )
        utils.write_file(content.encode("utf-8"), self.errors.abs_dest_path)

    def stop(self) -> None:
        logging.getLogger("mkdocs").removeHandler(self.warnings)


FAILED_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>The site could not be built</title>
</head><body style="font-family: sans-serif; margin: 2rem; max-width: 60rem">
<h1>The site could not be built</h1>
<p><code>mkdocs serve</code> keeps running: fix the cause and save, and the site is built
again (this page reloads by itself; other addresses after a reload).</p>
<pre style="white-space: pre-wrap">{error}</pre>
</body></html>
"""


def guard(server: LiveReloadServer, site_dir: str) -> None:
    """Make a rebuild that raises show its error in the browser, instead of leaving every
    request waiting for a build that succeeds. The errors logged on the way are shown too:
    MkDocs logs a plugin's error and raises a bare "Aborted"."""
    build: Callable[..., Any] = server.builder

    def guarded(*args: Any, **kwargs: Any) -> None:
        errors = Warnings(logging.ERROR)
        logger = logging.getLogger("mkdocs")
        logger.addHandler(errors)
        try:
            build(*args, **kwargs)
        except Exception as error:
            text = "\n".join([*errors.messages, *traceback.format_exception_only(error)]).strip()
            log.error("the site could not be built; the browser shows why")
            utils.clean_directory(site_dir)
            page = FAILED_PAGE.format(error=esc(text))
            for name in ("index.html", "404.html"):
                utils.write_file(page.encode("utf-8"), os.path.join(site_dir, name))
        finally:
            logger.removeHandler(errors)

    server.builder = guarded


class FolderWatch:
    """Watch `folder` for `server`, and watch it again when it is moved away and back (or
    deleted and made again): MkDocs' watch ends when its folder goes. The folder going and
    coming back both rebuild the site."""

    def __init__(self, server: LiveReloadServer, folder: str) -> None:
        self.server = server
        self.folder = os.path.abspath(folder)
        self.handler = FileSystemEventHandler()
        self.handler.on_any_event = self._on_event  # type: ignore[method-assign]
        self.watch: ObservedWatch | None = None
        self.stopped = threading.Event()
        self._waiting = threading.Lock()
        if os.path.isdir(self.folder):
            self._arm()
        else:
            self._wait_for_folder()

    def _arm(self) -> None:
        self.server.watch(self.folder)
        # The same watch as MkDocs' (same path and options), so no second poller.
        self.watch = self.server.observer.schedule(self.handler, self.folder, recursive=True)

    def _on_event(self, event: FileSystemEvent) -> None:
        """MkDocs ignores folder events; the watched folder's going ends its watch."""
        if event.is_directory and event.event_type == "deleted" and event.src_path == self.folder:
            log.info("%s is gone; it is watched for again", self.folder)
            self.rebuild()
            self._wait_for_folder()

    def _wait_for_folder(self) -> None:
        if self._waiting.acquire(blocking=False):
            threading.Thread(target=self._rearm_when_back, daemon=True).start()

    def _rearm_when_back(self) -> None:
        try:
            while not self.stopped.wait(POLL_SECONDS):
                if os.path.isdir(self.folder):
                    if self.watch is not None:
                        self.server.unwatch(self.folder)
                    self._arm()
                    log.info("%s is back; watching it again", self.folder)
                    self.rebuild()
                    return
        finally:
            self._waiting.release()

    def rebuild(self) -> None:
        """Ask MkDocs for a rebuild as a change of a file in the folder would."""
        if self.watch is not None:
            self.server.observer.event_queue.put((FileModifiedEvent(self.folder), self.watch))

    def stop(self) -> None:
        self.stopped.set()
