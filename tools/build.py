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
- When nothing the site is made from has changed since the last good build (the sources, the
  tools, the package the kernels import, the installed libraries, the ``MMLBOOK_*`` settings)
  and its saved environment is still there, Sphinx does not run at all; ``--force`` runs it
  anyway.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
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


# Folders of the checkout that the site is not made from.
NOT_INPUTS = {"_build", ".venv", ".git", ".github", ".ci", "tests", ".pytest_cache",
              ".ruff_cache", ".hypothesis", "__pycache__"}
INPUTS_STAMP = ".last-good-inputs"   # in _build: the inputs of the site in _build/html


def inputs_fingerprint(root: Path) -> str:
    """One hash of everything the site at `root` is made from, as file names, sizes and times.

    The checkout's files (outside ``NOT_INPUTS``), the files of the ``mmlcalc`` the kernels
    import (which may live elsewhere), the installed libraries (their folder's time changes
    with every install), the Python running the build and the ``MMLBOOK_*`` variables that
    change what is published. A file touched without being changed counts as changed: the
    hash can only err towards building.
    """
    import importlib.util

    # where the kernels will import mmlcalc from (pagedeps.package_root, without importing
    # pagedeps and its jupyter-cache, which cost more than this whole check)
    spec = importlib.util.find_spec("mmlcalc")
    tops = [root, *(spec.submodule_search_locations if spec else [])]
    digest = hashlib.sha256(f"{sys.version}\n{sys.executable}\n".encode())
    for name, value in sorted(os.environ.items()):
        if name.startswith("MMLBOOK_"):
            digest.update(f"{name}={value}\n".encode())
    library = Path(sysconfig.get_paths()["purelib"])
    for top in tops:
        for folder, subfolders, files in os.walk(top):
            subfolders[:] = sorted(set(subfolders) - NOT_INPUTS)
            for name in sorted(files):
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n"
                              .encode())
    digest.update(f"{library}\0{library.stat().st_mtime_ns}\n".encode())
    return digest.hexdigest()


def made_from(inputs: str, stamp: Path, outputs: list[Path]) -> bool:
    """Whether `outputs` all exist and `stamp` records that they were made from `inputs`."""
    return (all(p.exists() for p in [stamp, *outputs])
            and stamp.read_text(encoding="utf-8") == inputs)


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
    parser.add_argument("--force", action="store_true",
                        help="run Sphinx even if nothing changed since the last good build")
    args = parser.parse_args(argv)

    builddir = ROOT / "_build"
    site = builddir / "html"
    start = time.perf_counter()
    inputs, stamp = inputs_fingerprint(ROOT), builddir / INPUTS_STAMP
    saved = [site, builddir / "doctrees" / "environment.pickle"]
    if not args.force and made_from(inputs, stamp, saved):
        print(f"Up to date: nothing changed since the last good build. "
              f"Open {site.relative_to(ROOT)}/index.html (--force builds anyway)")
        return 0
    stamp.unlink(missing_ok=True)
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
    stamp.write_text(inputs, encoding="utf-8")  # what went into this build, read before it ran
    print(f"Build succeeded in {seconds:.1f} s. Open {site.relative_to(ROOT)}/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
