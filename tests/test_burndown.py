"""The burn-down of open action items on a corpus on disk, against counts worked out by hand
from its files (tests/fixtures/analytics-kb, as of 2026-06-15)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mkdocs_postmortems.analytics import frames
from mkdocs_postmortems.analytics.burndown import QuarterEnd, burn_down
from mkdocs_postmortems.core import taxonomy
from mkdocs_postmortems.core.corpus import load_corpus

KB = Path(__file__).parent / "fixtures" / "analytics-kb"


def _frames(as_of: dt.date) -> frames.Frames:
    tax = taxonomy.load(KB / "postmortems" / "taxonomy.yml")
    corpus = load_corpus([KB / "postmortems"], tax)
    return frames.build(corpus.entries, tax, as_of)


def test_open_items_at_each_quarter_end_by_hand() -> None:
    """2025-Q4 end: the ingest queue's open cap, the session store item closed only on
    2026-02-10, and the gift-card alert (started 2025-12-31 in UTC) = 3.
    2026-Q1 end: 2 of those still open, plus 5 of Q1 (the rate-limit check, two image-worker
    items, the deploy-log item closed on 2026-04-02, the pool dashboard) = 7.
    2026-Q2 on 2026-06-15: 6 carried over (the deploy-log item is now closed) and 5 opened in
    Q2 (two heartbeat items, the import throttle, config ownership, edge rollout) = 11; the
    geo outage is a draft and left out. Five items are done or won't do with no closed_on."""
    result = burn_down(_frames(dt.date(2026, 6, 15)), ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"])
    assert result.ends == [
        QuarterEnd("2025-Q3", 0, False),
        QuarterEnd("2025-Q4", 3, False),
        QuarterEnd("2026-Q1", 7, False),
        QuarterEnd("2026-Q2", 11, True),
    ]
    assert result.closed_undated == 5


def test_a_quarter_ended_on_the_as_of_day_is_complete() -> None:
    result = burn_down(_frames(dt.date(2026, 6, 30)), ["2026-Q2"])
    assert result.ends == [QuarterEnd("2026-Q2", 11, False)]
