"""Properties: no input escapes as an exception, and what we write we read back unchanged."""

from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_postmortems.core import bounds, loader, strict_yaml, writer
from mkdocs_postmortems.core.diagnostics import Diagnostic
from mkdocs_postmortems.core.schema import Postmortem
from mkdocs_postmortems.core.taxonomy import DEFAULT
from mkdocs_postmortems.core.validation import validate

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "postmortems").rglob("*.md"))

YAMLISH = "-:[]{}&*!|>'\"#%@`,?~ \n\t\r\\abcxyzP0129." + "中é\u200f"


def _diagnose(raw: bytes) -> list[Diagnostic]:
    """The whole read path for one file's bytes: only diagnostics may come out."""
    try:
        document = loader.parse("x.md", raw)
    except loader.LoadError as error:
        return [error.diagnostic]
    return validate(document, DEFAULT)[1]


def _assert_sane(diagnostics: list[Diagnostic]) -> None:
    for d in diagnostics:
        assert d.path == "x.md"
        assert d.line >= 1 and d.column >= 1
        assert d.message


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_only_give_diagnostics(raw: bytes) -> None:
    _assert_sane(_diagnose(raw))
    _assert_sane(_diagnose(b"---\n" + raw + b"\n---\n"))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=YAMLISH, max_size=300))
def test_yaml_like_text_only_gives_diagnostics(text: str) -> None:
    _assert_sane(_diagnose(("---\n" + text + "\n---\nbody\n").encode()))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_only_gives_diagnostics(text: str) -> None:
    raw = ("---\n" + text + "\n---\n").encode("utf-8", "surrogatepass")
    _assert_sane(_diagnose(raw))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(EXAMPLES),
    st.integers(min_value=0, max_value=4000),
    st.text(alphabet=YAMLISH, min_size=0, max_size=12),
)
def test_mutated_examples_only_give_diagnostics(path: Path, at: int, insert: str) -> None:
    text = path.read_text(encoding="utf-8")
    at = min(at, len(text))
    _assert_sane(_diagnose((text[:at] + insert + text[at + len(insert) :]).encode()))


# No U+2028 or U+2029: PyYAML writes them as YAML 1.1 line breaks (then indentation), which
# the reader, like YAML 1.2, takes as ordinary characters (tests/test_positions.py).
scalars = st.text(
    alphabet=st.characters(
        blacklist_categories=["Cs", "Cc", "Zl", "Zp"], blacklist_characters="\ufeff"
    ),
    max_size=20,
)
keys = st.text(alphabet=string.ascii_lowercase + "_-", min_size=1, max_size=8)
trees = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(keys, trees, min_size=1, max_size=6))
def test_strict_reader_reads_back_any_dumped_tree(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    loaded, marks = strict_yaml.load(text, 2)
    assert loaded == data
    assert all(line >= 2 and column >= 1 for line, column in marks.values.values())


one_line = st.text(
    alphabet=st.characters(
        blacklist_categories=["Cs", "Cc", "Cf", "Zl", "Zp"], blacklist_characters="\ufeff\x85"
    ),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() == s and s not in ("", "TODO"))
slugs = st.from_regex(r"[a-z0-9][a-z0-9-]{0,10}", fullmatch=True).filter(
    lambda s: not re.fullmatch(bounds.YAML_TYPED_SLUG, s)  # `true`, `1e5`: not slugs
)
words = one_line.filter(lambda s: not re.fullmatch(bounds.NUMBER_LIKE, s))  # not `1_000`
offsets = st.sampled_from(
    [dt.UTC, dt.timezone(dt.timedelta(hours=9)), dt.timezone(dt.timedelta(hours=-5, minutes=-30))]
)
moments = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 1, 1), timezones=offsets
).map(lambda m: m.replace(microsecond=0))


@st.composite
def postmortems(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(moments)
    gaps = sorted(draw(st.lists(st.integers(0, 10_000), min_size=3, max_size=3)))
    when = [start + dt.timedelta(minutes=g) for g in gaps]
    data: dict[str, Any] = {
        "id": draw(
            st.from_regex(r"[A-Z][A-Z0-9]{0,4}-[A-Za-z0-9][A-Za-z0-9-]{0,8}", fullmatch=True)
        ),
        "title": draw(one_line),
        "severity": draw(st.sampled_from(["P0", "P1", "P2", "P3"])),
        "status": draw(st.sampled_from(["draft", "in-review", "published"])),
        "authors": draw(st.lists(one_line, min_size=1, max_size=3, unique=True)),
        "services": draw(st.lists(slugs, min_size=1, max_size=3, unique=True)),
        "started_at": start.isoformat(),
        "detected_at": when[0].isoformat(),
        "mitigated_at": when[1].isoformat(),
        "resolved_at": when[2].isoformat(),
        "contributing_factors": draw(st.lists(slugs, min_size=1, max_size=3, unique=True)),
        "impact": {
            "users_affected": draw(st.integers(0, 10**9) | words),
            "revenue_usd": draw(st.integers(0, 10**11).map(lambda cents: cents / 100)),
            "data_loss": draw(st.booleans()),
        },
        "action_items": [
            {
                "title": draw(one_line),
                "type": "prevent",
                "priority": "low",
                "status": "done",
                "due": draw(st.dates(min_value=dt.date(1970, 1, 1))).isoformat(),
            }
        ],
        "links": {"ticket": "https://tracker.example.com/" + draw(slugs)},
    }
    return data


@settings(max_examples=150, deadline=None)
@given(
    postmortems(),
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00\r"),
        max_size=100,
    ),
)
def test_load_dump_load_is_identity(data: dict[str, Any], body: str) -> None:
    first = Postmortem.model_validate(data)
    text = writer.render(first, body)
    document = loader.parse("x.md", text.encode())
    model, diagnostics = validate(document, DEFAULT)
    assert diagnostics == []
    assert model == first
    again = loader.parse("x.md", writer.render(model, body).encode())
    assert Postmortem.model_validate(again.data) == first


def test_examples_round_trip_through_the_writer() -> None:
    assert EXAMPLES, "the example knowledge base is missing"
    for path in EXAMPLES:
        document = loader.parse(str(path), path.read_bytes())
        model = Postmortem.model_validate(document.data)
        text = writer.render(model, document.body)
        assert Postmortem.model_validate(loader.parse("x", text.encode()).data) == model


WRONG_KINDS: list[Any] = [None, "", "x", "1", "true", [], ["x"], [["x"]], {}, {"a": None}]


def _replace(data: Any, path: tuple[str | int, ...], value: Any) -> Any:
    """A copy of `data` with the value at `path` replaced."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {k: (_replace(v, rest, value) if k == head else v) for k, v in data.items()}
    return [(_replace(v, rest, value) if i == head else v) for i, v in enumerate(data)]


def test_every_field_given_every_wrong_kind_only_gives_diagnostics() -> None:
    """Each value of a file that uses every field, swapped for each kind of wrong value:
    the validator must answer with diagnostics that name that place, never raise."""
    source = ROOT / "tests" / "fixtures" / "valid" / "every-field.md"
    document = loader.parse("x.md", source.read_bytes())
    assert validate(document, DEFAULT)[1] == []
    paths = [p for p in document.marks.values if p]
    assert len(paths) >= 100
    for path in paths:
        for wrong in WRONG_KINDS:
            data = _replace(document.data, path, wrong)
            text = "---\n" + writer.dump_front_matter(data) + "---\n"
            diagnostics = _diagnose(text.encode())
            _assert_sane(diagnostics)


def test_values_of_discarded_duplicates_do_not_collide() -> None:
    """Each repeat of a key is reported once, and nothing inside the dropped values is."""
    parsed = strict_yaml.read("a: {x: 1}\na: {x: 2}\na: {x: 3}\n", 2)
    assert parsed.data == {"a": {"x": "1"}}
    assert [(p.line, p.column, p.path) for p in parsed.problems] == [
        (3, 1, ("a",)),
        (4, 1, ("a",)),
    ]
