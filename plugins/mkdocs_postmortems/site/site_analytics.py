"""The analytics and report pages, their charts and `/data/stats.json`: the part of the
site made with pandas, here or in a worker process (`run`)."""

from __future__ import annotations

from mkdocs_postmortems.analytics import frames as analytics_frames
from mkdocs_postmortems.analytics import stats
from mkdocs_postmortems.analytics.frames import Frames
from mkdocs_postmortems.site import analytics, charts, reports
from mkdocs_postmortems.site.build import AnalyticsJob, Made
from mkdocs_postmortems.site.catalog import Catalog
from mkdocs_postmortems.site.context import Context


def make(catalog: Catalog, frames: Frames) -> Made:
    figures = stats.stats(frames)
    files: dict[str, bytes] = {}
    context = Context(catalog, frames, figures, files=files)
    pages = [*analytics.pages(context), *reports.pages(context)]
    files[stats.JSON_PATH] = stats.to_json(figures).encode()
    return Made(pages, files, figures)


def run(job: AnalyticsJob) -> Made:
    """In a worker: the pages and files, with the charts left as jobs for the caller, which
    knows what its cache holds."""
    catalog = job.catalog
    frames = analytics_frames.from_rows(job.rows, catalog.taxonomy, catalog.as_of)
    with charts.deferred() as jobs:
        made = make(catalog, frames)
    made.jobs = list(jobs.values())
    return made
