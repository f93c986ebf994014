"""pytest set-up shared by every test: figures render off-screen. The project root is
``autograder.ROOT``; a copy of the course for grading tests is
``autograder.samples.course_copy``."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
