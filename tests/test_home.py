"""The home block speaks to readers: counts that say what they count, what happened lately,
what needs attention, the ways in; its headings in the page's table of contents.

Expectations are read from the example knowledge base's files (PyYAML, not the plugin's
reader), so they follow it as it grows. The last test is a real strict build.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from mkdocs_postmortems.analytics import frames, stats
from mkdocs_postmortems.core import taxonomy
from mkdocs_postmortems.core.corpus import load_corpus
from mkdocs_postmortems.site import catalog as catalog_module
from mkdocs_postmortems.site.home import LATEST, home_block, home_catalog, toc

REPO = Path(__file__).resolve().parents[1]
KB = REPO / "postmortems"
AS_OF = dt.date(2026, 11, 24)
HEADINGS = [
    (2, "what-happened-lately", "What happened lately"),
    (2, "needs-attention", "Needs attention"),
    (2, "ways-in", "Ways in"),
]


def fronts() -> list[dict[str, Any]]:
    found = []
    for path in sorted(KB.rglob("*.md")):
        _, front, _ = path.read_text("utf-8").split("---\n", 2)
        data = yaml.safe_load(front)
        data["_stem"] = path.stem
        found.append(data)
    return found


@pytest.fixture(scope="module")
def block() -> str:
    kb = taxonomy.load(KB / "taxonomy.yml")
    corpus = load_corpus([KB], kb)
    assert corpus.ok, corpus.diagnostics
    catalog = catalog_module.build(corpus.entries, kb, AS_OF)
    figures = stats.stats(frames.build(corpus.entries, kb, AS_OF))
    return home_block(home_catalog(catalog), figures, "index.md")


def text(fragment: str) -> str:
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())
    return re.sub(r" ([,.;:])", r"\1", words)


def test_the_counts_say_what_they_count(block: str) -> None:
    statuses = [f.get("status") for f in fronts()]
    published, reviewing = statuses.count("published"), statuses.count("in-review")
    assert reviewing, "the example knowledge base has no postmortem in review"
    counts = text(block.split('<div class="pm-figures">', 1)[0])
    assert f"{published} published postmortems, {reviewing} in review" in counts
    assert "draft" not in counts  # drafts are not on the built site


def test_what_happened_lately_is_the_latest_published(block: str) -> None:
    published = [f for f in fronts() if f.get("status") == "published"]
    published.sort(key=lambda f: str(f["started_at"]), reverse=True)
    section = block.split('id="what-happened-lately"', 1)[1].split('id="needs-attention"', 1)[0]
    links = re.findall(r'class="pm-home__title" href="postmortems/([^"/]+)/"', section)
    assert links == [f["_stem"] for f in published[:LATEST]]
    for front in published[:LATEST]:
        assert " ".join(front["summary"].split()) in text(section)
        assert f'<time datetime="{str(front["started_at"])[:10]}">' in section
        assert f'pm-sev pm-sev-{int(front["severity"][1:])}"' in section  # P0 -> pm-sev-0


def test_needs_attention_names_the_work_and_the_postmortems_in_review(block: str) -> None:
    section = block.split('id="needs-attention"', 1)[1].split('id="ways-in"', 1)[0]
    assert 'href="analytics/action-items/#overdue"' in section
    assert 'href="owners/"' in section
    overdue = sum(
        1
        for f in fronts()
        if f.get("status") != "draft"
        for item in f.get("action_items") or []
        if item["status"] in ("open", "in-progress") and str(item["due"]) < AS_OF.isoformat()
    )
    assert f"{overdue} overdue action items" in text(section)
    for front in fronts():
        if front.get("status") == "in-review":
            assert f'href="postmortems/{front["_stem"]}/"' in section


def test_the_ways_in(block: str) -> None:
    section = block.split('id="ways-in"', 1)[1]
    for target in (
        "postmortems/",
        "severity/",
        "services/",
        "teams/",
        "factors/",
        "owners/",
        "analytics/",
        "reports/",
        "subscribe/",
    ):
        assert f'href="{target}"' in section, target
    assert ('href="tags/"' in section) == any(f.get("tags") for f in fronts())


def test_its_headings_are_read_for_the_table_of_contents(block: str) -> None:
    assert toc(block) == HEADINGS


def test_a_real_build_puts_the_block_and_its_headings_in_the_toc(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTMORTEMS_")}
    env.update(POSTMORTEMS_AS_OF=AS_OF.isoformat(), NO_MKDOCS_2_WARNING="1", PYTHONUTF8="1")
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    home = (site / "index.html").read_text("utf-8")
    assert "postmortems plugin did not run" not in home
    assert home.count('class="pm-home"') == 1
    toc_nav = home.split('class="md-nav md-nav--secondary"', 1)[1].split("</nav>", 1)[0]
    anchors = re.findall(r'href="#([^"]+)"', toc_nav)
    block_ids = [anchor for _, anchor, _ in HEADINGS]
    assert [a for a in anchors if a in block_ids] == block_ids
    # After the headings above the marker, before those below it (docs/index.md's own).
    own = [a for a in anchors if a not in block_ids]
    below = [a for a in own if home.index(f'id="{a}"') > home.index('id="ways-in"')]
    assert anchors == [a for a in own if a not in below] + block_ids + below
    for anchor in block_ids:
        assert home.count(f'id="{anchor}"') == 1
