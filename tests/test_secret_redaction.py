"""No diagnostic prints a credential: Hypothesis puts made-up credentials of every kind the
scan flags in every place of a postmortem (each front matter field, keys, list items, the
first line, the body, an unclosed front matter, YAML broken around them) and reads what
`postmortems validate` (text, github and json), `stats`, `import` and a real `mkdocs build`
print.

What counts as printed: the credential, or any stretch of 8 of its characters (`PIECE`),
in the output as written or as its format decodes it (JSON strings, GitHub's %-escapes).
Eight because that is what the redaction promises everywhere (see `redaction`): shorter
stretches are what ordinary text shares with a format (`https://`, `AKIA`), and the scan's
own message shows four characters on purpose. A format's fixed text (`https://hooks.slack.
com/services/`, a private key's BEGIN line) is not secret and may be printed; every stretch
that reaches past it may not.

The credentials are assembled at run time from pieces, so this file holds nothing that a
secret scanner would flag.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import string
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mkdocs_postmortems.cli import main as cli
from mkdocs_postmortems.core import loader, secret_scan
from mkdocs_postmortems.core.corpus import load_file
from mkdocs_postmortems.core.diagnostics import Diagnostic
from mkdocs_postmortems.core.redaction import PIECE, Redactor, Secret
from mkdocs_postmortems.core.schema import got
from mkdocs_postmortems.core.taxonomy import Taxonomy

REPO = Path(__file__).resolve().parents[1]
TAXONOMY = REPO / "tests" / "fixtures" / "taxonomy.yml"
RunCli = Callable[..., subprocess.CompletedProcess[str]]

UPPER, LOWER, DIGITS = string.ascii_uppercase, string.ascii_lowercase, string.digits
ALNUM = UPPER + LOWER + DIGITS
HEX = "0123456789abcdef"


@dataclass(frozen=True)
class Leak:
    kind: str
    snippet: str  # as pasted into a postmortem
    secret: str  # the credential in it
    public: str = ""  # the format's fixed text the credential starts with

    def __repr__(self) -> str:  # Hypothesis prints falsifying examples: that is fine here
        return f"Leak({self.kind}, {self.snippet!r})"


def _run(alphabet: str, low: int, high: int | None = None) -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, min_size=low, max_size=low if high is None else high)


def _mixed(text: str) -> bool:
    return any(c.isupper() for c in text) and any(c.islower() for c in text)


def _leak(kind: str, before: str = "", after: str = "", public: str = "") -> Callable[..., Leak]:
    def make(*parts: str) -> Leak:
        secret = public + "".join(parts)
        return Leak(kind, before + secret + after, secret, public)

    return make


def _private_key(kind: str, lines: list[str]) -> Leak:
    header = f"-----BEGIN {kind} PRIVATE KEY-----"
    block = "\n".join([header, *lines, f"-----END {kind} PRIVATE KEY-----"])
    return Leak("a private key", block, block, header)


def _password(password: str) -> Leak:
    return Leak("a password in a URL", f"postgres://app:{password}@db.internal:5432/app", password)


# Characters no message of ours uses, so a short password cannot turn up in one by chance.
_RARE = "!~^*"

KINDS: list[st.SearchStrategy[Leak]] = [
    st.builds(
        lambda prefix, rest: Leak("an AWS access key id", prefix + rest, prefix + rest),
        st.sampled_from(["AK" + "IA", "AS" + "IA"]),
        _run(UPPER + DIGITS, 16),
    ),
    _run(ALNUM + "+/", 40)
    .filter(_mixed)
    .map(_leak("an AWS secret access key", before="aws_secret_access_key = ")),
    _run(ALNUM + "_-", 35).map(_leak("a Google API key", public="AI" + "za")),
    st.builds(
        lambda c, rest: Leak("a GitHub token", f"gh{c}_{rest}", f"gh{c}_{rest}"),
        st.sampled_from("pousr"),
        _run(ALNUM, 36, 60),
    ),
    _run(ALNUM + "_", 82).map(_leak("a GitHub token", public="github" + "_pat_")),
    _run(ALNUM + "_", 20, 30).map(_leak("a GitLab token", public="gl" + "pat-")),
    st.builds(
        _leak("a Slack token", public="xo" + "xb-"),
        _run(DIGITS, 10),
        st.just("-"),
        _run(DIGITS, 12),
        st.just("-"),
        _run(ALNUM, 24),
    ),
    _run(ALNUM, 24, 34).map(_leak("a Stripe live key", public="sk" + "_live_")),
    _run(ALNUM, 36).map(_leak("an npm token", public="np" + "m_")),
    _run(HEX, 32).map(_leak("a Twilio API key", public="S" + "K")),
    st.builds(
        _leak("a SendGrid API key", public="S" + "G."),
        _run(ALNUM + "_-", 22),
        st.just("."),
        _run(ALNUM + "_-", 43),
    ),
    _run(ALNUM + "_-", 40, 60).map(_leak("an OpenAI or Anthropic API key", public="sk-" + "proj-")),
    st.builds(
        _leak("a JSON Web Token", public="ey" + "J"),
        _run(ALNUM + "_-", 10, 30),
        st.just(".ey" + "J"),
        _run(ALNUM + "_-", 10, 30),
        st.just("."),
        _run(ALNUM + "_-", 20, 43),
    ),
    st.builds(
        _leak("a Slack webhook URL", public="https://hooks." + "slack.com/services/"),
        st.just("T"),
        _run(UPPER + DIGITS, 8),
        st.just("/B"),
        _run(UPPER + DIGITS, 10),
        st.just("/"),
        _run(ALNUM, 24),
    ),
    st.builds(
        _leak("a Discord webhook URL", public="https://discord.com/api/" + "webhooks/"),
        _run(DIGITS, 18),
        st.just("/"),
        _run(ALNUM + "_-", 68),
    ),
    st.builds(
        _leak(
            "a Microsoft Teams webhook URL",
            before="https://contoso",
            public=".webhook." + "office.com/webhookb2/",
        ),
        _run(HEX + "-", 36),
        st.just("@"),
        _run(HEX + "-", 36),
        st.just("/IncomingWebhook/"),
        _run(HEX, 32),
    ),
    _run(ALNUM + "._~+/-", 24, 40).map(
        _leak("a token in an Authorization header", before="Authorization: Bearer ")
    ),
    _run(ALNUM + "+/", 12, 24).map(
        _leak("credentials in an Authorization header", before="Authorization: Basic ")
    ),
    st.builds(
        _password,
        st.builds(
            lambda head, rare, tail: head + rare + tail,
            _run(ALNUM + "&;=,-_.", 1, 10),
            st.sampled_from(_RARE),
            _run(ALNUM + _RARE + "&;=-", 2, 12),
        ),
    ),
    _run(ALNUM + "+/", 86).map(
        lambda key: Leak(
            "an Azure account key",
            f"DefaultEndpointsProtocol=https;AccountName=kb;AccountKey={key}==;"
            "EndpointSuffix=core.windows.net",
            key + "==",
        )
    ),
    _run(ALNUM + "%+/=", 40, 50).map(
        _leak(
            "an Azure shared access signature",
            before="https://kb.blob.core.windows.net/c/x.csv?sv=2022-11-02&sp=r&sig=",
        )
    ),
    st.builds(
        _private_key,
        st.sampled_from(["RSA", "EC", "OPENSSH"]),
        st.lists(_run(ALNUM + "+/", 64), min_size=1, max_size=4),
    ),
]


def _flagged(leak: Leak) -> bool:
    """The scan flags this credential (not, say, as a placeholder)."""
    return any(f.secret.text == leak.secret for f in secret_scan.scan(f"x {leak.snippet} x"))


LEAKS = st.one_of(KINDS).filter(_flagged)


# A valid postmortem (against tests/fixtures/taxonomy.yml) with a slot in each place.
BASE = """\
---
id: {id}
title: {title}
severity: {severity}
status: {status}
date: {date}
authors: [{author}, ana]
services:
  - {service}
teams: [payments]
tags: [{tag}]
summary: {summary}
started_at: {started_at}
detected_at: {detected_at}
mitigated_at: 2026-03-14T09:30:00Z
resolved_at: {resolved_at}
impact:
  users_affected: {users_affected}
  data_impact: {data_impact}
  revenue_usd: {revenue}
{impact_key}trigger: {trigger}
contributing_factors: [{factor}]
gaps:
  testing: {gaps}
timeline:
  - at: {timeline_at}
    event: {timeline_event}
    who: {timeline_who}
action_items:
  - title: {item_title}
    type: {item_type}
    owner: {item_owner}
    due: {item_due}
    priority: {item_priority}
    status: open
    ticket: {item_ticket}
links:
  {link_key}: {link}
communication:
  internal: {communication}
review:
  held_on: 2026-03-20
  attendees: [{attendee}]
{top_key}---

## What Happened

{body}
"""

DEFAULTS = {
    "id": "PM-2026-001",
    "title": "Checkout failed",
    "severity": "P1",
    "status": "published",
    "date": "2026-03-15",
    "author": "bo",
    "service": "checkout",
    "tag": "db",
    "summary": "Short.",
    "started_at": "2026-03-14T09:12:00Z",
    "detected_at": "2026-03-14T09:19:00Z",
    "resolved_at": "2026-03-14T10:00:00Z",
    "users_affected": "3",
    "data_impact": "none",
    "revenue": "100",
    "impact_key": "",
    "trigger": "a deploy",
    "factor": "config-change",
    "gaps": "none",
    "timeline_at": "2026-03-14T09:12:00Z",
    "timeline_event": "errors began",
    "timeline_who": "oncall",
    "item_title": "Add a canary",
    "item_type": "prevent",
    "item_owner": "ana",
    "item_due": "2026-04-01",
    "item_priority": "high",
    "item_ticket": "INC-1",
    "link_key": "ticket",
    "link": "https://tracker.example.com/INC-1",
    "communication": "Paged",
    "attendee": "ana",
    "top_key": "",
    "body": "Text.",
}
FLOW = {"author", "tag", "factor", "attendee"}  # slots inside [...]
KEYS = {"impact_key": "  ", "top_key": ""}  # slots for a whole `key: value` line
VALUES = [slot for slot in DEFAULTS if slot not in KEYS and slot != "body"]


def _document(**slots: str) -> str:
    return BASE.format(**{**DEFAULTS, **slots})


def _plain(text: str, flow: bool) -> bool:
    """Text YAML reads as itself when written bare."""
    if not text or "\n" in text or text != text.strip() or text[0] in "-?:,[]{}#&*!|>'\"%@`":
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    return not (flow and any(c in text for c in ",[]{}:"))


def _escaped(snippet: str, secret: str) -> str:
    """Double-quoted, one character of the credential as a YAML escape (`\\x41`): the file
    never holds the credential as it is read."""
    at = snippet.index(secret) + len(secret) // 2
    char = snippet[at]
    if char == "\n":
        at += 1
        char = snippet[at]
    return json.dumps(snippet[:at])[:-1] + f"\\x{ord(char):02x}" + json.dumps(snippet[at + 1 :])[1:]


STYLES = ("plain", "double", "single", "block", "escaped")


def _value(leak: Leak, style: str, flow: bool) -> str | None:
    text = leak.snippet
    if style == "plain":
        return text if _plain(text, flow) else None
    if style == "double":
        return json.dumps(text)
    if style == "single":
        return None if "\n" in text else "'" + text.replace("'", "''") + "'"
    if style == "block":
        return None if flow else "|\n" + textwrap.indent(text, " " * 8)
    return _escaped(text, leak.secret)


def _one_line(leak: Leak) -> str:
    """The snippet as it can stand inside a line: a private key with `\\n` escapes."""
    return leak.snippet if "\n" not in leak.snippet else json.dumps(leak.snippet)[1:-1]


def _key(leak: Leak, style: str) -> str:
    return (
        leak.snippet
        if style == "plain" and _plain(leak.snippet, False)
        else json.dumps(leak.snippet)
    )


def _places(leak: Leak, style: str) -> Iterator[tuple[str, str]]:
    """(name of the place, file text) for every place the credential can go in this style."""
    for slot in VALUES:
        value = _value(leak, style, slot in FLOW)
        if value is not None:
            yield slot, _document(**{slot: value})
    key = _key(leak, style)
    yield "top-level key", _document(top_key=f"{key}: 1\n")
    yield "impact key", _document(impact_key=f"  {key}: 1\n")
    yield "links key", _document(link_key=key)
    yield "body", _document(body=leak.snippet)
    line = _one_line(leak)
    valid = _document()
    closing = valid.index("\n---\n", 4)
    yield "first line", f"{line}\n{valid}"
    yield "opening line", f"--- {line}\n{valid[4:]}"
    yield "closing line", f"{valid[:closing]}\n--- {line}\n{valid[closing + 5 :]}"
    yield "unclosed front matter", valid[:closing] + f"\nnote: {json.dumps(leak.snippet)}\n"
    yield "unclosed quote", valid.replace("title: Checkout failed", f'title: "{line}', 1)
    yield "unclosed list", valid.replace("tags: [db]", f"tags: [db, {line}", 1)
    yield "colon in a value", valid.replace("summary: Short.", f"summary: Short: {line}", 1)
    yield "tab", valid.replace("teams: [payments]\n", f"teams: [payments]\n\t{line}: 1\n", 1)
    yield "repeated key", _document(top_key=f"{key}: 1\n{key}: 2\n")
    yield "repeated key in a mapping", _document(impact_key=f"  {key}: 1\n  {key}: 2\n")
    if re.fullmatch(r"[A-Za-z0-9_./+=~-]+", line):
        yield "anchor", valid.replace("title: Checkout failed", f"title: &{line} x", 1)
        yield "alias", valid.replace("title: Checkout failed", f"title: *{line}", 1)
        yield "tag", valid.replace("title: Checkout failed", f"title: !{line} x", 1)
    if " " not in line:
        yield "comment", valid.replace("summary: Short.", f"summary: Short #{line}", 1)


def _decoded(output: str, form: str) -> str:
    """What a reader of the output sees: JSON strings decoded, GitHub's escapes undone."""
    if form == "json" and output.strip().startswith("["):
        items = json.loads(output)
        return "\n".join(str(value) for item in items for value in item.values())
    if form == "github":
        for escape, char in (("%3A", ":"), ("%2C", ","), ("%0A", "\n"), ("%0D", "\r")):
            output = output.replace(escape, char)
        return output.replace("%25", "%")
    return output


def _shown(leak: Leak, output: str, control: str) -> str | None:
    """A stretch of the credential the output holds, if any, that the control's output
    (the same run with another credential of the same shape) does not: what both hold is
    the tool's own text, which Hypothesis likes to put in the credentials it makes
    (`on_items`)."""
    for secret in (leak.secret, repr(leak.secret)[1:-1]):
        if len(secret) < PIECE and secret in output and secret not in control:
            return secret
        first = max(0, len(leak.public) - PIECE + 1)  # stretches that reach past its fixed text
        for at in range(first, len(secret) - PIECE + 1):
            piece = secret[at : at + PIECE]
            if piece in output and piece not in control:
                return piece
    return None


def _rotated(char: str) -> str:
    for alphabet in (UPPER, LOWER, DIGITS, HEX):
        if char in alphabet:
            return alphabet[(alphabet.index(char) + 1) % len(alphabet)]
    return char


def _control(leak: Leak) -> Leak:
    """The same kind and shape with other characters: it goes to the same places."""
    cut = len(leak.public)
    secret = leak.secret[:cut] + "".join(map(_rotated, leak.secret[cut:]))
    return Leak(leak.kind, leak.snippet.replace(leak.secret, secret), secret, leak.public)


Outputs = dict[str, str]


def _assert_hidden(leak: Leak, run: Callable[[Leak], Outputs]) -> Outputs:
    """Run a scenario with the credential and with its control; no output may hold a
    stretch of the credential the control's does not."""
    outputs, controls = run(leak), run(_control(leak))
    for where, output in outputs.items():
        shown = _shown(leak, output, controls.get(where, ""))
        assert shown is None, f"{leak.kind} ({where}): {shown!r} printed in:\n{output}"
    return outputs


def _cli(*args: str) -> str:
    """`postmortems ARGS`, in this process (the same code as the command): stdout + stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    assert code in (0, 1), err.getvalue()
    return out.getvalue() + err.getvalue()


FORMATS = ("text", "github", "json")


def test_the_document_is_valid_with_nothing_in_it() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ok.md"
        path.write_text(_document(), encoding="utf-8")
        output = _cli("validate", str(path), "--taxonomy", str(TAXONOMY))
    assert "all valid" in output, output


def _place(places: Callable[[Leak], list[tuple[str, str]]], data: st.DataObject, leak: Leak) -> int:
    found = places(leak)
    assume(found)
    assert len(places(_control(leak))) == len(found)
    return data.draw(st.sampled_from(range(len(found))), label="place")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(leak=LEAKS, style=st.sampled_from(STYLES), data=st.data())
def test_validate_prints_no_secret_in_any_format(
    leak: Leak, style: str, data: st.DataObject
) -> None:
    def places(leak: Leak) -> list[tuple[str, str]]:
        return list(_places(leak, style))

    index = _place(places, data, leak)

    def run(leak: Leak) -> Outputs:
        where, text = places(leak)[index]
        outputs = {}
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "leak.md"
            path.write_text(text, encoding="utf-8")
            for form in FORMATS:
                output = _cli("validate", str(path), "--taxonomy", str(TAXONOMY), "--format", form)
                outputs[f"{where}, {form}"] = output.replace(folder, "")
                outputs[f"{where}, {form} decoded"] = _decoded(output, form).replace(folder, "")
        return outputs

    for where, output in _assert_hidden(leak, run).items():
        assert "expected no secrets" in output, f"not flagged ({where}):\n{output}"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(leak=LEAKS, style=st.sampled_from(STYLES), data=st.data())
def test_stats_prints_no_secret(leak: Leak, style: str, data: st.DataObject) -> None:
    def places(leak: Leak) -> list[tuple[str, str]]:
        return list(_places(leak, style))

    index = _place(places, data, leak)

    def run(leak: Leak) -> Outputs:
        where, text = places(leak)[index]
        outputs = {}
        with tempfile.TemporaryDirectory() as folder:
            other = _document(id="PM-2026-002", title="Other")
            (Path(folder) / "ok.md").write_text(other, encoding="utf-8")
            (Path(folder) / "leak.md").write_text(text, encoding="utf-8")
            for extra in ([], ["--json"]):
                args = ("stats", folder, "--taxonomy", str(TAXONOMY), "--as-of", "2026-06-30")
                output = _cli(*args, *extra).replace(folder, "")
                outputs[f"stats {extra} {where}"] = output
        return outputs

    for where, output in _assert_hidden(leak, run).items():
        assert "expected no secrets" in output, f"not flagged ({where}):\n{output}"


ICCO = """\
---
uuid: 11111111-2222-3333-4444-555555555555
url: {url}
title: {title}
start_time: 2020-01-02T03:04:05Z
categories:
- {category}
keywords: [{keyword}]
company: {company}
product: {product}
summary: {summary}
{extra}---

{body}
"""
ICCO_DEFAULTS = {
    "url": "https://example.com/postmortem",
    "title": "Example outage",
    "category": "cloud",
    "keyword": "dns",
    "company": "Example Co",
    "product": "API",
    "summary": "It broke.",
    "extra": "",
    "body": "What happened.",
}


def _icco_places(leak: Leak, style: str) -> Iterator[tuple[str, str]]:
    for slot in ICCO_DEFAULTS:
        if slot in ("extra", "body"):
            continue
        value = _value(leak, style, slot == "keyword")
        if value is not None:
            yield slot, ICCO.format(**{**ICCO_DEFAULTS, slot: value})
    key = _key(leak, style)
    yield "unknown key", ICCO.format(**{**ICCO_DEFAULTS, "extra": f"{key}: 1\n"})
    yield "body", ICCO.format(**{**ICCO_DEFAULTS, "body": leak.snippet})
    broken = ICCO.format(**{**ICCO_DEFAULTS, "title": f'"{_one_line(leak)}'})
    yield "broken YAML", broken
    yield "repeated key", ICCO.format(**{**ICCO_DEFAULTS, "extra": f"{key}: 1\n{key}: 2\n"})


TEMPLATE = """\
# Postmortem: {title}

**Incident:** {incident}
**Date:** 2026-03-14
**Severity:** {severity}

## Summary

{summary}

## Timeline

| Time | Event |
| --- | --- |
| {time} | {event} |
"""
TEMPLATE_DEFAULTS = {
    "title": "Checkout failed",
    "incident": "PM-2026-001",
    "severity": "P1",
    "summary": "It broke.",
    "time": "09:12",
    "event": "errors began",
}


def _template_places(leak: Leak) -> Iterator[tuple[str, str]]:
    line = _one_line(leak).replace("|", "/")
    for slot in TEMPLATE_DEFAULTS:
        yield f"template {slot}", TEMPLATE.format(**{**TEMPLATE_DEFAULTS, slot: line})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(leak=LEAKS, style=st.sampled_from(STYLES), data=st.data())
def test_import_prints_no_secret(leak: Leak, style: str, data: st.DataObject) -> None:
    def places(leak: Leak) -> list[tuple[str, str]]:
        return [*_icco_places(leak, style), *_template_places(leak)]

    index = _place(places, data, leak)

    def run(leak: Leak) -> Outputs:
        where, text = places(leak)[index]
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "source.md"
            source.write_text(text, encoding="utf-8")
            output = _cli("import", str(source), "--output", str(Path(folder) / "out"))
            return {f"import {where}": output.replace(folder, "")}

    output = _assert_hidden(leak, run).popitem()[1]
    assert "expected no secrets" in output, output
    assert "-> " not in output, output  # a source with a credential is not imported


# Every kind at once, in every place: through the real commands and a real build.


def _knowledge_base(root: Path, leaks: list[Leak]) -> int:
    """One file per credential and place (styles taken in turn); returns how many."""
    folder = root / "postmortems"
    folder.mkdir(parents=True)
    (folder / "taxonomy.yml").write_text(TAXONOMY.read_text(encoding="utf-8"), encoding="utf-8")
    count = 0
    for n, leak in enumerate(leaks):
        style = STYLES[n % len(STYLES)]
        for m, (_, text) in enumerate([*_places(leak, style), *_places(leak, "double")]):
            unique = text.replace("PM-2026-001", f"PM-{n}-{m}")
            (folder / f"leak-{n}-{m}.md").write_text(unique, encoding="utf-8")
            count += 1
    return count


ALL_KINDS = st.tuples(*(kind.filter(_flagged) for kind in KINDS)).map(list)


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(leaks=ALL_KINDS)
def test_commands_and_build_print_no_secret(leaks: list[Leak], run_cli: RunCli) -> None:
    """The real commands and a real build over one knowledge base holding them all; the
    control is the same knowledge base with the controls of the credentials."""

    def run(leaks: list[Leak], build: bool) -> Outputs:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            files = _knowledge_base(root, leaks)
            outputs: Outputs = {}
            for form in FORMATS:
                result = run_cli("validate", "postmortems", "--format", form, cwd=root)
                assert result.returncode == 1
                outputs[form] = result.stdout + result.stderr
                outputs[f"{form} decoded"] = _decoded(result.stdout, form)
                if form == "json":
                    assert len(json.loads(result.stdout)) >= files
            stats = run_cli("stats", "postmortems", "--as-of", "2026-06-30", cwd=root)
            outputs["stats"] = stats.stdout + stats.stderr
            if build:
                outputs["mkdocs build"] = _build(root, files)
            return {where: output.replace(folder, "") for where, output in outputs.items()}

    outputs = run(leaks, build=True)
    controls = run([_control(leak) for leak in leaks], build=False)
    # The build logs what validate prints: the control of its log is validate's text.
    controls["mkdocs build"] = controls["text"]
    for leak in leaks:
        for where, output in outputs.items():
            shown = _shown(leak, output, controls[where])
            assert shown is None, f"{leak.kind} ({where}): {shown!r} printed in:\n{output}"


def _build(root: Path, files: int) -> str:
    """A real `mkdocs build` of the knowledge base: its log."""
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# KB\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: KB\nplugins:\n  - postmortems\n")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(root / "site")],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "PYTHONUTF8": "1"},
        check=False,
    )
    assert "Traceback" not in build.stderr
    assert build.stderr.count("expected no secrets") >= files, build.stderr[-2000:]
    return build.stdout + build.stderr


# What the redaction does, case by case.


def _redactor(*secrets: str) -> Redactor:
    return Redactor(Secret(text, 4) for text in secrets)


KEY = "AK" + "IAZ7Q4MN2PX8RTB3KW"


def test_a_clipped_value_that_ends_inside_a_credential_is_hidden() -> None:
    """`got` clips at 59 characters: here only 5 characters of the key are left, fewer than
    a stretch of 8, and the value is still hidden, as it ends where the key begins."""
    value = "x" * 54 + KEY
    message = f"expected one of P0, P1; got {got(value)}"
    assert KEY[:5] in message
    redacted = _redactor(KEY).text(message)
    assert redacted == "expected one of P0, P1; got '…' (59 characters)"


def test_a_value_that_is_a_piece_of_a_credential_is_hidden() -> None:
    """YAML's flow syntax cuts `[postgres://u:ab,cdefg@h]` in two: a piece of a password."""
    password = "ab,cd" + "~fg1"
    redactor = Redactor([Secret(password)])
    assert redactor.text("got 'cd~fg1@h'") == "got '…' (8 characters)"
    assert redactor.text("got 'x'; expected 'ab'") == "got 'x'; expected 'ab'"  # too short


def test_a_key_in_a_field_name_is_hidden_up_to_its_separators() -> None:
    redactor = _redactor(KEY)
    assert redactor.text(f"impact.{KEY}_old") == "impact.'AKIA…' (24 characters)"
    assert redactor.text(f"links.{KEY.lower()}") == "links.'akia…' (20 characters)"


def test_a_short_password_is_hidden_as_a_word_only() -> None:
    redactor = Redactor([Secret("ate~1")])
    assert redactor.text("expected a date, got ate~1") == "expected a date, got '…' (5 characters)"
    assert redactor.text("expected a date") == "expected a date"


def test_a_format_s_fixed_text_is_not_a_piece() -> None:
    hook = "https://hooks." + "slack.com/services/T0000/B0000/" + "k9FhTq2Lm8ZxRp4Wv7Yb3Nc"
    redactor = Redactor([Secret(hook, 4, len("https://hooks.slack.com/services/"))])
    message = "expected an https:// or mailto: link, got 'hooks.slack.com/services/T0000'"
    assert redactor.text(message).endswith("got '…' (30 characters)")
    assert redactor.text("expected an https:// link") == "expected an https:// link"


def test_redaction_leaves_its_own_snippets_alone() -> None:
    redactor = _redactor(KEY)
    once = redactor.text(f"got {KEY!r}")
    assert once == "got 'AKIA…' (20 characters)"
    assert redactor.text(once) == once


def test_no_secret_no_change() -> None:
    diagnostic = Diagnostic("a.md", 1, 1, "title", "expected text, got 'AKIA'")
    assert Redactor().diagnostics([diagnostic]) == [diagnostic]
    assert _redactor(KEY).diagnostics([diagnostic]) == [diagnostic]  # the prefix alone


def test_an_escaped_credential_is_found_and_hidden(
    tmp_path: Path, fixture_taxonomy: Taxonomy
) -> None:
    """YAML reads `"AKI\\x41…"` as the key: the scan reads values as YAML does, too."""
    escaped = "AKI" + "\\x41" + KEY[4:]
    path = tmp_path / "x.md"
    path.write_text(_document(severity=f'"{escaped}"'), encoding="utf-8")
    loaded = load_file(path, fixture_taxonomy, "x.md")
    shown = "\n".join(str(d) for d in loaded.diagnostics)
    assert "x.md:4:11: severity: expected no secrets, got what looks like an AWS" in shown
    assert "got 'AKIA…' (20 characters)" in shown
    assert KEY not in shown
    assert loaded.entry is None


def test_a_private_key_is_flagged_whole() -> None:
    body = "MIIEow" + "IBAAKCAQEA" + "k9FhTq2Lm8ZxRp4Wv7Yb3NcGd6Js1Ha5Ue0Oi9QtLeXy" * 2
    block = f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----"
    [finding] = secret_scan.scan(f"key:\n{block}\nafter")
    assert finding.secret.text == block
    assert finding.redacted == f"'----…' ({len(block)} characters)"
    escaped = json.dumps(block)[1:-1]  # in a JSON or YAML string: `\n`, no END line needed
    [finding] = secret_scan.scan(f'"{escaped[: escaped.index("-----END")]}"')
    assert body in finding.secret.text


def test_a_flagged_id_is_not_quoted_by_the_unique_id_check(
    tmp_path: Path, fixture_taxonomy: Taxonomy
) -> None:
    from mkdocs_postmortems.core.corpus import load_corpus

    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(_document(id=KEY), encoding="utf-8")
    corpus = load_corpus([tmp_path], fixture_taxonomy)
    shown = "\n".join(str(d) for d in corpus.diagnostics)
    assert "expected no secrets" in shown
    assert KEY[4:12] not in shown


def test_taxonomy_errors_are_redacted(tmp_path: Path) -> None:
    from mkdocs_postmortems.core import taxonomy

    path = tmp_path / "taxonomy.yml"
    path.write_text(f"severities:\n  {KEY}: {{label: x}}\nservices: [{KEY}]\n", encoding="utf-8")
    with pytest.raises(taxonomy.TaxonomyError) as raised:
        taxonomy.load(path, "taxonomy.yml")
    shown = "\n".join(str(d) for d in raised.value.diagnostics)
    assert "taxonomy.yml:3:12: services[0]: expected no secrets" in shown
    assert KEY[4:12] not in shown


def test_a_credential_in_the_taxonomy_is_an_error(tmp_path: Path) -> None:
    """Its words are published, and suggested in messages about postmortems."""
    from mkdocs_postmortems.core import taxonomy

    text = TAXONOMY.read_text(encoding="utf-8")
    escaped = "AKI" + "\\x41" + KEY[4:]  # as YAML reads it, too
    path = tmp_path / "taxonomy.yml"
    path.write_text(
        text.replace("description: No alert fired.", f'description: "key {escaped}"'),
        encoding="utf-8",
    )
    with pytest.raises(taxonomy.TaxonomyError) as raised:
        taxonomy.load(path, "taxonomy.yml")
    [problem] = raised.value.diagnostics
    assert problem.field == "contributing_factors.alerting-gap.description"
    assert "expected no secrets, got what looks like an AWS access key id" in problem.message


def test_loader_first_line_is_redacted_even_unparsed() -> None:
    raw = f"{KEY} was pasted here\n".encode()
    with pytest.raises(loader.LoadError) as raised:
        loader.parse("x.md", raw)
    assert KEY in str(raised.value)  # the loader alone quotes it
    screened = secret_scan.screen("x.md", raw, [raised.value.diagnostic])
    shown = "\n".join(str(d) for d in screened.diagnostics)
    assert KEY[4:12] not in shown
    assert f"got 'AKIA…' ({len(KEY) + len(' was pasted here')} characters)" in shown


def _adversarial() -> dict[str, str]:
    token = (ALNUM * 6000)[7::3]  # 120,000 characters that repeat no short stretch nearby
    return {
        "a long webhook as key and values": "---\n"
        + "".join(
            f"k{i}: https://x.webhook." + f"office.com/webhookb2/{token[i * 300 : (i + 1) * 300]}\n"
            for i in range(300)
        )
        + "---\n",
        "one long token and many errors": f'---\ntitle: "xo{"xb-"}{token}"\n'
        + "".join(f"tags{i}: [{'gh' + 'p_' + token[i : i + 36]}]\n" for i in range(2000))
        + "---\n",
        "many short passwords": "---\n"
        + "".join(f"u{i}: postgres://a:p{i}w~@h\n" for i in range(5000))
        + "---\n",
        "a long token as a repeated key": f"---\nxo{'xb-'}{token}: 1\nxo{'xb-'}{token}: 2\n---\n",
    }


@pytest.mark.parametrize("name", list(_adversarial()))
def test_redaction_stays_linear(name: str, tmp_path: Path, fixture_taxonomy: Taxonomy) -> None:
    """Many credentials, long ones, many messages: each took minutes when every message was
    compared with every secret one at a time; now well under a second."""
    text = _adversarial()[name]
    path = tmp_path / "x.md"
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    loaded = load_file(path, fixture_taxonomy, "x.md")
    assert time.perf_counter() - started < 10
    shown = "\n".join(str(d) for d in loaded.diagnostics)
    assert "expected no secrets" in shown
    for line in text.split("\n")[1:4]:
        secret = line.partition(": ")[2] or line
        assert all(secret[at : at + PIECE] not in shown for at in range(8, len(secret) - PIECE, 97))
