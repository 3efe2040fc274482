"""Shared fixtures: the real book built once, and a small fixture book for fault injection."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run and machine: what passes here passes in
# CI, and a failure is reproducible. (Each test still sets its own number of examples.)
settings.register_profile("book", derandomize=True, deadline=None, print_blob=True)
settings.load_profile("book")

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixture_book"
# The fixture's stub package is a second "mmlcalc": never import it into the test session.
collect_ignore = ["fixture_book"]


def run_build(root: Path, *args: str, env: dict[str, str] | None = None
              ) -> subprocess.CompletedProcess:
    """Run ``tools/build.py`` of the book at `root`; capture everything it prints."""
    return subprocess.run([sys.executable, str(root / "tools" / "build.py"), *args], cwd=root,
                          capture_output=True, text=True, env=env, timeout=1800)


def make_fixture_book(base: Path) -> Path:
    """The fixture book in ``base/book``, its stub package in ``base/stub``; returns the book.

    The pages and table of contents are the fixture's; ``conf.py``, ``tools/``, the static
    files and the bibliography are the real book's, so what runs is the real build.
    """
    book = base / "book"
    book.mkdir(parents=True)
    shutil.copy2(ROOT / "conf.py", book / "conf.py")
    shutil.copy2(FIXTURE / "_toc.yml", book / "_toc.yml")
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "tools", book / "tools", ignore=ignore)
    shutil.copytree(FIXTURE / "book", book / "book")
    shutil.copytree(ROOT / "book" / "_static", book / "book" / "_static")
    shutil.copy2(ROOT / "book" / "references.bib", book / "book" / "references.bib")
    shutil.copytree(FIXTURE / "stub", base / "stub", ignore=ignore)
    return book


def stub_env(base: Path) -> dict[str, str]:
    """The environment for building the fixture book: kernels import ``base/stub/mmlcalc``."""
    return dict(os.environ, PYTHONPATH=str(base / "stub"))


@contextlib.contextmanager
def serve_folder(folder: Path, handler=http.server.SimpleHTTPRequestHandler):
    """Serve `folder` with `handler` on a free localhost port; yield the site's address."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def digest(*parts: bytes | str) -> str:
    """One SHA-256 of `parts`, each length-prefixed (so no two lists of parts share a hash)."""
    total = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        total.update(f"{len(data)}:".encode())
        total.update(data)
    return total.hexdigest()


class Verified:
    """Checks that passed, each recorded under a key: a hash of everything it depends on.

    A slow check of many items (a notebook, a page in the browser) runs an item again only
    when its key is new, i.e. when something it depends on changed since it last passed.
    The records live in ``_build/.verified-<name>/`` (one empty-ish file per key): removing
    that folder, or ``make clean``, checks everything again. A failure is never recorded.
    """

    def __init__(self, name: str, base: Path = ROOT / "_build"):
        self.folder = base / f".verified-{name}"
        self.folder.mkdir(parents=True, exist_ok=True)

    def keep_only(self, keys) -> None:
        """Forget every record but those of `keys` (the current items' keys)."""
        wanted = {self.folder / key for key in keys}
        for stale in set(self.folder.iterdir()) - wanted:
            stale.unlink()

    def passed(self, key: str) -> bool:
        return (self.folder / key).exists()

    def record(self, key: str, what: str) -> None:
        """Record that the item `what` (its name, for a reader of the folder) passed."""
        (self.folder / key).write_text(what + "\n", encoding="utf-8")


@contextlib.contextmanager
def _exclusive(lock: Path):
    """Hold an exclusive lock on `lock` (pytest-xdist workers build the real book in turn)."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def built_site() -> Path:
    """The real book built (or brought up to date) by the real build command: the one test
    of the real book's build, shared by every site, browser and download test. Under
    pytest-xdist the first worker builds it; the others then find it up to date."""
    with _exclusive(ROOT / "_build" / ".test-build.lock"):
        result = run_build(ROOT)
    assert result.returncode == 0, f"the book does not build:\n{result.stdout}\n{result.stderr}"
    return ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def _fixture_paths(tmp_path_factory) -> tuple[Path, Path]:
    """The fixture book built once at a fixed path, and a snapshot of it (sources + _build)."""
    base = tmp_path_factory.mktemp("fixture")
    work, snapshot = base / "work", base / "snapshot"
    book = make_fixture_book(work)
    result = run_build(book, env=stub_env(work))
    assert result.returncode == 0, result.stdout + result.stderr
    shutil.copytree(work, snapshot, symlinks=True)
    return work, snapshot


@pytest.fixture
def fixture_book(_fixture_paths) -> Path:
    """The built fixture book (its folder holds ``book/`` and ``stub/``), restored from the
    snapshot at the same path for each test.

    Same path, same file times: Sphinx's saved environment stays valid, so a test's build
    re-reads only the page the test changed.
    """
    work, snapshot = _fixture_paths
    shutil.rmtree(work)
    shutil.copytree(snapshot, work, symlinks=True)
    return work
