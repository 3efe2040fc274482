"""Shared fixtures: the built site, and throw-away copies of the book for fault injection."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run and machine: what passes here passes in
# CI, and a failure is reproducible. (Each test still sets its own number of examples.)
settings.register_profile("book", derandomize=True, deadline=None, print_blob=True)
settings.load_profile("book")

ROOT = Path(__file__).resolve().parents[1]
BOOK_FILES = ("conf.py", "_toc.yml", "book", "tools")


def run_build(root: Path, *, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``tools/build.py`` of the book at `root`; capture everything it prints."""
    return subprocess.run([sys.executable, str(root / "tools" / "build.py")], cwd=root,
                          capture_output=True, text=True, env=env, timeout=1800)


def copy_book(source: Path, target: Path, *, with_build: bool) -> Path:
    """Copy the book's sources from `source` to `target`, optionally with its _build folder."""
    target.mkdir(parents=True, exist_ok=True)
    for name in BOOK_FILES:
        path = source / name
        if path.is_dir():
            shutil.copytree(path, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, target / name)
    if with_build and (source / "_build").exists():
        # symlinks=True: copy links as links; the staging and published sites hold no others
        shutil.copytree(source / "_build", target / "_build", symlinks=True,
                        ignore=shutil.ignore_patterns("bench.json"))
    return target


@pytest.fixture(scope="session")
def built_site() -> Path:
    """The book built (or brought up to date) by the real build command."""
    result = run_build(ROOT)
    assert result.returncode == 0, f"the book does not build:\n{result.stdout}\n{result.stderr}"
    return ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def _book_paths(tmp_path_factory, built_site) -> tuple[Path, Path]:
    """A copy of the book built once at a fixed path, and a snapshot of it (sources + _build).

    It starts from the real book's execution cache, so only pages that a test changes run.
    """
    base = tmp_path_factory.mktemp("book-under-test")
    work, snapshot = base / "book", base / "snapshot"
    copy_book(ROOT, work, with_build=False)
    shutil.copytree(ROOT / "_build" / ".jupyter_cache", work / "_build" / ".jupyter_cache")
    result = run_build(work)
    assert result.returncode == 0, result.stdout + result.stderr
    shutil.copytree(work, snapshot, symlinks=True)
    return work, snapshot


@pytest.fixture
def book_copy(_book_paths) -> Path:
    """The successfully built book, restored from the snapshot at the same path for each test.

    Same path, same file times: Sphinx's saved environment stays valid, so a test's build
    re-reads only the page the test changed (a new path would make Sphinx re-read them all).
    """
    work, snapshot = _book_paths
    shutil.rmtree(work)
    shutil.copytree(snapshot, work, symlinks=True)
    return work


@pytest.fixture
def env_without_pythonpath() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    return env
