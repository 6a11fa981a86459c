"""Helpers for building a knowledge base through `postmortems generate` with a generator
that runs no plugin: a project folder with a copy of the docs and a configuration without
the plugin, the generated files in its docs folder, and what the built site must hold."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from mkdocs_postmortems.adapters import generate
from mkdocs_postmortems.analytics import rows as analytics_rows
from mkdocs_postmortems.core import taxonomy as taxonomy_module
from mkdocs_postmortems.core.corpus import load_corpus
from mkdocs_postmortems.site import build as site_module
from mkdocs_postmortems.site import catalog as catalog_module
from mkdocs_postmortems.site import urls

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2026-06-01"


def without_plugin(config: Path, out: Path) -> Path:
    """`config` (a mkdocs.yml) without the postmortems plugin, with the lines
    `postmortems generate` prints added, written to `out`."""
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    plugins = data.get("plugins") or []
    data["plugins"] = [
        p
        for p in plugins
        if p != "postmortems" and not (isinstance(p, dict) and "postmortems" in p)
    ]
    for key, values in yaml.safe_load(generate.config_lines()).items():
        data[key] = [*(data.get(key) or []), *values]
    out.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return out


@dataclass
class Project:
    root: Path
    kb: Path

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def config(self) -> Path:
        return self.root / "mkdocs.yml"


def project(tmp: Path, source: Path = REPO, kb: str = "postmortems") -> Project:
    """A copy of `source`'s docs folder and configuration, the plugin left out."""
    tmp.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / "docs", tmp / "docs")
    without_plugin(source / "mkdocs.yml", tmp / "mkdocs.yml")
    return Project(tmp, source / kb)


def run_generate(
    project: Project, *args: str, generator: str = "mkdocs"
) -> subprocess.CompletedProcess[str]:
    """The real command, in a child process, from the project's folder."""
    command = [sys.executable, "-m", "mkdocs_postmortems", "generate", str(project.kb)]
    command += ["--out", str(project.docs), "--as-of", AS_OF, "--for", generator]
    command += ["--config", str(project.config), *args]
    result = subprocess.run(
        command, cwd=project.root, capture_output=True, text=True, timeout=300, check=False
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def expected_pages(kb: Path, use_directory_urls: bool = True) -> dict[str, str]:
    """Every page the plugin adds for the knowledge base `kb` (its src_uri), and the file
    a generator writes for it: the plugin's own list, not `generate`'s."""
    import datetime as dt

    as_of = dt.date.fromisoformat(AS_OF)
    found = taxonomy_module.find([kb])
    taxonomy = taxonomy_module.load(found) if found else taxonomy_module.DEFAULT
    corpus = load_corpus([kb], taxonomy, as_of=as_of)
    catalog = catalog_module.build(corpus.entries, taxonomy, as_of)
    site = site_module.lists(catalog)
    plan = site_module.analytics_plan(analytics_rows.rows(corpus.entries, taxonomy, as_of))
    uris = [page.src_uri for page in site.pages] + [uri for uri, _ in plan]
    return {uri: page_file(uri, use_directory_urls) for uri in uris}


def page_file(src_uri: str, use_directory_urls: bool = True) -> str:
    path = urls.site_path(src_uri, use_directory_urls)
    return path + "index.html" if path.endswith("/") else path


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def plain(text: str) -> str:
    """Output without colours: Zensical writes them even into a pipe."""
    return _ANSI.sub("", text)
