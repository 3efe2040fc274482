"""The book's Sphinx extension, ``tools/bookext.py``, on a tiny book of its own.

- The patches it makes to third-party extensions: each is still needed, and each stops the
  build when the release it was written for is no longer the one installed. The tiny book (six
  pages with a theorem, a proof, a gated exercise and Python code, built in parallel) shows each
  problem: without its patch the build fails with that problem's symptom.
- The book's nitpick exemptions: a reference to an mmlcalc name that does not exist fails.
- mmlcalc's scripts are served from the package; a failing cell is located from the notebook.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.errors import ExtensionError

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import bookext  # noqa: E402

pytestmark = pytest.mark.build

PAGE = textwrap.dedent("""\
    # Page {n}

    :::{{prf:theorem}} A theorem
    :label: thm-{n}
    Something holds.
    :::

    :::{{prf:proof}}
    Because.
    :::

    ```python
    import math
    math.sqrt(2)
    ```

    :::{{exercise}}
    :label: ex-{n}
    Find the square root of three.
    :::

    :::{{solution-start}} ex-{n}
    :::
    ```python
    import math
    math.sqrt(3)
    ```
    :::{{solution-end}}
    :::
    """)

NOTEBOOK_PAGE = textwrap.dedent("""\
    ---
    file_format: mystnb
    kernelspec:
      name: python3
    ---
    # A tiny book

    ```{code-cell} ipython3
    print(6 * 7)
    ```
    """)

# What goes wrong without each patch, as Sphinx reports it.
SYMPTOMS = {
    "multitoc-parallel": "does not declare if it is safe for parallel reading",
    "proof-merge": "merge_domaindata must be implemented",
    "codeautolink-sections": "IndexError: pop from empty list",
}


@pytest.fixture(scope="module")
def tiny_book(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("patch-book")
    (root / "conf.py").write_text(textwrap.dedent(f"""\
        import sys
        sys.path.insert(0, {str(ROOT / "tools")!r})
        extensions = ["myst_nb", "sphinx_external_toc", "sphinx_proof", "sphinx_exercise",
                      "sphinx_codeautolink", "bookext"]
        external_toc_path = "_toc.yml"
        myst_enable_extensions = ["colon_fence", "dollarmath"]
        exclude_patterns = ["_build"]
        html_theme = "sphinx_book_theme"
        nb_execution_mode = "cache"
        nb_execution_cache_path = {str(root / "_build" / ".jupyter_cache")!r}
        nitpicky = True
        sys.path.insert(0, {str(ROOT)!r})
        from conf import nitpick_ignore_regex  # the book's own exemptions
        """), encoding="utf-8")
    pages = [f"p{n}" for n in range(1, 7)]  # Sphinx reads in parallel from six pages on
    (root / "_toc.yml").write_text(
        "format: jb-book\nroot: index\nparts:\n  - caption: Pages\n    numbered: true\n"
        "    chapters:\n" + "".join(f"      - file: {page}\n" for page in pages),
        encoding="utf-8")
    (root / "index.md").write_text(NOTEBOOK_PAGE, encoding="utf-8")
    for n, page in enumerate(pages, start=1):
        (root / f"{page}.md").write_text(PAGE.format(n=n), encoding="utf-8")
    return root


def _build(root: Path, out: Path, skip: str = "", env: dict[str, str] | None = None
           ) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-n", "-W", "-T", "-q", "-j", "2",
         "-D", f"mmlbook_skip_patches={skip}", str(root), str(out)],
        capture_output=True, text=True, timeout=300, env=env)


def test_the_tiny_book_builds_in_parallel_with_every_patch(tiny_book, tmp_path):
    result = _build(tiny_book, tmp_path / "html")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", sorted(SYMPTOMS))
def test_without_the_patch_the_build_fails_with_its_symptom(tiny_book, tmp_path, name):
    result = _build(tiny_book, tmp_path / "html", skip=name)
    assert result.returncode != 0
    assert SYMPTOMS[name] in result.stdout + result.stderr


# Patches that make the build faster rather than possible, and patches whose problem is a
# page published without its links rather than a failed build: each has its own test below.
SPEED_PATCHES = {"theme-sidebar-check"}
LINK_PATCHES = {"codeautolink-written-pages", "codeautolink-markdown-cache"}


def test_every_patch_has_a_symptom_test():
    assert {patch.name for patch in bookext.PATCHES} == \
        set(SYMPTOMS) | SPEED_PATCHES | LINK_PATCHES


LINKED_CODE = "```python\nimport tiny\ntiny.helper()\n```\n"
# A page that an extension finds outdated although its source did not change, as
# tools/pagedeps.py finds a page whose imported module changed.
OUTDATING_CONF = """
import os


def setup(app):
    def outdated(app, env, added, changed, removed):
        return ["code"] if os.environ.get("TINY_OUTDATE") else []
    app.connect("env-get-outdated", outdated)
"""


def _links(html: Path) -> int:
    return html.read_text(encoding="utf-8").count("sphinx-codeautolink-a")


def _linked_pages_after_incremental_builds(tiny_book: Path, tmp_path: Path, skip: str = ""
                                           ) -> dict[str, int]:
    """Build a copy of the tiny book with a documented function and code that calls it, then
    (1) rebuild with one page found outdated by an extension, and (2) rebuild after touching a
    page, which rewrites the root page (its table of contents) without reading it again.
    Returns the links in each page's code after each step."""
    book, out = tmp_path / "book", tmp_path / "html"
    shutil.copytree(tiny_book, book, ignore=shutil.ignore_patterns("_build"))
    (book / "conf.py").write_text((book / "conf.py").read_text() + OUTDATING_CONF)
    (book / "api.md").write_text("# API\n\n```{py:function} tiny.helper()\nHelps.\n```\n")
    (book / "code.md").write_text("# Code\n\n" + LINKED_CODE)
    (book / "index.md").write_text((book / "index.md").read_text() + "\n" + LINKED_CODE)
    toc = book / "_toc.yml"
    toc.write_text(toc.read_text() + "      - file: api\n      - file: code\n")
    env = dict(os.environ)
    found = {}
    for step in ("full", "outdated by an extension", "toc rewritten"):
        if step == "outdated by an extension":
            env["TINY_OUTDATE"] = "1"
        if step == "toc rewritten":
            env.pop("TINY_OUTDATE")
            (book / "p1.md").touch()
        result = _build(book, out, skip=skip, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        found[step] = {"code": _links(out / "code.html"), "index": _links(out / "index.html")}
    return found


def test_every_page_written_keeps_the_links_in_its_code(tiny_book, tmp_path):
    found = _linked_pages_after_incremental_builds(tiny_book, tmp_path)
    assert found["full"]["code"] >= 1 and found["full"]["index"] >= 1
    assert all(step == found["full"] for step in found.values()), found


def test_without_the_patches_incremental_builds_publish_pages_without_links(tiny_book,
                                                                            tmp_path):
    """The symptoms: the page read again only because an extension found it outdated, and the
    page rewritten only because its table of contents changed, lose their links."""
    outdated = _linked_pages_after_incremental_builds(
        tiny_book, tmp_path / "a", skip="codeautolink-written-pages")
    assert outdated["full"]["code"] >= 1 and outdated["outdated by an extension"]["code"] == 0
    rewritten = _linked_pages_after_incremental_builds(
        tiny_book, tmp_path / "b", skip="codeautolink-markdown-cache")
    assert rewritten["full"]["index"] >= 1 and rewritten["toc rewritten"]["index"] == 0


class _Templates:
    """Records what a page renders; every template renders to something."""

    def __init__(self):
        self.rendered: list[str] = []

    def render(self, template, context):
        self.rendered.append(template)
        return "<nav>contents</nav>"


def _sidebar_renders(patched: bool) -> list[str]:
    from types import SimpleNamespace

    from pydata_sphinx_theme import utils

    templates = _Templates()
    app = SimpleNamespace(builder=SimpleNamespace(templates=templates))
    saved = utils._update_and_remove_templates
    try:
        if patched:
            bookext._spare_book_sidebar_the_empty_check(app)
        else:
            utils._update_and_remove_templates = getattr(saved, "__wrapped__", saved)
        kept = utils._update_and_remove_templates(
            app=app, context={}, templates=["navbar-logo", bookext.BOOK_SIDEBAR_NAV],
            section="sidebars", templates_skip_empty_check=["sidebar-nav-bs.html"])
    finally:
        utils._update_and_remove_templates = saved
    assert kept == ["navbar-logo.html", bookext.BOOK_SIDEBAR_NAV]
    return templates.rendered


def test_the_theme_renders_the_book_sidebar_only_to_test_it_for_emptiness_unless_patched():
    assert bookext.BOOK_SIDEBAR_NAV in _sidebar_renders(patched=False)    # the symptom
    assert _sidebar_renders(patched=True) == ["navbar-logo.html"]          # spared, kept


def test_the_installed_releases_are_the_patched_ones():
    bookext.check_patched_versions()  # raises if an upgrade slipped into requirements.lock


def test_another_release_stops_the_build_with_a_message_that_says_what_to_do():
    patch = bookext.PATCHES[1]
    moved = bookext.Patch(patch.name, patch.distribution, "0.0.1", patch.problem,
                          patch.upstream, patch.apply)
    with pytest.raises(ExtensionError) as error:
        bookext.check_patched_versions([moved])
    message = str(error.value)
    installed = bookext.PATCHES[1].version
    assert (f"patches sphinx-proof 0.0.1 ({patch.problem}; upstream: {patch.upstream}), "
            f"but {installed} is installed") in message
    assert "delete the patch" in message and "update its version in PATCHES" in message


def test_an_unknown_patch_name_is_an_error(tiny_book, tmp_path):
    result = _build(tiny_book, tmp_path / "html", skip="no-such-patch")
    assert result.returncode != 0
    assert "mmlbook_skip_patches names no patch: ['no-such-patch']" in \
        result.stdout + result.stderr


def test_the_download_menu_offers_the_notebook_first(tiny_book, tmp_path):
    assert _build(tiny_book, tmp_path / "html").returncode == 0
    page = BeautifulSoup((tmp_path / "html" / "index.html").read_text(encoding="utf-8"),
                         "html.parser")
    entries = page.select(".dropdown-download-buttons a")
    assert [a.get_text(strip=True) for a in entries][:2] == [".ipynb", ".md"]
    assert entries[0]["href"] == "_notebooks/index.ipynb"
    assert (tmp_path / "html" / "_notebooks" / "index.ipynb").is_file()
    assert not page.select(".dropdown-download-buttons a[href$='p1.ipynb']")


def test_the_scripts_of_mmlcalc_ship_with_the_package_and_every_page_loads_them(tiny_book,
                                                                                tmp_path):
    names = [path.name for path in bookext.mmlcalc_scripts()]
    assert names == ["animation.js", "sandpit.js"]
    assert _build(tiny_book, tmp_path / "html").returncode == 0
    page = (tmp_path / "html" / "p1.html").read_text(encoding="utf-8")
    for name in names:
        assert (tmp_path / "html" / "_static" / name).is_file()
        assert f'src="_static/{name}' in page


REFERENCES = """# References

{py:class}`numpy.ndarray` and {py:func}`scipy.optimize.least_squares` cannot resolve offline
and are exempt; {py:class}`mmlcalc.NoSuchResult` is ours, so it must resolve.
"""


def test_a_broken_reference_to_an_mmlcalc_class_fails_the_build(tiny_book, tmp_path):
    book = tmp_path / "book"
    shutil.copytree(tiny_book, book)
    (book / "p6.md").write_text(REFERENCES, encoding="utf-8")
    result = _build(book, tmp_path / "html")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "py:class reference target not found: mmlcalc.NoSuchResult" in output
    assert "numpy.ndarray" not in output and "least_squares" not in output


def _cell(source: str, outputs=(), tags=()) -> dict:
    return {"cell_type": "code", "source": source, "metadata": {"tags": list(tags)},
            "outputs": list(outputs)}


ERROR = {"output_type": "error", "ename": "RuntimeError", "evalue": "boom", "traceback": []}


def test_the_failing_cell_is_found_from_the_notebooks_own_outputs_and_source_map():
    notebook = {
        "metadata": {"source_map": [10, 14, 20, 31, 40]},
        "cells": [{"cell_type": "markdown", "source": "# Title", "metadata": {}},
                  _cell("x = 1"),
                  _cell("raise ValueError", [ERROR], tags=["raises-exception"]),
                  _cell("raise RuntimeError('boom')", [ERROR]),
                  _cell("never run")],
    }
    assert bookext.failing_cell(notebook) == "code cell 3, line 31"
    notebook["cells"][3]["outputs"] = []
    assert bookext.failing_cell(notebook) is None
