"""``make serve`` runs sphinx-autobuild in the environment ``make html`` builds in."""

from __future__ import annotations

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import build  # noqa: E402
import serve  # noqa: E402


def test_serve_runs_autobuild_in_the_build_environment(monkeypatch):
    calls = []
    monkeypatch.setattr(serve.os, "execve", lambda *args: calls.append(args))
    monkeypatch.setattr(serve.os, "chdir", lambda path: None)
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    serve.main(["--port", "8123"])
    (executable, command, env), = calls
    assert command[:3] == [executable, "-m", "sphinx_autobuild"]
    assert command[command.index("--port") + 1] == "8123"
    assert str(ROOT / "code" / "mmlcalc") in command  # a package edit rebuilds too
    assert env == build.build_environment()
    assert env["OPENBLAS_NUM_THREADS"] == "1"
