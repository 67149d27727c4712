"""The student edition: every solution out, everything else in, and the copies still run."""
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from nnlesson.tools.student_edition import (COURSE_NOTEBOOKS, is_hidden, student_notebook,
                                            write_student_edition)

NOTEBOOKS = sorted(COURSE_NOTEBOOKS.glob("*.ipynb"))
# A stub is found another way than a solution: a visible cell that hands a function to a checker.
STUB_CALL = re.compile(r"^(check_\w+)\(", re.MULTILINE)


def checkers(cell):
    return STUB_CALL.findall(cell.source)


def stubs(nb):
    return [c for c in nb.cells if c.cell_type == "code" and not is_hidden(c) and checkers(c)]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "nnlesson", "student-edition", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_each_exercise_loses_its_solution_and_nothing_else(path):
    nb = nbformat.read(path, as_version=4)
    edition = student_notebook(nb, path.name)
    # One solution per exercise, the same checkers in the same order as the stubs call.
    assert [checkers(c) for c in edition.solutions] == [checkers(c) for c in stubs(nb)]
    assert all(is_hidden(c) and c.cell_type == "code" for c in edition.solutions)
    # The only other cells removed are the lines announcing a solution, each just before one.
    for cell in edition.announcements:
        after = nb.cells[nb.cells.index(cell) + 1]
        assert cell.source.startswith("One solution is in the next cell")
        assert any(after is s for s in edition.solutions)
    removed = {id(c) for c in edition.solutions + edition.announcements}
    assert [c.source for c in edition.notebook.cells] == \
        [c.source for c in nb.cells if id(c) not in removed]
    # Stubs, hints, the capstone and the check-yourself answers are all still there.
    kept = edition.notebook
    assert len(stubs(kept)) == len(stubs(nb))
    assert sum("Hint</summary>" in c.source for c in kept.cells) == \
        sum("Hint</summary>" in c.source for c in nb.cells)
    assert sum("capstone(" in c.source for c in kept.cells) == \
        sum("capstone(" in c.source for c in nb.cells)
    hidden = [c.source for c in kept.cells if is_hidden(c)]
    assert hidden == [c.source for c in nb.cells if is_hidden(c) and id(c) not in removed]
    assert all(c.outputs == [] and c.execution_count is None
               for c in kept.cells if c.cell_type == "code")


def test_the_course_has_exercises_to_remove():
    # Guards the test above from passing on a course whose stubs it no longer recognises.
    counts = {p.name: len(stubs(nbformat.read(p, as_version=4))) for p in NOTEBOOKS}
    assert all(counts[name] > 0 for name in ("02_feedforward.ipynb", "06_training_mnist.ipynb"))


def synthetic(later):
    """A notebook: a stub for f, its solution (which also defines a helper), then ``later``."""
    cell = nbformat.v4.new_code_cell
    solution = cell("def helper(x):\n    return x\n\ndef f(x):\n    return helper(x)\n\n"
                    "check_f(f)", metadata={"jupyter": {"source_hidden": True}})
    return nbformat.v4.new_notebook(cells=[
        cell("def f(x):\n    return ...\n\n\ncheck_f(f)"),
        nbformat.v4.new_markdown_cell("One solution is in the next cell."),
        solution, cell(later)])


def test_a_later_cell_using_what_only_a_solution_defines_is_refused():
    with pytest.raises(ValueError, match=r"x.ipynb: cell 4 uses 'helper', which only the "
                                         r"removed solution in cell 3 defines"):
        student_notebook(synthetic("print(helper(2))"), "x.ipynb")


def test_a_name_bound_only_inside_a_function_does_not_hide_the_use():
    # helper = 1 inside g is g's own local: the print still needs the solution's helper.
    with pytest.raises(ValueError, match="uses 'helper'"):
        student_notebook(synthetic("def g():\n    helper = 1\n\nprint(helper)"), "x.ipynb")


def test_a_later_cell_using_the_stubs_function_is_fine():
    edition = student_notebook(synthetic("print(f(2))\nhelper = 3\nprint(helper)"), "x.ipynb")
    assert len(edition.solutions) == 1 and len(edition.announcements) == 1
    assert [c.source for c in edition.notebook.cells][-1].startswith("print(f(2))")


def test_only_a_line_announcing_the_solution_goes_with_it():
    nb = synthetic("print(f(2))")
    nb.cells[1].source = "### Your turn: f (its text stays, even right above the solution)"
    edition = student_notebook(nb, "x.ipynb")
    assert len(edition.solutions) == 1 and edition.announcements == []
    assert nb.cells[1].source in [c.source for c in edition.notebook.cells]


def test_a_refused_notebook_writes_nothing(tmp_path):
    source = tmp_path / "course"
    source.mkdir()
    nbformat.write(synthetic("print(helper(2))"), source / "x.ipynb")
    with pytest.raises(ValueError, match="helper"):
        write_student_edition(tmp_path / "out", source=source)
    assert not (tmp_path / "out").exists()


def test_the_command_line_writes_every_notebook_into_a_new_folder(tmp_path):
    out = tmp_path / "class" / "2026"
    result = cli(out)
    assert result.returncode == 0, result.stderr
    solutions = sum(len(student_notebook(nbformat.read(p, as_version=4)).solutions)
                    for p in NOTEBOOKS)
    assert result.stdout.strip().splitlines() == [
        f"wrote {len(NOTEBOOKS)} notebooks to {out}, without their {solutions} solution cells "
        "(hints and check-yourself answers kept)"]
    assert sorted(p.name for p in out.iterdir()) == [p.name for p in NOTEBOOKS]


def test_existing_copies_are_kept_unless_forced(tmp_path):
    (tmp_path / NOTEBOOKS[0].name).write_text("a teacher's own edits")
    refused = cli(tmp_path)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and "--force" in refused.stderr
    assert (tmp_path / NOTEBOOKS[0].name).read_text() == "a teacher's own edits"
    assert len(list(tmp_path.iterdir())) == 1  # nothing written beside it either
    forced = cli(tmp_path, "--force")
    assert forced.returncode == 0, forced.stderr
    assert nbformat.read(tmp_path / NOTEBOOKS[0].name, as_version=4).cells


def solution_counts():
    return {p.name: len(student_notebook(nbformat.read(p, as_version=4)).solutions)
            for p in NOTEBOOKS}


def test_the_course_folder_itself_is_refused():
    before = solution_counts()
    result = cli(COURSE_NOTEBOOKS)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "course's own notebooks folder" in result.stderr
    assert solution_counts() == before  # (not mtimes: other authors may be saving a lesson)


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    write_student_edition(out)
    return out


def with_exercises(folder):
    """The copies that lost a solution: the others differ from the course only by outputs,
    which CI's nbval run of the course already executes."""
    return [folder / p.name for p in NOTEBOOKS
            if student_notebook(nbformat.read(p, as_version=4)).solutions]


def test_the_copies_run_top_to_bottom_under_nbval(edition, mnist):
    copies = with_exercises(edition)
    assert len(copies) >= 2
    env = {**os.environ, "NNLESSON_DATA": os.environ.get("NNLESSON_DATA", "")}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "--nbval-lax", "--nbval-current-env", *map(str, copies)],
                            cwd=edition, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.parametrize("name", ["02_feedforward.ipynb", "06_training_mnist.ipynb"])
def test_every_stub_says_not_written_yet(edition, mnist, name):
    from nbclient import NotebookClient
    nb = nbformat.read(edition / name, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(edition)}}).execute()

    def said(cell):
        return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    assert stubs(nb) and all("Not written yet" in said(c) for c in stubs(nb))
    # Lesson 6's capstone runs the learner's (unwritten) train_epoch: it says so too.
    assert all("Not written yet" in said(c) for c in nb.cells if "capstone(train_epoch" in c.source)
    assert not any(o.output_type == "error" for c in nb.cells if c.cell_type == "code"
                   for o in c.outputs)
