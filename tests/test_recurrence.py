"""Recurrence alerts: a postmortem that repeats an earlier published postmortem's factor on
the same service, while that one's action items are still open, says so on its page, and
`postmortems validate` prints it as a notice.

The knowledge base is written to disk here; the site is a real strict build, the command a
real subprocess. What is expected comes from the files' own fields, computed here without
the plugin (`expected_alerts`).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import RunCli, SiteBuilder
from mkdocs_postmortems.core import recurrence
from mkdocs_postmortems.core.corpus import Entry
from mkdocs_postmortems.core.schema import Postmortem

REPO = Path(__file__).resolve().parents[1]
TAXONOMY = REPO / "tests" / "fixtures" / "taxonomy.yml"
AS_OF = "2026-11-24"


@dataclass(frozen=True)
class Spec:
    """One postmortem of the test knowledge base."""

    file: str
    id: str
    status: str
    started_at: str
    services: tuple[str, ...]
    factors: tuple[str, ...]
    items: tuple[str, ...] = ()
    """Its action items' statuses."""

    def text(self) -> str:
        start = dt.datetime.fromisoformat(self.started_at)
        later = (start + dt.timedelta(hours=1)).isoformat()
        lines = [
            "---",
            f"id: {self.id}",
            f"title: Incident {self.id}",
            "severity: P2",
            f"status: {self.status}",
            "authors: [ana.silva]",
            f"services: [{', '.join(self.services)}]",
            f"started_at: {self.started_at}",
            f"detected_at: {later}",
            f"resolved_at: {later}",
            "contributing_factors:",
            *(f"  - {factor}" for factor in self.factors),
        ]
        if self.items:
            lines.append("action_items:")
            for n, status in enumerate(self.items):
                lines += [
                    f"  - title: Item {n} of {self.id}",
                    "    type: prevent",
                    "    owner: li.wei",
                    "    due: 2026-01-15",
                    "    priority: high",
                    f"    status: {status}",
                ]
                if status in ("done", "wont-do"):
                    lines.append(f"    closed_on: {start.date().isoformat()}")
        lines += ["---", "", f"What happened in {self.id}.", ""]
        return "\n".join(lines)


# A, its item statuses: 1 open, 1 in progress, 1 done -> "2 of its action items".
A = Spec(
    "2025/a.md",
    "PM-2025-004",
    "published",
    "2025-03-01T10:00:00+00:00",
    ("checkout",),
    ("config-change",),
    ("open", "in-progress", "done"),
)
# Started at the same moment as A (written in another offset): earlier than A by id.
TIE = Spec(
    "2025/tie.md",
    "PM-2025-003",
    "published",
    "2025-03-01T11:00:00+01:00",
    ("checkout",),
    ("config-change",),
    ("open",),
)
DONE = Spec(  # every item done or dropped: no alert
    "2025/done.md",
    "PM-2025-005",
    "published",
    "2025-04-01T10:00:00+00:00",
    ("checkout",),
    ("config-change",),
    ("done", "wont-do"),
)
DRAFT = Spec(  # a draft is never the earlier one
    "2025/draft.md",
    "PM-2025-006",
    "draft",
    "2025-05-01T10:00:00+00:00",
    ("checkout",),
    ("config-change",),
    ("open",),
)
IN_REVIEW = Spec(  # nor is one in review
    "2025/review.md",
    "PM-2025-007",
    "in-review",
    "2025-05-02T10:00:00+00:00",
    ("checkout",),
    ("config-change",),
    ("open",),
)
OTHER_SERVICE = Spec(  # the factor, not the service
    "2025/other-service.md",
    "PM-2025-008",
    "published",
    "2025-06-01T10:00:00+00:00",
    ("identity",),
    ("config-change",),
    ("open",),
)
OTHER_FACTOR = Spec(  # the service, not the factor
    "2025/other-factor.md",
    "PM-2025-009",
    "published",
    "2025-07-01T10:00:00+00:00",
    ("checkout",),
    ("alerting-gap",),
    ("open",),
)
NEW = Spec(  # repeats A's factor on checkout, and capacity on search (C's)
    "2026/new.md",
    "PM-2026-010",
    "in-review",
    "2026-01-10T10:00:00+00:00",
    ("search", "checkout"),
    ("capacity", "config-change"),
)
C = Spec(
    "2025/c.md",
    "PM-2025-010",
    "published",
    "2025-08-01T10:00:00+00:00",
    ("search", "checkout"),
    ("capacity",),
    ("in-progress",),
)
LATER = Spec(  # after NEW: never NEW's earlier one
    "2026/later.md",
    "PM-2026-011",
    "published",
    "2026-02-01T10:00:00+00:00",
    ("checkout",),
    ("config-change",),
    ("open",),
)
SPECS = [A, TIE, DONE, DRAFT, IN_REVIEW, OTHER_SERVICE, OTHER_FACTOR, NEW, C, LATER]


def write_kb(root: Path, specs: list[Spec]) -> Path:
    """A project (mkdocs.yml, docs/, postmortems/) holding `specs`."""
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# KB\n", encoding="utf-8")
    folder = root / "postmortems"
    folder.mkdir()
    shutil.copyfile(TAXONOMY, folder / "taxonomy.yml")
    for spec in specs:
        path = folder / spec.file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(spec.text(), encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: KB\ntheme: {name: material, font: false}\nplugins: [search, postmortems]\n",
        encoding="utf-8",
    )
    return root


def _open(spec: Spec) -> int:
    return sum(status in ("open", "in-progress") for status in spec.items)


def _moment(spec: Spec) -> tuple[dt.datetime, str]:
    return (dt.datetime.fromisoformat(spec.started_at), spec.id)


def expected_alerts(spec: Spec, specs: list[Spec]) -> list[tuple[str, str, tuple[str, ...], int]]:
    """(earlier id, factor, services both named, open items) for each factor `spec` shares
    with an earlier published postmortem with open items; computed from the specs."""
    out = []
    for other in specs:
        if other.status != "published" or not _open(other) or other is spec:
            continue
        if _moment(other) >= _moment(spec):
            continue
        services = tuple(s for s in spec.services if s in other.services)
        for factor in spec.factors:
            if factor in other.factors and services:
                out.append((other.id, factor, services, _open(other)))
    return sorted(out)


def sentence(earlier: str, services: tuple[str, ...], count: int) -> str:
    where = services[0] if len(services) == 1 else f"{', '.join(services[:-1])} and {services[-1]}"
    verb = "is" if count == 1 else "are"
    return (
        f"{earlier} named the same factor on {where}; {count} of its action items {verb} still open"
    )


def test_the_expectations_are_what_the_issue_describes() -> None:
    """The hand-made knowledge base holds the cases it is meant to (a guard on the test)."""
    assert expected_alerts(NEW, SPECS) == [
        ("PM-2025-003", "config-change", ("checkout",), 1),
        ("PM-2025-004", "config-change", ("checkout",), 2),
        ("PM-2025-010", "capacity", ("search", "checkout"), 1),
    ]
    assert expected_alerts(A, SPECS) == [("PM-2025-003", "config-change", ("checkout",), 1)]
    assert expected_alerts(TIE, SPECS) == []
    assert sentence("PM-2025-004", ("checkout",), 2) == (
        "PM-2025-004 named the same factor on checkout; 2 of its action items are still open"
    )


# --- the site -----------------------------------------------------------------------------


class _Alert(HTMLParser):
    """The alert block of a page: each line's text and its links' targets."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.lines: list[tuple[str, list[str]]] = []
        self._text: list[str] = []
        self._links: list[str] = []
        self.in_item = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self.depth:
            self.depth += tag != "br"
            if tag == "li":
                self.in_item, self._text, self._links = True, [], []
            if tag == "a" and self.in_item:
                self._links.append(dict(attrs).get("href") or "")
        elif tag == "div" and "pm-recurrence" in classes:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if not self.depth:
            return
        self.depth -= 1
        if tag == "li" and self.in_item:
            self.lines.append((" ".join("".join(self._text).split()), self._links))
            self.in_item = False

    def handle_data(self, data: str) -> None:
        if self.depth and self.in_item:
            self._text.append(data)


def alert_lines(page: Path) -> list[tuple[str, list[str]]]:
    parser = _Alert()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.lines


def _target(page: Path, href: str) -> Path:
    """The file a relative link of `page` leads to (directory URLs: its index.html)."""
    return (page.parent / href / "index.html").resolve()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, build_site: SiteBuilder) -> Path:
    root = write_kb(tmp_path_factory.mktemp("recurrence"), SPECS)
    return build_site(root / "mkdocs.yml", root / "site", as_of=AS_OF)


def _page(site: Path, spec: Spec) -> Path:
    return site / "postmortems" / Path(spec.file).stem / "index.html"


@pytest.mark.parametrize("spec", [s for s in SPECS if s.status != "draft"], ids=lambda s: s.id)
def test_each_page_shows_exactly_its_alerts_with_links(built: Path, spec: Spec) -> None:
    page = _page(built, spec)
    lines = alert_lines(page)
    expected = expected_alerts(spec, SPECS)
    assert len(lines) == len(expected), lines
    by_id = {s.id: s for s in SPECS}
    for earlier, factor, services, count in expected:
        said = sentence(earlier, services, count)
        found = [(text, links) for text, links in lines if said in text]
        assert found, f"{spec.id}: no line says {said!r}; got {lines}"
        text, links = found[0]
        label = {
            "config-change": "Configuration change",
            "capacity": "Capacity exhaustion",
        }[factor]
        assert text.startswith(f"{label}: "), text
        # The factor's page, the earlier postmortem's page, each service's page: all built.
        targets = [_target(page, href) for href in links]
        assert targets[0] == (built / "factors" / factor / "index.html").resolve()
        assert targets[1] == _page(built, by_id[earlier]).resolve()
        assert targets[2:] == [(built / "services" / s / "index.html").resolve() for s in services]
        assert all(target.is_file() for target in targets), targets
    if not expected:
        assert "pm-recurrence" not in page.read_text(encoding="utf-8")


def test_the_new_postmortem_names_a_but_not_the_others(built: Path) -> None:
    text = html.unescape(_page(built, NEW).read_text(encoding="utf-8"))
    block = text[text.index("pm-recurrence") :]
    block = block[: block.index("</div>")]
    for spec in (DONE, DRAFT, IN_REVIEW, OTHER_SERVICE, OTHER_FACTOR, LATER):
        assert spec.id not in block, spec.id


def test_once_the_earlier_items_are_done_the_alert_goes(
    tmp_path: Path, build_site: SiteBuilder
) -> None:
    closed = Spec(**{**A.__dict__, "items": ("done", "done", "wont-do")})
    specs = [closed, NEW]
    root = write_kb(tmp_path, specs)
    site = build_site(root / "mkdocs.yml", tmp_path / "site", as_of=AS_OF)
    assert expected_alerts(NEW, specs) == []
    assert alert_lines(_page(site, NEW)) == []
    # And with one left open, it is back, counting that one.
    reopened = Spec(**{**A.__dict__, "items": ("done", "open", "wont-do")})
    (root / "postmortems" / A.file).write_text(reopened.text(), encoding="utf-8")
    site = build_site(root / "mkdocs.yml", tmp_path / "site2", as_of=AS_OF)
    [(text, _)] = alert_lines(_page(site, NEW))
    assert sentence("PM-2025-004", ("checkout",), 1) in text


# --- postmortems validate -----------------------------------------------------------------


def _line_of(path: Path, factor: str) -> tuple[int, int]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line == f"  - {factor}":
            return number, 5
    raise AssertionError(factor)


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return write_kb(tmp_path / "kb", SPECS)


def _expected_notices(root: Path, spec: Spec) -> list[tuple[str, int, int, str, str]]:
    path = root / "postmortems" / spec.file
    out = []
    by_id = {s.id: s for s in SPECS}
    for earlier, factor, services, count in expected_alerts(spec, SPECS):
        line, column = _line_of(path, factor)
        field = f"contributing_factors[{spec.factors.index(factor)}]"
        message = f"{sentence(earlier, services, count)} (postmortems/{by_id[earlier].file})"
        out.append((f"postmortems/{spec.file}", line, column, field, message))
    return sorted(out)


def test_validate_one_file_finds_the_earlier_ones_in_the_rest_of_the_folder(
    kb: Path, run_cli: RunCli
) -> None:
    """The pull-request check validates the changed files only: the earlier postmortems
    come from the rest of their folder."""
    result = run_cli("validate", "--format", "json", f"postmortems/{NEW.file}", cwd=kb)
    assert result.returncode == 0, result.stdout + result.stderr
    found = json.loads(result.stdout)
    assert {d["level"] for d in found} == {"notice"}
    got = sorted((d["path"], d["line"], d["column"], d["field"], d["message"]) for d in found)
    assert got == _expected_notices(kb, NEW)
    assert len(got) == 3


def test_the_notice_in_every_format(kb: Path, run_cli: RunCli) -> None:
    name = f"postmortems/{NEW.file}"
    expected = _expected_notices(kb, NEW)
    text = run_cli("validate", name, cwd=kb)
    assert text.returncode == 0
    assert text.stdout.splitlines() == [
        f"{path}:{line}:{column}: notice: {field}: {message}"
        for path, line, column, field, message in expected
    ]
    assert text.stderr == "1 file checked: all valid, 3 notices\n"
    github = run_cli("validate", "--format", "github", name, cwd=kb)
    assert github.returncode == 0
    annotations = github.stdout.splitlines()
    assert len(annotations) == 3
    for annotation, (path, line, column, field, message) in zip(annotations, expected, strict=True):
        assert annotation == (
            f"::notice file={path},line={line},col={column},title={field}::{field}: {message}"
        )


def test_notices_never_change_the_exit_code(kb: Path, run_cli: RunCli) -> None:
    everything = run_cli("validate", "--format", "json", "postmortems", cwd=kb)
    assert everything.returncode == 0
    found = json.loads(everything.stdout)
    assert {d["level"] for d in found} == {"notice"}
    for spec in SPECS:
        mine = sorted(
            (d["path"], d["line"], d["column"], d["field"], d["message"])
            for d in found
            if d["path"] == f"postmortems/{spec.file}"
        )
        assert mine == _expected_notices(kb, spec), spec.id  # drafts are told too
    # A file with an error and an alert: exit 1 for the error, the notice still printed.
    path = kb / "postmortems" / NEW.file
    path.write_text(path.read_text("utf-8").replace("severity: P2", "severity: P9"), "utf-8")
    broken = run_cli("validate", f"postmortems/{NEW.file}", cwd=kb)
    assert broken.returncode == 1
    assert "severity: expected one of" in broken.stdout
    # An invalid file is not checked for recurrence: it is not a postmortem yet.
    assert "notice:" not in broken.stdout


def test_an_invalid_earlier_one_is_no_earlier_one(kb: Path, run_cli: RunCli) -> None:
    path = kb / "postmortems" / A.file
    path.write_text(path.read_text("utf-8").replace("severity: P2", "severity: P9"), "utf-8")
    result = run_cli("validate", "--format", "json", f"postmortems/{NEW.file}", cwd=kb)
    assert result.returncode == 0
    messages = [d["message"] for d in json.loads(result.stdout)]
    assert not any("PM-2025-004" in m for m in messages), messages
    assert any("PM-2025-010" in m for m in messages), messages


def test_a_strict_build_with_alerts_passes_and_logs_no_warning(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """Alerts are news, not problems: `mkdocs build --strict` is not failed by them."""
    root = write_kb(tmp_path, SPECS)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "POSTMORTEMS_AS_OF": AS_OF},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    assert alert_lines(_page(tmp_path / "site", NEW))


# --- the index against a plain computation -----------------------------------------------

SERVICES = ["checkout", "search", "identity"]
FACTORS = ["config-change", "capacity", "alerting-gap"]


CorpusSpec = tuple[str, int, list[str], list[str], int]
"""(status, minute started, services, factors, open items) of one postmortem."""


def _entry(
    n: int, status: str, minute: int, services: list[str], factors: list[str], open_: int
) -> Entry:
    pm = Postmortem.model_validate(
        {
            "id": f"PM-{n:04d}",
            "status": status,
            "services": services,
            "contributing_factors": factors,
            "started_at": f"2026-01-01T{minute // 60:02d}:{minute % 60:02d}:00+00:00",
            "action_items": [{"title": "x", "type": "prevent", "priority": "low", "status": "open"}]
            * open_
            + [{"title": "y", "type": "prevent", "priority": "low", "status": "done"}],
        }
    )
    return Entry(f"pm/{n:04d}.md", Path(f"pm/{n:04d}.md"), pm, "", 1)


corpora = st.lists(
    st.tuples(
        st.sampled_from(["published", "published", "draft", "in-review"]),
        st.integers(0, 30),  # minutes: ties are common
        st.lists(st.sampled_from(SERVICES), unique=True, max_size=2),
        st.lists(st.sampled_from(FACTORS), unique=True, max_size=2),
        st.integers(0, 2),
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(corpora)
def test_the_index_finds_the_latest_earlier_ones(specs: list[CorpusSpec]) -> None:
    entries = [_entry(n, *spec) for n, spec in enumerate(specs)]
    index = recurrence.Index(entries)
    for entry in entries:
        pm = entry.postmortem
        assert pm.started_at is not None
        mine = (pm.started_at, pm.id)
        candidates = [
            other
            for other in entries
            if other.postmortem.status == "published"
            and other.postmortem.started_at is not None
            and (other.postmortem.started_at, other.postmortem.id) < mine
            and any(a.status == "open" for a in other.postmortem.action_items)
            and set(pm.contributing_factors) & set(other.postmortem.contributing_factors)
            and set(pm.services) & set(other.postmortem.services)
        ]
        candidates.sort(
            key=lambda o: (o.postmortem.started_at, o.postmortem.id or ""), reverse=True
        )
        alert = index.alert(entry)
        assert [e.entry for e in alert.earlier] == candidates[: recurrence.LIMIT]
        assert alert.more == (len(candidates) > recurrence.LIMIT)
        for earlier in alert.earlier:
            them = earlier.entry.postmortem
            assert earlier.factors == tuple(
                f for f in pm.contributing_factors if f in them.contributing_factors
            )
            assert earlier.services == tuple(s for s in pm.services if s in them.services)
            assert earlier.open_items == sum(a.status == "open" for a in them.action_items)


def test_the_sentence_reads_right() -> None:
    entry = _entry(1, "published", 0, ["checkout", "search", "identity"], ["capacity"], 1)
    one = recurrence.Earlier(entry, ("capacity",), ("checkout",), 1)
    three = recurrence.Earlier(entry, ("capacity",), ("checkout", "search", "identity"), 3)
    assert recurrence.sentence(one) == (
        "PM-0001 named the same factor on checkout; 1 of its action items is still open"
    )
    assert recurrence.sentence(three) == (
        "PM-0001 named the same factor on checkout, search and identity; "
        "3 of its action items are still open"
    )
    assert (one.id, one.title) == ("PM-0001", "0001")  # no title: the file's stem


def test_at_most_the_five_latest_are_named_then_more(
    tmp_path: Path, run_cli: RunCli, build_site: SiteBuilder
) -> None:
    earlier = [
        Spec(
            f"2025/e{n}.md",
            f"PM-2025-10{n}",
            "published",
            f"2025-0{n + 1}-01T10:00:00+00:00",
            ("checkout",),
            ("config-change",),
            ("open",) * (n + 1),
        )
        for n in range(7)
    ]
    new = Spec(
        "2026/new.md", "PM-2026-001", "draft", "2026-01-10T10:00:00+00:00", ("checkout",),
        ("config-change",),
    )  # fmt: skip
    root = write_kb(tmp_path, [*earlier, new])
    result = run_cli("validate", "--format", "json", f"postmortems/{new.file}", cwd=root)
    assert result.returncode == 0
    found = json.loads(result.stdout)
    latest = [f"PM-2025-10{n}" for n in range(6, 1, -1)]
    named = [d["message"].split(" ", 1)[0] for d in found if d["field"].endswith("[0]")]
    assert sorted(named) == sorted(latest)
    [more] = [d for d in found if d["field"] == "contributing_factors"]
    assert more["level"] == "notice" and "the 5 latest are named" in more["message"]
    # The page (a draft: published with include_drafts) names the same five, latest first.
    site = build_site(root / "mkdocs.yml", tmp_path / "site", as_of=AS_OF, include_drafts=True)
    lines = alert_lines(_page(site, new))
    assert [text.split(": ", 1)[1].split(" ", 1)[0] for text, _ in lines] == latest
    assert [int(text.split("; ")[1].split()[0]) for text, _ in lines] == [7, 6, 5, 4, 3]
    assert "Older postmortems with open action items named them too" in (
        _page(site, new).read_text(encoding="utf-8")
    )
