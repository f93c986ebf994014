"""Mutation testing of the library (`make mutation`): mutmut changes lib/ffnn one small
piece at a time and runs the unit tests that reach that piece; a mutant the tests do not
notice ("survived") points at a missing check.

mutmut mutates plain functions only (it skips decorated ones), so it runs on a copy of
the library with the ``@njit`` lines removed and ``NUMBA_DISABLE_JIT=1`` -- the same
Python code the kernels are compiled from, run uninterpreted by Numba. The copy, mutmut's
own state and its mutants live in .mutation/ (not in git); the report goes to
tests/artifacts/mutation.md and .json (mutation-<module>.* for one module).

    python tests/mutation/run.py            # everything (time: README)
    python tests/mutation/run.py grading    # one module (a name under ffnn/)
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / ".mutation"
ARTIFACTS = ROOT / "tests" / "artifacts"
NJIT = re.compile(r"^\s*@njit\(.*\)\s*$")
# widgets/: figures and controls, checked by their own tests; a mutated colour or label
# is not a bug a unit test should catch. warmup.py compiles kernels and prints timings.
EXCLUDED = ("src/ffnn/widgets/*", "src/ffnn/warmup.py", "src/ffnn/selfcheck/*")
KILLED = {1: "killed", 3: "killed", 37: "killed"}
STATUS = {0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", None: "not checked"}
STATUS.update({code: "timeout" for code in (24, -24, 36, 152, 255)})
# Tests left out without the JIT: they inspect the compiled dispatchers or Numba's cache,
# or train for seconds to minutes in plain Python.
WITHOUT_JIT = [
    "test_network.py::test_every_kernel_takes_at_most_8_arguments",
    "test_optim.py::test_every_rule_has_one_signature",
    "test_reference.py::test_large_layers_take_the_blas_path_and_still_agree",
    "test_train.py::test_two_spirals_reach_95_percent_training_accuracy",
    "test_train.py::test_digits_reach_95_percent_test_accuracy",
    "test_train.py::test_kernels_are_cached_where_numba_cache_dir_points",
]


def use_work_folder(path):
    """Run in ``path`` instead of .mutation/ (two runs side by side)."""
    global WORK
    WORK = Path(path).resolve()


def prepare(only):
    """A fresh copy: src/ffnn without @njit lines, the unit tests, a mutmut config."""
    shutil.rmtree(WORK, ignore_errors=True)
    shutil.copytree(ROOT / "lib" / "ffnn", WORK / "src" / "ffnn",
                    ignore=shutil.ignore_patterns("__pycache__", "*.nbi", "*.nbc"))  # fmt: skip
    for path in (WORK / "src" / "ffnn").rglob("*.py"):
        lines = path.read_text().splitlines(keepends=True)
        path.write_text("".join(line for line in lines if not NJIT.match(line)))
    shutil.copytree(ROOT / "tests" / "unit", WORK / "tests" / "unit",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    shutil.copy(ROOT / "tests" / "conftest.py", WORK / "tests" / "conftest.py")
    only_mutate = [f"src/ffnn/{name}.py" for name in only] or ["src/ffnn/*"]
    deselect = "".join(f', "--deselect", "tests/unit/{t}"' for t in WITHOUT_JIT)
    # the widgets' tests train and draw for minutes in plain Python; widgets are excluded
    tests = sorted(
        p.relative_to(ROOT).as_posix() for p in (ROOT / "tests" / "unit").glob("test_*.py")
    )
    tests = [t for t in tests if not t.startswith("tests/unit/test_widgets_")]
    (WORK / "pyproject.toml").write_text(
        "[tool.mutmut]\n"
        'source_paths = ["src"]\n'
        f"only_mutate = {json.dumps(only_mutate)}\n"
        f"do_not_mutate = {json.dumps(list(EXCLUDED))}\n"
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}\n"
        f'pytest_add_cli_args = ["-p", "no:cacheprovider", "-x", "-q"{deselect}]\n'
        "\n[tool.pytest.ini_options]\n"
        'markers = ["slow: slow", "browser: browser"]\n'
    )


def collect():
    """{module: Counter(status)} and the survivors, from mutmut's .meta files."""
    by_module, survivors = {}, []
    for meta in sorted((WORK / "mutants" / "src").rglob("*.py.meta")):
        module = meta.relative_to(WORK / "mutants" / "src").as_posix()[: -len(".py.meta")]
        codes = json.loads(meta.read_text()).get("exit_code_by_key", {})
        counts = by_module.setdefault(module.replace("/", "."), Counter())
        for name, code in sorted(codes.items()):
            status = KILLED.get(code) or STATUS.get(code, "suspicious")
            counts[status] += 1
            if status != "killed":
                survivors.append((name, status))
    return by_module, survivors


def score(counts):
    """Killed (timeouts count as killed, as mutmut counts them) over all mutants."""
    total = sum(counts.values())
    return 100.0 * (counts["killed"] + counts["timeout"]) / total if total else float("nan")


def describe(name):
    """mutmut's diff of one mutant (the changed lines only)."""
    out = subprocess.run([sys.executable, "-m", "mutmut", "show", name], cwd=WORK,
                         capture_output=True, text=True, env=environment()).stdout  # fmt: skip
    return [ln for ln in out.splitlines() if ln[:1] in "+-" and ln[:3] not in ("+++", "---")]


def environment():
    return {**os.environ, "NUMBA_DISABLE_JIT": "1", "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}


def report(by_module, survivors, seconds, name="mutation"):
    total = sum(by_module.values(), Counter())
    lines = ["# Mutation testing (mutmut, `make mutation`)", "",
             f"Run time {seconds / 60:.1f} min on {os.cpu_count()} cores.", "",
             "| module | mutants | killed | timeout | survived | no tests | score |",
             "| --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    for module, c in sorted(by_module.items()) + [("**all**", total)]:
        row = [sum(c.values()), c["killed"], c["timeout"], c["survived"], c["no tests"]]
        lines.append(f"| {module} | " + " | ".join(map(str, row)) + f" | {score(c):.1f}% |")
    lines += ["", "## Mutants not killed", ""]
    for mutant, status in survivors:
        lines.append(f"- `{mutant}` ({status})")
        lines += [f"    {d}" for d in describe(mutant)[:6]]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.md").write_text("\n".join(lines) + "\n")
    data = {m: dict(c, score=score(c)) for m, c in by_module.items()}
    data["all"] = dict(total, score=score(total))
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(data, indent=1, sort_keys=True))
    print("\n".join(lines[: len(by_module) + 7]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="modules under ffnn/ (default: all)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--report-only", action="store_true", help="re-read the last run")
    parser.add_argument("--work", type=Path, default=WORK, help="scratch folder (.mutation/)")
    args = parser.parse_args(argv)
    use_work_folder(args.work)
    start = time.perf_counter()
    if not args.report_only:
        prepare(args.modules)
        log = WORK / "mutmut.log"  # its progress spinner, kept out of the terminal
        with open(log, "w") as out:
            done = subprocess.run(
                [sys.executable, "-m", "mutmut", "run", "--max-children", str(args.jobs)],
                cwd=WORK, env=environment(), stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        if done.returncode != 0:
            sys.exit(f"mutmut failed (exit {done.returncode}); see {log}")
    by_module, survivors = collect()
    name = "-".join(["mutation", *args.modules])  # mutation.md for the whole library
    report(by_module, survivors, time.perf_counter() - start, name)


if __name__ == "__main__":
    main()
