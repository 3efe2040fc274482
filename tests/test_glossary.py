r"""The glossary and the pages agree: every entry is used, every reference resolves, every
defined term has an entry.

Fast: the tests read the MyST sources in ``book/`` and never build the book.

The rules, checked on the sources:

1. **One entry per term.** No term is written twice in ``book/appendix/glossary.md`` (compared
   case-insensitively). An entry may list several terms, one a line above its definition, when
   they are synonyms ("Hessian" and "Hessian matrix"); each of them is a term.
2. **Every entry is used.** At least one term of every entry is the target of a
   ``{term}`...``` reference on some page of ``book/`` other than the glossary itself.
3. **Every reference resolves.** The target of every ``{term}`...``` reference in ``book/``
   (the text, or the part in ``<...>``) is a glossary term. Sphinx matches terms
   case-insensitively and with runs of white space collapsed, and so do we.
4. **Every defined term has an entry.** A term is *defined in the book* when it names a
   ``prf:definition`` directive: the directive's title is split at " and ", a leading "The"
   is dropped from each part, and every part must be a glossary term (case-insensitively).
   So the definition titled "Power series and Taylor polynomial" needs the two terms "power
   series" and "Taylor polynomial"; a title that names no term of the glossary ("Neuron and
   cost") fails until the title or the glossary is changed to make them match.

Code cells are ignored (a role in code is not a reference). The last test runs the checks on a
small made-up book, so that a checker that silently finds nothing cannot pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
GLOSSARY = BOOK / "appendix" / "glossary.md"

# A fenced block opened by three or more backticks or colons, up to a closing fence of the
# same kind and at least the same length.
_CODE_CELL = re.compile(r"^(`{3,})\{code-cell\}.*?^\1[ \t]*$", re.M | re.S)
_TERM_ROLE = re.compile(r"\{term\}`([^`]+)`")
_DEFINITION = re.compile(r"^(?::{3,}|`{3,})\{prf:definition\}[ \t]*(.*?)[ \t]*$", re.M)
_GLOSSARY_OPEN = re.compile(r"^(:{3,}|`{3,})\{glossary\}[ \t]*$", re.M)


def normalise(term: str) -> str:
    """A term as Sphinx compares it: case-folded, runs of white space made single spaces."""
    return " ".join(term.split()).casefold()


@dataclass(frozen=True)
class Entry:
    """One glossary entry: its terms (synonyms, one a line) and the line the entry starts on."""

    terms: tuple[str, ...]
    line: int


def parse_glossary(text: str) -> list[Entry]:
    """The entries of the first glossary directive in `text`.

    Inside the directive, option lines (``:sorted:``) are skipped, a line that starts in the
    first column is a term, an indented line belongs to a definition, and consecutive term
    lines are the terms of one entry.
    """
    opening = _GLOSSARY_OPEN.search(text)
    if opening is None:
        raise ValueError("no glossary directive found")
    fence = opening.group(1)
    start_line = text.count("\n", 0, opening.end()) + 2
    body = text[opening.end() + 1:].split("\n")
    entries: list[Entry] = []
    terms: list[str] = []
    first = 0
    in_definition = False
    for number, line in enumerate(body, start=start_line):
        if line.strip() == fence:
            break
        if not line.strip():
            continue
        if line[0].isspace():
            if terms:
                entries.append(Entry(tuple(terms), first))
                terms = []
            in_definition = True
            continue
        if re.fullmatch(r":[\w-]+:.*", line):
            continue
        if in_definition or not terms:
            first = number
        in_definition = False
        terms.append(line.strip())
    else:
        raise ValueError("the glossary directive is not closed")
    if terms:
        raise ValueError(f"glossary terms without a definition: {terms}")
    return entries


def strip_code_cells(text: str) -> str:
    """`text` with every code cell replaced by blank lines (line numbers are kept)."""
    return _CODE_CELL.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def term_references(text: str) -> list[str]:
    """The targets of the ``{term}`` roles in `text`, in order, code cells ignored."""
    targets = []
    for match in _TERM_ROLE.finditer(strip_code_cells(text)):
        content = match.group(1)
        explicit = re.fullmatch(r"(?s)(.*?)\s*<([^<>]+)>\s*", content)
        targets.append(explicit.group(2) if explicit else content)
    return targets


def definition_titles(text: str) -> list[str]:
    """The titles of the ``prf:definition`` directives in `text`."""
    return [title for title in _DEFINITION.findall(strip_code_cells(text))]


def defined_terms(title: str) -> list[str]:
    """The terms a definition's title names: its parts around " and ", without "The"."""
    parts = re.split(r"\s+and\s+", title.strip())
    return [re.sub(r"^the\s+", "", part, flags=re.I) for part in parts if part]


def duplicate_terms(entries: list[Entry]) -> list[str]:
    """Terms that appear in more than one place in the glossary."""
    seen: dict[str, int] = {}
    duplicates = []
    for entry in entries:
        for term in entry.terms:
            key = normalise(term)
            if key in seen:
                duplicates.append(f"{term!r} (lines {seen[key]} and {entry.line})")
            else:
                seen[key] = entry.line
    return duplicates


def references_outside(pages: dict[str, str], glossary_page: str) -> list[str]:
    """The targets of the term references on every page but the glossary's own."""
    return [target for page, text in pages.items() if page != glossary_page
            for target in term_references(text)]


def unused_entries(entries: list[Entry], references: list[str]) -> list[str]:
    """Entries none of whose terms is referenced."""
    used = {normalise(target) for target in references}
    return [" / ".join(entry.terms) for entry in entries
            if not any(normalise(term) in used for term in entry.terms)]


def unknown_references(entries: list[Entry], references: dict[str, list[str]]) -> list[str]:
    """References, by page, whose target is not a glossary term."""
    known = {normalise(term) for entry in entries for term in entry.terms}
    return [f"{page}: {{term}}`{target}`" for page, targets in references.items()
            for target in targets if normalise(target) not in known]


def undefined_terms(entries: list[Entry], titles: dict[str, list[str]]) -> list[str]:
    """Terms named by definition titles, by page, that have no glossary entry."""
    known = {normalise(term) for entry in entries for term in entry.terms}
    return [f"{page}: {term!r} (from the definition titled {title!r})"
            for page, page_titles in titles.items() for title in page_titles
            for term in defined_terms(title) if normalise(term) not in known]


def _pages() -> dict[str, str]:
    return {path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(BOOK.rglob("*.md"))}


def _entries() -> list[Entry]:
    return parse_glossary(GLOSSARY.read_text(encoding="utf-8"))


GLOSSARY_PAGE = GLOSSARY.relative_to(ROOT).as_posix()


def test_the_glossary_has_one_entry_per_term():
    entries = _entries()
    assert len(entries) >= 80, f"only {len(entries)} entries: is the parser still right?"
    assert duplicate_terms(entries) == []


def test_every_glossary_entry_is_referenced_from_a_page():
    references = references_outside(_pages(), GLOSSARY_PAGE)
    unused = unused_entries(_entries(), references)
    assert unused == [], ("glossary entries that no page links with {term}: "
                          + ", ".join(unused))


def test_every_term_reference_names_a_glossary_term():
    references = {page: term_references(text) for page, text in _pages().items()}
    assert sum(len(targets) for targets in references.values()) >= 100
    unknown = unknown_references(_entries(), references)
    assert unknown == [], "references to terms the glossary lacks:\n" + "\n".join(unknown)


def test_every_defined_term_has_a_glossary_entry():
    titles = {page: definition_titles(text) for page, text in _pages().items()}
    assert sum(len(found) for found in titles.values()) >= 25
    missing = undefined_terms(_entries(), titles)
    assert missing == [], "defined terms without a glossary entry:\n" + "\n".join(missing)


FAKE_GLOSSARY = """\
(app-glossary)=
# Glossary

:::{glossary}
:sorted:

gradient
  The row of partial derivatives.

Hessian
Hessian matrix
  The matrix of second partial derivatives.

secant
  A line through two points.

gradient
  Again, by mistake.

:::

{term}`not a reference to itself <secant>` on the glossary page.
"""

FAKE_PAGE = """\
# A page

The {term}`Gradient` is a row; its {term}`Jacobian
matrix <jacobian   matrix>` has one row per output.

```{code-cell} ipython3
# {term}`secant` in a code cell is not a reference
```

:::{prf:definition} The Hessian matrix and saddle point
:label: def-fake
Text with {term}`hessian MATRIX`.
:::

```{prf:definition} Secant
```
"""


def test_the_checks_find_the_faults_of_a_made_up_book():
    entries = parse_glossary(FAKE_GLOSSARY)
    assert [entry.terms for entry in entries] == [
        ("gradient",), ("Hessian", "Hessian matrix"), ("secant",), ("gradient",)]
    assert [entry.line for entry in entries] == [7, 10, 14, 17]
    assert duplicate_terms(entries) == ["'gradient' (lines 7 and 17)"]

    references = term_references(FAKE_PAGE)
    assert references == ["Gradient", "jacobian   matrix", "hessian MATRIX"]
    assert term_references(FAKE_GLOSSARY) == ["secant"]
    # the glossary page's own reference to "secant" does not count as a use
    pages = {"glossary.md": FAKE_GLOSSARY, "page.md": FAKE_PAGE}
    assert references_outside(pages, "glossary.md") == references
    assert unused_entries(entries, references) == ["secant"]
    assert unknown_references(entries, {"page.md": references}) == [
        "page.md: {term}`jacobian   matrix`"]

    titles = definition_titles(FAKE_PAGE)
    assert titles == ["The Hessian matrix and saddle point", "Secant"]
    assert defined_terms(titles[0]) == ["Hessian matrix", "saddle point"]
    assert undefined_terms(entries, {"page.md": titles}) == [
        "page.md: 'saddle point' (from the definition titled "
        "'The Hessian matrix and saddle point')"]
