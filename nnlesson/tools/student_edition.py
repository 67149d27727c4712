"""The student edition (issue #11, section 4): copies of the lessons without the exercises' solutions.

``python -m nnlesson student-edition DIR`` writes every notebook of the course into DIR, minus
each exercise's solution, so that a teacher can hand the copies out. A solution is a collapsed
(``source_hidden``) code cell that calls an exercise checker (``check_...``) or the capstone:
that is how CONTRIBUTING.md asks every solution to be written. The markdown line announcing it
("One solution is in the next cell") goes with it, since it would point at nothing. Everything
else stays: the stubs (whose checkers answer "Not written yet"), the hints, and the "Check
yourself" answers. Those answers are collapsed too, but they are not graded work: they let a
learner check a thought-through answer without a teacher at hand, and each lesson's text tells
the learner where to find them, so removing them would leave that text pointing at nothing.

The copies run top to bottom. A later cell that uses what a solution defined (lesson 6's
capstone calls the learner's ``train_epoch``) gets the stub's definition instead, which the
checkers recognise. If a later cell used a name that only a removed solution defines, the copy
would stop with a NameError: the tool refuses to write such a notebook and names the cell.

Copies are written without outputs or execution counts, so nothing of a solution's output
survives either, and nbval does not compare the (unrun) checked cells.
"""
from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass
from pathlib import Path

COURSE_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
SOLUTION_CALL = re.compile(r"^\s*(check_\w+|capstone)\s*\(", re.MULTILINE)
ANNOUNCEMENT = re.compile(r"^\s*One solution is in the next cell", re.IGNORECASE)


@dataclass
class Edition:
    """What one notebook's student copy holds, and what was taken out of it."""
    notebook: object        # the nbformat notebook, solutions removed
    solutions: list         # the removed solution cells
    announcements: list     # the removed markdown cells that announced them


def is_hidden(cell):
    return bool(cell.get("metadata", {}).get("jupyter", {}).get("source_hidden", False))


def is_solution(cell):
    """A collapsed code cell that hands a function to a checker (or to the capstone)."""
    return cell.cell_type == "code" and is_hidden(cell) and bool(SOLUTION_CALL.search(cell.source))


def student_notebook(nb, name="notebook"):
    """The student copy of one notebook (an nbformat notebook, not changed in place)."""
    check_no_dangling_names(nb.cells, name)
    kept, solutions, announcements = [], [], []
    for i, cell in enumerate(nb.cells):
        following = nb.cells[i + 1] if i + 1 < len(nb.cells) else None
        if is_solution(cell):
            solutions.append(cell)
        elif (cell.cell_type == "markdown" and following is not None and is_solution(following)
              and ANNOUNCEMENT.match(cell.source)):
            announcements.append(cell)
        else:
            kept.append(copy.deepcopy(cell))
    for cell in kept:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    student = copy.deepcopy(nb)
    student.cells = kept
    return Edition(student, solutions, announcements)


def check_no_dangling_names(cells, name):
    """Refuse a copy in which a kept cell would use a name that only a removed solution binds."""
    bound, orphans = set(), {}
    for i, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        binds, uses = names_of(cell.source)
        if is_solution(cell):
            orphans.update({n: i for n in binds - bound})
            continue
        missing = sorted(n for n in uses - binds if n in orphans and n not in bound)
        if missing:
            raise ValueError(f"{name}: cell {i + 1} uses {missing[0]!r}, which only the removed "
                             f"solution in cell {orphans[missing[0]] + 1} defines: define it in "
                             f"that exercise's stub cell too")
        bound |= binds


def names_of(source):
    """The names a cell binds at its top level, and every name it reads (functions included:
    they read globals when called). IPython magics are skipped."""
    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set(), set()
    binds, uses = set(), set()

    def visit(node, top):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                uses.add(node.id)
            elif top:
                binds.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)) and top:
            binds.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            if top and not isinstance(node, ast.Lambda):
                binds.add(node.name)
            top = False  # what the body assigns is its own (local) name
        for child in ast.iter_child_nodes(node):
            visit(child, top)
    visit(tree, True)
    return binds, uses


def write_student_edition(out, source=COURSE_NOTEBOOKS, force=False):
    """Write the student copies of every notebook in ``source`` into ``out``; returns a summary.

    Refuses (ValueError, one line) to write into the course's own folder, or over existing
    files unless ``force``. Every notebook is checked before the first file is written.
    """
    import nbformat
    out, source = Path(out), Path(source)
    paths = sorted(source.glob("*.ipynb"))
    if not paths:
        raise ValueError(f"no notebooks found in {source}: run this from a copy of the course")
    if out.resolve() == source.resolve():
        raise ValueError(f"{out} is the course's own notebooks folder: choose another folder "
                         "for the student edition")
    existing = [p.name for p in paths if (out / p.name).exists()]
    if existing and not force:
        raise ValueError(f"{out} already holds {existing[0]}"
                         f"{f' and {len(existing) - 1} more' if len(existing) > 1 else ''}: "
                         "add --force to overwrite, or choose an empty folder")
    editions = {p.name: student_notebook(nbformat.read(p, as_version=4), p.name) for p in paths}
    out.mkdir(parents=True, exist_ok=True)
    for filename, edition in editions.items():
        nbformat.write(edition.notebook, out / filename)
    removed = sum(len(e.solutions) for e in editions.values())
    return (f"wrote {len(editions)} notebooks to {out}, without their {removed} solution cells "
            "(hints and check-yourself answers kept)")
