"""Kernels forked from a warm parent, behind jupyter_client's kernel provisioner API.

A fresh IPython kernel spends most of a short page's time starting: the interpreter, IPython,
ipykernel, zmq, then numpy, scipy, sympy and matplotlib. Here a *kernel server* pays that once
per build: it imports the kernel machinery and the heavy third-party libraries, then waits on a
Unix socket. Each kernel the build asks for is ``os.fork()``-ed from it and becomes an ordinary
ipykernel (``IPKernelApp``), started with the connection file, working directory and
environment that jupyter_client chose. So every page still gets

- a fresh interpreter state of its own (a new IPython shell, a new user namespace; modules are
  as freshly imported as in a new process, since the server only imported them);
- its own folder as working directory, and the environment a kernel normally gets;
- a fresh random seed (``random`` and numpy's global generator are re-seeded from the OS);
- the kernel protocol unchanged, so failures and tracebacks reach myst-nb exactly as before.

What the server preloads is only third-party code (``mmlbook_kernel_preload`` in ``conf.py``),
never the book's own package: each kernel imports ``mmlcalc`` itself, from the source as it is
now, so the server can never run stale package code, and the modules a page imported can be
recorded (see :mod:`pagedeps`). On shutdown each kernel writes the names and files of the
tracked modules it has imported to ``<connection file>.imports.json``.

:class:`ForkedKernelProvisioner` is a :class:`~jupyter_client.provisioning.LocalProvisioner`
whose ``launch_kernel`` asks the server for a child instead of spawning a process. Where no
server runs (the variable :data:`SERVER_ENV` is unset) it launches kernels as usual.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

NAME = "mmlbook-forked"
SERVER_ENV = "MMLBOOK_KERNEL_SERVER"   # path of the server's socket
TRACK_ENV = "MMLBOOK_KERNEL_TRACK"     # comma-separated packages whose imports are recorded
_INLINE = "module://matplotlib_inline.backend_inline"


# --- the server and its children -----------------------------------------------------------

def serve(socket_path: str, preload: list[str]) -> None:
    """Import the kernel machinery and `preload`, then fork a kernel for every request."""
    os.environ.setdefault("MPLBACKEND", _INLINE)  # what ipykernel sets before any import
    import ipykernel.kernelapp  # noqa: F401  (IPython, zmq, tornado, traitlets)

    warm(preload)
    draw_each_figure_once()
    # Reap each kernel when it ends, so its CPU time counts in this process's children (and so
    # in the build's): a benchmark then sees the whole cost of execution.
    signal.signal(signal.SIGCHLD, _reap)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(16)
    listener.settimeout(1.0)
    parent = os.getppid()
    print("ready", flush=True)
    os.dup2(2, 1)  # nobody reads our stdout after this line: kernels write where Sphinx does
    while os.getppid() == parent:  # stop when the build that started us has gone
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            continue
        with connection:
            connection.settimeout(None)
            request = json.loads(_receive(connection))
            pid = os.fork()
            if pid == 0:
                listener.close()
                connection.close()
                _become_kernel(request)   # never returns
            connection.sendall(json.dumps({"pid": pid}).encode())


def book_preload(root: Path) -> list[str]:
    """What the build's kernel server preloads for the book at `root` (its conf.py's
    ``mmlbook_kernel_preload``); for the benchmark's floor and the download test."""
    import runpy

    saved = list(sys.path)
    try:
        return list(runpy.run_path(str(root / "conf.py"))["mmlbook_kernel_preload"])
    finally:
        sys.path[:] = saved  # conf.py puts tools/ on the path


def warm(preload: list[str]) -> None:
    """Import `preload`, then fill the caches every kernel would otherwise fill on its own.

    Drawing a page's first figure costs a fresh process about 0.2 s more than its second: the
    fonts are opened and mathtext builds its parser. Here a throw-away figure (object API, so
    no pyplot state: no figure number taken, no rcParams changed) is drawn once, and every
    kernel inherits the filled caches. Caches only: what a kernel computes is unchanged.
    """
    for name in preload:
        importlib.import_module(name)
    if "matplotlib" in sys.modules:
        import io

        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        figure = Figure(layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        axes.plot([0, 1], [0, 1], label=r"$f'(x) = \frac{\partial f}{\partial x}\,\theta^2$")
        axes.set_title("title", fontweight="bold")
        axes.legend()
        figure.savefig(io.BytesIO(), format="png")


def _reap(signum, frame) -> None:
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def _receive(connection: socket.socket) -> bytes:
    chunks = []
    while chunk := connection.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _become_kernel(request: dict[str, Any]) -> None:
    """In the forked child: turn into an ipykernel for `request`; exit when it stops."""
    code = 0
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # a page's subprocesses can be waited on
        os.setsid()                     # its own process group, as jupyter_client gives kernels
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        random.seed()
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
        record = _imports_recorder(request["imports_file"], request["track"])
        signal.signal(signal.SIGTERM, lambda *_: (record(), os._exit(0)))
        from ipykernel.kernelapp import IPKernelApp

        # IPKernelApp read JPY_PARENT_PID when the server imported it, before this kernel's
        # environment existed: pass it on, or the kernel thinks it runs on its own and prints
        # its "To connect another client" banner into the build's output.
        parent = os.environ.get("JPY_PARENT_PID") or str(os.getppid())
        sys.argv = request["argv"]
        IPKernelApp.launch_instance(argv=[*request["argv"][1:],
                                          f"--IPKernelApp.parent_handle={parent}"])
        record()
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _imports_recorder(path: str, track: list[str]):
    """A function that writes {module: file} of the imported modules of `track` to `path`."""
    def record() -> None:
        found = {name: getattr(module, "__file__", None)
                 for name, module in list(sys.modules.items())
                 if module is not None and name.split(".", 1)[0] in track}
        Path(path).write_text(json.dumps(found, sort_keys=True), encoding="utf-8")
    return record


# --- the client side: a kernel provisioner -----------------------------------------------------

class _ForkedProcess:
    """Enough of :class:`subprocess.Popen` for LocalProvisioner, for a process not our child."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0  # the server reaped it; its status is not ours to read
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        while self.poll() is None:
            import time

            time.sleep(0.005)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkedKernelProvisioner(LocalProvisioner):
    """Start kernels by forking them from the warm kernel server (when one is running)."""

    #: {module: file} imported by the last kernel this process shut down (see ``pagedeps``)
    last_imports: dict[str, str | None] | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        server = os.environ.get(SERVER_ENV)
        if not server:
            return await super().launch_kernel(cmd, **kwargs)
        connection_file = cmd[cmd.index("-f") + 1]
        self._imports_file = connection_file + ".imports.json"
        request = {"argv": ["ipykernel_launcher", *cmd[cmd.index("-f"):]],
                   "cwd": str(kwargs.get("cwd") or os.getcwd()),
                   "env": dict(kwargs.get("env") or os.environ),
                   "imports_file": self._imports_file,
                   "track": [p for p in os.environ.get(TRACK_ENV, "").split(",") if p]}
        reply = await asyncio.get_running_loop().run_in_executor(None, _ask, server, request)
        self.process = _ForkedProcess(reply["pid"])
        self.pid = self.pgid = reply["pid"]
        self.cwd = request["cwd"]
        return self.connection_info

    async def shutdown_requested(self, restart: bool = False) -> None:
        """Stop at once: the kernel records its imports on SIGTERM and exits (no 0.1 s polls)."""
        if isinstance(self.process, _ForkedProcess):
            try:
                self.process.terminate()
            except ProcessLookupError:
                return
            for _ in range(400):
                if self.process.poll() is not None:
                    return
                await asyncio.sleep(0.005)

    async def cleanup(self, restart: bool = False) -> None:
        imports = getattr(self, "_imports_file", None)
        if imports and os.path.exists(imports):
            ForkedKernelProvisioner.last_imports = json.loads(
                Path(imports).read_text(encoding="utf-8"))
            os.unlink(imports)
        await super().cleanup(restart)


def _ask(server: str, request: dict[str, Any]) -> dict[str, Any]:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.connect(server)
        connection.sendall(json.dumps(request).encode())
        connection.shutdown(socket.SHUT_WR)
        return json.loads(_receive(connection))


def take_last_imports() -> dict[str, str | None] | None:
    """The imports recorded by the last kernel shut down in this process, then forget them."""
    found, ForkedKernelProvisioner.last_imports = ForkedKernelProvisioner.last_imports, None
    return found


# --- the server's lifetime ---------------------------------------------------------------------

def draw_each_figure_once() -> None:
    """Stop pyplot redrawing, after each cell, figures the inline backend draws anyway.

    In IPython, pyplot registers a post-execute hook that draws every stale figure
    (``pyplot._draw_all_if_interactive``); the inline backend's own hook runs after it and, as
    it closes the figures it shows (``InlineBackend.close_figures``, the default), draws each
    one again into the PNG it sends. The first drawing is thrown away. Here pyplot's hook skips
    figures the inline backend will draw and close, so each figure is drawn once; what a page
    shows is unchanged (a clean build: 236 s of CPU before, 232 s after, in one A/B run). pyplot
    registers its hook (by name, on the first figure) in each kernel, after this has run.
    """
    if "matplotlib.pyplot" not in sys.modules:
        return
    import matplotlib.pyplot as plt

    draw_all = plt._draw_all_if_interactive

    def draw_all_but_what_the_inline_backend_draws() -> None:
        if plt.get_backend() == _INLINE:
            from matplotlib_inline.backend_inline import InlineBackend

            if InlineBackend.instance().close_figures:
                return
        draw_all()

    plt._draw_all_if_interactive = draw_all_but_what_the_inline_backend_draws


class KernelServer:
    """The kernel server as a child process of the build; ``start()``, then ``stop()``."""

    def __init__(self, preload: list[str], track: list[str]):
        self.preload, self.track = preload, track
        self.process: subprocess.Popen | None = None
        self._folder: tempfile.TemporaryDirectory | None = None

    def start(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="mmlbook-kernels-")
        path = os.path.join(self._folder.name, "server.sock")
        tools = str(Path(__file__).resolve().parent)
        # sys.path as a kernel's own would be: the tools folder only long enough to import us
        code = (f"import sys; sys.path.insert(0, {tools!r}); import forkkernel; "
                f"sys.path.remove({tools!r}); sys.path.remove('') if '' in sys.path else None; "
                f"forkkernel.serve({path!r}, {self.preload!r})")
        self.process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                                        stdin=subprocess.DEVNULL, text=True)
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "ready":
            raise RuntimeError("the kernel server did not start (see the messages above)")
        os.environ[SERVER_ENV] = path
        os.environ[TRACK_ENV] = ",".join(self.track)

    def stop(self) -> None:
        os.environ.pop(SERVER_ENV, None)
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait()
        self.process = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None


def register() -> None:
    """Make :class:`ForkedKernelProvisioner` the provisioner of kernels started here."""
    from importlib.metadata import EntryPoint

    from jupyter_client.provisioning.factory import KernelProvisionerFactory

    factory = KernelProvisionerFactory
    factory.provisioners[NAME] = EntryPoint(name=NAME, value=f"{__name__}:ForkedKernelProvisioner",
                                            group=factory.GROUP_NAME)
    factory.instance().default_provisioner_name = NAME


# --- Sphinx: one server per build, only when a page will execute -------------------------------

def _will_execute(app, env, docname: str) -> bool:
    """Whether reading `docname` will run its notebook (a code page with no cached outputs)."""
    from myst_nb.core.read import create_nb_reader

    path = env.doc2path(docname)
    text = Path(path).read_text(encoding="utf-8")
    if "{code-cell}" not in text:
        return False
    if app.config.nb_execution_mode != "cache":
        return True
    reader = create_nb_reader(str(path), env.myst_config, env.mystnb_config, text)
    if reader is None:
        return False
    from pagedeps import book_cache

    try:
        book_cache(app.config.nb_execution_cache_path).match_cache_notebook(reader.read(text))
    except KeyError:
        return True
    return False


_server: KernelServer | None = None


def _start_server(app, env, docnames: list[str]) -> None:
    global _server
    if _server is None and any(_will_execute(app, env, d) for d in docnames):
        _server = KernelServer(list(app.config.mmlbook_kernel_preload),
                               list(app.config.mmlbook_kernel_track))
        _server.start()


def _stop_server(app, exc) -> None:
    global _server
    if _server is not None:
        _server.stop()
        _server = None


def setup(app) -> None:
    """Fork the build's kernels from one warm server (called by bookext's ``setup``)."""
    app.add_config_value("mmlbook_kernel_preload", [], "", types=[list])
    app.add_config_value("mmlbook_kernel_track", ["mmlcalc"], "", types=[list])
    register()
    app.connect("env-before-read-docs", _start_server)
    app.connect("build-finished", _stop_server)
