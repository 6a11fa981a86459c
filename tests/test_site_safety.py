"""A knowledge base full of HTML payloads builds, and nothing of it can run.

tests/fixtures/kb-payloads holds one postmortem whose every free-text field (and taxonomy
text) carries script payloads, and a body that shows them as code (a body whose HTML would
run is refused before it is built: tests/test_body_safety.py).
Every HTML file of the site is parsed: no element may carry an event handler, no script
may hold the payload, and payload text is only ever escaped text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

SiteBuilder = Callable[..., Path]

FIXTURE = Path(__file__).parent / "fixtures" / "kb-payloads"
MARK = "__pwned"
DATA_ATTRIBUTES = {"data-text", "data-value", "title", "datetime"}


class Audit(HTMLParser):
    """Collects what could run: handlers, scripts, script URLs, and where the payload is."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_script = False
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and (
                value.strip().lower().startswith(("javascript:", "data:", "vbscript:"))
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if (
                MARK in value
                and name not in DATA_ATTRIBUTES
                and not (name == "href" and value.startswith("https://"))
            ):
                self.problems.append(f"payload in <{tag} {name}>")
        if tag in ("iframe", "object", "embed", "svg", "img") and any(
            MARK in (v or "") for _, v in attrs
        ):
            self.problems.append(f"<{tag}> from the payload")
        self.in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and MARK in data:
            self.problems.append("payload inside <script>")
        self.text += data


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, build_site: SiteBuilder) -> Path:
    return build_site(FIXTURE / "mkdocs.yml", tmp_path_factory.mktemp("payloads") / "site")


def test_nothing_of_the_payload_can_run(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    shown = 0
    for path in pages:
        audit = Audit()
        audit.feed(path.read_text(encoding="utf-8"))
        assert audit.problems == [], path
        shown += MARK in audit.text
    assert shown >= 8  # the payload is there, as text, on the pages that show the postmortem


def test_every_free_text_field_is_shown_literally(site: Path) -> None:
    audit = Audit()
    audit.feed((site / "postmortems" / "2026-03-01-payloads" / "index.html").read_text())
    payload = 'X<script>window.__pwned=1</script>"\'&<img src=x onerror="window.__pwned=1">'
    fields = [
        "title",
        "summary",
        "author",
        "users",
        "trigger",
        "reputation",
        "event",
        "who",
        "action",
        "owner",
        "ticket",
        "tag",
        "parent",
        "file",
        "waiver",
        "justification",
        "story",
        "scheduled",
        "role",
        "approver",
        "internal",
        "customer",
        "public",
        "attendee",
        "scribe",
    ]
    fields += ["data impact", "testing gap", "monitoring gap", "process gap", "waiver type"]
    fields += ["gate", "proper fix"]
    for field in fields:
        assert f"{field} {payload}" in audit.text, field


def test_titles_are_escaped_where_material_prints_them_raw(site: Path) -> None:
    text = (site / "postmortems" / "2026-03-01-payloads" / "index.html").read_text()
    head = text.split("</head>", 1)[0]
    # Escaped, and each escaped `<` followed by U+2060 (inert in Material's tooltips).
    assert "<title>title X&lt;\u2060script&gt;window.__pwned=1&lt;\u2060/script&gt;" in head


def test_search_index_holds_escaped_text_only(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for key in ("title", "text"):
            audit = Audit()
            audit.feed(doc[key])
            assert audit.problems == [], (doc["location"], key)
            assert "<script" not in doc[key]
            assert "<img" not in doc[key]


def test_body_words_still_reach_search(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any("zanzibarquux" in doc["text"] for doc in index["docs"])


def test_charts_hold_payload_text_only_as_text(site: Path) -> None:
    """Factor and severity labels from the taxonomy reach the SVG charts: only as text."""
    import xml.etree.ElementTree as ET

    charts = sorted(site.rglob("*.svg"))
    assert charts, "the analytics pages draw charts"
    seen = False
    for path in charts:
        root = ET.fromstring(path.read_bytes())
        for element in root.iter():
            tag = element.tag.rsplit("}", 1)[-1]
            assert tag not in ("script", "foreignObject", "iframe"), (path, tag)
            for name, value in element.attrib.items():
                local = name.rsplit("}", 1)[-1]
                assert not local.startswith("on"), (path, name)
                assert MARK not in value, (path, name)
                if local == "href":
                    assert value.startswith("#"), (path, value)
            assert tag not in ("b", "i"), (path, tag)  # label markup never becomes elements
            seen |= "<b>x</b>" in (element.text or "")
    assert seen, "the label `Major <b>x</b>` is drawn, as literal text, in some chart"
