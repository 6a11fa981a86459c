"""What the feed and calendar tests share: real builds, read once a session, and the
knowledge base's front matter read independently of the plugin (PyYAML, not its reader).

A hostile knowledge base is written here too: titles, summaries, owners and labels that
would end an XML element or attribute, or add a line (a property, an event) to an iCalendar
file, and owners whose file names collide.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
AS_OF = "2026-11-24"


@dataclass(frozen=True)
class Built:
    """A knowledge base and the site built from it."""

    project: Path
    site: Path
    folder: Path
    """The postmortems folder."""
    site_url: str | None

    def fronts(self) -> list[dict[str, Any]]:
        return front_matters(self.folder)

    def taxonomy(self) -> dict[str, Any]:
        data: dict[str, Any] = yaml.safe_load((self.folder / "taxonomy.yml").read_text("utf-8"))
        return data


def build(project: Path, site: Path, *, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env={
            "NO_MKDOCS_2_WARNING": "1",
            "PATH": "/usr/bin:/bin",
            "POSTMORTEMS_AS_OF": AS_OF,
            **(env or {}),
        },
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def front_matters(folder: Path) -> list[dict[str, Any]]:
    """Every postmortem's front matter, as PyYAML reads it, with its file's stem."""
    fronts = []
    for path in sorted(folder.rglob("*.md")):
        text = path.read_text("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        _, front, _ = text.split("---\n", 2)
        data = yaml.safe_load(front)
        data["_stem"] = path.stem
        fronts.append(data)
    return fronts


def day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def instant(value: Any) -> dt.datetime:
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    assert moment.tzinfo is not None
    return moment.astimezone(dt.UTC)


def changed(front: dict[str, Any]) -> dt.datetime:
    """When the feeds and calendars say a postmortem changed: the later of its `date` (at
    midnight UTC) and `resolved_at`, else `started_at`."""
    found = []
    if front.get("date"):
        found.append(dt.datetime.combine(day(front["date"]), dt.time(), dt.UTC))
    if front.get("resolved_at"):
        found.append(instant(front["resolved_at"]))
    if not found:
        found.append(instant(front["started_at"]))
    return max(found)


def open_items(fronts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every open or in-progress action item with a due day of a postmortem but a draft,
    with its postmortem's id and title."""
    items = []
    for front in fronts:
        if front.get("status") == "draft":
            continue
        for item in front.get("action_items") or []:
            if item["status"] in ("open", "in-progress") and item.get("due"):
                items.append({**item, "due": day(item["due"]), "postmortem": front["id"]})
    return items


# --- builds, once a session


@pytest.fixture(scope="session")
def analytics_kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Built, Built]]:
    """tests/fixtures/analytics-kb (no `site_url`), built twice into two folders."""
    project = tmp_path_factory.mktemp("analytics-kb") / "kb"
    shutil.copytree(FIXTURES / "analytics-kb", project)
    sites = []
    for name in ("one", "two"):
        site = project.parent / name
        build(project, site)
        sites.append(Built(project, site, project / "postmortems", None))
    yield sites[0], sites[1]


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The repository's own site (with `site_url`)."""
    site = tmp_path_factory.mktemp("example") / "site"
    build(REPO, site)
    url = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))["site_url"]
    return Built(REPO, site, REPO / "postmortems", url)


HOSTILE_TITLE = "Ends ]]> & <script>alert(1)</script> \"q\" 'a' \\ ; , : END:VEVENT"
HOSTILE_TEXT = "one; two, three \\ four\nBEGIN:VEVENT\nUID:injected\n<![CDATA[ x ]]> &amp; é"
INJECTING_OWNER = "Eve\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:injected"
LONG_OWNER = "Zoë Ångström-Łukasiewicz " * 6
OWNERS = ["Ana Silva", "ana.silva", "ANA SILVA", "李雷", "王芳", INJECTING_OWNER, LONG_OWNER]
"""Three owners with one slug, two with none, one who tries to add an event, one whose
lines must fold between characters of two and three octets."""
SITE_NAME = 'KB <&> "x" ]]> ; ,'
FACTOR_LABEL = '<img src=x onerror=alert(1)> & "label" ]]>'


def _postmortem(number: int, status: str, **extra: Any) -> dict[str, Any]:
    front: dict[str, Any] = {
        "id": f"PM-2026-{number:03d}",
        "title": f"{HOSTILE_TITLE} {number}",
        "severity": "P1",
        "status": status,
        "date": f"2026-03-{number + 10:02d}",
        "authors": ["<b>ann</b> & co", "zoë"],
        "services": ["checkout"],
        "teams": ["payments"],
        "summary": f"{HOSTILE_TEXT} {number}",
        "started_at": f"2026-03-0{number}T10:00:00+02:00",
        "detected_at": f"2026-03-0{number}T10:05:00+02:00",
        "resolved_at": f"2026-03-0{number}T11:00:00+02:00",
        "contributing_factors": ["odd-factor"],
    }
    front.update(extra)
    return front


def _items(owners: Sequence[str | None], due: str = "2026-05-0{}") -> list[dict[str, Any]]:
    items = []
    for index, owner in enumerate(owners):
        item: dict[str, Any] = {
            "title": f"Fix; it, now \\ please {index % 3}",  # titles repeat: -2, -3 UIDs
            "type": "prevent",
            "due": due.format(index % 9 + 1),
            "priority": "high",
            "status": "open" if index % 2 else "in-progress",
        }
        if owner is not None:
            item["owner"] = owner
        items.append(item)
    items.append(
        {
            "title": "Closed one",
            "type": "detect",
            "owner": "Ana Silva",
            "due": "2026-04-01",
            "priority": "low",
            "status": "done",
            "closed_on": "2026-03-20",
        }
    )
    return items


HOSTILE_POSTMORTEMS = {
    "2026-03-01-published": _postmortem(
        1,
        "published",
        action_items=_items([*OWNERS, None]),
        review={"held_on": "2026-03-12", "attendees": [INJECTING_OWNER, "a, b; c"]},
    ),
    "2026-03-02-in-review": _postmortem(2, "in-review", action_items=_items(OWNERS[:3])),
    "2026-03-03-draft": _postmortem(3, "draft", action_items=_items(["Draft Owner"])),
    "2026-03-04-published": _postmortem(
        4, "published", severity="P3", services=["checkout", "index"], teams=["readme"]
    ),
}


def write_hostile_kb(project: Path, *, site_url: str | None = None) -> None:
    folder = project / "postmortems" / "2026"
    folder.mkdir(parents=True)
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# Hostile\n", "utf-8")
    config = {
        "site_name": SITE_NAME,
        "theme": {"name": "material", "font": False},
        "plugins": ["search", "postmortems"],
    }
    if site_url:
        config["site_url"] = site_url
    (project / "mkdocs.yml").write_text(json.dumps(config), "utf-8")  # JSON is YAML
    (project / "postmortems" / "taxonomy.yml").write_text(
        textwrap.dedent(
            f"""\
            severities:
              P1: {{label: {json.dumps(FACTOR_LABEL)}, description: "x < y"}}
              P3: {{label: Minor, description: Small.}}
            services: [checkout, index]
            teams: [payments, readme]
            contributing_factors:
              odd-factor: {{label: {json.dumps(FACTOR_LABEL)}, description: "<b>d</b>"}}
            required:
              open_action_items: [due]
            """
        ),
        "utf-8",
    )
    for stem, front in HOSTILE_POSTMORTEMS.items():
        text = "---\n" + json.dumps(front, ensure_ascii=False, indent=1) + "\n---\n\nBody.\n"
        (folder / f"{stem}.md").write_text(text, "utf-8")


@pytest.fixture(scope="session")
def hostile_kb(tmp_path_factory: pytest.TempPathFactory) -> Built:
    project = tmp_path_factory.mktemp("hostile") / "kb"
    write_hostile_kb(project)
    build(project, project / "site")
    return Built(project, project / "site", project / "postmortems", None)
