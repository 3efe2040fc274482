"""The PDF of the whole book (``make pdf``): complete, typeset, numbered, with its figures.

It needs Debian's Chromium (to print) and poppler-utils (to read the PDF back): without them
these tests skip with that hint, except under CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.build

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import pdf  # noqa: E402


def _require(program: str, package: str) -> None:
    if shutil.which(program):
        return
    message = f"{program} is missing: install it with `sudo apt-get install {package}`"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (under CI a missing tool is a failure)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def book_pdf(built_site) -> Path:
    """The book printed by the real ``make pdf`` command (tools/pdf.py), after the site's
    build: it starts from the site's doctrees and outputs, so no page executes twice."""
    _require("chromium", "chromium")
    for program in ("pdftotext", "pdfinfo", "pdfimages"):
        _require(program, "poppler-utils")
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "pdf.py")], cwd=ROOT,
                            capture_output=True, text=True, timeout=3600)
    assert result.returncode == 0, result.stdout + result.stderr
    path = pdf.OUTPUT / "multivariate-calculus-for-machine-learning.pdf"
    assert path.exists(), result.stdout
    return path


@pytest.fixture(scope="module")
def pages(book_pdf) -> list[str]:
    """The text of each page, whitespace squeezed and typographic apostrophes made plain."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(book_pdf), "-"],
                          capture_output=True, text=True, check=True).stdout.replace("’", "'")
    return [re.sub(r"\s+", " ", page) for page in text.split("\f")]


@pytest.fixture(scope="module")
def single_page() -> BeautifulSoup:
    """The single HTML page the PDF was printed from."""
    return BeautifulSoup((pdf.OUTPUT / "html" / "book.html").read_text("utf-8"),
                         "html.parser")


def _titles(folder: str) -> list[str]:
    """The first heading of every page of the book under `folder`, in the contents' order."""
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    files = re.findall(rf"file: ({folder}/[\w/-]+)", toc)
    titles = []
    for file in files:
        text = (ROOT / f"{file}.md").read_text(encoding="utf-8")
        titles.append(re.search(r"^# (.+)$", text, re.M).group(1).strip())
    return titles


def test_page_count_and_size_are_plausible(book_pdf):
    info = subprocess.run(["pdfinfo", str(book_pdf)], capture_output=True, text=True,
                          check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert 150 <= count <= 1500, count
    assert "A4" in info or "595.2" in info, info
    assert 1e6 < book_pdf.stat().st_size < 200e6


def test_make_pdf_again_with_nothing_changed_prints_nothing(book_pdf):
    """Like make html, make pdf does no work when nothing the book is made from changed
    (build.inputs_fingerprint, which tests/test_book.py tests, plus the printing Chromium)."""
    printed = book_pdf.stat().st_mtime_ns
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "pdf.py")], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Up to date" in result.stdout
    assert book_pdf.stat().st_mtime_ns == printed
    assert pdf.STAMP.read_text(encoding="utf-8") == pdf.printed_from(pdf.find_chromium())


def test_the_pdf_name_comes_from_the_title():
    assert pdf.pdf_name("Multivariate Calculus for Machine Learning") == \
        "multivariate-calculus-for-machine-learning.pdf"


def test_every_chapter_and_section_is_in_the_pdf_and_in_its_contents(pages):
    text = " ".join(pages)
    chapters = [re.sub(r"\*|`", "", t) for t in _titles(r"book/0\d-[\w-]+") if t]
    assert len(chapters) >= 40
    toc = next(k for k, page in enumerate(pages) if page.strip().startswith("Contents")
               or " Contents " in page[:200])
    first_chapter = next(k for k, page in enumerate(pages[toc + 1:], toc + 1)
                         if "1. What is calculus?" in page[:300])
    contents = " ".join(pages[toc:first_chapter])
    for title in chapters:
        assert title in text, f"missing from the PDF: {title}"
        assert title in contents, f"missing from the contents: {title}"
    for title in ("Using this book", "Notation", "Cheat sheet", "API reference", "Glossary",
                  "References"):
        assert title in contents and text.count(title) >= 2, title


def test_math_is_typeset_not_left_as_tex(pages, single_page):
    text = " ".join(pages)
    for delimiter in ("\\(", "\\)", "\\[", "\\]", "$$"):
        assert delimiter not in text, delimiter
    # TeX commands may appear where the book shows code (a sympy or matplotlib label): no more
    # often in the PDF than in the page's code blocks.
    code = " ".join(pre.get_text() for pre in single_page.find_all("pre"))
    for command in ("\\frac", "\\mathbf", "\\partial", "\\begin", "\\sum", "\\nabla"):
        assert text.count(command) <= code.count(command), command
    assert text.count("∂") > 100 and text.count("∇") > 20  # typeset symbols


def test_figures_and_equations_are_numbered_and_figures_embedded(book_pdf, pages, single_page):
    text = " ".join(pages)
    figures = len(single_page.select("figure img, .mml-animation img"))
    assert figures > 40
    for number in ("Figure 1.1", "Figure 3.1", "Figure 6.1"):
        assert number in text, number
    assert re.search(r"\(1\.1\)", text) and re.search(r"\(5\.\d+\)", text)
    images = subprocess.run(["pdfimages", "-list", str(book_pdf)], capture_output=True,
                            text=True, check=True).stdout.splitlines()[2:]
    assert len(images) >= figures


def test_exercises_have_their_solutions_at_the_end_of_each_chapter(pages, single_page):
    text = " ".join(pages)
    exercises = len(single_page.select(".exercise"))
    assert exercises > 50
    assert text.count("Solution to Exercise") == exercises
    for chapter in range(1, 7):
        heading = f"Solutions to the exercises of chapter {chapter}"
        start = max(k for k, page in enumerate(pages) if heading in page)  # not contents
        following = " ".join(pages[start:])
        assert f"Solution to Exercise {chapter}.1" in following
        next_chapter = following.find(f"Solutions to the exercises of chapter {chapter + 1}")
        block = following[:next_chapter] if next_chapter > 0 else following
        assert f"Exercise {chapter}.1 " in text[:text.rfind(heading)], chapter
        assert block.count("Solution to Exercise") >= 2


def test_moving_figures_and_the_game_print_as_a_still_frame_with_a_note(pages, single_page):
    text = " ".join(pages)
    assert text.count("Printed: one frame of a figure that moves") == \
        len(single_page.select(".mml-animation"))
    assert text.count("Printed: the game's board") == len(single_page.select(".sandpit-game"))
    assert "The game needs JavaScript, which" not in text and "Probes used" not in text


def test_make_pdf_says_which_package_is_missing(monkeypatch):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit, match="apt-get install chromium"):
        pdf.find_chromium()
