"""The quarterly report's figures (`analytics.report_data`): hand-computed on
tests/fixtures/report-kb/ (each number worked out in the comments), and computed again
independently, with PyYAML over the files, on tests/fixtures/analytics-kb/."""

from __future__ import annotations

import datetime as dt
import json
import statistics
from pathlib import Path
from typing import Any

import pytest
import yaml

from mkdocs_postmortems.analytics import frames, lessons, quarters, report_data
from mkdocs_postmortems.core import taxonomy
from mkdocs_postmortems.core.corpus import load_corpus

FIXTURES = Path(__file__).parent / "fixtures"
REPORT_KB = FIXTURES / "report-kb" / "postmortems"
AS_OF = dt.date(2026, 8, 15)


def _data(folder: Path, as_of: dt.date) -> dict[str, dict[str, Any]]:
    tax = taxonomy.load(folder / "taxonomy.yml")
    corpus = load_corpus([folder], tax, as_of=as_of)
    assert corpus.ok, corpus.diagnostics
    tables = frames.build(corpus.entries, tax, as_of)
    book = report_data.Book(tables)
    return {q: book.data(quarters.report(tables, q)) for q in quarters.quarters(tables)}


@pytest.fixture(scope="module")
def kb() -> dict[str, dict[str, Any]]:
    return _data(REPORT_KB, AS_OF)


def _verdict_agrees(change: dict[str, Any]) -> None:
    """The count's verdict comes from `quarters` (tested there); here only its shape."""
    assert change["verdict"] in ("within-noise", "unlikely-chance", "not-tested")
    if change["verdict"] == "not-tested":
        assert change["p_adjusted"] is None
    else:
        assert (change["verdict"] == "unlikely-chance") == (change["p_adjusted"] < 0.05)


def test_quarters_and_bounds(kb: dict[str, dict[str, Any]]) -> None:
    assert list(kb) == ["2026-Q1", "2026-Q2", "2026-Q3"]
    q3 = kb["2026-Q3"]
    assert (q3["start"], q3["end"], q3["partial"]) == ("2026-07-01", "2026-09-30", True)
    assert kb["2026-Q2"]["partial"] is False
    assert q3["as_of"] == "2026-08-15"


def test_first_quarter_by_hand(kb: dict[str, dict[str, Any]]) -> None:
    q1 = kb["2026-Q1"]
    # RK-1 (P1) and RK-2 (P3); none before.
    assert q1["count"] == 2
    assert q1["previous"] == {"quarter": "2025-Q4", "count": 0}
    assert q1["severe"] == {"levels": ["P0", "P1"], "count": 1, "previous": 0}
    # RK-1: 1000 users, $500, customer-facing, no data loss. RK-2's users are words.
    assert q1["impact"] == {
        "users_affected": {"total": 1000, "known": 1},
        "revenue_usd": {"total": 500, "known": 1},
        "customer_facing": 1,
        "data_loss": 0,
    }
    # api: RK-1, 120 min; db: RK-2, 60 min.
    assert q1["services"] == [
        {"service": "api", "postmortems": 1, "minutes": 120},
        {"service": "db", "postmortems": 1, "minutes": 60},
    ]
    assert q1["repeats"] == []
    # RK-1's two items: one closed 03-01 (17 days after its 02-12 date), one closed 04-10,
    # after the quarter's end, so open then and overdue (due 03-20).
    assert q1["action_items"] == {
        "opened": 2,
        "closed": 1,
        "closed_undated": 0,
        "open_at_end": 1,
        "overdue_at_end": 1,
        "median_days_to_close": 17,
    }
    # Resolved 02-10, written 02-12: 2 days; 03-01 to 03-05: 4 days.
    assert q1["publish_lag_days"] == {"n": 2, "median": 3}
    # The first quarter of the knowledge base: no trend before it.
    assert q1["trend"] == [
        {
            "quarter": "2026-Q1",
            "count": 2,
            "severe": 1,
            "time_to_resolve_minutes": {"n": 2, "median": 90},
        }
    ]
    assert q1["year_earlier"] is None  # 2025-Q1 predates the knowledge base
    assert q1["lessons"] == [
        {"postmortem": "RK-1", "section": "Lessons Learned", "text": "Roll out config slowly."}
    ]
    # RK-7 is a draft, RK-4 in review: as of the as-of day, whatever the quarter.
    assert q1["process"] == {"drafts": 1, "in_review": 1}
    _verdict_agrees(q1["count_change"])


def test_a_complete_quarter_by_hand(kb: dict[str, dict[str, Any]]) -> None:
    q2 = kb["2026-Q2"]
    # RK-3 (P0), RK-4 (P2, in review: counted), RK-5 (P1).
    assert q2["count"] == 3
    assert q2["previous"] == {"quarter": "2026-Q1", "count": 2}
    assert q2["severe"] == {"levels": ["P0", "P1"], "count": 2, "previous": 1}
    assert q2["impact"] == {
        "users_affected": {"total": 2500, "known": 1},
        "revenue_usd": {"total": 1000.5, "known": 1},
        "customer_facing": 1,
        "data_loss": 1,
    }
    # web: RK-3 (180) + RK-4 (30); db: RK-5 (360); api: RK-3 (180). Postmortems first, then
    # minutes: db before api.
    assert q2["services"] == [
        {"service": "web", "postmortems": 2, "minutes": 210},
        {"service": "db", "postmortems": 1, "minutes": 360},
        {"service": "api", "postmortems": 1, "minutes": 180},
    ]
    # RK-3 started 64 days after RK-1 (api, config-change); RK-4 16 days after RK-3 (web,
    # bad-deploy). RK-5 shares db and capacity with RK-2, but 96 days after it.
    assert q2["repeats"] == [
        {
            "postmortem": "RK-3",
            "earlier": "RK-1",
            "services": ["api"],
            "factors": ["config-change"],
            "days_apart": 64,
        },
        {
            "postmortem": "RK-4",
            "earlier": "RK-3",
            "services": ["web"],
            "factors": ["bad-deploy"],
            "days_apart": 16,
        },
    ]
    # Opened: RK-3's three. Closed in the quarter: RK-1's 04-10 (57 days after 02-12) and
    # RK-3's 05-10 (20 days after 04-20); RK-3's runbook item is done without a day.
    # Open at 06-30: RK-3's in-progress item, due 06-01, so overdue.
    assert q2["action_items"] == {
        "opened": 3,
        "closed": 2,
        "closed_undated": 1,
        "open_at_end": 1,
        "overdue_at_end": 1,
        "median_days_to_close": 38.5,
    }
    # 5, 2 and 5 days.
    assert q2["publish_lag_days"] == {"n": 3, "median": 5}
    assert [line["quarter"] for line in q2["trend"]] == ["2026-Q1", "2026-Q2"]
    assert q2["trend"][1] == {
        "quarter": "2026-Q2",
        "count": 3,
        "severe": 2,
        "time_to_resolve_minutes": {"n": 3, "median": 180},
    }
    assert q2["lessons"] == [
        {"postmortem": "RK-3", "section": "Where We Got Lucky", "text": "It was a Sunday."},
        {"postmortem": "RK-3", "section": "Lessons Learned", "text": "Tech: Test the deploy."},
    ]
    _verdict_agrees(q2["count_change"])


def test_the_running_quarter_by_hand(kb: dict[str, dict[str, Any]]) -> None:
    q3 = kb["2026-Q3"]
    # RK-6 only (RK-7 is a draft), judged on 2026-08-15.
    assert q3["partial"] is True
    assert q3["count"] == 1 and q3["previous"] == {"quarter": "2026-Q2", "count": 3}
    assert q3["severe"] == {"levels": ["P0", "P1"], "count": 0, "previous": 2}
    assert q3["impact"]["users_affected"] == {"total": 0, "known": 0}
    assert q3["services"] == [{"service": "db", "postmortems": 1, "minutes": 90}]
    assert q3["repeats"] == [
        {
            "postmortem": "RK-6",
            "earlier": "RK-5",
            "services": ["db"],
            "factors": ["capacity"],
            "days_apart": 26,
        }
    ]
    # RK-6's item closed 07-20, 17 days after 07-03. Still open on 08-15: RK-3's item.
    assert q3["action_items"] == {
        "opened": 1,
        "closed": 1,
        "closed_undated": 1,
        "open_at_end": 1,
        "overdue_at_end": 1,
        "median_days_to_close": 17,
    }
    assert q3["publish_lag_days"] == {"n": 1, "median": 2}
    assert [line["count"] for line in q3["trend"]] == [2, 3, 1]
    assert q3["lessons"] == []  # the heading is in a code block
    # The verdict of a running quarter makes no claim: 1 against 3 is no change to speak of.
    assert q3["count_change"]["verdict"] != "unlikely-chance"
    _verdict_agrees(q3["count_change"])


def test_the_headline_speaks_plainly(kb: dict[str, dict[str, Any]]) -> None:
    text = report_data.headline(kb["2026-Q2"])
    assert text.startswith("2026-Q2 had 3 incidents, up from 2 in 2026-Q1")
    assert "2 were P0 or P1" in text
    assert "at least 2 closed" in text
    assert "2 repeated" in text
    for word in ("p =", "p-value", "started_at", "closed_on", "resolved_at", "_"):
        assert word not in text
    # The running quarter: the days seen (1 July to 15 August: 46 of 92), no bare "down".
    running = report_data.headline(kb["2026-Q3"])
    assert running.startswith("2026-Q3 is not over: 1 incident in its first 46 of 92 days")
    assert "down from" not in running
    assert report_data.headline(kb["2026-Q1"]).startswith(
        "2026-Q1 had 2 incidents: it is the first quarter the knowledge base records"
    )


def test_json_is_sorted_indented_and_ends_with_a_newline(kb: dict[str, dict[str, Any]]) -> None:
    text = report_data.to_json(kb["2026-Q2"])
    assert text.endswith("}\n") and json.loads(text) == kb["2026-Q2"]
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_lessons_are_brief_and_skip_code() -> None:
    body = "## Lessons learned\n" + "word " * 200 + "\n```\n## Where We Got Lucky\n```\n# Next\nx"
    [(section, text)] = lessons.quotes(body)
    assert section == "Lessons Learned"
    assert len(text) <= lessons.BRIEF and text.endswith("\u2026")


# An independent computation, from the files with PyYAML, on another knowledge base.

ANALYTICS_KB = FIXTURES / "analytics-kb" / "postmortems"
ANALYTICS_AS_OF = dt.date(2026, 11, 24)
REPO_KB = Path(__file__).parents[1] / "postmortems"


def _utc_day(value: Any) -> dt.date:
    stamp = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return stamp.astimezone(dt.UTC).date()


def _stamp(value: Any) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def _front_matters(folder: Path) -> list[dict[str, Any]]:
    out = []
    for path in sorted(folder.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        front = yaml.safe_load(text.split("---", 2)[1])
        if front.get("status") != "draft" and front.get("started_at"):
            out.append(front)
    return out


def _quarter(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _expected(fronts: list[dict[str, Any]], quarter: str) -> dict[str, Any]:
    first, last = quarters.bounds(quarter)
    judged = min(last, ANALYTICS_AS_OF)
    now = [f for f in fronts if _quarter(_utc_day(f["started_at"])) == quarter]
    users = [
        f["impact"]["users_affected"]
        for f in now
        if isinstance((f.get("impact") or {}).get("users_affected"), int)
    ]
    revenue = [
        f["impact"]["revenue_usd"]
        for f in now
        if (f.get("impact") or {}).get("revenue_usd") is not None
    ]
    services: dict[str, list[float]] = {}
    for f in now:
        minutes = (
            (_stamp(f["resolved_at"]) - _stamp(f["started_at"])).total_seconds() / 60
            if f.get("resolved_at")
            else 0.0
        )
        for s in dict.fromkeys(f["services"]):
            services.setdefault(s, [0, 0.0])
            services[s][0] += 1
            services[s][1] += minutes
    repeats = []
    for f in sorted(now, key=lambda f: _stamp(f["started_at"])):
        for e in sorted(fronts, key=lambda e: str(e["id"])):
            if e.get("status") != "published" or e is f:
                continue
            apart = (_utc_day(f["started_at"]) - _utc_day(e["started_at"])).days
            shared_s = set(f["services"]) & set(e["services"])
            shared_f = set(f.get("contributing_factors", [])) & set(
                e.get("contributing_factors", [])
            )
            earlier = _stamp(e["started_at"]) < _stamp(f["started_at"])
            if earlier and apart <= 90 and shared_s and shared_f:
                repeats.append((f["id"], e["id"], sorted(shared_s), sorted(shared_f), apart))
    items = [
        (f, item)
        for f in fronts
        if _quarter(_utc_day(f["started_at"])) <= quarter
        for item in f.get("action_items", [])
    ]
    closed = [(f, i) for f, i in items if i.get("closed_on") and first <= i["closed_on"] <= last]
    all_items = [(f, i) for f in fronts for i in f.get("action_items", [])]
    closed_all = [
        (f, i) for f, i in all_items if i.get("closed_on") and first <= i["closed_on"] <= last
    ]
    assert len(closed) == len(closed_all)
    to_close = [
        float((i["closed_on"] - (f.get("date") or _utc_day(f["started_at"]))).days)
        for f, i in closed_all
    ]
    lags = [
        float((f["date"] - _utc_day(f["resolved_at"])).days)
        for f in now
        if f.get("date") and f.get("resolved_at")
    ]
    open_at_end = [
        i
        for _, i in items
        if i["status"] in ("open", "in-progress")
        or (i.get("closed_on") and i["closed_on"] > judged)
    ]
    return {
        "count": len(now),
        "users": {"total": sum(users), "known": len(users)},
        "revenue": {
            "total": sum(revenue),
            "known": len(revenue),
        },
        "customer_facing": sum(1 for f in now if (f.get("impact") or {}).get("customer_facing")),
        "services": sorted(
            ((s, n, round(m, 2)) for s, (n, m) in services.items()),
            key=lambda t: (-t[1], -t[2], t[0]),
        ),
        "repeats": repeats,
        "closed": len(closed_all),
        "median_days_to_close": statistics.median(to_close) if to_close else None,
        "lag": {"n": len(lags), "median": statistics.median(lags) if lags else None},
        "open_at_end": len(open_at_end),
    }


@pytest.mark.parametrize("folder", [ANALYTICS_KB, REPO_KB, REPORT_KB], ids=lambda p: p.parent.name)
def test_the_json_against_an_independent_computation(folder: Path) -> None:
    fronts = _front_matters(folder)
    for quarter, data in _data(folder, ANALYTICS_AS_OF).items():
        expected = _expected(fronts, quarter)
        assert data["count"] == expected["count"], quarter
        assert data["impact"]["users_affected"] == expected["users"], quarter
        assert data["impact"]["customer_facing"] == expected["customer_facing"], quarter
        assert data["impact"]["revenue_usd"] == expected["revenue"], quarter
        assert [
            (s["service"], s["postmortems"], s["minutes"]) for s in data["services"]
        ] == expected["services"], quarter
        assert [
            (r["postmortem"], r["earlier"], r["services"], r["factors"], r["days_apart"])
            for r in data["repeats"]
        ] == expected["repeats"], quarter
        items = data["action_items"]
        assert items["closed"] == expected["closed"], quarter
        assert items["median_days_to_close"] == expected["median_days_to_close"], quarter
        assert items["open_at_end"] == expected["open_at_end"], quarter
        assert data["publish_lag_days"] == expected["lag"], quarter
        earlier = data["year_earlier"]
        if earlier is not None:
            assert earlier["count"] == _expected(fronts, earlier["quarter"])["count"], quarter
            assert earlier["quarter"] == f"{int(quarter[:4]) - 1}-{quarter[-2:]}"
