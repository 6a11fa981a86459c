"""Bad input: every fixture under tests/fixtures/invalid/ and exactly the problems it has.

Each expected place was worked out by reading the fixture: lines and columns count from 1 in
the file itself; a bad value is reported at the value, an unknown key at the key, a missing
field at the first key of the mapping that should hold it, and a problem with the file as a
whole at 1:1. Every fixture's full set of (file, line, column, field) is asserted, so no
extra error slips in, and each message must contain the fragment given.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_postmortems.core import loader
from mkdocs_postmortems.core.corpus import load_corpus, load_file
from mkdocs_postmortems.core.diagnostics import Diagnostic, has_errors
from mkdocs_postmortems.core.taxonomy import Taxonomy
from mkdocs_postmortems.core.validation import validate

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
INVALID = FIXTURES / "invalid"
RunCli = Callable[..., subprocess.CompletedProcess[str]]


@dataclass(frozen=True)
class E:
    """An expected diagnostic; `file` is set only inside a folder fixture."""

    line: int
    column: int
    field: str
    fragment: str
    file: str | None = None


FM = "front matter"  # the field named by problems of the front matter as a whole

CASES: dict[str, list[E]] = {
    # --- found by adversarial review
    "yaml-hashtag-cuts-value.md": [
        E(3, 30, "title", "expected '#4411' to be part of the value, got a YAML comment"),
        E(17, 13, "communication.internal", "expected '#payments' to be part of the value"),
    ],
    "schema-action-status-list.md": [
        E(
            20,
            13,
            "action_items[0].status",
            "expected one of open, in-progress, done, wont-do; got a list",
        )
    ],
    "schema-timestamp-seconds-hint.md": [
        E(12, 14, "detected_at", "got '2026-03-14T09:19Z' (add the seconds, e.g. 09:12:00)")
    ],
    "yaml-recoverable-all-reported.md": [
        E(4, 11, "severity", "(did you mean 'P1'?)"),
        E(16, 1, "status", "duplicate key 'status' (first defined at line 5, column 1)"),
        E(17, 7, "tags", "anchors are not allowed (found &t)"),
        E(18, 7, "gaps", "aliases are not allowed (found *t)"),
        E(19, 10, "trigger", "tags are not allowed"),
    ],
    "schema-boolean-lookalike.md": [
        E(17, 14, "impact.data_loss", "expected true or false, got 'no' (did you mean false?)")
    ],
    "schema-id-trailing-newline.md": [E(2, 5, "id", "expected an id like PM-2026-014")],
    "schema-offset-minutes.md": [E(11, 13, "started_at", "expected an RFC 3339 timestamp")],
    "schema-year-too-early.md": [E(6, 7, "date", "expected a year from 1000 on")],
    "schema-bidi-override.md": [E(3, 8, "title", "bidi-override characters, got U+202E")],
    "schema-template-words.md": [
        E(18, 11, "action_items[0].type", "got 'Improve Detection' (did you mean 'detect'?)"),
        E(19, 15, "action_items[0].priority", "got 'High' (did you mean 'high'?)"),
        E(20, 13, "action_items[0].status", "got 'Not Started' (did you mean 'open'?)"),
    ],
    "split-closing-trailing-space.md": [E(16, 1, FM, "(remove what follows the ---)")],
    "yaml-unquoted-colon.md": [E(3, 16, FM, "put a value that contains ': ' in quotes")],
    "split-missing-closing-template.md": [
        E(19, 2, FM, "is the closing '---' of the front matter missing?")
    ],
    "schema-severity-label.md": [E(4, 11, "severity", "got 'Major' (did you mean 'P1'?)")],
    # --- encoding
    "encoding-utf16-bom.md": [E(1, 1, "", "got UTF-16")],
    "encoding-utf16-no-bom.md": [E(1, 1, "", "UTF-16")],
    "encoding-latin1-byte.md": [E(3, 11, "", "got byte 0xe9; the file looks Latin-1")],
    "encoding-nul-byte.md": [E(10, 18, "", "got a NUL byte")],
    "encoding-cr-line-ends.md": [E(4, 11, "severity", "got 'p1' (did you mean 'P1'?)")],
    "encoding-crlf-line-ends.md": [E(4, 11, "severity", "got 'p1' (did you mean 'P1'?)")],
    "encoding-latin1-cr-line-ends.md": [E(3, 11, "", "got byte 0xe9")],
    "encoding-utf32-le-bom.md": [E(1, 1, "", "got UTF-32 (byte-order mark)")],
    "encoding-utf32-be-bom.md": [E(1, 1, "", "got UTF-32 (byte-order mark)")],
    "encoding-utf32-le.md": [E(1, 1, "", "got UTF-32 (little-endian, no byte-order mark)")],
    "encoding-utf32-be.md": [E(1, 1, "", "got UTF-32 (big-endian, no byte-order mark)")],
    "encoding-utf16-be-no-bom.md": [E(1, 1, "", "got UTF-16 (big-endian, no byte-order mark)")],
    "encoding-binary-gzip.md": [E(1, 1, "", "expected UTF-8 text, got binary data")],
    # --- positions after characters libyaml reads as line breaks, or refuses
    "position-line-separators.md": [
        E(20, 39, "contributing_factors[1]", "got 'capasity' (did you mean 'capacity'?)")
    ],
    "position-control-characters.md": [
        E(10, 10, "summary", "got U+0085 (NEL) at line 10, column 23"),
        E(11, 10, "trigger", "got U+000B (vertical tab) at line 11, column 17"),
        E(13, 12, "gaps.testing", "got U+000C (form feed) at line 14, column 12"),
        E(15, 9, FM, "expected no control characters, got U+000B (vertical tab)"),
        E(20, 39, "contributing_factors[1]", "got 'capasity' (did you mean 'capacity'?)"),
    ],
    "schema-title-line-separator.md": [E(3, 8, "title", "expected one line of text")],
    # --- the --- splitter
    "split-no-opening.md": [E(1, 1, FM, "expected front matter opening with a '---' line")],
    "split-trailing-space.md": [E(1, 1, FM, "remove the trailing spaces after ---")],
    "split-leading-blank-line.md": [E(1, 1, FM, "blank line")],
    "split-missing-closing.md": [E(1, 1, FM, "expected a closing '---' line")],
    "split-empty-front-matter.md": [E(1, 1, FM, "expected a mapping of fields, got nothing")],
    "split-front-matter-list.md": [E(2, 1, FM, "expected a mapping of fields, got a list")],
    "split-front-matter-scalar.md": [
        E(3, 1, FM, "expected a mapping of fields, got 'Just a sentence.'")
    ],
    # --- YAML
    "yaml-duplicate-key.md": [
        E(6, 1, "severity", "duplicate key 'severity' (first defined at line 4, column 1)")
    ],
    "yaml-anchor.md": [E(7, 10, "authors", "anchors are not allowed (found &who)")],
    "yaml-alias.md": [E(7, 10, "authors", "aliases are not allowed (found *who)")],
    "yaml-python-tag.md": [
        E(3, 8, "title", "tags are not allowed (found tag:yaml.org,2002:python")
    ],
    "yaml-custom-tag.md": [E(4, 11, "severity", "tags are not allowed (found !sev)")],
    "yaml-tab-indent.md": [E(16, 1, FM, "tab")],
    "yaml-unclosed-quote.md": [E(3, 8, FM, "quoted scalar")],
    "yaml-unclosed-quote-single.md": [E(3, 8, FM, "the ' that opens here is never closed")],
    "yaml-unclosed-quote-closed-later.md": [
        E(3, 8, FM, "ends at line 10, column 10, and what follows it there is not YAML")
    ],
    "yaml-comment-then-error.md": [E(5, 13, FM, "put a value that contains ': ' in quotes")],
    "yaml-nested-40.md": [E(10, 39, FM, "expected at most 32 levels of nesting")],
    "yaml-nested-block.md": [E(16, 65, FM, "expected at most 32 levels of nesting")],
    "yaml-multiple-documents.md": [E(16, 1, FM, "expected one YAML document, got a second")],
    "yaml-mapping-as-key.md": [E(15, 1, FM, "expected a plain text key, got a mapping")],
    # A control character is reported at the value that holds it, naming its own place;
    # the rest of the file is still read.
    "yaml-control-character.md": [
        E(10, 10, "summary", "got U+001B (escape) at line 10, column 18")
    ],
    "yaml-control-character-ascii.md": [
        E(10, 10, "summary", "expected text without control characters, got U+001B")
    ],
    # --- schema: fields and types
    "schema-unknown-field.md": [E(10, 1, "summry", "unknown field (did you mean 'summary'?)")],
    "schema-unknown-nested-field.md": [
        E(16, 3, "impact.user_affected", "unknown field (did you mean 'users_affected'?)")
    ],
    "schema-unknown-action-item-field.md": [
        E(19, 5, "action_items[0].owners", "unknown field (did you mean 'owner'?)")
    ],
    "schema-wrong-type-list.md": [E(7, 10, "authors", "expected a list, got 'ana.silva'")],
    "schema-wrong-type-mapping.md": [E(15, 9, "impact", "expected a mapping, got 'lots of users'")],
    "schema-wrong-type-text.md": [E(3, 8, "title", "expected text, got a list")],
    "schema-wrong-type-bool.md": [
        E(16, 14, "impact.data_loss", "expected true or false, got 'maybe'")
    ],
    "schema-wrong-type-number.md": [
        E(16, 16, "impact.revenue_usd", "expected a number, got 'lots'")
    ],
    # --- schema: vocabularies
    "schema-severity-case.md": [
        E(4, 11, "severity", "expected one of P0, P1, P2, P3; got 'p1' (did you mean 'P1'?)")
    ],
    "schema-status-not-allowed.md": [
        E(5, 9, "status", "expected one of draft, in-review, published; got 'done'")
    ],
    "schema-bad-id.md": [E(2, 5, "id", "expected an id like PM-2026-014")],
    "schema-bad-service-slug.md": [
        E(8, 12, "services[0]", "expected a service listed in the taxonomy, got 'payments_api'"),
        E(8, 12, "services[0]", "(did you mean 'payments-api'?)"),
    ],
    "schema-service-not-in-taxonomy.md": [
        E(
            8,
            22,
            "services[1]",
            "expected a service listed in the taxonomy, got 'serch' (did you mean 'search'?)",
        )
    ],
    "schema-team-not-in-taxonomy.md": [
        E(9, 9, "teams[0]", "expected a team listed in the taxonomy, got 'sre'")
    ],
    "schema-factor-alias.md": [
        E(15, 24, "contributing_factors[0]", "got 'config' (did you mean 'config-change'?)")
    ],
    "schema-factor-label.md": [
        E(15, 34, "contributing_factors[1]", "expected a contributing factor key from the"),
        E(15, 34, "contributing_factors[1]", "(did you mean 'alerting-gap'?)"),
    ],
    "schema-factor-unknown.md": [
        E(
            15,
            24,
            "contributing_factors[0]",
            "expected a contributing factor key from the taxonomy, got 'cosmic-rays'",
        )
    ],
    # --- schema: times and dates
    "schema-timestamp-no-offset.md": [
        E(11, 13, "started_at", "(add the UTC offset, e.g. Z or +02:00)")
    ],
    "schema-timestamp-no-seconds.md": [
        E(12, 14, "detected_at", "expected an RFC 3339 timestamp with offset")
    ],
    "schema-impossible-date.md": [E(6, 7, "date", "expected a real date YYYY-MM-DD")],
    "schema-date-format.md": [E(6, 7, "date", "expected a date YYYY-MM-DD, got '16/03/2026'")],
    "schema-started-after-detected.md": [
        E(12, 14, "detected_at", "expected a time at or after started_at")
    ],
    "schema-mitigated-before-detected.md": [
        E(13, 15, "mitigated_at", "expected a time at or after detected_at")
    ],
    "schema-resolved-before-started.md": [
        E(13, 14, "resolved_at", "expected a time at or after detected_at")
    ],
    # --- schema: numbers and links
    "schema-revenue-inf.md": [E(16, 16, "impact.revenue_usd", "number")],
    "schema-revenue-nan.md": [E(16, 16, "impact.revenue_usd", "expected a finite number")],
    "schema-revenue-negative.md": [E(16, 16, "impact.revenue_usd", "at least 0")],
    "schema-users-affected-negative.md": [
        E(16, 19, "impact.users_affected", "expected a count of at least 0, got -3")
    ],
    "schema-link-http.md": [
        E(17, 11, "links.ticket", "expected an https:// or mailto: link, got 'http://")
    ],
    "schema-link-javascript.md": [
        E(17, 14, "links.dashboard", "expected an https:// or mailto: link, got 'javascript:")
    ],
    "schema-link-name.md": [E(17, 3, "links.Ticket", "link name")],
    "schema-link-userinfo.md": [
        E(17, 11, "links.ticket", "expected an https:// or mailto: link, got 'https://tracker")
    ],
    # --- schema: required fields
    "schema-missing-title.md": [E(2, 1, "title", "missing required field")],
    "schema-missing-resolved-at.md": [
        E(2, 1, "resolved_at", "missing required field (required unless status is draft)")
    ],
    "schema-missing-contributing-factors.md": [
        E(2, 1, "contributing_factors", "missing required field (required unless status")
    ],
    "schema-null-severity.md": [E(4, 11, "severity", "expected a value, got nothing")],
    "schema-blank-resolved-at.md": [
        E(14, 13, "resolved_at", "expected a value, got nothing (required unless status")
    ],
    "schema-empty-authors.md": [E(7, 10, "authors", "expected at least one item, got none")],
    "schema-empty-title.md": [E(3, 8, "title", "expected text, got an empty string")],
    "schema-multiline-title.md": [E(3, 8, "title", "expected one line of text")],
    # --- schema: action items and hotfix
    "schema-action-item-open-no-owner-due.md": [
        E(17, 5, "action_items[0].owner", "missing required field (required while the action"),
        E(17, 5, "action_items[0].due", "(required while the action item is open)"),
    ],
    "schema-action-item-in-progress-no-due.md": [
        E(17, 5, "action_items[0].due", "(required while the action item is in-progress)")
    ],
    "schema-action-item-bad-type.md": [
        E(
            18,
            11,
            "action_items[0].type",
            "expected one of prevent, detect, mitigate, respond, process; got 'fix'",
        )
    ],
    "schema-action-item-bad-priority.md": [
        E(21, 15, "action_items[0].priority", "expected one of high, medium, low; got 'urgent'")
    ],
    "schema-action-item-bad-status.md": [
        E(
            22,
            13,
            "action_items[0].status",
            "expected one of open, in-progress, done, wont-do; got 'closed'",
        )
    ],
    "schema-hotfix-testing.md": [
        E(
            18,
            19,
            "hotfix.testing[1]",
            "expected one of unit, integration, manual, staging, canary; got 'smoke'",
        )
    ],
    "schema-hotfix-fix-kind.md": [
        E(18, 8, "hotfix.fix", "expected one of full, workaround; got 'temporary workaround'")
    ],
    # --- several problems in one file: all of them at once
    "multi-schema-errors.md": [
        E(2, 1, "title", "missing required field"),
        E(3, 11, "severity", "(did you mean 'P1'?)"),
        E(4, 9, "status", "got 'done'"),
        E(7, 22, "services[1]", "(did you mean 'search'?)"),
        E(9, 1, "summry", "(did you mean 'summary'?)"),
        E(10, 13, "started_at", "(add the UTC offset"),
        E(12, 14, "resolved_at", "expected a time at or after detected_at"),
        E(13, 24, "contributing_factors[0]", "(did you mean 'config-change'?)"),
    ],
    "multi-action-items.md": [
        E(13, 9, "timeline[0].at", "(add the UTC offset"),
        E(15, 5, "timeline[1].event", "missing required field"),
        E(17, 5, "action_items[0].owner", "(required while the action item is open)"),
        E(17, 5, "action_items[0].due", "(required while the action item is open)"),
        E(22, 11, "action_items[1].type", "got 'alert'"),
        E(24, 10, "action_items[1].due", "expected a real date YYYY-MM-DD, got '2026-04-31'"),
        E(
            33,
            16,
            "action_items[2].closed_on",
            "expected no closing date while the action item is open",
        ),
    ],
    "multi-hotfix.md": [
        E(14, 8, "hotfix.fix", "expected one of full, workaround; got 'partial'"),
        E(15, 19, "hotfix.testing[1]", "got 'smoke'"),
        E(17, 7, "hotfix.waivers[0].id", "missing required field"),
        E(21, 5, "hotfix.proper_fix.due", "unknown field"),
        E(24, 15, "approvals[0].approved", "expected true or false, got 'maybe'"),
    ],
    # --- across files
    "duplicate-id": [
        E(2, 5, "id", "expected a unique id, got 'PM-2026-001', already used by", "b-second.md"),
    ],
}

# Behaviour believed right but not what the code does yet.
BUGS: dict[str, str] = {}  # fixture -> reason, for a known bug kept as a strict xfail


def _diagnostics(target: Path, taxonomy: Taxonomy) -> list[Diagnostic]:
    if target.is_dir():
        return load_corpus([target], taxonomy).diagnostics
    loaded = load_file(target, taxonomy, display=target.relative_to(REPO).as_posix())
    assert loaded.entry is None, "an invalid file must not yield an entry"
    return loaded.diagnostics


def _check(target: Path, diagnostics: list[Diagnostic], expected: list[E]) -> None:
    def where(d: Diagnostic) -> tuple[str, int, int, str]:
        return (Path(d.path).name, d.line, d.column, d.field)

    def wanted(e: E) -> tuple[str, int, int, str]:
        return (e.file or target.name, e.line, e.column, e.field)

    shown = "\n".join(str(d) for d in diagnostics)
    assert {where(d) for d in diagnostics} == {wanted(e) for e in expected}, (
        f"places differ; the tool said:\n{shown}"
    )
    for e in expected:
        messages = [d.message for d in diagnostics if where(d) == wanted(e)]
        assert any(e.fragment in m for m in messages), (
            f"no message at {e.line}:{e.column} {e.field} contains {e.fragment!r}:\n{shown}"
        )
    for d in diagnostics:
        assert d.level == "error"
        assert "Input should" not in d.message, f"raw pydantic wording: {d}"
        assert str(d).startswith(f"{d.path}:{d.line}:{d.column}: ")
    assert len(diagnostics) == len(set(diagnostics)), f"a diagnostic is repeated:\n{shown}"


def _params() -> list[object]:
    return [
        pytest.param(
            name,
            expected,
            id=name,
            marks=[pytest.mark.xfail(strict=True, reason=BUGS[name])] if name in BUGS else [],
        )
        for name, expected in CASES.items()
    ]


@pytest.mark.parametrize(("name", "expected"), _params())
def test_invalid_fixture(name: str, expected: list[E], fixture_taxonomy: Taxonomy) -> None:
    target = INVALID / name
    _check(target, _diagnostics(target, fixture_taxonomy), expected)


def test_every_fixture_is_in_the_table() -> None:
    on_disk = {p.name for p in INVALID.iterdir()}
    assert on_disk == set(CASES)
    assert len([n for n in on_disk if n.endswith(".md")]) >= 45


def test_whole_folder_reports_every_file_at_once(fixture_taxonomy: Taxonomy) -> None:
    corpus = load_corpus([INVALID], fixture_taxonomy)
    files_with_errors = {Path(d.path).name for d in corpus.diagnostics}
    every_file = {p.name for p in INVALID.rglob("*.md")} - {"a-first.md"}
    assert files_with_errors == every_file
    assert [e.path.rsplit("/", 1)[-1] for e in corpus.entries] == ["a-first.md"]
    assert not corpus.ok


# --- inputs too big to keep as fixtures: generated here


BASE = (INVALID / "duplicate-id" / "a-first.md").read_text(encoding="utf-8")
SUMMARY = "summary: A config push disabled the payment client pool.\n"


def _write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "generated.md"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def test_40000_nested_brackets(tmp_path: Path, fixture_taxonomy: Taxonomy) -> None:
    # Line 10 becomes `tags: [[[...` with 40,000 brackets; the 33rd '[' is at column 7 + 32.
    text = BASE.replace(SUMMARY, "tags: " + "[" * 40_000 + "]" * 40_000 + "\n")
    path = _write(tmp_path, text)
    loaded = load_file(path, fixture_taxonomy, display="generated.md")
    assert [(d.line, d.column, d.field) for d in loaded.diagnostics] == [(10, 39, FM)]
    assert "expected at most 32 levels of nesting" in loaded.diagnostics[0].message


def test_40000_nested_block_lists(tmp_path: Path, fixture_taxonomy: Taxonomy) -> None:
    # `tags:` then one line of 40,000 `- `: the 32nd dash (column 3 + 2 * 31) is level 33.
    text = BASE.replace(SUMMARY, "tags:\n  " + "- " * 40_000 + "x\n")
    loaded = load_file(_write(tmp_path, text), fixture_taxonomy, display="generated.md")
    assert [(d.line, d.column, d.field) for d in loaded.diagnostics] == [(11, 65, FM)]


def test_front_matter_over_256_kib(tmp_path: Path, fixture_taxonomy: Taxonomy) -> None:
    text = BASE.replace(SUMMARY, "summary: " + "x" * (300 * 1024) + "\n")
    loaded = load_file(_write(tmp_path, text), fixture_taxonomy, display="generated.md")
    assert [(d.line, d.column, d.field) for d in loaded.diagnostics] == [(2, 1, FM)]
    assert "expected at most 256 KiB of YAML, got 300 KiB" in loaded.diagnostics[0].message


def test_file_over_1_mib(tmp_path: Path, fixture_taxonomy: Taxonomy) -> None:
    text = BASE + ("A long body line.\n" * 70_000)
    loaded = load_file(_write(tmp_path, text), fixture_taxonomy, display="generated.md")
    assert [(d.line, d.column, d.field) for d in loaded.diagnostics] == [(1, 1, "")]
    assert "expected a file of at most 1024 KiB" in loaded.diagnostics[0].message


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b"", "got an empty file"),
        (b"\n\n  \n", "got an empty file"),
        (b"---", "expected front matter opening"),
        (b"---\n", "expected a closing '---' line"),
        (b" ---\nid: PM-1\n---\n", "(the --- must start at the first character)"),
    ],
    ids=["empty", "blank", "only-dashes-no-newline", "only-opening", "indented-opening"],
)
def test_degenerate_files(
    raw: bytes, fragment: str, tmp_path: Path, fixture_taxonomy: Taxonomy
) -> None:
    loaded = load_file(_write(tmp_path, raw), fixture_taxonomy, display="generated.md")
    assert [(d.line, d.column, d.field) for d in loaded.diagnostics] == [(1, 1, FM)]
    assert fragment in loaded.diagnostics[0].message


@pytest.mark.parametrize(
    ("name", "place"),
    [("yaml-tab-indent.md", (16, 1, FM)), ("split-leading-blank-line.md", (1, 1, FM))],
)
def test_place_of_fixtures_with_a_message_bug(
    name: str, place: tuple[int, int, str], fixture_taxonomy: Taxonomy
) -> None:
    """Their message is an xfail above; the place is right already and must stay so."""
    diagnostics = _diagnostics(INVALID / name, fixture_taxonomy)
    assert [(d.line, d.column, d.field) for d in diagnostics] == [place]


VALID_BYTES = (FIXTURES / "valid" / "every-field.md").read_bytes()
YAML_JUNK = st.text(
    alphabet=st.sampled_from(list("-:[]{}&*!|>'\"#%@`?,\t\r\n \x00\x1b\u2028\ufeffé—x0")),
    max_size=12,
).map(lambda text: text.encode("utf-8"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    position=st.integers(min_value=0, max_value=len(VALID_BYTES)),
    cut=st.integers(min_value=0, max_value=40),
    junk=st.one_of(YAML_JUNK, st.binary(max_size=8)),
)
def test_mangled_input_never_raises(
    position: int, cut: int, junk: bytes, fixture_taxonomy: Taxonomy
) -> None:
    """Any bytes give a LoadError or a validation result, never another exception."""
    raw = VALID_BYTES[:position] + junk + VALID_BYTES[position + cut :]
    try:
        document = loader.parse("mangled.md", raw)
    except loader.LoadError as error:
        diagnostics = [error.diagnostic]
    else:
        model, diagnostics = validate(document, fixture_taxonomy)
        assert (model is None) == has_errors(diagnostics)
    lines = raw.count(b"\n") + raw.count(b"\r") + 1
    for d in diagnostics:
        assert 1 <= d.line <= lines and d.column >= 1, str(d)


# --- the same problems through the real command


CLI_FIXTURES = [
    "schema-severity-case.md",
    "schema-unknown-field.md",
    "schema-action-item-open-no-owner-due.md",
    "yaml-duplicate-key.md",
    "encoding-utf16-bom.md",
    "split-trailing-space.md",
]


def test_cli_text_output(run_cli: RunCli, tmp_path: Path) -> None:
    folder = "tests/fixtures/invalid"
    # Copies, at the same paths: a file named is checked against the rest of its knowledge
    # base, and tests/fixtures (it holds a taxonomy.yml) is one whose files share ids.
    for path in [*(f"{folder}/{name}" for name in CLI_FIXTURES), "tests/fixtures/taxonomy.yml"]:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / path, tmp_path / path)
    result = run_cli(
        "validate",
        *(f"{folder}/{name}" for name in CLI_FIXTURES),
        "--taxonomy",
        "tests/fixtures/taxonomy.yml",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    # The fixtures share the id PM-2026-001, so each parsed file after the first in path
    # order (as a build over the folder meets them) gets a duplicate-id error naming it.
    first = f"already used by {folder}/schema-action-item-open-no-owner-due.md"
    expected = [
        f"{folder}/schema-severity-case.md:2:5: id: "
        f"expected a unique id, got 'PM-2026-001', {first}",
        f"{folder}/schema-severity-case.md:4:11: severity: "
        "expected one of P0, P1, P2, P3; got 'p1' (did you mean 'P1'?)",
        f"{folder}/schema-unknown-field.md:2:5: id: "
        f"expected a unique id, got 'PM-2026-001', {first}",
        f"{folder}/schema-unknown-field.md:10:1: summry: unknown field (did you mean 'summary'?)",
        f"{folder}/schema-action-item-open-no-owner-due.md:17:5: action_items[0].due: "
        "missing required field (required while the action item is open)",
        f"{folder}/schema-action-item-open-no-owner-due.md:17:5: action_items[0].owner: "
        "missing required field (required while the action item is open)",
        f"{folder}/yaml-duplicate-key.md:2:5: id: expected a unique id, got 'PM-2026-001', {first}",
        f"{folder}/yaml-duplicate-key.md:6:1: severity: "
        "duplicate key 'severity' (first defined at line 4, column 1)",
        f"{folder}/encoding-utf16-bom.md:1:1: "
        "expected UTF-8 text, got UTF-16 (byte-order mark); save as UTF-8",
        f"{folder}/split-trailing-space.md:1:1: front matter: expected front matter opening "
        "with a '---' line, got '--- ' (remove the trailing spaces after ---)",
    ]
    lines = result.stdout.splitlines()
    assert sorted(lines) == sorted(expected)
    # Files are reported in the order given.
    order = [line.split(":", 1)[0] for line in lines]
    assert list(dict.fromkeys(order)) == [f"{folder}/{name}" for name in CLI_FIXTURES]
    assert result.stderr == "6 files checked: 10 errors\n"


def test_cli_duplicate_id_pair(run_cli: RunCli) -> None:
    folder = "tests/fixtures/invalid/duplicate-id"
    result = run_cli("validate", folder)  # taxonomy found above: tests/fixtures/taxonomy.yml
    assert result.returncode == 1
    assert result.stdout == (
        f"{folder}/b-second.md:2:5: id: expected a unique id, got 'PM-2026-001', "
        f"already used by {folder}/a-first.md\n"
    )
    assert result.stderr == "2 files checked: 1 error\n"
