"""Print the whole book into one PDF: ``make pdf`` writes ``_build/pdf/<book>.pdf``.

Usage: ``python tools/pdf.py [--jobs N]``.

The route: Sphinx's ``singlehtml`` builder puts the whole book on one HTML page, and the
Chromium that the browser tests already use prints it (Playwright's ``page.pdf()``), after
MathJax has typeset every formula -- as Jupyter Book 1's ``pdfhtml`` builder did. Why this and
not LaTeX: it needs nothing a developer or CI does not already have (Debian's TeX Live with the
fonts, packages and ``latexmk`` that Sphinx's LaTeX wants is well over a gigabyte), the PDF shows
exactly what the site shows (the same MathJax, figures, admonitions and glued numbers; myst-nb's
HTML outputs have no LaTeX form), and the build reuses the site's configuration, doctrees and
execution cache, so no notebook runs again.

Before printing, a script (``PREPARE``) turns the page into a book: a table of contents after
the title, each chapter on a new page, the solutions of each chapter's exercises moved to the
chapter's end, and the site's navigation dropped. Slider figures and the sandpit game print as
a still frame with a note (``book/_static/print.css``). The PDF has bookmarks and page numbers.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from build import inputs_fingerprint, made_from, run_filtered  # noqa: E402

BUILD = ROOT / "_build"
OUTPUT = BUILD / "pdf"
STAMP = OUTPUT / ".last-good-inputs"   # what the PDF in OUTPUT was printed from
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def pdf_name(title: str) -> str:
    """The PDF's file name, from the book's title: 'Calculus for ML' -> 'calculus-for-ml.pdf'."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") + ".pdf"


def printed_from(chromium: str) -> str:
    """What the PDF is made from: the site's inputs (``build.inputs_fingerprint``, this script
    among them) and the Chromium that prints it."""
    stat = Path(chromium).resolve().stat()
    return f"{inputs_fingerprint(ROOT)}\n{chromium}\0{stat.st_size}\0{stat.st_mtime_ns}\n"


def find_chromium() -> str:
    """The path of Debian's Chromium, or exit saying which package to install."""
    for name in ("chromium", "chromium-browser"):
        if path := shutil.which(name):
            return path
    raise SystemExit("make pdf prints the book with Chromium, which is not installed.\n"
                     "Install Debian's package: sudo apt-get install chromium")


def build_single_page(jobs: str) -> Path:
    """Build the book as one HTML page (strict, like the site); return the page.

    It has doctrees of its own, so it can run beside ``make html``; the first time, it starts
    from a copy of the site's, and then reads only the pages that changed since.
    """
    html, doctrees = OUTPUT / "html", OUTPUT / "doctrees"
    if not doctrees.exists() and (BUILD / "doctrees" / "environment.pickle").exists():
        shutil.copytree(BUILD / "doctrees", doctrees)
    # Glue across pages ({glue:text}`page.md::key`) reads the other page's saved outputs,
    # which a page writes only when it is read: start from the site's too.
    outputs, site_outputs = OUTPUT / "jupyter_execute", BUILD / ".staging" / "jupyter_execute"
    if not outputs.exists() and site_outputs.exists():
        shutil.copytree(site_outputs, outputs)
    command = [sys.executable, "-m", "sphinx", "-b", "singlehtml", "-n", "-W", "--keep-going",
               "-q", "-j", jobs, "-d", str(doctrees), str(ROOT), str(html)]
    if run_filtered(command) != 0:
        raise SystemExit("make pdf: the single-page build failed (see the messages above)")
    # singlehtml writes the page where the root document is (book/index.html) but links its
    # styles, scripts and images as if it were at the top of the build: put a copy there.
    page = html / "book.html"
    shutil.copy2(html / "book" / "index.html", page)
    return page


# Turns the single page into a printable book. Runs in the page once MathJax has typeset it.
PREPARE = r"""
() => {
  const article = document.querySelector("article.bd-article");
  const chapters = [...article.querySelectorAll("#contents > .toctree-wrapper > section")];
  const title = (s) => s.querySelector(":scope > h1, :scope > h2, :scope > h3, :scope > h4");
  const text = (h) => h.textContent.replace(/[#¶]\s*$/, "").trim();

  // Every solution of a chapter goes to the end of the chapter, under a heading of its own.
  for (const chapter of chapters) {
    const solutions = [...chapter.querySelectorAll(".solution")];
    if (!solutions.length) continue;
    const block = document.createElement("section");
    block.className = "mmlbook-solutions";
    const heading = document.createElement("h4");
    heading.textContent = "Solutions to the exercises of chapter " + text(title(chapter))
      .replace(/^(\d+)\..*$/, "$1");
    block.id = chapter.id + "-solutions";
    block.append(heading);
    for (const solution of solutions) {
      const exercise = document.getElementById(
        (solution.querySelector(".admonition-title a") || {hash: ""}).hash.split("#").pop());
      if (exercise) {
        const note = document.createElement("p");
        note.className = "mmlbook-solution-note";
        note.innerHTML = 'Solution: at the <a href="#' + block.id + '">end of the chapter</a>.';
        exercise.append(note);
      }
      solution.classList.remove("dropdown", "toggle-hidden");
      block.append(solution);
    }
    chapter.append(block);
  }
  for (const button of document.querySelectorAll(".toggle-button")) button.remove();
  for (const hidden of document.querySelectorAll(".toggle-hidden")) {
    hidden.classList.remove("toggle-hidden");
  }
  for (const details of document.querySelectorAll("details.sd-dropdown")) details.open = true;

  // Display equations are numbered by chapter, as figures are, so that a page can cite them.
  for (const chapter of chapters) {
    const number = (text(title(chapter)).match(/^(\d+)\./) || [])[1];
    let count = 0;
    for (const math of number ? chapter.querySelectorAll("div.math") : []) {
      if (!math.querySelector("mjx-container")) continue;
      const tag = document.createElement("span");
      tag.className = "mmlbook-eqno";
      tag.textContent = "(" + number + "." + ++count + ")";
      math.classList.add("mmlbook-numbered");
      math.append(tag);
    }
  }

  // A table of contents after the title: the chapters with their sections, then the rest.
  const toc = document.createElement("nav");
  toc.className = "mmlbook-toc";
  const list = document.createElement("ol");
  for (const chapter of chapters) {
    const item = document.createElement("li");
    item.innerHTML = '<a href="#' + chapter.id + '">' + text(title(chapter)) + "</a>";
    const inner = document.createElement("ol");
    for (const section of chapter.querySelectorAll(
        ":scope > section, :scope .toctree-wrapper > section, :scope > .mmlbook-solutions")) {
      const h = title(section);
      if (!h || !section.id) continue;
      const entry = document.createElement("li");
      entry.innerHTML = '<a href="#' + section.id + '">' + text(h) + "</a>";
      inner.append(entry);
    }
    if (inner.children.length) item.append(inner);
    list.append(item);
  }
  toc.append(list);
  const contents = article.querySelector("#contents");
  (contents ? contents.querySelector(":scope > h2") : article.firstElementChild).after(toc);
  // A title page: the book's title (the theme keeps the landing page's own out of print).
  const name = article.querySelector("section > h1");
  const cover = document.createElement("p");
  cover.className = "mmlbook-title";
  cover.textContent = name ? text(name) : document.title;
  article.prepend(cover);
  for (const chapter of chapters) chapter.classList.add("mmlbook-chapter");
  document.body.classList.add("mmlbook-print");
  return chapters.length;
}
"""

PRINT_CSS = """
@page { size: A4; margin: 16mm 15mm 18mm; }
.mmlbook-print .bd-header, .mmlbook-print .bd-header-article, .mmlbook-print .bd-sidebar-primary,
.mmlbook-print .bd-sidebar-secondary, .mmlbook-print .bd-footer, .mmlbook-print .prev-next-area,
.mmlbook-print .footer-article-items, .mmlbook-print .bd-footer-article,
.mmlbook-print .headerlink, .mmlbook-print .toctree-wrapper > ul,
.mmlbook-print #pst-back-to-top, .mmlbook-print .skip-link,
.mmlbook-print #jb-print-docs-body { display: none !important; }
.mmlbook-print .bd-main .bd-content .bd-article-container, .mmlbook-print .bd-article,
.mmlbook-print .bd-page-width, .mmlbook-print .bd-container__inner {
  max-width: none !important; width: 100% !important; padding: 0 !important; }
.mmlbook-print .toctree-wrapper > :not(section):not(span) { display: none !important; }
.mmlbook-print .mmlbook-chapter, .mmlbook-print .toctree-wrapper > section,
.mmlbook-print .mmlbook-solutions, .mmlbook-print #contents > h2 { break-before: page; }
.mmlbook-print .mmlbook-toc { break-after: page; }
.mmlbook-print .admonition { break-inside: auto; }
/* The cheat sheet's print rules (book.css) are for printing that page alone: not here. */
body.mmlbook-print .bd-article > section > h1 { display: none !important; }
.mmlbook-print .mmlbook-title { font-size: 28pt; font-weight: 600; line-height: 1.2;
  margin: 45mm 0 15mm; }
body.mmlbook-print .bd-article > section > p { font-size: inherit; margin-bottom: 1em; }
.mmlbook-print .mmlbook-toc ol { list-style: none; padding-left: 0; }
.mmlbook-print .mmlbook-toc ol ol { padding-left: 1.5em; margin-bottom: 0.6em; }
.mmlbook-print .mmlbook-toc a { text-decoration: none; color: inherit; }
.mmlbook-print div.math.mmlbook-numbered { position: relative; padding-right: 4em; }
.mmlbook-print .mmlbook-eqno { position: absolute; right: 0; top: 50%;
  transform: translateY(-50%); }
.mmlbook-print figure, .mmlbook-print img, .mmlbook-print .admonition pre {
  break-inside: avoid; }
.mmlbook-print h1, .mmlbook-print h2, .mmlbook-print h3, .mmlbook-print h4,
.mmlbook-print h5, .mmlbook-print h6 { break-after: avoid; }
"""

FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#555">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')


def print_page(page_file: Path, target: Path, chromium: str) -> int:
    """Print `page_file` into `target` with Chromium once MathJax is done; return chapters."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS,
                                             headless=True)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.set_default_timeout(900_000)  # a long page on a busy machine
            page.goto(page_file.as_uri(), wait_until="load", timeout=600_000)
            page.wait_for_function("() => Boolean(window.MathJax && MathJax.startup && "
                                   "MathJax.startup.promise)", timeout=120_000)
            page.evaluate("() => MathJax.startup.promise.then(() => true)")  # typeset
            page.evaluate("() => Promise.all([...document.images].map(i => i.decode()"
                          ".catch(() => null)))")
            chapters = page.evaluate(PREPARE)
            page.add_style_tag(content=PRINT_CSS)
            page.emulate_media(media="print", color_scheme="light")
            target.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(path=str(target), format="A4", print_background=True, outline=True,
                     tagged=True, display_header_footer=True, header_template="<span></span>",
                     footer_template=FOOTER, prefer_css_page_size=True)
        finally:
            browser.close()
    return chapters


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", "-j", default="auto", help="parallel processes (default: auto)")
    parser.add_argument("--print-only", action="store_true",
                        help="print the single page of the last build again, without building")
    parser.add_argument("--force", action="store_true",
                        help="build and print even if nothing changed since the last PDF")
    args = parser.parse_args(argv)

    import runpy

    chromium = find_chromium()
    start = time.perf_counter()
    target = OUTPUT / pdf_name(runpy.run_path(str(ROOT / "conf.py"))["project"])
    inputs = printed_from(chromium)
    if not (args.force or args.print_only) and made_from(inputs, STAMP, [target]):
        print(f"Up to date: nothing changed since {target.relative_to(ROOT)} was printed "
              f"(--force prints it again)")
        return 0
    STAMP.unlink(missing_ok=True)
    page = OUTPUT / "html" / "book.html" if args.print_only else build_single_page(args.jobs)
    chapters = print_page(page, target, chromium)
    if not args.print_only:
        STAMP.write_text(inputs, encoding="utf-8")  # read before the build, as make html does
    seconds = time.perf_counter() - start
    print(f"Printed {chapters} chapters into {target.relative_to(ROOT)} "
          f"({target.stat().st_size / 1e6:.1f} MB) in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
