"""The synthetic corpus generator writes valid, realistic-sized, reproducible postmortems."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import statistics
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from mkdocs_postmortems.cli import main as cli
from mkdocs_postmortems.core import taxonomy
from mkdocs_postmortems.core.corpus import load_corpus

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "synth_corpus.py"
N = 30
SEED = 1234
LONG_DIGEST = "284e3d93e4f543421c3543d49de276003e968910bc7a0d7600f2efd14b271b29"
"""sha256 of the N long postmortems for SEED (and the taxonomy) as they were before profiles."""


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synth_corpus", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


synth = _load_script()


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("synth")
    paths = synth.generate(N, directory, seed=SEED)
    assert len(paths) == N
    return directory


def _files(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_every_file_validates_without_diagnostics(corpus_dir: Path) -> None:
    vocabulary = taxonomy.load(corpus_dir / "taxonomy.yml")
    corpus = load_corpus([corpus_dir], vocabulary)
    assert [str(d) for d in corpus.diagnostics] == []
    assert corpus.files == N
    assert len(corpus.entries) == N


def test_files_are_four_to_six_kib_and_named_by_start_date(corpus_dir: Path) -> None:
    files = sorted(corpus_dir.rglob("*.md"))
    assert len(files) == N
    for path in files:
        size = path.stat().st_size
        assert 4 * 1024 <= size <= 6 * 1024, (path.name, size)
        year = path.parent.name
        assert path.name.startswith(f"{year}-"), path
        assert path.read_bytes().startswith(b"---\n")


def test_output_is_byte_identical_for_a_seed(corpus_dir: Path, tmp_path: Path) -> None:
    synth.generate(N, tmp_path, seed=SEED)
    assert _files(tmp_path) == _files(corpus_dir)


def test_another_seed_gives_another_corpus(corpus_dir: Path, tmp_path: Path) -> None:
    synth.generate(N, tmp_path, seed=SEED + 1)
    first, second = _files(corpus_dir), _files(tmp_path)
    assert first["taxonomy.yml"] == second["taxonomy.yml"]
    assert set(first) != set(second)


def test_a_small_corpus_is_a_prefix_of_a_larger_one(corpus_dir: Path, tmp_path: Path) -> None:
    small = synth.generate(5, tmp_path, seed=SEED)
    large = sorted(corpus_dir.rglob("*.md"))
    by_name = {p.name: p.read_bytes() for p in large}
    for path in small:
        assert by_name[path.name] == path.read_bytes()


def test_variety_of_severities_statuses_and_fields(corpus_dir: Path) -> None:
    vocabulary = taxonomy.load(corpus_dir / "taxonomy.yml")
    entries = load_corpus([corpus_dir], vocabulary).entries
    models = [e.postmortem for e in entries]
    severities = Counter(m.severity for m in models)
    statuses = Counter(m.status for m in models)
    item_statuses = Counter(i.status for m in models for i in m.action_items)
    offsets = {m.started_at.utcoffset() for m in models if m.started_at}
    assert len(severities) >= 3, severities
    assert severities["P2"] + severities["P3"] > severities["P0"] + severities["P1"]
    assert len(statuses) >= 2, statuses
    assert set(item_statuses) == {"open", "in-progress", "done", "wont-do"}, item_statuses
    assert len(offsets) >= 3, offsets
    assert any(m.hotfix is not None for m in models)
    assert all(2 <= len(m.action_items) <= 8 for m in models)
    assert all(4 <= len(m.timeline) <= 10 for m in models)
    assert all(1 <= len(m.services) <= 3 for m in models)
    assert all(i.due is not None for m in models for i in m.action_items)


def test_taxonomy_has_the_expected_shape(corpus_dir: Path) -> None:
    vocabulary = taxonomy.load(corpus_dir / "taxonomy.yml")
    assert list(vocabulary.severities) == ["P0", "P1", "P2", "P3"]
    assert all(s.action_item_sla_days for s in vocabulary.severities.values())
    assert vocabulary.services is not None and len(vocabulary.services) == 15
    assert vocabulary.teams is not None and len(vocabulary.teams) == 6
    assert vocabulary.contributing_factors is not None
    assert len(vocabulary.contributing_factors) == 12


def test_command_line(tmp_path: Path) -> None:
    assert synth.main(["3", str(tmp_path / "out"), "--seed", "7"]) == 0
    assert len(list((tmp_path / "out").rglob("*.md"))) == 3
    assert (tmp_path / "out" / "taxonomy.yml").is_file()


@pytest.fixture(scope="module")
def short_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("short")
    paths = synth.generate(N, directory, seed=SEED, profile=synth.SHORT)
    assert len(paths) == N
    return directory


def test_short_postmortems_pass_postmortems_validate(
    short_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["validate", "--format", "json", str(short_dir)]) == 0
    diagnostics = json.loads(capsys.readouterr().out)
    assert [d for d in diagnostics if d["level"] != "notice"] == []


def test_short_postmortems_are_about_four_kb(short_dir: Path) -> None:
    sizes = [path.stat().st_size for path in short_dir.rglob("*.md")]
    assert len(sizes) == N
    assert all(3500 <= size <= 4500 for size in sizes), sorted(sizes)
    assert 3800 <= statistics.mean(sizes) <= 4300, statistics.mean(sizes)
    vocabulary = taxonomy.load(short_dir / "taxonomy.yml")
    models = [e.postmortem for e in load_corpus([short_dir], vocabulary).entries]
    assert all(1 <= len(m.action_items) <= 4 for m in models)
    assert all(4 <= len(m.timeline) <= 6 for m in models)
    assert any(m.hotfix is not None for m in models)


def test_short_corpus_is_deterministic_and_a_prefix(short_dir: Path, tmp_path: Path) -> None:
    synth.generate(N, tmp_path / "again", seed=SEED, profile=synth.SHORT)
    assert _files(tmp_path / "again") == _files(short_dir)
    small = synth.generate(5, tmp_path / "small", seed=SEED, profile=synth.SHORT)
    by_name = {p.name: p.read_bytes() for p in short_dir.rglob("*.md")}
    assert all(by_name[path.name] == path.read_bytes() for path in small)
    synth.generate(N, tmp_path / "other", seed=SEED + 1, profile=synth.SHORT)
    assert set(_files(tmp_path / "other")) != set(_files(short_dir))


def test_the_profile_leaves_long_postmortems_as_they_were(corpus_dir: Path) -> None:
    """`--profile long` is the default and the files of before: same streams, same bytes."""
    files = _files(corpus_dir)
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    assert digest.hexdigest() == LONG_DIGEST


def test_command_line_profile(tmp_path: Path) -> None:
    assert synth.main(["3", str(tmp_path / "out"), "--seed", "7", "--profile", "short"]) == 0
    sizes = [path.stat().st_size for path in (tmp_path / "out").rglob("*.md")]
    assert len(sizes) == 3 and all(3500 <= size <= 4500 for size in sizes)
    with pytest.raises(SystemExit):
        synth.main(["3", str(tmp_path / "bad"), "--profile", "medium"])
