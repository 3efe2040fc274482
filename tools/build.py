"""Build the book strictly, and publish the site only if the build succeeds.

Usage: ``python tools/build.py [--jobs N] [--verbose]`` (``make html`` runs it).

- Sphinx runs with ``-n -W --keep-going``: every broken reference, every warning and every
  failing notebook cell is reported, and any of them makes the build fail.
- It builds into ``_build/.staging/html``; only a successful build is copied to
  ``_build/html``, by building the copy beside it and swapping the two folders. A failed build
  leaves the last good site exactly as it was.
- After a failure the next build reads again every page that warned (tools/pagedeps.py keeps
  their list), so it cannot skip, and so hide, a page that failed. If that list is missing
  (Sphinx crashed), the environment is discarded and every page is read again.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAILED_PAGES = "mmlbook-failed-pages.json"  # written by tools/pagedeps.py after a failure

# ipykernel >= 7 warns on every kernel start that its local TCP sockets are unencrypted. The
# kernels here talk only to the build on the same machine, so the line is noise; it is the one
# line dropped from the build's output.
_NOISE = "Kernel is running over TCP without encryption"
# IPython colours its tracebacks with ANSI escapes; logs and CI show them as litter.
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def sphinx_command(srcdir: Path, builddir: Path, jobs: str, verbose: bool) -> list[str]:
    """The strict, parallel ``sphinx-build`` command line."""
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-n", "-W", "--keep-going",
               "-j", jobs, "-d", str(builddir / "doctrees"), str(srcdir),
               str(builddir / ".staging" / "html")]
    if not verbose:
        command.append("-q")
    return command


def build_environment() -> dict[str, str]:
    """The environment every build runs in (``make html``, ``make serve``, the tests)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    # Notebooks already run in parallel, one kernel per core; a BLAS that also spawns a thread
    # per core oversubscribes the machine (the hard sandpit page ran 3-4x slower). A reader
    # may still set these to something else.
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(variable, "1")
    return env


def run_filtered(command: list[str]) -> int:
    """Run `command`, passing its output through (less noise and colour); return its code."""
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env=build_environment(), cwd=ROOT) as process:
        assert process.stdout is not None
        for line in process.stdout:
            if _NOISE not in line:
                sys.stdout.write(_ANSI.sub("", line))
                sys.stdout.flush()
    return process.returncode


def publish(staging: Path, site: Path) -> None:
    """Replace `site` with a copy of `staging`, swapping folders so readers never see a mix.

    Only what changed is copied: a file whose size and modification time match the published
    one is hard-linked from the published site (whose files nothing ever writes in place), so
    a one-page edit copies a few files, not the whole site.
    """
    fresh = site.with_name(site.name + ".new")
    stale = site.with_name(site.name + ".old")
    for folder in (fresh, stale):
        shutil.rmtree(folder, ignore_errors=True)
    for source in sorted(staging.rglob("*")):
        relative = source.relative_to(staging)
        target = fresh / relative
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if not _link_if_unchanged(source, site / relative, target):
            shutil.copy2(source, target)
    if site.exists():
        site.rename(stale)
    fresh.rename(site)
    shutil.rmtree(stale, ignore_errors=True)


def _link_if_unchanged(source: Path, published: Path, target: Path) -> bool:
    """Hard-link `published` to `target` if it is the same as `source`; say whether it did."""
    try:
        mine, theirs = source.stat(), published.stat()
        if (mine.st_size, mine.st_mtime_ns) != (theirs.st_size, theirs.st_mtime_ns):
            return False
        os.link(published, target)
    except OSError:  # not published yet, or no hard links here: copy instead
        return False
    return True


def prune_other_caches(cache: Path) -> None:
    """Remove execution caches beside `cache` (older builds kept one per package version;
    one cache now holds a bounded number of versions itself)."""
    for folder in cache.parent.glob("*"):
        if folder.is_dir() and folder != cache:
            shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", "-j", default="auto", help="parallel processes (default: auto)")
    parser.add_argument("--verbose", "-v", action="store_true", help="show Sphinx's progress")
    args = parser.parse_args(argv)

    builddir = ROOT / "_build"
    site = builddir / "html"
    start = time.perf_counter()
    code = run_filtered(sphinx_command(ROOT, builddir, args.jobs, args.verbose))
    seconds = time.perf_counter() - start
    if code != 0:
        if not (builddir / "doctrees" / FAILED_PAGES).exists():
            (builddir / "doctrees" / "environment.pickle").unlink(missing_ok=True)
        print(f"\nBUILD FAILED after {seconds:.1f} s (sphinx-build exit code {code}): see the "
              f"messages above.\nThe last good site in {site.relative_to(ROOT)} is unchanged.",
              file=sys.stderr)
        return code
    publish(builddir / ".staging" / "html", site)
    prune_other_caches(builddir / ".jupyter_cache" / "book")
    print(f"Build succeeded in {seconds:.1f} s. Open {site.relative_to(ROOT)}/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
