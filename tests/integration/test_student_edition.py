"""The student edition (``make student``, autograder/student_edition.py): built into a temporary
folder, it holds the lectures, the released assignments, the library and the student's own
set-up files, and nothing of the instructor's: no solution, hidden test, mark scheme, source
notebook, gradebook or grading configuration. The zip holds the same files. From a fresh copy
unpacked from the zip, its ``make test`` passes and its ``make lab`` serves the lectures and
the assignments, with nbgrader's Validate working on an assignment.

The fresh copy's environment: installing the packages from PyPI takes minutes and a network,
so the tests stand a venv in for it -- a venv of the base interpreter whose site-packages
lists the copy's ``lib/`` first and then the project's .venv packages (as ``pip install -e .``
would), with the project's ``etc/jupyter`` and ``share/jupyter`` (server and lab extensions,
as pip installs them) -- and a stamp, so the Makefile skips its install step. That the
student pyproject.toml installs the right files is checked by building its wheel.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import tomllib
import yaml

from autograder import ROOT, student_edition
from tests.jupyterlab_server import free_port

SOURCE = ROOT / "source"
ASSIGNMENTS = sorted(p.parent.name for p in SOURCE.glob("*/*.ipynb") if p.stem == p.parent.name)
LECTURES = sorted(p.name for p in (ROOT / "course").glob("[0-9][0-9]_*.ipynb"))
OWN_FILES = {
    "README.md", "LICENSE", "Makefile", "pyproject.toml", "environment.yml", "check_install.py",
    "nbgrader_config.py", ".jupyter/jupyter_server_config.json",
    ".jupyter/labconfig/page_config.json",
}  # fmt: skip
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
           "BEGIN MARK SCHEME")  # fmt: skip

# Lines of the source notebooks' solutions and hidden tests that the edition may hold, each
# for its reason: the same maths written the same way in the library or in a lecture
# notebook's model solution (the lectures teach it; the assignments ask for it in the
# student's own code). Any other shared line is a leak.
SHARED_ON_PURPOSE = {
    "return h * (1.0 - h)": "ffnn.activations: the sigmoid's derivative (notebook 02)",
    "return rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=(n_in, n_out))":
        "ffnn.init.xavier_normal, which a5 cites (notebook 08)",
    "return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))":
        "ffnn.init.he_normal, which a5 cites (notebook 08)",
    "E = np.exp(A - A.max(axis=1, keepdims=True))": "notebook 04, exercise 04.3: stable softmax",
    "return E / E.sum(axis=1, keepdims=True)": "notebook 04, exercise 04.3: stable softmax",
    "got = softmax(A.copy())": "the judge of exercise 04.3 (ffnn.selfcheck.nb04)",
    "Y /= Y.sum(axis=1, keepdims=True)": "softmax normalisation (ffnn.selfcheck.nb10)",
    "for l in range(L - 1, -1, -1):": "the backward loop over layers (ffnn.network, ffnn.train)",
    "norm = np.linalg.norm(g)": "clipping by norm (ffnn.reference, notebook 08)",
    "for start in range(0, n, batch_size):": "the mini-batch loop (ffnn.train)",
    "order = rng.permutation(n)": "shuffling (ffnn.widgets.descent)",
}  # fmt: skip


def norm(line):
    return re.sub(r"\s+", " ", line).strip()


def cells(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))["cells"]


def text(cell):
    return "".join(cell["source"])


def between(source, begin, end):
    """The lines between each ``begin`` and ``end`` marker line."""
    blocks, block = [], None
    for line in source.splitlines():
        if begin in line:
            block = []
        elif end in line and block is not None:
            blocks.append(block)
            block = None
        elif block is not None:
            block.append(line)
    return blocks


def secret_blocks():
    """Every solution region, hidden-test region and model written answer of source/, as
    lists of lines (assignment, lines)."""
    found = []
    for aid in ASSIGNMENTS:
        for cell in cells(SOURCE / aid / f"{aid}.ipynb"):
            src, grading = text(cell), cell["metadata"].get("nbgrader", {})
            found += [(aid, b) for b in between(src, "### BEGIN SOLUTION", "### END SOLUTION")]
            found += [(aid, b) for b in between(src, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")]
            if cell["cell_type"] == "markdown" and grading.get("solution"):
                found.append((aid, src.splitlines()))
    return found


def secret_lines():
    """Normalised lines of the secret blocks that say something (20 characters or more, not
    a comment) and that the released notebook does not show anyway: line -> assignment."""
    public = {
        norm(line)
        for aid in ASSIGNMENTS
        for cell in cells(ROOT / "release" / aid / f"{aid}.ipynb")
        for line in text(cell).splitlines()
    }
    lines = {}
    for aid, block in secret_blocks():
        for line in block:
            n = norm(line)
            if len(n) >= 20 and not n.startswith("#") and n not in public:
                lines[n] = aid
    return lines


def file_lines(path):
    if path.suffix == ".ipynb":
        return [line for cell in cells(path) for line in text(cell).splitlines()]
    return path.read_bytes().decode("utf-8", errors="replace").splitlines()


def leaks(edition, secrets):
    """(file, line, assignment) for every secret line found in the edition's files, and every
    whole secret block of two or more lines found in a file's text."""
    found = []
    blocks = [(aid, norm("\n".join(b))) for aid, b in secret_blocks() if len(b) >= 2]
    for path in sorted(p for p in Path(edition).rglob("*") if p.is_file()):
        lines = file_lines(path)
        rel = path.relative_to(edition)
        found += [(str(rel), norm(x), secrets[norm(x)]) for x in lines if norm(x) in secrets]
        whole = norm("\n".join(lines))
        found += [(str(rel), b[:60], aid) for aid, b in blocks if len(b) >= 40 and b in whole]
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    edition, zip_path = student_edition.build(dist)
    assert edition == dist / "student" and zip_path == dist / "ffnn-student.zip"
    return edition, zip_path


def edition_files(edition):
    return {p.relative_to(edition).as_posix() for p in Path(edition).rglob("*") if p.is_file()}


def test_the_edition_holds_the_student_material_and_nothing_else(built):
    edition, _ = built
    library = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "lib" / "ffnn").rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and (p.suffix == ".py" or p.parent.name == "data")
    }
    expected = (
        {f"course/{name}" for name in [*LECTURES, "README.md", "SYLLABUS.md"]}
        | {f"release/{aid}/{aid}.ipynb" for aid in ASSIGNMENTS}
        | library
        | OWN_FILES
    )
    assert edition_files(edition) == expected
    for aid in ASSIGNMENTS:  # the released notebooks exactly as nbgrader wrote them
        rel = f"release/{aid}/{aid}.ipynb"
        assert (edition / rel).read_bytes() == (ROOT / rel).read_bytes(), rel
    for name in ["11_playground.ipynb", "README.md"]:
        assert (edition / "course" / name).read_bytes() == (ROOT / "course" / name).read_bytes()


def test_no_instructor_file_or_marker_anywhere(built):
    edition, _ = built
    for rel in edition_files(edition):
        parts = set(Path(rel).parts)
        assert not parts & {"source", "autograder", "tests", "benchmarks", ".git", "__pycache__",
                            "submitted", "autograded", "feedback", ".state"}, rel  # fmt: skip
        assert not rel.endswith((".db", ".nbi", ".nbc", ".pyc")), rel
        assert "gradebook" not in rel, rel
        data = (edition / rel).read_bytes().decode("utf-8", errors="replace")
        for marker in MARKERS:
            assert marker not in data, f"{rel} contains {marker!r}"
    assert student_edition.problems(edition) == []


def test_no_source_notebook_or_instructor_cell_is_inside(built):
    """No source notebook, and no cell of one that holds a solution, a hidden test or a model
    answer (the released notebooks hold those cells with the instructor parts removed)."""
    edition, _ = built
    notebooks = {p.relative_to(edition): p.read_bytes() for p in edition.rglob("*.ipynb")}
    shipped = {norm(text(c)): rel for rel in notebooks for c in cells(edition / rel)}
    for aid in ASSIGNMENTS:
        source = SOURCE / aid / f"{aid}.ipynb"
        assert source.read_bytes() not in notebooks.values(), f"source/{aid} is inside"
        instructor = [
            text(c)
            for c in cells(source)
            if "SOLUTION" in text(c)
            or "HIDDEN TESTS" in text(c)
            or (c["cell_type"] == "markdown" and c["metadata"].get("nbgrader", {}).get("solution"))
        ]
        assert len(instructor) >= 5, f"source/{aid}: its solution cells were not found"
        for cell in instructor:
            assert norm(cell) not in shipped, f"{shipped.get(norm(cell))}: a cell of source/{aid}"


def test_no_solution_or_hidden_test_text_is_inside(built):
    edition, _ = built
    secrets = secret_lines()
    assert len(secrets) > 500, "the source notebooks' solutions were not read"
    found = leaks(edition, secrets)
    unexpected = sorted({(f, line, aid) for f, line, aid in found if line not in SHARED_ON_PURPOSE})
    assert not unexpected, "solution or hidden-test text in the edition:\n" + "\n".join(
        f"{f}: {line!r} (from {aid})" for f, line, aid in unexpected
    )


def test_the_leak_scan_finds_a_planted_solution(built, tmp_path):
    """The scan above must catch what it looks for: one solution line planted in the library,
    one hidden test in a lecture notebook, one model answer in the README."""
    edition, _ = built
    copy = tmp_path / "student"
    shutil.copytree(edition, copy)
    secrets = secret_lines()
    blocks = secret_blocks()
    solution = next(x for aid, b in blocks for x in b if norm(x) in secrets and "=" in x)
    hidden = next(b for aid, b in blocks if len(norm("\n".join(b))) >= 40 and "check_close" in
                  "\n".join(b))  # fmt: skip
    with open(copy / "lib" / "ffnn" / "metrics.py", "a", encoding="utf-8") as f:
        f.write("\n" + solution + "\n")
    nb_path = copy / "course" / LECTURES[0]
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [],
                        "execution_count": None, "source": "\n".join(hidden)})  # fmt: skip
    nb_path.write_text(json.dumps(nb), encoding="utf-8")
    found = {f for f, _, _ in leaks(copy, secrets)}
    assert {"lib/ffnn/metrics.py", f"course/{LECTURES[0]}"} <= found


def test_the_zip_holds_the_same_files(built):
    edition, zip_path = built
    prefix = student_edition.ZIP_FOLDER + "/"
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
        assert all(n.startswith(prefix) for n in names), names[:3]
        assert {n[len(prefix) :] for n in names} == edition_files(edition)
        for name in names:
            assert zf.read(name) == (edition / name[len(prefix) :]).read_bytes(), name


def test_the_build_is_repeatable_and_refuses_instructor_content(built, tmp_path):
    _, zip_path = built
    _, again = student_edition.build(tmp_path / "dist")
    assert again.read_bytes() == zip_path.read_bytes()
    planted = tmp_path / "dist" / "student" / "release" / "a0"
    planted.mkdir()
    (planted / "a0.ipynb").write_text("### BEGIN SOLUTION\nx = 1\n", encoding="utf-8")
    (tmp_path / "dist" / "student" / "gradebook.db").write_bytes(b"")
    found = "\n".join(student_edition.problems(tmp_path / "dist" / "student"))
    assert "release/a0/a0.ipynb: contains 'BEGIN SOLUTION'" in found
    assert "gradebook.db" in found


def test_a_course_link_to_a_missing_file_is_refused(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    (course / "README.md").write_text("![a figure](figures/missing.png)\n", encoding="utf-8")
    (course / "SYLLABUS.md").write_text("[notes](https://example.org/x.pdf) [me](#top)\n")
    with pytest.raises(ValueError, match="missing.png"):
        student_edition.course_files(tmp_path)
    (course / "figures").mkdir()
    (course / "figures" / "missing.png").write_bytes(b"png")
    assert Path("course/figures/missing.png") in student_edition.course_files(tmp_path)


def test_pyproject_and_environment_carry_the_runtime_dependencies_only(built):
    edition, _ = built
    ours = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    theirs = tomllib.loads((edition / "pyproject.toml").read_text(encoding="utf-8"))
    assert theirs["build-system"] == ours["build-system"]
    assert theirs["project"]["dependencies"] == ours["project"]["dependencies"]
    assert theirs["project"]["license"] == "MIT"
    assert "optional-dependencies" not in theirs["project"]
    assert set(theirs["tool"]) == {"setuptools"}
    assert theirs["tool"]["setuptools"] == ours["tool"]["setuptools"]
    env = yaml.safe_load((edition / "environment.yml").read_text(encoding="utf-8"))
    wanted = [d.replace(" ", "") for d in ours["project"]["dependencies"]]
    python = "python" + ours["project"]["requires-python"]
    assert env["dependencies"] == [python, *wanted, "pip", {"pip": ["-e ."]}]
    for extra in ("pytest", "ruff", "playwright", "torch", "mutmut"):
        for name in ("environment.yml", "pyproject.toml"):
            assert extra not in (edition / name).read_text(encoding="utf-8"), (extra, name)


def test_the_validate_config_holds_nothing_about_grading(built):
    from traitlets.config.loader import PyFileConfigLoader

    edition, _ = built
    config = PyFileConfigLoader("nbgrader_config.py", path=str(edition)).load_config()
    assert {k: dict(v) for k, v in config.items()} == {
        "Execute": {"timeout": student_edition.grading_timeout()}
    }


@pytest.mark.slow
def test_the_student_pyproject_builds_a_wheel_with_the_whole_library(built, tmp_path, require):
    """pip builds the edition's library without the network (no build isolation): every
    module and the data, MIT as an SPDX expression, no extras."""
    import setuptools

    edition = tmp_path / "student"  # a copy: the build writes lib/ffnn.egg-info next to lib/
    shutil.copytree(built[0], edition)
    major = int(setuptools.__version__.split(".")[0])
    require("setuptools>=77", major >= 77, "the SPDX licence string needs setuptools>=77")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path / "wheel"), str(edition)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "warning" not in result.stderr.lower(), result.stderr
    (wheel,) = (tmp_path / "wheel").glob("ffnn-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        metadata = zf.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    library = {n for n in edition_files(built[0]) if n.startswith("lib/")}
    assert {n.removeprefix("lib/") for n in library} <= names
    assert "License-Expression: MIT" in metadata
    assert "Provides-Extra" not in metadata


# --- the two commands, from a fresh copy -------------------------------------------------


@pytest.fixture(scope="module")
def fresh_copy(built, tmp_path_factory, require):
    """The zip unpacked into a new folder, with a stand-in for its .venv (module docstring)."""
    require("make", shutil.which("make"), "Debian package make")
    _, zip_path = built
    base = tmp_path_factory.mktemp("fresh")
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(base)
    copy = base / student_edition.ZIP_FOLDER
    venv = base / "venv"
    base_python = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base_python, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    ours = sysconfig.get_paths()["purelib"]
    Path(site, "_ffnn_student.pth").write_text(f"{copy / 'lib'}\n", encoding="utf-8")
    Path(site, "zz_course_packages.pth").write_text(
        f"import site; site.addsitedir({ours!r})\n", encoding="utf-8"
    )
    for folder in ("etc/jupyter", "share/jupyter"):
        (venv / folder).parent.mkdir(parents=True, exist_ok=True)
        (venv / folder).symlink_to(Path(sys.prefix) / folder)
    (venv / ".installed").touch()  # newer than pyproject.toml: make skips its install step
    return copy, venv


def private_jupyter_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if k not in {"JUPYTER_CONFIG_PATH", "VIRTUAL_ENV"}}
    for name, folder in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                         ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                         ("JUPYTERLAB_WORKSPACES_DIR", "workspaces")):  # fmt: skip
        env[name] = str(tmp_path / folder)
    env.update(extra)
    return env


@pytest.mark.slow
def test_make_test_passes_in_a_fresh_copy(fresh_copy, tmp_path):
    copy, venv = fresh_copy
    result = subprocess.run(
        ["make", "test", f"VENV={venv}"], cwd=copy, capture_output=True, text=True,
        env=private_jupyter_env(tmp_path), timeout=1800,
    )  # fmt: skip
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    assert f"ffnn from {copy / 'lib' / 'ffnn'}" in out, out[:500]
    for name in LECTURES:
        assert re.search(rf"^ok +lecture +course/{re.escape(name)} ", out, re.MULTILINE), name
    for aid in ASSIGNMENTS:
        assert re.search(rf"^ok +assignment +release/{aid}/{aid}.ipynb ", out, re.MULTILINE), aid
    assert f"all {len(LECTURES) + len(ASSIGNMENTS)} notebooks ran" in out


@pytest.mark.slow
def test_the_install_check_fails_on_a_broken_notebook(fresh_copy, tmp_path):
    """check_install.py reports what a broken install would look like: a lecture cell that
    fails, an assignment whose set-up cell cannot import the library."""
    copy, venv = fresh_copy
    broken = tmp_path / "broken"
    (broken / "course").mkdir(parents=True)
    (broken / "release" / "a1").mkdir(parents=True)
    lecture = json.loads((copy / "course" / LECTURES[0]).read_text(encoding="utf-8"))
    lecture["cells"].insert(
        1,
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": "import ffnn.missing",
        },
    )
    (broken / "course" / "01_broken.ipynb").write_text(json.dumps(lecture), encoding="utf-8")
    aid = ASSIGNMENTS[0]
    release = (copy / "release" / aid / f"{aid}.ipynb").read_text(encoding="utf-8")
    assert "from ffnn.exercises import" in release
    (broken / "release" / "a1" / "a1.ipynb").write_text(
        release.replace("from ffnn.exercises import", "from ffnn.exercisez import"),
        encoding="utf-8",
    )
    shutil.copy(copy / "check_install.py", broken)
    result = subprocess.run(
        [venv / "bin" / "python", "check_install.py"], cwd=broken, capture_output=True,
        text=True, env=private_jupyter_env(tmp_path), timeout=900,
    )  # fmt: skip
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert re.search(r"FAIL lecture +course/01_broken.ipynb", out), out
    assert "ModuleNotFoundError" in out and "ffnn.missing" in out, out
    assert re.search(r"FAIL assignment +release/a1/a1.ipynb", out), out
    assert "ffnn.exercisez" in out, out
    assert "2 of 2 notebooks failed" in out


def solved_copy(aid):
    """The released notebook with the source notebook's answers filled in (markers removed)."""
    released = json.loads((ROOT / "release" / aid / f"{aid}.ipynb").read_text(encoding="utf-8"))
    answers = {
        c["metadata"]["nbgrader"]["grade_id"]: text(c)
        for c in cells(SOURCE / aid / f"{aid}.ipynb")
        if c["metadata"].get("nbgrader", {}).get("solution")
    }
    for cell in released["cells"]:
        grading = cell["metadata"].get("nbgrader", {})
        if grading.get("solution"):
            lines = answers[grading["grade_id"]].splitlines(keepends=True)
            cell["source"] = "".join(x for x in lines if "### " not in x or "SOLUTION" not in x)
    return released


def get_json(opener, url):
    with opener.open(url, timeout=30) as response:
        return json.loads(response.read())


@pytest.mark.slow
def test_make_lab_serves_lectures_and_assignments_and_validates(fresh_copy, tmp_path):
    copy, venv = fresh_copy
    aid = ASSIGNMENTS[0]
    solved = copy / "release" / aid / "solved_by_the_test.ipynb"
    solved.write_text(json.dumps(solved_copy(aid)), encoding="utf-8")
    port = free_port()
    lab_args = ("--no-browser --ServerApp.ip=127.0.0.1 --IdentityProvider.token= "
                "--ServerApp.password= --LabApp.news_url=")  # fmt: skip
    log = open(tmp_path / "lab.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        ["make", "lab", f"VENV={venv}", f"PORT={port}", f"LAB_ARGS={lab_args}"],
        cwd=copy, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env=private_jupyter_env(tmp_path, FFNN_STUDENT_ID="install-check"),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar := CookieJar()))
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                opener.open(f"{url}/api/status", timeout=5).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("make lab did not start:\n" + (tmp_path / "lab.log").read_text())
                time.sleep(0.5)
        with opener.open(f"{url}/", timeout=30) as response:  # opens on the lectures
            assert urllib.parse.urlparse(response.url).path == "/lab/tree/course"
        top = {c["name"] for c in get_json(opener, f"{url}/api/contents")["content"]}
        assert {"course", "release"} <= top
        listing = get_json(opener, f"{url}/api/contents/course")["content"]
        course = {c["name"]: c["type"] for c in listing}
        assert all(course.get(name) == "notebook" for name in LECTURES), course
        release = {c["name"] for c in get_json(opener, f"{url}/api/contents/release")["content"]}
        assert set(ASSIGNMENTS) <= release
        notebook = get_json(opener, f"{url}/api/contents/release/{aid}/{aid}.ipynb")
        assert notebook["type"] == "notebook" and notebook["content"]["cells"]
        with pytest.raises(urllib.error.HTTPError) as err:  # instructor tools are off
            opener.open(f"{url}/formgrader", timeout=30)
        assert err.value.code == 404
        xsrf = next(c.value for c in jar if c.name == "_xsrf")

        def validate(path):
            body = urllib.parse.urlencode({"path": path}).encode()
            request = urllib.request.Request(
                f"{url}/assignments/validate", data=body, headers={"X-XSRFToken": xsrf}
            )
            with opener.open(request, timeout=600) as response:
                return json.loads(response.read())

        as_released = validate(f"release/{aid}/{aid}.ipynb")
        assert as_released["success"], as_released
        assert as_released["value"]["failed"], "the unanswered assignment passed Validate"
        answered = validate(f"release/{aid}/{solved.name}")
        assert answered == {"success": True, "value": {}}, answered
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
        solved.unlink()
