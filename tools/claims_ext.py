"""Sphinx extension: the claims each page checked, shown on the page and in a ledger.

A page states a result in words and checks it with ``mmlcalc.claims.claim`` (see that module).
A claim that holds leaves one output in its cell, ``✓ checked: <words>``, whose metadata
carries the claim's words (``{"mmlcalc-claim": {"words": ..., "compared": ...}}``, the second
what a numeric claim compared) and names it like a glue output (``mmlcalc-claim-N``). myst-nb
collects glue outputs from *every* cell, including cells tagged ``remove-cell`` (whose outputs
never reach the doctree), and from notebooks served from the execution cache as well as
freshly executed ones; it writes them to ``<jupyter_execute>/<page>.glue.json`` and lists their
names in the environment. So:

1. **Collect** (``doctree-read``, in the process that read the page): :class:`ClaimsCollector`
   reads the page's claim outputs, in order, into ``env.mmlcalc_claims[docname]`` and merges
   them across parallel readers (``-j auto``).
2. **Show** them on the page: a collapsed box at its end, "N claims checked on this page",
   listing them in words and linking the ledger.
3. **The ledger**: the ``{verification-ledger}`` directive becomes, when the page is written,
   every page with its claims, grouped by chapter, with the package version, its source hash
   and the build date. The ledger is rewritten on every build.
4. **A failing claim names itself**: when a page fails because a claim raised ``ClaimFailed``,
   a warning names the page, the cell and the claim's words.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment.collectors import EnvironmentCollector
from sphinx.util import logging

logger = logging.getLogger(__name__)

KEY_PREFIX = "mmlcalc-claim-"    # as in mmlcalc.claims (not imported here: importing
METADATA_KEY = "mmlcalc-claim"    # mmlcalc loads the whole package)
LEDGER_DOC = "book/appendix/verification-ledger"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_FAILED = re.compile(r"ClaimFailed: claim failed: ([^\n]*)")


# --- reading: the claims of one page -----------------------------------------------------------

def page_claims(glue: dict) -> list[dict]:
    """The claims in a page's glue data (name -> output), in the order they were checked.

    Each is ``{"words": ..., "detail": ...}``, the detail a short account of what was
    compared ("0.6835 against 0.6827, atol 0.031"), or empty.
    """
    found = []
    for key, output in glue.items():
        if not key.startswith(KEY_PREFIX):
            continue
        data = (output.get("metadata") or {}).get(METADATA_KEY)
        if isinstance(data, dict) and data.get("words"):
            detail = describe(data.get("compared")) if data.get("compared") else \
                str(data.get("detail") or "")
            found.append({"words": str(data["words"]), "detail": detail})
    return found


def describe(compared: dict) -> str:
    """What a numeric claim compared, in a few words, for a reader who wants the evidence."""
    def number(value) -> str:
        return f"{value:.6g}" if isinstance(value, (int, float)) else str(value)

    rtol, atol = compared.get("rtol") or 0.0, compared.get("atol") or 0.0
    tolerance = ", ".join(f"{name} {value:.2g}" for name, value in (("atol", atol),
                                                                    ("rtol", rtol)) if value)
    if "actual" in compared:
        what = f"{number(compared['actual'])} against {number(compared['expected'])}"
    else:
        what = f"{compared.get('n', '?')} values"
        if rtol and not atol and compared.get("rel") is not None:
            what += f", largest relative difference {compared['rel']:.2g}"
        else:
            what += f", largest difference {compared.get('abs', 0.0):.2g}"
    return f"{what}, {tolerance}" if tolerance else f"{what}, exactly"


def _read_page_claims(env, docname: str) -> list[dict]:
    from myst_nb.sphinx_ import NbMetadataCollector

    keys = NbMetadataCollector.get_doc_data(env).get(docname, {}).get("glue", [])
    if not any(key.startswith(KEY_PREFIX) for key in keys):
        return []   # (a glue file left by an older build is not read: the key list is fresh)
    folder = Path(env.mystnb_config.output_folder)
    path = folder.joinpath(*(docname + ".glue.json").split("/"))
    return page_claims(json.loads(path.read_text(encoding="utf-8")))


class claims_box(nodes.General, nodes.Element):
    """The collapsed box at the end of a page that lists the claims it checked."""


def _visit_box_html(self, node: claims_box) -> None:
    count = node["count"]
    noun = "claim" if count == 1 else "claims"
    self.body.append('<details class="mml-claims" id="checked-claims">'
                     f'<summary><span class="mml-claims-mark" aria-hidden="true">✓</span> '
                     f'{count} {noun} checked on this page</summary>\n')


def _depart_box_html(self, node: claims_box) -> None:
    self.body.append("</details>\n")


def _skip(self, node) -> None:
    raise nodes.SkipNode


def _box(claims: list[dict], ledger: bool) -> claims_box:
    box = claims_box(count=len(claims))
    intro = nodes.paragraph(classes=["mml-claims-intro"])
    intro += nodes.Text("Each statement below was computed and checked when this page was "
                        "built; had one been false, the page would not have been published.")
    box += intro
    box += _claim_list(claims)
    if ledger:
        more = nodes.paragraph(classes=["mml-claims-intro"])
        more += nodes.Text("Every page's claims are listed in the ")
        ref = addnodes.pending_xref("", refdomain="std", reftype="doc",
                                    reftarget="/" + LEDGER_DOC, refexplicit=True,
                                    refwarn=True)
        ref += nodes.inline("", "verification ledger")
        more += ref
        more += nodes.Text(".")
        box += more
    return box


class ClaimsCollector(EnvironmentCollector):
    """Keeps each page's claims in ``env.mmlcalc_claims`` (merged across parallel readers)."""

    def clear_doc(self, app: Sphinx, env, docname: str) -> None:
        _claims(env).pop(docname, None)

    def merge_other(self, app: Sphinx, env, docnames: set[str], other) -> None:
        mine, theirs = _claims(env), _claims(other)
        for docname in docnames:
            if docname in theirs:
                mine[docname] = theirs[docname]

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        env = app.env
        claims = _read_page_claims(env, env.docname)
        if not claims:
            return
        _claims(env)[env.docname] = claims
        sections = [n for n in doctree.children if isinstance(n, nodes.section)]
        target = sections[-1] if sections else doctree
        target += _box(claims, ledger=LEDGER_DOC in env.found_docs)


def _claims(env) -> dict[str, list[dict]]:
    if not hasattr(env, "mmlcalc_claims"):
        env.mmlcalc_claims = {}
    return env.mmlcalc_claims


# --- a failing claim names itself ------------------------------------------------------------

def failed_claim(traceback: str) -> str | None:
    """The words of the claim that failed, from a notebook's execution traceback."""
    match = _FAILED.search(_ANSI.sub("", traceback or ""))
    return match.group(1).strip() if match else None


# --- the ledger ---------------------------------------------------------------------------------

class ledger_placeholder(nodes.General, nodes.Element):
    """Replaced by the ledger when the page is written (all pages have been read by then)."""


class VerificationLedger(Directive):
    """``{verification-ledger}``: every page of the book with the claims it checked."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        return [ledger_placeholder()]


def _toc_groups(srcdir: Path) -> list[tuple[str | None, str, list[str]]]:
    """The ledger's groups, in book order: (chapter docname or None, label, [pages]).

    A numbered part gives one group per chapter (the chapter's own page first); any other
    part (the reference) is one group, labelled with its caption.
    """
    import yaml

    toc = yaml.safe_load((srcdir / "_toc.yml").read_text(encoding="utf-8"))

    def walk(entries) -> list[str]:
        found = []
        for entry in entries or []:
            if "file" in entry:
                found.append(entry["file"])
            found += walk(entry.get("sections"))
        return found

    groups = []
    for part in toc.get("parts", []):
        if part.get("numbered"):
            for chapter in part.get("chapters", []):
                groups.append((chapter["file"], "", walk([chapter])))
        else:
            groups.append((None, part.get("caption", ""), walk(part.get("chapters"))))
    return groups


def _is_notebook(env, docname: str) -> bool:
    from myst_nb.sphinx_ import NbMetadataCollector

    return NbMetadataCollector.get_exec_data(env, docname) is not None


def _package_version() -> str:
    from importlib.metadata import version

    return version("mmlcalc")


def _package_hash() -> str:
    """A hash of what the installed mmlcalc does: its code, not its docstrings or comments
    (the same hash the execution cache keys pages on, over every module)."""
    import pagedeps

    root = pagedeps.package_root()
    return pagedeps.state_of(pagedeps.module_files(root), root)[:16]


def _title(env, docname: str) -> str:
    title = env.titles.get(docname)
    text = title.astext() if title is not None else docname
    number = env.toc_secnumbers.get(docname, {}).get("")
    return (".".join(map(str, number)) + " " + text) if number else text


def _link(app: Sphinx, fromdoc: str, docname: str, text: str) -> nodes.reference:
    uri = app.builder.get_relative_uri(fromdoc, docname)
    return nodes.reference("", text, internal=True, refuri=uri)


def _ledger(app: Sphinx, fromdoc: str) -> list[nodes.Node]:
    env = app.env
    claims = _claims(env)
    groups = []
    for chapter, label, pages in _toc_groups(Path(app.srcdir)):
        pages = [p for p in pages if p in env.found_docs and p != fromdoc
                 and (p in claims or _is_notebook(env, p))]
        if pages:
            groups.append((chapter, label or _title(env, chapter), pages))
    total = sum(len(claims.get(p, [])) for _, _, pages in groups for p in pages)
    checked_pages = sum(1 for _, _, pages in groups for p in pages if claims.get(p))
    all_pages = sum(len(pages) for _, _, pages in groups)

    out: list[nodes.Node] = []
    facts = nodes.field_list(classes=["mml-ledger-facts"])
    for name, value in [
        ("Claims checked", f"{total}, on {checked_pages} of the {all_pages} pages that run code"),
        ("Package", f"mmlcalc {_package_version()}, code hash {_package_hash()}"),
        ("Built", date.today().isoformat()),
    ]:
        field = nodes.field()
        field += nodes.field_name("", name)
        body = nodes.field_body()
        body += nodes.paragraph("", value)
        field += body
        facts += field
    out.append(facts)

    summary = nodes.table(classes=["mml-ledger-summary"])
    group = nodes.tgroup(cols=4)
    summary += group
    for width in (52, 16, 16, 16):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    head += _row(["Chapter", "Pages", "Pages with claims", "Claims"])
    body = nodes.tbody()
    group += body
    for chapter, label, pages in groups:
        count = sum(len(claims.get(p, [])) for p in pages)
        anchor = nodes.paragraph()
        anchor += nodes.reference("", label, internal=True, refid=_anchor(chapter or label))
        body += _row([anchor, str(len(pages)), str(sum(1 for p in pages if claims.get(p))),
                      str(count)])
    out.append(summary)

    for chapter, label, pages in groups:
        section = nodes.container(classes=["mml-ledger-chapter"],
                                  ids=[_anchor(chapter or label)])
        rubric = nodes.rubric("", "", classes=["mml-ledger-heading"])
        rubric += _link(app, fromdoc, chapter, label) if chapter else nodes.Text(label)
        section += rubric
        for page in pages:
            found = claims.get(page, [])
            entry = nodes.container(classes=["mml-ledger-page"])
            line = nodes.paragraph(classes=["mml-ledger-title"])
            line += _link(app, fromdoc, page, _title(env, page))
            noun = "claim" if len(found) == 1 else "claims"
            line += nodes.Text(" ")
            line += nodes.inline("", f"{len(found)} {noun}" if found else
                                 "no checked claims yet",
                                 classes=["mml-ledger-count"] + ([] if found else
                                                                 ["mml-ledger-none"]))
            entry += line
            if found:
                entry += _claim_list(found)
            section += entry
        out.append(section)
    return out


def _claim_list(found: list[dict]) -> nodes.enumerated_list:
    items = nodes.enumerated_list(classes=["mml-claims-list"])
    for item in found:
        entry = nodes.list_item()
        para = nodes.paragraph()
        para += nodes.Text(item["words"])
        if item["detail"]:
            para += nodes.inline("", f" ({item['detail']})", classes=["mml-claims-detail"])
        entry += para
        items += entry
    return items


def _anchor(docname: str) -> str:
    return "ledger-" + re.sub(r"[^a-z0-9]+", "-", docname.lower()).strip("-")


def _row(cells) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        entry += cell if isinstance(cell, nodes.Node) else nodes.paragraph("", cell)
        row += entry
    return row


def _fill_ledger(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(ledger_placeholder)):
        node.replace_self(_ledger(app, docname))


def _rewrite_ledger(app: Sphinx, env) -> list[str]:
    """The ledger depends on every page: write it again on every build."""
    return [LEDGER_DOC] if LEDGER_DOC in env.found_docs else []


def setup(app: Sphinx) -> dict:
    app.add_env_collector(ClaimsCollector)
    app.add_node(claims_box, html=(_visit_box_html, _depart_box_html),
                 latex=(_skip, None), text=(_skip, None), man=(_skip, None),
                 texinfo=(_skip, None))
    app.add_node(ledger_placeholder)
    app.add_directive("verification-ledger", VerificationLedger)
    app.connect("doctree-resolved", _fill_ledger)
    app.connect("env-updated", _rewrite_ledger)
    app.add_css_file("claims.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
