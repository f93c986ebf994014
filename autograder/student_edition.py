"""``make student``: the student edition, the course without its solutions.

``python -m autograder.student_edition [DIST]`` writes ``DIST/student/`` (default
``dist/student/``) and the same files in ``DIST/ffnn-student.zip`` (under one folder,
``ffnn-student/``). What goes in, and nothing else:

* ``course/``: the lecture notebooks, ``README.md``, ``SYLLABUS.md`` and any local file a
  notebook or page links to;
* ``release/``: the assignments as nbgrader released them;
* ``lib/ffnn/``: the library (its modules and its data; no caches);
* ``pyproject.toml`` and ``environment.yml``: the project's own, with the runtime
  dependencies only;
* from ``autograder/student/``: the student README, the Makefile (``make lab``,
  ``make test``), ``check_install.py`` (what ``make test`` runs), an ``nbgrader_config.py``
  for the Validate button only, and ``.jupyter/`` (nbgrader's instructor tools switched off).

Before zipping, :func:`problems` checks the edition for solution and hidden-test markers,
instructor folders, gradebooks, grading configuration and caches; the build fails on any.
"""

import json
import os
import re
import shutil
import sys
import zipfile
from pathlib import Path

from autograder import ROOT

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

TEMPLATES = Path(__file__).resolve().parent / "student"
ZIP_NAME = "ffnn-student.zip"
ZIP_FOLDER = "ffnn-student"
ZIP_DATE = (2020, 1, 1, 0, 0, 0)  # every entry gets this date: the zip depends on content only

COURSE_PAGES = ("README.md", "SYLLABUS.md")
# files the notebooks write into course/ when run (git-ignored): never shipped
COURSE_OUTPUTS = {"playground_weights.npz", "playground.png"}
LIBRARY_SKIP = ("__pycache__", "*.pyc", "*.nbi", "*.nbc", "*.egg-info", ".ipynb_checkpoints")

# text that marks instructor content (nbgrader's markers and the instructor config)
MARKERS = (
    "BEGIN SOLUTION",
    "END SOLUTION",
    "BEGIN HIDDEN TESTS",
    "END HIDDEN TESTS",
    "BEGIN MARK SCHEME",
    "CourseDirectory",
    "autograde_preprocessors",
)
FORBIDDEN_PARTS = {
    "source", "autograder", "tests", "benchmarks", "submitted", "autograded", "feedback",
    ".git", "__pycache__", ".ipynb_checkpoints", ".state", "dist",
}  # fmt: skip
FORBIDDEN_SUFFIXES = (".db", ".nbi", ".nbc", ".pyc", ".sqlite")

TIMEOUT = re.compile(r"^c\.Execute\.timeout\s*=\s*(\d+)", re.MULTILINE)
# links and images in markdown and notebooks: [text](target), ![alt](target), src="target"
LINK = re.compile(r"\]\(([^)\s]+)\)|src=\\?[\"']([^\"'\\]+)")


def _local_target(link):
    """The file part of a relative link, or None for web links and anchors."""
    target = link.split("#")[0].split("?")[0]
    if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("/"):
        return None
    return target


def course_files(root=ROOT):
    """Paths (relative to root) of course/: notebooks, its pages and the local files they
    link to. A link to a missing file, or outside course/ and release/, is a ValueError."""
    root = Path(root).resolve()
    course = root / "course"
    pages = sorted(course.glob("*.ipynb")) + [course / name for name in COURSE_PAGES]
    files = set()
    for page in pages:
        if not page.is_file():
            raise ValueError(f"expected the course page {page.relative_to(root)}: missing")
        files.add(page)
        for match in LINK.finditer(page.read_text(encoding="utf-8")):
            target = _local_target(match.group(1) or match.group(2))
            if target is None:
                continue
            path = (page.parent / target).resolve()
            if path.is_relative_to(root / "release") and path.exists():
                continue  # an assignment: shipped anyway
            if not path.is_relative_to(course) or not path.is_file():
                raise ValueError(
                    f"{page.relative_to(root)} links to {target!r}: expected a file inside "
                    "course/ that exists"
                )
            if path.name not in COURSE_OUTPUTS:
                files.add(path)
    return sorted(p.relative_to(root) for p in files)


def released_files(root=ROOT):
    """Paths (relative to root) of the released assignments: release/<id>/ as generated."""
    release = Path(root) / "release"
    found = sorted(
        p.relative_to(root)
        for p in release.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(release).parts)
    )
    if not any(p.suffix == ".ipynb" for p in found):
        raise ValueError(f"expected released assignments in {release}: run `make release`")
    return found


def library_files(root=ROOT):
    """Paths (relative to root) of lib/ffnn: modules and package data, no caches."""
    root = Path(root)
    skip = shutil.ignore_patterns(*LIBRARY_SKIP)
    found = []
    for folder, subfolders, names in os.walk(root / "lib" / "ffnn"):
        subfolders[:] = sorted(set(subfolders) - skip(folder, subfolders))
        found += [Path(folder, n).relative_to(root) for n in names if n not in skip(folder, names)]
    return sorted(found)


def student_pyproject(root=ROOT):
    """The project's pyproject.toml cut down to what installs the library: build system,
    name, version, licence, Python and the runtime dependencies (no extras, no tool
    settings)."""
    data = tomllib.loads((Path(root) / "pyproject.toml").read_text(encoding="utf-8"))
    project, build = data["project"], data["build-system"]
    licence = project.get("license")
    if not isinstance(licence, str):
        raise ValueError(f"expected an SPDX licence string in pyproject.toml, got {licence!r}")
    setuptools = data.get("tool", {}).get("setuptools", {})

    def q(value):
        return json.dumps(value, ensure_ascii=False)

    def array(values, indent="    "):
        return "[\n" + "".join(f"{indent}{q(v)},\n" for v in values) + "]"

    lines = [
        "# The course library as a student installs it (`make lab` runs `pip install -e .`).",
        "[build-system]",
        f"requires = {q(build['requires'])}",
        f"build-backend = {q(build['build-backend'])}",
        "",
        "[project]",
        f"name = {q(project['name'])}",
        f"version = {q(project['version'])}",
        f"description = {q(project['description'])}",
        'readme = "README.md"',
        f"requires-python = {q(project['requires-python'])}",
        f"license = {q(licence)}",
        f"dependencies = {array(project['dependencies'])}",
        "",
        "[tool.setuptools]",
        f'package-dir = {{ "" = {q(setuptools["package-dir"][""])} }}',
        "",
        "[tool.setuptools.packages.find]",
        f"where = {q(setuptools['packages']['find']['where'])}",
        "",
        "[tool.setuptools.package-data]",
        *(f"{k} = {q(v)}" for k, v in setuptools.get("package-data", {}).items()),
    ]
    return "\n".join(lines) + "\n"


def student_environment(root=ROOT):
    """environment.yml for conda: Python and the runtime dependencies, then the library."""
    data = tomllib.loads((Path(root) / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    deps = [re.sub(r"\s+", "", d) for d in project["dependencies"]]
    lines = [
        "# conda env create -f environment.yml; conda activate ffnn-course;",
        "# then `make lab VENV=$CONDA_PREFIX` (README.md).",
        "name: ffnn-course",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python{project['requires-python']}",
        *(f"  - {d}" for d in deps),
        "  - pip",
        "  - pip:",
        "      - -e .",
    ]
    return "\n".join(lines) + "\n"


def grading_timeout(root=ROOT):
    """Seconds per cell the course's grader allows (c.Execute.timeout in nbgrader_config.py)."""
    match = TIMEOUT.search((Path(root) / "nbgrader_config.py").read_text(encoding="utf-8"))
    if not match:
        raise ValueError("expected `c.Execute.timeout = <seconds>` in nbgrader_config.py")
    return int(match.group(1))


def problems(edition):
    """What must not be in a student edition, as a list of 'path: reason' strings."""
    edition = Path(edition)
    found = []
    for path in sorted(edition.rglob("*")):
        rel = path.relative_to(edition)
        if set(rel.parts) & FORBIDDEN_PARTS:
            found.append(f"{rel}: instructor folder or cache")
            continue
        if not path.is_file():
            continue
        if path.suffix in FORBIDDEN_SUFFIXES or "gradebook" in path.name:
            found.append(f"{rel}: gradebook, database or compiled cache")
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        found += [f"{rel}: contains {m!r}" for m in MARKERS if m in text]
    return found


def _copy(src, dst):
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


def write_zip(edition, zip_path):
    """Every file of ``edition`` in ``zip_path`` under ZIP_FOLDER/, in a fixed order and
    with a fixed date (the same content gives the same zip)."""
    files = sorted(p for p in Path(edition).rglob("*") if p.is_file())
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in files:
            info = zipfile.ZipInfo(f"{ZIP_FOLDER}/{path.relative_to(edition).as_posix()}", ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())
    return zip_path


def build(dist=ROOT / "dist", root=ROOT):
    """Write ``dist/student/`` and ``dist/ffnn-student.zip``; return both paths."""
    root, dist = Path(root), Path(dist)
    edition = dist / "student"
    if edition.exists():
        shutil.rmtree(edition)
    edition.mkdir(parents=True)
    for rel in [*course_files(root), *released_files(root), *library_files(root)]:
        _copy(root / rel, edition / rel)
    for name in ("README.md", "Makefile", "check_install.py"):
        _copy(TEMPLATES / name, edition / name)
    _copy(root / "LICENSE", edition / "LICENSE")
    shutil.copytree(TEMPLATES / "jupyter", edition / ".jupyter")
    config = (TEMPLATES / "nbgrader_config.py").read_text(encoding="utf-8")
    config = TIMEOUT.sub(f"c.Execute.timeout = {grading_timeout(root)}", config)
    (edition / "nbgrader_config.py").write_text(config, encoding="utf-8")
    (edition / "pyproject.toml").write_text(student_pyproject(root), encoding="utf-8")
    (edition / "environment.yml").write_text(student_environment(root), encoding="utf-8")
    bad = problems(edition)
    if bad:
        raise RuntimeError("the student edition holds instructor content:\n" + "\n".join(bad))
    zip_path = write_zip(edition, dist / ZIP_NAME)
    return edition, zip_path


def _size(path):
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1:
        sys.exit("usage: python -m autograder.student_edition [DIST folder, default dist/]")
    edition, zip_path = build(Path(args[0]).resolve() if args else ROOT / "dist")
    n, size = _size(edition)
    print(f"{edition}: {n} files, {size / 1e6:.2f} MB")
    print(f"{zip_path}: {zip_path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
