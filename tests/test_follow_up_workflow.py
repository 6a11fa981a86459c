"""The follow-up workflow: its script against a fake `gh` first on PATH (tests/fake_gh.py),
over runs that open, update, close and reopen one issue per owner; owners' names as hostile
input; and every workflow file through actionlint."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import yaml

from mkdocs_postmortems.cli import follow_up_issues as fui
from mkdocs_postmortems.core import follow_up, taxonomy
from mkdocs_postmortems.core.deadlines import LatePublication

REPO = Path(__file__).resolve().parents[1]
FAKE_GH = REPO / "tests" / "fake_gh.py"
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))

TAXONOMY = """\
severities:
  P1: {label: Major, description: A core flow is down.}
  P2: {label: Moderate, description: A partial outage.}
required:
  open_action_items: [due]
owners:
  ana.silva: ana-silva
  li.wei: liwei
  "Team Payments": bazaarly/payments
  "\\"; touch PWNED #": mallory
"""

HOSTILE = [
    '"; touch PWNED #',
    "$(touch PWNED)",
    "<!-- postmortems-follow-up: owner=ana.silva -->",
    "@everyone [x](javascript:alert(1)) | <b>bold</b> `code` -->",
]


def _item(title: str, owner: str | None, due: str, status: str = "open") -> dict[str, Any]:
    item: dict[str, Any] = {"title": title, "type": "prevent", "priority": "high"}
    if owner is not None:
        item["owner"] = owner
    return {**item, "due": due, "status": status}


def _postmortem(ident: str, items: list[dict[str, Any]], status: str = "published") -> str:
    data = {
        "id": ident,
        "title": f"Incident {ident}",
        "severity": "P1",
        "status": status,
        "authors": ["ana.silva"],
        "services": ["checkout"],
        "started_at": "2026-01-05T10:00:00+00:00",
        "detected_at": "2026-01-05T10:05:00+00:00",
        "resolved_at": "2026-01-05T11:00:00+00:00",
        "contributing_factors": ["config-change"],
        "action_items": items,
    }
    return "---\n" + json.dumps(data, indent=1, ensure_ascii=False) + "\n---\n\nBody.\n"


def write_kb(root: Path, postmortems: dict[str, list[dict[str, Any]]]) -> Path:
    kb = root / "postmortems"
    if kb.exists():
        shutil.rmtree(kb)
    (kb / "2026").mkdir(parents=True)
    (kb / "taxonomy.yml").write_text(TAXONOMY, "utf-8")
    for number, (ident, items) in enumerate(sorted(postmortems.items())):
        path = kb / "2026" / f"2026-01-{number + 10:02d}-incident-{number}.md"
        path.write_text(_postmortem(ident, items), "utf-8")
    return kb


@pytest.fixture
def repo(tmp_path: Path) -> dict[str, Any]:
    """A working folder, a fake gh first on PATH and its state file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(
        f"#!{sys.executable}\nimport runpy, sys\nsys.argv[0] = 'gh'\n"
        f"runpy.run_path({str(FAKE_GH)!r}, run_name='__main__')\n",
        "utf-8",
    )
    gh.chmod(0o755)
    state = tmp_path / "gh-state.json"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GITHUB_", "POSTMORTEMS_", "GH_")) and key != "SOURCE_DATE_EPOCH"
    }
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        GH_TOKEN="test-token",
        GH_REPO="bazaarly/postmortems",
        FAKE_GH_STATE=str(state),
        GITHUB_SERVER_URL="https://github.com",
        GITHUB_REPOSITORY="bazaarly/postmortems",
        GITHUB_REF_NAME="main",
        GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
        PYTHONUTF8="1",
    )
    work = tmp_path / "work"
    work.mkdir()
    return {"env": env, "state": state, "work": work, "summary": tmp_path / "summary.md"}


def follow(repo: dict[str, Any], as_of: str, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mkdocs_postmortems.cli.follow_up_issues", "postmortems"]
    result = subprocess.run(
        [*command, "--as-of", as_of, *extra],
        cwd=repo["work"],
        env=repo["env"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def state(repo: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(repo["state"].read_text("utf-8"))
    return data


def by_owner(repo: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Issues by the owner their marker names; fails on two markers in one body or two
    issues of one owner."""
    out: dict[str, dict[str, Any]] = {}
    for issue in state(repo)["issues"]:
        markers = re.findall(r"<!-- postmortems-follow-up: owner=(\S*) -->", issue["body"])
        assert len(markers) == 1, issue["body"]
        owner = unquote(markers[0])
        assert owner not in out, f"two issues for {owner!r}"
        out[owner] = issue
    return out


def mutating_calls(repo: dict[str, Any], since: int) -> list[list[str]]:
    return [
        call
        for call in state(repo)["calls"][since:]
        if call[:2] != ["issue", "list"] and call[:2] != ["label", "create"]
    ]


FIRST = {
    "PM-2026-001": [
        _item("Alert on checkout 5xx", "ana.silva", "2026-02-01"),
        _item("Runbook for the gateway", "li.wei", "2026-03-01", "in-progress"),
        _item("Load test", "li.wei", "2026-12-01"),  # not due
        _item("Done already", "ana.silva", "2026-01-20", "done"),
    ],
    "PM-2026-002": [
        _item("Canary the config", "Team Payments", "2026-02-15"),
        _item("Unowned work", None, "2026-02-15"),
        _item("Someone without a handle", "marco.bianchi", "2026-02-20"),
    ],
}


def test_open_update_close_reopen(repo: dict[str, Any]) -> None:
    write_kb(repo["work"], FIRST)

    # 1. Open: one issue per owner with overdue work, labelled, assigned, mentioned.
    result = follow(repo, "2026-04-01")
    assert result.returncode == 0, result.stderr
    assert "1 overdue action item without an owner" in result.stderr
    issues = by_owner(repo)
    assert sorted(issues) == sorted(["ana.silva", "li.wei", "marco.bianchi", "Team Payments"])
    assert state(repo)["labels"][fui.LABEL]["color"] == fui.LABEL_COLOR
    for owner, issue in issues.items():
        assert issue["state"] == "OPEN"
        assert issue["labels"] == [fui.LABEL]
        assert owner in issue["title"]
    assert issues["ana.silva"]["assignees"] == ["ana-silva"]
    assert issues["li.wei"]["assignees"] == ["liwei"]
    assert issues["Team Payments"]["assignees"] == []  # a team is mentioned, not assigned
    assert issues["Team Payments"]["body"].count("@bazaarly/payments") == 1
    assert issues["marco.bianchi"]["assignees"] == []
    assert "@" not in issues["marco.bianchi"]["body"].replace("@\u200b", "")
    ana = issues["ana.silva"]["body"]
    assert ana.startswith("<!-- postmortems-follow-up: owner=ana.silva -->\n@ana-silva: ")
    assert "Alert on checkout 5xx" in ana and "Done already" not in ana
    assert "| 59 days overdue |" in ana
    # The postmortem links to the line of the item's due day in the repository.
    link = re.search(r"\[PM-2026-001\]\((\S+)\)", ana)
    assert link is not None
    assert link.group(1).startswith(
        "https://github.com/bazaarly/postmortems/blob/main/postmortems/2026/"
        "2026-01-10-incident-0.md?plain=1#L"
    )
    line = int(link.group(1).rsplit("#L", 1)[1])
    source = (repo["work"] / "postmortems/2026/2026-01-10-incident-0.md").read_text("utf-8")
    assert '"2026-02-01"' in source.splitlines()[line - 1]
    li = issues["li.wei"]["body"]
    assert "Runbook for the gateway" in li and "Load test" not in li
    # The run's page shows the digest too.
    digest = repo["summary"].read_text("utf-8")
    assert digest.startswith("## Overdue action items as of 2026-04-01\n")
    assert "### \\(no owner\\) (1 overdue)" in digest

    # 1b. The same run again changes nothing.
    calls = len(state(repo)["calls"])
    assert follow(repo, "2026-04-01").returncode == 0
    assert mutating_calls(repo, calls) == []

    # 2. Update: later, with a new item overdue; the same issues are edited, none opened.
    second = {key: list(items) for key, items in FIRST.items()}
    second["PM-2026-003"] = [_item("Fix the retry storm", "ana.silva", "2026-04-15")]
    write_kb(repo["work"], second)
    calls = len(state(repo)["calls"])
    result = follow(repo, "2026-05-01", "--due-within", "14")
    assert result.returncode == 0, result.stderr
    after = by_owner(repo)
    assert {o: i["number"] for o, i in after.items()} == {o: i["number"] for o, i in issues.items()}
    assert all(i["state"] == "OPEN" for i in after.values())
    assert "Fix the retry storm" in after["ana.silva"]["body"]
    assert "| 89 days overdue |" in after["ana.silva"]["body"]
    assert not any(call[:2] == ["issue", "create"] for call in mutating_calls(repo, calls))
    # Only the new item is announced, in a comment that mentions the owner.
    assert after["ana.silva"]["comments"] == [
        "@ana-silva: 1 action item newly overdue as of 2026-05-01:\n\n"
        "- PM-2026-003: Fix the retry storm (due 2026-04-15)\n"
    ]
    assert after["li.wei"]["comments"] == []

    # 3. Close: ana's items done; her issue is closed, the others stay open.
    third = {
        key: [
            {**item, "status": "done"} if item.get("owner") == "ana.silva" else item
            for item in items
        ]
        for key, items in second.items()
    }
    write_kb(repo["work"], third)
    result = follow(repo, "2026-05-01", "--due-within", "14")
    assert result.returncode == 0, result.stderr
    closed = by_owner(repo)
    assert closed["ana.silva"]["state"] == "CLOSED"
    assert closed["ana.silva"]["state_reason"] == "completed"
    assert (
        "Nothing of this owner is overdue as of 2026-05-01" in closed["ana.silva"]["comments"][-1]
    )
    assert sorted(o for o, i in closed.items() if i["state"] == "OPEN") == sorted(
        ["li.wei", "marco.bianchi", "Team Payments"]
    )
    assert len(state(repo)["issues"]) == 4

    # 3b. Idempotent once closed too.
    calls = len(state(repo)["calls"])
    assert follow(repo, "2026-05-01", "--due-within", "14").returncode == 0
    assert mutating_calls(repo, calls) == []

    # 4. Overdue again: the same issue is reopened, not a new one opened.
    fourth = {key: list(items) for key, items in third.items()}
    fourth["PM-2026-004"] = [_item("Review the alert thresholds", "ana.silva", "2026-05-10")]
    write_kb(repo["work"], fourth)
    assert follow(repo, "2026-06-01").returncode == 0
    again = by_owner(repo)
    assert again["ana.silva"]["number"] == issues["ana.silva"]["number"]
    assert again["ana.silva"]["state"] == "OPEN"
    assert "Review the alert thresholds" in again["ana.silva"]["body"]
    assert again["ana.silva"]["comments"][-1].startswith("@ana-silva: 1 action item overdue again")
    assert len(state(repo)["issues"]) == 4


def test_hostile_owner_names(repo: dict[str, Any]) -> None:
    """Names that would run commands in a shell, fake another owner's marker, mention
    everyone or inject Markdown and HTML: each gets its own issue, shown as text."""
    items = {
        f"PM-2026-{n:03d}": [_item(f"Item {n} [x](javascript:1) <img src=x>", owner, "2026-02-01")]
        for n, owner in enumerate(HOSTILE, start=1)
    }
    items["PM-2026-099"] = [_item("Plain", "ana.silva", "2026-02-01")]
    write_kb(repo["work"], items)
    for _ in range(2):
        result = follow(repo, "2026-04-01")
        assert result.returncode == 0, result.stderr
    assert not (repo["work"] / "PWNED").exists()
    assert not (repo["work"] / "postmortems" / "PWNED").exists()
    issues = by_owner(repo)
    assert sorted(issues) == sorted([*HOSTILE, "ana.silva"])
    assert len(state(repo)["issues"]) == len(HOSTILE) + 1
    for owner, issue in issues.items():
        body = issue["body"]
        text = body.split("\n", 1)[1]  # below the marker
        unescaped = re.findall(r"(?<!\\)<", text.replace("<!-- postmortems-follow-up-items:", ""))
        assert unescaped == [], body
        # No mention but the configured handle's: every other @ is followed by a zero-width
        # space.
        mentions = re.findall(r"@(?!\u200b)[\w/-]+", text)
        handle = {"ana.silva": ["@ana-silva"], HOSTILE[0]: ["@mallory"]}.get(owner, [])
        assert mentions == handle, (owner, mentions)
        assert "](javascript" not in text
        # Table rows keep their six cells whatever a title holds.
        for row in (line for line in text.splitlines() if line.startswith("|")):
            assert len(re.split(r"(?<!\\)\|", row)) == 8, row
    assert issues[HOSTILE[0]]["assignees"] == ["mallory"]


def test_handle_that_cannot_be_assigned_is_a_warning(repo: dict[str, Any]) -> None:
    repo["state"].write_text(
        json.dumps({"next": 1, "issues": [], "labels": {}, "calls": [], "unassignable": ["liwei"]}),
        "utf-8",
    )
    write_kb(repo["work"], FIRST)
    result = follow(repo, "2026-04-01")
    assert result.returncode == 0, result.stderr
    assert "could not assign liwei" in result.stderr
    issue = by_owner(repo)["li.wei"]
    assert issue["assignees"] == [] and "@liwei" in issue["body"]


def test_invalid_knowledge_base_closes_nothing(repo: dict[str, Any]) -> None:
    write_kb(repo["work"], FIRST)
    assert follow(repo, "2026-04-01").returncode == 0
    broken = repo["work"] / "postmortems" / "2026" / "2026-01-10-incident-0.md"
    broken.write_text(broken.read_text("utf-8").replace('"severity": "P1"', '"severity": "P9"'))
    result = follow(repo, "2026-04-01")
    assert result.returncode == 1
    assert "severity" in result.stderr and "no issue is closed" in result.stderr
    assert all(issue["state"] == "OPEN" for issue in by_owner(repo).values())


def test_duplicates_are_closed_and_the_oldest_kept(repo: dict[str, Any]) -> None:
    write_kb(repo["work"], FIRST)
    assert follow(repo, "2026-04-01").returncode == 0
    data = state(repo)
    ana = next(i for i in data["issues"] if "owner=ana.silva " in i["body"])
    copy = {**ana, "number": data["next"], "comments": []}
    data["issues"].append(copy)
    data["next"] += 1
    repo["state"].write_text(json.dumps(data), "utf-8")
    assert follow(repo, "2026-04-01").returncode == 0
    after = {i["number"]: i for i in state(repo)["issues"]}
    assert after[ana["number"]]["state"] == "OPEN"
    assert after[copy["number"]]["state"] == "CLOSED"
    assert after[copy["number"]]["state_reason"] == "not planned"


def test_dry_run_changes_nothing(repo: dict[str, Any]) -> None:
    write_kb(repo["work"], FIRST)
    result = follow(repo, "2026-04-01", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "would run: gh issue create --title" in result.stderr
    assert state(repo)["issues"] == []
    assert all(call[:2] == ["issue", "list"] for call in state(repo)["calls"])


def test_without_gh_token_it_fails_without_changes(repo: dict[str, Any]) -> None:
    write_kb(repo["work"], FIRST)
    del repo["env"]["GH_TOKEN"]
    result = follow(repo, "2026-04-01")
    assert result.returncode == 1
    assert "GH_TOKEN" in result.stderr
    assert not repo["state"].exists()


def test_plan_is_pure_and_minimal() -> None:
    as_of = dt.date(2026, 4, 1)
    row = follow_up.Row(
        "PM-1",
        "T",
        "p.md",
        "P1",
        0,
        "Fix",
        "ana",
        "ana",
        dt.date(2026, 3, 1),
        31,
        "open",
        "high",
    )
    want = fui.issue_for("ana", "ana", [row], [], as_of, 0, lambda r: r.postmortem)
    same = fui.Existing(7, True, want.title, want.body, ("ana",), want.marker)
    assert fui.plan([want], [same]) == []
    closed = fui.Existing(7, False, want.title, want.body, ("ana",), want.marker)
    assert [a.kind for a in fui.plan([want], [closed])] == ["update"]
    assert [a.kind for a in fui.plan([], [same])] == ["close"]
    assert fui.plan([], [same], close=False) == []
    assert [a.kind for a in fui.plan([want], [])] == ["create"]


def test_workflow_runs_the_script_with_least_permissions() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "follow-up.yml").read_text())
    triggers = workflow[True]  # PyYAML reads the key `on` as a boolean
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    assert triggers["schedule"][0]["cron"].split()[4] != "*"  # weekly
    assert workflow["permissions"] == {"contents": "read", "issues": "write"}
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "python -m mkdocs_postmortems.cli.follow_up_issues" in runs
    assert "${{" not in runs  # expressions reach the script through env, never the shell
    env = next(s["env"] for s in steps if "follow_up_issues" in s.get("run", ""))
    assert env["GH_TOKEN"] == "${{ github.token }}"
    assert env["GH_REPO"] == "${{ github.repository }}"


def _actionlint() -> str | None:
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent))
    return found or shutil.which("actionlint")


def _lint(workflow: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """actionlint over one file; skipped without it, except in CI (`CI` set), where the
    test extra must have brought it."""
    binary = _actionlint()
    if binary is None:
        message = "actionlint is not installed (pip install -e '.[test]' brings it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return subprocess.run(
        [binary, "-no-color", str(workflow)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[w.name for w in WORKFLOWS])
def test_workflow_passes_actionlint(workflow: Path) -> None:
    result = _lint(workflow, REPO)
    assert result.returncode == 0, textwrap.indent(result.stdout + result.stderr, "  ")


def test_actionlint_refuses_a_broken_workflow(tmp_path: Path) -> None:
    """The control: a bad cron, an unknown permission and an untrusted expression in a
    script are each reported."""
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    bad = folder / "bad.yml"
    bad.write_text(
        "on:\n  schedule:\n    - cron: '23 6 * * 8'\npermissions:\n  issue: write\n"
        "jobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        '      - run: echo "${{ github.event.issue.title }}"\n',
        "utf-8",
    )
    result = _lint(bad, tmp_path)
    assert result.returncode == 1
    for rule in ("[events]", "[permissions]", "[expression]"):
        assert rule in result.stdout, result.stdout


def test_every_workflow_is_checked() -> None:
    assert {w.name for w in WORKFLOWS} >= {"pr.yml", "pages.yml", "follow-up.yml"}


def test_late_postmortems_reach_their_authors() -> None:
    """A postmortem past its publish deadline is its authors' work: each gets it in their
    issue, beside their overdue items; an owner with only items due soon gets no issue."""

    as_of = dt.date(2026, 4, 1)
    soon = follow_up.Row(
        "PM-1", "T", "p.md", "P1", 0, "Soon", "li.wei", None, dt.date(2026, 4, 3), -2, "open", "low"
    )
    publication = LatePublication(
        "PM-7",
        "Checkout | <b>5xx</b>",
        "postmortems/2026/x.md",
        "P1",
        "in-review",
        dt.date(2026, 1, 5),
        dt.date(2026, 2, 4),
        56,
    )
    late = follow_up.Late(publication, ("ana.silva", "Zoë"))
    report = follow_up.Report(as_of, 14, [soon], [late])
    handles = {"ana.silva": "ana-silva"}
    wanted = fui.wanted_issues(report, lambda o: handles.get(o or ""), lambda r: r.postmortem)
    assert [w.owner for w in wanted] == ["ana.silva", "Zoë"]
    body = wanted[0].body
    assert "@ana-silva: **ana.silva** has 1 postmortem past the publish deadline" in body
    assert "### Postmortems to publish" in body
    assert (
        "| PM-7 | Checkout \\| \\<b\\>5xx\\</b\\> | P1 | in-review | 2026-02-04 | 56 days |" in body
    )
    assert "Soon" not in body


def test_owners_map_is_validated(tmp_path: Path) -> None:
    """Each handle at its line: a user name (no @, single hyphens, 39 at most) or org/team."""
    path = tmp_path / "taxonomy.yml"
    path.write_text(
        "severities:\n  P1: {label: A, description: a}\nowners:\n"
        "  ok: ana-silva\n  team: bazaarly/payments\n  at: '@ana'\n  double: a--b\n"
        "  long: " + "a" * 40 + "\n  trailing: ana-\n  spaced: ana silva\n",
        "utf-8",
    )
    with pytest.raises(taxonomy.TaxonomyError) as error:
        taxonomy.load(path)
    found = [(d.line, d.field) for d in error.value.diagnostics]
    assert found == [
        (6, "owners.at"),
        (7, "owners.double"),
        (8, "owners.long"),
        (9, "owners.trailing"),
        (10, "owners.spaced"),
    ]
    assert all("expected a GitHub user name" in d.message for d in error.value.diagnostics)
    good = tmp_path / "good.yml"
    good.write_text("severities:\n  P1: {label: A, description: a}\n", "utf-8")
    assert taxonomy.load(good).handle("ana") is None


def test_long_lists_are_cut_to_fit_an_issue() -> None:
    rows = [
        follow_up.Row(
            "PM-1",
            "T",
            "p.md",
            "P1",
            i,
            f"Item {i}",
            "ana",
            None,
            dt.date(2026, 1, 1),
            90,
            "open",
            "low",
        )
        for i in range(fui.ROW_LIMIT + 50)
    ]
    want = fui.issue_for("ana", None, rows, [], dt.date(2026, 4, 1), 0, lambda r: r.postmortem)
    assert want.body.count("| PM-1 |") == fui.ROW_LIMIT
    assert "and 50 more: `postmortems overdue --owner`" in want.body
    assert len(want.keys) == fui.ROW_LIMIT + 50  # every item is remembered all the same
    assert len(want.body) < 65536
