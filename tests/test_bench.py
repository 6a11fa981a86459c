"""scripts/bench.py: its report, its goal checks and a tiny real run, so `make bench` works
from a fresh clone; the figures themselves belong in docs/performance.md, not in tests."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = REPO / "scripts"


def _load(name: str) -> ModuleType:
    if str(SCRIPTS) not in sys.path:
        sys.path.insert(0, str(SCRIPTS))  # bench imports its neighbours by name
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


bench = _load("bench")


def _size(n: int, ours: float, plain: float, peak: int, page: int) -> object:
    size = bench.Size(n)
    for seconds in (ours, ours + 2):
        size.builds["ours"].append(bench.Run(seconds, peak))
    for seconds in (plain, plain + 2):
        size.builds["plain"].append(bench.Run(seconds, peak // 3))
    size.validation = {"floor": [1.0, 0.9], "ours": [1.5, 1.2]}
    size.rebuild = {"ours": 3.0, "plain": 2.0}
    sizes = {"page_median": page - 100, "page_max": page, "search": 10, "site": 100}
    size.sizes = {"ours": dict(sizes), "plain": dict(sizes)}
    return size


def test_goals_are_judged_on_medians_best_validation_and_the_largest_page() -> None:
    met = bench.goals(
        [
            _size(2000, ours=24.0, plain=19.0, peak=500 * bench.MIB, page=40_000),
            _size(10000, ours=100.0, plain=90.0, peak=900 * bench.MIB, page=41_000),
        ]
    )
    assert all(ok for _, ok in met), met
    texts = [text for text, _ in met]
    assert "build at N=2,000 is 1.25x plain (goal <= 1.3)" in texts  # (25 / 20)
    assert any("validation at N=2,000 is 1.33x" in text for text in texts)  # best 1.2 / 0.9

    missed = dict(
        bench.goals(
            [
                _size(2000, ours=30.0, plain=19.0, peak=500 * bench.MIB, page=61_000),
                _size(10000, ours=200.0, plain=90.0, peak=1100 * bench.MIB, page=41_000),
            ]
        )
    )
    assert [text for text, ok in missed.items() if not ok] == [
        "build at N=2,000 is 1.55x plain (goal <= 1.3)",
        "build ratio at N=10,000 (2.21) is below N=2,000's (1.55)",
        "peak memory at N=10,000 is 1,100.0 MiB (goal < 1 GiB)",
        "largest postmortem page at N=2,000 is 61.0 KB (goal < 60 KB)",
    ]


def test_results_replace_only_the_text_between_the_markers(tmp_path: Path) -> None:
    doc = tmp_path / "performance.md"
    doc.write_text(f"# Before\n\n{bench.BEGIN}\nold\n{bench.END}\n\nAfter.\n")
    bench.write_between_markers(doc, "new figures\n")
    assert doc.read_text() == f"# Before\n\n{bench.BEGIN}\nnew figures\n{bench.END}\n\nAfter.\n"


def test_the_repository_page_has_the_markers() -> None:
    text = (REPO / "docs" / "performance.md").read_text(encoding="utf-8")
    assert text.count(bench.BEGIN) == 1 and text.count(bench.END) == 1


def test_a_tiny_run_builds_both_sites_serves_and_reports(tmp_path: Path) -> None:
    doc = tmp_path / "performance.md"
    doc.write_text(f"{bench.BEGIN}\n{bench.END}\n")
    command = [sys.executable, str(SCRIPTS / "bench.py"), "--sizes", "12", "--repeat", "1"]
    command += ["--small-repeat", "2"]  # 12 <= bench.SMALL: the small sizes' rounds apply
    done = subprocess.run(
        [*command, "--write", str(doc)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode in (0, 1), done.stderr  # 1: a goal missed, which is a figure
    written = doc.read_text()
    assert "| 12 | 2 |" in written  # N, then its rounds
    assert "python scripts/bench.py --sizes 12 --repeat 1 --small-repeat 2" in written
    assert written.count("N=12 round") == 0  # progress goes to stderr, not the page
    assert done.stderr.count(": build ours") == 2 and done.stderr.count(": build plain") == 2
    assert "serve rebuild ours" in done.stderr and "serve rebuild plain" in done.stderr
