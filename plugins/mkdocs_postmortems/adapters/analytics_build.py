"""The site's analytics part, made while MkDocs reads and renders the postmortem pages.

It is the part that needs pandas (tables, figures, the analytics and report pages), and
nothing of it is needed before those pages are read. With a spare core it is made in a
worker from small, plain inputs (`site.build.AnalyticsJob`), and this process never imports
pandas; then the same worker draws the charts this process has not drawn before. Without a
spare core, or if the worker fails, the part is made here when first needed, and charts a
worker could not draw are drawn here.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable, Iterator

from mkdocs_postmortems.adapters import background
from mkdocs_postmortems.site import charts
from mkdocs_postmortems.site.build import AnalyticsJob, Made

_RUN = ("mkdocs_postmortems.site.site_analytics", "run")
_MAKE_AND_DRAW = (__name__, "make_and_draw")
"""What a worker runs to make the part alone (and a build without a spare core, here)."""

Order = tuple[AnalyticsJob, frozenset[str]]
"""What the worker is given: the job, and the charts this process has."""


def make_and_draw(order: Order) -> Iterator[Made | dict[str, bytes]]:
    """In a worker: the part, given at once, then its charts, leaving out those the build's
    process has already.

    The garbage collector runs when told. Left to itself it spent a fifth of this worker's
    time looking again and again at the same objects (pandas' modules, the part's tables),
    which live until the worker ends. The part's garbage is collected once made, among the
    young objects only."""
    from mkdocs_postmortems.site import site_analytics  # pandas: in the worker only

    job, known = order
    automatic = gc.isenabled()
    gc.disable()
    try:
        made = site_analytics.run(job)
        gc.collect(1)
        yield made
        missing = [chart for chart in made.jobs if chart.key not in known]
        yield charts.draw(missing)
    finally:
        if automatic:
            gc.enable()


class Pending:
    """The analytics part being made; `made` and `chart_files` wait for what they give."""

    def __init__(self, job: AnalyticsJob) -> None:
        self._job: AnalyticsJob | None = job  # kept only until a worker has made the part
        self._made: Made | None = None
        self._known: dict[str, bytes] = {}
        self._drawn: Callable[[], dict[str, bytes]] = dict
        self._missing: list[charts.Job] = []
        self._thread: threading.Thread | None = None
        self._parts: background.Parts | None = None
        self._cancelled = False
        self._cancel_lock = threading.Lock()
        """Held while charts are started, so that `cancel` misses none of their workers."""
        if background.workers() > 0:
            had = charts.known()  # what the worker is told this process need not be given
            order: Order = (job, frozenset(had))
            parts = self._parts = background.start_parts(*_MAKE_AND_DRAW, order, later=True)
            self._thread = background.follower(self._follow, (parts, had))

    def _follow(self, parts: background.Parts, had: dict[str, bytes]) -> None:
        """In a thread: the worker's pages; its charts follow."""
        try:
            made = parts.next()
        except background.WorkerError:
            return  # made in the build's thread instead (`made`), unless cancelled
        with self._cancel_lock:
            if self._cancelled:
                return
            self._charts(made, had, parts.next)
        self._made = made
        self._job = None  # its rows, one per postmortem and action item, can go

    def cancel(self) -> None:
        """The build failed: start no more workers, and end those of this part (and of any
        other work of the build) now rather than when they finish."""
        with self._cancel_lock:
            self._cancelled = True
        background.stop_all()

    def _charts(
        self,
        made: Made,
        had: dict[str, bytes] | None = None,
        first: Callable[[], dict[str, bytes]] | None = None,
    ) -> None:
        """Start drawing the part's charts that this process lacks: those it `had` when the
        worker started (else those in its cache now); `first` waits for the worker's."""
        missing = []
        for job in made.jobs:
            svg = charts.cached(job.key) if had is None else had.get(job.key)
            if svg is None:
                missing.append(job)
            else:
                self._known[job.key] = svg
        self._missing = missing
        self._drawn = background.draw_charts(missing, first=first)

    def made(self) -> Made:
        """The pages and figures (charts still placeholders): waits for the worker."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._made is None:
            from mkdocs_postmortems.site import site_analytics  # pandas, here after all

            assert self._job is not None  # dropped only once made
            made = site_analytics.run(self._job)
            self._charts(made)
            self._made = made
        return self._made

    def _pending(self) -> dict[str, str]:
        """The charts still to be drawn: their path in the site, and their key."""
        found = ((path, charts.pending_key(content)) for path, content in self.made().files.items())
        return {path: key for path, key in found if key is not None}

    def data_files(self) -> dict[str, bytes]:
        """The part's files that are ready: `/data/stats.json`, and the charts a part made in
        this process found in its cache."""
        pending = self._pending()
        return {path: data for path, data in self.made().files.items() if path not in pending}

    def chart_paths(self) -> list[str]:
        """Where the charts still being drawn go."""
        return list(self._pending())

    def chart_files(self) -> dict[str, bytes]:
        """The charts by their path in the site, drawn: waits for them."""
        pending = self._pending()
        try:
            fresh = self._drawn()
        except background.WorkerError:  # a worker that died (memory, say): drawn here
            fresh = charts.draw(self._missing)
        self._end_worker()
        drawn = {**self._known, **fresh}
        return {path: drawn[key] for path, key in pending.items()}

    def _end_worker(self) -> None:
        """Wait for the worker to exit, its results taken: a build that ended first would
        leave it to be killed by the kernel, its CPU time unaccounted to the build."""
        parts, self._parts = self._parts, None
        if parts is not None:  # what it failed to give was made here (`made`, `chart_files`)
            with contextlib.suppress(background.WorkerError):
                parts.close()
