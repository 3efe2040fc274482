"""Rebuild the book live while you edit: ``make serve`` (http://127.0.0.1:8000 by default).

sphinx-autobuild watches the pages and the package and rebuilds what changed, in the same
environment as ``make html`` (tools/build.py's, with BLAS held to one thread per kernel) and
with the same Sphinx options, except that warnings are shown rather than fatal, so that a
half-written page does not stop the server. It builds into ``_build/serve``, apart from the
published site.
"""

from __future__ import annotations

import argparse
import os
import sys

from build import ROOT, build_environment

# Everything that is not a page or the package: editing it must not trigger a rebuild.
IGNORE = (r"(^|/)(_build|\.venv|\.git|tests|tools|\.[a-z_]+_cache|\.hypothesis|__pycache__)"
          r"(/|$)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", default="8000", help="port on 127.0.0.1 (default: 8000)")
    args = parser.parse_args(argv)
    serve = ROOT / "_build" / "serve"
    command = [sys.executable, "-m", "sphinx_autobuild", "-n", "--keep-going", "-j", "auto",
               "-d", str(serve / "doctrees"), "--watch", str(ROOT / "code" / "mmlcalc"),
               "--re-ignore", IGNORE, "--port", args.port, str(ROOT), str(serve / "html")]
    os.chdir(ROOT)
    os.execve(sys.executable, command, build_environment())  # the server replaces this process


if __name__ == "__main__":
    sys.exit(main())
