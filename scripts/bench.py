"""How fast and how big is the site at scale, next to plain Material on the same files?

    python scripts/bench.py [--sizes 1000,2000,5000,10000] [--short-sizes 2000] [--repeat 2]
                            [--small-repeat K] [--edits K] [--seed S] [--held-out SEED]
                            [--write FILE]

Two corpora (scripts/synth_corpus.py): long postmortems of 4-6 KiB at each of `--sizes`, and
short ones of about 4 KB at each of `--short-sizes` (from `--held-out SEED` when given, to try
a corpus no one tuned for). Each is written once at its largest size, a smaller corpus being
a prefix of a larger one, and for each size N two projects beside it share those files by
hard link:

- ours: Material, `search` and `postmortems` reading the N files;
- plain: Material and `search` over the same N Markdown files copied into `docs/`, the pages
  kept out of the nav (`not_in_nav`), as a team without this plugin would publish them.

Then, for each corpus and size:

- alternating which goes first in each round, `mkdocs build` of both as child processes:
  wall time, CPU time (user + system of the build and of every process under it, workers
  and orphans included: scripts/bench_rusage.py) and peak memory;
- in-process, alternating too, the validation of the N files against the YAML parse floor;
- under `mkdocs serve` of each, with a TMPDIR of its own so that its temporary site folder
  (`mkdocs_*`) is found: rewriting a published postmortem, then the seconds until the page's
  new HTML is on disk in that folder, until the server serves it, and until the site is
  whole again (the end of the rebuild that put the edit into the search index). `--edits`
  postmortems are edited in turn at N <= 2,000, one above;
- the size of a postmortem page, of the search index and of the site.

Every figure is reported with a ratio to plain Material measured in the same run. The result
is Markdown; `--write FILE` replaces the part of FILE between the bench markers with it. The
exit status is 1 when a goal of docs/performance.md does not hold in this run.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import bench_validate
import mkdocs_postmortems
import synth_corpus
from mkdocs_postmortems.core.corpus import Corpus

AS_OF = "2026-11-01"
BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"
MIB = 2**20
SCRIPTS = Path(__file__).resolve().parent
SERVE_TIMEOUT = 1800.0
FOLLOW_TIMEOUT = 300.0
"""At least this long for the search index to take an edit in (five first builds if longer)."""
POLL_SECONDS = 0.05
CLOCKS_SECONDS = 0.1
"""How far a file's modification time may be from `time.time()` (far less than a build)."""
SETTLE_SECONDS = 2.0
"""Serve's log is quiet this long before an edit: no rebuild still under way."""
LONG, SHORT = "long", "short"
SIDES = ("ours", "plain")

# The goals of issues 6 and 19, checked on every run.
BUILD_RATIO_GOAL = 1.3  # wall, ours / plain at N = 2,000 on both corpora; lower at 10,000
CPU_RATIO_GOAL = 1.5  # CPU, ours / plain at N = 2,000 short postmortems
EDIT_GOAL = 3.0  # seconds from saving a postmortem to its new page on disk, at N = 2,000
VALIDATE_RATIO_GOAL = 2.0
MEMORY_GOAL = 1024 * MIB  # at N = 10,000
PAGE_GOAL = 60 * 1000
GOAL_N = 2000
SMALL = 2000
"""Sizes up to this one build in well under a minute a round: `--small-repeat` gives them more
rounds and `--edits` more edits, for little time, where a fixed cost and the machine's noise
weigh most on the ratio."""

THEME = """\
theme:
  name: material
  font: false
"""

MARKDOWN = """\
markdown_extensions:
  - admonition
  - attr_list
  - tables
  - toc:
      permalink: true
"""
"""The same Markdown for both sites, as a documentation site would have."""

OURS_CONFIG = f"""\
site_name: Bench (ours)
site_url: https://bench.example.com/
{THEME}plugins:
  - search
  - postmortems:
      dir: postmortems
      as_of: "{AS_OF}"
{MARKDOWN}"""

PLAIN_CONFIG = f"""\
site_name: Bench (plain Material)
site_url: https://bench.example.com/
{THEME}plugins:
  - search
not_in_nav: |
  /postmortems/
{MARKDOWN}"""

INDEX = "# Postmortems\n\nThe knowledge base.\n"


@dataclass
class Run:
    """One build: wall time, CPU time of all its processes, and the largest resident set."""

    seconds: float
    cpu: float
    peak_bytes: int
    orphans: int = 0
    """Processes of the build that it did not wait for (counted all the same)."""


@dataclass
class Edit:
    """Seconds from rewriting a postmortem under `mkdocs serve` until its new page is..."""

    on_disk: float
    """... written in serve's site folder;"""
    served: float
    """... served over HTTP;"""
    whole: float | None
    """... and until the rebuild that put the edit into the search index ended (None: not
    seen, see `searched`)."""
    searched: bool = True
    """The search index took the edit in (within the follow-up timeout)."""


@dataclass
class Size:
    n: int
    corpus: str = LONG
    builds: dict[str, list[Run]] = field(default_factory=lambda: {"ours": [], "plain": []})
    validation: dict[str, list[float]] = field(default_factory=lambda: {"floor": [], "ours": []})
    edits: dict[str, list[Edit]] = field(default_factory=lambda: {"ours": [], "plain": []})
    sizes: dict[str, dict[str, int]] = field(default_factory=dict)

    def median(self, side: str) -> float:
        return statistics.median(run.seconds for run in self.builds[side])

    def cpu(self, side: str) -> float:
        return statistics.median(run.cpu for run in self.builds[side])

    def round_ratios(self, what: str) -> list[float]:
        """Each round's ours over its plain (`what`: "seconds" or "cpu"): the two sides of a
        round are built one after the other, so the machine's drift over a run, which moves
        both, cancels out of these better than out of the ratio of the medians."""
        pairs = zip(self.builds["ours"], self.builds["plain"], strict=True)
        return [getattr(ours, what) / getattr(plain, what) for ours, plain in pairs]

    def spread(self, what: str) -> str:
        """The rounds' ratios as `median (lowest-highest)`."""
        ratios = self.round_ratios(what)
        return f"{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})"

    def peak(self, side: str) -> int:
        return max(run.peak_bytes for run in self.builds[side])

    def best(self, kind: str) -> float:
        return min(self.validation[kind])

    def edit(self, side: str, what: str) -> float | None:
        """The median over the edits of `what` ("on_disk", "served", "whole"); None when an
        edit has no such figure."""
        values: list[float | None] = [getattr(edit, what) for edit in self.edits[side]]
        present = [value for value in values if value is not None]
        if not values or len(present) < len(values):
            return None
        return statistics.median(present)

    @property
    def label(self) -> str:
        return f"{self.corpus}, N={self.n:,}"


# --------------------------------------------------------------------------------------------
# Projects
# --------------------------------------------------------------------------------------------


def _link_tree(files: Sequence[Path], source: Path, target: Path) -> None:
    """Hard-link `files` (under `source`) to the same relative places under `target`."""
    for path in files:
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.link(path, destination)


def make_projects(corpus: Path, files: Sequence[Path], root: Path) -> dict[str, Path]:
    ours = root / "ours"
    _link_tree(files, corpus, ours / "postmortems")
    shutil.copy(corpus / synth_corpus.TAXONOMY_FILENAME, ours / "postmortems")
    (ours / "docs").mkdir()
    (ours / "docs" / "index.md").write_text(INDEX, encoding="utf-8")
    (ours / "mkdocs.yml").write_text(OURS_CONFIG, encoding="utf-8")

    plain = root / "plain"
    _link_tree(files, corpus, plain / "docs" / "postmortems")
    (plain / "docs" / "index.md").write_text(INDEX, encoding="utf-8")
    (plain / "mkdocs.yml").write_text(PLAIN_CONFIG, encoding="utf-8")
    return {"ours": ours, "plain": plain}


@dataclass(frozen=True)
class Target:
    """A postmortem as each side has it: its file and its page (URL path, and file in a
    site folder)."""

    source: Path
    url: str
    html: str


def targets(projects: dict[str, Path], corpus: Path, path: Path) -> dict[str, Target]:
    relative = path.relative_to(corpus)
    page = relative.with_suffix("").as_posix()
    return {
        "ours": Target(
            projects["ours"] / "postmortems" / relative,
            f"/postmortems/{path.stem}/",
            f"postmortems/{path.stem}/index.html",
        ),
        "plain": Target(
            projects["plain"] / "docs" / "postmortems" / relative,
            f"/postmortems/{page}/",
            f"postmortems/{page}/index.html",
        ),
    }


def editable(files: Sequence[Path], count: int) -> list[Path]:
    """`count` published postmortems spread over `files` (a draft has no page of its own)."""
    published = [path for path in files if _published(path)]
    if not published:
        raise SystemExit("no published postmortem to edit under mkdocs serve")
    count = min(count, len(published))
    return [published[i * len(published) // count] for i in range(count)]


def _published(path: Path) -> bool:
    front = path.read_text(encoding="utf-8").split("\n---\n", 1)[0]
    return "\nstatus: published\n" in front


# --------------------------------------------------------------------------------------------
# Builds
# --------------------------------------------------------------------------------------------


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0", **extra}


def measured(command: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run `command` under scripts/bench_rusage.py: its wall time, the CPU time of it and of
    every process under it, and the peak resident set. Fails the run if it fails."""
    done = subprocess.run(
        [sys.executable, str(SCRIPTS / "bench_rusage.py"), *command],
        cwd=cwd,
        env=_env() if env is None else env,
        capture_output=True,
        check=False,
    )
    errors = done.stderr.decode(errors="replace")
    try:
        figures = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"{' '.join(command)} in {cwd} could not be measured:\n{errors}") from None
    if figures["exit"] != 0:
        raise SystemExit(f"{' '.join(command)} in {cwd} failed:\n{errors}")
    if figures["lingering"]:
        _log(f"{' '.join(command)} in {cwd}: processes still running a minute after it ended")
    return Run(figures["seconds"], figures["cpu"], figures["peak_bytes"], figures["orphans"])


def build(project: Path, site: Path, cache: Path) -> Run:
    """`mkdocs build` of `project` in a child process, into `site`, a folder that does not
    exist yet, on the RAM disk where there is one (`sites_folder`); compiled templates are
    kept in `cache` (`site/template_cache.py`), which the first build of a size finds empty."""
    if site.exists():
        raise SystemExit(f"{site} exists: each build is measured into a new folder")
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "--site-dir", str(site)]
    return measured(command, project, _env(POSTMORTEMS_CACHE_DIR=str(cache)))


def compile_package() -> None:
    """Compile the plugin's modules, as installing a package does (pip writes the .pyc of
    every module it installs; Material's came so). An editable install is compiled as it is
    first imported, unless PYTHONDONTWRITEBYTECODE is set: then every build of ours would
    compile our modules again, and plain Material's builds would not compile theirs."""
    package = Path(mkdocs_postmortems.__file__).parent
    done = subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(package)], capture_output=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"compileall {package} failed:\n{done.stdout.decode()}")


# --------------------------------------------------------------------------------------------
# Edits under serve
# --------------------------------------------------------------------------------------------

BUILT = ("Documentation built in", "Reloading browsers")
"""The end of a build in serve's log. MkDocs drops a message that repeats the last one, so
two builds that took the same time log "built in" once; its reload follows every build."""


class ServeLog:
    """Serve's log lines, each with the time (`time.time()`) it came; read in a thread so that
    the server never waits on a full pipe."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.lines: list[tuple[float, str]] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[bytes]) -> None:
        for raw in iter(stream.readline, b""):
            self.lines.append((time.time(), raw.decode("utf-8", errors="replace").rstrip()))

    def built_since(self, moment: float) -> float | None:
        """When the first build that ended at or after `moment` ended."""
        return next(
            (
                at
                for at, line in list(self.lines)
                if at >= moment and any(end in line for end in BUILT)
            ),
            None,
        )

    def quiet(self, seconds: float, limit: float) -> None:
        """Wait until nothing was logged for `seconds` (at most `limit` seconds)."""
        started = time.time()
        while time.time() - started < limit:
            last = self.lines[-1][0] if self.lines else started
            if time.time() - max(last, started) >= seconds:
                return
            time.sleep(POLL_SECONDS)

    def tail(self, count: int = 30) -> str:
        return "\n".join(line for _, line in self.lines[-count:])


class Probe(threading.Thread):
    """Calls `check` every `interval` seconds until it holds or `deadline` (a `time.time()`)
    passes; `at` is then when it first held."""

    def __init__(self, check: Callable[[], bool], interval: float, deadline: float) -> None:
        super().__init__(daemon=True)
        self.check, self.interval, self.deadline = check, interval, deadline
        self.at: float | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set() and time.time() < self.deadline:
            if self.check():
                self.at = time.time()
                return
            self.stop.wait(self.interval)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            text: str = reply.read().decode("utf-8")
            return text
    except (OSError, ValueError):
        return ""


def _holds(paths: Iterable[Path], needle: bytes) -> bool:
    for path in paths:
        try:
            if needle in path.read_bytes():
                return True
        except OSError:  # not there yet, or being replaced
            continue
    return False


class SearchIndex:
    """Whether serve's search index holds a word, read again only when the file changed;
    `written` is the modification time of the version that first held it."""

    def __init__(self, site_folders: Callable[[], list[Path]], needle: bytes) -> None:
        self.site_folders, self.needle = site_folders, needle
        self.seen: dict[Path, tuple[int, int]] = {}
        self.written: float | None = None

    def __call__(self) -> bool:
        for folder in self.site_folders():
            path = folder / "search" / "search_index.json"
            try:
                stat = path.stat()
                if self.seen.get(path) == (stat.st_mtime_ns, stat.st_size):
                    continue
                data = path.read_bytes()
            except OSError:
                continue
            self.seen[path] = (stat.st_mtime_ns, stat.st_size)
            if self.needle in data:
                self.written = stat.st_mtime_ns / 1e9
                return True
        return False


class Server:
    """`mkdocs serve` of a project in a child process, with `temp` as its TMPDIR: serve builds
    into `tempfile.mkdtemp(prefix="mkdocs_")`, so the folders `temp/mkdocs_*` are its own."""

    def __init__(self, project: Path, temp: Path, cache: Path) -> None:
        temp.mkdir(parents=True, exist_ok=True)
        self.project, self.temp, self.port = project, temp, _free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{self.port}"],
            cwd=project,
            env=_env(TMPDIR=str(temp), POSTMORTEMS_CACHE_DIR=str(cache)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        assert self.process.stderr is not None
        self.log = ServeLog(self.process.stderr)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def folders(self) -> list[Path]:
        return sorted(path for path in self.temp.glob("mkdocs_*") if path.is_dir())

    def wait(self, probe: Probe, what: str) -> float:
        """When `probe` held; fails the run if it gave up."""
        self.follow(probe, what)
        if probe.at is None:
            raise SystemExit(
                f"mkdocs serve in {self.project}: no {what} in time:\n{self.log.tail()}"
            )
        return probe.at

    def follow(self, probe: Probe, what: str) -> None:
        """Wait for `probe` to end; fails the run if the server ends first."""
        while probe.is_alive():
            if self.process.poll() is not None:
                probe.stop.set()
                raise SystemExit(
                    f"mkdocs serve in {self.project} exited with {self.process.returncode} "
                    f"waiting for {what}:\n{self.log.tail()}"
                )
            probe.join(POLL_SECONDS * 4)

    def close(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def serve_edits(project: Path, edits: Sequence[Target], temp: Path, cache: Path) -> list[Edit]:
    """Under `mkdocs serve` of `project`, rewrite each of `edits` in turn; what each took."""
    server = Server(project, temp, cache)
    try:
        started = time.time()
        first = edits[0]
        up = Probe(lambda: "</html>" in _get(server.url(first.url)), 0.25, started + SERVE_TIMEOUT)
        up.start()
        first_build = server.wait(up, f"the first page at {first.url}") - started
        if not any((folder / first.html).is_file() for folder in server.folders()):
            raise SystemExit(f"mkdocs serve in {project}: no site folder in {temp}")
        follow_timeout = max(FOLLOW_TIMEOUT, 5 * first_build)
        server.log.quiet(SETTLE_SECONDS, 60)
        results: list[Edit] = []
        for target in edits:
            results.append(_edit(server, target, follow_timeout))
            server.log.quiet(SETTLE_SECONDS, 120)
        return results
    finally:
        server.close()


def _edit(server: Server, target: Target, follow_timeout: float) -> Edit:
    """Rewrite `target`'s file, adding a word to it; the seconds until the word is in the
    page's file in serve's site folder, at the page's URL, and in the search index."""
    marker = f"benchmarkedit{time.monotonic_ns()}"
    needle = marker.encode()
    text = target.source.read_text(encoding="utf-8")
    target.source.unlink()  # a hard link: the shared corpus is left as it was
    edited = time.time()
    target.source.write_text(f"{text}\nEdited for the benchmark: {marker}.\n", encoding="utf-8")
    search = SearchIndex(server.folders, needle)
    deadline = edited + SERVE_TIMEOUT
    pages = Probe(
        lambda: _holds((folder / target.html for folder in server.folders()), needle),
        POLL_SECONDS,
        deadline,
    )
    url = server.url(target.url)
    http = Probe(lambda: marker in _get(url), POLL_SECONDS * 2, deadline)
    indexed = Probe(search, POLL_SECONDS * 2, edited + follow_timeout)
    for probe in (pages, http, indexed):
        probe.start()
    on_disk = server.wait(pages, f"{marker} on disk in {target.html}") - edited
    served = server.wait(http, f"{marker} at {target.url}") - edited
    server.follow(indexed, f"{marker} in the search index")
    if search.written is None:
        return Edit(on_disk, served, None, searched=False)
    # The build that wrote the index logs its end after it; the file's time and the log's
    # come from different clocks, which can differ by a millisecond or so.
    written = search.written - CLOCKS_SECONDS
    ended = _until(lambda: server.log.built_since(written), 60)
    return Edit(on_disk, served, None if ended is None else ended - edited)


def _until(function: Callable[[], float | None], seconds: float) -> float | None:
    """The first value of `function` that is not None, asked until `seconds` have passed."""
    started = time.time()
    while True:
        value = function()
        if value is not None or time.time() - started > seconds:
            return value
        time.sleep(POLL_SECONDS)


# --------------------------------------------------------------------------------------------
# One corpus at one size
# --------------------------------------------------------------------------------------------


def _tree_bytes(directory: Path) -> int:
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())


def site_sizes(site: Path, pages: Sequence[Path]) -> dict[str, int]:
    """Sizes of the postmortem pages (drafts have none), the search index and the site."""
    page_bytes = sorted(page.stat().st_size for page in pages if page.is_file())
    return {
        "page_median": int(statistics.median(page_bytes)),
        "page_max": page_bytes[-1],
        "search": (site / "search" / "search_index.json").stat().st_size,
        "site": _tree_bytes(site),
    }


def _timed(function: Callable[[Path], object], directory: Path) -> float:
    gc.collect()
    started = time.perf_counter()
    result = function(directory)
    elapsed = time.perf_counter() - started
    if isinstance(result, Corpus):
        bench_validate.check_ours(result, len(result.entries))
    return elapsed


SITES_ROOM = 4 * 1024**3
"""What a RAM disk must have free to take the sites of one size (10,000 long: about 1.8 GB)."""


def sites_folder(stack: contextlib.ExitStack, work: Path) -> tuple[Path, bool]:
    """Where the builds write their sites, and whether that is a RAM disk.

    This machine's disk moved the figures by more than the plugin's own changes did. Its
    ext4 has no journal, so the kernel will not reuse an inode deleted in the last minutes
    and looks past each one for every file it creates: a build made just after the last
    site was deleted spent 1.5 to 2.3 s of its CPU in `find_inode_bit` and
    `recently_deleted` (perf), on both sides. Keeping every site instead left gigabytes in
    the page cache, and writing grew dearer as they piled up, the more for the side that
    writes more: at 2,000 short postmortems the CPU ratio was 1.44x in a run of that size
    alone and 1.52x at the end of `make bench`. A RAM disk has neither, and a size's sites
    are deleted when it is measured."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > SITES_ROOM:
        folder = tempfile.TemporaryDirectory(prefix="pm-bench-sites-", dir=shm)
        return Path(stack.enter_context(folder)), True
    return work, False


def measure(
    n: int,
    corpus: Path,
    files: Sequence[Path],
    work: Path,
    repeat: int,
    edits: int = 1,
    name: str = LONG,
    sites: Path | None = None,
) -> Size:
    """One size of one corpus: its builds write into `sites` (default: beside the projects,
    in `work`), each into a new folder, all deleted at the end when `sites` is given."""
    result = Size(n, name)
    root = work / f"{name}-n{n}"
    projects = make_projects(corpus, files[:n], root)
    built = (sites or work) / f"{name}-n{n}-sites"
    cache = root / "template-cache"  # empty: round 1 of ours compiles every template
    validation = {"floor": bench_validate.floor, "ours": bench_validate.ours}
    for round_ in range(repeat):
        order = SIDES if round_ % 2 == 0 else SIDES[::-1]
        for side in order:
            run = build(projects[side], built / f"site-{side}-{round_ + 1}", cache)
            result.builds[side].append(run)
            orphans = f", {run.orphans} orphaned processes" if run.orphans else ""
            _log(
                f"{result.label} round {round_ + 1}: build {side} {run.seconds:.1f} s, "
                f"CPU {run.cpu:.1f} s, {run.peak_bytes / MIB:.0f} MiB{orphans}"
            )
        for kind in ("floor", "ours") if round_ % 2 == 0 else ("ours", "floor"):
            folder = projects["ours"] / "postmortems"
            seconds = _timed(validation[kind], folder)
            result.validation[kind].append(seconds)
            _log(f"{result.label} round {round_ + 1}: validate {kind} {seconds:.2f} s")

    for side in SIDES:
        site = built / f"site-{side}-{repeat}"
        pages = [site / targets(projects, corpus, path)[side].html for path in files[:n]]
        result.sizes[side] = site_sizes(site, pages)

    chosen = [targets(projects, corpus, path) for path in editable(files[:n], edits)]
    for side in SIDES:
        done = serve_edits(
            projects[side], [each[side] for each in chosen], root / f"tmp-{side}", cache
        )
        result.edits[side] = done
        for edit in done:
            whole = "not seen" if edit.whole is None else f"{edit.whole:.1f} s"
            _log(
                f"{result.label}: serve edit {side}: page on disk {edit.on_disk:.2f} s, "
                f"served {edit.served:.2f} s, site whole again {whole}"
            )
    if sites is not None:
        shutil.rmtree(built)
    return result


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Report and goals
# --------------------------------------------------------------------------------------------


def _mib(value: int) -> str:
    return f"{value / MIB:,.1f} MiB"


def _kb(value: int) -> str:
    return f"{value / 1000:,.1f} KB"


def _s(value: float | None, digits: int = 1) -> str:
    return "not seen" if value is None else f"{value:.{digits}f} s"


def _ratio(mine: float | None, theirs: float | None) -> str:
    return "-" if mine is None or theirs is None or theirs == 0 else f"{mine / theirs:.2f}"


def report(
    command: str, results: Sequence[Size], corpora: dict[str, str], in_memory: bool = False
) -> str:
    described = "; ".join(f"{name}: {text}" for name, text in corpora.items())
    where = "a RAM disk (`/dev/shm`)" if in_memory else "the disk, each into a new folder"
    lines = [
        f"Measured with `{command}` on {bench_validate.environment()}. Synthetic postmortems, "
        f"{described}. Builds are the median of their rounds, which alternate the side that "
        "goes first; CPU is user plus system time of the build and every process it ran; "
        "validation is the best of the same rounds; serve figures are the median of the edits. "
        f"Sites are written to {where} (see `sites_folder` in `scripts/bench.py`). The "
        "plugin's modules are compiled before the first build, as installing it does "
        "(`compile_package`).",
        "",
        "| Corpus | N | Rounds | Build, ours | Build, plain Material | Ratio | CPU, ours "
        "| CPU, plain | Ratio | Peak memory, ours | Plain | Ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in results:
        ours, plain = size.median("ours"), size.median("plain")
        cpu_ours, cpu_plain = size.cpu("ours"), size.cpu("plain")
        peak_ours, peak_plain = size.peak("ours"), size.peak("plain")
        lines.append(
            f"| {size.corpus} | {size.n:,} | {len(size.builds['ours'])} | {ours:.1f} s "
            f"| {plain:.1f} s | {ours / plain:.2f} | {cpu_ours:.1f} s | {cpu_plain:.1f} s "
            f"| {cpu_ours / cpu_plain:.2f} "
            f"| {_mib(peak_ours)} | {_mib(peak_plain)} | {peak_ours / peak_plain:.2f} |"
        )
    lines += [
        "",
        "Each round's ratio (ours over plain, built one after the other), median and range "
        "over the rounds:",
        "",
        "| Corpus | N | Rounds | Wall-time ratio | CPU ratio | CPU ratio, round 1 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in results:
        lines.append(
            f"| {size.corpus} | {size.n:,} | {len(size.builds['ours'])} "
            f"| {size.spread('seconds')} | {size.spread('cpu')} "
            f"| {size.round_ratios('cpu')[0]:.2f} |"
        )
    lines += [
        "",
        "Round 1 of ours is each size's first build: it finds the template cache empty and "
        "compiles every template, as a build on a new machine (or a CI runner that does not "
        "keep the cache folder) does; the later rounds find them compiled.",
    ]
    lines += [
        "",
        "Under `mkdocs serve`, from saving a postmortem until its new page is on disk in "
        "serve's site folder, until it is served, and until the site is whole again (the "
        "rebuild that put the edit into the search index has ended):",
        "",
        "| Corpus | N | Edits | Page on disk, ours | Plain | Ratio | Page served, ours | Plain "
        "| Site whole again, ours | Plain |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in results:
        disk_ours, disk_plain = size.edit("ours", "on_disk"), size.edit("plain", "on_disk")
        lines.append(
            f"| {size.corpus} | {size.n:,} | {len(size.edits['ours'])} | {_s(disk_ours, 2)} "
            f"| {_s(disk_plain, 2)} | {_ratio(disk_ours, disk_plain)} "
            f"| {_s(size.edit('ours', 'served'), 2)} | {_s(size.edit('plain', 'served'), 2)} "
            f"| {_s(size.edit('ours', 'whole'))} | {_s(size.edit('plain', 'whole'))} |"
        )
    lines += [
        "",
        "| Corpus | N | Validation, ours | YAML floor | Ratio |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for size in results:
        ours, floor = size.best("ours"), size.best("floor")
        lines.append(
            f"| {size.corpus} | {size.n:,} | {ours:.2f} s | {floor:.2f} s | {ours / floor:.2f} |"
        )
    lines += [
        "",
        "| Corpus | N | Postmortem page, ours (median / largest) | Plain | Search index, ours "
        "| Plain | Site, ours | Plain |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in results:
        mine, theirs = size.sizes["ours"], size.sizes["plain"]
        lines.append(
            f"| {size.corpus} | {size.n:,} | {_kb(mine['page_median'])} / "
            f"{_kb(mine['page_max'])} | {_kb(theirs['page_median'])} | {_mib(mine['search'])} "
            f"| {_mib(theirs['search'])} | {_mib(mine['site'])} | {_mib(theirs['site'])} |"
        )
    orphans = sum(run.orphans for size in results for run in size.builds["ours"])
    if orphans:
        lines += [
            "",
            f"Builds of ours left {orphans} {'process' if orphans == 1 else 'processes'} "
            "they did not wait for; their CPU time is counted all the same.",
        ]
    return "\n".join(lines) + "\n"


def goals(results: Sequence[Size]) -> list[tuple[str, bool]]:
    """Each goal of the issues that this run can judge, and whether it held."""
    by_key = {(size.corpus, size.n): size for size in results}
    checks: list[tuple[str, bool]] = []

    def check(text: str, ok: bool) -> None:
        checks.append((text, ok))

    for name in (LONG, SHORT):
        at = by_key.get((name, GOAL_N))
        if at is None:
            continue
        ratio = at.median("ours") / at.median("plain")
        check(
            f"build at N=2,000 {name} postmortems is {ratio:.2f}x plain's wall time "
            f"(goal <= {BUILD_RATIO_GOAL})",
            ratio <= BUILD_RATIO_GOAL,
        )
        # The goal names the short corpus; its "done when" reads as both.
        cpu = at.cpu("ours") / at.cpu("plain")
        check(
            f"build at N=2,000 {name} postmortems uses {cpu:.2f}x plain's CPU time "
            f"(goal <= {CPU_RATIO_GOAL})",
            cpu <= CPU_RATIO_GOAL,
        )
        on_disk, served = at.edit("ours", "on_disk"), at.edit("ours", "served")
        if on_disk is not None and served is not None:
            check(
                f"an edited page is on disk under serve in {on_disk:.2f} s (served in "
                f"{served:.2f} s) at N=2,000 {name} postmortems (goal <= {EDIT_GOAL:.0f} s)",
                on_disk <= EDIT_GOAL,
            )
    long_2k, long_10k = by_key.get((LONG, GOAL_N)), by_key.get((LONG, 10000))
    if long_2k is not None and long_10k is not None:
        at_2k = long_2k.median("ours") / long_2k.median("plain")
        at_10k = long_10k.median("ours") / long_10k.median("plain")
        check(
            f"build ratio at N=10,000 ({at_10k:.2f}) is below N=2,000's ({at_2k:.2f})",
            at_10k < at_2k,
        )
    if long_10k is not None:
        peak = long_10k.peak("ours")
        check(f"peak memory at N=10,000 is {_mib(peak)} (goal < 1 GiB)", peak < MEMORY_GOAL)
    for size in results:
        missed = sum(not edit.searched for edit in size.edits["ours"])
        if size.edits["ours"]:
            check(
                f"every edit under serve reached the search index at {size.label} "
                f"({len(size.edits['ours']) - missed} of {len(size.edits['ours'])})",
                not missed,
            )
        ratio = size.best("ours") / size.best("floor")
        check(
            f"validation at {size.label} is {ratio:.2f}x the YAML floor "
            f"(goal <= {VALIDATE_RATIO_GOAL})",
            ratio <= VALIDATE_RATIO_GOAL,
        )
        largest = size.sizes["ours"]["page_max"]
        check(
            f"largest postmortem page at {size.label} is {_kb(largest)} (goal < 60 KB)",
            largest < PAGE_GOAL,
        )
    return checks


def write_between_markers(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"{path}: expected the markers {BEGIN} and {END}, found none")
    path.write_text(pattern.sub(lambda _: f"{BEGIN}\n{block}{END}", text), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def _sizes(parser: argparse.ArgumentParser, option: str, text: str) -> list[int]:
    try:
        sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        parser.error(f"{option}: expected whole numbers separated by commas, got {text!r}")
    if sizes and sizes[0] < 1:
        parser.error(f"{option}: sizes must be at least 1")
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000,2000,5000,10000",
        help="sizes of the corpus of long postmortems, comma-separated (1000,2000,5000,10000); "
        "empty for none",
    )
    parser.add_argument(
        "--short-sizes",
        default="2000",
        help="sizes of the corpus of short postmortems (2000); empty for none",
    )
    parser.add_argument("--repeat", type=int, default=2, help="alternating builds of each (2)")
    parser.add_argument(
        "--small-repeat",
        type=int,
        help=f"rounds at N <= {SMALL:,}, where they are quick (default: --repeat)",
    )
    parser.add_argument(
        "--edits",
        type=int,
        default=3,
        help=f"postmortems edited under serve at N <= {SMALL:,}, one above (3)",
    )
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (0)")
    parser.add_argument(
        "--held-out",
        type=int,
        metavar="SEED",
        help="write the short postmortems from SEED instead of --seed: a corpus not tuned for",
    )
    parser.add_argument("--write", type=Path, help="put the results between the markers here")
    args = parser.parse_args(argv)
    long_sizes = _sizes(parser, "--sizes", args.sizes)
    short_sizes = _sizes(parser, "--short-sizes", args.short_sizes)
    small_repeat = args.repeat if args.small_repeat is None else args.small_repeat
    if args.repeat < 1 or small_repeat < 1 or args.edits < 1:
        parser.error("--repeat, --small-repeat and --edits must be at least 1")
    if not long_sizes and not short_sizes:
        parser.error("--sizes and --short-sizes are both empty: nothing to measure")
    command = f"python scripts/bench.py --sizes {','.join(map(str, long_sizes)) or repr('')}"
    if short_sizes != [GOAL_N]:
        command += f" --short-sizes {','.join(map(str, short_sizes))}"
    command += f" --repeat {args.repeat}"
    if small_repeat != args.repeat:
        command += f" --small-repeat {small_repeat}"
    if args.edits != 3:
        command += f" --edits {args.edits}"
    if args.seed:
        command += f" --seed {args.seed}"
    short_seed = args.seed if args.held_out is None else args.held_out
    if args.held_out is not None:
        command += f" --held-out {args.held_out}"

    results: list[Size] = []
    corpora: dict[str, str] = {}
    plan = [
        (LONG, long_sizes, args.seed, synth_corpus.LONG),
        (SHORT, short_sizes, short_seed, synth_corpus.SHORT),
    ]
    compile_package()
    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pm-bench-")))
        sites, in_memory = sites_folder(stack, work)
        for name, sizes, seed, profile in plan:
            if not sizes:
                continue
            corpus = work / f"corpus-{name}"
            started = time.perf_counter()
            files = synth_corpus.generate(sizes[-1], corpus, seed, profile)
            _log(f"generated {len(files)} {name} files in {time.perf_counter() - started:.0f} s")
            average = sum(path.stat().st_size for path in files) / len(files)
            corpora[name] = f"{average / 1000:.1f} KB on average, seed {seed}"
            for n in sizes:
                small = n <= SMALL
                repeat = small_repeat if small else args.repeat
                results.append(
                    measure(
                        n,
                        corpus,
                        files,
                        work,
                        repeat,
                        args.edits if small else 1,
                        name,
                        sites if in_memory else None,
                    )
                )

    block = report(command, results, corpora, in_memory)
    checks = goals(results)
    block += "\n" + "\n".join(f"- {'Met' if ok else 'NOT MET'}: {text}" for text, ok in checks)
    block += "\n"
    print(block)
    if args.write:
        write_between_markers(args.write, block)
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
