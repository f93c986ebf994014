"""A throw-away PostgreSQL server for the gradebook tests and benchmarks.

``with temporary_server() as url:`` runs ``initdb`` and ``pg_ctl`` (Debian's package
``postgresql``) in a temporary folder, as the ``postgres`` user when run as root
(``initdb`` refuses root), listening only on a Unix socket in that folder, and yields
the SQLAlchemy URL of an empty database ``ffnn`` (set it as ``FFNN_GRADEBOOK_URL``).
For a real course, point ``FFNN_GRADEBOOK_URL`` (or ``c.CourseDirectory.db_url`` in
nbgrader_config.py) at your own server instead.
"""

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def server_binaries():
    """The folder of initdb/pg_ctl, or None when PostgreSQL is not installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@contextlib.contextmanager
def temporary_server(port=54329):
    bindir = server_binaries()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="ffnn-pg-"))
    data = folder / "data"
    as_user = []
    if os.getuid() == 0:
        shutil.chown(folder, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    run = {"check": True, "capture_output": True}
    opts = f"-p {port} -k {folder} -c listen_addresses='' -c max_connections=50"
    try:
        subprocess.run(
            [*as_user, bindir / "initdb", "-D", data, "-A", "trust", "-U", "grader"], **run
        )
        # the server's output goes to a log file: a pipe left open would block this call
        start = [bindir / "pg_ctl", "-D", data, "-l", folder / "server.log", "-o", opts, "-w"]
        subprocess.run(
            [*as_user, *start, "start"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        createdb = [bindir / "createdb", "-h", folder, "-p", str(port), "-U", "grader", "ffnn"]
        subprocess.run([*as_user, *createdb], **run)
        yield f"postgresql+psycopg://grader@/ffnn?host={folder}&port={port}"
    finally:
        subprocess.run(
            [*as_user, bindir / "pg_ctl", "-D", data, "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)
