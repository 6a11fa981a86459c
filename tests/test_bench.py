"""scripts/bench.py: its report, its goal checks, how it counts CPU time and finds an edited
page under `mkdocs serve`, and a tiny real run, so that `make bench` works from a fresh clone.
The figures themselves belong in docs/performance.md, not in tests: nothing here asserts a
duration."""

from __future__ import annotations

import importlib.util
import io
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

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
synth = _load("synth_corpus")

BUSY_SECONDS = 0.3
BUSY = f"""\
import time
started = time.process_time()
while time.process_time() - started < {BUSY_SECONDS}:
    pass
"""


def _size(
    n: int,
    ours: float,
    plain: float,
    peak: int,
    page: int,
    corpus: str = "long",
    cpu: tuple[float, float] = (10.0, 8.0),
    edit: float = 1.0,
    searched: bool = True,
) -> Any:
    size = bench.Size(n, corpus)
    for seconds in (ours, ours + 2):
        size.builds["ours"].append(bench.Run(seconds, cpu[0], peak))
    for seconds in (plain, plain + 2):
        size.builds["plain"].append(bench.Run(seconds, cpu[1], peak // 3))
    size.validation = {"floor": [1.0, 0.9], "ours": [1.5, 1.2]}
    size.edits = {
        "ours": [bench.Edit(edit, edit + 0.1, 20.0, searched) for _ in range(3)],
        "plain": [bench.Edit(15.0, 15.1, 15.2) for _ in range(3)],
    }
    sizes = {"page_median": page - 100, "page_max": page, "search": 10, "site": 100}
    size.sizes = {"ours": dict(sizes), "plain": dict(sizes)}
    return size


def test_goals_are_judged_on_medians_best_validation_and_the_largest_page() -> None:
    met = bench.goals(
        [
            _size(2000, ours=24.0, plain=19.0, peak=500 * bench.MIB, page=40_000),
            _size(10000, ours=100.0, plain=90.0, peak=900 * bench.MIB, page=41_000),
            _size(2000, 11.0, 9.0, 100 * bench.MIB, 38_000, "short", cpu=(7.0, 5.0), edit=2.5),
        ]
    )
    assert all(ok for _, ok in met), met
    texts = [text for text, _ in met]
    assert "build at N=2,000 long postmortems is 1.25x plain's wall time (goal <= 1.3)" in texts
    assert "build at N=2,000 short postmortems is 1.20x plain's wall time (goal <= 1.3)" in texts
    assert "build at N=2,000 short postmortems uses 1.40x plain's CPU time (goal <= 1.5)" in texts
    assert (
        "an edited page is on disk under serve in 2.50 s (served in 2.60 s) at N=2,000 short "
        "postmortems (goal <= 3 s)" in texts
    )
    assert any("validation at long, N=2,000 is 1.33x" in text for text in texts)  # 1.2 / 0.9
    assert "build at N=2,000 long postmortems uses 1.25x plain's CPU time (goal <= 1.5)" in texts

    missed = dict(
        bench.goals(
            [
                _size(
                    2000,
                    ours=30.0,
                    plain=19.0,
                    peak=500 * bench.MIB,
                    page=61_000,
                    cpu=(13.0, 8.0),
                    edit=3.5,
                ),
                _size(10000, ours=200.0, plain=90.0, peak=1100 * bench.MIB, page=41_000),
                _size(2000, 9.0, 9.0, 1, 38_000, "short", cpu=(8.0, 5.0), searched=False),
            ]
        )
    )
    assert [text for text, ok in missed.items() if not ok] == [
        "build at N=2,000 long postmortems is 1.55x plain's wall time (goal <= 1.3)",
        "build at N=2,000 long postmortems uses 1.62x plain's CPU time (goal <= 1.5)",
        "an edited page is on disk under serve in 3.50 s (served in 3.60 s) at N=2,000 long "
        "postmortems (goal <= 3 s)",
        "build at N=2,000 short postmortems uses 1.60x plain's CPU time (goal <= 1.5)",
        "build ratio at N=10,000 (2.21) is below N=2,000's (1.55)",
        "peak memory at N=10,000 is 1,100.0 MiB (goal < 1 GiB)",
        "largest postmortem page at long, N=2,000 is 61.0 KB (goal < 60 KB)",
        "every edit under serve reached the search index at short, N=2,000 (0 of 3)",
    ]


def test_the_report_gives_ratios_and_says_what_was_not_seen() -> None:
    size = _size(2000, 24.0, 19.0, 500 * bench.MIB, 40_000, "short", cpu=(7.0, 5.0))
    size.edits["ours"][0].whole = None
    text = bench.report("python scripts/bench.py", [size], {"short": "4.1 KB, seed 7"})
    assert "short: 4.1 KB, seed 7" in text
    assert "| short | 2,000 | 2 | 25.0 s | 20.0 s | 1.25 | 7.0 s | 5.0 s | 1.40 |" in text
    assert (
        "| short | 2,000 | 3 | 1.00 s | 15.00 s | 0.07 | 1.10 s | 15.10 s | not seen | 15.2 s |"
        in (text)
    )


def test_the_report_gives_each_rounds_ratio_median_and_range() -> None:
    """Rounds pair ours with the plain build next to it: 24/19 and 26/21 wall, 7/5 CPU; the
    first round (no template cache yet) has a column of its own."""
    size = _size(2000, 24.0, 19.0, 500 * bench.MIB, 40_000, "short", cpu=(7.0, 5.0))
    assert size.round_ratios("seconds") == pytest.approx([24 / 19, 26 / 21])
    text = bench.report("python scripts/bench.py", [size], {"short": "4.1 KB, seed 7"})
    assert "| short | 2,000 | 2 | 1.25 (1.24-1.26) | 1.40 (1.40-1.40) | 1.40 |" in text


def test_results_replace_only_the_text_between_the_markers(tmp_path: Path) -> None:
    doc = tmp_path / "performance.md"
    doc.write_text(f"# Before\n\n{bench.BEGIN}\nold\n{bench.END}\n\nAfter.\n")
    bench.write_between_markers(doc, "new figures\n")
    assert doc.read_text() == f"# Before\n\n{bench.BEGIN}\nnew figures\n{bench.END}\n\nAfter.\n"


def test_the_repository_page_has_the_markers() -> None:
    text = (REPO / "docs" / "performance.md").read_text(encoding="utf-8")
    assert text.count(bench.BEGIN) == 1 and text.count(bench.END) == 1


def test_cpu_time_counts_a_child_the_command_waited_for(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {BUSY!r}])\n")
    run = bench.measured([sys.executable, str(script)], tmp_path)
    assert run.cpu >= BUSY_SECONDS  # the child's, added to its parent's when waited for
    assert run.orphans == 0 and run.peak_bytes > 0


def test_cpu_time_counts_a_child_the_command_left_behind(tmp_path: Path) -> None:
    """A worker its build did not wait for is handed to bench_rusage.py, which counts it."""
    script = tmp_path / "parent.py"
    script.write_text(
        f"import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', {BUSY!r}])\n"
    )
    run = bench.measured([sys.executable, str(script)], tmp_path)
    assert run.cpu >= BUSY_SECONDS
    assert run.orphans == 1


def test_a_failing_command_fails_the_run(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=r"failed:\n(.|\n)*boom"):
        bench.measured([sys.executable, "-c", "import sys; sys.exit('boom')"], tmp_path)


def test_the_log_tells_when_the_build_after_a_moment_ended() -> None:
    log = bench.ServeLog(
        io.BytesIO(
            b"INFO    -  Building documentation...\n"
            b"INFO    -  Documentation built in 1.00 seconds\n"
        )
    )
    deadline = time.time() + 10
    while len(log.lines) < 2 and time.time() < deadline:
        time.sleep(0.01)
    first, second = log.lines
    assert log.built_since(first[0]) == second[0]
    assert log.built_since(second[0] + 1) is None


def test_a_build_whose_time_repeats_is_seen_by_its_reload() -> None:
    """MkDocs drops a log message equal to the one before it: the second of two builds that
    took the same time says only that it reloads the browsers."""
    log = bench.ServeLog(io.BytesIO(b"INFO    -  Reloading browsers\n"))
    deadline = time.time() + 10
    while not log.lines and time.time() < deadline:
        time.sleep(0.01)
    assert log.built_since(log.lines[0][0] - 1) == log.lines[0][0]


def test_published_postmortems_are_the_ones_edited(tmp_path: Path) -> None:
    files = synth.generate(40, tmp_path, seed=3)
    chosen = bench.editable(files, 3)
    assert len(chosen) == 3 == len(set(chosen))
    assert all("\nstatus: published\n" in path.read_text() for path in chosen)
    drafts = [path for path in files if "\nstatus: draft\n" in path.read_text()]
    assert drafts and not set(drafts) & set(chosen)


def test_an_edit_under_serve_is_found_on_disk_served_and_searched(tmp_path: Path) -> None:
    """Both sites under `mkdocs serve`, with a TMPDIR each: the edited page is found in that
    server's own `mkdocs_*` folder, at its URL, and then in its search index."""
    corpus = tmp_path / "corpus"
    files = synth.generate(8, corpus, seed=0)
    projects = bench.make_projects(corpus, files, tmp_path)
    edited = bench.editable(files, 2)
    for side in bench.SIDES:
        chosen = [bench.targets(projects, corpus, path)[side] for path in edited]
        temp = tmp_path / f"tmp-{side}"
        cache = tmp_path / f"cache-{side}"
        edits = bench.serve_edits(projects[side], chosen, temp, cache)
        assert len(edits) == 2
        for edit in edits:
            assert edit.on_disk > 0 and edit.served > 0
            assert edit.searched and edit.whole is not None and edit.whole > 0
        # Ours keeps its compiled templates where it is told (plain Material has no cache).
        assert any((cache / "templates").glob("*.jinja")) == (side == "ours")
        (folder,) = temp.glob("mkdocs_*")  # this server's site, and only it
        for target in chosen:
            assert "benchmarkedit" in (folder / target.html).read_text(encoding="utf-8")
            assert "benchmarkedit" in target.source.read_text(encoding="utf-8")
    assert not any("benchmarkedit" in path.read_text(encoding="utf-8") for path in files)


def test_a_tiny_run_builds_both_corpora_serves_and_reports(tmp_path: Path) -> None:
    doc = tmp_path / "performance.md"
    doc.write_text(f"{bench.BEGIN}\n{bench.END}\n")
    command = [sys.executable, str(SCRIPTS / "bench.py"), "--sizes", "12", "--repeat", "1"]
    command += ["--small-repeat", "2"]  # 12 <= bench.SMALL: the small sizes' rounds apply
    command += ["--short-sizes", "10", "--edits", "1", "--held-out", "5"]
    done = subprocess.run(
        [*command, "--write", str(doc)],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode in (0, 1), done.stderr  # 1: a goal missed, which is a figure
    written = doc.read_text()
    assert "| long | 12 | 2 |" in written and "| short | 10 | 2 |" in written  # rounds
    assert "short: " in written and "seed 5" in written
    assert (
        "python scripts/bench.py --sizes 12 --short-sizes 10 --repeat 1 --small-repeat 2 "
        "--edits 1 --held-out 5" in written
    )
    assert "round 1:" not in written  # progress goes to stderr, not the page
    assert "not seen" not in written
    assert done.stderr.count(": build ours") == 4 and done.stderr.count(": build plain") == 4
    for side in bench.SIDES:
        assert done.stderr.count(f"serve edit {side}: page on disk") == 2
    # A worker the build did not wait for is counted all the same, and the page says so.
    assert ("orphaned" in done.stderr) == ("did not wait for" in written), done.stderr
    assert done.stderr.count("CPU ") == 8


def test_the_sizes_options_are_checked() -> None:
    for argv in (["--sizes", "", "--short-sizes", ""], ["--sizes", "a"], ["--edits", "0"]):
        with pytest.raises(SystemExit) as failed:
            bench.main(argv)
        assert failed.value.code == 2
