"""A filled-in Markdown template read as sections, fields, lists, tables and code blocks.

An importer moves values to front matter and must leave every other word where it was. So
the readers here say which lines each value came from, the importer marks the lines it
moved as used, and `body()` rebuilds the Markdown from the rest, verbatim, dropping rules,
unfilled placeholders and headings left with nothing under them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from mkdocs_postmortems.cli.importers.values import clean, has_placeholder

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*(?:[ \t]#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+]|\d{1,3}[.)])(?:[ \t]+(?P<text>.*))?$")
_CHECKBOX = re.compile(r"^\[(?P<mark>[ xX])\][ \t]*(?P<text>.*)$")
_FIELD = re.compile(
    r"^(?:\*\*|__)(?P<label>[^*_:\n]+?)[ \t]*"
    r"(?::[ \t]*(?:\*\*|__)|(?:\*\*|__)[ \t]*:)[ \t]*(?P<value>.*)$"
)
_PLAIN_FIELD = re.compile(
    r"^(?P<label>[A-Za-z][A-Za-z0-9 '\u2019/&()-]{0,48}?)[ \t]*:(?:[ \t]+(?P<value>.*))?$"
)
"""`Label: value` without bold: a field only where the reader asks for that label."""
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


def key(text: str) -> str:
    """How headings and labels are compared: case, punctuation, apostrophes and
    parenthetical asides (`(if any)`, `(UTC)`) ignored."""
    value = text.casefold().replace("\u2019", "'").replace("'", "")
    value = re.sub(r"\([^)]*\)", " ", value)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", value).split())


@dataclass
class Section:
    title: str
    level: int
    heading: int
    """Line index of the heading; -1 for the whole document."""
    end: int
    children: list[Section] = field(default_factory=list)

    @property
    def key(self) -> str:
        return key(self.title)

    @property
    def start(self) -> int:
        return self.heading + 1

    @property
    def own_end(self) -> int:
        """End of the lines before the first sub-heading."""
        return self.children[0].heading if self.children else self.end

    def walk(self) -> Iterator[Section]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Item:
    """A list item; continuation lines are joined to its text with spaces."""

    text: str
    lines: tuple[int, ...]
    checked: bool | None = None
    """True/False for a `[x]`/`[ ]` checkbox, None for a plain item."""


@dataclass(frozen=True)
class Field:
    """`**Label:** value`, alone or as a list item; an empty label followed by a list (or
    a paragraph) takes that as its value."""

    label: str
    value: str
    lines: tuple[int, ...]
    items: tuple[Item, ...] = ()

    @property
    def key(self) -> str:
        return key(self.label)

    @property
    def all_lines(self) -> tuple[int, ...]:
        return self.lines + tuple(line for item in self.items for line in item.lines)


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    lines: tuple[int, ...]

    def column(self, *names: str) -> int | None:
        """Index of the first column whose header contains one of `names` as a word."""
        for wanted in names:
            for index, title in enumerate(self.header):
                if re.search(rf"\b{re.escape(key(wanted))}\b", key(title)):
                    return index
        return None

    def cell(self, row: Row, column: int | None) -> str:
        if column is None or column >= len(row.cells):
            return ""
        return row.cells[column]


@dataclass(frozen=True)
class CodeBlock:
    text: tuple[str, ...]
    lines: tuple[int, ...]


@dataclass(frozen=True)
class _Block:
    kind: str  # blank, text, item, table, code, rule
    lines: tuple[int, ...]
    item: Item | None = None


def _cells(line: str) -> tuple[str, ...]:
    inner = line.strip()
    inner = inner.removeprefix("|")
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    cells = re.split(r"(?<!\\)\|", inner)
    return tuple(cell.strip().replace("\\|", "|") for cell in cells)


class Document:
    """The lines of one document, its heading tree, and which lines were used."""

    def __init__(self, text: str) -> None:
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.fences = self._code_blocks()
        self.code = {i for start, end in self.fences.items() for i in range(start, end)}
        self.root = self._tree()
        self.used: set[int] = set()
        self.unfilled: set[int] = set()
        """Lines a reader found to be the template's, unfilled (left out of the body and
        named in the note on placeholder sections)."""

    # --- structure

    def _code_blocks(self) -> dict[int, int]:
        """First line -> end (exclusive) of each fenced code block."""
        blocks: dict[int, int] = {}
        start: int | None = None
        fence = ""
        for index, line in enumerate(self.lines):
            match = _FENCE.match(line)
            if start is None and match:
                start, fence = index, match.group(1)
            elif (
                start is not None
                and line.strip().startswith(fence)
                and not line.strip().strip(fence[0])
            ):
                blocks[start] = index + 1
                start = None
        if start is not None:
            blocks[start] = len(self.lines)
        return blocks

    def _tree(self) -> Section:
        root = Section("", 0, -1, len(self.lines))
        stack = [root]
        for index, line in enumerate(self.lines):
            match = _HEADING.match(line) if index not in self.code else None
            if not match:
                continue
            level = len(match.group(1))
            while stack[-1].level >= level:
                stack.pop().end = index
            title = (match.group(2) or "").strip().strip("*_").strip()
            section = Section(title, level, index, len(self.lines))
            stack[-1].children.append(section)
            stack.append(section)
        return root

    def title(self) -> Section | None:
        """The first top-level (`#`) heading."""
        return next((s for s in self.root.walk() if s.level == 1), None)

    def preamble(self) -> Section:
        """Where the `**Date:**`-style header fields stand: under the title, before `##`."""
        return self.title() or self.root

    def find(self, *names: str, within: Section | None = None) -> Section | None:
        wanted = {key(name) for name in names}
        for section in (within or self.root).walk():
            if section.level and section.key in wanted:
                return section
        return None

    # --- blocks

    def _blocks(self, start: int, end: int) -> list[_Block]:
        blocks: list[_Block] = []
        index = start
        while index < end:
            line = self.lines[index]
            if index in self.code:
                stop = min(self.fences.get(index, index + 1), end)
                blocks.append(_Block("code", tuple(range(index, stop))))
                index = stop
                continue
            if not line.strip():
                blocks.append(_Block("blank", (index,)))
            elif _RULE.match(line):
                blocks.append(_Block("rule", (index,)))
            elif (
                "|" in line
                and index + 1 < end
                and "|" in self.lines[index + 1]
                and _SEPARATOR.match(self.lines[index + 1])
            ):
                run = [index, index + 1]
                index += 1
                while (
                    index + 1 < end
                    and "|" in self.lines[index + 1]
                    and self.lines[index + 1].strip()
                ):
                    index += 1
                    run.append(index)
                blocks.append(_Block("table", tuple(run)))
            elif _ITEM.match(line):
                item, index = self._item(index, end)
                blocks.append(_Block("item", item.lines, item))
            else:
                blocks.append(_Block("text", (index,)))
            index += 1
        return blocks

    def _item(self, index: int, end: int) -> tuple[Item, int]:
        match = _ITEM.match(self.lines[index])
        assert match is not None
        indent = len(match.group("indent").expandtabs(4))
        parts = [match.group("text") or ""]
        lines = [index]
        while index + 1 < end and index + 1 not in self.code:
            following = self.lines[index + 1]
            if not following.strip():
                break
            deeper = len(following) - len(following.lstrip()) > indent
            if not deeper and (_ITEM.match(following) or _HEADING.match(following)):
                break
            if not deeper and (_FIELD.match(following.strip()) or "|" in following):
                break
            index += 1
            lines.append(index)
            parts.append(following.strip())
        text = " ".join(part.strip() for part in parts if part.strip())
        checked: bool | None = None
        box = _CHECKBOX.match(text)
        if box:
            checked = box.group("mark") != " "
            text = box.group("text").strip()
        return Item(text, tuple(lines), checked), index

    def _region(self, section: Section, own: bool) -> tuple[int, int]:
        return section.start, section.own_end if own else section.end

    def items(self, section: Section, *, own: bool = True) -> list[Item]:
        return [b.item for b in self._blocks(*self._region(section, own)) if b.item is not None]

    def tables(self, section: Section, *, own: bool = True) -> list[Table]:
        found = []
        for block in self._blocks(*self._region(section, own)):
            if block.kind == "table":
                rows = tuple(
                    Row(_cells(self.lines[line]), line)
                    for line in block.lines[2:]
                    if self.lines[line].strip()
                )
                found.append(Table(_cells(self.lines[block.lines[0]]), rows, block.lines))
        return found

    def code_blocks(self, section: Section, *, own: bool = True) -> list[CodeBlock]:
        found = []
        for block in self._blocks(*self._region(section, own)):
            if block.kind == "code":
                inner = block.lines[1:-1] if len(block.lines) > 1 else ()
                found.append(CodeBlock(tuple(self.lines[i] for i in inner), block.lines))
        return found

    def text(self, section: Section, *, own: bool = True) -> tuple[str, tuple[int, ...]]:
        """The plain paragraphs (not fields, lists, tables or code) and their lines;
        paragraphs are separated by a blank line, lines of one paragraph by spaces."""
        paragraphs: list[list[str]] = [[]]
        lines: list[int] = []
        for block in self._blocks(*self._region(section, own)):
            if block.kind == "text" and not _FIELD.match(self.lines[block.lines[0]].strip()):
                value = clean(self.lines[block.lines[0]])
                if value is not None:
                    paragraphs[-1].append(value)
                lines.extend(block.lines)
            elif paragraphs[-1]:
                paragraphs.append([])
        text = "\n\n".join(" ".join(p) for p in paragraphs if p)
        return text, tuple(lines)

    def fields(
        self, section: Section, *, own: bool = True, plain: Iterable[str] = ()
    ) -> list[Field]:
        """`**Label:** value` fields, and `Label: value` lines whose label is one of
        `plain` (written without bold, as many authors do)."""
        wanted = frozenset(key(label) for label in plain)
        blocks = self._blocks(*self._region(section, own))
        found: list[Field] = []
        index = 0
        while index < len(blocks):
            block = blocks[index]
            index += 1
            if block.item is not None:
                labelled = _labelled(block.item.text, wanted)
                if labelled:
                    found.append(Field(*labelled, block.lines))
                continue
            if block.kind != "text":
                continue
            labelled = _labelled(self.lines[block.lines[0]].strip(), wanted)
            if not labelled:
                continue
            label, first = labelled
            value, lines = [first], list(block.lines)
            while index < len(blocks) and blocks[index].kind == "text":
                line = self.lines[blocks[index].lines[0]]
                if _ends_value(line.strip(), wanted):
                    break
                value.append(line.strip())
                lines.extend(blocks[index].lines)
                index += 1
            items: list[Item] = []
            if not value[0]:
                ahead = index
                while ahead < len(blocks) and blocks[ahead].kind == "blank":
                    ahead += 1
                while ahead < len(blocks) and (
                    blocks[ahead].item is not None or (blocks[ahead].kind == "blank" and items)
                ):
                    block_item = blocks[ahead].item
                    if block_item is not None:
                        if _labelled(block_item.text, wanted):
                            break
                        items.append(block_item)
                    ahead += 1
                if items:
                    index = ahead
                elif len(value) == 1 and index < len(blocks):
                    ahead = index
                    while ahead < len(blocks) and blocks[ahead].kind == "blank":
                        ahead += 1
                    while ahead < len(blocks) and blocks[ahead].kind == "text":
                        line = self.lines[blocks[ahead].lines[0]]
                        if _ends_value(line.strip(), wanted):
                            break
                        value.append(line.strip())
                        lines.extend(blocks[ahead].lines)
                        ahead += 1
                    index = ahead
            text = " ".join(part for part in value if part)
            found.append(Field(label, text, tuple(lines), tuple(items)))
        return found

    def field(self, section: Section, *labels: str, own: bool = True) -> Field | None:
        """The first field with one of `labels`, bold or not."""
        wanted = {key(label) for label in labels}
        return next(
            (f for f in self.fields(section, own=own, plain=labels) if f.key in wanted), None
        )

    # --- the body

    def use(self, *lines: int | tuple[int, ...]) -> None:
        for line in lines:
            self.used.update((line,) if isinstance(line, int) else line)

    def use_heading(self, section: Section) -> None:
        self.used.add(section.heading)

    def _kept(self) -> tuple[list[bool], set[int]]:
        """Which lines the body keeps, and which of the others were unfilled placeholders."""
        kept = [index not in self.used for index in range(len(self.lines))]
        unfilled = {line for line in self.unfilled if kept[line]}
        for line in unfilled:
            kept[line] = False
        for block in self._blocks(0, len(self.lines)):
            if block.kind == "code":
                continue
            if block.kind == "rule":
                kept[block.lines[0]] = False
            elif block.kind == "table":
                for line in block.lines[2:]:
                    cells = _cells(self.lines[line])
                    if all(clean(c) is None for c in cells) and any(map(has_placeholder, cells)):
                        if kept[line]:
                            unfilled.add(line)
                        kept[line] = False
                if not any(kept[line] for line in block.lines[2:]):
                    for line in block.lines:
                        kept[line] = False
            elif block.item is not None:
                if _placeholder_only(block.item.text) or not kept[block.lines[0]]:
                    if kept[block.lines[0]]:
                        unfilled.update(block.lines)
                    for line in block.lines:
                        kept[line] = False
            elif block.kind == "text" and _placeholder_only(self.lines[block.lines[0]]):
                if kept[block.lines[0]]:
                    unfilled.add(block.lines[0])
                kept[block.lines[0]] = False
        return kept, unfilled

    def unfilled_sections(self) -> list[str]:
        """Titles of sections left out because they held only placeholders."""
        kept, unfilled = self._kept()
        return [
            section.title
            for section in self.root.walk()
            if section.level >= 2
            and any(i in unfilled for i in range(section.start, section.own_end))
            and not any(self._moved_value(i) for i in range(section.start, section.own_end))
            and not self._renders(section, kept)
        ]

    def _moved_value(self, index: int) -> bool:
        """Whether a line was used for a value (not a placeholder, a rule or a blank)."""
        line = self.lines[index]
        return (
            index in self.used
            and bool(line.strip())
            and not has_placeholder(line)
            and not _RULE.match(line)
        )

    def _renders(self, section: Section, kept: list[bool]) -> bool:
        own = range(section.start, section.own_end)
        return any(kept[i] and self.lines[i].strip() for i in own) or any(
            self._renders(child, kept) for child in section.children
        )

    def body(self) -> str:
        kept, _ = self._kept()
        out: list[int | None] = []
        self._emit(self.root, kept, out)
        lines: list[str] = []
        for index in out:
            line = "" if index is None else self.lines[index]
            if index in self.code:
                lines.append(line)
            elif not line.strip():
                if lines and lines[-1].strip():
                    lines.append("")
            else:
                lines.append(line.rstrip())
        while lines and not lines[-1].strip():
            lines.pop()
        return "\n".join(lines) + "\n" if lines else ""

    def _emit(self, section: Section, kept: list[bool], out: list[int | None]) -> None:
        if not self._renders(section, kept):
            return
        if section.heading >= 0 and section.heading not in self.used:
            out.append(None)
            out.append(section.heading)
        out.extend(i for i in range(section.start, section.own_end) if kept[i])
        for child in section.children:
            self._emit(child, kept, out)


def _labelled(text: str, plain: frozenset[str]) -> tuple[str, str] | None:
    """(label, value) of a `**Label:** value` line, or of a `Label: value` line whose label
    (as a key) is one of `plain`."""
    match = _FIELD.match(text)
    if match:
        return match["label"], match["value"].strip()
    match = _PLAIN_FIELD.match(text) if plain else None
    if match and key(match["label"]) in plain:
        return match["label"], (match["value"] or "").strip()
    return None


def _ends_value(text: str, plain: frozenset[str]) -> bool:
    """Whether a line starts another field rather than going on with the value before;
    where plain labels are read, any `Label: value` line does."""
    return _FIELD.match(text) is not None or bool(plain and _PLAIN_FIELD.match(text))


def _placeholder_only(text: str) -> bool:
    content = text.strip()
    box = _CHECKBOX.match(content)
    if box:
        content = box.group("text")
    return has_placeholder(content) and clean(content) is None
