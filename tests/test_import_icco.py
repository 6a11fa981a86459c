"""The icco/postmortems corpus format: every real file imports and validates with its times
kept and nothing invented; then the conversions the real files do not exercise."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from mkdocs_postmortems.cli.importers import icco
from mkdocs_postmortems.cli.importers.base import Imported
from mkdocs_postmortems.cli.importers.slugs import shorten, slug
from mkdocs_postmortems.core import loader, strict_yaml, taxonomy, writer
from mkdocs_postmortems.core.corpus import Entry, load_corpus
from mkdocs_postmortems.core.schema import parse_timestamp
from mkdocs_postmortems.core.taxonomy import DEFAULT, Taxonomy
from mkdocs_postmortems.core.validation import validate

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpora" / "icco-postmortems"
SEEDS = SHARED / "seeds"
UTC = dt.UTC

RunCli = Callable[..., subprocess.CompletedProcess[str]]
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(),
    reason=f"the icco corpus (GPL-3.0 data, not in this repo) is not at {CORPUS}",
)

# What the source can give, and so the only fields an import may set.
FROM_SOURCE = {
    "id",
    "title",
    "severity",
    "status",
    "date",
    "services",
    "tags",
    "summary",
    "started_at",
    "resolved_at",
    "contributing_factors",
    "links",
}


def _sources() -> list[Path]:
    return sorted(CORPUS.glob("*.md"))


def _source_data(path: Path) -> dict[str, object]:
    return loader.parse(path.name, path.read_bytes()).data


def _folder(stem: str) -> str:
    """DIR/YYYY/<stem>.md, as the import command writes it."""
    return stem[:4] if re.match(r"[0-9]{4}-[0-9]{2}-[0-9]{2}-", stem) else "undated"


@pytest.fixture(scope="module")
def imported() -> dict[str, Imported]:
    """Every corpus file converted, by source file stem (its uuid)."""
    if not CORPUS.is_dir():
        pytest.skip(f"the icco corpus is not at {CORPUS}")
    return {p.stem: icco.convert(p.name, p.read_text("utf-8"), DEFAULT) for p in _sources()}


@pytest.fixture(scope="module")
def written(imported: dict[str, Imported], tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("icco")
    for item in imported.values():
        assert item.stem is not None
        target = root / _folder(item.stem) / f"{item.stem}.md"
        target.parent.mkdir(exist_ok=True)
        assert not target.exists(), f"two imports would share {target.name}"
        target.write_text(writer.render(item.data, item.body), "utf-8")
    text = icco.corpus_taxonomy(list(imported.values()))
    (root / "taxonomy.yml").write_text(text, "utf-8")
    return root


@pytest.fixture(scope="module")
def entries(written: Path) -> dict[str, Entry]:
    """The written corpus validated against its generated taxonomy, by source uuid."""
    corpus = load_corpus([written], taxonomy.load(written / "taxonomy.yml"))
    assert [str(d) for d in corpus.diagnostics] == []
    assert corpus.files == 242
    return {e.postmortem.id.removeprefix("ICCO-"): e for e in corpus.entries if e.postmortem.id}


@needs_corpus
def test_all_242_files_import_and_validate(entries: dict[str, Entry]) -> None:
    assert len(entries) == len(_sources()) == 242


@needs_corpus
@pytest.mark.parametrize(
    ("uuid", "started", "resolved"),
    [
        (
            "65ef2aac-4cc6-4592-af9b-999694efc917",
            dt.datetime(2022, 1, 13, 7, 28, tzinfo=UTC),
            dt.datetime(2022, 1, 13, 9, 12, tzinfo=UTC),
        ),
        (
            "0787bc22-cd28-42d0-a0b2-71610a38a78f",  # -08:00, ends on the next UTC day
            dt.datetime(2012, 12, 22, 20, 15, tzinfo=UTC),
            dt.datetime(2012, 12, 23, 4, 23, tzinfo=UTC),
        ),
        (
            "090ac94f-65d7-49cc-9e5d-1c8c000b2042",  # +05:30
            dt.datetime(2019, 8, 29, 4, 30, tzinfo=UTC),
            dt.datetime(2019, 8, 29, 5, 10, tzinfo=UTC),
        ),
        (
            "e9248be4-2e55-481e-bde1-f53f60667e21",  # +09:00, starts on the previous UTC day
            dt.datetime(2018, 11, 21, 23, 19, tzinfo=UTC),
            dt.datetime(2018, 11, 22, 0, 43, tzinfo=UTC),
        ),
        (
            "36858814-a276-4723-8bd2-ce1d46236417",
            dt.datetime(2025, 10, 20, 6, 48, tzinfo=UTC),
            dt.datetime(2025, 10, 20, 21, 20, tzinfo=UTC),
        ),
        ("a50e7b06-2f2c-4d13-a340-9a1e7eed59d7", dt.datetime(2022, 2, 22, 14, tzinfo=UTC), None),
        ("6d1c63bd-3529-4120-8a00-18ee6647f3f0", None, None),  # start_time: "" (unknown)
    ],
)
def test_times_checked_by_hand(
    entries: dict[str, Entry], uuid: str, started: dt.datetime | None, resolved: dt.datetime | None
) -> None:
    postmortem = entries[uuid].postmortem
    assert postmortem.started_at == started
    assert postmortem.resolved_at == resolved
    if started is not None:
        assert postmortem.started_at is not None
        assert postmortem.started_at.utcoffset() is not None


@needs_corpus
def test_every_time_is_kept_as_written_or_in_the_body(imported: dict[str, Imported]) -> None:
    """Every time is the source's text, unchanged, the Vasa's 1628 and Apollo 11's 1969
    included; one the schema refused would be in the body's Source list, named as missing."""
    refused = set()
    for path in _sources():
        source, item = _source_data(path), imported[path.stem]
        for key, target in (("start_time", "started_at"), ("end_time", "resolved_at")):
            raw = source.get(key)
            if not raw:
                assert target not in item.data
            elif target in item.data:
                assert item.data[target] == raw
                assert parse_timestamp(item.data[target]) == parse_timestamp(raw)
            else:
                refused.add(path.stem)
                assert f"- `{key}`: {raw}\n" in item.body
                assert any(m.startswith(f"{target} (the schema refuses") for m in item.missing)
    assert refused == set()


@needs_corpus
def test_nothing_is_invented(imported: dict[str, Imported]) -> None:
    for path in _sources():
        source, item = _source_data(path), imported[path.stem]
        data = item.data
        assert set(data) <= FROM_SOURCE, path.name
        assert data["id"] == f"ICCO-{source['uuid']}"
        assert data["severity"] == "not-rated"
        assert data["status"] == "published"
        assert ("title" in data) == bool(source.get("title"))
        assert ("summary" in data) == bool(source.get("summary"))
        assert ("date" in data) == bool(source.get("source_published_at"))
        assert ("contributing_factors" in data) == bool(source.get("categories"))
        assert data.get("contributing_factors", []) == source.get("categories", [])
        assert ("services" in data) == bool(source.get("product"))
        assert data.get("links", {}).get("source", source["url"]) == source["url"]
        assert any(m.startswith("authors (") for m in item.missing)
        assert any(m.startswith("detected_at (") for m in item.missing)
        body = path.read_text("utf-8").split("\n---\n", 1)[1].strip()
        # Links to http:// addresses, which a body may not hold, are kept as code.
        body = re.sub(r"\[([^\]]*)\]\((http://[^)\s]+)\)", r"\1 (`\2`)", body)
        assert item.body.lstrip("\n").startswith(body)


@needs_corpus
def test_http_links_stay_http_in_the_body(imported: dict[str, Imported]) -> None:
    item = imported["6c7c05d1-637f-49a9-bc6d-120eacad0b46"]
    assert "links" not in item.data
    assert "- `url`: `http://aws.amazon.com/message/2329B7/`\n" in item.body
    assert any("not an https link" in note for note in item.notes)


@needs_corpus
def test_corpus_taxonomy_relaxes_what_the_corpus_lacks(written: Path) -> None:
    generated = taxonomy.load(written / "taxonomy.yml")
    assert list(generated.severities)[-1] == "not-rated"
    assert generated.required.always == ["id", "severity", "status"]
    assert generated.required.unless_draft == []
    assert set(generated.contributing_factors or {}) == {
        "automation",
        "cascading-failure",
        "cloud",
        "config-change",
        "hardware",
        "security",
        "time",
    }


@needs_corpus
def test_detect_every_corpus_file() -> None:
    assert all(icco.detect(path.read_text("utf-8")) for path in _sources())


def test_detect_refuses_the_seed_templates_and_our_own_files() -> None:
    ours = [*(REPO / "postmortems").rglob("*.md"), *(REPO / "tests/fixtures/valid").glob("*.md")]
    seeds = sorted(SEEDS.glob("*")) if SEEDS.is_dir() else []
    assert ours
    for path in [*ours, *seeds]:
        assert not icco.detect(path.read_text("utf-8", "replace")), path


def _source(front: str, body: str = "What happened.\n") -> str:
    return f"---\n{textwrap.dedent(front).strip()}\n---\n\n{body}"


BASE = """
    uuid: 11111111-2222-3333-4444-555555555555
    url: https://example.com/postmortem
    title: Example outage
    categories:
    - cloud
    company: Example Co
    product: API
"""


def _convert(extra: str = "", base: str = BASE, tax: Taxonomy = DEFAULT) -> Imported:
    front = textwrap.dedent(base) + textwrap.dedent(extra)
    return icco.convert("source.md", _source(front), tax)


def _valid_with_corpus_taxonomy(item: Imported) -> None:
    generated = taxonomy.Taxonomy.model_validate(strict_yaml.load(icco.corpus_taxonomy([item]))[0])
    text = writer.render(item.data, item.body)
    document = loader.parse("out.md", text.encode())
    _, diagnostics = validate(document, generated)
    assert [str(d) for d in diagnostics] == []


def test_time_without_offset_is_utc_as_the_source_reads_it() -> None:
    item = _convert("start_time: 2020-01-02T03:04:05\nend_time: 2020-01-02T04:00:00Z\n")
    assert item.data["started_at"] == "2020-01-02T03:04:05Z"
    assert item.data["resolved_at"] == "2020-01-02T04:00:00Z"
    assert any("read as UTC" in note for note in item.notes)
    _valid_with_corpus_taxonomy(item)


def test_date_only_gains_no_time() -> None:
    item = _convert("start_time: 2014-08-04\nend_time: '2014-08-05'\n")
    assert "started_at" not in item.data
    assert "resolved_at" not in item.data
    assert "- `start_time`: 2014-08-04\n- `end_time`: 2014-08-05\n" in item.body
    assert "started_at (the source gives only the date 2014-08-04, and a time is not invented)" in (
        item.missing
    )
    assert item.stem == "2014-08-04-example-outage-11111111"
    _valid_with_corpus_taxonomy(item)


def test_go_zero_time_means_unknown() -> None:
    item = _convert("start_time: 0001-01-01T00:00:00Z\n")
    assert "started_at" not in item.data
    assert "0001" not in item.body
    assert item.stem == "example-outage-11111111"


def test_http_url_is_not_upgraded() -> None:
    base = BASE.replace("https://example.com", "http://example.com")
    item = _convert(base=base)
    assert "links" not in item.data
    assert "- `url`: `http://example.com/postmortem`" in item.body
    _valid_with_corpus_taxonomy(item)


def test_empty_categories_and_no_product_stay_absent() -> None:
    base = BASE.replace("categories:\n    - cloud", "categories: []").replace("API", '""')
    item = _convert(base=base)
    assert "contributing_factors" not in item.data
    assert "services" not in item.data
    assert "contributing_factors (the source lists no categories)" in item.missing
    assert "services (the source names no product)" in item.missing
    generated = icco.corpus_taxonomy([item])
    assert "contributing_factors" not in generated
    _valid_with_corpus_taxonomy(item)


def test_title_over_several_lines_becomes_one() -> None:
    base = BASE.replace("title: Example outage", 'title: "Example\\n  outage\\u2028today"')
    item = _convert(base=base)
    assert item.data["title"] == "Example outage today"
    assert any("several lines" in note for note in item.notes)
    _valid_with_corpus_taxonomy(item)


def test_repeated_and_odd_categories() -> None:
    base = BASE.replace("- cloud", "- cloud\n    - Cloud\n    - Bit Rot\n    - postmortem")
    item = _convert(base=base)
    assert item.data["contributing_factors"] == ["cloud", "bit-rot"]
    assert "postmortem" in item.data["tags"]
    assert any("listed twice" in note for note in item.notes)
    generated = taxonomy.Taxonomy.model_validate(strict_yaml.load(icco.corpus_taxonomy([item]))[0])
    factors = generated.contributing_factors or {}
    assert factors["bit-rot"].label == "Bit rot"
    _valid_with_corpus_taxonomy(item)


def test_names_become_slugs_and_keep_their_spelling_in_the_body() -> None:
    base = BASE.replace("Example Co", "AT&T <b>*x*</b>").replace(
        "product: API", "product: EC2, RDS (MySQL, Aurora)"
    )
    item = _convert("keywords:\n- us east\n- http/3\n- 決済\n", base=base)
    assert item.data["services"] == ["ec2", "rds-mysql-aurora"]
    assert item.data["tags"] == ["at-t-b-x-b", "us-east", "http-3"]
    assert "- `company`: AT&T &lt;b&gt;\\*x\\*&lt;/b&gt;\n" in item.body
    assert "- `keywords`: 決済\n" in item.body
    _valid_with_corpus_taxonomy(item)


def test_unknown_keys_and_wrong_shapes() -> None:
    item = _convert("archive_url: http://archive.example/x\nnotes: see ticket\nsummary: [a, b]\n")
    assert "summary" not in item.data
    assert "- `archive_url`: `http://archive.example/x`\n- `notes`: see ticket\n" in item.body
    assert any(note.startswith("summary (line ") for note in item.notes)
    _valid_with_corpus_taxonomy(item)


def test_end_before_start_is_kept_and_reported() -> None:
    item = _convert("start_time: 2020-01-02T00:00:00Z\nend_time: 2020-01-01T00:00:00Z\n")
    assert item.data["resolved_at"] == "2020-01-01T00:00:00Z"
    assert any("before start_time" in note for note in item.notes)


def test_missing_follows_the_taxonomy_in_use(fixture_taxonomy: Taxonomy) -> None:
    item = _convert("start_time: 2020-01-02T00:00:00+02:00\n", tax=fixture_taxonomy)
    assert [m.split(" (")[0] for m in item.missing] == [
        "authors",
        "detected_at",
        "resolved_at",
    ]
    assert any("not in the taxonomy in use: severity not-rated" in n for n in item.notes)


def test_uuid_from_the_file_name_when_absent() -> None:
    front = "url: https://example.com/x\ncompany: Example\n"
    item = icco.convert("00b7f759-21f8-4767-8803-f09d863005cd.md", _source(front), DEFAULT)
    assert item.data["id"] == "ICCO-00b7f759-21f8-4767-8803-f09d863005cd"
    assert icco.convert("x.md", _source(front), DEFAULT).missing[0] == (
        "id (the source has no uuid)"
    )


@pytest.mark.parametrize(
    "text",
    [
        "no front matter at all\n",
        "---\nuuid: 1\nuuid: 2\nurl: https://e.com\n---\n",
        "---\nuuid: [1\n---\n",
        "---\n- a list\n---\n",
    ],
)
def test_unreadable_input_raises_load_error(text: str) -> None:
    with pytest.raises(loader.LoadError) as error:
        icco.convert("bad.md", text, DEFAULT)
    assert error.value.diagnostic.path == "bad.md"


def test_slugs() -> None:
    assert slug("Sentry (hosted)") == "sentry-hosted"
    assert slug("straße ś") == "strasse-s"
    assert slug("決済") == ""
    assert shorten("a-very-long-title-indeed", 12) == "a-very-long"
    assert shorten("abcdefghijklmnop", 5) == "abcde"


def test_refused_characters_are_left_out_and_a_lone_category_is_a_list() -> None:
    base = BASE.replace("Example outage", '"Example\\u202e outage\\u202c"').replace(
        "categories:\n    - cloud", "categories: Config Change"
    )
    item = _convert(base=base)
    assert item.data["title"] == "Example outage"
    assert item.data["contributing_factors"] == ["config-change"]
    assert any("left out 2 control" in note for note in item.notes)
    _valid_with_corpus_taxonomy(item)


def test_a_control_character_in_the_source_is_an_error_at_its_place() -> None:
    # The strict reader refuses control characters (even as escapes) wherever they are read.
    base = BASE.replace("Example outage", '"Example outage\\x07"')
    with pytest.raises(loader.LoadError) as raised:
        _convert(base=base)
    assert "U+0007" in str(raised.value)


def test_a_wrong_shape_is_noted_once() -> None:
    base = BASE.replace("product: API", "product: [API]")
    item = _convert("start_time: {at: noon}\nsource_published_at: [2020]\n", base=base)
    wrong = [note for note in item.notes if "expected text" in note]
    assert len(wrong) == 3, item.notes
    assert item.stem == "example-outage-11111111"


def test_odd_links_and_impossible_dates() -> None:
    base = BASE.replace("https://example.com/postmortem", "https://user@evil.example/")
    item = _convert("start_time: 2020-13-45T00:00:00Z\nsource_published_at: 0000-01-01\n", base)
    assert "links" not in item.data
    assert "- `url`: https://user@evil.example/\n" in item.body
    assert "- `start_time`: 2020-13-45T00:00:00Z\n" in item.body
    assert "date" not in item.data
    assert item.stem == "example-outage-11111111"
    assert any("got '0000-01-01'" in note for note in item.notes)
    _valid_with_corpus_taxonomy(item)


@needs_corpus
def test_stats_span_four_centuries(written: Path, run_cli: RunCli) -> None:
    """pandas' nanosecond timestamps end in 1677; the analytics must still count the Vasa."""
    result = run_cli("stats", written, "--as-of", "2026-11-24", "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["count"] == 242
    first, *_ = figures["quarters"]
    assert first == "1628-Q3"  # the Vasa sank on 1628-08-10, 12:00 to 12:20 UTC
    vasa = figures["quarters"]["1628-Q3"]
    assert vasa["count"] == 1
    assert vasa["time_to_resolve_minutes"] == {"n": 1, "median": 20.0, "p90": 20.0, "mean": 20.0}
    # Files whose start has no date (times without a day) are counted, in no quarter.
    assert figures["undated"] > 0
    assert sum(q["count"] for q in figures["quarters"].values()) == 242 - figures["undated"]
