"""Flagged credentials kept out of every message about a file.

Messages quote what they found: `got 'AKIA…'`, a key as the field's name, the first line
of the file, a YAML comment, a clipped value, an importer's note. When that text holds a
credential the secret scan flagged, or a piece of one, printing the message would leak it
(to a CI log, a pull-request annotation, a build log). So every message of a file passes
through one `Redactor` made from that file's findings before it leaves the core.

What is hidden, in a message or a field name:
- any stretch of at least `PIECE` characters that a flagged credential also holds (compared
  ignoring ASCII case, also against its `repr` escapes and its slug), and a whole credential
  shorter than that (a short password in a URL) where it is not part of a longer word;
- a quoted value that holds such a stretch, or that is a shorter piece of a credential
  (`'Tr0ub'`), or that ends where a credential begins or begins where one ends (a value
  clipped, or cut by YAML's flow syntax, part-way through a key).
A quoted value is replaced whole, an unquoted word (a key in a field's name) up to the
nearest separator, by the redacted snippet of the secret scan: `'…' (40 characters)`, or
`'ghp_…' (40 characters)` when it starts with the prefix the scan itself shows.

`PIECE` is 8: eight characters of a key's random part are 32 (hex) to 48 (base 62) bits,
while shorter stretches are what ordinary text shares with a format's prefix (`AKIA`,
`ghp_`, `https:/`) and what the scan's own message shows (four characters). Shorter pieces
are still hidden where a quoted value is one (the rules above). A format's fixed text
(`https://hooks.slack.com/services/`, `-----BEGIN RSA PRIVATE KEY-----`) is not a piece: a
message may still say `https://`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from mkdocs_postmortems.core.diagnostics import Diagnostic

PIECE = 8
"""Shortest stretch of a credential that is hidden wherever it stands in a message."""
EDGE = 4
"""Shortest piece of a credential hidden when it is a whole quoted value, or one's end."""
_EXTRA_FORMS_UP_TO = 4096
"""Longer credentials are compared as written only (their escapes and slug are not made)."""

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_QUOTED = re.compile(r"'(?:[^'\\\n]|\\.)*+'|\"(?:[^\"\\\n]|\\.)*+\"")
_SNIPPET_TAIL = re.compile(r" \(\d+ characters\)")
_SEPARATORS = frozenset(".,;:/()[]{}<>'\"=`")


@dataclass(frozen=True)
class Secret:
    """A flagged credential as it stands in the file (or as YAML read it)."""

    text: str
    reveal: int = 0  # leading characters the scan's own message shows
    public: int = 0  # leading characters that are the format's fixed text, not secret

    def __repr__(self) -> str:  # never printed by accident
        return f"Secret({len(self.text)} characters)"


@dataclass(frozen=True)
class _Form:
    """One spelling of a secret, lowercased (ASCII), compared with lowercased messages."""

    text: str
    public: int
    prefix: str  # what the scan shows of it ('' when nothing)


def _forms(secret: Secret) -> list[_Form]:
    text = secret.text
    public = max(secret.public, secret.reveal)
    spellings = [(text, public)]
    if len(text) <= _EXTRA_FORMS_UP_TO:
        spellings.append((repr(text)[1:-1], public))
        slugged = _NOT_SLUG.sub("-", text.translate(_ASCII_LOWER)).strip("-")
        spellings.append((slugged, len(_NOT_SLUG.sub("-", text[:public].lower()).lstrip("-"))))
    prefix = text[: secret.reveal].translate(_ASCII_LOWER)
    seen: set[str] = set()
    forms = []
    for spelling, fixed in spellings:
        folded = spelling.translate(_ASCII_LOWER)
        if folded and folded not in seen and len(folded) > fixed:
            seen.add(folded)
            forms.append(_Form(folded, fixed, prefix))
    return forms


class Redactor:
    """Hides a file's flagged credentials in the messages about it. Give it all of a file's
    messages at once (`diagnostics`, `texts`): one pass compares them with every secret, so
    the time is linear in both, however many there are."""

    def __init__(self, secrets: Iterable[Secret] = ()) -> None:
        unique = {secret.text: secret for secret in secrets if secret.text}
        self.forms = [form for secret in unique.values() for form in _forms(secret)]
        self.short = {form.text for form in self.forms if len(form.text) < PIECE}
        self.long = [form for form in self.forms if len(form.text) >= PIECE]
        self.prefixes = {form.prefix for form in self.forms if form.prefix}
        self._edges: _Edges | None = None

    def __bool__(self) -> bool:
        return bool(self.forms)

    def diagnostics(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """The diagnostics with field names and messages redacted (paths are left alone)."""
        items = list(diagnostics)
        if not self.forms or not items:
            return items
        texts = self.texts([part for d in items for part in (d.field, d.message)])
        return [
            replace(d, field=texts[2 * i], message=texts[2 * i + 1]) for i, d in enumerate(items)
        ]

    def text(self, text: str) -> str:
        return self.texts([text])[0]

    def hides(self, text: str) -> bool:
        """Whether `text`, quoted in a message, would be redacted."""
        quoted = repr(text)
        return bool(self.forms) and self.text(quoted) != quoted

    def texts(self, texts: Sequence[str]) -> list[str]:
        """Each text with every quoted value or word that lies on a secret redacted."""
        if not self.forms:
            return list(texts)
        folded = [text.translate(_ASCII_LOWER) for text in texts]
        marks = _Covered(folded, self.long).marks
        if self.short:
            _mark_words(folded, self.short, marks)
        quoted = [_quoted(text) for text in texts]
        values = {
            _value(fold, start, end)
            for fold, spans in zip(folded, quoted, strict=True)
            for start, end, snippet in spans
            if not snippet
        }
        if self._edges is None:
            self._edges = _Edges(self.forms)
        cut = self._edges.cut(values)
        return [
            self._redacted(text, fold, mark, spans, cut)
            for text, fold, mark, spans in zip(texts, folded, marks, quoted, strict=True)
        ]

    def _redacted(
        self,
        text: str,
        folded: str,
        marks: bytearray,
        quoted: list[tuple[int, int, bool]],
        cut: set[str],
    ) -> str:
        if not quoted and not any(marks):
            return text  # the usual message: nothing quoted, nothing on a secret
        out: list[str] = []
        done = 0
        for start, end, snippet in quoted:
            if any(marks[start:end]) or (not snippet and _value(folded, start, end) in cut):
                out.append(self._plain(text, done, start, marks))
                out.append(self._snippet(text[start:end], folded[start + 1 : end - 1]))
                done = end
        out.append(self._plain(text, done, len(text), marks))
        return "".join(out)

    def _snippet(self, quoted: str, folded_content: str) -> str:
        try:
            value = ast.literal_eval(quoted)
        except (ValueError, SyntaxError):
            value = quoted[1:-1]
        length = len(str(value).removesuffix("…"))
        return self._snippet_of(folded_content, quoted[1:], length)

    def _snippet_of(self, folded: str, original: str, length: int) -> str:
        """`'ghp_…' (40 characters)` when the word starts with what the scan shows, else
        `'…' (40 characters)`."""
        for size in {len(prefix) for prefix in self.prefixes}:
            if folded[:size] in self.prefixes:
                return f"'{original[:size]}…' ({length} characters)"
        return f"'…' ({length} characters)"

    def _plain(self, text: str, start: int, end: int, marks: bytearray) -> str:
        """Unquoted text: each marked stretch, widened to its word, as a snippet."""
        out: list[str] = []
        at = index = start
        while index < end:
            if not marks[index]:
                index += 1
                continue
            left = index
            while left > at and not _separates(text[left - 1]):
                left -= 1
            right = index
            while right < end and (marks[right] or not _separates(text[right])):
                right += 1
            word = text[left:right]
            out.append(text[at:left])
            out.append(self._snippet_of(word.translate(_ASCII_LOWER), word, len(word)))
            at = index = right
        out.append(text[at:end])
        return "".join(out)


def _quoted(text: str) -> list[tuple[int, int, bool]]:
    """Where the quoted values of a message are, and which are already redacted snippets."""
    if "'" not in text and '"' not in text:
        return []
    return [
        (match.start(), match.end(), _SNIPPET_TAIL.match(text, match.end()) is not None)
        for match in _QUOTED.finditer(text)
    ]


def _value(folded: str, start: int, end: int) -> str:
    """A quoted value as compared: without its quotes and a clipping `…`."""
    return folded[start + 1 : end - 1].removesuffix("…")


def _separates(char: str) -> bool:
    return char.isspace() or char in _SEPARATORS


def _mark_words(texts: list[str], short: set[str], marks: list[bytearray]) -> None:
    """Mark each whole secret shorter than PIECE that stands as a word of its own (not inside
    a longer run of letters and digits). Only the starts of such runs are tried."""
    lengths = sorted({len(text) for text in short})
    for n, text in enumerate(texts):
        for at in range(len(text)):
            if at and text[at - 1].isalnum():
                continue
            for length in lengths:
                end = at + length
                if end > len(text):
                    break
                if not text[end : end + 1].isalnum() and text[at:end] in short:
                    marks[n][at:end] = b"\x01" * length


class _Edges:
    """Which quoted values lie on a secret though they hold fewer than PIECE characters of
    it: a value that is a piece of one, or that ends where one begins or begins where one
    ends (a clipped value; one cut by YAML's flow syntax), by at least EDGE characters past
    the format's fixed text."""

    def __init__(self, forms: list[_Form]) -> None:
        self.forms = forms
        self.heads: set[str] = set()
        self.tails: set[str] = set()
        for form in forms:
            secret, public = form.text, form.public
            for length in range(max(EDGE, public + 1), min(PIECE, len(secret)) + 1):
                self.heads.add(secret[:length])
            for length in range(EDGE, min(PIECE, len(secret)) + 1):
                self.tails.add(secret[-length:])
        self.pieces: set[str] | None = None

    def cut(self, values: set[str]) -> set[str]:
        sizes = range(EDGE, PIECE + 1)
        found = {
            value
            for value in values
            if any(value[-size:] in self.heads for size in sizes if size <= len(value))
            or any(value[:size] in self.tails for size in sizes if size <= len(value))
        }
        short = {value for value in values if EDGE <= len(value) < PIECE} - found
        return found | self._pieces(short) if short else found

    def _pieces(self, values: set[str]) -> set[str]:
        """The values that are a piece of a secret, past its fixed text. The smaller side is
        indexed, as in `_Covered`."""
        size = sum(len(form.text) for form in self.forms)
        if self.pieces is None and size > 16 * sum(map(len, values)):
            lengths = {len(value) for value in values}
            return {
                piece
                for form in self.forms
                for length in lengths
                for piece in _stretches(form, length)
                if piece in values
            }
        if self.pieces is None:
            self.pieces = {
                piece
                for form in self.forms
                for length in range(EDGE, PIECE)
                for piece in _stretches(form, length)
            }
        return values & self.pieces


class _Covered:
    """Which characters of the texts lie on a stretch of at least PIECE characters that a
    secret also holds. The smaller side is indexed by its PIECE-character windows and the
    other side slides over it, so time and memory stay linear in both."""

    def __init__(self, texts: list[str], forms: list[_Form]) -> None:
        self.marks = [bytearray(len(text)) for text in texts]
        if not forms:
            return
        secret_size = sum(len(form.text) for form in forms)
        text_size = sum(len(text) for text in texts)
        if secret_size <= text_size:
            windows = {w for form in forms for w in _stretches(form)}
            for n, text in enumerate(texts):
                for at in range(len(text) - PIECE + 1):
                    if text[at : at + PIECE] in windows:
                        self.mark(n, at, at + PIECE)
        else:
            places: dict[str, list[tuple[int, int]]] = {}
            for n, text in enumerate(texts):
                for at in range(len(text) - PIECE + 1):
                    places.setdefault(text[at : at + PIECE], []).append((n, at))
            for form in forms:
                for window in _stretches(form):
                    for n, at in places.pop(window, ()):
                        self.mark(n, at, at + PIECE)

    def mark(self, n: int, start: int, end: int) -> None:
        self.marks[n][start:end] = b"\x01" * (end - start)


def _stretches(form: _Form, length: int = PIECE) -> Iterable[str]:
    """Every `length`-character stretch of a secret that holds more than its fixed text."""
    text = form.text
    first = max(0, form.public - length + 1)
    return (text[at : at + length] for at in range(first, len(text) - length + 1))
