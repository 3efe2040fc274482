r"""One notation: no page writes an object in a form the book's convention forbids.

The convention is the notation page's (``book/appendix/notation.md``, DESIGN.md section 4a).
Most of it is a matter of judgement, but a few forms are mechanical and can be found in the page
sources without building the book. This test reads every ``book/**/*.md`` and fails, naming the
page, the line and the form to write instead, on:

- a transpose written ``\mathsf T``, ``\mathsf{T}``, ``\intercal``, ``^T``, ``^{T}``, ``^{-T}``,
  ``^\mathrm{T}`` or ``^{\rm T}``: the book writes ``^\top`` (and ``^{-\top}``);
- a subscripted nabla, ``\nabla_{a} C`` or ``\nabla_x f``: the gradient is the row ``\nabla f``
  of the function's own variables; a gradient with respect to some of them is written
  ``\partial C/\partial \mathbf{a}``, and as a column ``(\partial C/\partial\mathbf{a})^\top``;
- a prime for "the next layer", ``a'`` (with no argument after it, so that a derivative such
  as ``a'(t)`` is not taken for one): the book writes ``\mathbf{a}^{(l)}``. Only the letter
  ``a``: primes on other letters are derivatives in this book (velocities ``x'``, ``z'`` of a
  path), which no pattern can tell from a next layer;
- a norm written ``\|x\|``: the book writes ``\lVert x \rVert`` (and, in a figure's label,
  ``\Vert x \Vert``, since matplotlib's mathematics has no ``\lVert``).

Where these are checked: everywhere a reader reads mathematics. That is the prose of a page
(its paragraphs, lists, tables, directives and figure captions), all of it and not only the
parts between dollar signs, since ``x^T`` typed into a sentence is as wrong as in a formula;
and, inside code cells, the ``$...$`` strings that matplotlib renders as mathematics in figures.
Code itself is not checked: its comments and the words of its claims are ASCII, where ``J^T``
is the ordinary spelling of a transpose. Inline code in backticks is skipped too.

A page that has to show a forbidden form (this book's notation page names what other texts
write) allows it with a MyST comment on the line just above the paragraph::

    % notation-ok: ^{\mathrm T} -- what other texts write, named on purpose

Run ``pytest tests/test_notation.py -k <page-stem>`` for one page; each page is its own test.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"

#: (what, pattern, write instead). Each pattern finds one forbidden form.
FORBIDDEN: list[tuple[str, re.Pattern, str]] = [
    ("sans-serif transpose", re.compile(r"\\mathsf\s*(?:\{\s*T\s*\}|T(?![A-Za-z]))"),
     r"^\top"),
    ("\\intercal transpose", re.compile(r"\\intercal(?![A-Za-z])"), r"^\top"),
    ("roman transpose",
     re.compile(r"\^\s*(?:\{\s*-?\s*(?:\\mathrm\s*\{?\s*T\s*\}?|\\rm\s+T)\s*\}|\\mathrm\s*\{\s*T\s*\})"),
     r"^\top"),
    ("^T transpose", re.compile(r"\^\s*(?:T(?![A-Za-z_0-9])|\{\s*-?\s*T\s*\})"),
     r"^\top (or ^{-\top})"),
    ("subscripted nabla", re.compile(r"\\nabla\s*_"),
     r"\nabla f (a row), or (\partial C/\partial \mathbf{a})^\top as a column"),
    ("prime for the next layer",
     re.compile(r"(?<![\\A-Za-z])(?:\\mathbf\s*\{\s*)?a\s*\}?\s*'+(?!\s*[(']|[A-Za-z0-9])"),
     r"\mathbf{a}^{(l)}"),
    ("\\| norm", re.compile(r"\\\|"),
     r"\lVert x \rVert (in a matplotlib label, which has no \lVert: \Vert x \Vert)"),
]

_FENCE = re.compile(r"^(`{3,}|:{3,})\s*(\{[^}]*\})?")
_ALLOW = re.compile(r"^%\s*notation-ok:\s*(.*?)\s*--\s*\S")
_INLINE_CODE = re.compile(r"``[^`]+``|`[^`]*`")
_ROLE = re.compile(r"\{(?!math\})[\w:-]+\}`[^`]*`")    # {ref}`...`, {glue:text}`...` (not math)
_MATH_IN_CODE = re.compile(r"(?<!\\)\$([^$\n]+?)(?<!\\)\$")
# fenced blocks whose body a reader does not read as mathematics or prose
_NOT_PROSE = ("{code-cell}", "{code-block}", "{code}", "{literalinclude}", "{eval-rst}",
              "{raw}", "{index}", "{mermaid}", "{nb-exec-table}", "{toctree}",
              "{bibliography}", "{verification-ledger}", None)


@dataclass(frozen=True)
class Finding:
    page: str
    line: int
    what: str
    text: str
    instead: str

    def __str__(self) -> str:
        return (f"{self.page}:{self.line}: {self.what} {self.text!r}; write {self.instead}")


def _checked_lines(text: str):
    """(line number, text to check, allowed forms) for every line a reader reads as maths."""
    lines = text.split("\n")
    start = 0
    if lines and lines[0].strip() == "---":                     # front matter
        start = lines.index("---", 1) + 1 if "---" in lines[1:] else len(lines)
    stack: list[tuple[str, str | None]] = []                    # open fences: (marker, name)
    allowed: list[str] = []
    in_options = False
    for index in range(start, len(lines)):
        line, number = lines[index], index + 1
        stripped = line.strip()
        fence = _FENCE.match(stripped)
        if fence and stack and stripped == stack[-1][0]:        # a closing fence
            stack.pop()
            in_options = False
            continue
        if fence and (not stack or stack[-1][1] not in _NOT_PROSE):
            stack.append((fence.group(1), fence.group(2)))
            in_options = fence.group(2) == "{code-cell}"
            if fence.group(2) not in _NOT_PROSE:
                yield number, stripped[len(fence.group(0)):], allowed   # a directive's title
            continue
        allow = _ALLOW.match(stripped)
        if allow:
            allowed = [form.strip() for form in allow.group(1).split(",")]
            continue
        if not stripped:
            allowed = []
        inside = stack[-1][1] if stack else "prose"
        if inside == "{code-cell}":
            if in_options and stripped.startswith(":"):         # cell options: captions, alt
                yield number, stripped, allowed
                continue
            in_options = False
            for math in _MATH_IN_CODE.findall(line):             # matplotlib's mathematics
                yield number, math, allowed
        elif inside not in _NOT_PROSE or inside == "prose":
            yield number, _ROLE.sub(" ", _INLINE_CODE.sub(" ", line)), allowed


def find_forbidden(text: str, page: str) -> list[Finding]:
    """Every forbidden form on a page whose source is `text`."""
    findings = []
    for number, checked, allowed in _checked_lines(text):
        for what, pattern, instead in FORBIDDEN:
            for match in pattern.finditer(checked):           # the first one a line is enough
                form = match.group(0).strip()
                if not any(form.replace(" ", "") == a.replace(" ", "") for a in allowed):
                    findings.append(Finding(page, number, what, form, instead))
                    break
    return findings


PAGES = sorted(p.relative_to(ROOT).as_posix() for p in BOOK.rglob("*.md")
               if "_build" not in p.parts)


@pytest.mark.parametrize("page", PAGES, ids=[p.removeprefix("book/") for p in PAGES])
def test_the_page_writes_the_one_notation(page):
    findings = find_forbidden((ROOT / page).read_text(encoding="utf-8"), page)
    assert not findings, (
        f"{len(findings)} form(s) the notation convention forbids on {page} "
        "(book/appendix/notation.md says what to write):\n"
        + "\n".join(f"  {finding}" for finding in findings))


# --- the checker itself: it finds what it should and nothing else ------------------------------

_HEADER = "---\nfile_format: mystnb\n---\n\n"


def _found(body: str) -> list[tuple[int, str, str]]:
    return [(f.line - 4, f.what, f.text) for f in find_forbidden(_HEADER + body, "x.md")]


@pytest.mark.parametrize("form, what", [
    (r"$\mathbf{x}^{\mathsf T} H \mathbf{x}$", "sans-serif transpose"),
    (r"$A^\mathsf{T}$", "sans-serif transpose"),
    (r"$A^{\mathsf{T}}$", "sans-serif transpose"),
    (r"$A^\intercal$", "\\intercal transpose"),
    (r"$J^T J$", "^T transpose"),
    (r"$\Phi^{T}\Phi$", "^T transpose"),
    (r"$A^{-T}$", "^T transpose"),
    (r"$A^{\mathrm T}$", "roman transpose"),
    (r"$A^\mathrm{T}$", "roman transpose"),
    (r"$\delta^{(L)} = \nabla_{a^{(L)}} C$", "subscripted nabla"),
    (r"$\nabla_x \mathcal{L} = 0$", "subscripted nabla"),
    (r"$z = W a + b, \qquad a' = \sigma(z)$", "prime for the next layer"),
    (r"$\mathbf{a}' = \sigma(W\mathbf{a} + \mathbf{b})$", "prime for the next layer"),
    (r"$a'_i = \sigma(z_i)$", "prime for the next layer"),
    (r"$\partial \mathbf{a}' / \partial \mathbf{a}$", "prime for the next layer"),
    (r"$\|\nabla f\| < 10^{-4}$", "\\| norm"),
    (r"so x^T A x is positive", "^T transpose"),          # typed into a sentence, no dollars
])
def test_the_checker_finds_a_forbidden_form_in_prose(form, what):
    assert (1, what) in [(line, kind) for line, kind, _ in _found(form + "\n")]


@pytest.mark.parametrize("form", [
    r"$A^\top$", r"$\mathbf{x}^{\top} H \mathbf{x}$", r"$A^{-\top}$", r"$\nabla f(\mathbf{x})$",
    r"$f'(x)$", r"$\sigma'(z)$", r"$(uv)' = u'v + uv'$", r"$f''(x)$", r"$y'$",
    r"$\lVert\mathbf{x}\rVert$", r"$x' = 1$, $z' = -1/t^2$", r"$e^{T_0}$", r"$2^{Tx}$",
    r"$\mathsf{h}$",
    r"$a^{(l)} = \sigma(z^{(l)})$", r"``A^T`` and `J^T J` in code", r"$T^2$",
    r"{math}`A^\top`", r"$\Vert x \Vert$",
])
def test_the_checker_passes_an_allowed_form(form):
    assert _found(form + "\n") == []


def test_the_checker_finds_a_form_in_a_math_block_a_directive_and_a_caption():
    body = "\n".join([
        "$$",                                   # 1
        r"q(\mathbf{x}) = \mathbf{x}^T A",      # 2
        "$$",                                   # 3
        "",                                     # 4
        ":::{prf:theorem} Title",               # 5
        r"Then $H = J^{T} J$.",                 # 6
        ":::",                                  # 7
        "",                                     # 8
        "```{code-cell} ipython3",              # 9
        ":tags: [remove-input]",                # 10
        ":mystnb:",                             # 11
        ":  figure:",                           # 12
        r":    caption: The norm $\|x\|$.",     # 13
        "",                                     # 14
        r"ax.set_ylabel(r'$\|x_k\|$')",         # 15
        "# J^T J in a comment is ASCII",        # 16
        "mml.claim('(J^T W J)^-1 is C', True)",  # 17
        "```",                                  # 18
    ])
    found = [(line, what) for line, what, _ in _found(body + "\n")]
    assert found == [(2, "^T transpose"), (6, "^T transpose"), (13, "\\| norm"),
                     (15, "\\| norm")]


def test_an_allow_comment_allows_the_form_it_names_and_only_on_its_paragraph():
    body = "\n".join([
        r"% notation-ok: ^{\mathrm T} -- what other texts write",
        r"Some texts write $A^{\mathrm T}$.",
        r"And $A^{\mathrm T}$ again on the same paragraph.",
        "",
        r"A new paragraph: $A^{\mathrm T}$.",
        r"% notation-ok: ^{\mathrm T} -- the wrong form is allowed, not this one",
        r"Still $A^T$.",
    ])
    assert [(line, what) for line, what, _ in _found(body + "\n")] == [
        (5, "roman transpose"), (7, "^T transpose")]


def test_a_failure_names_the_page_the_line_and_the_form_to_write():
    text = _HEADER + "Fine.\n\nHere $J^T J$ is wrong.\n"
    (finding,) = find_forbidden(text, "book/99-x/page.md")
    assert str(finding) == ("book/99-x/page.md:7: ^T transpose '^T'; write ^\\top "
                            "(or ^{-\\top})")


def test_the_page_test_fails_on_an_injected_form(tmp_path, monkeypatch):
    page = tmp_path / "book" / "injected.md"
    page.parent.mkdir()
    page.write_text(_HEADER + "A sentence with $\\mathbf{u}^{\\mathsf T} H \\mathbf{u}$.\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    with pytest.raises(AssertionError, match=r"book/injected\.md:5: sans-serif transpose"):
        test_the_page_writes_the_one_notation("book/injected.md")
