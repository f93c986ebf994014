"""``python -m autograder.samples``: regenerate the sample submissions."""

from autograder.samples import write

for student, per in write().items():
    cases = (f"{aid} {e['status']} {e['auto_score']}" for aid, e in per.items())
    print(f"{student:>8}: " + ", ".join(cases))
