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

`PIECE` is 8: eight characters of a key's random part are at least ~40 bits, while shorter
stretches are what ordinary text shares with a format's prefix (`AKIA`, `ghp_`, `https:/`)
and what the scan's own message shows (four characters). Shorter pieces are still hidden
where a quoted value is one (the rules above). A format's fixed text (`https://hooks.slack.com/
services/`, `-----BEGIN RSA PRIVATE KEY-----`) is not a piece: a message may still say
`https://`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from mkdocs_postmortems.diagnostics import Diagnostic

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
    """Hides a file's flagged credentials in the messages about it."""

    def __init__(self, secrets: Iterable[Secret] = ()) -> None:
        unique = {secret.text: secret for secret in secrets if secret.text}
        self.forms = [form for secret in unique.values() for form in _forms(secret)]
        self.short = [form for form in self.forms if len(form.text) < PIECE]
        self.long = [form for form in self.forms if len(form.text) >= PIECE]

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
        covered = _Covered(folded, self.long)
        for form in self.short:
            for n, text in enumerate(folded):
                at = text.find(form.text)
                while at >= 0:
                    end = at + len(form.text)
                    if not (text[at - 1 : at].isalnum() or text[end : end + 1].isalnum()):
                        covered.mark(n, at, end)
                    at = text.find(form.text, at + 1)
        return [
            self._redacted(text, fold, covered.marks[n])
            for n, (text, fold) in enumerate(zip(texts, folded, strict=True))
        ]

    def _redacted(self, text: str, folded: str, marks: bytearray) -> str:
        if "'" not in text and '"' not in text and not any(marks):
            return text  # the usual message: nothing quoted, nothing on a secret
        out: list[str] = []
        done = 0
        for quoted in _QUOTED.finditer(text):
            start, end = quoted.span()
            content = folded[start + 1 : end - 1]
            snippet = _SNIPPET_TAIL.match(text, end) is not None
            if any(marks[start:end]) or (not snippet and self._on_edge(content)):
                out.append(_plain_redact(text, done, start, marks, self.forms))
                out.append(self._snippet(text[start:end], content))
                done = end
        out.append(_plain_redact(text, done, len(text), marks, self.forms))
        return "".join(out)

    def _on_edge(self, content: str) -> bool:
        """A quoted value that is a short piece of a secret, or is cut part-way through one."""
        value = content.removesuffix("…")
        if len(value) < EDGE:
            return False
        for form in self.forms:
            secret, public = form.text, form.public
            if len(value) < PIECE and secret.find(value, max(0, public - len(value) + 1)) >= 0:
                return True
            for length in range(max(EDGE, public + 1), min(PIECE, len(secret), len(value)) + 1):
                if value.endswith(secret[:length]):
                    return True
            for length in range(EDGE, min(PIECE, len(secret), len(value)) + 1):
                if value.startswith(secret[-length:]):
                    return True
        return False

    def _snippet(self, quoted: str, folded_content: str) -> str:
        try:
            value = ast.literal_eval(quoted)
        except (ValueError, SyntaxError):
            value = quoted[1:-1]
        length = len(str(value).removesuffix("…"))
        return _snippet_of(folded_content, quoted[1:], length, self.forms)


def _snippet_of(folded: str, original: str, length: int, forms: list[_Form]) -> str:
    """`'ghp_…' (40 characters)` when the word starts with what the scan shows, else `'…'`."""
    for form in forms:
        if form.prefix and folded.startswith(form.prefix):
            return f"'{original[: len(form.prefix)]}…' ({length} characters)"
    return f"'…' ({length} characters)"


def _plain_redact(text: str, start: int, end: int, marks: bytearray, forms: list[_Form]) -> str:
    """Unquoted text: each marked stretch, widened to its word, as a snippet."""
    out: list[str] = []
    at = start
    index = start
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
        out.append(_snippet_of(word.translate(_ASCII_LOWER), word, len(word), forms))
        at = index = right
    out.append(text[at:end])
    return "".join(out)


def _separates(char: str) -> bool:
    return char.isspace() or char in _SEPARATORS


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
            windows = {w for form in forms for w in _windows(form)}
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
                for window in _windows(form):
                    for n, at in places.pop(window, ()):
                        self.mark(n, at, at + PIECE)

    def mark(self, n: int, start: int, end: int) -> None:
        self.marks[n][start:end] = b"\x01" * (end - start)


def _windows(form: _Form) -> Iterable[str]:
    """Every PIECE-character stretch of a secret that holds more than its fixed text."""
    text = form.text
    first = max(0, form.public - PIECE + 1)
    return (text[at : at + PIECE] for at in range(first, len(text) - PIECE + 1))
