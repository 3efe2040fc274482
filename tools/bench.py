"""Benchmark the book build and the test suite on this machine: ``make bench``.

Measures, as the median of ``BENCH_RUNS`` runs (default 3) each, wall time and CPU time (user +
system of every process the step started, kernels included):

- **clean**: ``_build`` removed, so every page executes (empty execution cache);
- **sphinx alone**: outputs cached, doctrees removed, ``-j 1``: Sphinx's own work, serially;
- **no-op**: a rebuild with nothing changed;
- **prose edit** / **code edit**: a rebuild after editing the text / a code cell of one page;
- **package edit**: a rebuild after a behaviour edit of one ``mmlcalc`` module (the pages that
  import it re-execute; how many is reported), and **docstring edit** (none re-execute);
- **floor**: every page's cells in one warm process (tools/floor.py), and the kernel overhead:
  (clean build CPU - Sphinx-alone CPU - floor CPU) / floor CPU;
- **make test, cold**: the whole suite, once, with the records of checks that passed removed
  (``_build/.verified-*`` and the PDF's stamp), so every browser page, notebook and the PDF is
  checked again, as on CI's fresh clone (whose build, in addition, starts from nothing: that is
  the clean row); **make test**: the suite again right after, as an author reruns it with
  nothing changed. ``BENCH_TESTS=0`` leaves both out.

Prints a table and writes it, with the machine's description, to ``_build/bench.json``. It
leaves a freshly built site behind, and every file it edits as it was. A benchmark, not a test:
nothing here passes or fails on time.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import build_environment  # noqa: E402  (the environment every build runs in)
from pdf import STAMP as PDF_STAMP  # noqa: E402  (what the last PDF was printed from)

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
SECTION = ROOT / "book" / "01-calculus" / "rise-over-run.md"
MODULE = ROOT / "code" / "mmlcalc" / "numdiff.py"
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
TARGETS = {"clean": 45.0, "sphinx alone": 15.0, "no-op": 2.0, "prose edit": 4.0,
           "code edit": 6.0, "package edit": None, "docstring edit": None, "floor": None,
           "make test, cold": 480.0, "make test": 480.0}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], what: str) -> tuple[float, float, str]:
    """Run `command` in ROOT; return (wall s, CPU s, output), failing loudly if it fails."""
    cpu, start = _children_cpu(), time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                            env=build_environment())
    wall, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if result.returncode != 0:
        sys.exit(f"{what} failed, so there is nothing to time:\n{result.stdout}{result.stderr}")
    return wall, cpu, result.stdout + result.stderr


def build(*args: str) -> tuple[float, float, str]:
    return timed([sys.executable, str(ROOT / "tools" / "build.py"), *args], "the build")


def sphinx_alone() -> tuple[float, float, str]:
    """Sphinx with every output cached but no doctrees, serially."""
    shutil.rmtree(BUILD / "doctrees", ignore_errors=True)
    return build("--jobs", "1")


def executed_pages() -> int:
    """How many notebooks the execution cache holds (each execution adds one)."""
    from jupyter_cache import get_cache

    return len(get_cache(str(BUILD / ".jupyter_cache" / "book")).list_cache_records())


def with_edit(path: Path, old: str, new: str, step: Callable[[], tuple[float, float, str]]):
    """Run `step` with `old` replaced by `new` in `path`; restore it and rebuild after."""
    original = path.read_text(encoding="utf-8")
    if old not in original:
        sys.exit(f"cannot find {old!r} in {path.relative_to(ROOT)} to edit")
    try:
        path.write_text(original.replace(old, new, 1), encoding="utf-8")
        return step()
    finally:
        path.write_text(original, encoding="utf-8")
        build()  # back to the original, outside the measurement


def floor() -> tuple[float, float, dict]:
    pages = sorted(str(p) for p in (ROOT / "book").rglob("*.md")
                   if "{code-cell}" in p.read_text(encoding="utf-8"))
    _, _, output = timed([sys.executable, str(ROOT / "tools" / "floor.py"), *pages], "floor")
    # floor.py ends its standard output with one JSON line; the pages' own warnings follow
    # it on standard error, which `timed` appends.
    result = json.loads(next(line for line in reversed(output.splitlines())
                             if line.startswith("{")))
    return result["wall_s"], result["cpu_s"], result


def forget_passed_checks() -> None:
    """Remove the records by which the suite skips checks that passed on the same inputs."""
    for folder in BUILD.glob(".verified-*"):
        shutil.rmtree(folder)
    PDF_STAMP.unlink(missing_ok=True)


def measure() -> tuple[dict[str, list[tuple[float, float]]], dict]:
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in TARGETS}
    notes: dict = {}
    for run in range(RUNS):
        shutil.rmtree(BUILD, ignore_errors=True)
        times["clean"].append(build()[:2])
        times["no-op"].append(build()[:2])
        times["sphinx alone"].append(sphinx_alone()[:2])
        build()
        times["prose edit"].append(with_edit(SECTION, "## Rise over run\n",
                                             f"## Rise over run\n\nA benchmark edit, {run}.\n",
                                             build)[:2])
        times["code edit"].append(with_edit(SECTION, "```{code-cell} ipython3\n",
                                            f"```{{code-cell}} ipython3\nBENCH = {run}\n",
                                            build)[:2])
        before = executed_pages()
        times["package edit"].append(with_edit(
            MODULE, "\nimport ", f"\nBENCHMARK_EDIT = {run}\nimport ", build)[:2])
        notes["package edit: pages re-executed"] = executed_pages() - before
        before = executed_pages()
        times["docstring edit"].append(with_edit(
            MODULE, '"""', f'"""Benchmark edit {run}. ', build)[:2])
        notes["docstring edit: pages re-executed"] = executed_pages() - before
        wall, cpu, detail = floor()
        times["floor"].append((wall, cpu))
        notes["floor"] = detail
        print(f"run {run + 1}/{RUNS}: " + ", ".join(f"{k} {v[-1][0]:.1f} s"
                                                   for k, v in times.items() if v), flush=True)
    if os.environ.get("BENCH_TESTS", "1") != "0":
        forget_passed_checks()
        times["make test, cold"].append(timed(["make", "test"], "make test")[:2])
        times["make test"].append(timed(["make", "test"], "make test")[:2])
    return times, notes


def main() -> int:
    pages = sum(1 for _ in (ROOT / "book").rglob("*.md"))
    print(f"Benchmarking the build of {pages} pages on {os.cpu_count()} cores "
          f"({RUNS} runs each; this rebuilds from scratch {RUNS} times)...", flush=True)
    times, notes = measure()
    rows = []
    for name, values in times.items():
        if not values:
            continue
        wall = statistics.median(w for w, _ in values)
        cpu = statistics.median(c for _, c in values)
        target = TARGETS[name]
        rows.append({"step": name, "median_s": round(wall, 2), "cpu_s": round(cpu, 2),
                     "runs_s": [round(w, 2) for w, _ in values], "target_s": target,
                     "within_target": None if target is None else wall <= target})
    by = {row["step"]: row for row in rows}
    floor_cpu = by["floor"]["cpu_s"]
    overhead = (by["clean"]["cpu_s"] - by["sphinx alone"]["cpu_s"] - floor_cpu) / floor_cpu
    notes["kernel overhead (x floor CPU)"] = round(overhead, 2)
    report = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "platform": platform.platform(),
                          "load_average": os.getloadavg()},
              "pages": pages, "runs": RUNS, "results": rows, "notes": notes}
    BUILD.mkdir(exist_ok=True)
    (BUILD / "bench.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    print(f"\n{'step':<16}{'median':>9}{'CPU':>9}{'target':>9}   runs")
    for row in rows:
        runs = ", ".join(f"{v:.1f}" for v in row["runs_s"])
        target = "-" if row["target_s"] is None else f"{row['target_s']:.0f}s"
        flag = "  (over target)" if row["within_target"] is False else ""
        print(f"{row['step']:<16}{row['median_s']:>8.1f}s{row['cpu_s']:>8.1f}s{target:>9}   "
              f"{runs}{flag}")
    for key, value in notes.items():
        print(f"{key}: {value}")
    print(f"\nwritten to {(BUILD / 'bench.json').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
