"""How fast is validation, next to the fastest possible YAML parse of the same files?

    python scripts/bench_validate.py [--n 5000] [--repeat 3] [--seed 0] [--profile]

Writes N synthetic postmortems (scripts/synth_corpus.py) to a temporary folder, then in one
run, alternating which goes first in each repeat, times:

- the floor: read each file, split off the front matter (the text between the first two
  `---` lines) and `yaml.load(text, Loader=yaml.CSafeLoader)`;
- ours: `load_corpus([dir], taxonomy.load(dir / "taxonomy.yml"))`, which must report no
  diagnostics at all.

It also times `postmortems validate one.md` as a subprocess against `python -c pass` (the
interpreter's own start-up), and checks that the validate path imports neither pandas,
matplotlib nor MkDocs. The results are printed as Markdown to paste into the README; the exit
status is 1 when a check fails. `--profile` instead runs ours once under cProfile and prints
the 25 most expensive calls by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from importlib import metadata
from pathlib import Path

import yaml

import synth_corpus
from mkdocs_postmortems.core import taxonomy
from mkdocs_postmortems.core.corpus import Corpus, load_corpus

CLI_RUNS = 5
HEAVY_MODULES = ("pandas", "matplotlib", "mkdocs")

_IMPORT_PROBE = """\
import contextlib, io, json, sys
from mkdocs_postmortems.cli.main import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    code = main(["validate", sys.argv[1]])
report = {name: name in sys.modules for name in sys.argv[2:]}
print(json.dumps({"exit": code, "modules": report}))
"""


def _front_matters(directory: Path) -> Iterator[str]:
    """The front matter of each postmortem: the text between the first two `---` lines."""
    for path in sorted(directory.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            raise SystemExit(f"{path}: no front matter")
        end = text.index("\n---\n", 3)
        yield text[4 : end + 1]


def floor(directory: Path) -> int:
    """Read, split and load every postmortem with PyYAML's C loader; the number of files."""
    count = 0
    for front in _front_matters(directory):
        yaml.load(front, Loader=yaml.CSafeLoader)
        count += 1
    return count


def events(directory: Path) -> int:
    """Read, split and only tokenise (libyaml's event stream, no values built), which is all
    of PyYAML that the strict reader uses: what ours costs with nothing of its own."""
    count = 0
    for front in _front_matters(directory):
        for _ in yaml.parse(front, Loader=yaml.CSafeLoader):
            pass
        count += 1
    return count


def ours(directory: Path) -> Corpus:
    return load_corpus([directory], taxonomy.load(directory / synth_corpus.TAXONOMY_FILENAME))


def check_ours(corpus: Corpus, n: int) -> None:
    if corpus.diagnostics or len(corpus.entries) != n or corpus.files != n:
        shown = "\n".join(str(d) for d in corpus.diagnostics[:20])
        raise SystemExit(
            f"expected {n} valid files and no diagnostics, got {len(corpus.entries)} valid of "
            f"{corpus.files} and {len(corpus.diagnostics)} diagnostics:\n{shown}"
        )


def timed(function: Callable[[Path], object], directory: Path) -> tuple[float, object]:
    gc.collect()
    start = time.perf_counter()
    result = function(directory)
    return time.perf_counter() - start, result


def median_wall_times(
    commands: dict[str, list[str]], runs: int, cwd: Path
) -> dict[str, tuple[float, int]]:
    """Median wall time (seconds) of each command over `runs` rounds, the commands
    interleaved in each round after one untimed warm-up round; and each one's exit status."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    codes: dict[str, int] = {}
    for round_ in range(runs + 1):
        for name, command in commands.items():
            start = time.perf_counter()
            done = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
            elapsed = time.perf_counter() - start
            codes[name] = done.returncode
            if round_:
                times[name].append(elapsed)
    return {name: (statistics.median(values), codes[name]) for name, values in times.items()}


def postmortems_command() -> list[str]:
    """The installed `postmortems` script beside this interpreter, else on PATH."""
    beside = Path(sys.executable).with_name("postmortems")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("postmortems")
    if found:
        return [found]
    run_main = "import sys; from mkdocs_postmortems.cli.main import main; sys.exit(main())"
    return [sys.executable, "-c", run_main]


def import_probe(one: Path, cwd: Path) -> tuple[int, dict[str, bool]]:
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_PROBE, str(one), *HEAVY_MODULES],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise SystemExit(f"import probe failed ({done.returncode}):\n{done.stderr}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return int(report["exit"]), {str(k): bool(v) for k, v in report["modules"].items()}


def environment() -> str:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "?"

    libyaml = "with libyaml" if getattr(yaml, "__with_libyaml__", False) else "pure Python"
    return (
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"PyYAML {version('PyYAML')} {libyaml}, pydantic {version('pydantic')} "
        f"(core {version('pydantic-core')}), {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs"
    )


def profile(directory: Path, n: int, top: int = 25) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    corpus = ours(directory)
    profiler.disable()
    check_ours(corpus, n)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.0f} ms"


def report(
    command: str,
    n: int,
    repeat: int,
    best: dict[str, float],
    cli: dict[str, tuple[float, int]],
    modules: dict[str, bool],
    corpus_bytes: int,
) -> str:
    ratio = best["ours"] / best["floor"]
    startup = cli["validate"][0] - cli["baseline"][0]
    imported = ", ".join(f"{name} {'YES' if hit else 'no'}" for name, hit in modules.items())
    rows = [
        f"Measured with `{command}` on {environment()}; {n:,} synthetic postmortems, "
        f"{corpus_bytes / n / 1024:.1f} KiB each on average.",
        "",
        f"| Validating {n:,} files | Best of {repeat} | Files/s | Ratio |",
        "| --- | ---: | ---: | ---: |",
        f"| Floor: split front matter, `yaml.load(text, Loader=yaml.CSafeLoader)` "
        f"| {_seconds(best['floor'])} | {n / best['floor']:,.0f} | 1.00 |",
        f"| libyaml events only: `yaml.parse(text, Loader=yaml.CSafeLoader)` "
        f"| {_seconds(best['events'])} | {n / best['events']:,.0f} "
        f"| {best['events'] / best['floor']:.2f} |",
        f"| Ours: `load_corpus` (strict YAML with positions, schema, taxonomy, unique ids) "
        f"| {_seconds(best['ours'])} | {n / best['ours']:,.0f} | {ratio:.2f} |",
        "",
        f"| One file, wall time (median of {CLI_RUNS}) | Time |",
        "| --- | ---: |",
        f"| `python -c pass` (interpreter start-up) | {_seconds(cli['baseline'][0])} |",
        f"| `postmortems validate one.md` | {_seconds(cli['validate'][0])} |",
        f"| Cost of `postmortems validate` over start-up | {_seconds(startup)} |",
        "",
        f"Modules loaded by `postmortems validate`: {imported}.",
    ]
    return "\n".join(rows) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--n", type=int, default=5000, help="postmortems to generate (5000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each (3)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (0)")
    parser.add_argument(
        "--profile", action="store_true", help="profile ours once (cProfile, top 25) instead"
    )
    args = parser.parse_args(argv)
    if args.n < 1 or args.repeat < 1:
        parser.error("--n and --repeat must be at least 1")
    command = f"python scripts/bench_validate.py --n {args.n} --repeat {args.repeat}"
    if args.seed:
        command += f" --seed {args.seed}"

    with tempfile.TemporaryDirectory(prefix="pm-bench-") as temp:
        directory = Path(temp) / "corpus"
        started = time.perf_counter()
        paths = synth_corpus.generate(args.n, directory, args.seed)
        corpus_bytes = sum(p.stat().st_size for p in paths)
        print(
            f"generated {args.n} files ({corpus_bytes / 2**20:.1f} MiB) in "
            f"{time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        if args.profile:
            print(f"cProfile of `load_corpus` over {args.n:,} files (cumulative time):\n")
            print(profile(directory, args.n))
            return 0

        runners: dict[str, Callable[[Path], object]] = {
            "floor": floor,
            "events": events,
            "ours": ours,
        }
        best = dict.fromkeys(runners, float("inf"))
        for round_ in range(args.repeat):
            order = ("floor", "events", "ours") if round_ % 2 == 0 else ("ours", "events", "floor")
            for name in order:
                elapsed, result = timed(runners[name], directory)
                if isinstance(result, Corpus):
                    check_ours(result, args.n)
                elif result != args.n:
                    raise SystemExit(f"{name} read {result} files, expected {args.n}")
                del result
                best[name] = min(best[name], elapsed)
                print(f"round {round_ + 1}: {name} {elapsed:.3f} s", file=sys.stderr)

        one = paths[0]
        cli = median_wall_times(
            {
                "baseline": [sys.executable, "-c", "pass"],
                "validate": [*postmortems_command(), "validate", str(one)],
            },
            CLI_RUNS,
            cwd=Path(temp),
        )
        exit_code, modules = import_probe(one, Path(temp))

    print(report(command, args.n, args.repeat, best, cli, modules, corpus_bytes))
    failures = []
    if cli["validate"][1] != 0 or exit_code != 0:
        failures.append(
            f"postmortems validate exited {cli['validate'][1]} (in-process {exit_code}), expected 0"
        )
    heavy = [name for name, hit in modules.items() if hit]
    if heavy:
        failures.append(f"the validate path imports {', '.join(heavy)}")
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
