"""Every page's notebook download runs to the end, for a reader who has only mmlcalc."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import ROOT, Verified, digest

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


# Runs notebooks one after another, each in a fresh kernel forked from one warm kernel server
# (tools/forkkernel.py, as the build's kernels are): a kernel starts in milliseconds instead of
# paying for Python, IPython, numpy, scipy, sympy and matplotlib every time. The server preloads
# only those third-party libraries, never myst_nb, so the notebook's glue fallback really runs.
# Prints one JSON list: the error of each notebook, or null.
RUNNER = """
import json, sys, traceback
import nbformat
from nbclient import NotebookClient
tools, preload, first, jobs = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], sys.argv[4:]
sys.path.insert(0, tools)
import forkkernel
forkkernel.register()
server = forkkernel.KernelServer(preload, track=[])
server.start()
errors = []
try:
    for path, workdir in zip(jobs[::2], jobs[1::2]):
        notebook = nbformat.read(path, as_version=4)
        notebook.cells.insert(0, nbformat.v4.new_code_cell(first))
        try:
            NotebookClient(notebook, timeout=300, kernel_name="python3",
                           resources={"metadata": {"path": workdir}}).execute()
            errors.append(None)
        except Exception:
            errors.append(traceback.format_exc()[-1500:])
finally:
    server.stop()
print(json.dumps(errors))
"""


def _preload() -> list[str]:
    """The libraries the build's kernel server preloads, except myst_nb, which a reader's
    kernel lacks."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from forkkernel import book_preload
    finally:
        sys.path.remove(str(ROOT / "tools"))
    return [name for name in book_preload(ROOT) if name.split(".")[0] != "myst_nb"]


def _run(paths: list[Path], workdir: Path) -> list[str | None]:
    """Run each notebook in a fresh kernel, hidden checks included; return each one's error.

    The notebooks run in one child process (nbclient's event loop stays out of pytest's). A
    cell tagged ``raises-exception`` may raise (nbclient honours the tag); any other error
    fails the notebook, which is reported with the end of its traceback.
    """
    jobs: list[str] = []
    for number, path in enumerate(paths):
        folder = workdir / f"{number:02d}-{path.stem}"   # stems repeat: every chapter's summary
        folder.mkdir(parents=True)
        jobs += [str(path), str(folder)]
    try:
        result = subprocess.run([sys.executable, "-c", RUNNER, str(ROOT / "tools"),
                                 json.dumps(_preload()), WITHOUT_MYST_NB, *jobs],
                                capture_output=True, text=True, timeout=1800)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if result.returncode != 0:
        return [f"the notebook runner failed:\n{result.stderr[-3000:]}"] * len(paths)
    errors = json.loads(result.stdout.strip().splitlines()[-1])
    return [None if error is None
            else f"{path.relative_to(path.parents[2])}:\n{error}"
            for path, error in zip(paths, errors, strict=True)]


def _verified_key(path: Path) -> str:
    """What a notebook's run depends on: its own bytes, the code of the package it uses, the
    pinned versions of everything else, and this test's own code."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from pagedeps import module_files, package_root, state_of
    finally:
        sys.path.remove(str(ROOT / "tools"))
    root = package_root()
    code = [f for f in module_files(root) if f.endswith(".py")]
    pins = (ROOT / "requirements.lock").read_bytes()
    return digest(path.read_bytes(), state_of(code, root), pins, Path(__file__).read_bytes())


def test_every_downloaded_notebook_runs_to_the_end(built_site, tmp_path):
    """Each notebook runs in a fresh kernel; one that ran to the end before, unchanged and with
    the package's code unchanged, is not run again (its success is recorded by that key)."""
    notebooks = _notebooks(built_site)
    assert len(notebooks) >= 35
    verified = Verified("downloads")
    keys = {p: _verified_key(p) for p in notebooks}
    verified.keep_only(keys.values())
    to_run = [p for p in notebooks if not verified.passed(keys[p])]
    # two runners, one per core, each with its own kernel server
    halves = [to_run[0::2], to_run[1::2]]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda i: _run(halves[i], tmp_path / f"runner{i}"), range(2)))
    to_run = halves[0] + halves[1]
    errors = results[0] + results[1]
    for path, error in zip(to_run, errors, strict=True):
        if error is None:
            verified.record(keys[path], path.relative_to(built_site).as_posix())
    failures = [e for e in errors if e]
    assert not failures, "\n\n".join(failures)
