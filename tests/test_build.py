"""Real MkDocs builds: the example site, and a knowledge base with an invalid file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _build(project: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", *extra],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    result = _build(ROOT, "--site-dir", str(site))
    assert result.returncode == 0, result.stderr
    return site


def test_example_site_builds_strict(example_site: Path) -> None:
    assert (example_site / "index.html").is_file()
    assert "Incident postmortems" in (example_site / "index.html").read_text(encoding="utf-8")
    reference = (example_site / "schema" / "index.html").read_text(encoding="utf-8")
    assert "action_items[].due" in reference


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "kb"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# KB\n", encoding="utf-8")
    shutil.copytree(ROOT / "postmortems", project / "postmortems")
    (project / "mkdocs.yml").write_text(
        "site_name: KB\nplugins:\n  - postmortems\n", encoding="utf-8"
    )
    return project


def test_strict_build_fails_on_an_invalid_postmortem(tmp_path: Path) -> None:
    project = _project(tmp_path)
    bad = project / "postmortems" / "2026" / "bad.md"
    bad.write_text("---\nid: PM-X-1\ntitle: x\nseverity: p9\n---\n", encoding="utf-8")
    result = _build(project)
    assert result.returncode == 1
    assert "postmortems/2026/bad.md:4:11: severity: expected one of P0, P1, P2, P3" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


def test_valid_knowledge_base_builds_without_warnings(tmp_path: Path) -> None:
    result = _build(_project(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr


def test_same_inputs_give_a_byte_identical_site(tmp_path: Path) -> None:
    sites = []
    for name in ("one", "two"):
        site = tmp_path / name
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            env={
                "NO_MKDOCS_2_WARNING": "1",
                "PATH": "/usr/bin:/bin",
                "SOURCE_DATE_EPOCH": "1795478400",  # 2026-11-24: every closed_on lies before it
            },
        )
        assert result.returncode == 0, result.stderr
        sites.append({p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()})
    assert sites[0].keys() == sites[1].keys()
    different = [str(p) for p in sites[0] if sites[0][p] != sites[1][p]]
    assert different == []
    # The sitemap's dates are SOURCE_DATE_EPOCH's day, never the day of the build.
    sitemap = sites[0][Path("sitemap.xml")].decode()
    assert sitemap.count("<lastmod>") == sitemap.count("<lastmod>2026-11-24</lastmod>") > 0


def test_a_taxonomy_named_in_the_config_must_exist(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "mkdocs.yml").write_text(
        "site_name: KB\nplugins:\n  - postmortems:\n      taxonomy: postmortems/taxonmy.yml\n",
        encoding="utf-8",
    )
    result = _build(project)
    assert result.returncode == 1
    assert "postmortems/taxonmy.yml:1:1: taxonomy: cannot read" in result.stderr
