"""Nothing a user reads names a path outside the repository (issue 15). Users get the
repository and nothing else: the lecture notes are cited by label, author and section
(course/SYLLABUS.md), never by a folder such as ``../shared/lectures``, and no notebook,
markdown file, assignment or library docstring may point at the authors' machines.

``path_problems(root)`` scans, under ``root``:
* the notebooks of course/, source/ and release/ (every cell's source: markdown and code);
* every markdown file (hidden, generated and git-ignored folders aside);
* the library's Python sources under lib/ (docstrings and comments are read by users too).
It reports markdown links and image sources (``[text](target)``, ``![alt](src)``,
``<img src>``, ``<a href>``, reference definitions) whose target is an absolute path, a
``file:`` URL or a relative path leading out of ``root``; any other ``../`` path leading
out of ``root``; absolute filesystem paths such as ``/work/...``, ``/home/...`` or
``/tmp/...``; and any mention of ``../shared`` or ``shared/lectures``.
"""

import os
import re
from pathlib import Path

import nbformat
import pytest

from autograder import ROOT

NOTEBOOK_DIRS = ("course", "source", "release")
SKIP_DIRS = {"__pycache__", "node_modules", "dist", "build", "site-packages"}
SKIP_PATHS = {"autograder/submitted", "autograder/autograded", "autograder/feedback"}

# [text](target "title") and ![alt](target); <img src=...>, <a href=...>; [id]: target
LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)")
HTML = re.compile(r"""<(?:img|a|source)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.I)
REFERENCE = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# /work/..., /home/..., /tmp/... not glued to a word, a URL host, a path or a ~ before it
ABSOLUTE = re.compile(
    r"(?<![\w.~/:-])/(?:work|home|tmp|root|Users|mnt|opt|srv|var|etc|usr|private|scratch|data)"
    r"/[\w.-]"
)
# where a deployment puts things, named in the instructor guides as examples (nbgrader's
# documented system config, a shared exchange, a JupyterHub grader account, Debian's
# Chromium): paths on the users' machines, not the authors'
DEPLOYMENT_PATHS = ("/srv/nbgrader/", "/etc/jupyter/", "/home/grader-ffnn/", "/usr/bin/chromium")
WINDOWS = re.compile(r"(?<![\w])[A-Za-z]:\\[\w.-]")
SHARED = re.compile(r"\.\./+shared\b|\bshared/lectures\b")
PARENT = re.compile(r"(?:\.\./)+[^\s)\]'\"`>,;]*")


def outside(root, base, target):
    """True when the relative path ``target``, read from folder ``base``, leaves ``root``."""
    resolved = os.path.normpath(os.path.join(base, target))
    root = os.path.normpath(root)
    return resolved != root and not resolved.startswith(root + os.sep)


def link_problems(text, root, base):
    """What is wrong with the links and image sources of ``text``."""
    found = []
    targets = LINK.findall(text) + HTML.findall(text) + REFERENCE.findall(text)
    for target in targets:
        if target.lower().startswith("file:"):
            found.append(f"a link to a file: URL ({target})")
        elif SCHEME.match(target) or target.startswith("#"):
            continue  # https:, mailto:, an anchor in the same page
        elif target.startswith(("/", "\\", "~")):
            found.append(f"a link to an absolute path ({target})")
        elif outside(root, base, target.split("#")[0].split("?")[0]):
            found.append(f"a link leading out of the repository ({target})")
    return found


def text_problems(text, root, base):
    """What in ``text`` (from a file in folder ``base`` under ``root``) names a path
    outside the repository."""
    found = link_problems(text, root, base)
    for pattern, what in ((ABSOLUTE, "an absolute path"), (WINDOWS, "a Windows path")):
        for m in pattern.finditer(text):
            if pattern is ABSOLUTE and text.startswith(DEPLOYMENT_PATHS, m.start()):
                continue
            found.append(f"{what} ({text[m.start() : m.start() + 40].split()[0]})")
    for m in SHARED.finditer(text):
        found.append(f"the lecture notes' folder outside the repository ({m.group(0)})")
    for m in PARENT.finditer(text):
        if outside(root, base, m.group(0)):
            found.append(f"a relative path leading out of the repository ({m.group(0)})")
    return found


def user_files(root):
    """The files a user reads: (path, list of texts)."""
    root = Path(root)
    for folder in NOTEBOOK_DIRS:
        for path in sorted((root / folder).rglob("*.ipynb")):
            if ".ipynb_checkpoints" not in path.parts:
                nb = nbformat.read(path, as_version=4)
                yield path, [cell.source for cell in nb.cells]
    for dirpath, dirnames, filenames in os.walk(root):
        rel = Path(dirpath).relative_to(root).as_posix()
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".")
            and d not in SKIP_DIRS
            and not d.endswith(".egg-info")
            and (f"{rel}/{d}" if rel != "." else d) not in SKIP_PATHS
        )
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.endswith(".md") or (name.endswith(".py") and path.is_relative_to(root / "lib")):
                yield path, [path.read_text(encoding="utf-8")]


def path_problems(root):
    """Every place under ``root`` that names a path outside it: 'file: problem' lines."""
    found = []
    for path, texts in user_files(root):
        for text in texts:
            for problem in text_problems(text, str(root), str(path.parent)):
                found.append(f"{path.relative_to(root)}: {problem}")
    return found


def test_nothing_users_read_names_a_path_outside_the_repository():
    files = list(user_files(ROOT))
    names = {p.relative_to(ROOT).as_posix() for p, _ in files}
    assert {"README.md", "course/SYLLABUS.md", "course/README.md"} <= names
    assert any(n.startswith("course/") and n.endswith(".ipynb") for n in names)
    assert any(n.startswith("release/") and n.endswith(".ipynb") for n in names)
    problems = path_problems(ROOT)
    assert not problems, "paths outside the repository:\n" + "\n".join(problems)


PLANTED = {
    "see [the notes](../shared/lectures/000.txt)": "the lecture notes' folder",
    "see [the notes](../../../notes/000.txt)": "a link leading out of the repository",
    "![figure](/work/main/figure.png)": "a link to an absolute path",
    '<img src="/home/me/figure.png">': "a link to an absolute path",
    "[notes]: file:///srv/notes.pdf": "a link to a file: URL",
    "the notes are in /work/shared/lectures": "an absolute path",
    "open /tmp/scratch/out.npz": "an absolute path",
    "copy C:\\Users\\me\\notes.pdf": "a Windows path",
    "sys.path.insert(0, '../../../elsewhere')": "a relative path leading out",
}
CLEAN = (
    "[syllabus](SYLLABUS.md#weight-indices), [main](../README.md), [site](https://example.org/"
    "home/x), <a href='#top'>top</a>, ~/.cache/ffnn-numba, A = X @ W + b, 1/2 (y - t)^2, "
    "http://localhost:8888/tmp/x, [mail](mailto:a@b.c), [run](../release/a1/a1.ipynb)"
)


def plant(root, text):
    """A small repository under ``root`` whose course notebook, course README and assignment
    each carry ``text``."""
    for folder in ("course", "release/a1"):
        (root / folder).mkdir(parents=True)
    (root / "README.md").write_text("# course\n", encoding="utf-8")
    (root / "course" / "README.md").write_text(text, encoding="utf-8")
    for path in (root / "course" / "01_x.ipynb", root / "release" / "a1" / "a1.ipynb"):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell(text), nbformat.v4.new_code_cell("x = 1")]
        nbformat.write(nb, path)


@pytest.mark.parametrize("text", PLANTED, ids=list(PLANTED.values()))
def test_the_check_finds_a_planted_path(tmp_path, text):
    plant(tmp_path, text)
    problems = path_problems(tmp_path)
    for where in ("course/README.md", "course/01_x.ipynb", "release/a1/a1.ipynb"):
        mine = [p for p in problems if p.startswith(where + ":")]
        assert any(PLANTED[text] in p for p in mine), (where, problems)


def test_the_check_accepts_links_inside_the_repository_and_urls(tmp_path):
    plant(tmp_path, CLEAN)
    assert path_problems(tmp_path) == []
