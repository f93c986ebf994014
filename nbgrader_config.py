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
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(ROOT, "autograder", ".state", "gradebook.db")

# Students come from the submitted/ folder names; assignments are created by
# `python -m autograder.release` (generate_assignment).
c.Autograde.create_student = True
c.GenerateAssignment.create_assignment = True

# Execution: a runaway cell is interrupted after the timeout and the rest still runs;
# minimal tracebacks so feedback shows the assert message, not the hidden test code.
c.Execute.timeout = 20
c.Execute.interrupt_on_timeout = True
c.Execute.extra_arguments = [
    "--HistoryManager.hist_file=:memory:",
    "--InteractiveShell.xmode=Minimal",
]

# A deleted test cell is put back (from the gradebook copy) and graded as released.
c.OverwriteCells.add_missing_cells = True

# Feedback must not show hidden tests (nbgrader keeps them by default).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
c.ClearHiddenTests.enforce_metadata = True
