"""`postmortems new`: the file it writes, the id and name it picks, the inputs it refuses, and
the TODO placeholders that `postmortems validate` reports as still to fill in.

The command is run as a subprocess with standard input closed, as CI and tests run it: with
every value given as an option it must never ask, and without them it must not block.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from mkdocs_postmortems.cli import scaffold
from mkdocs_postmortems.core import loader
from mkdocs_postmortems.core.corpus import load_file
from mkdocs_postmortems.core.taxonomy import Taxonomy

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
RunNew = Callable[..., subprocess.CompletedProcess[str]]

FLAGS = [
    "--title",
    "Checkout returned 5xx after a config push",
    "--severity",
    "P1",
    "--service",
    "checkout",
    "--service",
    "payments-api,search",
    "--started-at",
    "2026-03-14T09:12:00+01:00",
    "--author",
    "ana.silva",
]
NEW_FILE = "postmortems/2026/2026-03-14-checkout-returned-5xx-after-a-config-push.md"

# Every value `new` leaves to the author, in file order, and what the test fills in.
TO_FILL = {
    "teams[0]": ("teams: [TODO]", "teams: [payments]"),
    "summary": ("summary: TODO", "summary: Checkout failed for 4% of users."),
    "detected_at": ("detected_at: TODO", "detected_at: 2026-03-14T09:19:00+01:00"),
    "mitigated_at": ("mitigated_at: TODO", "mitigated_at: 2026-03-14T09:41:00+01:00"),
    "resolved_at": ("resolved_at: TODO", "resolved_at: 2026-03-14T10:05:00+01:00"),
    "impact.users_affected": ("users_affected: TODO", "users_affected: 12,000"),
    "impact.revenue_usd": ("revenue_usd: TODO", "revenue_usd: 18500"),
    "impact.data_loss": ("data_loss: TODO", "data_loss: false"),
    "impact.data_impact": ("data_impact: TODO", "data_impact: None."),
    "impact.reputation": ("reputation: TODO", "reputation: 37 support tickets."),
    "impact.customer_facing": ("customer_facing: TODO", "customer_facing: true"),
    "trigger": ("trigger: TODO", "trigger: A config push set the pool size to 0."),
    "contributing_factors[0]": (
        "contributing_factors: [TODO]",
        "contributing_factors: [config-change]",
    ),
    "gaps.testing": ("testing: TODO", "testing: No test covered a pool of 0."),
    "gaps.monitoring": ("monitoring: TODO", "monitoring: Alerts were per region."),
    "gaps.process": ("process: TODO", "process: Config pushes skip review."),
    "timeline[0].event": ("event: TODO", "event: Config push reaches all regions."),
    "action_items[0].title": ("- title: TODO", "- title: Canary config pushes"),
    "action_items[0].type": ("type: TODO", "type: prevent"),
    "action_items[0].owner": ("owner: TODO", "owner: ana.silva"),
    "action_items[0].due": ("due: TODO", "due: 2026-04-15"),
    "action_items[0].priority": ("priority: TODO", "priority: high"),
    "communication.internal": ("internal: TODO", "internal: '#payments at 09:20'"),
    "communication.customer": ("customer: TODO", "customer: Status page."),
    "communication.public": ("public: TODO", "public: No."),
    "review.held_on": ("held_on: TODO", "held_on: 2026-03-16"),
    "review.attendees[0]": ("attendees: [TODO]", "attendees: [ana.silva]"),
    "review.documented_by": ("documented_by: TODO", "documented_by: ana.silva"),
    "links.ticket": ("ticket: TODO", "ticket: https://tracker.example.com/INC-1"),
}


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """tmp_path/postmortems/ with the fixture taxonomy and no postmortems yet."""
    (tmp_path / "postmortems").mkdir()
    shutil.copy(FIXTURES / "taxonomy.yml", tmp_path / "postmortems" / "taxonomy.yml")
    return tmp_path


@pytest.fixture
def run_new(run_cli: RunNew) -> RunNew:
    """`postmortems ARGS...` with standard input closed (never a terminal)."""
    return run_cli


def test_new_then_validate_reports_only_what_is_left_to_fill_in(run_new: RunNew, kb: Path) -> None:
    result = run_new("new", *FLAGS, cwd=kb)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{NEW_FILE}\n"
    assert f"postmortems validate {NEW_FILE}" in result.stderr
    text = (kb / NEW_FILE).read_text(encoding="utf-8")
    assert text.startswith("---\n")
    assert "id: PM-2026-001\n" in text
    assert "status: draft" in text
    assert f"date: {dt.date.today().isoformat()}" in text
    assert "services: [checkout, payments-api, search]\n" in text

    checked = run_new("validate", NEW_FILE, cwd=kb)
    assert checked.returncode == 1
    lines = checked.stdout.splitlines()
    assert [line.split(": ")[1:] for line in lines] == [
        [field, "still to fill in (TODO)"] for field in TO_FILL
    ]
    for line in lines:  # each error points at its TODO
        place = line.split(": ")[0].removeprefix(f"{NEW_FILE}:")
        row, column = (int(n) for n in place.split(":"))
        assert text.splitlines()[row - 1][column - 1 :].startswith("TODO")
    assert checked.stderr == f"1 file checked: {len(TO_FILL)} errors\n"

    for old, new in TO_FILL.values():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    assert "TODO" not in text.split("\n---\n")[0].split("\n", 2)[2]  # but in the comment
    (kb / NEW_FILE).write_text(text, encoding="utf-8")
    filled = run_new("validate", NEW_FILE, cwd=kb)
    assert (filled.returncode, filled.stdout) == (0, ""), filled.stdout
    assert filled.stderr == "1 file checked: all valid\n"


def test_the_skeleton_has_the_sections_of_both_templates(run_new: RunNew, kb: Path) -> None:
    run_new("new", *FLAGS, cwd=kb)
    body = (kb / NEW_FILE).read_text(encoding="utf-8").split("\n---\n", 1)[1]
    headings = [line for line in body.splitlines() if line.startswith("#")]
    assert headings == [
        "## Executive Summary",
        "## Root Cause Analysis",
        "### What Happened",
        "### Why It Happened",
        "### Why It Wasn't Caught Earlier",
        "## Resolution",
        "## What Went Well",
        "## What Didn't Go Well",
        "## Where We Got Lucky",
        "## Lessons Learned",
        "### Technical Lessons",
        "### Process Lessons",
        "### Team Lessons",
        "## Blameless Culture Note",
    ]
    assert "<!--" not in body  # guidance must show in the editor preview and on the site


def test_next_free_id_of_the_year(run_new: RunNew, kb: Path) -> None:
    folder = kb / "postmortems"
    for name, pm_id in [
        ("2026/a.md", "PM-2026-007"),
        ("2026/_templates/b.md", "'PM-2026-012'"),
        ("2025/c.md", "PM-2025-040"),
        ("2026/d.md", "HOTFIX-231"),
    ]:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(f"---\nid: {pm_id}  # x\n---\nid: PM-2026-999\n", "utf-8")
    assert scaffold.next_id(folder, 2026) == "PM-2026-013"
    assert scaffold.next_id(folder, 2025) == "PM-2025-041"
    assert scaffold.next_id(folder, 2024) == "PM-2024-001"
    assert scaffold.next_id(kb / "nowhere", 2026) == "PM-2026-001"
    result = run_new("new", *FLAGS, cwd=kb)
    assert "id: PM-2026-013\n" in (kb / result.stdout.strip()).read_text(encoding="utf-8")


def test_named_after_the_local_day_of_the_offset_given(run_new: RunNew, kb: Path) -> None:
    """21:30 on New Year's Eve in New York is 2026 in UTC; it is filed as 2025, like the
    example knowledge base files it."""
    flags = [*FLAGS[:-4], "--started-at", "2025-12-31T21:30:00-05:00", *FLAGS[-2:]]
    result = run_new("new", *flags, cwd=kb)
    assert result.returncode == 0, result.stderr
    path = "postmortems/2025/2025-12-31-checkout-returned-5xx-after-a-config-push.md"
    assert result.stdout == f"{path}\n"
    text = (kb / path).read_text(encoding="utf-8")
    assert "id: PM-2025-001\n" in text
    assert "started_at: 2025-12-31T21:30:00-05:00\n" in text


def test_refuses_to_overwrite(run_new: RunNew, kb: Path) -> None:
    assert run_new("new", *FLAGS, cwd=kb).returncode == 0
    before = (kb / NEW_FILE).read_bytes()
    again = run_new("new", *FLAGS, cwd=kb)
    assert again.returncode == 1
    assert again.stdout == ""
    assert again.stderr == f"postmortems new: {NEW_FILE} already exists; not overwriting it\n"
    assert (kb / NEW_FILE).read_bytes() == before


def test_every_bad_input_at_once(run_new: RunNew, kb: Path) -> None:
    result = run_new(
        "new",
        *["--title", "Two\nlines", "--severity", "p1", "--service", "checkout,Search"],
        *["--started-at", "2026-03-14T09:12:00", "--author", "ana.silva"],
        cwd=kb,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "postmortems new: --title: expected one line of text, got several lines",
        "postmortems new: --severity: expected one of P0, P1, P2, P3; got 'p1' "
        "(did you mean 'P1'?)",
        "postmortems new: --service: "
        "expected a slug (lowercase letters, digits, hyphens), got 'Search'",
        "postmortems new: --started-at: expected an RFC 3339 timestamp with offset like "
        "2026-03-14T09:12:00+00:00, got '2026-03-14T09:12:00' "
        "(add the UTC offset, e.g. Z or +02:00)",
    ]
    assert not list((kb / "postmortems").rglob("*.md"))


def test_service_not_in_the_taxonomy(run_new: RunNew, kb: Path) -> None:
    flags = [f if f != "payments-api,search" else "paymnts-api" for f in FLAGS]
    result = run_new("new", *flags, cwd=kb)
    assert result.returncode == 1
    assert result.stderr == (
        "postmortems new: --service: expected a service listed in the taxonomy, "
        "got 'paymnts-api' (did you mean 'payments-api'?)\n"
    )


def test_missing_values_without_a_terminal_do_not_block(run_new: RunNew, kb: Path) -> None:
    result = run_new("new", "--title", "Search was slow", cwd=kb)
    assert result.returncode == 2
    assert result.stderr == (
        "postmortems new: missing --severity, --service, --started-at, --author "
        "(give them as options, or run in a terminal to be asked)\n"
    )
    assert not list((kb / "postmortems").rglob("*.md"))


def test_taxonomy_option_and_dir(run_new: RunNew, tmp_path: Path) -> None:
    (tmp_path / "vocab.yml").write_text(
        "severities:\n  SEV1: {label: Critical, description: Down.}\n", encoding="utf-8"
    )
    flags = [f if f != "P1" else "SEV1" for f in FLAGS]
    result = run_new("new", *flags, "--dir", "kb", "--taxonomy", "vocab.yml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("kb/2026/2026-03-14-")
    default = run_new("new", *flags, "--dir", "other", cwd=tmp_path)
    assert default.returncode == 1
    assert "--severity: expected one of P0, P1, P2, P3; got 'SEV1'" in default.stderr


def test_asks_in_a_terminal_until_an_answer_is_valid(fixture_taxonomy: Taxonomy) -> None:
    replies = iter(["", "p9", "P2", "search", "2026-03-14T09:12:00Z", "li.wei, ana.silva"])
    asked: list[str] = []
    said: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return next(replies)

    answers = scaffold.collect(
        {"title": ["Search was slow"]}, fixture_taxonomy, ask=ask, say=said.append
    )
    assert answers == scaffold.Answers(
        "Search was slow", "P2", ("search",), "2026-03-14T09:12:00Z", ("li.wei", "ana.silva")
    )
    assert asked == [
        "Severity (P0, P1, P2, P3): ",
        "Severity (P0, P1, P2, P3): ",
        "Severity (P0, P1, P2, P3): ",
        "Services affected (comma-separated): ",
        "Impact started at (with its offset, e.g. 2026-03-14T09:12:00+01:00): ",
        "Authors (comma-separated): ",
    ]
    assert said == ["  expected one of P0, P1, P2, P3; got 'p9'"]


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Checkout: 5xx after a config push!", "checkout-5xx-after-a-config-push"),
        ("Café « crème » outage", "cafe-creme-outage"),
        ("決済エラー", "pm-2026-001"),
        ("word " * 30, "-".join(["word"] * 12)),
        ("x" * 80, "x" * 60),
    ],
)
def test_slug(title: str, slug: str) -> None:
    assert scaffold.slugify(title, "PM-2026-001") == slug


@pytest.mark.parametrize(
    "title",
    ["Checkout: 5xx", "yes", "2026", "a #hashtag here", "'quoted'", "naïve ünïcode", " - [x]"],
)
def test_titles_are_written_so_they_read_back_the_same(
    title: str, tmp_path: Path, fixture_taxonomy: Taxonomy
) -> None:
    answers = scaffold.Answers(title, "P1", ("checkout",), "2026-03-14T09:12:00Z", ("ana",))
    path = scaffold.create(tmp_path, answers, dt.date(2026, 3, 16))
    assert loader.parse(str(path), path.read_bytes()).data["title"] == title
    loaded = load_file(path, fixture_taxonomy)
    assert {d.field for d in loaded.diagnostics} <= set(TO_FILL), loaded.diagnostics


PLACEHOLDERS = """\
---
id: PM-2026-001
title: TODO
severity: TODO
status: "TODO"
authors: [ana]
services: [checkout, TODO]
started_at: TODO
detected_at: 2026-03-14T09:19:00Z
resolved_at: TODO
action_items:
  - {title: Fix it, type: prevent, priority: high, status: open, owner: TODO, due: TODO}
severty: TODO
---
"""


def test_a_placeholder_is_reported_as_still_to_fill_in(
    tmp_path: Path, fixture_taxonomy: Taxonomy
) -> None:
    """Not as the wrong type, the unknown word or the unparsable time it also is; other
    problems (an unknown field) are still reported."""
    path = tmp_path / "x.md"
    path.write_text(PLACEHOLDERS, encoding="utf-8")
    loaded = load_file(path, fixture_taxonomy, "x.md")
    assert loaded.entry is None
    assert [str(d) for d in loaded.diagnostics] == [
        "x.md:3:8: title: still to fill in (TODO)",
        "x.md:4:11: severity: still to fill in (TODO)",
        "x.md:5:9: status: still to fill in (TODO)",
        "x.md:7:22: services[1]: still to fill in (TODO)",
        "x.md:8:13: started_at: still to fill in (TODO)",
        "x.md:10:14: resolved_at: still to fill in (TODO)",
        "x.md:12:73: action_items[0].owner: still to fill in (TODO)",
        "x.md:12:84: action_items[0].due: still to fill in (TODO)",
        "x.md:13:1: severty: unknown field (did you mean 'severity'?)",
    ]


def test_todo_inside_a_value_is_not_a_placeholder(
    tmp_path: Path, fixture_taxonomy: Taxonomy
) -> None:
    path = tmp_path / "x.md"
    text = (FIXTURES / "valid" / "minimal-draft.md").read_text(encoding="utf-8")
    path.write_text(text.replace("Search results", "TODO search results"), encoding="utf-8")
    assert load_file(path, fixture_taxonomy).diagnostics == []
