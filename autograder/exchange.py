"""``make exchange EXCHANGE=DIR``: set up the nbgrader exchange of the course in DIR.

The exchange is the folder through which nbgrader moves notebooks between the
instructor and the students: *Release* copies ``release/<id>/`` to
``DIR/ffnn/outbound/<id>/``, students *Submit* into ``DIR/ffnn/inbound/``, *Collect*
copies the newest submission of each student to ``autograder/submitted/``, and
*Release Feedback* copies the feedback pages to ``DIR/ffnn/feedback/``.

This creates DIR and the course's three folders with the permissions nbgrader expects
(everyone may write into DIR; students can drop submissions into ``inbound`` but not
list it), then records DIR in ``autograder/.state/exchange``, which nbgrader_config.py
reads (``FFNN_EXCHANGE=DIR`` in the environment takes precedence). Running it again on
the same folder is harmless. Restart JupyterLab afterwards: the Formgrader looks for
the exchange when it starts.

Usage: ``python -m autograder.exchange DIR`` (without DIR: show the current exchange).
"""

import argparse
import os
import stat
import sys
from pathlib import Path

from autograder import ROOT

COURSE_ID = "ffnn"
RECORD = Path("autograder") / ".state" / "exchange"
ENV = "FFNN_EXCHANGE"

# The modes nbgrader's own release gives these folders (nbgrader/exchange/default):
# the exchange root rwx for all; the course folder and outbound/ readable by all;
# inbound/ writable but not listable by students (set-group-id, 2733); feedback/ 711,
# where each student can open only the page whose name (a hash) they know.
ROOT_MODE = 0o777
FOLDER_MODES = {"": 0o755, "outbound": 0o755, "inbound": 0o2733, "feedback": 0o711}


def configured(root=ROOT, environ=os.environ):
    """The exchange folder the course uses: $FFNN_EXCHANGE, else the recorded one,
    else None (nbgrader's default, /usr/local/share/nbgrader/exchange, then applies)."""
    if environ.get(ENV, "").strip():
        return Path(os.path.abspath(Path(environ[ENV].strip()).expanduser()))
    record = Path(root) / RECORD
    if record.is_file() and record.read_text().strip():
        return Path(record.read_text().strip())
    return None


def _set_mode(path, mode):
    """chmod ``path`` to ``mode`` unless it already has it; a folder owned by someone
    else with the wrong mode cannot be fixed here, so say who must fix it."""
    current = stat.S_IMODE(path.stat().st_mode)
    if current == mode:
        return
    try:
        os.chmod(path, mode)
    except PermissionError:
        raise ValueError(
            f"{path} has mode {current:o}, nbgrader needs {mode:o}, and it belongs to "
            f"another user: ask its owner to run `chmod {mode:o} {path}`"
        ) from None


def setup(folder, root=ROOT):
    """Create the exchange in ``folder`` (absolute or relative to the current folder),
    with the course's folders, and record it for nbgrader_config.py. Returns its path."""
    if not str(folder).strip():
        raise ValueError("expected the exchange folder, e.g. make exchange EXCHANGE=/srv/nbgrader")
    exchange = Path(os.path.abspath(Path(folder).expanduser()))
    if exchange.exists() and not exchange.is_dir():
        raise ValueError(f"expected a folder for the exchange, but {exchange} is a file")
    course = Path(root).resolve()
    if exchange.resolve() == course or course in exchange.resolve().parents:
        raise ValueError(
            f"the exchange must be outside the course folder {course} (students write into "
            "it and must not see the course's sources), e.g. /srv/nbgrader/exchange"
        )
    exchange.mkdir(parents=True, exist_ok=True)
    _set_mode(exchange, ROOT_MODE)
    for name, mode in FOLDER_MODES.items():
        path = exchange / COURSE_ID / name
        path.mkdir(exist_ok=True)
        _set_mode(path, mode)
    record = Path(root) / RECORD
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(f"{exchange}\n")
    return exchange


def student_config(exchange):
    """What a student's nbgrader needs to find the course (their own nbgrader_config.py)."""
    return f'c.CourseDirectory.course_id = "{COURSE_ID}"\nc.Exchange.root = "{exchange}"\n'


def main(argv=None, root=ROOT):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", help="the exchange folder (created if missing)")
    opts = parser.parse_args(argv)
    if not opts.folder:
        current = configured(root)
        if current is None:
            sys.exit("no exchange set up: run `make exchange EXCHANGE=/path/to/exchange`")
        print(f"the course's exchange is {current}")
        return current
    try:
        exchange = setup(opts.folder, root)
    except ValueError as err:
        sys.exit(f"error: {err}")
    print(f"exchange ready in {exchange} (course {COURSE_ID!r}); recorded in {RECORD}")
    if os.environ.get(ENV, "").strip() and configured(root) != exchange:
        print(f"note: {ENV}={os.environ[ENV]} is set and takes precedence over this record")
    print("Restart JupyterLab (from the course folder) so the Formgrader finds it.")
    print("Students' nbgrader needs these lines (in ~/.jupyter/nbgrader_config.py):")
    print("    " + student_config(exchange).rstrip("\n").replace("\n", "\n    "))
    return exchange


if __name__ == "__main__":
    main()
