"""nbgrader configuration of the course (course root = this directory).

Layout: source/ (instructor notebooks) -> release/ (student notebooks, committed);
submissions, autograded copies and feedback live under autograder/ (git-ignored),
the gradebook under autograder/.state/. See autograder/README.md for the workflow.
"""

import os

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

ROOT = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "ffnn"
c.CourseDirectory.root = ROOT
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "autograder/submitted"
c.CourseDirectory.autograded_directory = "autograder/autograded"
c.CourseDirectory.feedback_directory = "autograder/feedback"
c.CourseDirectory.solution_directory = "autograder/solution"
# The gradebook: SQLite by default; a server (PostgreSQL) for many concurrent graders,
# e.g. FFNN_GRADEBOOK_URL=postgresql+psycopg://grader@/ffnn?host=/var/run/postgresql
c.CourseDirectory.db_url = os.environ.get("FFNN_GRADEBOOK_URL") or (
    "sqlite:///" + os.path.join(ROOT, "autograder", ".state", "gradebook.db")
)

# The exchange (Release, Submit, Collect, Release Feedback): set up by
# `make exchange EXCHANGE=DIR` (autograder/exchange.py), which records DIR in
# autograder/.state/exchange; FFNN_EXCHANGE=DIR in the environment takes precedence.
# Without either, nbgrader's default (/usr/local/share/nbgrader/exchange) applies.
EXCHANGE = os.environ.get("FFNN_EXCHANGE", "").strip()
RECORD = os.path.join(ROOT, "autograder", ".state", "exchange")
if not EXCHANGE and os.path.isfile(RECORD):
    with open(RECORD) as fh:
        EXCHANGE = fh.read().strip()
if EXCHANGE:
    c.Exchange.root = os.path.abspath(os.path.expanduser(EXCHANGE))

# Students come from the submitted/ folder names (names and emails from the roster:
# `make roster ROSTER=students.csv`, autograder/roster.py); assignments are created by
# `python -m autograder.release` (generate_assignment).
c.Autograde.create_student = True
c.GenerateAssignment.create_assignment = True

# Student code never runs in an nbgrader kernel: `python -m autograder.grade` runs it in
# the sandbox (autograder/sandbox.py), runs the tests in its own trusted process and
# hands nbgrader graded notebooks to record (FFNN_GRADED_DIR set). A plain
# `nbgrader autograde` (or the Formgrader's Autograde button) refuses, with a message
# pointing to `make grade`, before it changes anything.
c.Execute.timeout = 20  # seconds per cell or per test call (the sandbox's wall limit)

# Limits of the sandbox (defaults in autograder/sandbox.py, class Limits):
# c.Sandbox.memory_mb = 1536          # memory of all its processes (cgroup)
# c.Sandbox.processes = 64            # processes + threads at once (cgroup pids)
# c.Sandbox.cpu_seconds = 120         # CPU time per process
# c.Sandbox.open_files = 256          # open files per process
# c.Sandbox.disk_mb = 256             # HOME and /tmp (tmpfs) each, and the largest file
# c.Sandbox.submission_timeout = 300  # wall seconds for one whole notebook
# c.Sandbox.max_notebook_mb = 2       # larger submitted notebooks are rejected

GRADED = os.environ.get("FFNN_GRADED_DIR")
if GRADED:
    c.CourseDirectory.submitted_directory = GRADED
    c.Autograde.sanitize_preprocessors = [
        "nbgrader.preprocessors.DeduplicateIds",
        "nbgrader.preprocessors.OverwriteKernelspec",
        "nbgrader.preprocessors.OverwriteCells",
        "nbgrader.preprocessors.CheckCellMetadata",
    ]
    c.Autograde.autograde_preprocessors = [
        "nbgrader.preprocessors.LimitOutput",
        "nbgrader.preprocessors.SaveAutoGrades",
        "nbgrader.preprocessors.AssignLatePenalties",
        "nbgrader.preprocessors.CheckCellMetadata",
    ]
else:
    from nbconvert.exporters import NotebookExporter

    class RefuseUnsandboxed(NotebookExporter):
        """In place of nbgrader's exporter for autograde: built before nbgrader touches
        the gradebook or autograder/autograded/ (a forced autograde, as the Formgrader's
        button runs, first deletes the autograded copy), so refusing here changes nothing."""

        def __init__(self, *args, **kwargs):
            message = (
                "this course autogrades only in its sandbox: run `make grade` "
                "(python -m autograder.grade) from the course folder, then reload the "
                "Formgrader; its Autograde button and `nbgrader autograde` would run "
                "student code unsandboxed, so they are disabled (autograder/README.md)"
            )
            parent = kwargs.get("parent")
            if parent is not None:
                parent.log.error(message)
            raise RuntimeError(message)

    def refuse_unsandboxed(nb, resources):
        """A second lock, in place of nbgrader's Execute preprocessor."""
        raise RuntimeError("this course autogrades only in its sandbox: run `make grade`")

    c.Autograde.exporter_class = RefuseUnsandboxed
    c.Autograde.autograde_preprocessors = [refuse_unsandboxed]

# A deleted test cell is put back (from the gradebook copy) and graded as released.
c.OverwriteCells.add_missing_cells = True

# Feedback must not show hidden tests (nbgrader keeps them by default).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
c.ClearHiddenTests.enforce_metadata = True
