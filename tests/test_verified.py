"""The record of slow checks that passed (conftest.Verified), which the download and browser
tests use to skip items whose inputs have not changed since they passed."""

from __future__ import annotations

from conftest import Verified, digest


def test_a_record_is_kept_for_its_key_only_and_stale_ones_are_forgotten(tmp_path):
    verified = Verified("things", base=tmp_path)
    old, new = digest(b"page", b"v1"), digest(b"page", b"v2")
    assert not verified.passed(old)
    verified.record(old, "page.html")
    assert verified.passed(old) and not verified.passed(new)
    # the page changed: its old record goes, and it counts as unchecked
    verified.keep_only([new])
    assert not verified.passed(old) and not verified.passed(new)
    assert list((tmp_path / ".verified-things").iterdir()) == []


def test_the_digest_tells_apart_parts_that_concatenate_alike():
    assert digest(b"ab", b"c") != digest(b"a", b"bc")
    assert digest("ab") == digest(b"ab")
    assert digest(b"x") != digest(b"x", b"")


def test_a_page_is_checked_again_when_a_file_it_may_load_changes_not_a_download(tmp_path):
    from test_browser import _loaded_files_digest

    site = tmp_path / "html"
    for name, text in [("book/page.html", "<p>page</p>"), ("_static/book.css", "p {}"),
                       ("_images/figure.png", "png"), ("_notebooks/book/page.ipynb", "{}"),
                       ("_sources/book/page.md", "# page")]:
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text)
    before = _loaded_files_digest(site)
    (site / "_notebooks/book/page.ipynb").write_text('{"cells": []}')
    (site / "_sources/book/page.md").write_text("# page, edited")
    (site / "book/page.html").write_text("<p>edited: its own key changes</p>")
    assert _loaded_files_digest(site) == before
    for name in ("_static/book.css", "_images/figure.png"):
        (site / name).write_text("changed")
        assert _loaded_files_digest(site) != before
        before = _loaded_files_digest(site)
    (site / "_static/new.js").write_text("")
    assert _loaded_files_digest(site) != before
