"""How fast and how big is the site at scale, next to plain Material on the same files?

    python scripts/bench.py [--sizes 1000,2000,5000,10000] [--repeat 2] [--small-repeat K]
                            [--write FILE]

Writes the largest corpus once (scripts/synth_corpus.py; a smaller corpus is a prefix of a
larger one) and, for each size N, two projects beside it that share those files by hard link:

- ours: Material, `search` and `postmortems` reading the N files;
- plain: Material and `search` over the same N Markdown files copied into `docs/`, the pages
  kept out of the nav (`not_in_nav`), as a team without this plugin would publish them.

Then, alternating which goes first in each repeat, it times `mkdocs build` of both as
subprocesses (wall time, and peak memory from the kernel's accounting of that child), and
in-process the validation of the N files against the YAML parse floor. Once per size it runs
`mkdocs serve` of each, changes one postmortem, and times until the served page shows the
change; and it measures the size of a postmortem page, of the search index and of the site.

Every figure is reported with a ratio to the baseline measured in the same run. The result
is Markdown; `--write FILE` replaces the part of FILE between the bench markers with it. The
exit status is 1 when a goal of docs/performance.md does not hold in this run.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import bench_validate
import synth_corpus
from mkdocs_postmortems.core.corpus import Corpus

AS_OF = "2026-11-01"
BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"
MIB = 2**20
SERVE_TIMEOUT = 1800.0
POLL_SECONDS = 0.1

# The goals of issue 6, checked on every run.
BUILD_RATIO_GOAL = 1.3  # ours / plain at N = 2,000, and lower still at 10,000
VALIDATE_RATIO_GOAL = 2.0
MEMORY_GOAL = 1024 * MIB  # at N = 10,000
PAGE_GOAL = 60 * 1000
SMALL = 2000
"""Sizes up to this one build in well under a minute a round: `--small-repeat` gives them more
rounds, for little time, where a fixed cost and the machine's noise weigh most on the ratio."""

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
    seconds: float
    peak_bytes: int


@dataclass
class Size:
    n: int
    builds: dict[str, list[Run]] = field(default_factory=lambda: {"ours": [], "plain": []})
    validation: dict[str, list[float]] = field(default_factory=lambda: {"floor": [], "ours": []})
    rebuild: dict[str, float] = field(default_factory=dict)
    sizes: dict[str, dict[str, int]] = field(default_factory=dict)

    def median(self, kind: str) -> float:
        return statistics.median(run.seconds for run in self.builds[kind])

    def peak(self, kind: str) -> int:
        return max(run.peak_bytes for run in self.builds[kind])

    def best(self, kind: str) -> float:
        return min(self.validation[kind])


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


def _env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}


def build(project: Path, site: Path) -> Run:
    """`mkdocs build` of `project` in a child process: its wall time and peak resident set."""
    shutil.rmtree(site, ignore_errors=True)
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "--site-dir", str(site)]
    started = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=project, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"mkdocs build of {project} failed:\n{errors.decode(errors='replace')}")
    return Run(elapsed, usage.ru_maxrss * 1024)  # Linux reports kilobytes


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
    except OSError:
        return ""


def _wait_for(url: str, needle: str, server: subprocess.Popen[bytes], seconds: float) -> float:
    """Seconds until the page at `url` holds `needle`; fails the run past `seconds`."""
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if server.poll() is not None:
            raise SystemExit(f"mkdocs serve exited with {server.returncode} before {url} was up")
        if needle in _get(url):
            return time.perf_counter() - started
        time.sleep(POLL_SECONDS)
    raise SystemExit(f"{url} did not show {needle!r} within {seconds:.0f} s")


def serve_rebuild(project: Path, changed: Path, url_path: str) -> float:
    """Under `mkdocs serve`, seconds from rewriting `changed` until `url_path` shows it."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}{url_path}"
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        text = changed.read_text(encoding="utf-8")
        _wait_for(url, "</html>", server, SERVE_TIMEOUT)
        time.sleep(2)  # let the watcher settle after the first build
        marker = f"benchmarkedit{time.monotonic_ns()}"
        changed.unlink()  # a hard link: write a new file, leaving the shared corpus as it was
        changed.write_text(f"{text}\nEdited for the benchmark: {marker}.\n", encoding="utf-8")
        return _wait_for(url, marker, server, SERVE_TIMEOUT)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


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


def measure(n: int, corpus: Path, files: Sequence[Path], work: Path, repeat: int) -> Size:
    result = Size(n)
    root = work / f"n{n}"
    projects = make_projects(corpus, files[:n], root)
    validation = {"floor": bench_validate.floor, "ours": bench_validate.ours}
    for round_ in range(repeat):
        order = ("ours", "plain") if round_ % 2 == 0 else ("plain", "ours")
        for kind in order:
            run = build(projects[kind], root / f"site-{kind}")
            result.builds[kind].append(run)
            _log(
                f"N={n} round {round_ + 1}: build {kind} {run.seconds:.1f} s, "
                f"{run.peak_bytes / MIB:.0f} MiB"
            )
        for kind in ("floor", "ours") if round_ % 2 == 0 else ("ours", "floor"):
            folder = projects["ours"] / "postmortems"
            seconds = _timed(validation[kind], folder)
            result.validation[kind].append(seconds)
            _log(f"N={n} round {round_ + 1}: validate {kind} {seconds:.2f} s")

    first = files[0].relative_to(corpus)
    ours_site, plain_site = root / "site-ours", root / "site-plain"
    result.sizes["ours"] = site_sizes(
        ours_site, [ours_site / "postmortems" / path.stem / "index.html" for path in files[:n]]
    )
    result.sizes["plain"] = site_sizes(
        plain_site,
        [
            plain_site / "postmortems" / path.relative_to(corpus).with_suffix("") / "index.html"
            for path in files[:n]
        ],
    )
    for kind in ("ours", "plain"):
        if kind == "ours":
            changed, url = projects[kind] / "postmortems" / first, f"/postmortems/{first.stem}/"
        else:
            changed = projects[kind] / "docs" / "postmortems" / first
            url = f"/postmortems/{first.with_suffix('').as_posix()}/"
        result.rebuild[kind] = serve_rebuild(projects[kind], changed, url)
        _log(f"N={n}: serve rebuild {kind} {result.rebuild[kind]:.1f} s")
    shutil.rmtree(root)
    return result


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _mib(value: int) -> str:
    return f"{value / MIB:,.1f} MiB"


def _kb(value: int) -> str:
    return f"{value / 1000:,.1f} KB"


def report(command: str, results: Sequence[Size], corpus_bytes: float) -> str:
    lines = [
        f"Measured with `{command}` on {bench_validate.environment()}; synthetic postmortems "
        f"of {corpus_bytes / 1024:.1f} KiB on average. Builds are the median of their rounds, "
        "which alternate the side that goes first; validation is the best of the same rounds.",
        "",
        "| N | Rounds | Build, ours | Build, plain Material | Ratio | Peak memory, ours | Plain "
        "| Ratio |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in results:
        ours, plain = size.median("ours"), size.median("plain")
        peak_ours, peak_plain = size.peak("ours"), size.peak("plain")
        lines.append(
            f"| {size.n:,} | {len(size.builds['ours'])} | {ours:.1f} s | {plain:.1f} s "
            f"| {ours / plain:.2f} "
            f"| {_mib(peak_ours)} | {_mib(peak_plain)} | {peak_ours / peak_plain:.2f} |"
        )
    lines += [
        "",
        "| N | Validation, ours | YAML floor | Ratio | Serve rebuild, ours | Plain | Ratio |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in results:
        ours, floor = size.best("ours"), size.best("floor")
        re_ours, re_plain = size.rebuild["ours"], size.rebuild["plain"]
        lines.append(
            f"| {size.n:,} | {ours:.2f} s | {floor:.2f} s | {ours / floor:.2f} "
            f"| {re_ours:.1f} s | {re_plain:.1f} s | {re_ours / re_plain:.2f} |"
        )
    lines += [
        "",
        "| N | Postmortem page, ours (median / largest) | Plain | Search index, ours | Plain "
        "| Site, ours | Plain |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in results:
        mine, theirs = size.sizes["ours"], size.sizes["plain"]
        lines.append(
            f"| {size.n:,} | {_kb(mine['page_median'])} / {_kb(mine['page_max'])} "
            f"| {_kb(theirs['page_median'])} | {_mib(mine['search'])} "
            f"| {_mib(theirs['search'])} | {_mib(mine['site'])} | {_mib(theirs['site'])} |"
        )
    return "\n".join(lines) + "\n"


def goals(results: Sequence[Size]) -> list[tuple[str, bool]]:
    """Each goal of the issue that this run can judge, and whether it held."""
    by_n = {size.n: size for size in results}
    checks: list[tuple[str, bool]] = []
    if 2000 in by_n:
        ratio = by_n[2000].median("ours") / by_n[2000].median("plain")
        checks.append(
            (
                f"build at N=2,000 is {ratio:.2f}x plain (goal <= {BUILD_RATIO_GOAL})",
                ratio <= BUILD_RATIO_GOAL,
            )
        )
    if 10000 in by_n and 2000 in by_n:
        at_2k = by_n[2000].median("ours") / by_n[2000].median("plain")
        at_10k = by_n[10000].median("ours") / by_n[10000].median("plain")
        checks.append(
            (
                f"build ratio at N=10,000 ({at_10k:.2f}) is below N=2,000's ({at_2k:.2f})",
                at_10k < at_2k,
            )
        )
    if 10000 in by_n:
        peak = by_n[10000].peak("ours")
        checks.append(
            (f"peak memory at N=10,000 is {_mib(peak)} (goal < 1 GiB)", peak < MEMORY_GOAL)
        )
    for size in results:
        ratio = size.best("ours") / size.best("floor")
        checks.append(
            (
                f"validation at N={size.n:,} is {ratio:.2f}x the YAML floor "
                f"(goal <= {VALIDATE_RATIO_GOAL})",
                ratio <= VALIDATE_RATIO_GOAL,
            )
        )
        largest = size.sizes["ours"]["page_max"]
        checks.append(
            (
                f"largest postmortem page at N={size.n:,} is {_kb(largest)} (goal < 60 KB)",
                largest < PAGE_GOAL,
            )
        )
    return checks


def write_between_markers(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"{path}: expected the markers {BEGIN} and {END}, found none")
    path.write_text(pattern.sub(lambda _: f"{BEGIN}\n{block}{END}", text), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000,2000,5000,10000",
        help="corpus sizes, comma-separated (1000,2000,5000,10000)",
    )
    parser.add_argument("--repeat", type=int, default=2, help="alternating builds of each (2)")
    parser.add_argument(
        "--small-repeat",
        type=int,
        help=f"rounds at N <= {SMALL:,}, where they are quick (default: --repeat)",
    )
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (0)")
    parser.add_argument("--write", type=Path, help="put the results between the markers here")
    args = parser.parse_args(argv)
    try:
        sizes = sorted({int(part) for part in args.sizes.split(",")})
    except ValueError:
        parser.error(f"--sizes: expected whole numbers separated by commas, got {args.sizes!r}")
    small_repeat = args.repeat if args.small_repeat is None else args.small_repeat
    if sizes[0] < 1 or args.repeat < 1 or small_repeat < 1:
        parser.error("sizes, --repeat and --small-repeat must be at least 1")
    command = f"python scripts/bench.py --sizes {','.join(map(str, sizes))} --repeat {args.repeat}"
    if small_repeat != args.repeat:
        command += f" --small-repeat {small_repeat}"
    if args.seed:
        command += f" --seed {args.seed}"

    with tempfile.TemporaryDirectory(prefix="pm-bench-") as temp:
        work = Path(temp)
        corpus = work / "corpus"
        started = time.perf_counter()
        files = synth_corpus.generate(sizes[-1], corpus, args.seed)
        _log(f"generated {len(files)} files in {time.perf_counter() - started:.0f} s")
        average = sum(path.stat().st_size for path in files) / len(files)
        results = [
            measure(n, corpus, files, work, small_repeat if n <= SMALL else args.repeat)
            for n in sizes
        ]

    block = report(command, results, average)
    checks = goals(results)
    block += "\n" + "\n".join(f"- {'Met' if ok else 'NOT MET'}: {text}" for text, ok in checks)
    block += "\n"
    print(block)
    if args.write:
        write_between_markers(args.write, block)
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
