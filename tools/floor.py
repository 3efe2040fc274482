"""The compute floor of the book's execution: every page's cells, in one warm process.

Usage: ``python tools/floor.py PAGE.md ...`` (``make bench`` runs it). Each page runs in a child
forked from the warm process, with its own folder as working directory, as in the build; every
figure a cell leaves open is drawn to PNG and closed, as the inline backend does. There is no
kernel, no messaging, no Sphinx: what the build spends beyond this is overhead. Prints a JSON line:
``{"pages": N, "cells": N, "wall_s": ..., "cpu_s": ...}`` (imports excluded: paid before).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
# One BLAS thread, as in the build (build.build_environment): numpy reads it when imported.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import build_environment  # noqa: E402

os.environ.update(build_environment())


def _cells(path: Path) -> list[tuple[str, bool]]:
    """(source, may raise) of each code cell of the MyST notebook at `path`."""
    from myst_nb.core.read import read_myst_markdown_notebook

    notebook = read_myst_markdown_notebook(path.read_text(encoding="utf-8"))
    return [(cell.source, "raises-exception" in cell.metadata.get("tags", []))
            for cell in notebook.cells if cell.cell_type == "code"]


def _draw_open_figures(plt) -> None:
    for number in plt.get_fignums():
        plt.figure(number).savefig(io.BytesIO(), format="png")
    plt.close("all")


def _run_page(page: Path, sources: list[tuple[str, bool]], plt) -> None:
    namespace: dict = {"__name__": "__main__"}
    os.chdir(page.parent)
    for source, may_raise in sources:
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                exec(compile(source, f"{page}:cell", "exec"), namespace)
            except Exception:
                if not may_raise:
                    raise
        _draw_open_figures(plt)


def run(pages: list[Path]) -> dict[str, float]:
    """Run every page in a child forked from this warm process (no kernel, no messages).

    Each page gets a fork, not just a fresh namespace: pages run one after another in one
    interpreter share library state (sympy's caches among it), and then some of their checks
    fail; a fork costs about 20 ms.
    """
    import matplotlib.pyplot as plt

    import forkkernel
    import mmlcalc  # noqa: F401  (paid once, as a warm process would have it)

    # what the build's kernel server imports and caches, and myst_nb, which costs a kernel
    # nothing (its IPython is loaded) but a plain process about a second
    forkkernel.warm([*forkkernel.book_preload(Path(__file__).resolve().parents[1]), "myst_nb"])

    work = [(page, _cells(page)) for page in pages]
    start, cpu = time.perf_counter(), 0.0
    for page, sources in work:
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _run_page(page, sources, plt)
            except BaseException:
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        _, status, usage = os.wait4(pid, 0)
        cpu += usage.ru_utime + usage.ru_stime
        if status != 0:
            raise SystemExit(f"{page}: a cell failed (see above)")
    return {"pages": len(work), "cells": sum(len(s) for _, s in work),
            "wall_s": round(time.perf_counter() - start, 2), "cpu_s": round(cpu, 2)}


if __name__ == "__main__":
    print(json.dumps(run([Path(p).resolve() for p in sys.argv[1:]])))
