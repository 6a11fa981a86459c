"""In-process MkDocs builds of the site: pages at their URLs, front matter shown, data files.

Expected values come from the postmortem files themselves (read with the project's loader),
never from the pages under test.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from mkdocs_postmortems.core import taxonomy as taxonomy_module
from mkdocs_postmortems.core.corpus import Entry, load_corpus

SiteBuilder = Callable[..., Path]

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-24"


@pytest.fixture(autouse=True)
def _as_of(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTMORTEMS_AS_OF", AS_OF)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")


@pytest.fixture(scope="module")
def example(build_site: SiteBuilder) -> Iterator[Path]:
    import os
    import tempfile

    old = os.environ.get("POSTMORTEMS_AS_OF")
    os.environ["POSTMORTEMS_AS_OF"] = AS_OF
    try:
        with tempfile.TemporaryDirectory() as tmp:
            yield build_site(REPO / "mkdocs.yml", Path(tmp) / "site")
    finally:
        if old is None:
            del os.environ["POSTMORTEMS_AS_OF"]
        else:
            os.environ["POSTMORTEMS_AS_OF"] = old


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    folder = REPO / "postmortems"
    corpus = load_corpus([folder], taxonomy_module.load(folder / "taxonomy.yml"))
    assert corpus.ok
    return corpus.entries


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def published(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if not e.postmortem.is_draft]


def test_every_published_postmortem_has_its_page(example: Path, entries: list[Entry]) -> None:
    for entry in published(entries):
        text = page(example, f"postmortems/{Path(entry.path).stem}")
        assert f'<h1 id="postmortem-title">{escape(entry.postmortem.title or "")}</h1>' in text
        assert f"<title>{html.escape(entry.postmortem.title or '')} - Postmortems</title>" in text
        assert f"edit/main/{entry.path}" in text  # edit link to the real source file


def test_drafts_stay_out_of_build(example: Path, entries: list[Entry]) -> None:
    drafts = [e for e in entries if e.postmortem.is_draft]
    assert drafts
    for entry in drafts:
        assert not (example / "postmortems" / Path(entry.path).stem).exists()
        assert f">{entry.postmortem.id}<" not in page(example, "postmortems")


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for inner in value:
            yield from _leaves(inner, path + "[]")
    else:
        yield path, value


def _shown(value: Any, path: str) -> list[str]:
    """How a front matter value appears in the page's HTML; any one form will do."""
    if isinstance(value, bool):
        return ["yes", "no", "approved", "not yet"]
    if isinstance(value, int | float):
        return [f"{value:,}".removesuffix(".0"), str(value)]
    text = str(value)
    if path in ("started_at", "detected_at", "mitigated_at", "resolved_at", "timeline[].at"):
        return [f'datetime="{dt.datetime.fromisoformat(text).isoformat()}"']
    if path.endswith(("date", "due", "held_on")):
        return [f'datetime="{text}"']
    if path == "hotfix.fix":
        return [{"full": "full fix", "workaround": "temporary workaround"}[text]]
    if path == "links":
        return [escape(text)]
    # Authors' line breaks are kept by CSS (white-space: pre-line) on the postmortem page.
    return [escape(text), "<br>\n".join(escape(line) for line in text.split("\n"))]


def test_all_front_matter_is_shown(example: Path, entries: list[Entry]) -> None:
    checked = 0
    for entry in published(entries):
        text = page(example, f"postmortems/{Path(entry.path).stem}")
        data = entry.postmortem.model_dump(mode="json", exclude_none=True)
        for path, value in _leaves(data):
            forms = _shown(value, path.split(".")[0] if path.startswith("links") else path)
            assert any(form in text for form in forms), (entry.path, path, value)
            checked += 1
        for name in data.get("links", {}):
            assert f">{escape(name)}</a>" in text
    assert checked > 1000


def test_overdue_action_items_are_marked(example: Path, entries: list[Entry]) -> None:
    as_of = dt.date.fromisoformat(AS_OF)
    total = 0
    for entry in published(entries):
        text = page(example, f"postmortems/{Path(entry.path).stem}")
        expected = sorted(
            (as_of - item.due).days
            for item in entry.postmortem.action_items
            if item.status in ("open", "in-progress") and item.due and item.due < as_of
        )
        found = sorted(
            int(chunk.split('"', 1)[0]) for chunk in text.split('data-days-overdue="')[1:]
        )
        assert found == expected, entry.path
        assert text.count('<tr class="pm-row-overdue">') == len(expected)
        total += len(expected)
    assert total == 17  # the example knowledge base's overdue items, as of 2026-11-24


def test_postmortem_pages_stay_out_of_the_nav(example: Path, entries: list[Entry]) -> None:
    home = (example / "index.html").read_text(encoding="utf-8")
    nav = home.split("md-nav--primary", 1)[1].split("md-sidebar--secondary", 1)[0]
    assert "postmortems/" in nav  # the browse page is in it
    for entry in published(entries):
        assert Path(entry.path).stem not in nav


def test_browse_table_lists_every_published_postmortem(example: Path, entries: list[Entry]) -> None:
    text = page(example, "postmortems")
    rows = text.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr ")
    assert rows == len(published(entries))
    for entry in published(entries):
        pm = entry.postmortem
        assert f'data-severity="{pm.severity}"' in text
        assert f'data-services="{" ".join(pm.services)}"' in text
        assert f'data-status="{pm.status}"' in text
        assert f'data-tags="{" ".join(pm.tags)}"' in text
    for kind in ("severity", "status", "services", "teams", "factors", "tags"):
        assert f'<select data-filter="{kind}"' in text
    assert 'src="../assets/postmortems/browse.js"' in text


def test_term_pages(example: Path, entries: list[Entry]) -> None:
    taxonomy = taxonomy_module.load(REPO / "postmortems" / "taxonomy.yml")
    for level, info in taxonomy.severities.items():
        text = page(example, f"severity/{level}")
        assert escape(info.description) in text
        expected = [e for e in published(entries) if e.postmortem.severity == level]
        assert text.count('<li class="pm-summary">') == len(expected)
    for key, factor in (taxonomy.contributing_factors or {}).items():
        text = page(example, f"factors/{key}")
        assert escape(factor.description) in text
        expected = [e for e in published(entries) if key in e.postmortem.contributing_factors]
        assert text.count('<li class="pm-summary">') == len(expected)
        for entry in expected:
            assert escape(entry.postmortem.summary or "") in text
    for kind, field in (("services", "services"), ("teams", "teams")):
        for key in {k for e in published(entries) for k in getattr(e.postmortem, field)}:
            text = page(example, f"{kind}/{key}")
            expected = [e for e in published(entries) if key in getattr(e.postmortem, field)]
            assert text.count('<li class="pm-summary">') == len(expected)
    for kind in ("severity", "services", "teams", "factors"):
        assert (example / kind / "index.html").is_file()


def test_home_page_block(example: Path, entries: list[Entry]) -> None:
    home = (example / "index.html").read_text(encoding="utf-8")
    assert "<!-- postmortems:home -->" not in home
    statuses = [e.postmortem.status for e in published(entries)]
    counts = (
        f"<strong>{statuses.count('published')}</strong> published postmortems</a>, "
        f"<strong>{statuses.count('in-review')}</strong> in review"
    )
    assert counts in home  # the counts say what they count (tests/test_home.py: the rest)
    assert home.count('<li class="pm-home__incident">') == 5
    latest = max(
        (e for e in published(entries) if e.postmortem.status == "published"),
        key=lambda e: e.postmortem.started_at or dt.datetime.min,
    )
    assert html.escape(latest.postmortem.title or "") in home


def test_data_exports(example: Path, entries: list[Entry]) -> None:
    data = json.loads((example / "data" / "postmortems.json").read_text(encoding="utf-8"))
    assert data["as_of"] == AS_OF
    assert data["count"] == len(published(entries)) == len(data["postmortems"])
    by_id = {record["id"]: record for record in data["postmortems"]}
    for entry in published(entries):
        pm = entry.postmortem
        record = by_id[pm.id]
        assert record["title"] == pm.title
        assert pm.started_at and pm.resolved_at
        assert record["time_to_resolve_minutes"] == round(
            (pm.resolved_at - pm.started_at).total_seconds() / 60, 3
        )
        start = pm.started_at.astimezone(dt.UTC)
        assert record["quarter"] == f"{start.year}-Q{(start.month + 2) // 3}"
        assert set(record) >= set(type(pm).model_fields)  # every schema field, even absent
    rows = list(csv.DictReader(io.StringIO((example / "data" / "postmortems.csv").read_text())))
    assert len(rows) == data["count"]
    assert {"impact.users_affected", "hotfix.proper_fix.story", "time_to_detect_minutes"} <= set(
        rows[0]
    )
    assert {row["id"] for row in rows} == set(by_id)


def test_include_drafts_publishes_them_with_a_banner(
    tmp_path: Path, entries: list[Entry], build_site: SiteBuilder
) -> None:
    site = build_site(REPO / "mkdocs.yml", tmp_path / "site", include_drafts=True)
    for entry in entries:
        if entry.postmortem.is_draft:
            text = page(site, f"postmortems/{Path(entry.path).stem}")
            assert "pm-draft" in text


def test_serve_shows_drafts(tmp_path: Path, entries: list[Entry]) -> None:
    config = load_config(
        config_file=str(REPO / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=True
    )
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)
    drafts = [e for e in entries if e.postmortem.is_draft]
    assert all((tmp_path / "site" / "postmortems" / Path(e.path).stem).is_dir() for e in drafts)


def test_invalid_as_of_is_a_clear_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    build_site: SiteBuilder,
) -> None:
    monkeypatch.setenv("POSTMORTEMS_AS_OF", "24/11/2026")
    with pytest.raises(Abort):
        build_site(REPO / "mkdocs.yml", tmp_path / "site")
    assert "POSTMORTEMS_AS_OF: expected a date YYYY-MM-DD, got '24/11/2026'" in caplog.text


def _project(tmp_path: Path, body: str) -> Path:
    project = tmp_path / "kb"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# KB\n", encoding="utf-8")
    (project / "postmortems").mkdir()
    shutil.copy(REPO / "postmortems" / "taxonomy.yml", project / "postmortems")
    source = next((REPO / "postmortems" / "2026").glob("*coredns*"))
    (project / "postmortems" / "a.md").write_text(source.read_text(encoding="utf-8") + body)
    (project / "mkdocs.yml").write_text(
        "site_name: KB\ntheme: {name: material, font: false}\nplugins:\n  - search\n"
        "  - postmortems\n",
        encoding="utf-8",
    )
    return project


def test_strict_build_fails_and_publishes_nothing_invalid(
    tmp_path: Path, build_site: SiteBuilder
) -> None:
    project = _project(tmp_path, "")
    bad = project / "postmortems" / "b.md"
    bad.write_text("---\nid: PM-X-1\ntitle: Broken\nseverity: p9\n---\n", encoding="utf-8")
    with pytest.raises(Abort):
        build_site(project / "mkdocs.yml", tmp_path / "site")
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(tmp_path / "s2"))
    build(config)  # not strict: builds, without the invalid file
    assert (tmp_path / "s2" / "postmortems" / "a" / "index.html").is_file()
    assert not (tmp_path / "s2" / "postmortems" / "b").exists()


def test_automatic_nav_leaves_postmortems_out(tmp_path: Path, build_site: SiteBuilder) -> None:
    project = _project(tmp_path, "")
    site = build_site(project / "mkdocs.yml", tmp_path / "site")
    home = (site / "index.html").read_text(encoding="utf-8")
    nav = home.split("md-nav--primary", 1)[1].split("md-sidebar--secondary", 1)[0]
    assert "All postmortems" in nav
    assert 'href="postmortems/a/"' not in nav


def test_two_builds_are_byte_identical(tmp_path: Path, build_site: SiteBuilder) -> None:
    project = _project(tmp_path, "")
    first = build_site(project / "mkdocs.yml", tmp_path / "one")
    second = build_site(project / "mkdocs.yml", tmp_path / "two")
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in files:
        if name.suffix == ".gz":
            continue  # sitemap.xml.gz carries a timestamp in its gzip header
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def _broken_links(site: Path) -> list[str]:
    import posixpath
    import re

    broken = []
    for path in site.rglob("*.html"):
        base = path.parent.relative_to(site).as_posix()
        for href in re.findall(r'(?:href|src)="([^"#?]+)', path.read_text(encoding="utf-8")):
            if href.startswith(("http:", "https:", "mailto:", "//", "data:")):
                continue
            href = html.unescape(href)
            if href.startswith("/"):  # 404.html links from the site root
                target = site / href.lstrip("/")
            else:
                target = site / posixpath.normpath(posixpath.join(base, href))
            if not (target.is_file() or (target / "index.html").is_file()):
                broken.append(f"{path.relative_to(site)} -> {href}")
    return broken


def test_no_broken_internal_links(example: Path) -> None:
    assert _broken_links(example) == []


def test_no_broken_links_in_a_site_of_generated_pages_only(
    tmp_path: Path, build_site: SiteBuilder
) -> None:
    """Generated pages link only to generated pages: other sites lack our docs/."""
    project = tmp_path / "kb"
    shutil.copytree(REPO / "tests" / "fixtures" / "analytics-kb", project)
    site = build_site(project / "mkdocs.yml", tmp_path / "site", as_of="2026-06-15")
    assert (site / "reports" / "2026-Q1" / "index.html").is_file()
    assert _broken_links(site) == []


def test_no_broken_links_without_directory_urls(tmp_path: Path, build_site: SiteBuilder) -> None:
    config = tmp_path / "mkdocs.yml"
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("docs_dir: docs", f"docs_dir: {REPO / 'docs'}")
    config.write_text(text + "use_directory_urls: false\n", encoding="utf-8")
    site = build_site(config, tmp_path / "site", dir=str(REPO / "postmortems"))
    assert (site / "postmortems" / "2026-02-17-coredns-forward-zone-outage.html").is_file()
    assert _broken_links(site) == []


def test_a_site_without_a_home_page_gets_one(tmp_path: Path, build_site: SiteBuilder) -> None:
    project = _project(tmp_path, "")
    (project / "docs" / "index.md").unlink()
    (project / "docs" / "about.md").write_text("# About\n", encoding="utf-8")
    site = build_site(project / "mkdocs.yml", tmp_path / "site")
    home = (site / "index.html").read_text(encoding="utf-8")
    assert home.count('class="pm-home"') == 1
    assert 'href="postmortems/a/"' in home
