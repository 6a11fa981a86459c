"""An interrupted or failed build leaves no worker process behind.

A knowledge base large enough to be read in workers (`corpus.PARALLEL_FROM`) is built for
real, and the build is interrupted (SIGINT, SIGTERM) when its first and second worker
appear (a share of the corpus, the analytics part), and when the analytics worker is at
work (once it has loaded pandas). Every process the
build started carries a mark in its environment, which `/proc` shows, so a worker that
outlives its parent is found even after it has been handed to init.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from mkdocs_postmortems.adapters import background
from mkdocs_postmortems.core import corpus

REPO = Path(__file__).resolve().parents[1]
MARK = "POSTMORTEMS_TEST_MARK"
WORKER = "mkdocs_postmortems.adapters.background"

pytestmark = [
    pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc"),
    pytest.mark.skipif(background.workers() < 1, reason="one core: builds start no workers"),
]


def _synth() -> object:
    spec = importlib.util.spec_from_file_location(
        "synth_corpus", REPO / "scripts" / "synth_corpus.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["synth_corpus"] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("big")
    _synth().generate(corpus.PARALLEL_FROM + 100, project / "postmortems", seed=11)  # type: ignore[attr-defined]
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        "site_name: Big\ntheme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n  - postmortems\n",
        encoding="utf-8",
    )
    return project


def _is_worker(pid: int, command: str) -> bool:
    """A worker started as a new interpreter runs `background`; a forked one has the
    build's command line, and its own name."""
    try:
        name = Path(f"/proc/{pid}/comm").read_bytes().strip()
    except OSError:
        return False
    return WORKER in command or name == background.FORKED_NAME


def _marked(mark: str) -> dict[int, str]:
    """The processes whose environment carries `mark`, with their command lines."""
    needle = f"{MARK}={mark}".encode()
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
                found[int(entry.name)] = command.decode(errors="replace")
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def _survivors(mark: str, seconds: float) -> dict[int, str]:
    """The marked processes still there after `seconds` (sooner if none are)."""
    deadline = time.monotonic() + seconds
    while (left := _marked(mark)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def _environment(mark: str) -> dict[str, str]:
    return {
        **os.environ,
        MARK: mark,
        "NO_MKDOCS_2_WARNING": "1",
        "POSTMORTEMS_AS_OF": "2026-11-01",
    }


def _analysing(pid: int) -> bool:
    """Whether the process has loaded pandas' compiled code: it is making the analytics."""
    try:
        return b"pandas/_libs" in Path(f"/proc/{pid}/maps").read_bytes()
    except OSError:
        return False


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize(
    ("nth", "busy"), [(1, False), (2, False), (2, True)], ids=["corpus", "analytics", "pandas"]
)
def test_an_interrupted_build_leaves_no_worker(
    big_project: Path, tmp_path: Path, signum: int, nth: int, busy: bool
) -> None:
    mark = uuid.uuid4().hex
    build = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "-q", "--site-dir", str(tmp_path / "site")],
        cwd=big_project,
        env=_environment(mark),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        working = False
        while len(seen) < nth or (busy and not working):
            assert build.poll() is None, f"the build ended before worker {nth} started"
            assert time.monotonic() < deadline, "no worker started"
            workers = [pid for pid, command in _marked(mark).items() if _is_worker(pid, command)]
            seen.update(workers)
            working = any(_analysing(pid) for pid in workers)
            time.sleep(0.01)
        build.send_signal(signum)
        _, errors = build.communicate(timeout=60)
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
    assert build.returncode != 0, "interrupted, the build must not succeed"
    assert "Traceback" not in errors
    assert _survivors(mark, seconds=0.5) == {}


def test_a_build_failing_in_a_later_event_ends_its_workers(big_project: Path) -> None:
    """In this process, which goes on (as `mkdocs serve` does): another plugin's event
    raises while the analytics worker runs, and the build's workers end with it."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    hook = big_project / "fail.py"
    hook.write_text(
        "import time\n\nfrom mkdocs_postmortems.adapters import background\n\n\n"
        "def on_files(files, config):\n"
        "    deadline = time.monotonic() + 20\n"
        "    while not background.running() and time.monotonic() < deadline:\n"
        "        time.sleep(0.01)\n"
        "    raise RuntimeError(f'failed with {background.running()} workers running')\n",
        encoding="utf-8",
    )
    config_file = big_project / "failing.yml"
    config_file.write_text(
        (big_project / "mkdocs.yml").read_text(encoding="utf-8") + "hooks:\n  - fail.py\n",
        encoding="utf-8",
    )
    config = load_config(config_file=str(config_file), site_dir=str(big_project / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        with pytest.raises(RuntimeError, match="failed with") as failure:
            build(config)
        assert "failed with 0 " not in str(failure.value), "no worker ran when it failed"
        deadline = time.monotonic() + 2
        while _children() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _children() == []  # ended by on_build_error: this process goes on
    finally:
        config.plugins.on_shutdown()


def _children() -> list[int]:
    """This process's worker children still running."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        state = stat.rsplit(")", 1)[1].split()[0]
        if parent == os.getpid() and _is_worker(int(entry.name), command) and state != "Z":
            found.append(int(entry.name))
    return found


def test_chart_workers_that_die_leave_their_charts_to_this_process() -> None:
    """Killed (out of memory, say) while drawing, the chart workers' charts are drawn here:
    the build goes on with every chart, as it does for the corpus and the analytics part."""
    from mkdocs_postmortems.adapters import analytics_build
    from mkdocs_postmortems.analytics import rows as analytics_rows
    from mkdocs_postmortems.core import taxonomy
    from mkdocs_postmortems.site import build as site_build
    from mkdocs_postmortems.site import catalog as catalog_module
    from mkdocs_postmortems.site import charts

    folder = REPO / "tests" / "fixtures" / "analytics-kb" / "postmortems"
    tax = taxonomy.load(folder / "taxonomy.yml")
    as_of = dt.date(2026, 6, 15)
    entries = corpus.load_corpus([folder], tax).entries
    catalog = catalog_module.build(entries, tax, as_of)
    job = site_build.AnalyticsJob(
        site_build.thin(catalog), analytics_rows.rows(entries, tax, as_of)
    )
    charts.clear_cache()  # every chart is drawn by a worker
    pending = analytics_build.Pending(job)
    paths = pending.chart_paths()  # the part is made; its charts are being drawn
    deadline = time.monotonic() + 20
    while not background.running() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert paths and background.stop_all() >= 1, "no chart worker to kill"
    drawn = pending.chart_files()
    assert set(drawn) == set(paths)
    assert all(svg.startswith(b"<?xml") for svg in drawn.values())
