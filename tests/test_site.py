"""Tests of the built site: offline and private, complete, and honest about its status."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.build

# (tag, attribute) pairs whose URL the browser fetches on its own when the page loads
FETCHED = [("script", "src"), ("img", "src"), ("img", "srcset"), ("source", "src"),
           ("source", "srcset"), ("iframe", "src"), ("video", "src"), ("video", "poster"),
           ("audio", "src"), ("embed", "src"), ("object", "data"), ("track", "src")]
LINK_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "shortcut",
             "apple-touch-icon", "manifest", "dns-prefetch", "preconnect", "mask-icon"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


def _is_external(url: str) -> bool:
    url = url.strip()
    parts = urlsplit(url)
    return bool(parts.netloc) or parts.scheme not in ("", "data", "blob")


def _srcset_urls(value: str) -> list[str]:
    return [candidate.strip().split()[0] for candidate in value.split(",") if candidate.strip()]


def _fetched_urls(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    urls = []
    for tag, attribute in FETCHED:
        for element in soup.find_all(tag, attrs={attribute: True}):
            value = element[attribute]
            urls += _srcset_urls(value) if attribute == "srcset" else [value]
    for link in soup.find_all("link", href=True):
        if LINK_RELS & {rel.lower() for rel in link.get("rel", [])}:
            urls.append(link["href"])
    for element in soup.find_all(style=True):
        urls += [a or b for a, b in CSS_URL.findall(element["style"])]
    for style in soup.find_all("style"):
        urls += [a or b for a, b in CSS_URL.findall(style.get_text())]
    return urls


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)


def test_the_detector_catches_every_kind_of_external_reference():
    page = """<html><head>
      <script src="https://cdn.example.org/x.js"></script>
      <link rel="stylesheet" href="//fonts.example.org/f.css">
      <link rel="icon" href="http://example.org/favicon.ico">
      <style>@import "https://example.org/a.css"; body {background: url(https://e.org/b.png)}</style>
      </head><body>
      <img src="https://example.org/p.png" srcset="local.png 1x, https://e.org/2x.png 2x">
      <a href="https://example.org/">a link is not a request</a>
      <script src="_static/local.js"></script>
      <img src="data:image/png;base64,AAAA"></body></html>"""
    external = [u for u in _fetched_urls(page) if _is_external(u)]
    assert len(external) == 7, external


def test_every_page_requests_nothing_from_another_host(built_site):
    pages = _pages(built_site)
    assert len(pages) >= 5
    offenders = {}
    for page in pages:
        external = [u for u in _fetched_urls(page.read_text(encoding="utf-8")) if _is_external(u)]
        if external:
            offenders[page.relative_to(built_site).as_posix()] = external
    assert not offenders, f"pages fetch from other hosts: {offenders}"


def test_stylesheets_load_nothing_from_another_host(built_site):
    offenders = {}
    for css in sorted(built_site.rglob("*.css")):
        urls = [a or b for a, b in CSS_URL.findall(css.read_text(encoding="utf-8",
                                                                 errors="replace"))]
        external = [u for u in urls if _is_external(u)]
        if external:
            offenders[css.relative_to(built_site).as_posix()] = external
    assert not offenders, f"stylesheets fetch from other hosts: {offenders}"


def test_local_references_resolve(built_site):
    """Every script, stylesheet and image a page loads exists in the site."""
    missing = set()
    for page in _pages(built_site):
        for url in _fetched_urls(page.read_text(encoding="utf-8")):
            if _is_external(url) or url.startswith(("data:", "#")):
                continue
            path = urlsplit(url).path  # the 404 page links from the site's root: "/_static/..."
            target = (built_site / path[1:] if path.startswith("/") else page.parent / path)
            target = target.resolve()
            if not target.exists():
                missing.add(f"{page.relative_to(built_site)} -> {url}")
    assert not missing, sorted(missing)


def test_math_is_rendered_by_the_sites_own_mathjax(built_site):
    page = (built_site / "book" / "01-calculus" / "rise-over-run.html").read_text("utf-8")
    soup = BeautifulSoup(page, "html.parser")
    sources = [urlsplit(s["src"]).path for s in soup.find_all("script", src=True)
               if "mathjax" in s["src"]]
    assert sources == ["../../_static/mathjax/tex-chtml.js"]
    fonts = built_site / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
    assert len(list(fonts.glob("*.woff"))) > 10
    assert soup.find(class_="math")  # the page does hold math for MathJax to typeset


def test_build_status_page_lists_every_page_as_succeeded(built_site):
    soup = BeautifulSoup((built_site / "book" / "appendix" / "build-status.html")
                         .read_text("utf-8"), "html.parser")
    table = soup.find("table")
    assert table is not None, "the execution table is missing"
    rows = table.find_all("tr")[1:]
    notebooks = {"/".join(p.with_suffix("").parts[-3:]) for p in _pages(built_site)}
    assert len(rows) >= 2
    text = table.get_text(" ")
    assert "✅" in text and "❌" not in text
    assert "rise-over-run" in text and any("rise-over-run" in n for n in notebooks)
    versions = soup.get_text(" ")
    for package in ("numpy", "sympy", "matplotlib", "sphinx", "myst-nb", "Python"):
        assert package in versions
