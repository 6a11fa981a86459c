"""Places as an editor shows them, and hints only where their cause is.

Every expected place is counted here without the reader: the line and column of a marker
substring in the file's text split on "\\n" (the files are written with "\\n" line ends; an
editor also breaks lines at "\\r\\n" and "\\r", and nowhere else), columns in characters.
NEL, U+2028 and U+2029 are line breaks to libyaml (YAML 1.1), vertical tab and form feed
are among the control characters it refuses: none of them may move a place.
"""

from __future__ import annotations

import gzip
import random
import struct
import sys
import tempfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mkdocs_postmortems.core import loader, strict_yaml, taxonomy, writer
from mkdocs_postmortems.core.corpus import load_file
from mkdocs_postmortems.core.diagnostics import Diagnostic
from mkdocs_postmortems.core.taxonomy import Taxonomy

FM = "front matter"
SEPARATORS = {"LS": "\u2028", "PS": "\u2029"}
CONTROLS = {"NEL": "\x85", "VT": "\x0b", "FF": "\x0c"}
NAMES = {"\x85": "U+0085 (NEL)", "\x0b": "U+000B (vertical tab)", "\x0c": "U+000C (form feed)"}
MISREAD = {**SEPARATORS, **CONTROLS}


def place(text: str, marker: str, offset: int = 0) -> tuple[int, int]:
    """Line and column (from 1) of `marker` (which must occur once) plus `offset`."""
    assert text.count(marker) == 1, f"{marker!r} occurs {text.count(marker)} times"
    for number, line in enumerate(text.split("\n"), start=1):
        if marker in line:
            return number, line.index(marker) + offset + 1
    raise AssertionError(marker)


def diagnose(tmp_path: Path, text: str | bytes, fixture_taxonomy: Taxonomy) -> list[Diagnostic]:
    """The whole read path, from a real file on disk."""
    path = tmp_path / "x.md"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return load_file(path, fixture_taxonomy, display="x.md").diagnostics


def places(diagnostics: list[Diagnostic]) -> set[tuple[int, int, str]]:
    return {(d.line, d.column, d.field) for d in diagnostics}


HEAD = """---
id: PM-2026-001
title: Checkout returned 5xx after a config push
severity: P1
status: published
date: 2026-03-16
authors: [ana.silva]
services: [checkout]
teams: [payments]
started_at: 2026-03-14T09:12:00+00:00
detected_at: 2026-03-14T09:19:00+00:00
resolved_at: 2026-03-14T10:05:00+00:00
"""
LATER = "contributing_factors: [config-change, capasity]\n---\n\nBody.\n"
LATER_MARKER = "capasity"

# A value in each YAML style; {c} is where the character goes, inside the value. Then the
# field, and the marker and offset of the place where the value is reported.
STYLES = {
    "plain": ("summary: A config push{c}disabled the pool.\n", "summary", "summary: A", 9),
    "single": ("summary: 'A config push{c}disabled the pool.'\n", "summary", "summary: '", 9),
    "double": ('summary: "A config push{c}disabled the pool."\n', "summary", 'summary: "', 9),
    "literal": (
        "summary: |\n  A config push{c}disabled\n  the pool.\n",
        "summary",
        "summary: |",
        9,
    ),
    "folded": ("summary: >\n  A config push{c}disabled\n  the pool.\n", "summary", "summary: >", 9),
    "flow": ("tags: [rollout, con{c}fig]\n", "tags[1]", ", con", 2),
}


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("name", MISREAD)
def test_a_later_error_stays_in_place(
    name: str, style: str, tmp_path: Path, fixture_taxonomy: Taxonomy
) -> None:
    char = MISREAD[name]
    template, field, marker, offset = STYLES[style]
    text = HEAD + template.format(c=char) + LATER
    diagnostics = diagnose(tmp_path, text, fixture_taxonomy)
    later = (*place(text, LATER_MARKER), "contributing_factors[1]")
    expected = {later}
    if char in CONTROLS.values() or style == "flow":  # its own error, at its value
        expected.add((*place(text, marker, offset), field))  # (a tag is a slug)
    if char in CONTROLS.values():
        [own] = [d for d in diagnostics if d.field == field]
        line, column = place(text, char)
        assert f"got {NAMES[char]} at line {line}, column {column}" in own.message
    assert places(diagnostics) == expected, "\n".join(map(str, diagnostics))


@pytest.mark.parametrize("style", ["plain", "single", "double", "literal", "flow"])
@pytest.mark.parametrize("name", SEPARATORS)
def test_a_separator_is_read_as_the_character_it_is(name: str, style: str) -> None:
    """YAML 1.2 reads NEL, U+2028 and U+2029 as ordinary characters, as editors show them;
    libyaml alone would break the value there (or the mapping, in a plain value)."""
    char = SEPARATORS[name]
    front = STYLES[style][0].format(c=char)
    data, _ = strict_yaml.load(front)
    value = data["tags"][1] if style == "flow" else data["summary"]
    expected = {
        "flow": f"con{char}fig",
        "literal": f"A config push{char}disabled\nthe pool.\n",
    }.get(style, f"A config push{char}disabled the pool.")
    assert value == expected


@pytest.mark.parametrize("char", [*MISREAD.values(), "\u00a0", "\u3000", "\u200b"])
def test_positions_after_the_character_in_every_kind_of_problem(char: str) -> None:
    """Each kind of place the reader reports, after a line holding the character."""
    text = (
        f"summary: 'one{char}two'\n"
        "trigger: &anchor text\n"
        "gaps: !tag text\n"
        "internal: #payments at 10:20\n"
        "summary: again\n"
    )
    parsed = strict_yaml.read(text, 2)
    found = {p.message.split(" (")[0]: (p.line, p.column) for p in parsed.problems}
    shifted = "\n" + text  # the front matter starts on line 2
    assert found["anchors are not allowed"] == place(shifted, "&anchor")
    assert found["tags are not allowed"] == place(shifted, "!tag")
    assert found["expected '#payments' to be part of the value, got a YAML comment"] == place(
        shifted, "#payments"
    )
    duplicate = next(p for p in parsed.problems if p.message.startswith("duplicate key"))
    assert (duplicate.line, duplicate.column) == place(shifted, "summary: again")
    line, column = place(shifted, "summary: 'one")
    assert f"first defined at line {line}, column {column}" in duplicate.message
    for fatal, marker, offset in [
        ("title: a: b\n", ": b", 0),
        ("owner: @ana\n", "@ana", 0),
        ("tags: " + "[" * 40 + "]" * 40 + "\n", "tags: ", 6 + 32),  # the 33rd bracket
        ("title: 'abc\n", "'abc", 0),
        ("title: x\ufffe\n", "\ufffe", 0),
    ]:
        broken = f"summary: 'one{char}two'\n" + fatal
        with pytest.raises(strict_yaml.YamlError) as caught:
            strict_yaml.read(broken, 2)
        where = place("\n" + broken, marker, offset)
        assert (caught.value.line, caught.value.column) == where, caught.value.message


def test_positions_in_a_taxonomy_after_separators(tmp_path: Path) -> None:
    path = tmp_path / "taxonomy.yml"
    text = (
        "severities:\n"
        "  P1: {label: 'Major\u2028one', description: 'A\u2029b\x85c'}\n"
        "services: [checkout, Bad_Slug]\n"
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(taxonomy.TaxonomyError) as caught:
        taxonomy.load(path, "taxonomy.yml")
    found = places(caught.value.diagnostics)
    assert (*place(text, "Bad_Slug"), "services[1]") in found
    assert (*place(text, "'A\u2029"), "severities.P1.description") in found


# --- values


def test_nel_in_a_quoted_value_is_an_error_not_a_space(
    tmp_path: Path, fixture_taxonomy: Taxonomy
) -> None:
    """libyaml alone folds a NEL in quotes into a space, hiding it from the schema."""
    text = HEAD + "summary: 'A config push\x85disabled the pool.'\n" + LATER
    diagnostics = diagnose(tmp_path, text, fixture_taxonomy)
    summary = [d for d in diagnostics if d.field == "summary"]
    assert [(d.line, d.column) for d in summary] == [place(text, "'A config")]
    assert "U+0085 (NEL)" in summary[0].message


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\\L", "\\P"])
def test_a_title_with_a_separator_is_several_lines(
    char: str, tmp_path: Path, fixture_taxonomy: Taxonomy
) -> None:
    text = HEAD.replace(
        "title: Checkout returned 5xx after a config push", f'title: "Checkout{char}returned 5xx"'
    )
    text += "contributing_factors: [config-change]\n---\n"
    diagnostics = diagnose(tmp_path, text, fixture_taxonomy)
    assert places(diagnostics) == {(*place(text, '"Checkout'), "title")}
    assert "expected one line of text, got several lines" in diagnostics[0].message


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('"true\\N"', "U+0085 (NEL)"),
        ('"true\\v"', "U+000B (vertical tab)"),
        ('"true\\r"', "U+000D"),
    ],
)
def test_an_escaped_control_character_is_not_stripped(
    value: str, shown: str, tmp_path: Path, fixture_taxonomy: Taxonomy
) -> None:
    """The schema strips white space around `true`; a control character must not pass so."""
    [problem] = strict_yaml.read(f"data_loss: {value}\n").problems
    assert (problem.line, problem.column, problem.path) == (1, 12, ("data_loss",))
    assert f"got {shown} at character 5 of the value" in problem.message
    text = HEAD + f"impact:\n  data_loss: {value}\n" + LATER
    diagnostics = diagnose(tmp_path, text, fixture_taxonomy)
    own = [d for d in diagnostics if d.field == "impact.data_loss"]
    assert [(d.line, d.column) for d in own] == [place(text, value)]


def test_the_writer_writes_separators_back_as_they_were() -> None:
    for value in ["a\u2028b", "a\u2029", "a\x85b\nc", "\u2028"]:
        text = writer.dump_front_matter({"summary": value})
        assert strict_yaml.read(text).data == {"summary": value}


# --- unclosed quotes


@pytest.mark.parametrize(
    ("front", "marker"),
    [
        ('title: "abc\nseverity: P1\n', '"abc'),
        ("title: 'abc\nseverity: P1\n", "'abc"),
        ('tags: ["abc, def]\nseverity: P1\n', '"abc'),
        ("authors:\n  - 'ana\n  - bob\n", "'ana"),
        ('"title: abc\nseverity: P1\n', '"title'),
        ('title: "abc\nseverity: P1\nsummary: "x y"\nstatus: draft\n', '"abc'),
        ("title: 'abc\nseverity: P1\nsummary: it's fine\n", "'abc"),
        ("title: 'abc\nlinks:\n  ticket: 'https://x.example'\n", "'abc"),
    ],
    ids=[
        "double-to-end",
        "single-to-end",
        "in-a-flow-list",
        "in-a-block-list",
        "a-key",
        "closed-by-a-later-value",
        "closed-by-an-apostrophe",
        "closed-in-a-nested-mapping",
    ],
)
def test_an_unclosed_quote_is_reported_where_it_opens(
    front: str, marker: str, tmp_path: Path, fixture_taxonomy: Taxonomy
) -> None:
    text = f"---\nid: PM-2026-001\n{front}---\n\nBody with \"quotes\" and 'more'.\n"
    diagnostics = diagnose(tmp_path, text, fixture_taxonomy)
    assert places(diagnostics) == {(*place(text, marker), FM)}, diagnostics[0]
    assert "closing '---'" not in diagnostics[0].message


def test_an_unclosed_quote_in_a_taxonomy_is_reported_where_it_opens(tmp_path: Path) -> None:
    path = tmp_path / "taxonomy.yml"
    text = 'severities:\n  P1: {label: "Major, description: x}\n---\nservices: [a]\n'
    path.write_text(text, encoding="utf-8")
    with pytest.raises(taxonomy.TaxonomyError) as caught:
        taxonomy.load(path, "taxonomy.yml")
    assert places(caught.value.diagnostics) == {(*place(text, '"Major'), "taxonomy")}
    assert "never closed" in caught.value.diagnostics[0].message


def test_a_multi_line_quoted_value_is_not_taken_for_an_unclosed_quote() -> None:
    """Text over lines without `key:` lines is a value that runs on, and it is the text
    after its closing quote that is wrong."""
    text = 'summary: "one\n  two" three\n'
    with pytest.raises(strict_yaml.YamlError) as caught:
        strict_yaml.read(text)
    assert (caught.value.line, caught.value.column) != place(text, '"one')
    assert "missing?" not in caught.value.message


# --- hints


MISSING_CLOSING = "is the closing '---' of the front matter missing?"


@pytest.mark.parametrize(
    "front",
    [
        "# Severity: P0 is the worst\nseverity: P1: major\n",
        "# Owner\nowner: @ana\n",
        "# Impact\nimpact:\n\tusers_affected: 3\n",
        "## Notes\nsummary: x\nfree text\nstatus: draft\n",
        "# Who\n  @bad\n",
        "# Timeline\n- 09:12 alert fired\n",
        "## Impact\nUsers: many: were hit\n",
    ],
)
def test_no_closing_hint_after_a_comment_line(
    front: str, tmp_path: Path, fixture_taxonomy: Taxonomy
) -> None:
    text = f"---\nid: PM-2026-001\ntitle: x\n{front}---\n"
    diagnostics = diagnose(tmp_path, text, fixture_taxonomy)
    assert len(diagnostics) == 1 and diagnostics[0].field == FM, diagnostics
    assert MISSING_CLOSING not in diagnostics[0].message


def test_closing_hint_when_the_body_was_read_as_front_matter(
    tmp_path: Path, fixture_taxonomy: Taxonomy
) -> None:
    text = (
        "---\nid: PM-2026-001\ntitle: x\ntags: [a]\n\n"
        "# Checkout 5xx\n\nA config push disabled the pool.\nIt broke.\n\n---\n\nMore.\n"
    )
    [diagnostic] = diagnose(tmp_path, text, fixture_taxonomy)
    assert (diagnostic.line, diagnostic.column) == place(text, "A config push")
    heading, _ = place(text, "# Checkout")
    assert f"{MISSING_CLOSING} Line {heading} reads as a Markdown heading" in diagnostic.message


def test_no_closing_hint_for_a_taxonomy(tmp_path: Path) -> None:
    path = tmp_path / "taxonomy.yml"
    text = "# Severities\n\nseverities:\n  P1: {label: Major}\n\n# Services\nfree text\nteams: []\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(taxonomy.TaxonomyError) as caught:
        taxonomy.load(path, "taxonomy.yml")
    [diagnostic] = caught.value.diagnostics
    assert (diagnostic.line, diagnostic.column) == place(text, "free text")
    assert "---" not in diagnostic.message


@pytest.mark.parametrize(
    ("front", "marker", "hint", "not_hint"),
    [
        ("impact:\n  - \tx\n", "\tx", "a tab is used for indentation", "must be quoted"),
        ("owner: x\t@ana\ntrigger: @x\n", "@x", "starts with @ must be quoted", "tab"),
        ("trigger: `x`\n", "`x", "starts with ` must be quoted", "tab"),
        (
            "trigger: %x\n",
            "%x",
            "starts with % must be quoted (YAML reads it as a directive)",
            "tab",
        ),
        (
            "title: Outage: payments\n",
            ": payments",
            "put a value that contains ': ' in quotes",
            "indentation",
        ),
        ("impact:\n  users: 1\n   revenue: 5\n", ": 5", "check the indentation", "in quotes"),
    ],
    ids=["tab", "at-sign", "backtick", "percent", "colon-in-value", "indentation"],
)
def test_each_hint_names_its_cause(front: str, marker: str, hint: str, not_hint: str) -> None:
    with pytest.raises(strict_yaml.YamlError) as caught:
        strict_yaml.read(front)
    error = caught.value
    assert hint in error.message and not_hint not in error.message, error.message
    assert (error.line, error.column) == place(front, marker)


@pytest.mark.parametrize(
    ("first", "hint"),
    [
        ("--- ", "(remove the trailing spaces after ---)"),
        ("---\u00a0", "(remove the U+00A0 after the ---)"),
        ("---\t ", "(remove the tabs and spaces after the ---)"),
        ("  ---", "(the --- must start at the first character)"),
        ("\ufeff---", "(remove the U+FEFF before the ---)"),
        ("---x", None),
        ("title: x", None),
    ],
)
def test_opening_line_hints(first: str, hint: str | None) -> None:
    text = f"{first}\nid: PM-1\n---\n"
    with pytest.raises(loader.LoadError) as caught:
        loader.split("x.md", text)
    message = caught.value.diagnostic.message
    opening = f"expected front matter opening with a '---' line, got {first!r}"
    assert message == (opening if hint is None else f"{opening} {hint}")


def test_blank_lines_hint_only_before_an_exact_opening() -> None:
    with pytest.raises(loader.LoadError) as caught:
        loader.split("x.md", "\n\n---\nid: PM-1\n---\n")
    assert "remove the blank lines" in caught.value.diagnostic.message
    with pytest.raises(loader.LoadError) as caught:
        loader.split("x.md", "\n\n----\nid: PM-1\n---\n")
    assert "blank lines" not in caught.value.diagnostic.message


# --- what the bytes are


TEXT = (Path(__file__).parent / "fixtures" / "invalid" / "duplicate-id" / "a-first.md").read_text(
    encoding="utf-8"
)


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    pixels = b"".join(b"\x00" + random.Random(row).randbytes(30) for row in range(10))
    header = struct.pack(">IIBBBBB", 10, 10, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\ufeff".encode("utf-32-le") + TEXT.encode("utf-32-le"), "got UTF-32 (byte-order mark)"),
        ("\ufeff".encode("utf-32-be") + TEXT.encode("utf-32-be"), "got UTF-32 (byte-order mark)"),
        (TEXT.encode("utf-32-le"), "got UTF-32 (little-endian, no byte-order mark)"),
        (TEXT.encode("utf-32-be"), "got UTF-32 (big-endian, no byte-order mark)"),
        (TEXT.encode("utf-16"), "got UTF-16 (byte-order mark)"),
        (TEXT.encode("utf-16-le"), "got UTF-16 (little-endian, no byte-order mark)"),
        (TEXT.encode("utf-16-be"), "got UTF-16 (big-endian, no byte-order mark)"),
        (TEXT.encode("utf-16-le")[:-1], "got UTF-16 (little-endian, no byte-order mark)"),
        (_png(), "got binary data"),
        (gzip.compress(TEXT.encode(), mtime=0), "got binary data"),
        (Path(sys.executable).resolve().read_bytes()[:65536], "got binary data"),
        *(
            (random.Random(seed).randbytes(size), "got binary data")
            for seed, size in [(1, 64), (2, 500), (3, 4096), (4, 100_000)]
        ),
    ],
    ids=[
        "utf32-le-bom",
        "utf32-be-bom",
        "utf32-le",
        "utf32-be",
        "utf16-bom",
        "utf16-le",
        "utf16-be",
        "utf16-le-cut",
        "png",
        "gzip",
        "elf",
        "random-64",
        "random-500",
        "random-4096",
        "random-100000",
    ],
)
def test_what_the_bytes_are(
    raw: bytes, expected: str, tmp_path: Path, fixture_taxonomy: Taxonomy
) -> None:
    [diagnostic] = diagnose(tmp_path, raw, fixture_taxonomy)
    assert (diagnostic.line, diagnostic.column) == (1, 1)
    assert diagnostic.message.startswith("expected UTF-8 text, ")
    assert expected in diagnostic.message, diagnostic.message
    assert "NUL" not in diagnostic.message and "0x" not in diagnostic.message


CJK = TEXT.replace("Checkout returned 5xx after a config push", "支付服务在配置推送后返回错误")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_text_in_another_script_is_named_too(
    encoding: str, tmp_path: Path, fixture_taxonomy: Taxonomy
) -> None:
    [diagnostic] = diagnose(tmp_path, CJK.encode(encoding), fixture_taxonomy)
    order = "little" if encoding.endswith("le") else "big"
    name = encoding[:6].upper()
    assert f"got {name} ({order}-endian, no byte-order mark)" in diagnostic.message


@settings(max_examples=150, deadline=None)
@given(text=st.sampled_from([TEXT, CJK]), at=st.integers(min_value=0, max_value=10_000))
def test_one_nul_anywhere_in_text_is_a_nul(text: str, at: int) -> None:
    """Neither UTF-16 nor binary: a NUL byte, at its line and column."""
    at = min(at, len(text))
    mangled = text[:at] + "\x00" + text[at:]
    with pytest.raises(loader.LoadError) as caught:
        loader.decode("x.md", mangled.encode("utf-8"))
    diagnostic = caught.value.diagnostic
    assert diagnostic.message == "expected text, got a NUL byte"
    assert (diagnostic.line, diagnostic.column) == place(mangled, "\x00")


@pytest.mark.parametrize("count", [1, 2])
def test_a_stray_nul_in_text_is_named_as_such(
    count: int, tmp_path: Path, fixture_taxonomy: Taxonomy
) -> None:
    text = TEXT.replace("payment client", "payment\x00client", 1)
    if count == 2:
        text = text.replace("5xx", "5\x00xx")  # on the title line, above the other
    [diagnostic] = diagnose(tmp_path, text, fixture_taxonomy)
    marker = "5\x00" if count == 2 else "\x00"
    assert (diagnostic.line, diagnostic.column) == place(text, marker, 1 if count == 2 else 0)
    assert diagnostic.message == "expected text, got a NUL byte"


def test_latin1_and_cut_utf8_get_their_own_hint(tmp_path: Path, fixture_taxonomy: Taxonomy) -> None:
    latin = TEXT.replace("payment client", "paiement clé", 1)
    [diagnostic] = diagnose(tmp_path, latin.encode("cp1252"), fixture_taxonomy)
    assert (diagnostic.line, diagnostic.column) == place(latin, "é")
    assert diagnostic.message.endswith("the file looks Latin-1/Windows-1252 encoded, save as UTF-8")
    cut = TEXT.encode() + "é".encode()[:1]
    [diagnostic] = diagnose(tmp_path, cut, fixture_taxonomy)
    assert diagnostic.message.endswith("(the file ends in the middle of a character)")
    assert "Latin-1" not in diagnostic.message


# --- the property


UNUSUAL = [
    *MISREAD.values(),
    "\t",
    "\u00a0",
    "\u1680",
    *(chr(c) for c in range(0x2000, 0x200B)),
    "\u200b",
    "\u202f",
    "\u205f",
    "\u3000",
    "\ufeff",
    "\u180e",
]

BASE = """---
id: PM-2026-001
title: Checkout returned 5xx after a config push
severity: P1
status: published
date: 2026-03-16
authors: [ana.silva, "li.wei"]
services: [checkout]
teams: [payments]
summary: A config push disabled the payment client pool.
trigger: 'A configuration push set the pool size to 0.'
gaps:
  testing: "No test loads the config with the service's own loader."
  monitoring: |
    The 5xx alert used
    a 5-minute window.
  process: >
    Config pushes skipped
    the staged rollout.
started_at: 2026-03-14T09:12:00+00:00
detected_at: 2026-03-14T09:19:00+00:00
resolved_at: 2026-03-14T10:05:00+00:00
"""
# Each value: its text (once in BASE), and the marker and offset of the place where it is
# reported; the marker holds the value's first character, which an insertion never splits.
VALUES = [
    ("PM-2026-001", "id: P", 4),
    ("Checkout returned 5xx after a config push", "title: C", 7),
    ("published", "status: p", 8),
    ("ana.silva", "[a", 1),
    ("li.wei", ', "l', 2),
    ("A config push disabled the payment client pool.", "summary: A", 9),
    ("A configuration push set the pool size to 0.", "trigger: '", 9),
    ("No test loads the config with the service's own loader.", 'testing: "', 9),
    ("The 5xx alert used", "monitoring: |", 12),
    ("Config pushes skipped", "process: >", 9),
    ("2026-03-14T09:19:00+00:00", "detected_at: 2", 13),
]
ENDINGS = {
    "schema": ("contributing_factors: [config-change, capasity]\n---\n", "capasity"),
    "syntax": ("contributing_factors: [config-change]\ntrigger2: @later\n---\n", "@later"),
    "mapping": ("contributing_factors: [config-change]\nnote: a: b\n---\n", ": b"),
}


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ending=st.sampled_from(sorted(ENDINGS)),
    insertions=st.lists(
        st.tuples(
            st.sampled_from(range(len(VALUES))),
            st.floats(min_value=0.01, max_value=0.99),
            st.text(alphabet=st.sampled_from(UNUSUAL), min_size=1, max_size=3),
        ),
        min_size=1,
        max_size=4,
        unique_by=lambda insertion: insertion[0],
    ),
)
def test_unusual_characters_in_earlier_values_never_move_a_later_error(
    ending: str, insertions: list[tuple[int, float, str]], fixture_taxonomy: Taxonomy
) -> None:
    tail, marker = ENDINGS[ending]
    text = BASE
    for index, fraction, chars in insertions:
        value = VALUES[index][0]
        cut = max(1, min(len(value) - 1, round(len(value) * fraction)))
        # A tab is white space to YAML too: after a colon it makes `: `, which is structure.
        assume(not (value[cut - 1] == ":" and chars[0] == "\t"))
        text = text.replace(value, value[:cut] + chars + value[cut:], 1)
    text += tail
    with tempfile.TemporaryDirectory() as folder:
        diagnostics = diagnose(Path(folder), text, fixture_taxonomy)
    later = place(text, marker)
    assert later in {(d.line, d.column) for d in diagnostics}, diagnostics
    if ending != "schema":  # YAML that cannot be read: that error alone
        assert [(d.line, d.column) for d in diagnostics] == [later]
        return
    mutated = {place(text, VALUES[index][1], VALUES[index][2]) for index, _, _ in insertions}
    for d in diagnostics:
        assert (d.line, d.column) in mutated | {later}, (str(d), text)
