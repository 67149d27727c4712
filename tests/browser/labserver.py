"""Start and stop a private JupyterLab server for the browser tests.

The server gets its own config, data, runtime, settings and workspace folders (all in one temp
dir), so it never reads a developer's ~/.jupyter nor writes into the venv or the course:
- the "Jupyter news" toast and update check are off (they cover screenshots);
- autosave is off and a pre-save hook refuses every save, because the server serves the shared
  working tree: a test that ran a lesson must never write its outputs back into the notebook
  (checkpoints, made when a notebook is opened, go to the temp dir as well);
- notebooks render every cell (no windowing), so prompts, outputs and widgets of cells below the
  fold are in the DOM for the tests to read.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

# User settings, written as <settings dir>/<package>/<plugin>.jupyterlab-settings.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    # Every cell in the DOM, and no blank space after the last one (whole-notebook screenshots).
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none", "scrollPastEnd": False},
}

# Loaded by jupyter_server from JUPYTER_CONFIG_DIR. The hook runs before any save reaches disk.
SERVER_CONFIG = '''\
from tornado.web import HTTPError

def refuse_save(model, path, contents_manager, **kwargs):
    """The browser tests only read the course: never write a notebook back."""
    # Only an HTTPError rejects the save; any other exception is logged and the file written.
    raise HTTPError(403, f"browser tests do not save files (refused: {path})")

c.FileContentsManager.pre_save_hook = refuse_save
# Opening a notebook makes a checkpoint: keep those out of the working tree too.
c.FileCheckpoints.checkpoint_dir = {checkpoints!r}
c.ServerApp.jpserver_extensions = {"jupyter_lsp": False}  # no language servers: less start-up
'''
# Loaded by the JupyterLab extension app: no news feed, no update check (nothing to learn from
# them here, they reach for the internet, and their toast covers screenshots).
LAB_CONFIG = '''\
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.handlers.announcements.NeverCheckForUpdate"
# window.jupyterapp: lets a test ask the notebook's kernel what no page shows (labdashboard.py).
c.LabApp.expose_app_in_browser = True
'''
# The same for Notebook 7 (``/notebooks/<path>``, served by the same server).
NOTEBOOK_CONFIG = '''\
c.JupyterNotebookApp.expose_app_in_browser = True
'''


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> list[int]:
    """All child processes of ``pid`` (kernels and their helpers), read from /proc."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = [int(k) for k in (task / "children").read_text().split()]
            except OSError:
                continue
            found += kids
            todo += kids
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


class LabServer:
    """A JupyterLab server on 127.0.0.1 with a random token, serving ``root``.

    ``start()`` returns once ``/api/status`` answers; ``stop()`` ends it by its own pid (SIGTERM
    makes jupyter_server shut down its kernels first) and then checks that no child is left.
    """

    def __init__(self, root: Path, workdir: Path, env: dict | None = None):
        self.root, self.workdir = Path(root), Path(workdir)
        self.token = secrets.token_hex(16)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.workdir / "jupyterlab.log"
        self.env = dict(os.environ if env is None else env)
        self.proc: subprocess.Popen | None = None

    def _write_private_config(self):
        dirs = {name: self.workdir / name for name in
                ("config", "data", "runtime", "settings", "workspaces", "ipython", "checkpoints")}
        for d in dirs.values():
            d.mkdir(parents=True, exist_ok=True)
        (dirs["config"] / "jupyter_server_config.py").write_text(
            SERVER_CONFIG.replace("{checkpoints!r}", repr(str(dirs["checkpoints"]))))
        (dirs["config"] / "jupyter_lab_config.py").write_text(LAB_CONFIG)
        (dirs["config"] / "jupyter_notebook_config.py").write_text(NOTEBOOK_CONFIG)
        for plugin, values in LAB_SETTINGS.items():
            path = dirs["settings"] / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        self.env.update(
            JUPYTER_CONFIG_DIR=str(dirs["config"]),
            JUPYTER_DATA_DIR=str(dirs["data"]),      # no user kernelspec can replace the venv's
            JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
            JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
            JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
            IPYTHONDIR=str(dirs["ipython"]),
            JUPYTER_PLATFORM_DIRS="1",
        )

    def start(self, timeout: float = 60.0):
        self._write_private_config()
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
               f"--ServerApp.root_dir={self.root}"]
        self.log = open(self.log_path, "w")
        # The kernels inherit this environment: NNLESSON_DATA reaches the lessons that load MNIST.
        self.proc = subprocess.Popen(cmd, cwd=self.root, env=self.env, stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                self.api("GET", "/api/status")
                return self
            except OSError:
                time.sleep(0.2)  # polling a server that is starting; there is no event to wait on
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer /api/status in {timeout:.0f} s:\n{self.log_tail()}")

    def api(self, method: str, path: str, timeout: float = 10.0):
        """Call the REST API; returns the decoded JSON (or None for an empty answer)."""
        req = urllib.request.Request(self.url + path, method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shutdown_kernels_of(self, nb_path: str):
        """Shut down the kernel of every session on ``nb_path`` (relative to the root)."""
        for s in self.api("GET", "/api/sessions"):
            if s.get("path") == nb_path:
                self.api("DELETE", f"/api/sessions/{s['id']}", timeout=30)

    def kernel_count(self) -> int:
        return len(self.api("GET", "/api/kernels"))

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def stop(self, timeout: float = 20.0) -> list[int]:
        """Stop the server by its pid, kernels with it. Returns pids that had to be killed."""
        if self.proc is None:
            return []
        children = descendants(self.proc.pid)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        # jupyter_server shuts its kernels down on SIGTERM; whatever survived is killed by pid.
        deadline = time.monotonic() + 5
        while any(alive(p) for p in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        strays = [p for p in children if alive(p)]
        for p in strays:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.log.close()
        self.proc = None
        return strays
