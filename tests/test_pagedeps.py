"""The execution cache stays consistent while the build's parallel readers share it."""

from __future__ import annotations

import sys

import nbformat
import pytest
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.cache.db import NbCacheRecord
from jupyter_cache.cache.main import JupyterCacheBase

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import pagedeps  # noqa: E402


def _notebook(n: int) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(f"print({n})", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"{n}\n")]
    return nbformat.v4.new_notebook(cells=[cell], metadata={"kernelspec": {"name": "python3",
                                                                  "display_name": "Python 3"}})


def _cache_with_a_notebook_being_written(cache: JupyterCacheBase) -> NbCacheRecord:
    """A notebook whose record exists and whose file does not yet (what another process's
    cache_notebook_bundle leaves between its two steps), then two cached notebooks."""
    _, hashkey = cache.create_hashed_notebook(_notebook(0))
    record = NbCacheRecord.create_record(uri="page0.ipynb", hashkey=hashkey, db=cache.db)
    for n in (1, 2):
        cache.cache_notebook_bundle(CacheBundleIn(_notebook(n), f"page{n}.ipynb"))
    return record


@pytest.fixture(autouse=True)
def _package_files(monkeypatch, tmp_path):
    """A package for the dependency cache's keys (it hashes the files the kernels import)."""
    package = tmp_path / "package"
    package.mkdir()
    (package / "__init__.py").write_text("X = 1\n", encoding="utf-8")
    monkeypatch.setattr(pagedeps, "package_root", lambda package_name="mmlcalc": package)


def test_jupyter_cache_drops_a_notebook_another_process_is_still_writing(tmp_path):
    """The symptom, on jupyter-cache's own class: its cache limit is counted in two queries,
    and a notebook being written when it truncates is removed as if it were old."""
    cache = JupyterCacheBase(str(tmp_path / "plain"))
    record = _cache_with_a_notebook_being_written(cache)
    ask = NbCacheRecord.records_to_delete
    # the record appears between jupyter-cache's two questions (as it can in parallel)
    NbCacheRecord.records_to_delete = staticmethod(lambda keep, db: [record.pk])
    try:
        with pytest.raises(KeyError, match="Notebook file does not exist"):
            cache.truncate_caches()
    finally:
        NbCacheRecord.records_to_delete = staticmethod(ask)


def test_the_book_cache_leaves_a_notebook_being_written_alone(tmp_path):
    cache = pagedeps.book_cache(str(tmp_path / "book"))
    record = _cache_with_a_notebook_being_written(cache)
    cache.change_cache_limit(1)
    cache.truncate_caches()    # keeps the newest; drops the older written one, not the other
    newest = max(cache.list_cache_records(), key=lambda r: r.accessed)
    assert {r.pk for r in cache.list_cache_records()} == {record.pk, newest.pk}
