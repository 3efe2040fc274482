"""Claims: the API pages use (mmlcalc.claims), and what the build does with them.

The build tests use a tiny book of their own (the real conf.py and tools/, a handful of pages)
in a temporary folder, so they take a minute, not the length of a full build.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, run_build
from mmlcalc.claims import ClaimFailed, claim

sys.path.insert(0, str(ROOT / "tools"))
from claims_ext import describe, failed_claim, page_claims  # noqa: E402

# --- the API ------------------------------------------------------------------------------------


def test_a_true_claim_returns_nothing_in_each_form():
    assert claim("one is positive", 1 > 0) is None
    assert claim("the sum is close", 0.1 + 0.2, 0.3, rtol=1e-12) is None
    assert claim("all are small", np.arange(3) < 5) is None
    assert claim("an exact count", 11, 11) is None
    with claim("a block of assertions"):
        np.testing.assert_allclose(np.pi, 3.14159, rtol=1e-5)


@pytest.mark.parametrize("check", [
    lambda: claim("one is negative", 1 < 0),
    lambda: claim("one is negative", np.float64(1.0) < 0),
    lambda: claim("one is negative", np.array([True, False])),
    lambda: claim("one is negative", 2.0, 2.1, atol=0.05),
    lambda: claim("one is negative", 10, 11),
    lambda: claim("one is negative", "ten", "eleven"),
])
def test_a_false_claim_raises_with_its_words(check):
    with pytest.raises(ClaimFailed, match=r"^claim failed: one is negative") as error:
        check()
    assert error.value.words == "one is negative"
    assert isinstance(error.value, AssertionError)


def test_a_failed_assertion_inside_a_block_fails_the_claim_with_its_words():
    with pytest.raises(ClaimFailed, match="claim failed: the two agree\nNot equal"):
        with claim("the two agree"):
            np.testing.assert_allclose(1.0, 1.1, rtol=1e-3)
    with pytest.raises(ZeroDivisionError):   # other errors are not turned into claims
        with claim("a division"):
            _ = 1 / 0


def test_a_claim_without_tolerance_is_exact_and_the_words_are_required():
    with pytest.raises(ClaimFailed):
        claim("exact", 0.1 + 0.2, 0.3)
    for bad in ("", "   ", None):
        with pytest.raises(TypeError, match="`words` must be a non-empty string"):
            claim(bad, True)
    with pytest.raises(TypeError, match="true or false"):
        claim("a number is not a condition", 3.0)
    with pytest.raises(TypeError, match="None"):
        claim("a forgotten return", None)
    with pytest.raises(TypeError, match="rtol"):
        claim("a tolerance needs two values", True, rtol=0.1)


def test_the_words_are_collected_from_glue_data_in_order():
    glue = {
        "other": {"data": {"text/plain": "1"}},
        "mmlcalc-claim-2": {"metadata": {"mmlcalc-claim": {"words": "first", "compared": {
            "n": 1, "abs": 0.0, "rel": 0.0, "rtol": 0.0, "atol": 0.0, "actual": 11,
            "expected": 11}}}},
        "mmlcalc-claim-3": {"metadata": {"mmlcalc-claim": {"words": "second"}}},
        "mmlcalc-claim-4": {"metadata": {"mmlcalc-claim": {"words": "third", "compared": {
            "n": 9, "abs": 4.7e-4, "rel": 2.1e-5, "rtol": 1e-4, "atol": 0.0}}}},
    }
    assert page_claims(glue) == [
        {"words": "first", "detail": "11 against 11, exactly"},
        {"words": "second", "detail": ""},
        {"words": "third", "detail": "9 values, largest relative difference 2.1e-05, rtol 0.0001"},
    ]


def test_a_numeric_claim_records_what_it_compared():
    from mmlcalc.claims import _compared

    assert describe(_compared(0.6835, 0.682689, rtol=0.0, atol=0.0312)) == \
        "0.6835 against 0.682689, atol 0.031"
    assert describe(_compared(np.ones(4), np.ones(4) + 1e-9, rtol=1e-8, atol=0.0)) == \
        "4 values, largest relative difference 1e-09, rtol 1e-08"
    # against an expected 0 there is no relative difference
    assert _compared(np.array([0.0, 1e-3]), np.zeros(2), rtol=0.0, atol=1e-2)["rel"] is None


def test_the_failed_claim_is_found_in_a_coloured_traceback():
    traceback = ("------------------\nclaim('x', False)\n------------------\n"
                 "\x1b[0;31mClaimFailed\x1b[0m: claim failed: the ellipse holds 68%\nmore")
    assert failed_claim(traceback) == "the ellipse holds 68%"
    assert failed_claim("ValueError: nothing claimed") is None


# --- the build ----------------------------------------------------------------------------------

PAGE = """---
kernelspec:
  display_name: Python 3
  language: python
  name: python3
file_format: mystnb
---

(sec-{name})=
# Page {name}

Two plus two is four.

```{{code-cell}} ipython3
:tags: [remove-cell]

import mmlcalc as mml

mml.claim("two plus two is four on page {name}", 2 + 2, 4)
```

The square root of two squared is two.

```{{code-cell}} ipython3
from mmlcalc.claims import claim

claim("the square root of two, squared, is two on page {name}", 2 ** 0.5 * 2 ** 0.5, 2.0,
      rtol=1e-12)
```
"""

TOC = """format: jb-book
root: book/index
parts:
  - caption: Chapters
    numbered: true
    chapters:
      - file: book/01-one/index
        sections:
{sections}
  - caption: Reference
    chapters:
      - file: book/appendix/verification-ledger
"""

N_PAGES = 3   # notebook pages; with the plain ones the build has more than 5 documents, so
N_PLAIN = 3   # Sphinx reads them in parallel (-j auto) and must merge what each reader found


@pytest.fixture(scope="module")
def tiny_book(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("claims-book")
    shutil.copy2(ROOT / "conf.py", root / "conf.py")
    shutil.copytree(ROOT / "tools", root / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    book = root / "book"
    shutil.copytree(ROOT / "book" / "_static", book / "_static")
    shutil.copy2(ROOT / "book" / "references.bib", book / "references.bib")
    (book / "appendix").mkdir()
    shutil.copy2(ROOT / "book" / "appendix" / "verification-ledger.md", book / "appendix")
    chapter = book / "01-one"
    chapter.mkdir()
    (book / "index.md").write_text("# A tiny book\n\nIt has claims.\n", encoding="utf-8")
    (chapter / "index.md").write_text("# Chapter one\n\nPages follow.\n", encoding="utf-8")
    names = [f"p{i}" for i in range(N_PAGES)] + [f"plain{i}" for i in range(N_PLAIN)]
    for name in names:
        text = PAGE.format(name=name) if name.startswith("p") and "plain" not in name else \
            f"# Plain {name}\n\nNo code here.\n"
        (chapter / f"{name}.md").write_text(text, encoding="utf-8")
    sections = "\n".join(f"          - file: book/01-one/{name}" for name in names)
    (root / "_toc.yml").write_text(TOC.format(sections=sections), encoding="utf-8")
    return root


def _built(root: Path) -> None:
    result = run_build(root)
    assert result.returncode == 0, result.stdout + result.stderr


def _assert_claims_shown(root: Path) -> None:
    site = root / "_build" / "html" / "book"
    for i in range(N_PAGES):
        page = (site / "01-one" / f"p{i}.html").read_text(encoding="utf-8")
        box = re.search(r'<details class="mml-claims".*?</details>', page, re.S)
        assert box, f"page p{i} shows no box of checked claims"
        assert "2 claims checked on this page" in box.group(0)
        assert "4 against 4, exactly" in box.group(0)          # what the claim compared
        assert box.group(0).index(f"two plus two is four on page p{i}") < \
            box.group(0).index(f"squared, is two on page p{i}")      # in the page's order
        assert "verification-ledger.html" in box.group(0)
        # the visible cell shows its claim as one line of output
        assert f"✓ checked: the square root of two, squared, is two on page p{i}" in page
    plain = (site / "01-one" / "plain0.html").read_text(encoding="utf-8")
    assert "mml-claims" not in plain
    ledger = (site / "appendix" / "verification-ledger.html").read_text(encoding="utf-8")
    for i in range(N_PAGES):
        assert f"two plus two is four on page p{i}" in ledger
        assert f'href="../01-one/p{i}.html"' in ledger
    assert f"{2 * N_PAGES}, on {N_PAGES} of the {N_PAGES} pages that run code" in ledger


@pytest.mark.build
def test_claims_are_shown_on_each_page_and_in_the_ledger(tiny_book):
    _built(tiny_book)   # executes every page, reading them in parallel
    _assert_claims_shown(tiny_book)
    # Read every page again, now served from the execution cache: the claims are still found.
    shutil.rmtree(tiny_book / "_build" / "doctrees")
    result = run_build(tiny_book)
    assert result.returncode == 0, result.stdout + result.stderr
    _assert_claims_shown(tiny_book)


@pytest.mark.build
def test_a_false_claim_fails_the_build_naming_the_page_and_the_claim(tiny_book):
    page = tiny_book / "book" / "01-one" / "p1.md"
    good = page.read_text(encoding="utf-8")
    false = ('```{code-cell} ipython3\n:tags: [remove-cell]\n\nimport mmlcalc as mml\n\n'
             'mml.claim("canary: three is less than two", 3 < 2)\n```\n')
    page.write_text(good + "\n" + false, encoding="utf-8")
    line = good.count("\n") + 2
    try:
        result = run_build(tiny_book)
    finally:
        page.write_text(good, encoding="utf-8")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert (f"claim failed in book/01-one/p1.md, code cell 3, line {line}: "
            "canary: three is less than two") in output, output
    assert "BUILD FAILED" in output
