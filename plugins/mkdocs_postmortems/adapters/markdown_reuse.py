"""One Markdown converter for all the pages of a build, where that changes nothing.

MkDocs makes a new `markdown.Markdown` for every page it renders (`Page.render`), loading
the site's extensions and building their processors again: about 0.13 ms a page, a fortieth
of a build at 2,000 short postmortems. A converter can convert one document after another:
`Markdown.reset` clears what a document leaves (its stash and references, and each
extension's own state through the extension's `reset`), and the processors MkDocs adds for
each page are registered by name, each page's replacing the last one's.

So the converter of the last page is given again when the site's extensions are the same
objects and every one of them is known to leave nothing behind past `reset` (`KEPT_CLEAN`):
Python-Markdown's own and pymdown-extensions' common ones. A site with any other extension
gets a new converter for every page, as before. `tests/test_markdown_reuse.py` builds sites
both ways, with extensions that hold state between the parts of a document (footnotes,
abbreviations, tabs), and finds the same bytes.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import markdown

KEPT_CLEAN = frozenset(
    {
        *(
            f"markdown.extensions.{name}"
            for name in (
                "abbr",
                "admonition",
                "attr_list",
                "codehilite",
                "def_list",
                "fenced_code",
                "footnotes",
                "legacy_attrs",
                "legacy_em",
                "md_in_html",
                "meta",
                "nl2br",
                "sane_lists",
                "smarty",
                "tables",
                "toc",
                "wikilinks",
            )
        ),
        *(
            f"pymdownx.{name}"
            for name in (
                "betterem",
                "caret",
                "critic",
                "details",
                "emoji",
                "highlight",
                "inlinehilite",
                "keys",
                "mark",
                "smartsymbols",
                "superfences",
                "tabbed",
                "tasklist",
                "tilde",
            )
        ),
    }
)
"""Extensions (by module) with no state past a document, or with a `reset` that clears it."""


def module_of(extension: object) -> str | None:
    """`toc` -> `markdown.extensions.toc`; `pymdownx.superfences:Class` -> its module."""
    if not isinstance(extension, str):
        return None
    name = extension.partition(":")[0]
    return name if "." in name else f"markdown.extensions.{name}"


def kept_clean(extensions: Sequence[object]) -> bool:
    return all(module_of(extension) in KEPT_CLEAN for extension in extensions)


class _Converters:
    """Stands in for the `markdown` module where MkDocs' pages use it: `Markdown(...)`
    gives the last converter again when it may, anything else is the module's own. Each
    thread has its own (`mkdocs serve` renders in its server's threads)."""

    def __init__(self, module: Any) -> None:
        self.module: Any = module
        self.kept = threading.local()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.module, name)

    def Markdown(self, *args: Any, **kwargs: Any) -> markdown.Markdown:
        extensions = kwargs.get("extensions")
        configs = kwargs.get("extension_configs")
        if args or set(kwargs) != {"extensions", "extension_configs"}:
            made: markdown.Markdown = self.module.Markdown(*args, **kwargs)
            return made  # not MkDocs' call as we know it
        last: _Kept | None = getattr(self.kept, "last", None)
        # MkDocs passes the configuration's own list and dict (or a new `{}` when empty).
        if (
            last is not None
            and last.extensions is extensions
            and last.names == tuple(last.extensions)
            and (last.configs is configs or last.configs == configs == {})
        ):
            last.converter.reset()
            return last.converter
        converter: markdown.Markdown = self.module.Markdown(*args, **kwargs)
        # One kept at a time: a new build (under serve) has a new configuration.
        kept = None
        if isinstance(extensions, list) and kept_clean(extensions):
            kept = _Kept(extensions, tuple(extensions), configs, converter)
        self.kept.last = kept
        return converter


@dataclass(frozen=True)
class _Kept:
    extensions: list[object]
    names: tuple[object, ...]
    """What the list held: a plugin could add to it during a build."""
    configs: object
    converter: markdown.Markdown


def install() -> bool:
    """Put `_Converters` where MkDocs' pages make their converters; once per process."""
    from mkdocs.structure import pages

    current = getattr(pages, "markdown", None)
    if isinstance(current, _Converters):
        return True
    if current is not markdown:  # another plugin's stand-in, or another MkDocs: leave it be
        return False
    setattr(pages, "markdown", _Converters(markdown))  # noqa: B010 (not exported by MkDocs)
    return True
