"""Sphinx extension with the book's own build rules.

1. **A cache key that includes `mmlcalc`.** jupyter-cache hashes only the cells of a notebook,
   so a changed package would leave stale outputs. :func:`mmlcalc_source_hash` hashes every
   file of the package the kernels will import; ``conf.py`` puts the hash in the execution
   cache's path and in a config value whose change makes Sphinx re-read every page.
2. **Failures that say where.** When a notebook fails, myst-nb's warning carries nbclient's
   traceback but not the cell's place in the source file; :func:`_locate_failing_cell` adds
   "cell N, line L" so an author can jump straight to it.
3. **Math served from the site.** MathJax 3 comes from the ``sphinx-mathjax-offline`` wheel;
   only the files a page can load (the TeX-to-CommonHTML bundle, its fonts, the TeX extensions
   it may autoload, the menu and accessibility modules) are copied into ``_static/mathjax``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.fileutil import copy_asset

logger = logging.getLogger(__name__)

MATHJAX_PARTS = ("tex-chtml.js", "input/tex/extensions", "output/chtml", "ui", "a11y",
                 "sre", "adaptors")


def mmlcalc_source_hash(package: str = "mmlcalc") -> str:
    """SHA-256 (first 16 hex digits) of every ``.py`` file of the importable `package`."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{package} is not installed: run `make html`, which installs it")
    root = Path(next(iter(spec.submodule_search_locations)))
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


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
    from jupyter_cache import get_cache

    get_cache(app.config.nb_execution_cache_path).list_cache_records()


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


def setup(app: Sphinx) -> dict:
    _declare_multitoc_parallel_safe(app)
    _let_proof_domain_merge()
    app.add_config_value("mmlcalc_source_hash", "", "env", types=[str])
    app.connect("builder-inited", _create_execution_cache)
    app.connect("env-updated", _report_failures)
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
