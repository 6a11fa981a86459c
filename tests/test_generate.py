"""`postmortems generate` writes the plugin's pages and files into a docs folder, and plain
MkDocs (no plugin) builds them into the site the plugin would have made: every page, with
working links, author bodies sanitised, and the docs folder's own files left alone.

ProperDocs and Zensical build the same output in tests/test_generators.py (`make zensical`).
"""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import markdown
import pytest

from crawl import broken_links
from generated_site import (
    REPO,
    Project,
    expected_pages,
    project,
    run_generate,
)
from mkdocs_postmortems.adapters import generate
from mkdocs_postmortems.site import home_marker

PAYLOADS = REPO / "tests" / "fixtures" / "kb-payloads"
SiteBuilder = Callable[..., Path]


def _mkdocs_build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
    )


def _manifest(docs: Path) -> set[str]:
    return generate.read_manifest(docs)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Project:
    made = project(tmp_path_factory.mktemp("example"))
    result = run_generate(made)
    assert result.returncode == 0, result.stderr
    return made


@pytest.fixture(scope="module")
def example_site(example: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("example-site") / "site"
    result = _mkdocs_build(example.config, site)
    assert result.returncode == 0, result.stderr
    return site


def test_every_page_of_the_plugin_is_written(example: Project) -> None:
    written = _manifest(example.docs)
    pages = expected_pages(example.kb)
    assert len(pages) > 50
    assert set(pages) == {path for path in written if path.endswith(".md")}
    postmortems = [p for p in pages if p.startswith("postmortems/") and p != "postmortems/index.md"]
    stems = {p.stem for p in example.kb.rglob("*.md")}
    assert {Path(p).stem for p in postmortems} <= stems
    assert len(postmortems) >= 15
    for page in pages:
        text = (example.docs / page).read_text(encoding="utf-8")
        assert text.startswith("---\ntitle: "), page


def test_charts_are_drawn_and_data_files_written(example: Project) -> None:
    written = _manifest(example.docs)
    charts = sorted(p for p in written if p.endswith(".svg"))
    assert len(charts) >= 10
    for chart in charts:
        svg = (example.docs / chart).read_bytes()
        assert svg.lstrip().startswith((b"<?xml", b"<svg")), chart
        assert b"<svg" in svg and len(svg) > 1000, chart
    for data in ("data/postmortems.json", "data/postmortems.csv", "data/stats.json", "feed.xml"):
        assert data in written and (example.docs / data).stat().st_size > 100
    assert any(p.startswith("data/reports/") and p.endswith(".json") for p in written)
    assert any(p.endswith(".ics") for p in written)
    for line in generate.config_lines().splitlines():
        if line.startswith("  - "):
            assert line[4:] in written


def test_home_region_is_replaced_in_place(example: Project) -> None:
    home = (example.docs / "index.md").read_text(encoding="utf-8")
    original = (REPO / "docs" / "index.md").read_text(encoding="utf-8")
    assert home_marker.NOTICE not in home
    assert home.count(home_marker.START) == 1 and home.count(home_marker.END) == 1
    before, _, after = original.partition(home_marker.MARKDOWN)
    assert home.startswith(before) and home.endswith(after)
    assert 'class="pm-figures"' in home
    assert "index.md" not in _manifest(example.docs)  # hand-written: never removed


def test_a_second_run_changes_nothing(example: Project, tmp_path: Path) -> None:
    snapshot = tmp_path / "before"
    shutil.copytree(example.docs, snapshot)
    result = run_generate(example)
    assert result.returncode == 0, result.stderr
    assert " 0 written, " in result.stderr
    compared = filecmp.dircmp(snapshot, example.docs)
    assert _same_tree(compared)


def _same_tree(compared: filecmp.dircmp[str]) -> bool:
    if compared.left_only or compared.right_only or compared.diff_files:
        return False
    return all(_same_tree(sub) for sub in compared.subdirs.values())


def test_output_is_byte_identical_across_folders(example: Project, tmp_path: Path) -> None:
    other = project(tmp_path / "other")
    assert run_generate(other).returncode == 0
    for path in sorted(_manifest(example.docs) | {"index.md", generate.MANIFEST}):
        assert (other.docs / path).read_bytes() == (example.docs / path).read_bytes(), path


def test_plain_mkdocs_builds_every_page_with_working_links(
    example: Project, example_site: Path
) -> None:
    for page, built in expected_pages(example.kb).items():
        assert (example_site / built).is_file(), page
    assert broken_links(example_site) == []
    home = (example_site / "index.html").read_text(encoding="utf-8")
    assert home_marker.NOTICE_TEXT not in home
    assert 'class="pm-figures"' in home
    assert "assets/postmortems/postmortems.css" in home


def test_raw_html_survives_markdown(example: Project, example_site: Path) -> None:
    """Each page's HTML blocks come out of the generator as `generate` wrote them."""
    pages = expected_pages(example.kb)
    for page, built_path in pages.items():
        text = (example.docs / page).read_text(encoding="utf-8")
        built = _tags((example_site / built_path).read_text(encoding="utf-8"))
        blocks = [b for b in text.split("---", 2)[2].split("\n\n") if b.startswith("<")]
        assert blocks, page
        for block in blocks:  # Python-Markdown puts a line break between top-level elements
            assert _tags(block.strip()) in built, (page, block[:200])
    durations = (example_site / "analytics/durations/index.html").read_text(encoding="utf-8")
    assert "<table" in durations and "<figure" in durations


def _tags(html: str) -> str:
    return re.sub(r">\s+<", "><", html)


def test_sections_are_in_the_table_of_contents(example: Project, example_site: Path) -> None:
    stem = next(p for p in _manifest(example.docs) if p.startswith("postmortems/2")).removesuffix(
        ".md"
    )
    built = (example_site / stem / "index.html").read_text(encoding="utf-8")
    toc = built.split('class="md-nav md-nav--secondary"', 1)[1].split("</nav>", 1)[0]
    assert 'href="#timeline"' in toc and 'href="#action-items"' in toc
    assert built.count("<h1") == 1


def test_nothing_of_a_payload_can_run(tmp_path: Path) -> None:
    from test_site_safety import MARK, Audit

    made = project(tmp_path / "payloads", PAYLOADS)
    result = run_generate(made)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    built = _mkdocs_build(made.config, site)
    assert built.returncode == 0, built.stderr
    shown = 0
    for path in sorted(site.rglob("*.html")):
        audit = Audit()
        audit.feed(path.read_text(encoding="utf-8"))
        assert audit.problems == [], path
        shown += MARK in audit.text
    assert shown >= 8
    head = (site / "postmortems/2026-03-01-payloads/index.html").read_text().split("</head>")[0]
    assert "<title>title X&lt;\u2060script&gt;" in head


def test_a_hand_written_file_is_never_overwritten(tmp_path: Path) -> None:
    made = project(tmp_path / "kb")
    mine = made.docs / "severity" / "index.md"
    mine.parent.mkdir()
    mine.write_text("# My own severities\n", encoding="utf-8")
    result = run_generate(made)
    assert result.returncode == 1
    assert str(mine) in result.stderr
    assert mine.read_text(encoding="utf-8") == "# My own severities\n"
    assert not (made.docs / generate.MANIFEST).exists()
    assert not (made.docs / "postmortems").exists()


def test_stale_generated_files_are_removed(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(REPO / "postmortems", kb)
    made = Project(tmp_path, kb)
    shutil.copytree(REPO / "docs", made.docs)
    (tmp_path / "mkdocs.yml").write_text("site_name: Stale\n", encoding="utf-8")
    assert run_generate(made).returncode == 0
    victim = sorted(kb.rglob("2025-*.md"))[0]
    page = f"postmortems/{victim.stem}.md"
    assert (made.docs / page).is_file()
    victim.unlink()
    (made.docs / "extra.md").write_text("# hand-written\n", encoding="utf-8")
    result = run_generate(made)
    assert result.returncode == 0, result.stderr
    assert not (made.docs / page).exists()
    assert page not in _manifest(made.docs)
    assert (made.docs / "extra.md").is_file()
    assert " 1 removed" in result.stderr or "removed" in result.stderr


def test_errors_in_files_write_nothing(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(REPO / "postmortems", kb)
    bad = sorted(kb.rglob("2026-*.md"))[0]
    bad.write_text(bad.read_text(encoding="utf-8").replace("severity: ", "severity: X", 1))
    made = Project(tmp_path, kb)
    shutil.copytree(REPO / "docs", made.docs)
    (tmp_path / "mkdocs.yml").write_text("site_name: Bad\n", encoding="utf-8")
    result = run_generate(made)
    assert result.returncode == 1
    assert f"{bad.name}:" in result.stderr and "severity" in result.stderr
    assert not (made.docs / generate.MANIFEST).exists()


def test_a_docs_folder_without_index_gets_a_generated_home(tmp_path: Path) -> None:
    made = Project(tmp_path, REPO / "postmortems")
    made.docs.mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: Fresh <KB>\n", encoding="utf-8")
    assert run_generate(made).returncode == 0
    home = (made.docs / "index.md").read_text(encoding="utf-8")
    assert home.startswith("# Fresh &lt;KB&gt;\n")
    assert "index.md" in _manifest(made.docs)


def test_the_marker_region_renders_as_visible_text() -> None:
    rendered = markdown.markdown(f"# Home\n\n{home_marker.MARKDOWN}\n\n## Next\n")
    assert f"<p><strong>{home_marker.NOTICE_TEXT}</strong>" in rendered
    assert home_marker.START in rendered and home_marker.END in rendered
    assert home_marker.replace(rendered, "<p>block</p>").count("block") == 1
    assert home_marker.NOTICE_TEXT not in home_marker.replace(rendered, "<p>block</p>")
    # A docs/index.md written before the notice existed holds the start marker alone.
    assert home_marker.replace(f"a {home_marker.START} b", "X") == "a X b"


def test_this_repository_shows_the_notice_where_the_home_block_goes() -> None:
    home = (REPO / "docs" / "index.md").read_text(encoding="utf-8")
    assert home_marker.MARKDOWN in home


def test_source_relative_links_for_zensical() -> None:
    links = generate.SourceRelativeUrls()
    assert links.rel("analytics/severity.md", "postmortems/a.md") == "../postmortems/a/"
    assert links.rel("severity/index.md", "postmortems/a.md") == "../postmortems/a/"
    assert links.rel("analytics/severity.md", "analytics/index.md") == "./"
    assert links.rel("analytics/severity.md", "analytics/x.svg") == "x.svg"


def test_read_config_takes_the_markdown_extensions(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: X\nuse_directory_urls: false\ntheme: {name: material, custom_dir: o}\n"
        "markdown_extensions:\n  - admonition\n  - toc:\n      permalink: true\n"
        "  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
        encoding="utf-8",
    )
    read = generate.read_config(config)
    assert read.extensions == ("toc", "tables", "fenced_code", "admonition", "pymdownx.emoji")
    assert read.extension_configs["toc"] == {"permalink": True}
    assert read.extension_configs["pymdownx.emoji"] == {"emoji_index": None}
    assert read.use_directory_urls is False
    assert read.custom_dir == tmp_path / "o"
    assert read.plugin is False
    config.write_text("plugins:\n  - search\n  - postmortems:\n      dir: kb\n", encoding="utf-8")
    assert generate.read_config(config).plugin is True


def test_the_plugin_replaces_the_whole_region(tmp_path: Path, build_site: SiteBuilder) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(PAYLOADS, kb)
    index = kb / "docs" / "index.md"
    index.write_text(f"# Home\n\n{home_marker.MARKDOWN}\n\n## After\n", encoding="utf-8")
    site = build_site(kb / "mkdocs.yml", tmp_path / "site")
    home = (site / "index.html").read_text(encoding="utf-8")
    assert home_marker.NOTICE_TEXT not in home
    assert home_marker.START not in home and home_marker.END not in home
    assert 'class="pm-figures"' in home and 'id="after"' in home


def test_body_links_to_markdown_files_lead_to_their_pages() -> None:
    from mkdocs_postmortems.site import urls

    body = (
        '<p><a href="other.md">a</a> <a href="other.md#timeline">b</a> '
        '<a href="../docs/x.md">c</a> <a href="https://x.example/y.md">d</a> '
        '<a href="#here">e</a> <a href="sp%20ace.md">f</a></p>'
    )
    here = "postmortems/this.md"
    assert generate.md_links(body, here, urls.Urls()) == (
        '<p><a href="../other/">a</a> <a href="../other/#timeline">b</a> '
        '<a href="../../docs/x/">c</a> <a href="https://x.example/y.md">d</a> '
        '<a href="#here">e</a> <a href="../sp%20ace/">f</a></p>'
    )
    zensical = generate.md_links(body, here, generate.SourceRelativeUrls())
    assert 'href="other/"' in zensical and 'href="other/#timeline"' in zensical
