"""`tickets.url` of taxonomy.yml: checked where it is written, and every ticket id of the site
linked by it, encoded so that no id can leave its place in the URL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import unquote

import pytest

from mkdocs_postmortems.core import taxonomy as taxonomy_module
from mkdocs_postmortems.core.taxonomy import DEFAULT, Taxonomy, TaxonomyError, Tickets
from mkdocs_postmortems.site import templates
from mkdocs_postmortems.site.catalog import Catalog

HEAD = 'severities:\n  P1: {label: Major, description: "Bad."}\ntickets:\n  url: '


def _load(tmp_path: Path, url: str) -> Taxonomy:
    path = tmp_path / "taxonomy.yml"
    path.write_text(HEAD + url + "\n", encoding="utf-8")
    return taxonomy_module.load(path, "taxonomy.yml")


@pytest.mark.parametrize(
    "url",
    [
        '"https://tracker.example.com/browse/{ticket}"',
        '"http://jira.internal/browse/{ticket}"',
        '"https://tracker.example.com/issues?id={ticket}&view=full"',
        '"https://tracker.example.com/#/ticket/{ticket}"',
        "https://tracker.example.com/browse/{ticket}",  # plain YAML: a string too
    ],
)
def test_good_templates_load(tmp_path: Path, url: str) -> None:
    tickets = _load(tmp_path, url).tickets
    assert tickets is not None and "{ticket}" in tickets.url


@pytest.mark.parametrize(
    ("url", "column", "expected"),
    [
        ('"javascript:alert(1)//{ticket}"', 8, "expected an https:// (or http://) URL with a host"),
        ('"ftp://files.example.com/{ticket}"', 8, "expected an https:// (or http://) URL"),
        ('"//tracker.example.com/{ticket}"', 8, "expected an https:// (or http://) URL"),
        ('"https:///{ticket}"', 8, "URL with a host"),
        ('"https://tracker.example.com/browse/"', 8, "expected {ticket} exactly once"),
        ('"https://t.example.com/{ticket}/{ticket}"', 8, "got 2 of them"),
        ('"https://t.example.com/{pr}/{ticket}"', 8, "no placeholder but {ticket}, got '{pr}'"),
        ('"https://t.example.com/{ticket}}"', 8, "no placeholder but {ticket}"),
        ('"https://{ticket}.example.com/"', 8, "after the host"),
        ('"https://t.example.com/a b/{ticket}"', 8, "without spaces, quotes"),
        ("'https://t.example.com/\"/{ticket}'", 8, "without spaces, quotes"),
        ('["https://t.example.com/{ticket}"]', 8, "expected an https:// URL with {ticket} in it"),
    ],
)  # fmt: skip
def test_bad_templates_are_reported_at_their_place(
    tmp_path: Path, url: str, column: int, expected: str
) -> None:
    with pytest.raises(TaxonomyError) as raised:
        _load(tmp_path, url)
    (problem,) = raised.value.diagnostics
    text = str(problem)
    assert text.startswith(f"taxonomy.yml:4:{column}: tickets.url: "), text
    assert expected in text, text
    assert "Traceback" not in text


def test_unknown_keys_of_tickets_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "taxonomy.yml"
    path.write_text(HEAD + '"https://t.example.com/{ticket}"\n  uri: x\n', encoding="utf-8")
    with pytest.raises(TaxonomyError) as raised:
        taxonomy_module.load(path, "taxonomy.yml")
    assert any(p.line == 5 and "tickets.uri" in str(p) for p in raised.value.diagnostics)


def _catalog(url: str | None) -> Catalog:
    tickets = Tickets(url=url) if url else None
    return Catalog(DEFAULT.model_copy(update={"tickets": tickets}), dt.date(2026, 1, 1))


PREFIX = "https://tracker.example.com/browse/"


@pytest.mark.parametrize(
    "ticket", ["PAY-1702", "../x", "a b", '"><script>', "?q=1#x", "50%", "ü/ß", "a&b=c"]
)
def test_ticket_ids_are_encoded_whole(ticket: str) -> None:
    catalog = _catalog(PREFIX + "{ticket}?view=1")
    url = catalog.ticket_url(ticket)
    assert url is not None and url.startswith(PREFIX) and url.endswith("?view=1")
    encoded = url.removeprefix(PREFIX).removesuffix("?view=1")
    assert not set(encoded) & set("/?#&=\"'<> "), encoded  # one path segment, always
    assert unquote(encoded) == ticket


@pytest.mark.parametrize("ticket", [None, "", ".", ".."])
def test_no_link_for_no_id_or_a_path_step(ticket: str | None) -> None:
    assert _catalog(PREFIX + "{ticket}").ticket_url(ticket) is None


def test_no_template_no_link() -> None:
    assert _catalog(None).ticket_url("PAY-1") is None


def _macro(catalog: Catalog, ticket: str | None) -> str:
    env = templates.environment(())
    module = env.get_template("_common.html").make_module({})
    return str(module.ticket(catalog, ticket))  # type: ignore[attr-defined]  # a macro


def test_the_ticket_macro_links_and_escapes() -> None:
    linked = _macro(_catalog(PREFIX + "{ticket}"), '"><script>')
    assert linked == (
        f'<a class="pm-ticket" href="{PREFIX}%22%3E%3Cscript%3E" rel="noopener">'
        "<code>&#34;&gt;&lt;script&gt;</code></a>"
    )
    assert _macro(_catalog(None), "<b>") == "<code>&lt;b&gt;</code>"
    assert _macro(_catalog(PREFIX + "{ticket}"), "..") == "<code>..</code>"
    # An `&` of the template itself is escaped in the attribute.
    amp = _macro(_catalog("https://t.example.com/?a=1&id={ticket}"), "X-1")
    assert 'href="https://t.example.com/?a=1&amp;id=X-1"' in amp


def test_the_example_taxonomy_has_a_ticket_template() -> None:
    root = Path(__file__).resolve().parents[1]
    loaded = taxonomy_module.load(root / "postmortems" / "taxonomy.yml")
    assert loaded.tickets is not None
    assert loaded.tickets.url == "https://tracker.example.com/browse/{ticket}"
