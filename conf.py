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
mmlbook_kernel_preload = ["numpy", "scipy.optimize", "sympy", "matplotlib.pyplot"]
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
html_js_files = ["book.js", "sandpit.js", "animation.js"]  # our own scripts, no library
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
# "See Also" entries naming them cannot become links. Napoleon also turns the prose types of
# numpydoc sections ("ndarray, shape (k,)") into class references, which can never resolve:
# those are exempt. References to our own functions and pages must resolve.
nitpick_ignore_regex = [
    (r"py:.*", r"(numpy|np|scipy|sympy|sp|matplotlib|mpl|plt|jax|torch|sklearn)\..*"),
    (r"py:exc", r"(TypeError|ValueError|RuntimeError)"),
    (r"py:class", r".*"),
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
