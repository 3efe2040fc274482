"""Sphinx configuration of *Multivariate Calculus for Machine Learning*.

The source directory is the repository root; ``_toc.yml`` says which pages make the book.
Build with ``make html`` (strict, cached, parallel; see tools/build.py), not by hand.
"""

import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tools"))  # the book's own Sphinx extension, not mmlcalc

project = "Multivariate Calculus for Machine Learning"
author = "The mmlcalc authors"
copyright = f"{date.today().year}, {author}"
language = "en"

extensions = [
    "myst_nb",
    "sphinx_external_toc",
    "sphinx_exercise",
    "sphinx_proof",
    "sphinx_design",
    "sphinx_togglebutton",
    "sphinx_copybutton",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinxcontrib.bibtex",
    "sphinx_codeautolink",
    "bookext",
    "claims_ext",  # checked claims: the box on each page and the verification ledger
    "notfound.extension",
    "publish",
]

# --- which files are the book ---------------------------------------------------------------
external_toc_path = "_toc.yml"
external_toc_exclude_missing = True
exclude_patterns = [
    "_build", ".venv", ".git", ".ci", "code", "tests", "tools", "README.md",
    "**/.ipynb_checkpoints", ".pytest_cache", ".ruff_cache", ".hypothesis",
]

# --- strictness -----------------------------------------------------------------------------
nitpicky = True
numfig = True
numfig_format = {"figure": "Figure %s", "table": "Table %s", "code-block": "Listing %s"}

# --- MyST and notebook execution ---------------------------------------------------------------
myst_enable_extensions = [
    "amsmath", "colon_fence", "deflist", "dollarmath", "substitution", "attrs_inline",
]
myst_heading_anchors = 3
myst_dmath_double_inline = True

nb_execution_mode = "cache"
# One cache for every version of mmlcalc: a notebook's key covers its cells and the mmlcalc
# modules it imported (their code, not their docstrings or comments; see tools/pagedeps.py),
# and a few versions of each page are kept.
nb_execution_cache_path = str(ROOT / "_build" / ".jupyter_cache" / "book")
# Kernels are forked from one server per build that has already imported these (third-party
# only: each kernel imports mmlcalc itself, see tools/forkkernel.py).
mmlbook_kernel_preload = ["numpy", "scipy.optimize", "sympy", "sympy.physics.units",
                          "matplotlib.pyplot"]
mmlbook_kernel_track = ["mmlcalc"]
nb_execution_timeout = 300
nb_execution_raise_on_error = False  # failures are warnings: -W fails the build, --keep-going
nb_execution_show_tb = True          # reports every failing page, each with its traceback
nb_execution_in_temp = False          # cells run with their page's folder as working directory
nb_output_stderr = "warn"             # anything on stderr (warnings included) fails the build
nb_merge_streams = True

# --- HTML ------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["book/_static"]
html_css_files = ["book.css", "interactive.css"]
html_js_files = ["book.js"]  # our own script, no library (bookext adds mmlcalc's own)
html_favicon = "book/_static/favicon.svg"
html_last_updated_fmt = ""
html_theme_options = {
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "navigation_with_keys": False,
}
html_context = {"default_mode": "auto"}  # follow the reader's system light/dark setting
mathjax_path = "mathjax/tex-chtml.js"  # served from _static: the site requests no other host
mathjax3_config = {"tex": {"macros": {"R": r"\mathbb{R}", "d": r"\mathrm{d}"}}}

# --- API reference (autodoc + napoleon, numpydoc docstrings) ---------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "none"          # types are documented in each Parameters section
autodoc_default_options = {"members": True, "show-inheritance": False}
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_param = False         # a Parameters list with plain-text types, not type links
napoleon_preprocess_types = False  # parameter types stay plain text ("float or ndarray")
# Offline, there is no inventory of numpy's, scipy's, sympy's or matplotlib's documentation, so
# references to them cannot become links: those are exempt. So are the prose types that the
# Python domain reads out of numpydoc "Attributes" sections ("ndarray, shape (n_iter + 1, n)"
# becomes the targets ndarray, shape, n_iter + 1 and n). Everything else must resolve: a
# reference to an mmlcalc name that does not exist fails the build.
nitpick_ignore_regex = [
    (r"py:.*", r"(numpy|np|scipy|sympy|sp|matplotlib|mpl|plt|jax|torch|sklearn)\..*"),
    (r"py:exc", r"(TypeError|ValueError|RuntimeError)"),
    (r"py:class", r"ndarray|callable|shape|[A-Za-z]|\d+|\w+( [-+*] \w+)+"),
]

# Names in the book's code cells link to their API entries (``mml.derivative`` -> numdiff).
# Cells of a page run in one kernel, so an import in one cell holds for the next ones.
codeautolink_concat_default = True
codeautolink_warn_on_failed_resolve = False  # numpy, sympy... have no inventory offline

# --- references -------------------------------------------------------------------------------
bibtex_bibfiles = ["book/references.bib"]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"

# --- exercises and proofs -------------------------------------------------------------------------
proof_minimal_theme = False

# --- publishing: address, repository buttons, 404 page, sitemap, print (tools/publish.py) ------
# Both addresses come from the environment and are unset by default (see tools/publish.py):
# MMLBOOK_BASE_URL gives canonical links and a sitemap, MMLBOOK_REPOSITORY_URL the theme's
# repository, issue and edit buttons. Without them the site names no host at all.
import publish  # noqa: E402

html_baseurl = publish.base_url()
if html_baseurl:
    extensions.append("sphinx_sitemap")
    sitemap_url_scheme = "{link}"  # no language or version folders in the address
html_theme_options.update(publish.repository_options())
# The 404 page is served for a missing address at any depth, so it links its styles and
# scripts by absolute path: the site's path on its host ("/" when served from a web root).
notfound_urls_prefix = publish.url_path_prefix()
notfound_context = {
    "title": "Page not found",
    "body": "<h1>Page not found</h1>\n<p>There is no page at this address. The "
            f'<a href="{notfound_urls_prefix}">contents</a> list every chapter, and the '
            "search box finds a page by its words.</p>",
}
html_css_files.append("print.css")  # printing: slider figures and the game as still frames
