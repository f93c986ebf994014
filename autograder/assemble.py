"""Rebuild a submission on the instructor's notebook, whatever its metadata says.

The submitted notebook is read as data only. Its nbgrader metadata is not trusted:
the graded notebook is built on the skeleton of ``source/`` (cell order, flags, points,
ids, tests with their hidden part), and the submission contributes only

* the code of each answer cell, found by its ``grade_id`` (a cell whose id was swapped
  onto a test cell is recognised because its code is not the released test's);
* its own extra code cells (imports, helpers, experiments), kept after the labelled
  cell they followed;
* the text of each written answer, with every ``<`` escaped so no HTML or script of
  the student's reaches the feedback page or the Formgrader.

What was repaired is listed in ``notes``. Nothing in the submission can move, remove,
add or re-weight a test.
"""

import copy
import dataclasses
import hashlib
import json


class Node(dict):
    """A notebook, cell or output: a dict with attribute access (like nbformat's
    NotebookNode, without importing nbformat, which costs ~0.9 s per process)."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key, value):
        self[key] = value


def read_notebook(path):
    """A trusted notebook (source/ or release/) with every cell's source as one string."""
    nb = json.loads(open(path, encoding="utf-8").read(), object_hook=Node)
    for cell in nb.cells:
        cell.source = _source_text(cell)
    return nb


def write_notebook(nb, path):
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(nb, fh, indent=1, ensure_ascii=False)
        fh.write("\n")


def new_code_cell(source, key=""):
    """A code cell; its id is derived from ``key`` and the code (the same submission
    gives the same graded notebook, run after run)."""
    return Node(
        cell_type="code",
        id=hashlib.sha1(f"{key}\0{source}".encode()).hexdigest()[:12],
        metadata=Node(),
        source=source,
        outputs=[],
        execution_count=None,
    )


def meta(cell):
    """The nbgrader metadata of a cell, {} when absent or malformed."""
    md = cell.get("metadata") if isinstance(cell, dict) else None
    nbg = md.get("nbgrader") if isinstance(md, dict) else None
    return nbg if isinstance(nbg, dict) else {}


def is_test(cell):
    m = meta(cell)
    return cell.get("cell_type") == "code" and bool(m.get("grade")) and not m.get("solution")


def is_answer(cell):
    return bool(meta(cell).get("solution"))


@dataclasses.dataclass
class Assembled:
    notebook: Node  # the graded notebook, in the source's order
    notes: list  # what was repaired in the submission's metadata


def _source_text(cell):
    src = cell.get("source", "")
    return "".join(map(str, src)) if isinstance(src, list) else str(src)


def _same(a, b):
    return " ".join(a.split()) == " ".join(b.split())


def _clean_code(cell, key):
    return new_code_cell(_source_text(cell), key)


def assemble(source, release, submitted):
    """The graded notebook: ``source``'s cells, with the answers and extra cells of
    ``submitted`` (a dict from JSON, not trusted); ``release`` gives the stubs used
    for a missing answer and the test code a student's copy is compared with."""
    notes = []
    answer_ids = [meta(c)["grade_id"] for c in source.cells if is_answer(c)]
    test_ids = {meta(c)["grade_id"] for c in source.cells if is_test(c)}
    release_cells = {meta(c).get("grade_id"): c for c in release.cells if meta(c).get("grade_id")}
    labelled = set(answer_ids) | {meta(c).get("grade_id") for c in source.cells if meta(c)}
    labelled.discard(None)

    test_copies = [_source_text(c) for c in release.cells if is_test(c)]
    found, extras, anchor = {}, {}, None
    swapped = []
    cells = submitted.get("cells", []) if isinstance(submitted, dict) else []
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown"):
            continue
        gid = meta(cell).get("grade_id")
        gid = gid if isinstance(gid, str) else None
        kind = cell["cell_type"]
        if gid in answer_ids and gid not in found:
            released = release_cells.get(gid, {})
            if kind == "code" and any(_same(_source_text(cell), t) for t in test_copies):
                notes.append(f"cell {gid} holds a released test, not an answer: ignored")
                continue
            if kind == released.get("cell_type", kind):
                found[gid] = cell
                anchor = gid
                continue
            notes.append(f"cell {gid} changed type to {kind}: ignored")
            continue
        if gid in test_ids:
            released = release_cells.get(gid)
            edited = released and not _same(_source_text(cell), _source_text(released))
            if kind == "code" and edited:
                swapped.append((gid, cell))  # an answer that carries a test's id?
            anchor = gid
            continue
        if gid in answer_ids:  # a second copy of an answer cell: runs as the student's code
            notes.append(f"duplicated cell {gid}: the first copy is the answer")
        elif gid in labelled:
            anchor = gid
            continue
        if kind == "code" and _source_text(cell).strip():
            here = extras.setdefault(anchor, [])
            here.append(_clean_code(cell, f"{anchor}-{len(here)}"))

    for gid in answer_ids:
        if gid in found or not swapped:
            continue
        if release_cells.get(gid, {}).get("cell_type") == "code":
            test_gid, cell = swapped.pop(0)
            found[gid] = cell
            notes.append(f"answer {gid} was found under the id of test {test_gid}: repaired")
    for test_gid, _ in swapped:
        notes.append(f"test cell {test_gid} was edited: the original test was used")

    nb = copy.deepcopy(source)
    out = []
    first_labelled = next(i for i, c in enumerate(nb.cells) if meta(c))
    for i, cell in enumerate(nb.cells):
        if i == first_labelled:
            out.extend(extras.get(None, []))
        gid = meta(cell).get("grade_id")
        if not meta(cell):
            if cell.cell_type == "code":
                continue  # setup code: the student's copy comes in as an extra cell
            out.append(cell)
            continue
        if is_answer(cell):
            chosen = found.get(gid)
            if chosen is None:
                notes.append(f"answer {gid} missing from the submission: graded as blank")
                chosen = release_cells.get(gid)  # the stub (never the source's solution)
            cell.source = _source_text(chosen) if chosen is not None else ""
            if cell.cell_type == "markdown":
                cell.source = cell.source.replace("<", "&lt;")
                cell.pop("attachments", None)
            else:
                cell.outputs, cell.execution_count = [], None
        out.append(cell)
        out.extend(extras.get(gid, []))
    nb.cells = out
    return Assembled(nb, notes)
