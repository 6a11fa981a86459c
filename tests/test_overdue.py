"""`postmortems overdue`, checked against an independent computation from the files
themselves (PyYAML over the front matter, the definition of "overdue" written out again
here): on tests/fixtures/analytics-kb, on the icco corpus imported with action items added,
on knowledge bases Hypothesis makes up; and its formats, filters and exit codes."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import RunCli
from mkdocs_postmortems.cli import main as cli
from mkdocs_postmortems.cli.importers import icco
from mkdocs_postmortems.core import follow_up, taxonomy, writer
from mkdocs_postmortems.core.corpus import load_corpus
from mkdocs_postmortems.core.taxonomy import DEFAULT

REPO = Path(__file__).resolve().parents[1]
KB = REPO / "tests" / "fixtures" / "analytics-kb" / "postmortems"
ICCO = REPO.parent / "shared" / "corpora" / "icco-postmortems"
ACTIVE = ("open", "in-progress")
REQUIRED_KEYS = ("postmortem", "title", "owner", "due", "days_overdue", "status", "severity")
FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


def expected(
    kb: Path,
    as_of: dt.date,
    due_within: int = 0,
    owners: list[str] | None = None,
    invalid: frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """The rows `overdue --format json` should print, in no particular order, computed from
    the files: every postmortem but drafts (and the `invalid` files, left out); items open
    or in progress with a due day before `as_of + due_within`."""
    rows = []
    for path in sorted(kb.rglob("*.md")):
        if str(path) in invalid:
            continue
        data = yaml.safe_load(FRONT.match(path.read_text("utf-8")).group(1))  # type: ignore[union-attr]
        if data["status"] == "draft":
            continue
        for item in data.get("action_items") or []:
            if item["status"] not in ACTIVE or item.get("due") is None:
                continue
            due = dt.date.fromisoformat(str(item["due"]))
            if due >= as_of + dt.timedelta(days=due_within):
                continue
            if owners is not None and item.get("owner") not in owners:
                continue
            rows.append(
                {
                    "postmortem": data.get("id") or path.stem,
                    "title": item["title"],
                    "owner": item.get("owner"),
                    "due": due.isoformat(),
                    "days_overdue": (as_of - due).days,
                    "status": item["status"],
                    "severity": data.get("severity"),
                }
            )
    return rows


def _key(row: dict[str, Any]) -> str:
    return json.dumps([row[k] for k in REQUIRED_KEYS], ensure_ascii=False)


def check_against_files(printed: list[dict[str, Any]], wanted: list[dict[str, Any]]) -> None:
    assert all(set(REQUIRED_KEYS) <= set(row) for row in printed)
    assert sorted(map(_key, printed)) == sorted(map(_key, wanted))
    # Grouped by owner, owners in order (ignoring case, the unowned last); the most
    # overdue first within an owner.
    owners = [row["owner"] for row in printed]
    groups = list(dict.fromkeys(owners))
    assert owners == sorted(owners, key=groups.index), "an owner's rows are not together"
    assert groups == sorted(groups, key=lambda o: (o is None, (o or "").casefold(), o or ""))
    for owner in groups:
        days = [row["days_overdue"] for row in printed if row["owner"] == owner]
        assert days == sorted(days, reverse=True)


def overdue_json(run_cli: RunCli, kb: Path, *args: str) -> tuple[int, list[dict[str, Any]]]:
    result = run_cli("overdue", kb, "--format", "json", *args)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


# The fixture knowledge base -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "due_within"),
    [
        ("2026-06-15", 0),
        ("2026-06-15", 1),
        ("2026-06-15", 17),
        ("2026-06-15", 400),
        ("2026-09-30", 0),
    ],
)
def test_analytics_kb_matches_the_files(run_cli: RunCli, as_of: str, due_within: int) -> None:
    code, printed = overdue_json(run_cli, KB, "--as-of", as_of, "--due-within", str(due_within))
    wanted = expected(KB, dt.date.fromisoformat(as_of), due_within)
    check_against_files(printed, wanted)
    assert code == (1 if any(r["days_overdue"] > 0 for r in wanted) else 0)


def test_analytics_kb_by_hand(run_cli: RunCli) -> None:
    """The figures of tests/test_analytics.py: seven overdue on 2026-06-15, the draft's left
    out, the in-review postmortem's kept; 050's item due that day is due, not overdue."""
    code, printed = overdue_json(run_cli, KB, "--as-of", "2026-06-15")
    assert code == 1
    assert [(r["postmortem"], r["owner"], r["days_overdue"]) for r in printed] == [
        ("PM-2026-019", "ana.silva", 1),
        ("PM-2026-018", "daniel.reyes", 45),
        ("PM-2025-040", "li.wei", 135),
        ("PM-2026-024", "marco.bianchi", 45),
        ("PM-2026-018", "priya.nair", 45),
        ("PM-2026-001", "søren.højlund", 106),
        ("PM-2026-010", None, 46),
    ]
    _, soon = overdue_json(run_cli, KB, "--as-of", "2026-06-15", "--due-within", "1")
    today = [r for r in soon if r["days_overdue"] == 0]
    assert [(r["postmortem"], r["title"]) for r in today] == [
        ("PM-2025-050", "Validate the rate limit config in CI")
    ]


def test_same_items_as_the_sites_overdue_list(run_cli: RunCli) -> None:
    """The items `stats --json` (the site's /data/stats.json and its action-items page)
    lists as overdue are exactly the overdue ones here."""
    stats = json.loads(run_cli("stats", KB, "--as-of", "2026-06-15", "--json").stdout)
    _, printed = overdue_json(run_cli, KB, "--as-of", "2026-06-15", "--due-within", "30")
    fields = ("postmortem", "title", "owner", "due", "days_overdue", "status")
    site = sorted(json.dumps([r[f] for f in fields]) for r in stats["overdue_action_items"])
    ours = sorted(json.dumps([r[f] for f in fields]) for r in printed if r["days_overdue"] > 0)
    assert ours == site and len(site) == 7


def test_owner_filter(run_cli: RunCli) -> None:
    code, printed = overdue_json(
        run_cli, KB, "--as-of", "2026-06-15", "--owner", "li.wei", "--owner", "søren.højlund"
    )
    assert code == 1
    check_against_files(
        printed, expected(KB, dt.date(2026, 6, 15), owners=["li.wei", "søren.højlund"])
    )
    assert {r["owner"] for r in printed} == {"li.wei", "søren.højlund"}
    code, printed = overdue_json(run_cli, KB, "--as-of", "2026-06-15", "--owner", "nobody")
    assert (code, printed) == (0, [])


def test_text_groups_by_owner(run_cli: RunCli) -> None:
    result = run_cli("overdue", KB, "--as-of", "2026-06-15", "--due-within", "14")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "Action items overdue as of 2026-06-15, or due by 2026-06-28:"
    headers = [line for line in lines[1:] if line and not line.startswith(" ")]
    assert headers[:2] == ["ana.silva (1 overdue)", "daniel.reyes (1 overdue, 1 due soon)"]
    assert headers[6] == "(no owner) (1 overdue)"
    assert lines[-1] == "7 action items overdue, 1 due within 14 days, as of 2026-06-15."
    daniel = lines.index("daniel.reyes (1 overdue, 1 due soon)")
    assert "45 days overdue" in lines[daniel + 1] and "PM-2026-018" in lines[daniel + 1]
    assert "due today" in lines[daniel + 2] and "PM-2025-050" in lines[daniel + 2]


def test_github_annotations_at_each_due(run_cli: RunCli) -> None:
    result = run_cli("overdue", KB, "--as-of", "2026-06-15", "--format", "github")
    assert result.returncode == 1
    annotations = result.stdout.splitlines()
    assert len(annotations) == 7
    for line in annotations:
        found = re.fullmatch(r"::error file=([^,]+),line=(\d+),col=(\d+),title=[^:]+::.*", line)
        assert found, line
        text = (REPO / found.group(1)).read_text("utf-8").splitlines()
        assert text[int(found.group(2)) - 1].strip().startswith("due: ")


# A knowledge base nobody has seen -------------------------------------------------------------


def _file(data: dict[str, Any]) -> str:
    return writer.render(data, "Body.\n")


def _pm(ident: str, status: str, items: list[dict[str, Any]], **more: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": ident,
        "title": f"Incident {ident}",
        "severity": "P2",
        "status": status,
        "authors": ["someone"],
        "services": ["checkout"],
        "started_at": "2026-01-05T10:00:00+00:00",
        "detected_at": "2026-01-05T10:05:00+00:00",
    }
    if status != "draft":
        data |= {"resolved_at": "2026-01-05T11:00:00+00:00", "contributing_factors": ["x"]}
    return data | {"action_items": items} | more


def _it(title: str, status: str, due: str | None, owner: str | None = "o") -> dict[str, Any]:
    item: dict[str, Any] = {"title": title, "type": "prevent", "priority": "low"}
    if owner is not None:
        item["owner"] = owner
    if due is not None:
        item["due"] = due
    item["status"] = status
    if status in ("done", "wont-do"):
        item["closed_on"] = "2026-01-06"
    return item


@pytest.fixture
def edge_kb(tmp_path: Path) -> Path:
    kb = tmp_path / "kb"
    (kb / "a").mkdir(parents=True)
    (kb / "taxonomy.yml").write_text(
        "severities:\n  P1: {label: A, description: a}\n  P2: {label: B, description: b}\n"
        "required:\n  open_action_items: []\n"
        "  always: [title, severity, status, authors, services, started_at, detected_at]\n",
        "utf-8",
    )
    files = {
        "published.md": _pm(
            "PM-1",
            "published",
            [
                _it("Open past due", "open", "2026-03-01"),
                _it("In progress past due", "in-progress", "2026-03-09", "Zoë | <b>x</b>"),
                _it("Done past due", "done", "2026-03-01"),
                _it("Dropped past due", "wont-do", "2026-03-01"),
                _it("No due day", "open", None),
                _it("No owner", "open", "2026-02-01", None),
                _it("Due on the day", "open", "2026-03-10"),
                _it("Due tomorrow", "open", "2026-03-11"),
            ],
        ),
        "review.md": _pm("PM-2", "in-review", [_it("Review item", "open", "2026-01-31", "b")]),
        "draft.md": _pm("PM-3", "draft", [_it("Draft item", "open", "2026-01-31", "b")]),
        "no-id.md": {
            k: v
            for k, v in _pm("X", "published", [_it("No id", "open", "2026-02-02", "a")]).items()
            if k != "id"
        },
    }
    for name, data in files.items():
        (kb / "a" / name).write_text(_file(data), "utf-8")
    return kb


def test_nothing_overdue_exits_0(run_cli: RunCli, edge_kb: Path) -> None:
    result = run_cli("overdue", edge_kb, "--as-of", "2026-01-10", "--due-within", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Action items overdue as of 2026-01-10, or due by 2026-01-10:\n  none\n\n"
        "0 action items overdue, 0 due within 1 day, as of 2026-01-10.\n"
    )


def test_edge_cases(run_cli: RunCli, edge_kb: Path) -> None:
    code, printed = overdue_json(run_cli, edge_kb, "--as-of", "2026-03-10")
    assert code == 1
    check_against_files(printed, expected(edge_kb, dt.date(2026, 3, 10)))
    titles = {r["title"] for r in printed}
    assert titles == {"Open past due", "In progress past due", "No owner", "Review item", "No id"}
    no_id = next(r for r in printed if r["title"] == "No id")
    assert no_id["postmortem"] == "no-id" and no_id["path"].endswith("a/no-id.md")
    assert next(r for r in printed if r["title"] == "No owner")["owner"] is None
    _, soon = overdue_json(run_cli, edge_kb, "--as-of", "2026-03-10", "--due-within", "2")
    assert {r["title"]: r["days_overdue"] for r in soon if r["days_overdue"] <= 0} == {
        "Due on the day": 0,
        "Due tomorrow": -1,
    }


def test_markdown_escapes_what_authors_wrote(run_cli: RunCli, edge_kb: Path) -> None:
    result = run_cli("overdue", edge_kb, "--as-of", "2026-03-10", "--format", "markdown")
    assert result.returncode == 1
    assert "### Zoë \\| \\<b\\>x\\</b\\> (1 overdue)" in result.stdout
    assert "<b>" not in result.stdout
    for row in (line for line in result.stdout.splitlines() if line.startswith("|")):
        assert len(re.split(r"(?<!\\)\|", row)) == 8, row


def test_invalid_files_are_reported_and_left_out(run_cli: RunCli, edge_kb: Path) -> None:
    bad = edge_kb / "a" / "broken.md"
    bad.write_text(_file(_pm("PM-9", "published", [_it("Lost", "open", "2026-01-01")])))
    bad.write_text(bad.read_text("utf-8").replace("severity: P2", "severity: P7"), "utf-8")
    result = run_cli("overdue", edge_kb, "--as-of", "2026-01-10", "--format", "json")
    assert result.returncode == 1  # nothing overdue in the valid files: one is invalid
    assert json.loads(result.stdout) == []
    assert "broken.md:" in result.stderr and "severity" in result.stderr
    assert "1 error; the list leaves out the files with errors" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2026-13-01"], "--as-of: expected a date YYYY-MM-DD"),
        (["--due-within", "-1"], "expected a number of days, 0 or more"),
        (["--due-within", "soon"], "expected a number of days, 0 or more"),
        (["--format", "xml"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2(run_cli: RunCli, args: list[str], message: str) -> None:
    result = run_cli("overdue", KB, *args)
    assert result.returncode == 2
    assert message in result.stderr


def test_missing_folder(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("overdue", tmp_path / "nothing")
    assert result.returncode == 1
    assert "expected a folder of postmortems" in result.stderr


# Knowledge bases made up by Hypothesis ----------------------------------------------------

ITEMS = st.lists(
    st.tuples(
        st.sampled_from(["open", "in-progress", "done", "wont-do"]),
        st.one_of(st.none(), st.integers(-40, 40)),
        st.sampled_from(["ana", "Ana", "bo", "Émile", "z", None]),
    ),
    max_size=5,
)
POSTMORTEMS = st.lists(
    st.tuples(st.sampled_from(["draft", "in-review", "published"]), ITEMS), max_size=6
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(postmortems=POSTMORTEMS, due_within=st.integers(0, 20))
def test_rows_match_the_files(
    tmp_path_factory: pytest.TempPathFactory,
    postmortems: list[tuple[str, list[tuple[str, int | None, str | None]]]],
    due_within: int,
) -> None:
    kb = tmp_path_factory.mktemp("kb")
    (kb / "taxonomy.yml").write_text(
        "severities:\n  P1: {label: A, description: a}\n  P2: {label: B, description: b}\n"
        "required:\n  open_action_items: []\n",
        "utf-8",
    )
    as_of = dt.date(2026, 3, 10)
    for n, (status, items) in enumerate(postmortems):
        listed = [
            _it(
                f"Item {n}.{i}",
                s,
                None if d is None else (as_of + dt.timedelta(days=d)).isoformat(),
                owner,
            )
            for i, (s, d, owner) in enumerate(items)
        ]
        (kb / f"pm-{n}.md").write_text(_file(_pm(f"PM-{n}", status, listed)), "utf-8")
    tax = taxonomy.load(kb / "taxonomy.yml")
    corpus = load_corpus([kb], tax, as_of=as_of)
    assert corpus.ok, corpus.diagnostics
    rows = follow_up.rows(corpus.entries, tax, as_of, due_within)
    printed = json.loads(follow_up.to_json(follow_up.Report(as_of, due_within, rows)))
    check_against_files(printed, expected(kb, as_of, due_within))


# The icco corpus, imported, with action items added -------------------------------------------

OWNERS = ["ana.silva", "li.wei", "Søren Højlund", "@everyone <b>x</b>", "ops | oncall"]


def _with_items(data: dict[str, Any], k: int) -> dict[str, Any]:
    """Action items made up from the file's place `k`: owners, due days over 2012-2025 and
    every status (no `closed_on`: the as-of days below are before some due days); one file
    in seven a draft, one in seven in review."""
    base = dt.date(2012, 1, 1)
    items = []
    for j in range(k % 4):
        status = ("open", "in-progress", "done", "wont-do")[(k + j) % 4]
        item = {
            "title": f"Follow-up {j} of {data['id']}",
            "type": "prevent",
            "owner": OWNERS[(k * 3 + j) % len(OWNERS)],
            "due": (base + dt.timedelta(days=(k * 37 + j * 101) % 5000)).isoformat(),
            "priority": "medium",
            "status": status,
        }
        items.append(item)
    status = {0: "draft", 1: "in-review"}.get(k % 7, data["status"])
    return {**data, "status": status, "action_items": items}


@pytest.fixture(scope="module")
def icco_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not ICCO.is_dir():
        pytest.skip(f"the icco corpus (GPL-3.0 data, not in this repo) is not at {ICCO}")
    root = tmp_path_factory.mktemp("icco")
    imported = [
        icco.convert(p.name, p.read_text("utf-8"), DEFAULT) for p in sorted(ICCO.glob("*.md"))
    ]
    for k, item in enumerate(imported):
        assert item.stem is not None
        folder = root / (item.stem[:4] if re.match(r"\d{4}-", item.stem) else "undated")
        folder.mkdir(exist_ok=True)
        (folder / f"{item.stem}.md").write_text(
            writer.render(_with_items(item.data, k), item.body), "utf-8"
        )
    (root / "taxonomy.yml").write_text(icco.corpus_taxonomy(imported), "utf-8")
    return root


@pytest.mark.parametrize(("as_of", "due_within"), [("2020-06-30", 0), ("2018-01-01", 45)])
def test_icco_corpus_matches_the_files(
    run_cli: RunCli, icco_kb: Path, as_of: str, due_within: int
) -> None:
    result = run_cli(
        "overdue", icco_kb, "--as-of", as_of, "--due-within", str(due_within), "--format", "json"
    )
    # Files the validator refuses are left out of both, and named on stderr (what validate
    # accepts is not this test's business; most files must be valid for it to mean much).
    invalid = frozenset(
        found.group(1)
        for line in result.stderr.splitlines()
        if (found := re.match(r"(\S+\.md):\d+:\d+: ", line))
    )
    assert len(invalid) < 30, result.stderr
    printed = json.loads(result.stdout)
    wanted = expected(icco_kb, dt.date.fromisoformat(as_of), due_within, invalid=invalid)
    assert len(wanted) > 50  # the comparison has something to compare
    check_against_files(printed, wanted)
    assert result.returncode == 1
    assert {r["severity"] for r in printed} == {"not-rated"}


def test_icco_corpus_text_and_markdown(run_cli: RunCli, icco_kb: Path, tmp_path: Path) -> None:
    copy = tmp_path / "kb"
    shutil.copytree(icco_kb, copy)
    text = run_cli("overdue", copy, "--as-of", "2020-06-30")
    markdown = run_cli("overdue", copy, "--as-of", "2020-06-30", "--format", "markdown")
    assert text.returncode == markdown.returncode == 1
    assert "@everyone <b>x</b> (" in text.stdout  # text is text
    assert "### \\@\u200beveryone \\<b\\>x\\</b\\> (" in markdown.stdout


# Late publications (`deadlines`) --------------------------------------------------------------


@pytest.fixture
def late_review(edge_kb: Path) -> Path:
    """The edge knowledge base with a publish deadline on the day of `resolved_at` for P2:
    its in-review PM-2 (resolved 2026-01-05) is late from 2026-01-06 on."""
    path = edge_kb / "taxonomy.yml"
    text = path.read_text("utf-8")
    path.write_text(
        text.replace(
            "P2: {label: B, description: b}",
            "P2: {label: B, description: b, publish_within_days: 0}",
        ),
        "utf-8",
    )
    return edge_kb


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["overdue", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_late_publications_are_listed_and_fail_the_check(
    late_review: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kb = str(late_review)
    # Nothing is overdue on 2026-01-10, but PM-2 is late: exit 1.
    code, out, _ = _run(capsys, kb, "--as-of", "2026-01-10")
    assert code == 1
    assert "Postmortems past their publish deadline as of 2026-01-10:" in out
    assert re.search(r"PM-2\s+P2\s+in-review\s+deadline 2026-01-05\s+5 days late", out)
    assert out.endswith(
        "0 action items overdue, 1 postmortem past the publish deadline, as of 2026-01-10.\n"
    )
    # The JSON list stays the action items' list, and says what it leaves out.
    code, out, err = _run(capsys, kb, "--as-of", "2026-01-10", "--format", "json")
    assert (code, json.loads(out)) == (1, [])
    assert "1 postmortem past the publish deadline, not in this list" in err
    code, out, _ = _run(capsys, kb, "--as-of", "2026-01-10", "--format", "json", "--publications")
    late = json.loads(out)
    assert [(p["postmortem"], p["days_late"], p["deadline"], p["authors"]) for p in late] == [
        ("PM-2", 5, "2026-01-05", ["someone"])
    ]
    # Markdown: a section of its own; github: an error at the `status:` line.
    _, out, _ = _run(capsys, kb, "--as-of", "2026-01-10", "--format", "markdown")
    assert "## Postmortems past their publish deadline as of 2026-01-10" in out
    _, out, _ = _run(capsys, kb, "--as-of", "2026-01-10", "--format", "github")
    found = re.fullmatch(r"::error file=([^,]+),line=(\d+),col=\d+,title=status::.*\n", out)
    assert found, out
    text = Path(found.group(1)).read_text("utf-8").splitlines()
    assert text[int(found.group(2)) - 1] == "status: in-review"
    # --owner keeps the late postmortems its owner wrote.
    assert _run(capsys, kb, "--as-of", "2026-01-10", "--owner", "nobody")[0] == 0
    assert _run(capsys, kb, "--as-of", "2026-01-10", "--owner", "someone")[0] == 1
