"""Analytics of tests/fixtures/analytics-kb/, checked against figures computed by hand.

The knowledge base holds eleven counted postmortems and one draft. Every expected figure
below is a literal worked out from the fixture files (each file's first comment gives its
quarter, severity and durations); nothing here is derived by running the project's code.

Durations in minutes (detect / mitigate / resolve), quarter of started_at in UTC:

    id           quarter  sev  detect  mitigate  resolve  started_at (UTC)
    PM-2025-040  2025-Q4  P2   12.5    40        120      2025-10-07T14:00Z
    PM-2025-044  2025-Q4  P1   5       35        90       2025-11-20T08:00Z
    PM-2026-001  2025-Q4  P2   20.25   -         150      2025-12-31T22:30Z (+03:00 local: 2026)
    PM-2025-050  2026-Q1  P1   7.5     30        196      2026-01-01T01:00Z (-05:00 local: 2025)
    PM-2026-010  2026-Q1  P0   2.75    50.75     180      2026-02-10T06:00Z
    PM-2026-015  2026-Q1  P2   31      60        150      2026-03-05T07:30Z (in-review)
    PM-2026-019  2026-Q1  P1   9.25    40        120      2026-03-31T23:00Z (+02:00 local: April)
    PM-2026-018  2026-Q2  P3   45      -         180      2026-04-01T02:30Z (-05:00 local: March)
    PM-2026-024  2026-Q2  P2   18.75   45        120      2026-04-20T16:00Z
    PM-2026-027  2026-Q2  P1   4.25    25        100      2026-05-12T15:00Z
    PM-2026-031  2026-Q2  P3   60      90        180      2026-06-02T02:00Z
    PM-2026-033  draft    P0   300     360       600      left out of everything

Percentiles: linear interpolation at position (n-1)*q of the sorted values. No figure below
falls on a rounding tie (x.x5 exactly), so any correct rounding gives the same literal.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

RunCli = Callable[..., subprocess.CompletedProcess[str]]
SiteBuilder = Callable[..., Path]

REPO = Path(__file__).resolve().parents[1]
KB = REPO / "tests" / "fixtures" / "analytics-kb"
POSTMORTEMS = KB / "postmortems"
AS_OF = "2026-06-15"
DRAFT_ID = "PM-2026-033"

# 2026-06-15T23:30:00Z: still 15 June in UTC, already 16 June in Tokyo (UTC+9).
# 2026-06-15T00:00Z = 1781481600 (20619 days * 86400); + 23.5 h * 3600 = + 84600.
SOURCE_DATE_EPOCH = "1781566200"

QUARTER_IDS: dict[str, set[str]] = {
    "2025-Q4": {"PM-2025-040", "PM-2025-044", "PM-2026-001"},
    "2026-Q1": {"PM-2025-050", "PM-2026-010", "PM-2026-015", "PM-2026-019"},
    "2026-Q2": {"PM-2026-018", "PM-2026-024", "PM-2026-027", "PM-2026-031"},
}

EXPECTED: dict[str, Any] = {
    "as_of": "2026-06-15",
    "count": 11,  # 12 files, one draft (PM-2026-033)
    "drafts_left_out": 1,
    "undated": 0,  # every counted postmortem has started_at
    # P0: 010; P1: 044, 050, 019, 027; P2: 040, 001, 015, 024; P3: 018, 031 -> 1+4+4+2 = 11
    # (the draft's P0 would make P0: 2)
    "by_severity": {"P0": 1, "P1": 4, "P2": 4, "P3": 2},
    "quarters": {
        "2025-Q4": {
            "count": 3,  # 040, 044, 001 (001 starts 2026-01-01 at +03:00 = 2025-12-31 UTC)
            "by_severity": {"P1": 1, "P2": 2},  # 044 P1; 040, 001 P2; no P0, no P3
            "time_to_detect_minutes": {
                # sorted [5, 12.5, 20.25]
                "n": 3,
                "median": 12.5,  # position 1
                "p90": 18.7,  # position 1.8: 12.5 + 0.8 * 7.75 = 18.7
                "mean": 12.6,  # 37.75 / 3 = 12.583
            },
            "time_to_mitigate_minutes": {
                # sorted [35, 40]; 001 has no mitigated_at
                "n": 2,
                "median": 37.5,  # position 0.5: 35 + 0.5 * 5
                "p90": 39.5,  # position 0.9: 35 + 0.9 * 5
                "mean": 37.5,  # 75 / 2
            },
            "time_to_resolve_minutes": {
                # sorted [90, 120, 150]
                "n": 3,
                "median": 120.0,  # position 1
                "p90": 144.0,  # position 1.8: 120 + 0.8 * 30
                "mean": 120.0,  # 360 / 3
            },
        },
        "2026-Q1": {
            "count": 4,  # 050 (starts 2025-12-31 at -05:00 = 2026-01-01 UTC), 010, 015, 019
            "by_severity": {"P0": 1, "P1": 2, "P2": 1},  # 010 P0; 050, 019 P1; 015 P2; no P3
            "time_to_detect_minutes": {
                # sorted [2.75, 7.5, 9.25, 31]
                "n": 4,
                "median": 8.4,  # position 1.5: (7.5 + 9.25) / 2 = 8.375
                "p90": 24.5,  # position 2.7: 9.25 + 0.7 * 21.75 = 24.475
                "mean": 12.6,  # 50.5 / 4 = 12.625
            },
            "time_to_mitigate_minutes": {
                # sorted [30, 40, 50.75, 60]
                "n": 4,
                "median": 45.4,  # position 1.5: (40 + 50.75) / 2 = 45.375
                "p90": 57.2,  # position 2.7: 50.75 + 0.7 * 9.25 = 57.225
                "mean": 45.2,  # 180.75 / 4 = 45.1875
            },
            "time_to_resolve_minutes": {
                # sorted [120, 150, 180, 196]
                "n": 4,
                "median": 165.0,  # position 1.5: (150 + 180) / 2
                "p90": 191.2,  # position 2.7: 180 + 0.7 * 16
                "mean": 161.5,  # 646 / 4
            },
        },
        "2026-Q2": {
            "count": 4,  # 018 (starts 2026-03-31 at -05:00 = 2026-04-01 UTC), 024, 027, 031
            # 027 P1; 024 P2; 018, 031 P3; no P0 (the draft's P0 is left out)
            "by_severity": {"P1": 1, "P2": 1, "P3": 2},
            "time_to_detect_minutes": {
                # sorted [4.25, 18.75, 45, 60]
                "n": 4,
                "median": 31.9,  # position 1.5: (18.75 + 45) / 2 = 31.875
                "p90": 55.5,  # position 2.7: 45 + 0.7 * 15
                "mean": 32.0,  # 128 / 4
            },
            "time_to_mitigate_minutes": {
                # sorted [25, 45, 90]; 018 has no mitigated_at
                "n": 3,
                "median": 45.0,  # position 1
                "p90": 81.0,  # position 1.8: 45 + 0.8 * 45
                "mean": 53.3,  # 160 / 3 = 53.333
            },
            "time_to_resolve_minutes": {
                # sorted [100, 120, 180, 180]
                "n": 4,
                "median": 150.0,  # position 1.5: (120 + 180) / 2
                "p90": 180.0,  # position 2.7: 180 + 0.7 * 0
                "mean": 145.0,  # 580 / 4
            },
        },
    },
    "time_to_detect_minutes": {
        # sorted [2.75, 4.25, 5, 7.5, 9.25, 12.5, 18.75, 20.25, 31, 45, 60]
        "n": 11,
        "median": 12.5,  # position 5
        "p90": 45.0,  # position 9
        "mean": 19.7,  # 216.25 / 11 = 19.659
    },
    "time_to_mitigate_minutes": {
        # sorted [25, 30, 35, 40, 40, 45, 50.75, 60, 90]; 001 and 018 have no mitigated_at
        "n": 9,
        "median": 40.0,  # position 4
        "p90": 66.0,  # position 7.2: 60 + 0.2 * 30
        "mean": 46.2,  # 415.75 / 9 = 46.194
    },
    "time_to_resolve_minutes": {
        # sorted [90, 100, 120, 120, 120, 150, 150, 180, 180, 180, 196]
        "n": 11,
        "median": 150.0,  # position 5
        "p90": 180.0,  # position 9
        "mean": 144.2,  # 1586 / 11 = 144.18
    },
    # count descending, then key; the draft-only dependency-failure and the never-named
    # runbook-gap are absent; the draft's capacity and alerting-gap are not counted.
    "contributing_factors": [
        {
            "key": "capacity",
            "label": "Capacity exhaustion",
            "count": 6,
            "recurring": True,
            "postmortems": [
                "PM-2025-040",
                "PM-2025-044",
                "PM-2026-010",
                "PM-2026-019",
                "PM-2026-024",
                "PM-2026-027",
            ],
        },
        {
            "key": "config-change",
            "label": "Configuration change",
            "count": 4,
            "recurring": True,
            "postmortems": ["PM-2025-040", "PM-2025-050", "PM-2026-015", "PM-2026-027"],
        },
        {  # 3, tied with missing-canary: "alerting-gap" < "missing-canary"
            "key": "alerting-gap",
            "label": "Alerting gap",
            "count": 3,
            "recurring": True,
            "postmortems": ["PM-2026-001", "PM-2026-015", "PM-2026-018"],
        },
        {
            "key": "missing-canary",
            "label": "No canary or progressive rollout",
            "count": 3,
            "recurring": True,
            "postmortems": ["PM-2025-050", "PM-2026-010", "PM-2026-031"],
        },
        {
            "key": "insufficient-testing",
            "label": "Insufficient testing",
            "count": 1,
            "recurring": False,
            "postmortems": ["PM-2026-024"],
        },
    ],
    # Items per postmortem: 040: 2, 044: 2, 001: 1, 050: 2, 010: 2, 015: 1, 019: 2, 018: 2,
    # 024: 2, 027: 2, 031: 1 -> 19 (the draft's 3 are left out).
    "action_items": {
        "total": 19,
        "open": 8,  # 040, 050, 010, 019, 018 x2, 027, 031
        "in_progress": 3,  # 001, 010, 024
        "done": 6,  # 040, 044, 050, 015, 019, 027
        "wont_do": 2,  # 044, 024
        "overdue": 7,  # the list below
        "completion_rate": 0.353,  # 6 / (19 - 2) = 0.35294
    },
    # Not overdue: 050's item due on as_of itself, done/wont-do items with past dues, and
    # items due after as_of (010 in-progress, 027, 031); the draft's item due 2026-06-01.
    "overdue_action_items": [
        {
            "postmortem": "PM-2025-040",
            "title": "Cap queue growth per tenant",
            "owner": "li.wei",
            "due": "2026-01-31",
            "days_overdue": 135,  # Feb 28 + Mar 31 + Apr 30 + May 31 + 15
            "status": "open",
        },
        {
            "postmortem": "PM-2026-001",
            "title": "Alert on error budget burn for gift cards",
            "owner": "søren.højlund",
            "due": "2026-03-01",
            "days_overdue": 106,  # Mar 31 + Apr 30 + May 31 + 14
            "status": "in-progress",
        },
        {
            "postmortem": "PM-2026-010",
            "title": "Autoscale the image workers",
            "owner": None,  # the fixture taxonomy requires only `due` of open items
            "due": "2026-04-30",
            "days_overdue": 46,  # 1 (Apr 30 -> May 1) + 31 + 14
            "status": "open",
        },
        {  # 45 days, three items: by postmortem id, then by title ("Add" < "Page")
            "postmortem": "PM-2026-018",
            "title": "Add the heartbeat check to the runbook",
            "owner": "priya.nair",
            "due": "2026-05-01",
            "days_overdue": 45,  # 31 + 14
            "status": "open",
        },
        {
            "postmortem": "PM-2026-018",
            "title": "Page on a stale heartbeat",
            "owner": "daniel.reyes",
            "due": "2026-05-01",
            "days_overdue": 45,
            "status": "open",
        },
        {
            "postmortem": "PM-2026-024",
            "title": "Throttle batch imports",
            "owner": "marco.bianchi",
            "due": "2026-05-01",
            "days_overdue": 45,
            "status": "in-progress",
        },
        {
            "postmortem": "PM-2026-019",
            "title": "Add a capacity dashboard for the pool",
            "owner": "ana.silva",
            "due": "2026-06-14",
            "days_overdue": 1,
            "status": "open",
        },
    ],
}

TOP_LEVEL_KEYS = [
    "as_of",
    "count",
    "drafts_left_out",
    "undated",
    "by_severity",
    "quarters",
    "time_to_detect_minutes",
    "time_to_mitigate_minutes",
    "time_to_resolve_minutes",
    "contributing_factors",
    "action_items",
    "overdue_action_items",
]


@pytest.fixture(autouse=True)
def _quiet_mkdocs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.delenv("POSTMORTEMS_AS_OF", raising=False)


def _stats(run_cli: RunCli, folder: Path = POSTMORTEMS) -> subprocess.CompletedProcess[str]:
    return run_cli("stats", folder, "--as-of", AS_OF, "--json")


def _build(build_site: SiteBuilder, tmp_path: Path) -> Path:
    """Build a copy of the fixture knowledge base (nothing is written next to the original)."""
    project = tmp_path / "kb"
    shutil.copytree(KB, project)
    return build_site(project / "mkdocs.yml", tmp_path / "out", as_of=AS_OF)


def test_stats_json_matches_hand_computed_figures(run_cli: RunCli) -> None:
    result = _stats(run_cli)
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats == EXPECTED
    # Order is part of the contract too: keys as listed, quarters chronological,
    # severities in taxonomy order.
    assert list(stats) == TOP_LEVEL_KEYS
    assert list(stats["quarters"]) == ["2025-Q4", "2026-Q1", "2026-Q2"]
    assert list(stats["by_severity"]) == ["P0", "P1", "P2", "P3"]
    assert [list(q["by_severity"]) for q in stats["quarters"].values()] == [
        ["P1", "P2"],
        ["P0", "P1", "P2"],
        ["P1", "P2", "P3"],
    ]
    assert DRAFT_ID not in result.stdout


def test_stats_json_equals_site_stats_json(
    build_site: SiteBuilder, tmp_path: Path, run_cli: RunCli
) -> None:
    result = _stats(run_cli)
    assert result.returncode == 0, result.stderr
    site = _build(build_site, tmp_path)
    text = (site / "data" / "stats.json").read_text(encoding="utf-8")
    assert json.loads(text) == json.loads(result.stdout) == EXPECTED
    assert text == result.stdout  # the same serialisation, byte for byte
    assert DRAFT_ID not in text


def test_as_of_defaults_to_source_date_epoch(run_cli: RunCli, cli_env: dict[str, str]) -> None:
    env = {k: v for k, v in cli_env.items() if k not in ("POSTMORTEMS_AS_OF", "SOURCE_DATE_EPOCH")}
    env["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    env["TZ"] = "Asia/Tokyo"  # local time is already 16 June: the day must be taken in UTC
    result = run_cli("stats", POSTMORTEMS, "--json", env=env)
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["as_of"] == AS_OF
    # On 16 June, 050's item due 2026-06-15 would be overdue and every count one day more.
    assert stats["overdue_action_items"] == EXPECTED["overdue_action_items"]
    assert stats == EXPECTED


class _ReportList(HTMLParser):
    """Text and attribute values inside every element of class `pm-report-postmortems`."""

    VOID = frozenset(
        {
            "area",
            "base",
            "br",
            "col",
            "embed",
            "hr",
            "img",
            "input",
            "link",
            "meta",
            "source",
            "track",
            "wbr",
        }
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # open elements inside the current list; 0 = outside
        self.found = 0
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.chunks.extend(value for _, value in attrs if value)
            if tag not in self.VOID:
                self.depth += 1
            return
        classes = next((value or "" for name, value in attrs if name == "class"), "").split()
        if "pm-report-postmortems" in classes and tag not in self.VOID:
            self.found += 1
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.chunks.append(data)


def _listed_ids(page: str) -> set[str]:
    parser = _ReportList()
    parser.feed(page)
    parser.close()
    assert parser.found, "no element of class pm-report-postmortems"
    return set(re.findall(r"\bPM-\d{4}-\d{3}\b", " ".join(parser.chunks)))


def test_report_pages_hold_their_quarters_postmortems(
    build_site: SiteBuilder, tmp_path: Path
) -> None:
    site = _build(build_site, tmp_path)
    assert set(QUARTER_IDS) == set(EXPECTED["quarters"])
    for quarter, ids in QUARTER_IDS.items():
        assert len(ids) == EXPECTED["quarters"][quarter]["count"]
        report = site / "reports" / quarter / "index.html"
        assert report.is_file(), quarter
        assert _listed_ids(report.read_text(encoding="utf-8")) == ids, quarter
    index = (site / "reports" / "index.html").read_text(encoding="utf-8")
    for quarter in QUARTER_IDS:
        assert re.search(rf'href="[^"]*\b{quarter}/(index\.html)?(#[^"]*)?"', index), quarter
    for page in (site / "reports").rglob("*"):
        if page.is_file():
            assert DRAFT_ID not in page.read_text(encoding="utf-8", errors="replace"), page
    assert DRAFT_ID not in (site / "data" / "stats.json").read_text(encoding="utf-8")


def test_stats_human_readable(run_cli: RunCli) -> None:
    result = run_cli("stats", POSTMORTEMS, "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"\b11\b", out), out  # the count of non-draft postmortems
    for quarter in QUARTER_IDS:
        assert quarter in out, quarter
    assert DRAFT_ID not in out
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)


BROKEN = """\
---
id: PM-2026-099
title: Broken severity, otherwise a full postmortem that would change every figure
severity: p1
status: published
date: 2026-06-13
authors: [ana.silva]
services: [edge]
started_at: 2026-06-12T00:00:00Z
detected_at: 2026-06-12T10:00:00Z
mitigated_at: 2026-06-12T11:00:00Z
resolved_at: 2026-06-12T12:00:00Z
contributing_factors: [runbook-gap, capacity]
action_items:
  - title: Overdue if counted
    type: prevent
    owner: ana.silva
    due: 2026-01-01
    priority: high
    status: open
---

The severity is lower case: `p1` on line 4, its value at column 11.
"""


def test_stats_over_a_folder_with_an_invalid_file(run_cli: RunCli, tmp_path: Path) -> None:
    folder = tmp_path / "postmortems"
    shutil.copytree(POSTMORTEMS, folder)
    (folder / "2026" / "2026-06-12-broken.md").write_text(BROKEN, encoding="utf-8")
    result = _stats(run_cli, folder)
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if "broken.md" in line]
    assert errors, result.stderr
    assert any(
        re.fullmatch(r".*2026-06-12-broken\.md:4:11: severity: .+", line) for line in errors
    ), result.stderr
    assert json.loads(result.stdout) == EXPECTED  # computed over the twelve valid files
    assert "PM-2026-099" not in result.stdout
