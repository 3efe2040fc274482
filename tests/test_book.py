"""Tests of the build machinery: strictness, fault reporting, the last good site, the cache.

They run the real build (``conf.py``, ``tools/``) on a small fixture book whose kernels import
a stub package (tests/fixture_book), so each build takes seconds. Each fault-injection test
takes a copy of the successfully built fixture, breaks one page of it in one way, and checks
that the build fails, says where, and leaves the published site alone. The real book is built
once, by the ``built_site`` fixture that the site, browser and download tests share.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import run_build, stub_env

pytestmark = pytest.mark.build

PAGE = Path("book/ch/alpha.md")
PAGE_HTML = Path("_build/html/book/ch/alpha.html")
OTHER_HTML = Path("_build/html/book/ch/beta.html")
CACHE = Path("_build/.jupyter_cache/book")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _site_fingerprint(book: Path) -> dict[str, str]:
    site = book / "_build" / "html"
    return {p.relative_to(site).as_posix(): _digest(p) for p in sorted(site.rglob("*.html"))}


def _build(base: Path, *args: str, env: dict[str, str] | None = None):
    """Build the fixture book in `base`; return (exit code, everything it printed)."""
    result = run_build(base / "book", *args, env=env or stub_env(base))
    return result.returncode, result.stdout + result.stderr


def _executions(base: Path) -> dict[str, float]:
    """{page: when its cached notebook was made}, for every notebook in the execution cache."""
    from jupyter_cache import get_cache

    records = get_cache(str(base / "book" / CACHE)).list_cache_records()
    return {f"{Path(r.uri).parent.name}/{Path(r.uri).stem}@{r.pk}": r.created.timestamp()
            for r in records}


def _executed_since(base: Path, before: dict[str, float]) -> set[str]:
    """The pages executed since `before` was taken (new cache entries)."""
    return {key.split("@")[0] for key in set(_executions(base)) - set(before)}


def _insert_after_first_code_cell(base: Path, text: str) -> int:
    """Insert `text` after the first code cell of PAGE; return the line number it starts at."""
    path = base / "book" / PAGE
    source = path.read_text(encoding="utf-8")
    first = source.index("```{code-cell}")
    end = source.index("\n```\n", first) + len("\n```\n")
    path.write_text(source[:end] + "\n" + text + "\n" + source[end:], encoding="utf-8")
    return source.count("\n", 0, end) + 2


def _edit_stub(base: Path, module: str, old: str, new: str) -> None:
    path = base / "stub" / "mmlcalc" / module
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


RAISING_CELL = '```{code-cell} ipython3\nraise RuntimeError("canary: injected failure")\n```\n'
WARNING_CELL = ('```{code-cell} ipython3\nimport warnings\n\n'
                'warnings.warn("canary: injected warning", stacklevel=1)\n```\n')
BROKEN_REFERENCE = "See also {ref}`sec-canary-does-not-exist`.\n"


def _assert_failed_and_site_kept(book: Path, before: dict[str, str], output: str) -> None:
    assert "BUILD FAILED" in output
    assert "The last good site in _build/html is unchanged." in output
    assert _site_fingerprint(book) == before, "a failed build changed the published site"
    assert not (book / "_build" / "html.new").exists()


# --- faults: each fails the build, names its place, and leaves the last good site -------------

def test_a_raising_cell_fails_the_build_naming_page_cell_and_traceback(fixture_book):
    book = fixture_book / "book"
    before = _site_fingerprint(book)
    line = _insert_after_first_code_cell(fixture_book, RAISING_CELL)
    code, output = _build(fixture_book)
    assert code != 0
    assert "RuntimeError: canary: injected failure" in output  # the traceback is shown
    assert "Traceback" in output or "----> 1 raise RuntimeError" in output
    assert f"execution failed in {PAGE.as_posix()}, code cell 2, line {line}" in output
    _assert_failed_and_site_kept(book, before, output)

    # The failure cannot be skipped: building again without a fix fails again.
    code, again = _build(fixture_book)
    assert code != 0
    assert "canary: injected failure" in again
    assert _site_fingerprint(book) == before


def test_a_cell_that_warns_fails_the_build(fixture_book):
    book = fixture_book / "book"
    before = _site_fingerprint(book)
    line = _insert_after_first_code_cell(fixture_book, WARNING_CELL)
    code, output = _build(fixture_book)
    assert code != 0
    # the page and a line within the offending cell are named
    match = re.search(rf"{re.escape(PAGE.as_posix())}:(\d+): WARNING: stderr was found in the "
                      r"cell outputs of cell \d+", output)
    assert match, output
    assert line <= int(match.group(1)) < line + WARNING_CELL.count("\n")
    _assert_failed_and_site_kept(book, before, output)


def test_a_broken_reference_fails_the_build(fixture_book):
    book = fixture_book / "book"
    before = _site_fingerprint(book)
    _insert_after_first_code_cell(fixture_book, BROKEN_REFERENCE)
    code, output = _build(fixture_book)
    assert code != 0
    assert re.search(rf"{re.escape(PAGE.as_posix())}:\d+: WARNING: undefined label: "
                     r"'sec-canary-does-not-exist'", output), output
    _assert_failed_and_site_kept(book, before, output)
    # and again: the page that warned is read again, so the warning cannot be skipped
    code, again = _build(fixture_book)
    assert code != 0 and "sec-canary-does-not-exist" in again
    assert _site_fingerprint(book) == before


def test_a_cell_tagged_raises_exception_is_allowed_and_shown(fixture_book):
    cell = ('```{code-cell} ipython3\n:tags: [raises-exception]\n\n'
            'raise ValueError("canary: a deliberate error")\n```\n')
    _insert_after_first_code_cell(fixture_book, cell)
    code, output = _build(fixture_book)
    assert code == 0, output
    html = (fixture_book / "book" / PAGE_HTML).read_text(encoding="utf-8")
    assert "canary: a deliberate error" in html


def test_fixing_the_fault_publishes_the_fixed_site(fixture_book):
    page = fixture_book / "book" / PAGE
    good = page.read_text(encoding="utf-8")
    _insert_after_first_code_cell(fixture_book, RAISING_CELL)
    assert _build(fixture_book)[0] != 0
    page.write_text(good.replace("## The value of alpha", "## The value of alpha, fixed"),
                    encoding="utf-8")
    code, output = _build(fixture_book)
    assert code == 0, output
    html = (fixture_book / "book" / PAGE_HTML).read_text(encoding="utf-8")
    assert "The value of alpha, fixed" in html


def test_a_failed_build_reads_again_only_the_pages_that_failed(fixture_book):
    _insert_after_first_code_cell(fixture_book, RAISING_CELL)
    assert _build(fixture_book)[0] != 0
    code, output = _build(fixture_book, "--verbose")
    assert code != 0
    assert "updating environment: 0 added, 1 changed, 0 removed" in output, output
    assert re.search(r"reading sources\.\.\. \[100%\] book/ch/alpha\b", output), output


def test_a_build_with_nothing_changed_does_not_run_sphinx(fixture_book):
    site = _site_fingerprint(fixture_book / "book")
    code, output = _build(fixture_book)
    assert code == 0, output
    assert output.startswith("Up to date: nothing changed since the last good build"), output
    assert _site_fingerprint(fixture_book / "book") == site


@pytest.mark.parametrize("change", ["page", "package", "setting", "forced"])
def test_any_change_to_what_the_site_is_made_from_builds_again(fixture_book, change):
    args, env = [], None
    if change == "page":
        (fixture_book / "book" / PAGE).touch()
    elif change == "package":
        (fixture_book / "stub" / "mmlcalc" / "__init__.py").touch()
    elif change == "setting":
        env = dict(stub_env(fixture_book), MMLBOOK_BASE_URL="https://example.org/book/")
    else:
        args = ["--force"]
    code, output = _build(fixture_book, *args, env=env)
    assert code == 0, output
    assert "Build succeeded" in output and "Up to date" not in output, output


# --- the execution cache follows the package -------------------------------------------------

def test_kernels_record_which_package_modules_each_page_imported(fixture_book):
    folder = fixture_book / "book" / CACHE / "imports"
    recorded = sorted(tuple(json.loads(p.read_text(encoding="utf-8")))
                      for p in folder.glob("*.json"))
    # one record per executed notebook, with exactly the stub's modules it imported
    assert recorded == [("__init__.py", "alpha.py"), ("__init__.py", "beta.py")]


def test_a_changed_module_re_executes_only_the_pages_that_import_it(fixture_book):
    before = _executions(fixture_book)
    _edit_stub(fixture_book, "alpha.py", "return 1", "return 2")
    code, output = _build(fixture_book)
    assert code == 0, output
    assert _executed_since(fixture_book, before) == {"ch/alpha"}
    assert "alpha says 2" in (fixture_book / "book" / PAGE_HTML).read_text(encoding="utf-8")

    # the package's __init__ is imported by every page that uses the package
    before = _executions(fixture_book)
    _edit_stub(fixture_book, "__init__.py", '"0.0.1"', '"0.0.1+canary"')
    code, output = _build(fixture_book)
    assert code == 0, output
    assert _executed_since(fixture_book, before) == {"ch/alpha", "ch/beta"}
    assert "with mmlcalc 0.0.1+canary" in (fixture_book / "book" / OTHER_HTML).read_text(
        encoding="utf-8")


def test_docstring_and_comment_edits_re_execute_nothing(fixture_book):
    before = _executions(fixture_book)
    _edit_stub(fixture_book, "alpha.py", '"""The value the alpha page prints."""',
               '"""The value that the alpha page prints, reworded."""\n    # a comment')
    _edit_stub(fixture_book, "beta.py", '"""The module that the beta page imports."""',
               '"""The beta module, reworded."""  # and commented')
    code, output = _build(fixture_book)
    assert code == 0, output
    assert _executed_since(fixture_book, before) == set()


def test_the_same_package_at_another_path_re_executes_nothing(fixture_book):
    before = _executions(fixture_book)
    moved = fixture_book / "elsewhere"
    shutil.copytree(fixture_book / "stub", moved)
    code, output = _build(fixture_book, env=stub_env(fixture_book) | {"PYTHONPATH": str(moved)})
    assert code == 0, output
    assert _executed_since(fixture_book, before) == set()


def test_going_back_to_an_earlier_package_finds_its_outputs_cached(fixture_book):
    """The cache keeps a few versions of each page (switching branches does not re-run)."""
    _edit_stub(fixture_book, "alpha.py", "return 1", "return 3")
    assert _build(fixture_book)[0] == 0
    before = _executions(fixture_book)
    _edit_stub(fixture_book, "alpha.py", "return 3", "return 1")
    code, output = _build(fixture_book)
    assert code == 0, output
    assert _executed_since(fixture_book, before) == set()
    assert "alpha says 1" in (fixture_book / "book" / PAGE_HTML).read_text(encoding="utf-8")
    from jupyter_cache import get_cache

    cache = get_cache(str(fixture_book / "book" / CACHE))
    assert 0 < cache.get_cache_limit() < 1000   # bounded, by the number of pages
