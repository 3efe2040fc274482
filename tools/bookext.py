"""Sphinx extension with the book's own build rules.

1. **Fast kernels, and a cache key that includes `mmlcalc`.** Kernels are forked from one
   warm server (:mod:`forkkernel`); a notebook's cache key covers the package modules it
   imported, so an edit re-executes the pages that depend on it and nothing else
   (:mod:`pagedeps`).
2. **Failures that say where.** When a notebook fails, myst-nb's warning carries nbclient's
   traceback but not the cell's place in the source file; :func:`_locate_failing_cell` adds
   "cell N, line L" so an author can jump straight to it.
3. **Math served from the site.** MathJax 3 comes from the ``sphinx-mathjax-offline`` wheel;
   only the files a page can load (the TeX-to-CommonHTML bundle, its fonts, the TeX extensions
   it may autoload, the menu and accessibility modules) are copied into ``_static/mathjax``.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.fileutil import copy_asset

import fastautolink
import forkkernel
import pagedeps
import smalldoctrees
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


_CELL_SOURCE = re.compile(r"-{18}\n(.*?)\n-{18}", re.S)


def _locate_failing_cell(docname: str, srcdir: Path, traceback: str) -> str | None:
    """Find the failing cell of `docname` from nbclient's message: ``"cell N, line L"``."""
    match = _CELL_SOURCE.search(traceback)
    if not match:
        return None
    failing = match.group(1).strip()
    path = next(srcdir.glob(docname + ".*"), None)
    if path is None:
        return None
    text = path.read_text(encoding="utf-8")
    cells = list(re.finditer(r"^```\{code-cell\}[^\n]*\n(.*?)^```", text, re.S | re.M))
    for number, cell in enumerate(cells, start=1):
        body = "\n".join(line for line in cell.group(1).splitlines()
                         if not line.startswith(":"))  # drop `:tags:` style options
        if body.strip() == failing or failing in cell.group(1):
            line = text.count("\n", 0, cell.start()) + 1
            return f"code cell {number}, line {line}"
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
    from myst_nb.sphinx_ import NbMetadataCollector

    srcdir = Path(app.srcdir)
    for docname in sorted(env.found_docs):
        exec_data = NbMetadataCollector.get_exec_data(env, docname) or {}
        if exec_data.get("succeeded", True):
            continue
        where = _locate_failing_cell(docname, srcdir, exec_data.get("traceback") or "")
        place = Path(env.doc2path(docname)).relative_to(srcdir).as_posix()
        place += f", {where}" if where else ""
        logger.warning("execution failed in %s: %s (the traceback is printed above)",
                       place, exec_data.get("error"), type="mmlbook", subtype="exec",
                       location=docname)


def _declare_multitoc_parallel_safe(app: Sphinx) -> None:
    """sphinx-external-toc loads sphinx-multitoc-numbering, whose ``setup`` declares nothing,
    so Sphinx would fall back to a serial read (and warn, which -W turns into a failure). Its
    only work is renumbering sections in the main process after reading, which is safe."""
    ext = app.extensions.get("sphinx_multitoc_numbering")
    if ext is not None and ext.parallel_read_safe is None:
        ext.parallel_read_safe = True


def _let_proof_domain_merge() -> None:
    """sphinx-proof declares itself parallel-safe, but its domain lacks ``merge_domaindata``,
    so a parallel read crashes. The domain keeps no per-document data of its own (proofs live
    in ``env.proof_list``, which sphinx-proof merges itself), so merging has nothing to do."""
    from sphinx.domains import Domain
    from sphinx_proof.domain import ProofDomain

    if ProofDomain.merge_domaindata is Domain.merge_domaindata:
        ProofDomain.merge_domaindata = lambda self, docnames, otherdata: None


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
    Outputs are kept, so the notebook also reads offline without running it.
    """
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


def _notebook_link(app: Sphinx, pagename: str, templatename, context, doctree) -> None:
    """Tell the page's script where its notebook is (book.js adds it to the download menu)."""
    if doctree is None or pagename not in app.env.found_docs:
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.exists():
        return
    href = context["pathto"](f"{NOTEBOOKS}/{pagename}.ipynb", 1)
    # The theme's <head> has no place for extra tags, so the link rides in the body.
    context["body"] = context.get("body", "") + \
        f'<span hidden id="mmlbook-notebook" data-href="{href}"></span>'


def _tolerate_untitled_sections() -> None:
    """sphinx-codeautolink pops a title for every section it leaves, but sections made by
    directives (exercises, proofs) can come without a title node, and the empty stack then
    crashes the read. Pop only what was pushed."""
    try:
        from sphinx_codeautolink.extension.block import CodeBlockAnalyser
    except ImportError:
        return
    if getattr(CodeBlockAnalyser.depart_section, "_mmlbook", False):
        return

    def depart_section(self, node) -> None:
        if self.title_stack:
            self.title_stack.pop()

    depart_section._mmlbook = True
    CodeBlockAnalyser.depart_section = depart_section


def setup(app: Sphinx) -> dict:
    _declare_multitoc_parallel_safe(app)
    _let_proof_domain_merge()
    _tolerate_untitled_sections()
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
    app.connect("html-page-context", _notebook_link)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
