"""Bytes on disk -> front matter (with positions) and Markdown body.

One strict splitter used by the CLI, the plugin and the importers alike: front matter is
only what stands between an exact `---` first line and the next exact `---` line. A UTF-8
byte-order mark is dropped (and nothing else is); any other encoding is refused with a
message that says what the bytes look like.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mkdocs_postmortems import strict_yaml
from mkdocs_postmortems.diagnostics import Diagnostic
from mkdocs_postmortems.messages import field_name

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
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(path, 1, 1, "expected UTF-8 text, got UTF-16 (byte-order mark); save as UTF-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nul = raw.find(b"\x00")
    if nul >= 0:
        if raw.count(b"\x00") * 3 >= len(raw):  # every other byte: UTF-16 without a BOM
            raise _fail(
                path, 1, 1, "expected UTF-8 text, got what looks like UTF-16; save as UTF-8"
            )
        line, column = _locate(raw, nul)
        raise _fail(path, line, column, "expected text, got a NUL byte")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _locate(raw, error.start)
        byte = raw[error.start]
        hint = ""
        try:
            raw.decode("cp1252")
            hint = "; the file looks Latin-1/Windows-1252 encoded, save as UTF-8"
        except UnicodeDecodeError:
            pass
        raise _fail(
            path, line, column, f"expected UTF-8 text, got byte 0x{byte:02x}{hint}"
        ) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


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
        hint = ""
        if first.rstrip() == DELIMITER:
            hint = " (remove the trailing spaces after ---)"
        elif first.strip() == DELIMITER:
            hint = " (the --- must start at the first character)"
        elif not first.strip() and text.lstrip().startswith(DELIMITER):
            hint = " (remove the blank lines before the opening ---)"
        got = "an empty file" if not text.strip() else f"{_clip(first)!r}"
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
        raise LoadError(yaml_diagnostic(path, error)) from None
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


def yaml_diagnostic(
    path: str, error: strict_yaml.YamlError, whole: str = "front matter"
) -> Diagnostic:
    """A reader problem as a diagnostic; `whole` names the field when no key is at fault."""
    return Diagnostic(
        path, error.line, error.column, field_name(error.path) or whole, error.message
    )
