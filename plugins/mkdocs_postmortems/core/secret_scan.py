"""Credentials pasted into a postmortem: found before they are published.

Postmortems quote logs, config and commands, and a key in a quoted line would be served to
everyone who can read the site (and stays in Git history). Each rule is a regular expression
for one well-known credential format. Patterns start with a literal (so `re` can skip ahead
to it), check the token boundary behind it, and repeat only characters that cannot be what
follows, so a scan is linear in the size of the file; where a pattern cannot start with a
rare literal, a substring test (a "needle") decides first whether it runs at all.

A line that holds `postmortems: allow-secret` (in YAML a `# postmortems: allow-secret`
comment, in Markdown `<!-- postmortems: allow-secret -->`) is left alone: the documented way
to keep a false positive, such as a documentation example key, on purpose.

`screen` is the step every diagnostic of a file passes through: the file's credentials
become errors, and the other messages are redacted (`redaction`) so that none quotes one.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from mkdocs_postmortems.core import loader
from mkdocs_postmortems.core.diagnostics import Diagnostic
from mkdocs_postmortems.core.messages import field_name
from mkdocs_postmortems.core.redaction import Redactor, Secret
from mkdocs_postmortems.core.strict_yaml import Marks, Path

ALLOW_MARKER = "postmortems: allow-secret"
REVEALED = 4  # leading characters shown in messages: a format's prefix, never the secret
CONTEXT = 200  # characters either side of a finding that an `accept` check may look at

_PLACEHOLDER_WORDS = frozenset(
    {"password", "passwd", "pass", "secret", "token", "changeme", "redacted", "example"}
)


@dataclass(frozen=True)
class Finding:
    """One likely credential: where it starts (1-based) and a redacted view of it; the
    credential itself only for `redaction` (never in a repr)."""

    line: int
    column: int
    kind: str  # with its article: "a GitHub token"
    redacted: str
    secret: Secret = field(default=Secret(""), repr=False, compare=False)


Accept = Callable[[str, str], bool]  # (secret as written, text around it) -> a real finding?


@dataclass(frozen=True)
class _Rule:
    kind: str
    pattern: re.Pattern[str]
    needles: tuple[str, ...]  # when given, the rule runs only if the text holds one of them
    folded: re.Pattern[str] | None  # for case-insensitive rules: `pattern` on lowered text
    reveal: int
    accept: Accept | None


def _rule(
    kind: str,
    source: str,
    *needles: str,
    fold: bool = False,
    reveal: int = REVEALED,
    accept: Accept | None = None,
) -> _Rule:
    """A case-insensitive (`fold`) rule is written in lowercase and run on the lowercased
    text, where its leading literal still speeds the search up; `re.IGNORECASE` is only the
    fallback for text whose lowercase form has another length (positions would shift)."""
    if fold:
        return _Rule(
            kind, re.compile(source, re.IGNORECASE), needles, re.compile(source), reveal, accept
        )
    return _Rule(kind, re.compile(source), needles, None, reveal, accept)


def _after(literal: str, width: int, token: str = "A-Za-z0-9") -> str:
    """`literal` (`width` characters long, whichever alternative matches) not preceded by a
    token character: the boundary is checked behind the literal, so the search can still
    jump from one occurrence of it to the next. `-` and `_` are boundaries: a file name or
    slug (`2025-01-22-ghp_…`) joins words with them."""
    return f"{literal}(?<![{token}].{{{width}}})"


def _mixed_case(secret: str, around: str) -> bool:
    """A 40-character run is an AWS secret key only when mixed-case: a Git commit hash is
    40 lowercase hex digits."""
    return any(c.isupper() for c in secret) and any(c.islower() for c in secret)


def _sas_context(secret: str, around: str) -> bool:
    """`sig=` is an Azure signature only beside the `sv=` (service version) of a SAS URL."""
    return "sv=" in around.lower()


_AWS_SECRET_VALUE = (
    r"[a-z0-9_. -]{0,20}?[\"']?[ \t]*[:=][ \t]*[\"']?"
    r"(?P<secret>[a-z0-9/+]{40})(?![a-z0-9/+=])"
)
_AUTHORIZATION = r"authorization[\"']?[ \t]*[:=][ \t]*[\"']?"

RULES: tuple[_Rule, ...] = (
    _rule(
        "a private key",
        r"(?P<public>-----BEGIN (?:[A-Z0-9]{1,20}+ ){0,3}PRIVATE KEY(?: BLOCK)?-----)",
        "PRIVATE KEY",
    ),
    _rule(
        "an AWS access key id", _after("(?:AKIA|ASIA)", 4, "A-Z0-9") + r"[A-Z0-9]{16}(?![A-Z0-9])"
    ),
    _rule(
        "an AWS secret access key",
        r"aws[a-z0-9_. -]{0,20}?secret" + _AWS_SECRET_VALUE,
        "aws",
        fold=True,
        accept=_mixed_case,
    ),
    _rule(  # the output of `aws sts assume-role` and the like, with no "aws" on the line
        "an AWS secret access key",
        r"secret_?access_?key" + _AWS_SECRET_VALUE,
        "accesskey",
        "access_key",
        fold=True,
        accept=_mixed_case,
    ),
    _rule(
        "a Google API key",
        _after("AIza", 4) + r"[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])",
        "AIza",
    ),
    *(
        _rule(
            "an Azure account key",
            _after(word, len(word), "a-z0-9")
            + r"[ \t]*=[ \t]*(?P<secret>[a-z0-9+/]{30,100}+={0,2})",
            word,
            fold=True,
        )
        for word in ("accountkey", "sharedaccesskey")
    ),
    _rule(
        "an Azure shared access signature",
        r"sig=(?<=[?&]sig=)(?P<secret>[A-Za-z0-9%+/=]{30,}+)",
        "sig=",
        accept=_sas_context,
    ),
    _rule("a GitHub token", _after("gh[pousr]_", 4) + r"[A-Za-z0-9]{36,251}+(?![A-Za-z0-9_])"),
    _rule(
        "a GitHub token",
        _after("(?P<public>github_pat_)", 11) + r"[A-Za-z0-9_]{36,251}+(?![A-Za-z0-9_-])",
        "github_pat_",
    ),
    _rule("a GitLab token", _after("gl(?:pat|ptt)-", 6) + r"[A-Za-z0-9_-]{20,}+"),
    _rule("a GitLab token", _after("gl(?:dt|rt)-", 5) + r"[A-Za-z0-9_-]{20,}+"),
    _rule("a Slack token", _after("x(?:ox[abposr]|app)-", 5) + r"[A-Za-z0-9-]{10,}+"),
    _rule("a Stripe live key", _after("[sr]k_live_", 8) + r"[A-Za-z0-9]{20,}+", "k_live_"),
    _rule("an npm token", _after("npm_", 4) + r"[A-Za-z0-9]{36}(?![A-Za-z0-9_])", "npm_"),
    _rule("a Twilio API key", _after("SK", 2, "A-Za-z0-9") + r"[0-9a-fA-F]{32}(?![A-Za-z0-9])"),
    _rule(
        "a SendGrid API key",
        _after(r"SG\.", 3) + r"[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])",
        "SG.",
    ),
    _rule(
        "an OpenAI or Anthropic API key",
        "(?P<public>"
        + _after("sk-", 3)
        + r"(?:proj-|svcacct-|admin-|ant-(?:api|admin)[0-9]{2}-))[A-Za-z0-9_-]{32,}+",
    ),
    _rule(
        "a JSON Web Token",
        _after("eyJ", 3) + r"[A-Za-z0-9_-]{8,}+\.eyJ[A-Za-z0-9_-]{8,}+\.[A-Za-z0-9_-]{8,}+",
        "eyJ",
    ),
    _rule(
        "a Slack webhook URL",
        r"(?P<public>https://hooks\.slack\.com/(?:services|workflows|triggers)/)"
        r"[A-Za-z0-9/_-]{20,}+",
        "hooks.slack.com",
    ),
    _rule(
        "a Discord webhook URL",
        r"(?P<public>https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/webhooks/)"
        r"[0-9]{5,30}+/[A-Za-z0-9_-]{20,}+",
        "/api/webhooks/",
    ),
    _rule(
        "a Microsoft Teams webhook URL",
        r"(?P<public>\.webhook\.office\.com/webhookb2/)[^\s\"'<>()]{20,}+",
        "webhook",
    ),
    _rule(
        "a Microsoft Teams webhook URL",
        r"(?P<public>outlook\.office(?:365)?\.com/webhook/)[^\s\"'<>()]{20,}+",
        "webhook",
    ),
    _rule(
        "a token in an Authorization header",
        _AUTHORIZATION + r"(?:bearer|token)[ \t]+(?P<secret>[a-z0-9._~+/-]{20,}+=*)",
        "authorization",
        fold=True,
    ),
    _rule(
        "credentials in an Authorization header",
        _AUTHORIZATION + r"basic[ \t]+(?P<secret>[a-z0-9+/]{8,}+={0,2})",
        "authorization",
        fold=True,
        reveal=0,
    ),
    _rule(
        "a password in a URL",
        r"://(?<=[A-Za-z0-9+.-]://)[^\s:/?#@\"'<>]{0,100}+:"
        r"(?P<secret>[^\s/?#@\"'<>]{1,200}+)@(?=[A-Za-z0-9\[])",
        "@",
        reveal=0,
    ),
)


def _placeholder(secret: str) -> bool:
    """`${TOKEN}`, `<password>`, `****`, `xxxx…`, `password`: a stand-in, not a credential."""
    if secret[:1] in "$<{%[" or "..." in secret or "…" in secret:
        return True
    if secret.casefold() in _PLACEHOLDER_WORDS:
        return True
    return len(set(secret[-16:].casefold())) <= 2  # the random part of a real one varies


def redact(secret: str, reveal: int = REVEALED) -> str:
    """`'ghp_…' (40 characters)`: never the secret, enough to find it in the file."""
    return f"'{secret[:reveal]}…' ({len(secret)} characters)"


class _Lines:
    """Which lines hold the allow marker, found once per line however many findings it has
    (a file of one long line must not be searched once per finding)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.start = self.end = -1
        self.allowed = False

    def allows(self, index: int) -> bool:
        if not self.start <= index <= self.end:
            self.start = self.text.rfind("\n", 0, index) + 1
            end = self.text.find("\n", index)
            self.end = end if end >= 0 else len(self.text)
            self.allowed = self.text.find(ALLOW_MARKER, self.start, self.end) >= 0
        return self.allowed


def scan(text: str) -> list[Finding]:
    """Every likely credential in `text`, in file order; lines with the marker are skipped."""
    return _placed(text, _find(text))


def hide(text: str) -> tuple[str, list[Finding]]:
    """`text` with each credential the scan finds cut to its revealed start (`ghp_…`), and
    the findings: for names such as file paths, which are printed before any file is read
    and which no later redaction of a file's messages sees."""
    findings = scan(text) if text else []
    for finding in findings:
        secret = finding.secret.text
        if secret:
            text = text.replace(secret, secret[: finding.secret.reveal] + "\u2026")
    return text, findings


def _find(text: str) -> _Spans:
    lowered = text.lower()
    same_length = len(lowered) == len(text)
    lines = _Lines(text)
    found = _Spans()
    blocks = _KeyBlocks(text)
    for rule in RULES:
        haystack = lowered if rule.folded is not None else text
        if rule.needles and not any(needle in haystack for needle in rule.needles):
            continue
        if rule.folded is not None and same_length:
            matches = rule.folded.finditer(lowered)
        else:
            matches = rule.pattern.finditer(text)
        group = "secret" if "secret" in rule.pattern.groupindex else 0
        fixed = "public" in rule.pattern.groupindex
        for match in matches:
            start, end = match.span(group)
            secret = text[start:end]
            if _placeholder(secret) or found.overlaps(start, end) or lines.allows(start):
                continue
            around = text[max(0, start - CONTEXT) : end + CONTEXT]
            if rule.accept is None or rule.accept(secret, around):
                public = match.end("public") - start if fixed else 0
                if rule is RULES[0]:  # a private key: the key itself follows its header
                    end = blocks.end(end)
                    secret = text[start:end]
                hidden = Secret(secret, rule.reveal, public)
                shown = redact(secret, rule.reveal)
                found.add(start, end, Finding(0, 0, rule.kind, shown, hidden))
    return found


MAX_KEY_BLOCK = 16 * 1024
"""Characters from a private key's header to its END line (an 8,192-bit key is ~6,400)."""
_KEY_END = re.compile(r"-----END (?:[A-Z0-9]{1,20}+ ){0,3}PRIVATE KEY(?: BLOCK)?-----")
_KEY_BODY = re.compile(r"(?:(?:\\n|\s)*+[A-Za-z0-9+/=]{16,}+)*+")


class _KeyBlocks:
    """Where a private key flagged by its header ends: at its END line when one follows
    close enough, else after the lines of base64 below the header (`\\n` counts as a line
    break, as in a JSON or YAML string). The END lines are found once per text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.ends: list[tuple[int, int]] | None = None

    def end(self, header_end: int) -> int:
        if self.ends is None:
            found = _KEY_END.finditer(self.text) if "-----END" in self.text else ()
            self.ends = [match.span() for match in found]
        at = bisect.bisect_left(self.ends, (header_end, header_end))
        if at < len(self.ends) and self.ends[at][1] - header_end <= MAX_KEY_BLOCK:
            return self.ends[at][1]
        body = _KEY_BODY.match(self.text, header_end)
        return body.end() if body else header_end


class _Spans:
    """Reported stretches of text, kept sorted: an earlier, more specific rule wins over a
    later one for the same characters (a JWT in an Authorization header is one finding)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.findings: list[Finding] = []

    def overlaps(self, start: int, end: int) -> bool:
        at = bisect.bisect_right(self.starts, start)
        before = at > 0 and self.ends[at - 1] > start
        return before or (at < len(self.starts) and self.starts[at] < end)

    def add(self, start: int, end: int, finding: Finding) -> None:
        at = bisect.bisect_right(self.starts, start)
        self.starts.insert(at, start)
        self.ends.insert(at, end)
        self.findings.insert(at, finding)


def _placed(text: str, spans: _Spans) -> list[Finding]:
    """Findings with their line and column, counted in one pass over the text."""
    placed = []
    line, line_start, counted = 1, 0, 0
    for start, finding in zip(spans.starts, spans.findings, strict=True):
        newlines = text.count("\n", counted, start)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", counted, start) + 1
        counted = start
        placed.append(replace(finding, line=line, column=start - line_start + 1))
    return placed


def check(path: str, raw: bytes, document: loader.Document | None = None) -> list[Diagnostic]:
    """Every likely credential in a postmortem file as an error, named by the front matter
    field it stands in (from `document`, when the file could be read) or `body`."""
    return screen(path, raw, (), document).leaks


@dataclass(frozen=True)
class Screened:
    """A file's diagnostics with its credentials among them and none of them printed."""

    diagnostics: list[Diagnostic]
    leaks: list[Diagnostic]
    redactor: Redactor


def screen(
    path: str,
    raw: bytes,
    diagnostics: Iterable[Diagnostic],
    document: loader.Document | None = None,
    *,
    whole: str = "front matter",
) -> Screened:
    """The one step every diagnostic of a postmortem file passes through: its credentials
    (in the text as written, and in front matter values as YAML reads them, escapes and
    all) become errors, and every other diagnostic is redacted so that none quotes one.
    Works on the raw text, so also when the file could not be parsed (`document` None);
    `whole` names where a credential is when no field can be named."""
    problems = list(diagnostics)
    try:
        text = loader.decode(path, raw)
    except loader.LoadError:
        return Screened(problems, [], Redactor())  # not text: nothing was quoted from it
    placed = [(finding, "") for finding in scan(text)]
    if document is not None:
        placed = sorted(
            [*placed, *_in_values(document, text, _places(finding for finding, _ in placed))],
            key=lambda item: (item[0].line, item[0].column),
        )
    if not placed:
        return Screened(problems, [], Redactor())
    redactor = Redactor(finding.secret for finding, _ in placed)
    if document is not None:
        body_line = document.body_line
        field_at = _fields(document.marks, whole)
    else:
        try:
            body_line = loader.split(path, text)[2]
        except loader.LoadError:
            body_line = text.count("\n") + 2  # no front matter to be found: all of it is
        field_at = _fields(Marks(), whole)

    def where(finding: Finding, named: str) -> str:
        if named:
            return named
        return "body" if finding.line >= body_line else field_at(finding.line, finding.column)

    fields = redactor.texts([where(finding, named) for finding, named in placed])
    leaks = [
        Diagnostic(
            path,
            finding.line,
            finding.column,
            named_field,
            f"expected no secrets, got what looks like {finding.kind}, {finding.redacted}; "
            f"remove it (and revoke it), or mark the line '{ALLOW_MARKER}' if it is not one",
        )
        for (finding, _), named_field in zip(placed, fields, strict=True)
    ]
    return Screened(sorted([*redactor.diagnostics(problems), *leaks]), leaks, redactor)


def _places(findings: Iterable[Finding]) -> dict[str, list[tuple[int, int]]]:
    places: dict[str, list[tuple[int, int]]] = {}
    for finding in findings:
        places.setdefault(finding.secret.text, []).append((finding.line, finding.column))
    return places


def screen_source(path: str, raw: bytes) -> Screened:
    """`screen` for a file that may have YAML front matter (an importer's source): its
    values are read as YAML reads them when they can be."""
    try:
        document: loader.Document | None = loader.parse(path, raw)
    except loader.LoadError:
        document = None
    return screen(path, raw, (), document)


def _in_values(
    document: loader.Document, text: str, known: dict[str, list[tuple[int, int]]]
) -> list[tuple[Finding, str]]:
    """Credentials that only YAML's reading makes: escapes (`"gh\\x70_…"`) and lines folded
    into one. Only values not written out verbatim on one line are scanned again, and only
    in front matter that has an escape, or a word of a rule that a folded line could
    complete (the others match no space, and a line folds into a space)."""
    front = text[: len(text) - len(document.body)]
    if "\\" not in front:
        lowered = front.lower()
        if not any(needle in lowered for needle in _FOLDING_NEEDLES):
            return []
    starts = [0, *(match.end() for match in _NEWLINE.finditer(front))]
    marks = document.marks
    edges = sorted({*marks.keys.values(), *marks.values.values()})
    strings: list[str] = []
    places: list[tuple[int, int, Path]] = []
    for path, value, (line, column) in _strings(document.data, marks):
        if len(value) < _SHORTEST or line > len(starts):
            continue
        at = starts[line - 1] + column - 1
        if text[at : at + 1] in ("'", '"'):
            at += 1
        if "\n" not in value and text.startswith(value, at):
            continue  # as written, so already scanned
        strings.append(value)
        places.append((line, column, path))
    if not strings:
        return []
    offsets = []
    length = 0
    for value in strings:
        offsets.append(length)
        length += len(value) + 1
    spans = _find("\n".join(strings))
    lines = _Lines(text)
    found = []
    for start, finding in zip(spans.starts, spans.findings, strict=True):
        line, column, path = places[bisect.bisect_right(offsets, start) - 1]
        at = bisect.bisect_right(edges, (line, column))
        until = edges[at] if at < len(edges) else (len(starts) + 1, 1)
        if lines.allows(starts[line - 1]) or any(
            (line, column) <= place < until for place in known.get(finding.secret.text, ())
        ):
            continue  # marked, or found as written within this value
        known.setdefault(finding.secret.text, []).append((line, column))
        found.append((replace(finding, line=line, column=column), field_name(path)))
    return found


_NEWLINE = re.compile("\n")
_FOLDING_NEEDLES = ("private", "aws", "access", "authorization", "accountkey")
"""Words of the rules that match a space (a private key's header, `aws_secret_access_key =
…`, `Authorization: Bearer …`, `AccountKey = …`), as a line break can be written."""
_SHORTEST = 8  # no rule flags fewer characters in a value (`a://b:cd@e`)


def _strings(data: Any, marks: Marks) -> Iterator[tuple[Path, str, tuple[int, int]]]:
    """Every key and text value of the front matter, with its path and place."""
    stack: list[tuple[Path, Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                inner = (*path, key)
                if isinstance(key, str):
                    yield inner, key, marks.key(inner)
                stack.append((inner, value))
        elif isinstance(node, list):
            stack.extend(((*path, index), value) for index, value in enumerate(node))
        elif isinstance(node, str):
            yield path, node, marks.value(path)


def _fields(marks: Marks, whole: str) -> Callable[[int, int], str]:
    """(line, column) -> the path of the front matter key or value written there: the last
    one that starts at or before it."""
    places = sorted(
        (
            (position, path)
            for positions in (marks.keys, marks.values)
            for path, position in positions.items()
            if path
        ),
        key=lambda place: place[0],
    )
    positions = [position for position, _ in places]

    def field(line: int, column: int) -> str:
        at = bisect.bisect_right(positions, (line, column)) - 1
        return field_name(places[at][1]) if at >= 0 else whole

    return field
