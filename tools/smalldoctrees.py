"""Keep the API pages' doctrees small: re-home nodes made by myst-parser's ``{eval-rst}``.

myst-parser renders an ``{eval-rst}`` block by parsing it into a throw-away document that
shares the page's settings object, then moves the new nodes into the page. Only the top-level
nodes are re-parented; every node below them keeps ``_document`` pointing at the throw-away
document, and through its settings at the whole build environment. Sphinx clears
``settings.env`` only on the page's own document before pickling it, so each API page's
doctree pickled a copy of the environment (about 5 MB each), and every build that reads the
doctrees (figure numbering walks all of them, even on a no-op) paid to unpickle them.

Pointing those nodes at the page's document, as soon as it is read, fixes it. (Upstream,
``render_restructuredtext`` in myst_parser/mdit_to_docutils/base.py should do the same.)
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx


def rehome_nodes(app: Sphinx, doctree: nodes.document) -> None:
    """Make every node of `doctree` belong to `doctree` itself."""
    for node in doctree.findall():
        if node.__dict__.get("_document") not in (None, doctree):
            node._document = doctree


def setup(app: Sphinx) -> None:
    app.connect("doctree-read", rehome_nodes)
