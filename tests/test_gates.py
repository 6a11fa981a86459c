"""Review gates and publish deadlines (issue 17, item 5).

Gates: a taxonomy's `required.before_publishing` asks a published postmortem for a review on
record and approvals; off unless set. Deadlines: a severity's `publish_within_days` lists the
postmortems still in draft or in review that many days after `resolved_at`, on
/analytics/action-items/ and in `postmortems overdue`. Files are written to disk, the command
runs as a subprocess, the site is a real strict build; the late list is checked against a
computation from the files read with PyYAML, not with the plugin's reader.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from conftest import RunCli, SiteBuilder
from mkdocs_postmortems.core import deadlines, taxonomy
from mkdocs_postmortems.core.corpus import load_corpus
from mkdocs_postmortems.core.json_schema import json_schema

REPO = Path(__file__).resolve().parents[1]
FIXTURE_TAXONOMY = REPO / "tests" / "fixtures" / "taxonomy.yml"

GATES = "  before_publishing:\n    review_held: true\n    approvals: 2\n"


def postmortem(
    ident: str,
    *,
    status: str = "published",
    severity: str = "P2",
    resolved_at: str | None = "2026-01-05T12:00:00+00:00",
    review: str = "",
    approvals: str = "",
) -> str:
    lines = [
        "---",
        f"id: {ident}",
        f"title: Incident {ident}",
        f"severity: {severity}",
        f"status: {status}",
        "authors: [ana.silva]",
        "services: [checkout]",
    ]
    # Started two hours, detected one hour, before it was resolved (in the same offset).
    end = dt.datetime.fromisoformat(resolved_at or "2026-01-05T12:00:00+00:00")
    lines.append(f"started_at: {(end - dt.timedelta(hours=2)).isoformat()}")
    lines.append(f"detected_at: {(end - dt.timedelta(hours=1)).isoformat()}")
    if resolved_at is not None:
        lines.append(f"resolved_at: {resolved_at}")
    lines.append("contributing_factors: [config-change]")
    text = "\n".join(lines) + "\n" + review + approvals + "---\n\nBody.\n"
    return text


REVIEW = "review:\n  held_on: 2026-01-08\n  attendees: [ana.silva]\n"


def approvals(*given: str) -> str:
    return "approvals:\n" + "".join(
        f"  - role: Lead {n}\n    name: someone\n    approved: {value}\n"
        for n, value in enumerate(given)
    )


def kb(root: Path, files: dict[str, str], *, rules: str = "", severities: str = "") -> Path:
    """A project whose postmortems/taxonomy.yml is the fixture's, plus `rules` under
    `required:` and `severities` replacing its severities."""
    folder = root / "postmortems"
    folder.mkdir(parents=True)
    text = FIXTURE_TAXONOMY.read_text(encoding="utf-8")
    if severities:
        text = re.sub(r"severities:\n(  .*\n)+", severities, text)
    (folder / "taxonomy.yml").write_text(text + rules, encoding="utf-8")
    for name, content in files.items():
        (folder / name).write_text(content, encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# KB\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: KB\ntheme: {name: material, font: false}\nplugins: [search, postmortems]\n",
        encoding="utf-8",
    )
    return root


# --- gates ---------------------------------------------------------------------------------

CASES = {
    "nothing.md": (
        postmortem("PM-1"),
        "expected a review (review.held_on) and 2 approvals (approved: true) before "
        "publishing, got no review and no approval",
    ),
    "no-review.md": (
        postmortem("PM-2", approvals=approvals("true", "True")),
        "expected a review (review.held_on) before publishing, got none",
    ),
    "null-review.md": (
        postmortem(
            "PM-3", review="review:\n  held_on: null\n", approvals=approvals("true", "true")
        ),
        "expected a review (review.held_on) before publishing, got none",
    ),
    "one-approval.md": (
        postmortem("PM-4", review=REVIEW, approvals=approvals("true", "false")),
        "expected 2 approvals (approved: true) before publishing, got 1",
    ),
    "unapproved.md": (
        postmortem("PM-5", review=REVIEW, approvals=approvals("false")),
        "expected 2 approvals (approved: true) before publishing, got none",
    ),
    "both-short.md": (
        postmortem("PM-6", approvals=approvals("true")),
        "expected a review (review.held_on) and 2 approvals (approved: true) before "
        "publishing, got no review and 1 approval",
    ),
    "passes.md": (postmortem("PM-7", review=REVIEW, approvals=approvals("true", "TRUE")), None),
    "in-review.md": (postmortem("PM-8", status="in-review"), None),
    "draft.md": (postmortem("PM-9", status="draft"), None),
}


def _status_place(path: Path) -> tuple[int, int]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("status: "):
            return number, len("status: ") + 1
    raise AssertionError(path)


def test_gates_are_errors_at_the_status_line(tmp_path: Path, run_cli: RunCli) -> None:
    root = kb(tmp_path, {name: text for name, (text, _) in CASES.items()}, rules=GATES)
    result = run_cli("validate", "--format", "json", "postmortems", cwd=root)
    assert result.returncode == 1
    found = {
        (d["path"], d["line"], d["column"], d["field"], d["message"])
        for d in json.loads(result.stdout)
        if d["level"] == "error"
    }
    expected = set()
    for name, (_, message) in CASES.items():
        if message is not None:
            line, column = _status_place(root / "postmortems" / name)
            expected.add((f"postmortems/{name}", line, column, "status", message))
    assert found == expected
    text = run_cli("validate", "postmortems/no-review.md", cwd=root)
    line, column = _status_place(root / "postmortems" / "no-review.md")
    assert text.stdout == (
        f"postmortems/no-review.md:{line}:{column}: status: expected a review (review.held_on) "
        "before publishing, got none\n"
    )


def test_gates_are_off_unless_the_taxonomy_turns_them_on(tmp_path: Path, run_cli: RunCli) -> None:
    root = kb(tmp_path, {name: text for name, (text, _) in CASES.items()})
    result = run_cli("validate", "--format", "json", "postmortems", cwd=root)
    assert result.returncode == 0, result.stdout
    assert [d for d in json.loads(result.stdout) if d["level"] != "notice"] == []
    assert taxonomy.DEFAULT.required.before_publishing.review_held is False
    assert taxonomy.DEFAULT.required.before_publishing.approvals == 0


def test_review_alone_or_approvals_alone(tmp_path: Path, run_cli: RunCli) -> None:
    files = {"a.md": postmortem("PM-1"), "b.md": postmortem("PM-2", review=REVIEW)}
    root = kb(tmp_path / "one", files, rules="  before_publishing: {review_held: true}\n")
    result = run_cli("validate", "--format", "json", "postmortems", cwd=root)
    assert [(d["path"], d["message"]) for d in json.loads(result.stdout)] == [
        ("postmortems/a.md", "expected a review (review.held_on) before publishing, got none")
    ]
    root = kb(tmp_path / "two", files, rules="  before_publishing: {approvals: 1}\n")
    result = run_cli("validate", "--format", "json", "postmortems", cwd=root)
    assert [(d["path"], d["message"]) for d in json.loads(result.stdout)] == [
        ("postmortems/a.md", "expected 1 approval (approved: true) before publishing, got none"),
        ("postmortems/b.md", "expected 1 approval (approved: true) before publishing, got none"),
    ]


@pytest.mark.parametrize(
    ("rules", "field", "message"),
    [
        ("  before_publishing: {approvals: -1}\n", "approvals", "expected a number of at least 0"),
        ("  before_publishing: {review_held: maybe}\n", "review_held", "expected true or false"),
        ("  before_publishing: {reviewed: true}\n", "reviewed", ""),
        ("  before_publishing: [review]\n", "before_publishing", ""),
    ],
)
def test_a_wrong_rule_is_a_taxonomy_error_at_its_line(
    tmp_path: Path, run_cli: RunCli, rules: str, field: str, message: str
) -> None:
    root = kb(tmp_path, {"a.md": postmortem("PM-1")}, rules=rules)
    result = run_cli("validate", "postmortems", cwd=root)
    assert result.returncode == 1
    lines = (root / "postmortems" / "taxonomy.yml").read_text(encoding="utf-8").splitlines()
    number = lines.index(rules.rstrip("\n")) + 1
    found = re.search(
        rf"taxonomy\.yml:{number}:\d+: required\.before_publishing\S*: (.*)", result.stdout
    )
    assert found, result.stdout
    assert field in found.group(0) and message in found.group(1), result.stdout


def test_the_json_schema_holds_the_gates_when_on(tmp_path: Path) -> None:
    root = kb(tmp_path, {name: text for name, (text, _) in CASES.items()}, rules=GATES)
    gated = taxonomy.load(root / "postmortems" / "taxonomy.yml")
    for tax, on in ((gated, True), (taxonomy.load(FIXTURE_TAXONOMY), False)):
        schema = json_schema(tax)
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        validator = cls(schema)
        for name, (text, message) in CASES.items():
            data = yaml.safe_load(text.split("---\n")[1])  # YAML 1.1 agrees on these files
            refused = not validator.is_valid(json.loads(json.dumps(data, default=str)))
            assert refused == (on and message is not None), name


# --- deadlines -----------------------------------------------------------------------------

SEVERITIES = (
    "severities:\n"
    "  P0: {label: Critical, description: Total outage., publish_within_days: 3}\n"
    "  P1: {label: Major, description: A core flow badly degraded., publish_within_days: 7}\n"
    "  P2: {label: Moderate, description: Partial degradation., publish_within_days: 0}\n"
    "  P3: {label: Minor, description: Small impact.}\n"
)
AS_OF = dt.date(2026, 1, 20)
LATE_FILES = {
    # Resolved 2026-01-01 at 23:30 in New York: 2026-01-02 in UTC; P1: deadline 01-09.
    "draft-p1.md": postmortem(
        "PM-11", status="draft", severity="P1", resolved_at="2026-01-01T23:30:00-05:00"
    ),
    # Resolved 2026-01-10 at 00:30 at +02:00: 2026-01-09 in UTC; P2: deadline that day.
    "review-p2.md": postmortem(
        "PM-10", status="in-review", severity="P2", resolved_at="2026-01-10T00:30:00+02:00"
    ),
    # P0, resolved 01-17: deadline 01-20, the as-of day itself: not late yet.
    "on-the-day.md": postmortem(
        "PM-12", status="in-review", severity="P0", resolved_at="2026-01-17T08:00:00+00:00"
    ),
    # P0, resolved 01-16: deadline 01-19, late by 1 day.
    "one-day.md": postmortem(
        "PM-13", status="draft", severity="P0", resolved_at="2026-01-16T08:00:00+00:00"
    ),
    "published.md": postmortem("PM-14", severity="P1", resolved_at="2025-06-01T08:00:00+00:00"),
    "no-deadline.md": postmortem(
        "PM-15", status="draft", severity="P3", resolved_at="2025-06-01T08:00:00+00:00"
    ),
    "unresolved.md": postmortem("PM-16", status="draft", severity="P0", resolved_at=None),
}


def independent_late(folder: Path, as_of: dt.date) -> list[tuple[str, str, str, int, str]]:
    """(id, severity, status, days late, deadline) from the files, read with PyYAML."""
    tax = yaml.safe_load((folder / "taxonomy.yml").read_text(encoding="utf-8"))
    out = []
    for path in sorted(folder.glob("*.md")):
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        days = tax["severities"][data["severity"]].get("publish_within_days")
        resolved = data.get("resolved_at")
        if data["status"] == "published" or days is None or resolved is None:
            continue
        if isinstance(resolved, str):
            resolved = dt.datetime.fromisoformat(resolved)
        deadline = resolved.astimezone(dt.UTC).date() + dt.timedelta(days=days)
        if as_of > deadline:
            late = (as_of - deadline).days
            out.append((data["id"], data["severity"], data["status"], late, deadline.isoformat()))
    return sorted(out, key=lambda x: (-x[3], x[0]))


@pytest.fixture
def late_kb(tmp_path: Path) -> Path:
    return kb(tmp_path / "kb", LATE_FILES, severities=SEVERITIES)


def test_late_publications_match_an_independent_computation(late_kb: Path) -> None:
    folder = late_kb / "postmortems"
    tax = taxonomy.load(folder / "taxonomy.yml")
    corpus = load_corpus([folder], tax, as_of=AS_OF)
    assert corpus.ok, corpus.diagnostics
    late = deadlines.late_publications(corpus.entries, tax, AS_OF)
    got = [(p.postmortem, p.severity, p.status, p.days_late, p.deadline.isoformat()) for p in late]
    assert got == independent_late(folder, AS_OF)
    assert got == [
        ("PM-10", "P2", "in-review", 11, "2026-01-09"),
        ("PM-11", "P1", "draft", 11, "2026-01-09"),
        ("PM-13", "P0", "draft", 1, "2026-01-19"),
    ]
    first = late[0]
    assert (first.title, first.path, first.resolved_at) == (
        "Incident PM-10",
        corpus.entries[[e.postmortem.id for e in corpus.entries].index("PM-10")].path,
        dt.date(2026, 1, 9),
    )
    with pytest.raises(AttributeError):
        first.days_late = 0  # type: ignore[misc]
    # A day later, every one of them is a day later, and PM-12 joins.
    later = deadlines.late_publications(corpus.entries, tax, AS_OF + dt.timedelta(days=1))
    assert [(p.postmortem, p.days_late) for p in later] == [
        ("PM-10", 12),
        ("PM-11", 12),
        ("PM-13", 2),
        ("PM-12", 1),
    ]
    # Without deadlines in the taxonomy, nothing is late.
    assert deadlines.late_publications(corpus.entries, taxonomy.DEFAULT, AS_OF) == []


def test_a_negative_deadline_is_a_taxonomy_error(tmp_path: Path, run_cli: RunCli) -> None:
    severities = SEVERITIES.replace("publish_within_days: 3", "publish_within_days: -3")
    root = kb(tmp_path, {"a.md": postmortem("PM-1")}, severities=severities)
    result = run_cli("validate", "postmortems", cwd=root)
    assert result.returncode == 1
    assert re.search(
        r"taxonomy\.yml:\d+:\d+: severities\.P0\.publish_within_days: expected a number of "
        "at least 0",
        result.stdout,
    ), result.stdout


class _Table(HTMLParser):
    """The late-publications table: each row's cells as text, and the links in its first."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.rows: list[tuple[list[str], list[str]]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and "pm-late-publications" in classes:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append(([], []))
        elif self.inside and tag == "td":
            self.cell = []
        elif self.inside and tag == "a" and self.rows and not self.rows[-1][0]:
            self.rows[-1][1].append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False
        elif self.inside and tag == "td" and self.cell is not None:
            self.rows[-1][0].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def late_rows(site: Path) -> list[tuple[list[str], list[str]]]:
    parser = _Table()
    parser.feed((site / "analytics" / "action-items" / "index.html").read_text("utf-8"))
    return [row for row in parser.rows if row[0]]  # the head row has no td


@pytest.mark.parametrize("include_drafts", [False, True])
def test_the_action_items_page_lists_them(
    late_kb: Path, build_site: SiteBuilder, include_drafts: bool
) -> None:
    site = build_site(
        late_kb / "mkdocs.yml",
        late_kb / f"site-{include_drafts}",
        as_of=AS_OF.isoformat(),
        include_drafts=include_drafts,
    )
    rows = late_rows(site)
    expected = independent_late(late_kb / "postmortems", AS_OF)
    assert [cells[0] for cells, _ in rows] == [ident for ident, *_ in expected]
    for (cells, links), (ident, severity, status, days, deadline) in zip(
        rows, expected, strict=True
    ):
        assert cells[1] == f"Incident {ident}"
        assert severity in cells[2]
        assert cells[3] == status
        assert cells[5] == deadline
        assert cells[6] == f"{days} day{'s' * (days != 1)}"
        # A link only to a page this build publishes: drafts only with include_drafts.
        published = status != "draft" or include_drafts
        assert len(links) == int(published), (ident, links)
        if links:
            page = site / "analytics" / "action-items"
            assert (page / links[0] / "index.html").resolve().is_file()
    html = (site / "analytics" / "action-items" / "index.html").read_text("utf-8")
    assert "Past the publish deadline (3)" in html


def test_no_deadline_no_section(tmp_path: Path, build_site: SiteBuilder) -> None:
    root = kb(tmp_path, LATE_FILES)  # the fixture's severities: no publish_within_days
    site = build_site(root / "mkdocs.yml", tmp_path / "site", as_of=AS_OF.isoformat())
    html = (site / "analytics" / "action-items" / "index.html").read_text("utf-8")
    assert "late-publications" not in html


def test_postmortems_overdue_lists_them_from_the_real_module(
    late_kb: Path, run_cli: RunCli
) -> None:
    result = run_cli(
        "overdue", "postmortems", "--as-of", AS_OF.isoformat(), "--format", "json",
        "--publications", cwd=late_kb,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    listed = [(p["postmortem"], p["days_late"], p["deadline"]) for p in json.loads(result.stdout)]
    assert listed == [
        (ident, days, deadline)
        for ident, _, _, days, deadline in independent_late(late_kb / "postmortems", AS_OF)
    ]


def test_the_example_taxonomy_keeps_both_off() -> None:
    """The example knowledge base documents the keys but turns nothing on (issue 18's
    `postmortems init` will): its postmortems and the icco import keep validating."""
    example = taxonomy.load(REPO / "postmortems" / "taxonomy.yml")
    assert not example.required.before_publishing.review_held
    assert example.required.before_publishing.approvals == 0
    assert all(level.publish_within_days is None for level in example.severities.values())


def test_the_schema_reference_says_what_publishing_needs(tmp_path: Path, run_cli: RunCli) -> None:
    root = kb(tmp_path, {}, rules=GATES)
    gated = run_cli("schema", "--markdown", "--taxonomy", "postmortems/taxonomy.yml", cwd=root)
    rows = {line.split(" | ")[0]: line.split(" | ")[2] for line in gated.stdout.splitlines()
            if line.startswith("| `")}  # fmt: skip
    assert rows["| `review`"] == "to publish"
    assert rows["| `review.held_on`"] == "to publish"
    assert rows["| `approvals`"] == "to publish (2 with approved: true)"
    plain = run_cli("schema", "--markdown", "--taxonomy", str(FIXTURE_TAXONOMY), cwd=root)
    assert "to publish" not in plain.stdout
