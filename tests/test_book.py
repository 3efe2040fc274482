"""Tests of the book build: strictness, fault reporting, the last good site, the cache.

Each fault-injection test takes a copy of a successfully built book, breaks one page of it in
one way, and checks that the build fails, says where, and leaves the published site alone.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_build

pytestmark = pytest.mark.build

PAGE = Path("book/01-calculus/rise-over-run.md")
PAGE_HTML = Path("_build/html/book/01-calculus/rise-over-run.html")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _site_fingerprint(root: Path) -> dict[str, str]:
    site = root / "_build" / "html"
    return {p.relative_to(site).as_posix(): _digest(p) for p in sorted(site.rglob("*.html"))}


def _insert_after_first_code_cell(root: Path, text: str) -> int:
    """Insert `text` after the first code cell of PAGE; return the line number it starts at."""
    path = root / PAGE
    source = path.read_text(encoding="utf-8")
    first = source.index("```{code-cell}")
    end = source.index("\n```\n", first) + len("\n```\n")
    path.write_text(source[:end] + "\n" + text + "\n" + source[end:], encoding="utf-8")
    return source.count("\n", 0, end) + 2


RAISING_CELL = '```{code-cell} ipython3\nraise RuntimeError("canary: injected failure")\n```\n'
WARNING_CELL = ('```{code-cell} ipython3\nimport warnings\n\n'
                'warnings.warn("canary: injected warning", stacklevel=1)\n```\n')
BROKEN_REFERENCE = "See also {ref}`sec-canary-does-not-exist`.\n"


def _assert_failed_and_site_kept(root: Path, before: dict[str, str], output: str) -> None:
    assert "BUILD FAILED" in output
    assert "The last good site in _build/html is unchanged." in output
    assert _site_fingerprint(root) == before, "a failed build changed the published site"
    assert not (root / "_build" / "html.new").exists()


def test_a_raising_cell_fails_the_build_naming_page_cell_and_traceback(book_copy):
    before = _site_fingerprint(book_copy)
    line = _insert_after_first_code_cell(book_copy, RAISING_CELL)
    result = run_build(book_copy)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "RuntimeError: canary: injected failure" in output  # the traceback is shown
    assert "Traceback" in output or "----> 1 raise RuntimeError" in output
    assert f"execution failed in {PAGE.as_posix()}, code cell 2, line {line}" in output
    _assert_failed_and_site_kept(book_copy, before, output)

    # The failure cannot be skipped: building again without a fix fails again.
    again = run_build(book_copy)
    assert again.returncode != 0
    assert "canary: injected failure" in again.stdout + again.stderr
    assert _site_fingerprint(book_copy) == before


def test_a_cell_that_warns_fails_the_build(book_copy):
    before = _site_fingerprint(book_copy)
    line = _insert_after_first_code_cell(book_copy, WARNING_CELL)
    result = run_build(book_copy)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    # the page and a line within the offending cell are named
    match = re.search(rf"{re.escape(PAGE.as_posix())}:(\d+): WARNING: stderr was found in the "
                      r"cell outputs of cell \d+", output)
    assert match, output
    assert line <= int(match.group(1)) < line + WARNING_CELL.count("\n")
    _assert_failed_and_site_kept(book_copy, before, output)


def test_a_broken_reference_fails_the_build(book_copy):
    before = _site_fingerprint(book_copy)
    _insert_after_first_code_cell(book_copy, BROKEN_REFERENCE)
    result = run_build(book_copy)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert re.search(rf"{re.escape(PAGE.as_posix())}:\d+: WARNING: undefined label: "
                     r"'sec-canary-does-not-exist'", output), output
    _assert_failed_and_site_kept(book_copy, before, output)


def test_a_cell_tagged_raises_exception_is_allowed_and_shown(book_copy):
    cell = ('```{code-cell} ipython3\n:tags: [raises-exception]\n\n'
            'raise ValueError("canary: a deliberate error")\n```\n')
    _insert_after_first_code_cell(book_copy, cell)
    result = run_build(book_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    html = (book_copy / PAGE_HTML).read_text(encoding="utf-8")
    assert "canary: a deliberate error" in html


def test_fixing_the_fault_publishes_the_fixed_site(book_copy):
    page = book_copy / PAGE
    good = page.read_text(encoding="utf-8")
    _insert_after_first_code_cell(book_copy, RAISING_CELL)
    assert run_build(book_copy).returncode != 0
    page.write_text(good.replace("## Rise over run", "## Rise over run, fixed"),
                    encoding="utf-8")
    result = run_build(book_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Rise over run, fixed" in (book_copy / PAGE_HTML).read_text(encoding="utf-8")


def test_a_changed_package_re_executes_the_pages_that_use_it(book_copy, tmp_path,
                                                             env_without_pythonpath):
    """jupyter-cache keys on cell code only; our key adds the mmlcalc source."""
    code = tmp_path / "code"
    shutil.copytree(ROOT / "code" / "mmlcalc", code / "mmlcalc",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = dict(env_without_pythonpath, PYTHONPATH=str(code))  # the kernels import this copy
    status = book_copy / "_build" / "html" / "book" / "appendix" / "build-status.html"
    caches = book_copy / "_build" / ".jupyter_cache"
    key_before = sorted(p.name for p in caches.iterdir())

    # The same source under another path: same key, so the same cache.
    unchanged = run_build(book_copy, env=env)
    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr
    assert sorted(p.name for p in caches.iterdir()) == key_before
    assert "0.1.0+canary" not in status.read_text(encoding="utf-8")

    init = code / "mmlcalc" / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8").replace(
        '__version__ = "0.1.0"', '__version__ = "0.1.0+canary"'), encoding="utf-8")
    changed = run_build(book_copy, env=env)
    assert changed.returncode == 0, changed.stdout + changed.stderr
    key_after = sorted(p.name for p in caches.iterdir())
    assert len(key_after) == 1 and key_after != key_before  # a new key; the stale cache pruned
    # the build-status page prints mmlcalc.__version__: its output was recomputed, not cached
    assert "0.1.0+canary" in status.read_text(encoding="utf-8")
