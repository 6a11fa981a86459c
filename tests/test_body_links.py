"""Imported bodies are made publishable: remote images become links, http links text."""

from __future__ import annotations

from mkdocs_postmortems.cli.importers.body_links import publishable
from mkdocs_postmortems.core.body_check import check


def test_remote_images_and_http_links_are_kept_as_links_or_text() -> None:
    body = (
        "See ![graph](https://grafana.example.com/g.png) and ![old](http://old.example/a.png).\n"
        "The [vendor](http://vendor.example/status) page, and [docs](https://docs.example/).\n"
        "```\n![kept](https://in.code.example/x.png) [x](http://in.code.example)\n```\n"
        "![local](../assets/diagram.png)\n"
    )
    changed, notes = publishable(body)
    assert changed == (
        "See [graph](https://grafana.example.com/g.png) and old (`http://old.example/a.png`).\n"
        "The vendor (`http://vendor.example/status`) page, and [docs](https://docs.example/).\n"
        "```\n![kept](https://in.code.example/x.png) [x](http://in.code.example)\n```\n"
        "![local](../assets/diagram.png)\n"
    )
    assert len(notes) == 1


def test_a_body_with_nothing_to_change_is_left_as_is() -> None:
    body = "Plain [link](https://example.com/) and ![here](img.png).\n"
    assert publishable(body) == (body, [])


def test_what_it_writes_passes_the_body_check() -> None:
    body = "![a](http://x.example/a.png) ![b](https://y.example/b.png) [c](http://z.example/)\n"
    before = check("x.md", body, 1)
    after = check("x.md", publishable(body)[0], 1)
    assert len(before) == 3
    assert after == []
