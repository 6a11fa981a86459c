"""Every URL the site writes is percent-encoded and leads to the page MkDocs writes.

File names and taxonomy keys are hostile here: unicode, quotes, `<>"'&%#? `, `javascript:`
prefixes, `..`, `index` and `README`. Where a URL should lead is asked of MkDocs itself
(`File.url`, `File.dest_uri`, `get_relative_url`), never worked out again in the test.
Discovery refuses file names outside the safe set, so odd file names are tested through the
functions that make URLs and through the generated pages; the real builds use what can
still hold any character: the knowledge base's folder and the edit URI.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import posixpath
import re
import shutil
import textwrap
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from mkdocs_postmortems.analytics import frames
from mkdocs_postmortems.core.corpus import Entry, load_corpus
from mkdocs_postmortems.core.taxonomy import Taxonomy
from mkdocs_postmortems.site import build as site_build
from mkdocs_postmortems.site import catalog as catalog_module
from mkdocs_postmortems.site import charts, urls
from mkdocs_postmortems.site.home import home_block, home_catalog
from mkdocs_postmortems.site.html import link

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
AS_OF = dt.date(2026, 11, 24)
SITE = "https://kb.example.com/a%20b/"
"""Where the site is served: relative links must not depend on it."""

HOSTILE = [
    "javascript:alert(1)",
    "JavaScript:alert(document.domain)//",
    "data:text/html,<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "a b&c<d>e\"f'g%h#i?j",
    "%2e%2e%2f%2e%2e",
    "%22",
    "..",
    ".",
    "...",
    "//evil.example.com",
    "\\\\evil.example.com\\x",
    "index",
    "README",
    "index_",
    "café",
    "決済",
    "\u202eevil",
    "a\tb\nc",
    "~user",
    "+plus=&amp;",
]
_CHAR = st.characters(codec="utf-8", blacklist_characters="/\x00")  # no surrogates
NAME = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(_CHAR, min_size=1, max_size=12),
    st.tuples(st.sampled_from(HOSTILE), st.text(_CHAR, max_size=6)).map("".join),
)
"""A file stem or a taxonomy key: anything a file name can hold (no `/`, no NUL)."""

ENCODED = re.compile(r"(?:[A-Za-z0-9_.~/-]|%[0-9A-F]{2})*")
"""A path as `urllib.parse.quote` leaves it: nothing that can end an attribute or a URL."""


def assert_encoded(url: str) -> None:
    """Encoded, parseable, no scheme or host of its own, and unchanged inside an attribute."""
    parts = urlsplit(url)
    assert ENCODED.fullmatch(parts.path), url
    assert re.fullmatch(r"(?:[A-Za-z0-9_.~=&-]|%[0-9A-F]{2})*", parts.query), url
    assert re.fullmatch(r"[A-Za-z0-9_-]*", parts.fragment), url
    assert parts.scheme == "" and parts.netloc == "", url
    assert _hrefs(link(url, "text")) == [url]


class _Attributes(HTMLParser):
    """Every href and src of a fragment, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.extend(value or "" for name, value in attrs if name in ("href", "src"))


def _hrefs(fragment: str) -> list[str]:
    parser = _Attributes()
    parser.feed(fragment)
    parser.close()
    return parser.found


def mkdocs_file(src_uri: str, directory: bool) -> File:
    """The file as MkDocs makes it when the plugin adds a generated page at `src_uri`."""
    return File(src_uri, src_dir=None, dest_dir="/site", use_directory_urls=directory)


def resolve(page_url: str, href: str) -> str:
    """The file a relative href leads to from the page at `page_url`, as a browser asks for
    it and a static server finds it: decoded, a folder meaning its index.html."""
    target = urlsplit(urljoin(SITE + page_url, href))
    assert target.netloc == urlsplit(SITE).netloc, href
    base = urlsplit(SITE).path
    assert target.path.startswith(base), href
    path = unquote(target.path[len(base) :])
    return posixpath.normpath(path + "index.html" if path.endswith("/") or not path else path)


# --- the URL functions against MkDocs


@given(NAME, st.booleans())
def test_a_postmortem_url_is_the_one_mkdocs_gives_its_page(stem: str, directory: bool) -> None:
    src_uri = urls.postmortem(stem)
    url = urls.Urls(directory).url(src_uri)
    file = mkdocs_file(src_uri, directory)
    assert url == file.url
    assert_encoded(url)
    assert resolve("", url) == posixpath.normpath(file.dest_uri)
    assert url != urls.Urls(directory).url(urls.BROWSE)


@given(st.sampled_from(urls.KINDS), NAME, st.booleans())
def test_a_term_url_is_the_one_mkdocs_gives_its_page(kind: str, key: str, directory: bool) -> None:
    src_uri = urls.term(kind, key)
    url = urls.Urls(directory).url(src_uri)
    file = mkdocs_file(src_uri, directory)
    assert url == file.url
    assert_encoded(url)
    assert resolve("", url) == posixpath.normpath(file.dest_uri)
    # No key takes the kind's index page, nor leaves its folder.
    assert url != urls.Urls(directory).url(urls.term_index(kind))
    assert posixpath.dirname(file.dest_uri).split("/")[0] == kind


def _src_uris(name: str) -> st.SearchStrategy[str]:
    return st.sampled_from(
        [
            urls.postmortem(name),
            *(urls.term(kind, name) for kind in urls.KINDS),
            urls.BROWSE,
            urls.term_index("services"),
            "index.md",
            urls.ANALYTICS,
            urls.report("2026-Q1"),
            "data/postmortems.json",
            "analytics/factor-frequency.svg",
        ]
    )


@given(NAME.flatmap(_src_uris), NAME.flatmap(_src_uris), st.booleans())
def test_a_relative_href_agrees_with_mkdocs_and_leads_to_the_target(
    here: str, target: str, directory: bool
) -> None:
    links = urls.Urls(directory)
    href = links.rel(here, target)
    assert_encoded(href)
    here_file, target_file = mkdocs_file(here, directory), mkdocs_file(target, directory)
    assert href == get_relative_url(target_file.url, here_file.url)
    assert resolve(here_file.url, href) == posixpath.normpath(target_file.dest_uri)


@given(st.sampled_from(urls.KINDS), NAME)
def test_a_filter_in_the_address_is_encoded_whole(kind: str, key: str) -> None:
    href = urls.with_query("../../postmortems/", {kind: key})
    assert_encoded(href)
    assert parse_qs(urlsplit(href).query, keep_blank_values=True) == {kind: [key]}


@given(NAME, NAME)
def test_an_edit_link_encodes_the_source_path(folder: str, stem: str) -> None:
    source = f"{folder}/2026/{stem}.md"
    url = urls.edit_url("https://git.example.com/kb/edit/main/", source)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc) == ("https", "git.example.com")
    assert ENCODED.fullmatch(parts.path) and not parts.query and not parts.fragment, url
    assert unquote(parts.path) == "/kb/edit/main/" + source
    assert _hrefs(link(url, "edit")) == [url]


def test_an_edit_uri_from_the_configuration_keeps_its_delimiters() -> None:
    base = 'https://dev.example.com/_git/kb?path=/ a "b"<c>/&version=GBmain%2Fx#'
    url = urls.edit_url(base, "kb/x y.md")
    assert url == (
        "https://dev.example.com/_git/kb?path=/%20a%20%22b%22%3Cc%3E/&version=GBmain%2Fx#"
        "kb/x%20y.md"
    )


# --- the generated pages and data files, with hostile file names and taxonomy keys


@pytest.fixture(scope="module")
def fixture_entries(fixture_taxonomy: Taxonomy) -> list[Entry]:
    corpus = load_corpus(
        [FIXTURES / "valid" / n for n in ("every-field.md", "hotfix.md", "offsets.md")],
        fixture_taxonomy,
    )
    assert corpus.ok, corpus.diagnostics
    return corpus.entries


def _renamed(
    entries: list[Entry], base: Taxonomy, stems: list[str], keys: dict[str, list[str]]
) -> tuple[list[Entry], Taxonomy]:
    """The entries under the file names `stems` and the taxonomy with its keys replaced by
    `keys` (in the taxonomy's order), each postmortem using the replaced keys. Taxonomy and
    schema would refuse such keys: the URLs must not rely on that."""
    old = {
        "severity": list(base.severities),
        "services": list(base.services or []),
        "teams": list(base.teams or []),
        "factors": list(base.contributing_factors or {}),
    }
    new = {kind: dict(zip(old[kind], keys[kind], strict=True)) for kind in old}
    hostile = base.model_copy(
        update={
            "severities": {new["severity"][k]: v for k, v in base.severities.items()},
            "services": list(new["services"].values()),
            "teams": list(new["teams"].values()),
            "contributing_factors": {
                new["factors"][k]: v for k, v in (base.contributing_factors or {}).items()
            },
        }
    )
    renamed = []
    for entry, stem in zip(entries, stems, strict=True):
        pm = entry.postmortem
        pm = pm.model_copy(
            update={
                "severity": new["severity"].get(pm.severity or "", pm.severity),
                "services": [new["services"][s] for s in pm.services],
                "teams": [new["teams"][t] for t in pm.teams],
                "contributing_factors": [new["factors"][f] for f in pm.contributing_factors],
            }
        )
        path = f"{stem}/2026/{stem}.md"
        renamed.append(dataclasses.replace(entry, path=path, postmortem=pm))
    return renamed, hostile


def _distinct(count: int, key: Callable[[str], str]) -> st.SearchStrategy[list[str]]:
    return st.lists(NAME, min_size=count, max_size=count, unique_by=key)


def _hostile_site(
    data: st.DataObject, entries: list[Entry], base: Taxonomy
) -> tuple[list[Entry], Taxonomy]:
    stems = data.draw(_distinct(len(entries), urls.postmortem))
    sizes = {
        "severity": len(base.severities),
        "services": len(base.services or []),
        "teams": len(base.teams or []),
        "factors": len(base.contributing_factors or {}),
    }
    keys = {kind: data.draw(_distinct(n, lambda k: urls.term("x", k))) for kind, n in sizes.items()}
    return _renamed(entries, base, stems, keys)


@dataclasses.dataclass
class Written:
    """Every page's HTML and every file of a generated site, with MkDocs' URLs for them."""

    html: dict[str, str]
    files: dict[str, bytes]
    dest: dict[str, str]
    """src_uri -> the file MkDocs writes for it."""
    links: urls.Urls


def _generate(entries: list[Entry], tax: Taxonomy, directory: bool) -> Written:
    catalog = catalog_module.build(entries, tax, AS_OF, use_directory_urls=directory)
    with charts.deferred():
        site = site_build.generate(catalog, frames.build(entries, tax, AS_OF))
    html = {
        page.src_uri: "\n".join(
            [*page.slots.values(), *(fragment for _, fragment in page.before + page.after)]
        )
        for page in site.pages
    }
    html["index.md"] = home_block(home_catalog(catalog), site.figures, "index.md")
    written = [*html, *site.files]
    dest = {src: posixpath.normpath(mkdocs_file(src, directory).dest_uri) for src in written}
    return Written(html, site.files, dest, catalog.links)


def _check_site(written: Written, entries: list[Entry]) -> None:
    external = {url for entry in entries for url in entry.postmortem.links.values()}
    reachable = set(written.dest.values())
    checked = 0
    for src_uri, fragment in written.html.items():
        here = mkdocs_file(src_uri, written.links.directory).url
        for href in _hrefs(fragment):
            if href in external:
                continue
            assert_encoded(href)
            assert f'="{href}"' in fragment, href  # as written: nothing to unescape
            if not href.startswith("#"):
                assert resolve(here, href) in reachable, (src_uri, href)
                checked += 1
    assert checked > 100  # every page's links, not a few


def _check_exports(written: Written, entries: list[Entry]) -> None:
    expected = {
        mkdocs_file(urls.postmortem(Path(e.path).stem), written.links.directory).url
        for e in entries
    }
    records = json.loads(written.files["data/postmortems.json"])["postmortems"]
    rows = list(csv.DictReader(io.StringIO(written.files["data/postmortems.csv"].decode())))
    for url in [r["url"] for r in records] + [r["url"] for r in rows]:
        assert_encoded(url)
    assert {r["url"] for r in records} == expected
    assert {r["url"] for r in rows} == expected


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), directory=st.booleans())
def test_hostile_names_reach_every_written_url_encoded(
    data: st.DataObject, directory: bool, fixture_entries: list[Entry], fixture_taxonomy: Taxonomy
) -> None:
    entries, tax = _hostile_site(data, fixture_entries, fixture_taxonomy)
    written = _generate(entries, tax, directory)
    _check_site(written, entries)
    _check_exports(written, entries)


def test_the_hostile_names_themselves(
    fixture_entries: list[Entry], fixture_taxonomy: Taxonomy
) -> None:
    """Each listed payload at once, so none depends on Hypothesis drawing it."""
    stems = [HOSTILE[0], HOSTILE[3], 'café "<x>" 50% #1?']
    keys = {
        "severity": HOSTILE[4:8],
        "services": [HOSTILE[8], HOSTILE[11], HOSTILE[13], HOSTILE[14]],
        "teams": [HOSTILE[1], HOSTILE[5], HOSTILE[19]],
        "factors": [HOSTILE[2], HOSTILE[16], HOSTILE[17], HOSTILE[18]],
    }
    entries, tax = _renamed(fixture_entries, fixture_taxonomy, stems, keys)
    for directory in (True, False):
        written = _generate(entries, tax, directory)
        _check_site(written, entries)
        _check_exports(written, entries)
        browse = written.html[urls.BROWSE]
        assert 'href="javascript%3Aalert%281%29/"' in browse or (
            'href="javascript%3Aalert%281%29.html"' in browse
        )


# --- real builds: the edit link and every link of the site on disk


PROJECT_FOLDER = "kb \"<&'%#? é>"
"""The knowledge base's folder: part of every edit link, and not a file name discovery
checks (it is the site's configuration)."""


@pytest.fixture(scope="module")
def odd_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    project = tmp_path_factory.mktemp("odd-urls")
    shutil.copytree(FIXTURES / "analytics-kb" / "docs", project / "docs")
    shutil.copytree(FIXTURES / "analytics-kb" / "postmortems", project / PROJECT_FOLDER)
    (project / "mkdocs.yml").write_text(
        textwrap.dedent(
            f"""\
            site_name: Odd URLs
            site_url: https://kb.example.com/a%20b/
            repo_url: https://git.example.com/kb/odd
            edit_uri: blob/main branch/é/docs/
            theme:
              name: material
              font: false
              features: [content.action.edit, content.action.view]
            plugins:
              - search
              - postmortems:
                  dir: {json.dumps(PROJECT_FOLDER)}
                  as_of: "2026-06-15"
            """
        ),
        encoding="utf-8",
    )
    config = load_config(
        config_file=str(project / "mkdocs.yml"), site_dir=str(project / "site"), strict=True
    )
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    yield project, project / "site"


def test_a_real_build_writes_encoded_edit_links(odd_site: tuple[Path, Path]) -> None:
    """Material's edit button, and its view button (the edit link with `raw` for `blob`)."""
    project, site = odd_site
    sources = sorted((project / PROJECT_FOLDER).rglob("*.md"))
    checked = 0
    for source in sources:
        page = site / "postmortems" / source.stem / "index.html"
        if not page.is_file():
            continue  # a draft, or the taxonomy
        hrefs = _hrefs(page.read_text(encoding="utf-8"))
        repository = [h for h in hrefs if h.startswith("https://git.example.com/kb/odd/")]
        relative = source.relative_to(project).as_posix()
        paths = set()
        for href in repository:
            parts = urlsplit(href)
            assert ENCODED.fullmatch(parts.path) and not parts.query and not parts.fragment, href
            paths.add(unquote(parts.path))
        assert paths == {
            f"/kb/odd/{action}/main branch/é/{relative}" for action in ("blob", "raw")
        }, repository
        checked += 1
    assert checked >= 3


def test_a_real_build_has_no_dead_relative_link(odd_site: tuple[Path, Path]) -> None:
    _, site = odd_site
    dead = []
    count = 0
    for page in site.rglob("*.html"):
        here = urls.href(page.relative_to(site).as_posix())
        for href in _hrefs(page.read_text(encoding="utf-8")):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # another site, or this page
            # 404.html links from the site's root, the path of site_url (SITE's)
            assert ENCODED.fullmatch(parts.path), (here, href)
            count += 1
            target = resolve(here, parts.path)
            if not (site / target).is_file():
                dead.append(f"{here} -> {href}")
    assert count > 100
    assert dead == []


def test_a_real_build_exports_the_urls_of_its_pages(odd_site: tuple[Path, Path]) -> None:
    _, site = odd_site
    records = json.loads((site / "data" / "postmortems.json").read_text(encoding="utf-8"))
    assert records["postmortems"]
    for record in records["postmortems"]:
        assert_encoded(record["url"])
        assert (site / resolve("", record["url"])).is_file()
        assert record["path"].startswith(PROJECT_FOLDER + "/")
