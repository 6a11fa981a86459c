"""The list of the pages' templates in docs/site.md, made from the package's folder: each
template's name and the comment it opens with (what it shows and the context it gets), so
the list a site reads to override one cannot fall behind the templates.

    python -m mkdocs_postmortems.site.template_list docs/site.md

rewrites the list between `START` and `END` in that file.
"""

from __future__ import annotations

import re
import sys
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

START = "<!-- templates:start -->"
END = "<!-- templates:end -->"
_COMMENT = re.compile(r"\A\s*\{#-?(.*?)-?#\}", re.DOTALL)
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def _files(folder: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    found = []
    for entry in folder.iterdir():
        if entry.is_dir():
            found.extend(_files(entry, f"{prefix}{entry.name}/"))
        elif entry.name.endswith(".html"):
            found.append((prefix + entry.name, entry))
    return found


def templates() -> list[tuple[str, str]]:
    """Every template of the package, by name (`analytics/severity.html`), with the text of
    the comment it opens with ("" when it has none)."""
    folder = resources.files("mkdocs_postmortems.site").joinpath("templates")
    listed = []
    for name, entry in sorted(_files(folder)):
        found = _COMMENT.match(entry.read_text(encoding="utf-8"))
        listed.append((name, " ".join(found.group(1).split()) if found else ""))
    return listed


def _markdown_text(text: str) -> str:
    """Comment text as Markdown that shows it as written: `<`, `>` and `&` outside code
    spans become entities (inside them Markdown shows them as they are)."""
    parts = text.split("`")
    for index in range(0, len(parts), 2):
        parts[index] = re.sub(r"[&<>]", lambda m: _ESCAPES[m.group()], parts[index])
    return "`".join(parts)


def markdown() -> str:
    """The list as Markdown: one item per template."""
    lines = []
    for name, about in templates():
        lines.append(f"- `{name}`" + (f": {_markdown_text(about)}" if about else ""))
    return "\n".join(lines) + "\n"


def update(document: str) -> str:
    """`document` with the list between its markers made anew."""
    start, end = document.index(START) + len(START), document.index(END)
    return f"{document[:start]}\n{markdown()}{document[end:]}"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m mkdocs_postmortems.site.template_list DOC.md", file=sys.stderr)
        return 2
    path = Path(argv[0])
    text = path.read_text(encoding="utf-8")
    if START not in text or END not in text:
        print(f"{path}: expected the markers {START} and {END}", file=sys.stderr)
        return 1
    path.write_text(update(text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
