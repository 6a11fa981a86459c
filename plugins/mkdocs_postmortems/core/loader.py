"""Bytes on disk -> front matter (with positions) and Markdown body.

One strict splitter used by the CLI, the plugin and the importers alike: front matter is
only what stands between an exact `---` first line and the next exact `---` line. A UTF-8
byte-order mark is dropped (and nothing else is); any other encoding is refused with a
message that says what the bytes look like.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from mkdocs_postmortems.core import strict_yaml
from mkdocs_postmortems.core.diagnostics import Diagnostic
from mkdocs_postmortems.core.messages import field_name

MAX_FILE_BYTES = 1024 * 1024
DELIMITER = "---"
FRONT_MATTER_FIRST_LINE = 2


@dataclass(frozen=True)
class Document:
    """A split, parsed postmortem file: data as read, where each value stands, and the body."""

    path: str
    data: dict[str, Any]
    marks: strict_yaml.Marks
    body: str
    body_line: int
    problems: list[Diagnostic] = field(default_factory=list)


class LoadError(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


def _fail(path: str, line: int, column: int, message: str, field: str = "") -> LoadError:
    return LoadError(Diagnostic(path, line, column, field, message))


def decode(path: str, raw: bytes) -> str:
    """UTF-8 bytes -> text with `\\n` line ends, or LoadError saying what the bytes are."""
    if len(raw) > MAX_FILE_BYTES:
        raise _fail(
            path,
            1,
            1,
            f"expected a file of at most {MAX_FILE_BYTES // 1024} KiB, got {len(raw) // 1024} KiB",
        )
    wide = _wide_encoding(raw)
    if wide is not None:
        raise _fail(path, 1, 1, f"expected UTF-8 text, got {wide}; save as UTF-8")
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        bad, truncated = error.start, error.reason == "unexpected end of data"
    else:
        bad, truncated = -1, False
    nul = raw.find(b"\x00")
    if bad >= 0 or nul >= 0:
        if _looks_binary(raw):
            raise _fail(path, 1, 1, "expected UTF-8 text, got binary data")
        if nul >= 0 and (bad < 0 or nul < bad):
            line, column = _locate(raw, nul)
            raise _fail(path, line, column, "expected text, got a NUL byte")
        line, column = _locate(raw, bad)
        hint = ""
        if truncated:
            hint = " (the file ends in the middle of a character)"
        elif _looks_cp1252(raw):
            hint = "; the file looks Latin-1/Windows-1252 encoded, save as UTF-8"
        raise _fail(path, line, column, f"expected UTF-8 text, got byte 0x{raw[bad]:02x}{hint}")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


# Byte-order marks, the longer first: a UTF-32 LE mark begins like UTF-16 LE's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_WIDE_CODECS = (
    ("utf-32-le", "UTF-32 (little-endian"),
    ("utf-32-be", "UTF-32 (big-endian"),
    ("utf-16-le", "UTF-16 (little-endian"),
    ("utf-16-be", "UTF-16 (big-endian"),
)
# Bytes no text file holds: C0 controls but tab, line feed, vertical tab, form feed,
# carriage return and escape; and DEL.
_BINARY_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])


def _wide_encoding(raw: bytes) -> str | None:
    """UTF-16 or UTF-32, by its byte-order mark, or by text read that way without one.

    Without a mark only text with no NUL and a quarter of it plain ASCII (front matter's
    keys and `---` lines are) counts: UTF-8 text with a stray NUL, or binary data, read so
    is CJK-like or control characters from end to end."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return f"{name} (byte-order mark)"
    if b"\x00" not in raw:
        return None
    for codec, name in _WIDE_CODECS:
        unit = 4 if "32" in codec else 2
        try:  # a last, cut character is not held against the guess
            text = raw[: len(raw) - len(raw) % unit].decode(codec)
        except UnicodeDecodeError:
            continue
        plain = sum(
            1 for char in text if char.isascii() and (char.isprintable() or char in "\t\n\r")
        )
        if text and plain * 4 >= len(text) and "\x00" not in text:
            return f"{name}, no byte-order mark)"
    return None


def _looks_binary(raw: bytes) -> bool:
    """At least two bytes that no text holds, one in a hundred or more: an image, an
    archive, a program, compressed or random data. One stray NUL in text is not."""
    count = len(raw) - len(raw.translate(None, _BINARY_BYTES))
    return count >= 2 and count * 100 >= len(raw)


def _looks_cp1252(raw: bytes) -> bool:
    """Every byte that is not UTF-8 reads as a Windows-1252 character (five bytes do not)."""
    text = raw.decode("utf-8", "surrogateescape")
    stray = bytes(ord(char) - 0xDC00 for char in text if "\udc80" <= char <= "\udcff")
    try:
        stray.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _locate(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters, as far as they decode) of a byte offset."""
    before = raw[:offset]
    lines = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n")
    line_start = max(before.rfind(b"\n"), before.rfind(b"\r")) + 1
    prefix = before[line_start:].decode("utf-8", "replace")
    return lines + 1, len(prefix) + 1


def split(path: str, text: str) -> tuple[str, str, int]:
    """Text -> (front matter, body, first line of the body)."""
    first, newline, rest = text.partition("\n")
    if first != DELIMITER or not newline:
        got = "an empty file" if not text.strip() else f"{_clip(first)!r}"
        hint = _opening_hint(first, text) if newline else ""
        raise _fail(
            path,
            1,
            1,
            f"expected front matter opening with a '---' line, got {got}{hint}",
            "front matter",
        )
    if rest.startswith(DELIMITER + "\n") or rest == DELIMITER:
        return "", rest[len(DELIMITER) + 1 :], 3
    end = rest.find("\n" + DELIMITER + "\n")
    if end < 0:
        if rest.endswith("\n" + DELIMITER):
            end = len(rest) - len(DELIMITER) - 1
        else:
            raise _no_closing(path, rest)
    front = rest[: end + 1]
    body = rest[end + len(DELIMITER) + 2 :]
    body_line = FRONT_MATTER_FIRST_LINE + front.count("\n") + 1
    return front, body, body_line


def _opening_hint(first: str, text: str) -> str:
    """What keeps the first line from being exactly `---`, when it is nearly that."""
    before, dashes, after = first.partition(DELIMITER)
    if dashes and not before.strip(_INVISIBLE) and not after.strip(_INVISIBLE):
        if not before.strip(" \t") and before:
            return " (the --- must start at the first character)"
        if before:
            return f" (remove the {_invisible(before)} before the ---)"
        if not after.strip(" "):
            return " (remove the trailing spaces after ---)"
        return f" (remove the {_invisible(after)} after the ---)"
    if not first.strip(_INVISIBLE):
        opening = next((line for line in text.split("\n") if line.strip(_INVISIBLE)), "")
        if opening == DELIMITER:
            return " (remove the blank lines before the opening ---)"
    return ""


# What an editor may show as nothing: white space, and the zero-width characters.
_INVISIBLE = (
    "".join(c for c in map(chr, range(0x3001)) if c.isspace()) + "\u200b\u200c\u200d\u2060\ufeff"
)


def _invisible(chars: str) -> str:
    """`spaces and U+00A0`: what stands around a `---`, each kind named once."""
    names = {" ": "spaces", "\t": "tabs"}
    kinds = dict.fromkeys(names.get(char, f"U+{ord(char):04X}") for char in chars)
    return " and ".join(kinds)


def _no_closing(path: str, rest: str) -> LoadError:
    """Point at a near-miss closing line (`--- `, `--- # end`) when there is one."""
    for number, line in enumerate(rest.split("\n"), start=FRONT_MATTER_FIRST_LINE):
        if line.rstrip() == DELIMITER or line.startswith(DELIMITER + " "):
            return _fail(
                path,
                number,
                1,
                f"expected a closing line of exactly '---', got {_clip(line)!r}"
                " (remove what follows the ---)",
                "front matter",
            )
    return _fail(
        path,
        1,
        1,
        "expected a closing '---' line after the front matter, found none",
        "front matter",
    )


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse(path: str, raw: bytes) -> Document:
    """Bytes -> Document, or LoadError with the first problem that stops reading the file."""
    text = decode(path, raw)
    front, body, body_line = split(path, text)
    try:
        parsed = strict_yaml.read(front, FRONT_MATTER_FIRST_LINE)
    except strict_yaml.YamlError as error:
        diagnostic = yaml_diagnostic(path, error)
        heading = _body_heading(front, error.line) if error.syntax else None
        if heading is not None:
            diagnostic = dataclasses.replace(
                diagnostic,
                message=f"{diagnostic.message}; is the closing '---' of the front matter "
                f"missing? Line {heading} reads as a Markdown heading",
            )
        raise LoadError(diagnostic) from None
    data, marks = parsed.data, parsed.marks
    if data is None:
        raise _fail(path, 1, 1, "expected a mapping of fields, got nothing", "front matter")
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"{_clip(str(data))!r}"
        line, column = marks.value(())
        raise _fail(
            path,
            line,
            column,
            f"expected a mapping of fields, got {kind}",
            "front matter",
        )
    problems = [yaml_diagnostic(path, problem) for problem in parsed.problems]
    return Document(path, data, marks, body, body_line, problems)


# A Markdown heading, which YAML reads as a comment; and a line that reads as YAML: a
# `key:`, a list item or an indented line. A heading with only other lines below it, down
# to the YAML error, is the body read as front matter (its prose starts at the margin);
# one followed by YAML is a comment in the front matter.
_HEADING = re.compile(r"#{1,6}[ \t]+\S")
_YAML_LINE = re.compile(r"[ \t]+\S|-(?:[ \t]|$)|[^\s#][^#]*?:(?:[ \t]|$)")


def _body_heading(front: str, error_line: int) -> int | None:
    """The line of the Markdown heading that the YAML error follows, when nothing between
    them (the error's line included) reads as YAML: the body was read as front matter
    because the closing `---` is missing, and a later `---` (a rule) ended it."""
    lines = front.split("\n")
    for index in range(min(error_line - FRONT_MATTER_FIRST_LINE, len(lines) - 1), -1, -1):
        if _HEADING.match(lines[index]):
            return index + FRONT_MATTER_FIRST_LINE
        if _YAML_LINE.match(lines[index]):
            return None
    return None


def yaml_diagnostic(
    path: str, error: strict_yaml.YamlError, whole: str = "front matter"
) -> Diagnostic:
    """A reader problem as a diagnostic; `whole` names the field when no key is at fault."""
    return Diagnostic(
        path, error.line, error.column, field_name(error.path) or whole, error.message
    )
