"""Execution caching that follows each page's imports of the book's package.

jupyter-cache keys an executed notebook by its code cells only, so a changed package would
leave stale outputs. Hashing the whole package into the key (as the book once did) is safe but
coarse: a comment edit re-executes every page. Here the key of a notebook is

    hash(its code cells, and the *behaviour* of every tracked module it imported last time)

where a module's behaviour is the hash of its abstract syntax tree with docstrings removed
(comments, blank lines and docstrings change nothing), and files of the package that are not
Python (data) count for every page that imports the package. The kernel records what it
imported (see :mod:`forkkernel`); the record is kept per set of cells, beside the cache. The
set of modules a page imports can only change if code it runs changes, and that code is in
the modules already recorded, so the key is never stale. With no record (a kernel not started
by the fork server) a page depends on every module of the package.

One cache holds the executions of every package version it has seen, up to a bounded number
of notebooks (:data:`CACHE_NOTEBOOKS_PER_PAGE` per page, least recently used dropped first),
so going back to an earlier version of the package, or branch, finds its outputs still there.

On the Sphinx side, a page is re-read when its key changes (``env-get-outdated``), and after
a failed build only the pages that warned are re-read (:class:`FailedPages`).
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import logging
import os
from functools import cache
from pathlib import Path

from docutils import nodes
from jupyter_cache.cache.main import JupyterCacheBase
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging as sphinx_logging

import forkkernel

PACKAGE = "mmlcalc"
CACHE_NOTEBOOKS_PER_PAGE = 4
FAILED = "mmlbook-failed-pages.json"  # in the doctree folder, after a build that warned
# The parts of myst-nb and jupyter-cache this module plugs into (checked at start-up).
SUPPORTED = {"myst_nb": "1.4.", "jupyter_cache": "1.0."}


# --- what a module does --------------------------------------------------------------------

@cache
def _behaviour(path: str, mtime_ns: int, size: int) -> str:
    """Hash of the code in `path`, ignoring comments, layout and docstrings."""
    data = Path(path).read_bytes()
    if not path.endswith(".py"):
        return hashlib.sha256(data).hexdigest()
    try:
        tree = ast.parse(data)
    except SyntaxError:  # it will fail when imported: hash the bytes, so it is re-run
        return hashlib.sha256(data).hexdigest()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                and body and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
    return hashlib.sha256(ast.dump(tree).encode()).hexdigest()


def behaviour(path: Path) -> str:
    """:func:`_behaviour` of `path`, or "missing"; cached while the file is unchanged."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return "missing"
    return _behaviour(str(path), stat.st_mtime_ns, stat.st_size)


def package_root(package: str = PACKAGE) -> Path:
    """The folder of the importable `package` (found as the kernels will find it)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{package} is not installed: run `make html`, which installs it")
    return Path(next(iter(spec.submodule_search_locations)))


def module_files(root: Path) -> list[str]:
    """Every file of the package, relative to its folder (caches excluded)."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def state_of(files: list[str], root: Path) -> str:
    """One hash of the behaviour of `files` (relative to `root`) and the package's data."""
    data = [f for f in module_files(root) if not f.endswith((".py", ".pyc"))]
    digest = hashlib.sha256()
    for name in sorted(set(files) | set(data)):
        digest.update(f"{name}\0{behaviour(root / name)}\n".encode())
    return digest.hexdigest()


# --- the execution cache ------------------------------------------------------------------------

class DependencyCache(JupyterCacheBase):
    """A jupyter-cache whose key also covers the modules each notebook imported."""

    #: (cells key, full key) of the notebook this process hashed last: the page being read
    last_keys: tuple[str, str] | None = None

    def _imports_path(self, cells_key: str) -> Path:
        return self.path / "imports" / f"{cells_key}.json"

    def recorded_imports(self, cells_key: str) -> list[str] | None:
        """The package files the notebook with these cells imported when it last ran."""
        try:
            return json.loads(self._imports_path(cells_key).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def record_imports(self, cells_key: str, modules: dict[str, str | None]) -> None:
        root = package_root()
        files = sorted({Path(f).resolve().relative_to(root.resolve()).as_posix()
                        for f in modules.values() if f and _inside(Path(f), root)})
        path = self._imports_path(cells_key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(files), encoding="utf-8")
        partial.replace(path)   # readers in other processes never see half a file

    def key(self, cells_key: str) -> str:
        """The full key for notebooks with `cells_key`, given the package as it is now."""
        root = package_root()
        files = self.recorded_imports(cells_key)
        if files is None:  # never run by a recording kernel: depend on the whole package
            files = [f for f in module_files(root) if f.endswith(".py")]
        return hashlib.md5(f"{cells_key}:{state_of(files, root)}".encode()).hexdigest()

    def truncate_caches(self) -> None:
        """Drop the least recently used notebooks beyond the cache limit, safely in parallel.

        jupyter-cache's own version (1.0.1) asks the database twice: for the records to keep,
        then for all the others. A notebook that another process caches between the two
        questions (the build reads pages in parallel) is among "the others", so it is dropped
        the moment it is made, while its writer is still writing its file, and the build
        stops with "Notebook file does not exist for cache record". Here one question gives
        both lists, and a record whose notebook is not written yet is left alone.
        """
        records = sorted(self.list_cache_records(), key=lambda r: r.accessed, reverse=True)
        for record in records[self.get_cache_limit():]:
            if not self._get_notebook_path_cache(record.hashkey).exists():
                continue  # still being written by another process
            try:
                self.remove_cache(record.pk)
            except KeyError:
                pass  # another process dropped it first

    def create_hashed_notebook(self, nb, nb_metadata=("kernelspec",), cell_metadata=None):
        nb, cells_key = super().create_hashed_notebook(nb, nb_metadata, cell_metadata)
        executed = forkkernel.take_last_imports()  # set only right after a kernel stopped
        if executed is not None:
            self.record_imports(cells_key, executed)
        full = self.key(cells_key)
        DependencyCache.last_keys = (cells_key, full)
        return nb, full


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def book_cache(path: str) -> DependencyCache:
    """The book's execution cache at `path` (what ``jupyter_cache.get_cache`` would return)."""
    return DependencyCache(path)


def _use_dependency_cache(app: Sphinx) -> None:
    """Make myst-nb's cached execution use :class:`DependencyCache`, for installed versions
    this was written against (myst-nb looks the cache up by ``get_cache`` in this module)."""
    import jupyter_cache
    import myst_nb
    from myst_nb.core.execute import cache as myst_nb_cache

    for module, prefix in ((myst_nb, SUPPORTED["myst_nb"]),
                           (jupyter_cache, SUPPORTED["jupyter_cache"])):
        if not module.__version__.startswith(prefix):
            raise ExtensionError(f"tools/pagedeps.py plugs into {module.__name__} {prefix}x, "
                                 f"but {module.__version__} is installed: check that "
                                 f"myst_nb.core.execute.cache still calls get_cache, then "
                                 f"update SUPPORTED")
    if not hasattr(myst_nb_cache, "get_cache"):
        raise ExtensionError("myst_nb.core.execute.cache no longer calls get_cache")
    myst_nb_cache.get_cache = book_cache


# --- Sphinx: which pages to read again ----------------------------------------------------------

def _forget_last(app: Sphinx, docname: str, source: list[str]) -> None:
    DependencyCache.last_keys = None
    forkkernel.take_last_imports()  # a failed execution's imports belong to no cache entry


def _note_key(app: Sphinx, doctree) -> None:
    """Remember the cache key of the notebook just read (pages with no code cells have none)."""
    keys = DependencyCache.last_keys
    if keys is not None:
        _keys(app.env)[app.env.docname] = keys


def _keys(env) -> dict[str, tuple[str, str]]:
    if not hasattr(env, "mmlbook_exec_keys"):
        env.mmlbook_exec_keys = {}
    return env.mmlbook_exec_keys


def _purge(app: Sphinx, env, docname: str) -> None:
    _keys(env).pop(docname, None)


def _merge(app: Sphinx, env, docnames, other) -> None:
    theirs = _keys(other)
    _keys(env).update({d: theirs[d] for d in docnames if d in theirs})


def _outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Pages whose execution key changed (package edits), and pages that failed last time."""
    cache = book_cache(app.config.nb_execution_cache_path)
    stale = [docname for docname, (cells, full) in _keys(env).items()
             if docname not in changed and cache.key(cells) != full]
    return sorted(set(stale) | FailedPages.take(app, env))


def _bound_cache(app: Sphinx, env) -> None:
    """Keep at most a few notebooks per page (jupyter-cache drops the least recently used)."""
    if app.config.nb_execution_mode != "cache":
        return
    cache = book_cache(app.config.nb_execution_cache_path)
    limit = CACHE_NOTEBOOKS_PER_PAGE * max(len(env.found_docs), 1)
    if cache.get_cache_limit() != limit:
        cache.change_cache_limit(limit)


class FailedPages(logging.Handler):
    """Collect the pages that warned; save them so the next build reads just those again.

    Sphinx would otherwise skip a page whose source did not change, and a failure on it
    (a broken reference, a failing cell) would be hidden. A warning with no page (rare) makes
    the next build read every page.
    """

    def __init__(self, app: Sphinx):
        super().__init__(logging.WARNING)
        self.app = app
        self.pages: set[str] = set()
        self.unplaced = False

    def emit(self, record: logging.LogRecord) -> None:
        docname = self._docname(getattr(record, "location", None))
        if docname:
            self.pages.add(docname)
        else:
            self.unplaced = True

    def _docname(self, location) -> str | None:
        """The page a warning's location names: a docname, (docname, line), a node or
        "path:line" (Sphinx's own handler may already have turned it into the last)."""
        if isinstance(location, tuple):
            location = location[0]
        if isinstance(location, nodes.Node):
            location = sphinx_logging.get_node_location(location)
        if not location:
            return None
        if location in self.app.env.found_docs:
            return location
        path = location.rsplit(":", 1)[0] if ":" in location else location
        return self.app.env.path2doc(path)

    def save(self, app: Sphinx, exc: Exception | None) -> None:
        path = Path(app.doctreedir) / FAILED
        if self.pages or self.unplaced or exc is not None:
            everything = self.unplaced or exc is not None
            path.write_text(json.dumps({"pages": sorted(self.pages), "all": everything}),
                            encoding="utf-8")

    @staticmethod
    def take(app: Sphinx, env) -> set[str]:
        path = Path(app.doctreedir) / FAILED
        if not path.exists():
            return set()
        saved = json.loads(path.read_text(encoding="utf-8"))
        path.unlink()
        return set(env.found_docs) if saved["all"] else set(saved["pages"]) & env.found_docs


def setup(app: Sphinx) -> None:
    """Hook the dependency-following cache into the book's build (called by bookext)."""
    failed = FailedPages(app)
    logging.getLogger(sphinx_logging.NAMESPACE).addHandler(failed)
    app.connect("builder-inited", _use_dependency_cache, priority=100)
    app.connect("env-updated", _bound_cache)
    app.connect("source-read", _forget_last)
    app.connect("doctree-read", _note_key)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _outdated)
    app.connect("build-finished", failed.save)
