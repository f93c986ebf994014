"""``make release``: regenerate release/ from source/ with nbgrader.

Steps: find the assignments (source/<id>/<id>.ipynb), run
``nbgrader generate_assignment <id> --force`` for each (which also records the
assignment and its test cells in the gradebook), and check that no solution or
hidden-test marker leaked into release/. Running it twice changes nothing.
"""

import sys
from pathlib import Path

from autograder import ROOT, assignments, nbgrader

LEAK_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def leaks(root=ROOT):
    """Release files that still contain a solution or hidden-test marker."""
    return [
        p.relative_to(root)
        for p in sorted((root / "release").rglob("*.ipynb"))
        if any(m in p.read_text() for m in LEAK_MARKERS)
    ]


def main(root=ROOT):
    root = Path(root)
    (root / "autograder" / ".state").mkdir(parents=True, exist_ok=True)
    ids = assignments(root)
    for i, aid in enumerate(ids, 1):
        print(f"[{i}/{len(ids)}] generate_assignment {aid}", flush=True)
        nbgrader("generate_assignment", aid, "--force", "--log-level=WARN", root=root)
    bad = leaks(root)
    if bad:
        sys.exit(f"solution or hidden tests leaked into: {', '.join(map(str, bad))}")
    print(f"release/ is up to date ({len(ids)} assignments)")


if __name__ == "__main__":
    main()
