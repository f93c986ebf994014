"""Settings of nbgrader's Validate button (and of `nbgrader validate`), nothing else.

Validate runs your whole notebook in a fresh kernel, the visible tests included, and lists
the cells that fail. Each cell may take as long as the grader allows it, and no longer.
"""

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.Execute.timeout = 20  # seconds per cell, as when your notebook is graded
