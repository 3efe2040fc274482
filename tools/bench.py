"""Benchmark the book build on this machine: ``make bench``.

Measures, as the median of three runs each:

- **clean**: ``_build`` removed, so every page executes (empty execution cache);
- **no-op**: a rebuild with nothing changed;
- **prose edit**: a rebuild after editing the text of one section (its cells come from the cache);
- **code edit**: a rebuild after editing a code cell of one section (that page re-executes).

Prints a table and writes it, with the machine's description, to ``_build/bench.json``. It
leaves a freshly built site behind. A benchmark, not a test: nothing here passes or fails on time.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
SECTION = ROOT / "book" / "01-calculus" / "rise-over-run.md"
RUNS = int(os.environ.get("BENCH_RUNS", "3"))  # the median of 3 unless told otherwise
TARGETS = {"clean": 90.0, "no-op": 5.0, "prose edit": 12.0, "code edit": 12.0}


def timed_build() -> float:
    """Run ``tools/build.py`` once; return its wall-clock time, failing loudly if it fails."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "build.py")], cwd=ROOT,
                            capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"the build failed, so there is nothing to time:\n{result.stdout}{result.stderr}")
    return seconds


def edited(text: str, kind: str, run: int) -> str:
    """`text` with one edit of `kind`, different on every run so each one is a real change."""
    if kind == "prose edit":
        marker, addition = "## Rise over run\n", f"\nA benchmark edit, number {run}.\n"
    else:
        marker, addition = "```{code-cell} ipython3\n", f"BENCHMARK_EDIT = {run}\n"
    if marker not in text:
        sys.exit(f"cannot find {marker!r} in {SECTION.relative_to(ROOT)} to edit")
    return text.replace(marker, marker + addition, 1)


def measure() -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in TARGETS}
    original = SECTION.read_text(encoding="utf-8")
    try:
        for run in range(RUNS):
            shutil.rmtree(BUILD, ignore_errors=True)
            times["clean"].append(timed_build())
            times["no-op"].append(timed_build())
            for kind in ("prose edit", "code edit"):
                SECTION.write_text(edited(original, kind, run), encoding="utf-8")
                times[kind].append(timed_build())
                SECTION.write_text(original, encoding="utf-8")
                timed_build()  # back to the original, outside the measurement
            print(f"run {run + 1}/{RUNS}: " + ", ".join(f"{k} {v[-1]:.1f} s"
                                                       for k, v in times.items()), flush=True)
    finally:
        SECTION.write_text(original, encoding="utf-8")
    return times


def main() -> int:
    pages = sum(1 for _ in (ROOT / "book").rglob("*.md"))
    print(f"Benchmarking the build of {pages} pages on {os.cpu_count()} cores "
          f"({RUNS} runs each; this rebuilds from scratch {RUNS} times)...", flush=True)
    times = measure()
    rows = []
    for name, values in times.items():
        median = statistics.median(values)
        rows.append({"build": name, "median_s": round(median, 2),
                     "runs_s": [round(v, 2) for v in values], "target_s": TARGETS[name],
                     "within_target": median <= TARGETS[name]})
    report = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "platform": platform.platform()},
              "pages": pages, "runs": RUNS, "results": rows}
    BUILD.mkdir(exist_ok=True)
    (BUILD / "bench.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    print(f"\n{'build':<12}{'median':>9}{'target':>9}   runs")
    for row in rows:
        runs = ", ".join(f"{v:.1f}" for v in row["runs_s"])
        flag = "" if row["within_target"] else "  (over target)"
        print(f"{row['build']:<12}{row['median_s']:>8.1f}s{row['target_s']:>8.0f}s   "
              f"{runs}{flag}")
    print(f"\nwritten to {(BUILD / 'bench.json').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
