"""Notebooks that run anywhere: the site publishes mmlcalc's wheel, and a downloaded notebook
runs in a fresh environment that has only that wheel and its dependencies."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from publish import DOWNLOADS, wheel_name  # noqa: E402

pytestmark = pytest.mark.build

ROOT = Path(__file__).resolve().parents[1]
# A short page with a figure and glued numbers: it exercises mml.plotting and the glue fallback.
NOTEBOOK = "book/01-calculus/rise-over-run.ipynb"


@pytest.fixture(scope="module")
def wheel(built_site) -> Path:
    path = built_site / DOWNLOADS / wheel_name()
    assert path.exists(), f"the site does not publish {path.name}"
    return path


def test_the_wheel_holds_the_whole_package_and_names_its_dependencies(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        requires = [line.split(":", 1)[1].strip()
                    for line in archive.read(metadata).decode().splitlines()
                    if line.startswith("Requires-Dist:")]
    sources = {p.relative_to(ROOT / "code").as_posix()
               for p in (ROOT / "code" / "mmlcalc").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}  # modules and their scripts
    assert "mmlcalc/_static/sandpit.js" in sources
    assert sources <= names, sorted(sources - names)
    assert {r.split(">")[0].split("=")[0] for r in requires if "extra ==" not in r} == \
        {"numpy", "sympy", "matplotlib", "scipy", "pillow"}


def test_using_this_book_links_the_published_wheel(built_site, wheel):
    page = built_site / "book" / "appendix" / "using-this-book.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    links = soup.select("a.mmlcalc-wheel")
    assert len(links) >= 2
    for link in links:
        assert (page.parent / urlsplit(link["href"]).path).resolve() == wheel.resolve()
    assert f"python -m pip install {wheel.name}" in soup.get_text()


def test_every_downloaded_notebook_says_first_how_to_install_mmlcalc(built_site, wheel):
    notebooks = sorted((built_site / "_notebooks").rglob("*.ipynb"))
    assert len(notebooks) >= 35
    for path in notebooks:
        first = json.loads(path.read_text(encoding="utf-8"))["cells"][0]
        source = "".join(first["source"])
        assert first["cell_type"] == "markdown", path
        assert f"pip install {wheel.name}" in source, path


def _run(command: list, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


def test_a_downloaded_notebook_runs_in_a_fresh_environment_with_the_wheel(
        built_site, wheel, tmp_path):
    """A new virtual environment gets the wheel and, pinned by requirements.lock, its
    dependencies and a kernel; the notebook then runs there, away from the book's sources."""
    env = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", env])
    python = env / "bin" / "python"
    _run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
          "-c", ROOT / "requirements.lock", wheel, "ipykernel", "nbclient"], timeout=1200)
    where = _run([python, "-c", "import mmlcalc; print(mmlcalc.__file__)"], cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(env), where.stdout

    work = tmp_path / "reader"
    work.mkdir()
    notebook = work / Path(NOTEBOOK).name
    notebook.write_bytes((built_site / "_notebooks" / NOTEBOOK).read_bytes())
    script = (
        "import sys, nbformat\n"
        "from nbclient import NotebookClient\n"
        "nb = nbformat.read(sys.argv[1], as_version=4)\n"
        "NotebookClient(nb, timeout=600, kernel_name='python3').execute()\n"
        "errors = [o for c in nb.cells if c.cell_type == 'code' for o in c.outputs\n"
        "          if o.output_type == 'error' and 'raises-exception' not in c.metadata.get("
        "'tags', [])]\n"
        "print(len([c for c in nb.cells if c.cell_type == 'code']), len(errors))\n")
    result = _run([python, "-c", script, notebook], cwd=work, timeout=900)
    cells, errors = map(int, result.stdout.split()[-2:])
    assert cells >= 5 and errors == 0, result.stdout
    assert sorted(p.name for p in work.iterdir()) == [notebook.name]  # it writes no files
