"""Where a docs folder's file is written, as MkDocs (1.6, and its forks) decides it.

`postmortems generate` refuses to write a page whose URL a hand-written file already has
(`docs/severity.md` and a generated `severity/index.md` are both `/severity/`), as the
plugin does (`collisions`). The plugin asks MkDocs; `generate` must not import it, so the
rule is written out here, and a test holds it to MkDocs' own `File.dest_uri`.
"""

from __future__ import annotations

import posixpath

MARKDOWN_SUFFIXES = (".markdown", ".mdown", ".mkdn", ".mkd", ".md")
"""What MkDocs takes for a page (`mkdocs.utils.markdown_extensions`)."""


def dest_uri(src_uri: str, use_directory_urls: bool = True) -> str:
    """The file a source file becomes in the site: `a/b.md` -> `a/b/index.html` (or
    `a/b.html`), `a/README.md` and `a/index.md` -> `a/index.html`; any other file keeps its
    path."""
    if not src_uri.endswith(MARKDOWN_SUFFIXES):
        return src_uri
    parent, filename = posixpath.split(src_uri)
    stem = posixpath.splitext(filename)[0]
    if stem == "README":
        stem = "index"
    if not use_directory_urls or stem == "index":
        return posixpath.join(parent, stem + ".html")
    return posixpath.join(parent, stem, "index.html")


def url(dest: str, use_directory_urls: bool = True) -> str:
    """The URL of a written file, from the site's root: `/severity/`, `/data/stats.json`."""
    folder, name = posixpath.split(dest)
    if use_directory_urls and name == "index.html":
        return f"/{folder}/" if folder else "/"
    return "/" + dest
