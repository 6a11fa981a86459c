"""Faster ways to write the exports, the calendars and the report's lessons give the same
bytes as the plain ways they replaced (issue 19). The plain ways are kept here as references,
and each fast one is checked against them on generated input."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_postmortems.analytics import lessons
from mkdocs_postmortems.site import calendars, exports

# -- calendars.fold ------------------------------------------------------------------------


def reference_fold(line: str) -> str:
    """A content line folded at 75 octets, never inside a UTF-8 sequence (RFC 5545 3.1)."""
    data = line.encode()
    if len(data) <= 75:
        return line
    pieces = []
    start, limit = 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:
            end -= 1
        pieces.append(data[start:end].decode())
        start, limit = end, 74
    return "\r\n ".join(pieces)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(alphabet=st.characters(max_codepoint=127), max_size=400), st.text()))
def test_fold_is_the_octet_fold(line: str) -> None:
    assert calendars.fold(line) == reference_fold(line)


def test_fold_at_the_edges() -> None:
    for size in (74, 75, 76, 148, 149, 150, 223, 224, 225):
        line = "x" * size
        assert calendars.fold(line) == reference_fold(line)
        assert calendars.fold("é" + line) == reference_fold("é" + line)


# -- exports.to_csv ------------------------------------------------------------------------


def _reference_flat(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, dict) and prefix not in ("links",):
        for key, inner in value.items():
            _reference_flat(f"{prefix}.{key}", inner, out)
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        out[prefix] = "; ".join(value)
    elif isinstance(value, list | dict):
        out[prefix] = json.JSONEncoder(ensure_ascii=False).encode(value) if value else ""
    else:
        out[prefix] = value


def _reference_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if isinstance(value, str) and text.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + text
    return text


def reference_csv(records: list[dict[str, Any]]) -> str:
    columns = exports._columns()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(columns)
    for data in records:
        flat: dict[str, Any] = {}
        for key, value in data.items():
            _reference_flat(key, value, flat)
        cells = [_reference_cell(flat.get(column)) for column in columns]
        (quoted if "\r" in "".join(cells) else writer).writerow(cells)
    return buffer.getvalue()


_texts = st.text(max_size=12)
_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    _texts,
    st.sampled_from(["=1+1", "-3", "@x", "\tx", "a\rb", "é", "\x00"]),
)
_values = st.recursive(
    _leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(_texts, inner, max_size=3)
    ),
    max_leaves=6,
)
_fields = st.one_of(_leaves, st.lists(_values, max_size=3))
"""A model's field that is not a model: a mapping only in `links` (where it stays JSON)."""


@st.composite
def _records(draw: st.DrawFn) -> dict[str, Any]:
    """A record as `exports.records` makes it: every column's key, a model's field holds a
    mapping of its own fields or null, any other field a value or a list of any values."""
    record: dict[str, Any] = {}
    for column in exports._columns():
        key, *below = column.split(".")
        if not below:
            record[key] = draw(st.dictionaries(_texts, _texts) if key == "links" else _fields)
            continue
        if key not in record:
            record[key] = draw(st.one_of(st.none(), st.just({})))
        place = record[key]
        for inner in below[:-1]:
            if not isinstance(place, dict):
                break
            if inner not in place:
                place[inner] = draw(st.one_of(st.none(), st.just({})))
            place = place[inner]
        if isinstance(place, dict):
            place[below[-1]] = draw(_fields)
    return record


@settings(max_examples=60, deadline=None)
@given(st.lists(_records(), max_size=3))
def test_csv_is_the_flattened_csv(records: list[dict[str, Any]]) -> None:
    assert exports.to_csv(records) == reference_csv(records)


def test_cell_json_is_json_dumps() -> None:
    value = [{"a": 1.5, "b": [None, True, 'é\n"x"'], "c": {"d": 10**30}}, 1e16, -0.0]
    assert exports._ENCODE(value) == json.dumps(value, ensure_ascii=False)


# -- lessons.quotes ------------------------------------------------------------------------

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def reference_quotes(body: str) -> list[tuple[str, str]]:
    """Every line matched against both patterns."""
    found: list[tuple[str, str]] = []
    current: str | None = None
    level = 0
    lines: list[str] = []
    fence = ""
    size = 0

    def close() -> None:
        if current is not None:
            text = " ".join(" ".join(lines).split())
            if text:
                found.append((current, lessons.brief(text)))

    for line in body.splitlines():
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
        elif opened:
            fence = opened.group(1)
        heading = None if fence or opened else _HEADING.match(line)
        if heading:
            depth = len(heading.group(1))
            if current is None or depth <= level:
                close()
                name = lessons.SECTIONS.get(" ".join(heading.group(2).split()).lower())
                current, level, lines, size = name, depth, [], 0
                continue
        if current is not None and size <= lessons.BRIEF and not opened:
            line = heading.group(2) + ":" if heading else line
            lines.append(line)
            size += len(line)
    close()
    return found


_line_parts = st.sampled_from(
    [
        "",
        " ",
        "   ",
        "    ",
        "\t",
        "#",
        "##",
        "###",
        "####### ",
        "# ",
        "## ",
        "```",
        "````",
        "~~~",
        "``",
        "Lessons Learned",
        "lessons  learned",
        "Where we got lucky",
        "Other",
        " #",
        "text",
        "- item",
        "x" * 90,
    ]
)
_lines = st.lists(_line_parts, min_size=0, max_size=4).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(_lines, max_size=25), st.sampled_from(["\n", "\r\n", "\r"]))
def test_lessons_are_those_of_every_line_matched(lines: list[str], end: str) -> None:
    body = end.join(["Lessons learned", *lines])  # never skipped for naming neither
    assert lessons.quotes(body) == reference_quotes(body)
