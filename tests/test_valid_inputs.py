"""Good input: every fixture under tests/fixtures/valid/ passes, and is read as written.

Passing is not enough: a reader that turned `NO` into false or `012` into 10 would pass too,
so each fixture's values are checked against what its text says.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from mkdocs_postmortems.core import loader
from mkdocs_postmortems.core.corpus import Entry, load_corpus, load_file
from mkdocs_postmortems.core.schema import Postmortem
from mkdocs_postmortems.core.strict_yaml import Marks
from mkdocs_postmortems.core.taxonomy import Taxonomy

VALID = Path(__file__).resolve().parent / "fixtures" / "valid"
UTC = dt.UTC
NAMES = sorted(p.name for p in VALID.glob("*.md"))


def _marks(name: str) -> Marks:
    """Positions are the reader's; a valid entry keeps none, as nothing is left to report."""
    return loader.parse(name, (VALID / name).read_bytes()).marks


def _entry(name: str, taxonomy: Taxonomy) -> Entry:
    loaded = load_file(VALID / name, taxonomy, display=name)
    assert loaded.diagnostics == []
    assert loaded.entry is not None
    return loaded.entry


@pytest.mark.parametrize("name", NAMES)
def test_valid_fixture_has_no_diagnostics(name: str, fixture_taxonomy: Taxonomy) -> None:
    entry = _entry(name, fixture_taxonomy)
    assert entry.path == name
    assert isinstance(entry.postmortem, Postmortem)


def test_valid_folder_as_a_corpus(fixture_taxonomy: Taxonomy) -> None:
    corpus = load_corpus([VALID], fixture_taxonomy)
    assert corpus.diagnostics == []
    assert corpus.ok
    assert corpus.files == len(NAMES) >= 9
    assert len({e.postmortem.id for e in corpus.entries}) == len(NAMES)


def test_cjk_and_right_to_left_text(fixture_taxonomy: Taxonomy) -> None:
    entry = _entry("cjk-rtl.md", fixture_taxonomy)
    pm = entry.postmortem
    assert pm.title == "決済サービスの障害 — 支付服务中断"
    assert pm.authors == ["田中 太郎", "فاطمة حداد", "דוד לוי"]
    assert pm.summary == ("تعذر على المستخدمين إتمام الدفع لمدة 20 دقيقة. המשתמשים לא יכלו לשלם.")
    assert pm.trigger == "設定の変更により接続プールが 0 になった。"
    assert pm.impact is not None
    assert pm.impact.users_affected == "約 3,000 人"
    assert pm.timeline[0].event == "設定をプッシュ"
    assert pm.timeline[0].who == "田中 太郎"
    assert pm.action_items[0].title == "إضافة اختبار للتهيئة"
    assert pm.action_items[0].owner == "فاطمة حداد"
    assert entry.body.startswith("\n## 概要\n\n決済が 20 分間失敗しました。\n")
    assert "\u200fהמשתמשים" in entry.body  # noqa: RUF001 (the right-to-left mark survives)
    assert entry.body_line == 30
    # Columns count characters, not bytes: `authors: [田中 太郎, ` is 17 characters.
    assert _marks("cjk-rtl.md").value(("authors", 1)) == (7, 18)
    assert _marks("cjk-rtl.md").value(("authors", 2)) == (7, 30)
    assert _marks("cjk-rtl.md").value(("action_items", 0, "owner")) == (25, 12)


def test_literal_strings_stay_strings(fixture_taxonomy: Taxonomy) -> None:
    pm = _entry("literal-strings.md", fixture_taxonomy).postmortem
    assert pm.title == "NO"
    assert pm.summary == "NO"
    assert pm.trigger == "012"
    assert pm.authors == ["no", "NO"]
    assert pm.tags == ["012", "on"]
    assert pm.gaps is not None
    assert (pm.gaps.testing, pm.gaps.monitoring, pm.gaps.process) == ("yes", "1:30", "off")
    assert (pm.timeline[0].event, pm.timeline[0].who) == ("1:30", "NO")
    item = pm.action_items[0]
    assert (item.title, item.owner, item.ticket) == ("012", "no", "012")
    assert pm.approvals[0].role == "NO"
    assert pm.approvals[0].name is None  # `null` is the one plain word that means nothing
    assert pm.approvals[0].approved is True
    assert pm.review is not None
    assert pm.review.documented_by == "2026-03-23"  # a bare date in a text field stays text
    assert pm.review.held_on == dt.date(2026, 3, 23)
    assert pm.date == dt.date(2026, 3, 21)
    # Typed fields become what the schema says, decimal and never octal or sexagesimal.
    impact = pm.impact
    assert impact is not None
    assert impact.users_affected == 1200
    assert type(impact.users_affected) is int
    assert impact.revenue_usd == 12.0
    assert impact.data_loss is False
    assert impact.customer_facing is False
    assert (impact.data_impact, impact.reputation) == ("no", "1:30")


def test_offsets_are_kept_and_compared_in_utc(fixture_taxonomy: Taxonomy) -> None:
    pm = _entry("offsets.md", fixture_taxonomy).postmortem
    assert pm.started_at is not None
    assert pm.detected_at is not None
    assert pm.mitigated_at is not None
    assert pm.resolved_at is not None
    assert pm.started_at.utcoffset() == dt.timedelta(hours=9)
    assert pm.detected_at.utcoffset() == dt.timedelta(hours=-5)
    assert pm.mitigated_at.utcoffset() == dt.timedelta(hours=5, minutes=30)
    assert pm.resolved_at.utcoffset() == dt.timedelta(0)
    assert pm.started_at == dt.datetime(2026, 3, 14, 9, 12, tzinfo=UTC)
    assert pm.detected_at == dt.datetime(2026, 3, 14, 9, 19, tzinfo=UTC)  # reads "04:19"
    assert pm.mitigated_at == dt.datetime(2026, 3, 14, 9, 41, tzinfo=UTC)
    assert pm.resolved_at == dt.datetime(2026, 3, 14, 10, 5, tzinfo=UTC)
    at = [entry.at for entry in pm.timeline]
    assert at[0] == dt.datetime(2026, 3, 14, 9, 12, tzinfo=UTC)  # lowercase z
    assert at[0].utcoffset() == dt.timedelta(0)
    assert at[1] == dt.datetime(2026, 3, 14, 9, 19, 0, 250_000, tzinfo=UTC)  # t, z, fraction
    assert at[2] == dt.datetime(2026, 3, 14, 9, 41, tzinfo=UTC)  # a space for the T


@pytest.mark.parametrize(
    ("name", "marker", "title"),
    [
        ("utf8-bom.md", b"\xef\xbb\xbf---\n", "Café search with a UTF-8 BOM"),
        ("crlf.md", b"---\r\nid: ", "Windows line ends"),
        ("cr-only.md", b"---\rid: ", "Classic Mac line ends"),
    ],
)
def test_bom_and_line_ends(
    name: str, marker: bytes, title: str, fixture_taxonomy: Taxonomy
) -> None:
    raw = (VALID / name).read_bytes()
    assert raw.startswith(marker), "the fixture lost its BOM or line ends (git normalisation?)"
    entry = _entry(name, fixture_taxonomy)
    pm = entry.postmortem
    assert pm.title == title
    assert pm.summary == "Stale results."
    assert pm.impact is not None
    assert pm.impact.users_affected == 40
    assert entry.body == "\nLine one of the body.\nLine two of the body.\n"
    assert entry.body_line == 16
    # Neither the BOM nor a CR moves a position.
    assert _marks(name).value(("id",)) == (2, 5)
    assert _marks(name).value(("impact", "users_affected")) == (14, 19)


def test_minimal_draft(fixture_taxonomy: Taxonomy) -> None:
    entry = _entry("minimal-draft.md", fixture_taxonomy)
    pm = entry.postmortem
    assert pm.is_draft
    assert pm.resolved_at is None
    assert pm.mitigated_at is None
    assert pm.contributing_factors == []
    assert pm.date is None
    assert pm.action_items == []
    assert entry.body == ""  # the file ends right after the closing --- (no newline)
    assert entry.body_line == 11
    assert (VALID / "minimal-draft.md").read_bytes().endswith(b"\n---")


def test_hotfix_with_every_hotfix_field(fixture_taxonomy: Taxonomy) -> None:
    pm = _entry("hotfix.md", fixture_taxonomy).postmortem
    assert pm.id == "HOTFIX-231"
    hotfix = pm.hotfix
    assert hotfix is not None
    assert hotfix.model_fields_set == set(type(hotfix).model_fields)
    assert (hotfix.tag, hotfix.parent_release, hotfix.fix) == ("v4.12.1", "v4.12.0", "full")
    assert hotfix.files_modified == [
        "services/payments/ratelimit.py",
        "services/payments/tests/test_ratelimit.py",
    ]
    assert hotfix.testing == ["unit", "integration", "manual", "staging", "canary"]
    first, second = hotfix.waivers
    assert (first.id, first.type) == ("WAIVER-12", "change-freeze")
    assert first.gates == ["soak-test"]  # a lone gate is a list of one
    assert first.justification == "New Year's Eve revenue at risk; a one-line limit change."
    assert (second.id, second.type, second.gates) == ("WAIVER-13", None, [])
    assert hotfix.proper_fix is not None
    assert hotfix.proper_fix.story == "PAY-2201"
    assert hotfix.proper_fix.scheduled == "2026-Q1 sprint 2"
    assert [item.horizon for item in pm.action_items] == ["immediate", "long-term"]
    assert pm.action_items[1].owner is None  # a wont-do item needs no owner or due date
    assert pm.started_at is not None
    assert pm.started_at.utcoffset() == dt.timedelta(hours=-5)
    assert pm.started_at.astimezone(UTC) == dt.datetime(2026, 1, 1, 3, 5, tzinfo=UTC)


def _unset_fields(value: Any, path: str = "") -> set[str]:
    """Schema fields (dotted, `[]` for list items) that no value in `value` sets."""
    if isinstance(value, list):
        missing: set[str] | None = None
        for item in value:
            here = _unset_fields(item, f"{path}[]")
            missing = here if missing is None else missing & here
        return missing or set()
    if not isinstance(value, BaseModel):
        return set()
    out = set()
    for name in type(value).model_fields:
        field = f"{path}.{name}" if path else name
        if name not in value.model_fields_set:
            out.add(field)
        else:
            out |= _unset_fields(getattr(value, name), field)
    return out


def test_every_field_of_the_schema(fixture_taxonomy: Taxonomy) -> None:
    entry = _entry("every-field.md", fixture_taxonomy)
    pm = entry.postmortem
    assert _unset_fields(pm) == set(), "add the new fields to tests/fixtures/valid/every-field.md"
    assert pm.started_at == dt.datetime(2026, 3, 14, 8, 12, tzinfo=UTC)
    assert pm.impact is not None
    assert pm.impact.revenue_usd == 18500.5
    assert pm.impact.users_affected == 12000
    assert (pm.impact.data_loss, pm.impact.customer_facing) == (False, True)
    assert pm.links == {
        "ticket": "https://tracker.example.com/INC-4411",
        "pr": "https://git.example.com/config/pull/912",
        "owner_mail": "mailto:payments@example.com",
    }
    assert pm.communication is not None
    assert pm.communication.internal == "#eng-incidents at 09:21"
    assert pm.hotfix is not None
    assert pm.hotfix.waivers[0].gates == ["soak-test", "load-test"]
    assert pm.action_items[0].due == dt.date(2026, 4, 15)
    assert entry.body_line == 81
    assert entry.body.startswith("\n## Executive Summary\n")
    # Only the first closing --- ends the front matter: a rule in the body is body text.
    assert entry.body.endswith(
        "\n---\n\nA horizontal rule above; `key: value` lines below are "
        "body text.\n\nseverity: P9\n"
    )
    assert pm.severity == "P1"
