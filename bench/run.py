"""Sizes and runs -> a table of build times, memory and output of brief, Hugo and Pelican.

For each corpus size the same dispatches are written as a brief project, Hugo content (with
the small theme in bench/hugo_theme) and Pelican content (bench/pelican/pelicanconf.py with a
copy of Pelican's own theme). Each round runs every scenario for every tool in turn, so slow
drift of the machine touches all three alike:

    cold build        output and caches moved aside first (deleted when the run ends)
    no-change         the same build again
    one-article edit  one dispatch gets a new paragraph (it names a topic once more)
    edit again        the same paragraph says something else (its body changes, nothing
                      a listing shows: brief's steady state, with its spare site in place)
    one-template edit the article template changes

Each build is a subprocess, timed on the wall clock; its peak memory is the larger of its
biggest process's maximum RSS (wait4) and the sampled sum of the proportional set sizes of
its process tree (brief's forked workers share pages with their parent). The floor is
``cp -r`` of brief's own output. Medians go to the screen and to bench/results.json, with
each target of the performance issue checked: PASS or MISS, and by how much.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench import corpus
from bench.measure import BuildFailed, Measure, tree_size
from bench.tools import HERE, REPO, Brief, Hugo, Pelican, Tool, place_in, snapshot

SCENARIOS = ("cold", "no-change", "article-edit", "edit-again", "template-edit")
LABELS = {
    "cold": "cold build",
    "no-change": "no-change rebuild",
    "article-edit": "one-article edit",
    "edit-again": "edit again",
    "template-edit": "one-template edit",
}
TOOLS = ("brief", "hugo", "pelican")


# One size, all rounds.


@dataclass(slots=True)
class SizeResult:
    """Every measurement at one corpus size."""

    size: int
    rounds: int
    runs: dict[str, dict[str, list[Measure]]] = field(default_factory=dict)
    output: dict[str, tuple[int, int]] = field(default_factory=dict)
    copy: list[float] = field(default_factory=list)

    def median(self, tool: str, scenario: str) -> float | None:
        found = self.runs.get(tool, {}).get(scenario)
        return statistics.median(m.seconds for m in found) if found else None

    def peak(self, tool: str) -> float | None:
        found = [m.peak_mb for ms in self.runs.get(tool, {}).values() for m in ms]
        return max(found) if found else None


def run_size(
    size: int,
    runs: int,
    tools: Sequence[Tool],
    workdir: Path,
    seed: int,
    say: Callable[[str], None],
) -> SizeResult:
    """Generate the corpus for every tool, then ``runs`` interleaved rounds of every scenario.
    What each round's cold builds must not find is moved into a graveyard, deleted when the
    benchmark ends (see Tool.clean), as is the floor's copy."""
    dispatches = corpus.generate(size, seed)
    graveyard = workdir / GRAVEYARD / f"{size}"
    for tool in tools:
        tool.root = workdir / f"{size}" / tool.name
        if tool.root.exists():  # a --workdir used before: moved aside too, not deleted
            os.rename(tool.root, place_in(graveyard, f"earlier-{tool.name}"))
        tool.root.mkdir(parents=True)
        tool.prepare(dispatches)
    result = SizeResult(size, runs, {tool.name: {s: [] for s in SCENARIOS} for tool in tools})
    brief = next(t for t in tools if t.name == "brief")
    for number in range(1, runs + 1):
        for scenario in SCENARIOS:
            for tool in tools:
                if scenario == "cold":
                    tool.clean(graveyard / tool.name)
                elif scenario == "article-edit":
                    tool.edit_article(number)
                elif scenario == "edit-again":
                    tool.edit_article(number + 1000)
                elif scenario == "template-edit":
                    tool.edit_template(number)
                measured = tool.build()
                result.runs[tool.name][scenario].append(measured)
                say(
                    f"  N={size} round {number}/{runs}: {tool.name:<8} {LABELS[scenario]:<18}"
                    f" {measured.seconds:8.2f} s {measured.peak_mb:8.0f} MB"
                )
                if scenario == "cold":
                    result.output[tool.name] = tree_size(tool.output())
                    if tool is brief:
                        result.copy.append(copy_floor(tool.output(), graveyard / "copies"))
                        say(
                            f"  N={size} round {number}/{runs}: cp -r of brief's output"
                            f"        {result.copy[-1]:8.2f} s"
                        )
    return result


GRAVEYARD = "set-aside"
"""The work folder's folder of outputs moved out of the way of cold builds."""


def copy_floor(site: Path, graveyard: Path) -> float:
    """Seconds for ``cp -r`` of a built site: writing this many small files costs at least it.
    The copy goes into ``graveyard``, to be deleted when the benchmark ends."""
    target = place_in(graveyard, "copy")
    os.sync()
    started = time.perf_counter()
    subprocess.run(["cp", "-r", str(site), str(target)], check=True)
    return time.perf_counter() - started


# Report.


@dataclass(frozen=True, slots=True)
class Target:
    """One target of the performance issue, checked against the figures."""

    name: str
    value: float
    limit: float
    unit: str

    @property
    def passed(self) -> bool:
        return self.value <= self.limit

    def line(self) -> str:
        verdict = "PASS" if self.passed else "MISS"
        if self.passed:
            margin = f"{(1 - self.value / self.limit) * 100:.0f}% under" if self.limit else ""
        else:
            margin = (
                f"over by {self.value - self.limit:.2f}{self.unit} ({self.value / self.limit:.2f}x)"
            )
        figures = f"{self.value:.2f}{self.unit} vs <= {self.limit:.2f}{self.unit}"
        return f"{verdict}  {self.name}: {figures}, {margin}"


def targets(results: Sequence[SizeResult]) -> list[Target]:
    """The issue's targets at the largest size measured (and the growth from the smallest)."""
    found: list[Target] = []
    if not results:
        return found
    big = max(results, key=lambda r: r.size)
    n = f"{big.size:,}"
    cold = big.median("brief", "cold")
    if cold is None:
        return found
    hugo, pelican = big.median("hugo", "cold"), big.median("pelican", "cold")
    if hugo is not None:
        found.append(Target(f"cold build of {n} <= 1.0x Hugo's", cold / hugo, 1.0, "x"))
    if pelican is not None:
        found.append(Target(f"cold build of {n} <= 0.3x Pelican's", cold / pelican, 0.3, "x"))
    if big.copy:
        floor = statistics.median(big.copy)
        found.append(Target(f"cold build of {n} <= 2x cp -r of its output", cold / floor, 2.0, "x"))
    unchanged = big.median("brief", "no-change")
    if unchanged is not None:
        found.append(Target(f"no-change rebuild of {n} <= 1.5 s", unchanged, 1.5, " s"))
        hugo_unchanged = big.median("hugo", "no-change")
        if hugo_unchanged is not None:
            found.append(
                Target(
                    f"no-change rebuild of {n} >= 15x faster than Hugo's (brief/Hugo <= 1/15)",
                    unchanged / hugo_unchanged,
                    1 / 15,
                    "x",
                )
            )
    edit = big.median("brief", "article-edit")
    if edit is not None:
        found.append(Target(f"one-article edit of {n} <= 2 s", edit, 2.0, " s"))
    template = big.median("brief", "template-edit")
    if template is not None:
        found.append(Target(f"one-template edit of {n} <= its cold build", template, cold, " s"))
    peak = big.peak("brief")
    if peak is not None:
        found.append(Target(f"peak memory at {n} <= 500 MB", peak, 500, " MB"))
    small = min(results, key=lambda r: r.size)
    small_cold = small.median("brief", "cold")
    if small is not big and small_cold:
        factor = big.size / small.size
        found.append(
            Target(
                f"cold build of {n} <= {factor * 1.1:.0f}x that of {small.size:,} (linear)",
                cold / small_cold,
                factor * 1.1,
                "x",
            )
        )
    return found


def table(result: SizeResult, tools: Sequence[str]) -> str:
    """The figures of one size: a row per scenario, a column per tool, then brief/peer."""
    peers = [t for t in tools if t != "brief"]
    runs = result.rounds
    head = f"N = {result.size:,} (median of {runs} run{'s' if runs != 1 else ''})"
    columns = [*tools, *(f"brief/{p}" for p in peers)]
    lines = [f"{head:<28}" + "".join(f"{c:>14}" for c in columns)]

    def row(label: str, values: list[float | None], ratios: list[float | None], fmt: str) -> str:
        cells = [f"{v:{fmt}}" if v is not None else "-" for v in values]
        cells += [f"{r:.2f}x" if r is not None else "-" for r in ratios]
        return f"{label:<28}" + "".join(f"{c:>14}" for c in cells)

    def ratio(a: float | None, b: float | None) -> float | None:
        return a / b if a is not None and b else None

    for scenario in SCENARIOS:
        values = [result.median(t, scenario) for t in tools]
        brief = result.median("brief", scenario)
        lines.append(
            row(
                f"{LABELS[scenario]} (s)",
                values,
                [ratio(brief, result.median(p, scenario)) for p in peers],
                ".2f",
            )
        )
    peaks = [result.peak(t) for t in tools]
    lines.append(
        row(
            "peak memory (MB)",
            peaks,
            [ratio(result.peak("brief"), result.peak(p)) for p in peers],
            ".0f",
        )
    )
    files = [float(result.output[t][0]) if t in result.output else None for t in tools]
    lines.append(row("output files", files, [None] * len(peers), ".0f"))
    sizes = [result.output[t][1] / 1e6 if t in result.output else None for t in tools]
    lines.append(row("output MB", sizes, [None] * len(peers), ".1f"))
    if result.copy:
        floor = statistics.median(result.copy)
        lines.append(row("cp -r of brief's output (s)", [floor], [], ".2f"))
    return "\n".join(lines)


def as_json(
    results: Sequence[SizeResult],
    tools: Sequence[Tool],
    seed: int,
    checked: list[Target],
) -> dict[str, object]:
    return {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "system": platform.platform(),
        },
        "versions": {tool.name: tool.version() for tool in tools},
        "seed": seed,
        "sizes": {
            str(r.size): {
                "rounds": r.rounds,
                "median_seconds": {t: {s: r.median(t, s) for s in SCENARIOS} for t in r.runs},
                "seconds": {
                    t: {s: [round(m.seconds, 3) for m in ms] for s, ms in r.runs[t].items()}
                    for t in r.runs
                },
                "peak_mb": {t: round(r.peak(t) or 0, 1) for t in r.runs},
                "output": {t: {"files": f, "bytes": b} for t, (f, b) in r.output.items()},
                "cp_r_seconds": [round(s, 3) for s in r.copy],
            }
            for r in results
        },
        "targets": [
            {
                "target": t.name,
                "value": round(t.value, 4),
                "limit": round(t.limit, 4),
                "pass": t.passed,
            }
            for t in checked
        ],
    }


# The command.


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Measure brief against Hugo and Pelican on the same generated corpus.",
    )
    parser.add_argument("--sizes", default="1000,10000", help="corpus sizes (1000,10000)")
    parser.add_argument(
        "--runs", default="3", help="rounds per size, or one per size (3,1); medians (3)"
    )
    parser.add_argument("--quick", action="store_true", help="N=200, one round: for CI")
    parser.add_argument("--seed", type=int, default=1, help="the corpus seed (1)")
    parser.add_argument(
        "--tools", default=",".join(TOOLS), help="which of brief,hugo,pelican to run (all)"
    )
    parser.add_argument(
        "--search",
        action="store_true",
        help="let brief build its Pagefind index (the peers have none)",
    )
    parser.add_argument("--workdir", type=Path, help="where the corpora are built (a temp dir)")
    parser.add_argument(
        "--results", type=Path, help="JSON results (bench/results.json; none with --quick)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)
    sizes = [200] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    counts = [max(1, int(n)) for n in str(args.runs).split(",") if n.strip()] or [3]
    rounds = [1] if args.quick else [counts[min(i, len(counts) - 1)] for i in range(len(sizes))]
    results_path = args.results or (None if args.quick else HERE / "results.json")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="brief-bench-"))
    wanted = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = set(wanted) - set(TOOLS)
    if unknown or "brief" not in wanted:
        parser.error(f"--tools takes brief,hugo,pelican and needs brief (not {args.tools!r})")

    def say(text: str) -> None:
        print(text, flush=True)

    source = snapshot(workdir / "brief-source")
    candidates: list[Tool] = [Brief(workdir, search=args.search, source=source)]
    candidates += [cls(workdir) for cls in (Hugo, Pelican) if cls.name in wanted]
    tools = []
    for tool in candidates:
        missing = tool.available()
        if missing:
            say(f"Skipping {tool.name}: {missing}.")
        else:
            tools.append(tool)
    say(
        f"Benchmark: {', '.join(f'{t.name} ({t.version()})' for t in tools)}; "
        f"sizes {', '.join(f'{s:,}' for s in sizes)}; rounds {','.join(map(str, rounds))}; "
        f"{os.cpu_count()} CPUs; "
        f"brief's search index {'on' if args.search else 'off'}; work folder {workdir} "
        f"(brief measured from a copy of {REPO} taken now)"
    )
    results = []
    try:
        for size, count in zip(sizes, rounds, strict=True):
            results.append(run_size(size, count, tools, workdir, args.seed, say))
    except BuildFailed as exc:
        say(f"A build failed: {exc}")
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(workdir / GRAVEYARD, ignore_errors=True)
            if args.workdir is None:
                shutil.rmtree(workdir, ignore_errors=True)
    names = [t.name for t in tools]
    say("")
    for result in results:
        say(table(result, names))
        say("")
    checked = targets(results)
    if checked:
        say("Targets (brief, medians, this machine):")
        for target in checked:
            say("  " + target.line())
    if results_path is not None:
        results_path.write_text(
            json.dumps(as_json(results, tools, args.seed, checked), indent=2) + "\n",
            encoding="utf-8",
        )
        say(f"Results written to {results_path}")
    return 0
