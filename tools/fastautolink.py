"""sphinx-codeautolink's links at a fraction of the cost: parse only the code blocks.

At the end of a build sphinx-codeautolink's ``link_html`` reads each page's HTML, parses the
*whole page* with BeautifulSoup's pure-Python parser (sidebar, navigation, prose and all) to
find its code blocks, links the names in them, and writes the whole page back: a third of
Sphinx's own time for this book. Here the code blocks are cut out of the page first, and the
unchanged ``link_html`` runs on a document that holds only them; its result is spliced back
in. The links are exactly those it would make (the same function makes them); the rest of the
page stays byte for byte as Sphinx wrote it.

Only for what the cut-out can find: Sphinx's Python code blocks (``highlight-<lexer>``) with
no custom block types and no ``codeautolink_search_css_classes``; anything else runs the
original function on the whole page, as does a page whose blocks cannot be cut out cleanly.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.errors import ExtensionError

SUPPORTED = "0.19."   # the sphinx-codeautolink whose link_html this wraps
# Blocks are joined with this; each starts on its own line, as link_html tells them apart by line.
_SEPARATOR = "\n<!--mmlbook-code-block-->\n"
# A code block as Sphinx writes it: the outer div's opening through the inner div's closing.
_BLOCK = re.compile(r'<div class="(?:highlight-[\w+-]+|doctest)(?: [^"]*)?">'
                    r'<div class="highlight"><pre>.*?</pre></div>', re.S)


def _page(document: str, out_dir: str, builder_name: str) -> Path:
    if builder_name == "dirhtml" and Path(document).name != "index":
        return Path(out_dir) / document / "index.html"
    return Path(out_dir) / (document + ".html")


def wrap(original):
    """`original` link_html, run on the page's code blocks only where that is possible."""

    def link_html(document, out_dir, transforms, inventory, custom_blocks, search_css_classes,
                  builder_name="html", *, disable_link_titles):
        def run_original() -> None:
            original(document, out_dir, transforms, inventory, custom_blocks,
                     search_css_classes, builder_name, disable_link_titles=disable_link_titles)

        if custom_blocks or search_css_classes:
            return run_original()
        page = _page(document, out_dir, builder_name)
        text = page.read_text("utf-8")
        blocks = list(_BLOCK.finditer(text))
        if not blocks:
            return run_original()
        page.write_text(_SEPARATOR.join(b.group(0) + "</div>" for b in blocks), "utf-8")
        try:
            run_original()
            linked = page.read_text("utf-8").split(_SEPARATOR)
        except BaseException:
            page.write_text(text, "utf-8")
            raise
        if len(linked) != len(blocks) or not all(b.endswith("</div>") for b in linked):
            page.write_text(text, "utf-8")  # could not cut cleanly: do it the slow way
            return run_original()
        pieces, end = [], 0
        for match, block in zip(blocks, linked, strict=True):
            pieces += [text[end:match.start()], block.removesuffix("</div>")]
            end = match.end()
        page.write_text("".join(pieces) + text[end:], "utf-8")
        return None

    link_html._mmlbook = True
    return link_html


def setup(app) -> None:
    """Make sphinx-codeautolink link code blocks without parsing whole pages (from bookext)."""
    try:
        import sphinx_codeautolink
        from sphinx_codeautolink import extension
    except ImportError:
        return
    if not sphinx_codeautolink.__version__.startswith(SUPPORTED):
        raise ExtensionError(f"tools/fastautolink.py wraps link_html of sphinx-codeautolink "
                             f"{SUPPORTED}x, but {sphinx_codeautolink.__version__} is installed: "
                             f"check sphinx_codeautolink/extension/block.py, then update it")
    if not getattr(extension.link_html, "_mmlbook", False):
        extension.link_html = wrap(extension.link_html)
