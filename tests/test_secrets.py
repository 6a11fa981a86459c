"""Credentials in a postmortem are errors, reported at their place and never printed.

The sample credentials are made up and assembled at run time from pieces, so this file
itself holds nothing that a secret scanner (ours, or a Git host's) would flag.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_postmortems.core import secret_scan
from mkdocs_postmortems.core.corpus import load_corpus, load_file
from mkdocs_postmortems.core.taxonomy import Taxonomy

REPO = Path(__file__).resolve().parents[1]
RunCli = Callable[..., subprocess.CompletedProcess[str]]

B64 = "k9FhTq2Lm8Zx/Rp4Wv7Yb3Nc+Gd6Js1Ha5Ue0Oi9QtLeXy"
ALNUM = "k9FhTq2Lm8ZxRp4Wv7Yb3NcGd6Js1Ha5Ue0Oi9QtLeXyBa4Mn7Cv2Df8Pw3Sg6"
HEX = "9f3a7c1e5b2d8a4f6c0e9b7d3a1f5c8e"


class Sample(NamedTuple):
    kind: str
    snippet: str  # as pasted into a postmortem
    secret: str  # the part of it reported (line and column are where it starts)
    reveal: int = 4


def _samples() -> list[Sample]:
    jwt = "ey" + "JhbGciOiJIUzI1NiJ9.ey" + "JzdWIiOiIxMjM0NTY3ODkwIn0." + ALNUM[:43]
    pat = "github" + "_pat_" + (ALNUM + ALNUM)[:82]
    slack_hook = "https://hooks." + "slack.com/services/T024BE7LD/B01ABCDEF12/" + ALNUM[:24]
    discord = "https://discord.com/api/" + "webhooks/123456789012345678/" + (ALNUM + ALNUM)[:68]
    teams = (
        "https://contoso.webhook." + "office.com/webhookb2/3f2a9c1e-5b2d-4a4f-8c0e-9b7d3a1f5c8e"
        "@72f988bf-86f1-41af-91ab-2d7cd011db47/IncomingWebhook/" + HEX
    )
    password = "Tr0ub4dor&3"
    basic = "dXNlcjpodW50ZXIy" + "MjAyNg=="
    samples = [
        Sample("a private key", "-----BEGIN " + "RSA PRIVATE KEY-----", ""),
        Sample("an AWS access key id", "AK" + "IAZ7Q4MN2PX8RTB3KW", ""),
        Sample("an AWS access key id", "AS" + "IAZ7Q4MN2PX8RTB3KW", ""),
        Sample("an AWS secret access key", "aws_secret_access_key = " + B64[:40], B64[:40]),
        Sample("an AWS secret access key", "SecretAccessKey: " + B64[:40], B64[:40]),
        Sample("a Google API key", "AI" + "za" + ALNUM[:35], ""),
        Sample(
            "an Azure account key",
            "DefaultEndpointsProtocol=https;AccountName=kb;AccountKey="
            + (B64 * 2)[:86]
            + "==;EndpointSuffix=core.windows.net",
            (B64 * 2)[:86] + "==",
        ),
        Sample(
            "an Azure shared access signature",
            "https://kb.blob.core.windows.net/c/x.csv?sv=2022-11-02&sp=r&sig=" + B64[:43] + "%3D",
            B64[:43] + "%3D",
        ),
        Sample("a GitHub token", "gh" + "p_" + ALNUM[:36], ""),
        Sample("a GitHub token", "gh" + "s_" + ALNUM[:36], ""),
        Sample("a GitHub token", pat, ""),
        Sample("a GitLab token", "gl" + "pat-" + ALNUM[:20], ""),
        Sample("a Slack token", "xo" + "xb-1234567890-1234567890-" + ALNUM[:24], ""),
        Sample("a Stripe live key", "sk" + "_live_" + ALNUM[:24], ""),
        Sample("an npm token", "np" + "m_" + ALNUM[:36], ""),
        Sample("a Twilio API key", "S" + "K" + HEX, ""),
        Sample("a SendGrid API key", "S" + "G." + ALNUM[:22] + "." + (ALNUM * 2)[:43], ""),
        Sample("an OpenAI or Anthropic API key", "sk" + "-proj-" + (ALNUM * 2)[:48], ""),
        Sample("a JSON Web Token", jwt, ""),
        Sample("a JSON Web Token", "Authorization: Bearer " + jwt, jwt),
        Sample(
            "a token in an Authorization header",
            "authorization: bearer " + ALNUM[:40],
            ALNUM[:40],
        ),
        Sample("credentials in an Authorization header", "Authorization: Basic " + basic, basic, 0),
        Sample("a Slack webhook URL", slack_hook, ""),
        Sample("a Discord webhook URL", discord, ""),
        Sample("a Microsoft Teams webhook URL", teams, teams[15:]),
        Sample(
            "a password in a URL",
            "postgres://app:" + password + "@db.internal:5432/app",
            password,
            0,
        ),
    ]
    return [s._replace(secret=s.secret or s.snippet) for s in samples]


SAMPLES = _samples()

POSTMORTEM = """\
---
id: PM-2026-001
title: Checkout failed
severity: P1
status: draft
authors: [ana]
services: [checkout]
started_at: 2026-03-14T09:12:00Z
detected_at: 2026-03-14T09:19:00Z
communication:
  internal: "Pasted {snippet} in #payments"
---

## What Happened

The log showed {snippet} at 09:14.
"""


def _redacted(sample: Sample) -> str:
    shown = sample.secret[: sample.reveal]
    return f"'{shown}…' ({len(sample.secret)} characters)"


def _message(sample: Sample) -> str:
    return (
        f"expected no secrets, got what looks like {sample.kind}, {_redacted(sample)}; "
        "remove it (and revoke it), or mark the line 'postmortems: allow-secret' "
        "if it is not one"
    )


@pytest.mark.parametrize("sample", SAMPLES, ids=[f"{s.kind}-{i}" for i, s in enumerate(SAMPLES)])
def test_each_kind_in_front_matter_and_body(
    sample: Sample, tmp_path: Path, fixture_taxonomy: Taxonomy
) -> None:
    text = POSTMORTEM.format(snippet=sample.snippet)
    path = tmp_path / "leak.md"
    path.write_text(text, encoding="utf-8")
    loaded = load_file(path, fixture_taxonomy, "leak.md")
    lines = text.splitlines()
    front = lines[10].index(sample.secret) + 1
    body = lines[15].index(sample.secret) + 1
    assert [str(d) for d in loaded.diagnostics] == [
        f"leak.md:11:{front}: communication.internal: {_message(sample)}",
        f"leak.md:16:{body}: body: {_message(sample)}",
    ]
    assert loaded.entry is None  # never published


def test_the_secret_itself_is_never_printed(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "taxonomy.yml").write_text(
        (REPO / "tests/fixtures/taxonomy.yml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    for index, sample in enumerate(SAMPLES):
        text = POSTMORTEM.format(snippet=sample.snippet).replace("PM-2026-001", f"PM-1-{index}")
        (tmp_path / f"leak-{index}.md").write_text(text, encoding="utf-8")
    for output in ("text", "github", "json"):
        result = run_cli("validate", ".", "--format", output, cwd=tmp_path)
        assert result.returncode == 1
        shown = result.stdout + result.stderr
        if output == "json":
            assert len(json.loads(result.stdout)) == 2 * len(SAMPLES)
        for sample in SAMPLES:
            assert sample.secret not in shown
            hidden = sample.secret[sample.reveal :]
            assert all(hidden[i : i + 8] not in shown for i in range(len(hidden) - 7))


def test_the_marker_keeps_a_false_positive(tmp_path: Path, fixture_taxonomy: Taxonomy) -> None:
    example = "AKIA" + "IOSFODNN7EXAMPLE"  # the AWS documentation's example key id
    text = POSTMORTEM.replace("{snippet}", example)
    path = tmp_path / "doc.md"
    path.write_text(text, encoding="utf-8")
    flagged = load_file(path, fixture_taxonomy)
    assert [d.field for d in flagged.diagnostics] == ["communication.internal", "body"]
    marked = text.replace('#payments"', '#payments"  # postmortems: allow-secret').replace(
        " at 09:14.", " at 09:14. <!-- postmortems: allow-secret -->"
    )
    path.write_text(marked, encoding="utf-8")
    loaded = load_file(path, fixture_taxonomy)
    assert loaded.diagnostics == []
    assert loaded.entry is not None


@pytest.mark.parametrize(
    "prefix",
    [
        *("AK" + "IA", "AS" + "IA"),
        *("gh" + c + "_" for c in "pousr"),
        *("gl" + p + "-" for p in ("pat", "ptt", "dt", "rt")),
        *("xo" + "x" + c + "-" for c in "abposr"),
        "xa" + "pp-",
        *(c + "k_" + "live_" for c in "sr"),
        *("sk" + "-" + p for p in ("proj-", "svcacct-", "admin-", "ant-api03-", "ant-admin01-")),
    ],
)
def test_every_prefix_of_a_format(prefix: str) -> None:
    aws = prefix.startswith("A")
    token = (prefix + ALNUM.upper())[:20] if aws else prefix + ALNUM[:36]
    [finding] = secret_scan.scan(f"x {token} y")
    assert (finding.line, finding.column) == (1, 3)
    assert secret_scan.scan(f"x9{token} y") == []  # the end of a longer run, not a token
    # a slug or file name joins words with - and _: a token after one is still found
    for joined in (f"2025-01-22-{token}.md", f"x_{token}-outage"):
        [finding] = secret_scan.scan(joined)
        assert finding.secret.text.startswith(prefix), joined


@pytest.mark.parametrize(
    "text",
    [
        "postgres://app:${DB_PASSWORD}@db.internal/app",
        "https://user:<password>@example.com/",
        "mysql://root:****@10.0.0.7/",
        "Authorization: Bearer $TOKEN",
        "Authorization: Bearer xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "AKIA" + "X" * 16,
        "gh" + "p_" + "x" * 36,
        "aws deploy of commit 3fb5b5b3fb5b5b3fb5b5b3fb5b5b3fb5b5b3fb5b",
        "aws secret rotation at 2026-03-14T09:12:00Z, see https://aws.amazon.com/iam/",
        "the -----BEGIN CERTIFICATE----- block was expired",
        "sign in at https://example.com/login?next=/account&sig=short",
        "time 10:20@utc, ssh git@github.com:org/repo.git, mailto:oncall@example.com",
        "risk-assessment, task-force, disk-full, SK-1024, SKU12345678",
        "eyJ alone, or eyJhbGciOiJIUzI1NiJ9 with no payload",
    ],
)
def test_not_credentials(text: str) -> None:
    assert secret_scan.scan(text) == []


def test_the_example_knowledge_base_has_none() -> None:
    files = sorted((REPO / "postmortems").rglob("*.md"))
    assert len(files) >= 10
    for path in [*files, *(REPO / "tests/fixtures/valid").glob("*.md")]:
        assert secret_scan.scan(path.read_text(encoding="utf-8-sig")) == [], path


def test_a_leaking_file_is_left_out_of_the_corpus(
    tmp_path: Path, fixture_taxonomy: Taxonomy
) -> None:
    good = POSTMORTEM.replace("{snippet}", "nothing secret")
    leak = POSTMORTEM.replace("{snippet}", SAMPLES[1].snippet).replace("-001", "-002")
    (tmp_path / "good.md").write_text(good, encoding="utf-8")
    (tmp_path / "leak.md").write_text(leak, encoding="utf-8")
    corpus = load_corpus([tmp_path], fixture_taxonomy)
    assert [entry.source.name for entry in corpus.entries] == ["good.md"]
    assert not corpus.ok


def test_found_even_when_the_front_matter_cannot_be_read(
    tmp_path: Path, fixture_taxonomy: Taxonomy
) -> None:
    key = SAMPLES[1].snippet
    path = tmp_path / "broken.md"
    path.write_text(f"---\ntitle: [unclosed\nnote: {key}\n---\n\n{key}\n", encoding="utf-8")
    fields = [(d.line, d.field) for d in load_file(path, fixture_taxonomy).diagnostics]
    assert (3, "front matter") in fields
    assert (6, "body") in fields


ADVERSARIAL = [
    "eyJ" * 70_000,
    ("eyJ" + "a" * 20 + ".") * 9_000,
    "aws secret = " + "a" * 200_000,
    ("aws secret = " + "aB1/" * 10 + " ") * 4_000,
    ("a://" + "b" * 50 + ":" + "c" * 50 + "@") * 2_000,
    "https://" + ":" * 200_000 + "@",
    "-----BEGIN " + "A " * 100_000 + "PRIVATE KEY",
    ("Authorization: Bearer " + "a" * 30 + "\n") * 4_000,
    "AKIA" * 50_000,
    "xoxb-" * 40_000,
    "?sig=&" * 30_000 + " sv=",
    "AccountKey=" + "a" * 200_000,
    ("gh" + "p_" + ALNUM[:36] + " ") * 5_000,
    "-----BEGIN RSA PRIVATE KEY-----" * 30_000,
    ("-----BEGIN RSA PRIVATE KEY-----\n" + "A" * 64 + "\n") * 9_000,
    ("-----BEGIN EC PRIVATE KEY-----" + "x" * 20_000 + "-----END EC PRIVATE KEY-----") * 40,
    "-----BEGIN RSA PRIVATE KEY-----" + "\\n" * 300_000,
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=[t[:12] for t in ADVERSARIAL])
def test_long_inputs_scan_in_linear_time(text: str) -> None:
    """Each would take minutes with a backtracking or quadratic scan; together they take well
    under a second."""
    findings = secret_scan.scan(text)
    assert all(f.line >= 1 and f.column >= 1 for f in findings)


PIECES = st.one_of(
    st.sampled_from([sample.snippet for sample in SAMPLES]),
    st.text(alphabet="AKIASgh_p-eyJx.:/@=+9aZ\n #" + ALNUM[:10], max_size=30),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=8).map("".join))
def test_findings_point_at_what_they_redact(text: str) -> None:
    """Wherever credentials stand among other text, each finding's line and column are where
    the redacted text starts, and findings never overlap."""
    lines = text.split("\n")
    findings = secret_scan.scan(text)
    for finding in findings:
        shown = finding.redacted.split("…")[0].removeprefix("'")
        assert lines[finding.line - 1][finding.column - 1 :].startswith(shown)
    places = [(f.line, f.column) for f in findings]
    assert places == sorted(set(places))
