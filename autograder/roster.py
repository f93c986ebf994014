"""``make roster ROSTER=FILE.csv``: import the class list into the gradebook.

The CSV has a header with the columns ``id, first_name, last_name, email`` (in any
order; an ``lms_user_id`` column is kept too, other columns are ignored). ``id`` is
the student's id: their JupyterHub user name, or the id they type in
``use_student("...")`` and submit under, so it must match the submission folders.
Students are added or updated (importing the same file twice changes nothing); a
student missing from the file is left in the gradebook. The whole file is checked
before anything is written: a missing column, an empty or duplicated id, or a line
with too many fields is reported with its line number and nothing is imported.

Usage: ``python -m autograder.roster FILE.csv``.
"""

import argparse
import csv
import os
import re
import sys
from pathlib import Path

from autograder import ROOT

COURSE_ID = "ffnn"
COLUMNS = ("id", "first_name", "last_name", "email")
OPTIONAL = ("lms_user_id",)
# a student id names a folder and an exchange file (``id+assignment+time``)
ID_PATTERN = re.compile(r"[A-Za-z0-9_.@-]+")


def read_roster(path):
    """The students of a roster CSV as dicts (id, first_name, last_name, email[,
    lms_user_id]); empty fields become None. Raises ValueError on a bad file."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"expected a roster CSV file, but {path} does not exist")
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh, skipinitialspace=True)
        header = [(name or "").strip() for name in reader.fieldnames or []]
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise ValueError(
                f"{path}: expected the columns {', '.join(COLUMNS)} in the header line, "
                f"missing {', '.join(missing)} (found: {', '.join(header) or 'an empty file'})"
            )
        reader.fieldnames = header
        students, seen = [], {}
        for row in reader:
            line = reader.line_num
            if None in row:
                raise ValueError(
                    f"{path}, line {line}: more fields than the {len(header)} columns of "
                    "the header (a comma inside a name must be quoted)"
                )
            if not any((v or "").strip() for v in row.values()):
                continue  # a blank line
            student = {
                key: (row.get(key) or "").strip() or None
                for key in COLUMNS + OPTIONAL
                if key in header
            }
            sid = student["id"]
            if sid is None:
                raise ValueError(f"{path}, line {line}: empty id (every student needs one)")
            if not ID_PATTERN.fullmatch(sid):
                raise ValueError(
                    f"{path}, line {line}: id {sid!r} should contain only letters, digits "
                    "and . _ - @ (it names the student's submission folder)"
                )
            if sid in seen:
                raise ValueError(
                    f"{path}, line {line}: duplicate id {sid!r} (also on line {seen[sid]})"
                )
            email = student["email"]
            if email is not None and "@" not in email:
                raise ValueError(f"{path}, line {line}: email {email!r} has no @")
            seen[sid] = line
            students.append(student)
    if not students:
        raise ValueError(f"{path}: expected at least one student under the header line")
    return students


def import_roster(students, db_url):
    """Add or update ``students`` in the gradebook; returns counts of added, updated
    and unchanged students."""
    from nbgrader.api import Gradebook, MissingEntry

    counts = {"added": 0, "updated": 0, "unchanged": 0}
    with Gradebook(db_url, COURSE_ID) as gb:
        for student in students:
            fields = {k: v for k, v in student.items() if k != "id"}
            try:
                old = gb.find_student(student["id"])
                before = {k: getattr(old, k) for k in fields}
                kind = "unchanged" if before == fields else "updated"
            except MissingEntry:
                kind = "added"
            if kind != "unchanged":
                gb.update_or_create_student(student["id"], **fields)
            counts[kind] += 1
    return counts


def main(argv=None, root=ROOT):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="?", default="", help="roster: id,first_name,last_name,email")
    opts = parser.parse_args(argv)
    if not opts.csv:
        sys.exit("error: expected a roster file: make roster ROSTER=students.csv")
    from autograder.grade import _db_url

    # nbgrader's gradebook runs `alembic` by name: this interpreter's bin/ goes first
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]
    try:
        students = read_roster(opts.csv)
    except ValueError as err:
        sys.exit(f"error: {err}; nothing was imported")
    (Path(root) / "autograder" / ".state").mkdir(parents=True, exist_ok=True)
    counts = import_roster(students, _db_url(Path(root)))
    print(
        f"roster {opts.csv}: {counts['added']} added, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged ({len(students)} students in the file)"
    )
    return counts


if __name__ == "__main__":
    main()
