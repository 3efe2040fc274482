"""Publishing the book: where it lives online, its repository, the package wheel, the print build.

A Sphinx extension (listed in conf.py) plus the helpers conf.py reads its settings from. Two
environment variables, both unset by default, say where the book is published:

- ``MMLBOOK_BASE_URL``: the address the site is served from (``https://example.org/book/``).
  When set, pages get canonical links and the site a ``sitemap.xml``; the 404 page finds its
  styles under the address's path. Unset, nothing names a host.
- ``MMLBOOK_REPOSITORY_URL``: the address of the book's source repository. When set, the theme
  shows its repository, issue and edit-this-page buttons; unset, it shows none of them.

The HTML build also publishes the wheel of ``mmlcalc`` in ``_downloads/``, so a downloaded
notebook can be run in any Python: ``python -m pip install mmlcalc-<version>-py3-none-any.whl``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.osutil import relative_uri

BASE_URL = "MMLBOOK_BASE_URL"
REPOSITORY_URL = "MMLBOOK_REPOSITORY_URL"
DOWNLOADS = "_downloads"


# --- settings read by conf.py -------------------------------------------------------------------

def base_url() -> str:
    """The site's address from ``MMLBOOK_BASE_URL``, ending in "/"; "" when it is unset."""
    url = os.environ.get(BASE_URL, "").strip()
    return url.rstrip("/") + "/" if url else ""


def url_path_prefix() -> str:
    """The path the site is served under ("/" at a web root, "/book/" for a project site)."""
    return urlsplit(base_url()).path or "/"


def repository_options() -> dict:
    """Theme options for the repository, issue and edit buttons: none without an address.

    The buttons' links follow GitLab's or Bitbucket's layout on their hosts, GitHub's on any
    other (the theme refuses a host it does not know unless it is told which layout to use).
    """
    url = os.environ.get(REPOSITORY_URL, "").strip().rstrip("/")
    if not url:
        return {}
    host = urlsplit(url).netloc.lower()
    provider = next((name for name in ("gitlab", "bitbucket") if name in host), "github")
    return {"repository_url": url, "repository_provider": provider,
            "repository_branch": "main", "path_to_docs": "",
            "use_repository_button": True, "use_issues_button": True,
            "use_edit_page_button": True}


# --- the package wheel ----------------------------------------------------------------------------

def wheel_name() -> str:
    """File name of the wheel of the installed ``mmlcalc``."""
    return f"mmlcalc-{version('mmlcalc')}-py3-none-any.whl"


def install_command() -> str:
    """The command that installs the published wheel: from the site when its address is known."""
    return f"python -m pip install {base_url()}{DOWNLOADS}/{wheel_name()}" if base_url() \
        else f"python -m pip install {wheel_name()}"


def install_note() -> str:
    """The first cell of every downloaded notebook: how to get what it imports."""
    where = ("" if base_url() else
             " (download it from the book's site: it is linked on the page *Using this book*)")
    return (f"**To run this notebook** you need Python 3.11 or newer and the book's package, "
            f"`mmlcalc`. Install its wheel, `{wheel_name()}`{where}, into the notebook's "
            f"environment:\n\n```sh\n{install_command()}\n```\n\nThat brings in numpy, "
            f"scipy, sympy and matplotlib too. Every cell imports what it uses.")


def _project_root(confdir: Path) -> Path | None:
    """The book's own source tree of ``mmlcalc``: the folder of ``conf.py``, if it holds the
    package's ``pyproject.toml`` (a book built on another package, such as the tests' fixture
    book on its stub, has no wheel of its own to publish)."""
    return confdir if (confdir / "pyproject.toml").is_file() else None


def build_wheel(target: Path, root: Path) -> Path:
    """Build the wheel of ``mmlcalc`` into `target` unless it is there and newer than the source.

    It is built offline (``--no-build-isolation``: setuptools from the environment) from a copy
    of the project in a temporary folder, so the build leaves nothing in the source tree.
    """
    wheel = target / wheel_name()
    sources = [root / "pyproject.toml", root / "README.md",
               *(p for p in (root / "code").rglob("*") if p.is_file()
                 and "__pycache__" not in p.parts)]  # modules and package data (scripts)
    if wheel.exists() and wheel.stat().st_mtime >= max(p.stat().st_mtime for p in sources):
        return wheel
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "mmlcalc"
        copy.mkdir()
        shutil.copy2(root / "pyproject.toml", copy)
        shutil.copy2(root / "README.md", copy)
        shutil.copytree(root / "code", copy / "code",
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                        "--no-build-isolation", "--disable-pip-version-check",
                        "--wheel-dir", str(target), str(copy)],
                       check=True, capture_output=True, text=True)
    return wheel


def _publish_wheel(app: Sphinx, exc: Exception | None) -> None:
    root = _project_root(Path(app.confdir))
    if exc is None and app.builder.name == "html" and root is not None:
        build_wheel(Path(app.outdir) / DOWNLOADS, root)


# --- a role that links the wheel: {mmlcalc-wheel}`python -m pip install {wheel}` ------------------

WHEEL_LINK = "mmlcalc-wheel"


def _wheel_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """Show `text` as code, with ``{wheel}`` replaced by the wheel's name, linking the wheel."""
    label = text.replace("{wheel}", wheel_name()) if text.strip() else wheel_name()
    node = nodes.reference(rawtext, "", nodes.literal(label, label), refuri="",
                           classes=[WHEEL_LINK])
    return [node], []


def _point_wheel_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Give each wheel link the wheel's address relative to the page it is on."""
    page = app.builder.get_target_uri(docname)
    for node in doctree.findall(nodes.reference):
        if WHEEL_LINK in node["classes"]:
            node["refuri"] = relative_uri(page, f"{DOWNLOADS}/{wheel_name()}")


# --- the single-page build that the PDF is printed from -------------------------------------------

def _inherit_html_handlers(app: Sphinx) -> None:
    """Let ``singlehtml`` render every node that ``html`` renders.

    Sphinx looks up node handlers by builder name and falls back to the format ("html") only
    when the name has none; sphinx-exercise registers some for "singlehtml", so the handlers
    of sphinx-proof (registered for "html" only) would be missing from the single page.
    """
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    single = handlers.setdefault("singlehtml", {})
    for name, pair in handlers.get("html", {}).items():
        single.setdefault(name, pair)


def setup(app: Sphinx) -> dict:
    app.add_role(WHEEL_LINK, _wheel_role)
    app.connect("doctree-resolved", _point_wheel_links)
    app.connect("builder-inited", _inherit_html_handlers)
    app.connect("build-finished", _publish_wheel)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
