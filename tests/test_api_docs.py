"""Every public function and class documents its formula's home: the section that teaches it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path

import pytest

import mmlcalc
import mmlcalc.plotting

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from bookext import _SECTION_NUMBER, book_sections  # noqa: E402

SECTIONS = book_sections(ROOT)


def _public_modules() -> list[str]:
    names = [f"mmlcalc.{m.name}" for m in pkgutil.iter_modules(mmlcalc.__path__)
             if not m.name.startswith("_") and m.name != "plotting"]
    names += [f"mmlcalc.plotting.{m.name}" for m in pkgutil.iter_modules(mmlcalc.plotting.__path__)]
    return names


def _public_objects():
    for module_name in _public_modules():
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                yield f"{module_name}.{name}", obj


def _taught_in(doc: str) -> list[str]:
    """The section numbers of the paragraph that starts with "Book:"."""
    start = doc.find("Book:")
    if start < 0:
        return []
    paragraph = doc[start:].split("\n\n", 1)[0]
    return [f"{a}.{b}" for a, b in _SECTION_NUMBER.findall(paragraph)]


def test_the_parser_reads_book_paragraphs():
    doc = "Summary.\n\nNotes\n-----\nError O(h). Book: sections 1.1 and\n1.3.\n\n>>> 2.5 + 1"
    assert _taught_in(doc) == ["1.1", "1.3"]
    assert _taught_in("No pointer here, 2.5.") == []


def test_the_toc_numbers_six_chapters():
    assert {number.split(".")[0] for number in SECTIONS} == {"1", "2", "3", "4", "5", "6"}


@pytest.mark.parametrize("name, obj", list(_public_objects()), ids=lambda v: v
                         if isinstance(v, str) else "")
def test_public_object_says_where_the_book_teaches_it(name, obj):
    doc = inspect.getdoc(obj) or ""
    assert doc, f"{name} has no docstring"
    taught = _taught_in(doc)
    assert taught, f"{name}: the docstring has no 'Book: section X.Y' pointer"
    unknown = [n for n in taught if n not in SECTIONS]
    assert not unknown, f"{name} points to sections the book does not have: {unknown}"


# "section 2.5, *The Hessian*": a pointer that names its section names it by its title.
_TITLED_POINTER = re.compile(r"sections? ([1-9]\.\d{1,2}),\s+\*([^*]+)\*")


def _title(document: str) -> str:
    text = (ROOT / f"{document}.md").read_text(encoding="utf-8")
    return re.search(r"^# (.+)$", text, re.M).group(1).strip()


def test_a_pointer_that_names_its_section_gives_the_title_of_the_section_at_that_number():
    """Moving a page renumbers the sections after it: a pointer whose number and title disagree
    points to the wrong page (the title says which one was meant)."""
    stale = []
    for name, obj in _public_objects():
        doc = " ".join((inspect.getdoc(obj) or "").split())
        for number, title in _TITLED_POINTER.findall(doc):
            if number in SECTIONS and _title(SECTIONS[number]).lower() != title.strip().lower():
                stale.append(f"{name}: section {number} is *{_title(SECTIONS[number])}*, "
                             f"not *{title}*")
    assert not stale, "\n".join(stale)


def test_public_functions_have_an_example():
    missing = [name for name, obj in _public_objects()
               if inspect.isfunction(obj) and ">>>" not in (inspect.getdoc(obj) or "")
               and not name.startswith("mmlcalc.plotting.")]
    assert not missing, f"functions without a runnable example: {missing}"


def test_every_module_has_an_api_page():
    pages = {p.stem for p in (ROOT / "book" / "appendix" / "api").glob("*.md")}
    modules = {n.rsplit(".", 1)[-1] for n in _public_modules() if n.count(".") == 1}
    assert modules <= pages, f"modules without an API page: {sorted(modules - pages)}"
    assert re.search(r"automodule:: mmlcalc\.plotting\.derivatives",
                     (ROOT / "book" / "appendix" / "api" / "plotting.md").read_text())


def test_every_public_name_is_documented_on_an_api_page():
    """A name in ``mmlcalc.__all__`` is documented by the API page of the module that defines
    it (``automodule``; a subpackage by pages of its modules); private modules need a page of
    their own."""
    pages = "\n".join(p.read_text(encoding="utf-8")
                      for p in (ROOT / "book" / "appendix" / "api").glob("*.md"))
    documented = set(re.findall(r"automodule:: (mmlcalc[\w.]*)", pages))
    missing = []
    for name in mmlcalc.__all__:
        obj = getattr(mmlcalc, name)
        home = obj.__name__ if inspect.ismodule(obj) else getattr(obj, "__module__", None)
        if home is not None and home.startswith("mmlcalc") and not any(
                page == home or page.startswith(home + ".") for page in documented):
            missing.append(f"{name} (from {home})")
    assert not missing, f"public names with no API entry: {missing}"
