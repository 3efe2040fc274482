"""No typed numbers: every number a page's prose states comes from its code, through glue.

A number typed by hand into prose drifts from the code that should produce it ("more than twenty
times smaller" when the code says 47). This test reads each page's source, outside code cells,
and reports every number that looks like a result: a decimal, an exponent form, a percentage, a
ratio ("47x", "twenty times smaller"), or a count of things the code produced ("ten terms",
"a few dozen steps", "eight digits"). Glued values (``{glue:text}`name```) are not typed.

A number that really is a definition or a constant (the example's chosen truth, "degree 2",
the 1701 in a formula) is allowed by a MyST comment on the line just above its paragraph, with
a reason after ``--``::

    % typed: 0.8, 12 -- the example's chosen truth, set in the code below
    We pick the truth, $c = 12$ cm and $m = 0.8$ cm/N, ...

A constant used all over one page (the 95% of a confidence level) is allowed on the whole page
by ``% typed-page: 95% -- the confidence level the page tests``. ``ALLOWED`` below holds the
few constants allowed on every page. The test runs once per page
(``pytest tests/test_typed_numbers.py -k fit-uncertainty``), so each page that still has typed
numbers fails on its own, naming the page, line and number.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Numbers any page may type, with the reason. Keep this short: a page's own constants belong
# in a "% typed:" comment on that page, next to the number.
ALLOWED: dict[str, str] = {
}

_WORD = (r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
         r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
         r"seventy|eighty|ninety|hundred|thousand|million|dozen")
_COUNT = (rf"(?:\d+|(?:a\s+few\s+|a\s+|several\s+)?(?:{_WORD})(?:[\s-]+(?:{_WORD}))*)")
# what code produces and prose is tempted to count by hand
_COUNTED = (r"terms|steps|iterations|evaluations|ways|digits|decimals|decimal\s+places|"
            r"significant\s+figures|epochs|repeats|repetitions|experiments|calls|restarts|"
            r"orders\s+of\s+magnitude|correct\s+digits|passes|updates|bisections|halvings")

# (kind, pattern) over prose; the same with "math" over inline math.
PROSE_PATTERNS = [
    ("decimal", re.compile(r"(?<![\w.\\])\d+\.\d+(?![\w.])")),
    ("exponent form", re.compile(r"(?<![\w.])\d+(?:\.\d+)?[eE][-+]?\d+\b")),
    ("percentage", re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s*%")),
    ("ratio", re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s*(?:x|×)(?![\w^]|\s*\d)")),  # not 4 x 4
    ("ratio", re.compile(rf"\b{_COUNT}\s+times\b(?!\s+(?:a|the|an|its|this)\b)", re.I)),
    ("ratio", re.compile(r"\b(?:about|roughly|nearly|almost|just)\s+as\s+(?:much|many|fast|"
                         r"slow|long|large|big|small|cheap|expensive|costly|accurate)\s+as\b",
                         re.I)),
    ("ratio", re.compile(r"\b(?:twice|thrice|half)\s+as\s+\w+\s+as\b", re.I)),
    ("count", re.compile(rf"\b{_COUNT}(?:\s+[A-Za-z]+)?\s+(?:{_COUNTED})\b", re.I)),
]
MATH_PATTERNS = [
    ("decimal", re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")),
    ("exponent form", re.compile(r"10\s*\^\s*\{?\s*[-+−]?\s*\d+\s*\}?"
                                 r"|(?<![\w.])\d+(?:\.\d+)?[eE][-+]?\d+\b")),
    ("percentage", re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s*\\%")),
    ("large integer", re.compile(r"(?<![\w.{^_])\d{3,}(?![\w.])")),
]


@dataclass(frozen=True)
class Finding:
    page: str
    line: int
    kind: str
    number: str
    context: str

    def __str__(self) -> str:
        return (f"{self.page}:{self.line}: typed {self.kind} {self.number!r} in "
                f"\u201c{self.context}\u201d")


_ROLE_SKIP = re.compile(r"\{(?:glue(?::\w+)?|numref|ref|doc|eq|cite(?::\w+)?|download|"
                        r"term|index|prf:ref|external|abbr)\}`[^`]*`")
_MATH_ROLE = re.compile(r"\{math\}`([^`]*)`")
_CODE = re.compile(r"``[^`]+``|`[^`]*`")
_LINK_TARGET = re.compile(r"\]\([^)]*\)|<https?://[^>]*>|https?://\S+")
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)([^$\n]+?)(?<!\\)\$(?!\$)")
_ALLOW = re.compile(r"^%\s*typed(-page)?:\s*(.*?)\s*--\s*\S")
_FENCE = re.compile(r"^(`{3,}|:{3,})\s*(\{[^}]*\})?")
# fenced blocks whose body is not prose (code, math, raw reST, index entries)
_NOT_PROSE = ("{code-cell}", "{eval-rst}", "{index}", "{math}", "{raw}", "{code-block}",
              "{code}", "{literalinclude}", "{nb-exec-table}", "{glossary}", "{mermaid}",
              "{verification-ledger}", "{bibliography}", "{toctree}", None)
_CAPTION_KEYS = re.compile(r"^:\s*(?:caption|alt)\s*:\s*(.*)$")


def _prose_lines(text: str):
    """(line number, text, in code-cell options) for every line a reader reads as prose."""
    lines = text.split("\n")
    i = 0
    if lines and lines[0].strip() == "---":   # front matter
        i = lines.index("---", 1) + 1 if "---" in lines[1:] else len(lines)
    stack: list[tuple[str, bool]] = []   # open fences: (marker, prose inside?)
    in_display_math = False
    caption = False
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        number = i + 1
        i += 1
        fence = _FENCE.match(stripped)
        if fence and stack and stripped == stack[-1][0] and fence.group(2) is None:
            stack.pop()                 # closing fence
            caption = False
            continue
        if fence and (not stack or stack[-1][1]):
            marker, name = fence.group(1), fence.group(2)
            prose = name not in _NOT_PROSE
            stack.append((marker, prose))
            if name == "{code-cell}":
                caption = True          # its option lines may hold a caption or alt text
            continue
        if stack and not stack[-1][1]:
            if caption and stripped.startswith(":"):
                key = _CAPTION_KEYS.match(re.sub(r"^:\s+", ": ", stripped))
                if key:
                    yield number, key.group(1), True
                    continue
                if re.match(r"^:\s{3,}\S", stripped) and not re.match(r"^:\s+\w+:", stripped):
                    yield number, stripped.lstrip(": "), True   # continued caption line
                continue
            caption = False
            continue
        if stripped.startswith("$$"):
            count = stripped.count("$$")
            if count == 1:
                in_display_math = not in_display_math
            continue
        if in_display_math or stripped.startswith(("\\begin{", "\\end{")):
            continue
        if stripped.startswith(":") and re.match(r"^:[\w-]+:", stripped):
            continue                    # a directive's option (:label:, :class:, ...)
        if re.match(r"^\([^)\s]+\)=$", stripped) or stripped.startswith("%"):
            continue                    # a label, or a comment
        yield number, line, False


def find_typed_numbers(text: str, page: str) -> list[Finding]:
    """Every typed number of a page's source `text` (named `page` in the findings)."""
    lines = text.split("\n")
    allowed_here: dict[int, set[str]] = {}
    page_wide: set[str] = set()
    for index, line in enumerate(lines):
        match = _ALLOW.match(line.strip())
        if match:
            values = {v.strip() for v in match.group(2).split(",") if v.strip()}
            if match.group(1):
                page_wide |= values
                continue
            j = index + 1
            while j < len(lines) and lines[j].strip():   # the paragraph below the comment
                allowed_here.setdefault(j + 1, set()).update(values)
                j += 1

    findings = []
    for block in _blocks(list(_prose_lines(text))):
        numbers = [number for number, _ in block]
        starts, joined = [], ""
        for _, line in block:                 # one paragraph, its lines joined by spaces
            starts.append(len(joined))
            joined += line + " "
        # Blank out what is not prose, keeping every offset: roles, code, link targets.
        clean = _blank(_ROLE_SKIP, joined)
        maths = [(m.start(1), m.group(1)) for m in _MATH_ROLE.finditer(clean)]
        clean = _blank(_MATH_ROLE, clean)
        clean = _blank(_CODE, clean)
        clean = _blank(_LINK_TARGET, clean)
        maths += [(m.start(1), m.group(1)) for m in _INLINE_MATH.finditer(clean)]
        prose = _blank(_INLINE_MATH, clean)
        sources = [(0, prose, PROSE_PATTERNS)] + [(at, m, MATH_PATTERNS) for at, m in maths]
        for offset, source, patterns in sources:
            spans = sorted(((match.start(), -match.end(), kind, match.group(0))
                            for kind, pattern in patterns for match in pattern.finditer(source)))
            end = -1
            for start, stop, kind, found in spans:
                if start < end:
                    continue            # inside a longer match ("68.3" of "68.3%")
                end = -stop
                index = bisect.bisect_right(starts, offset + start) - 1
                line = numbers[index]
                value = " ".join(found.split())
                allowed = allowed_here.get(line, set()) | page_wide | set(ALLOWED)
                if _is_allowed(value, allowed):
                    continue
                context = " ".join(block[index][1].split())[:120]
                findings.append(Finding(page, line, kind, value, context))
    return findings


def _blocks(lines):
    """Group (line number, text, in options) into paragraphs: runs of consecutive lines."""
    blocks, current, previous = [], [], None
    for number, line, _ in lines:
        if not line.strip() or (previous is not None and number != previous + 1):
            if current:
                blocks.append(current)
            current = []
        if line.strip():
            current.append((number, line))
        previous = number
    if current:
        blocks.append(current)
    return blocks


def _blank(pattern: re.Pattern, text: str) -> str:
    """`text` with each match of `pattern` replaced by as many spaces (offsets are kept)."""
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def _is_allowed(value: str, allowed: set[str]) -> bool:
    """Is `value` (or a whole word or number of it: "0.8" of "0.8%") allowed?"""
    return any(re.search(rf"(?<![\w.]){re.escape(a)}(?![\w.])", value, re.I) for a in allowed)


def book_pages() -> list[str]:
    """The Markdown source of every page in ``_toc.yml``, in book order."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc["parts"]:
        walk(part["chapters"])
    return [f + ".md" for f in files if (ROOT / (f + ".md")).exists()]


# --- the detector can fail ------------------------------------------------------------------

CANARY_PAGE = "book/01-calculus/derivative-limit.md"


def test_the_detector_finds_each_kind_of_typed_number():
    text = "\n".join([
        "---", "kernelspec: {}", "---", "",
        "The error is 0.0031 here.",                                  # 5
        "It settles within about $10^{-5}$ of the truth.",            # 6
        "A step more than twenty times smaller.",                     # 7
        "The new step is 47x smaller, and 1e-8 is tiny.",             # 8
        "So ten terms give e to eight digits, after a few dozen steps.",  # 9
        "It holds 68.3% of the repeats.",                             # 10
        "The backward pass costs about as much as the forward one.",  # 11
        "There are three ways the method fails.",                     # 12
        "",
        "```{code-cell} ipython3",
        ":mystnb:",
        ":  figure:",
        ":    caption: The fits of 2000 repeated experiments.",      # 17
        ":    name: fig-x",
        "x = 0.5  # code is not prose",
        "```",
    ])
    found = {(f.line, f.number) for f in find_typed_numbers(text, "p.md")}
    expected = {(5, "0.0031"), (6, "10^{-5}"), (7, "twenty times"), (8, "47x"), (8, "1e-8"),
                (9, "ten terms"), (9, "eight digits"), (9, "a few dozen steps"),
                (10, "68.3%"), (11, "about as much as"), (12, "three ways"),
                (17, "2000 repeated experiments")}
    assert expected <= found, sorted(expected - found)
    assert not any(f.line == 19 for f in find_typed_numbers(text, "p.md"))
    assert [f.number for f in find_typed_numbers(text, "p.md") if f.line == 10] == ["68.3%"]


def test_glue_code_labels_references_and_allowed_numbers_are_not_typed_numbers():
    text = "\n".join([
        "(sec-x-1.5)=",
        "# Title",
        "The slope is {glue:text}`slope:.4f` and `tol=1e-8` is code; see {numref}`fig-1.2`.",
        ":label: ex-1.5",
        "% typed: 0.8, 12 -- the example's chosen truth",
        "We pick $c = 12$ and $m = 0.8$,",
        "which the code then uses.",
        "",
        "Chapter 2 has 3 sections and the year 1973 is history.",
        "$$",
        "x = 0.25",
        "$$",
    ])
    assert find_typed_numbers(text, "p.md") == []
    # the allowance covers its paragraph only; a page-wide one covers the page
    assert [f.number for f in find_typed_numbers(text + "\nNow $m = 0.8$ again.", "p.md")] \
        == ["0.8"]
    assert find_typed_numbers("% typed-page: 0.8 -- the truth\n\nA\n\n$m = 0.8$", "p.md") == []


def test_an_injected_typed_number_on_a_real_page_is_caught_with_page_line_and_number():
    source = (ROOT / CANARY_PAGE).read_text(encoding="utf-8")
    before = find_typed_numbers(source, CANARY_PAGE)
    lines = source.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("(sec-"))  # after the label
    lines.insert(at + 3, "The canary's error is 0.000123 exactly.")
    after = find_typed_numbers("\n".join(lines), CANARY_PAGE)
    new = [f for f in after if f.number == "0.000123"]
    assert len(new) == 1 and len(after) == len(before) + 1
    assert str(new[0]).startswith(f"{CANARY_PAGE}:{at + 4}: typed decimal '0.000123' in")


# --- every page -------------------------------------------------------------------------------

@pytest.mark.parametrize("page", book_pages(), ids=lambda p: p.removeprefix("book/"))
def test_the_page_types_no_number(page):
    findings = find_typed_numbers((ROOT / page).read_text(encoding="utf-8"), page)
    assert not findings, (
        f"{len(findings)} typed number(s) on {page}. Glue each one from the code "
        "({glue:text}`name`), or, if it is a definition or a constant, allow it with a comment "
        "line `% typed: <number> -- <why>` just above its paragraph:\n"
        + "\n".join(f"  {finding}" for finding in findings))
