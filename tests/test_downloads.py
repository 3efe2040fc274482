"""Every page's notebook download runs to the end, for a reader who has only mmlcalc."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.build

# Run first in every notebook: make `import myst_nb` fail, as it would for a reader who
# installed only mmlcalc, so the glue fallback in the download is what runs.
WITHOUT_MYST_NB = "import sys\nsys.modules['myst_nb'] = None"


def _notebooks(site: Path) -> list[Path]:
    return sorted((site / "_notebooks").rglob("*.ipynb"))


def test_every_executed_page_has_a_notebook(built_site):
    executed = sorted((ROOT / "_build" / ".staging" / "jupyter_execute").rglob("*.ipynb"))
    downloads = {p.relative_to(built_site / "_notebooks") for p in _notebooks(built_site)}
    assert len(executed) >= 35
    missing = [p for p in executed
               if p.relative_to(ROOT / "_build" / ".staging" / "jupyter_execute") not in downloads]
    assert not missing, missing


def test_notebooks_keep_their_outputs_and_drop_the_myst_nb_dependency(built_site):
    notebook = json.loads((built_site / "_notebooks" / "book" / "01-calculus" /
                           "rise-over-run.ipynb").read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert any(c["outputs"] for c in code)
    imports = ["".join(c["source"]) for c in code
               if "from myst_nb import glue" in "".join(c["source"])]
    assert imports and all("except ImportError:" in source for source in imports)


RUNNER = """
import sys, nbformat
from nbclient import NotebookClient
path, workdir, first = sys.argv[1:4]
notebook = nbformat.read(path, as_version=4)
notebook.cells.insert(0, nbformat.v4.new_code_cell(first))
NotebookClient(notebook, timeout=300, kernel_name="python3",
               resources={"metadata": {"path": workdir}}).execute()
"""


def _run(path: Path, workdir: Path) -> str | None:
    """Run one notebook in a fresh kernel, hidden checks included; return the error, or None.

    Each runs in its own process (nbclient's event loop stays out of pytest's). A cell tagged
    ``raises-exception`` may raise (nbclient honours the tag); any other error fails it.
    """
    workdir.mkdir(parents=True)
    try:
        result = subprocess.run([sys.executable, "-c", RUNNER, str(path), str(workdir),
                                 WITHOUT_MYST_NB], capture_output=True, text=True, timeout=600)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if result.returncode != 0:
        return f"{path.relative_to(path.parents[2])}:\n{result.stderr[-1500:]}"
    return None


def _verified_key(path: Path) -> str:
    """What a notebook's run depends on: its own bytes, the code of the package it uses, and
    the pinned versions of everything else."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from pagedeps import module_files, package_root, state_of
    finally:
        sys.path.remove(str(ROOT / "tools"))
    root = package_root()
    code = [f for f in module_files(root) if f.endswith(".py")]
    pins = (ROOT / "requirements.lock").read_bytes()
    return hashlib.sha256(path.read_bytes() + state_of(code, root).encode() + pins).hexdigest()


def test_every_downloaded_notebook_runs_to_the_end(built_site, tmp_path):
    """Each notebook runs in a fresh kernel; one that ran to the end before, unchanged and with
    the package's code unchanged, is not run again (its success is recorded by that key)."""
    notebooks = _notebooks(built_site)
    assert len(notebooks) >= 35
    verified = ROOT / "_build" / ".verified-downloads"
    verified.mkdir(parents=True, exist_ok=True)
    keys = {p: _verified_key(p) for p in notebooks}
    for stale in set(verified.iterdir()) - {verified / k for k in keys.values()}:
        stale.unlink()
    to_run = [p for p in notebooks if not (verified / keys[p]).exists()]
    with ThreadPoolExecutor(max_workers=2) as pool:
        errors = list(pool.map(lambda p: _run(p, tmp_path / p.stem), to_run))
    for path, error in zip(to_run, errors, strict=True):
        if error is None:
            (verified / keys[path]).write_text(path.relative_to(built_site).as_posix() + "\n",
                                               encoding="utf-8")
    failures = [e for e in errors if e]
    assert not failures, "\n\n".join(failures)
