"""The build's kernels (tools/forkkernel.py): forked from a warm server, and drawing each
figure once."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT

pytestmark = pytest.mark.build

# Counts the figure's renderings into pixels (canvas draws that finish: print_figure's
# layout pass and its aborted draw to find a renderer do not count) while a cell makes one
# figure, then reports the count from the next cell; the figure itself must still be shown.
CELLS = [
    "from matplotlib.backends.backend_agg import FigureCanvasAgg\n"
    "draws = []\n"
    "_draw = FigureCanvasAgg.draw\n"
    "def counted(self):\n"
    "    _draw(self)\n"
    "    draws.append(1)\n"
    "FigureCanvasAgg.draw = counted\n",
    "import matplotlib.pyplot as plt\n"
    "fig, ax = plt.subplots(layout='constrained')\n"
    "ax.plot([0, 1], [1, 0])\n"
    "ax.set_title('one figure')",
    "print(len(draws))",
]

RUNNER = """
import json, sys
import nbformat
from nbclient import NotebookClient
tools, forked, cells = sys.argv[1], sys.argv[2] == "forked", json.loads(sys.argv[3])
sys.path.insert(0, tools)
import forkkernel
server = None
if forked:
    forkkernel.register()
    server = forkkernel.KernelServer(["matplotlib.pyplot"], track=[])
    server.start()
try:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
finally:
    if server:
        server.stop()
outputs = [o for cell in notebook.cells for o in cell.outputs]
print(json.dumps({"images": sum("image/png" in o.get("data", {}) for o in outputs),
                  "draws": int(notebook.cells[-1].outputs[0]["text"])}))
"""


def _run(kernel: str) -> dict:
    result = subprocess.run([sys.executable, "-c", RUNNER, str(ROOT / "tools"), kernel,
                             json.dumps(CELLS)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_forked_kernel_draws_each_figure_once_and_still_shows_it():
    assert _run("forked") == {"images": 1, "draws": 1}


def test_a_plain_ipython_kernel_draws_it_twice():
    """The symptom draw_each_figure_once removes: pyplot's post-execute hook draws the figure,
    then the inline backend draws it again to show it. If this starts failing, an upgrade
    fixed it upstream and the workaround can go."""
    assert _run("plain") == {"images": 1, "draws": 2}
