"""JupyterLab on localhost for the browser tests and the browser benchmark: a free port, no
token, private config/runtime/settings dirs under ``workdir``, --allow-root as root. And the
headless Chromium (Debian's package) they all drive, started one way."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
]  # fmt: skip


def launch_chromium(playwright, *flags):
    """Headless Chromium through playwright, with CHROMIUM_FLAGS and any ``flags`` added."""
    executable = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    return playwright.chromium.launch(
        executable_path=executable, headless=True, args=[*CHROMIUM_FLAGS, *flags]
    )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def jupyterlab(root, workdir, env=None, unset=()):
    """Serve ``root`` until the block ends; yields the URL. ``env`` adds variables, ``unset``
    removes some; the server's log is ``workdir/lab.log`` (raised with it if it fails)."""
    port = free_port()
    environment = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(workdir / "config"),
        "JUPYTER_DATA_DIR": str(workdir / "data"),
        "JUPYTER_RUNTIME_DIR": str(workdir / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(workdir / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(workdir / "workspaces"),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
        **(env or {}),
    }
    for name in unset:
        environment.pop(name, None)
    cmd = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={root}",
        "--IdentityProvider.token=", "--ServerApp.password=",
        "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=",
    ]  # fmt: skip
    if os.getuid() == 0:
        cmd.append("--allow-root")
    log_path = workdir / "lab.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            cmd, cwd=root, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    urllib.request.urlopen(f"{url}/api/status", timeout=2)
                    break
                except OSError as error:
                    if server.poll() is not None or time.monotonic() > deadline:
                        log.flush()
                        why = "JupyterLab did not start:\n" + log_path.read_text()
                        raise RuntimeError(why) from error
                    time.sleep(0.5)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
