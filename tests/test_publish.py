"""Publishing: the CI workflow, the site's address and repository settings, the 404 page."""

from __future__ import annotations

import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import run_build, serve_folder, stub_env

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
ACTIONLINT = Path(sys.executable).with_name("actionlint")


def _actionlint(*files: Path) -> subprocess.CompletedProcess:
    assert ACTIONLINT.exists(), "actionlint is missing: it comes with requirements.lock"
    return subprocess.run([str(ACTIONLINT), "-no-color", *map(str, files)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def _workflows() -> list[Path]:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert files, "no workflow in .github/workflows"
    return files


def test_the_workflows_pass_actionlint():
    result = _actionlint(*_workflows())
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    text = _workflows()[0].read_text(encoding="utf-8")
    broken.write_text(text.replace("runs-on: ubuntu-latest", "runs-on: [ubuntu-latest, 3]\n"
                                   "    if: ${{ github.no_such_thing }}", 1), encoding="utf-8")
    result = _actionlint(broken)
    assert result.returncode != 0 and "no_such_thing" in result.stdout, result.stdout


def _steps() -> list[dict]:
    steps = []
    for path in _workflows():
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        for job in workflow["jobs"].values():
            steps += job.get("steps", [])
    return steps


def test_the_workflow_runs_the_readmes_commands():
    """Every command the workflow runs is one the README tells a person to type or run."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [step["run"].strip() for step in _steps() if "run" in step]
    assert "make html" in commands and "bash .ci/run" in commands, commands
    for command in commands:
        assert command.removeprefix("bash ") in readme, f"not in the README: {command}"


def test_the_workflow_tests_pull_requests_deploys_main_and_keeps_the_cache():
    text = "\n".join(path.read_text(encoding="utf-8") for path in _workflows())
    steps = _steps()
    uses = {step["uses"].split("@")[0] for step in steps if "uses" in step}
    assert {"actions/upload-pages-artifact", "actions/deploy-pages", "actions/cache"} <= uses
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache"))
    assert cache["with"]["path"] == "_build/.jupyter_cache"
    assert "hashFiles('requirements.lock')" in cache["with"]["key"]
    assert "hashFiles('code/mmlcalc/**')" in cache["with"]["key"]
    tests = next(s for s in steps if s.get("run") == "bash .ci/run")
    assert tests["if"] == "github.event_name == 'pull_request'"
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages"))
    assert upload["if"] == "github.event_name != 'pull_request'"
    assert "MMLBOOK_BASE_URL" in text and "MMLBOOK_REPOSITORY_URL" in text


# --- the settings conf.py takes from the environment ---------------------------------------------

def _conf(**environment: str) -> dict:
    """The configuration values conf.py sets, read in a fresh interpreter with `environment`."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MMLBOOK_BASE_URL", "MMLBOOK_REPOSITORY_URL")}
    env.update(environment)
    code = ("import json, runpy; c = runpy.run_path('conf.py'); print(json.dumps({k: c.get(k) "
            "for k in ('html_baseurl', 'extensions', 'html_theme_options', "
            "'notfound_urls_prefix', 'sitemap_url_scheme')}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True, timeout=120)
    import json

    return json.loads(result.stdout.splitlines()[-1])


def test_by_default_the_site_names_no_address():
    conf = _conf()
    assert conf["html_baseurl"] == ""
    assert "sphinx_sitemap" not in conf["extensions"]
    assert "notfound.extension" in conf["extensions"]
    assert conf["notfound_urls_prefix"] == "/"
    options = conf["html_theme_options"]
    assert not any(key.startswith(("use_repository", "use_issues", "use_edit", "repository"))
                   for key in options), options


def test_the_addresses_come_from_the_environment():
    conf = _conf(MMLBOOK_BASE_URL="https://books.example.org/mmlcalc",
                 MMLBOOK_REPOSITORY_URL="https://forge.example.org/team/mmlcalc-book/")
    assert conf["html_baseurl"] == "https://books.example.org/mmlcalc/"
    assert "sphinx_sitemap" in conf["extensions"] and conf["sitemap_url_scheme"] == "{link}"
    assert conf["notfound_urls_prefix"] == "/mmlcalc/"
    options = conf["html_theme_options"]
    assert options["repository_url"] == "https://forge.example.org/team/mmlcalc-book"
    assert options["use_repository_button"] and options["use_issues_button"]
    assert options["use_edit_page_button"] and options["repository_provider"] == "github"
    gitlab = _conf(MMLBOOK_REPOSITORY_URL="https://gitlab.example.org/team/book")
    assert gitlab["html_theme_options"]["repository_provider"] == "gitlab"


PLACEHOLDER = re.compile(r"<(repository|clone|your)[-_ ][a-z-]*>|example\.(org|com)", re.I)


def test_no_placeholder_addresses_in_the_pages():
    offenders = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "book").rglob("*.md"))
                 if PLACEHOLDER.search(p.read_text(encoding="utf-8"))]
    assert not offenders, offenders


# --- the built site (default settings) ------------------------------------------------------------

@pytest.mark.build
def test_the_default_site_has_no_buttons_canonical_links_or_sitemap(built_site):
    assert not (built_site / "sitemap.xml").exists()
    page = (built_site / "book" / "01-calculus" / "rise-over-run.html").read_text("utf-8")
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("link", rel="canonical") is None
    assert soup.select_one(".btn-source-repository-button, .btn-source-edit-button") is None
    assert "repository-address" not in page


class _Site(http.server.SimpleHTTPRequestHandler):
    """Serves a folder as a web root and answers a missing path with its 404.html, as Pages do."""

    def log_message(self, *args) -> None:
        pass

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def served_site(built_site):
    with serve_folder(built_site, _Site) as url:
        yield url


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.build
@pytest.mark.parametrize("missing", ["/no-such-page.html", "/book/01-calculus/gone/deeper.html"])
def test_the_404_page_finds_its_styles_and_scripts_at_any_depth(served_site, missing):
    status, body = _get(served_site + missing)
    assert status == 404
    soup = BeautifulSoup(body, "html.parser")
    assert "Page not found" in soup.get_text()
    assets = [tag["href"] for tag in soup.find_all("link", rel="stylesheet")]
    assets += [tag["src"] for tag in soup.find_all("script", src=True)]
    assert len(assets) >= 5
    for asset in assets:
        assert asset.startswith("/"), f"{asset} would be looked up below {missing}"
        url = urllib.request.urljoin(served_site + missing, asset)
        assert _get(url)[0] == 200, url
    links = [a["href"] for a in soup.select(".bd-sidebar-primary a[href]")]
    assert links and all(link.startswith("/") or link.startswith("#") for link in links)


def test_the_404_test_server_really_serves_the_404_page(tmp_path):
    """The server above answers a missing path with 404.html and the status 404."""
    (tmp_path / "404.html").write_text("<p>not here</p>", encoding="utf-8")
    shutil.copy(tmp_path / "404.html", tmp_path / "index.html")
    handler = lambda *a, **k: _Site(*a, directory=str(tmp_path), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        status, body = _get(f"http://127.0.0.1:{server.server_address[1]}/a/b/c.html")
    finally:
        server.shutdown()
        server.server_close()
    assert (status, body) == (404, b"<p>not here</p>")


@pytest.mark.build
def test_with_the_addresses_set_the_site_has_a_sitemap_canonical_links_and_buttons(
        fixture_book):
    """The real conf.py on the small fixture book, with both addresses set."""
    env = dict(stub_env(fixture_book), MMLBOOK_BASE_URL="https://books.example.org/mmlcalc",
               MMLBOOK_REPOSITORY_URL="https://forge.example.org/team/mmlcalc-book")
    result = run_build(fixture_book / "book", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    site = fixture_book / "book" / "_build" / "html"
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://books.example.org/mmlcalc/book/ch/alpha.html</loc>" in sitemap
    soup = BeautifulSoup((site / "book" / "ch" / "alpha.html").read_text(encoding="utf-8"),
                         "html.parser")
    assert soup.find("link", rel="canonical")["href"] == \
        "https://books.example.org/mmlcalc/book/ch/alpha.html"
    hrefs = [a.get("href", "") for a in soup.find_all("a")]
    assert "https://forge.example.org/team/mmlcalc-book" in hrefs
    assert any(h.startswith("https://forge.example.org/team/mmlcalc-book/issues") for h in hrefs)
    assert "https://forge.example.org/team/mmlcalc-book/edit/main/book/ch/alpha.md" in hrefs
    missing = BeautifulSoup((site / "404.html").read_text(encoding="utf-8"), "html.parser")
    assert all(link["href"].startswith("/mmlcalc/_static/")
               for link in missing.find_all("link", rel="stylesheet"))
