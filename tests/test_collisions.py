"""A docs page never shares a URL with a generated page: a real `mkdocs build --strict` of a
small project fails, naming the docs file, the URL and the generated page; the same project
without the clash builds.

`docs/analytics.md` and the generated `analytics/index.md` both publish `/analytics/`, which
MkDocs does not notice (it compares the files of one folder only); whichever was written last
won, and a nav item led to the wrong page.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"


def project(tmp_path: Path, docs: dict[str, str], *, directory_urls: bool = True) -> Path:
    """A knowledge base of the valid fixtures with the given docs files."""
    root = tmp_path / "kb"
    folder = root / "postmortems"
    folder.mkdir(parents=True)
    for name in ("every-field.md", "hotfix.md"):
        shutil.copy(FIXTURES / "valid" / name, folder / name)
    shutil.copy(FIXTURES / "taxonomy.yml", folder / "taxonomy.yml")
    for path, text in {"index.md": "# Home\n", **docs}.items():
        target = root / "docs" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Clash\n"
        f"use_directory_urls: {str(directory_urls).lower()}\n"
        "theme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n  - postmortems\n",
        encoding="utf-8",
    )
    return root


def build(root: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTMORTEMS_")}
    env.update(POSTMORTEMS_AS_OF="2026-11-24", NO_MKDOCS_2_WARNING="1", PYTHONUTF8="1")
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(root / "site")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize(
    ("docs_file", "url", "generated"),
    [
        ("analytics.md", "/analytics/", "analytics/index.md"),
        ("analytics/index.md", "/analytics/", "analytics/index.md"),
        ("services/README.md", "/services/", "services/index.md"),
        ("postmortems/index.md", "/postmortems/", "postmortems/index.md"),
        ("data/postmortems.json", "/data/postmortems.json", "data/postmortems.json"),
    ],
)
def test_a_docs_file_at_a_generated_url_fails_the_build_naming_both(
    tmp_path: Path, docs_file: str, url: str, generated: str
) -> None:
    content = "{}\n" if docs_file.endswith(".json") else "# Mine\n\nhand-written\n"
    result = build(project(tmp_path, {docs_file: content}))
    assert result.returncode != 0, result.stderr
    expected = (
        f"docs/{docs_file}: expected a URL of its own, got {url} which the postmortems "
        f"plugin generates (its page {generated})"
    )
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_an_owner_page_is_a_generated_url_too(tmp_path: Path) -> None:
    """Pages other parts of the plugin add (an owner's) are claimed the same way."""
    clean = project(tmp_path, {})
    assert build(clean).returncode == 0
    owners = sorted(p.parent.name for p in (clean / "site" / "owners").glob("*/index.html"))
    if not owners:
        pytest.skip("this build makes no owner pages")
    shutil.rmtree(clean)
    result = build(project(tmp_path, {f"owners/{owners[0]}.md": "# Me\n"}))
    assert result.returncode != 0
    assert f"docs/owners/{owners[0]}.md: expected a URL of its own, got /owners/" in result.stderr


def test_docs_pages_beside_the_generated_ones_build(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {"about-figures.md": "# About these figures\n", "analytics/notes.md": "# Notes\n"},
    )
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert "expected a URL of its own" not in result.stderr
    site = root / "site"
    assert "About these figures" in (site / "about-figures" / "index.html").read_text("utf-8")
    assert "Notes" in (site / "analytics" / "notes" / "index.html").read_text("utf-8")


def test_without_directory_urls_analytics_md_has_a_url_of_its_own(tmp_path: Path) -> None:
    """`analytics.md` is `analytics.html` then, and the generated page `analytics/index.html`:
    no clash, so no error."""
    root = project(tmp_path, {"analytics.md": "# Mine\n"}, directory_urls=False)
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert "Mine" in (root / "site" / "analytics.html").read_text("utf-8")
