"""Sphinx extension with the book's own build rules.

1. **Fast kernels, and a cache key that includes `mmlcalc`.** Kernels are forked from one
   warm server (:mod:`forkkernel`); a notebook's cache key covers the package modules it
   imported, so an edit re-executes the pages that depend on it and nothing else
   (:mod:`pagedeps`).
2. **Failures that say where.** When a notebook fails, myst-nb's warning carries nbclient's
   traceback but not the cell's place in the source file; :func:`failing_cell` reads it from
   the executed notebook (the cell with the error, and the line myst-nb recorded for it).
3. **Math served from the site.** MathJax 3 comes from the ``sphinx-mathjax-offline`` wheel;
   only the files a page can load (the TeX-to-CommonHTML bundle, its fonts, the TeX extensions
   it may autoload, the menu and accessibility modules) are copied into ``_static/mathjax``.
4. **mmlcalc's own scripts.** The HTML of the sandpit game and the slider figures needs the
   JavaScript that ships with the package (``mmlcalc/_static``); it is served from there.
5. **Patches of third-party extensions**, each pinned to the release it fixes (``PATCHES``).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.fileutil import copy_asset

import fastautolink
import forkkernel
import pagedeps
import smalldoctrees
from claims_ext import failed_claim
from pagedeps import book_cache

logger = logging.getLogger(__name__)

MATHJAX_PARTS = ("tex-chtml.js", "input/tex/extensions", "output/chtml", "ui", "a11y",
                 "sre", "adaptors")


def _mathjax_source() -> Path:
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or spec.origin is None:
        raise RuntimeError("sphinx-mathjax-offline is not installed (see requirements.lock)")
    return Path(spec.origin).parent / "static" / "mathjax"


def _copy_mathjax(app: Sphinx, exc: Exception | None) -> None:
    if exc is not None or app.builder.format != "html":
        return
    source = _mathjax_source()
    target = Path(app.outdir) / "_static" / "mathjax"
    for part in MATHJAX_PARTS:
        src = source / part
        dest = target / part
        if src.is_dir():
            copy_asset(src, dest)
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
            copy_asset(src, dest.parent)


def failing_cell(notebook: dict) -> str | None:
    """Where an executed notebook stopped: ``"code cell N, line L"`` of its MyST source.

    nbclient leaves the error as the failing cell's last output, and myst-nb records the
    source line each cell starts on (``metadata.source_map``) when it reads a MyST file.
    A cell tagged ``raises-exception`` may fail: it is skipped.
    """
    source_map = notebook.get("metadata", {}).get("source_map") or []
    code_cells = 0
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        code_cells += 1
        if "raises-exception" in cell.get("metadata", {}).get("tags", []):
            continue
        if any(output.get("output_type") == "error" for output in cell.get("outputs", [])):
            line = f", line {source_map[index]}" if index < len(source_map) else ""
            return f"code cell {code_cells}{line}"
    return None


def _create_execution_cache(app: Sphinx) -> None:
    """Create the jupyter-cache database before parallel reading starts.

    A changed package means a new, empty cache folder; left to the reader processes, two of
    them race to create the same SQLite tables and the build crashes ("table settings already
    exists"). Creating it here, once, in the main process, removes the race.
    """
    if app.config.nb_execution_mode != "cache":
        return
    book_cache(app.config.nb_execution_cache_path).list_cache_records()


def _report_failures(app: Sphinx, env) -> None:
    """After reading, name the page, cell and line of every notebook that failed to execute."""
    import nbformat
    from myst_nb.sphinx_ import NbMetadataCollector

    srcdir = Path(app.srcdir)
    executed = Path(app.outdir).parent / "jupyter_execute"
    for docname in sorted(env.found_docs):
        exec_data = NbMetadataCollector.get_exec_data(env, docname) or {}
        if exec_data.get("succeeded", True):
            continue
        place = Path(env.doc2path(docname)).relative_to(srcdir).as_posix()
        notebook = executed / f"{docname}.ipynb"  # myst-nb writes it, outputs and all
        where = failing_cell(nbformat.read(notebook, as_version=4)) if notebook.exists() \
            else None
        place += f", {where}" if where else ""
        words = failed_claim(exec_data.get("traceback"))
        if words is not None:
            logger.warning("claim failed in %s: %s", place, words, type="mmlbook",
                           subtype="claim", location=docname)
        else:
            logger.warning("execution failed in %s: %s (the traceback is printed above)",
                           place, exec_data.get("error"), type="mmlbook", subtype="exec",
                           location=docname)


# --- patches of third-party extensions ---------------------------------------------------------
# Each patch fixes one release of one extension. It states the release it was written for, and
# the build stops when another release is installed: the upstream fix may have landed (then the
# patch must go) or the code it replaces may have changed (then it may be wrong). Each has a
# test that fails without it (tests/test_bookext_patches.py). A test can leave patches out
# with ``-D mmlbook_skip_patches=name,name``.


def _declare_multitoc_parallel_safe(app: Sphinx) -> None:
    """sphinx-external-toc loads sphinx-multitoc-numbering, whose ``setup`` declares nothing,
    so Sphinx would fall back to a serial read (and warn, which -W turns into a failure). Its
    only work is renumbering sections in the main process after reading, which is safe."""
    ext = app.extensions.get("sphinx_multitoc_numbering")
    if ext is not None and ext.parallel_read_safe is None:
        ext.parallel_read_safe = True


def _let_proof_domain_merge(app: Sphinx) -> None:
    """sphinx-proof declares itself parallel-safe, but its domain lacks ``merge_domaindata``,
    so a parallel read crashes. The domain keeps no per-document data of its own (proofs live
    in ``env.proof_list``, which sphinx-proof merges itself), so merging has nothing to do."""
    from sphinx.domains import Domain
    from sphinx_proof.domain import ProofDomain

    if ProofDomain.merge_domaindata is Domain.merge_domaindata:
        ProofDomain.merge_domaindata = lambda self, docnames, otherdata: None


def _tolerate_untitled_sections(app: Sphinx) -> None:
    """sphinx-codeautolink pops a title for every section it leaves, but sphinx-exercise's
    exercises make sections without a title node, and the empty stack then crashes the read.
    Pop only what was pushed."""
    from sphinx_codeautolink.extension.block import CodeBlockAnalyser

    if getattr(CodeBlockAnalyser.depart_section, "_mmlbook", False):
        return

    def depart_section(self, node) -> None:
        if self.title_stack:
            self.title_stack.pop()

    depart_section._mmlbook = True
    CodeBlockAnalyser.depart_section = depart_section


def _link_every_written_page(app: Sphinx) -> None:
    """sphinx-codeautolink links the code of the pages it finds outdated when the build starts
    (``builder.get_outdated_docs``: sources newer than their output). A page Sphinx writes for
    another reason was written without its links: one read again because an extension found it
    outdated (tools/pagedeps.py does, when a module the page imports changed), or one rewritten
    because a page in its table of contents changed. Link every page the builder writes."""
    from sphinx_codeautolink.extension import SphinxCodeAutoLink

    states = [getattr(listener.handler, "__self__", None)
              for listener in app.events.listeners.get("builder-inited", [])]
    state = next((s for s in states if isinstance(s, SphinxCodeAutoLink)), None)
    if state is None:
        return

    def link_what_is_written(app: Sphinx) -> None:
        if state.do_nothing:
            return
        write_documents = app.builder.write_documents

        def write_and_mark_documents(docnames) -> None:
            state.outdated_docs.update(str(Path(name)) for name in docnames)
            write_documents(docnames)

        app.builder.write_documents = write_and_mark_documents

    app.connect("builder-inited", link_what_is_written, priority=900)  # after codeautolink's


def _keep_cached_links_of_markdown_pages(app: Sphinx) -> None:
    """sphinx-codeautolink saves what it found in each page's code between builds, but on
    reading the saved data back keeps only pages whose source is ``<page>.rst``: every MyST
    page's entry is dropped. A page written without being read again (its table of contents
    changed) then loses the links in its code. Keep the entries of every page whose source
    exists, whatever its suffix (the same reading, with that one test changed)."""
    import json

    from sphinx_codeautolink.extension.block import CodeExample, Name, SourceTransform
    from sphinx_codeautolink.extension.cache import DataCache

    if getattr(DataCache.read, "_mmlbook", False):
        return

    def read(self) -> None:
        suffixes = list(app.config.source_suffix)  # final by now (myst-nb adds .md, .ipynb)
        cache = self.cache_dir / self.cache_filename
        if not cache.exists():
            return
        for page, transforms in json.loads(cache.read_text("utf-8")).items():
            if not any((self.src_dir / (page + suffix)).exists() for suffix in suffixes):
                continue  # the page is gone
            self.transforms[page] = [
                SourceTransform(**{**t, "example": CodeExample(**t["example"]),
                                   "names": [Name(**n) for n in t["names"]]})
                for t in transforms]

    read._mmlbook = True
    DataCache.read = read


#: sphinx-book-theme's table of contents in the left sidebar: never empty, the slowest template
BOOK_SIDEBAR_NAV = "sbt-sidebar-nav.html"


def _spare_book_sidebar_the_empty_check(app: Sphinx) -> None:
    """pydata-sphinx-theme renders every sidebar template of every page an extra time, only to
    see whether it comes out empty. It spares its own navigation template that work, but not
    sphinx-book-theme's, which holds the whole table of contents: about a seventh of Sphinx's
    time here, for a template that is never empty. Spare it too."""
    from pydata_sphinx_theme import utils

    original = utils._update_and_remove_templates
    if getattr(original, "_mmlbook", False):
        return

    def update_and_remove_templates(app, context, templates, section,
                                    templates_skip_empty_check=None):
        return original(app, context, templates, section,
                        [*(templates_skip_empty_check or []), BOOK_SIDEBAR_NAV])

    update_and_remove_templates._mmlbook = True
    update_and_remove_templates.__wrapped__ = original
    utils._update_and_remove_templates = update_and_remove_templates


@dataclass(frozen=True)
class Patch:
    """A fix of one release of a third-party extension, applied when the build starts."""

    name: str            # what ``mmlbook_skip_patches`` calls it
    distribution: str    # the package on PyPI
    version: str         # the release the patch was written for and tested against
    problem: str         # what goes wrong without it
    upstream: str        # where the fix belongs
    apply: Callable[[Sphinx], None]


PATCHES = (
    Patch("multitoc-parallel", "sphinx-multitoc-numbering", "0.1.3",
          "it does not declare itself parallel-safe, so the read falls back to serial and warns",
          "github.com/executablebooks/sphinx-multitoc-numbering/issues/27",
          _declare_multitoc_parallel_safe),
    Patch("proof-merge", "sphinx-proof", "0.4.0",
          "its domain lacks merge_domaindata, so a parallel read crashes",
          "github.com/executablebooks/sphinx-proof: not reported yet",
          _let_proof_domain_merge),
    Patch("codeautolink-sections", "sphinx-codeautolink", "0.19.0",
          "a section without a title empties its title stack and crashes the read",
          "github.com/felix-hilden/sphinx-codeautolink: not reported yet",
          _tolerate_untitled_sections),
    Patch("codeautolink-written-pages", "sphinx-codeautolink", "0.19.0",
          "a page read again because a module it imports changed, or rewritten because its "
          "table of contents changed, is published without the links in its code",
          "github.com/felix-hilden/sphinx-codeautolink: not reported yet",
          _link_every_written_page),
    Patch("codeautolink-markdown-cache", "sphinx-codeautolink", "0.19.0",
          "its saved findings are read back only for .rst pages, so a MyST page written "
          "without being read again is published without the links in its code",
          "github.com/felix-hilden/sphinx-codeautolink: not reported yet",
          _keep_cached_links_of_markdown_pages),
    Patch("theme-sidebar-check", "pydata-sphinx-theme", "0.20.0",
          "every page renders sphinx-book-theme's sidebar navigation twice, once only to see "
          "whether it is empty (about a seventh of Sphinx's time)",
          "github.com/executablebooks/sphinx-book-theme: not reported yet",
          _spare_book_sidebar_the_empty_check),
)


def check_patched_versions(patches=PATCHES) -> None:
    """Stop the build if an extension that a patch fixes is not the release it was written for."""
    from importlib.metadata import PackageNotFoundError, version

    for patch in patches:
        try:
            installed = version(patch.distribution)
        except PackageNotFoundError:
            installed = "not installed"
        if installed != patch.version:
            raise ExtensionError(
                f"tools/bookext.py patches {patch.distribution} {patch.version} "
                f"({patch.problem}; upstream: {patch.upstream}), but {installed} is installed. "
                f"Check whether that release "
                f"fixes the problem (then delete the patch) or still has it (then test the "
                f"patch against it and update its version in PATCHES).")


def _apply_patches(app: Sphinx, config) -> None:
    check_patched_versions()
    skipped = {name.strip() for name in config.mmlbook_skip_patches.split(",") if name.strip()}
    unknown = skipped - {patch.name for patch in PATCHES}
    if unknown:
        raise ExtensionError(f"mmlbook_skip_patches names no patch: {sorted(unknown)}")
    for patch in PATCHES:
        if patch.name not in skipped:
            patch.apply(app)


def _resolve_mmlcalc_alias(app: Sphinx, env, node, contnode):
    """Resolve ``mmlcalc.gradient``, ``mml.gradient`` or a bare ``gradient`` in a docstring.

    The book and the docstrings name functions by the short path readers type
    (``mmlcalc.gradient``); autodoc documents them where they are defined
    (``mmlcalc.numdiff.gradient``). Import the name, ask the object where it lives, and link
    there. Anything that is not ours stays unresolved, so -n still reports it.
    """
    if node.get("refdomain") != "py":
        return None
    import importlib

    target = node["reftarget"].removeprefix("~")
    for prefix in ("mml.", "mmlcalc."):
        if target.startswith(prefix):
            target = target.removeprefix(prefix)
    module = node.get("py:module") or "mmlcalc"
    for base in ("mmlcalc", module):
        obj = importlib.import_module(base)
        try:
            for part in target.split("."):
                obj = getattr(obj, part)
        except AttributeError:
            continue
        owner = getattr(obj, "__module__", None)
        qualname = getattr(obj, "__qualname__", None)
        if isinstance(obj, type(importlib)):   # a module
            full = obj.__name__
        elif owner and qualname and owner.startswith("mmlcalc"):
            full = f"{owner}.{qualname}"
        else:
            continue
        found = _link_python_object(app, env, node, contnode, full)
        if found is not None:
            return found
    # Constants have no __module__: link the one documented mmlcalc object of that name.
    last = target.rsplit(".", 1)[-1]
    matches = [name for name in env.get_domain("py").objects
               if name.startswith("mmlcalc.") and name.rsplit(".", 1)[-1] == last]
    if len(matches) == 1:
        return _link_python_object(app, env, node, contnode, matches[0])
    return None


def _link_python_object(app: Sphinx, env, node, contnode, full: str):
    domain = env.get_domain("py")
    for role in ("obj", "func", "class", "meth", "attr", "mod", "data"):
        found = domain.resolve_xref(env, node["refdoc"], app.builder, role, full, node, contnode)
        if found is not None:
            return found
    return None


_SECTION_NUMBER = re.compile(r"(?<![\d.])([1-9])\.(\d{1,2})(?![\d])")


def book_sections(srcdir: Path) -> dict[str, str]:
    """Map section numbers ("2.6") to documents, from the numbered part of ``_toc.yml``."""
    import yaml

    toc = yaml.safe_load((srcdir / "_toc.yml").read_text(encoding="utf-8"))
    numbered = next(part for part in toc["parts"] if part.get("numbered"))
    sections = {}
    for c, chapter in enumerate(numbered["chapters"], start=1):
        for s, section in enumerate(chapter.get("sections", []), start=1):
            sections[f"{c}.{s}"] = section["file"]
    return sections


def _link_book_sections(app: Sphinx, what, name, obj, options, lines: list[str]) -> None:
    """Turn "Book: section 2.6" in a docstring into a link to that section's page.

    Docstrings say where the book teaches a function in plain numbers, which read well in
    ``help()``; on the API pages the numbers become links. A number with no such section is
    an error (the test suite checks this too).
    """
    sections = app.env.mmlbook_sections
    in_book_paragraph = False
    for i, line in enumerate(lines):
        if "Book:" in line:
            in_book_paragraph = True
        elif not line.strip():
            in_book_paragraph = False
        if not in_book_paragraph:
            continue

        def link(match: re.Match) -> str:
            number = match.group(0)
            if number not in sections:
                logger.warning("%s: no section %s in the book", name, number,
                               type="mmlbook", subtype="api")
                return number
            return f":doc:`{number} </{sections[number]}>`"

        head, sep, tail = line.partition("Book:")
        lines[i] = head + sep + _SECTION_NUMBER.sub(link, tail) if sep else \
            _SECTION_NUMBER.sub(link, line)


def _load_sections(app: Sphinx) -> None:
    app.env.mmlbook_sections = book_sections(Path(app.srcdir))


# --- downloads: every executed page as a Jupyter notebook ------------------------------------

NOTEBOOKS = "_notebooks"
_GLUE_IMPORT = "from myst_nb import glue"
_GLUE_FALLBACK = """try:
    from myst_nb import glue
except ImportError:  # outside the book's build, glue just shows the value
    def glue(name, variable, display=True):
        if display:
            from IPython.display import display as show
            show(variable)"""


def notebook_for_download(notebook: dict) -> dict:
    """The executed notebook, made runnable by a reader who has mmlcalc but not myst-nb.

    Cells that import ``glue`` from myst-nb get a fallback that shows the value instead.
    Outputs are kept, so the notebook also reads offline without running it. A first markdown
    cell says how to install mmlcalc (the wheel the site publishes).
    """
    from publish import install_note

    cells = notebook["cells"]
    if not cells or cells[0].get("id") != "mmlbook-install":
        cells.insert(0, {"cell_type": "markdown", "id": "mmlbook-install", "metadata": {},
                         "source": install_note()})
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if _GLUE_IMPORT in source:
            cell["source"] = source.replace(_GLUE_IMPORT, _GLUE_FALLBACK)
    return notebook


def _executed_notebooks(app: Sphinx):
    """(docname, path) of each notebook myst-nb executed for this build."""
    executed = Path(app.outdir).parent / "jupyter_execute"
    for docname in sorted(app.env.found_docs):
        path = executed / f"{docname}.ipynb"
        if path.exists():
            yield docname, path


def _write_notebooks(app: Sphinx, exc: Exception | None) -> None:
    if exc is not None or app.builder.format != "html":
        return
    import json

    import nbformat

    cache = book_cache(app.config.nb_execution_cache_path)
    for docname, path in _executed_notebooks(app):
        target = Path(app.outdir) / NOTEBOOKS / f"{docname}.ipynb"
        if target.exists() and target.stat().st_mtime >= path.stat().st_mtime:
            continue  # the page was not read again, so its notebook has not changed
        target.parent.mkdir(parents=True, exist_ok=True)
        notebook = nbformat.read(path, as_version=4)
        try:  # the outputs live in the execution cache
            _, notebook = cache.merge_match_into_notebook(notebook)
        except KeyError:
            pass
        notebook = notebook_for_download(notebook)
        text = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")


def _notebook_button(app: Sphinx, pagename: str, templatename, context, doctree) -> None:
    """Offer the page's notebook first in the theme's download menu.

    sphinx-book-theme builds that menu from ``context["header_buttons"]`` (at priority 501,
    so this runs after it); it offers an ``.ipynb`` only for pages written as notebooks,
    and ours are MyST markdown.
    """
    if doctree is None or pagename not in app.env.found_docs:
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.exists():
        return
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"].insert(0, {
                "type": "link",
                "url": context["pathto"](f"{NOTEBOOKS}/{pagename}.ipynb", 1),
                "text": ".ipynb",
                "icon": "fas fa-code",
                "tooltip": "Download as a Jupyter notebook",
                "label": "download-notebook-button",
            })


# --- the scripts that mmlcalc's HTML needs ---------------------------------------------------


def mmlcalc_scripts() -> list[Path]:
    """The JavaScript files that ship with mmlcalc (``mmlcalc/_static``), which the HTML of
    ``sandpit_game.game_html`` and ``plotting.Animation`` needs to come alive."""
    spec = importlib.util.find_spec("mmlcalc")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("mmlcalc is not installed: run `make html`, which installs it")
    folder = Path(next(iter(spec.submodule_search_locations))) / "_static"
    return sorted(folder.glob("*.js"))


def _add_mmlcalc_scripts(app: Sphinx, config) -> None:
    """Serve mmlcalc's scripts from the installed package and load them on every page."""
    scripts = mmlcalc_scripts()
    if scripts:
        config.html_static_path.append(str(scripts[0].parent))
    for script in scripts:
        app.add_js_file(script.name)


def setup(app: Sphinx) -> dict:
    app.add_config_value("mmlbook_skip_patches", "", "", types=[str])
    app.connect("config-inited", _apply_patches, priority=100)
    forkkernel.setup(app)
    pagedeps.setup(app)
    smalldoctrees.setup(app)
    fastautolink.setup(app)
    app.connect("builder-inited", _create_execution_cache)
    app.connect("missing-reference", _resolve_mmlcalc_alias)
    app.connect("builder-inited", _load_sections)
    app.connect("autodoc-process-docstring", _link_book_sections)
    app.connect("env-updated", _report_failures)
    app.connect("build-finished", _copy_mathjax)
    app.connect("build-finished", _write_notebooks)
    app.connect("config-inited", _add_mmlcalc_scripts)
    app.connect("html-page-context", _notebook_button, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
