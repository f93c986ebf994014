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

# Students come from the submitted/ folder names; assignments are created by
# `python -m autograder.release` (generate_assignment).
c.Autograde.create_student = True
c.GenerateAssignment.create_assignment = True

# Student code never runs in an nbgrader kernel: `python -m autograder.grade` runs it in
# the sandbox (autograder/sandbox.py), runs the tests in its own trusted process and
# hands nbgrader graded notebooks to record (FFNN_GRADED_DIR set). A plain
# `nbgrader autograde` (or the Formgrader's button) refuses instead of executing
# submissions outside the sandbox.
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

    def refuse_unsandboxed(nb, resources):
        """In place of nbgrader's Execute: student code runs only in the sandbox."""
        raise RuntimeError(
            "this course grades only in its sandbox: run `make grade` "
            "(python -m autograder.grade), not nbgrader autograde"
        )

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
